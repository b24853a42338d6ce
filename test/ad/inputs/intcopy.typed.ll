; intcopy.opaque.ll with typed pointers (LLVM <= 16): the integer accesses go
; through bitcasts of double* / float* to i64* / i32* / <2 x i64>*, as clang 14
; emits them. See test/ad/intcopy.test.ts. (No @unknown_copy here: a typed i64*
; is taken to hold integers.)

declare double @llvm.fmuladd.f64(double, double, double)

define double @phi_pick(double* %dst, double* %x, double* %y, i32 %k) {
entry:
  %c = icmp sgt i32 %k, 0
  br i1 %c, label %left, label %right
left:
  %xi = bitcast double* %x to i64*
  %vx = load i64, i64* %xi, align 8
  br label %merge
right:
  %yi = bitcast double* %y to i64*
  %vy = load i64, i64* %yi, align 8
  br label %merge
merge:
  %v = phi i64 [ %vx, %left ], [ %vy, %right ]
  %di = bitcast double* %dst to i64*
  store i64 %v, i64* %di, align 8
  %d = load double, double* %dst, align 8
  %a = load double, double* %x, align 8
  %b = load double, double* %y, align 8
  %ab = fmul double %a, %b
  %r = call double @llvm.fmuladd.f64(double %d, double %d, double %ab)
  ret double %r
}

define double @loop_carry(double* %p, i32 %n) {
entry:
  %pi = bitcast double* %p to i64*
  %first = load i64, i64* %pi, align 8
  br label %loop
loop:
  %i = phi i32 [ 1, %entry ], [ %i.next, %loop ]
  %best = phi i64 [ %first, %entry ], [ %pick, %loop ]
  %idx = sext i32 %i to i64
  %q = getelementptr inbounds double, double* %p, i64 %idx
  %qi = bitcast double* %q to i64*
  %cur = load i64, i64* %qi, align 8
  %cf = load double, double* %q, align 8
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

define double @vec_swap(double* %p) {
  %pv = bitcast double* %p to <2 x i64>*
  %v = load <2 x i64>, <2 x i64>* %pv, align 8
  %s = shufflevector <2 x i64> %v, <2 x i64> poison, <2 x i32> <i32 1, i32 0>
  store <2 x i64> %s, <2 x i64>* %pv, align 8
  %e0 = extractelement <2 x i64> %v, i64 0
  %f = freeze i64 %e0
  %w = insertelement <2 x i64> <i64 4611686018427387904, i64 0>, i64 %f, i64 1
  %q = getelementptr inbounds double, double* %p, i64 2
  %qv = bitcast double* %q to <2 x i64>*
  store <2 x i64> %w, <2 x i64>* %qv, align 8
  %a = load double, double* %p, align 8
  %p1 = getelementptr inbounds double, double* %p, i64 1
  %b = load double, double* %p1, align 8
  %c = load double, double* %q, align 8
  %p3 = getelementptr inbounds double, double* %p, i64 3
  %d = load double, double* %p3, align 8
  %ab = fmul double %a, %b
  %abc = fmul double %ab, %c
  %r = fmul double %abc, %d
  %r2 = fmul double %r, %a
  ret double %r2
}

define float @float_bits(float* %p, i32 %k) {
  %c = icmp sgt i32 %k, 0
  %p1 = getelementptr inbounds float, float* %p, i64 1
  %pi = bitcast float* %p to i32*
  %p1i = bitcast float* %p1 to i32*
  %a = load i32, i32* %pi, align 4
  %b = load i32, i32* %p1i, align 4
  %m = select i1 %c, i32 %a, i32 %b
  %p2 = getelementptr inbounds float, float* %p, i64 2
  %p2i = bitcast float* %p2 to i32*
  store i32 %m, i32* %p2i, align 4
  %neg = xor i32 %b, -2147483648
  %nf = bitcast i32 %neg to float
  %x = load float, float* %p, align 4
  %y = load float, float* %p2, align 4
  %xy = fmul float %x, %y
  %r = fmul float %xy, %nf
  ret float %r
}

define double @const_abs(double* %p) {
  %p1 = getelementptr inbounds double, double* %p, i64 1
  %x = load double, double* %p, align 8
  %y = load double, double* %p1, align 8
  %bits = bitcast double %y to i64
  %abs = and i64 %bits, 9223372036854775807
  %p1i = bitcast double* %p1 to i64*
  store i64 %abs, i64* %p1i, align 8
  %ay = load double, double* %p1, align 8
  %pi = bitcast double* %p to i64*
  store i64 4607182418800017408, i64* %pi, align 8
  %one = load double, double* %p, align 8
  %t = fmul double %x, %ay
  %r = fmul double %t, %one
  store i64 0, i64* %p1i, align 8
  ret double %r
}

define void @int_arith(double* %p) {
  %x = load double, double* %p, align 8
  %pi = bitcast double* %p to i64*
  %v = load i64, i64* %pi, align 8
  %w = add i64 %v, 1
  %q = getelementptr inbounds double, double* %p, i64 1
  %qi = bitcast double* %q to i64*
  store i64 %w, i64* %qi, align 8
  %z = load double, double* %q, align 8
  %s = fmul double %z, %x
  store double %s, double* %p, align 8
  ret void
}

define double @mask_exponent(double %x) {
  %u = alloca i64, align 8
  %ud = bitcast i64* %u to double*
  store double %x, double* %ud, align 8
  %b = load i64, i64* %u, align 8
  %m = and i64 %b, -4503599627370496
  store i64 %m, i64* %u, align 8
  %d = load double, double* %ud, align 8
  %r = fmul double %d, %x
  ret double %r
}

define internal double @swap_bits(double* %a, double* %b) {
  %ai = bitcast double* %a to i64*
  %bi = bitcast double* %b to i64*
  %x = load i64, i64* %ai, align 8
  %y = load i64, i64* %bi, align 8
  store i64 %y, i64* %ai, align 8
  store i64 %x, i64* %bi, align 8
  %d = load double, double* %a, align 8
  ret double %d
}

define double @calls_swap(double* %p) {
  %p1 = getelementptr inbounds double, double* %p, i64 1
  %d = call double @swap_bits(double* %p, double* %p1)
  %a = load double, double* %p, align 8
  %b = load double, double* %p1, align 8
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
