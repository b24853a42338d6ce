; ModuleID = 'bitcalls.c'
source_filename = "bitcalls.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%union.anon = type { double }
%union.anon.0 = type { i64 }
%union.anon.1 = type { double }
%union.anon.5 = type { i64 }
%union.anon.2 = type { double }
%union.anon.3 = type { double }
%union.anon.4 = type { i64 }
%union.anon.6 = type { double }
%union.anon.7 = type { double }

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_through_result(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca i64, align 8
  %4 = alloca %union.anon, align 8
  %5 = alloca i64, align 8
  %6 = alloca %union.anon.0, align 8
  store double %0, double* %2, align 8
  %7 = bitcast %union.anon* %4 to double*
  %8 = load double, double* %2, align 8
  store double %8, double* %7, align 8
  %9 = bitcast %union.anon* %4 to i64*
  %10 = load i64, i64* %9, align 8
  store i64 %10, i64* %3, align 8
  %11 = load i64, i64* %3, align 8
  %12 = call i64 @half_bits(i64 noundef %11)
  %13 = add i64 %12, 2303591209400008704
  store i64 %13, i64* %5, align 8
  %14 = bitcast %union.anon.0* %6 to i64*
  %15 = load i64, i64* %5, align 8
  store i64 %15, i64* %14, align 8
  %16 = bitcast %union.anon.0* %6 to double*
  %17 = load double, double* %16, align 8
  %18 = load double, double* %2, align 8
  %19 = fmul double %17, %18
  ret double %19
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @half_bits(i64 noundef %0) #0 {
  %2 = alloca i64, align 8
  store i64 %0, i64* %2, align 8
  %3 = load i64, i64* %2, align 8
  %4 = lshr i64 %3, 1
  ret i64 %4
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_into_callee(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca i64, align 8
  %4 = alloca %union.anon.1, align 8
  %5 = alloca i64, align 8
  store double %0, double* %2, align 8
  %6 = bitcast %union.anon.1* %4 to double*
  %7 = load double, double* %2, align 8
  store double %7, double* %6, align 8
  %8 = bitcast %union.anon.1* %4 to i64*
  %9 = load i64, i64* %8, align 8
  store i64 %9, i64* %3, align 8
  %10 = load i64, i64* %3, align 8
  %11 = lshr i64 %10, 1
  %12 = add i64 %11, 2303591209400008704
  store i64 %12, i64* %5, align 8
  %13 = load i64, i64* %5, align 8
  %14 = call double @from_bits(i64 noundef %13)
  %15 = load double, double* %2, align 8
  %16 = fadd double %14, %15
  ret double %16
}

; Function Attrs: noinline nounwind optnone uwtable
define internal double @from_bits(i64 noundef %0) #0 {
  %2 = alloca i64, align 8
  %3 = alloca %union.anon.5, align 8
  store i64 %0, i64* %2, align 8
  %4 = bitcast %union.anon.5* %3 to i64*
  %5 = load i64, i64* %2, align 8
  store i64 %5, i64* %4, align 8
  %6 = bitcast %union.anon.5* %3 to double*
  %7 = load double, double* %6, align 8
  %8 = fmul double %7, 2.000000e+00
  ret double %8
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @word_picks_branch(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca i32, align 4
  %4 = alloca %union.anon.2, align 8
  store double %0, double* %2, align 8
  %5 = bitcast %union.anon.2* %4 to double*
  %6 = load double, double* %2, align 8
  store double %6, double* %5, align 8
  %7 = bitcast %union.anon.2* %4 to i64*
  %8 = load i64, i64* %7, align 8
  %9 = lshr i64 %8, 32
  %10 = trunc i64 %9 to i32
  %11 = and i32 %10, 2147483647
  store i32 %11, i32* %3, align 4
  %12 = load i32, i32* %3, align 4
  %13 = load double, double* %2, align 8
  %14 = call double @tail(i32 noundef %12, double noundef %13)
  %15 = load double, double* %2, align 8
  %16 = fadd double %14, %15
  ret double %16
}

; Function Attrs: noinline nounwind optnone uwtable
define internal double @tail(i32 noundef %0, double noundef %1) #0 {
  %3 = alloca double, align 8
  %4 = alloca i32, align 4
  %5 = alloca double, align 8
  store i32 %0, i32* %4, align 4
  store double %1, double* %5, align 8
  %6 = load i32, i32* %4, align 4
  %7 = icmp ult i32 %6, 1072693248
  br i1 %7, label %8, label %12

8:                                                ; preds = %2
  %9 = load double, double* %5, align 8
  %10 = load double, double* %5, align 8
  %11 = fmul double %9, %10
  store double %11, double* %3, align 8
  br label %19

12:                                               ; preds = %2
  %13 = load double, double* %5, align 8
  %14 = fmul double 3.000000e+00, %13
  %15 = load double, double* %5, align 8
  %16 = fmul double %14, %15
  %17 = load double, double* %5, align 8
  %18 = fmul double %16, %17
  store double %18, double* %3, align 8
  br label %19

19:                                               ; preds = %12, %8
  %20 = load double, double* %3, align 8
  ret double %20
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @abs_and_word(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca double, align 8
  %4 = alloca %union.anon.3, align 8
  %5 = alloca double, align 8
  %6 = alloca i32, align 4
  store double %0, double* %3, align 8
  %7 = bitcast %union.anon.3* %4 to double*
  %8 = load double, double* %3, align 8
  store double %8, double* %7, align 8
  %9 = bitcast %union.anon.3* %4 to i64*
  %10 = load i64, i64* %9, align 8
  %11 = and i64 %10, 9223372036854775807
  store i64 %11, i64* %9, align 8
  %12 = bitcast %union.anon.3* %4 to double*
  %13 = load double, double* %12, align 8
  store double %13, double* %5, align 8
  %14 = bitcast %union.anon.3* %4 to i64*
  %15 = load i64, i64* %14, align 8
  %16 = lshr i64 %15, 32
  %17 = trunc i64 %16 to i32
  store i32 %17, i32* %6, align 4
  %18 = load i32, i32* %6, align 4
  %19 = icmp ult i32 %18, 1072693248
  br i1 %19, label %20, label %26

20:                                               ; preds = %1
  %21 = load double, double* %5, align 8
  %22 = load double, double* %5, align 8
  %23 = fmul double %21, %22
  %24 = load double, double* %3, align 8
  %25 = fmul double %23, %24
  store double %25, double* %2, align 8
  br label %30

26:                                               ; preds = %1
  %27 = load double, double* %5, align 8
  %28 = load double, double* %3, align 8
  %29 = call double @llvm.fmuladd.f64(double 3.000000e+00, double %27, double %28)
  store double %29, double* %2, align 8
  br label %30

30:                                               ; preds = %26, %20
  %31 = load double, double* %2, align 8
  ret double %31
}

; Function Attrs: nofree nosync nounwind readnone speculatable willreturn
declare double @llvm.fmuladd.f64(double, double, double) #1

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_from_float_arg(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca %union.anon.4, align 8
  store double %0, double* %2, align 8
  %4 = bitcast %union.anon.4* %3 to i64*
  %5 = load double, double* %2, align 8
  %6 = call i64 @next_bits(double noundef %5)
  store i64 %6, i64* %4, align 8
  %7 = bitcast %union.anon.4* %3 to double*
  %8 = load double, double* %7, align 8
  %9 = load double, double* %2, align 8
  %10 = fmul double %8, %9
  ret double %10
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @next_bits(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca %union.anon.6, align 8
  store double %0, double* %2, align 8
  %4 = bitcast %union.anon.6* %3 to double*
  %5 = load double, double* %2, align 8
  store double %5, double* %4, align 8
  %6 = bitcast %union.anon.6* %3 to i64*
  %7 = load i64, i64* %6, align 8
  %8 = add i64 %7, 1
  ret i64 %8
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_compared(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca double, align 8
  store double %0, double* %3, align 8
  %4 = load double, double* %3, align 8
  %5 = call i64 @raw_bits(double noundef %4)
  %6 = and i64 %5, 9223372036854775807
  %7 = icmp ugt i64 %6, 9218868437227405312
  br i1 %7, label %8, label %9

8:                                                ; preds = %1
  store double 0.000000e+00, double* %2, align 8
  br label %13

9:                                                ; preds = %1
  %10 = load double, double* %3, align 8
  %11 = load double, double* %3, align 8
  %12 = fmul double %10, %11
  store double %12, double* %2, align 8
  br label %13

13:                                               ; preds = %9, %8
  %14 = load double, double* %2, align 8
  ret double %14
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @raw_bits(double noundef %0) #0 {
  %2 = alloca double, align 8
  %3 = alloca %union.anon.7, align 8
  store double %0, double* %2, align 8
  %4 = bitcast %union.anon.7* %3 to double*
  %5 = load double, double* %2, align 8
  store double %5, double* %4, align 8
  %6 = bitcast %union.anon.7* %3 to i64*
  %7 = load i64, i64* %6, align 8
  ret i64 %7
}

attributes #0 = { noinline nounwind optnone uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { nofree nosync nounwind readnone speculatable willreturn }

!llvm.module.flags = !{!0, !1, !2, !3, !4}
!llvm.ident = !{!5}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 7, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 1}
!4 = !{i32 7, !"frame-pointer", i32 2}
!5 = !{!"Debian clang version 14.0.6"}
