// GradBench / ADBench "lstm", written from its public description: l stacked
// LSTM layers of b units read a sequence of c one-hot-like vectors and predict
// the next one; the objective is the mean log-softmax likelihood of the
// sequence. The state (hidden and cell of every layer) is copied, then updated
// in place at every step. Gradient with respect to the main and extra parameters.
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern int enzyme_dup, enzyme_dupnoneed, enzyme_const;
void __enzyme_autodiff(void *, ...);

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

static double logsumexp(const double *v, int n) {
  double mx = v[0];
  for (int i = 1; i < n; i++)
    if (v[i] > mx) mx = v[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += exp(v[i] - mx);
  return log(s) + mx;
}

// One layer: weight and bias hold the forget, input, output and change gates' parameters, b each.
static void lstm_model(int b, const double *weight, const double *bias, double *hidden, double *cell, const double *input) {
  for (int i = 0; i < b; i++) {
    double forget = sigmoid(input[i] * weight[i] + bias[i]);
    double ingate = sigmoid(hidden[i] * weight[b + i] + bias[b + i]);
    double outgate = sigmoid(input[i] * weight[2 * b + i] + bias[2 * b + i]);
    double change = tanh(hidden[i] * weight[3 * b + i] + bias[3 * b + i]);
    cell[i] = cell[i] * forget + ingate * change;
    hidden[i] = outgate * tanh(cell[i]);
  }
}

static void lstm_predict(int l, int b, const double *w, const double *w2, double *s, const double *x, double *x2) {
  for (int i = 0; i < b; i++) x2[i] = x[i] * w2[i];
  const double *xp = x2;
  for (int i = 0; i < l; i++) {
    lstm_model(b, &w[i * 2 * 4 * b], &w[(i * 2 + 1) * 4 * b], &s[i * 2 * b], &s[(i * 2 + 1) * b], xp);
    xp = &s[i * 2 * b];
  }
  for (int i = 0; i < b; i++) x2[i] = xp[i] * w2[b + i] + w2[2 * b + i];
}

void lstm_objective(int l, int c, int b, const double *main_params, const double *extra_params, const double *state,
                    const double *sequence, double *loss) {
  double *s = malloc(sizeof(double) * 2 * l * b);
  double *ypred = malloc(sizeof(double) * b), *ynorm = malloc(sizeof(double) * b);
  memcpy(s, state, sizeof(double) * 2 * l * b);
  double total = 0;
  int count = 0;
  const double *input = sequence;
  for (int t = 0; t < c - 1; t++) {
    lstm_predict(l, b, main_params, extra_params, s, input, ypred);
    double lse = logsumexp(ypred, b);
    for (int i = 0; i < b; i++) ynorm[i] = ypred[i] - lse;
    const double *ygold = &sequence[(t + 1) * b];
    for (int i = 0; i < b; i++) total += ygold[i] * ynorm[i];
    count += b;
    input = ygold;
  }
  *loss = -total / count;
  free(s); free(ypred); free(ynorm);
}

void lstm_enzyme(int l, int c, int b, const double *main_params, double *dmain, const double *extra_params, double *dextra,
                 const double *state, const double *sequence) {
  double loss, dloss = 1;
  __enzyme_autodiff((void *)lstm_objective, enzyme_const, l, enzyme_const, c, enzyme_const, b,
                    enzyme_dup, main_params, dmain, enzyme_dup, extra_params, dextra,
                    enzyme_const, state, enzyme_const, sequence, enzyme_dupnoneed, &loss, &dloss);
}
