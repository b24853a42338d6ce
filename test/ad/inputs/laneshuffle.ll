; Doubles shuffled as 32-bit lanes, as clang -O0 writes SSE's _mm_shuffle_epi32 on
; _mm_castpd_si128 (Eigen's packet broadcasts): the result goes through integer stack slots
; before it is read back as doubles (test/ad/laneshuffle.test.ts).

; lanes (0,1,0,1) and (2,3,2,3): whole doubles, x0*x0 + 3*x1*x1 in a roundabout way
define double @whole(ptr %x) {
  %s1 = alloca <2 x i64>, align 16
  %s2 = alloca <2 x i64>, align 16
  %v = load <2 x double>, ptr %x, align 8
  %a = bitcast <2 x double> %v to <2 x i64>
  %b = bitcast <2 x i64> %a to <4 x i32>
  %lo = shufflevector <4 x i32> %b, <4 x i32> poison, <4 x i32> <i32 0, i32 1, i32 0, i32 1>
  %lo64 = bitcast <4 x i32> %lo to <2 x i64>
  store <2 x i64> %lo64, ptr %s1, align 16
  %hi = shufflevector <4 x i32> %b, <4 x i32> poison, <4 x i32> <i32 2, i32 3, i32 2, i32 3>
  %hi64 = bitcast <4 x i32> %hi to <2 x i64>
  store <2 x i64> %hi64, ptr %s2, align 16
  %l = load <2 x i64>, ptr %s1, align 16
  %ld = bitcast <2 x i64> %l to <2 x double>
  %h = load <2 x i64>, ptr %s2, align 16
  %hd = bitcast <2 x i64> %h to <2 x double>
  %p = fmul <2 x double> %ld, %hd
  %q = fmul <2 x double> %hd, %hd
  %p0 = extractelement <2 x double> %p, i64 0
  %q1 = extractelement <2 x double> %q, i64 1
  %t = fmul double %q1, 3.0
  %r = fadd double %p0, %t
  ret double %r
}

; lanes (1,0,3,2): each double's halves swapped, which is not a move of doubles
define double @split(ptr %x) {
  %s1 = alloca <2 x i64>, align 16
  %v = load <2 x double>, ptr %x, align 8
  %a = bitcast <2 x double> %v to <4 x i32>
  %sw = shufflevector <4 x i32> %a, <4 x i32> poison, <4 x i32> <i32 1, i32 0, i32 3, i32 2>
  %sw64 = bitcast <4 x i32> %sw to <2 x i64>
  store <2 x i64> %sw64, ptr %s1, align 16
  %l = load <2 x double>, ptr %s1, align 16
  %p = fmul <2 x double> %l, %v
  %r = extractelement <2 x double> %p, i64 0
  ret double %r
}
