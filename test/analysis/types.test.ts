import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModule, parseText } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { TypeAnalysis } from '../../src/analysis/types.js';
import { factOfTypeName } from '../../src/analysis/tbaa.js';
import type { Module } from '../../src/ir/module.js';
import type { Function } from '../../src/ir/function.js';
import type { Value } from '../../src/ir/value.js';

function fnOf(m: Module, name: string): Function {
  const f = m.getFunction(name);
  if (!f) throw new Error(`no @${name}`);
  return f;
}

/** A value of the function by name: argument or instruction. */
function val(f: Function, name: string): Value {
  for (const a of f.args) if (a.name === name) return a;
  for (const b of f.blocks) for (const i of b.instructions) if (i.name === name) return i;
  throw new Error(`no %${name} in @${f.name}`);
}

function analyze(text: string, name = 'f'): { ta: TypeAnalysis; f: Function; v: (n: string) => Value; m: Module } {
  const m = parseText(text);
  const f = fnOf(m, name);
  const ta = new TypeAnalysis(m, f);
  return { ta, f, v: (n) => val(f, n), m };
}

const TBAA = `
!5 = !{!6, !6, i64 0}
!6 = !{!"double", !7, i64 0}
!7 = !{!"omnipotent char", !8, i64 0}
!8 = !{!"Simple C/C++ TBAA"}
!9 = !{!10, !10, i64 0}
!10 = !{!"long", !7, i64 0}
!11 = !{!12, !12, i64 0}
!12 = !{!"p1 double", !13, i64 0}
!13 = !{!"any pointer", !7, i64 0}
!14 = !{!7, !7, i64 0}
!15 = !{!16, !6, i64 0}
!16 = !{!"S", !6, i64 0, !17, i64 8}
!17 = !{!"int", !7, i64 0}
`;

describe('dot product', () => {
  test('opaque pointers indexed by a loop counter hold doubles at every element', () => {
    const { ta, v } = analyze(`
define double @f(ptr %a, ptr %b, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s1, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %x = load double, ptr %pa, align 8
  %y = load double, ptr %pb, align 8
  %m = fmul double %x, %y
  %s1 = fadd double %s, %m
  %i1 = add nuw i64 %i, 1
  %c = icmp eq i64 %i1, %n
  br i1 %c, label %exit, label %loop
exit:
  ret double %s1
}`);
    for (const p of ['a', 'b', 'pa', 'pb']) {
      expect(ta.memoryAt(v(p))).toBe('double');
      expect(ta.memoryAt(v(p), 24)).toBe('double');
      expect(ta.uniform(v(p))).toBe('double');
      expect(ta.uniform(v(p), 800)).toBe('double');
    }
    expect(ta.memoryAt(v('a'), 4)).toBeNull();
    expect(ta.valueScalar(v('i'))).toBe('integer');
    expect(ta.valueScalar(v('n'))).toBe('integer');
    expect(ta.valueScalar(v('s'))).toBe('double');
    expect(ta.tree(v('a')).stride([0])).toBe(8);
    expect(ta.conflicts()).toEqual([]);
  });

  test('typed pointers: the pointee says double even before any load', () => {
    const { ta, v } = analyze(`
define double @f(double* %a, i64 %i) {
  %p = getelementptr inbounds double, double* %a, i64 %i
  %x = load double, double* %p
  ret double %x
}`);
    expect(ta.memoryAt(v('a'))).toBe('double');
    expect(ta.uniform(v('a'))).toBe('double');
  });
});

