// Driver for joinsel.ll: the derivative of js for every way through its branches, against
// central finite differences of a weighted sum of x and y after the call; the derivative's
// own run must leave x and y as js leaves them.
#include <math.h>
#include <stdio.h>
#include <string.h>
extern void js(double *, double *, int, int, double);
extern void diffejs(double *, double *, double *, double *, int, int, double);

static const double xin0[3] = {0.7, -1.1, 0.4}, yin0[3] = {1.3, 0.6, -0.9};
static const double sx[3] = {1.0, -0.5, 0.25}, sy[3] = {0.75, 2.0, -1.5};

static double loss(const double *xin, const double *yin, int c, int d, double w) {
  double x[3], y[3];
  memcpy(x, xin, sizeof x); memcpy(y, yin, sizeof y);
  js(x, y, c, d, w);
  double l = 0;
  for (int k = 0; k < 3; k++) l += sx[k] * x[k] + sy[k] * y[k];
  return l;
}

int main(void) {
  int bad = 0;
  const int cases[3][2] = {{1, 1}, {1, 0}, {0, 1}};
  for (int t = 0; t < 3; t++) {
    int c = cases[t][0], d = cases[t][1];
    double w = 0.35, x[3], y[3], dx[3], dy[3], xr[3], yr[3];
    memcpy(x, xin0, sizeof x); memcpy(y, yin0, sizeof y); memcpy(dx, sx, sizeof dx); memcpy(dy, sy, sizeof dy);
    memcpy(xr, xin0, sizeof xr); memcpy(yr, yin0, sizeof yr);
    diffejs(x, dx, y, dy, c, d, w);
    js(xr, yr, c, d, w);
    for (int k = 0; k < 3; k++)
      if (x[k] != xr[k] || y[k] != yr[k]) { printf("c=%d d=%d: primal x[%d]=%g y[%d]=%g, js gives %g %g\n", c, d, k, x[k], k, y[k], xr[k], yr[k]); bad = 1; }
    for (int k = 0; k < 6; k++) {
      double h = 1e-6, xp[3], yp[3], xm[3], ym[3];
      memcpy(xp, xin0, sizeof xp); memcpy(yp, yin0, sizeof yp); memcpy(xm, xin0, sizeof xm); memcpy(ym, yin0, sizeof ym);
      (k < 3 ? xp : yp)[k % 3] += h; (k < 3 ? xm : ym)[k % 3] -= h;
      double fd = (loss(xp, yp, c, d, w) - loss(xm, ym, c, d, w)) / (2 * h), ad = k < 3 ? dx[k] : dy[k - 3];
      if (fabs(fd - ad) > 1e-6 * (1 + fabs(fd))) { printf("c=%d d=%d: d/d%c[%d] = %g, fd %g\n", c, d, k < 3 ? 'x' : 'y', k % 3, ad, fd); bad = 1; }
    }
  }
  printf("%s\n", bad ? "WRONG" : "all ok");
  return bad;
}
