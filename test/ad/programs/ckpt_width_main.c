// Driver for ckpt_width.c: both lanes of diffeoscp (width 2) against central finite differences.
#include <stdio.h>
#include <math.h>
void oscp(const double *, double *, long);
void diffeoscp(const double *p, double *dp0, double *dp1, double *out, double *do0, double *do1, long n);
int main(void) {
  int bad = 0; long ns[] = {0, 1, 2, 3, 5, 8, 100, 1001};
  for (int t = 0; t < 8; t++) { long n = ns[t];
    double p[2] = {1.2, 0.5}, dp0[2] = {0, 0}, dp1[2] = {0, 0}, out[2], do0[2] = {1, 0}, do1[2] = {0, 1}, e = 1e-6;
    diffeoscp(p, dp0, dp1, out, do0, do1, n);
    for (int j = 0; j < 2; j++) { double s = p[j], op[2], om[2]; p[j] = s + e; oscp(p, op, n); p[j] = s - e; oscp(p, om, n); p[j] = s;
      double f0 = (op[0] - om[0]) / (2 * e), f1 = (op[1] - om[1]) / (2 * e);
      if (fabs(dp0[j] - f0) > 1e-6 * (1 + fabs(f0)) || fabs(dp1[j] - f1) > 1e-6 * (1 + fabs(f1))) { bad++; printf("n=%ld j=%d: %g %g vs %g %g\n", n, j, dp0[j], dp1[j], f0, f1); } } }
  puts(bad ? "FAIL" : "all ok"); return bad; }
