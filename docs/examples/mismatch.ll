; A custom derivative with a mistake, for docs/check.md: rev_g gives d/dy = x*y
; where g(x, y) = x*y^2 has d/dy = 2*x*y. `check` finds it.
define double @g(double %x, double %y) {
  %p = fmul double %x, %y
  %q = fmul double %p, %y
  ret double %q
}

define double @aug_g(double %x, double %y) {
  %r = call double @g(double %x, double %y)
  ret double %r
}

define { double, double } @rev_g(double %x, double %y, double %d) {
  %yy = fmul double %y, %y
  %dx = fmul double %yy, %d
  %xy = fmul double %x, %y
  %dy = fmul double %xy, %d
  %r0 = insertvalue { double, double } undef, double %dx, 0
  %r1 = insertvalue { double, double } %r0, double %dy, 1
  ret { double, double } %r1
}

define double @f(double %x, double %y) {
  %a = call double @g(double %x, double %y)
  %b = fadd double %a, %x
  ret double %b
}
