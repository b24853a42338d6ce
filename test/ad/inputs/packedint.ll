; A struct { int k; float x; } passed by value as one i64 (x in the high half), and integer
; arithmetic on the packed value (test/ad/packedint.test.ts).

; r.k = u.k * 3 - 2, r.x = u.x * k: clang -O1 and up compute the int half on the whole i64 and
; mask the float half away afterwards (the low bits of a sum or product depend on the low bits only).
define internal i64 @scale(i64 %u) {
  %k = trunc i64 %u to i32
  %h = lshr i64 %u, 32
  %ht = trunc i64 %h to i32
  %x = bitcast i32 %ht to float
  %m = mul i64 %u, 3
  %a = add i64 %m, 4294967294
  %kf = sitofp i32 %k to float
  %y = fmul float %kf, %x
  %yb = bitcast float %y to i32
  %yz = zext i32 %yb to i64
  %ys = shl i64 %yz, 32
  %lo = and i64 %a, 4294967295
  %r = or i64 %ys, %lo
  ret i64 %r
}

define double @masked(double %d, i32 %k) {
  %f = fptrunc double %d to float
  %b = bitcast float %f to i32
  %z = zext i32 %b to i64
  %s = shl i64 %z, 32
  %kz = zext i32 %k to i64
  %p = or i64 %s, %kz
  %r = call i64 @scale(i64 %p)
  %rh = lshr i64 %r, 32
  %rt = trunc i64 %rh to i32
  %rx = bitcast i32 %rt to float
  %rk = trunc i64 %r to i32
  %rkf = sitofp i32 %rk to float
  %v = fmul float %rx, %rkf
  %e = fpext float %v to double
  ret double %e
}

; The sum is read back whole: a carry out of the int half (k = -1) reaches the float's bits, so
; nothing follows the float there.
define internal float @bump(i64 %u) {
  %a = add i64 %u, 1
  %h = lshr i64 %a, 32
  %t = trunc i64 %h to i32
  %x = bitcast i32 %t to float
  %y = fmul float %x, %x
  ret float %y
}

define double @unmasked(double %d, i32 %k) {
  %f = fptrunc double %d to float
  %b = bitcast float %f to i32
  %z = zext i32 %b to i64
  %s = shl i64 %z, 32
  %kz = zext i32 %k to i64
  %p = or i64 %s, %kz
  %r = call float @bump(i64 %p)
  %e = fpext float %r to double
  ret double %e
}
