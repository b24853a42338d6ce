// The BLAS registry: names in both interfaces and precisions, argument positions, the docs
// table. (The derivatives themselves run in fixtures/lower/src/blas_*.c against the reference BLAS.)
import { describe, expect, it } from 'vitest';
import { blasNames, blasTable, lookupBlas } from '../../src/rules/blas.js';
import { lookupCallRule } from '../../src/rules/calls.js';

describe('BLAS rules', () => {
  it('know CBLAS and Fortran names, double and single', () => {
    for (const r of ['dot', 'nrm2', 'axpy', 'scal', 'copy', 'gemv']) {
      for (const p of ['d', 's']) {
        const c = lookupBlas(`cblas_${p}${r}`);
        const f = lookupBlas(`${p}${r}_`);
        expect(c?.routine, `cblas_${p}${r}`).toBe(r);
        expect(c?.abi).toBe('cblas');
        expect(f?.routine, `${p}${r}_`).toBe(r);
        expect(f?.abi).toBe('fortran');
        expect(c?.prec).toBe(p === 'd' ? 'double' : 'float');
      }
    }
    expect(blasNames().length).toBe(24);
    for (const n of ['ddot', 'cblas_dgemm', 'dgemm_', 'cblas_zdotu_sub', 'cblas_ddot_']) expect(lookupBlas(n), n).toBeUndefined();
  });
  it('place the arguments as the interfaces do', () => {
    expect(lookupBlas('cblas_daxpy')).toMatchObject({ n: 0, alpha: 1, x: 2, incx: 3, y: 4, incy: 5, out: 'y' });
    expect(lookupBlas('cblas_dgemv')).toMatchObject({ layout: 0, trans: 1, m: 2, n: 3, alpha: 4, a: 5, lda: 6, x: 7, incx: 8, beta: 9, y: 10, incy: 11 });
    expect(lookupBlas('dgemv_')).toMatchObject({ trans: 0, m: 1, n: 2, alpha: 3, a: 4, lda: 5, x: 6, incx: 7, beta: 8, y: 9, incy: 10 });
    expect(lookupBlas('dgemv_')?.layout).toBeUndefined();
  });
  it('are not call rules (they read and write memory)', () => {
    for (const n of blasNames()) expect(lookupCallRule(n), n).toBeUndefined();
  });
  it('render the docs table', () => {
    const lines = blasTable().trimEnd().split('\n');
    expect(lines.length).toBe(2 + 6);
    expect(lines[2]).toContain('`cblas_ddot`');
  });
});
