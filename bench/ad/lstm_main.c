// lstm: inputs, the hand-written gradient (the forward with every gate of
// every layer and step kept, then the adjoints back through time: the same
// algorithm as reverse mode), the harness. ARGS: l c b
#include "harness.h"

void lstm_objective(int l, int c, int b, const double *main_params, const double *extra_params, const double *state,
                    const double *sequence, double *loss);
void lstm_enzyme(int l, int c, int b, const double *main_params, double *dmain, const double *extra_params, double *dextra,
                 const double *state, const double *sequence);

static int l, c, b;
static double *params, *mainp, *extra, *state, *seq;
// Kept by the hand-written forward, per step t and layer i (b each): the layer's input, the
// hidden and cell before, the four gates, tanh of the new cell. Per step: the input scaled, the softmax.
enum { IN, H0, C0, FG, IG, OG, CH, TC, NKEEP };
static double *keep, *xin, *soft, *hs, *cs, *dh, *dc, *din, *ypred;

static void k_setup(int argc, char **argv) {
  l = (int)argl(argc, argv, 0, 4);
  c = (int)argl(argc, argv, 1, 1024);
  b = (int)argl(argc, argv, 2, 14);
  nout = 8L * l * b + 3L * b;
  params = randvec(nout, 0.5);
  mainp = params; extra = params + 8L * l * b;
  state = randvec(2L * l * b, 0.5);
  seq = randvec((long)c * b, 1);
  gh = zeros(nout); ge = zeros(nout);
  keep = vec((long)c * l * NKEEP * b); xin = vec((long)c * b); soft = vec((long)c * b);
  hs = vec((long)l * b); cs = vec((long)l * b); dh = vec((long)l * b); dc = vec((long)l * b); din = vec(b); ypred = vec(b);
}
static double k_primal(void) { double loss; lstm_objective(l, c, b, mainp, extra, state, seq, &loss); return loss; }
static double sigm(double x) { return 1 / (1 + exp(-x)); }
#define K(t, i, what) (&keep[(((long)(t) * l + (i)) * NKEEP + (what)) * b])

static void k_hand(void) {
  clear(gh, nout);
  double *gm = gh, *ge2 = gh + 8L * l * b;
  for (int i = 0; i < l; i++) {
    memcpy(&hs[i * b], &state[i * 2 * b], sizeof(double) * b);
    memcpy(&cs[i * b], &state[(i * 2 + 1) * b], sizeof(double) * b);
  }
  double total = 0;
  int count = 0;
  const double *input = seq;
  for (int t = 0; t < c - 1; t++) {
    double *x2 = &xin[t * b];
    for (int j = 0; j < b; j++) x2[j] = input[j] * extra[j];
    const double *xp = x2;
    for (int i = 0; i < l; i++) {
      const double *w = &mainp[i * 8 * b], *bi = &mainp[(i * 8 + 4) * b];
      double *h = &hs[i * b], *cc = &cs[i * b];
      memcpy(K(t, i, IN), xp, sizeof(double) * b);
      memcpy(K(t, i, H0), h, sizeof(double) * b);
      memcpy(K(t, i, C0), cc, sizeof(double) * b);
      double *fg = K(t, i, FG), *ig = K(t, i, IG), *og = K(t, i, OG), *ch = K(t, i, CH), *tc = K(t, i, TC);
      for (int j = 0; j < b; j++) {
        fg[j] = sigm(xp[j] * w[j] + bi[j]);
        ig[j] = sigm(h[j] * w[b + j] + bi[b + j]);
        og[j] = sigm(xp[j] * w[2 * b + j] + bi[2 * b + j]);
        ch[j] = tanh(h[j] * w[3 * b + j] + bi[3 * b + j]);
        cc[j] = cc[j] * fg[j] + ig[j] * ch[j];
        tc[j] = tanh(cc[j]);
        h[j] = og[j] * tc[j];
      }
      xp = h;
    }
    double mx = -INFINITY;
    for (int j = 0; j < b; j++) { ypred[j] = xp[j] * extra[b + j] + extra[2 * b + j]; if (ypred[j] > mx) mx = ypred[j]; }
    double z = 0, *sm = &soft[t * b];
    for (int j = 0; j < b; j++) { sm[j] = exp(ypred[j] - mx); z += sm[j]; }
    double lse = log(z) + mx;
    const double *ygold = &seq[(t + 1) * b];
    for (int j = 0; j < b; j++) { sm[j] /= z; total += ygold[j] * (ypred[j] - lse); }
    count += b;
    input = ygold;
  }
  sink = -total / count;
  // reverse
  double dtotal = -1.0 / count;
  clear(dh, (long)l * b); clear(dc, (long)l * b);
  for (int t = c - 2; t >= 0; t--) {
    const double *ygold = &seq[(t + 1) * b], *sm = &soft[t * b];
    double sdy = 0;
    for (int j = 0; j < b; j++) sdy += dtotal * ygold[j];
    // ypred = h_top * extra[b..2b) + extra[2b..3b)
    const double *htop = K(t, l - 1, TC);
    for (int j = 0; j < b; j++) {
      double dy = dtotal * ygold[j] - sm[j] * sdy;
      double hj = K(t, l - 1, OG)[j] * htop[j];
      ge2[b + j] += dy * hj;
      ge2[2 * b + j] += dy;
      dh[(l - 1) * b + j] += dy * extra[b + j];
    }
    for (int i = l - 1; i >= 0; i--) {
      const double *w = &mainp[i * 8 * b];
      double *gw = &gm[i * 8 * b], *gb = &gm[(i * 8 + 4) * b];
      const double *in = K(t, i, IN), *h0 = K(t, i, H0), *c0 = K(t, i, C0);
      const double *fg = K(t, i, FG), *ig = K(t, i, IG), *og = K(t, i, OG), *ch = K(t, i, CH), *tc = K(t, i, TC);
      for (int j = 0; j < b; j++) {
        double dhj = dh[i * b + j];
        double dog = dhj * tc[j];
        double dcj = dc[i * b + j] + dhj * og[j] * (1 - tc[j] * tc[j]);
        double dfg = dcj * c0[j], dig = dcj * ch[j], dch = dcj * ig[j];
        double z;
        double dinj = 0, dh0 = 0;
        z = dfg * fg[j] * (1 - fg[j]); gw[j] += z * in[j]; gb[j] += z; dinj += z * w[j];
        z = dig * ig[j] * (1 - ig[j]); gw[b + j] += z * h0[j]; gb[b + j] += z; dh0 += z * w[b + j];
        z = dog * og[j] * (1 - og[j]); gw[2 * b + j] += z * in[j]; gb[2 * b + j] += z; dinj += z * w[2 * b + j];
        z = dch * (1 - ch[j] * ch[j]); gw[3 * b + j] += z * h0[j]; gb[3 * b + j] += z; dh0 += z * w[3 * b + j];
        dh[i * b + j] = dh0;          // the hidden state before this step
        dc[i * b + j] = dcj * fg[j];  // the cell before this step
        din[j] = dinj;
      }
      if (i > 0) for (int j = 0; j < b; j++) dh[(i - 1) * b + j] += din[j];
      else {
        const double *x = t == 0 ? seq : &seq[t * b];
        for (int j = 0; j < b; j++) ge2[j] += din[j] * x[j];
      }
    }
  }
}
static void k_enzyme(void) { clear(ge, nout); lstm_enzyme(l, c, b, mainp, ge, extra, ge + 8L * l * b, state, seq); }
static double k_fd(long j, double h) { return CENTRAL(params, j, h, k_primal()); }
