// rustc's opt-level 0 output (fixtures/rust-o0, made by its gen.sh from stable rustc) differentiated
// in both modes and checked against finite differences under lli-19: slices as `ptr, i64` pairs,
// `{ ptr, ptr }` iterators and `{ ptr, i64 }` sub-slices (fat pointers with shadow aggregates),
// every local in an untyped stack slot, with panic=abort, with unwinding (invoke / landingpad) and
// with debug info. The shapes still refused are checked for their codes.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const CHECKS: Check[] = readFileSync(join(DIR, 'shapes.rs'), 'utf8').split('\n')
  .map((l) => /^\/\/ CHECK: -f (\S+) --args (\S+) --at '([^']*)'$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ fn: m[1]!, args: m[2]!, at: m[3]! }));

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
  const flavours = { abort: file('shapes.abort.ll'), unwind: file('shapes.unwind.ll'), debug: file('shapes.g.ll') };
  test('there are checks', () => { expect(CHECKS.length).toBe(10); });
  for (const [flavour, f] of Object.entries(flavours)) {
    for (const c of CHECKS) {
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
  // The refused shapes, in both modes: a located error with its code, never a derivative.
  const errors = { abort: join(DIR, 'errors.abort.ll'), unwind: join(DIR, 'errors.unwind.ll') };
  const expected: [string, string, RegExp][] = [
    ['dot_zip', 'dup,const,dup,const', /E0403: cannot differentiate @\S*Iterator3map\S*: cannot tell what the copied memory holds/],
    ['weighted', 'dup,const', /E0403: cannot differentiate @\S*9into_iter\S*: cannot tell what the copied memory holds/],
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
  // `v[0] * v[1]` for a `&Vec<f64>` (check cannot build a Vec: it holds a pointer): the Vec and its
  // shadow are built by hand as rustc lays them out ({ cap, ptr, len }, as its Deref reads them) and
  // the derivatives are compared with the closed form, d/dv = (v1, v0).
  const VEC_MAIN = (call: string): string => `
declare i32 @printf(ptr, ...)
@fmt.vec = private constant [7 x i8] c"%g %g\\0A\\00"
define i32 @main() {
  %v = alloca [3 x i64], align 8
  %dv = alloca [3 x i64], align 8
  %d = alloca [2 x double], align 8
  %dd = alloca [2 x double], align 8
  store double 3.0, ptr %d
  %d1 = getelementptr double, ptr %d, i64 1
  store double 5.0, ptr %d1
  store double 1.0, ptr %dd
  %dd1 = getelementptr double, ptr %dd, i64 1
  store double 2.0, ptr %dd1
  store i64 2, ptr %v
  %vp = getelementptr i8, ptr %v, i64 8
  store ptr %d, ptr %vp
  %vl = getelementptr i8, ptr %v, i64 16
  store i64 2, ptr %vl
  store i64 2, ptr %dv
  %dvp = getelementptr i8, ptr %dv, i64 8
  store ptr %dd, ptr %dvp
  %dvl = getelementptr i8, ptr %dv, i64 16
  store i64 2, ptr %dvl
${call}
  ret i32 0
}
`;
  for (const [flavour, f] of Object.entries(errors)) {
    test.skipIf(!hasTool('lli-19'))(`a &Vec<f64> read, ${flavour}: reverse and forward against the closed form`, () => {
      const lanes: [boolean, string, string][] = [
        // reverse: the shadow starts at (1, 2) and gains (5, 3)
        [false, '  %r = call { double } @diffevec_read(ptr %v, ptr %dv, double 1.0)\n  %g0 = load double, ptr %dd\n  %g1 = load double, ptr %dd1\n  call i32 (ptr, ...) @printf(ptr @fmt.vec, double %g0, double %g1)', '6 5'],
        // forward: direction (1, 2), tangent 5 * 1 + 3 * 2
        [true, '  %r = call { double, double } @fwddiffevec_read(ptr %v, ptr %dv)\n  %p = extractvalue { double, double } %r, 0\n  %t = extractvalue { double, double } %r, 1\n  call i32 (ptr, ...) @printf(ptr @fmt.vec, double %p, double %t)', '15 11'],
      ];
      for (const [forward, call, want] of lanes) {
        const output = join(tmp, `vec_read.${flavour}.${forward ? 'fwd' : 'rev'}.ll`);
        if (forward) runFwd({ input: f, output, fn: 'vec_read', args: 'dup' }); else runGrad({ input: f, output, fn: 'vec_read', args: 'dup' });
        const prog = join(tmp, `vec_read.${flavour}.${forward ? 'fwd' : 'rev'}.run.ll`);
        writeFileSync(prog, runnable(readFileSync(output, 'utf8')) + VEC_MAIN(call));
        const r = spawnSync('lli-19', [prog], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.trim(), forward ? 'fwd' : 'grad').toBe(want);
      }
    });
  }
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});
