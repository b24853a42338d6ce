// `lower`'s diagnostics: each misuse of Enzyme's C ABI is an error with a code at the call's
// line, and the metadata marker form works in both pointer dialects.
import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseModule } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { lowerModule } from '../../src/lower/lower.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { runCli, type CliResult } from '../util/cli.js';

const PRELUDE = `
declare double @__enzyme_autodiff(ptr, ...)
declare i64 @__enzyme_augmentsize(ptr, ...)
declare void @__enzyme_augmentfwd(ptr, ...)
declare void @__enzyme_reverse(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
declare ptr @__enzyme_virtualreverse(ptr)
declare void @__enzyme_set_fixed_point(ptr, ...)
declare void @__enzyme_something_new(...)
declare void @__enzyme_double(ptr, i64)
declare double @__enzyme_fwdsplit(ptr, ...)
@enzyme_dup = external global i32
@enzyme_bogus = external global i32
declare double @ext(double)
define double @sq(double %x) {
  %y = fmul double %x, %x
  ret double %y
}
define void @arr(ptr %x, i32 %n) {
  %v = load double, ptr %x
  %w = fmul double %v, %v
  store double %w, ptr %x
  ret void
}
`;

/** Lowers `body` (the lines of @main after the prelude); the error's code and 1-based line within `body`. */
function lowerError(body: string): { code: string; line: number; message: string } {
  const text = `${PRELUDE}define void @main(ptr %p, ptr %q, ptr %fp) {\n${body}\n  ret void\n}\n`;
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  try {
    lowerModule(m, file);
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    const d = e.diagnostics[0]!;
    const bodyStart = text.split('\n').findIndex((l) => l.startsWith('define void @main')) + 2;
    return { code: d.code, line: d.start >= 0 ? file.position(d.start).line - bodyStart + 1 : -1, message: d.message };
  }
  throw new Error('no error');
}

