; ModuleID = 'dot.c'
source_filename = "dot.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define dso_local double @dot(ptr nocapture noundef readonly %x, ptr nocapture noundef readonly %y, i32 noundef %n) local_unnamed_addr #0 {
entry:
  %cmp7 = icmp sgt i32 %n, 0
  br i1 %cmp7, label %for.body.preheader, label %for.cond.cleanup

for.body.preheader:                               ; preds = %entry
  %wide.trip.count = zext nneg i32 %n to i64
  %xtraiter = and i64 %wide.trip.count, 3
  %0 = icmp ult i32 %n, 4
  br i1 %0, label %for.cond.cleanup.loopexit.unr-lcssa, label %for.body.preheader.new

for.body.preheader.new:                           ; preds = %for.body.preheader
  %unroll_iter = and i64 %wide.trip.count, 2147483644
  br label %for.body

for.cond.cleanup.loopexit.unr-lcssa:              ; preds = %for.body, %for.body.preheader
  %.lcssa.ph = phi double [ poison, %for.body.preheader ], [ %15, %for.body ]
  %indvars.iv.unr = phi i64 [ 0, %for.body.preheader ], [ %indvars.iv.next.3, %for.body ]
  %s.08.unr = phi double [ 0.000000e+00, %for.body.preheader ], [ %15, %for.body ]
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %for.cond.cleanup, label %for.body.epil

for.body.epil:                                    ; preds = %for.cond.cleanup.loopexit.unr-lcssa, %for.body.epil
  %indvars.iv.epil = phi i64 [ %indvars.iv.next.epil, %for.body.epil ], [ %indvars.iv.unr, %for.cond.cleanup.loopexit.unr-lcssa ]
  %s.08.epil = phi double [ %3, %for.body.epil ], [ %s.08.unr, %for.cond.cleanup.loopexit.unr-lcssa ]
  %epil.iter = phi i64 [ %epil.iter.next, %for.body.epil ], [ 0, %for.cond.cleanup.loopexit.unr-lcssa ]
  %arrayidx.epil = getelementptr inbounds double, ptr %x, i64 %indvars.iv.epil
  %1 = load double, ptr %arrayidx.epil, align 8, !tbaa !5
  %arrayidx2.epil = getelementptr inbounds double, ptr %y, i64 %indvars.iv.epil
  %2 = load double, ptr %arrayidx2.epil, align 8, !tbaa !5
  %3 = tail call double @llvm.fmuladd.f64(double %1, double %2, double %s.08.epil)
  %indvars.iv.next.epil = add nuw nsw i64 %indvars.iv.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %for.cond.cleanup, label %for.body.epil, !llvm.loop !9

for.cond.cleanup:                                 ; preds = %for.cond.cleanup.loopexit.unr-lcssa, %for.body.epil, %entry
  %s.0.lcssa = phi double [ 0.000000e+00, %entry ], [ %.lcssa.ph, %for.cond.cleanup.loopexit.unr-lcssa ], [ %3, %for.body.epil ]
  ret double %s.0.lcssa

