// Calls the derivative enzyme-ts generates for norm (docs/walkthrough.md).
#include <stdio.h>

// Written by: enzyme-ts grad norm.ll -f norm --args dup,const --abi c --header norm.grad.h -o norm.grad.ll
// It declares struct diffenorm_result { double primal; } and
//   struct diffenorm_result diffenorm(const double *arg0, double *d_arg0, int32_t arg1, double differeturn);
#include "norm.grad.h"

int main(void) {
  double x[3] = {3.0, 4.0, 12.0};
  double dx[3] = {0.0, 0.0, 0.0};  // the shadow of x: gradients are added into it

  struct diffenorm_result r = diffenorm(x, dx, 3, 1.0);
  printf("norm(x)   = %g\n", r.primal);
  printf("d norm/dx = [%g %g %g]\n", dx[0], dx[1], dx[2]);

  // Shadows accumulate: a second call adds, it does not overwrite.
  diffenorm(x, dx, 3, 1.0);
  printf("after a second call: [%g %g %g]\n", dx[0], dx[1], dx[2]);
  return 0;
}
