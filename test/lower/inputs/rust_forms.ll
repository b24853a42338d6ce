; The shapes of Enzyme calls that Rust produces, run by lli-19 (exit 0 = every value right):
; - markers passed by address (`ptr @enzyme_out`), as rustc's nightly autodiff and the
;   enzyme-autodiff crate pass them, and `enzyme_primal_return` first;
; - results in the C ABI's coercions of small structs: rustc returns #[repr(C)] (f32, f32)
;   as `double` and (f32, f32, f32) as `{ double, float }`, clang as `<2 x float>`;
; - an f32 that went through `...` as f64.
@enzyme_out = external global i8
@enzyme_dup = external global i8
@enzyme_const = external global i8
@enzyme_primal_return = external global ptr

declare double @__enzyme_autodiff_two(ptr, ...)
declare <2 x float> @__enzyme_autodiff_vec(ptr, ...)
declare { double, float } @__enzyme_autodiff_three(ptr, ...)
declare { double, double } @__enzyme_autodiff_primal(...)
declare {} @__enzyme_autodiff_none(...)

; f(x, y) = x*x + 3y
define float @f(float %x, float %y) {
  %xx = fmul float %x, %x
  %y3 = fmul float %y, 3.0
  %r = fadd float %xx, %y3
  ret float %r
}

; g(x, y, z) = x*y*z
define float @g(float %x, float %y, float %z) {
  %a = fmul float %x, %y
  %b = fmul float %a, %z
  ret float %b
}

; h(x, p) = x * *p
define double @h(double %x, ptr %p) {
  %v = load double, ptr %p
  %r = fmul double %x, %v
  ret double %r
}

; s(p, q): *q = sin(*p)
define void @s(ptr %p, ptr %q) {
  %v = load double, ptr %p
  %r = call double @llvm.sin.f64(double %v)
  store double %r, ptr %q
  ret void
}
declare double @llvm.sin.f64(double)

define i32 @main() {
  %bad = alloca i32
  store i32 0, ptr %bad
  ; df/dx = 10, df/dy = 3 at (5, 2): two floats packed in one double.
  %two = call double (ptr, ...) @__enzyme_autodiff_two(ptr @f, ptr @enzyme_out, double 5.0, ptr @enzyme_out, double 2.0)
  %twov = bitcast double %two to <2 x float>
  %dx = extractelement <2 x float> %twov, i32 0
  %dy = extractelement <2 x float> %twov, i32 1
  call void @expect(ptr %bad, float %dx, float 10.0)
  call void @expect(ptr %bad, float %dy, float 3.0)
  %vec = call <2 x float> (ptr, ...) @__enzyme_autodiff_vec(ptr @f, ptr @enzyme_out, double 5.0, ptr @enzyme_out, double 2.0)
  %vx = extractelement <2 x float> %vec, i32 0
  %vy = extractelement <2 x float> %vec, i32 1
  call void @expect(ptr %bad, float %vx, float 10.0)
  call void @expect(ptr %bad, float %vy, float 3.0)
  ; (y z, x z, x y) = (6, 4, 3)... at (2, 3, 0.5): (1.5, 1, 6).
  %three = call { double, float } (ptr, ...) @__enzyme_autodiff_three(ptr @g, ptr @enzyme_out, double 2.0, ptr @enzyme_out, double 3.0, ptr @enzyme_out, double 0.5)
  %slot = alloca { double, float }
  store { double, float } %three, ptr %slot
  %g0 = load float, ptr %slot
  %p1 = getelementptr inbounds i8, ptr %slot, i64 4
  %g1 = load float, ptr %p1
  %p2 = getelementptr inbounds i8, ptr %slot, i64 8
  %g2 = load float, ptr %p2
  call void @expect(ptr %bad, float %g0, float 1.5)
  call void @expect(ptr %bad, float %g1, float 1.0)
  call void @expect(ptr %bad, float %g2, float 6.0)
  ; primal first, then d/dx; the shadow of p gets x.
  %p = alloca double
  %dp = alloca double
  store double 4.0, ptr %p
  store double 0.0, ptr %dp
  %pr = call { double, double } (...) @__enzyme_autodiff_primal(ptr @h, ptr nonnull @enzyme_primal_return, ptr nonnull @enzyme_out, double 2.5, ptr nonnull @enzyme_dup, ptr %p, ptr %dp)
  %prim = extractvalue { double, double } %pr, 0
  %dhx = extractvalue { double, double } %pr, 1
  %dhp = load double, ptr %dp
  %prim32 = fptrunc double %prim to float
  %dhx32 = fptrunc double %dhx to float
  %dhp32 = fptrunc double %dhp to float
  call void @expect(ptr %bad, float %prim32, float 10.0)
  call void @expect(ptr %bad, float %dhx32, float 4.0)
  call void @expect(ptr %bad, float %dhp32, float 2.5)
  ; void function, `{}` result: d/dp sin(p) = cos(0) = 1 with the output's shadow 1.
  %q = alloca double
  %dq = alloca double
  store double 0.0, ptr %p
  store double 0.0, ptr %dp
  store double 1.0, ptr %dq
  %none = call {} (...) @__enzyme_autodiff_none(ptr @s, ptr @enzyme_dup, ptr %p, ptr %dp, ptr @enzyme_dup, ptr %q, ptr %dq)
  %ds = load double, ptr %dp
  %ds32 = fptrunc double %ds to float
  call void @expect(ptr %bad, float %ds32, float 1.0)
  %r = load i32, ptr %bad
  ret i32 %r
}

define void @expect(ptr %bad, float %got, float %want) {
  %d = fsub float %got, %want
  %a = call float @llvm.fabs.f32(float %d)
  %ok = fcmp olt float %a, 0x3EE4F8B580000000
  br i1 %ok, label %yes, label %no
no:
  %b = load i32, ptr %bad
  %b1 = add i32 %b, 1
  store i32 %b1, ptr %bad
  br label %yes
yes:
  ret void
}
declare float @llvm.fabs.f32(float)
