// `--abi c` and `--header`: for every result shape (1 to 6 floats or doubles, mixed float and
// double, integers and pointers next to gradients, width-N arrays, vector parameters), the
// derivatives are generated with the C calling convention, a C program that includes the
// header calls them, and the numbers it prints are compared with closed forms. Compiled with
// clang 14 (typed pointers) and 19 (opaque) for x86-64, and for AArch64 run under qemu when
// the cross tools are installed (.ci/run installs them). For macOS targets, which cannot run
// here, the wrappers' IR signatures are compared with what clang itself emits for a call
// through the header's declarations.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';
import { loadModuleWithSource } from '../../src/driver/load.js';
import { differentiate, requestFrom } from '../../src/driver/grad.js';
import { findFunction } from '../../src/ad/grad.js';
import { describeForward, describeReverse } from '../../src/abi/describe.js';
import { cInterface } from '../../src/driver/cinterface.js';
import { quietSession } from '../../src/driver/session.js';
import { writeModule } from '../../src/print/printer.js';
import { shapes, type Shape } from './shapes.js';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-abi-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function sh(cmd: string, args: string[], opts: { input?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: tmp, encoding: 'utf8', input: opts.input, timeout: 120_000, maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Toolchain { name: string; clang: string; target: string | null; link: string[]; run: string[] | null; llvmAs: string | null }

const A64 = ['--target=aarch64-linux-gnu', '--sysroot=/usr/aarch64-linux-gnu', '-fuse-ld=/usr/bin/aarch64-linux-gnu-ld', '-static'];
const a64Ready = hasTool('qemu-aarch64-static') && hasTool('aarch64-linux-gnu-ld') && existsSync('/usr/aarch64-linux-gnu/lib/crt1.o');
/** The cross GCC's support files (crtbegin.o, libgcc) that clang 19 does not find by itself. */
const gccCross = ((): string => {
  const root = '/usr/lib/gcc-cross/aarch64-linux-gnu';
  try {
    const v = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))[0];
    return v ? join(root, v) : root;
  } catch {
    return root;
  }
})();

const TOOLCHAINS: Toolchain[] = [
  { name: 'clang-14 x86-64', clang: 'clang-14', target: null, link: [], run: [], llvmAs: 'llvm-as' },
  { name: 'clang-19 x86-64', clang: 'clang-19', target: null, link: [], run: [], llvmAs: 'llvm-as-19' },
  { name: 'clang-14 aarch64 (qemu)', clang: 'clang-14', target: 'aarch64-linux-gnu', link: A64, run: a64Ready ? ['qemu-aarch64-static'] : null, llvmAs: null },
  { name: 'clang-19 aarch64 (qemu)', clang: 'clang-19', target: 'aarch64-linux-gnu', link: [...A64, `--gcc-install-dir=${gccCross}`], run: a64Ready ? ['qemu-aarch64-static'] : null, llvmAs: null },
];

/** Differentiates every shape of `ll` with --abi c into one module and one header (the driver's own functions, in process). */
function generate(ll: string, all: Shape[], header: string): string {
  const session = quietSession();
  const { module: m, file } = loadModuleWithSource(ll, session);
  const descs = all.map((s) => {
    const req = requestFrom({ fn: s.fn, args: s.args, ret: s.ret, width: s.width === undefined ? undefined : String(s.width) });
    const r = differentiate(m, req, file, {}, session);
    return describeReverse(findFunction(m, s.fn), r.fn, r.args, r.ret, s.width ?? 1);
  });
  const h = cInterface(m, descs, { abi: 'c', header, madeBy: 'the ABI test' }, session);
  writeFileSync(header, h!);
  let text = '';
  writeModule(m, (c) => { text += c; });
  return text;
}

function mainSource(all: Shape[], header: string): string {
  const lines = ['#include <stdio.h>', `#include "${header}"`, 'int main(void) {'];
  all.forEach((s, k) => {
    lines.push(`  { ${s.setup ?? ''}`);
    lines.push(`    struct diffe${s.fn}_result r = diffe${s.fn}(${s.call});`);
    lines.push(`    printf("${k}${' %.17g'.repeat(s.print.length)}\\n", ${s.print.map((p) => `(double)(${p})`).join(', ')});`);
    lines.push('  }');
  });
  lines.push('  return 0;', '}');
  return lines.join('\n') + '\n';
}

