// `check`: finite differences and the agreement test. Plain TypeScript, no IR.
//
// One derivative value is estimated from central differences of the loss at a
// sequence of shrinking steps, extrapolated to step 0 by Ridders' method (the
// Richardson tableau of Numerical Recipes' `dfridr`), which also yields an
// estimate of its own error. A fixed step cannot serve every program: a step
// small enough for the truncation error of a curved double function drowns a
// float computation in rounding noise (noise / h), and a step large enough for
// float noise is too coarse for a curved function. The tableau starts large
// and shrinks; the extrapolated entry with the smallest error estimate wins,
// so smooth functions get near machine accuracy and noisy ones an honest
// error bar instead of a false MISMATCH.

/** Steps per coordinate: h0, h0/2, ..., h0/2^(STEPS-1); each costs two evaluations. */
export const FD_STEPS = 10;
/** Ratio between consecutive steps. */
const SHRINK = 2;
/**
 * The largest step for a coordinate at `x`: 1/16 of its magnitude (of 1/16 at least, so
 * that 0 gets a step), rounded to a power of two so that x +- h are exact where the type
 * allows. A small parameter (a time step of 0.01) gets a small step: a polynomial of
 * degree 200 in it is not smooth on the scale of 1.
 */
export function firstStep(x: number): number {
  const scale = Math.max(1 / 16, Math.abs(x));
  return 2 ** (Math.ceil(Math.log2(scale)) - 4);
}

/** The steps of one coordinate, largest first. */
export function steps(x: number): number[] {
  const h0 = firstStep(x);
  return Array.from({ length: FD_STEPS }, (_, k) => h0 / SHRINK ** k);
}

/** One central difference: the loss at x+h and x-h and the distance between the two points as the type holds them. */
export interface Difference { plus: number; minus: number; width: number }

export interface Estimate {
  /** The derivative, extrapolated to step 0. */
  value: number;
  /** Estimated absolute error of `value` (0 when exact agreement, Infinity when nothing was finite). */
  error: number;
}

/**
 * Ridders' extrapolation over differences at steps shrinking by SHRINK (largest first).
 * Differences whose losses are not finite (a large step left the domain: sqrt, log near 0)
 * are skipped from the large end: the tableau starts at the first finite one. Every point is
 * already evaluated, so the whole tableau is built (Numerical Recipes stops at the first growth
 * of the error, which would end the search among the large steps when the function is not
 * smooth on their scale).
 *
 * `noise` bounds the rounding of the loss itself (float outputs quantize it; check-driver
 * prints the bound): an entry that uses step h carries at least noise / h of error, so that two
 * differences that agree by chance at a tiny step (quantized values often agree exactly) do not
 * pass for exact. Among the entries whose error is within a few times the least, the one of the
 * smallest step wins: a function with a kink (min, a branch) has a plausible plateau of large
 * steps that straddle the kink, and the derivative is the limit of the small ones.
 */
export function ridders(diffs: readonly Difference[], noise = 0, roundsInside = true): Estimate {
  const d = diffs.map((x) => (x.plus - x.minus) / x.width);
  let start = 0;
  while (start < d.length && !Number.isFinite(d[start]!)) start++;
  let end = start;
  while (end < d.length && Number.isFinite(d[end]!)) end++;
  if (start === end) return { value: NaN, error: Infinity };
  if (end - start === 1) return { value: d[start]!, error: Math.abs(d[start]!) };
  // Rounding inside the computation (float memory it writes and reads again) shows as jitter of
  // the differences at the smallest steps, where truncation no longer moves them: the median of
  // the last three jitters, times the step, joins the given bound. Only when the computation does
  // round inside: a kink a few steps away makes jitter too, which is not noise.
  const jitter: number[] = [];
  if (roundsInside) for (let i = Math.max(start + 1, end - 3); i < end; i++) jitter.push(Math.abs(d[i]! - d[i - 1]!) * diffs[i]!.width / 2);
  jitter.sort((a, b) => a - b);
  const sigma = Math.max(noise, jitter.length ? jitter[Math.floor(jitter.length / 2)]! : 0);
  const c2 = SHRINK * SHRINK;
  let prev: number[] = [d[start]!];
  const entries: (Estimate & { step: number })[] = [];
  for (let i = start + 1; i < end; i++) {
    const cur: number[] = [d[i]!];
    const floor = 2 * sigma / (diffs[i]!.width / 2);
    let fac = c2;
    for (let j = 1; j <= i - start; j++) {
      const v = (cur[j - 1]! * fac - prev[j - 1]!) / (fac - 1);
      cur.push(v);
      fac *= c2;
      entries.push({ value: v, error: Math.max(floor, Math.abs(v - cur[j - 1]!), Math.abs(v - prev[j - 1]!)), step: i });
    }
    prev = cur;
  }
  const least = Math.min(...entries.map((e) => e.error));
  const near = entries.filter((e) => e.error <= 4 * least);
  near.sort((a, b) => b.step - a.step || a.error - b.error);
  const best = near[0]!;
  // The error bar also spans the other close candidates.
  let spread = 0;
  for (const e of near.slice(1, 5)) spread = Math.max(spread, Math.abs(e.value - best.value));
  const global: Estimate = { value: best.value, error: Math.max(best.error, spread) };
  // The local estimate: the first extrapolation of the two smallest steps. When the best entry of
  // the tableau disagrees with it, the function is not smooth on the scale of the steps that
  // entry used (a kink between them: min, max, a branch), and the derivative is the local one.
  const a = d[end - 2]!;
  const b = d[end - 1]!;
  const local: Estimate = { value: (c2 * b - a) / (c2 - 1), error: Math.max(2 * sigma / (diffs[end - 1]!.width / 2), Math.abs(b - a)) };
  return Math.abs(global.value - local.value) <= 2 * (global.error + local.error) ? global : local;
}

/** How strict a comparison is. */
export interface Tolerance {
  /** Relative tolerance (of the larger magnitude of the two values). */
  rel: number;
  /** Absolute floor, so that a value that is 0 analytically is not failed by rounding noise. */
  abs: number;
}

export type Verdict = 'ok' | 'MISMATCH' | 'NOISY';

/** Multiple of the extrapolation's own error estimate that is accepted on top of the tolerance. */
const ERROR_MARGIN = 4;

/**
 * Whether `analytic` agrees with the estimate. NOISY: the finite differences are
 * too uncertain to tell a right derivative from a wrong one (their error bar is
 * a tenth of the value or more) and the two do not agree within the tolerance
 * alone; such a row proves nothing and is not reported as agreeing.
 */
export function verdict(analytic: number, fd: Estimate, tol: Tolerance): Verdict {
  if (!Number.isFinite(analytic) || !Number.isFinite(fd.value)) return 'MISMATCH';
  const diff = Math.abs(analytic - fd.value);
  const scale = Math.max(Math.abs(analytic), Math.abs(fd.value));
  const allowed = tol.rel * scale + tol.abs;
  if (diff <= allowed) return 'ok';
  if (diff <= allowed + ERROR_MARGIN * fd.error) {
    return fd.error * 10 >= scale + tol.abs ? 'NOISY' : 'ok';
  }
  return 'MISMATCH';
}
