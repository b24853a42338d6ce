#include "harness.h"
extern double sinexp(const double *x, int n);
extern R1 diffesinexp(const double *x, double *dx, int n, double seed);
static double *x, *dx;
static int n;
static void setup(long size) {
  n = (int)(size ? size : 1000);
  x = randvec(n, 1); dx = zeros(n);
  add_input("x", x, dx, n);
}
static double primal(void) { return sinexp(x, n); }
static void gradient(void) { memset(dx, 0, sizeof(double) * (size_t)n); sink = diffesinexp(x, dx, n, 1.0).r; }
static double objective(void) { return sinexp(x, n); }