function check(all: Shape[], out: string): string[] {
  const bad: string[] = [];
  const rows = new Map(out.trim().split('\n').map((l) => { const [k, ...v] = l.trim().split(/\s+/); return [Number(k), v.map(Number)] as const; }));
  all.forEach((s, k) => {
    const got = rows.get(k);
    if (!got) { bad.push(`${s.fn}: no output`); return; }
    s.expect.forEach((e, j) => {
      const g = got[j]!;
      const tol = (s.float ? 1e-5 : 1e-12) * Math.max(1, Math.abs(e));
      if (!(Math.abs(g - e) <= tol)) bad.push(`${s.fn}: ${s.print[j]} = ${g}, expected ${e}`);
    });
  });
  return bad;
}

describe.each(TOOLCHAINS)('$name', (tc) => {
  const ready = hasTool(tc.clang) && tc.run !== null;
  test.runIf(ready)('every result shape, called from C through the header, gives the closed-form gradient', () => {
    const all = shapes();
    const dir = tc.name.replace(/\W+/g, '_');
    const src = join(tmp, `${dir}.c`);
    writeFileSync(src, all.map((s) => s.c).join('\n') + '\n');
    const ll = join(tmp, `${dir}.ll`);
    const target = tc.target ? [`--target=${tc.target}`] : [];
    const c = sh(tc.clang, [...target, '-O1', '-fno-discard-value-names', '-S', '-emit-llvm', src, '-o', ll]);
    expect(c.code, c.stderr).toBe(0);
    const header = join(tmp, `${dir}.h`);
    const out = join(tmp, `${dir}.grad.ll`);
    writeFileSync(out, generate(ll, all, header));
    if (tc.llvmAs) {
      const as = sh(tc.llvmAs, [out, '--disable-output']);
      expect(as.code, as.stderr).toBe(0);
    }
    const main = join(tmp, `${dir}.main.c`);
    writeFileSync(main, mainSource(all, header));
    const exe = join(tmp, `${dir}.exe`);
    const l = sh(tc.clang, [...(tc.link.length ? tc.link : target), '-O1', out, main, '-o', exe]);
    expect(l.code, l.stderr).toBe(0);
    const r = sh(tc.run!.length ? tc.run![0]! : exe, tc.run!.length ? [exe] : []);
    expect(r.code, r.stderr).toBe(0);
    expect(check(all, r.stdout)).toEqual([]);
    // the header is C++ too
    const cpp = sh(tc.clang.replace('clang', 'clang++'), [...target, '-fsyntax-only', '-x', 'c++', '-'], { input: `#include "${header}"\nint use() { return sizeof(diffe${all[0]!.fn}_result) > 0; }\n` });
    expect(cpp.code, cpp.stderr).toBe(0);
  });
});

/** `declare` / `define` signatures with named struct types spelled out and attributes other than sret dropped. */
function signatures(ir: string, prefix: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of ir.matchAll(/^(%[\w.]+) = type (.*)$/gm)) types.set(m[1]!, m[2]!);
  const expand = (t: string): string => t.replace(/%struct\.[\w.]+/g, (n) => expand(types.get(n) ?? n));
  const out = new Map<string, string>();
  for (const m of ir.matchAll(/^(?:declare|define)\s+(?:[a-z_]+\s+)*?(\S.*?)\s+@(\w+)\((.*?)\)/gm)) {
    const name = m[2]!;
    if (!name.startsWith(prefix) || name.endsWith('.raw')) continue;
    const params = m[3]!.split(/,(?![^{]*})/).map((p) => {
      const sret = /sret\(([^)]*\)?[^)]*)\)/.exec(p);
      const ty = p.trim().split(/\s+/)[0]!;
      return sret ? `sret(${expand(sret[1]!)})` : expand(ty);
    });
    const ret = m[1]!.split(/\s+/).filter((w) => !/^(dso_local|dso_preemptable|hidden|protected|default|internal|external|noundef|zeroext|signext|inreg)$/.test(w)).join(' ');
    out.set(name, `${expand(ret)} (${params.join(', ')})`);
  }
  return out;
}

