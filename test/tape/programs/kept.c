// A time-stepping loop whose state is an array updated in place, with scratch arrays from malloc
// (the shape of bench/ad/ode.c): the loop is checkpointable with its state in memory
// (src/tape/checkpoint.ts), its inner loops have tapes, and the scratch arrays have shadows that the
// reverse frees. test/tape/kept.test.ts counts what a gradient call allocates once the same
// gradient has been taken before: only the primal's own three mallocs.
#include <stdlib.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

static void rhs(int n, const double *restrict p, const double *restrict y, double *restrict z) {
  z[0] = p[0] * (1.0 - y[0]);
  for (int i = 1; i < n; i++) z[i] = p[i] * y[i - 1] - 0.5 * y[i] * y[i];
}

// Explicit midpoint steps: y <- y + h f(y + h/2 f(y)).
void march(const double *restrict p, double *restrict y, int n, int s) {
  double h = 0.25 / (s > 0 ? s : 1);
  double *k1 = malloc(sizeof(double) * n), *k2 = malloc(sizeof(double) * n), *t = malloc(sizeof(double) * n);
  for (int st = 0; st < s; st++) {
    rhs(n, p, y, k1);
    for (int i = 0; i < n; i++) t[i] = y[i] + h / 2 * k1[i];
    rhs(n, p, t, k2);
    for (int i = 0; i < n; i++) y[i] += h * k2[i];
  }
  free(k1); free(k2); free(t);
}

void march_grad(const double *p, double *dp, double *y, double *dy, int n, int s) {
  __enzyme_autodiff((void *)march, enzyme_dup, p, dp, enzyme_dup, y, dy, enzyme_const, n, enzyme_const, s);
}
