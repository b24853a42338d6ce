#include <math.h>
// The LICM example of Enzyme's paper: `norm` is a separate, pure
// function and the arrays are `restrict`, so clang -O2 hoists the call out of
// the loop and the primal is linear in n. The gradient must stay linear too.
__attribute__((noinline, pure)) double norm(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

void normalize(const double *restrict x, double *restrict out, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] / norm(x, n);
}
