// Driver for skipzero.c: every gradient entry against central finite differences.
#include <math.h>
#include <stdio.h>
#include <string.h>
double nearest(int, int, int, const double *, const double *);
double branchy_rows(int, int, const double *, double *);
double clamped(int, int, const double *);
void d_nearest(int, int, int, const double *, const double *, double *);
void d_branchy_rows(int, int, const double *, double *, double *, double *);
void d_clamped(int, int, const double *, double *);

enum { N = 23, K = 7, D = 6 };
static int bad;
static void cmp(const char *what, int at, double ad, double fd) {
  if (fabs(ad - fd) > 1e-6 * (1 + fabs(fd))) { printf("%s[%d]: ad %g fd %g\n", what, at, ad, fd); bad = 1; }
}

int main(void) {
  static double p[N * D], c[K * D], dc[K * D], x[N * D], dx[N * D], out[N], dout[N], o2[N];
  for (int k = 0; k < N * D; k++) { p[k] = sin(1.3 * k + 0.2); x[k] = 0.9 * cos(0.7 * k + 0.4) + 0.05; }
  for (int k = 0; k < K * D; k++) c[k] = 0.8 * sin(2.1 * k + 1.0);
  const double h = 1e-6;
  for (int d = 1; d <= D; d += 5) {  // d = 1 and 6: remainder loops alone, and both loops of -O2's unrolling
    memset(dc, 0, sizeof dc);
    d_nearest(N, K, d, p, c, dc);
    for (int k = 0; k < K * d; k++) {
      double s = c[k];
      c[k] = s + h; double fp = nearest(N, K, d, p, c);
      c[k] = s - h; double fm = nearest(N, K, d, p, c);
      c[k] = s;
      cmp("nearest", k, dc[k], (fp - fm) / (2 * h));
    }
    double seed[N];
    for (int i = 0; i < N; i++) seed[i] = 0.25 * (i % 5) - 0.5;
    memset(dx, 0, sizeof dx); memcpy(dout, seed, sizeof dout);
    d_branchy_rows(N, d, x, dx, out, dout);
    double ref = 0; (void)ref;
    branchy_rows(N, d, x, o2);
    for (int i = 0; i < N; i++) if (out[i] != o2[i]) { printf("branchy_rows: out[%d] = %g, not %g\n", i, out[i], o2[i]); bad = 1; }
    for (int k = 0; k < N * d; k++) {
      double s = x[k], fp, fm;
      x[k] = s + h; fp = branchy_rows(N, d, x, o2); for (int i = 0; i < N; i++) fp += seed[i] * o2[i];
      x[k] = s - h; fm = branchy_rows(N, d, x, o2); for (int i = 0; i < N; i++) fm += seed[i] * o2[i];
      x[k] = s;
      cmp("branchy_rows", k, dx[k], (fp - fm) / (2 * h));
    }
    memset(dx, 0, sizeof dx);
    d_clamped(N, d, x, dx);
    for (int k = 0; k < N * d; k++) {
      double s = x[k];
      x[k] = s + h; double fp = clamped(N, d, x);
      x[k] = s - h; double fm = clamped(N, d, x);
      x[k] = s;
      cmp("clamped", k, dx[k], (fp - fm) / (2 * h));
    }
  }
  printf("%s\n", bad ? "WRONG" : "all ok");
  return bad;
}
