define double @f(double %x) {
entry:
  %z = fadd double %x, %y
  %w = fmul double %z, %t
  ret double %w
}
