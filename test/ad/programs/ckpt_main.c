// Driver for ckpt.c: every derivative against central finite differences, for trip counts
// that are and are not multiples of the checkpoint interval, 0 and 1 included.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { double d0, d1; } D2;
double osc(double, double, double, long);
double series(const double *, double, int);
double logistic(double, double, int);
double nest(double, double, int, int);
double early(double, double, int);
double store(double, double *, int);
double twoloops(double, double, long);
D2 diffeosc(double, double, double, long, double);
double diffeseries(const double *, double *, double, int, double);
D2 diffelogistic(double, double, int, double);
D2 diffenest(double, double, int, int, double);
D2 diffeearly(double, double, int, double);
double diffestore(double, double *, double *, int, double);
D2 diffetwoloops(double, double, long, double);

static int bad = 0;
static void check(const char *what, long n, double got, double fd) {
  if (!(fabs(got - fd) <= 1e-6 * (1.0 + fabs(fd)))) { bad++; printf("%s n=%ld: %.12g vs finite differences %.12g\n", what, n, got, fd); }
}

int main(void) {
  const long ns[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 31, 100, 1001};
  const double e = 1e-6;
  static double w[1001], dw[1001], buf[1001], dbuf[1001];
  for (int i = 0; i < 1001; i++) w[i] = 0.5 + 0.25 * sin(i);
  for (unsigned t = 0; t < sizeof ns / sizeof *ns; t++) {
    long n = ns[t];
    double a = 1.3, b = 0.4, y0 = 0.7;
    D2 g = diffeosc(a, b, y0, n, 1.0);
    check("osc d/da", n, g.d0, (osc(a + e, b, y0, n) - osc(a - e, b, y0, n)) / (2 * e));
    check("osc d/dy0", n, g.d1, (osc(a, b, y0 + e, n) - osc(a, b, y0 - e, n)) / (2 * e));

    for (int i = 0; i < 1001; i++) dw[i] = 0;
    double dx = diffeseries(w, dw, 0.8, (int)n, 1.0);
    check("series d/dx", n, dx, (series(w, 0.8 + e, (int)n) - series(w, 0.8 - e, (int)n)) / (2 * e));
    for (long i = 0; i < n; i += 1 + n / 7) {
      double s = w[i];
      w[i] = s + e; double fp = series(w, 0.8, (int)n);
      w[i] = s - e; double fm = series(w, 0.8, (int)n);
      w[i] = s;
      check("series d/dw[i]", n, dw[i], (fp - fm) / (2 * e));
    }

    g = diffelogistic(0.9, 0.3, (int)n, 1.0);
    check("logistic d/dr", n, g.d0, (logistic(0.9 + e, 0.3, (int)n) - logistic(0.9 - e, 0.3, (int)n)) / (2 * e));
    check("logistic d/dx0", n, g.d1, (logistic(0.9, 0.3 + e, (int)n) - logistic(0.9, 0.3 - e, (int)n)) / (2 * e));

    int m = (int)(n % 5);
    g = diffenest(a, y0, (int)n, m, 1.0);
    check("nest d/da", n, g.d0, (nest(a + e, y0, (int)n, m) - nest(a - e, y0, (int)n, m)) / (2 * e));
    check("nest d/dy0", n, g.d1, (nest(a, y0 + e, (int)n, m) - nest(a, y0 - e, (int)n, m)) / (2 * e));

    g = diffeearly(a, y0, (int)n, 1.0);
    check("early d/da", n, g.d0, (early(a + e, y0, (int)n) - early(a - e, y0, (int)n)) / (2 * e));
    check("early d/dy0", n, g.d1, (early(a, y0 + e, (int)n) - early(a, y0 - e, (int)n)) / (2 * e));

    long n1 = n < 1 ? 1 : n; // do-while loops
    g = diffetwoloops(0.3, 0.2, n1, 1.0);
    check("twoloops d/da", n1, g.d0, (twoloops(0.3 + e, 0.2, n1) - twoloops(0.3 - e, 0.2, n1)) / (2 * e));
    check("twoloops d/db", n1, g.d1, (twoloops(0.3, 0.2 + e, n1) - twoloops(0.3, 0.2 - e, n1)) / (2 * e));

    for (int i = 0; i < 1001; i++) dbuf[i] = 0;
    double da = diffestore(0.6, buf, dbuf, (int)n, 1.0);
    check("store d/da", n, da, (store(0.6 + e, buf, (int)n) - store(0.6 - e, buf, (int)n)) / (2 * e));
  }
  puts(bad ? "FAIL" : "all ok");
  return bad != 0;
}
