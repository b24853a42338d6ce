// Custom derivatives and inactivity / function-like hints (docs/custom.md, contract section 7).
//
// - fixtures/custom/src/*.c, compiled by clang 14 and 19 at -O0 and -O2 (fixtures/custom/regen.sh),
//   and the hand-written modules of fixtures/custom/handwritten/: `enzyme-ts check` (finite
//   differences under lli) at every `// CHECK:` line, in this process.
// - Derivatives that finite differences cannot confirm (a dropped inactive contribution, a
//   function whose body is not what it is registered as, a reverse pass that is an
//   approximation) are run under lli by a small C driver and compared with their closed form.
// - The CLI's errors for registrations that do not fit.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckOptions } from '../../src/driver/check.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule, requestHints } from '../../src/ad/grad.js';
import { GradContext, type DiffSig } from '../../src/ad/context.js';
import { withHints } from '../../src/ad/custom.js';
import { defaultCallRules } from '../../src/ad/registry.js';
import { activityReport } from '../../src/driver/activity.js';
import { verifyModule } from '../../src/ir/verify.js';
import type { GradRequest } from '../../src/ad/api.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { runCli, type CliResult } from '../util/cli.js';

const DIR = join(ROOT, 'fixtures', 'custom');
const V = [14, 19] as const;
const sfx = (v: 14 | 19): string => (v === 14 ? '' : '-19');
const HAS: Record<14 | 19, boolean> = {
  14: hasTool('lli') && hasTool('clang-14') && hasTool('llvm-link'),
  19: hasTool('lli-19') && hasTool('clang-19') && hasTool('llvm-link-19'),
};

/** `-f f --args dup,const --at '[1 2],3'` -> words (single quotes only, as the CHECK lines use). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

async function check(path: string, line: string): Promise<{ code: number; text: string }> {
  const w = words(line);
  const opts: CheckOptions = { input: path, fn: '', custom: [], inactive: [] };
  for (let k = 0; k < w.length; k += 2) {
    const v = w[k + 1]!;
    switch (w[k]) {
      case '-f': opts.fn = v; break;
      case '--args': opts.args = v; break;
      case '--ret': opts.ret = v; break;
      case '--at': opts.at = v; break;
      case '--tol': opts.tol = v; break;
      case '--custom': opts.custom!.push(v); break;
      case '--inactive': opts.inactive!.push(v); break;
      default: throw new Error(`unknown option ${w[k]} in ${line}`);
    }
  }
  let text = '';
  opts.out = (s) => { text += s; };
  try {
    return { code: await runCheck(opts), text };
  } catch (e) {
    if (e instanceof DiagnosticError) return { code: e.exitCode, text: text + renderAll(e.diagnostics, { color: false }) };
    throw e;
  }
}

const checksOf = (src: string): string[] => [...readFileSync(join(DIR, 'src', src), 'utf8').matchAll(/^\/\/ CHECK: (.*)$/gm)].map((m) => m[1]!.trim());

describe('the custom fixtures are well formed', () => {
  it('every source has CHECK lines and a module per compiler and level', () => {
    const srcs = readdirSync(join(DIR, 'src')).filter((f) => f.endsWith('.c'));
    expect(srcs.length).toBeGreaterThanOrEqual(5);
    for (const s of srcs) {
      expect(checksOf(s).length, s).toBeGreaterThan(0);
      for (const v of V) for (const lvl of ['O0', 'O2']) expect(existsSync(join(DIR, `clang${v}`, s.replace(/\.c$/, `.${lvl}.ll`))), `${s} clang${v} ${lvl}`).toBe(true);
    }
  });
  it('the registrations survive -O0 and -O2 in both dialects', () => {
    for (const v of V) {
      for (const lvl of ['O0', 'O2']) {
        const ll = readFileSync(join(DIR, `clang${v}`, `rsqrt.${lvl}.ll`), 'utf8');
        expect(ll).toMatch(v === 14
          ? /@__enzyme_register_gradient_rsqrt = .*global \[3 x i8\*\] \[i8\* bitcast \(float \(float\)\* @Q_rsqrt to i8\*\)/
          : /@__enzyme_register_gradient_rsqrt = .*global \[3 x ptr\] \[ptr @Q_rsqrt, ptr @aug_rsqrt, ptr @rev_rsqrt\]/);
        expect(ll).toMatch(/call (noundef )?float @Q_rsqrt\(/);
      }
    }
  });
});

for (const v of V) {
  describe.skipIf(!hasTool(`lli${sfx(v)}`)).concurrent(`enzyme-ts check on clang${v} output`, () => {
    for (const file of readdirSync(join(DIR, `clang${v}`)).sort()) {
      for (const line of checksOf(file.replace(/\.O[0-3]\.ll$/, '.c'))) {
        it(`${file}: ${line}`, async () => {
          const r = await check(join(DIR, `clang${v}`, file), line);
          expect(r.code, r.text).toBe(0);
        }, 60_000);
      }
    }
  });
}

const HANDWRITTEN: [string, 14 | 19][] = [['metadata.typed.ll', 14], ['metadata.opaque.ll', 19]];

describe('the metadata and attribute forms (hand-written, both dialects)', () => {
  for (const [file, v] of HANDWRITTEN) {
    for (const line of ['-f use --at 0.8', '-f use --at -0.3', '-f sq --at 1.7']) {
      it.skipIf(!hasTool(`lli${sfx(v)}`))(`${file}: ${line}`, async () => {
        const r = await check(join(DIR, 'handwritten', file), line);
        expect(r.code, r.text).toBe(0);
      }, 60_000);
    }
  }
  it('without the attachments the same function cannot be differentiated (the pair is what makes it possible)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-custom-'));
    try {
      const text = readFileSync(join(DIR, 'handwritten', 'metadata.opaque.ll'), 'utf8').replace(' !enzyme_augment !0 !enzyme_gradient !1', '');
      writeFileSync(join(dir, 'm.ll'), text);
      if (!hasTool('lli-19')) return;
      const r = await check(join(dir, 'm.ll'), '-f use --at 0.8');
      expect(r.code, r.text).toBe(1);
      expect(r.text).toMatch(/E0403.*integer arithmetic on the bits of an active floating value/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 60_000);
});

// ------------------------------------------------------------------ closed forms ----

const DRIVER = `#include <stdio.h>
#include <math.h>
typedef struct { double primal, d; } RD;
RD DIFFE(double, double);
DECL
int main(void) {
  RD r = DIFFE(X, 1.0);
  printf("%.17g %.17g\\n", r.d, (double)(EXPECT));
  return 0;
}
`;

/**
 * Differentiates `req.fn` of `ll` (a file), links the result with a C driver that calls
 * the derivative at X and prints it next to EXPECT (a C expression), runs it with lli.
 */
