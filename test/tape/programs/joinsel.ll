; The tape planner's join selects (src/tape/plan.ts, selectRecipe): a join that does not
; dominate the return, reached from two sides of a branch, with a phi of two different
; dup pointers (its shadow phi joins their shadows) and a phi of two values computed from an
; argument on each side (recomputed in the reverse as a select on the branch taken).
; `c` decides whether the join is reached at all, `d` which side leads to it.

define void @js(ptr %x, ptr %y, i32 %c, i32 %d, double %w) {
entry:
  %c0 = icmp sgt i32 %c, 0
  br i1 %c0, label %a, label %exit

a:
  %d0 = icmp sgt i32 %d, 0
  br i1 %d0, label %l, label %r

l:
  %px = getelementptr inbounds double, ptr %x, i64 1
  %tx = fmul double %w, 3.000000e+00
  %sx = load double, ptr %x, align 8
  %ex = call double @llvm.sin.f64(double %sx)
  store double %ex, ptr %x, align 8
  br label %j

r:
  %py = getelementptr inbounds double, ptr %y, i64 2
  %ty = fadd double %w, 1.000000e+00
  %sy = load double, ptr %y, align 8
  %ey = fmul double %sy, %sy
  store double %ey, ptr %y, align 8
  br label %j

j:
  %p = phi ptr [ %px, %l ], [ %py, %r ]
  %t = phi double [ %tx, %l ], [ %ty, %r ]
  %v = load double, ptr %p, align 8
  %v2 = fmul double %v, %v
  %m = fmul double %v2, %t
  store double %m, ptr %p, align 8
  br label %exit

exit:
  ret void
}

declare double @llvm.sin.f64(double)
