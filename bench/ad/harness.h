// Timing, checking and memory accounting for the AD benchmark kernels of
// `npm run bench` (bench/ad/*_main.c include this file and define the k_*
// functions below). Each kernel is two translation units: NAME.c holds the
// primal and the `__enzyme_autodiff` call that `enzyme-ts lower` replaces,
// NAME_main.c the hand-written gradient, the inputs and this harness, so clang
// cannot inline the timed calls into the timing loops.
//
//   NAME.exe MODE MIN_S ROUNDS [kernel arguments...]
//   MODE all:     check enzyme-ts's gradient against the hand-written one and
//                 against finite differences, count what one call of each
//                 allocates, then time primal / hand / enzyme-ts interleaved
//   MODE mem-X:   X in none, primal, hand, enzyme: run X once, print peak RSS
//
// Output: key=value lines (bench/adbench.ts reads them).
#define _GNU_SOURCE
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

// What the kernel defines.
static void k_setup(int argc, char **argv); // inputs for the instance its arguments describe
static double k_primal(void);               // one primal evaluation (a value to keep)
static void k_hand(void);                   // hand-written gradient into gh[0..nout)
static void k_enzyme(void);                 // enzyme-ts's gradient into ge[0..nout)
static double k_fd(long j, double h);       // central difference of output j, relative step h
static double *gh, *ge;
static long nout;

// -- allocation accounting (the link wraps malloc, calloc, realloc and free) --
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
static int acct;
static long acct_calls;
static long long acct_live, acct_peak, acct_total;
static void acct_add(void *p) {
  if (!p) return;
  acct_calls++;
  long long n = (long long)malloc_usable_size(p);
  acct_total += n;
  acct_live += n;
  if (acct_live > acct_peak) acct_peak = acct_live;
}
static void acct_sub(void *p) { if (p) acct_live -= (long long)malloc_usable_size(p); }
void *__wrap_malloc(size_t n) { void *p = __real_malloc(n); if (acct) acct_add(p); return p; }
void *__wrap_calloc(size_t a, size_t b) { void *p = __real_calloc(a, b); if (acct) acct_add(p); return p; }
void *__wrap_realloc(void *q, size_t n) {
  if (acct) acct_sub(q);
  void *p = __real_realloc(q, n);
  if (acct) acct_add(p);
  return p;
}
void __wrap_free(void *p) { if (acct) acct_sub(p); __real_free(p); }

// -- helpers for kernels --
static double *vec(long n) {
  double *p = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!p) { fprintf(stderr, "out of memory\n"); exit(3); }
  return p;
}
static double *zeros(long n) { double *p = vec(n); memset(p, 0, sizeof(double) * (size_t)(n > 0 ? n : 1)); return p; }
static void clear(double *p, long n) { memset(p, 0, sizeof(double) * (size_t)n); }
// Deterministic values in [-1, 1): the same inputs on every run and compiler.
static unsigned long long rng = 88172645463325252ULL;
static double uniform(void) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (double)(rng >> 11) / 4503599627370496.0 - 1.0;
}
static double *randvec(long n, double scale) { double *p = vec(n); for (long i = 0; i < n; i++) p[i] = scale * uniform(); return p; }
static long argl(int argc, char **argv, int k, long dflt) { return k < argc ? atol(argv[k]) : dflt; }
// The central difference of f around x[j] (Richardson-extrapolated from steps h and h/2).
#define CENTRAL(x, j, h, f) ({                                                     \
    double x0_ = (x)[j], s_ = (h) * (fabs(x0_) > 1 ? fabs(x0_) : 1), d_[2];        \
    for (int r_ = 0; r_ < 2; r_++) {                                                \
      double e_ = r_ ? s_ / 2 : s_;                                                 \
      (x)[j] = x0_ + e_; double p_ = (f); (x)[j] = x0_ - e_; double m_ = (f);       \
      d_[r_] = (p_ - m_) / (2 * e_);                                                \
    }                                                                               \
    (x)[j] = x0_; (4 * d_[1] - d_[0]) / 3; })

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static volatile double sink;