for.body:                                         ; preds = %for.body, %for.body.preheader.new
  %indvars.iv = phi i64 [ 0, %for.body.preheader.new ], [ %indvars.iv.next.3, %for.body ]
  %s.08 = phi double [ 0.000000e+00, %for.body.preheader.new ], [ %15, %for.body ]
  %niter = phi i64 [ 0, %for.body.preheader.new ], [ %niter.next.3, %for.body ]
  %arrayidx = getelementptr inbounds double, ptr %x, i64 %indvars.iv
  %4 = load double, ptr %arrayidx, align 8, !tbaa !5
  %arrayidx2 = getelementptr inbounds double, ptr %y, i64 %indvars.iv
  %5 = load double, ptr %arrayidx2, align 8, !tbaa !5
  %6 = tail call double @llvm.fmuladd.f64(double %4, double %5, double %s.08)
  %indvars.iv.next = or disjoint i64 %indvars.iv, 1
  %arrayidx.1 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next
  %7 = load double, ptr %arrayidx.1, align 8, !tbaa !5
  %arrayidx2.1 = getelementptr inbounds double, ptr %y, i64 %indvars.iv.next
  %8 = load double, ptr %arrayidx2.1, align 8, !tbaa !5
  %9 = tail call double @llvm.fmuladd.f64(double %7, double %8, double %6)
  %indvars.iv.next.1 = or disjoint i64 %indvars.iv, 2
  %arrayidx.2 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next.1
  %10 = load double, ptr %arrayidx.2, align 8, !tbaa !5
  %arrayidx2.2 = getelementptr inbounds double, ptr %y, i64 %indvars.iv.next.1
  %11 = load double, ptr %arrayidx2.2, align 8, !tbaa !5
  %12 = tail call double @llvm.fmuladd.f64(double %10, double %11, double %9)
  %indvars.iv.next.2 = or disjoint i64 %indvars.iv, 3
  %arrayidx.3 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next.2
  %13 = load double, ptr %arrayidx.3, align 8, !tbaa !5
  %arrayidx2.3 = getelementptr inbounds double, ptr %y, i64 %indvars.iv.next.2
  %14 = load double, ptr %arrayidx2.3, align 8, !tbaa !5
  %15 = tail call double @llvm.fmuladd.f64(double %13, double %14, double %12)
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %for.cond.cleanup.loopexit.unr-lcssa, label %for.body, !llvm.loop !11
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define dso_local double @loss(ptr nocapture noundef readonly %w, ptr nocapture noundef readonly %x, i32 noundef %n) local_unnamed_addr #0 {
entry:
  %cmp7.i = icmp sgt i32 %n, 0
  br i1 %cmp7.i, label %for.body.preheader.i, label %dot.exit

for.body.preheader.i:                             ; preds = %entry
  %wide.trip.count.i = zext nneg i32 %n to i64
  %xtraiter = and i64 %wide.trip.count.i, 3
  %0 = icmp ult i32 %n, 4
  br i1 %0, label %dot.exit.loopexit.unr-lcssa, label %for.body.preheader.i.new

for.body.preheader.i.new:                         ; preds = %for.body.preheader.i
  %unroll_iter = and i64 %wide.trip.count.i, 2147483644
  br label %for.body.i

for.body.i:                                       ; preds = %for.body.i, %for.body.preheader.i.new
  %indvars.iv.i = phi i64 [ 0, %for.body.preheader.i.new ], [ %indvars.iv.next.i.3, %for.body.i ]
  %s.08.i = phi double [ 0.000000e+00, %for.body.preheader.i.new ], [ %12, %for.body.i ]
  %niter = phi i64 [ 0, %for.body.preheader.i.new ], [ %niter.next.3, %for.body.i ]
  %arrayidx.i = getelementptr inbounds double, ptr %w, i64 %indvars.iv.i
  %1 = load double, ptr %arrayidx.i, align 8, !tbaa !5
  %arrayidx2.i = getelementptr inbounds double, ptr %x, i64 %indvars.iv.i
  %2 = load double, ptr %arrayidx2.i, align 8, !tbaa !5
  %3 = tail call double @llvm.fmuladd.f64(double %1, double %2, double %s.08.i)
  %indvars.iv.next.i = or disjoint i64 %indvars.iv.i, 1
  %arrayidx.i.1 = getelementptr inbounds double, ptr %w, i64 %indvars.iv.next.i
  %4 = load double, ptr %arrayidx.i.1, align 8, !tbaa !5
  %arrayidx2.i.1 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next.i
  %5 = load double, ptr %arrayidx2.i.1, align 8, !tbaa !5
  %6 = tail call double @llvm.fmuladd.f64(double %4, double %5, double %3)
  %indvars.iv.next.i.1 = or disjoint i64 %indvars.iv.i, 2
  %arrayidx.i.2 = getelementptr inbounds double, ptr %w, i64 %indvars.iv.next.i.1
  %7 = load double, ptr %arrayidx.i.2, align 8, !tbaa !5
  %arrayidx2.i.2 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next.i.1
  %8 = load double, ptr %arrayidx2.i.2, align 8, !tbaa !5
  %9 = tail call double @llvm.fmuladd.f64(double %7, double %8, double %6)
  %indvars.iv.next.i.2 = or disjoint i64 %indvars.iv.i, 3
  %arrayidx.i.3 = getelementptr inbounds double, ptr %w, i64 %indvars.iv.next.i.2
  %10 = load double, ptr %arrayidx.i.3, align 8, !tbaa !5
  %arrayidx2.i.3 = getelementptr inbounds double, ptr %x, i64 %indvars.iv.next.i.2
  %11 = load double, ptr %arrayidx2.i.3, align 8, !tbaa !5
  %12 = tail call double @llvm.fmuladd.f64(double %10, double %11, double %9)
  %indvars.iv.next.i.3 = add nuw nsw i64 %indvars.iv.i, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %dot.exit.loopexit.unr-lcssa, label %for.body.i, !llvm.loop !11

