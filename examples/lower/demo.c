// Enzyme's C ABI with enzyme-ts: see docs/lower.md.
#include <math.h>
#include <stdio.h>

extern int enzyme_dup, enzyme_const, enzyme_out;
void __enzyme_autodiff(void *, ...);

// loss = sum_i w * (x_i - t)^2 + log(1 + w^2)
double loss(const double *x, int n, double w, double t) {
  double s = 0;
  for (int i = 0; i < n; i++) s += w * (x[i] - t) * (x[i] - t);
  return s + log1p(w * w);
}

typedef struct { double dw; } Grad;
Grad __enzyme_autodiff_w(void *, ...) __asm__("__enzyme_autodiff_w");

int main(void) {
  double x[3] = {1.0, 2.0, 4.0}, dx[3] = {0, 0, 0};
  Grad g = __enzyme_autodiff_w((void *)loss, enzyme_dup, x, dx, enzyme_const, 3,
                               enzyme_out, 0.5, enzyme_const, 2.0);
  printf("dloss/dx = [%g %g %g]\n", dx[0], dx[1], dx[2]);
  printf("dloss/dw = %g\n", g.dw);
  return 0;
}
