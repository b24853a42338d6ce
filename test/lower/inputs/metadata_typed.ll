; Enzyme's metadata markers, typed pointers, the function passed through a bitcast.
declare double @__enzyme_autodiff(i8*, ...)
declare i32 @printf(i8*, ...)
@fmt = private constant [7 x i8] c"%.17g\0A\00"

define void @f(double* %x, double* %y) {
  %v = load double, double* %x
  %w = fmul double %v, %v
  store double %w, double* %y
  ret void
}

define i32 @main() {
  %x = alloca double
  %dx = alloca double
  %y = alloca double
  %dy = alloca double
  store double 3.0, double* %x
  store double 0.0, double* %dx
  store double 1.0, double* %dy
  %d = call double (i8*, ...) @__enzyme_autodiff(i8* bitcast (void (double*, double*)* @f to i8*), metadata !"enzyme_dup", double* %x, double* %dx, metadata !"enzyme_dupnoneed", double* %y, double* %dy)
  %g = load double, double* %dx
  %f = getelementptr [7 x i8], [7 x i8]* @fmt, i64 0, i64 0
  call i32 (i8*, ...) @printf(i8* %f, double %g)
  ret i32 0
}
