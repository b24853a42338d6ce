// Loop checkpointing at --width 2 with the state in memory (test/ad/checkpoint.test.ts):
// a diffusion updated in place on u, scratch on the heap, coefficients through p.
#include <math.h>
#include <stdlib.h>
void diffuse(const double *restrict p, double *restrict u, int n, int steps) {
  double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  for (int s = 0; s < steps; s++) {
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 1; i < n - 1; i++) w[i] = u[i] + p[0] * (u[i - 1] - 2 * u[i] + u[i + 1]) + p[1] * sin(u[i]);
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 1; i < n - 1; i++) u[i] = 0.5 * (w[i] + u[i]);
  }
  free(w);
}
