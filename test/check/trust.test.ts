// `check` must be as trustworthy as the derivatives it checks (issue 10): no false failure on
// float code, on code that writes globals, on a module with symbols lli cannot resolve; a clear
// refusal of what it cannot build; a clear error for an lli older than the module; and a wrong
// derivative, even a slightly wrong float one, is still caught.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgActivity, GradResult, RetActivity } from '../../src/ad/api.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import type { Module } from '../../src/ir/module.js';
import { runCheck, type CheckOptions, type DerivativeProvider } from '../../src/driver/check.js';
import { requiredLlvm } from '../../src/driver/check-lli.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { POLY } from './fixtures.js';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-trust-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function handWritten(name: string, args: ArgActivity[], ret: RetActivity): DerivativeProvider {
  return (m: Module): GradResult => {
    const fn = m.getFunction(name);
    if (!fn) throw new Error(`test fixture lacks @${name}`);
    return { fn, args, ret, perf: [] };
  };
}

async function check(opts: Omit<CheckOptions, 'out'>): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCheck({ ...opts, out: (s) => { out += s; } });
  return { code, out };
}

async function diagnostic(opts: Omit<CheckOptions, 'out'>): Promise<DiagnosticError> {
  try {
    await runCheck({ ...opts, out: () => {} });
  } catch (e) {
    if (e instanceof DiagnosticError) return e;
    throw e;
  }
  throw new Error('runCheck did not fail');
}

// g(x) = sin(x) x^2 in float; its derivative in float, right and 1% / 0.3% off.
const G_FLOAT = (scale: string | null): string => `
declare float @llvm.sin.f32(float)
declare float @llvm.cos.f32(float)
define float @g(float %x) {
entry:
  %s = call float @llvm.sin.f32(float %x)
  %xx = fmul float %x, %x
  %r = fmul float %s, %xx
  ret float %r
}
define { float, float } @diffeg(float %x, float %seed) {
entry:
  %r = call float @g(float %x)
  %c = call float @llvm.cos.f32(float %x)
  %s = call float @llvm.sin.f32(float %x)
  %xx = fmul float %x, %x
  %a = fmul float %c, %xx
  %x2 = fmul float %x, 2.0
  %b = fmul float %x2, %s
  %d0 = fadd float %a, %b
  %d = fmul float %d0, ${scale ?? '1.0'}
  %dx = fmul float %d, %seed
  %s0 = insertvalue { float, float } undef, float %r, 0
  %s1 = insertvalue { float, float } %s0, float %dx, 1
  ret { float, float } %s1
}
`;

// h(x) = x^3 with a double interface, computed in float (what musl's __sindf kernels do); its derivative in float.
const H_MIXED = `
define double @h(double %x) {
entry:
  %f = fptrunc double %x to float
  %c = fmul float %f, %f
  %c3 = fmul float %c, %f
  %r = fpext float %c3 to double
  ret double %r
}
define { double, double } @diffeh(double %x, double %seed) {
entry:
  %r = call double @h(double %x)
  %f = fptrunc double %x to float
  %ff = fmul float %f, %f
  %d = fmul float %ff, 3.0
  %dd = fpext float %d to double
  %g = fmul double %dd, %seed
  %s0 = insertvalue { double, double } undef, double %r, 0
  %s1 = insertvalue { double, double } %s0, double %g, 1
  ret { double, double } %s1
}
`;

describe('float derivatives against differences of a double twin', () => {
  test('a right float derivative passes, at several points; the differences are taken in double', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await check({ input: file('g.ll', G_FLOAT(null)), fn: 'g', seed, derivative: handWritten('diffeg', ['active'], 'active') });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/finite differences: on a double twin of the float computation$/m);
      expect(r.out).toMatch(/relative tolerance (\S+ to )?0\.001/);
    }
  });

  test('a float derivative 1% off, and 0.3% off, is a MISMATCH', async () => {
    for (const scale of ['0x3FF028F5C0000000', '0x3FF00C49C0000000']) {
      const r = await check({ input: file('g-off.ll', G_FLOAT(scale)), fn: 'g', derivative: handWritten('diffeg', ['active'], 'active') });
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/^%x .*MISMATCH$/m);
    }
  });

  test('double parameters computed in float: no false failure (the step is not chosen by the parameter type)', async () => {
    const r = await check({ input: file('h.ll', H_MIXED), fn: 'h', at: '0.7', derivative: handWritten('diffeh', ['active'], 'active') });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/double twin/);
  });
});

