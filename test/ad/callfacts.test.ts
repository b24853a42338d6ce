// What a caller knows of its pointer arguments is handed to callees that read or write integers
// through them (src/ad/callfacts.ts). The callee's canonicalization must see the same facts as its
// checks: `reset` stores the bits of 1.5 as an i64 (clang -O2 stores float constants so) into
// memory the caller knows holds doubles; canonicalized without those facts it stayed an integer
// store, which the checks (with them) refused as E0403 (fuzz-grad 8129-24, clang 19 -O1 / -O2).
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../util/llvm.js';
import { lowerAndRun } from '../util/lower-run.js';

const MODULE = `@enzyme_dup = external global i32
@fmt = private constant [13 x i8] c"%.17g %.17g\\0A\\00"
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
declare i32 @printf(ptr, ...)

; x[0] = 1.5, written as the bits of the double (clang -O2 stores float constants so)
define internal void @reset(ptr %p) noinline {
  store i64 4609434218613702656, ptr %p, align 8
  ret void
}

; f(x) = (x[0] after reset) * x[1] * x[1] + x[0] * 0 = 1.5 * x[1]^2
define double @f(ptr %x) {
  %a = load double, ptr %x, align 8
  %sq = fmul double %a, %a
  %p1 = getelementptr inbounds double, ptr %x, i64 1
  %b = load double, ptr %p1, align 8
  %t = fmul double %b, %sq
  store double %t, ptr %p1, align 8
  call void @reset(ptr %x)
  %c = load double, ptr %x, align 8
  %d = load double, ptr %p1, align 8
  %r = fmul double %c, %d
  ret double %r
}
`;

const MAIN = (entry: 'autodiff' | 'fwddiff'): string => `
define i32 @main() {
  %x = alloca [2 x double], align 8
  %dx = alloca [2 x double], align 8
  store [2 x double] [double 2.0, double -3.0], ptr %x, align 8
  store [2 x double] [double ${entry === 'fwddiff' ? '1.0, double 0.5' : '0.0, double 0.0'}], ptr %dx, align 8
  %r = call double (ptr, ...) @__enzyme_${entry}(ptr @f, ptr @enzyme_dup, ptr %x, ptr %dx)
  %d0 = load double, ptr %dx, align 8
  %d1p = getelementptr inbounds double, ptr %dx, i64 1
  %d1 = load double, ptr %d1p, align 8
  %p = call i32 (ptr, ...) @printf(ptr @fmt, double ${entry === 'fwddiff' ? '%r, double 0.0' : '%d0, double %d1'})
  ret i32 0
}
`;

describe.skipIf(!hasTool('lli-19'))('an integer store of float bits into memory the caller knows holds doubles', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-callfacts-'));
  // f = 1.5 * x1 * x0^2 at x = (2, -3): gradient (3 x1 x0, 1.5 x0^2) = (-18, 6)
  test('reverse', () => {
    expect(lowerAndRun(MODULE + MAIN('autodiff'), 'lli-19', tmp).trim()).toBe('-18 6');
  });
  test('forward, along (1, 0.5)', () => {
    expect(lowerAndRun(MODULE + MAIN('fwddiff'), 'lli-19', tmp).trim()).toBe('-15 0');
  });
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});
