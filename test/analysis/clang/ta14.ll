; ModuleID = 'ta.c'
source_filename = "ta.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.P = type { double, double }
%struct.S = type { double, i32 }
%struct.Q = type { double }

; Function Attrs: nofree nosync nounwind readonly uwtable
define dso_local double @dot(double* nocapture noundef readonly %a, double* nocapture noundef readonly %b, i32 noundef %n) local_unnamed_addr #0 {
entry:
  %cmp9 = icmp sgt i32 %n, 0
  br i1 %cmp9, label %for.body.preheader, label %for.cond.cleanup

for.body.preheader:                               ; preds = %entry
  %wide.trip.count = zext i32 %n to i64
  %0 = add nsw i64 %wide.trip.count, -1
  %xtraiter = and i64 %wide.trip.count, 3
  %1 = icmp ult i64 %0, 3
  br i1 %1, label %for.cond.cleanup.loopexit.unr-lcssa, label %for.body.preheader.new

for.body.preheader.new:                           ; preds = %for.body.preheader
  %unroll_iter = and i64 %wide.trip.count, 4294967292
  br label %for.body

for.cond.cleanup.loopexit.unr-lcssa:              ; preds = %for.body, %for.body.preheader
  %.lcssa.ph = phi double [ undef, %for.body.preheader ], [ %16, %for.body ]
  %indvars.iv.unr = phi i64 [ 0, %for.body.preheader ], [ %indvars.iv.next.3, %for.body ]
  %s.010.unr = phi double [ 0.000000e+00, %for.body.preheader ], [ %16, %for.body ]
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %for.cond.cleanup, label %for.body.epil

for.body.epil:                                    ; preds = %for.cond.cleanup.loopexit.unr-lcssa, %for.body.epil
  %indvars.iv.epil = phi i64 [ %indvars.iv.next.epil, %for.body.epil ], [ %indvars.iv.unr, %for.cond.cleanup.loopexit.unr-lcssa ]
  %s.010.epil = phi double [ %4, %for.body.epil ], [ %s.010.unr, %for.cond.cleanup.loopexit.unr-lcssa ]
  %epil.iter = phi i64 [ %epil.iter.next, %for.body.epil ], [ 0, %for.cond.cleanup.loopexit.unr-lcssa ]
  %arrayidx.epil = getelementptr inbounds double, double* %a, i64 %indvars.iv.epil
  %2 = load double, double* %arrayidx.epil, align 8, !tbaa !5
  %arrayidx2.epil = getelementptr inbounds double, double* %b, i64 %indvars.iv.epil
  %3 = load double, double* %arrayidx2.epil, align 8, !tbaa !5
  %4 = tail call double @llvm.fmuladd.f64(double %2, double %3, double %s.010.epil)
  %indvars.iv.next.epil = add nuw nsw i64 %indvars.iv.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %for.cond.cleanup, label %for.body.epil, !llvm.loop !9

for.cond.cleanup:                                 ; preds = %for.cond.cleanup.loopexit.unr-lcssa, %for.body.epil, %entry
  %s.0.lcssa = phi double [ 0.000000e+00, %entry ], [ %.lcssa.ph, %for.cond.cleanup.loopexit.unr-lcssa ], [ %4, %for.body.epil ]
  ret double %s.0.lcssa

