// Loops for checkpointing (src/tape/checkpoint.ts): state carried in registers
// (checkpointable), and loops that keep their whole tape (inner loops, an early
// exit, stores). Each function returns a double; test/ad/checkpoint.test.ts
// differentiates them with ret activeonly and compares with finite differences.
#include <math.h>

// A damped nonlinear oscillator, explicit Euler: state (y, v) in registers.
double osc(double a, double b, double y0, long n) {
  double y = y0, v = 0.0, h = 1e-3;
  for (long i = 0; i < n; i++) {
    double acc = -a * y - b * v + 0.1 * sin(y);
    v += h * acc;
    y += h * v;
  }
  return y;
}

// Reads memory nothing writes (w), state p and s in registers, an int counter.
double series(const double *restrict w, double x, int n) {
  double s = 0.0, p = x;
  for (int i = 0; i < n; i++) {
    s += w[i] * p;
    p = 0.5 * p + 0.3 * exp(-p * p);
  }
  return s;
}

// Logistic map with the parameter in a loop-invariant product computed before the loop.
double logistic(double r, double x0, int n) {
  double x = x0, c = r * 0.25 + 2.0;
  for (int i = 0; i < n; i++) x = c * x * (1.0 - x);
  return x;
}

// Nested: the outer loop contains a loop, the inner one is inside a loop: neither is checkpointed.
double nest(double a, double y0, int n, int m) {
  double y = y0;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) y = y - 0.01 * a * sin(y);
    y = y * 0.999 + 0.001 * a;
  }
  return y;
}

// An early exit: not checkpointed.
double early(double a, double y0, int n) {
  double y = y0;
  for (int i = 0; i < n; i++) {
    y = y + 0.01 * a * cos(y);
    if (y > 3.0) break;
  }
  return y;
}

// Writes memory in the loop: not checkpointed.
double store(double a, double *restrict buf, int n) {
  double y = a;
  for (int i = 0; i < n; i++) { y = sin(y) + a; buf[i] = y; }
  double s = 0.0;
  for (int i = 0; i < n; i++) s += buf[i] * buf[i];
  return s;
}

// Two loops in a row, the first one's exit entering the second one's header directly (Rust's
// iterator folds compile so): the second loop's checkpoint setup looked for its entering branch in
// the first one's header block, which the first loop's setup had split (invalid IR, E0999).
double twoloops(double a, double b, long n) {
  double s = a;
  long i = 0;
#pragma nounroll
  do { s = sin(s) + b; i++; } while (i != n);
  double t = s;
  long j = 0;
#pragma nounroll
  do { t = cos(t) * s; j++; } while (j != n);
  return t;
}
