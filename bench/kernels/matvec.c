// y = A x for a row-major m-by-n matrix A.
void matvec(const double *A, const double *x, double *y, int m, int n) {
  for (int i = 0; i < m; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += A[(long)i * n + j] * x[j];
    y[i] = s;
  }
}