dot.exit.loopexit.unr-lcssa:                      ; preds = %for.body.i, %for.body.preheader.i
  %.lcssa.ph = phi double [ poison, %for.body.preheader.i ], [ %12, %for.body.i ]
  %indvars.iv.i.unr = phi i64 [ 0, %for.body.preheader.i ], [ %indvars.iv.next.i.3, %for.body.i ]
  %s.08.i.unr = phi double [ 0.000000e+00, %for.body.preheader.i ], [ %12, %for.body.i ]
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %dot.exit, label %for.body.i.epil

for.body.i.epil:                                  ; preds = %dot.exit.loopexit.unr-lcssa, %for.body.i.epil
  %indvars.iv.i.epil = phi i64 [ %indvars.iv.next.i.epil, %for.body.i.epil ], [ %indvars.iv.i.unr, %dot.exit.loopexit.unr-lcssa ]
  %s.08.i.epil = phi double [ %15, %for.body.i.epil ], [ %s.08.i.unr, %dot.exit.loopexit.unr-lcssa ]
  %epil.iter = phi i64 [ %epil.iter.next, %for.body.i.epil ], [ 0, %dot.exit.loopexit.unr-lcssa ]
  %arrayidx.i.epil = getelementptr inbounds double, ptr %w, i64 %indvars.iv.i.epil
  %13 = load double, ptr %arrayidx.i.epil, align 8, !tbaa !5
  %arrayidx2.i.epil = getelementptr inbounds double, ptr %x, i64 %indvars.iv.i.epil
  %14 = load double, ptr %arrayidx2.i.epil, align 8, !tbaa !5
  %15 = tail call double @llvm.fmuladd.f64(double %13, double %14, double %s.08.i.epil)
  %indvars.iv.next.i.epil = add nuw nsw i64 %indvars.iv.i.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %dot.exit, label %for.body.i.epil, !llvm.loop !13

dot.exit:                                         ; preds = %dot.exit.loopexit.unr-lcssa, %for.body.i.epil, %entry
  %s.0.lcssa.i = phi double [ 0.000000e+00, %entry ], [ %.lcssa.ph, %dot.exit.loopexit.unr-lcssa ], [ %15, %for.body.i.epil ]
  %16 = load double, ptr %w, align 8, !tbaa !5
  %mul1 = fmul double %16, 3.000000e+00
  %17 = tail call double @llvm.fmuladd.f64(double %s.0.lcssa.i, double %s.0.lcssa.i, double %mul1)
  ret double %17
}

attributes #0 = { nofree norecurse nosync nounwind memory(argmem: read) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!llvm.module.flags = !{!0, !1, !2, !3}
!llvm.ident = !{!4}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 8, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 2}
!4 = !{!"Debian clang version 19.1.7 (3~deb12u1)"}
!5 = !{!6, !6, i64 0}
!6 = !{!"double", !7, i64 0}
!7 = !{!"omnipotent char", !8, i64 0}
!8 = !{!"Simple C/C++ TBAA"}
!9 = distinct !{!9, !10}
!10 = !{!"llvm.loop.unroll.disable"}
!11 = distinct !{!11, !12}
!12 = !{!"llvm.loop.mustprogress"}
!13 = distinct !{!13, !10}
