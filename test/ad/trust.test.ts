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
import { lowerModule } from '../../src/lower/lower.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import type { GradRequest } from '../../src/ad/api.js';
import { hasTool } from '../util/llvm.js';

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

/** Lowers a module whose @main prints numbers, runs it with `lli` and returns what it printed. */
function lowerAndRun(text: string, lli: string): string {
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  lowerModule(m, file);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  const out = join(TMP, `m${Math.random().toString(36).slice(2)}.ll`);
  writeFileSync(out, printModule(m));
  return execFileSync(lli, [out], { encoding: 'utf8' });
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