for.body:                                         ; preds = %for.body, %for.body.preheader.new
  %indvars.iv = phi i64 [ 0, %for.body.preheader.new ], [ %indvars.iv.next.3, %for.body ]
  %s.010 = phi double [ 0.000000e+00, %for.body.preheader.new ], [ %16, %for.body ]
  %niter = phi i64 [ 0, %for.body.preheader.new ], [ %niter.next.3, %for.body ]
  %arrayidx = getelementptr inbounds double, double* %a, i64 %indvars.iv
  %5 = load double, double* %arrayidx, align 8, !tbaa !5
  %arrayidx2 = getelementptr inbounds double, double* %b, i64 %indvars.iv
  %6 = load double, double* %arrayidx2, align 8, !tbaa !5
  %7 = tail call double @llvm.fmuladd.f64(double %5, double %6, double %s.010)
  %indvars.iv.next = or i64 %indvars.iv, 1
  %arrayidx.1 = getelementptr inbounds double, double* %a, i64 %indvars.iv.next
  %8 = load double, double* %arrayidx.1, align 8, !tbaa !5
  %arrayidx2.1 = getelementptr inbounds double, double* %b, i64 %indvars.iv.next
  %9 = load double, double* %arrayidx2.1, align 8, !tbaa !5
  %10 = tail call double @llvm.fmuladd.f64(double %8, double %9, double %7)
  %indvars.iv.next.1 = or i64 %indvars.iv, 2
  %arrayidx.2 = getelementptr inbounds double, double* %a, i64 %indvars.iv.next.1
  %11 = load double, double* %arrayidx.2, align 8, !tbaa !5
  %arrayidx2.2 = getelementptr inbounds double, double* %b, i64 %indvars.iv.next.1
  %12 = load double, double* %arrayidx2.2, align 8, !tbaa !5
  %13 = tail call double @llvm.fmuladd.f64(double %11, double %12, double %10)
  %indvars.iv.next.2 = or i64 %indvars.iv, 3
  %arrayidx.3 = getelementptr inbounds double, double* %a, i64 %indvars.iv.next.2
  %14 = load double, double* %arrayidx.3, align 8, !tbaa !5
  %arrayidx2.3 = getelementptr inbounds double, double* %b, i64 %indvars.iv.next.2
  %15 = load double, double* %arrayidx2.3, align 8, !tbaa !5
  %16 = tail call double @llvm.fmuladd.f64(double %14, double %15, double %13)
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %for.cond.cleanup.loopexit.unr-lcssa, label %for.body, !llvm.loop !11
}

; Function Attrs: mustprogress nofree nosync nounwind readnone speculatable willreturn
declare double @llvm.fmuladd.f64(double, double, double) #1

; Function Attrs: mustprogress nofree nosync nounwind uwtable willreturn
define dso_local void @copyp(%struct.P* nocapture noundef writeonly %d, %struct.P* nocapture noundef readonly %s) local_unnamed_addr #2 {
entry:
  %0 = bitcast %struct.P* %d to i8*
  %1 = bitcast %struct.P* %s to i8*
  tail call void @llvm.memcpy.p0i8.p0i8.i64(i8* noundef nonnull align 8 dereferenceable(16) %0, i8* noundef nonnull align 8 dereferenceable(16) %1, i64 16, i1 false), !tbaa.struct !13
  ret void
}

; Function Attrs: argmemonly mustprogress nofree nounwind willreturn
declare void @llvm.memcpy.p0i8.p0i8.i64(i8* noalias nocapture writeonly, i8* noalias nocapture readonly, i64, i1 immarg) #3

; Function Attrs: mustprogress nofree nosync nounwind uwtable willreturn
define dso_local void @cpy(double* nocapture noundef writeonly %d, double* nocapture noundef readonly %s, i32 noundef %n) local_unnamed_addr #2 {
entry:
  %0 = bitcast double* %d to i8*
  %1 = bitcast double* %s to i8*
  %conv = sext i32 %n to i64
  %mul = shl nsw i64 %conv, 3
  tail call void @llvm.memcpy.p0i8.p0i8.i64(i8* align 8 %0, i8* align 8 %1, i64 %mul, i1 false)
  ret void
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readonly uwtable willreturn
define dso_local double @fs(%struct.S* nocapture noundef readonly %s) local_unnamed_addr #4 {
entry:
  %x = getelementptr inbounds %struct.S, %struct.S* %s, i64 0, i32 0
  %0 = load double, double* %x, align 8, !tbaa !14
  %n = getelementptr inbounds %struct.S, %struct.S* %s, i64 0, i32 1
  %1 = load i32, i32* %n, align 8, !tbaa !17
  %conv = sitofp i32 %1 to double
  %mul = fmul double %0, %conv
  ret double %mul
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readonly uwtable willreturn
define dso_local double @pp(double** nocapture noundef readonly %p) local_unnamed_addr #4 {
entry:
  %0 = load double*, double** %p, align 8, !tbaa !18
  %arrayidx1 = getelementptr inbounds double, double* %0, i64 1
  %1 = load double, double* %arrayidx1, align 8, !tbaa !5
  %arrayidx2 = getelementptr inbounds double*, double** %p, i64 1
  %2 = load double*, double** %arrayidx2, align 8, !tbaa !18
  %3 = load double, double* %2, align 8, !tbaa !5
  %mul = fmul double %1, %3
  ret double %mul
}

