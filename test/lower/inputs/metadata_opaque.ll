; Enzyme's metadata markers (what Rust and hand-written IR use), opaque pointers.
declare double @__enzyme_autodiff(ptr, ...)
declare { double, double } @__enzyme_autodiff.pair(ptr, ...)
declare i32 @printf(ptr, ...)
@fmt = private constant [16 x i8] c"%.17g %.17g %g\0A\00"

define double @f(ptr %x, double %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s1, %loop ]
  %p = getelementptr double, ptr %x, i64 %i
  %v = load double, ptr %p
  %t = fmul double %v, %a
  %t2 = fmul double %t, %v
  %s1 = fadd double %s, %t2
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, %n
  br i1 %c, label %loop, label %done
done:
  ret double %s1
}

define double @g(double %x, double %y) {
  %m = fmul double %x, %y
  %s = call double @llvm.sin.f64(double %m)
  ret double %s
}
declare double @llvm.sin.f64(double)

define i32 @main() {
  %x = alloca [3 x double]
  %dx = alloca [3 x double]
  store [3 x double] [double 1.0, double 2.0, double 3.0], ptr %x
  store [3 x double] zeroinitializer, ptr %dx
  ; d/da sum a*x_i^2 = 14, d/dx_i = 2 a x_i
  %da = call double (ptr, ...) @__enzyme_autodiff(ptr @f, metadata !"enzyme_dup", ptr %x, ptr %dx, metadata !"enzyme_out", double 0.5, metadata !"enzyme_const", i64 3)
  %p2 = getelementptr double, ptr %dx, i64 2
  %dx2 = load double, ptr %p2
  ; primal return first: sin(0.25), then the gradient of x: y cos(x y)
  %r = call { double, double } (ptr, ...) @__enzyme_autodiff.pair(ptr @g, metadata !"enzyme_primal_return", metadata !"enzyme_out", double 0.5, metadata !"enzyme_const", double 0.5)
  %r0 = extractvalue { double, double } %r, 0
  %r1 = extractvalue { double, double } %r, 1
  %sum = fadd double %r0, %r1
  call i32 (ptr, ...) @printf(ptr @fmt, double %da, double %dx2, double %sum)
  ret i32 0
}
