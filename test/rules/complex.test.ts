// Complex math as clang lowers it on x86-64: double complex as two doubles in and
// { double, double } out, float complex as <2 x float>, and the __muldc3 / __divdc3 calls.
// Each rule against finite differences under lli, in both directions.
import { describe, expect, it } from 'vitest';
import { describeCases, type MathCase } from './harness.js';
import { lookupCallRule } from '../../src/rules/calls.js';
import { COMPLEX_RULES } from '../../src/rules/complex.js';

const DD = ['double', 'double'];
const DDDD = ['double', 'double', 'double', 'double'];
const Z = [[0.7, -0.4], [-1.2, 0.9], [2.5, 1.5]];

function cd(callee: string, points = Z): MathCase {
  return { callee, params: DD, ret: 'cdouble', points };
}
function cf(callee: string, points = Z): MathCase {
  return { callee, params: ['v2float'], points };
}

export const COMPLEX: readonly MathCase[] = [
  cd('cexp'), cd('clog'), cd('csqrt'), cd('csin'), cd('ccos'), cd('ctan'), cd('csinh'), cd('ccosh'), cd('ctanh'),
  cd('casin'), cd('cacos'), cd('catan'), cd('casinh'), cd('cacosh', [[1.7, -0.4], [-1.2, 0.9], [2.5, 1.5]]), cd('catanh'),
  { callee: 'cpow', params: DDDD, ret: 'cdouble', points: [[0.7, -0.4, 1.3, 0.2], [-1.2, 0.9, 0.5, -0.7], [2, 0, 3, 0]] },
  { callee: 'cpow', params: DDDD, ret: 'cdouble', inactive: [2, 3], points: [[0.7, -0.4, 2, 0]] },
  { callee: '__muldc3', params: DDDD, ret: 'cdouble', points: [[0.7, -0.4, 1.3, 0.2], [-1.2, 0.9, 0.5, -0.7]] },
  { callee: '__divdc3', params: DDDD, ret: 'cdouble', points: [[0.7, -0.4, 1.3, 0.2], [-1.2, 0.9, 0.5, -0.7]] },
  { callee: '__divdc3', params: DDDD, ret: 'cdouble', inactive: [0, 1], points: [[0.7, -0.4, 1.3, 0.2]] },
  { callee: 'cabs', params: DD, points: Z },
  { callee: 'carg', params: DD, points: Z },
  cf('cexpf'), cf('clogf'), cf('csqrtf'), cf('csinf'), cf('ctanhf'), cf('casinf'),
  { callee: 'cpowf', params: ['v2float', 'v2float'], points: [[0.7, -0.4, 1.3, 0.2]] },
  { callee: '__mulsc3', params: ['float', 'float', 'float', 'float'], ret: 'v2float', points: [[0.7, -0.4, 1.3, 0.2]] },
  { callee: '__divsc3', params: ['float', 'float', 'float', 'float'], ret: 'v2float', points: [[0.7, -0.4, 1.3, 0.2]] },
  { callee: 'cabsf', params: ['v2float'], ret: 'float', points: Z },
  { callee: 'cargf', params: ['v2float'], ret: 'float', points: Z },
];

describeCases('complex rules', COMPLEX);

describe('complex rules', () => {
  it('are all checked under lli', () => {
    const tested = new Set(COMPLEX.map((c) => lookupCallRule(c.callee)));
    expect(COMPLEX_RULES.filter((r) => !tested.has(r)).map((r) => r.names[0])).toEqual([]);
  });
  it('leave long double complex (passed in memory) without a rule', () => {
    for (const n of ['cexpl', 'cabsl', 'cpowl']) expect(lookupCallRule(n), n).toBeUndefined();
  });
});
