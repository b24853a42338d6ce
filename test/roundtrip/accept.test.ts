// Valid IR the front end must accept: fixtures/accept/llvmN/*.ll are modules that
// LLVM N reads (hand-written reproducers of refusals, and a sample of the
// front-end sweep, `npm run sweep-frontend`, over clang 13 to 19 and rustc).
// For each: LLVM N accepts the fixture itself; enzyme-ts parses and verifies it;
// LLVM N accepts what enzyme-ts prints and normalizes it to the same module.
// llvm22/ holds rustc output (no LLVM 22 here): printing must be a fixed point and,
// with the LLVM 22 spellings rewritten (test/util/llvm22.ts), LLVM 19 must see the
// same module in the input and the output.
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool, run } from '../util/llvm.js';
import { toLLVM19 } from '../util/llvm22.js';

const DIR = join(ROOT, 'fixtures', 'accept');

function files(v: number): { name: string; text: string }[] {
  const d = join(DIR, `llvm${v}`);
  if (!existsSync(d)) return [];
  const out: { name: string; text: string }[] = [];
  const walk = (sub: string): void => {
    for (const e of readdirSync(join(d, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ll')) out.push({ name: `llvm${v}/${rel}`, text: readFileSync(join(d, rel), 'utf8') });
    }
  };
  walk('');
  return out;
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n'); const y = b.split('\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return `line ${i + 1}: input ${JSON.stringify(x[i] ?? '<end>')}, printed ${JSON.stringify(y[i] ?? '<end>')}`;
}

function parseAndPrint(text: string, name: string): string {
  const m = parseText(text, name);
  expect(verifyModule(m, null).map((d) => d.message), 'the verifier accepts what LLVM accepts').toEqual([]);
  return printModule(m);
}

async function sameUnderLLVM(v: number, input: string, printed: string): Promise<void> {
  const opt = `opt-${v}`;
  const [a, b] = await Promise.all([run(opt, ['-S', '-o', '-'], input), run(opt, ['-S', '-o', '-'], printed)]);
  expect(a.code, `LLVM ${v} rejects the fixture itself: ${a.stderr}`).toBe(0);
  expect(b.code === 0 ? '' : b.stderr, `LLVM ${v} rejects the printed module`).toBe('');
  expect(a.stdout === b.stdout ? '' : firstDifference(a.stdout, b.stdout), 'the printed module differs after LLVM normalizes both').toBe('');
}

describe('fixtures/accept: valid IR is read and printed back as the same module', () => {
  test('there are fixtures for LLVM 13, 14, 15, 16, 19 and 22', () => {
    for (const v of [13, 14, 15, 16, 19, 22]) expect(files(v).length, `fixtures/accept/llvm${v}`).toBeGreaterThan(0);
  });

  for (const v of [13, 14, 15, 16, 19]) {
    describe.skipIf(!hasTool(`opt-${v}`))(`LLVM ${v}`, () => {
      test.concurrent.each(files(v).map((f) => [f.name, f] as const))('%s', async (_n, f) => {
        await sameUnderLLVM(v, f.text, parseAndPrint(f.text, f.name));
      }, 120_000);
    });
  }

  describe.skipIf(!hasTool('opt-19'))('LLVM 22 (rustc)', () => {
    test.concurrent.each(files(22).map((f) => [f.name, f] as const))('%s', async (_n, f) => {
      const once = parseAndPrint(f.text, f.name);
      const twice = parseAndPrint(once, `${f.name} (printed)`);
      expect(twice === once ? '' : firstDifference(once, twice), 'printing is a fixed point').toBe('');
      await sameUnderLLVM(19, toLLVM19(f.text), toLLVM19(once));
    }, 120_000);
  });
});
