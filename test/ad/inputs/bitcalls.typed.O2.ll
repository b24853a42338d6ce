; ModuleID = 'bitcalls.c'
source_filename = "bitcalls.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn
define dso_local double @bits_through_result(double noundef %0) local_unnamed_addr #0 {
  %2 = bitcast double %0 to i64
  %3 = tail call fastcc i64 @half_bits(i64 noundef %2)
  %4 = add i64 %3, 2303591209400008704
  %5 = bitcast i64 %4 to double
  %6 = fmul double %5, %0
  ret double %6
}

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn
define internal fastcc i64 @half_bits(i64 noundef %0) unnamed_addr #1 {
  %2 = lshr i64 %0, 1
  ret i64 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn
define dso_local double @bits_into_callee(double noundef %0) local_unnamed_addr #0 {
  %2 = bitcast double %0 to i64
  %3 = lshr i64 %2, 1
  %4 = add nuw i64 %3, 2303591209400008704
  %5 = tail call fastcc double @from_bits(i64 noundef %4)
  %6 = fadd double %5, %0
  ret double %6
}

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn
define internal fastcc double @from_bits(i64 noundef %0) unnamed_addr #1 {
  %2 = bitcast i64 %0 to double
  %3 = fmul double %2, 2.000000e+00
  ret double %3
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn
define dso_local double @word_picks_branch(double noundef %0) local_unnamed_addr #0 {
  %2 = bitcast double %0 to i64
  %3 = lshr i64 %2, 32
  %4 = trunc i64 %3 to i32
  %5 = and i32 %4, 2147483647
  %6 = tail call fastcc double @tail(i32 noundef %5, double noundef %0)
  %7 = fadd double %6, %0
  ret double %7
}

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn
define internal fastcc double @tail(i32 noundef %0, double noundef %1) unnamed_addr #1 {
  %3 = icmp ult i32 %0, 1072693248
  %4 = fmul double %1, 3.000000e+00
  %5 = select i1 %3, double 1.000000e+00, double %4
  %6 = fmul double %5, %1
  %7 = fmul double %6, %1
  ret double %7
}

; Function Attrs: mustprogress nofree nosync nounwind readnone uwtable willreturn
define dso_local double @abs_and_word(double noundef %0) local_unnamed_addr #2 {
  %2 = bitcast double %0 to i64
  %3 = and i64 %2, 9223372036854775807
  %4 = bitcast i64 %3 to double
  %5 = lshr i64 %3, 32
  %6 = trunc i64 %5 to i32
  %7 = icmp ult i32 %6, 1072693248
  %8 = fmul double %4, %4
  %9 = fmul double %8, %0
  %10 = tail call double @llvm.fmuladd.f64(double %4, double 3.000000e+00, double %0)
  %11 = select i1 %7, double %9, double %10
  ret double %11
}

; Function Attrs: mustprogress nofree nosync nounwind readnone speculatable willreturn
declare double @llvm.fmuladd.f64(double, double, double) #3

; Function Attrs: mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn
define dso_local double @bits_from_float_arg(double noundef %0) local_unnamed_addr #0 {
  %2 = tail call fastcc i64 @next_bits(double noundef %0)
  %3 = bitcast i64 %2 to double
  %4 = fmul double %3, %0
  ret double %4
}

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn
define internal fastcc i64 @next_bits(double noundef %0) unnamed_addr #1 {
  %2 = bitcast double %0 to i64
  %3 = add i64 %2, 1
  ret i64 %3
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn
define dso_local double @bits_compared(double noundef %0) local_unnamed_addr #0 {
  %2 = tail call fastcc i64 @raw_bits(double noundef %0)
  %3 = and i64 %2, 9223372036854775807
  %4 = icmp ugt i64 %3, 9218868437227405312
  %5 = fmul double %0, %0
  %6 = select i1 %4, double 0.000000e+00, double %5
  ret double %6
}

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn
define internal fastcc i64 @raw_bits(double noundef %0) unnamed_addr #1 {
  %2 = bitcast double %0 to i64
  ret i64 %2
}

attributes #0 = { mustprogress nofree norecurse nosync nounwind readnone uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { mustprogress nofree noinline norecurse nosync nounwind readnone uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #2 = { mustprogress nofree nosync nounwind readnone uwtable willreturn "frame-pointer"="none" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #3 = { mustprogress nofree nosync nounwind readnone speculatable willreturn }

!llvm.module.flags = !{!0, !1, !2, !3}
!llvm.ident = !{!4}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 7, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 1}
!4 = !{!"Debian clang version 14.0.6"}
