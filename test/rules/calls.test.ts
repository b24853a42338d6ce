// The registry: names, classification, coverage by the lli tests, the docs
// table, and rules that must build valid IR where lli cannot run them.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IRBuilder, addFunction, declareFunction } from '../../src/ir/builder.js';
import { Module } from '../../src/ir/module.js';
import { isFloat, scalarOf, type Type } from '../../src/ir/types.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import {
  ALL_CALL_RULES, callRulesTable, intrinsicSuffix, isTypeMangling, lookupCallRule, normalizeCalleeName,
} from '../../src/rules/calls.js';
import { MATH_RULES } from '../../src/rules/math.js';
import { DirectEnv, applyJvp, applyVjp, fpConst } from './harness.js';
import { INTRINSICS, LIBM_DOUBLE, LIBM_OTHER } from './cases.js';
import { hasTool } from '../util/llvm.js';

describe('callee names', () => {
  it.each([
    ['llvm.sin.f64', 'llvm.sin'],
    ['llvm.sin.f32', 'llvm.sin'],
    ['llvm.exp2.f80', 'llvm.exp2'],
    ['llvm.pow.v4f64', 'llvm.pow'],
    ['llvm.sqrt.nxv2f64', 'llvm.sqrt'],
    ['llvm.fabs.f16', 'llvm.fabs'],
    ['llvm.fabs.bf16', 'llvm.fabs'],
    ['llvm.fma.f128', 'llvm.fma'],
    ['llvm.fma.ppcf128', 'llvm.fma'],
    ['llvm.powi.f64.i32', 'llvm.powi'],
    ['llvm.powi.v2f32.i16', 'llvm.powi'],
    ['llvm.fmuladd.v2f64', 'llvm.fmuladd'],
    ['llvm.vector.reduce.fadd.v4f64', 'llvm.vector.reduce.fadd'],
    ['llvm.vector.reduce.fmax.nxv4f32', 'llvm.vector.reduce.fmax'],
    ['llvm.lifetime.start.p0i8', 'llvm.lifetime.start'],
    ['llvm.lifetime.start.p0', 'llvm.lifetime.start'],
    ['llvm.lifetime.end.p0', 'llvm.lifetime.end'],
    ['llvm.memcpy.p0i8.p0i8.i64', 'llvm.memcpy'],
    ['llvm.memcpy.p0.p0.i64', 'llvm.memcpy'],
    ['llvm.memset.p0f64.i64', 'llvm.memset'],
    ['llvm.stacksave.p0', 'llvm.stacksave'],
    ['llvm.objectsize.i64.p0', 'llvm.objectsize'],
    ['llvm.invariant.start.p1i8', 'llvm.invariant.start'],
    ['llvm.lround.i64.f64', 'llvm.lround'],
    ['llvm.ldexp.v2f64.v2i32', 'llvm.ldexp'],
    ['llvm.masked.load.v4f64.p0v4f64', 'llvm.masked.load'],
    ['llvm.ssa.copy.a4f64', 'llvm.ssa.copy'],
    ['llvm.foo.sl_i32f64s', 'llvm.foo'],
    ['llvm.foo.f_f64f64f', 'llvm.foo'],
    // Components that are not types stay, wherever they are.
    ['llvm.is.constant.f64', 'llvm.is.constant'],
    ['llvm.experimental.noalias.scope.decl', 'llvm.experimental.noalias.scope.decl'],
    ['llvm.x86.sse2.sqrt.pd', 'llvm.x86.sse2.sqrt.pd'],
    ['llvm.nvvm.sqrt.f', 'llvm.nvvm.sqrt.f'],
    ['llvm.x86.avx512.mask.cvtpd2ps.512', 'llvm.x86.avx512.mask.cvtpd2ps.512'],
    ['llvm.f64', 'llvm.f64'],
    ['sin.f64', 'sin.f64'],
    ['sinf', 'sinf'],
  ])('%s -> %s', (name, base) => {
    expect(normalizeCalleeName(name)).toBe(base);
  });

  it('recognizes type manglings and nothing else', () => {
    for (const s of ['f64', 'i1', 'i128', 'v4f64', 'nxv2i64', 'p0', 'p270', 'p0i8', 'p0p0f64', 'a3i8', 'v2p0', 'isVoid']) {
      expect(isTypeMangling(s), s).toBe(true);
    }
    for (const s of ['f', 'i', 'v4', 'p', 'pd', 'ps', '512', 'fadd', 'start', 'decl', 'f64x', 'sl_i32', 'v', 'nxv']) {
      expect(isTypeMangling(s), s).toBe(false);
    }
  });

  it('spells suffixes as LLVM does', () => {
    const t = new Module().types;
    expect(intrinsicSuffix(t.double)).toBe('f64');
    expect(intrinsicSuffix(t.float('x86_fp80'))).toBe('f80');
    expect(intrinsicSuffix(t.vector(4, t.f32))).toBe('v4f32');
    expect(intrinsicSuffix(t.vector(2, t.double, true))).toBe('nxv2f64');
    expect(intrinsicSuffix(t.opaquePtr())).toBe('p0');
    expect(intrinsicSuffix(t.typedPtr(t.i8))).toBe('p0i8');
    for (const s of ['f64', 'f80', 'v4f32', 'nxv2f64', 'p0', 'p0i8']) expect(isTypeMangling(s)).toBe(true);
  });
});

