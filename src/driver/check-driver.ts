// `check`: the driver program, built in IR inside the user's module so that
// it runs under the same `lli` as the function and its derivative, in the
// module's own pointer dialect. The driver is deliberately dumb: TypeScript
// decides every point and every seed, the IR only evaluates and prints.
//
// Two parts, so that each kind of derivative plugs in its own second half:
// - the evaluations: the function (or its double twin, check-widen.ts) at the
//   base point and at perturbed points, each after restoring every piece of
//   mutable state (the argument arrays and the module's writable globals), each
//   printing what the derivative kind observes (`Observe`);
// - the derivative call, which the kind emits through `DriverApi`
//   (check-reverse.ts for reverse mode).
//
// Output protocol, one number per line, each tagged so that a stray line from
// the user's code cannot be mistaken for a result (check.ts parses it):
//   R <v>     every floating leaf of the primal return at the base point
//   L <loss>  per evaluation, one per lane (Observe 'loss')
//   P, G, S   whatever the derivative kind prints (reverse: primal of the
//             derivative, gradients of active parameters, shadow arrays)
//   END
import type { ArgActivity } from '../ad/api.js';
import { IRBuilder, addFunction, constFP, constInt, declareFunction } from '../ir/builder.js';
import { ConstantAggregate, ConstantString, ConstantUndef, ConstantZero } from '../ir/constants.js';
import { Function, GlobalVariable, type BasicBlock } from '../ir/function.js';
import { DataLayout } from '../ir/layout.js';
import type { Module } from '../ir/module.js';
import { elementAt, type Type, type TypeContext } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { ElemType, ParamValue } from './check-points.js';

export interface DriverParam {
  activity: ArgActivity;
  value: ParamValue;
  /** Seeds of a dup / dupnoneed array, one array per lane (each as long as the array); null otherwise. */
  seeds: number[][] | null;
}

/** One change of the base point: parameter `param`, array element or aggregate leaf `elem` (-1 for a scalar). */
export interface Change { param: number; elem: number; value: number }

/** One evaluation of the function: the base point with some entries changed (none: the base point). */
export interface Evaluation { changes: Change[] }

/**
 * What each evaluation prints. 'loss': the scalar the reverse derivative is the
 * gradient of, one per lane: seed . return + sum over seeded arrays of seed . array
 * (L lines, and Q: a bound on its rounding). 'outputs': the outputs themselves, for a
 * tangent check: every floating leaf of the return, then every element of the arrays of
 * the listed parameters (Y lines), each compared with its own differences along a direction.
 */
export type Observe =
  | { kind: 'loss'; retSeeds: number[][] | null }
  | { kind: 'outputs'; arrays: number[] };

export interface DriverSpec {
  /** The function as written: its return at the base point is printed (R). */
  fn: Function;
  /** What the evaluations call: `fn`, or its double twin (same parameters, wider floats). */
  evalFn: Function;
  params: DriverParam[];
  observe: Observe;
  width: number;
  evals: Evaluation[];
  /** Writable globals restored before every evaluation and before the derivative. */
  state: GlobalVariable[];
  /** Emits the derivative call at the base point (state restored) and prints its results. */
  derivative: (d: DriverApi) => void;
}

/** What a derivative kind may use to call its derivative from the driver. */
export interface DriverApi {
  readonly b: IRBuilder;
  readonly m: Module;
  /** Restores argument arrays and globals to the base point. */
  restore(): void;
  /** The argument passed for parameter k at the base point, as type `target` (arrays: the working buffer). */
  primalArg(k: number, target: Type): Value;
  /** The zero-initialized shadow buffer of array parameter k, lane j. */
  shadow(k: number, lane: number): Value;
  /** Copies `values` (a seed or a direction) into the shadow buffer of array parameter k, lane j. */
  fillShadow(k: number, lane: number, values: readonly number[]): void;
  /** A constant of type `t` whose floating leaves are `leaves` in order. */
  leafConst(t: Type, leaves: readonly number[]): Value;
  /** Prints every floating leaf of `v` (scalar, vector, struct, array) with `tag`. */
  printLeaves(tag: string, v: Value): void;
  /** Prints the elements of array parameter k's buffer `p` with `tag`. */
  printArray(tag: string, k: number, p: Value): void;
}

