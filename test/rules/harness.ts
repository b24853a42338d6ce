// Checks call rules against finite differences, micrograd style, under lli.
//
// For each case, one module holds
//   f_k(lanes...)          -> double: the call, its vector result weighted per lane
//   g_k(lanes..., ptr out) -> void:   the rule's reverse mode (vjp) run where every
//                                     primal is simply available, storing the
//                                     adjoint of each active lane into out[]
//   h_k(lanes..., ptr out) -> void:   its forward mode (jvp), one unit tangent per
//                                     active lane, storing the tangent of the output
// and a `main` that prints f at x +- h e_i and g at x for every point, with
// printf("%.17g\n"). Every case of a test file goes into one module and one
// lli run per LLVM version, since lli's start-up costs more than a case.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  IRBuilder, addFunction, constFP, constInt, declareFunction, poisonValue,
} from '../../src/ir/builder.js';
import { ConstantAggregate, ConstantString } from '../../src/ir/constants.js';
import { GlobalVariable, type Function } from '../../src/ir/function.js';
import type { CallInst } from '../../src/ir/instructions.js';
import { Module } from '../../src/ir/module.js';
import { isFloat, scalarOf, type FloatType, type Type } from '../../src/ir/types.js';
import type { Value } from '../../src/ir/value.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import type { CallRule, RuleEnv } from '../../src/rules/api.js';
import { overloadedName, lookupCallRule } from '../../src/rules/calls.js';
import { hasTool, run, type LLVMVersion } from '../util/llvm.js';

export interface MathCase {
  /** The callee as written in IR (`sinf`, `llvm.powi.f64.i32`). */
  callee: string;
  /** `double`, `float`, `x86_fp80`, `i32`, a vector `v4double`, `v2i32`, or `ptr`: an out-pointer (to a fresh stack slot, not a lane). */
  params: readonly string[];
  /** Default: the type of the first parameter. */
  ret?: string;
  /** Each point lists one value per lane, parameters in order (integer lanes too). */
  points: readonly (readonly number[])[];
  /** Parameters passed as runtime values that the rule must treat as inactive. */
  inactive?: readonly number[];
  /** Fast-math flags on the call. */
  flags?: number;
  /** The oldest LLVM that has the callee (default 14). */
  since?: LLVMVersion;
  /**
   * Where finite differences cannot judge (ties, kinks, singular points): the
   * gradient expected at the point of the same index, one value per active lane.
   */
  exact?: readonly (readonly number[] | null)[];
  /** Relative tolerance (default: 1e-6, or 2e-3 for float / half results). */
  rtol?: number;
}

export function caseLabel(c: MathCase): string {
  return `${c.callee}(${c.params.map((p, i) => (c.inactive?.includes(i) ? `const ${p}` : p)).join(', ')})`;
}

/** lli binaries per LLVM version, with the flag that makes LLVM 14 read opaque pointers. */
export const LLI: ReadonlyArray<{ v: LLVMVersion; cmd: string; args: string[] }> = [
  ...(hasTool('lli') ? [{ v: 14 as const, cmd: 'lli', args: ['-opaque-pointers', '-'] }] : []),
  ...(hasTool('lli-19') ? [{ v: 19 as const, cmd: 'lli-19', args: ['-'] }] : []),
];

function parseType(m: Module, s: string): Type {
  const t = m.types;
  const vec = /^v(\d+)(.+)$/.exec(s);
  if (vec) return t.vector(Number(vec[1]), parseType(m, vec[2]!));
  const int = /^i(\d+)$/.exec(s);
  if (int) return t.int(Number(int[1]));
  switch (s) {
    case 'double': case 'float': case 'half': case 'x86_fp80': case 'fp128': return t.float(s);
    case 'ptr': return t.opaquePtr();
    case 'cdouble': return t.struct([t.double, t.double]);
    default: throw new Error(`test type ${s}?`);
  }
}

function laneCount(t: Type): number {
  return t.kind === 'vector' ? t.count : t.kind === 'pointer' ? 0 : 1;
}

/** The weight of result lane j: unequal weights catch lanes mixed up. */
function weight(j: number): number {
  return j === 0 ? 1 : (j % 2 ? -0.5 : 1) * (1 + j / 4);
}

