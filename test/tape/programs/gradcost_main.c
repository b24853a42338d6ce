// Driver for gradcost.c and gradcost_inc.ll: every gradient entry against central finite differences.
#include <math.h>
#include <stdio.h>
#include <string.h>
double lse(const double *, int);
double recur(const double *, int);
double rot(const double *);
double sumsq_or_twice(const double *, long);
void d_lse(const double *, double *, int);
void d_recur(const double *, double *, int);
void d_rot(const double *, double *);
void d_sumsq_or_twice(const double *, double *, long);

enum { N = 37 };
static int bad;
static void cmp(const char *what, int at, double ad, double fd) {
  if (!(fabs(ad - fd) <= 1e-6 * (1 + fabs(fd)))) { printf("%s[%d]: ad %g fd %g\n", what, at, ad, fd); bad = 1; }
}
#define CHECK(NAME, CALL, DCALL, LEN)                                   \
  do {                                                                  \
    memset(dx, 0, sizeof dx);                                           \
    DCALL;                                                              \
    for (int k = 0; k < (LEN); k++) {                                   \
      double s = x[k];                                                  \
      x[k] = s + h; double fp = CALL;                                   \
      x[k] = s - h; double fm = CALL;                                   \
      x[k] = s;                                                         \
      cmp(NAME, k, dx[k], (fp - fm) / (2 * h));                         \
    }                                                                   \
  } while (0)

int main(void) {
  static double x[N], dx[N];
  const double h = 1e-6;
  for (int k = 0; k < N; k++) x[k] = sin(1.7 * k + 0.3) + 0.1 * k;
  for (int n = 1; n <= N; n += 9) {
    CHECK("lse", lse(x, n), d_lse(x, dx, n), n);
    CHECK("recur", recur(x, n), d_recur(x, dx, n), n);
    CHECK("sumsq_or_twice", sumsq_or_twice(x, n), d_sumsq_or_twice(x, dx, n), n);
  }
  CHECK("rot", rot(x), d_rot(x, dx), 4);
  x[0] = 0; x[1] = 0;
  CHECK("rot at 0", rot(x), d_rot(x, dx), 4);
  if (!bad) printf("all ok\n");
  return bad;
}
