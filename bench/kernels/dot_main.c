#include "harness.h"
extern double dot(const double *x, const double *y, int n);
extern R1 diffedot(const double *x, double *dx, const double *y, double *dy, int n, double seed);
static double *x, *dx, *y, *dy;
static int n;
static void setup(long size) {
  n = (int)(size ? size : 1000);
  x = randvec(n, 1); y = randvec(n, 1); dx = zeros(n); dy = zeros(n);
  add_input("x", x, dx, n); add_input("y", y, dy, n);
}
static double primal(void) { return dot(x, y, n); }
static void gradient(void) {
  memset(dx, 0, sizeof(double) * (size_t)n); memset(dy, 0, sizeof(double) * (size_t)n);
  sink = diffedot(x, dx, y, dy, n, 1.0).r;
}
static double objective(void) { return dot(x, y, n); }
