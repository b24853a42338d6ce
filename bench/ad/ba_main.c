// ba: inputs, the hand-written Jacobian (per observation and residual, the
// reprojection forward with its intermediates kept, then their adjoints: the
// same reverse sweeps the AD Jacobian makes), the harness. ARGS: n m p
// The primal timed is the whole objective (reprojection and weight errors).
#include "harness.h"

void compute_reproj_error(const double *cam, const double *X, const double *w, const double *feat, double *err);
void ba_objective(int p, const double *cams, const double *X, const double *w, const int *obs, const double *feats,
                  double *reproj_err, double *w_err);
void ba_jacobian_enzyme(int p, const double *cams, const double *X, const double *w, const int *obs, const double *feats,
                        double *J);

static int nc, np, p;
static double *cams, *X, *W, *feats, *rerr, *werr;
static int *obs;

static void k_setup(int argc, char **argv) {
  nc = (int)argl(argc, argv, 0, 21);
  np = (int)argl(argc, argv, 1, 11315);
  p = (int)argl(argc, argv, 2, 36455);
  cams = vec(11L * nc); X = vec(3L * np); W = vec(p); feats = vec(2L * p);
  obs = malloc(sizeof(int) * 2 * (size_t)p);
  for (int i = 0; i < nc; i++) {
    double *c = &cams[11 * i];
    for (int j = 0; j < 3; j++) c[j] = 0.2 * uniform();    // rotation
    for (int j = 3; j < 6; j++) c[j] = 0.5 * uniform();    // centre
    c[6] = 2 + 0.2 * uniform();                            // focal length
    c[7] = 0.1 * uniform(); c[8] = 0.1 * uniform();        // principal point
    c[9] = 0.05 * uniform(); c[10] = 0.01 * uniform();     // distortion
  }
  for (int i = 0; i < np; i++) { X[3 * i] = uniform(); X[3 * i + 1] = uniform(); X[3 * i + 2] = 4 + uniform(); }
  for (int i = 0; i < p; i++) {
    W[i] = 1 + 0.1 * uniform();
    feats[2 * i] = uniform(); feats[2 * i + 1] = uniform();
    obs[2 * i] = i % nc;
    obs[2 * i + 1] = i % np;
  }
  rerr = vec(2L * p); werr = vec(p);
  nout = 31L * p;
  gh = zeros(nout); ge = zeros(nout);
}
static double k_primal(void) { ba_objective(p, cams, X, W, obs, feats, rerr, werr); return rerr[0]; }

