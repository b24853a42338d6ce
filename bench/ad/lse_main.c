// log-sum-exp: inputs, the hand-written gradient, the harness. ARGS: n
#include "harness.h"

double lse(const double *x, int n);
void lse_enzyme(const double *x, double *dx, int n);

static double *x;
static int n;

static void k_setup(int argc, char **argv) {
  n = (int)argl(argc, argv, 0, 160000);
  x = randvec(n, 4);
  gh = zeros(n); ge = zeros(n); nout = n;
}
static double k_primal(void) { return lse(x, n); }
// d/dx_i = exp(x_i - m) / s: the exponentials kept in the output, then scaled.
static void k_hand(void) {
  double m = x[0];
  for (int i = 1; i < n; i++)
    if (x[i] > m) m = x[i];
  double s = 0;
  for (int i = 0; i < n; i++) { double e = exp(x[i] - m); gh[i] = e; s += e; }
  double inv = 1 / s;
  for (int i = 0; i < n; i++) gh[i] *= inv;
}
static void k_enzyme(void) { clear(ge, n); lse_enzyme(x, ge, n); }
static double k_fd(long j, double h) { return CENTRAL(x, j, h, lse(x, n)); }
