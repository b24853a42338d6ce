; A counted loop whose increment is computed on each of two paths and merged by a phi in the
; latch (the shape clang leaves in LSTM's time loop once the body's branches are laid out): the
; trip count is still known at the loop's entry (src/tape/trip.ts), so its buffers are reserved
; there instead of growing while it runs. sum over i < n of (x[i] > 0 ? x[i]^2 : 2 sin x[i]).
target triple = "x86_64-pc-linux-gnu"

@enzyme_dup = external global i32
declare void @__enzyme_autodiff(ptr, ...)
declare double @sin(double)

define double @sumsq_or_twice(ptr %x, i64 %n) {
entry:
  %any = icmp sgt i64 %n, 0
  br i1 %any, label %loop, label %done

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %latch ]
  %s = phi double [ 0.0, %entry ], [ %s.next, %latch ]
  %p = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %p, align 8
  %pos = fcmp ogt double %v, 0.0
  br i1 %pos, label %square, label %twice

square:
  %sq = fmul double %v, %v
  %s1 = fadd double %s, %sq
  %i1 = add nuw nsw i64 %i, 1
  br label %latch

twice:
  %sn = call double @sin(double %v)
  %tw = fmul double %sn, 2.0
  %s2 = fadd double %s, %tw
  %i2 = add nuw nsw i64 %i, 1
  br label %latch

latch:
  %next = phi i64 [ %i1, %square ], [ %i2, %twice ]
  %s.next = phi double [ %s1, %square ], [ %s2, %twice ]
  %end = icmp eq i64 %next, %n
  br i1 %end, label %done, label %loop

done:
  %r = phi double [ 0.0, %entry ], [ %s.next, %latch ]
  ret double %r
}

define void @d_sumsq_or_twice(ptr %x, ptr %dx, i64 %n) {
  %d = load i32, ptr @enzyme_dup, align 4
  %c = call double (ptr, ...) @__enzyme_autodiff(ptr @sumsq_or_twice, i32 %d, ptr %x, ptr %dx, i64 %n)
  ret void
}
