// Loads of argument memory that the function frees before the reverse sweep runs: the tape plan
// must keep them (never repeat a load of freed memory), whatever the policy. `kept` is the
// control: the same loop without the free, whose loads are repeated. test/ad/plan.test.ts.
#include <stdlib.h>
#include <math.h>

__attribute__((noinline)) void release(double *p) { free(p); }

double kept(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) * x[i];
  return s;
}

double freed(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) * x[i];
  free(x);
  return s;
}

double freed_by_callee(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) * x[i];
  release(x);
  return s;
}

double reallocated(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) * x[i];
  double *y = realloc(x, 2 * (size_t)n * sizeof *y);
  y[n] = s;
  free(y);
  return s;
}