// A function that reads and writes a global: each evaluation must start from the same state.
const ACC = `
@c = global double 1.5
define double @acc(double %x) {
entry:
  %c = load double, double* @c
  %xx = fmul double %x, %x
  %n = fadd double %c, %xx
  store double %n, double* @c
  ret double %n
}
define { double, double } @diffeacc(double %x, double %seed) {
entry:
  %r = call double @acc(double %x)
  %x2 = fmul double %x, 2.0
  %dx = fmul double %x2, %seed
  %s0 = insertvalue { double, double } undef, double %r, 0
  %s1 = insertvalue { double, double } %s0, double %dx, 1
  ret { double, double } %s1
}
`;

describe('state', () => {
  test('a global the function writes is restored before every evaluation and before the derivative', async () => {
    const r = await check({ input: file('acc.ll', ACC), fn: 'acc', at: '0.5', derivative: handWritten('diffeacc', ['active'], 'active') });
    expect(r.code, r.out).toBe(0);
    // the primal at the base point is 1.5 + 0.25 every time
    expect(r.out).toMatch(/^return \(primal\)\s+1\.75\s+1\.75 /m);
  });

  test('a symbol nothing checked reaches does not stop the run (the module is pruned for lli)', async () => {
    const extra = `
declare double @nowhere_to_be_found(double)
@table = external global [4 x i32]
define double @unrelated(double %x) {
entry:
  %y = call double @nowhere_to_be_found(double %x)
  %p = getelementptr [4 x i32], [4 x i32]* @table, i64 0, i64 1
  %i = load i32, i32* %p
  %f = sitofp i32 %i to double
  %z = fadd double %y, %f
  ret double %z
}
!named = !{!0}
!0 = !{double (double)* @unrelated}
`;
    const r = await check({ input: file('unrelated.ll', POLY + extra), fn: 'f', derivative: handWritten('diffef', ['active', 'active'], 'active') });
    expect(r.code, r.out).toBe(0);
  });
});

