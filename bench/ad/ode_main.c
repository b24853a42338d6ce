// ode: inputs, the hand-written gradient (the adjoint of the same Runge-Kutta
// steps: the state at the start of each step is kept, each step's stages are
// recomputed from it in the reverse), the harness. ARGS: n s
#include "harness.h"

void ode(const double *x, double *y, int n, int s);
void ode_enzyme(const double *x, double *dx, double *y, double *dy, int n, int s);

static int n, s;
static double *x, *y, *dy, *ys, *k1, *k2, *k3, *t2, *t3, *t4, *yb, *ao, *kb, *tb;

static void k_setup(int argc, char **argv) {
  n = (int)argl(argc, argv, 0, 10000);
  s = (int)argl(argc, argv, 1, 10);
  x = randvec(n, 1);
  y = zeros(n); dy = zeros(n);
  ys = vec((long)n * s);
  k1 = vec(n); k2 = vec(n); k3 = vec(n); t2 = vec(n); t3 = vec(n); t4 = vec(n); yb = vec(n); ao = vec(n); kb = vec(n); tb = vec(n);
  gh = zeros(n); ge = zeros(n); nout = n;
}
static double k_primal(void) { ode(x, y, n, s); return y[n - 1]; }

static void f(const double *v, double *z) {
  z[0] = x[0];
  for (int i = 1; i < n; i++) z[i] = x[i] * v[i - 1];
}
// z = f(v), zb its adjoint: gh += d/dx, vb += d/dv.
static void f_adj(const double *v, const double *zb, double *vb) {
  gh[0] += zb[0];
  for (int i = 1; i < n; i++) { gh[i] += zb[i] * v[i - 1]; vb[i - 1] += zb[i] * x[i]; }
}

// The stages of the step that starts at y0: t2, t3, t4 are the points k2, k3, k4 are taken at.
static void stages(const double *y0, double h, double *k4) {
  f(y0, k1);
  for (int i = 0; i < n; i++) t2[i] = y0[i] + h / 2 * k1[i];
  f(t2, k2);
  for (int i = 0; i < n; i++) t3[i] = y0[i] + h / 2 * k2[i];
  f(t3, k3);
  for (int i = 0; i < n; i++) t4[i] = y0[i] + h * k3[i];
  if (k4) f(t4, k4);
}

static void k_hand(void) {
  double h = 2.0 / s;
  clear(gh, n);
  clear(y, n);
  for (int st = 0; st < s; st++) {
    memcpy(&ys[(long)st * n], y, sizeof(double) * n);
    stages(y, h, kb);
    for (int i = 0; i < n; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + kb[i]);
  }
  // yb: the adjoint of the state after the step being reversed, then before it.
  clear(yb, n);
  yb[n - 1] = 1;
  for (int st = s - 1; st >= 0; st--) {
    const double *y0 = &ys[(long)st * n];
    stages(y0, h, NULL);
    memcpy(ao, yb, sizeof(double) * n);
    for (int i = 0; i < n; i++) { kb[i] = h / 6 * ao[i]; tb[i] = 0; }
    f_adj(t4, kb, tb);                                            // k4 = f(t4)
    for (int i = 0; i < n; i++) { yb[i] += tb[i]; kb[i] = h / 3 * ao[i] + h * tb[i]; tb[i] = 0; }
    f_adj(t3, kb, tb);                                            // k3 = f(t3), t4 = y0 + h k3
    for (int i = 0; i < n; i++) { yb[i] += tb[i]; kb[i] = h / 3 * ao[i] + h / 2 * tb[i]; tb[i] = 0; }
    f_adj(t2, kb, tb);                                            // k2 = f(t2), t3 = y0 + h/2 k2
    for (int i = 0; i < n; i++) { yb[i] += tb[i]; kb[i] = h / 6 * ao[i] + h / 2 * tb[i]; tb[i] = 0; }
    f_adj(y0, kb, tb);                                            // k1 = f(y0), t2 = y0 + h/2 k1
    for (int i = 0; i < n; i++) yb[i] += tb[i];
  }
}

static void k_enzyme(void) {
  clear(ge, n);
  clear(dy, n);
  dy[n - 1] = 1;
  ode_enzyme(x, ge, y, dy, n, s);
}
static double k_fd(long j, double h) { return CENTRAL(x, j, h, (ode(x, y, n, s), y[n - 1])); }
