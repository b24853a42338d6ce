// Driver for ckpt_mem_width.c: both lanes of diffediffuse (width 2: the adjoints of two entries
// of u after the steps) against central finite differences, and u after the
// derivative against the primal's.
#include <math.h>
#include <stdio.h>
#include <string.h>
void diffuse(const double *, double *, int, int);
void diffediffuse(const double *p, double *dp0, double *dp1, double *u, double *du0, double *du1, int n, int s);
#define N 20
int main(void) {
  int bad = 0;
  const int ns[] = {0, 1, 2, 3, 4, 7, 20}, ss[] = {0, 1, 2, 3, 7, 10};
  for (int a = 0; a < 7; a++) for (int b = 0; b < 6; b++) {
    int n = ns[a], s = ss[b];
    double p[2] = {0.2, 0.05}, dp0[2] = {0, 0}, dp1[2] = {0, 0}, u0[N], u[N], du0[N], du1[N], up[N], um[N], e = 1e-6;
    for (int i = 0; i < N; i++) { u0[i] = 0.3 + 0.2 * sin(1.3 * i); du0[i] = 0; du1[i] = 0; }
    int i0 = n > 2 ? 1 : 0, i1 = n > 2 ? n - 2 : 0;
    if (n > 0) { du0[i0] = 1; du1[i1] += 1; }
    memcpy(u, u0, sizeof u);
    diffediffuse(p, dp0, dp1, u, du0, du1, n, s);
    memcpy(up, u0, sizeof up); diffuse(p, up, n, s);
    for (int i = 0; i < n; i++) if (u[i] != up[i]) { bad++; printf("n=%d s=%d: u[%d] after the derivative %g, primal %g\n", n, s, i, u[i], up[i]); break; }
    if (n == 0) continue;
    for (int j = 0; j < 2; j++) {
      double k = p[j];
      memcpy(up, u0, sizeof up); p[j] = k + e; diffuse(p, up, n, s);
      memcpy(um, u0, sizeof um); p[j] = k - e; diffuse(p, um, n, s);
      p[j] = k;
      double f0 = (up[i0] - um[i0]) / (2 * e), f1 = (up[i1] - um[i1]) / (2 * e);
      if (fabs(dp0[j] - f0) > 1e-6 * (1 + fabs(f0)) || fabs(dp1[j] - f1) > 1e-6 * (1 + fabs(f1))) { bad++; printf("n=%d s=%d p[%d]: %g %g vs %g %g\n", n, s, j, dp0[j], dp1[j], f0, f1); }
    }
    for (int j = 0; j < n; j++) {
      memcpy(up, u0, sizeof up); up[j] += e; diffuse(p, up, n, s);
      memcpy(um, u0, sizeof um); um[j] -= e; diffuse(p, um, n, s);
      double f0 = (up[i0] - um[i0]) / (2 * e), f1 = (up[i1] - um[i1]) / (2 * e);
      if (fabs(du0[j] - f0) > 1e-6 * (1 + fabs(f0)) || fabs(du1[j] - f1) > 1e-6 * (1 + fabs(f1))) { bad++; printf("n=%d s=%d u0[%d]: %g %g vs %g %g\n", n, s, j, du0[j], du1[j], f0, f1); }
    }
  }
  puts(bad ? "FAIL" : "all ok");
  return bad;
}
