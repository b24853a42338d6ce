// The reverse of an inner loop skipped when the adjoints of its results are zero
// (src/ad/reverse.ts, skippableLoop): each function has an inner loop whose result reaches the
// output through a choice (a running minimum, a branch, a clamp), so that for most executions of
// the loop its adjoint is exactly zero, and for some it is not. The driver checks every gradient
// entry against central finite differences and the primal outputs of the derivative's run.
#include <math.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

// k-means cost: the squared distance to the nearest centroid, summed over the points.
double nearest(int n, int k, int d, const double *p, const double *c) {
  double cost = 0;
  for (int i = 0; i < n; i++) {
    double best = INFINITY;
    for (int j = 0; j < k; j++) {
      double dist = 0;
      for (int l = 0; l < d; l++) dist += (p[i * d + l] - c[j * d + l]) * (p[i * d + l] - c[j * d + l]);
      if (dist < best) best = dist;
    }
    cost += best;
  }
  return cost;
}

// A product over each row, kept only for rows whose first entry is positive; the row's sum of
// logs, kept for the rows whose first entry is above -0.3 (two results of the inner loop: the
// reverse is skipped when both adjoints are zero, and runs when one is not).
double branchy_rows(int n, int d, const double *x, double *out) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double prod = 1, lg = 0;
    for (int l = 0; l < d; l++) { prod *= x[i * d + l]; lg += log(fabs(x[i * d + l]) + 1.0); }
    s += x[i * d] > 0 ? prod : 0.0;
    out[i] = x[i * d] > -0.3 ? 0.5 * lg : 0.25;
  }
  return s;
}

// A clamp of each row's norm: the adjoint is zero where the clamp is active.
double clamped(int n, int d, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double q = 0;
    for (int l = 0; l < d; l++) q += x[i * d + l] * x[i * d + l] * (1.0 + 0.1 * l);
    s += fmin(q, 1.5) * (i + 1);
  }
  return s;
}

void d_nearest(int n, int k, int d, const double *p, const double *c, double *dc) {
  __enzyme_autodiff((void *)nearest, enzyme_const, n, enzyme_const, k, enzyme_const, d, enzyme_const, p, enzyme_dup, c, dc);
}
void d_branchy_rows(int n, int d, const double *x, double *dx, double *out, double *dout) {
  __enzyme_autodiff((void *)branchy_rows, enzyme_const, n, enzyme_const, d, enzyme_dup, x, dx, enzyme_dup, out, dout);
}
void d_clamped(int n, int d, const double *x, double *dx) {
  __enzyme_autodiff((void *)clamped, enzyme_const, n, enzyme_const, d, enzyme_dup, x, dx);
}
