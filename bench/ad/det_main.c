// det: inputs, the hand-written gradient, the harness. ARGS: ell
// The hand-written gradient walks the same recursion once: the determinant is
// linear in each entry of the first row of a minor, so the seed of each
// sub-minor (sign * a[k] * seed) is known before it is visited, and every
// entry's derivative is gathered on the way (about twice the primal's work,
// no tape).
#include "harness.h"

double det_by_minor(const double *a, int m);
void det_enzyme(const double *a, double *da, int m);

static int m;
static double *a;
static int *r, *c;

static void k_setup(int argc, char **argv) {
  m = (int)argl(argc, argv, 0, 7);
  a = randvec((long)m * m, 1);
  gh = zeros((long)m * m); ge = zeros((long)m * m); nout = (long)m * m;
  r = malloc(sizeof(int) * (m + 1)); c = malloc(sizeof(int) * (m + 1));
}
static double k_primal(void) { return det_by_minor(a, m); }

static double det_grad(int n, double seed) {
  int r0 = r[m], cj = c[m];
  if (n == 1) { gh[r0 * m + cj] += seed; return a[r0 * m + cj]; }
  double det = 0;
  int sign = 1, prev = m;
  r[m] = r[r0];
  for (int j = 0; j < n; j++) {
    int k = r0 * m + cj;
    double ak = sign > 0 ? a[k] : -a[k];
    c[prev] = c[cj];
    double sub = det_grad(n - 1, seed * ak);
    c[prev] = cj;
    det += ak * sub;
    gh[k] += (sign > 0 ? sub : -sub) * seed;
    sign = -sign;
    prev = cj;
    cj = c[cj];
  }
  r[m] = r0;
  return det;
}

static void k_hand(void) {
  clear(gh, nout);
  for (int i = 0; i < m; i++) { r[i] = i + 1; c[i] = i + 1; }
  r[m] = 0; c[m] = 0;
  sink = det_grad(m, 1.0);
}
static void k_enzyme(void) { clear(ge, nout); det_enzyme(a, ge, m); }
static double k_fd(long j, double h) { return CENTRAL(a, j, h, det_by_minor(a, m)); }
