// Pointer parameters whose memory holds integers only get no shadow (src/analysis/intonly.ts).
// test/ad/programs/intonly.c: the determinant by minors (integer row and column lists passed
// through every recursive call; reverse and forward mode), doubles stored into integer memory by callees (the shadow is
// needed there), an index list beside an active array. Lowered from clang 14 and 19 at -O0 and
// -O2, run under lli against central finite differences; at -O2 the split pairs have no shadow
// parameter for the integer-only pointers, and the derivative allocates no shadow for them.
import { describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { parseText } from '../../src/syntax/parse.js';
import { lowerModule } from '../../src/lower/lower.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import type { Function } from '../../src/ir/function.js';
import type { CallInst } from '../../src/ir/instructions.js';

const SRC = join(ROOT, 'test', 'ad', 'programs', 'intonly.c');

const params = (fns: Function[], name: string): number => {
  const f = fns.find((g) => g.name === name);
  expect(f, name).toBeDefined();
  return f!.args.length;
};

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`lli${suffix}`) || !hasTool(`llvm-as${suffix}`))(`integer-only pointer parameters, clang ${v}`, () => {
    for (const opt of ['O0', 'O2']) {
      test(`-${opt}: gradients match finite differences; no shadow for integer-only memory`, () => {
        const ll = execFileSync(`clang-${v}`, ['-S', '-emit-llvm', `-${opt}`, SRC, '-o', '-'], { encoding: 'utf8' });
        const m = parseText(ll, 'intonly.ll');
        lowerModule(m, null, { looseTypes: false });
        expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
        const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-intonly-'));
        try {
          writeFileSync(join(dir, 't.ll'), printModule(m));
          execFileSync(`llvm-as${suffix}`, ['--disable-output', join(dir, 't.ll')]);
          const r = spawnSync(`lli${suffix}`, [join(dir, 't.ll')], { encoding: 'utf8' });
          expect(r.stdout + r.stderr).toContain('ok');
          expect(r.status).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        if (opt !== 'O2') return; // -O0 keeps every parameter in a stack slot: the rule does not look through them
        const fns = m.functions;
        // det_of_minor(a, m, n, r, c): a and its shadow, m, n, r, c, the arena (no r', c').
        expect(params(fns, 'augmented_det_of_minor')).toBe(7);
        expect(params(fns, 'reverse_det_of_minor')).toBe(9); // ..., seed, tape, arena
        expect(params(fns, 'fwddiffedet_of_minor')).toBe(6); // a and its tangent, m, n, r, c
        // chain(x, slot, count, n): slot holds doubles (its shadow stays), count is an integer.
        expect(params(fns, 'augmented_chain')).toBe(7);
        // gather(x, idx, seen, n): only x has a shadow.
        expect(params(fns, 'augmented_gather')).toBe(6);
        // The derivative of det allocates no zeroed shadow for the two lists.
        const d = fns.find((f) => f.name === 'diffedet')!;
        const called = d.blocks.flatMap((b) => b.instructions.filter((i) => i.op === 'call').map((i) => (i as CallInst).callee.name ?? ''));
        expect(called.filter((n) => n.startsWith('llvm.memset') || n === 'calloc' || n.includes('tape_take'))).toEqual([]);
      }, 120_000);
    }
  });
}
