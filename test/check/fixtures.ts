// Hand-written functions and derivatives for the `check` tests: the transform
// (gradModule) does not exist yet, so these stand in for its output, each
// written the way contract section 6 says the generated function looks.

/** f(x, y) = x*x + 3*y and its derivative, typed-pointer era syntax (LLVM 14 reads it). */
export const POLY = `
define double @f(double %x, double %y) {
entry:
  %xx = fmul double %x, %x
  %y3 = fmul double %y, 3.0
  %r = fadd double %xx, %y3
  ret double %r
}

define { double, double, double } @diffef(double %x, double %y, double %seed) {
entry:
  %r = call double @f(double %x, double %y)
  %x2 = fmul double %x, 2.0
  %dx = fmul double %x2, %seed
  %dy = fmul double %seed, 3.0
  %s0 = insertvalue { double, double, double } undef, double %r, 0
  %s1 = insertvalue { double, double, double } %s0, double %dx, 1
  %s2 = insertvalue { double, double, double } %s1, double %dy, 2
  ret { double, double, double } %s2
}

; wrong on purpose: d/dy is 2*seed instead of 3*seed
define { double, double, double } @wrongf(double %x, double %y, double %seed) {
entry:
  %r = call double @f(double %x, double %y)
  %x2 = fmul double %x, 2.0
  %dx = fmul double %x2, %seed
  %dy = fmul double %seed, 2.0
  %s0 = insertvalue { double, double, double } undef, double %r, 0
  %s1 = insertvalue { double, double, double } %s0, double %dx, 1
  %s2 = insertvalue { double, double, double } %s1, double %dy, 2
  ret { double, double, double } %s2
}

; returns a primal that is off by one: the primal row must catch it
define { double, double, double } @badprimalf(double %x, double %y, double %seed) {
entry:
  %r0 = call double @f(double %x, double %y)
  %r = fadd double %r0, 1.0
  %x2 = fmul double %x, 2.0
  %dx = fmul double %x2, %seed
  %dy = fmul double %seed, 3.0
  %s0 = insertvalue { double, double, double } undef, double %r, 0
  %s1 = insertvalue { double, double, double } %s0, double %dx, 1
  %s2 = insertvalue { double, double, double } %s1, double %dy, 2
  ret { double, double, double } %s2
}

; the wrong shape: no primal in the struct although the return is active
define { double, double } @shapef(double %x, double %y, double %seed) {
entry:
  ret { double, double } zeroinitializer
}

declare void @abort()

define { double, double, double } @crashf(double %x, double %y, double %seed) {
entry:
  call void @abort()
  unreachable
}

declare double @llvm.sqrt.f64(double)

define double @root(double %x) {
entry:
  %r = call double @llvm.sqrt.f64(double %x)
  ret double %r
}

define { double, double } @diffeRoot(double %x, double %seed) {
entry:
  %r = call double @llvm.sqrt.f64(double %x)
  %t = fmul double %r, 2.0
  %d0 = fdiv double %seed, %t
  %s0 = insertvalue { double, double } undef, double %r, 0
  %s1 = insertvalue { double, double } %s0, double %d0, 1
  ret { double, double } %s1
}
`;

/** dot(a, b, n) with dup arrays and its derivative, opaque pointers (LLVM 19). */
export const DOT_OPAQUE = `
define double @dot(ptr %a, ptr %b, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ 0.0, %entry ], [ %acc1, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %va = load double, ptr %pa
  %vb = load double, ptr %pb
  %m = fmul double %va, %vb
  %acc1 = fadd double %acc, %m
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret double %acc1
}

define { double } @diffedot(ptr %a, ptr %da, ptr %b, ptr %db, i64 %n, double %seed) {
entry:
  %r = call double @dot(ptr %a, ptr %b, i64 %n)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %pda = getelementptr inbounds double, ptr %da, i64 %i
  %pdb = getelementptr inbounds double, ptr %db, i64 %i
  %va = load double, ptr %pa
  %vb = load double, ptr %pb
  %ga = fmul double %seed, %vb
  %gb = fmul double %seed, %va
  %oa = load double, ptr %pda
  %ob = load double, ptr %pdb
  %na = fadd double %oa, %ga
  %nb = fadd double %ob, %gb
  store double %na, ptr %pda
  store double %nb, ptr %pdb
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %s = insertvalue { double } undef, double %r, 0
  ret { double } %s
}

; forgets to accumulate: overwrites the shadow of a instead of adding to it
define { double } @noaccdot(ptr %a, ptr %da, ptr %b, ptr %db, i64 %n, double %seed) {
entry:
  %r = call double @dot(ptr %a, ptr %b, i64 %n)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %pda = getelementptr inbounds double, ptr %da, i64 %i
  %pdb = getelementptr inbounds double, ptr %db, i64 %i
  %va = load double, ptr %pa
  %vb = load double, ptr %pb
  %ga = fmul double %seed, %vb
  %gb = fmul double %seed, %va
  %ob = load double, ptr %pdb
  %nb = fadd double %ob, %gb
  store double %ga, ptr %pda
  store double %nb, ptr %pdb
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %s = insertvalue { double } undef, double %r, 0
  ret { double } %s
}
`;