describe('lookup', () => {
  const kindOf = (n: string): string | undefined => lookupCallRule(n)?.kind;

  it('finds math rules under every spelling', () => {
    const sin = lookupCallRule('sin');
    expect(sin?.kind).toBe('rule');
    for (const n of ['sinf', 'sinl', 'llvm.sin', 'llvm.sin.f64', 'llvm.sin.v8f32', 'llvm.sin.nxv2f64']) {
      expect(lookupCallRule(n), n).toBe(sin);
    }
    expect(lookupCallRule('llvm.powi.f64.i32')).toBe(lookupCallRule('llvm.powi'));
    expect(lookupCallRule('llvm.vector.reduce.fadd.v4f64')).toBe(lookupCallRule('llvm.vector.reduce.fadd'));
    expect(lookupCallRule('fmin')).toBe(lookupCallRule('llvm.minnum.f32'));
    expect(lookupCallRule('__exp_finite')).toBe(lookupCallRule('exp'));
    expect(lookupCallRule('__powf_finite')).toBe(lookupCallRule('powf'));
  });

  it('does not confuse neighbouring names', () => {
    expect(lookupCallRule('llvm.exp2.f64')).not.toBe(lookupCallRule('llvm.exp'));
    expect(lookupCallRule('log1p')).not.toBe(lookupCallRule('log'));
    expect(lookupCallRule('llvm.vector.reduce.fmul.v2f64')).not.toBe(lookupCallRule('llvm.vector.reduce.fadd'));
    for (const n of ['sin.f64', 'sinx', 'llvm.sin.foo', 'llvm.sinh2.f64', 'mysin', 'llvm.x86.sse2.sqrt.pd', 'llvm.nvvm.sqrt.f']) {
      expect(lookupCallRule(n), n).toBeUndefined();
    }
  });

  it.each([
    'floor', 'floorf', 'ceil', 'ceill', 'trunc', 'round', 'rint', 'nearbyint', 'lround', 'llround', 'lrint', 'llrintf',
    'llvm.floor.f64', 'llvm.ceil.v4f32', 'llvm.trunc.f32', 'llvm.round.f64', 'llvm.roundeven.f64', 'llvm.rint.f64',
    'llvm.nearbyint.f64', 'llvm.lround.i64.f64', 'llvm.llround.i64.f32', 'llvm.lrint.i32.f64',
  ])('%s has a zero derivative', (n) => {
    expect(kindOf(n)).toBe('zero');
  });

  it.each([
    'llvm.lifetime.start.p0i8', 'llvm.lifetime.end.p0', 'llvm.dbg.declare', 'llvm.dbg.value', 'llvm.dbg.label',
    'llvm.dbg.anything.new', 'llvm.assume', 'llvm.experimental.noalias.scope.decl', 'llvm.invariant.start.p0',
    'llvm.invariant.end.p0i8', 'llvm.stacksave', 'llvm.stacksave.p0', 'llvm.stackrestore.p0', 'llvm.prefetch.p0',
    'llvm.donothing', 'llvm.sideeffect', 'llvm.pseudoprobe', 'llvm.var.annotation.p0.p0', 'llvm.objectsize.i64.p0',
    'llvm.is.constant.f64', 'llvm.expect.i64', 'llvm.expect.i1',
    'printf', 'fprintf', 'puts', 'putchar', 'fputs', 'fputc', 'fflush', 'sprintf', 'snprintf', 'fwrite', 'exit',
    'abort', 'time', 'clock', 'rand', 'srand', 'random', 'srandom', 'gettimeofday', 'clock_gettime',
    '__assert_fail', '__assert_rtn', 'assert',
  ])('%s is inactive', (n) => {
    expect(kindOf(n)).toBe('inactive');
  });

  it('leaves memory functions to the transform', () => {
    for (const n of ['memcpy', 'memset', 'memmove', 'malloc', 'free', 'calloc', 'realloc',
      'llvm.memcpy.p0.p0.i64', 'llvm.memset.p0.i64', 'llvm.memmove.p0i8.p0i8.i64']) {
      expect(lookupCallRule(n), n).toBeUndefined();
    }
  });

  it('has libm variants and intrinsics for each math family', () => {
    for (const base of ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
      'atanh', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'pow', 'sqrt', 'cbrt', 'hypot', 'fabs',
      'fmax', 'fmin', 'erf', 'erfc', 'fmod', 'ldexp']) {
      for (const n of [base, base + 'f', base + 'l']) expect(kindOf(n), n).toBe('rule');
    }
    for (const n of ['sqrt', 'sin', 'cos', 'exp', 'exp2', 'log', 'log2', 'log10', 'pow', 'powi', 'fabs', 'fma',
      'fmuladd', 'minnum', 'maxnum', 'minimum', 'maximum', 'copysign', 'vector.reduce.fadd', 'vector.reduce.fmul',
      'vector.reduce.fmax', 'vector.reduce.fmin', 'vector.reduce.fmaximum', 'vector.reduce.fminimum']) {
      expect(kindOf('llvm.' + n), n).toBe('rule');
    }
  });

  it('gives every rule a doc line, and partials exactly to kind rule', () => {
    for (const r of ALL_CALL_RULES) {
      expect(r.doc.length, r.names[0]).toBeGreaterThan(5);
      expect(r.names.length).toBeGreaterThan(0);
      expect(typeof r.partials === 'function', r.names[0]).toBe(r.kind === 'rule');
    }
  });

  it('checks every differentiable rule under lli', () => {
    const tested = new Set([...LIBM_DOUBLE, ...LIBM_OTHER, ...INTRINSICS].map((c) => lookupCallRule(c.callee)));
    const untested = MATH_RULES.filter((r) => !tested.has(r)).map((r) => r.names[0]);
    expect(untested).toEqual([]);
  });

  it('renders the docs table', () => {
    const table = callRulesTable();
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| functions | kind | derivative |');
    expect(lines.length).toBe(ALL_CALL_RULES.length + 2);
    expect(table).toContain('`llvm.sin`');
    expect(table).toContain('`sinf`');
    for (const l of lines) expect(l.split(/(?<!\\)\|/).length, l).toBe(5);
  });
});