function roundTo(t: Type, x: number): number {
  if (!isFloat(t)) return x;
  switch (t.fk) {
    case 'float': return Math.fround(x);
    case 'half': throw new Error('half points: not supported by the harness');
    default: return x;
  }
}

/** A constant of `t` for lane value `x`. */
function constant(t: Type, x: number): Value {
  return isFloat(t) ? constFP(t, x) : constInt(t, x);
}

/** A floating constant, splatted for vectors (a scalable vector constant can only be written as a splat). */
export function fpConst(type: Type, value: number): Value {
  if (type.kind === 'vector' && type.scalable) return new ConstantAggregate(type, [constFP(type.elem, value)], true);
  return constFP(type, value);
}

/** A RuleEnv where primals are available as they are (the argument, or the call itself). */
export class DirectEnv implements RuleEnv {
  readonly module: Module;
  readonly called: string[] = [];
  constructor(readonly b: IRBuilder, private readonly activeSet: ReadonlySet<Value>) {
    this.module = b.module;
  }
  primal(v: Value): Value { return v; }
  active(v: Value): boolean { return this.activeSet.has(v); }
  fp(type: Type, value: number): Value { return fpConst(type, value); }
  callMath(name: string, args: readonly Value[], ret?: Type): Value {
    const full = overloadedName(name, args);
    this.called.push(full);
    const fnType = this.module.types.fn(ret ?? args[0]!.type, args.map((a) => a.type));
    const fn = this.module.getFunction(full) ?? declareFunction(this.module, full, fnType);
    if (fn.fnType !== fnType) throw new Error(`callMath: ${full} declared with another type`);
    return this.b.call(fn, args);
  }
}

/** Reverse mode of a call rule: the adjoint `d` of the result, transposed into each active argument. */
export function applyVjp(rule: CallRule, env: DirectEnv, call: CallInst, args: readonly Value[], d: Value): Map<Value, Value> {
  const out = new Map<Value, Value>();
  const ps = rule.partials!(env, call, args);
  args.forEach((a, k) => {
    const p = ps[k];
    if (!p || !env.active(a)) return;
    const delta = p.vjp(d);
    if (delta.type !== a.type) throw new Error('vjp: the adjoint has another type than the argument');
    const prev = out.get(a);
    out.set(a, prev ? env.b.fadd(prev, delta) : delta);
  });
  return out;
}

/** Forward mode of a call rule: the tangent of the result from the arguments' tangents (null: none). */
export function applyJvp(rule: CallRule, env: DirectEnv, call: CallInst, args: readonly Value[], tangents: readonly (Value | null)[]): Value | null {
  const ps = rule.partials!(env, call, args);
  let sum: Value | null = null;
  args.forEach((a, k) => {
    const p = ps[k];
    const t = tangents[k];
    if (!p || !t || !env.active(a)) return;
    const c = p.jvp(t);
    if (c.type !== call.type) throw new Error('jvp: the tangent has another type than the result');
    sum = sum ? env.b.fadd(sum, c) : c;
  });
  return sum;
}

/** A scalar, or the weighted sum of the lanes of a vector or the fields of a struct (unequal weights catch lanes mixed up). */
function weighted(b: IRBuilder, v: Value): Value {
  const t = v.type;
  if (t.kind !== 'vector' && t.kind !== 'struct') return v;
  const n = t.kind === 'vector' ? t.count : t.elems!.length;
  let sum: Value | null = null;
  for (let j = 0; j < n; j++) {
    const lane = t.kind === 'vector' ? b.extractElement(v, b.i32(j)) : b.extractValue(v, [j]);
    const x = b.fmul(lane, constFP(lane.type, weight(j)));
    sum = sum ? b.fadd(sum, x) : x;
  }
  return sum!;
}

interface Built {
  c: MathCase;
  rule: CallRule;
  f: Function;
  g: Function;
  h: Function;
  lanes: Type[];
  /** Lane indices (into the flat lane list) that are active. */
  active: number[];
}

