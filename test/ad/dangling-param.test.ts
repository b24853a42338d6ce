// The dangling address of a zero-sized allocation made of a parameter: Rust's
// `RawVecInner::finish_grow`, left out of line in a debug build, receives the element alignment
// and returns `inttoptr i64 %align to ptr` when the size is 0. Every call of that internal
// function passes a small constant (a few callers up), so the address is dangling and stands
// for its own shadow (it was E0401). A function others may call (external linkage), or a call
// that passes a value that is not such a constant, keeps the error.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../util/llvm.js';
import { lowerAndRun } from '../util/lower-run.js';
import { SourceFile } from '../../src/diag/source.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { lowerModule } from '../../src/lower/lower.js';
import { parseModule } from '../../src/syntax/parse.js';

const MODULE = `@enzyme_dup = external global i32
@enzyme_const = external global i32
@fmt = private constant [19 x i8] c"%.17g %.17g %.17g\\0A\\00"
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
declare ptr @malloc(i64)
declare void @free(ptr)
declare i32 @printf(ptr, ...)

; n doubles, or for n = 0 the dangling address \`align\` (a zero-sized allocation, as Rust's RawVec makes it)
define internal ptr @grow(i64 %n, i64 %align) {
entry:
  %z = icmp eq i64 %n, 0
  br i1 %z, label %dangling, label %alloc
dangling:
  %d = inttoptr i64 %align to ptr
  br label %done
alloc:
  %bytes = mul i64 %n, 8
  %p = call ptr @malloc(i64 %bytes)
  br label %done
done:
  %r = phi ptr [ %d, %dangling ], [ %p, %alloc ]
  ret ptr %r
}

define internal ptr @grow8(i64 %n) {
  %r = call ptr @grow(i64 %n, i64 8)
  ret ptr %r
}

; sum of x[i]^2 * x[i], the squares kept in a buffer from grow8
define double @f(ptr %x, i64 %n) {
entry:
  %buf = call ptr @grow8(i64 %n)
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %out, label %fill
fill:
  %i = phi i64 [ 0, %entry ], [ %i1, %fill ]
  %px = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %px, align 8
  %sq = fmul double %v, %v
  %pb = getelementptr inbounds double, ptr %buf, i64 %i
  store double %sq, ptr %pb, align 8
  %i1 = add nuw i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %fill, label %sum
sum:
  %j = phi i64 [ 0, %fill ], [ %j1, %sum ]
  %s = phi double [ 0.0, %fill ], [ %s1, %sum ]
  %qb = getelementptr inbounds double, ptr %buf, i64 %j
  %b = load double, ptr %qb, align 8
  %qx = getelementptr inbounds double, ptr %x, i64 %j
  %w = load double, ptr %qx, align 8
  %t = fmul double %b, %w
  %s1 = fadd double %s, %t
  %j1 = add nuw i64 %j, 1
  %again = icmp ult i64 %j1, %n
  br i1 %again, label %sum, label %done
done:
  call void @free(ptr %buf)
  br label %out
out:
  %r = phi double [ 0.0, %entry ], [ %s1, %done ]
  ret double %r
}

`;

// f(x) = sum x[i]^3 over n = 3, then over n = 0 (the dangling buffer): the gradient 3 x^2 once.
const MAIN = (entry: 'autodiff' | 'fwddiff'): string => `
define i32 @main() {
  %x = alloca [3 x double], align 8
  %dx = alloca [3 x double], align 8
  store [3 x double] [double 1.5, double -2.0, double 0.5], ptr %x, align 8
  store [3 x double] [double ${entry === 'fwddiff' ? '1.0, double 0.5, double -2.0' : '0.0, double 0.0, double 0.0'}], ptr %dx, align 8
  %r = call double (ptr, ...) @__enzyme_${entry}(ptr @f, ptr @enzyme_dup, ptr %x, ptr %dx, ptr @enzyme_const, i64 3)
  %r0 = call double (ptr, ...) @__enzyme_${entry}(ptr @f, ptr @enzyme_dup, ptr %x, ptr %dx, ptr @enzyme_const, i64 0)
  %d0 = load double, ptr %dx, align 8
  %d1p = getelementptr inbounds double, ptr %dx, i64 1
  %d1 = load double, ptr %d1p, align 8
  %d2p = getelementptr inbounds double, ptr %dx, i64 2
  %d2 = load double, ptr %d2p, align 8
  %p = call i32 (ptr, ...) @printf(ptr @fmt, double ${entry === 'fwddiff' ? '%r, double %r0, double 0.0' : '%d0, double %d1, double %d2'})
  ret i32 0
}
`;

function lowerError(text: string): string {
  const file = new SourceFile('t.ll', text);
  try {
    lowerModule(parseModule(file), file);
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n');
    throw e;
  }
  return '';
}

describe.skipIf(!hasTool('lli-19'))('a dangling address made of a parameter that is always a small constant', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-dangling-'));
  test('reverse: the gradient, and nothing for the empty buffer', () => {
    const out = lowerAndRun(MODULE + MAIN('autodiff'), 'lli-19', tmp).trim().split(' ').map(Number);
    [1.5, -2.0, 0.5].forEach((v, k) => expect(out[k]!).toBeCloseTo(3 * v * v, 12));
  });
  test('forward: the tangent, and 0 for the empty buffer', () => {
    const out = lowerAndRun(MODULE + MAIN('fwddiff'), 'lli-19', tmp).trim().split(' ').map(Number);
    expect(out[0]!).toBeCloseTo(3 * 1.5 * 1.5 * 1.0 + 3 * 4 * 0.5 + 3 * 0.25 * -2.0, 12);
    expect(out[1]).toBe(0);
  });
  test('a function others may call: E0401', () => {
    const text = MODULE.replace('define internal ptr @grow(', 'define ptr @grow(') + MAIN('autodiff');
    expect(lowerError(text)).toMatch(/E0401: cannot differentiate @grow: inttoptr of an integer that does not come from one pointer into active memory/);
  });
  test('a call that passes something else: E0401', () => {
    const text = MODULE.replace('  %r = call ptr @grow(i64 %n, i64 8)', '  %r = call ptr @grow(i64 %n, i64 8)\n  %q = call ptr @grow(i64 %n, i64 %n)') + MAIN('autodiff');
    expect(lowerError(text)).toMatch(/E0401: cannot differentiate @grow: inttoptr of an integer that does not come from one pointer into active memory/);
  });
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});
