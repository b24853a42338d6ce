#include <math.h>
#include <stdlib.h>
#include <string.h>
double sq(double x) { return x * x; }
double wloop(double *x) { double v = x[0]; int n = 0; while (v > 0.1) { v = v * 0.5 + sin(v) * 0.1; n++; } return v * n + x[1]; }
double nested(double *a, int n, int m) { double s = 0; for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) s += a[i] * a[j] * (i + 1); return s; }
double inplace(double *a, int n) { for (int i = 1; i < n; i++) a[i] += a[i-1] * a[i]; return a[n-1]; }
double rec(double *x, int n) { if (n == 0) return 1.0; return x[n-1] * rec(x, n-1) + sin(x[n-1]); }
double mal(double *x, int n) { double *t = malloc(n * sizeof(double)); for (int i = 0; i < n; i++) t[i] = x[i] * x[i]; double s = 0; for (int i = 0; i < n; i++) s += t[i] * x[i]; free(t); return s; }
double cpy(double *x, int n) { double t[8]; memcpy(t, x, n * sizeof(double)); double s = 0; for (int i = 0; i < n; i++) s += t[i] * t[i] * t[i]; return s; }
double helper(double *x, int n) { double s = 0; for (int i = 0; i < n; i++) s += sq(x[i]) * exp(x[i]); return s; }
void sort_(double *a, int n) { for (int i = 1; i < n; i++) { double k = a[i]; int j = i - 1; while (j >= 0 && a[j] > k) { a[j+1] = a[j]; j--; } a[j+1] = k; } }
double sortw(double *a, int n) { sort_(a, n); double s = 0; for (int i = 0; i < n; i++) s += a[i] * (i + 1); return s; }