/** Floating leaves of a type in order, or null when it holds anything else (integers, pointers). */
export function floatLeaves(t: Type): ('double' | 'float')[] | null {
  switch (t.kind) {
    case 'float': return t.fk === 'double' || t.fk === 'float' ? [t.fk] : null;
    case 'vector': case 'array': {
      if (t.kind === 'vector' && t.scalable) return null;
      const e = floatLeaves(t.elem);
      return e ? Array.from({ length: t.count }, () => e).flat() : null;
    }
    case 'struct': {
      if (!t.elems || t.elems.length === 0) return null;
      const out: ('double' | 'float')[] = [];
      for (const e of t.elems) { const l = floatLeaves(e); if (!l) return null; out.push(...l); }
      return out;
    }
    default: return null;
  }
}

/** Builds the driver into `m`; returns its entry function (for `lli --entry-function`). */
export function buildDriver(m: Module, spec: DriverSpec): Function {
  return new DriverBuilder(m, spec).build();
}

interface ArrayBufs {
  e: ElemType;
  len: number;
  init: GlobalVariable;
  buf: GlobalVariable;
  seeds: GlobalVariable[] | null;
  shadows: GlobalVariable[] | null;
}

class DriverBuilder implements DriverApi {
  readonly b: IRBuilder;
  private readonly t: TypeContext;
  private readonly taken = new Set<string>();
  private printf!: Function;
  private memcpy: Function | null = null;
  private readonly fmts = new Map<string, GlobalVariable>();
  private readonly helpers = new Map<string, Function>();
  private arrays: (ArrayBufs | null)[] = [];
  private saved: [GlobalVariable, GlobalVariable, number][] = [];

  constructor(readonly m: Module, private readonly spec: DriverSpec) {
    this.b = new IRBuilder(m);
    this.t = m.types;
  }

  /** A global name not used in the module: the driver must never capture a user symbol. */
  fresh(base: string): string {
    let name = `__enzyme_ts_check.${base}`;
    for (let k = 1; this.m.getGlobal(name) !== undefined || this.taken.has(name); k++) name = `__enzyme_ts_check.${base}.${k}`;
    this.taken.add(name);
    return name;
  }

  private elemType(e: ElemType): Type {
    return e.kind === 'float' ? this.t.float(e.fk) : this.t.int(e.bits);
  }

  private elemConst(e: ElemType, v: number): Value {
    return e.kind === 'float' ? constFP(this.t.float(e.fk), v) : constInt(this.t.int(e.bits), v);
  }

  private global(base: string, valueType: Type, init: Value, isConstant: boolean, align: number | null = null): GlobalVariable {
    const g = new GlobalVariable(this.m.ptrTo(valueType), valueType);
    g.name = this.fresh(base);
    g.linkage = 'private';
    g.init = init;
    g.isConstant = isConstant;
    g.align = align;
    if (isConstant) g.unnamedAddr = 'unnamed_addr';
    this.m.globals.push(g);
    this.m.invalidateSymbols();
    return g;
  }

  private arrayGlobal(base: string, e: ElemType, values: readonly number[]): GlobalVariable {
    const at = this.t.array(values.length, this.elemType(e));
    return this.global(base, at, new ConstantAggregate(at, values.map((v) => this.elemConst(e, v))), true);
  }

  private zeroArray(base: string, e: ElemType, len: number): GlobalVariable {
    const at = this.t.array(len, this.elemType(e));
    return this.global(base, at, new ConstantZero(at), false, 16);
  }

  /** Pointer to element 0 of an array global, as `E*` (typed) or `ptr`. */
  private first(g: GlobalVariable): Value {
    return this.b.gep(g.valueType, g, [this.b.i64(0), this.b.i64(0)], null, true);
  }