/** Runs a rule in a fresh function `g(params...)` and returns the module and what the rule called. */
function runRule(callee: string, params: (m: Module) => Type[], ret: ((m: Module) => Type) | null, active: readonly number[], mode: 'reverse' | 'forward' = 'reverse'): { m: Module; called: string[]; text: string } {
  const m = new Module();
  const b = new IRBuilder(m);
  const ps = params(m);
  const rt = ret ? ret(m) : ps[0]!;
  const g = addFunction(m, 'g', m.types.fn(m.types.void, ps));
  b.atEnd(b.block(g, 'entry'));
  const call = b.call(declareFunction(m, callee, m.types.fn(rt, ps)), g.args);
  const activeArgs = new Set(active.map((i) => g.args[i]!));
  const env = new DirectEnv(b, activeArgs);
  const rule = lookupCallRule(callee)!;
  if (mode === 'reverse') applyVjp(rule, env, call, g.args, fpConst(rt, 1));
  else applyJvp(rule, env, call, g.args, ps.map((p) => (isFloat(scalarOf(p)) ? fpConst(p, 1) : null)));
  b.ret();
  expect(verifyModule(m, null)).toEqual([]);
  return { m, called: env.called, text: printModule(m) };
}

const assembler = hasTool('llvm-as-19') ? ['llvm-as-19'] : hasTool('llvm-as') ? ['llvm-as', '-opaque-pointers'] : null;