describe.runIf(hasTool('clang-19'))('macOS and Linux targets: the wrapper is what clang emits for the header\'s declaration', () => {
  test.each(['x86_64-apple-macosx13', 'arm64-apple-macosx13', 'aarch64-linux-gnu', 'x86_64-unknown-freebsd14'])('%s', (triple) => {
    const all = shapes();
    const dir = triple.replace(/\W+/g, '_');
    const src = join(tmp, `${dir}.c`);
    writeFileSync(src, all.map((s) => s.c).join('\n') + '\n');
    const ll = join(tmp, `${dir}.ll`);
    const c = sh('clang-19', [`--target=${triple}`, '-O1', '-fno-discard-value-names', '-S', '-emit-llvm', src, '-o', ll]);
    expect(c.code, c.stderr).toBe(0);
    const header = join(tmp, `${dir}.h`);
    const ours = signatures(generate(ll, all, header), 'diffe');
    // clang's lowering of the same declarations: a caller of each function
    const caller = join(tmp, `${dir}.caller.c`);
    writeFileSync(caller, `#include "${header}"\n${all.map((s) => `void *use_${s.fn} = (void *)&diffe${s.fn};`).join('\n')}\n`);
    // freestanding: no C library headers for these targets here (stdint.h and stdbool.h are the compiler's)
    const cl = sh('clang-19', [`--target=${triple}`, '-ffreestanding', '-O0', '-S', '-emit-llvm', caller, '-o', '-']);
    expect(cl.code, cl.stderr).toBe(0);
    const theirs = signatures(cl.stdout, 'diffe');
    expect(theirs.size).toBe(all.length);
    for (const [name, sig] of theirs) expect(`${name}: ${ours.get(name)}`).toBe(`${name}: ${sig}`);
  });
});

describe('the command line', () => {
  test.runIf(hasTool('clang-19'))('grad --abi c --header on float sq: the C struct {float, float} comes back packed, not as two registers', () => {
    writeFileSync(join(tmp, 'sq.c'), 'float sq(float x) { return x * x; }\n');
    expect(sh('clang-19', ['-O2', '-S', '-emit-llvm', join(tmp, 'sq.c'), '-o', join(tmp, 'sq.ll')]).code).toBe(0);
    const r = runCli(['grad', join(tmp, 'sq.ll'), '-f', 'sq', '--abi', 'c', '--header', join(tmp, 'sq.h'), '-o', join(tmp, 'sq.grad.ll')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'sq.grad.ll'), 'utf8')).toMatch(/^define <2 x float> @diffesq\(float %arg0, float %differeturn\)/m);
    const h = readFileSync(join(tmp, 'sq.h'), 'utf8');
    expect(h).toMatch(/^struct diffesq_result diffesq\(float arg0, float differeturn\);$/m);
    writeFileSync(join(tmp, 'sq.main.c'), `#include <stdio.h>\n#include "sq.h"\nint main(void) { struct diffesq_result r = diffesq(3.0f, 1.0f); printf("%g %g\\n", r.primal, r.d_arg0); return 0; }\n`);
    expect(sh('clang-19', ['-O0', join(tmp, 'sq.grad.ll'), join(tmp, 'sq.main.c'), '-o', join(tmp, 'sq.exe')]).code).toBe(0);
    expect(sh(join(tmp, 'sq.exe'), []).stdout.trim()).toBe('9 6');
  });

  test.runIf(hasTool('clang-19'))('--header without --abi c: declared when C calls the derivative the same way, else E0905 naming --abi c', () => {
    writeFileSync(join(tmp, 'h.c'), 'double d2(double x, double y) { return x * y; }\nfloat f2(float x) { return x * x; }\n');
    expect(sh('clang-19', ['-O2', '-fno-discard-value-names', '-S', '-emit-llvm', join(tmp, 'h.c'), '-o', join(tmp, 'h.ll')]).code).toBe(0);
    const ok = runCli(['grad', join(tmp, 'h.ll'), '-f', 'd2', '--ret', 'activeonly', '--header', join(tmp, 'd2.h'), '-o', join(tmp, 'd2.ll')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'd2.h'), 'utf8')).toMatch(/^struct diffed2_result diffed2\(double x, double y, double differeturn\);$/m);
    const bad = runCli(['grad', join(tmp, 'h.ll'), '-f', 'f2', '--header', join(tmp, 'f2.h'), '-o', join(tmp, 'f2.ll')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error\[E0905\]: --header: @diffef2 cannot be called from C as it is: C returns struct diffef2_result as <2 x float>; the derivative returns \{ float, float \}/);
    expect(bad.stderr).toMatch(/note: add --abi c/);
  });

  test('a target whose C calling convention is not known: E0906, nothing written', () => {
    writeFileSync(join(tmp, 'win.ll'), 'target triple = "x86_64-pc-windows-msvc"\ndefine double @f(double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n');
    const r = runCli(['grad', join(tmp, 'win.ll'), '-f', 'f', '--abi', 'c', '-o', join(tmp, 'win.out.ll')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0906\]: --abi c: the C calling convention of target x86_64-pc-windows-msvc is not supported/);
    expect(() => readFileSync(join(tmp, 'win.out.ll'))).toThrow();
  });

  test('a value C has no type for: E0904 naming the parameter', () => {
    writeFileSync(join(tmp, 'i24.ll'), 'target triple = "x86_64-pc-linux-gnu"\ndefine double @f(i24 %n, double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n');
    const r = runCli(['grad', join(tmp, 'i24.ll'), '-f', 'f', '--abi', 'c', '-o', join(tmp, 'i24.out.ll')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0904\]: parameter n of @diffef has type i24, which has no C equivalent here/);
  });
});