  private declarePrintf(): Function {
    const existing = this.m.getFunction('printf');
    const i8p = this.m.ptrTo(this.t.i8);
    if (existing) {
      const ft = existing.fnType;
      if (!ft.vararg || ft.params.length !== 1 || ft.params[0]!.kind !== 'pointer' || ft.ret.kind !== 'int') {
        throw new Error(`the module declares @printf with an unexpected type; the check driver needs C's printf`);
      }
      return existing;
    }
    return declareFunction(this.m, 'printf', this.t.fn(this.t.i32, [i8p], true));
  }

  private fmt(tag: string): Value {
    let g = this.fmts.get(tag);
    if (!g) {
      const text = `${tag} %.17g\\0A\\00`;
      const at = this.t.array(tag.length + 8, this.t.i8);
      g = this.global(`fmt.${tag}`, at, new ConstantString(at, text), true);
      this.fmts.set(tag, g);
    }
    return this.first(g);
  }

  /** printf(tag, double(v)) at the insertion point. */
  private print(tag: string, v: Value): void {
    const d = v.type === this.t.double ? v : this.b.cast('fpext', v, this.t.double);
    const fmt = this.b.bitcastIfNeeded(this.fmt(tag), this.printf.fnType.params[0]!);
    this.b.call(this.printf, [fmt, d]);
  }

  printLeaves(tag: string, v: Value): void {
    const t = v.type;
    if (t.kind === 'float') { this.print(tag, v); return; }
    const n = t.kind === 'struct' ? t.elems!.length : t.kind === 'array' || t.kind === 'vector' ? t.count : 0;
    for (let k = 0; k < n; k++) {
      const e = t.kind === 'vector' ? this.b.extractElement(v, this.b.i32(k)) : this.b.extractValue(v, [k]);
      this.printLeaves(tag, e);
    }
  }

  leafConst(t: Type, leaves: readonly number[]): Value {
    let at = 0;
    const build = (ty: Type): Value => {
      if (ty.kind === 'float') return constFP(ty, leaves[at++]!);
      const n = ty.kind === 'struct' ? ty.elems!.length : ty.kind === 'array' || ty.kind === 'vector' ? ty.count : 0;
      return new ConstantAggregate(ty, Array.from({ length: n }, (_, k) => build(elementAt(ty, k)!)));
    };
    return build(t);
  }

  /** A private helper function; the insertion point is restored after `body` builds it. */
  private helper(key: string, make: () => Function): Function {
    let f = this.helpers.get(key);
    if (f) return f;
    const saved = this.b.insertPoint;
    f = make();
    f.linkage = 'private';
    this.b.setInsertPoint(saved);
    this.helpers.set(key, f);
    return f;
  }

  /**
   * Emits `for (i = 0; i < n; i++) body(i)` in helper `f` (n >= 1: arrays are never empty),
   * then `ret`. The body returns values carried around the loop (phis), fed by `init`.
   */
  private loop(f: Function, init: Value[], body: (i: Value, carried: Value[]) => Value[], n: Value, done: (carried: Value[]) => void): void {
    const b = this.b;
    const entry = b.block(f, 'entry');
    const head = b.block(f, 'loop');
    const exit = b.block(f, 'exit');
    b.atEnd(entry);
    b.br(head);
    b.atEnd(head);
    const i = b.phi(this.t.i64, [[b.i64(0), entry]], 'i');
    const phis = init.map((v) => b.phi(v.type, [[v, entry]]));
    const next = body(i, phis);
    const i1 = b.add(i, b.i64(1), 'i.next');
    next.forEach((v, k) => { phis[k]!.operands.push(v); phis[k]!.blocks.push(head); });
    i.operands.push(i1);
    i.blocks.push(head);
    b.condBr(b.icmp('ult', i1, n), head, exit);
    b.atEnd(exit);
    done(next);
  }

  private tag(e: ElemType): string { return e.kind === 'float' ? e.fk : `i${e.bits}`; }

