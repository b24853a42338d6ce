// GradBench "det" (cmpad's det_by_minor), written from its public description:
// the determinant of an ell x ell matrix by expansion along the first row of
// every minor, recursively; the rows and columns still in a minor are linked
// lists (r, c) that the recursion edits in place and restores.
#include <stdlib.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

// The determinant of the minor of the m x m matrix a made of the n rows listed
// from r[m] and the n columns listed from c[m].
static double det_of_minor(const double *a, int m, int n, int *r, int *c) {
  int r0 = r[m], cj = c[m];
  if (n == 1) return a[r0 * m + cj];
  double det = 0;
  int sign = 1, prev = m;
  r[m] = r[r0]; // row r0 out
  for (int j = 0; j < n; j++) {
    int k = r0 * m + cj;
    c[prev] = c[cj]; // column cj out
    double sub = det_of_minor(a, m, n - 1, r, c);
    c[prev] = cj;    // and back
    if (sign > 0) det += a[k] * sub;
    else det -= a[k] * sub;
    sign = -sign;
    prev = cj;
    cj = c[cj];
  }
  r[m] = r0;
  return det;
}

double det_by_minor(const double *a, int m) {
  int *r = malloc(sizeof(int) * (m + 1)), *c = malloc(sizeof(int) * (m + 1));
  for (int i = 0; i < m; i++) { r[i] = i + 1; c[i] = i + 1; }
  r[m] = 0; c[m] = 0;
  double d = det_of_minor(a, m, m, r, c);
  free(r); free(c);
  return d;
}

void det_enzyme(const double *a, double *da, int m) {
  __enzyme_autodiff((void *)det_by_minor, enzyme_dup, a, da, enzyme_const, m);
}
