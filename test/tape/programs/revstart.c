// Inner loops whose start the reverse computes from their trip count (src/tape/plan.ts,
// revStartLoop), inside outer loops that may be checkpointed (src/tape/checkpoint.ts): a
// nearest-centroid cost (k-means), a triangular nest whose inner trip count changes with the
// outer index, a three-deep nest with a bound read from memory, an inner loop that runs only on
// some outer iterations, and a trip count computed from active data beside an in-place update.
// Every gradient is compared with central finite differences; prints "all ok" and exits 0 when
// all agree.
#include <math.h>
#include <stdio.h>
#include <string.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

double nearest(int n, int k, int d, const double *p, const double *c) {
  double cost = 0;
  for (int i = 0; i < n; i++) {
    double best = INFINITY;
    for (int j = 0; j < k; j++) {
      double dist = 0;
      for (int l = 0; l < d; l++) dist += (p[i * d + l] - c[j * d + l]) * (p[i * d + l] - c[j * d + l]);
      if (dist < best) best = dist;
    }
    cost += best;
  }
  return cost;
}

double triangle(int n, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double t = 0;
    for (int j = 0; j <= i; j++) t += sin(x[j]) * x[i - j];
    s += t * t;
  }
  return s;
}

double ragged(int n, const int *len, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double r = 1;
    for (int j = 0; j < len[i]; j++) {
      double q = 0;
      for (int l = 0; l <= j; l++) q += x[(i + l) % n] * x[(j + l) % n];
      r = r * 0.5 + q;
    }
    s += r;
  }
  return s;
}

double sometimes(int n, int m, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    if (v > 0) {
      for (int j = 0; j < m; j++) v = v * x[(i + j) % n] + 0.1;
    }
    s += v * v;
  }
  return s;
}

// The trip count computed from active data, and the array overwritten in place.
double computed(int n, double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    int m = (int)(fabs(x[i]) * 4.0) + (i & 1);
    double v = x[i];
    for (int j = 0; j < m; j++) v = v * 0.9 + x[(i + j) % n] * x[j % n];
    x[i] = v * 0.5;
    s += v;
  }
  return s;
}

static void d_nearest(int n, int k, int d, const double *p, const double *c, double *dc) {
  __enzyme_autodiff((void *)nearest, enzyme_const, n, enzyme_const, k, enzyme_const, d, enzyme_const, p, enzyme_dup, c, dc);
}
static void d_triangle(int n, const double *x, double *dx) { __enzyme_autodiff((void *)triangle, enzyme_const, n, enzyme_dup, x, dx); }
static void d_ragged(int n, const int *len, const double *x, double *dx) {
  __enzyme_autodiff((void *)ragged, enzyme_const, n, enzyme_const, len, enzyme_dup, x, dx);
}
static void d_sometimes(int n, int m, const double *x, double *dx) {
  __enzyme_autodiff((void *)sometimes, enzyme_const, n, enzyme_const, m, enzyme_dup, x, dx);
}

enum { N = 13, K = 5, D = 6 };
static int bad;
static void cmp(const char *what, int at, double ad, double fd) {
  if (fabs(ad - fd) > 1e-6 * (1 + fabs(fd))) { printf("%s[%d]: ad %.12g fd %.12g\n", what, at, ad, fd); bad = 1; }
}
#define FD(arr, k, expr) ({ double s_ = arr[k], h_ = 1e-6; arr[k] = s_ + h_; double fp_ = (expr); arr[k] = s_ - h_; double fm_ = (expr); arr[k] = s_; (fp_ - fm_) / (2 * h_); })

int main(void) {
  static double p[N * D], c[K * D], dc[K * D], x[N], dx[N];
  int len[N];
  for (int k = 0; k < N * D; k++) p[k] = sin(1.3 * k + 0.2);
  for (int k = 0; k < K * D; k++) c[k] = 0.8 * sin(2.1 * k + 1.0);
  for (int k = 0; k < N; k++) { x[k] = 0.9 * cos(0.7 * k + 0.4) + 0.05; len[k] = (k * 5) % 7; }
  for (int d = 1; d <= D; d += 5) {
    memset(dc, 0, sizeof dc);
    d_nearest(N, K, d, p, c, dc);
    for (int k = 0; k < K * d; k++) cmp("nearest", k, dc[k], FD(c, k, nearest(N, K, d, p, c)));
  }
  memset(dx, 0, sizeof dx);
  d_triangle(N, x, dx);
  for (int k = 0; k < N; k++) cmp("triangle", k, dx[k], FD(x, k, triangle(N, x)));
  memset(dx, 0, sizeof dx);
  d_ragged(N, len, x, dx);
  for (int k = 0; k < N; k++) cmp("ragged", k, dx[k], FD(x, k, ragged(N, len, x)));
  memset(dx, 0, sizeof dx);
  d_sometimes(N, 4, x, dx);
  for (int k = 0; k < N; k++) cmp("sometimes", k, dx[k], FD(x, k, sometimes(N, 4, x)));
  {
    double y[N];
    memcpy(y, x, sizeof x);
    memset(dx, 0, sizeof dx);
    __enzyme_autodiff((void *)computed, enzyme_const, N, enzyme_dup, y, dx);
    for (int k = 0; k < N; k++) {
      double h = 1e-6;
      memcpy(y, x, sizeof x); y[k] += h; double fp = computed(N, y);
      memcpy(y, x, sizeof x); y[k] -= h; double fm = computed(N, y);
      cmp("computed", k, dx[k], (fp - fm) / (2 * h));
    }
  }
  if (!bad) printf("all ok\n");
  return bad;
}