describe('what check cannot build is refused with a location (E0440)', () => {
  const VEC = `
%struct.vec = type { double*, double*, double* }
define double @first(%struct.vec* %v) {
entry:
  %p = getelementptr %struct.vec, %struct.vec* %v, i64 0, i32 0
  %b = load double*, double** %p
  %x = load double, double* %b
  ret double %x
}
`;
  test('memory that holds pointers (a std::vector-like struct)', async () => {
    const e = await diagnostic({ input: file('vec.ll', VEC), fn: 'first' });
    const d = e.diagnostics[0]!;
    expect(d.code).toBe('E0440');
    expect(e.exitCode).toBe(1);
    expect(d.message).toMatch(/parameter %v of @first: it points to memory that holds pointers \(%struct\.vec\)/);
    expect(d.start).toBeGreaterThan(0);
    expect(d.notes!.join('\n')).toMatch(/wrapper/);
  });

  test('real C++: a std::vector<double>& parameter, clang 14 -O0 and clang 19 -O2', async () => {
    for (const f of ['clang14/args_vector.O0.ll', 'clang19/args_vector.O2.ll']) {
      const e = await diagnostic({ input: join(ROOT, 'fixtures', 'check', f), fn: '_Z8sum_sqrtRKSt6vectorIdSaIdEE' });
      expect(e.diagnostics[0]!.code, f).toBe('E0440');
      expect(e.diagnostics[0]!.message).toMatch(/holds pointers/);
    }
  });

  test('a struct with an integer count beside its doubles', async () => {
    for (const f of ['clang14/args_structs.O0.ll', 'clang19/args_structs.O2.ll']) {
      const e = await diagnostic({ input: join(ROOT, 'fixtures', 'check', f), fn: 'with_count' });
      expect(e.diagnostics[0]!.code, f).toBe('E0440');
      expect(e.diagnostics[0]!.message).toMatch(/keeps integers beside its floating values/);
    }
  });

  // Found by the random differential tester: check filled memory that a function reads as float
  // in one field and as double in another with doubles, and compared garbage.
  const MIXED = `
%struct.S0 = type { [4 x float], double }
define double @mixed(ptr %ps, ptr %x) {
entry:
  %a = getelementptr inbounds %struct.S0, ptr %ps, i64 1, i32 0, i64 0
  %f = load float, ptr %a
  %e = fpext float %f to double
  %b = getelementptr inbounds %struct.S0, ptr %ps, i64 0, i32 1
  %d = load double, ptr %b
  %r = fmul double %e, %d
  ret double %r
}
`;
  test('memory read as float in one field and as double in another (reverse and forward)', async () => {
    const input = file('mixed.ll', MIXED);
    const e = await diagnostic({ input, fn: 'mixed' });
    expect(e.diagnostics[0]!.code).toBe('E0440');
    expect(e.diagnostics[0]!.message).toMatch(/parameter %ps of @mixed: it points to memory that keeps float beside double values \(%struct\.S0/);
    const { runFwdCheck } = await import('../../src/driver/check-fwd.js');
    let fe: unknown = null;
    try { await runFwdCheck({ input, fn: 'mixed', out: () => {} }); } catch (x) { fe = x; }
    expect(fe).toBeInstanceOf(DiagnosticError);
    expect((fe as DiagnosticError).diagnostics[0]!.code).toBe('E0440');
  });

  test('a by-value struct holding a pointer', async () => {
    const text = `
define double @sp({ double, double* } %s) {
entry:
  %x = extractvalue { double, double* } %s, 0
  ret double %x
}
`;
    const e = await diagnostic({ input: file('sp.ll', text), fn: 'sp' });
    expect(e.diagnostics[0]!.code).toBe('E0440');
    expect(e.diagnostics[0]!.message).toMatch(/parameter %s of @sp: it is a struct that holds more than double and float values/);
  });
});

describe('by-value aggregates are driven', () => {
  const ROT = `
define { double, double } @rot({ double, double } %p, double %t) {
entry:
  %x = extractvalue { double, double } %p, 0
  %y = extractvalue { double, double } %p, 1
  %c = call double @llvm.cos.f64(double %t)
  %s = call double @llvm.sin.f64(double %t)
  %xc = fmul double %x, %c
  %ys = fmul double %y, %s
  %xs = fmul double %x, %s
  %yc = fmul double %y, %c
  %a = fsub double %xc, %ys
  %b = fadd double %xs, %yc
  %r0 = insertvalue { double, double } undef, double %a, 0
  %r1 = insertvalue { double, double } %r0, double %b, 1
  ret { double, double } %r1
}
declare double @llvm.cos.f64(double)
declare double @llvm.sin.f64(double)
; d/dp and d/dt of seed . rot(p, t), seed = (u, v)
define { { double, double }, { double, double }, double } @differot({ double, double } %p, double %t, { double, double } %seed) {
entry:
  %r = call { double, double } @rot({ double, double } %p, double %t)
  %x = extractvalue { double, double } %p, 0
  %y = extractvalue { double, double } %p, 1
  %u = extractvalue { double, double } %seed, 0
  %v = extractvalue { double, double } %seed, 1
  %c = call double @llvm.cos.f64(double %t)
  %s = call double @llvm.sin.f64(double %t)
  %uc = fmul double %u, %c
  %vs = fmul double %v, %s
  %dx = fadd double %uc, %vs
  %us = fmul double %u, %s
  %vc = fmul double %v, %c
  %dy = fsub double %vc, %us
  %a = extractvalue { double, double } %r, 0
  %b = extractvalue { double, double } %r, 1
  %ub = fmul double %u, %b
  %va = fmul double %v, %a
  %dt = fsub double %va, %ub
  %g0 = insertvalue { double, double } undef, double %dx, 0
  %g1 = insertvalue { double, double } %g0, double %dy, 1
  %o0 = insertvalue { { double, double }, { double, double }, double } undef, { double, double } %r, 0
  %o1 = insertvalue { { double, double }, { double, double }, double } %o0, { double, double } %g1, 1
  %o2 = insertvalue { { double, double }, { double, double }, double } %o1, double %dt, 2
  ret { { double, double }, { double, double }, double } %o2
}
`;
  test('a struct parameter and a struct return: every leaf is a row', async () => {
    const r = await check({ input: file('rot.ll', ROT), fn: 'rot', at: '[0.5 -1.2],0.8', derivative: handWritten('differot', ['active', 'active'], 'active') });
    expect(r.code, r.out).toBe(0);
    for (const l of ['%p.0', '%p.1', '%t', 'return.0 (primal)', 'return.1 (primal)']) expect(r.out).toMatch(new RegExp(`^${l.replace(/[.()]/g, '\\$&')} .* ok$`, 'm'));
    expect(r.out).toContain("point: --at '[0.5 -1.2],0.8'");
    expect(r.out).toMatch(/^seeds: return \[\S+ \S+\]$/m);
  });
});

describe('an lli older than the module', () => {
  const MEM = `
define double @sq(double %x) #0 {
entry:
  %y = fmul double %x, %x
  ret double %y
}
attributes #0 = { memory(none) }
`;
  test('the syntax is recognized, outside strings and comments', () => {
    expect(requiredLlvm(MEM)).toMatchObject({ llvm: 16, line: 7 });
    expect(requiredLlvm('; memory(none) in a comment\n@s = constant [12 x i8] c"captures(no"')).toBeNull();
    expect(requiredLlvm('define void @f(ptr captures(none) %p) {')).toMatchObject({ llvm: 21 });
    expect(requiredLlvm('  %c = icmp samesign ult i32 %a, %b')).toMatchObject({ llvm: 20 });
  });

  test.skipIf(!hasTool('lli'))('ENZYME_TS_LLI naming LLVM 14 for LLVM 16 syntax: E0441 at the syntax, before running', async () => {
    const input = file('mem.ll', MEM);
    const e = await diagnostic({ input, fn: 'sq', env: { ENZYME_TS_LLI: hasTool('lli-14') ? 'lli-14' : 'lli' } });
    const d = e.diagnostics[0]!;
    expect(d.code).toBe('E0441');
    expect(d.message).toMatch(/needs LLVM 16 or newer, and the newest lli found is lli(-14)? \(LLVM 14\)/);
    expect(readFileSync(input, 'utf8').slice(d.start, d.end)).toBe('memory');
  });

  test.skipIf(!hasTool('lli-16') && !hasTool('lli-19'))('without ENZYME_TS_LLI a new enough lli is chosen', async () => {
    const r = await check({ input: file('mem.ll', MEM), fn: 'sq' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/ with lli-(16|19)/);
  });

  test.skipIf(!hasTool('lli-19') || hasTool('lli-21') || hasTool('lli-22'))('rustc 1.95 (LLVM 22) output with at most LLVM 19 installed: E0441, not an lli crash', async () => {
    const e = await diagnostic({ input: join(ROOT, 'fixtures', 'grad', 'rust', 'ad.O3.ll'), fn: 'rs_dot', args: 'dup,dup,const', at: '[1 2 3 -0.5],[0.3 0.2 -1 2],4' });
    expect(e.diagnostics[0]!.code).toBe('E0441');
    expect(e.diagnostics[0]!.message).toMatch(/needs LLVM 2[12] or newer/);
    expect(e.diagnostics[0]!.notes!.join('\n')).toMatch(/apt-get install llvm-2[12]/);
  });
});
