; Integer carriers of floating data that the transform retypes before
; differentiating (src/ad/canonical.ts). Opaque pointers (LLVM >= 15).
; test/ad/intcopy.test.ts differentiates each function and compares with
; finite differences; intcopy.typed.ll is the same with typed pointers.

declare double @llvm.fmuladd.f64(double, double, double)

; A phi of two i64 loads, stored as i64: dst = k > 0 ? x : y, then dst*dst + x*y.
define double @phi_pick(ptr %dst, ptr %x, ptr %y, i32 %k) {
entry:
  %c = icmp sgt i32 %k, 0
  br i1 %c, label %left, label %right
left:
  %vx = load i64, ptr %x, align 8
  br label %merge
right:
  %vy = load i64, ptr %y, align 8
  br label %merge
merge:
  %v = phi i64 [ %vx, %left ], [ %vy, %right ]
  store i64 %v, ptr %dst, align 8
  %d = load double, ptr %dst, align 8
  %a = load double, ptr %x, align 8
  %b = load double, ptr %y, align 8
  %ab = fmul double %a, %b
  %r = call double @llvm.fmuladd.f64(double %d, double %d, double %ab)
  ret double %r
}

; A select of i64 loads, a loop-carried i64 phi (the running maximum's bits)
; and an i64 compared with icmp (reads the bits only).
define double @loop_carry(ptr %p, i32 %n) {
entry:
  %first = load i64, ptr %p, align 8
  br label %loop
loop:
  %i = phi i32 [ 1, %entry ], [ %i.next, %loop ]
  %best = phi i64 [ %first, %entry ], [ %pick, %loop ]
  %idx = sext i32 %i to i64
  %q = getelementptr inbounds double, ptr %p, i64 %idx
  %cur = load i64, ptr %q, align 8
  %cf = load double, ptr %q, align 8
  %bf = bitcast i64 %best to double
  %gt = fcmp ogt double %cf, %bf
  %same = icmp eq i64 %cur, %best
  %gt2 = select i1 %same, i1 false, i1 %gt
  %pick = select i1 %gt2, i64 %cur, i64 %best
  %i.next = add nsw i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %m = bitcast i64 %pick to double
  %s = fmul double %m, %m
  ret double %s
}

; <2 x i64>: swap two doubles with a shuffle, copy lane 0 through extract /
; freeze / insert into p[2..3], then a product of everything.
define double @vec_swap(ptr %p) {
  %v = load <2 x i64>, ptr %p, align 8
  %s = shufflevector <2 x i64> %v, <2 x i64> poison, <2 x i32> <i32 1, i32 0>
  store <2 x i64> %s, ptr %p, align 8
  %e0 = extractelement <2 x i64> %v, i64 0
  %f = freeze i64 %e0
  %w = insertelement <2 x i64> <i64 4611686018427387904, i64 0>, i64 %f, i64 1
  %q = getelementptr inbounds double, ptr %p, i64 2
  store <2 x i64> %w, ptr %q, align 8
  %a = load double, ptr %p, align 8
  %p1 = getelementptr inbounds double, ptr %p, i64 1
  %b = load double, ptr %p1, align 8
  %c = load double, ptr %q, align 8
  %p3 = getelementptr inbounds double, ptr %p, i64 3
  %d = load double, ptr %p3, align 8
  %ab = fmul double %a, %b
  %abc = fmul double %ab, %c
  %r = fmul double %abc, %d
  %r2 = fmul double %r, %a
  ret double %r2
}

; i32 copies of floats: a select of two i32 loads stored into p[2], and a
; float sign flip by xor on the bits.
define float @float_bits(ptr %p, i32 %k) {
  %c = icmp sgt i32 %k, 0
  %p1 = getelementptr inbounds float, ptr %p, i64 1
  %a = load i32, ptr %p, align 4
  %b = load i32, ptr %p1, align 4
  %m = select i1 %c, i32 %a, i32 %b
  %p2 = getelementptr inbounds float, ptr %p, i64 2
  store i32 %m, ptr %p2, align 4
  %neg = xor i32 %b, -2147483648
  %nf = bitcast i32 %neg to float
  %x = load float, ptr %p, align 4
  %y = load float, ptr %p2, align 4
  %xy = fmul float %x, %y
  %r = fmul float %xy, %nf
  ret float %r
}

; Constants stored as integers into double memory (1.0 and 0.0), and the
; absolute value taken by and-ing off the sign bit.
define double @const_abs(ptr %p) {
  %p1 = getelementptr inbounds double, ptr %p, i64 1
  %x = load double, ptr %p, align 8
  %y = load double, ptr %p1, align 8
  %bits = bitcast double %y to i64
  %abs = and i64 %bits, 9223372036854775807
  store i64 %abs, ptr %p1, align 8
  %ay = load double, ptr %p1, align 8
  store i64 4607182418800017408, ptr %p, align 8
  %one = load double, ptr %p, align 8
  %t = fmul double %x, %ay
  %r = fmul double %t, %one
  store i64 0, ptr %p1, align 8
  ret double %r
}

; The bits pass through integer arithmetic that is not a sign operation:
; the analysis calls the result floating, so this is refused (E0403).
define void @int_arith(ptr %p) {
  %x = load double, ptr %p, align 8
  %v = load i64, ptr %p, align 8
  %w = add i64 %v, 1
  %q = getelementptr inbounds double, ptr %p, i64 1
  store i64 %w, ptr %q, align 8
  %z = load double, ptr %q, align 8
  %s = fmul double %z, %x
  store double %s, ptr %p, align 8
  ret void
}

; Nothing says what the memory holds: E0403, or a warning with --loose-types.
define void @unknown_copy(ptr %dst, ptr %src) {
  %v = load i64, ptr %src, align 8
  store i64 %v, ptr %dst, align 8
  ret void
}

; A mask that keeps sign and exponent: integer arithmetic, no derivative flows
; through it; the store clears the derivative of the memory it overwrites.
define double @mask_exponent(double %x) {
  %u = alloca i64, align 8
  store double %x, ptr %u, align 8
  %b = load i64, ptr %u, align 8
  %m = and i64 %b, -4503599627370496
  store i64 %m, ptr %u, align 8
  %d = load double, ptr %u, align 8
  %r = fmul double %d, %x
  ret double %r
}

; A callee that swaps two doubles as i64 (differentiated through its
; augmented forward and reverse, also canonicalized), and its caller.
define internal double @swap_bits(ptr %a, ptr %b) {
  %x = load i64, ptr %a, align 8
  %y = load i64, ptr %b, align 8
  store i64 %y, ptr %a, align 8
  store i64 %x, ptr %b, align 8
  %d = load double, ptr %a, align 8
  ret double %d
}

define double @calls_swap(ptr %p) {
  %p1 = getelementptr inbounds double, ptr %p, i64 1
  %d = call double @swap_bits(ptr %p, ptr %p1)
  %a = load double, ptr %p, align 8
  %b = load double, ptr %p1, align 8
  %a3 = fmul double %a, 3.000000e+00
  %t = fmul double %a3, %a
  %u = fmul double %t, %d
  %r = fadd double %u, %b
  ret double %r
}

; Floats crossing calls as integers: refused (E0403) on the active path.
define internal i64 @to_bits(double %x) {
  %b = bitcast double %x to i64
  ret i64 %b
}

define internal double @from_bits(i64 %b) {
  %x = bitcast i64 %b to double
  ret double %x
}

define double @bits_roundtrip(double %x, double %c) {
  %b = call i64 @to_bits(double %x)
  %y = call double @from_bits(i64 %b)
  %r = fmul double %y, %c
  ret double %r
}

define double @bits_arg(double %x) {
  %b = bitcast double %x to i64
  %y = call double @from_bits(i64 %b)
  %r = fmul double %y, %x
  ret double %r
}
