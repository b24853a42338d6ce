#include "harness.h"
extern double euler(const double *u0, const double *k, int n, int steps);
extern R1 diffeeuler(const double *u0, double *du0, const double *k, double *dk, int n, int steps, double seed);
static double *u0, *du0, *k, *dk;
static int n, steps;
// size = chain length; 100 steps of dt = 0.01.
static void setup(long size) {
  n = (int)(size ? size : 32); steps = 100;
  u0 = randvec(n, 0.5); du0 = zeros(n); k = randvec(n, 0.5); dk = zeros(n);
  for (int i = 0; i < n; i++) k[i] += 1.5; // stiffness in [1, 2)
  add_input("u0", u0, du0, n); add_input("k", k, dk, n);
}
static double primal(void) { return euler(u0, k, n, steps); }
static void gradient(void) {
  memset(du0, 0, sizeof(double) * (size_t)n); memset(dk, 0, sizeof(double) * (size_t)n);
  sink = diffeeuler(u0, du0, k, dk, n, steps, 1.0).r;
}
static double objective(void) { return primal(); }
