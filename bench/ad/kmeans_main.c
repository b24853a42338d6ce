// kmeans: inputs, the hand-written gradient (the nearest centroid of each
// point, then 2 (c - p) into its row), the harness. ARGS: n k d
#include "harness.h"

double kmeans_cost(int n, int k, int d, const double *points, const double *centroids);
void kmeans_enzyme(int n, int k, int d, const double *points, const double *centroids, double *dcentroids);

static int n, k, d;
static double *P, *C;

static void k_setup(int argc, char **argv) {
  n = (int)argl(argc, argv, 0, 10000);
  k = (int)argl(argc, argv, 1, 100);
  d = (int)argl(argc, argv, 2, 8);
  P = randvec((long)n * d, 1);
  C = randvec((long)k * d, 1);
  nout = (long)k * d;
  gh = zeros(nout); ge = zeros(nout);
}
static double k_primal(void) { return kmeans_cost(n, k, d, P, C); }
static void k_hand(void) {
  clear(gh, nout);
  for (int i = 0; i < n; i++) {
    const double *p = &P[i * d];
    double best = INFINITY;
    int arg = 0;
    for (int j = 0; j < k; j++) {
      const double *c = &C[j * d];
      double dist = 0;
      for (int l = 0; l < d; l++) dist += (p[l] - c[l]) * (p[l] - c[l]);
      if (dist < best) { best = dist; arg = j; }
    }
    for (int l = 0; l < d; l++) gh[arg * d + l] += 2 * (C[arg * d + l] - p[l]);
  }
}
static void k_enzyme(void) { clear(ge, nout); kmeans_enzyme(n, k, d, P, C, ge); }
// A small step: the cost has kinks where a point changes its nearest centroid.
static double k_fd(long j, double h) { return CENTRAL(C, j, h * 1e-3, k_primal()); }
