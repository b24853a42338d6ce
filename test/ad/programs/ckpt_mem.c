// Loop checkpointing with the loop's state in memory (test/ad/checkpoint.test.ts):
// time-stepping loops that update arrays in place, with heap scratch freed after the loop.
#include <math.h>
#include <stdlib.h>

// The shape of the GradBench ODE with a nonlinear right-hand side: RK4, state y[0..n) in place.
static void rhs(int n, const double *restrict p, const double *restrict v, double *restrict z) {
  if (n <= 0) return;
  z[0] = p[0] * cos(v[0]);
  for (int i = 1; i < n; i++) z[i] = p[i] * v[i - 1] - 0.1 * v[i];
}

double rk4(const double *restrict p, double *restrict y, int n, int s) {
  double h = 0.5 / (s > 0 ? s : 1);
  size_t bytes = sizeof(double) * (size_t)(n > 0 ? n : 1);
  double *k1 = malloc(bytes), *k2 = malloc(bytes), *k3 = malloc(bytes), *k4 = malloc(bytes), *t = malloc(bytes);
  for (int step = 0; step < s; step++) {
    rhs(n, p, y, k1);
    for (int i = 0; i < n; i++) t[i] = y[i] + h / 2 * k1[i];
    rhs(n, p, t, k2);
    for (int i = 0; i < n; i++) t[i] = y[i] + h / 2 * k2[i];
    rhs(n, p, t, k3);
    for (int i = 0; i < n; i++) t[i] = y[i] + h * k3[i];
    rhs(n, p, t, k4);
    for (int i = 0; i < n; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  free(k1); free(k2); free(k3); free(k4); free(t);
  double r = 0;
  for (int i = 0; i < n; i++) r += (i + 1) * y[i] * y[i];
  return r;
}

// Explicit diffusion in place on u (which may alias nothing else here), a scratch row on the heap.
double heat(double *u, double a, int n, int steps) {
  double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  for (int s = 0; s < steps; s++) {
    // Neither unrolled nor vectorized: an epilogue that runs for odd n only reaches u[n - 1] on paths
    // the bounds at the loop's entry cannot tell apart (such loops keep their tape through an argument).
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 1; i < n - 1; i++) w[i] = u[i] + a * (u[i - 1] - 2 * u[i] + u[i + 1]);
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 1; i < n - 1; i++) u[i] = w[i] + 0.01 * sin(w[i]);
  }
  free(w);
  double r = 0;
  for (int i = 0; i < n; i++) r += u[i] * u[i] * (i + 1);
  return r;
}

// A small fixed-size state in an array, updated in place (no loop inside).
double lorenz(double *st, double sigma, int steps) {
  for (int s = 0; s < steps; s++) {
    double x = st[0], y = st[1], z = st[2];
    st[0] = x + 0.01 * sigma * (y - x);
    st[1] = y + 0.01 * (x * (28 - z) - y);
    st[2] = z + 0.01 * (x * y - 8.0 / 3 * z);
  }
  return st[0] + st[1] * st[2];
}

// Two time loops on the same array: one of them keeps its memory in checkpoints, the other its tape.
double twice(double *restrict y, double a, int n, int s) {
  for (int k = 0; k < s; k++)
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 0; i < n; i++) y[i] = y[i] * a + 0.1 * sin(y[i]);
  for (int k = 0; k < s; k++)
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 0; i < n; i++) y[i] = y[i] - 0.05 * a * cos(y[i]);
  double r = 0;
  for (int i = 0; i < n; i++) r += y[i];
  return r;
}
