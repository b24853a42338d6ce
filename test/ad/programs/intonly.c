// Pointer parameters whose memory holds integers only get no shadow (src/analysis/intonly.ts):
// the determinant by minors passes its integer row and column lists through every recursive
// call. The other functions pass integer pointers that must keep their shadow (doubles stored
// through an int pointer by a callee) or that are integer-only beside an active array. Every
// gradient is compared with central finite differences; prints "ok" and exits 0 when all agree.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);

static double det_of_minor(const double *a, int m, int n, int *r, int *c) {
  int r0 = r[m], cj = c[m];
  if (n == 1) return a[r0 * m + cj];
  double det = 0;
  int sign = 1, prev = m;
  r[m] = r[r0];
  for (int j = 0; j < n; j++) {
    int k = r0 * m + cj;
    c[prev] = c[cj];
    double sub = det_of_minor(a, m, n - 1, r, c);
    c[prev] = cj;
    if (sign > 0) det += a[k] * sub;
    else det -= a[k] * sub;
    sign = -sign;
    prev = cj;
    cj = c[cj];
  }
  r[m] = r0;
  return det;
}

double det(const double *a, int m) {
  int *r = malloc(sizeof(int) * (m + 1)), *c = malloc(sizeof(int) * (m + 1));
  for (int i = 0; i < m; i++) { r[i] = i + 1; c[i] = i + 1; }
  r[m] = 0; c[m] = 0;
  double d = det_of_minor(a, m, m, r, c);
  free(r); free(c);
  return d;
}

// Doubles kept in integer memory by callees: the slot's shadow carries the derivative.
__attribute__((noinline)) static void stash(int *slot, double v) { memcpy(slot, &v, sizeof v); }
__attribute__((noinline)) static double unstash(const int *slot) { double v; memcpy(&v, slot, sizeof v); return v; }
__attribute__((noinline)) static double chain(const double *x, int *slot, int *count, int n) {
  if (n == 0) return unstash(slot);
  count[0] += 1;
  stash(slot, unstash(slot) * x[n - 1] + sin(x[n - 1]));
  return chain(x, slot, count, n - 1);
}

double via_ints(const double *x, int n) {
  int slot[2], count = 0;
  stash(slot, 1.5);
  double v = chain(x, slot, &count, n);
  return v * count;
}

// An index list (integer-only) beside an active array, through a non-recursive callee.
__attribute__((noinline)) static double gather(const double *x, const int *idx, int *seen, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) { s += x[idx[i]] * x[idx[(i + 1) % n]]; seen[idx[i]] += 1; }
  return s;
}

double permuted(const double *x, int n) {
  int idx[8], seen[8] = {0};
  for (int i = 0; i < n; i++) idx[i] = (3 * i + 1) % n;
  return gather(x, idx, seen, n) + seen[0];
}

typedef double (*fn_t)(const double *, int);

static int check(const char *name, fn_t f, void (*g)(const double *, double *, int), int n) {
  double x[64], dx[64] = {0};
  for (int i = 0; i < n; i++) x[i] = 0.3 + 0.7 * sin(1.0 + 2.3 * i);
  g(x, dx, n);
  int bad = 0;
  for (int i = 0; i < n; i++) {
    double h = 1e-5, save = x[i];
    x[i] = save + h; double fp = f(x, n);
    x[i] = save - h; double fm = f(x, n);
    x[i] = save;
    double fd = (fp - fm) / (2 * h);
    if (fabs(fd - dx[i]) > 1e-6 * (1 + fabs(fd))) { printf("%s: d/dx[%d] = %.12g, finite differences %.12g\n", name, i, dx[i], fd); bad = 1; }
  }
  return bad;
}

static void g_det(const double *a, double *da, int m) { __enzyme_autodiff((void *)det, enzyme_dup, a, da, enzyme_const, m); }
static void g_via(const double *x, double *dx, int n) { __enzyme_autodiff((void *)via_ints, enzyme_dup, x, dx, enzyme_const, n); }
static void g_perm(const double *x, double *dx, int n) { __enzyme_autodiff((void *)permuted, enzyme_dup, x, dx, enzyme_const, n); }

static double det4(const double *a, int n) { (void)n; return det(a, 4); }
static double det5(const double *a, int n) { (void)n; return det(a, 5); }
static void g_det4(const double *a, double *da, int n) { (void)n; g_det(a, da, 4); }
static void g_det5(const double *a, double *da, int n) { (void)n; g_det(a, da, 5); }

int main(void) {
  int bad = 0;
  bad |= check("det 4", det4, g_det4, 16);
  bad |= check("det 5", det5, g_det5, 25);
  bad |= check("via_ints", via_ints, g_via, 5);
  bad |= check("permuted", permuted, g_perm, 7);
  // Forward mode: the tangent of det along a direction, against finite differences.
  {
    double a[25], da[25], ap[25], am[25], h = 1e-6;
    for (int i = 0; i < 25; i++) { a[i] = sin(1.0 + 0.37 * i * i) + (i % 5 == i / 5); da[i] = cos(0.5 * i); }
    double t = __enzyme_fwddiff((void *)det, enzyme_dup, a, da, enzyme_const, 5);
    for (int i = 0; i < 25; i++) { ap[i] = a[i] + h * da[i]; am[i] = a[i] - h * da[i]; }
    double fd = (det(ap, 5) - det(am, 5)) / (2 * h);
    if (fabs(t - fd) > 1e-6 * (1 + fabs(fd))) { printf("det tangent %.12g, finite differences %.12g\n", t, fd); bad = 1; }
  }
  if (!bad) printf("ok\n");
  return bad;
}
