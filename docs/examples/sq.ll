define double @f(double %x) {
  %y = fmul double %x, %x
  ret double %y
}
