// Numerical C++: complex, valarray, special functions, random distributions, templates over float types.
#include <array>
#include <cmath>
#include <complex>
#include <random>
#include <valarray>
#include <cstdio>

template <typename T, std::size_t N>
T horner(const std::array<T, N> &c, T x) {
  T r = 0;
  for (std::size_t i = N; i-- > 0;) r = r * x + c[i];
  return r;
}

std::complex<double> cpoly(std::complex<double> z) {
  return std::exp(z) * std::sin(z) + std::pow(z, 3.0) / (std::abs(z) + 1.0) + std::sqrt(std::conj(z)) + std::log(z + 2.0);
}

double special(double x) {
  return std::tgamma(x) + std::lgamma(x) + std::erf(x) + std::erfc(x) + std::expm1(x) + std::log1p(x) + std::cbrt(x) +
         std::hypot(x, 2.0) + std::atan2(x, 3.0) + std::fma(x, x, 1.0) + std::copysign(x, -1.0) + std::remainder(x, 0.7);
}

double stats(unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::uniform_real_distribution<float> ud(0.0f, 1.0f);
  std::valarray<double> v(64);
  for (auto &x : v) x = nd(gen) + ud(gen);
  std::valarray<double> w = std::sin(v) * v + 1.0;
  return w.sum() / double(w.size()) + w.max() - w.min();
}

long double extended(long double x) { return std::sqrt(x * x + 1.0L) / (1.0L + std::exp(-x)); }

int main() {
  std::array<float, 4> cf{1.0f, 0.5f, 0.25f, 0.125f};
  std::array<double, 3> cd{2.0, -1.0, 0.5};
  auto z = cpoly({0.5, 0.25});
  std::printf("%g %g %g %g %g %Lg\n", double(horner(cf, 0.3f)), horner(cd, 1.2), z.real() + z.imag(), special(1.3), stats(42), extended(0.7L));
  return 0;
}
