// Eigen's Tensor module (unsupported/CXX11): contractions, reductions, slicing.
#include <unsupported/Eigen/CXX11/Tensor>
#include <cstdio>

double tensor_ops(const double *p) {
  Eigen::Tensor<double, 3> t(2, 3, 4);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 4; k++) t(i, j, k) = p[(i * 12 + j * 4 + k) % 16];
  Eigen::Tensor<double, 2> m(4, 5);
  m.setConstant(0.25);
  Eigen::array<Eigen::IndexPair<int>, 1> dims = {Eigen::IndexPair<int>(2, 0)};
  Eigen::Tensor<double, 3> c = t.contract(m, dims);
  Eigen::Tensor<double, 0> s = (c * c).sum();
  Eigen::array<int, 1> red = {1};
  Eigen::Tensor<double, 2> r = t.maximum(red);
  Eigen::array<Eigen::Index, 3> off = {0, 1, 1}, ext = {2, 2, 2};
  Eigen::Tensor<double, 3> sl = t.slice(off, ext).exp();
  Eigen::TensorFixedSize<float, Eigen::Sizes<2, 2>> f;
  f.setValues({{1.0f, 2.0f}, {3.0f, 4.0f}});
  Eigen::Tensor<float, 0> fs = f.square().sum();
  return s() + r(1, 2) + sl(1, 1, 1) + fs();
}

int main() {
  double p[16];
  for (int i = 0; i < 16; i++) p[i] = 0.125 * i;
  std::printf("%g\n", tensor_ops(p));
  return 0;
}
