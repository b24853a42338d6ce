; Inputs for the diagnostics of `grad` (test/ad/cli.test.ts).
declare double @mystery(double)
declare double @llvm.sqrt.f64(double)

define double @uses_mystery(double %x) {
  %y = fmul double %x, %x
  %z = call double @mystery(double %y)
  ret double %z
}

define double @ignores_mystery(double %x) {
  %unused = call double @mystery(double 2.0)
  %y = fmul double %x, %unused
  ret double %y
}

define double @asm_active(double %x) {
  %y = call double asm "fsqrt", "=t,0"(double %x)
  ret double %y
}

define void @two(double* %p, double %x) {
  store double %x, double* %p
  ret void
}

define double @sq(double %x) {
  %y = call double @llvm.sqrt.f64(double %x)
  %z = fmul double %y, %x
  ret double %z
}

define void @intcopy(double* %p) {
  %q = bitcast double* %p to i64*
  %v = load i64, i64* %q
  %r = getelementptr i64, i64* %q, i64 1
  store i64 %v, i64* %r
  ret void
}
