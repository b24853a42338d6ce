// A sample of the check corpus (fixtures/check, `npm run check-corpus` runs all of it): code
// written by others (musl's libm, MINPACK's enorm, Opus's float kernels), the AD benchmark
// problems in double and float, globals, structs, std::vector&. Every check ends as its source
// says (ok, or a located refusal), and a corrupted derivative (one operation of the generated
// reverse sweep changed) is caught whenever it changes the numbers the derivative gives.
import { describe, expect, test } from 'vitest';
import { corpus, effective, mutating, optionsOf, runOne } from '../../bench/check-corpus.js';
import { runCheck } from '../../src/driver/check.js';
import { hasTool } from '../util/llvm.js';

const ALL = corpus();
const HAS = hasTool('lli') && hasTool('lli-19');

/**
 * Both dialects and both levels, within CI's time: every CHECK line on clang 19's -O2 modules,
 * the first CHECK line of each source on clang 14's -O0 ones (`npm run check-corpus` runs all).
 */
const SAMPLE = ALL.filter((c, k) => /^clang19\/[^/]+\.O2\.ll$/.test(c.module)
  || (/^clang14\/[^/]+\.O0\.ll$/.test(c.module) && ALL.findIndex((d) => d.module === c.module) === k));

describe('the corpus is well formed', () => {
  test('sources, modules and CHECK lines', () => {
    expect(ALL.length).toBeGreaterThan(200);
    expect(new Set(ALL.map((c) => c.module)).size).toBeGreaterThan(80);
    for (const c of ALL) expect(optionsOf(c).fn, c.line).not.toBe('');
  });
});

describe.skipIf(!HAS).concurrent('a sample of the corpus ends as its source says', () => {
  for (const c of SAMPLE) {
    test(`${c.module}: ${c.line}`, async () => {
      const r = await runOne(runCheck, optionsOf(c));
      expect(c.expect.split('|'), r.text).toContain(r.outcome);
    }, 120_000);
  }
});

/**
 * Float bits computed on as integers through -O0 stack slots (musl's log1pf: `union { float f;
 * uint32_t i; }`, the exponent adjusted, the float read back): the derivative used to be 0 with
 * exit 0; it is a located E0403 in both dialects.
 */
const BITS_AT_O0 = ['clang14/musl_float.O0.ll: -f musl_log1pf', 'clang19/musl_float.O0.ll: -f musl_log1pf'];

describe.skipIf(!HAS).concurrent('integer arithmetic on float bits at -O0 is refused, not differentiated to 0', () => {
  for (const name of BITS_AT_O0) {
    test(name, async () => {
      const c = ALL.find((x) => `${x.module}: ${x.line}` === name);
      expect(c, name).toBeDefined();
      const r = await runOne(runCheck, optionsOf(c!));
      expect(r.outcome, r.text).toBe('E0403');
      expect(r.text).toMatch(/^E0403: .*@musl_log1pf: integer arithmetic on the bits of an active floating value/);
    }, 120_000);
  }
});

/** Checks that pass, double and float, -O0 and -O2: each gets corrupted derivatives. */
const MUTANTS = [
  'clang19/adbench_gmm_float.O2.ll: -f gmm_objective --args dup,dup,dup,const,const --len 24',
  'clang14/adbench_ba.O0.ll: -f ba_reprojection --args dup,dup,dup,const,dup --len 11',
  'clang19/adbench_lstm_float.O0.ll: -f lstm_objective --args dup,dup,dup,const --len 48',
  'clang14/cminpack_enorm_float.O2.ll: -f senorm --args const,dup',
  'clang19/musl_float.O2.ll: -f musl_sindf',
];

describe.skipIf(!HAS).concurrent('a corrupted derivative is caught', () => {
  for (const name of MUTANTS) {
    test(name, async () => {
      const c = ALL.find((x) => `${x.module}: ${x.line}` === name);
      expect(c, name).toBeDefined();
      const opts = optionsOf(c!);
      const good = await runOne(runCheck, opts);
      expect(good.outcome, good.text).toBe('ok');
      let counted = 0;
      for (const site of [0, 2, 5]) {
        for (const kind of [0, 1] as const) {
          const hit = { found: false };
          const bad = await runOne(runCheck, { ...opts, derivative: mutating(site, kind, hit) });
          if (!hit.found) continue;
          // a corruption that changes the derivative by less than rounding proves nothing either way
          if (!effective(good.text, bad.text)) continue;
          counted++;
          expect(bad.outcome, `site ${site} kind ${kind}:\n${bad.text}`).not.toBe('ok');
        }
      }
      expect(counted, 'no corruption changed the derivative').toBeGreaterThan(0);
    }, 300_000);
  }
});
