// GradBench "kmeans" cost, written from its public description: the sum over
// the points of the squared distance to the nearest centroid. GradBench asks
// for a Newton direction (gradient and Hessian diagonal); this benchmark takes
// the gradient with respect to the centroids.
#include <math.h>

extern int enzyme_dup, enzyme_const;
void __enzyme_autodiff(void *, ...);

double kmeans_cost(int n, int k, int d, const double *points, const double *centroids) {
  double cost = 0;
  for (int i = 0; i < n; i++) {
    const double *p = &points[i * d];
    double best = INFINITY;
    for (int j = 0; j < k; j++) {
      const double *c = &centroids[j * d];
      double dist = 0;
      for (int l = 0; l < d; l++) dist += (p[l] - c[l]) * (p[l] - c[l]);
      if (dist < best) best = dist;
    }
    cost += best;
  }
  return cost;
}

void kmeans_enzyme(int n, int k, int d, const double *points, const double *centroids, double *dcentroids) {
  __enzyme_autodiff((void *)kmeans_cost, enzyme_const, n, enzyme_const, k, enzyme_const, d,
                    enzyme_const, points, enzyme_dup, centroids, dcentroids);
}
