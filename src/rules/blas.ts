// BLAS level 1 routines the transform differentiates by calling BLAS again
// (never by looking inside): their names in the CBLAS interface (arguments by
// value) and the Fortran one (`ddot_`: every argument by reference), in double
// and single precision. Unlike the rules of src/rules/math.ts these read and
// write memory, so the transform applies them itself (src/ad/blas.ts), with the
// shadows of the array arguments.
//
// Argument order, the same in both interfaces:
//   dot  (n, x, incx, y, incy)        -> x . y
//   nrm2 (n, x, incx)                 -> ||x||
//   axpy (n, alpha, x, incx, y, incy)    y := alpha x + y
//   scal (n, alpha, x, incx)             x := alpha x
//   copy (n, x, incx, y, incy)           y := x
// and level 2 (CBLAS puts the layout first; Fortran has none, column-major, and
// passes trans as a character):
//   gemv ([layout,] trans, m, n, alpha, A, lda, x, incx, beta, y, incy)
//                                        y := alpha op(A) x + beta y

export type BlasRoutine = 'dot' | 'nrm2' | 'axpy' | 'scal' | 'copy' | 'gemv';

export interface BlasRule {
  readonly routine: BlasRoutine;
  /** The element type. */
  readonly prec: 'double' | 'float';
  /** `cblas`: arguments by value; `fortran`: every argument is a pointer. */
  readonly abi: 'cblas' | 'fortran';
  /** Argument positions. */
  readonly n: number;
  readonly alpha: number | null;
  readonly x: number;
  readonly incx: number;
  readonly y: number | null;
  readonly incy: number | null;
  /** The array the routine writes (null: none, the result is returned). */
  readonly out: 'x' | 'y' | null;
  /** gemv: the layout (CBLAS only), trans, m, the matrix, its leading dimension, beta. */
  readonly layout?: number;
  readonly trans?: number;
  readonly m?: number;
  readonly a?: number;
  readonly lda?: number;
  readonly beta?: number;
}

type Shape = Omit<BlasRule, 'routine' | 'prec' | 'abi'>;
const GEMV_CBLAS: Shape = { layout: 0, trans: 1, m: 2, n: 3, alpha: 4, a: 5, lda: 6, x: 7, incx: 8, beta: 9, y: 10, incy: 11, out: 'y' };
const GEMV_FORTRAN: Shape = { trans: 0, m: 1, n: 2, alpha: 3, a: 4, lda: 5, x: 6, incx: 7, beta: 8, y: 9, incy: 10, out: 'y' };

const SHAPES: Record<Exclude<BlasRoutine, 'gemv'>, Shape> = {
  dot: { n: 0, alpha: null, x: 1, incx: 2, y: 3, incy: 4, out: null },
  nrm2: { n: 0, alpha: null, x: 1, incx: 2, y: null, incy: null, out: null },
  axpy: { n: 0, alpha: 1, x: 2, incx: 3, y: 4, incy: 5, out: 'y' },
  scal: { n: 0, alpha: 1, x: 2, incx: 3, y: null, incy: null, out: 'x' },
  copy: { n: 0, alpha: null, x: 1, incx: 2, y: 3, incy: 4, out: 'y' },
};

/** One line per routine for the docs: forward and reverse, as BLAS calls. */
export const BLAS_DOCS: Record<BlasRoutine, { fwd: string; rev: string }> = {
  dot: { fwd: "r' = dot(x', y) + dot(x, y')", rev: "x' += r' y; y' += r' x (axpy, with copies of x and y taken at the call)" },
  nrm2: { fwd: "r' = dot(x, x') / r", rev: "x' += (r' / r) x (axpy, with a copy of x taken at the call)" },
  axpy: { fwd: "y' += alpha x' + alpha' x", rev: "x' += alpha y'; alpha' += dot(x, y') (x copied at the call)" },
  scal: { fwd: "x' := alpha x' + alpha' x (before the call overwrites x)", rev: "alpha' += dot(x, x'); x' := alpha x' (x copied before the call)" },
  copy: { fwd: "y' := x' (0 when x has no derivative)", rev: "x' += y'; y' := 0" },
  gemv: {
    fwd: "y' := alpha op(A) x' + alpha op(A') x + alpha' op(A) x + beta y' + beta' y (gemv, axpy; before the call)",
    rev: "alpha' += dot(op(A) x, y'); beta' += dot(y, y'); x' += alpha op(A)^T y'; A' += alpha y' x^T (or x y'^T) (ger); y' := beta y' (A, x, y copied at the call as needed)",
  },
};

const BY_NAME: ReadonlyMap<string, BlasRule> = (() => {
  const m = new Map<string, BlasRule>();
  for (const [p, prec] of [['d', 'double'], ['s', 'float']] as const) {
    for (const routine of Object.keys(SHAPES) as Exclude<BlasRoutine, 'gemv'>[]) {
      const base = `${p}${routine}`;
      m.set(`cblas_${base}`, { routine, prec, abi: 'cblas', ...SHAPES[routine] });
      m.set(`${base}_`, { routine, prec, abi: 'fortran', ...SHAPES[routine] });
    }
    m.set(`cblas_${p}gemv`, { routine: 'gemv', prec, abi: 'cblas', ...GEMV_CBLAS });
    m.set(`${p}gemv_`, { routine: 'gemv', prec, abi: 'fortran', ...GEMV_FORTRAN });
  }
  return m;
})();

/** The BLAS rule for a callee name, or undefined. */
export function lookupBlas(name: string): BlasRule | undefined {
  return BY_NAME.get(name);
}

/** Every name with a BLAS rule (for the docs and tests). */
export function blasNames(): string[] {
  return [...BY_NAME.keys()];
}

/** The markdown table of the docs. */
export function blasTable(): string {
  const rows = ['| routine | names | forward | reverse |', '|---|---|---|---|'];
  for (const routine of Object.keys(BLAS_DOCS) as BlasRoutine[]) {
    const names = [...BY_NAME.entries()].filter(([, r]) => r.routine === routine).map(([n]) => '`' + n + '`').join(', ');
    rows.push(`| ${routine} | ${names} | ${BLAS_DOCS[routine].fwd} | ${BLAS_DOCS[routine].rev} |`);
  }
  return rows.join('\n') + '\n';
}
