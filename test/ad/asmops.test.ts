// Inline assembly with an exact meaning (src/ad/asmops.ts): Eigen's packed min / max and the
// optimization barrier of its rounding trick are differentiated; any other barrier on the active
// path stays E0402 (a derivative through it could be silently wrong).
import { describe, expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModule } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { gradModule } from '../../src/ad/grad.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { hasTool } from '../util/llvm.js';
import { lowerAndRun as lowerAndRunIn } from '../util/lower-run.js';

const TMP = mkdtempSync(join(tmpdir(), 'enzyme-ts-asm-'));

const MAIN = `
@fmt = private constant [10 x i8] c"%.6f %.6f\\00"
declare i32 @printf(ptr, ...)
declare void @__enzyme_autodiff(...)
define i32 @main() {
  %x = alloca <2 x double>
  %dx = alloca <2 x double>
  store <2 x double> <double 0.75, double -0.25>, ptr %x
  store <2 x double> zeroinitializer, ptr %dx
  call void (...) @__enzyme_autodiff(ptr @f, metadata !"enzyme_dup", ptr %x, ptr %dx)
  %d = load <2 x double>, ptr %dx
  %d0 = extractelement <2 x double> %d, i32 0
  %d1 = extractelement <2 x double> %d, i32 1
  call i32 (ptr, ...) @printf(ptr @fmt, double %d0, double %d1)
  ret i32 0
}
`;

function lowerAndRun(text: string): string {
  return lowerAndRunIn(text, 'lli-19', TMP);
}

describe.skipIf(!hasTool('lli-19'))('inline assembly that is rewritten', () => {
  test('minpd / maxpd (Eigen pmin / pmax) differentiate as fcmp + select', () => {
    // f(x) = sum(min(x, 0.5) * 3) + sum(max(x, 0) * 2): d/dx0 = 0 + 2 (x0 = 0.75), d/dx1 = 3 + 0 (x1 = -0.25)
    const text = `
define void @f(ptr %p) {
  %x = load <2 x double>, ptr %p
  %lo = call <2 x double> asm "minpd $1, $0", "=x,x,0,~{dirflag},~{fpsr},~{flags}"(<2 x double> %x, <2 x double> <double 0.5, double 0.5>)
  %hi = call <2 x double> asm "maxpd $1, $0", "=x,x,0,~{dirflag},~{fpsr},~{flags}"(<2 x double> %x, <2 x double> zeroinitializer)
  %a = fmul <2 x double> %lo, <double 3.0, double 3.0>
  %b = fmul <2 x double> %hi, <double 2.0, double 2.0>
  %s = fadd <2 x double> %a, %b
  %s0 = extractelement <2 x double> %s, i32 0
  %s1 = extractelement <2 x double> %s, i32 1
  %t = fadd double %s0, %s1
  %y = insertelement <2 x double> zeroinitializer, double %t, i32 0
  store <2 x double> %y, ptr %p
  ret void
}
${MAIN}`;
    expect(lowerAndRun(text.replace('store <2 x double> zeroinitializer, ptr %dx', 'store <2 x double> <double 1.0, double 0.0>, ptr %dx'))).toBe('2.000000 3.000000');
  });

  test('the rounding barrier |a| + 2^52 (Eigen print / floor) rounds with a zero derivative', () => {
    // f(x) = x - floor-ish(x) + rint(|x|) * 5 -> derivative 1 (the rounded part contributes 0)
    const text = `
declare <2 x double> @llvm.fabs.v2f64(<2 x double>)
define void @f(ptr %p) {
  %slot = alloca <2 x double>, align 16
  %x = load <2 x double>, ptr %p
  %a = call <2 x double> @llvm.fabs.v2f64(<2 x double> %x)
  %r = fadd <2 x double> %a, <double 0x4330000000000000, double 0x4330000000000000>
  store <2 x double> %r, ptr %slot, align 16
  call void asm "", "=*imr|x,0,~{dirflag},~{fpsr},~{flags}"(ptr elementtype(<2 x double>) %slot, <2 x double> %r)
  %l = load <2 x double>, ptr %slot, align 16
  %n = fadd <2 x double> %l, <double 0xC330000000000000, double 0xC330000000000000>
  %k = fmul <2 x double> %n, <double 5.0, double 5.0>
  %y = fadd <2 x double> %x, %k
  store <2 x double> %y, ptr %p
  ret void
}
${MAIN}`;
    expect(lowerAndRun(text.replace('store <2 x double> zeroinitializer, ptr %dx', 'store <2 x double> <double 1.0, double 1.0>, ptr %dx'))).toBe('1.000000 1.000000');
  });
});

