// rustc's opt-level 0 output (fixtures/rust-o0, made by its gen.sh from stable rustc) differentiated
// in both modes and checked against finite differences under lli-19: slices as `ptr, i64` pairs,
// `{ ptr, ptr }` iterators and `{ ptr, i64 }` sub-slices (fat pointers with shadow aggregates),
// every local in an untyped stack slot, with panic=abort, with unwinding (invoke / landingpad) and
// with debug info. The shapes still refused are checked for their codes.
import { describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCheck } from '../../src/driver/check.js';
import { runFwdCheck } from '../../src/driver/check-fwd.js';
import { runGrad } from '../../src/driver/grad.js';
import { runFwd } from '../../src/driver/fwd.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { toLLVM19 } from '../util/llvm22.js';
import { ROOT, hasTool } from '../util/llvm.js';

const DIR = join(ROOT, 'fixtures', 'rust-o0');

interface Check { fn: string; args: string; at: string }
const checksOf = (src: string): Check[] => readFileSync(join(DIR, `${src}.rs`), 'utf8').split('\n')
  .map((l) => /^\/\/ CHECK: -f (\S+) --args (\S+) --at '([^']*)'$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ fn: m[1]!, args: m[2]!, at: m[3]! }));
/** The sources of fixtures/rust-o0 with CHECK lines, and how many each has. */
const SOURCES: [string, number][] = [['shapes', 12], ['iterators', 15]];

/**
 * lli cannot link the crate against std: the panic entry points (`core::panicking::*`,
 * `slice_index_fail`...) and the personality routine are only declared. They become definitions
 * that abort (a panic would end the run anyway).
 */
