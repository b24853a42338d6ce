#include "harness.h"
extern double mlp(const double *W1, const double *b1, const double *W2, const double *b2,
                  const double *x, const double *target, int nin, int nh, int nout);
extern R1 diffemlp(const double *W1, double *dW1, const double *b1, double *db1, const double *W2, double *dW2,
                   const double *b2, double *db2, const double *x, const double *target, int nin, int nh, int nout, double seed);
static double *W1, *dW1, *b1, *db1, *W2, *dW2, *b2, *db2, *x, *target;
static int nin, nh, nout;
// size = hidden width; input 2x, output 10: a small classifier-sized layer pair.
static void setup(long size) {
  nh = (int)(size ? size : 64); nin = 2 * nh; nout = 10;
  W1 = randvec((long)nh * nin, 0.3); dW1 = zeros((long)nh * nin); b1 = randvec(nh, 0.1); db1 = zeros(nh);
  W2 = randvec((long)nout * nh, 0.3); dW2 = zeros((long)nout * nh); b2 = randvec(nout, 0.1); db2 = zeros(nout);
  x = randvec(nin, 1); target = randvec(nout, 1);
  add_input("W1", W1, dW1, (long)nh * nin); add_input("b1", b1, db1, nh);
  add_input("W2", W2, dW2, (long)nout * nh); add_input("b2", b2, db2, nout);
}
static double primal(void) { return mlp(W1, b1, W2, b2, x, target, nin, nh, nout); }
static void gradient(void) {
  memset(dW1, 0, sizeof(double) * (size_t)nh * (size_t)nin); memset(db1, 0, sizeof(double) * (size_t)nh);
  memset(dW2, 0, sizeof(double) * (size_t)nout * (size_t)nh); memset(db2, 0, sizeof(double) * (size_t)nout);
  sink = diffemlp(W1, dW1, b1, db1, W2, dW2, b2, db2, x, target, nin, nh, nout, 1.0).r;
}
static double objective(void) { return primal(); }
