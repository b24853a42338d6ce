// Driver for ckpt_mem.c: every derivative against central finite differences, and the
// memory the derivative leaves (the primal's results) against the primal's, for array
// sizes and step counts that are and are not multiples of the checkpoint interval.
#include <math.h>
#include <stdio.h>
#include <string.h>

double rk4(const double *, double *, int, int);
double heat(double *, double, int, int);
double lorenz(double *, double, int);
double twice(double *, double, int, int);
void differk4(const double *, double *, double *, double *, int, int, double);
double diffeheat(double *, double *, double, int, int, double);
double diffelorenz(double *, double *, double, int, double);
double diffetwice(double *, double *, double, int, int, double);

static int bad = 0;
static void check(const char *what, int n, int s, double got, double fd) {
  if (!(fabs(got - fd) <= 1e-6 * (1.0 + fabs(fd)))) { bad++; printf("%s n=%d s=%d: %.12g vs finite differences %.12g\n", what, n, s, got, fd); }
}
static void same(const char *what, int n, int s, const double *a, const double *b, int len) {
  for (int i = 0; i < len; i++)
    if (a[i] != b[i]) { bad++; printf("%s n=%d s=%d: memory after the derivative [%d] %.17g, primal %.17g\n", what, n, s, i, a[i], b[i]); return; }
}

#define N 40
static double p[N], dp[N], u0[N], y[N], dy[N], yp[N], ym[N];

static void init(double *v, int n, double c) { for (int i = 0; i < n; i++) v[i] = c + 0.3 * sin(1.7 * i + c); }

int main(void) {
  const int ns[] = {0, 1, 2, 3, 5, 8, 17};
  const int ss[] = {0, 1, 2, 3, 7, 10, 23};
  const double e = 1e-6;
  for (unsigned a = 0; a < sizeof ns / sizeof *ns; a++) {
    for (unsigned b = 0; b < sizeof ss / sizeof *ss; b++) {
      int n = ns[a], s = ss[b];
      // rk4: d/dp and d/dy0 (y in place: its shadow goes in as 0 and comes out as d/dy0).
      init(p, n, 0.5); init(u0, n, 0.2);
      memcpy(y, u0, sizeof y); memset(dp, 0, sizeof dp); memset(dy, 0, sizeof dy);
      differk4(p, dp, y, dy, n, s, 1.0);
      memcpy(yp, u0, sizeof yp); rk4(p, yp, n, s);
      same("rk4", n, s, y, yp, n);
      for (int i = 0; i < n; i += 1 + n / 5) {
        double keep = p[i];
        memcpy(yp, u0, sizeof yp); p[i] = keep + e; double fp = rk4(p, yp, n, s);
        memcpy(ym, u0, sizeof ym); p[i] = keep - e; double fm = rk4(p, ym, n, s);
        p[i] = keep;
        check("rk4 d/dp[i]", n, s, dp[i], (fp - fm) / (2 * e));
        memcpy(yp, u0, sizeof yp); yp[i] += e; fp = rk4(p, yp, n, s);
        memcpy(ym, u0, sizeof ym); ym[i] -= e; fm = rk4(p, ym, n, s);
        check("rk4 d/dy0[i]", n, s, dy[i], (fp - fm) / (2 * e));
      }

      // heat: d/da and d/du0.
      double c = 0.2;
      init(u0, n, 0.4);
      memcpy(y, u0, sizeof y); memset(dy, 0, sizeof dy);
      double da = diffeheat(y, dy, c, n, s, 1.0);
      memcpy(yp, u0, sizeof yp); heat(yp, c, n, s);
      same("heat", n, s, y, yp, n);
      memcpy(yp, u0, sizeof yp); double fp = heat(yp, c + e, n, s);
      memcpy(ym, u0, sizeof ym); double fm = heat(ym, c - e, n, s);
      check("heat d/da", n, s, da, (fp - fm) / (2 * e));
      for (int i = 0; i < n; i += 1 + n / 5) {
        memcpy(yp, u0, sizeof yp); yp[i] += e; fp = heat(yp, c, n, s);
        memcpy(ym, u0, sizeof ym); ym[i] -= e; fm = heat(ym, c, n, s);
        check("heat d/du0[i]", n, s, dy[i], (fp - fm) / (2 * e));
      }

      // twice: d/da and d/dy0.
      init(u0, n, 0.6);
      memcpy(y, u0, sizeof y); memset(dy, 0, sizeof dy);
      da = diffetwice(y, dy, 0.9, n, s, 1.0);
      memcpy(yp, u0, sizeof yp); twice(yp, 0.9, n, s);
      same("twice", n, s, y, yp, n);
      memcpy(yp, u0, sizeof yp); fp = twice(yp, 0.9 + e, n, s);
      memcpy(ym, u0, sizeof ym); fm = twice(ym, 0.9 - e, n, s);
      check("twice d/da", n, s, da, (fp - fm) / (2 * e));
      for (int i = 0; i < n; i += 1 + n / 5) {
        memcpy(yp, u0, sizeof yp); yp[i] += e; fp = twice(yp, 0.9, n, s);
        memcpy(ym, u0, sizeof ym); ym[i] -= e; fm = twice(ym, 0.9, n, s);
        check("twice d/dy0[i]", n, s, dy[i], (fp - fm) / (2 * e));
      }
    }
    // lorenz: the step count from the sizes' list times 3 (0 to 51 steps).
    int steps = 3 * ns[a];
    double st0[3] = {1.0, 1.5, 20.0}, st[3], dst[3] = {0, 0, 0}, sp[3], sm[3];
    memcpy(st, st0, sizeof st);
    double ds = diffelorenz(st, dst, 10.0, steps, 1.0);
    memcpy(sp, st0, sizeof sp); lorenz(sp, 10.0, steps);
    same("lorenz", 3, steps, st, sp, 3);
    memcpy(sp, st0, sizeof sp); double fp = lorenz(sp, 10.0 + e, steps);
    memcpy(sm, st0, sizeof sm); double fm = lorenz(sm, 10.0 - e, steps);
    check("lorenz d/dsigma", 3, steps, ds, (fp - fm) / (2 * e));
    for (int i = 0; i < 3; i++) {
      memcpy(sp, st0, sizeof sp); sp[i] += e; fp = lorenz(sp, 10.0, steps);
      memcpy(sm, st0, sizeof sm); sm[i] -= e; fm = lorenz(sm, 10.0, steps);
      check("lorenz d/dst0[i]", 3, steps, dst[i], (fp - fm) / (2 * e));
    }
  }
  puts(bad ? "FAIL" : "all ok");
  return bad != 0;
}
