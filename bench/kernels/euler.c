#include <stdlib.h>
#include <math.h>
// Explicit Euler for a chain of n damped pendulums with stiffness k[i],
// coupled to their neighbours, from angles u0 at rest; returns the energy-like
// sum of squared angles at the end. The state is overwritten every step, so
// the reverse pass needs the tape.
double euler(const double *u0, const double *k, int n, int steps) {
  double *u = malloc(sizeof(double) * (size_t)n), *v = malloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < n; i++) { u[i] = u0[i]; v[i] = 0; }
  const double dt = 0.01, c = 0.1;
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < n; i++) {
      double left = i > 0 ? u[i - 1] : 0, right = i < n - 1 ? u[i + 1] : 0;
      double a = -k[i] * sin(u[i]) - c * v[i] + 0.5 * (left + right - 2 * u[i]);
      v[i] += dt * a;
    }
    for (int i = 0; i < n; i++) u[i] += dt * v[i];
  }
  double e = 0;
  for (int i = 0; i < n; i++) e += u[i] * u[i];
  free(u); free(v);
  return e;
}
