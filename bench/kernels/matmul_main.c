#include "harness.h"
extern void matmul(const double *A, const double *B, double *C, int n);
extern void diffematmul(const double *A, double *dA, const double *B, double *dB, double *C, double *dC, int n);
static double *A, *dA, *B, *dB, *C, *dC, *w;
static int n;
static long nn;
static void setup(long size) {
  n = (int)(size ? size : 32); nn = (long)n * n;
  A = randvec(nn, 1); dA = zeros(nn); B = randvec(nn, 1); dB = zeros(nn);
  C = zeros(nn); dC = zeros(nn); w = randvec(nn, 1);
  add_input("A", A, dA, nn); add_input("B", B, dB, nn);
}
static double primal(void) { matmul(A, B, C, n); return C[nn - 1]; }
// d(C) is the seed of the overwritten output and is consumed: reset to w each call.
static void gradient(void) {
  memset(dA, 0, sizeof(double) * (size_t)nn); memset(dB, 0, sizeof(double) * (size_t)nn);
  memcpy(dC, w, sizeof(double) * (size_t)nn);
  diffematmul(A, dA, B, dB, C, dC, n);
}
static double objective(void) {
  matmul(A, B, C, n);
  double s = 0;
  for (long i = 0; i < nn; i++) s += w[i] * C[i];
  return s;
}