describe('misuse of the ABI is an error at the call', () => {
  const cases: [string, string, string, RegExp][] = [
    ['unknown marker', '  %m = load i32, ptr @enzyme_bogus\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, i32 %m, double 1.0)', 'E0421', /unknown marker enzyme_bogus/],
    ['too few arguments', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq)', 'E0421', /too few arguments/],
    ['too many arguments', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double 1.0, double 2.0)', 'E0421', /too many arguments/],
    ['missing shadow', '  %m = load i32, ptr @enzyme_dup\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @arr, i32 %m, ptr %p, metadata !"enzyme_const", i32 3)', 'E0421', /shadow .* is missing/],
    ['marker without argument', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double 1.0, metadata !"enzyme_const")', 'E0421', /not followed by an argument/],
    ['lossy argument', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, i32 3)', 'E0421', /converting would lose data/],
    ['out on a pointer', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @arr, metadata !"enzyme_out", ptr %p, i32 3)', 'E0421', /cannot be enzyme_out/],
    ['dup on a double', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, metadata !"enzyme_dup", double 1.0, double 2.0)', 'E0421', /not a pointer/],
    ['function not known', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr %fp, double 1.0)', 'E0421', /must be a function of this module/],
    ['declaration only', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @ext, double 1.0)', 'E0421', /only declared/],
    ['forward split mode', '  %r = call double (ptr, ...) @__enzyme_fwdsplit(ptr @sq, double 1.0, double 1.0)', 'E0422', /forward split mode \(@__enzyme_fwdsplit\) is not supported/],
    ['forward: enzyme_out', '  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, metadata !"enzyme_out", double 1.0)', 'E0421', /enzyme_out is reverse mode's marker/],
    ['forward: missing tangent', '  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, double 1.0)', 'E0421', /the tangent of parameter 1 \(%x\) of @sq is missing/],
    ['forward: missing shadow', '  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @arr, ptr %p, metadata !"enzyme_const", i32 3)', 'E0421', /the shadow of parameter 1 \(%x\) of @arr is missing/],
    ['forward: tape markers', '  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, metadata !"enzyme_tape", ptr %q, double 1.0, double 1.0)', 'E0421', /belong to split mode/],
    ['forward: dup on an integer', '  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @arr, ptr %p, ptr %p, metadata !"enzyme_dup", i32 3, i32 1)', 'E0421', /neither floating nor a pointer/],
    ['width not constant', '  %n = load i32, ptr %q\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, metadata !"enzyme_width", i32 %n, double 1.0)', 'E0421', /enzyme_width must be followed by a constant/],
    ['tape too small', '  call void (ptr, ...) @__enzyme_augmentfwd(ptr @arr, metadata !"enzyme_allocated", i64 1, metadata !"enzyme_tape", ptr %q, metadata !"enzyme_dup", ptr %p, ptr %p, i32 3)', 'E0423', /gives 1 byte of tape memory but the tape of @arr needs 8/],
    ['allocated without tape', '  call void (ptr, ...) @__enzyme_augmentfwd(ptr @arr, metadata !"enzyme_allocated", i64 8, metadata !"enzyme_dup", ptr %p, ptr %p, i32 3)', 'E0421', /enzyme_allocated needs enzyme_tape/],
    ['reverse without tape', '  call void (ptr, ...) @__enzyme_reverse(ptr @sq, double 1.0, double 1.0)', 'E0421', /tape is missing/],
    // Entry points and markers enzyme-ts does not implement: an error, never a call left in the output.
    ['virtualreverse', '  %r = call ptr @__enzyme_virtualreverse(ptr @sq)', 'E0422', /@__enzyme_virtualreverse is not supported/],
    ['set_fixed_point', '  call void (ptr, ...) @__enzyme_set_fixed_point(ptr @sq, double 1.0)', 'E0422', /@__enzyme_set_fixed_point is not supported/],
    ['an entry point enzyme-ts has never heard of', '  call void (...) @__enzyme_something_new(ptr @sq)', 'E0422', /@__enzyme_something_new is not supported/],
    ['runtime activity marker', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, metadata !"enzyme_runtime_activity", double 1.0)', 'E0422', /enzyme_runtime_activity is not supported/],
    ['context marker', '  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, metadata !"enzyme_context", ptr %q, double 1.0)', 'E0422', /enzyme_context is not supported/],
  ];
  for (const [what, body, code, msg] of cases) {
    test(what, () => {
      const e = lowerError(body);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(msg);
      expect(e.line).toBe(body.split('\n').length); // the call is the last line of the body
    });
  }

  test('a result that cannot be fitted into the declared type', () => {
    const text = `${PRELUDE}declare i32 @__enzyme_autodiff.i(ptr, ...)\ndefine i32 @main() {\n  %r = call i32 (ptr, ...) @__enzyme_autodiff.i(ptr @sq, double 1.0)\n  ret i32 %r\n}\n`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    let err: DiagnosticError | null = null;
    try { lowerModule(m, file); } catch (e) { if (e instanceof DiagnosticError) err = e; else throw e; }
    expect(err?.diagnostics[0]?.code).toBe('E0421');
    expect(err?.diagnostics[0]?.message).toMatch(/cannot fit the result \{ double \} into the declared return type i32/);
  });
});

describe('lowering leaves a clean module', () => {
  test('markers, their globals and the __enzyme declarations are gone; the derivative is shared', () => {
    const text = `${PRELUDE}define double @main(double %a) {\n  %m = load i32, ptr @enzyme_dup\n  call void (ptr, ...) @__enzyme_autodiff(ptr @arr, i32 %m, ptr null, ptr null, i32 1)\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double %a)\n  %s = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double 2.0)\n  %t = fadd double %r, %s\n  ret double %t\n}\n`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    const r = lowerModule(m, file);
    expect(r.calls).toHaveLength(3);
    expect(verifyModule(m, null)).toEqual([]);
    const out = printModule(m);
    expect(out).not.toMatch(/@__enzyme_autodiff|@enzyme_dup|@enzyme_bogus/); // unused enzyme_* declarations go too
    expect(out).toMatch(/declare i64 @__enzyme_augmentsize/); // declared, never called: kept
    expect(out.match(/define internal \{ double \} @diffesq|define \{ double \} @diffesq/g) ?? []).toHaveLength(1);
  });
});

describe("Enzyme's type hints", () => {
  test('__enzyme_double(ptr, bytes) calls are removed (they only guide Enzyme\'s type analysis), with their declaration', () => {
    const text = `${PRELUDE}define double @g(ptr %p) {\n  call void @__enzyme_double(ptr %p, i64 8)\n  %v = load double, ptr %p\n  %w = fmul double %v, %v\n  ret double %w\n}\ndefine void @main(ptr %x, ptr %dx) {\n  call void @__enzyme_double(ptr %x, i64 8)\n  call void (ptr, ...) @__enzyme_autodiff(ptr @g, ptr %x, ptr %dx)\n  ret void\n}\n`;
    const file = new SourceFile('t.ll', text);
    const m = parseModule(file);
    lowerModule(m, file);
    expect(verifyModule(m, null)).toEqual([]);
    expect(printModule(m)).not.toMatch(/__enzyme_double/);
  });
});

describe.each([['opaque', 'lli-19'], ['typed', 'lli']] as const)('metadata markers (%s pointers)', (dialect, lli) => {
  test.skipIf(!hasTool(lli))('lowered module runs and prints the right gradients', () => {
    const path = join(ROOT, 'test', 'lower', 'inputs', `metadata_${dialect}.ll`);
    const file = new SourceFile(`metadata_${dialect}.ll`, readFileSync(path, 'utf8'));
    const m = parseModule(file);
    lowerModule(m, file);
    const out = join(mkdtempSync(join(tmpdir(), 'enzyme-ts-lower-')), 'm.ll');
    writeFileSync(out, printModule(m));
    const printed = execFileSync(lli, [out], { encoding: 'utf8' }).trim();
    if (dialect === 'opaque') {
      const [da, dx2, sum] = printed.split(' ').map(Number);
      expect(da).toBeCloseTo(14, 12);
      expect(dx2).toBeCloseTo(3, 12);
      expect(sum).toBeCloseTo(Math.sin(0.25) + 0.5 * Math.cos(0.25), 4);
    } else {
      expect(Number(printed)).toBeCloseTo(6, 12);
    }
  });
});

describe('enzyme-ts lower on the command line', () => {
  const cli = (args: string[]): CliResult => runCli(args);
  test('lowers, lists the calls with -v, writes valid IR', () => {
    const r = cli(['lower', 'test/lower/inputs/metadata_typed.ll', '-v']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^lowered: test\/lower\/inputs\/metadata_typed\.ll:21:3 @f -> @diffef$/m);
    expect(r.stdout).toMatch(/call void @diffef\(double\* %x, double\* %dx, double\* %y, double\* %dy\)/);
  });
  test('a bad call: the error with its line and column, exit 1, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-lower-'));
    const bad = join(dir, 'bad.ll');
    writeFileSync(bad, `${PRELUDE}define double @main() {\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double 1.0, double 2.0)\n  ret double %r\n}\n`);
    const out = join(dir, 'out.ll');
    const r = cli(['lower', bad, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.ll:\d+:3: error\[E0421\]: @__enzyme_autodiff: too many arguments/);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('lower --inactive', () => {
  const MOD = [
    'declare double @__enzyme_autodiff(ptr, ...)',
    'declare double @noisy(double)',
    'declare i32 @printf(ptr, ...)',
    '@fmt = private constant [7 x i8] c"%.17g\\0A\\00"',
    'define double @f(double %x) {',
    '  %n = call double @noisy(double %x)',
    '  %y = fmul double %x, %n',
    '  ret double %y',
    '}',
    'define i32 @main() {',
    '  %d = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double 3.0)',
    '  call i32 (ptr, ...) @printf(ptr @fmt, double %d)',
    '  ret i32 0',
    '}',
    '',
  ].join('\n');
  test('an external function on active data: E0402 without the option; with it, its derivative is dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-lower-'));
    const input = join(dir, 'noisy.ll');
    writeFileSync(input, MOD);
    const bad = runCli(['lower', input]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[E0402]');
    const ok = runCli(['lower', input, '--inactive', 'noisy']);
    expect(ok.code).toBe(0);
    const unknown = runCli(['lower', input, '--inactive', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('E0405');
    if (!hasTool('lli-19')) return;
    // noisy(x) = 1 + x/10: d/dx (x * noisy(x)) with noisy inactive is noisy(3) = 1.3
    const run = join(dir, 'run.ll');
    writeFileSync(run, ok.stdout.replace('declare double @noisy(double)', 'define double @noisy(double %v) {\n  %a = fmul double %v, 0.1\n  %b = fadd double %a, 1.0\n  ret double %b\n}'));
    expect(Number(execFileSync('lli-19', [run], { encoding: 'utf8' }).trim())).toBeCloseTo(1.3, 14);
  });
});

