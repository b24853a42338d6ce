; ModuleID = 'bitcalls.c'
source_filename = "bitcalls.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
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
define dso_local double @bits_through_result(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %ix = alloca i64, align 8
  %.compoundliteral = alloca %union.anon, align 8
  %m = alloca i64, align 8
  %.compoundliteral1 = alloca %union.anon.0, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %.compoundliteral, align 8
  %1 = load i64, ptr %.compoundliteral, align 8
  store i64 %1, ptr %ix, align 8
  %2 = load i64, ptr %ix, align 8
  %call = call i64 @half_bits(i64 noundef %2)
  %add = add i64 %call, 2303591209400008704
  store i64 %add, ptr %m, align 8
  %3 = load i64, ptr %m, align 8
  store i64 %3, ptr %.compoundliteral1, align 8
  %4 = load double, ptr %.compoundliteral1, align 8
  %5 = load double, ptr %x.addr, align 8
  %mul = fmul double %4, %5
  ret double %mul
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @half_bits(i64 noundef %a) #0 {
entry:
  %a.addr = alloca i64, align 8
  store i64 %a, ptr %a.addr, align 8
  %0 = load i64, ptr %a.addr, align 8
  %shr = lshr i64 %0, 1
  ret i64 %shr
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_into_callee(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %ix = alloca i64, align 8
  %.compoundliteral = alloca %union.anon.1, align 8
  %m = alloca i64, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %.compoundliteral, align 8
  %1 = load i64, ptr %.compoundliteral, align 8
  store i64 %1, ptr %ix, align 8
  %2 = load i64, ptr %ix, align 8
  %shr = lshr i64 %2, 1
  %add = add i64 %shr, 2303591209400008704
  store i64 %add, ptr %m, align 8
  %3 = load i64, ptr %m, align 8
  %call = call double @from_bits(i64 noundef %3)
  %4 = load double, ptr %x.addr, align 8
  %add1 = fadd double %call, %4
  ret double %add1
}

; Function Attrs: noinline nounwind optnone uwtable
define internal double @from_bits(i64 noundef %b) #0 {
entry:
  %b.addr = alloca i64, align 8
  %.compoundliteral = alloca %union.anon.5, align 8
  store i64 %b, ptr %b.addr, align 8
  %0 = load i64, ptr %b.addr, align 8
  store i64 %0, ptr %.compoundliteral, align 8
  %1 = load double, ptr %.compoundliteral, align 8
  %mul = fmul double %1, 2.000000e+00
  ret double %mul
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @word_picks_branch(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %ix = alloca i32, align 4
  %.compoundliteral = alloca %union.anon.2, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %.compoundliteral, align 8
  %1 = load i64, ptr %.compoundliteral, align 8
  %shr = lshr i64 %1, 32
  %conv = trunc i64 %shr to i32
  %and = and i32 %conv, 2147483647
  store i32 %and, ptr %ix, align 4
  %2 = load i32, ptr %ix, align 4
  %3 = load double, ptr %x.addr, align 8
  %call = call double @tail(i32 noundef %2, double noundef %3)
  %4 = load double, ptr %x.addr, align 8
  %add = fadd double %call, %4
  ret double %add
}

; Function Attrs: noinline nounwind optnone uwtable
define internal double @tail(i32 noundef %ix, double noundef %x) #0 {
entry:
  %retval = alloca double, align 8
  %ix.addr = alloca i32, align 4
  %x.addr = alloca double, align 8
  store i32 %ix, ptr %ix.addr, align 4
  store double %x, ptr %x.addr, align 8
  %0 = load i32, ptr %ix.addr, align 4
  %cmp = icmp ult i32 %0, 1072693248
  br i1 %cmp, label %if.then, label %if.end

if.then:                                          ; preds = %entry
  %1 = load double, ptr %x.addr, align 8
  %2 = load double, ptr %x.addr, align 8
  %mul = fmul double %1, %2
  store double %mul, ptr %retval, align 8
  br label %return

if.end:                                           ; preds = %entry
  %3 = load double, ptr %x.addr, align 8
  %mul1 = fmul double 3.000000e+00, %3
  %4 = load double, ptr %x.addr, align 8
  %mul2 = fmul double %mul1, %4
  %5 = load double, ptr %x.addr, align 8
  %mul3 = fmul double %mul2, %5
  store double %mul3, ptr %retval, align 8
  br label %return

return:                                           ; preds = %if.end, %if.then
  %6 = load double, ptr %retval, align 8
  ret double %6
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @abs_and_word(double noundef %x) #0 {
entry:
  %retval = alloca double, align 8
  %x.addr = alloca double, align 8
  %u = alloca %union.anon.3, align 8
  %a = alloca double, align 8
  %w = alloca i32, align 4
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %u, align 8
  %1 = load i64, ptr %u, align 8
  %and = and i64 %1, 9223372036854775807
  store i64 %and, ptr %u, align 8
  %2 = load double, ptr %u, align 8
  store double %2, ptr %a, align 8
  %3 = load i64, ptr %u, align 8
  %shr = lshr i64 %3, 32
  %conv = trunc i64 %shr to i32
  store i32 %conv, ptr %w, align 4
  %4 = load i32, ptr %w, align 4
  %cmp = icmp ult i32 %4, 1072693248
  br i1 %cmp, label %if.then, label %if.end

if.then:                                          ; preds = %entry
  %5 = load double, ptr %a, align 8
  %6 = load double, ptr %a, align 8
  %mul = fmul double %5, %6
  %7 = load double, ptr %x.addr, align 8
  %mul2 = fmul double %mul, %7
  store double %mul2, ptr %retval, align 8
  br label %return

if.end:                                           ; preds = %entry
  %8 = load double, ptr %a, align 8
  %9 = load double, ptr %x.addr, align 8
  %10 = call double @llvm.fmuladd.f64(double 3.000000e+00, double %8, double %9)
  store double %10, ptr %retval, align 8
  br label %return

return:                                           ; preds = %if.end, %if.then
  %11 = load double, ptr %retval, align 8
  ret double %11
}

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #1

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_from_float_arg(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %.compoundliteral = alloca %union.anon.4, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  %call = call i64 @next_bits(double noundef %0)
  store i64 %call, ptr %.compoundliteral, align 8
  %1 = load double, ptr %.compoundliteral, align 8
  %2 = load double, ptr %x.addr, align 8
  %mul = fmul double %1, %2
  ret double %mul
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @next_bits(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %.compoundliteral = alloca %union.anon.6, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %.compoundliteral, align 8
  %1 = load i64, ptr %.compoundliteral, align 8
  %add = add i64 %1, 1
  ret i64 %add
}

; Function Attrs: noinline nounwind optnone uwtable
define dso_local double @bits_compared(double noundef %x) #0 {
entry:
  %retval = alloca double, align 8
  %x.addr = alloca double, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  %call = call i64 @raw_bits(double noundef %0)
  %and = and i64 %call, 9223372036854775807
  %cmp = icmp ugt i64 %and, 9218868437227405312
  br i1 %cmp, label %if.then, label %if.end

if.then:                                          ; preds = %entry
  store double 0.000000e+00, ptr %retval, align 8
  br label %return

if.end:                                           ; preds = %entry
  %1 = load double, ptr %x.addr, align 8
  %2 = load double, ptr %x.addr, align 8
  %mul = fmul double %1, %2
  store double %mul, ptr %retval, align 8
  br label %return

return:                                           ; preds = %if.end, %if.then
  %3 = load double, ptr %retval, align 8
  ret double %3
}

; Function Attrs: noinline nounwind optnone uwtable
define internal i64 @raw_bits(double noundef %x) #0 {
entry:
  %x.addr = alloca double, align 8
  %.compoundliteral = alloca %union.anon.7, align 8
  store double %x, ptr %x.addr, align 8
  %0 = load double, ptr %x.addr, align 8
  store double %0, ptr %.compoundliteral, align 8
  %1 = load i64, ptr %.compoundliteral, align 8
  ret i64 %1
}

attributes #0 = { noinline nounwind optnone uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!llvm.module.flags = !{!0, !1, !2, !3, !4}
!llvm.ident = !{!5}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 8, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 2}
!4 = !{i32 7, !"frame-pointer", i32 2}
!5 = !{!"Debian clang version 19.1.7 (3~deb12u1)"}