  /** `copy(dst, src, n)` for arrays of `e`. */
  private copyFn(e: ElemType): Function {
    return this.helper(`copy.${this.tag(e)}`, () => {
      const et = this.elemType(e);
      const p = this.m.ptrTo(et);
      const f = addFunction(this.m, this.fresh(`copy.${this.tag(e)}`), this.t.fn(this.t.void, [p, p, this.t.i64]), ['dst', 'src', 'n']);
      const [dst, src, n] = [f.args[0]!, f.args[1]!, f.args[2]!];
      this.loop(f, [], (i) => {
        const v = this.b.load(et, this.b.gep(et, src, [i]));
        this.b.store(v, this.b.gep(et, dst, [i]));
        return [];
      }, n, () => { this.b.ret(); });
      return f;
    });
  }

  /**
   * `dot(a, b, n)`: sum of a[i]*b[i] in double (floats are widened first, so the sum loses nothing
   * to float); with `abs`, the sum of |a[i]*b[i]| (the scale of the rounding of a's elements).
   */
  private dotFn(e: ElemType, abs = false): Function {
    const name = `${abs ? 'absdot' : 'dot'}.${this.tag(e)}`;
    return this.helper(name, () => {
      const et = this.elemType(e);
      const p = this.m.ptrTo(et);
      const f = addFunction(this.m, this.fresh(name), this.t.fn(this.t.double, [p, p, this.t.i64]), ['a', 'b', 'n']);
      const [a, bb, n] = [f.args[0]!, f.args[1]!, f.args[2]!];
      const wide = (v: Value): Value => v.type === this.t.double ? v : this.b.cast('fpext', v, this.t.double);
      this.loop(f, [constFP(this.t.double, 0)], (i, [acc]) => {
        const x = wide(this.b.load(et, this.b.gep(et, a, [i])));
        const y = wide(this.b.load(et, this.b.gep(et, bb, [i])));
        const xy = this.b.fmul(x, y);
        return [this.b.fadd(acc!, abs ? this.b.call(this.fabs(), [xy]) : xy)];
      }, n, ([acc]) => { this.b.ret(acc); });
      return f;
    });
  }

  private fabs(): Function {
    const existing = this.m.getFunction('llvm.fabs.f64');
    return existing ?? declareFunction(this.m, 'llvm.fabs.f64', this.t.fn(this.t.double, [this.t.double]));
  }

  /** `show(a, n)`: one line per element, tagged. */
  private showFn(e: ElemType, tag: string): Function {
    return this.helper(`show.${tag}.${this.tag(e)}`, () => {
      const et = this.elemType(e);
      const f = addFunction(this.m, this.fresh(`show.${tag}.${this.tag(e)}`), this.t.fn(this.t.void, [this.m.ptrTo(et), this.t.i64]), ['a', 'n']);
      const [a, n] = [f.args[0]!, f.args[1]!];
      this.loop(f, [], (i) => {
        this.print(tag, this.b.load(et, this.b.gep(et, a, [i])));
        return [];
      }, n, () => { this.b.ret(); });
      return f;
    });
  }

  private memcpyFn(): Function {
    if (this.memcpy) return this.memcpy;
    const i8p = this.m.ptrTo(this.t.i8);
    const name = this.m.dialect === 'typed' ? 'llvm.memcpy.p0i8.p0i8.i64' : 'llvm.memcpy.p0.p0.i64';
    const ft = this.t.fn(this.t.void, [i8p, i8p, this.t.i64, this.t.i1]);
    const existing = this.m.getFunction(name);
    this.memcpy = existing && existing.fnType === ft ? existing : declareFunction(this.m, name, ft);
    return this.memcpy;
  }

  private copyBytes(dst: Value, src: Value, n: number): void {
    const i8p = this.m.ptrTo(this.t.i8);
    const b = this.b;
    b.call(this.memcpyFn(), [b.bitcastIfNeeded(dst, i8p), b.bitcastIfNeeded(src, i8p), b.i64(n), b.i1(false)]);
  }

  restore(): void {
    for (const a of this.arrays) if (a) this.b.call(this.copyFn(a.e), [this.first(a.buf), this.first(a.init), this.b.i64(a.len)]);
    for (const [g, save, n] of this.saved) this.copyBytes(g, save, n);
  }