describe.runIf(hasTool('clang-19'))('forward mode: the same header and wrapper serve @fwddiffe<FN>', () => {
  // Hand-written forward derivatives of f(x, y) = x*x*y in the shape docs/cli.md gives forward mode,
  // described by describeForward, wrapped and called from C.
  test('dup return (primal and tangent), dupnoneed return (tangent alone), width 2 (an [2 x double] tangent)', () => {
    const ll = join(tmp, 'fwd.ll');
    writeFileSync(ll, `target triple = "x86_64-pc-linux-gnu"
define double @f(double %x, double %y) {
  %a = fmul double %x, %x
  %b = fmul double %a, %y
  ret double %b
}
define { double, double } @fwddiffef(double %x, double %"x'", double %y, double %"y'") {
  %a = fmul double %x, %x
  %b = fmul double %a, %y
  %t1 = fmul double %x, %y
  %t2 = fmul double %t1, 2.0
  %t3 = fmul double %t2, %"x'"
  %t4 = fmul double %a, %"y'"
  %t = fadd double %t3, %t4
  %r0 = insertvalue { double, double } undef, double %b, 0
  %r1 = insertvalue { double, double } %r0, double %t, 1
  ret { double, double } %r1
}
define double @fwddiffef.only(double %x, double %"x'", double %y) {
  %t1 = fmul double %x, %y
  %t2 = fmul double %t1, 2.0
  %t3 = fmul double %t2, %"x'"
  ret double %t3
}
define { double, [2 x double] } @fwddiffef.w2(double %x, double %"x'0", double %"x'1", double %y) {
  %a = fmul double %x, %x
  %b = fmul double %a, %y
  %t1 = fmul double %x, %y
  %t2 = fmul double %t1, 2.0
  %l0 = fmul double %t2, %"x'0"
  %l1 = fmul double %t2, %"x'1"
  %v0 = insertvalue [2 x double] undef, double %l0, 0
  %v1 = insertvalue [2 x double] %v0, double %l1, 1
  %r0 = insertvalue { double, [2 x double] } undef, double %b, 0
  %r1 = insertvalue { double, [2 x double] } %r0, [2 x double] %v1, 1
  ret { double, [2 x double] } %r1
}
`);
    const session = quietSession();
    const { module: m } = loadModuleWithSource(ll, session);
    const f = m.getFunction('f')!;
    const descs = [
      describeForward(f, m.getFunction('fwddiffef')!, ['dup', 'dup'], 'dup', 1),
      describeForward(f, m.getFunction('fwddiffef.only')!, ['dup', 'const'], 'dupnoneed', 1),
      describeForward(f, m.getFunction('fwddiffef.w2')!, ['dup', 'const'], 'dup', 2),
    ];
    const header = join(tmp, 'fwd.h');
    writeFileSync(header, cInterface(m, descs, { abi: 'c', header, madeBy: 'the ABI test' }, session)!);
    let text = '';
    writeModule(m, (c) => { text += c; });
    writeFileSync(join(tmp, 'fwd.out.ll'), text);
    const h = readFileSync(header, 'utf8');
    expect(h).toMatch(/^struct fwddiffef_result fwddiffef\(double x, double t_x, double y, double t_y\);$/m);
    expect(h).toMatch(/^struct fwddiffef_only_result fwddiffef_only\(double x, double t_x, double y\) __asm__\("fwddiffef\.only"\);$/m);
    expect(h).toMatch(/^  double tangent\[2\];$/m);
    writeFileSync(join(tmp, 'fwd.main.c'), `#include <stdio.h>
#include "fwd.h"
int main(void) {
  struct fwddiffef_result a = fwddiffef(3.0, 1.0, 2.0, 0.5);
  struct fwddiffef_only_result b = fwddiffef_only(3.0, 1.0, 2.0);
  struct fwddiffef_w2_result c = fwddiffef_w2(3.0, 1.0, -1.0, 2.0);
  printf("%g %g %g %g %g %g\\n", a.primal, a.tangent, b.tangent, c.primal, c.tangent[0], c.tangent[1]);
  return 0;
}
`);
    const l = sh('clang-19', ['-O1', join(tmp, 'fwd.out.ll'), join(tmp, 'fwd.main.c'), '-o', join(tmp, 'fwd.exe')]);
    expect(l.code, l.stderr).toBe(0);
    // f = x^2 y at (3, 2): 18; tangent along (1, 0.5): 2xy*1 + x^2*0.5 = 12 + 4.5
    expect(sh(join(tmp, 'fwd.exe'), []).stdout.trim()).toBe('18 16.5 12 18 12 -12');
  });
});