; Function Attrs: nofree nounwind uwtable
define dso_local noalias double* @mk(i32 noundef %n) local_unnamed_addr #5 {
entry:
  %conv = sext i32 %n to i64
  %mul = shl nsw i64 %conv, 3
  %call = tail call noalias i8* @malloc(i64 noundef %mul) #10
  %0 = bitcast i8* %call to double*
  %cmp10 = icmp sgt i32 %n, 0
  br i1 %cmp10, label %for.body.preheader, label %for.cond.cleanup

for.body.preheader:                               ; preds = %entry
  %wide.trip.count = zext i32 %n to i64
  %min.iters.check = icmp ult i32 %n, 4
  br i1 %min.iters.check, label %for.body.preheader18, label %vector.ph

vector.ph:                                        ; preds = %for.body.preheader
  %n.vec = and i64 %wide.trip.count, 4294967292
  %1 = add nsw i64 %n.vec, -4
  %2 = lshr exact i64 %1, 2
  %3 = add nuw nsw i64 %2, 1
  %xtraiter = and i64 %3, 1
  %4 = icmp eq i64 %1, 0
  br i1 %4, label %middle.block.unr-lcssa, label %vector.ph.new

vector.ph.new:                                    ; preds = %vector.ph
  %unroll_iter = and i64 %3, 9223372036854775806
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph.new
  %index = phi i64 [ 0, %vector.ph.new ], [ %index.next.1, %vector.body ]
  %vec.ind14 = phi <2 x i32> [ <i32 0, i32 1>, %vector.ph.new ], [ %vec.ind.next17.1, %vector.body ]
  %niter = phi i64 [ 0, %vector.ph.new ], [ %niter.next.1, %vector.body ]
  %step.add15 = add <2 x i32> %vec.ind14, <i32 2, i32 2>
  %5 = sitofp <2 x i32> %vec.ind14 to <2 x double>
  %6 = sitofp <2 x i32> %step.add15 to <2 x double>
  %7 = getelementptr inbounds double, double* %0, i64 %index
  %8 = bitcast double* %7 to <2 x double>*
  store <2 x double> %5, <2 x double>* %8, align 8, !tbaa !5
  %9 = getelementptr inbounds double, double* %7, i64 2
  %10 = bitcast double* %9 to <2 x double>*
  store <2 x double> %6, <2 x double>* %10, align 8, !tbaa !5
  %index.next = or i64 %index, 4
  %vec.ind.next17 = add <2 x i32> %vec.ind14, <i32 4, i32 4>
  %step.add15.1 = add <2 x i32> %vec.ind14, <i32 6, i32 6>
  %11 = sitofp <2 x i32> %vec.ind.next17 to <2 x double>
  %12 = sitofp <2 x i32> %step.add15.1 to <2 x double>
  %13 = getelementptr inbounds double, double* %0, i64 %index.next
  %14 = bitcast double* %13 to <2 x double>*
  store <2 x double> %11, <2 x double>* %14, align 8, !tbaa !5
  %15 = getelementptr inbounds double, double* %13, i64 2
  %16 = bitcast double* %15 to <2 x double>*
  store <2 x double> %12, <2 x double>* %16, align 8, !tbaa !5
  %index.next.1 = add nuw i64 %index, 8
  %vec.ind.next17.1 = add <2 x i32> %vec.ind14, <i32 8, i32 8>
  %niter.next.1 = add i64 %niter, 2
  %niter.ncmp.1 = icmp eq i64 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1, label %middle.block.unr-lcssa, label %vector.body, !llvm.loop !20

middle.block.unr-lcssa:                           ; preds = %vector.body, %vector.ph
  %index.unr = phi i64 [ 0, %vector.ph ], [ %index.next.1, %vector.body ]
  %vec.ind14.unr = phi <2 x i32> [ <i32 0, i32 1>, %vector.ph ], [ %vec.ind.next17.1, %vector.body ]
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %middle.block, label %vector.body.epil

