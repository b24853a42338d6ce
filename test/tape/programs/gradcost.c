// Derivatives whose cost the tool cuts down (docs/benchmarks.md, "Checkpoint-ready loops in two
// versions, sibling math calls, merged increments"): each function is differentiated and its
// gradient checked against central finite differences by gradcost_main.c.
#include <math.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

// log-sum-exp with the max shift: two outermost loops with a tape, each checkpoint-ready (the
// forward sweep runs a copy without the segment bookkeeping when the loop is not checkpointed).
double lse(const double *x, int n) {
  double m = x[0];
  for (int i = 1; i < n; i++)
    if (x[i] > m) m = x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += exp(x[i] - m);
  return log(s) + m;
}

// A recurrence whose state is in registers, with values computed in the loop used after it (the
// last term, the running sum) and a branch in the body.
double recur(const double *x, int n) {
  double s = 0, last = 0.5;
  for (int i = 0; i < n; i++) {
    double v = sin(x[i]) * last + x[i];
    if (v > 1) v = 1 + log(v);
    s += v * v;
    last = v;
  }
  return s + 3 * last;
}

// Sine and cosine of one angle (the rotation of bundle adjustment): each one's derivative is the
// other's primal value.
double rot(const double *x) {
  double t = sqrt(x[0] * x[0] + x[1] * x[1] + 0.5);
  double c = cos(t), s = sin(t);
  return c * x[2] - s * x[3] + c * s * x[0];
}

void d_lse(const double *x, double *dx, int n) {
  __enzyme_autodiff((void *)lse, enzyme_dup, x, dx, enzyme_const, n);
}
void d_recur(const double *x, double *dx, int n) {
  __enzyme_autodiff((void *)recur, enzyme_dup, x, dx, enzyme_const, n);
}
void d_rot(const double *x, double *dx) {
  __enzyme_autodiff((void *)rot, enzyme_dup, x, dx);
}
