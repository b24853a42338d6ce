// Loop checkpointing benchmark (docs/ad.md, "Loop checkpointing"): a damped
// Duffing oscillator x'' + d x' + a x + b x^3 = 0 integrated by classic RK4 over
// `steps` steps. The state (x, v) and the stages live in registers at -O2 (the
// fixed-size arrays are scalarized): the time-stepping loop's carried state is
// its header's phis, and its tape grows with the number of steps.
//   duffing_main.c: `primal|grad|check STEPS [ROUNDS]`: best time of ROUNDS calls, and peak RSS.
extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

static void rhs(const double *restrict p, const double y[2], double d[2]) {
  d[0] = y[1];
  d[1] = -p[0] * y[1] - p[1] * y[0] - p[2] * y[0] * y[0] * y[0];
}

double duffing(const double *restrict p, const double *restrict y0, long steps, double h) {
  double y[2] = {y0[0], y0[1]}, k1[2], k2[2], k3[2], k4[2], t[2];
  for (long s = 0; s < steps; s++) {
    rhs(p, y, k1);
    for (int i = 0; i < 2; i++) t[i] = y[i] + h / 2 * k1[i];
    rhs(p, t, k2);
    for (int i = 0; i < 2; i++) t[i] = y[i] + h / 2 * k2[i];
    rhs(p, t, k3);
    for (int i = 0; i < 2; i++) t[i] = y[i] + h * k3[i];
    rhs(p, t, k4);
    for (int i = 0; i < 2; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return y[0];
}

void duffing_grad(const double *p, double *dp, const double *y0, double *dy0, long steps, double h) {
  __enzyme_autodiff((void *)duffing, enzyme_dup, p, dp, enzyme_dup, y0, dy0, enzyme_const, steps, enzyme_const, h);
}