  primalArg(k: number, target: Type): Value {
    const p = this.spec.params[k]!;
    const a = this.arrays[k];
    if (a) return this.b.bitcastIfNeeded(this.first(a.buf), target);
    return this.scalarArg(p.value, target);
  }

  /** The constant for a by-value parameter at the base point. */
  private scalarArg(v: ParamValue, target: Type): Value {
    switch (v.kind) {
      case 'float': return constFP(target, v.value);
      case 'int': return constInt(target, v.value);
      case 'agg': return this.leafConst(target, v.leaves);
      case 'array': throw new Error('array parameter without buffers');
    }
  }

  shadow(k: number, lane: number): Value {
    const a = this.arrays[k];
    if (!a?.shadows) throw new Error(`parameter ${k} has no shadow buffers`);
    return this.first(a.shadows[lane]!);
  }

  fillShadow(k: number, lane: number, values: readonly number[]): void {
    const a = this.arrays[k];
    if (!a?.shadows) throw new Error(`parameter ${k} has no shadow buffers`);
    const src = a.seeds?.[lane] ?? this.arrayGlobal(`seed.${k}.${lane}`, a.e, values);
    this.b.call(this.copyFn(a.e), [this.first(a.shadows[lane]!), this.first(src), this.b.i64(a.len)]);
  }

  printArray(tag: string, k: number, p: Value): void {
    const a = this.arrays[k];
    if (!a) throw new Error(`parameter ${k} is not an array`);
    this.b.call(this.showFn(a.e, tag), [p, this.b.i64(a.len)]);
  }

  build(): Function {
    const { spec, b, t } = this;
    this.printf = this.declarePrintf();
    const W = spec.width;
    const laneName = (base: string, j: number): string => (j === 0 ? base : `${base}.${j}`);
    // Globals: pristine contents, working buffers, seeds and shadows of every array parameter.
    this.arrays = spec.params.map((p, k) => {
      if (p.value.kind !== 'array') return null;
      const e = p.value.elem;
      const dup = p.activity === 'dup' || p.activity === 'dupnoneed';
      const len = p.value.values.length;
      return {
        e, len,
        init: this.arrayGlobal(`init.${k}`, e, p.value.values),
        buf: this.zeroArray(`buf.${k}`, e, len),
        seeds: p.seeds ? p.seeds.map((sd, j) => this.arrayGlobal(laneName(`seed.${k}`, j), e, sd)) : null,
        shadows: dup ? Array.from({ length: W }, (_, j) => this.zeroArray(laneName(`shadow.${k}`, j), e, len)) : null,
      };
    });
    const dl = DataLayout.of(this.m);
    const saves = spec.state.map((g): [GlobalVariable, GlobalVariable, number] => {
      const n = Math.max(1, dl.allocSize(g.valueType));
      const at = t.array(n, t.i8);
      return [g, this.global(`saved.${g.name ?? 'g'}`, at, new ConstantZero(at), false, 16), n];
    });

    const main = addFunction(this.m, this.fresh('main'), t.fn(t.i32, []));
    b.atEnd(b.block(main, 'entry'));
    // The state as the module starts (after its static constructors), saved once.
    for (const [g, save, n] of saves) this.copyBytes(save, g, n);
    this.saved = saves;

    const fnTypes = spec.fn.fnType.params;
    const retLeaves = floatLeaves(spec.fn.fnType.ret) !== null;

    // The function as written at the base point: its return is what the derivative's primal must equal.
    this.restore();
    const r0 = b.call(spec.fn, fnTypes.map((pt, k) => this.primalArg(k, pt)));
    if (retLeaves) this.printLeaves('R', r0);

    this.evaluations(main);
    this.restore();
    spec.derivative(this);
    const endT = t.array(5, t.i8);
    const end = this.global('fmt.END', endT, new ConstantString(endT, 'END\\0A\\00'), true);
    b.call(this.printf, [b.bitcastIfNeeded(this.first(end), this.printf.fnType.params[0]!)]);
    b.ret(b.i32(0));
    return main;
  }

