// GradBench / ADBench "gmm": the negative log-likelihood of n points under a
// mixture of k Gaussians in d dimensions, each inverse covariance given by a
// lower-triangular factor Q (log of its diagonal first, then the strict lower
// part column by column), plus a Wishart prior. Written from the public
// problem description; scratch arrays are heap allocated as in the C++
// reference (std::vector). enzyme-ts's gradient: gmm_enzyme, lowered.
#include <math.h>
#include <stdlib.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

static double arr_max(int n, const double *x) {
  double m = x[0];
  for (int i = 1; i < n; i++)
    if (m < x[i]) m = x[i];
  return m;
}

static double logsumexp(int n, const double *x) {
  double mx = arr_max(n, x);
  double s = 0;
  for (int i = 0; i < n; i++) s += exp(x[i] - mx);
  return log(s) + mx;
}

static double sqnorm(int n, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

// out = Q x, Q lower triangular with diagonal qdiag and strict lower part ltri.
static void qtimesx(int d, const double *qdiag, const double *ltri, const double *x, double *out) {
  for (int i = 0; i < d; i++) out[i] = qdiag[i] * x[i];
  int at = 0;
  for (int i = 0; i < d; i++)
    for (int j = i + 1; j < d; j++) out[j] += ltri[at++] * x[i];
}

double gmm_objective(int d, int k, int n, const double *alphas, const double *means, const double *icf,
                     const double *x, double gamma, int m) {
  const double CONSTANT = -n * d * 0.5 * log(2 * M_PI);
  int icf_sz = d * (d + 1) / 2;
  double *qdiags = malloc(sizeof(double) * d * k);
  double *sum_qs = malloc(sizeof(double) * k);
  double *xc = malloc(sizeof(double) * d);
  double *qxc = malloc(sizeof(double) * d);
  double *main_term = malloc(sizeof(double) * k);
  for (int ik = 0; ik < k; ik++) {
    sum_qs[ik] = 0;
    for (int id = 0; id < d; id++) {
      sum_qs[ik] += icf[ik * icf_sz + id];
      qdiags[ik * d + id] = exp(icf[ik * icf_sz + id]);
    }
  }
  double slse = 0;
  for (int ix = 0; ix < n; ix++) {
    for (int ik = 0; ik < k; ik++) {
      for (int id = 0; id < d; id++) xc[id] = x[ix * d + id] - means[ik * d + id];
      qtimesx(d, &qdiags[ik * d], &icf[ik * icf_sz + d], xc, qxc);
      main_term[ik] = alphas[ik] + sum_qs[ik] - 0.5 * sqnorm(d, qxc);
    }
    slse += logsumexp(k, main_term);
  }
  double lse_alphas = logsumexp(k, alphas);
  double prior = 0;
  for (int ik = 0; ik < k; ik++) {
    double fro = sqnorm(d, &qdiags[ik * d]) + sqnorm(icf_sz - d, &icf[ik * icf_sz + d]);
    prior += 0.5 * gamma * gamma * fro - m * sum_qs[ik];
  }
  free(qdiags); free(sum_qs); free(xc); free(qxc); free(main_term);
  return CONSTANT + slse - n * lse_alphas + prior;
}

void gmm_enzyme(int d, int k, int n, const double *alphas, double *dalphas, const double *means, double *dmeans,
                const double *icf, double *dicf, const double *x, double gamma, int m) {
  __enzyme_autodiff((void *)gmm_objective, enzyme_const, d, enzyme_const, k, enzyme_const, n,
                    enzyme_dup, alphas, dalphas, enzyme_dup, means, dmeans, enzyme_dup, icf, dicf,
                    enzyme_const, x, enzyme_const, gamma, enzyme_const, m);
}
