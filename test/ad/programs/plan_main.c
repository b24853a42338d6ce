// Driver for plan.c: each derivative against central finite differences, for
// several sizes in one process (y is an input too: it is read before written in nestbranch).
#include <math.h>
#include <stdio.h>
#include <string.h>
typedef struct { double r; } R1;
#define MAXN 24
#define DECL(F) extern double F(double *, double *, int); extern R1 diffe##F(double *, double *, double *, double *, int, double);
DECL(branchy) DECL(chain3) DECL(reload) DECL(inplace) DECL(nestbranch)

static double base[2 * MAXN];
static int bad;
typedef double (*Fn)(double *, double *, int);
typedef R1 (*Dfn)(double *, double *, double *, double *, int, double);
static void check(const char *name, Fn f, Dfn d, int n) {
  static double x[MAXN], dx[MAXN], y[MAXN], dy[MAXN];
  memcpy(x, base, sizeof(double) * n); memcpy(y, base + MAXN, sizeof(double) * n);
  memset(dx, 0, sizeof dx); memset(dy, 0, sizeof dy);
  d(x, dx, y, dy, n, 1.0);
  for (int k = 0; k < 2 * n; k++) {
    double h = 1e-6, fp, fm;
    memcpy(x, base, sizeof(double) * n); memcpy(y, base + MAXN, sizeof(double) * n);
    (k < n ? x : y)[k % n] += h; fp = f(x, y, n);
    memcpy(x, base, sizeof(double) * n); memcpy(y, base + MAXN, sizeof(double) * n);
    (k < n ? x : y)[k % n] -= h; fm = f(x, y, n);
    double fd = (fp - fm) / (2 * h), ad = k < n ? dx[k] : dy[k - n];
    if (fabs(fd - ad) > 1e-5 * (1 + fabs(fd))) { bad = 1; printf("  %s n=%d [%d] ad %g fd %g\n", name, n, k, ad, fd); }
  }
}

int main(void) {
  for (int k = 0; k < 2 * MAXN; k++) base[k] = 1.3 * sin(1.7 * k + 0.3);
  int sizes[] = {0, 1, 2, 5, 13, 24};
  for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    int n = sizes[s];
    check("branchy", branchy, diffebranchy, n);
    check("chain3", chain3, diffechain3, n);
    check("reload", reload, differeload, n);
    check("inplace", inplace, diffeinplace, n);
    check("nestbranch", nestbranch, diffenestbranch, n);
  }
  printf(bad ? "MISMATCH\n" : "all ok\n");
  return bad;
}