/** Converts a floating value to double (the type printf takes). */
function toDouble(b: IRBuilder, v: Value): Value {
  const t = v.type as FloatType;
  if (t.fk === 'double') return v;
  return b.cast(t.fk === 'float' || t.fk === 'half' ? 'fpext' : 'fptrunc', v, b.types.double);
}

/** Declares the callee and builds the call from lane parameters. Returns the call and the argument values. */
function buildCall(m: Module, b: IRBuilder, c: MathCase, params: readonly Value[]): { call: CallInst; args: Value[] } {
  const t = m.types;
  const types = c.params.map((p) => parseType(m, p));
  const ret = c.ret ? parseType(m, c.ret) : types[0]!;
  const fnType = t.fn(ret, types);
  const callee = m.getFunction(c.callee) ?? declareFunction(m, c.callee, fnType);
  let k = 0;
  const args = types.map((ty) => {
    // An out-pointer: room for any scalar the callee writes.
    if (ty.kind === 'pointer') return b.alloca(t.array(16, t.i8), null, null, 16);
    if (ty.kind !== 'vector') return params[k++]!;
    let v: Value = poisonValue(ty);
    for (let j = 0; j < ty.count; j++) v = b.insertElement(v, params[k++]!, b.i32(j));
    return v;
  });
  const call = b.call(callee, args);
  if (c.flags) call.flags = c.flags;
  return { call, args };
}

function buildCase(m: Module, b: IRBuilder, c: MathCase, k: number): Built {
  const rule = lookupCallRule(c.callee);
  if (!rule || rule.kind !== 'rule' || !rule.partials) throw new Error(`no differentiable rule for ${c.callee}`);
  const t = m.types;
  const types = c.params.map((p) => parseType(m, p));
  const lanes = types.flatMap((ty) => new Array<Type>(laneCount(ty)).fill(scalarOf(ty)));
  const active: number[] = [];
  let lane = 0;
  types.forEach((ty, i) => {
    for (let j = 0; j < laneCount(ty); j++, lane++) {
      if (isFloat(scalarOf(ty)) && !c.inactive?.includes(i)) active.push(lane);
    }
  });

  const f = addFunction(m, `f${k}`, t.fn(t.double, lanes));
  b.atEnd(b.block(f, 'entry'));
  const fc = buildCall(m, b, c, f.args);
  b.ret(toDouble(b, weighted(b, fc.call)));

  const g = addFunction(m, `g${k}`, t.fn(t.void, [...lanes, t.opaquePtr()]));
  b.atEnd(b.block(g, 'entry'));
  const gc = buildCall(m, b, c, g.args);
  const rt = gc.call.type;
  const d = rt.kind === 'vector'
    ? new ConstantAggregate(rt, Array.from({ length: rt.count }, (_, j) => constFP(rt.elem, weight(j))))
    : rt.kind === 'struct'
      ? new ConstantAggregate(rt, rt.elems!.map((et, j) => constFP(et, weight(j))))
      : constFP(rt, 1);
  const activeArgs = new Set(gc.args.filter((_, i) => isFloat(scalarOf(types[i]!)) && !c.inactive?.includes(i)));
  const env = new DirectEnv(b, activeArgs);
  const adjoints = applyVjp(rule, env, gc.call, gc.args, d);
  const outPtr = g.args[lanes.length]!;
  let slot = 0;
  types.forEach((ty, i) => {
    const arg = gc.args[i]!;
    if (!activeArgs.has(arg)) return;
    const adj = adjoints.get(arg);
    for (let j = 0; j < laneCount(ty); j++) {
      let v: Value = adj ? (ty.kind === 'vector' ? b.extractElement(adj, b.i32(j)) : adj) : constFP(scalarOf(ty), 0);
      v = toDouble(b, v);
      b.store(v, b.gep(t.double, outPtr, [b.i64(slot++)]));
    }
  });
  b.ret();

  // h(lanes..., out): forward mode, one unit tangent per active lane; out[s] is the weighted tangent of the result.
  const h = addFunction(m, `h${k}`, t.fn(t.void, [...lanes, t.opaquePtr()]));
  b.atEnd(b.block(h, 'entry'));
  const hc = buildCall(m, b, c, h.args);
  const hActive = new Set(hc.args.filter((_, i) => isFloat(scalarOf(types[i]!)) && !c.inactive?.includes(i)));
  const henv = new DirectEnv(b, hActive);
  const hOut = h.args[lanes.length]!;
  let flat = 0;
  let hslot = 0;
  types.forEach((ty, i) => {
    for (let j = 0; j < laneCount(ty); j++, flat++) {
      if (!active.includes(flat)) continue;
      const unit: Value = ty.kind === 'vector'
        ? new ConstantAggregate(ty, Array.from({ length: ty.count }, (_, q) => constFP(ty.elem, q === j ? 1 : 0)))
        : constFP(ty, 1);
      const tangents = types.map((_, q) => (q === i ? unit : null));
      const tr = applyJvp(rule, henv, hc.call, hc.args, tangents);
      let v: Value;
      v = tr ? toDouble(b, weighted(b, tr)) : constFP(t.double, 0);
      b.store(v, b.gep(t.double, hOut, [b.i64(hslot++)]));
    }
  });
  b.ret();
  return { c, rule, f, g, h, lanes, active };
}