vector.body.epil:                                 ; preds = %middle.block.unr-lcssa
  %step.add15.epil = add <2 x i32> %vec.ind14.unr, <i32 2, i32 2>
  %17 = sitofp <2 x i32> %vec.ind14.unr to <2 x double>
  %18 = sitofp <2 x i32> %step.add15.epil to <2 x double>
  %19 = getelementptr inbounds double, double* %0, i64 %index.unr
  %20 = bitcast double* %19 to <2 x double>*
  store <2 x double> %17, <2 x double>* %20, align 8, !tbaa !5
  %21 = getelementptr inbounds double, double* %19, i64 2
  %22 = bitcast double* %21 to <2 x double>*
  store <2 x double> %18, <2 x double>* %22, align 8, !tbaa !5
  br label %middle.block

middle.block:                                     ; preds = %middle.block.unr-lcssa, %vector.body.epil
  %cmp.n = icmp eq i64 %n.vec, %wide.trip.count
  br i1 %cmp.n, label %for.cond.cleanup, label %for.body.preheader18

for.body.preheader18:                             ; preds = %for.body.preheader, %middle.block
  %indvars.iv.ph = phi i64 [ 0, %for.body.preheader ], [ %n.vec, %middle.block ]
  br label %for.body

for.cond.cleanup:                                 ; preds = %for.body, %middle.block, %entry
  ret double* %0

for.body:                                         ; preds = %for.body.preheader18, %for.body
  %indvars.iv = phi i64 [ %indvars.iv.next, %for.body ], [ %indvars.iv.ph, %for.body.preheader18 ]
  %23 = trunc i64 %indvars.iv to i32
  %conv2 = sitofp i32 %23 to double
  %arrayidx = getelementptr inbounds double, double* %0, i64 %indvars.iv
  store double %conv2, double* %arrayidx, align 8, !tbaa !5
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 1
  %exitcond.not = icmp eq i64 %indvars.iv.next, %wide.trip.count
  br i1 %exitcond.not, label %for.cond.cleanup, label %for.body, !llvm.loop !22
}

; Function Attrs: inaccessiblememonly mustprogress nofree nounwind willreturn
declare noalias noundef i8* @malloc(i64 noundef) local_unnamed_addr #6

; Function Attrs: mustprogress nofree norecurse nosync nounwind uwtable willreturn
define dso_local void @cq(%struct.Q* nocapture noundef writeonly %d, %struct.Q* nocapture noundef readonly %s) local_unnamed_addr #7 {
entry:
  %0 = bitcast %struct.Q* %s to i64*
  %1 = bitcast %struct.Q* %d to i64*
  %2 = load i64, i64* %0, align 8, !tbaa !5
  store i64 %2, i64* %1, align 8, !tbaa !5
  ret void
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind uwtable willreturn
define dso_local void @swp(double* nocapture noundef %a, double* nocapture noundef %b) local_unnamed_addr #7 {
entry:
  %t.0..sroa_cast = bitcast double* %a to i64*
  %t.0.copyload = load i64, i64* %t.0..sroa_cast, align 8
  %0 = bitcast double* %b to i64*
  %1 = load i64, i64* %0, align 8
  store i64 %1, i64* %t.0..sroa_cast, align 8
  store i64 %t.0.copyload, i64* %0, align 8
  ret void
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readonly uwtable willreturn
define dso_local double @punned(double* nocapture noundef readonly %p) local_unnamed_addr #4 {
entry:
  %bits.0..sroa_cast = bitcast double* %p to i64*
  %bits.0.copyload = load i64, i64* %bits.0..sroa_cast, align 8
  %arrayidx = getelementptr inbounds double, double* %p, i64 1
  %0 = load double, double* %arrayidx, align 8, !tbaa !5
  %conv = sitofp i64 %bits.0.copyload to double
  %add = fadd double %0, %conv
  ret double %add
}

