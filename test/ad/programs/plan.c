// Shapes for the tape planner (src/tape/plan.ts, src/tape/mincut.ts): branch
// decisions inside loops (recomputable from one condition, or not), loads of
// memory nothing overwrites (repeated in the reverse) next to loads of memory
// that is overwritten later (kept), a nest reading the same entries many times.
// Every function: f(x, y, n) -> double, x and y duplicated, n constant.
#include <math.h>

// One condition decides the branch; the calls keep it a branch at -O2.
double branchy(double *x, double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double v = x[i], t;
    if (v > 0.2) { y[i] = v * v; t = sin(v); }
    else { y[i] = 2 * v; t = cos(v) * v; }
    s += t * y[i];
  }
  return s;
}

// Three ways into the join: the first condition alone does not say which.
double chain3(double *x, double *y, int n) {
  double s = 1;
  for (int i = 0; i < n; i++) {
    double v = x[i], t;
    if (v > 0.5) t = sin(v) * s;
    else if (v > -0.5) t = exp(v) + s;
    else t = cos(v * s);
    y[i] = t;
    s = 0.5 * s + 0.25 * t;
  }
  return s;
}

// Every x[i], x[j] read n times: the loads can be repeated in the reverse.
double reload(double *restrict x, double *restrict y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double r = 0;
    for (int j = 0; j < n; j++) {
      double d = x[i] - x[j];
      r += d > 0 ? sin(d) * x[j] : d * d;
    }
    y[i] = r;
    s += r * x[i];
  }
  return s;
}

// x overwritten in place: the first loop's loads must be kept, the second's may be repeated.
double inplace(double *restrict x, double *restrict y, int n) {
  for (int i = 0; i < n; i++) x[i] = sin(x[i]) + 0.5 * x[i];
  double s = 0;
  for (int i = 0; i < n; i++) {
    y[i] = x[i] * x[n - 1 - i];
    s += y[i] * x[i];
  }
  return s;
}

// A branch on a loaded value inside a nest, both sides reading the loads again.
double nestbranch(double *restrict x, double *restrict y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (x[j] > x[i]) { s += sin(x[i] - x[j]) * y[j]; }
      else { s += cos(x[i] * x[j]); y[j] += 0.1 * x[i]; }
    }
  return s;
}