function assemble(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-rules-'));
  try {
    writeFileSync(join(dir, 'm.ll'), text);
    execFileSync(assembler![0]!, [...assembler!.slice(1), join(dir, 'm.ll'), '-o', join(dir, 'm.bc')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('rules emit only what they need', () => {
  it('pow with a constant exponent does not take log(x)', () => {
    const { called } = runRule('pow', (m) => [m.types.double, m.types.double], null, [0]);
    expect(called).toEqual(['llvm.pow.f64']);
  });

  it('pow with an active exponent takes log(x)', () => {
    const { called } = runRule('pow', (m) => [m.types.double, m.types.double], null, [0, 1]);
    expect(called).toEqual(['llvm.pow.f64', 'llvm.log.f64']);
  });

  it('an inactive argument costs nothing, in either mode', () => {
    for (const n of ['sin', 'exp', 'sqrt', 'log', 'fabs', 'tanh']) {
      for (const mode of ['reverse', 'forward'] as const) {
        const { m } = runRule(n, (mm) => [mm.types.double], null, [], mode);
        expect(m.getFunction('g')!.blocks[0]!.instructions.map((i) => i.op), `${n} ${mode}`).toEqual(['call', 'ret']);
      }
    }
  });

  it('forward mode of pow with a constant exponent does not take log(x) either', () => {
    const { called } = runRule('pow', (m) => [m.types.double, m.types.double], null, [0], 'forward');
    expect(called).toEqual(['llvm.pow.f64']);
  });

  it('sinh of a libm call calls libm cosh, of an intrinsic the intrinsic', () => {
    expect(runRule('sinhf', (m) => [m.types.f32], null, [0]).called).toEqual(['coshf']);
    expect(runRule('llvm.sinh.v2f64', (m) => [m.types.vector(2, m.types.double)], null, [0]).called).toEqual(['llvm.cosh.v2f64']);
  });
});

describe.skipIf(!assembler)('scalable vectors (built and assembled; x86 cannot run them)', () => {
  const nxv = (m: Module): Type => m.types.vector(2, m.types.double, true);
  const dbl = (m: Module): Type => m.types.double;
  it.each([
    ['llvm.sin.nxv2f64', (m: Module) => [nxv(m)], null],
    ['llvm.pow.nxv2f64', (m: Module) => [nxv(m), nxv(m)], null],
    ['llvm.powi.nxv2f64.i32', (m: Module) => [nxv(m), m.types.i32], null],
    ['llvm.fabs.nxv2f64', (m: Module) => [nxv(m)], null],
    ['llvm.maxnum.nxv2f64', (m: Module) => [nxv(m), nxv(m)], null],
    ['llvm.vector.reduce.fadd.nxv2f64', (m: Module) => [dbl(m), nxv(m)], dbl],
    ['llvm.vector.reduce.fmul.nxv2f64', (m: Module) => [dbl(m), nxv(m)], dbl],
    ['llvm.vector.reduce.fmax.nxv2f64', (m: Module) => [nxv(m)], dbl],
  ] as const)('%s', (name, params, ret) => {
    const active = params(new Module()).map((_, i) => i);
    assemble(runRule(name, params, ret, active).text);
    assemble(runRule(name, params, ret, active, 'forward').text);
  });
});