interface Expectation {
  c: MathCase;
  point: readonly number[];
  lane: number;
  /** The step actually taken (after rounding to the lane type). */
  step: number;
}

export interface LaneResult {
  point: readonly number[];
  lane: number;
  analytic: number;
  fd: number;
  /** Which direction of the rule computed `analytic`. */
  mode: 'reverse' | 'forward';
  /** The expected value when finite differences cannot judge. */
  exact?: number;
}
export interface CaseResult { c: MathCase; lanes: LaneResult[] }

function stepFor(t: Type, x: number): number {
  const rel = isFloat(t) && t.fk === 'float' ? 1e-2 : 1e-5;
  return rel * (Number.isFinite(x) ? Math.max(1, Math.abs(x)) : 1);
}

/** The module for `cases` and, in print order, what main's lines mean. */
export function buildModule(cases: readonly MathCase[]): { text: string; plan: { built: Built; point: readonly number[]; fd: Expectation[] }[] } {
  const m = new Module();
  m.dialect = 'opaque';
  const b = new IRBuilder(m);
  const t = m.types;
  const built = cases.map((c, k) => buildCase(m, b, c, k));

  const fmtType = t.array(7, t.i8);
  const fmt = new GlobalVariable(t.opaquePtr(), fmtType);
  fmt.name = 'fmt';
  fmt.linkage = 'private';
  fmt.isConstant = true;
  fmt.init = new ConstantString(fmtType, '%.17g\\0A\\00');
  m.globals.push(fmt);
  m.invalidateSymbols();
  const printf = declareFunction(m, 'printf', t.fn(t.i32, [t.opaquePtr()], true));

  const main = addFunction(m, 'main', t.fn(t.i32, []));
  b.atEnd(b.block(main, 'entry'));
  const maxActive = Math.max(1, ...built.map((x) => x.active.length));
  const out = b.alloca(t.double, 'out', b.i64(maxActive), 8);
  const print = (v: Value): void => { b.call(printf, [fmt, v]); };
  const plan: { built: Built; point: readonly number[]; fd: Expectation[] }[] = [];
  for (const x of built) {
    for (const point of x.c.points) {
      if (point.length !== x.lanes.length) throw new Error(`${caseLabel(x.c)}: a point needs ${x.lanes.length} values`);
      const base = point.map((v, i) => roundTo(x.lanes[i]!, v));
      const fd: Expectation[] = [];
      for (const lane of x.active) {
        const lt = x.lanes[lane]!;
        const h = stepFor(lt, base[lane]!);
        const plus = [...base];
        const minus = [...base];
        plus[lane] = roundTo(lt, base[lane]! + h);
        minus[lane] = roundTo(lt, base[lane]! - h);
        print(b.call(x.f, plus.map((v, i) => constant(x.lanes[i]!, v))));
        print(b.call(x.f, minus.map((v, i) => constant(x.lanes[i]!, v))));
        // A NaN lane: the difference of two NaNs is no step, the function may still be flat in it.
        const step = plus[lane]! - minus[lane]!;
        fd.push({ c: x.c, point, lane, step: Number.isNaN(step) ? 2 * h : step });
      }
      for (const fn of [x.g, x.h]) {
        b.call(fn, [...base.map((v, i) => constant(x.lanes[i]!, v)), out]);
        for (let s = 0; s < x.active.length; s++) {
          print(b.load(t.double, b.gep(t.double, out, [b.i64(s)])));
        }
      }
      plan.push({ built: x, point, fd });
    }
  }
  b.ret(b.i32(0));
  const errors = verifyModule(m, null);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return { text: printModule(m), plan };
}

