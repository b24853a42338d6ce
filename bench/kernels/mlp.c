#include <math.h>
#include <stdlib.h>
// Squared-error loss of a one-hidden-layer tanh network on one sample:
// h = tanh(W1 x + b1), o = W2 h + b2, loss = sum (o - target)^2.
// W1 is nh-by-nin, W2 nout-by-nh, both row-major.
double mlp(const double *W1, const double *b1, const double *W2, const double *b2,
           const double *x, const double *target, int nin, int nh, int nout) {
  double *h = malloc(sizeof(double) * (size_t)nh);
  for (int i = 0; i < nh; i++) {
    double s = b1[i];
    for (int j = 0; j < nin; j++) s += W1[(long)i * nin + j] * x[j];
    h[i] = tanh(s);
  }
  double loss = 0;
  for (int i = 0; i < nout; i++) {
    double s = b2[i];
    for (int j = 0; j < nh; j++) s += W2[(long)i * nh + j] * h[j];
    double d = s - target[i];
    loss += d * d;
  }
  free(h);
  return loss;
}
