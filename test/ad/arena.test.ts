// The tape arena (src/tape/arena.ts): split pairs that a derivative calls take their tapes
// from the arena of that derivative call instead of malloc, recursion included; pairs the
// user calls (__enzyme_augmentfwd / __enzyme_reverse) own an arena of their own, kept in
// their malloc'd tape. fixtures/leaks/recursion.c (the determinant by minors, a recursive
// tree sum, mutual recursion, recursion in a loop, width 2, a gradient inside a derivative,
// the user's pairs reversed first-in first-out) checks every gradient against finite differences; here it runs under
// lli and as a native program (clang 14 and 19, -O0 and -O2), the generated code is checked
// to take its tapes from the arena, and valgrind counts the allocations of a gradient.
// (test/lower/leaks.test.ts runs the same program under valgrind for leaks.)
import { describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { SourceFile } from '../../src/diag/source.js';
import { parseModule } from '../../src/syntax/parse.js';
import { lowerModule } from '../../src/lower/lower.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import type { Function } from '../../src/ir/function.js';
import type { CallInst } from '../../src/ir/instructions.js';

const SRC = join(ROOT, 'fixtures', 'leaks', 'recursion.c');

function lowered(clang: string, opt: string, defs: string[] = []): { text: string; fns: Function[] } {
  const ll = execFileSync(clang, ['-S', '-emit-llvm', `-${opt}`, ...defs, SRC, '-o', '-'], { encoding: 'utf8' });
  const file = new SourceFile('recursion.ll', ll);
  const m = parseModule(file);
  lowerModule(m, file);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), fns: m.functions };
}

const callees = (f: Function): string[] =>
  f.blocks.flatMap((b) => b.instructions.filter((i) => i.op === 'call').map((i) => (i as CallInst).callee.name ?? ''));

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`lli${suffix}`))(`tapes of recursive calls from the arena, clang ${v}`, () => {
    for (const opt of ['O0', 'O2']) {
      test(`-${opt}: every gradient matches finite differences (lli); callees' tapes come from the arena`, () => {
        const { text, fns } = lowered(`clang-${v}`, opt);
        const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-arena-'));
        try {
          writeFileSync(join(dir, 'r.ll'), text);
          const r = spawnSync(`lli${suffix}`, [join(dir, 'r.ll')], { encoding: 'utf8' });
          expect(r.stdout + r.stderr).toContain('ok');
          expect(r.status).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const pairs = fns.filter((f) => /^augmented_/.test(f.name ?? ''));
        // Callees' pairs (the recursive ones among them) take the arena as their last parameter
        // and never malloc their tape; the user's own pair (det, through __enzyme_augmentfwd) does.
        const inArena = pairs.filter((f) => f.args.at(-1)?.name === 'arena');
        for (const name of ['minor_det', 'tsum', 'even', 'odd', 'rpow']) {
          if (opt === 'O2' && name === 'minor_det') continue; // inlined into det at -O2 (and recursive: its pair exists either way)
          expect(inArena.some((f) => f.name === `augmented_${name}` || f.name!.startsWith(`augmented_${name}.`)), name).toBe(true);
        }
        for (const f of inArena) {
          const tape = f.blocks[0]!.instructions.find((i) => i.name === 'tapemem') as CallInst | undefined;
          expect(tape?.callee.name, f.name!).toBe('__enzyme_ts_arena_alloc');
          // -O2: the loops' trip counts are known at their entry, so their buffers come from the
          // arena too; -O0 reads loop bounds from memory and grows the buffers (malloc).
          if (opt === 'O2') expect(callees(f), f.name!).not.toContain('malloc');
        }
        const user = pairs.find((f) => f.name === 'augmented_det');
        expect(user).toBeDefined();
        expect(user!.args.at(-1)?.name).not.toBe('arena');
        expect(callees(user!)).toContain('malloc');
      }, 120_000);
    }
  });
}

describe.skipIf(!hasTool('clang-19') || !hasTool('valgrind'))('allocations of a gradient of recursive code', () => {
  test('the chunks of the arena are reused: a few mallocs per round of gradients, not one per recursive call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-arena-'));
    try {
      const allocs = (reps: number): number => {
        writeFileSync(join(dir, `r${reps}.ll`), lowered('clang-19', 'O2', [`-DREPS=${reps}`]).text);
        execFileSync('clang-19', ['-O1', join(dir, `r${reps}.ll`), '-o', join(dir, `r${reps}`), '-lm']);
        const r = spawnSync('valgrind', [join(dir, `r${reps}`)], { encoding: 'utf8' });
        expect(r.stdout).toContain('ok');
        const m = /total heap usage: ([\d,]+) allocs/.exec(r.stderr);
        expect(m, r.stderr).not.toBeNull();
        return Number(m![1]!.replace(/,/g, ''));
      };
      const perRound = (allocs(11) - allocs(1)) / 10;
      // A round takes 8 gradients over about 200 recursive calls: 373 mallocs per round when
      // each call had a malloc'd tape and loop buffer; now 9: the two tapes of the user's pairs,
      // the loop buffer of `loopy`, the first chunks of the arenas that find the kept chunks
      // taken by another (the second user pair, the gradient inside `outer`).
      expect(perRound).toBeLessThanOrEqual(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

test('the program checks what the test says', () => {
  const text = readFileSync(SRC, 'utf8');
  for (const s of ['minor_det', 'tsum', 'even', 'odd', 'rpow', 'enzyme_width, 2', '__enzyme_augmentfwd', '__enzyme_inactivefn_inner', 'FD(']) expect(text).toContain(s);
});
