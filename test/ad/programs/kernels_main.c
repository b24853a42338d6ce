#include <stdio.h>
#include <string.h>
#include <math.h>
typedef struct { double r; } R1;
#define N 5
extern double wloop(double*); extern R1 diffewloop(double*, double*, double);
extern double nested(double*, int, int); extern R1 diffenested(double*, double*, int, int, double);
extern double inplace(double*, int); extern R1 diffeinplace(double*, double*, int, double);
extern double rec(double*, int); extern R1 differec(double*, double*, int, double);
extern double mal(double*, int); extern R1 diffemal(double*, double*, int, double);
extern double cpy(double*, int); extern R1 diffecpy(double*, double*, int, double);
extern double helper(double*, int); extern R1 diffehelper(double*, double*, int, double);
extern double sortw(double*, int); extern R1 diffesortw(double*, double*, int, double);
static double base[N] = {1.3, 0.7, -0.4, 0.9, 0.25};
#define CHECK(NAME, CALLF, CALLD) { double x[N], dx[N] = {0}; memcpy(x, base, sizeof x); CALLD; int bad = 0; \
  for (int k = 0; k < N; k++) { double xp[N], xm[N]; memcpy(xp, base, sizeof xp); memcpy(xm, base, sizeof xm); double h = 1e-6; xp[k] += h; xm[k] -= h; \
    double *x = xp; double fp = CALLF; x = xm; double fm = CALLF; double fd = (fp - fm) / (2*h); \
    if (fabs(fd - dx[k]) > 1e-5 * (1 + fabs(fd))) { bad = 1; printf("  %s[%d] ad %g fd %g\n", NAME, k, dx[k], fd); } } \
  printf("%s %s\n", NAME, bad ? "MISMATCH" : "ok"); }
int main(int argc, char **argv) { int w = argc > 1 ? argv[1][0]-'0' : -1; int t = 0;
  if (w < 0 || w == t) CHECK("wloop", wloop(x), diffewloop(x, dx, 1.0));
  if (w < 0 || w == t) CHECK("nested", nested(x, N, 3), diffenested(x, dx, N, 3, 1.0)); t++;
  if (w < 0 || w == t) CHECK("inplace", inplace(x, N), diffeinplace(x, dx, N, 1.0)); t++;
  if (w < 0 || w == t) CHECK("rec", rec(x, N), differec(x, dx, N, 1.0)); t++;
  if (w < 0 || w == t) CHECK("mal", mal(x, N), diffemal(x, dx, N, 1.0)); t++;
  if (w < 0 || w == t) CHECK("cpy", cpy(x, N), diffecpy(x, dx, N, 1.0)); t++;
  if (w < 0 || w == t) CHECK("helper", helper(x, N), diffehelper(x, dx, N, 1.0)); t++;
  if (w < 0 || w == t) CHECK("sortw", sortw(x, N), diffesortw(x, dx, N, 1.0)); t++;
}