describe.skipIf(!hasTool('lli-19'))('sign-bit masks built at -O0', () => {
  test("Eigen's pabs at clang -O0: the 0x7fff... mask built through stack slots stored once is a constant (fabs), not integer arithmetic (E0403)", () => {
    // f(x) = |x| lane-wise, the lanes summed into lane 0 and seeded with 1: d/dx = sign(x) = (1, -1)
    const text = `
define <2 x double> @pabs(ptr %v0) {
  %v2 = alloca i32, align 4
  %v3 = alloca i32, align 4
  %v4 = alloca i32, align 4
  %v5 = alloca i32, align 4
  %v6 = alloca <4 x i32>, align 16
  %v7 = alloca <2 x double>, align 16
  %v8 = alloca <2 x double>, align 16
  %v9 = alloca i32, align 4
  %v10 = alloca i32, align 4
  %v13 = alloca <2 x i64>, align 16
  %v15 = alloca <2 x double>, align 16
  store i32 -1, ptr %v9, align 4
  store i32 2147483647, ptr %v10, align 4
  %v16 = load i32, ptr %v10, align 4
  %v17 = load i32, ptr %v9, align 4
  store i32 %v16, ptr %v2, align 4
  store i32 %v17, ptr %v3, align 4
  store i32 %v16, ptr %v4, align 4
  store i32 %v17, ptr %v5, align 4
  %v20 = load i32, ptr %v5, align 4
  %v21 = insertelement <4 x i32> undef, i32 %v20, i32 0
  %v22 = load i32, ptr %v4, align 4
  %v23 = insertelement <4 x i32> %v21, i32 %v22, i32 1
  %v24 = load i32, ptr %v3, align 4
  %v25 = insertelement <4 x i32> %v23, i32 %v24, i32 2
  %v26 = load i32, ptr %v2, align 4
  %v27 = insertelement <4 x i32> %v25, i32 %v26, i32 3
  store <4 x i32> %v27, ptr %v6, align 16
  %v28 = load <4 x i32>, ptr %v6, align 16
  %v29 = bitcast <4 x i32> %v28 to <2 x i64>
  store <2 x i64> %v29, ptr %v13, align 16
  %v30 = load <2 x i64>, ptr %v13, align 16
  %v31 = bitcast <2 x i64> %v30 to <2 x double>
  store <2 x double> %v31, ptr %v15, align 16
  %v33 = load <2 x double>, ptr %v0, align 16
  %v34 = load <2 x double>, ptr %v15, align 16
  store <2 x double> %v33, ptr %v7, align 16
  store <2 x double> %v34, ptr %v8, align 16
  %v35 = load <2 x double>, ptr %v7, align 16
  %v36 = bitcast <2 x double> %v35 to <2 x i64>
  %v37 = load <2 x double>, ptr %v8, align 16
  %v38 = bitcast <2 x double> %v37 to <2 x i64>
  %v39 = and <2 x i64> %v36, %v38
  %v40 = bitcast <2 x i64> %v39 to <2 x double>
  ret <2 x double> %v40
}
define void @f(ptr %p) {
  %a = call <2 x double> @pabs(ptr %p)
  %a0 = extractelement <2 x double> %a, i32 0
  %a1 = extractelement <2 x double> %a, i32 1
  %t = fadd double %a0, %a1
  %y = insertelement <2 x double> zeroinitializer, double %t, i32 0
  store <2 x double> %y, ptr %p
  ret void
}
${MAIN}`;
    expect(lowerAndRun(text.replace('store <2 x double> zeroinitializer, ptr %dx', 'store <2 x double> <double 1.0, double 0.0>, ptr %dx'))).toBe('1.000000 -1.000000');
    // A mask slot stored twice is not a constant: still E0403.
    const twice = text.replace('store i32 %v16, ptr %v2, align 4', 'store i32 %v16, ptr %v2, align 4\n  store i32 %v17, ptr %v2, align 4');
    const file = new SourceFile('t.ll', twice);
    let code = '';
    try { gradModule(parseModule(file), { fn: 'f', args: ['dup'] }, file); } catch (e) { if (e instanceof DiagnosticError) code = e.diagnostics[0]!.code; else throw e; }
    expect(code).toBe('E0403');
  });
});

test('a barrier around any other value on the active path stays E0402', () => {
  // Eigen's float sin / cos put the barrier on the reduced argument, whose derivative matters.
  const text = `
define double @f(ptr %p) {
  %slot = alloca double, align 8
  %x = load double, ptr %p
  %r = fmul double %x, 3.0
  store double %r, ptr %slot
  call void asm "", "=*imr|x,0,~{dirflag},~{fpsr},~{flags}"(ptr elementtype(double) %slot, double %r)
  %l = load double, ptr %slot
  ret double %l
}
`;
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  let code = '';
  try { gradModule(m, { fn: 'f', args: ['dup'] }, file); } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    code = e.diagnostics[0]!.code;
  }
  expect(code).toBe('E0402');
});