describe('integer copies of doubles', () => {
  test('clang -O2 struct copy through i64 (typed pointers, bitcast)', () => {
    const { ta, v } = analyze(`
%struct.Q = type { double }
define void @f(%struct.Q* %d, %struct.Q* %s) {
  %cs = bitcast %struct.Q* %s to i64*
  %cd = bitcast %struct.Q* %d to i64*
  %x = load i64, i64* %cs, align 8
  store i64 %x, i64* %cd, align 8
  ret void
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('cs'))).toBe('double');
    expect(ta.memoryAt(v('cd'))).toBe('double');
  });

  test('opaque pointers: one side known gives the other', () => {
    const { ta, v } = analyze(`
define double @f(ptr %d, ptr %s) {
  %x = load i64, ptr %s, align 8
  store i64 %x, ptr %d, align 8
  %y = load double, ptr %d, align 8
  ret double %y
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('s'))).toBe('double');
  });

  test('an integer load later bitcast to double', () => {
    const { ta, v } = analyze(`
define double @f(ptr %p, ptr %q) {
  %x = load i64, ptr %p, align 8
  store i64 %x, ptr %q, align 8
  %d = bitcast i64 %x to double
  ret double %d
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('p'))).toBe('double');
    expect(ta.memoryAt(v('q'))).toBe('double');
  });

  test('vectors of i64 carrying doubles, and a <2 x i64> load', () => {
    const { ta, v } = analyze(`
define void @f(ptr %p, ptr %q) {
  %x = load <2 x i64>, ptr %p, align 16
  store <2 x i64> %x, ptr %q, align 16
  %a = load double, ptr %q
  %g = getelementptr inbounds i8, ptr %q, i64 8
  %b = load double, ptr %g
  ret void
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('p'), 8)).toBe('double');
    expect(ta.uniform(v('p'), 16)).toBe('double');
  });

  test('unknown without evidence: an i64 copy between opaque pointers', () => {
    const { ta, v } = analyze(`
define void @f(ptr %d, ptr %s) {
  %x = load i64, ptr %s
  store i64 %x, ptr %d
  ret void
}`);
    expect(ta.valueScalar(v('x'))).toBeNull();
    expect(ta.memoryAt(v('s'))).toBeNull();
    expect(ta.uniform(v('s'), 8)).toBeNull();
  });

  test('fabs / fneg done on the bits keep the float', () => {
    const { ta, v } = analyze(`
define void @f(ptr %p) {
  %x = load i64, ptr %p
  %a = and i64 %x, 9223372036854775807
  %n = xor i64 %a, -9223372036854775808
  %d = bitcast i64 %n to double
  %k = and i64 %x, 7
  ret void
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.valueScalar(v('a'))).toBe('double');
    expect(ta.valueScalar(v('k'))).toBe('integer');
    expect(ta.conflicts()).toEqual([]);
  });
});

describe('memcpy', () => {
  test('a double array copied with memcpy: both sides uniform double', () => {
    const { ta, v } = analyze(`
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
define double @f(ptr %dst, ptr %src, i64 %n, i64 %i) {
  %bytes = shl i64 %n, 3
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %src, i64 %bytes, i1 false)
  %p = getelementptr inbounds double, ptr %dst, i64 %i
  %x = load double, ptr %p
  ret double %x
}`);
    expect(ta.uniform(v('src'))).toBe('double');
    expect(ta.uniform(v('dst'))).toBe('double');
    expect(ta.uniform(v('src'), 64)).toBe('double');
    expect(ta.memoryAt(v('src'), 40)).toBe('double');
    expect(ta.valueScalar(v('bytes'))).toBe('integer');
  });

  test('a constant-size memcpy of a struct {double, int} keeps offsets; segments split it', () => {
    const { ta, v } = analyze(`
%struct.S = type { double, i32 }
declare void @llvm.memcpy.p0i8.p0i8.i64(i8*, i8*, i64, i1)
define void @f(%struct.S* %a, i8* %b) {
  %c = bitcast %struct.S* %a to i8*
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* %b, i8* %c, i64 16, i1 false)
  ret void
}`);
    expect(ta.memoryAt(v('b'), 0)).toBe('double');
    expect(ta.memoryAt(v('b'), 8)).toBe('integer');
    expect(ta.memoryAt(v('b'), 11)).toBe('integer');
    expect(ta.uniform(v('b'), 16)).toBeNull();
    expect(ta.uniform(v('b'), 8)).toBe('double');
    expect(ta.segments(v('b'), 12)).toEqual([
      { offset: 0, size: 8, scalar: 'double' },
      { offset: 8, size: 4, scalar: 'integer' },
    ]);
  });

  test('memset zeroing a double array constrains nothing (no conflict)', () => {
    const { ta, v } = analyze(`
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
define void @f(ptr %p, i64 %i) {
  call void @llvm.memset.p0.i64(ptr %p, i8 0, i64 32, i1 false)
  %q = getelementptr inbounds double, ptr %p, i64 %i
  store double 1.0, ptr %q
  ret void
}`);
    expect(ta.uniform(v('p'), 32)).toBe('double');
    expect(ta.conflicts()).toEqual([]);
  });

  test('a byte loop over memory is char-like: anything, no conflict with double', () => {
    const { ta, v } = analyze(`
define void @f(ptr %p, i64 %i) {
  %b = getelementptr inbounds i8, ptr %p, i64 %i
  %c = load i8, ptr %b
  %x = load double, ptr %p
  ret void
}`);
    expect(ta.memoryAt(v('p'))).toBe('double');
    expect(ta.valueScalar(v('c'))).toBe('anything');
    expect(ta.conflicts()).toEqual([]);
  });
});

describe('structs', () => {
  test('struct {double, int}: field offsets from the GEP, typed', () => {
    const { ta, v } = analyze(`
%struct.S = type { double, i32 }
define double @f(%struct.S* %s, i64 %i) {
  %px = getelementptr inbounds %struct.S, %struct.S* %s, i64 %i, i32 0
  %x = load double, double* %px
  %pn = getelementptr inbounds %struct.S, %struct.S* %s, i64 %i, i32 1
  %n = load i32, i32* %pn
  ret double %x
}`);
    expect(ta.memoryAt(v('s'), 0)).toBe('double');
    expect(ta.memoryAt(v('s'), 8)).toBe('integer');
    expect(ta.memoryAt(v('s'), 16)).toBe('double');
    expect(ta.memoryAt(v('s'), 24)).toBe('integer');
    expect(ta.tree(v('s')).stride([0])).toBe(16);
    expect(ta.memoryAt(v('pn'), 0)).toBe('integer');
    expect(ta.uniform(v('s'))).toBeNull();
  });

  test('struct {double, int}: opaque, i8 GEPs, facts from the uses only', () => {
    const { ta, v } = analyze(`
define double @f(ptr %s) {
  %x = load double, ptr %s, align 8
  %pn = getelementptr inbounds i8, ptr %s, i64 8
  %n = load i32, ptr %pn, align 8
  %c = sitofp i32 %n to double
  %r = fmul double %x, %c
  ret double %r
}`);
    expect(ta.memoryAt(v('s'), 0)).toBe('double');
    expect(ta.memoryAt(v('s'), 8)).toBe('integer');
    expect(ta.format(v('s'))).toBe('{0:double, 8-11:integer}');
  });

  test('an array inside a struct indexed by a variable', () => {
    const { ta, v } = analyze(`
%struct.V = type { i64, [4 x double] }
define double @f(%struct.V* %s, i64 %i) {
  %p = getelementptr inbounds %struct.V, %struct.V* %s, i64 0, i32 1, i64 %i
  %x = load double, double* %p
  ret double %x
}`);
    expect(ta.memoryAt(v('s'), 0)).toBe('integer');
    for (const o of [8, 16, 24, 32]) expect(ta.memoryAt(v('s'), o)).toBe('double');
    expect(ta.uniform(v('p'))).toBe('double');
  });

  test('first-class aggregates: extractvalue / insertvalue', () => {
    const { ta, v } = analyze(`
define void @f(ptr %p, ptr %q) {
  %a = load { i64, i64 }, ptr %p
  %x = extractvalue { i64, i64 } %a, 0
  %d = bitcast i64 %x to double
  %y = extractvalue { i64, i64 } %a, 1
  %m = mul i64 %y, 3
  %b = insertvalue { i64, i64 } undef, i64 %x, 1
  store { i64, i64 } %b, ptr %q
  ret void
}`);
    expect(ta.memoryAt(v('p'), 0)).toBe('double');
    expect(ta.memoryAt(v('p'), 8)).toBe('integer');
    expect(ta.memoryAt(v('q'), 8)).toBe('double');
    expect(ta.format(v('a'))).toBe('{0:double, 8:integer}');
  });
});

describe('TBAA', () => {
  test('integers only in the IR: the tags say double', () => {
    const { ta, v } = analyze(`
define void @f(ptr %d, ptr %s) {
  %x = load i64, ptr %s, align 8, !tbaa !5
  store i64 %x, ptr %d, align 8, !tbaa !5
  %n = load i64, ptr %d, align 8, !tbaa !9
  ret void
}
${TBAA}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('s'))).toBe('double');
    expect(ta.memoryAt(v('d'))).toBe('double');
    // A `long` access of the same bytes is a genuine conflict, reported, not thrown.
    const cs = ta.conflicts();
    expect(cs.length).toBeGreaterThan(0);
    expect(cs[0]!.message).toMatch(/double but also used as integer/);
  });

  test('struct-path tags and clang 19 pointer tags (`p1 double`)', () => {
    const { ta, v } = analyze(`
define void @f(ptr %s, ptr %pp) {
  %x = load i64, ptr %s, align 8, !tbaa !15
  %p = load ptr, ptr %pp, align 8, !tbaa !11
  %c = load i8, ptr %s, !tbaa !14
  ret void
}
${TBAA}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('pp'))).toBe('pointer');
    expect(ta.memoryAt(v('p'))).toBe('double');
    expect(ta.conflicts()).toEqual([]);
  });

  test('type names', () => {
    expect(factOfTypeName('long long')?.scalar).toBe('integer');
    expect(factOfTypeName('short')?.bytes).toBe(2);
    expect(factOfTypeName('unsigned int')?.scalar).toBe('integer');
    expect(factOfTypeName('omnipotent char')?.scalar).toBe('anything');
    expect(factOfTypeName('float')?.scalar).toBe('float');
    expect(factOfTypeName('any pointer')?.scalar).toBe('pointer');
    expect(factOfTypeName('p2 float')).toEqual({
      scalar: 'pointer', bytes: 8, pointee: { scalar: 'pointer', bytes: 8, pointee: { scalar: 'float', bytes: 4, pointee: null } },
    });
    expect(factOfTypeName('_ZTS3Foo')).toBeNull();
  });
});

describe('pointers to pointers', () => {
  test('double** typed: the inner pointers point at doubles', () => {
    const { ta, v } = analyze(`
define void @f(double** %pp, i64** %qq) {
  %p = load double*, double** %pp
  %c = bitcast double* %p to i64*
  %x = load i64, i64* %c
  ret void
}`);
    expect(ta.memoryAt(v('pp'))).toBe('pointer');
    expect(ta.tree(v('pp')).get([0, 0, 0])).toBe('double');
    expect(ta.valueScalar(v('x'))).toBe('double');
  });

  test('opaque: two loads of the same slot share what they point to', () => {
    const { ta, v } = analyze(`
define void @f(ptr %pp) {
  %a = load ptr, ptr %pp
  store double 1.0, ptr %a
  %b = load ptr, ptr %pp
  %x = load i64, ptr %b
  %q = getelementptr inbounds i8, ptr %pp, i64 8
  %c = load ptr, ptr %q
  %y = load float, ptr %c
  ret void
}`);
    expect(ta.valueScalar(v('x'))).toBe('double');
    expect(ta.memoryAt(v('b'))).toBe('double');
    expect(ta.format(v('pp'))).toBe('{0:pointer -> {0:double}, 8:pointer -> {0:float}}');
  });

  test('a self-referential list terminates', () => {
    const { ta, v } = analyze(`
define double @f(ptr %n0) {
entry:
  br label %loop
loop:
  %n = phi ptr [ %n0, %entry ], [ %next, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s1, %loop ]
  %pv = getelementptr inbounds i8, ptr %n, i64 8
  %v = load double, ptr %pv
  %s1 = fadd double %s, %v
  %next = load ptr, ptr %n
  %z = icmp eq ptr %next, null
  br i1 %z, label %exit, label %loop
exit:
  ret double %s1
}`);
    expect(ta.memoryAt(v('n0'), 0)).toBe('pointer');
    expect(ta.memoryAt(v('n0'), 8)).toBe('double');
    expect(ta.tree(v('n0')).get([0, 0, 8])).toBe('double');
  });
});

describe('allocation', () => {
  test('a malloc-ed buffer used as a double array', () => {
    const { ta, v } = analyze(`
declare ptr @malloc(i64)
define ptr @f(i64 %n) {
entry:
  %bytes = shl i64 %n, 3
  %m = call ptr @malloc(i64 %bytes)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds double, ptr %m, i64 %i
  %d = sitofp i64 %i to double
  store double %d, ptr %p
  %i1 = add i64 %i, 1
  %c = icmp eq i64 %i1, %n
  br i1 %c, label %exit, label %loop
exit:
  ret ptr %m
}`);
    expect(ta.uniform(v('m'))).toBe('double');
    expect(ta.memoryAt(v('m'), 800)).toBe('double');
    expect(ta.returnTree().get([0, 0])).toBe('double');
  });

  test('alloca of a named struct, and a global array initializer', () => {
    const { ta, v, m } = analyze(`
%struct.S = type { double, i32 }
@tab = global [3 x double] [double 1.0, double 2.0, double 3.0]
define void @f() {
  %a = alloca %struct.S
  %b = alloca [8 x float]
  ret void
}`);
    expect(ta.memoryAt(v('a'), 0)).toBe('double');
    expect(ta.memoryAt(v('a'), 8)).toBe('integer');
    expect(ta.uniform(v('b'))).toBe('float');
    expect(ta.memoryAt(v('b'), 28)).toBe('float');
    expect(ta.uniform(m.getGlobal('tab')!, 24)).toBe('double');
  });

  test('a pointer-increment loop is periodic', () => {
    const { ta, v } = analyze(`
define void @f(ptr %a, ptr %end) {
entry:
  br label %loop
loop:
  %p = phi ptr [ %a, %entry ], [ %p1, %loop ]
  store double 0.0, ptr %p
  %p1 = getelementptr inbounds i8, ptr %p, i64 8
  %c = icmp eq ptr %p1, %end
  br i1 %c, label %exit, label %loop
exit:
  ret void
}`);
    expect(ta.uniform(v('a'))).toBe('double');
    expect(ta.memoryAt(v('a'), 64)).toBe('double');
  });
});

describe('recurrences', () => {
  test('a pointer advanced through a memory slot (`s->cur += 8`) is periodic', () => {
    const { ta, v } = analyze(`
define void @f(ptr %s) {
entry:
  br label %loop
loop:
  %slot = getelementptr inbounds i8, ptr %s, i64 8
  %p = load ptr, ptr %slot
  %q = getelementptr inbounds i8, ptr %p, i64 8
  store ptr %q, ptr %slot
  %x = load double, ptr %p
  br label %loop
}`);
    expect(ta.format(v('p'))).toBe('{0:double; stride 8}');
    expect(ta.tree(v('s')).get([0, 8, 400])).toBe('double');
  });

  test('a phi of p and p+1 over chars stays small', () => {
    const { ta, v } = analyze(`
define i8 @f(ptr %a, i1 %c) {
entry:
  %a1 = getelementptr inbounds i8, ptr %a, i64 1
  br i1 %c, label %x, label %y
x:
  br label %y
y:
  %r = phi ptr [ %a, %entry ], [ %a1, %x ]
  %b = load i8, ptr %r
  ret i8 %b
}`);
    expect(ta.memoryAt(v('r'))).toBe('anything');
    expect(ta.tree(v('a')).under([0]).length).toBeLessThan(4);
  });
});

test('limits: a tiny work budget stops early and says so', () => {
  const text = `
define double @f(ptr %a, i64 %i) {
  %p = getelementptr inbounds double, ptr %a, i64 %i
  %x = load double, ptr %p
  ret double %x
}`;
  const m = parseText(text);
  expect(new TypeAnalysis(m, fnOf(m, 'f')).complete).toBe(true);
  expect(new TypeAnalysis(m, fnOf(m, 'f'), { maxWork: 1 }).complete).toBe(false);
});

describe('calls', () => {
  test('arguments deduced through a callee defined in the module', () => {
    const { ta, v } = analyze(`
define internal double @get(ptr %p, i64 %i) {
  %q = getelementptr inbounds double, ptr %p, i64 %i
  %x = load double, ptr %q
  ret double %x
}
define internal i64 @bits(ptr %p) {
  %x = load i64, ptr %p
  ret i64 %x
}
define double @f(ptr %a, ptr %b) {
  %x = call double @get(ptr %a, i64 3)
  %y = load i64, ptr %a
  %z = call i64 @bits(ptr %b)
  %w = bitcast i64 %z to double
  ret double %x
}`);
    expect(ta.uniform(v('a'))).toBe('double');
    expect(ta.valueScalar(v('y'))).toBe('double');
    // The caller's use of the result types the callee's memory.
    expect(ta.memoryAt(v('b'))).toBe('double');
  });

  test('recursion stops', () => {
    const { ta, v } = analyze(`
define double @f(ptr %p, i64 %n) {
  %c = icmp eq i64 %n, 0
  br i1 %c, label %base, label %rec
base:
  %x = load double, ptr %p
  ret double %x
rec:
  %q = getelementptr inbounds double, ptr %p, i64 1
  %m = sub i64 %n, 1
  %r = call double @f(ptr %q, i64 %m)
  ret double %r
}`);
    expect(ta.memoryAt(v('p'))).toBe('double');
  });

  test('math functions: integer arguments and pointer outputs', () => {
    const { ta, v } = analyze(`
declare double @ldexp(double, i32)
declare double @frexp(double, ptr)
declare void @sincos(double, ptr, ptr)
define void @f(double %x, i32 %e, ptr %ep, ptr %s, ptr %c) {
  %a = call double @ldexp(double %x, i32 %e)
  %b = call double @frexp(double %x, ptr %ep)
  call void @sincos(double %x, ptr %s, ptr %c)
  ret void
}`);
    expect(ta.valueScalar(v('e'))).toBe('integer');
    expect(ta.memoryAt(v('ep'))).toBe('integer');
    expect(ta.memoryAt(v('s'))).toBe('double');
    expect(ta.memoryAt(v('c'))).toBe('double');
  });
});

describe('conflicts and report', () => {
  test('double and integer at the same offset is reported, not thrown', () => {
    const { ta } = analyze(`
define void @f(ptr %p) {
  %x = load double, ptr %p
  %y = load i64, ptr %p
  %z = mul i64 %y, 2
  ret void
}`);
    const cs = ta.conflicts();
    expect(cs.length).toBeGreaterThan(0);
    expect(cs.map((c) => c.message).join('\n')).toMatch(/double/);
  });

  test('report lines carry line:col and the deduced types', () => {
    const text = `define void @f(ptr %d, ptr %s) {
  %x = load i64, ptr %s, align 8, !tbaa !5
  store i64 %x, ptr %d, align 8, !tbaa !5
  ret void
}
${TBAA}`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    const ta = new TypeAnalysis(m, fnOf(m, 'f'));
    expect(ta.report(file)).toEqual([
      '1:20  argument ptr %d  : {0:double}',
      '1:28  argument ptr %s  : {0:double}',
      '2:3  %x = load i64, ptr %s, align 8  : double',
    ]);
    expect(ta.report(null)[2]).toBe('-  %x = load  : double');
  });
});

// ---------------------------------------------------------------------------
// Real compiler output (test/analysis/clang: ta.c and the commands in regen.sh)

const here = (f: string): string => fileURLToPath(new URL(`./clang/${f}`, import.meta.url));

describe.each(['ta14.ll', 'ta19.ll'])('clang output %s', (name) => {
  const file = new SourceFile(name, readFileSync(here(name), 'utf8'));
  const m = parseModule(file);
  const ta = (fn: string): { ta: TypeAnalysis; v: (n: string) => Value } => {
    const f = fnOf(m, fn);
    return { ta: new TypeAnalysis(m, f), v: (n) => val(f, n) };
  };

  test('dot: both arrays are double arrays', () => {
    const { ta: t, v } = ta('dot');
    expect(t.uniform(v('a'))).toBe('double');
    expect(t.uniform(v('b'))).toBe('double');
    expect(t.conflicts()).toEqual([]);
  });

  test('copyp: the struct memcpy (tbaa.struct or typed pointee) is two doubles', () => {
    const { ta: t, v } = ta('copyp');
    expect(t.uniform(v('d'), 16)).toBe('double');
    expect(t.uniform(v('s'), 16)).toBe('double');
  });

  test('cq: the i64 struct copy carries a double', () => {
    const { ta: t, v } = ta('cq');
    expect(t.memoryAt(v('s'))).toBe('double');
    expect(t.memoryAt(v('d'))).toBe('double');
  });

  test('fs: struct {double, int}', () => {
    const { ta: t, v } = ta('fs');
    expect(t.memoryAt(v('s'), 0)).toBe('double');
    expect(t.memoryAt(v('s'), 8)).toBe('integer');
  });

  test('pp: double** with two different inner offsets', () => {
    const { ta: t, v } = ta('pp');
    expect(t.memoryAt(v('p'), 0)).toBe('pointer');
    expect(t.memoryAt(v('p'), 8)).toBe('pointer');
    expect(t.tree(v('p')).get([0, 0, 8])).toBe('double');
    expect(t.tree(v('p')).get([0, 8, 0])).toBe('double');
  });

  test('mk: malloc result used as a double array (vectorized stores)', () => {
    const { ta: t } = ta('mk');
    expect(t.returnTree().get([0, 0])).toBe('double');
    expect(t.conflicts()).toEqual([]);
  });

  test('twice: an untyped buffer deduced from the callee', () => {
    const { ta: t, v } = ta('twice');
    expect(t.uniform(v('buf'))).toBe('double');
  });

  test('every function: analysis terminates', () => {
    for (const f of m.functions) if (!f.isDeclaration) expect(() => new TypeAnalysis(m, f)).not.toThrow();
  });
});

test('swp: typed pointees give the i64 swap its doubles; opaque IR without TBAA cannot', () => {
  for (const [name, expected] of [['ta14.ll', 'double'], ['ta19.ll', null]] as const) {
    const m = parseModule(new SourceFile(name, readFileSync(here(name), 'utf8')));
    const f = fnOf(m, 'swp');
    const t = new TypeAnalysis(m, f);
    const loads = f.blocks.flatMap((b) => b.instructions).filter((i) => i.op === 'load');
    expect(loads.length).toBe(2);
    for (const l of loads) expect(t.valueScalar(l)).toBe(expected);
  }
});

test('punned: reading a double as a long is a conflict in typed IR', () => {
  const m = parseModule(new SourceFile('ta14.ll', readFileSync(here('ta14.ll'), 'utf8')));
  const t = new TypeAnalysis(m, fnOf(m, 'punned'));
  expect(t.conflicts().length).toBeGreaterThan(0);
});
