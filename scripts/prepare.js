// `npm run prepare`: builds dist/ when the package is installed from a clone
// (`npm ci`, `npm install -g ./clone`) or packed (`npm pack`). A global install
// of a folder links it without installing its dev dependencies, so the
// compiler may be missing: install them first (without scripts, so this does
// not run again), then compile.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The outer npm passes its settings down as npm_config_* variables: an inner install must not
// inherit `global`, `prefix` or `omit` (it would install elsewhere, or skip the compiler).
const env = { ...process.env };
for (const k of Object.keys(env)) {
  if (/^npm_config_(global|prefix|location|omit|include|production|only|also|dev|install_links|save.*)$/i.test(k)) delete env[k];
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stderr.write(`enzyme-ts: build failed: ${cmd} ${args.join(' ')}\n`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(tsc)) run(npm, ['install', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save']);
run(process.execPath, [tsc, '-p', 'tsconfig.json']);
