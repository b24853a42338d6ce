// GMM: inputs, the hand-written gradient (reverse mode by hand, the same
// algorithm: per point, the k main terms forward, then their adjoints), the
// harness. ARGS: d k n
#include "harness.h"

double gmm_objective(int d, int k, int n, const double *alphas, const double *means, const double *icf,
                     const double *x, double gamma, int m);
void gmm_enzyme(int d, int k, int n, const double *alphas, double *dalphas, const double *means, double *dmeans,
                const double *icf, double *dicf, const double *x, double gamma, int m);

static int d, k, n, icf_sz, wm = 0;
static double gamma_ = 1.0;
static double *alphas, *means, *icf, *x, *params; // params: alphas, means, icf back to back
static double *qd, *sq, *xc, *qxc, *mt, *w, *dqd, *dsq; // hand-written gradient's scratch

static void k_setup(int argc, char **argv) {
  d = (int)argl(argc, argv, 0, 10);
  k = (int)argl(argc, argv, 1, 25);
  n = (int)argl(argc, argv, 2, 1000);
  icf_sz = d * (d + 1) / 2;
  nout = k + (long)k * d + (long)k * icf_sz;
  params = randvec(nout, 1);
  alphas = params; means = params + k; icf = means + (long)k * d;
  for (long i = 0; i < (long)k * icf_sz; i++) icf[i] *= 0.3;
  x = randvec((long)n * d, 1);
  gh = zeros(nout); ge = zeros(nout);
  qd = vec((long)k * d); sq = vec(k); xc = vec((long)k * d); qxc = vec((long)k * d); mt = vec(k); w = vec(k); dqd = vec((long)k * d); dsq = vec(k);
}

static double k_primal(void) { return gmm_objective(d, k, n, alphas, means, icf, x, gamma_, wm); }

static void k_hand(void) {
  double *ga = gh, *gm = gh + k, *gi = gm + (long)k * d;
  clear(gh, nout); clear(dqd, (long)k * d); clear(dsq, k);
  for (int ik = 0; ik < k; ik++) {
    sq[ik] = 0;
    for (int id = 0; id < d; id++) { sq[ik] += icf[ik * icf_sz + id]; qd[ik * d + id] = exp(icf[ik * icf_sz + id]); }
  }
  for (int ix = 0; ix < n; ix++) {
    const double *xp = &x[ix * d];
    double mx = -INFINITY;
    for (int ik = 0; ik < k; ik++) {
      const double *q = &qd[ik * d], *l = &icf[ik * icf_sz + d];
      double *c = &xc[ik * d], *o = &qxc[ik * d];
      for (int id = 0; id < d; id++) { c[id] = xp[id] - means[ik * d + id]; o[id] = q[id] * c[id]; }
      int at = 0;
      for (int i = 0; i < d; i++)
        for (int j = i + 1; j < d; j++) o[j] += l[at++] * c[i];
      double s = 0;
      for (int id = 0; id < d; id++) s += o[id] * o[id];
      mt[ik] = alphas[ik] + sq[ik] - 0.5 * s;
      if (mt[ik] > mx) mx = mt[ik];
    }
    double z = 0;
    for (int ik = 0; ik < k; ik++) { w[ik] = exp(mt[ik] - mx); z += w[ik]; }
    double iz = 1 / z;
    for (int ik = 0; ik < k; ik++) {
      double wk = w[ik] * iz; // d slse / d main_term[ik]
      ga[ik] += wk;
      dsq[ik] += wk;
      const double *q = &qd[ik * d], *l = &icf[ik * icf_sz + d], *c = &xc[ik * d], *o = &qxc[ik * d];
      double *gl = &gi[ik * icf_sz + d], *gq = &dqd[ik * d];
      int at = 0;
      for (int i = 0; i < d; i++) {
        double doi = -wk * o[i]; // d main_term / d qxc[i] = -qxc[i]
        gq[i] += doi * c[i];
        double dci = doi * q[i];
        for (int j = i + 1; j < d; j++, at++) {
          double doj = -wk * o[j];
          gl[at] += doj * c[i];
          dci += doj * l[at];
        }
        gm[ik * d + i] -= dci;
      }
    }
  }
  // - n logsumexp(alphas)
  double mx = alphas[0];
  for (int ik = 1; ik < k; ik++) if (alphas[ik] > mx) mx = alphas[ik];
  double z = 0;
  for (int ik = 0; ik < k; ik++) { w[ik] = exp(alphas[ik] - mx); z += w[ik]; }
  for (int ik = 0; ik < k; ik++) ga[ik] -= n * w[ik] / z;
  // prior: 0.5 gamma^2 (|qdiag|^2 + |ltri|^2) - m sum_qs; then qdiag = exp(icf), sum_qs = sum icf
  double g2 = gamma_ * gamma_;
  for (int ik = 0; ik < k; ik++) {
    double *gik = &gi[ik * icf_sz];
    for (int id = 0; id < d; id++) {
      double q = qd[ik * d + id];
      gik[id] = dsq[ik] - wm + (dqd[ik * d + id] + g2 * q) * q;
    }
    for (int t = d; t < icf_sz; t++) gik[t] += g2 * icf[ik * icf_sz + t];
  }
}

static void k_enzyme(void) {
  clear(ge, nout);
  gmm_enzyme(d, k, n, alphas, ge, means, ge + k, icf, ge + k + (long)k * d, x, gamma_, wm);
}
static double k_fd(long j, double h) { return CENTRAL(params, j, h, k_primal()); }
