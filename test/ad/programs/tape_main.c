// Driver for tape.c: each derivative against central finite differences, for
// several run-time sizes in the same process (the tape is allocated, reused
// across calls of different sizes, and freed), sizes 0 and 1 included.
#include <math.h>
#include <stdio.h>
#include <string.h>
typedef struct { double r; } R1;
#define MAXN 48
extern double counted(double *, double *, int);
extern R1 diffecounted(double *, double *, double *, double *, int, double);
extern double nest(double *, double *, double *, int, int);
extern R1 diffenest(double *, double *, double *, double *, double *, double *, int, int, double);
extern double tri(double *, double *, int);
extern R1 diffetri(double *, double *, double *, double *, int, double);
extern double modbound(double *, double *, int);
extern R1 diffemodbound(double *, double *, double *, double *, int, double);
extern double early(double *, double *, int);
extern R1 diffeearly(double *, double *, double *, double *, int, double);
extern double down(double *, double *, int);
extern R1 diffedown(double *, double *, double *, double *, int, double);
extern double uns(double *, double *, unsigned);
extern R1 diffeuns(double *, double *, double *, double *, unsigned, double);

static double base[MAXN * MAXN];
static int bad;
// f(x) with x = base (len entries), y scratch; d is the derivative call.
typedef double (*Fn)(double *x, double *y, int n);
typedef void (*Dfn)(double *x, double *dx, double *y, double *dy, int n);
static void check(const char *name, Fn f, Dfn d, int len, int n) {
  static double x[MAXN * MAXN], dx[MAXN * MAXN], y[MAXN], dy[MAXN];
  memcpy(x, base, sizeof(double) * len);
  memset(dx, 0, sizeof dx); memset(dy, 0, sizeof dy);
  d(x, dx, y, dy, n);
  for (int k = 0; k < len; k++) {
    double h = 1e-6, fp, fm;
    memcpy(x, base, sizeof(double) * len); x[k] += h; fp = f(x, y, n);
    memcpy(x, base, sizeof(double) * len); x[k] -= h; fm = f(x, y, n);
    double fd = (fp - fm) / (2 * h);
    if (fabs(fd - dx[k]) > 1e-5 * (1 + fabs(fd))) { bad = 1; printf("  %s n=%d [%d] ad %g fd %g\n", name, n, k, dx[k], fd); }
  }
}
static int M; // rows of nest
static double f_counted(double *x, double *y, int n) { return counted(x, y, n); }
static void d_counted(double *x, double *dx, double *y, double *dy, int n) { diffecounted(x, dx, y, dy, n, 1.0); }
static double f_tri(double *x, double *y, int n) { return tri(x, y, n); }
static void d_tri(double *x, double *dx, double *y, double *dy, int n) { diffetri(x, dx, y, dy, n, 1.0); }
static double f_modbound(double *x, double *y, int n) { return modbound(x, y, n); }
static void d_modbound(double *x, double *dx, double *y, double *dy, int n) { diffemodbound(x, dx, y, dy, n, 1.0); }
static double f_early(double *x, double *y, int n) { return early(x, y, n); }
static void d_early(double *x, double *dx, double *y, double *dy, int n) { diffeearly(x, dx, y, dy, n, 1.0); }
static double f_down(double *x, double *y, int n) { return down(x, y, n); }
static void d_down(double *x, double *dx, double *y, double *dy, int n) { diffedown(x, dx, y, dy, n, 1.0); }
static double f_uns(double *x, double *y, int n) { return uns(x, y, (unsigned)n); }
static void d_uns(double *x, double *dx, double *y, double *dy, int n) { diffeuns(x, dx, y, dy, (unsigned)n, 1.0); }
// nest: A (M x n) then x (n) in one array.
static double f_nest(double *a, double *y, int n) { return nest(a, a + M * n, y, M, n); }
static void d_nest(double *a, double *da, double *y, double *dy, int n) { diffenest(a, da, a + M * n, da + M * n, y, dy, M, n, 1.0); }

int main(void) {
  for (int k = 0; k < MAXN * MAXN; k++) base[k] = sin(1.7 * k + 0.3);
  static const int sizes[] = {0, 1, 5, 40, 17, 3};
  for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    int n = sizes[s];
    check("counted", f_counted, d_counted, n, n);
    check("tri", f_tri, d_tri, n, n);
    check("modbound", f_modbound, d_modbound, n, n);
    check("early", f_early, d_early, n, n);
    check("down", f_down, d_down, n, n);
    check("uns", f_uns, d_uns, n, n);
    M = n < 8 ? n + 1 : 7;
    check("nest", f_nest, d_nest, M * n + n, n);
  }
  printf("%s\n", bad ? "MISMATCH" : "all ok");
  return bad;
}