; Function Attrs: nofree norecurse nosync nounwind uwtable
define dso_local void @twice(i8* nocapture noundef %buf, i64 noundef %n) local_unnamed_addr #8 {
entry:
  %0 = bitcast i8* %buf to double*
  tail call fastcc void @scale(double* noundef %0, i64 noundef %n)
  ret void
}

; Function Attrs: nofree noinline norecurse nosync nounwind uwtable
define internal fastcc void @scale(double* nocapture noundef %p, i64 noundef %n) unnamed_addr #9 {
entry:
  %cmp1 = icmp sgt i64 %n, 0
  br i1 %cmp1, label %for.body.preheader, label %for.cond.cleanup

for.body.preheader:                               ; preds = %entry
  %min.iters.check = icmp ult i64 %n, 4
  br i1 %min.iters.check, label %for.body.preheader4, label %vector.ph

vector.ph:                                        ; preds = %for.body.preheader
  %n.vec = and i64 %n, -4
  %0 = add i64 %n.vec, -4
  %1 = lshr exact i64 %0, 2
  %2 = add nuw nsw i64 %1, 1
  %xtraiter = and i64 %2, 1
  %3 = icmp eq i64 %0, 0
  br i1 %3, label %middle.block.unr-lcssa, label %vector.ph.new

vector.ph.new:                                    ; preds = %vector.ph
  %unroll_iter = and i64 %2, 9223372036854775806
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph.new
  %index = phi i64 [ 0, %vector.ph.new ], [ %index.next.1, %vector.body ]
  %niter = phi i64 [ 0, %vector.ph.new ], [ %niter.next.1, %vector.body ]
  %4 = getelementptr inbounds double, double* %p, i64 %index
  %5 = bitcast double* %4 to <2 x double>*
  %wide.load = load <2 x double>, <2 x double>* %5, align 8, !tbaa !5
  %6 = getelementptr inbounds double, double* %4, i64 2
  %7 = bitcast double* %6 to <2 x double>*
  %wide.load3 = load <2 x double>, <2 x double>* %7, align 8, !tbaa !5
  %8 = fmul <2 x double> %wide.load, <double 2.000000e+00, double 2.000000e+00>
  %9 = fmul <2 x double> %wide.load3, <double 2.000000e+00, double 2.000000e+00>
  %10 = bitcast double* %4 to <2 x double>*
  store <2 x double> %8, <2 x double>* %10, align 8, !tbaa !5
  %11 = bitcast double* %6 to <2 x double>*
  store <2 x double> %9, <2 x double>* %11, align 8, !tbaa !5
  %index.next = or i64 %index, 4
  %12 = getelementptr inbounds double, double* %p, i64 %index.next
  %13 = bitcast double* %12 to <2 x double>*
  %wide.load.1 = load <2 x double>, <2 x double>* %13, align 8, !tbaa !5
  %14 = getelementptr inbounds double, double* %12, i64 2
  %15 = bitcast double* %14 to <2 x double>*
  %wide.load3.1 = load <2 x double>, <2 x double>* %15, align 8, !tbaa !5
  %16 = fmul <2 x double> %wide.load.1, <double 2.000000e+00, double 2.000000e+00>
  %17 = fmul <2 x double> %wide.load3.1, <double 2.000000e+00, double 2.000000e+00>
  %18 = bitcast double* %12 to <2 x double>*
  store <2 x double> %16, <2 x double>* %18, align 8, !tbaa !5
  %19 = bitcast double* %14 to <2 x double>*
  store <2 x double> %17, <2 x double>* %19, align 8, !tbaa !5
  %index.next.1 = add nuw i64 %index, 8
  %niter.next.1 = add i64 %niter, 2
  %niter.ncmp.1 = icmp eq i64 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1, label %middle.block.unr-lcssa, label %vector.body, !llvm.loop !24

middle.block.unr-lcssa:                           ; preds = %vector.body, %vector.ph
  %index.unr = phi i64 [ 0, %vector.ph ], [ %index.next.1, %vector.body ]
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %middle.block, label %vector.body.epil

