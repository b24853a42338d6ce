#!/usr/bin/env node
// The installed command: runs the compiled program in dist/. From a clone that
// was never built there is no dist/: say so in one line instead of a stack trace.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= 20)) {
  process.stderr.write(`enzyme-ts: error: needs Node.js 20 or newer (this is ${process.version})\n`);
  process.exit(2);
}
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`enzyme-ts: error: not built: run 'npm ci && npm run build' in ${root}\n`);
  process.exit(2);
}
const { main, exitQuietlyOnClosedPipe } = await import(entry.href);
exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv);
