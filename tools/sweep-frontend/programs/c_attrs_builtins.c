/* C the way system code writes it: attributes, builtins, bit-fields, flexible
   arrays, thread-locals, 128-bit integers, asm goto, target-specific functions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct packet {
  unsigned kind : 3, flags : 5, len : 12;
  signed delta : 7;
  double payload[];
};

static _Thread_local unsigned long counter;
static int initialized;

__attribute__((constructor)) static void init(void) { initialized = 1; }
__attribute__((destructor)) static void fini(void) { initialized = 0; }
__attribute__((cold, noinline)) static void fail(const char *what) { fprintf(stderr, "%s\n", what); abort(); }

static void release(double **p) { free(*p); }

__attribute__((always_inline)) static inline unsigned long bump(void) { return ++counter; }

double packet_sum(const struct packet *p) {
  double s = 0;
  for (unsigned i = 0; i < p->len; i++) s += p->payload[i] * (p->delta + (int)p->flags);
  return s;
}

struct packet *make_packet(unsigned n) {
  struct packet *p = malloc(sizeof *p + n * sizeof(double));
  if (__builtin_expect(!p, 0)) fail("oom");
  p->kind = 5; p->flags = 17; p->len = n; p->delta = -3;
  for (unsigned i = 0; i < n; i++) p->payload[i] = 0.5 * i;
  return p;
}

unsigned __int128 mul_wide(uint64_t a, uint64_t b) { return (unsigned __int128)a * b; }

int checked(int a, int b, int *out) { return __builtin_mul_overflow(a, b, out) || __builtin_add_overflow(*out, 7, out); }

int bits(uint64_t x) { return __builtin_popcountll(x) + __builtin_ctzll(x | 1) + __builtin_clzll(x | 1) + __builtin_parityll(x); }

double sum_va(int n, ...) {
  va_list ap;
  va_start(ap, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, double);
  va_end(ap);
  return s;
}

typedef double v4d __attribute__((vector_size(32)));
v4d vec_ops(v4d a, v4d b) {
  v4d c = a * b + a;
  return __builtin_shufflevector(c, b, 0, 5, 2, 7);
}

__attribute__((target("avx2"))) double dot_avx2(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

int asm_goto(int x) {
  asm goto("testl %0, %0; jz %l1" : : "r"(x) : "cc" : is_zero);
  return 1;
is_zero:
  return 0;
}

double scoped(unsigned n) {
  __attribute__((cleanup(release))) double *buf = calloc(n, sizeof(double));
  for (unsigned i = 0; i < n; i++) buf[i] = __builtin_sqrt((double)i);
  __builtin_prefetch(buf, 0, 3);
  double *al = __builtin_assume_aligned(buf, 16);
  return al[n - 1] + (double)bump();
}

int classify(double x) {
  return _Generic(x, float: 1, double: 2, long double: 3, default: 0) + __builtin_isnan(x) + __builtin_isinf_sign(x);
}

int main(void) {
  struct packet *p = make_packet(6);
  int o;
  v4d a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
  v4d c = vec_ops(a, b);
  double xs[4] = {1, 2, 3, 4};
  printf("%g %d %d %g %g %d %g %d %d\n", packet_sum(p), checked(1 << 20, 1 << 12, &o), bits(0xf0f0), sum_va(3, 1.0, 2.0, 3.5),
         c[1] + dot_avx2(xs, xs, 4), asm_goto(initialized), scoped(5), classify(2.0), (int)(mul_wide(1ull << 40, 1ull << 30) >> 64));
  free(p);
  return 0;
}
