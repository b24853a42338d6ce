#include "harness.h"
extern double lse(const double *x, int n);
extern R1 diffelse(const double *x, double *dx, int n, double seed);
static double *x, *dx;
static int n;
static void setup(long size) {
  n = (int)(size ? size : 1000);
  x = randvec(n, 3); dx = zeros(n);
  add_input("x", x, dx, n);
}
static double primal(void) { return lse(x, n); }
static void gradient(void) { memset(dx, 0, sizeof(double) * (size_t)n); sink = diffelse(x, dx, n, 1.0).r; }
static double objective(void) { return lse(x, n); }
