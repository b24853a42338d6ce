// GMP's C++ wrapper (gmpxx.h): expression templates over arbitrary precision numbers.
#include <gmpxx.h>
#include <cstdio>

double rational_sum(int n) {
  mpq_class s(0);
  for (int k = 1; k <= n; k++) s += mpq_class(1, k * (k + 1));
  mpf_class f(s, 128);
  mpz_class big = 1;
  for (int k = 1; k <= 20; k++) big *= k;
  return f.get_d() + double(mpz_sizeinbase(big.get_mpz_t(), 10));
}

int main() {
  std::printf("%g\n", rational_sum(50));
  return 0;
}