vector.body.epil:                                 ; preds = %middle.block.unr-lcssa
  %20 = getelementptr inbounds double, double* %p, i64 %index.unr
  %21 = bitcast double* %20 to <2 x double>*
  %wide.load.epil = load <2 x double>, <2 x double>* %21, align 8, !tbaa !5
  %22 = getelementptr inbounds double, double* %20, i64 2
  %23 = bitcast double* %22 to <2 x double>*
  %wide.load3.epil = load <2 x double>, <2 x double>* %23, align 8, !tbaa !5
  %24 = fmul <2 x double> %wide.load.epil, <double 2.000000e+00, double 2.000000e+00>
  %25 = fmul <2 x double> %wide.load3.epil, <double 2.000000e+00, double 2.000000e+00>
  %26 = bitcast double* %20 to <2 x double>*
  store <2 x double> %24, <2 x double>* %26, align 8, !tbaa !5
  %27 = bitcast double* %22 to <2 x double>*
  store <2 x double> %25, <2 x double>* %27, align 8, !tbaa !5
  br label %middle.block

middle.block:                                     ; preds = %middle.block.unr-lcssa, %vector.body.epil
  %cmp.n = icmp eq i64 %n.vec, %n
  br i1 %cmp.n, label %for.cond.cleanup, label %for.body.preheader4

for.body.preheader4:                              ; preds = %for.body.preheader, %middle.block
  %i.02.ph = phi i64 [ 0, %for.body.preheader ], [ %n.vec, %middle.block ]
  br label %for.body

for.cond.cleanup:                                 ; preds = %for.body, %middle.block, %entry
  ret void

for.body:                                         ; preds = %for.body.preheader4, %for.body
  %i.02 = phi i64 [ %inc, %for.body ], [ %i.02.ph, %for.body.preheader4 ]
  %arrayidx = getelementptr inbounds double, double* %p, i64 %i.02
  %28 = load double, double* %arrayidx, align 8, !tbaa !5
  %mul = fmul double %28, 2.000000e+00
  store double %mul, double* %arrayidx, align 8, !tbaa !5
  %inc = add nuw nsw i64 %i.02, 1
  %exitcond.not = icmp eq i64 %inc, %n
  br i1 %exitcond.not, label %for.cond.cleanup, label %for.body, !llvm.loop !25
}

attributes #0 = { nofree nosync nounwind readonly uwtable "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { mustprogress nofree nosync nounwind readnone speculatable willreturn }
attributes #2 = { mustprogress nofree nosync nounwind uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #3 = { argmemonly mustprogress nofree nounwind willreturn }
attributes #4 = { mustprogress nofree norecurse nosync nounwind readonly uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #5 = { nofree nounwind uwtable "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #6 = { inaccessiblememonly mustprogress nofree nounwind willreturn "frame-pointer"="none" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #7 = { mustprogress nofree norecurse nosync nounwind uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #8 = { nofree norecurse nosync nounwind uwtable "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #9 = { nofree noinline norecurse nosync nounwind uwtable "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #10 = { nounwind }

!llvm.module.flags = !{!0, !1, !2, !3}
!llvm.ident = !{!4}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 7, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 1}
!4 = !{!"Debian clang version 14.0.6"}
!5 = !{!6, !6, i64 0}
!6 = !{!"double", !7, i64 0}
!7 = !{!"omnipotent char", !8, i64 0}
!8 = !{!"Simple C/C++ TBAA"}
!9 = distinct !{!9, !10}
!10 = !{!"llvm.loop.unroll.disable"}
!11 = distinct !{!11, !12}
!12 = !{!"llvm.loop.mustprogress"}
!13 = !{i64 0, i64 8, !5, i64 8, i64 8, !5}
!14 = !{!15, !6, i64 0}
!15 = !{!"S", !6, i64 0, !16, i64 8}
!16 = !{!"int", !7, i64 0}
!17 = !{!15, !16, i64 8}
!18 = !{!19, !19, i64 0}
!19 = !{!"any pointer", !7, i64 0}
!20 = distinct !{!20, !12, !21}
!21 = !{!"llvm.loop.isvectorized", i32 1}
!22 = distinct !{!22, !12, !23, !21}
!23 = !{!"llvm.loop.unroll.runtime.disable"}
!24 = distinct !{!24, !12, !21}
!25 = distinct !{!25, !12, !23, !21}
