// Patterns that gave a wrong derivative, invalid output or an internal error with exit 0 on
// code written elsewhere: each is now right (the numbers are checked by running the
// derivative) or a located error with a code. The C and C++ programs of the same patterns
// are in fixtures/lower/src (run by test/lower/programs.test.ts).
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModule } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { gradModule } from '../../src/ad/grad.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import type { FwdRequest, GradRequest } from '../../src/ad/api.js';
import { fwdModule } from '../../src/ad/fwd.js';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';
import { lowerAndRun as lowerAndRunIn } from '../util/lower-run.js';

const TMP = mkdtempSync(join(tmpdir(), 'enzyme-ts-trust-'));

/** The first diagnostic of differentiating `req.fn` in `text`: its code, message and 1-based line. */
function gradError(text: string, req: GradRequest): { code: string; message: string; line: number } {
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  try {
    gradModule(m, req, file);
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    const d = e.diagnostics[0]!;
    return { code: d.code, message: d.message, line: d.start >= 0 ? file.position(d.start).line : -1 };
  }
  throw new Error(`no error; output:\n${printModule(m)}`);
}

function lowerAndRun(text: string, lli: string): string {
  return lowerAndRunIn(text, lli, TMP);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('indirect calls', () => {
  // The table is written at run time (@install), so its entries cannot be known.
  const TABLE = `
%ops = type { ptr, ptr }
@ops = global %ops { ptr @malloc, ptr @free }
declare ptr @malloc(i64)
declare void @free(ptr)
define void @install(ptr %a) {
  store ptr %a, ptr @ops
  ret void
}
define double @f(ptr %x) {
  %alloc = load ptr, ptr @ops
  %t = call ptr %alloc(i64 8)
  %v = load double, ptr %x
  %sq = fmul double %v, %v
  store double %sq, ptr %t
  %w = load double, ptr %t
  ret double %w
}
`;
  test('an indirect call that cannot be resolved and returns active memory is E0402 at the call', () => {
    const e = gradError(TABLE, { fn: 'f', args: ['dup'] });
    expect(e.code).toBe('E0402');
    expect(e.message).toMatch(/an indirect call touches active data/);
    expect(e.line).toBe(lineOf(TABLE, '%t = call ptr %alloc'));
  });
  test.skipIf(!hasTool('lli-19'))('the same table, never written, resolves to malloc: a zeroed shadow, right numbers', () => {
    const text = `${TABLE.replace(/define void @install[^}]*}/s, '')}
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [10 x i8] c"%.17g %g\\0A\\00"
define i32 @main() {
  %x = alloca double
  %dx = alloca double
  store double 3.0, ptr %x
  store double 0.0, ptr %dx
  call double (...) @__enzyme_autodiff(ptr @f, metadata !"enzyme_dup", ptr %x, ptr %dx)
  %d = load double, ptr %dx
  %p = load double, ptr %x
  call i32 (ptr, ...) @printf(ptr @fmt, double %d, double %p)
  ret i32 0
}
`;
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('6 3');
  });

  // A table of functions the call can only pick from becomes a dispatch on the pointer
  // (src/ad/devirt.ts; the C programs are fixtures/lower/src/fnptr_table.c). When anything lets
  // another pointer in, the call stays unknown: E0402, never a guess.
  const PICK = (decls: string, body: string): string => `
define internal double @sq(double %t) {
  %r = fmul double %t, %t
  ret double %r
}
define internal double @twice(double %t) {
  %r = fadd double %t, %t
  ret double %r
}
@data = global double 1.0
${decls}
define double @f(double %x, i64 %k) {
${body}
  %r = call double %fp(double %x)
  ret double %r
}
`;
  test.skipIf(!hasTool('lli-19'))('a constant table read at a run-time index: each entry differentiated, right numbers', () => {
    const text = `${PICK('@tbl = private constant [2 x ptr] [ptr @sq, ptr @twice]', `  %a = getelementptr [2 x ptr], ptr @tbl, i64 0, i64 %k
  %fp = load ptr, ptr %a`)}
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [10 x i8] c"%.17g %g\\0A\\00"
define i32 @main() {
  %d0 = call double (...) @__enzyme_autodiff(ptr @f, double 3.0, metadata !"enzyme_const", i64 0)
  %d1 = call double (...) @__enzyme_autodiff(ptr @f, double 3.0, metadata !"enzyme_const", i64 1)
  call i32 (ptr, ...) @printf(ptr @fmt, double %d0, double %d1)
  ret i32 0
}
`;
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('6 2');
  });
  const unknown: [string, string, string][] = [
    ['a function pointer argument', '', '  %fp = inttoptr i64 %k to ptr'],
    ['a table that also holds the address of data', '@tbl = private constant [2 x ptr] [ptr @sq, ptr @data]',
      '  %a = getelementptr [2 x ptr], ptr @tbl, i64 0, i64 %k\n  %fp = load ptr, ptr %a'],
    ['a table some function writes', '@tbl = global [2 x ptr] [ptr @sq, ptr @twice]\ndefine void @set(ptr %g) {\n  store ptr %g, ptr @tbl\n  ret void\n}',
      '  %a = getelementptr [2 x ptr], ptr @tbl, i64 0, i64 %k\n  %fp = load ptr, ptr %a'],
    ['a local table whose address escapes into an unknown function', 'declare void @register(ptr)',
      '  %t = alloca [2 x ptr]\n  store ptr @sq, ptr %t\n  %t1 = getelementptr ptr, ptr %t, i64 1\n  store ptr @twice, ptr %t1\n  call void @register(ptr %t)\n  %a = getelementptr ptr, ptr %t, i64 %k\n  %fp = load ptr, ptr %a'],
    ['a table entry of another function type', 'define internal double @two(double %a, double %b) {\n  ret double %a\n}\n@tbl = private constant [2 x ptr] [ptr @sq, ptr @two]',
      '  %a = getelementptr [2 x ptr], ptr @tbl, i64 0, i64 %k\n  %fp = load ptr, ptr %a'],
  ];
  test.each(unknown)('%s: E0402 at the call', (_what, decls, body) => {
    const text = PICK(decls, body);
    const e = gradError(text, { fn: 'f', args: ['active', 'const'] });
    expect(e.code).toBe('E0402');
    expect(e.message).toMatch(/an indirect call touches active data/);
    expect(e.line).toBe(lineOf(text, '%r = call double %fp'));
  });
});

describe('calls of unknown target that may reach globals carrying active data', () => {
  // `g = x * x; cb()`: cb arrives as an argument, so the analysis cannot know it, but it may be
  // @read_g, whose address is taken. Before, cb()'s result was a constant and d/dx came out as
  // x² instead of 3x² (exit 0). The call now tests the pointer against @read_g
  // (src/ad/devirt.ts; the C programs are fixtures/lower/src/fnptr_unknown_global.c).
  const CB = (call: string, tail: string): string => `
@g = global double 0.0
define double @read_g() {
  %v = load double, ptr @g
  ret double %v
}
define double @three() {
  ret double 3.0
}
@keep = global [2 x ptr] [ptr @read_g, ptr @three]
define double @f(double %x, ptr %fp) personality ptr @__gxx_personality_v0 {
  %sq = fmul double %x, %x
  store double %sq, ptr @g
${call}
${tail}
}
declare i32 @__gxx_personality_v0(...)
`;
  test.skipIf(!hasTool('lli-19'))('a call: the functions that use the global are called directly, right numbers for each target', () => {
    const text = `${CB('  %v = call double %fp()', '  %r = fmul double %v, %x\n  ret double %r')}
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [10 x i8] c"%.17g %g\\0A\\00"
define i32 @main() {
  %d0 = call double (...) @__enzyme_autodiff(ptr @f, double 2.0, metadata !"enzyme_const", ptr @read_g)
  %d1 = call double (...) @__enzyme_autodiff(ptr @f, double 2.0, metadata !"enzyme_const", ptr @three)
  call i32 (ptr, ...) @printf(ptr @fmt, double %d0, double %d1)
  ret i32 0
}
`;
    // d/dx (x² · x) = 3x² = 12 at x = 2; d/dx (3 · x) = 3
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('12 3');
  });
  test('an invoke (not dispatched): E0402 naming the function and the global', () => {
    const text = CB('  %v = invoke double %fp() to label %ok unwind label %lp', `ok:
  %r = fmul double %v, %x
  ret double %r
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l`);
    const e = gradError(text, { fn: 'f', args: ['active', 'const'] });
    expect(e.code).toBe('E0402');
    expect(e.message).toMatch(/an indirect call whose target is not known may reach @read_g, which uses the global @g that carries derivatives/);
    expect(e.line).toBe(lineOf(text, '%v = invoke double %fp()'));
  });
  test('a returned pointer: for the pointers it was not tested against its shadow is unknown, E0402', () => {
    const text = `
@arr = global [3 x double] zeroinitializer
define ptr @slot() {
  ret ptr getelementptr ([3 x double], ptr @arr, i64 0, i64 1)
}
@keep = global ptr @slot
define double @f(double %x, ptr %fp) {
  store double %x, ptr getelementptr ([3 x double], ptr @arr, i64 0, i64 1)
  %p = call ptr %fp()
  %v = load double, ptr %p
  %r = fmul double %v, %x
  ret double %r
}
`;
    const e = gradError(text, { fn: 'f', args: ['active', 'const'] });
    expect(e.code).toBe('E0402');
    expect(e.message).toMatch(/an indirect call \(for a pointer other than @slot, which it was tested against\) touches active data/);
    expect(e.line).toBe(lineOf(text, '%p = call ptr %fp()'));
  });
});

describe('declared functions while a global visible outside the module carries active data', () => {
  // `g = x * x; s = get_g() * x;` with get_g defined in another file (`double get_g(void) { return
  // g; }`): the call was taken as a constant and d/dx came out as x² instead of 3x² (exit 0).
  const G = (linkage: string, decl: string): string => `
@g = ${linkage}global double 0.0
${decl}
define double @f(double %x) {
  %sq = fmul double %x, %x
  store double %sq, ptr @g
  %v = call double @get_g()
  %r = fmul double %v, %x
  ret double %r
}
`;
  test('E0402 at the call, naming the function and the global, in both modes', () => {
    const text = G('', 'declare double @get_g()');
    const e = gradError(text, { fn: 'f', args: ['active'] });
    expect(e.code).toBe('E0402');
    expect(e.message).toMatch(/@get_g is only declared, and may read or overwrite @g, a global visible outside this module that carries derivatives/);
    expect(e.line).toBe(lineOf(text, '%v = call double @get_g()'));
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    expect(() => fwdModule(m, { fn: 'f', args: ['dup'] } as FwdRequest, file)).toThrow(/@get_g is only declared/);
  });
  test.skipIf(!hasTool('lli-19'))('declared inactive (--inactive), an internal global, or a function that touches only its arguments\' memory: no error', () => {
    const MAIN = `
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [6 x i8] c"%.17g\\00"
define i32 @main() {
  %d = call double (...) @__enzyme_autodiff(ptr @f, double 2.0)
  call i32 (ptr, ...) @printf(ptr @fmt, double %d)
  ret i32 0
}
`;
    // A definition linked in: the derivative follows the global through it, 3x² = 12.
    const body = 'define double @get_g() {\n  %v = load double, ptr @g\n  ret double %v\n}';
    expect(lowerAndRun(G('', body) + MAIN, 'lli-19').trim()).toBe('12');
    // An internal global cannot be named elsewhere: the declared function is a constant of the derivative.
    expect(runCli(['grad', '-', '-f', 'f'], { input: G('internal ', 'declare double @get_g()') }).code).toBe(0);
    expect(runCli(['grad', '-', '-f', 'f'], { input: G('', 'declare double @get_g() memory(argmem: read)') }).code).toBe(0);
    expect(runCli(['grad', '-', '-f', 'f'], { input: G('', 'declare double @get_g() #0\nattributes #0 = { readnone }') }).code).toBe(0);
    expect(runCli(['grad', '-', '-f', 'f', '--inactive', 'get_g'], { input: G('', 'declare double @get_g()') }).code).toBe(0);
    expect(runCli(['grad', '-', '-f', 'f'], { input: G('', 'declare double @get_g() memory(read)') }).code).toBe(1);
  });
});

describe('mutable globals carrying active data', () => {
  const PRINT = `
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [13 x i8] c"%.17g %.17g\\0A\\00"
`;
  test.skipIf(!hasTool('lli-19'))('a shadow named with !enzyme_shadow receives the adjoint of the global (as a dup argument would)', () => {
    // f(x) = x * g; g' (named @dg) accumulates d f / d g = x, the result is d f / d x = g.
    const text = `${PRINT}
@g = global double 5.0, !enzyme_shadow !0
@dg = global double 0.0
define double @f(double %x) {
  %v = load double, ptr @g
  %r = fmul double %v, %x
  ret double %r
}
define i32 @main() {
  %d = call double (...) @__enzyme_autodiff(ptr @f, double 3.0)
  %s = load double, ptr @dg
  call i32 (ptr, ...) @printf(ptr @fmt, double %d, double %s)
  ret i32 0
}
!0 = !{ptr @dg}
`;
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('5 3');
  });
  test('active data stored through a pointer held in a global: E0409 naming the global, at the store', () => {
    const text = `
@buf = global ptr null
define double @f(double %x) {
  %p = load ptr, ptr @buf
  %sq = fmul double %x, %x
  store double %sq, ptr %p
  %v = load double, ptr %p
  ret double %v
}
`;
    const e = gradError(text, { fn: 'f' });
    expect(e.code).toBe('E0409');
    expect(e.message).toMatch(/active data is stored into memory reached through a pointer held in the global @buf/);
    expect(e.line).toBe(lineOf(text, 'store double %sq'));
  });
  test.skipIf(!hasTool('lli-19'))('split mode (augmentfwd / reverse): a callee writes a global the caller reads; twice in a row', () => {
    // f(x) = sin(x) * s where set(x) stores s = x * x: d f / d x = cos(x) x^2 + 2 x sin(x)
    const text = `${PRINT}
declare ptr @__enzyme_augmentfwd(...)
declare double @__enzyme_reverse(...)
declare double @sin(double)
@s = global double 0.0
define void @set(double %x) {
  %sq = fmul double %x, %x
  store double %sq, ptr @s
  ret void
}
define double @f(double %x) {
  call void @set(double %x)
  %v = load double, ptr @s
  %sn = call double @sin(double %x)
  %r = fmul double %v, %sn
  ret double %r
}
define double @grad(double %x) {
  %t = call ptr (...) @__enzyme_augmentfwd(ptr @f, double %x)
  %d = call double (...) @__enzyme_reverse(ptr @f, double %x, double 1.0, ptr %t)
  ret double %d
}
define i32 @main() {
  %a = call double @grad(double 0.5)
  %b = call double @grad(double 0.5)
  call i32 (ptr, ...) @printf(ptr @fmt, double %a, double %b)
  ret i32 0
}
`;
    const [a, b] = lowerAndRun(text, 'lli-19').trim().split(' ').map(Number);
    const want = Math.cos(0.5) * 0.25 + 2 * 0.5 * Math.sin(0.5);
    expect(a).toBeCloseTo(want, 12);
    expect(b).toBeCloseTo(want, 12);
  });
});

describe('__enzyme_allocation_like', () => {
  test.skipIf(!hasTool('lli-19'))('the attribute form Enzyme\'s preprocessing produces ("enzyme_allocator", !enzyme_deallocator_fn): shadows from the pair', () => {
    // @mk counts allocations, @rm counts frees: the shadow block must go through both.
    const text = `
declare double @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
declare ptr @malloc(i64)
declare void @free(ptr)
@fmt = private constant [13 x i8] c"%.17g %d %d\\0A\\00"
@made = global i32 0
@gone = global i32 0
define ptr @mk(i64 %n) "enzyme_allocator"="0" "enzyme_deallocator"="-1" !enzyme_deallocator_fn !0 {
  %c = load i32, ptr @made
  %c1 = add i32 %c, 1
  store i32 %c1, ptr @made
  %p = call ptr @malloc(i64 %n)
  ret ptr %p
}
define void @rm(ptr %p) {
  %c = load i32, ptr @gone
  %c1 = add i32 %c, 1
  store i32 %c1, ptr @gone
  call void @free(ptr %p)
  ret void
}
define double @f(double %x) {
  %t = call ptr @mk(i64 8)
  %sq = fmul double %x, %x
  store double %sq, ptr %t
  %v = load double, ptr %t
  %r = fmul double %v, %x
  call void @rm(ptr %t)
  ret double %r
}
define i32 @main() {
  %d = call double (...) @__enzyme_autodiff(ptr @f, double 2.0)
  %a = load i32, ptr @made
  %b = load i32, ptr @gone
  call i32 (ptr, ...) @printf(ptr @fmt, double %d, i32 %a, i32 %b)
  ret i32 0
}
!0 = !{ptr @rm}
`;
    // d(x^3)/dx = 12 at 2; the primal and the shadow block: two allocations, two frees.
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('12 2 2');
  });
});

describe('internal errors on valid input', () => {
  /** `enzyme-ts check` on `text` (a module of LLVM `v`): it must differentiate and agree with finite differences. */
  function checkOk(text: string, args: string[]): void {
    const file = join(TMP, `c${Math.random().toString(36).slice(2)}.ll`);
    writeFileSync(file, text);
    const r = runCli(['check', file, ...args]);
    expect(r.stderr + r.stdout).toMatch(/^ok: \d+ values agree/m);
    expect(r.code).toBe(0);
  }
  test.skipIf(!hasTool('lli'))('an allocator declared with a 32-bit size (i8* @malloc(i32)) and the tape the loop needs', () => {
    checkOk(`
declare noalias i8* @malloc(i32)
declare void @free(i8*)
declare double @exp(double)
define double @f(double* %x, i32 %n) {
entry:
  %bytes = shl i32 %n, 3
  %p = call noalias i8* @malloc(i32 %bytes)
  %d = bitcast i8* %p to double*
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s1, %loop ]
  %xi.p = getelementptr double, double* %x, i32 %i
  %xi = load double, double* %xi.p
  %e = call double @exp(double %xi)
  %di.p = getelementptr double, double* %d, i32 %i
  store double %e, double* %di.p
  %m = fmul double %e, %s
  %s1 = fadd double %m, %xi
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %v = load double, double* %d
  %r = fadd double %s1, %v
  call void @free(i8* %p)
  ret double %r
}
`, ['-f', 'f', '--args', 'dup,const', '--at', '[0.1 0.2 0.3],3']);
  });
  test.skipIf(!hasTool('lli'))('an internal fastcc callee returning a block from malloc declared as double* @malloc(i64)', () => {
    checkOk(`
declare double* @malloc(i64)
define internal fastcc nonnull double* @fill(double* %src) {
top:
  %v = load double, double* %src, align 8
  %buf = call noalias nonnull double* @malloc(i64 24)
  br label %loop
loop:
  %i = phi i64 [ 0, %top ], [ %i.next, %loop ]
  %p = getelementptr inbounds double, double* %buf, i64 %i
  %w = fmul double %v, 2.0
  store double %w, double* %p, align 8
  %i.next = add nuw nsw i64 %i, 1
  %more = icmp ne i64 %i.next, 3
  br i1 %more, label %loop, label %done
done:
  ret double* %buf
}
define internal fastcc nonnull double* @wrap(double* %a) {
  %r = call fastcc nonnull double* @fill(double* %a)
  ret double* %r
}
define double @f(double* %x) {
  %b = call fastcc nonnull double* @wrap(double* %x)
  %q = getelementptr inbounds double, double* %b, i64 2
  %v = load double, double* %q, align 8
  %s = fmul double %v, %v
  ret double %s
}
`, ['-f', 'f', '--at', '[1.5]']);
  });
  test.skipIf(!hasTool('lli-19'))('llvm.memcpy from another address space: the adjoint moves back through an addrspacecast', () => {
    const text = `
declare void @llvm.memcpy.p0.p1.i64(ptr noalias nocapture writeonly, ptr addrspace(1) noalias nocapture readonly, i64, i1 immarg)
define double @f(ptr addrspace(1) %x) {
  %buf = alloca [2 x double], align 8
  call void @llvm.memcpy.p0.p1.i64(ptr %buf, ptr addrspace(1) %x, i64 16, i1 false)
  %p1 = getelementptr double, ptr %buf, i64 1
  %a = load double, ptr %buf
  %b = load double, ptr %p1
  %m = fmul double %a, %b
  %r = fmul double %m, %a
  ret double %r
}
`;
    const main = `
declare i32 @printf(ptr, ...)
@fmt = private constant [13 x i8] c"%.17g %.17g\\0A\\00"
define i32 @main() {
  %x = alloca [2 x double]
  %dx = alloca [2 x double]
  %x1 = getelementptr double, ptr %x, i64 1
  %dx1 = getelementptr double, ptr %dx, i64 1
  store double 1.5, ptr %x
  store double 2.5, ptr %x1
  store double 0.0, ptr %dx
  store double 0.0, ptr %dx1
  %xa = addrspacecast ptr %x to ptr addrspace(1)
  %dxa = addrspacecast ptr %dx to ptr addrspace(1)
  call { double } @diffef(ptr addrspace(1) %xa, ptr addrspace(1) %dxa, double 1.0)
  %a = load double, ptr %dx
  %b = load double, ptr %dx1
  call i32 (ptr, ...) @printf(ptr @fmt, double %a, double %b)
  ret i32 0
}
`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    gradModule(m, { fn: 'f', args: ['dup'] }, file);
    expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
    const out = join(TMP, 'as.ll');
    writeFileSync(out, printModule(m) + main);
    execFileSync('llvm-as-19', [out, '--disable-output']);
    // f = a^2 b: d/da = 2ab = 7.5, d/db = a^2 = 2.25
    expect(execFileSync('lli-19', [out], { encoding: 'utf8' }).trim()).toBe('7.5 2.25');
  });
});

describe('vector memory intrinsics (vector GEPs, masked and vp forms)', () => {
  test.skipIf(!hasTool('lli-19'))('vp.load / vp.store / vp.gather / vp.scatter with masks, a length and repeated addresses agree with finite differences', () => {
    const r = runCli(['check', 'test/ad/inputs/vp_memory.ll', '-f', 'f', '--args', 'dup,dup', '--at', '[1.5 -0.5 2.0 0.75 1.25 -1.0],[0 0 0 0 0 0 0 0 0 0]']);
    expect(r.stdout + r.stderr).toMatch(/^ok: 17 values agree/m);
    expect(r.code).toBe(0);
  });
  test('strided vp loads and stores are differentiated (valid IR; LLVM 19 cannot compile them for x86 to run)', () => {
    const text = `
declare <4 x double> @llvm.experimental.vp.strided.load.v4f64.p0.i64(ptr, i64, <4 x i1>, i32)
declare void @llvm.experimental.vp.strided.store.v4f64.p0.i64(<4 x double>, ptr, i64, <4 x i1>, i32)
define void @f(ptr %x, ptr %y, i64 %stride) {
  %s = call <4 x double> @llvm.experimental.vp.strided.load.v4f64.p0.i64(ptr %x, i64 %stride, <4 x i1> <i1 1, i1 1, i1 0, i1 1>, i32 3)
  %sq = fmul <4 x double> %s, %s
  call void @llvm.experimental.vp.strided.store.v4f64.p0.i64(<4 x double> %sq, ptr %y, i64 16, <4 x i1> <i1 1, i1 1, i1 0, i1 1>, i32 3)
  ret void
}
`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    gradModule(m, { fn: 'f', args: ['dup', 'dup', 'const'] }, file);
    expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
    const out = printModule(m);
    expect(out).toMatch(/call void @__enzyme_ts_vstore_adj_strided_v4double|call <4 x double> @__enzyme_ts_vstore_adj_strided_v4double/);
    expect(out).toMatch(/call void @__enzyme_ts_vload_adj_strided_v4double/);
    if (hasTool('llvm-as-19')) {
      const path = join(TMP, 'strided.ll');
      writeFileSync(path, out);
      execFileSync('llvm-as-19', [path, '--disable-output']);
    }
  });
  test.skipIf(!hasTool('lli'))('the bits of an active float packed into an i64 with an int (a struct { float; int } by value, clang -O2): derivatives agree with finite differences through the call and the returned { i64, float }, both modes, widths 1 and 2 (silently lost, then E0403)', () => {
    // clang -O2 for `struct { float x; int k; }` passed to and returned from a helper by value
    const text = `
define internal { i64, float } @h(i64 %u, float %y) {
  %lo = trunc i64 %u to i32
  %hi = and i64 %u, -4294967296
  %x = bitcast i32 %lo to float
  %m = fmul float %x, %y
  %mb = bitcast float %m to i32
  %mz = zext i32 %mb to i64
  %p = or i64 %hi, %mz
  %r0 = insertvalue { i64, float } poison, i64 %p, 0
  %r1 = insertvalue { i64, float } %r0, float %x, 1
  ret { i64, float } %r1
}
define double @f(double %a, i32 %k) {
  %x = fptrunc double %a to float
  %xb = bitcast float %x to i32
  %xz = zext i32 %xb to i64
  %kz = zext i32 %k to i64
  %ks = shl i64 %kz, 32
  %u = or i64 %ks, %xz
  %r = call { i64, float } @h(i64 %u, float %x)
  %r0 = extractvalue { i64, float } %r, 0
  %t = trunc i64 %r0 to i32
  %v = bitcast i32 %t to float
  %d = fpext float %v to double
  %kk = ashr i64 %r0, 32
  %kf = sitofp i64 %kk to double
  %w = extractvalue { i64, float } %r, 1
  %wd = fpext float %w to double
  %s = fmul double %d, %kf
  %z = fadd double %s, %wd
  ret double %z
}
`;
    const file = join(TMP, 'packed.ll');
    writeFileSync(file, text);
    // f = k a^2 + a (in float): at a = 1.5, k = 3 the derivative is 6a + 1 = 10
    for (const extra of [[], ['--width', '2']]) {
      const r = runCli(['check', file, '-f', 'f', '--args', 'active,const', '--at', '1.5,3', ...extra]);
      expect(r.stdout + r.stderr).toMatch(/^ok: \d+ values agree/m);
      expect(r.code).toBe(0);
    }
    const out = runCli(['grad', file, '-f', 'f', '--args', 'active,const']);
    expect(out.stdout).toMatch(/define internal \{ i64, float \} @reverse_h\(i64 %u, float %y, \{ i64, float \} %differeturn/);
    // forward mode, widths 1 and 2, against the closed form (check's forward differences of float code are taken in float)
    const main = `
@fmt = private constant [11 x i8] c"%.6f %.6f\\0A\\00"
declare i32 @printf(ptr, ...)
define i32 @main() {
  %r = call { double, double } @fwddiffef(double 1.5, double 1.0, i32 3)
  %p = extractvalue { double, double } %r, 0
  %t = extractvalue { double, double } %r, 1
  call i32 (ptr, ...) @printf(ptr @fmt, double %p, double %t)
  %r2 = call { double, [2 x double] } @fwddiffe2f(double 1.5, [2 x double] [double 1.0, double -2.0], i32 3)
  %t2 = extractvalue { double, [2 x double] } %r2, 1
  %a = extractvalue [2 x double] %t2, 0
  %b = extractvalue [2 x double] %t2, 1
  call i32 (ptr, ...) @printf(ptr @fmt, double %a, double %b)
  ret i32 0
}
`;
    const m1 = new SourceFile('t.ll', text);
    const mod = parseModule(m1);
    fwdModule(mod, { fn: 'f', args: ['dup', 'const'] }, m1);
    fwdModule(mod, { fn: 'f', args: ['dup', 'const'], width: 2, name: 'fwddiffe2f' }, m1);
    expect(verifyModule(mod, null).map((d) => d.message)).toEqual([]);
    const path = join(TMP, 'packed-fwd.ll');
    writeFileSync(path, printModule(mod) + main);
    if (hasTool('lli-19')) {
      execFileSync('llvm-as-19', [path, '--disable-output']);
      expect(execFileSync('lli-19', [path], { encoding: 'utf8' }).trim().split('\n')).toEqual(['8.250000 10.000000', '10.000000 -20.000000']);
    }
  });
  test('floating bits in an integer that are not simply moved: E0403 at the instruction (integer arithmetic on them, a mask that splits a field, a callee that reads them as an integer), both modes', () => {
    const add = `
define internal i64 @bump(i64 %u) {
  %v = add i64 %u, 4294967296
  ret i64 %v
}
define double @f(double %a, i32 %k) {
  %x = fptrunc double %a to float
  %xb = bitcast float %x to i32
  %xz = zext i32 %xb to i64
  %kz = zext i32 %k to i64
  %ks = shl i64 %kz, 32
  %u = or i64 %ks, %xz
  %r = call i64 @bump(i64 %u)
  %t = trunc i64 %r to i32
  %v = bitcast i32 %t to float
  %d = fpext float %v to double
  ret double %d
}
`;
    for (const e of [gradError(add, { fn: 'f', args: ['active', 'const'] }), fwdError(add, { fn: 'f', args: ['dup', 'const'] })]) {
      expect(e.code).toBe('E0403');
      expect(e.line).toBe(lineOf(add, 'call i64 @bump'));
    }
    const split = `
define double @f(double %a) {
  %b = bitcast double %a to i64
  %lo = and i64 %b, 4294967295
  %c = bitcast i64 %lo to double
  ret double %c
}
`;
    for (const e of [gradError(split, { fn: 'f', args: ['active'] }), fwdError(split, { fn: 'f', args: ['dup'] })]) {
      expect(e.code).toBe('E0403');
      expect(e.line).toBe(lineOf(split, 'bitcast i64 %lo to double'));
    }
  });
  test.skipIf(!hasTool('lli'))('an aggregate of floats and an integer ({ double, i32 }: a struct returned by value; { <2 x float>, i32 }) built, returned, called, stored and loaded: derivatives agree with finite differences, both modes, widths 1 and 2 (it was silently lost, then E0401)', () => {
    const text = `
define { double, i32 } @h(double %a, i32 %k) {
  %m = fmul double %a, %a
  %r0 = insertvalue { double, i32 } poison, double %m, 0
  %r1 = insertvalue { double, i32 } %r0, i32 %k, 1
  ret { double, i32 } %r1
}
define { <2 x float>, i32 } @v(float %a, float %b, i32 %k) {
  %p = insertelement <2 x float> poison, float %a, i64 0
  %q = insertelement <2 x float> %p, float %b, i64 1
  %s = fmul <2 x float> %q, %q
  %r0 = insertvalue { <2 x float>, i32 } poison, <2 x float> %s, 0
  %r1 = insertvalue { <2 x float>, i32 } %r0, i32 %k, 1
  ret { <2 x float>, i32 } %r1
}
define double @g(ptr %p) {
  %v = load { double, i32 }, ptr %p
  %d = extractvalue { double, i32 } %v, 0
  %k = extractvalue { double, i32 } %v, 1
  %kf = sitofp i32 %k to double
  %e = fmul double %d, %kf
  ret double %e
}
define double @f(double %a, i32 %k) {
  %s = alloca { double, i32 }
  %r = call { double, i32 } @h(double %a, i32 %k)
  store { double, i32 } %r, ptr %s
  %v = load { double, i32 }, ptr %s
  %k2 = extractvalue { double, i32 } %v, 1
  %g = sitofp i32 %k2 to double
  %x = extractvalue { double, i32 } %v, 0
  %y = fmul double %x, %g
  %af = fptrunc double %a to float
  %w = call { <2 x float>, i32 } @v(float %af, float 2.0, i32 %k)
  %wv = extractvalue { <2 x float>, i32 } %w, 0
  %w0 = extractelement <2 x float> %wv, i64 1
  %w1 = extractelement <2 x float> %wv, i64 0
  %wp = fmul float %w0, %w1
  %wd = fpext float %wp to double
  %z = fadd double %y, %wd
  ret double %z
}
define double @fd(double %a, i32 %k) {
  %s = alloca { double, i32 }
  %r = call { double, i32 } @h(double %a, i32 %k)
  store { double, i32 } %r, ptr %s
  %v = load { double, i32 }, ptr %s
  %x = extractvalue { double, i32 } %v, 0
  %g = fmul double %x, 3.0
  %y = fmul double %x, %g
  ret double %y
}
`;
    const file = join(TMP, 'mixagg.ll');
    writeFileSync(file, text);
    for (const extra of [[], ['--width', '2']]) {
      // forward mode on the double part (check's forward finite differences of float code are taken in float)
      for (const [fn, args, mode] of [['f', 'active,const', []], ['fd', 'active,const', []], ['fd', 'dup,const', ['--forward']]] as const) {
        const r = runCli(['check', file, '-f', fn, '--args', args, '--at', '1.5,3', ...mode, ...extra]);
        expect(r.stdout + r.stderr).toMatch(/^ok: \d+ values agree/m);
        expect(r.code).toBe(0);
      }
    }
  });
  test('an aggregate of floats and an integer loaded from memory whose layout is not known (a pointer argument): E0403 at the load, both modes', () => {
    const text = `
define double @g(ptr %p) {
  %v = load { double, i32 }, ptr %p
  %d = extractvalue { double, i32 } %v, 0
  ret double %d
}
define double @q(double %a, double %b) {
  %s = alloca [4 x float]
  %af = fptrunc double %a to float
  %bf = fptrunc double %b to float
  store float %af, ptr %s
  %s1 = getelementptr inbounds float, ptr %s, i64 1
  store float %bf, ptr %s1
  %v = load { i64, <2 x float> }, ptr %s
  %w = extractvalue { i64, <2 x float> } %v, 0
  %t = trunc i64 %w to i32
  %x = bitcast i32 %t to float
  %d = fpext float %x to double
  ret double %d
}
`;
    for (const e of [gradError(text, { fn: 'g', args: ['dup'] }), fwdError(text, { fn: 'g', args: ['dup'] })]) {
      expect(e.code).toBe('E0403');
      expect(e.line).toBe(lineOf(text, 'load { double, i32 }, ptr %p'));
    }
  });
  test.skipIf(!hasTool('lli-19'))('the same aggregate loaded from a stack slot whose floats are known: the i64 is read as its two floats (src/ad/mixedsplit.ts), right numbers in both modes', () => {
    // q(a, b) = (double)(float)a: d/da = 1, d/db = 0 (was E0403 at the load).
    const text = `
define double @q(double %a, double %b) {
  %s = alloca [4 x float]
  %af = fptrunc double %a to float
  %bf = fptrunc double %b to float
  store float %af, ptr %s
  %s1 = getelementptr inbounds float, ptr %s, i64 1
  store float %bf, ptr %s1
  %s2 = getelementptr inbounds float, ptr %s, i64 2
  store float %bf, ptr %s2
  %s3 = getelementptr inbounds float, ptr %s, i64 3
  store float %af, ptr %s3
  %v = load { i64, <2 x float> }, ptr %s
  %w = extractvalue { i64, <2 x float> } %v, 0
  %t = trunc i64 %w to i32
  %x = bitcast i32 %t to float
  %h = lshr i64 %w, 32
  %ht = trunc i64 %h to i32
  %y = bitcast i32 %ht to float
  %u = extractvalue { i64, <2 x float> } %v, 1
  %z = extractelement <2 x float> %u, i64 1
  %xy = fmul float %x, %y
  %xyz = fmul float %xy, %z
  %d = fpext float %xyz to double
  ret double %d
}
declare { double, double } @__enzyme_autodiff(...)
declare double @__enzyme_fwddiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [13 x i8] c"%g %g %g %g\\0A\\00"
define i32 @main() {
  %g = call { double, double } (...) @__enzyme_autodiff(ptr @q, double 1.5, double 2.5)
  %ga = extractvalue { double, double } %g, 0
  %gb = extractvalue { double, double } %g, 1
  %ta = call double (...) @__enzyme_fwddiff(ptr @q, double 1.5, double 1.0, double 2.5, double 0.0)
  %tb = call double (...) @__enzyme_fwddiff(ptr @q, double 1.5, double 0.0, double 2.5, double 1.0)
  call i32 (ptr, ...) @printf(ptr @fmt, double %ga, double %gb, double %ta, double %tb)
  ret i32 0
}
`;
    // q = a^2 b: (2ab, a^2) = (7.5, 2.25), in reverse and forward mode.
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('7.5 2.25 7.5 2.25');
  });
  test('a vector memory intrinsic the tool does not differentiate (expandload) on active data is an error, not inactive', () => {
    const text = `
declare <4 x double> @llvm.masked.expandload.v4f64(ptr, <4 x i1>, <4 x double>)
declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)
define double @f(ptr %x) {
  %v = call <4 x double> @llvm.masked.expandload.v4f64(ptr %x, <4 x i1> <i1 1, i1 0, i1 1, i1 1>, <4 x double> zeroinitializer)
  %r = call double @llvm.vector.reduce.fadd.v4f64(double 0.0, <4 x double> %v)
  ret double %r
}
`;
    const e = gradError(text, { fn: 'f', args: ['dup'] });
    expect(e.code).toBe('E0402');
    expect(e.line).toBe(lineOf(text, 'expandload.v4f64(ptr %x'));
  });
});

describe('invalid output', () => {
  test('a variadic function that reads its arguments: E0401 at va_start (its copy in the derivative was invalid IR)', () => {
    const text = `
declare void @llvm.va_start.p0(ptr)
declare void @llvm.va_end.p0(ptr)
define double @vsum(i32 %n, ...) {
  %ap = alloca [24 x i8]
  call void @llvm.va_start.p0(ptr %ap)
  %v = va_arg ptr %ap, double
  call void @llvm.va_end.p0(ptr %ap)
  ret double %v
}
`;
    const e = gradError(text, { fn: 'vsum' });
    expect(e.code).toBe('E0401');
    expect(e.message).toMatch(/a variadic function that reads its variable arguments/);
    expect(e.line).toBe(lineOf(text, 'call void @llvm.va_start.p0(ptr %ap)'));
  });
});

/** The first diagnostic of a forward derivative of `req.fn` in `text`. */
function fwdError(text: string, req: FwdRequest): { code: string; message: string; line: number } {
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  try {
    fwdModule(m, req, file);
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    const d = e.diagnostics[0]!;
    return { code: d.code, message: d.message, line: d.start >= 0 ? file.position(d.start).line : -1 };
  }
  throw new Error(`no error; output:\n${printModule(m)}`);
}

describe('forward mode shares the refusals (never a wrong tangent)', () => {
  const CAUGHT = `
declare i32 @__gxx_personality_v0(...)
define double @g(double %x) {
  %y = fmul double %x, %x
  ret double %y
}
define double @f(double %x) personality ptr @__gxx_personality_v0 {
entry:
  %r = invoke double @g(double %x) to label %ok unwind label %lp
ok:
  ret double %r
lp:
  %l = landingpad { ptr, i32 } catch ptr null
  ret double 0.0
}
`;
  test('an exception caught inside the function and returned from: E0401 at the invoke, both modes', () => {
    for (const e of [gradError(CAUGHT, { fn: 'f' }), fwdError(CAUGHT, { fn: 'f' })]) {
      expect(e.code).toBe('E0401');
      expect(e.message).toMatch(/an exception caught inside the function/);
      expect(e.line).toBe(lineOf(CAUGHT, 'invoke double @g'));
    }
  });
  test('active data stored through a pointer held in a global: E0409 in forward mode too', () => {
    const text = `
@buf = global ptr null
define double @f(double %x) {
  %p = load ptr, ptr @buf
  %sq = fmul double %x, %x
  store double %sq, ptr %p
  %v = load double, ptr %p
  ret double %v
}
`;
    const e = fwdError(text, { fn: 'f' });
    expect(e.code).toBe('E0409');
    expect(e.line).toBe(lineOf(text, 'store double %sq'));
  });
  test('an active value stored into a local array whose pointer a select joins with a const argument: E0401 at the store, both modes (fuzz-grad 888-94: the derivative was silently 0)', () => {
    const text = `
define double @f(ptr %c, double %a) {
  %m = alloca [4 x float]
  %v = fptrunc double %a to float
  %m3 = getelementptr float, ptr %m, i64 3
  store float %v, ptr %m3
  %c2 = getelementptr float, ptr %c, i64 2
  %cond = fcmp olt double %a, 1.0
  %p = select i1 %cond, ptr %m3, ptr %c2
  %l = load float, ptr %p
  %r = fpext float %l to double
  ret double %r
}
`;
    for (const e of [gradError(text, { fn: 'f', args: ['const', 'active'] }), fwdError(text, { fn: 'f', args: ['const', 'dup'] })]) {
      expect(e.code).toBe('E0401');
      expect(e.message).toMatch(/store of an active value goes to memory whose pointer also stands for const memory/);
      expect(e.line).toBe(lineOf(text, 'store float %v'));
    }
  });
  test('a vector memory intrinsic the tool does not differentiate (expandload) on active data: E0402 in forward mode too', () => {
    const text = `
declare <4 x double> @llvm.masked.expandload.v4f64(ptr, <4 x i1>, <4 x double>)
declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)
define double @f(ptr %x) {
  %v = call <4 x double> @llvm.masked.expandload.v4f64(ptr %x, <4 x i1> <i1 1, i1 0, i1 1, i1 1>, <4 x double> zeroinitializer)
  %r = call double @llvm.vector.reduce.fadd.v4f64(double 0.0, <4 x double> %v)
  ret double %r
}
`;
    const e = fwdError(text, { fn: 'f', args: ['dup'] });
    expect(e.code).toBe('E0402');
    expect(e.line).toBe(lineOf(text, 'expandload.v4f64(ptr %x'));
  });
});

describe('vectors of pointers that only reach comparisons', () => {
  // The vectorizers' run-time overlap checks pack an output (dup) and a const table into one
  // `<N x ptr>` and compare it lane by lane (KISS FFT at clang 19 -O2). Nothing is accessed
  // through the vector: it must not join the output's memory class with the table's (which
  // made the output const inside the function: E0470, and no derivative through it).
  const F = `
define void @f(ptr %out, ptr %x, ptr %tw) {
entry:
  %v0 = insertelement <2 x ptr> poison, ptr %out, i64 0
  %v1 = insertelement <2 x ptr> %v0, ptr %tw, i64 1
  %g = getelementptr i8, <2 x ptr> %v1, <2 x i64> <i64 16, i64 16>
  %s0 = insertelement <2 x ptr> poison, ptr %x, i64 0
  %s = shufflevector <2 x ptr> %s0, <2 x ptr> poison, <2 x i32> zeroinitializer
  %c = icmp ult <2 x ptr> %s, %g
  %c0 = extractelement <2 x i1> %c, i64 0
  %c1 = extractelement <2 x i1> %c, i64 1
  %any = or i1 %c0, %c1
  br i1 %any, label %a, label %b
a:
  br label %b
b:
  %x0 = load double, ptr %x
  %t0 = load double, ptr %tw
  %p = fmul double %x0, %t0
  store double %p, ptr %out
  %o0 = load double, ptr %out
  %x1p = getelementptr double, ptr %x, i64 1
  %x1 = load double, ptr %x1p
  %q = fmul double %o0, %x1
  %out1 = getelementptr double, ptr %out, i64 1
  store double %q, ptr %out1
  ret void
}
declare void @__enzyme_autodiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [10 x i8] c"%g %g %g\\0A\\00"
define i32 @main() {
  %out = alloca [2 x double]
  %dout = alloca [2 x double]
  %x = alloca [2 x double]
  %dx = alloca [2 x double]
  %tw = alloca double
  store [2 x double] [double 0.0, double 0.0], ptr %out
  store [2 x double] [double 1.0, double 1.0], ptr %dout
  store [2 x double] [double 2.0, double 3.0], ptr %x
  store [2 x double] [double 0.0, double 0.0], ptr %dx
  store double 5.0, ptr %tw
  call void (...) @__enzyme_autodiff(ptr @f, metadata !"enzyme_dup", ptr %out, ptr %dout, metadata !"enzyme_dup", ptr %x, ptr %dx, metadata !"enzyme_const", ptr %tw)
  %d0 = load double, ptr %dx
  %dx1 = getelementptr double, ptr %dx, i64 1
  %d1 = load double, ptr %dx1
  %o1p = getelementptr double, ptr %out, i64 1
  %o1 = load double, ptr %o1p
  call i32 (ptr, ...) @printf(ptr @fmt, double %d0, double %d1, double %o1)
  ret i32 0
}
`;
  // out = [x0 t0, x0 t0 x1], seeded with [1, 1]: d/dx0 = t0 + t0 x1 = 20, d/dx1 = x0 t0 = 10.
  test.skipIf(!hasTool('lli-19'))('the output keeps its shadow: right numbers', () => {
    expect(lowerAndRun(F, 'lli-19').trim()).toBe('20 10 30');
  });
  test('a vector of pointers that reaches memory still joins its lanes (a load through a lane of a dup and a const pointer is refused)', () => {
    const text = F.replace('%any = or i1 %c0, %c1', '%any = or i1 %c0, %c1\n  %l = extractelement <2 x ptr> %g, i64 1\n  %lv = load double, ptr %l\n  store double %lv, ptr %out')
      .replace(/declare void @__enzyme_autodiff[\s\S]*$/, '');
    const e = gradError(text, { fn: 'f', args: ['dup', 'dup', 'const'] });
    expect(e.code).toMatch(/^E04/);
    expect(e.message).toMatch(/joins a dup pointer and a const pointer/);
  });
});

describe('tables of the addresses of globals carrying active data', () => {
  // clang -O0 fills `double *r[2] = {G, G}` by copying a constant table into the local array
  // (fuzz 23232-328): the copy must give the local array a shadow (the table's stand-in of shadow
  // addresses), and a function naming only the table reaches the global it holds.
  const TAB = `
@G = internal global [2 x double] [double 1.0, double 2.0]
@tab = private unnamed_addr constant [2 x ptr] [ptr @G, ptr @G]
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
define internal double @h() noinline {
  %t = alloca [2 x ptr]
  call void @llvm.memcpy.p0.p0.i64(ptr %t, ptr @tab, i64 16, i1 false)
  %p1 = getelementptr [2 x ptr], ptr %t, i64 0, i64 1
  %p = load ptr, ptr %p1
  %v = load double, ptr %p
  ret double %v
}
define double @f(ptr %x) {
  %xv = load double, ptr %x
  %g0 = load double, ptr @G
  %s = fadd double %g0, %xv
  store double %s, ptr @G
  %v = call double @h()
  %r = fmul double %v, %v
  ret double %r
}
declare void @__enzyme_autodiff(...)
declare double @__enzyme_fwddiff(...)
declare i32 @printf(ptr, ...)
@fmt = private constant [7 x i8] c"%g %g\\0A\\00"
define i32 @main() {
  %x = alloca double
  %dx = alloca double
  store double 3.0, ptr %x
  store double 0.0, ptr %dx
  call void (...) @__enzyme_autodiff(ptr @f, metadata !"enzyme_dup", ptr %x, ptr %dx)
  store [2 x double] [double 1.0, double 2.0], ptr @G
  %tx = alloca double
  store double 1.0, ptr %tx
  %t = call double (...) @__enzyme_fwddiff(ptr @f, metadata !"enzyme_dup", ptr %x, ptr %tx)
  %d = load double, ptr %dx
  call i32 (ptr, ...) @printf(ptr @fmt, double %d, double %t)
  ret i32 0
}
`;
  // f = (G[0] + x)^2 with G[0] = 1: d/dx = 2 (1 + x) = 8 at x = 3, in both modes.
  test.skipIf(!hasTool('lli-19'))('a local copy of the table, read in a callee: right numbers in reverse and forward mode', () => {
    expect(lowerAndRun(TAB, 'lli-19').trim()).toBe('8 8');
  });
  test.skipIf(!hasTool('lli-19'))('the same table read directly (a table load) in the callee', () => {
    const text = TAB.replace(/  %t = alloca \[2 x ptr\]\n  call void @llvm.memcpy[^\n]*\n  %p1 = getelementptr \[2 x ptr\], ptr %t/, '  %p1 = getelementptr [2 x ptr], ptr @tab');
    expect(text).toContain('ptr @tab, i64 0, i64 1');
    expect(lowerAndRun(text, 'lli-19').trim()).toBe('8 8');
  });
});
