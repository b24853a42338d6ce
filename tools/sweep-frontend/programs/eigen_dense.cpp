// Dense Eigen: fixed and dynamic sizes, products, decompositions, solves.
#include <Eigen/Dense>
#include <cstdio>

using Eigen::Matrix3d;
using Eigen::MatrixXd;
using Eigen::Vector3d;
using Eigen::VectorXd;

double fixed_ops(const double *p) {
  Matrix3d a;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) a(i, j) = p[i * 3 + j] + (i == j ? 4.0 : 0.0);
  Vector3d v(p[0], p[1], p[2]);
  Matrix3d b = a * a.transpose() + Matrix3d::Identity();
  Vector3d x = b.inverse() * v;
  return x.squaredNorm() + b.determinant() + a.trace() + (a.array().sin() * v.replicate(1, 3).array()).sum();
}

double dynamic_ops(const double *p, int n) {
  MatrixXd a(n, n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a(i, j) = p[(i * n + j) % (n * 2)] + (i == j ? n : 0);
  VectorXd b = VectorXd::LinSpaced(n, 0.5, 1.5);
  MatrixXd spd = a.transpose() * a + MatrixXd::Identity(n, n);
  VectorXd x1 = spd.llt().solve(b);
  VectorXd x2 = spd.ldlt().solve(b);
  VectorXd x3 = a.colPivHouseholderQr().solve(b);
  VectorXd x4 = a.partialPivLu().solve(b);
  Eigen::JacobiSVD<MatrixXd> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(spd);
  return x1.dot(x2) + x3.norm() + x4.lpNorm<1>() + svd.singularValues().sum() + es.eigenvalues().maxCoeff() +
         a.block(0, 0, n / 2, n / 2).cwiseAbs().rowwise().sum().maxCoeff();
}

float float_ops(const float *p, int n) {
  Eigen::Map<const Eigen::VectorXf> v(p, n);
  Eigen::MatrixXf m = v * v.transpose();
  m.diagonal().array() += 1.0f;
  return m.householderQr().solve(v).sum() + v.array().exp().log1p().mean();
}

int main() {
  double p[32];
  float q[16];
  for (int i = 0; i < 32; i++) p[i] = 0.1 * i - 1.0;
  for (int i = 0; i < 16; i++) q[i] = 0.05f * i;
  std::printf("%g %g %g\n", fixed_ops(p), dynamic_ops(p, 4), float_ops(q, 8));
  return 0;
}
