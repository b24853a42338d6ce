// Sparse Eigen (CG, Cholesky) and geometry (quaternions, transforms).
#include <Eigen/Sparse>
#include <Eigen/Geometry>
#include <Eigen/IterativeLinearSolvers>
#include <vector>
#include <cstdio>

double sparse_solve(int n, const double *d) {
  std::vector<Eigen::Triplet<double>> trip;
  for (int i = 0; i < n; i++) {
    trip.emplace_back(i, i, 4.0 + d[i % 8]);
    if (i > 0) trip.emplace_back(i, i - 1, -1.0);
    if (i + 1 < n) trip.emplace_back(i, i + 1, -1.0);
  }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(trip.begin(), trip.end());
  Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
  Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg(a);
  Eigen::VectorXd x = cg.solve(b);
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(a);
  Eigen::VectorXd y = ldlt.solve(b);
  return x.sum() + y.sum() + (a * x).norm();
}

double geometry(const double *p) {
  Eigen::Quaterniond q(Eigen::AngleAxisd(p[0], Eigen::Vector3d::UnitZ()) * Eigen::AngleAxisd(p[1], Eigen::Vector3d::UnitX()));
  q.normalize();
  Eigen::Affine3d t = Eigen::Translation3d(p[2], p[3], p[4]) * q;
  Eigen::Vector3d v = t * Eigen::Vector3d(1, 2, 3);
  Eigen::Quaterniond s = q.slerp(0.3, Eigen::Quaterniond::Identity());
  return v.norm() + s.w() + t.linear().eulerAngles(2, 0, 2).sum();
}

int main() {
  double d[8] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  std::printf("%g %g\n", sparse_solve(20, d), geometry(d));
  return 0;
}