function parseNumber(s: string): number {
  const t = s.trim().replace(/^-nan$/, 'nan');
  if (t === 'nan') return NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const n = Number(t);
  if (Number.isNaN(n)) throw new Error(`lli printed ${s}`);
  return n;
}

/** Runs the cases under one lli and returns analytic and finite-difference values per active lane. */
export async function runCases(cases: readonly MathCase[], lli: (typeof LLI)[number]): Promise<CaseResult[]> {
  const mine = cases.filter((c) => (c.since ?? 14) <= lli.v);
  const { text, plan } = buildModule(mine);
  const r = await run(lli.cmd, lli.args, text);
  if (r.code !== 0) throw new Error(`${lli.cmd} failed (${r.code}):\n${r.stderr}\n${text}`);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0).map(parseNumber);
  let at = 0;
  const results = new Map<MathCase, CaseResult>(mine.map((c) => [c, { c, lanes: [] }]));
  for (const p of plan) {
    const exact = p.built.c.exact?.[p.built.c.points.indexOf(p.point)] ?? null;
    const fds = p.fd.map((e) => {
      const fp = lines[at++]!;
      const fm = lines[at++]!;
      return { e, fd: (fp - fm) / e.step };
    });
    const reverse = fds.map(() => lines[at++]!);
    const forward = fds.map(() => lines[at++]!);
    fds.forEach(({ e, fd }, s) => {
      for (const [mode, analytic] of [['reverse', reverse[s]!], ['forward', forward[s]!]] as const) {
        const l: LaneResult = { point: e.point, lane: e.lane, analytic, fd, mode };
        if (exact) l.exact = exact[s]!;
        results.get(p.built.c)!.lanes.push(l);
      }
    });
  }
  if (at !== lines.length) throw new Error(`lli printed ${lines.length} numbers, expected ${at}`);
  return [...results.values()];
}

/** Analytic and finite-difference values agree to the case's relative tolerance (with an absolute floor). */
export function expectClose(r: CaseResult): void {
  const single = r.c.params.some((p) => p.endsWith('float') || p.endsWith('half'));
  const rtol = r.c.rtol ?? (single ? 2e-3 : 1e-6);
  expect(r.lanes.length).toBeGreaterThan(0);
  for (const l of r.lanes) {
    const where = `${caseLabel(r.c)} at (${l.point.join(', ')}), lane ${l.lane}, ${l.mode} mode: analytic ${l.analytic}, finite difference ${l.fd}`;
    if (l.exact !== undefined) {
      expect(l.analytic, where).toBe(l.exact);
      continue;
    }
    expect(Number.isFinite(l.analytic), where).toBe(true);
    expect(Math.abs(l.analytic - l.fd), where).toBeLessThanOrEqual(rtol * Math.max(Math.abs(l.fd), 1e-3));
  }
}

/** One `it` per case, from one lli run per LLVM version for the whole list. */
export function describeCases(title: string, cases: readonly MathCase[]): void {
  if (LLI.length === 0) {
    describe.skip(`${title} (no lli)`, () => { it('needs lli', () => {}); });
    return;
  }
  for (const lli of LLI) {
    describe(`${title}, LLVM ${lli.v}`, () => {
      let results: readonly CaseResult[] = [];
      beforeAll(async () => { results = await runCases(cases, lli); });
      cases.forEach((c, k) => {
        it.skipIf((c.since ?? 14) > lli.v)(`${k}: ${caseLabel(c)}`, () => {
          const r = results.find((x) => x.c === c);
          expect(r, 'no result: the lli run failed').toBeDefined();
          expectClose(r!);
        });
      });
    });
  }
}
