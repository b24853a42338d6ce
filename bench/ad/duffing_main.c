// Harness of duffing.c: `primal|grad|check STEPS [ROUNDS]`. primal and grad print
// the best wall time of ROUNDS calls and the process's peak RSS (getrusage);
// (VmHWM where /proc has it); check compares the gradient with central finite differences.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double duffing(const double *p, const double *y0, long steps, double h);
void duffing_grad(const double *p, double *dp, const double *y0, double *dy0, long steps, double h);

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s primal|grad|check STEPS [ROUNDS]\n", argv[0]); return 2; }
  long steps = atol(argv[2]);
  int rounds = argc > 3 ? atoi(argv[3]) : 1;
  double h = 1e-4;
  double p[3] = {0.3, 1.0, 0.5}, y0[2] = {1.0, 0.0}, dp[3], dy0[2];
  double sink = 0, best = 1e300;
  if (!strcmp(argv[1], "check")) {
    for (int i = 0; i < 3; i++) dp[i] = 0;
    dy0[0] = dy0[1] = 0;
    duffing_grad(p, dp, y0, dy0, steps, h);
    double worst = 0;
    for (int i = 0; i < 5; i++) {
      double *x = i < 3 ? &p[i] : &y0[i - 3], g = i < 3 ? dp[i] : dy0[i - 3], e = 1e-6, s = *x;
      *x = s + e; double fp = duffing(p, y0, steps, h);
      *x = s - e; double fm = duffing(p, y0, steps, h);
      *x = s;
      double fd = (fp - fm) / (2 * e), rel = fabs(g - fd) / (1e-8 + fabs(fd));
      if (rel > worst) worst = rel;
    }
    printf("fd_relerr=%.3g\n", worst);
    return 0;
  }
  int grad = !strcmp(argv[1], "grad");
  for (int r = 0; r < rounds; r++) {
    double t0 = now();
    if (grad) {
      for (int i = 0; i < 3; i++) dp[i] = 0;
      dy0[0] = dy0[1] = 0;
      duffing_grad(p, dp, y0, dy0, steps, h);
      sink += dp[0] + dp[1] + dp[2] + dy0[0];
    } else {
      sink += duffing(p, y0, steps, h);
    }
    double t = now() - t0;
    if (t < best) best = t;
  }
  // Peak RSS of this program: VmHWM (getrusage's ru_maxrss also counts what the parent held before exec).
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long kb = ru.ru_maxrss;
  FILE *st = fopen("/proc/self/status", "r");
  if (st) {
    char line[256];
    while (fgets(line, sizeof line, st)) if (!strncmp(line, "VmHWM:", 6)) kb = atol(line + 6);
    fclose(st);
  }
  printf("time_s=%.6g maxrss_kb=%ld sink=%g\n", best, kb, sink);
  return 0;
}
