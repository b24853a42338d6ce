// The seam for a second kind of derivative (forward mode, issue 12): the check driver evaluates
// the function along a direction (every entry of the point moves: one Evaluation lists several
// changes), observes the outputs themselves ('outputs'), and a tangent function is called
// through the same DriverApi reverse mode uses. Built here from the exported pieces, with a
// hand-written tangent: a right one agrees with Ridders' differences along the direction, a
// wrong one does not.
import { describe, expect, test } from 'vitest';
import { buildDriver, type DriverApi, type DriverParam, type Evaluation } from '../../src/driver/check-driver.js';
import { ridders, steps, verdict } from '../../src/driver/check-fd.js';
import { findLli, runLli } from '../../src/driver/check-lli.js';
import { pruneModule } from '../../src/driver/check-prune.js';
import { parseOutput } from '../../src/driver/check.js';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { hasTool } from '../util/llvm.js';

// f(x, a) scales a[0..2) by x in place and returns (a0' + a1') * x; fwdf is its tangent
// (dx, da in; the tangent of the return out, da overwritten with the tangent of a after).
const F = (wrong: boolean): string => `
define double @f(double %x, double* %a) {
entry:
  %p1 = getelementptr double, double* %a, i64 1
  %a0 = load double, double* %a
  %a1 = load double, double* %p1
  %m0 = fmul double %a0, %x
  %m1 = fmul double %a1, %x
  store double %m0, double* %a
  store double %m1, double* %p1
  %s = fadd double %m0, %m1
  %r = fmul double %s, %x
  ret double %r
}
define double @fwdf(double %x, double %dx, double* %a, double* %da) {
entry:
  %p1 = getelementptr double, double* %a, i64 1
  %q1 = getelementptr double, double* %da, i64 1
  %a0 = load double, double* %a
  %a1 = load double, double* %p1
  %d0 = load double, double* %da
  %d1 = load double, double* %q1
  %m0 = fmul double %a0, %x
  %m1 = fmul double %a1, %x
  %t0a = fmul double %d0, %x
  %t0b = fmul double %a0, %dx
  %t0 = fadd double %t0a, %t0b
  %t1a = fmul double %d1, %x
  %t1b = fmul double %a1, ${wrong ? '%x' : '%dx'}
  %t1 = fadd double %t1a, %t1b
  store double %m0, double* %a
  store double %m1, double* %p1
  store double %t0, double* %da
  store double %t1, double* %q1
  %s = fadd double %m0, %m1
  %ts = fadd double %t0, %t1
  %u = fmul double %ts, %x
  %v = fmul double %s, %dx
  %dr = fadd double %u, %v
  ret double %dr
}
`;

async function tangentCheck(wrong: boolean): Promise<string[]> {
  const m = parseText(F(wrong), 'f.ll');
  const f = m.getFunction('f')!;
  const tangent = m.getFunction('fwdf')!;
  const x = 0.7, a = [1.3, -0.4];
  const dir = { x: 0.9, a: [-0.5, 1.2] };
  const params: DriverParam[] = [
    { activity: 'active', value: { kind: 'float', fk: 'double', value: x }, seeds: null },
    { activity: 'dup', value: { kind: 'array', elem: { kind: 'float', fk: 'double' }, values: a }, seeds: null },
  ];
  // the base point, then base +- h * direction for each step
  const hs = steps(1);
  const evals: Evaluation[] = [{ changes: [] }];
  for (const h of hs) {
    for (const sgn of [1, -1]) {
      const t = sgn * h;
      evals.push({ changes: [{ param: 0, elem: -1, value: x + t * dir.x }, ...a.map((v, i) => ({ param: 1, elem: i, value: v + t * dir.a[i]! }))] });
    }
  }
  const entry = buildDriver(m, {
    fn: f, evalFn: f, params, observe: { kind: 'outputs', arrays: [1] }, width: 1, evals, state: [],
    derivative: (d: DriverApi) => {
      d.fillShadow(1, 0, dir.a);
      const r = d.b.call(tangent, [d.primalArg(0, m.types.double), d.leafConst(m.types.double, [dir.x]), d.primalArg(1, tangent.fnType.params[2]!), d.shadow(1, 0)]);
      d.printLeaves('G', r);
      d.printArray('S', 1, d.shadow(1, 0));
    },
  });
  pruneModule(m, entry);
  const lli = findLli(m.dialect);
  if (typeof lli === 'string') throw new Error(lli);
  const run = await runLli(lli, printModule(m), entry.name!, 60_000);
  expect(run.stderr).toBe('');
  const out = parseOutput(run.stdout);
  const nOut = 3; // return, a0 after, a1 after
  expect(out.Y.length).toBe(evals.length * nOut);
  const tangents = [...out.G, ...out.S];
  return tangents.map((tv, o) => {
    const diffs = hs.map((h, k) => ({ plus: out.Y[(1 + 2 * k) * nOut + o]!, minus: out.Y[(2 + 2 * k) * nOut + o]!, width: 2 * h }));
    return verdict(tv, ridders(diffs, 0, false), { rel: 1e-5, abs: 1e-9 });
  });
}

describe.skipIf(!hasTool('lli'))('a tangent check plugs into the driver', () => {
  test('a right tangent agrees with the differences of every output along the direction', async () => {
    expect(await tangentCheck(false)).toEqual(['ok', 'ok', 'ok']);
  });
  test('a wrong tangent of a[1] is caught, in a[1] and in the return', async () => {
    expect(await tangentCheck(true)).toEqual(['MISMATCH', 'ok', 'MISMATCH']);
  });
});