function derivativeAndExpected(v: 14 | 19, ll: string, req: GradRequest, x: number, expect_: string, decl = ''): [number, number] {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-custom-'));
  try {
    const m = parseText(readFileSync(ll, 'utf8'), 'in.ll');
    const r = gradModule(m, { ret: 'active', ...req }, null);
    expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
    writeFileSync(join(dir, 'k.ll'), printModule(m));
    writeFileSync(join(dir, 'main.c'), DRIVER);
    execFileSync(`clang-${v}`, ['-S', '-emit-llvm', `-DDIFFE=${r.fn.name}`, `-DX=${x}`, `-DEXPECT=${expect_}`, `-DDECL=${decl}`, join(dir, 'main.c'), '-o', join(dir, 'main.ll')]);
    execFileSync(`llvm-link${sfx(v)}`, [join(dir, 'k.ll'), join(dir, 'main.ll'), '-S', '-o', join(dir, 'all.ll')]);
    const out = execFileSync(`lli${sfx(v)}`, [join(dir, 'all.ll')], { encoding: 'utf8' }).trim().split(' ').map(Number);
    return [out[0]!, out[1]!];
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

for (const v of V) {
  describe.skipIf(!HAS[v])(`closed forms, clang${v}`, () => {
    for (const lvl of ['O0', 'O2']) {
      const mod = (n: string): string => join(DIR, `clang${v}`, `${n}.${lvl}.ll`);
      it(`${lvl}: __enzyme_inactivefn drops noise()'s contribution: d/dx (x*x + noise(x)) = 2x`, () => {
        const [d, e] = derivativeAndExpected(v, mod('inactive'), { fn: 'f' }, 1.25, '2 * 1.25');
        expect(d).toBe(e);
      });
      it(`${lvl}: --inactive jitter drops jitter()'s: d/dx (2x + jitter(x)) = 2`, () => {
        const [d, e] = derivativeAndExpected(v, mod('inactive'), { fn: 'h', inactive: ['jitter'] }, 0.4, '2');
        expect(d).toBe(e);
        // and without --inactive, jitter is differentiated
        const [d2] = derivativeAndExpected(v, mod('inactive'), { fn: 'h' }, 0.4, '0');
        expect(d2).toBeCloseTo(2 - 0.01 * Math.sin(0.4), 12);
      });
      it(`${lvl}: the derivative of the fast inverse square root is what rev_rsqrt computes`, () => {
        const [d, e] = derivativeAndExpected(v, mod('rsqrt'), { fn: 'rsq' }, 2.5, '-1.0f * Q_rsqrt(2.5f) / (2 * 2.5f)', 'float Q_rsqrt(float);');
        expect(d).toBe(e);
        expect(d).toBeCloseTo(-0.5 * Math.pow(2.5, -1.5), 4);
      });
      it(`${lvl}: __enzyme_function_like routes fake_log1p (2a) to the log1p rule: 1 / (1 + a)`, () => {
        const [d, e] = derivativeAndExpected(v, mod('like'), { fn: 'uses_fake' }, 2, '1.0 / 3.0');
        expect(d).toBeCloseTo(e, 15);
      });
      it(`${lvl}: --custom uses the given reverse pass (a wrong one shows)`, () => {
        const [d, e] = derivativeAndExpected(v, mod('cli'), { fn: 'cube', custom: [{ fn: 'cube', aug: 'aug_cube', rev: 'rev_cube_wrong' }] }, 1.5, '2 * 1.5');
        expect(d).toBe(e);
      });
    }
    const hw = join(DIR, 'handwritten', v === 14 ? 'metadata.typed.ll' : 'metadata.opaque.ll');
    it('"enzyme_inactive" on the function drops its contribution: 2x', () => {
      const [d, e] = derivativeAndExpected(v, hw, { fn: 'drop' }, 0.7, '2 * 0.7');
      expect(d).toBe(e);
    });
    it('"enzyme_inactive" on the call site drops its contribution: 2x', () => {
      const [d, e] = derivativeAndExpected(v, hw, { fn: 'drop_site' }, 0.7, '2 * 0.7');
      expect(d).toBe(e);
    });
  });
}

describe('activity sees inactive functions as inactive', () => {
  it('the call to noise() is const, x*x active', () => {
    const path = join(DIR, 'clang19', 'inactive.O2.ll');
    const m = parseText(readFileSync(path, 'utf8'), 'inactive.O2.ll');
    const lines = activityReport(m, { fn: 'f' }, null);
    expect(lines.find((l) => l.includes('call') && l.includes('@noise'))).toMatch(/value const, inst const/);
    const lines2 = activityReport(m, { fn: 'h', inactive: ['jitter'] }, null);
    expect(lines2.find((l) => l.includes('@jitter'))).toMatch(/value const, inst const/);
    expect(activityReport(m, { fn: 'h' }, null).find((l) => l.includes('@jitter'))).toMatch(/value active, inst active/);
  });
});

// ------------------------------------------------------------------------ errors ----

const cli = (args: string[], input?: string): CliResult => runCli(args, { input });

describe.skipIf(!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')))('CLI errors', () => {
  const CLI_LL = 'fixtures/custom/clang19/cli.O2.ll';
  it('unknown names in --custom / --inactive are usage errors naming them (exit 2)', () => {
    let r = cli(['grad', CLI_LL, '-f', 'poly', '--custom', 'cube=aug_cube,nothere', '--inactive', 'zip']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E0405]: --custom / --inactive: no function @nothere, @zip in the module');
    r = cli(['check', CLI_LL, '-f', 'poly', '--inactive', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E0405]: --inactive: no function @nope in the module');
    r = cli(['grad', CLI_LL, '-f', 'poly', '--custom', 'cube=aug_cube']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[E0903]: --custom: 'cube=aug_cube' is not FN=AUG,REV");
  });
  it('--custom and --inactive repeat', () => {
    const r = cli(['grad', 'fixtures/custom/clang14/inactive.O0.ll', '-f', 'h', '--inactive', 'jitter', '--inactive', 'noise',
      '--custom', 'f=f,f', '--custom', 'g=g,g', '-o', '/dev/null']);
    expect(r.code, r.stderr).toBe(0);
  });
  it('a reverse pass that does not fit: E0408 at its definition, with the expected signature (exit 1)', () => {
    const r = cli(['grad', CLI_LL, '-f', 'poly', '--custom', 'cube=aug_cube,rev_cube_bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cli\.O2\.ll:\d+:\d+: error\[E0408\]: @rev_cube_bad, the reverse pass registered for @cube by --custom, does not fit Enzyme's convention: it takes \(double\), expected \(double, double\)/);
    expect(r.stderr).toContain('define dso_local noundef double @rev_cube_bad(');
    expect(r.stdout).toBe('');
  });
  it('an augmented pass that does not fit: E0408 with the expected parameters and returns', () => {
    const r = cli(['grad', CLI_LL, '-f', 'cube', '--custom', 'cube=rev_cube,rev_cube']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("@rev_cube, the augmented forward pass registered for @cube by --custom, does not fit Enzyme's convention: it takes (double, double), expected (double)");
    expect(r.stderr).toContain('returns: void, the tape, the result (double), { tape, double }, or { tape, result, shadow result }');
  });
  const bad = (body: string): string => `
define double @f(double %x) {
  %r = fmul double %x, %x
  ret double %r
}
define void @aug_f(double %x) {
  ret void
}
define double @rev_f(double %x, double %d) {
  ret double %d
}
define { double, double } @rev_f2(double %x, double %d) {
  ret { double, double } zeroinitializer
}
define double @rev_f3(double %x, double %d, ptr %tape) {
  ret double %d
}
define double @g(double %x) {
  %r = call double @f(double %x)
  ret double %r
}
${body}
`;
  it('a registration global that does not fit: E0408 at the global', () => {
    let r = cli(['grad', '-', '-f', 'g'], bad('@__enzyme_register_gradient_f = global [2 x ptr] [ptr @f, ptr @aug_f]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/<stdin>:22:1: error\[E0408\]: @__enzyme_register_gradient_f must list 3 functions \{ function, augmented forward pass, reverse pass \}, it has 2/);
    r = cli(['grad', '-', '-f', 'g'], bad('@__enzyme_register_gradient_f = global [3 x ptr] [ptr @f, ptr @aug_f, ptr @rev_f2]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/<stdin>:22:1: error\[E0408\]: @rev_f2, the reverse pass registered for @f by @__enzyme_register_gradient_f, does not fit Enzyme's convention: it returns \{ double, double \}, expected double or \{ double \}/);
    r = cli(['grad', '-', '-f', 'g'], bad('@__enzyme_register_gradient_f = global [3 x ptr] [ptr @f, ptr @aug_f, ptr @rev_f3]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("it takes a tape (ptr) but @aug_f returns none (void)");
    r = cli(['grad', '-', '-f', 'g'], bad('@__enzyme_register_gradient_f = global [3 x ptr] [ptr @f, ptr @aug_f, ptr @rev_f]'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('call double @rev_f(double');
  });
  it('function_like naming a function without a rule: E0402 on the active path, naming the registration', () => {
    const r = cli(['grad', '-', '-f', 'g'], bad('@.str = private constant [9 x i8] c"mystery1\\00"\n@__enzyme_function_like = global [2 x ptr] [ptr @f, ptr @.str]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[E0402]: cannot differentiate @g: @f (registered as like mystery1, which has no derivative rule) touches active data');
  });
  it('a returned pointer whose shadow the caller needs, from an augmented pass that does not return it: E0408', () => {
    const r = cli(['grad', '-', '-f', 'u'], `
define ptr @pk(ptr %a) {
  ret ptr %a
}
define ptr @aug_pk(ptr %a, ptr %da) {
  ret ptr %a
}
define void @rev_pk(ptr %a, ptr %da) {
  ret void
}
@__enzyme_register_gradient_pk = global [3 x ptr] [ptr @pk, ptr @aug_pk, ptr @rev_pk]
define double @u(ptr %a) {
  %p = call ptr @pk(ptr %a)
  %v = load double, ptr %p
  ret double %v
}
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('<stdin>:11:1: error[E0408]: @aug_pk, the augmented forward pass registered for @pk by @__enzyme_register_gradient_pk, does not fit Enzyme\'s convention: the call needs the shadow of the returned pointer, but it returns ptr');
  });
  it('a batch width other than 1 with a custom derivative: E0408', () => {
    const m = parseText(bad('@__enzyme_register_gradient_f = global [3 x ptr] [ptr @f, ptr @aug_f, ptr @rev_f]'), 'in.ll');
    const ctx = new GradContext(m, withHints(defaultCallRules(), requestHints(m, {}, null)), { checkpoint: 'auto', looseTypes: false }, null);
    const sig = { fn: m.getFunction('f')!, args: ['active'], retActive: true, retPrimal: true, retShadow: false, width: 2 } as DiffSig;
    expect(() => ctx.split(sig)).toThrow(/a batch width other than 1 is not supported with custom derivatives yet/);
  });
  it('a custom derivative at top level is used by diffe<f> (augmented pass, then reverse pass)', () => {
    const r = cli(['grad', '-', '-f', 'f'], bad('@__enzyme_register_gradient_f = global [3 x ptr] [ptr @f, ptr @aug_f, ptr @rev_f]'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/define \{ double, double \} @diffef\(double %x, double %differeturn\) \{\nentry:\n {2}%augmented = call \{ ptr, double \} @augmented_f\(double %x\)/);
    expect(r.stdout).toContain('call void @aug_f(double %x)');
  });
});
