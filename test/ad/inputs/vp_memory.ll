declare <4 x double> @llvm.vp.load.v4f64.p0(ptr, <4 x i1>, i32)
declare void @llvm.vp.store.v4f64.p0(<4 x double>, ptr, <4 x i1>, i32)
declare <4 x double> @llvm.vp.gather.v4f64.v4p0(<4 x ptr>, <4 x i1>, i32)
declare void @llvm.vp.scatter.v4f64.v4p0(<4 x double>, <4 x ptr>, <4 x i1>, i32)
declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)

; lanes 0, 1, 3 of x are loaded (lane 2 is masked off); a gather reads x[3] twice; the
; vp.store writes lanes 0 and 2 (lane 1 masked off, lane 3 beyond the length 3);
; the scatter writes y[4] twice (the higher lane wins) and y[5], y[6].
define double @f(ptr %x, ptr %y) {
  %a = call <4 x double> @llvm.vp.load.v4f64.p0(ptr %x, <4 x i1> <i1 1, i1 1, i1 0, i1 1>, i32 4)
  %az = select <4 x i1> <i1 1, i1 1, i1 0, i1 1>, <4 x double> %a, <4 x double> zeroinitializer
  %ptrs = getelementptr double, ptr %x, <4 x i64> <i64 3, i64 0, i64 3, i64 1>
  %g = call <4 x double> @llvm.vp.gather.v4f64.v4p0(<4 x ptr> %ptrs, <4 x i1> <i1 1, i1 1, i1 1, i1 0>, i32 4)
  %gz = select <4 x i1> <i1 1, i1 1, i1 1, i1 0>, <4 x double> %g, <4 x double> <double 0.0, double 0.0, double 0.0, double 2.0>
  %a2 = fmul <4 x double> %az, %az
  %t = fadd <4 x double> %a2, %gz
  %r = call double @llvm.vector.reduce.fadd.v4f64(double 0.0, <4 x double> %t)
  %g2 = fmul <4 x double> %gz, %az
  call void @llvm.vp.store.v4f64.p0(<4 x double> %g2, ptr %y, <4 x i1> <i1 1, i1 0, i1 1, i1 1>, i32 3)
  %yp = getelementptr double, ptr %y, <4 x i64> <i64 4, i64 5, i64 4, i64 6>
  %gs = fmul <4 x double> %gz, %gz
  call void @llvm.vp.scatter.v4f64.v4p0(<4 x double> %gs, <4 x ptr> %yp, <4 x i1> <i1 1, i1 1, i1 1, i1 1>, i32 4)
  ret double %r
}
