; Floating atomic updates on active data (opaque pointers): test/ad/atomics.test.ts.

; fadd then fsub of values computed from the old ones, the memory read back after.
define double @add_sub(ptr %p, double %x) {
  %y = fmul double %x, %x
  %old = atomicrmw fadd ptr %p, double %y monotonic, align 8
  %o2 = fmul double %old, %x
  %z = atomicrmw fsub ptr %p, double %o2 seq_cst, align 8
  %w = load double, ptr %p, align 8
  %r = fmul double %w, %z
  ret double %r
}

; xchg of floats (no align written: the natural one), of a constant too, release / acq_rel / acquire.
define float @xchg(ptr %p, float %x) {
  %y = fmul float %x, 3.0
  %old = atomicrmw xchg ptr %p, float %y acq_rel
  %o2 = fmul float %old, %old
  %q = getelementptr float, ptr %p, i64 1
  %u = atomicrmw xchg ptr %q, float 2.0 release
  %v = atomicrmw fadd ptr %q, float %o2 acquire
  %w = load float, ptr %p
  %r = fmul float %w, %v
  %r2 = fadd float %r, %u
  ret float %r2
}

; A reduction in a loop, called from the function differentiated (the callee's split reverse).
define void @reduce(ptr %acc, ptr %x, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %px = getelementptr double, ptr %x, i64 %i
  %xi = load double, ptr %px
  %s = call double @llvm.sin.f64(double %xi)
  %t = fmul double %s, %xi
  %o = atomicrmw fadd ptr %acc, double %t monotonic, align 8
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

define double @caller(ptr %x) {
  %acc = alloca double, align 8
  store double 1.5, ptr %acc
  call void @reduce(ptr %acc, ptr %x, i64 5)
  %a = load double, ptr %acc
  %r = fmul double %a, %a
  ret double %r
}

declare double @llvm.sin.f64(double)

; Updates without a derivative rule: refused at the instruction.
define double @fmax(ptr %p, double %x) {
  %old = atomicrmw fmax ptr %p, double %x monotonic, align 8
  %w = load double, ptr %p
  ret double %w
}

define double @cas(ptr %p, double %x) {
  %b = bitcast double %x to i64
  %r = cmpxchg ptr %p, i64 0, i64 %b seq_cst seq_cst, align 8
  %w = load double, ptr %p
  ret double %w
}
