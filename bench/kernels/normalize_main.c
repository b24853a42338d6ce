#include "harness.h"
extern void normalize(double *x, double *out, int n);
extern void diffenormalize(double *x, double *dx, double *out, double *dout, int n);
static double *x, *dx, *out, *dout, *w;
static int n;
static void setup(long size) {
  n = (int)(size ? size : 1000);
  x = randvec(n, 1); w = randvec(n, 1); out = zeros(n); dx = zeros(n); dout = zeros(n);
  add_input("x", x, dx, n);
}
static double primal(void) { normalize(x, out, n); return out[n - 1]; }
// The derivative consumes d(out) as the seed of the overwritten outputs, so it
// is set to the weights w before every call: the gradient of sum(w * out).
static void gradient(void) {
  memset(dx, 0, sizeof(double) * (size_t)n);
  memcpy(dout, w, sizeof(double) * (size_t)n);
  diffenormalize(x, dx, out, dout, n);
}
static double objective(void) {
  normalize(x, out, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i] * out[i];
  return s;
}
