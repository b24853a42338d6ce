// GradBench "lse" (log-sum-exp with the max shift), written from its public
// description. enzyme-ts's gradient: the __enzyme_autodiff call below, lowered.
#include <math.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

double lse(const double *x, int n) {
  double m = x[0];
  for (int i = 1; i < n; i++)
    if (x[i] > m) m = x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += exp(x[i] - m);
  return log(s) + m;
}

void lse_enzyme(const double *x, double *dx, int n) {
  __enzyme_autodiff((void *)lse, enzyme_dup, x, dx, enzyme_const, n);
}
