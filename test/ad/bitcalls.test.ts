// Integers computed from the bits of an active double that cross a call (the shapes of musl's
// libm, test/ad/inputs/bitcalls.c): a helper whose integer result goes back to a double, or a
// callee that turns the integers back into a double, is refused (E0403) at -O0 too, where the
// bits travel through `asuint64` union slots; a high word that the callee only compares, or that
// an -O0 local variable holds, carries no derivative and is differentiated; so is fabs through the
// bits (`and` of the sign bit) whose integer also feeds the range tests (musl's sinh at clang 14 -O2).
import { describe, expect, it } from 'vitest';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const FILES = [
  { file: 'test/ad/inputs/bitcalls.O0.ll', lli: 'lli-19' },
  { file: 'test/ad/inputs/bitcalls.typed.O0.ll', lli: 'lli' },
  { file: 'test/ad/inputs/bitcalls.O2.ll', lli: 'lli-19' },
  { file: 'test/ad/inputs/bitcalls.typed.O2.ll', lli: 'lli' },
];

for (const d of FILES) {
  describe.skipIf(!hasTool(d.lli))(d.file, () => {
    for (const fn of ['bits_through_result', 'bits_into_callee', 'bits_from_float_arg']) {
      it(`${fn}: refused with E0403, never a derivative that drops the path through the bits`, () => {
        const r = runCli(['check', d.file, '-f', fn, '--at', '0.7']);
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`${d.file.replace(/\./g, '\\.')}:\\d+:\\d+: error\\[E0403\\]: cannot differentiate @${fn}`));
      });
    }
    it('bits_into_callee: the notes say which derivative to register and which callee to declare inactive, and --inactive is honored', () => {
      const r = runCli(['grad', d.file, '-f', 'bits_into_callee']);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(/error\[E0403\]: cannot differentiate @bits_into_callee: integers computed from the bits of an active floating value are passed to @from_bits, which turns them back into a floating value/);
      expect(r.stderr).toContain('note: integer arithmetic has no derivative: give @bits_into_callee one of its own, with --custom bits_into_callee=AUG,REV to grad or check');
      expect(r.stderr).toContain('@__enzyme_register_gradient_bits_into_callee for lower');
      expect(r.stderr).toContain('declare it inactive: --inactive from_bits to grad or check, __enzyme_inactivefn or the "enzyme_inactive" attribute for lower');
      // Declared inactive, as the note offers: the call is kept and carries no derivative.
      const ok = runCli(['grad', d.file, '-f', 'bits_into_callee', '--inactive', 'from_bits', '-o', '-']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/define .*@diffebits_into_callee\(/);
    });
    for (const at of ['0.7', '2.5']) {
      it(`word_picks_branch at ${at}: the compared high word crosses the call, the derivative agrees with finite differences`, () => {
        const r = runCli(['check', d.file, '-f', 'word_picks_branch', '--at', at]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ok: 2 values agree/m);
      });
    }
    for (const at of ['0.7']) {
      it(`bits_compared at ${at}: the bits a helper returns are only compared (isnan at -O0), the derivative agrees with finite differences`, () => {
        const r = runCli(['check', d.file, '-f', 'bits_compared', '--at', at]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ok: 2 values agree/m);
      });
    }
    for (const at of ['0.7', '-2.5']) {
      it(`abs_and_word at ${at}: fabs through the bits whose high word also picks the branch agrees with finite differences`, () => {
        const r = runCli(['check', d.file, '-f', 'abs_and_word', '--at', at]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ok: 2 values agree/m);
      });
    }
  });
}