  /**
   * The evaluations, as one loop over a table of changes (so that the driver's size and lli's
   * compile time do not grow with their number): for each, restore the state, copy the base
   * point, apply its changes, call the evaluated function, print the observation.
   */
  private evaluations(main: Function): void {
    const { spec, b, t } = this;
    const evals = spec.evals;
    const starts: number[] = [0];
    const changes: Change[] = [];
    for (const e of evals) { changes.push(...e.changes); starts.push(changes.length); }
    const table = (base: string, ty: Type, vals: readonly number[]): GlobalVariable => {
      const at = t.array(Math.max(1, vals.length), ty);
      const elems = (vals.length ? vals : [0]).map((v) => (ty.kind === 'float' ? constFP(ty, v) : constInt(ty, v)));
      return this.global(base, at, new ConstantAggregate(at, elems), true);
    };
    const startT = table('eval.start', t.i32, starts);
    const paramT = table('change.param', t.i32, changes.map((c) => c.param));
    const elemT = table('change.elem', t.i64, changes.map((c) => Math.max(0, c.elem)));
    const valueT = table('change.value', t.double, changes.map((c) => c.value));
    // By-value floating parameters live in a slot of double leaves during the loop.
    const slots = spec.params.map((p, k) => {
      if (p.value.kind !== 'float' && p.value.kind !== 'agg') return null;
      const leaves = p.value.kind === 'float' ? [p.value.value] : p.value.leaves;
      return { base: table(`base.${k}`, t.double, leaves), cur: this.zeroArray(`cur.${k}`, { kind: 'float', fk: 'double' }, leaves.length), n: leaves.length };
    });
    const load = (g: GlobalVariable, i: Value, ty: Type): Value => b.load(ty, b.gep(g.valueType, g, [b.i64(0), i]));

    const entry = b.insertBlock!;
    const head = b.block(main, 'eval');
    const applyHead = b.block(main, 'change');
    const call = b.block(main, 'call');
    const after = b.block(main, 'evals.done');
    b.br(head);
    b.atEnd(head);
    const e = b.phi(t.i64, [[b.i64(0), entry]], 'e');
    this.restore();
    for (const s of slots) if (s) b.call(this.copyFn({ kind: 'float', fk: 'double' }), [this.first(s.cur), this.first(s.base), b.i64(s.n)]);
    const cs = b.cast('sext', load(startT, e, t.i32), t.i64);
    const e1 = b.add(e, b.i64(1));
    const ce = b.cast('sext', load(startT, e1, t.i32), t.i64);
    const headEnd = b.insertBlock!;
    b.condBr(b.icmp('ult', cs, ce), applyHead, call);

    b.atEnd(applyHead);
    const c = b.phi(t.i64, [[cs, headEnd]], 'c');
    const param = load(paramT, c, t.i32);
    const elem = load(elemT, c, t.i64);
    const value = load(valueT, c, t.double);
    const next = b.block(main, 'change.next');
    const cases: [Value, BasicBlock][] = [];
    spec.params.forEach((p, k) => {
      const a = this.arrays[k];
      const s = slots[k];
      if (!a && !s) return;
      const blk = b.block(main, `set.${k}`);
      cases.push([b.i32(k), blk]);
      const saved = b.insertPoint;
      b.atEnd(blk);
      if (a) {
        const et = this.elemType(a.e);
        const v = et === t.double ? value : et.kind === 'float' ? b.cast('fptrunc', value, et) : b.cast('fptosi', value, et);
        b.store(v, b.gep(et, this.first(a.buf), [elem]));
      } else if (s) {
        b.store(value, b.gep(s.cur.valueType, s.cur, [b.i64(0), elem]));
      }
      b.br(next);
      b.setInsertPoint(saved);
    });
    b.switch(param, next, cases);
    b.atEnd(next);
    const c1 = b.add(c, b.i64(1));
    c.operands.push(c1);
    c.blocks.push(next);
    b.condBr(b.icmp('ult', c1, ce), applyHead, call);

    b.atEnd(call);
    const types = spec.evalFn.fnType.params;
    const args = types.map((pt, k) => {
      const a = this.arrays[k];
      if (a) return b.bitcastIfNeeded(this.first(a.buf), pt);
      const s = slots[k];
      if (!s) return this.scalarArg(spec.params[k]!.value, pt);
      let leaf = 0;
      const build = (ty: Type): Value => {
        if (ty.kind === 'float') {
          const v = load(s.cur, b.i64(leaf++), t.double);
          return ty === t.double ? v : b.cast('fptrunc', v, ty);
        }
        const n = ty.kind === 'struct' ? ty.elems!.length : ty.kind === 'array' || ty.kind === 'vector' ? ty.count : 0;
        let acc: Value = new ConstantUndef(ty);
        for (let i = 0; i < n; i++) {
          const x = build(elementAt(ty, i)!);
          acc = ty.kind === 'vector' ? b.insertElement(acc, x, b.i32(i)) : b.insertValue(acc, x, [i]);
        }
        return acc;
      };
      return build(pt);
    });
    const r = b.call(spec.evalFn, args);
    this.observe(r, spec.width);
    b.condBr(b.icmp('ult', e1, b.i64(evals.length)), head, after);
    e.operands.push(e1);
    e.blocks.push(b.insertBlock!);
    b.atEnd(after);
  }

