// `npm run docs`: regenerates docs/instructions.md and docs/diagnostics.md, and re-runs every
// example block of the docs and the README, rewriting them with what the commands print now.
// `npm run docs -- --check` changes nothing and exits 1 when a block is out of date.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instructionsDoc } from '../rules/doc.js';
import { diagnosticsDoc } from './diagnostics.js';
import { findBlocks, makeRunner, refresh } from './examples.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The markdown files whose examples are run. */
export function docFiles(root: string): string[] {
  return ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join('docs', f))];
}

/** What each file should hold: generated files from their generators, then every run block re-run. */
export async function expectedDocs(root: string, only?: (f: string) => boolean): Promise<Map<string, { now: string; text: string; changed: string[] }>> {
  const r = makeRunner(root);
  const out = new Map<string, { now: string; text: string; changed: string[] }>();
  try {
    for (const f of docFiles(root)) {
      if (only && !only(f)) continue;
      const now = readFileSync(join(root, f), 'utf8');
      let base = now;
      if (f === join('docs', 'instructions.md')) base = instructionsDoc();
      if (f === join('docs', 'diagnostics.md')) base = diagnosticsDoc();
      const res = await refresh(r, base);
      // what differs from the committed file: its blocks one by one, or the text around them
      const was = findBlocks(now);
      const changed = findBlocks(res.text).filter((b, k) => was[k]?.text !== b.text).map((b) => `${b.where}: ${b.commands.join(' && ')}`);
      if (res.text !== now && !changed.length) changed.push('(the text around the examples)');
      out.set(f, { now, text: res.text, changed });
    }
  } finally {
    r.dispose();
  }
  return out;
}

async function run(): Promise<number> {
  const check = process.argv.includes('--check');
  const docs = await expectedDocs(ROOT);
  let stale = 0;
  for (const [f, d] of docs) {
    if (d.text === d.now) continue;
    stale++;
    if (check) process.stdout.write(`${f}: out of date\n${d.changed.map((c) => `  ${c}\n`).join('')}`);
    else { writeFileSync(join(ROOT, f), d.text); process.stdout.write(`wrote ${f}\n`); }
  }
  if (check && stale) process.stdout.write('run `npm run docs` and review the diff\n');
  return check && stale ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((code) => { process.exitCode = code; });
}
