// Loop shapes for the tape's buffer allocation (test/ad/tape.test.ts). No
// `restrict`: the stores to y may alias x, so the loads of x are taped.
#include <math.h>
// Counted loop, trip count known only at run time: reserved at entry, no check.
double counted(double *x, double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) { y[i] = x[i] * x[i]; s += sin(x[i]) * y[i]; }
  return s;
}
// Nested counted loops (a matrix-vector product with tanh): inner counts multiplied at the outer entry.
double nest(double *A, double *x, double *y, int m, int n) {
  double r = 0;
  for (int i = 0; i < m; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += A[(long)i * n + j] * x[j];
    y[i] = tanh(s);
    r += y[i] * y[i];
  }
  return r;
}
// Triangular nest: the inner bound depends on the outer index, so it is reserved at each inner entry.
double tri(double *a, double *y, int n) {
  double r = 0;
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j <= i; j++) s += a[j] * a[i - j];
    y[i] = s;
    r += s * a[i];
  }
  return r;
}
// The bound changes inside the loop: no trip count, the buffers grow.
double modbound(double *x, double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    y[i] = x[i] * x[i];
    if (x[i] > 0.5) n--;
    s += y[i] * x[i];
  }
  return s;
}
// Early exit: an estimate is reserved, the per-iteration check stays.
double early(double *x, double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    if (x[i] < -0.75) break;
    y[i] = x[i] * x[i];
    s += y[i] * sin(x[i]);
  }
  return s;
}
// Counting down, and a step of 3 (an estimate only).
double down(double *x, double *y, int n) {
  double s = 0;
  for (int i = n - 1; i >= 0; i--) { y[i] = exp(x[i]); s += y[i] * x[i]; }
  for (int i = 0; i < n; i += 3) { y[i] = x[i] * s; s += y[i] * x[i]; }
  return s;
}
// Unsigned counter compared with != (wraps by definition).
double uns(double *x, double *y, unsigned n) {
  double s = 0;
  for (unsigned i = 0; i != n; i++) { y[i] = cos(x[i]); s += y[i] * x[i] * x[i]; }
  return s;
}
