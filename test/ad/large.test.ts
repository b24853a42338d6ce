// Functions of the sizes LLVM handles without trouble, which once overflowed the stack of the
// transform (a spread of tens of thousands of instructions into one call): 30,000 operations in
// one block, a chain of 100,000 blocks, 65,536 allocas passed to one call. Each derivative is
// printed, checked by llvm-as, run by lli and compared with its closed form.
import { describe, expect, test } from 'vitest';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList } from '../../src/driver/grad.js';
import { hasTool, run } from '../util/llvm.js';

/** `x` through n operations alternating `* x`, `+ c`, `- x`: the derivative by forward recurrence. */
function opsModule(n: number): { text: string; want: (x: number) => number } {
  const L = ['define double @f(double %x) {', 'entry:'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    const op = ['fmul', 'fadd', 'fsub'][i % 3]!;
    const rhs = i % 3 === 1 ? '0.5' : '%x';
    L.push(`  %v${i} = ${op} double ${prev}, ${rhs}`);
    prev = `%v${i}`;
  }
  L.push(`  ret double ${prev}`, '}');
  const want = (x: number): number => {
    let v = x;
    let d = 1;
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) { d = d * x + v; v = v * x; } else if (i % 3 === 1) v = v + 0.5; else { v = v - x; d = d - 1; }
    }
    return d;
  };
  return { text: L.join('\n'), want };
}

function chainModule(n: number): { text: string; want: (x: number) => number } {
  const L = ['define double @g(double %x) {', 'entry:', '  br label %b0'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    L.push(`b${i}:`, `  %v${i} = fmul double ${prev}, 1.000001`, `  br label %b${i + 1}`);
    prev = `%v${i}`;
  }
  L.push(`b${n}:`, `  ret double ${prev}`, '}');
  return { text: L.join('\n'), want: () => 1.000001 ** n };
}

function allocaModule(n: number): { text: string; want: (x: number) => number } {
  const L = ['define double @k(double %x) {', 'entry:'];
  for (let i = 0; i < n; i++) L.push(`  %a${i} = alloca double`);
  for (let i = 0; i < n; i++) L.push(`  store double %x, double* %a${i}`);
  L.push(`  %r = call double @use(double* %a0, double* %a${n - 1})`, '  ret double %r', '}');
  L.push('define internal double @use(double* %p, double* %q) {', 'entry:', '  %a = load double, double* %p',
    '  %b = load double, double* %q', '  %c = fmul double %a, %b', '  ret double %c', '}');
  return { text: L.join('\n'), want: (x) => 2 * x };
}

const MAIN = (fn: string, x: number): string => `
declare i32 @printf(i8*, ...)
@fmt = private constant [4 x i8] c"%a\\0A\\00"
define i32 @main() {
  %d = call { double } @diffe${fn}(double ${x.toExponential(17)}, double 1.0)
  %g = extractvalue { double } %d, 0
  call i32 (i8*, ...) @printf(i8* getelementptr ([4 x i8], [4 x i8]* @fmt, i64 0, i64 0), double %g)
  ret i32 0
}
`;

const CASES = [
  { name: '30,000 operations in one block', fn: 'f', make: opsModule, big: 30_000, small: 3_000, x: 0.999 },
  { name: 'a chain of 100,000 blocks', fn: 'g', make: chainModule, big: 100_000, small: 2_000, x: 1.5 },
  { name: '65,536 allocas and one call', fn: 'k', make: allocaModule, big: 65_536, small: 2_048, x: 0.75 },
];

function derivative(fn: string, text: string): string {
  const m = parseText(text, `${fn}.ll`);
  gradModule(m, { fn, args: parseArgList('active'), ret: 'activeonly' }, null);
  return printModule(m);
}

describe.skipIf(!hasTool('lli') || !hasTool('llvm-as'))('large functions', () => {
  for (const c of CASES) {
    // At the size LLVM's JIT compiles quickly: the derivative runs and matches the closed form.
    test(`${c.name}: the derivative is right (at ${c.small})`, async () => {
      const mod = c.make(c.small);
      const text = derivative(c.fn, mod.text) + MAIN(c.fn, c.x);
      const r = await run('lli', ['-O0', '-'], text);
      expect(r.code, r.stderr).toBe(0);
      const got = Number.parseFloat(hexToDecimal(r.stdout.trim()));
      const want = mod.want(c.x);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    }, 300_000);
    // At full size (lli would spend minutes compiling it): generated and valid.
    test(`${c.name}: generated without an internal error, valid for llvm-as`, async () => {
      const text = derivative(c.fn, c.make(c.big).text);
      expect(text).toContain(`@diffe${c.fn}(`);
      const as = await run('llvm-as', ['--disable-output'], text);
      expect(as.stderr).toBe('');
      expect(as.code).toBe(0);
    }, 300_000);
  }
});

/** C's `%a` output (`0x1.8p+0`) as a decimal string. */
function hexToDecimal(s: string): string {
  const m = /^(-?)0x([0-9a-f])\.?([0-9a-f]*)p([+-]\d+)$/i.exec(s);
  if (!m) return 'NaN';
  const mant = Number.parseInt(m[2]! + m[3]!, 16) / 16 ** m[3]!.length;
  return String((m[1] === '-' ? -1 : 1) * mant * 2 ** Number(m[4]));
}
