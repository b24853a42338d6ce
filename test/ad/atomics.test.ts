// Floating atomic updates on active data (atomicrmw fadd / fsub / xchg, src/ad/atomics.ts):
// hand-written modules in both pointer dialects (test/ad/inputs/atomics.*.ll), checked against
// finite differences in reverse and forward mode, at width 1 and 2, directly and through a callee
// (a reduction loop); updates without a rule (fmax, cmpxchg) stay refused with a located E0401.
// The C programs (C11 and __atomic_* builtins, clang 14 and 19) are fixtures/lower/src/atomic_float.c.
import { describe, expect, it } from 'vitest';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const FILES = [
  { file: 'test/ad/inputs/atomics.typed.ll', lli: 'lli' },
  { file: 'test/ad/inputs/atomics.opaque.ll', lli: 'lli-19' },
];
const MODES = [[], ['--width', '2'], ['--forward'], ['--forward', '--width', '2']];

for (const d of FILES) {
  describe.skipIf(!hasTool(d.lli))(d.file, () => {
    for (const fn of ['add_sub', 'xchg', 'caller']) {
      for (const mode of MODES) {
        it(`${fn} ${mode.join(' ') || '(reverse)'}: agrees with finite differences`, () => {
          const fwd = mode.includes('--forward');
          const args = fn === 'caller' ? 'dup' : fwd ? 'dup,dup' : 'dup,active';
          const r = runCli(['check', d.file, '-f', fn, '--args', args, ...mode]);
          expect(r.code, r.stdout + r.stderr).toBe(0);
          expect(r.stdout).toMatch(/^ok: \d+ values agree/m);
        });
      }
    }
  });
}

describe('atomic updates without a derivative rule', () => {
  for (const [fn, what] of [['fmax', 'atomicrmw fmax of double'], ['cas', 'cmpxchg']] as const) {
    it(`${fn}: E0401 at the instruction`, () => {
      const r = runCli(['grad', 'test/ad/inputs/atomics.opaque.ll', '-f', fn, '--args', 'dup,active']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`atomics\\.opaque\\.ll:\\d+:3: error\\[E0401\\]: cannot differentiate @${fn}: ${what} on active data has no derivative rule`));
    });
  }
});
