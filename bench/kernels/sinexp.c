#include <math.h>
double sinexp(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) + exp(x[i]);
  return s;
}
