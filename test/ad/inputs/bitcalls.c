// Integers computed from the bits of an active double that cross a call (the shapes of musl's
// libm: `asuint64` unions, helpers such as sqrt's `mul32`, erf's `erfc2(ix, x)`).
//   clang-19 -S -emit-llvm -O0 -fno-discard-value-names bitcalls.c -o bitcalls.O0.ll
//   clang-19 -S -emit-llvm -O2 bitcalls.c -o bitcalls.O2.ll
//   clang-14 -S -emit-llvm -O0 bitcalls.c -o bitcalls.typed.O0.ll
//   clang-14 -S -emit-llvm -O2 bitcalls.c -o bitcalls.typed.O2.ll
#include <stdint.h>
#define asuint64(f) ((union { double _f; uint64_t _i; }){f})._i
#define asdouble(i) ((union { uint64_t _i; double _f; }){i})._f

// The result of a helper that computes on the bits goes back to a double: arithmetic on the bits.
__attribute__((noinline)) static uint64_t half_bits(uint64_t a) { return a >> 1; }
double bits_through_result(double x) {
  uint64_t ix = asuint64(x);
  uint64_t m = half_bits(ix) + 0x1ff8000000000000ULL;
  return asdouble(m) * x;
}

// The callee turns the computed bits back into a double.
__attribute__((noinline)) static double from_bits(uint64_t b) { return asdouble(b) * 2.0; }
double bits_into_callee(double x) {
  uint64_t ix = asuint64(x);
  uint64_t m = (ix >> 1) + 0x1ff8000000000000ULL;
  return from_bits(m) + x;
}

// The callee only compares the high word: no derivative crosses it.
__attribute__((noinline)) static double tail(uint32_t ix, double x) {
  if (ix < 0x3ff00000) return x * x;
  return 3 * x * x * x;
}
double word_picks_branch(double x) {
  uint32_t ix = (uint32_t)(asuint64(x) >> 32) & 0x7fffffff;
  return tail(ix, x) + x;
}

// fabs through the bits (clang 14 -O2 keeps the `and`), whose high word also picks the branch
// (musl's sinh, cosh, tanh).
double abs_and_word(double x) {
  union { double f; uint64_t i; } u = {.f = x};
  u.i &= (uint64_t)-1 / 2;
  double a = u.f;
  uint32_t w = u.i >> 32;
  if (w < 0x3ff00000) return a * a * x;
  return 3 * a + x;
}

// A helper that returns arithmetic on the bits of its floating argument, which the caller turns
// back into a double; and one whose returned bits the caller only compares (musl's `isnan(x)` at
// -O0 calls `__DOUBLE_BITS(x)`).
__attribute__((noinline)) static uint64_t next_bits(double x) { return asuint64(x) + 1; }
double bits_from_float_arg(double x) { return asdouble(next_bits(x)) * x; }
__attribute__((noinline)) static uint64_t raw_bits(double x) { return asuint64(x); }
double bits_compared(double x) {
  if ((raw_bits(x) & -1ULL >> 1) > 0x7ffULL << 52) return 0;
  return x * x;
}
