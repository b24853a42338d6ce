// A dot product and a loss built on it: the example the README runs.
double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

double loss(const double *w, const double *x, int n) {
  double p = dot(w, x, n);
  return p * p + 3.0 * w[0];
}
