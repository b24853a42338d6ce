// GradBench "ode" (cmpad's an_ode), written from its public description:
// y_0' = x_0, y_i' = x_i y_{i-1} (i > 0), y(0) = 0, integrated over [0, 2] by s
// classic Runge-Kutta steps; the gradient is that of the last element of y.
// The state is overwritten in place at every step.
#include <stdlib.h>

extern int enzyme_dup, enzyme_dupnoneed, enzyme_const;
void __enzyme_autodiff(void *, ...);

static void f(int n, const double *restrict x, const double *restrict y, double *restrict z) {
  z[0] = x[0];
  for (int i = 1; i < n; i++) z[i] = x[i] * y[i - 1];
}

void ode(const double *restrict x, double *restrict y, int n, int s) {
  double h = 2.0 / s;
  double *k1 = malloc(sizeof(double) * n), *k2 = malloc(sizeof(double) * n);
  double *k3 = malloc(sizeof(double) * n), *k4 = malloc(sizeof(double) * n);
  double *t = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) y[i] = 0;
  for (int step = 0; step < s; step++) {
    f(n, x, y, k1);
    for (int i = 0; i < n; i++) t[i] = y[i] + h / 2 * k1[i];
    f(n, x, t, k2);
    for (int i = 0; i < n; i++) t[i] = y[i] + h / 2 * k2[i];
    f(n, x, t, k3);
    for (int i = 0; i < n; i++) t[i] = y[i] + h * k3[i];
    f(n, x, t, k4);
    for (int i = 0; i < n; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  free(k1); free(k2); free(k3); free(k4); free(t);
}

void ode_enzyme(const double *x, double *dx, double *y, double *dy, int n, int s) {
  __enzyme_autodiff((void *)ode, enzyme_dup, x, dx, enzyme_dupnoneed, y, dy, enzyme_const, n, enzyme_const, s);
}