  /** Prints the observation of one evaluation whose return is `r`. */
  private observe(r: Value, W: number): void {
    const { b, t, spec } = this;
    const o = spec.observe;
    switch (o.kind) {
      case 'outputs': {
        if (floatLeaves(r.type)) this.printLeaves('Y', r);
        for (const k of o.arrays) {
          const a = this.arrays[k];
          if (a) b.call(this.showFn(a.e, 'Y'), [this.first(a.buf), b.i64(a.len)]);
        }
        return;
      }
      case 'loss': {
        const rets: Value[] = [];
        if (o.retSeeds) {
          const collect = (v: Value): void => {
            const ty = v.type;
            if (ty.kind === 'float') { rets.push(ty === t.double ? v : b.cast('fpext', v, t.double)); return; }
            const n = ty.kind === 'struct' ? ty.elems!.length : ty.kind === 'array' || ty.kind === 'vector' ? ty.count : 0;
            for (let k = 0; k < n; k++) collect(ty.kind === 'vector' ? b.extractElement(v, b.i32(k)) : b.extractValue(v, [k]));
          };
          collect(r);
        }
        for (let j = 0; j < W; j++) {
          let loss: Value = constFP(t.double, 0);
          // Q: a bound on the rounding of the loss by its float or double terms (half an ulp each), for check-fd.
          let q: Value = constFP(t.double, 0);
          const ulp = (fk: 'float' | 'double'): Value => constFP(t.double, fk === 'float' ? 2 ** -24 : 2 ** -53);
          if (o.retSeeds) {
            // The function as written returns these leaves in its own type: a float leaf is counted
            // at float's rounding even when the twin returns it in double (it may come from float memory).
            const fks = floatLeaves(spec.fn.fnType.ret) ?? [];
            rets.forEach((x, l) => {
              const term = b.fmul(constFP(t.double, o.retSeeds![j]![l]!), x);
              loss = b.fadd(loss, term);
              // A leaf the twin returns in double is float-rounded when it came through float memory:
              // then it is exactly a float (a double value that is one by chance: about 1 in 2^29).
              let u = ulp('double');
              if (fks[l] === 'float') {
                const isFloat = b.fcmp('oeq', b.cast('fpext', b.cast('fptrunc', x, t.f32), t.double), x);
                u = b.select(isFloat, ulp('float'), ulp('double'));
              }
              q = b.fadd(q, b.fmul(b.call(this.fabs(), [term]), u));
            });
          }
          this.arrays.forEach((a) => {
            if (!a?.seeds || a.e.kind !== 'float') return;
            const args = [this.first(a.buf), this.first(a.seeds[j]!), b.i64(a.len)];
            loss = b.fadd(loss, b.call(this.dotFn(a.e), args));
            q = b.fadd(q, b.fmul(b.call(this.dotFn(a.e, true), args), ulp(a.e.fk)));
          });
          this.print('L', loss);
          this.print('Q', q);
        }
        return;
      }
    }
  }
}
