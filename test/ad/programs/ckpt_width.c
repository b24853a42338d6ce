// Loop checkpointing at --width 2 (test/ad/checkpoint.test.ts): the loop's inputs and outputs through pointers.
#include <math.h>
void oscp(const double *restrict p, double *restrict out, long n) {
  double y = p[1], v = 0.0, a = p[0];
  for (long i = 0; i < n; i++) { double acc = -a * y + 0.1 * sin(y); v += 1e-3 * acc; y += 1e-3 * v; }
  out[0] = y; out[1] = v;
}
