// The finite-difference estimator of `check` (check-fd.ts): Ridders' extrapolation must reach
// near machine accuracy on smooth functions whatever their scale, report an honest error bar
// on noisy (float-rounded) ones, skip steps that leave the domain, and the verdict must pass a
// right value and fail a wrong one.
import { describe, expect, test } from 'vitest';
import { firstStep, ridders, steps, verdict, type Difference } from '../../src/driver/check-fd.js';

function diffs(f: (x: number) => number, x: number, round: (y: number) => number = (y) => y): Difference[] {
  return steps(x).map((h) => {
    const xp = round(x + h);
    const xm = round(x - h);
    return { plus: f(xp), minus: f(xm), width: xp - xm };
  });
}

describe('steps', () => {
  test('powers of two, 1/16 of max(|x|, 1/16) first', () => {
    expect(firstStep(1)).toBe(1 / 16);
    expect(firstStep(0)).toBe(1 / 256);
    expect(firstStep(0.01)).toBe(1 / 256);
    expect(firstStep(100)).toBe(8);
    expect(firstStep(-3)).toBe(0.25);
    const s = steps(1);
    for (let k = 1; k < s.length; k++) expect(s[k]).toBe(s[k - 1]! / 2);
  });
});

describe('ridders', () => {
  const cases: [string, (x: number) => number, (x: number) => number, number][] = [
    ['exp', Math.exp, Math.exp, 0.7],
    ['sin at 2', Math.sin, Math.cos, 2],
    ['x^7 at -1.3', (x) => x ** 7, (x) => 7 * x ** 6, -1.3],
    ['log near its pole', Math.log, (x) => 1 / x, 0.1],
    ['a degree-200 polynomial in a small parameter', (t) => (1 - 4 * t * t) ** 100, (t) => 100 * (1 - 4 * t * t) ** 99 * (-8 * t), 0.01],
    ['exp(10x) at x = 2', (x) => Math.exp(10 * x), (x) => 10 * Math.exp(10 * x), 2],
  ];
  for (const [name, f, df, x] of cases) {
    test(`${name}: relative error below 1e-8, and the estimate bounds it`, () => {
      const e = ridders(diffs(f, x));
      const err = Math.abs(e.value - df(x));
      expect(err / Math.abs(df(x))).toBeLessThan(1e-8);
      expect(err).toBeLessThanOrEqual(4 * e.error + 1e-12 * Math.abs(df(x)));
    });
  }

  test('float rounding of the function, its bound given: accurate to ~1e-5 with an error bar that covers the truth', () => {
    const f = (x: number): number => Math.fround(Math.fround(Math.sin(x)) * Math.fround(x * x));
    const df = (x: number): number => Math.cos(x) * x * x + 2 * x * Math.sin(x);
    for (const x of [0.3, 0.9, -1.2]) {
      const e = ridders(diffs(f, Math.fround(x), Math.fround), 2 ** -23 * Math.abs(f(x)));
      const err = Math.abs(e.value - df(Math.fround(x)));
      expect(err / Math.abs(df(x))).toBeLessThan(1e-4);
      expect(err).toBeLessThanOrEqual(4 * e.error + 1e-7);
    }
  });

  test('a kink a few steps away (min of two lines): the small steps win over the plateau of the large ones', () => {
    const f = (x: number): number => Math.min(3 * x, 0.7 + x);
    const e = ridders(diffs(f, 0.33), 0, false);
    expect(e.value).toBeCloseTo(3, 9);
  });

  test('steps that leave the domain are skipped (sqrt at 0.05: the largest steps give NaN)', () => {
    const e = ridders(diffs(Math.sqrt, 0.05));
    expect(Math.abs(e.value - 0.5 / Math.sqrt(0.05))).toBeLessThan(1e-7);
  });

  test('nothing finite: NaN with an infinite error', () => {
    const e = ridders(diffs(() => NaN, 1));
    expect(e.value).toBeNaN();
    expect(e.error).toBe(Infinity);
  });
});

describe('verdict', () => {
  const tol = { rel: 1e-5, abs: 1e-9 };
  test('a right value is ok; 1e-3 off is a MISMATCH; NaN is a MISMATCH', () => {
    expect(verdict(2.5, { value: 2.5 + 1e-8, error: 1e-10 }, tol)).toBe('ok');
    expect(verdict(2.5 * 1.001, { value: 2.5, error: 1e-10 }, tol)).toBe('MISMATCH');
    expect(verdict(NaN, { value: 2.5, error: 0 }, tol)).toBe('MISMATCH');
    expect(verdict(2.5, { value: NaN, error: Infinity }, tol)).toBe('MISMATCH');
  });
  test('a difference within the error bar of precise differences is ok; of imprecise ones NOISY', () => {
    expect(verdict(1.0001, { value: 1, error: 1e-4 }, tol)).toBe('ok');
    expect(verdict(1.2, { value: 1, error: 0.15 }, tol)).toBe('NOISY');
    expect(verdict(2, { value: 1, error: 0.1 }, tol)).toBe('MISMATCH');
  });
});
