#include <math.h>
// Not static, so that it stays a call that LICM would have to prove invariant.
double norm(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

void normalize(double *x, double *out, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] / norm(x, n);
}
