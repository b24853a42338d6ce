// Driver for ckpt.rs: diffeosc against central finite differences for trip counts 0 to 1000.
#include <math.h>
#include <stdio.h>

typedef struct { double a, y0; } D2;
double osc(double, double, unsigned long);
D2 diffeosc(double, double, unsigned long, double);

int main(void) {
  int bad = 0;
  const unsigned long ns[] = {0, 1, 2, 3, 4, 7, 9, 10, 100, 1000};
  for (unsigned t = 0; t < sizeof ns / sizeof *ns; t++) {
    unsigned long n = ns[t];
    double e = 1e-6;
    D2 g = diffeosc(1.1, 0.6, n, 1.0);
    double fa = (osc(1.1 + e, 0.6, n) - osc(1.1 - e, 0.6, n)) / (2 * e);
    double fy = (osc(1.1, 0.6 + e, n) - osc(1.1, 0.6 - e, n)) / (2 * e);
    if (fabs(g.a - fa) > 1e-6 * (1 + fabs(fa)) || fabs(g.y0 - fy) > 1e-6 * (1 + fabs(fy))) {
      bad++;
      printf("n=%lu: %.12g %.12g vs finite differences %.12g %.12g\n", n, g.a, g.y0, fa, fy);
    }
  }
  puts(bad ? "FAIL" : "all ok");
  return bad != 0;
}
