// The Euclidean norm of an array: the function the walkthrough differentiates.
#include <math.h>

double norm(const double *x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}
