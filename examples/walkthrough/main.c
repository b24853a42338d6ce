// Calls the derivative enzyme-ts generates for norm (docs/walkthrough.md).
#include <stdio.h>

// enzyme-ts grad norm.ll -f norm --args dup,const generates
//   define { double } @diffenorm(ptr %x, ptr %"x'", i32 %n, double %differeturn)
// A literal struct { double } is returned like this one-member C struct.
struct norm_grad { double primal; };
struct norm_grad diffenorm(const double *x, double *dx, int n, double seed);

int main(void) {
  double x[3] = {3.0, 4.0, 12.0};
  double dx[3] = {0.0, 0.0, 0.0};  // the shadow of x: gradients are added into it

  struct norm_grad r = diffenorm(x, dx, 3, 1.0);
  printf("norm(x)   = %g\n", r.primal);
  printf("d norm/dx = [%g %g %g]\n", dx[0], dx[1], dx[2]);

  // Shadows accumulate: a second call adds, it does not overwrite.
  diffenorm(x, dx, 3, 1.0);
  printf("after a second call: [%g %g %g]\n", dx[0], dx[1], dx[2]);
  return 0;
}
