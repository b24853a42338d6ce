// Forward mode through Enzyme's C ABI: a directional derivative, a Jacobian column of a map, and a
// Hessian-vector product (forward over reverse). Build and run:
//   clang -O2 -S -emit-llvm forward.c -o forward.ll
//   enzyme-ts lower forward.ll -o forward.ad.ll
//   clang -O2 forward.ad.ll -lm -o forward && ./forward
#include <math.h>
#include <stdio.h>

extern int enzyme_dup, enzyme_const, enzyme_dupnoneed;
double __enzyme_fwddiff(void *, ...);
void __enzyme_fwddiff_v(void *, ...);
void __enzyme_autodiff(void *, ...);

double energy(const double *x, int n) {
  double e = 0;
  for (int i = 0; i < n; i++) e += x[i] * x[i] * x[i] + sin(x[i]) * x[(i + 1) % n];
  return e;
}

void polar(double r, double t, double *xy) {
  xy[0] = r * cos(t);
  xy[1] = r * sin(t);
}

/* the gradient of energy, in place of g */
void gradient(const double *x, double *g, int n) {
  __enzyme_autodiff((void *)energy, enzyme_dup, x, g, enzyme_const, n);
}

int main(void) {
  double x[3] = {0.5, -1.0, 2.0}, v[3] = {1.0, 0.0, 0.5};
  /* d energy(x + t v) / dt at t = 0 */
  double dir = __enzyme_fwddiff((void *)energy, enzyme_dup, x, v, enzyme_const, 3);
  printf("directional derivative: %g\n", dir);

  /* the column of the Jacobian of polar for t: d(x, y)/dt */
  double xy[2], dxy[2];
  __enzyme_fwddiff_v((void *)polar, enzyme_const, 2.0, enzyme_dup, 0.5, 1.0, enzyme_dupnoneed, xy, dxy);
  printf("d(x, y)/dt = [%g %g]\n", dxy[0], dxy[1]);

  /* Hessian-vector product: the tangent of the gradient along v */
  double g[3] = {0}, hv[3] = {0};
  __enzyme_fwddiff_v((void *)gradient, enzyme_dup, x, v, enzyme_dup, g, hv, enzyme_const, 3);
  printf("gradient = [%g %g %g], H v = [%g %g %g]\n", g[0], g[1], g[2], hv[0], hv[1], hv[2]);
  return 0;
}
