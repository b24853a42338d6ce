// `fwd`, `activity --forward`, `check --forward` and `lower` of `__enzyme_fwddiff` as a user meets
// them: signatures, defaults, usage errors, located diagnostics, custom forward derivatives; every
// printed module goes through the llvm-as of its LLVM version.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, run } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const INPUT = 'test/ad/inputs/errors.ll';
const LLVM_AS = { typed: hasTool('llvm-as') ? 'llvm-as' : null, opaque: hasTool('llvm-as-19') ? 'llvm-as-19' : null };

async function assembles(text: string, dialect: 'typed' | 'opaque'): Promise<void> {
  const as = LLVM_AS[dialect];
  if (!as) return;
  const r = await run(as, ['-', '--disable-output'], text);
  expect(r.code, r.stderr).toBe(0);
}

describe('enzyme-ts fwd', () => {
  it('examples/dot.ll (clang 19): @fwddiffedot with a shadow after each dup pointer, { primal, tangent } by default', async () => {
    const r = runCli(['fwd', 'examples/dot.ll', '-f', 'dot', '--args', 'dup,dup,const']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('define { double, double } @fwddiffedot(ptr %x, ptr %"x\'", ptr %y, ptr %"y\'", i32 %n)');
    await assembles(r.stdout, 'opaque');
  });
  it('a floating parameter carries its tangent; --ret dupnoneed returns the tangent alone, const the primal alone', () => {
    let r = runCli(['fwd', INPUT, '-f', 'sq']);
    expect(r.stdout).toContain('define { double, double } @fwddiffesq(double %x, double %"x\'")');
    r = runCli(['fwd', INPUT, '-f', 'sq', '--ret', 'dualonly']);
    expect(r.stdout).toContain('define double @fwddiffesq(double %x, double %"x\'")');
    r = runCli(['fwd', INPUT, '-f', 'sq', '--args', 'const', '--ret', 'const', '--name', 'sq_const']);
    expect(r.stdout).toContain('define double @sq_const(double %x)');
  });
  it('--width N: [N x T] tangents for floating values, N shadows for a pointer', async () => {
    let r = runCli(['fwd', INPUT, '-f', 'sq', '--width', '3']);
    expect(r.stdout).toContain('define { double, [3 x double] } @fwddiffesq(double %x, [3 x double] %"x\'")');
    r = runCli(['fwd', INPUT, '-f', 'two', '--width', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('define void @fwddiffetwo(double* %p, double* %"p\'0", double* %"p\'1", double %x, [2 x double] %"x\'")');
    await assembles(r.stdout, 'typed');
  });
  it('usage errors name the parameter or the word (exit 2)', () => {
    let r = runCli(['fwd', INPUT, '-f', 'sq', '--args', 'active']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--args: 'active' (item 1) is not a forward-mode activity; use dup, dupnoneed or const ('active' is reverse mode's: a floating value gets its tangent with dup)");
    r = runCli(['fwd', INPUT, '-f', 'two', '--args', 'dup,dup,dup']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('@two has 2 parameters but --args lists 3 activities');
    r = runCli(['fwd', INPUT, '-f', 'two', '--ret', 'dup']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the return value of @two is void: --ret dup needs a floating or pointer return (use none)');
    r = runCli(['fwd', INPUT, '-f', 'sq', '--width', '0']);
    expect(r.code).toBe(2);
  });
  it('what cannot be differentiated is a located error, as in reverse mode, and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-fwd-'));
    try {
      const out = join(dir, 'out.ll');
      const r = runCli(['fwd', INPUT, '-f', 'uses_mystery', '-o', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${INPUT}:7:3: error[E0402]: cannot differentiate @uses_mystery: @mystery touches active data`);
      expect(existsSync(out)).toBe(false);
      const a = runCli(['fwd', INPUT, '-f', 'asm_active']);
      expect(a.code).toBe(1);
      expect(a.stderr).toMatch(/error\[E0402\]: cannot differentiate @asm_active: inline assembly touches active data/);
      const k = runCli(['fwd', INPUT, '-f', 'ignores_mystery']);
      expect(k.code, k.stderr).toBe(0);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
  it('--custom FN=DF uses a forward derivative of Enzyme\'s convention; a mismatch is E0408', async () => {
    const text = [
      'define double @f(double %x) {', '  %y = fmul double %x, %x', '  ret double %y', '}',
      'define { double, double } @df(double %x, double %dx) {',
      '  %y = fmul double %x, %x', '  %t = fmul double %dx, 100.0',
      '  %a = insertvalue { double, double } undef, double %y, 0', '  %b = insertvalue { double, double } %a, double %t, 1',
      '  ret { double, double } %b', '}',
      'define double @g(double %x) {', '  %y = call double @f(double %x)', '  %z = fadd double %y, %x', '  ret double %z', '}',
      'define double @bad(double %x) {', '  ret double %x', '}',
    ].join('\n') + '\n';
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-fwd-'));
    try {
      const p = join(dir, 'c.ll');
      writeFileSync(p, text);
      const r = runCli(['fwd', p, '-f', 'g', '--custom', 'f=df']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/call \{ double, double \} @df\(double %x, double %"x'"\)/);
      await assembles(r.stdout, 'typed');
      const c = runCli(['check', p, '-f', 'g', '--forward', '--custom', 'f=df', '--at', '0.5']);
      // The registered derivative is deliberately wrong (100 dx): check must catch it.
      expect(c.code).toBe(1);
      expect(c.stdout).toContain('MISMATCH');
      const b = runCli(['fwd', p, '-f', 'g', '--custom', 'f=bad']);
      expect(b.code).toBe(1);
      expect(b.stderr).toContain("error[E0408]: @bad, the forward derivative registered for @f by --custom, does not fit Enzyme's convention: it takes (double), expected (double, double)");
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('check --forward restores state', () => {
  it('a function that updates a global is checked from the same state every time (it was a false MISMATCH)', () => {
    // double acc = 1.0; double f(double x) { acc = acc * x + 1.0; return acc * x; }
    const text = [
      '@acc = global double 1.000000e+00', '',
      'define double @f(double %x) {', '  %a = load double, ptr @acc', '  %b = fmul double %a, %x', '  %c = fadd double %b, 1.000000e+00',
      '  store double %c, ptr @acc', '  %r = fmul double %c, %x', '  ret double %r', '}',
    ].join('\n') + '\n';
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-fwd-'));
    try {
      const p = join(dir, 'g.ll');
      writeFileSync(p, text);
      const c = runCli(['check', p, '-f', 'f', '--forward', '--at', '2']);
      expect(c.code, c.stdout + c.stderr).toBe(0);
      // f(2) = (1 * 2 + 1) * 2 from the initial state, not from the state the previous call left
      expect(c.stdout).toMatch(/return \(primal\) +6 +6 /);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('activity --forward', () => {
  it('shows forward activities and the analysis for them', () => {
    const r = runCli(['activity', INPUT, '-f', 'two', '--forward', '--args', 'dup,const']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('forward activity of @two (args: dup, const; ret: none)');
    expect(r.stdout).toMatch(/%p: dup, shadow/);
    expect(r.stdout).toMatch(/store double %x, double\* %p\s+; inst active/);
  });
});

describe('check --forward', () => {
  it('a right forward derivative passes, with the point and direction shown', () => {
    const r = runCli(['check', 'examples/dot.ll', '-f', 'dot', '--forward', '--args', 'dup,dup,const', '--at', '[1 2 3],[4 5 6],3']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("point: --at '[1 2 3],[4 5 6],3'");
    expect(r.stdout).toMatch(/^return\s+\S+\s+\S+\s+\S+\s+ok$/m);
    expect(r.stdout).toMatch(/^ok: \d+ values agree/m);
  });
});

describe('lower: __enzyme_fwddiff errors', () => {
  const program = (body: string): string => [
    '@enzyme_out = external global i32', '@enzyme_dup = external global i32',
    'declare double @__enzyme_fwddiff(i8*, ...)', 'declare double @__enzyme_fwdsplit(i8*, ...)',
    'define double @f(double %x) {', '  %y = fmul double %x, %x', '  ret double %y', '}',
    'define double @main() {', body, '}',
  ].join('\n') + '\n';
  it('enzyme_out is reverse mode\'s marker; __enzyme_fwdsplit is not supported (located, exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-fwd-'));
    try {
      const p = join(dir, 'l.ll');
      writeFileSync(p, program('  %m = load i32, i32* @enzyme_out\n  %r = call double (i8*, ...) @__enzyme_fwddiff(i8* bitcast (double (double)* @f to i8*), i32 %m, double 1.0)\n  ret double %r'));
      let r = runCli(['lower', p]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/l\.ll:11:3: error\[E0421\]: @__enzyme_fwddiff: enzyme_out is reverse mode's marker; in forward mode a floating argument takes enzyme_dup followed by its tangent/);
      writeFileSync(p, program('  %r = call double (i8*, ...) @__enzyme_fwdsplit(i8* bitcast (double (double)* @f to i8*), double 1.0, double 1.0)\n  ret double %r'));
      r = runCli(['lower', p]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[E0422]: forward split mode (@__enzyme_fwdsplit) is not supported');
      writeFileSync(p, program('  %r = call double (i8*, ...) @__enzyme_fwddiff(i8* bitcast (double (double)* @f to i8*), double 3.0)\n  ret double %r'));
      r = runCli(['lower', p]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the tangent of parameter 1 (%x) of @f is missing');
      writeFileSync(p, program('  %r = call double (i8*, ...) @__enzyme_fwddiff(i8* bitcast (double (double)* @f to i8*), double 3.0, double 1.0)\n  ret double %r'));
      r = runCli(['lower', p]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("call double @fwddiffef(double 3.0, double 1.0)");
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
