// Every example in the docs is a real run: the generated pages (diagnostics.md from the codes
// table, instructions.md from the rule registries) must be what their generators write, and
// every `<!-- run: ... -->` block of the docs and the README must be what its commands print
// now. On a failure: `npm run docs`, then review the diff.
import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../util/llvm.js';
import { docFiles, expectedDocs } from '../../src/docs/main.js';
import { findBlocks } from '../../src/docs/examples.js';
import { CODES, type Code } from '../../src/diag/codes.js';
import { CODE_DOCS } from '../../src/diag/explain.js';

describe('docs are self-contained', () => {
  test('no page refers to a CONTRACT.md the repository does not have', () => {
    for (const f of docFiles(ROOT)) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      if (!existsSync(join(ROOT, 'CONTRACT.md'))) expect(text, f).not.toMatch(/CONTRACT\.md/);
    }
  });
  test('relative links point at files that exist', () => {
    for (const f of docFiles(ROOT)) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)(#[^)]*)?\)/g)) {
        expect(existsSync(join(ROOT, f, '..', m[1]!)), `${f}: link to ${m[1]}`).toBe(true);
      }
    }
  });
  test('every code has an explanation, and every example a command', () => {
    for (const c of Object.keys(CODES) as Code[]) {
      expect(CODE_DOCS[c], c).toBeDefined();
      expect(CODE_DOCS[c].explanation.length, c).toBeGreaterThan(40);
      for (const ex of CODE_DOCS[c].examples ?? []) expect(ex.commands.length, c).toBeGreaterThan(0);
    }
  });
  test('the docs have run blocks (examples come from real runs)', () => {
    const n = docFiles(ROOT).reduce((s, f) => s + findBlocks(readFileSync(join(ROOT, f), 'utf8')).length, 0);
    expect(n).toBeGreaterThan(40);
  });
});

describe('docs match what the tool prints now', () => {
  test.each(docFiles(ROOT))('%s', async (f) => {
    const got = await expectedDocs(ROOT, (x) => x === f);
    const d = got.get(f)!;
    expect(d.changed, `${f} is out of date: run npm run docs and review the diff`).toEqual([]);
    expect(d.text === d.now).toBe(true);
  }, 300_000);
});
