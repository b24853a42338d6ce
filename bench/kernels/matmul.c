// C = A B for row-major n-by-n matrices.
void matmul(const double *A, const double *B, double *C, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += A[(long)i * n + k] * B[(long)k * n + j];
      C[(long)i * n + j] = s;
    }
}
