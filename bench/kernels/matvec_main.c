#include "harness.h"
extern void matvec(const double *A, const double *x, double *y, int m, int n);
extern void diffematvec(const double *A, double *dA, const double *x, double *dx, double *y, double *dy, int m, int n);
static double *A, *dA, *x, *dx, *y, *dy, *w;
static int n;
static void setup(long size) {
  n = (int)(size ? size : 100);
  A = randvec((long)n * n, 1); dA = zeros((long)n * n); x = randvec(n, 1); dx = zeros(n);
  y = zeros(n); dy = zeros(n); w = randvec(n, 1);
  add_input("A", A, dA, (long)n * n); add_input("x", x, dx, n);
}
static double primal(void) { matvec(A, x, y, n, n); return y[n - 1]; }
// d(y) is the seed of the overwritten output and is consumed: reset to w each call.
static void gradient(void) {
  memset(dA, 0, sizeof(double) * (size_t)n * (size_t)n); memset(dx, 0, sizeof(double) * (size_t)n);
  memcpy(dy, w, sizeof(double) * (size_t)n);
  diffematvec(A, dA, x, dx, y, dy, n, n);
}
static double objective(void) {
  matvec(A, x, y, n, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i] * y[i];
  return s;
}