/**
 * square(a, n): a[i] = a[i]*a[i] in place, on floats, typed pointers. The
 * derivative consumes the shadow of each overwritten element as its seed and
 * leaves dL/da there (contract section 6).
 */
export const SQUARE_TYPED_FLOAT = `
define void @square(float* %a, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds float, float* %a, i32 %i
  %x = load float, float* %p
  %y = fmul float %x, %x
  store float %y, float* %p
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

define void @diffesquare(float* %a, float* %da, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds float, float* %a, i32 %i
  %dp = getelementptr inbounds float, float* %da, i32 %i
  %x = load float, float* %p
  %d = load float, float* %dp
  %y = fmul float %x, %x
  store float %y, float* %p
  %x2 = fmul float %x, 2.0
  %g = fmul float %x2, %d
  store float %g, float* %dp
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}
`;

/** gather(x, idx, n) = sum x[idx[i]]: an index table behind a const pointer (i32 elements). */
export const GATHER_OPAQUE = `
define double @gather(ptr %x, ptr %idx, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ 0.0, %entry ], [ %acc1, %loop ]
  %pi = getelementptr inbounds i32, ptr %idx, i64 %i
  %k = load i32, ptr %pi
  %k64 = sext i32 %k to i64
  %px = getelementptr inbounds double, ptr %x, i64 %k64
  %v = load double, ptr %px
  %acc1 = fadd double %acc, %v
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret double %acc1
}

define { double } @diffegather(ptr %x, ptr %dx, ptr %idx, i64 %n, double %seed) {
entry:
  %r = call double @gather(ptr %x, ptr %idx, i64 %n)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %pi = getelementptr inbounds i32, ptr %idx, i64 %i
  %k = load i32, ptr %pi
  %k64 = sext i32 %k to i64
  %pdx = getelementptr inbounds double, ptr %dx, i64 %k64
  %o = load double, ptr %pdx
  %nv = fadd double %o, %seed
  store double %nv, ptr %pdx
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %s = insertvalue { double } undef, double %r, 0
  ret { double } %s
}
`;

/** A derivative for examples/dot.ll (clang 19 -O2: `double dot(const double *x, const double *y, int n)`). */
export const DIFFE_EXAMPLE_DOT = `
define { double } @diffedot(ptr %x, ptr %dx, ptr %y, ptr %dy, i32 %n, double %seed) {
entry:
  %r = call double @dot(ptr %x, ptr %y, i32 %n)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %px = getelementptr inbounds double, ptr %x, i32 %i
  %py = getelementptr inbounds double, ptr %y, i32 %i
  %pdx = getelementptr inbounds double, ptr %dx, i32 %i
  %pdy = getelementptr inbounds double, ptr %dy, i32 %i
  %vx = load double, ptr %px
  %vy = load double, ptr %py
  %gx = fmul double %seed, %vy
  %gy = fmul double %seed, %vx
  %ox = load double, ptr %pdx
  %oy = load double, ptr %pdy
  %nx = fadd double %ox, %gx
  %ny = fadd double %oy, %gy
  store double %nx, ptr %pdx
  store double %ny, ptr %pdy
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %s = insertvalue { double } undef, double %r, 0
  ret { double } %s
}
`;
