// Type-analysis fixtures: regenerate ta14.ll / ta19.ll with ./regen.sh
#include <string.h>
#include <stdlib.h>
struct S { double x; int n; };
struct P { double a, b; };
double dot(const double *a, const double *b, int n) { double s = 0; for (int i = 0; i < n; i++) s += a[i]*b[i]; return s; }
void copyp(struct P *d, const struct P *s) { *d = *s; }
void cpy(double *d, const double *s, int n) { memcpy(d, s, n * sizeof(double)); }
double fs(struct S *s) { return s->x * s->n; }
double pp(double **p) { return p[0][1] * p[1][0]; }
double *mk(int n) { double *m = malloc(n * sizeof(double)); for (int i = 0; i < n; i++) m[i] = i; return m; }
struct Q { double x; };
void cq(struct Q *d, const struct Q *s) { *d = *s; }
void swp(double *a, double *b) { long t; __builtin_memcpy(&t, a, 8); __builtin_memcpy(a, b, 8); __builtin_memcpy(b, &t, 8); }
double punned(double *p) { long bits; __builtin_memcpy(&bits, p, 8); return p[1] + (double)bits; }
__attribute__((noinline)) static void scale(double *p, long n, double k) { for (long i = 0; i < n; i++) p[i] *= k; }
void twice(void *buf, long n) { scale(buf, n, 2.0); }