// Forward and reverse of one residual's reprojection error, seed e = (e0, e1): g[0..15) = d(e . err) / d(cam, X, w).
static void reproj_grad(const double *cam, const double *Xp, double w, const double *feat, double e0, double e1, double *g) {
  double xo[3] = { Xp[0] - cam[3], Xp[1] - cam[4], Xp[2] - cam[5] }, xc[3];
  const double *rot = cam;
  double sqt = rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2];
  double th = 0, ct = 0, st = 0, ti = 0, wv[3] = { 0, 0, 0 }, wx[3] = { 0, 0, 0 }, dt = 0, tmp = 0;
  if (sqt != 0) {
    th = sqrt(sqt); ct = cos(th); st = sin(th); ti = 1 / th;
    for (int i = 0; i < 3; i++) wv[i] = rot[i] * ti;
    wx[0] = wv[1] * xo[2] - wv[2] * xo[1]; wx[1] = wv[2] * xo[0] - wv[0] * xo[2]; wx[2] = wv[0] * xo[1] - wv[1] * xo[0];
    dt = wv[0] * xo[0] + wv[1] * xo[1] + wv[2] * xo[2];
    tmp = dt * (1 - ct);
    for (int i = 0; i < 3; i++) xc[i] = xo[i] * ct + wx[i] * st + wv[i] * tmp;
  } else {
    xc[0] = xo[0] + rot[1] * xo[2] - rot[2] * xo[1];
    xc[1] = xo[1] + rot[2] * xo[0] - rot[0] * xo[2];
    xc[2] = xo[2] + rot[0] * xo[1] - rot[1] * xo[0];
  }
  double p0 = xc[0] / xc[2], p1 = xc[1] / xc[2];
  double rsq = p0 * p0 + p1 * p1, k1 = cam[9], k2 = cam[10];
  double L = 1 + k1 * rsq + k2 * rsq * rsq;
  double q0 = p0 * L, q1 = p1 * L, f = cam[6];
  double proj0 = q0 * f + cam[7], proj1 = q1 * f + cam[8];
  // reverse
  g[14] = e0 * (proj0 - feat[0]) + e1 * (proj1 - feat[1]);
  double dpr0 = w * e0, dpr1 = w * e1;
  g[6] = dpr0 * q0 + dpr1 * q1;
  g[7] = dpr0; g[8] = dpr1;
  double dq0 = dpr0 * f, dq1 = dpr1 * f;
  double dL = dq0 * p0 + dq1 * p1;
  double dp0 = dq0 * L, dp1 = dq1 * L;
  g[9] = dL * rsq; g[10] = dL * rsq * rsq;
  double drsq = dL * (k1 + 2 * k2 * rsq);
  dp0 += 2 * p0 * drsq; dp1 += 2 * p1 * drsq;
  double dxc[3] = { dp0 / xc[2], dp1 / xc[2], -(dp0 * p0 + dp1 * p1) / xc[2] };
  double dxo[3], drot[3];
  if (sqt != 0) {
    double dw[3], dwx[3];
    double dct = 0, dst = 0, dtmp = 0;
    for (int i = 0; i < 3; i++) {
      dxo[i] = dxc[i] * ct; dct += dxc[i] * xo[i];
      dwx[i] = dxc[i] * st; dst += dxc[i] * wx[i];
      dw[i] = dxc[i] * tmp; dtmp += dxc[i] * wv[i];
    }
    double ddt = dtmp * (1 - ct);
    dct -= dtmp * dt;
    for (int i = 0; i < 3; i++) { dw[i] += ddt * xo[i]; dxo[i] += ddt * wv[i]; }
    // wx = w x xo: dw += xo x dwx, dxo += dwx x w
    dw[0] += xo[1] * dwx[2] - xo[2] * dwx[1]; dw[1] += xo[2] * dwx[0] - xo[0] * dwx[2]; dw[2] += xo[0] * dwx[1] - xo[1] * dwx[0];
    dxo[0] += dwx[1] * wv[2] - dwx[2] * wv[1]; dxo[1] += dwx[2] * wv[0] - dwx[0] * wv[2]; dxo[2] += dwx[0] * wv[1] - dwx[1] * wv[0];
    double dti = 0;
    for (int i = 0; i < 3; i++) { drot[i] = dw[i] * ti; dti += dw[i] * rot[i]; }
    double dth = -dti * ti * ti - dct * st + dst * ct;
    double dsqt = dth / (2 * th);
    for (int i = 0; i < 3; i++) drot[i] += 2 * rot[i] * dsqt;
  } else {
    // xc = xo + rot x xo: drot = xo x dxc, dxo = dxc + dxc x rot
    drot[0] = xo[1] * dxc[2] - xo[2] * dxc[1]; drot[1] = xo[2] * dxc[0] - xo[0] * dxc[2]; drot[2] = xo[0] * dxc[1] - xo[1] * dxc[0];
    dxo[0] = dxc[0] + dxc[1] * rot[2] - dxc[2] * rot[1];
    dxo[1] = dxc[1] + dxc[2] * rot[0] - dxc[0] * rot[2];
    dxo[2] = dxc[2] + dxc[0] * rot[1] - dxc[1] * rot[0];
  }
  for (int i = 0; i < 3; i++) { g[i] = drot[i]; g[3 + i] = -dxo[i]; g[11 + i] = dxo[i]; }
}

static void k_hand(void) {
  for (int i = 0; i < p; i++) {
    double *row = &gh[31 * i];
    const double *cam = &cams[11 * obs[2 * i]], *Xp = &X[3 * obs[2 * i + 1]];
    reproj_grad(cam, Xp, W[i], &feats[2 * i], 1, 0, row);
    reproj_grad(cam, Xp, W[i], &feats[2 * i], 0, 1, row + 15);
    row[30] = -2 * W[i];
  }
}
static void k_enzyme(void) { ba_jacobian_enzyme(p, cams, X, W, obs, feats, ge); }

// Entry j of the Jacobian by central differences of the observation's own residual.
static double k_fd(long j, double h) {
  int i = (int)(j / 31), t = (int)(j % 31);
  if (t == 30) return CENTRAL(W, i, h, 1 - W[i] * W[i]);
  int r = t / 15, c = t % 15;
  double err[2];
  double *cam = &cams[11 * obs[2 * i]], *Xp = &X[3 * obs[2 * i + 1]];
  double *base = c < 11 ? cam : c < 14 ? Xp : &W[i];
  int off = c < 11 ? c : c < 14 ? c - 11 : 0;
  return CENTRAL(base, off, h, (compute_reproj_error(cam, Xp, &W[i], &feats[2 * i], err), err[r]));
}
