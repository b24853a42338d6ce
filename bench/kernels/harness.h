// Timing and checking harness shared by the *_main.c drivers of `npm run bench`'s
// gradient section. Each driver defines setup/primal/gradient/objective and
// fills `inputs`; this file provides main(). The kernels live in another
// translation unit (the module `enzyme-ts grad` wrote), so clang cannot inline
// or delete the calls being timed.
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { double r; } R1; // the `{ double }` literal struct diffe<FN> returns

typedef struct { const char *name; double *v, *dv; long len; } Input;
static Input inputs[8];
static int ninputs;

static void setup(long size);
static double primal(void);     // one primal call; returns something the caller keeps
static void gradient(void);     // resets the shadows/seed and calls diffe<FN> once
static double objective(void);  // the scalar whose gradient `gradient` leaves in the shadows

static double *vec(long n) {
  double *p = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!p) { fprintf(stderr, "out of memory\n"); exit(3); }
  return p;
}
static double *zeros(long n) { double *p = vec(n); memset(p, 0, sizeof(double) * (size_t)n); return p; }
// Deterministic values in [-1, 1): the same inputs on every run and compiler.
static unsigned long long rng = 88172645463325252ULL;
static double uniform(void) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (double)(rng >> 11) / 4503599627370496.0 - 1.0;
}
static double *randvec(long n, double scale) { double *p = vec(n); for (long i = 0; i < n; i++) p[i] = scale * uniform(); return p; }
static void add_input(const char *name, double *v, double *dv, long len) {
  inputs[ninputs++] = (Input){ name, v, dv, len };
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// Results land here so that no call is dead code even under whole-program view.
static volatile double sink;

// Grows the repetition count until one batch takes at least min_s and returns
// seconds per call of that batch. It starts from one call so that a slow
// kernel (the quadratic ones) runs only once, then jumps to the count the last
// batch predicts so that a fast one does not spend most of its time in small
// batches.
static long next_reps(long reps, double dt, double min_s) {
  double want = dt > 0 ? 1.3 * min_s / dt * (double)reps : 100.0 * (double)reps;
  if (want > 100.0 * (double)reps) want = 100.0 * (double)reps;
  return want > 2.0 * (double)reps ? (long)want : 2 * reps;
}
static double time_primal(double min_s) {
  for (long reps = 1;; ) {
    double acc = 0, t0 = now();
    for (long r = 0; r < reps; r++) acc += primal();
    double dt = now() - t0;
    sink = acc;
    if (dt >= min_s || reps >= (1L << 40)) return dt / (double)reps;
    reps = next_reps(reps, dt, min_s);
  }
}
static double time_gradient(double min_s) {
  for (long reps = 1;; ) {
    double acc = 0, t0 = now();
    for (long r = 0; r < reps; r++) { gradient(); acc += inputs[0].dv[0]; }
    double dt = now() - t0;
    sink = acc;
    if (dt >= min_s || reps >= (1L << 40)) return dt / (double)reps;
    reps = next_reps(reps, dt, min_s);
  }
}

// Largest relative difference between the derivative and a central finite
// difference over `probes` entries spread across the inputs.
static double fd_check(int probes, int *checked) {
  gradient();
  double worst = 0;
  long total = 0;
  for (int k = 0; k < ninputs; k++) total += inputs[k].len;
  *checked = 0;
  for (int p = 0; p < probes && p < total; p++) {
    // Spread probes over the flattened inputs: first, last, and between.
    long flat = probes == 1 ? 0 : (long)((double)p * (double)(total - 1) / (double)(probes - 1));
    int k = 0;
    while (flat >= inputs[k].len) flat -= inputs[k++].len;
    double *v = &inputs[k].v[flat];
    double ad = inputs[k].dv[flat];
    double x0 = *v, h = 1e-6 * (fabs(x0) > 1 ? fabs(x0) : 1);
    *v = x0 + h; double fp = objective();
    *v = x0 - h; double fm = objective();
    *v = x0;
    double fd = (fp - fm) / (2 * h);
    double scale = fmax(fmax(fabs(fd), fabs(ad)), 1e-8);
    double err = fabs(ad - fd) / scale;
    if (!(err <= worst)) worst = err; // NaN propagates as a failure
    ++*checked;
  }
  return worst;
}

// argv: size, seconds per measurement, rounds, finite-difference probes, and
// what to time: "both", "primal" or "grad". Prints key=value lines for
// bench/grad.ts, flushed one by one so that a run cut off by its time limit
// still reports what it finished.
int main(int argc, char **argv) {
  long size = argc > 1 ? atol(argv[1]) : 0;
  double min_s = argc > 2 ? atof(argv[2]) : 0.2;
  int rounds = argc > 3 ? atoi(argv[3]) : 3;
  int probes = argc > 4 ? atoi(argv[4]) : 12;
  const char *what = argc > 5 ? argv[5] : "both";
  int do_primal = strcmp(what, "grad") != 0, do_grad = strcmp(what, "primal") != 0;
  setup(size);
  if (probes > 0 && do_grad) {
    int checked = 0;
    double err = fd_check(probes, &checked);
    printf("fd_relerr=%.3g\nfd_probes=%d\n", err, checked);
    fflush(stdout);
  }
  // Rounds alternate primal and gradient so that load from other processes
  // falls on both alike; the caller takes the median of each.
  for (int r = 0; r < rounds; r++) {
    if (do_primal) { printf("primal_s=%.9g\n", time_primal(min_s)); fflush(stdout); }
    if (do_grad) { printf("grad_s=%.9g\n", time_gradient(min_s)); fflush(stdout); }
  }
  return 0;
}
