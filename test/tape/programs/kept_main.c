// Driver for kept.c: the gradient of J = sum_i w_i y_i (y after s steps) with respect to p and to
// the initial y, against central finite differences; then the allocations of a gradient call
// taken again with the same sizes (the link wraps malloc, calloc, realloc and free): printed as
// "steady n=N s=S mallocs=M callocs=C reallocs=R" for the test to compare with the primal's 3.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void march(const double *p, double *y, int n, int s);
void march_grad(const double *p, double *dp, double *y, double *dy, int n, int s);

void *__real_malloc(size_t); void *__real_calloc(size_t, size_t); void *__real_realloc(void *, size_t); void __real_free(void *);
static int counting;
static long mallocs, callocs, reallocs;
void *__wrap_malloc(size_t n) { if (counting) mallocs++; return __real_malloc(n); }
void *__wrap_calloc(size_t a, size_t b) { if (counting) callocs++; return __real_calloc(a, b); }
void *__wrap_realloc(void *p, size_t n) { if (counting) reallocs++; return __real_realloc(p, n); }
void __wrap_free(void *p) { __real_free(p); }

static double *p, *dp, *y, *dy, *yinit;
static int bad;

static void init(int n) {
  for (int i = 0; i < n; i++) { p[i] = 0.5 + 0.3 * sin(1.3 * i); yinit[i] = 0.2 + 0.1 * cos(0.7 * i); }
}
static double J(int n, int s) {
  memcpy(y, yinit, sizeof(double) * n);
  march(p, y, n, s);
  double r = 0;
  for (int i = 0; i < n; i++) r += (1.0 / (1 + i)) * y[i];
  return r;
}
static void grad(int n, int s) {
  memset(dp, 0, sizeof(double) * n);
  memcpy(y, yinit, sizeof(double) * n);
  for (int i = 0; i < n; i++) dy[i] = 1.0 / (1 + i);
  march_grad(p, dp, y, dy, n, s);
}

int main(int argc, char **argv) {
  int sizes[][2] = {{1, 3}, {7, 5}, {300, 6}, {20000, 4}, {300, 6}, {40000, 2}};
  int count = argc > 1 ? atoi(argv[1]) : (int)(sizeof sizes / sizeof *sizes);
  int most = 40000;
  p = malloc(sizeof(double) * most); dp = malloc(sizeof(double) * most); y = malloc(sizeof(double) * most);
  dy = malloc(sizeof(double) * most); yinit = malloc(sizeof(double) * most);
  double *gp = malloc(sizeof(double) * most), *gy = malloc(sizeof(double) * most);
  for (int c = 0; c < count; c++) {
    int n = sizes[c][0], s = sizes[c][1];
    init(n);
    grad(n, s);
    memcpy(gp, dp, sizeof(double) * n); memcpy(gy, dy, sizeof(double) * n);
    // The memory after the derivative is what the primal leaves.
    double *after = malloc(sizeof(double) * n);
    memcpy(after, y, sizeof(double) * n);
    J(n, s);
    for (int i = 0; i < n; i++) if (after[i] != y[i]) { bad++; printf("n=%d s=%d: y[%d] after the derivative %.17g, primal %.17g\n", n, s, i, after[i], y[i]); break; }
    free(after);
    const double e = 1e-6;
    for (int i = 0; i < n; i += 1 + n / 4) {
      double keep = p[i];
      p[i] = keep + e; double fp = J(n, s); p[i] = keep - e; double fm = J(n, s); p[i] = keep;
      double fd = (fp - fm) / (2 * e);
      if (!(fabs(gp[i] - fd) <= 1e-6 * (1 + fabs(fd)))) { bad++; printf("n=%d s=%d: dJ/dp[%d] %.12g, finite differences %.12g\n", n, s, i, gp[i], fd); }
      keep = yinit[i];
      yinit[i] = keep + e; fp = J(n, s); yinit[i] = keep - e; fm = J(n, s); yinit[i] = keep;
      fd = (fp - fm) / (2 * e);
      if (!(fabs(gy[i] - fd) <= 1e-6 * (1 + fabs(fd)))) { bad++; printf("n=%d s=%d: dJ/dy0[%d] %.12g, finite differences %.12g\n", n, s, i, gy[i], fd); }
    }
    // The same gradient again: what it allocates now.
    mallocs = callocs = reallocs = 0;
    counting = 1;
    grad(n, s);
    counting = 0;
    for (int i = 0; i < n; i++) if (dp[i] != gp[i] || dy[i] != gy[i]) { bad++; printf("n=%d s=%d: the gradient taken again differs at %d\n", n, s, i); break; }
    printf("steady n=%d s=%d mallocs=%ld callocs=%ld reallocs=%ld\n", n, s, mallocs, callocs, reallocs);
  }
  free(p); free(dp); free(y); free(dy); free(yinit); free(gp); free(gy);
  printf(bad ? "FAILED\n" : "all ok\n");
  return bad != 0;
}