function runnable(text: string): string {
  return toLLVM19(text).split('\n').map((l) => {
    const panic = /^declare (void) (@_R\S*)\((.*)\)(.*)$/.exec(l);
    if (panic) return `define ${panic[1]} ${panic[2]}(${panic[3]})${panic[4]} {\n  call void @abort()\n  unreachable\n}`;
    if (/^declare i32 @rust_eh_personality\(/.test(l)) return `${l.replace(/^declare/, 'define')} {\n  ret i32 0\n}`;
    return l;
  }).join('\n') + '\ndeclare void @abort()\n';
}

async function run(forward: boolean, file: string, c: Check): Promise<{ code: number; out: string }> {
  let out = '';
  const opts = { input: file, fn: c.fn, args: forward ? c.args.replace(/\bactive\b/g, 'dup') : c.args, at: c.at, out: (t: string) => { out += t; } };
  try {
    return { code: forward ? await runFwdCheck(opts) : await runCheck(opts), out };
  } catch (e) {
    if (e instanceof DiagnosticError) return { code: e.exitCode, out: out + e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n') };
    throw e;
  }
}

describe.skipIf(!hasTool('lli-19'))('rustc opt-level 0', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-rust-o0-'));
  const file = (name: string): string => {
    const f = join(tmp, name);
    writeFileSync(f, runnable(readFileSync(join(DIR, name), 'utf8')));
    return f;
  };
  for (const [src, count] of SOURCES) {
    const checks = checksOf(src);
    test(`${src}: there are checks`, () => { expect(checks.length).toBe(count); });
    const flavours = { abort: file(`${src}.abort.ll`), unwind: file(`${src}.unwind.ll`), debug: file(`${src}.g.ll`) };
    for (const [flavour, f] of Object.entries(flavours)) {
      for (const c of checks) {
        test(`reverse, ${flavour}: ${c.fn}`, async () => {
          const r = await run(false, f, c);
          expect(r.code, r.out).toBe(0);
          expect(r.out).toMatch(/^ok: \d+ values agree/m);
        });
        test(`forward, ${flavour}: ${c.fn}`, async () => {
          const r = await run(true, f, c);
          expect(r.code, r.out).toBe(0);
        });
      }
    }
  }
  // The refused shapes, in both modes: a located error with its code, never a derivative.
  const errors = { abort: join(DIR, 'errors.abort.ll'), unwind: join(DIR, 'errors.unwind.ll') };
  const expected: [string, string, RegExp][] = [
    ['vec_alloc', 'dup,const', /E0402: cannot differentiate @\S*with_capacity_in\S*: @\S*try_allocate_in\S* touches active data and has no known derivative/],
  ];
  for (const [flavour, f] of Object.entries(errors)) {
    for (const [fn, args, re] of expected) {
      test(`refused, ${flavour}: ${fn}`, () => {
        for (const forward of [false, true]) {
          const output = join(tmp, `${fn}.${flavour}.out.ll`);
          let msg = '';
          try {
            if (forward) runFwd({ input: f, output, fn, args }); else runGrad({ input: f, output, fn, args });
          } catch (e) {
            if (!(e instanceof DiagnosticError)) throw e;
            expect(e.exitCode).toBe(1);
            msg = e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n');
          }
          expect(msg, forward ? 'fwd' : 'grad').toMatch(re);
          expect(existsSync(output)).toBe(false);
        }
      });
    }
  }
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});

// A Duplicated `&Vec<f64>` (`vec_read`, v[0] * v[1]) was refused (E0403: the Vec's length, an i64
// in untyped memory); with the caller's facts about the Vec passed to `Index::index` it is
// differentiated. Run from a C-ABI main (`__enzyme_autodiff` / `__enzyme_fwddiff` lowered), the
// functions it needs extracted (the crate's other functions call what lli cannot link).
const VEC_MAIN = (entry: 'autodiff' | 'fwddiff'): string => `
@enzyme_dup = external global i32
@fmt.vec = private constant [13 x i8] c"%.17g %.17g\\0A\\00"
declare double @__enzyme_${entry}(ptr, ...)
declare i32 @printf(ptr, ...)
define i32 @main() {
  %d = alloca [2 x double], align 8
  %dd = alloca [2 x double], align 8
  %v = alloca [3 x i64], align 8
  %dv = alloca [3 x i64], align 8
  store double 1.5, ptr %d, align 8
  %d1 = getelementptr inbounds double, ptr %d, i64 1
  store double -2.0, ptr %d1, align 8
  store double 1.0, ptr %dd, align 8
  %dd1 = getelementptr inbounds double, ptr %dd, i64 1
  store double 0.5, ptr %dd1, align 8
  store i64 2, ptr %v, align 8
  %v1 = getelementptr inbounds i64, ptr %v, i64 1
  store ptr %d, ptr %v1, align 8
  %v2 = getelementptr inbounds i64, ptr %v, i64 2
  store i64 2, ptr %v2, align 8
  store i64 2, ptr %dv, align 8
  %dv1 = getelementptr inbounds i64, ptr %dv, i64 1
  store ptr %dd, ptr %dv1, align 8
  %dv2 = getelementptr inbounds i64, ptr %dv, i64 2
  store i64 2, ptr %dv2, align 8
  %r = call double (ptr, ...) @__enzyme_${entry}(ptr @vec_read, ptr @enzyme_dup, ptr %v, ptr %dv)
  %a = load double, ptr %dd, align 8
  %b = load double, ptr %dd1, align 8
  %p = call i32 (ptr, ...) @printf(ptr @fmt.vec, double ${entry === 'fwddiff' ? '%r' : '%a'}, double %b)
  ret i32 0
}
`;

describe.skipIf(!hasTool('lli-19') || !hasTool('llvm-extract-19'))('rustc opt-level 0: a Duplicated &Vec<f64>', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-rust-o0-vec-'));
  for (const flavour of ['abort', 'unwind']) {
    for (const entry of ['autodiff', 'fwddiff'] as const) {
      test(`vec_read, ${flavour}, __enzyme_${entry}`, () => {
        const input = join(tmp, `vec.${flavour}.${entry}.ll`);
        writeFileSync(input, runnable(readFileSync(join(DIR, `errors.${flavour}.ll`), 'utf8')) + VEC_MAIN(entry));
        const lowered = join(tmp, `vec.${flavour}.${entry}.out.ll`);
        const small = join(tmp, `vec.${flavour}.${entry}.main.ll`);
        execFileSync(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', input, '--target-llvm', '19', '-o', lowered]);
        // the derivative's tape arena (reverse mode): its functions and globals, when there are any
        const arena = readFileSync(lowered, 'utf8').includes('@__enzyme_ts_arena') ? ['--rfunc=__enzyme_ts_.*', '--rglob=__enzyme_ts_.*'] : [];
        execFileSync('llvm-extract-19', ['-S', '--recursive', '--func=main', ...arena, '--rglob=alloc_.*', '--glob=fmt.vec', lowered, '-o', small]);
        const out = execFileSync('lli-19', [small], { encoding: 'utf8' });
        // reverse: the gradient (v[1], v[0]) = (-2, 1.5) added to the shadow (1, 0.5);
        // forward: the tangent 1 * v[1] + v[0] * 0.5, and dv[1] as it was
        expect(out.trim()).toBe(entry === 'autodiff' ? '-1 2' : '-1.25 0.5');
      });
    }
  }
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});

// A function of fixtures/rust-o0/iterators.rs with a Duplicated slice `a` and a Const one `b` (both
// of 3 doubles), called through Enzyme's C ABI from a small `main`, which prints the gradient (or
// the tangent) and then `b`: the numbers against the closed form, and `b` unchanged.
const CONST_MAIN = (fn: string, entry: 'autodiff' | 'fwddiff', args: string): string => `
@enzyme_dup = external global i32
@enzyme_const = external global i32
@fmt.c = private constant [39 x i8] c"%.17g %.17g %.17g | %.17g %.17g %.17g\\0A\\00"
declare double @__enzyme_${entry}(ptr, ...)
declare i32 @printf(ptr, ...)
define i32 @main() {
  %a = alloca [3 x double], align 8
  %da = alloca [3 x double], align 8
  %b = alloca [3 x double], align 8
  store [3 x double] [double 1.5, double -2.0, double 0.5], ptr %a, align 8
  store [3 x double] [double ${entry === 'fwddiff' ? '1.0, double 0.0, double 2.0' : '0.0, double 0.0, double 0.0'}], ptr %da, align 8
  store [3 x double] [double 0.25, double 1.0, double -3.0], ptr %b, align 8
  %r = call double (ptr, ...) @__enzyme_${entry}(ptr @${fn}, ${args})
  %da0 = load double, ptr %da, align 8
  %da1p = getelementptr inbounds double, ptr %da, i64 1
  %da1 = load double, ptr %da1p, align 8
  %da2p = getelementptr inbounds double, ptr %da, i64 2
  %da2 = load double, ptr %da2p, align 8
  %b0 = load double, ptr %b, align 8
  %b1p = getelementptr inbounds double, ptr %b, i64 1
  %b1 = load double, ptr %b1p, align 8
  %b2p = getelementptr inbounds double, ptr %b, i64 2
  %b2 = load double, ptr %b2p, align 8
  %p = call i32 (ptr, ...) @printf(ptr @fmt.c, double ${entry === 'fwddiff' ? '%r, double 0.0, double 0.0' : '%da0, double %da1, double %da2'}, double %b0, double %b1, double %b2)
  ret i32 0
}
`;

const A = [1.5, -2.0, 0.5];
const B = [0.25, 1.0, -3.0];
const CONST_CASES: { title: string; fn: string; args: string; grad: (a: number[], b: number[]) => number[] }[] = [
  // `zip` of a duplicated and a const slice: the const slice gets a zeroed stand-in shadow of its
  // own (it was E0401), so the gradient is right and its memory is never written (a shadow that
  // was the primal would receive adjoints). f = sum a[i] sin(b[i]).
  { title: 'zip of a dup and a const slice', fn: 'zip_const', args: 'ptr @enzyme_dup, ptr %a, ptr %da, ptr @enzyme_const, i64 3, ptr @enzyme_const, ptr %b, ptr @enzyme_const, i64 3', grad: (_a, b) => b.map(Math.sin) },
  // A const raw pointer made into a slice with `from_raw_parts` and zipped with a duplicated one
  // (`raw_zip`): a zeroed stand-in shadow of its own length at the call (it was E0401 in
  // `from_raw_parts`). f = sum a[i]^2 cos(b[i]).
  { title: 'a const raw pointer made into a slice, zipped with a dup one', fn: 'raw_zip', args: 'ptr @enzyme_dup, ptr %a, ptr %da, ptr @enzyme_const, ptr %b, ptr @enzyme_const, i64 3', grad: (a, b) => a.map((v, i) => 2 * v * Math.cos(b[i]!)) },
];

for (const c of CONST_CASES) {
  describe.skipIf(!hasTool('lli-19') || !hasTool('llvm-extract-19'))(`rustc opt-level 0: ${c.title}, through the C ABI`, () => {
    const tmp = mkdtempSync(join(tmpdir(), `enzyme-ts-rust-o0-${c.fn}-`));
    const fmt = (x: number): string => String(Number(x.toPrecision(17)));
    for (const flavour of ['abort', 'unwind']) {
      for (const entry of ['autodiff', 'fwddiff'] as const) {
        test(`${c.fn}, ${flavour}, __enzyme_${entry}`, () => {
          const input = join(tmp, `${flavour}.${entry}.ll`);
          writeFileSync(input, runnable(readFileSync(join(DIR, `iterators.${flavour}.ll`), 'utf8')) + CONST_MAIN(c.fn, entry, c.args));
          const lowered = join(tmp, `${flavour}.${entry}.out.ll`);
          const small = join(tmp, `${flavour}.${entry}.main.ll`);
          execFileSync(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', input, '--target-llvm', '19', '-o', lowered]);
          const arena = readFileSync(lowered, 'utf8').includes('@__enzyme_ts_arena') ? ['--rfunc=__enzyme_ts_.*', '--rglob=__enzyme_ts_.*'] : [];
          // (with unwinding, the derivatives keep landing pads: their personality routine too)
          const personality = flavour === 'unwind' ? ['--func=rust_eh_personality'] : [];
          execFileSync('llvm-extract-19', ['-S', '--recursive', '--func=main', ...personality, ...arena, '--rglob=alloc_.*', '--glob=fmt.c', lowered, '-o', small]);
          const out = execFileSync('lli-19', [small], { encoding: 'utf8' }).trim();
          // reverse: the gradient; forward along da = (1, 0, 2): g[0] + 2 g[2]
          const g = c.grad(A, B);
          const want = entry === 'autodiff' ? g : [g[0]! + 2 * g[2]!, 0, 0];
          const got = out.split(/[ |]+/).map(Number);
          want.forEach((w, k) => expect(got[k]!, out).toBeCloseTo(w, 12));
          expect(got.slice(3).map(fmt), 'the const memory is unchanged').toEqual(B.map(fmt));
        });
      }
    }
    test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
  });
}