// Seconds per call of a batch grown until it lasts at least min_s.
static double time_it(int which, double min_s) {
  for (long reps = 1;;) {
    double acc = 0, t0 = now();
    for (long r = 0; r < reps; r++) {
      if (which == 0) acc += k_primal();
      else if (which == 1) { k_hand(); acc += gh[0]; }
      else { k_enzyme(); acc += ge[0]; }
    }
    double dt = now() - t0;
    sink = acc;
    if (dt >= min_s || reps >= (1L << 40)) return dt / (double)reps;
    double want = dt > 0 ? 1.3 * min_s / dt * (double)reps : 100.0 * (double)reps;
    if (want > 100.0 * (double)reps) want = 100.0 * (double)reps;
    reps = want > 2.0 * (double)reps ? (long)want : 2 * reps;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void alloc_stats(const char *who, int which) {
  acct_calls = 0; acct_live = 0; acct_peak = 0; acct_total = 0;
  acct = 1;
  if (which == 1) k_hand(); else k_enzyme();
  acct = 0;
  printf("%s_mallocs=%ld\n%s_peak_bytes=%lld\n%s_alloc_bytes=%lld\n%s_leak_bytes=%lld\n", who, acct_calls, who, acct_peak, who, acct_total, who, acct_live);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s all|mem-none|mem-primal|mem-hand|mem-enzyme MIN_S ROUNDS [ARGS...]\n", argv[0]); return 2; }
  const char *mode = argv[1];
  double min_s = atof(argv[2]);
  int rounds = atoi(argv[3]);
  k_setup(argc - 4, argv + 4);
  if (strncmp(mode, "mem-", 4) == 0) {
    const char *w = mode + 4;
    if (!strcmp(w, "primal")) sink = k_primal();
    else if (!strcmp(w, "hand")) k_hand();
    else if (!strcmp(w, "enzyme")) k_enzyme();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("maxrss_kb=%ld\n", ru.ru_maxrss);
    return 0;
  }
  // Both gradients once (warm), then compared: normwise, against the largest entry.
  k_hand();
  k_enzyme();
  double big = 0, diff = 0;
  int finite = 1;
  for (long j = 0; j < nout; j++) {
    if (!isfinite(ge[j]) || !isfinite(gh[j])) finite = 0;
    if (fabs(gh[j]) > big) big = fabs(gh[j]);
    if (fabs(ge[j] - gh[j]) > diff) diff = fabs(ge[j] - gh[j]);
  }
  printf("nout=%ld\nhand_diff=%.3e\n", nout, finite ? (big > 0 ? diff / big : diff) : INFINITY);
  // Finite differences on 10 entries spread over the outputs, the largest one and the last.
  double fd = 0;
  long jmax = 0;
  for (long j = 0; j < nout; j++) if (fabs(gh[j]) > fabs(gh[jmax])) jmax = j;
  int probes = nout < 12 ? (int)nout : 12;
  for (int k = 0; k < probes; k++) {
    long j = k == probes - 1 ? nout - 1 : k == probes - 2 ? jmax : (long)(((double)k + 0.37) * (double)nout / (probes - 2));
    if (nout < 12) j = k;
    if (j >= nout) j = nout - 1;
    double d = k_fd(j, 1e-3);
    double err = fabs(ge[j] - d) / (fabs(d) > 1e-3 * big ? fabs(d) : (1e-3 * big > 0 ? 1e-3 * big : 1));
    if (!(err <= fd)) fd = err;
  }
  printf("fd_probes=%d\nfd_relerr=%.3e\n", probes, fd);
  alloc_stats("hand", 1);
  alloc_stats("enzyme", 2);
  fflush(stdout);
  double *t[3];
  for (int w = 0; w < 3; w++) t[w] = malloc(sizeof(double) * (size_t)(rounds > 0 ? rounds : 1));
  for (int r = 0; r < rounds; r++) {
    for (int w = 0; w < 3; w++) t[w][r] = time_it(w, min_s);
    printf("round=%d primal_s=%.6e hand_s=%.6e enzyme_s=%.6e\n", r, t[0][r], t[1][r], t[2][r]);
    fflush(stdout);
  }
  const char *names[3] = { "primal", "hand", "enzyme" };
  for (int w = 0; w < 3 && rounds > 0; w++) {
    qsort(t[w], (size_t)rounds, sizeof(double), cmp_double);
    printf("%s_min_s=%.6e\n%s_med_s=%.6e\n", names[w], t[w][0], names[w], t[w][rounds / 2]);
  }
  return 0;
}