describe.runIf(hasTool('clang-19'))('enzyme-ts fwd --abi c --header: forward derivatives called from C', () => {
  // float f(float x, float y) = x*x*y from clang 19 -O2; its forward derivative at width 1 and 2,
  // each with the C calling convention and a header, called from C and compared with the closed form.
  test('a {float, float} result (one register in C) and a width-2 result with tangent arrays', () => {
    const src = join(tmp, 'fwdc.c');
    writeFileSync(src, 'float f(float x, float y) { return x * x * y; }\n');
    const ll = join(tmp, 'fwdc.ll');
    expect(sh('clang-19', ['-O2', '-S', '-emit-llvm', src, '-o', ll]).code).toBe(0);
    const one = runCli(['fwd', ll, '-f', 'f', '--abi', 'c', '--header', join(tmp, 'fwdc1.h'), '-o', join(tmp, 'fwdc1.ll')]);
    expect(one.code, one.stderr).toBe(0);
    const two = runCli(['fwd', join(tmp, 'fwdc1.ll'), '-f', 'f', '--width', '2', '--name', 'fw2', '--abi', 'c', '--header', join(tmp, 'fwdc2.h'), '-o', join(tmp, 'fwdc2.ll')]);
    expect(two.code, two.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'fwdc1.h'), 'utf8')).toMatch(/^struct fwddiffef_result fwddiffef\(float \w+, float t_\w+, float \w+, float t_\w+\);$/m);
    expect(readFileSync(join(tmp, 'fwdc2.h'), 'utf8')).toMatch(/^  float tangent\[2\];$/m);
    writeFileSync(join(tmp, 'fwdc.main.c'), `#include <stdio.h>
#include "fwdc1.h"
#include "fwdc2.h"
int main(void) {
  struct fwddiffef_result a = fwddiffef(3.0f, 1.0f, 2.0f, 0.5f);
  float t0[2] = {1.0f, 0.0f}, t1[2] = {0.0f, 1.0f};
  struct fw2_result b = fw2(3.0f, t0, 2.0f, t1);
  printf("%g %g %g %g %g\\n", a.primal, a.tangent, b.primal, b.tangent[0], b.tangent[1]);
  return 0;
}
`);
    for (const o of ['-O0', '-O2']) {
      const exe = join(tmp, `fwdc${o}.exe`);
      const l = sh('clang-19', [o, join(tmp, 'fwdc2.ll'), join(tmp, 'fwdc.main.c'), '-o', exe]);
      expect(l.code, l.stderr).toBe(0);
      // f = x^2 y at (3, 2) = 18; along (1, 0.5): 2xy + 0.5 x^2 = 16.5; df/dx = 12, df/dy = 9
      expect(sh(exe, []).stdout.trim()).toBe('18 16.5 18 12 9');
    }
  });
});
