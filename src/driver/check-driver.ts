// `check`: the driver program, built in IR inside the user's module so that
// it runs under the same `lli` as the function and its derivative, in the
// module's own pointer dialect. The driver is deliberately dumb: TypeScript
// decides every point and every seed, the IR only evaluates and prints.
//
// Output protocol, one number per line, each tagged so that a stray line from
// the user's code cannot be mistaken for a result (check.ts parses it):
//   R <ret>   primal return at the base point (floating returns only)
//   L <loss>  loss at each evaluation point, base point first
//   P <ret>   primal return of the derivative (when it returns one)
//   G <grad>  one per active scalar parameter, from the returned struct
//   S <grad>  every element of every dup shadow array, after the call
//   END
// With a batch width N (`check --width N`) each evaluation prints N losses
// (one per lane, lane-minor), and G and S come lane by lane (lane-major).
import type { ArgActivity } from '../ad/api.js';
import { IRBuilder, addFunction, constFP, constInt, declareFunction } from '../ir/builder.js';
import { ConstantAggregate, ConstantString, ConstantZero } from '../ir/constants.js';
import { Function, GlobalVariable } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type, TypeContext } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { ElemType, ParamValue } from './check-points.js';

export interface DriverParam {
  activity: ArgActivity;
  value: ParamValue;
  /** Shadow seeds of a dup / dupnoneed array, one array per lane (each as long as the array). */
  seeds: number[][] | null;
}

/** One evaluation of the loss: the base point, or the base point with one entry replaced. */
export interface Evaluation {
  /** Parameter changed, or -1 for the base point. */
  param: number;
  /** Array element changed (-1 for a scalar). */
  elem: number;
  value: number;
}

export interface DriverSpec {
  fn: Function;
  grad: Function;
  params: DriverParam[];
  /** Seed of the return when it is active, one per lane (null: the return is not part of the loss). */
  retSeed: number[] | null;
  /** Batch width of the derivative (1 unless `check --width N`). */
  width: number;
  /** Whether the derivative's struct starts with the primal return. */
  gradReturnsPrimal: boolean;
  evals: Evaluation[];
}

/** Why the derivative's signature is not the one contract section 6 prescribes, or null when it is. */
export function signatureProblem(m: Module, spec: Omit<DriverSpec, 'grad' | 'evals'>, grad: Function): string | null {
  const want = expectedSignature(m, spec);
  const ft = grad.fnType;
  const show = (ts: readonly Type[]): string => ts.map(typeName).join(', ');
  if (ft.vararg || ft.params.length !== want.params.length || ft.params.some((t, k) => t !== want.params[k])) {
    return `parameters (${show(ft.params)}), expected (${show(want.params)})`;
  }
  if (ft.ret !== want.ret) return `return type ${typeName(ft.ret)}, expected ${typeName(want.ret)}`;
  return null;
}

function expectedSignature(m: Module, spec: Omit<DriverSpec, 'grad' | 'evals'>): { params: Type[]; ret: Type } {
  const fnType = spec.fn.fnType;
  const params: Type[] = [];
  const grads: Type[] = [];
  const w = spec.width;
  const lanes = (t: Type): Type => (w === 1 ? t : m.types.array(w, t));
  spec.params.forEach((p, k) => {
    const t = fnType.params[k]!;
    params.push(t);
    if (p.activity === 'dup' || p.activity === 'dupnoneed') for (let j = 0; j < w; j++) params.push(t);
    if (p.activity === 'active') grads.push(lanes(t));
  });
  if (spec.retSeed !== null) params.push(lanes(fnType.ret));
  const elems = spec.gradReturnsPrimal ? [fnType.ret, ...grads] : grads;
  return { params, ret: elems.length ? m.types.struct(elems) : m.types.void };
}

/** Short type names for messages (no module needed). */
function typeName(t: Type): string {
  switch (t.kind) {
    case 'int': return `i${t.bits}`;
    case 'float': return t.fk;
    case 'pointer': return t.pointee ? `${typeName(t.pointee)}*` : 'ptr';
    case 'struct': return t.name !== null ? `%${t.name}` : `{ ${(t.elems ?? []).map(typeName).join(', ')} }`;
    case 'array': return `[${t.count} x ${typeName(t.elem)}]`;
    case 'vector': return `<${t.count} x ${typeName(t.elem)}>`;
    default: return t.kind;
  }
}

/** Builds the driver into `m`; returns the name of its entry function (for `lli --entry-function`). */
export function buildDriver(m: Module, spec: DriverSpec): string {
  return new DriverBuilder(m, spec).build();
}

class DriverBuilder {
  private readonly b: IRBuilder;
  private readonly t: TypeContext;
  private readonly taken = new Set<string>();
  private printf!: Function;
  private readonly fmts = new Map<string, GlobalVariable>();
  private readonly copyFns = new Map<string, Function>();
  private readonly dotFns = new Map<string, Function>();
  private readonly printFns = new Map<string, Function>();

  constructor(private readonly m: Module, private readonly spec: DriverSpec) {
    this.b = new IRBuilder(m);
    this.t = m.types;
  }

  /** A global name not used in the module: the driver must never capture a user symbol. */
  private fresh(base: string): string {
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

  private global(base: string, valueType: Type, init: Value, isConstant: boolean): GlobalVariable {
    const g = new GlobalVariable(this.m.ptrTo(valueType), valueType);
    g.name = this.fresh(base);
    g.linkage = 'private';
    g.init = init;
    g.isConstant = isConstant;
    if (isConstant) g.unnamedAddr = 'unnamed_addr';
    this.m.globals.push(g);
    this.m.invalidateSymbols();
    return g;
  }

  private arrayGlobal(base: string, e: ElemType, values: readonly number[] | null): GlobalVariable {
    const at = this.t.array(values?.length ?? 0, this.elemType(e));
    return values
      ? this.global(base, at, new ConstantAggregate(at, values.map((v) => this.elemConst(e, v))), true)
      : this.global(base, at, new ConstantZero(at), false);
  }

  private zeroArray(base: string, e: ElemType, len: number): GlobalVariable {
    const at = this.t.array(len, this.elemType(e));
    return this.global(base, at, new ConstantZero(at), false);
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

  private helper(kind: string, e: ElemType, ret: Type, params: Type[], names: string[]): { f: Function; save: () => void } {
    const f = addFunction(this.m, this.fresh(`${kind}.${e.kind === 'float' ? e.fk : `i${e.bits}`}`), this.t.fn(ret, params), names);
    f.linkage = 'private';
    const saved = this.b.insertPoint;
    return { f, save: () => { this.b.setInsertPoint(saved); } };
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

  /** `copy(dst, src, n)` for arrays of `e`. */
  private copyFn(e: ElemType): Function {
    const key = JSON.stringify(e);
    let f = this.copyFns.get(key);
    if (f) return f;
    const et = this.elemType(e);
    const p = this.m.ptrTo(et);
    const h = this.helper('copy', e, this.t.void, [p, p, this.t.i64], ['dst', 'src', 'n']);
    f = h.f;
    const [dst, src, n] = [f.args[0]!, f.args[1]!, f.args[2]!];
    this.loop(f, [], (i) => {
      const v = this.b.load(et, this.b.gep(et, src, [i]));
      this.b.store(v, this.b.gep(et, dst, [i]));
      return [];
    }, n, () => { this.b.ret(); });
    h.save();
    this.copyFns.set(key, f);
    return f;
  }

  /** `dot(a, b, n)`: sum of a[i]*b[i] in double (floats are widened first, so the sum loses nothing to float). */
  private dotFn(e: ElemType): Function {
    const key = JSON.stringify(e);
    let f = this.dotFns.get(key);
    if (f) return f;
    const et = this.elemType(e);
    const p = this.m.ptrTo(et);
    const h = this.helper('dot', e, this.t.double, [p, p, this.t.i64], ['a', 'b', 'n']);
    f = h.f;
    const [a, bb, n] = [f.args[0]!, f.args[1]!, f.args[2]!];
    const wide = (v: Value): Value => v.type === this.t.double ? v : this.b.cast('fpext', v, this.t.double);
    this.loop(f, [constFP(this.t.double, 0)], (i, [acc]) => {
      const x = wide(this.b.load(et, this.b.gep(et, a, [i])));
      const y = wide(this.b.load(et, this.b.gep(et, bb, [i])));
      return [this.b.fadd(acc!, this.b.fmul(x, y))];
    }, n, ([acc]) => { this.b.ret(acc); });
    h.save();
    this.dotFns.set(key, f);
    return f;
  }

  /** `show(a, n)`: one `S` line per element. */
  private printFn(e: ElemType): Function {
    const key = JSON.stringify(e);
    let f = this.printFns.get(key);
    if (f) return f;
    const et = this.elemType(e);
    const h = this.helper('show', e, this.t.void, [this.m.ptrTo(et), this.t.i64], ['a', 'n']);
    f = h.f;
    const [a, n] = [f.args[0]!, f.args[1]!];
    this.loop(f, [], (i) => {
      this.print('S', this.b.load(et, this.b.gep(et, a, [i])));
      return [];
    }, n, () => { this.b.ret(); });
    h.save();
    this.printFns.set(key, f);
    return f;
  }

  build(): string {
    const { spec, b, t } = this;
    this.printf = this.declarePrintf();
    const fnType = spec.fn.fnType;

    // Globals: pristine contents, working buffers, seeds and shadows of every array parameter.
    const W = spec.width;
    const laneName = (base: string, j: number): string => (j === 0 ? base : `${base}.${j}`);
    const arrays = spec.params.map((p, k) => {
      if (p.value.kind !== 'array') return null;
      const e = p.value.elem;
      const dup = p.activity === 'dup' || p.activity === 'dupnoneed';
      const len = p.value.values.length;
      return {
        e, len,
        init: this.arrayGlobal(`init.${k}`, e, p.value.values),
        buf: this.zeroArray(`buf.${k}`, e, len),
        seed: dup && p.seeds ? p.seeds.map((sd, j) => this.arrayGlobal(laneName(`seed.${k}`, j), e, sd)) : null,
        shadow: dup ? Array.from({ length: W }, (_, j) => this.zeroArray(laneName(`shadow.${k}`, j), e, len)) : null,
      };
    });

    // Helpers are built before main, each restoring the insertion point it found.
    for (const a of arrays) {
      if (!a) continue;
      this.copyFn(a.e);
      if (a.seed) { this.dotFn(a.e); this.printFn(a.e); }
    }

    const main = addFunction(this.m, this.fresh('main'), t.fn(t.i32, []));
    b.atEnd(b.block(main, 'entry'));
    const ptrs = arrays.map((a) => a && {
      ...a,
      bufP: this.first(a.buf),
      initP: this.first(a.init),
      seedP: a.seed ? a.seed.map((g) => this.first(g)) : null,
      shadowP: a.shadow ? a.shadow.map((g) => this.first(g)) : null,
    });
    const reset = (): void => {
      for (const a of ptrs) if (a) b.call(this.copyFn(a.e), [a.bufP, a.initP, b.i64(a.len)]);
    };
    const scalar = (k: number, v: number): Value => {
      const pt = fnType.params[k]!;
      return pt.kind === 'float' ? constFP(pt, v) : constInt(pt, v);
    };
    const primalArg = (k: number, e: Evaluation | null, target: Type): Value => {
      const p = spec.params[k]!;
      const a = ptrs[k];
      if (a) return b.bitcastIfNeeded(a.bufP, target);
      if (p.value.kind === 'array') throw new Error('array without buffers');
      return scalar(k, e && e.param === k ? e.value : p.value.value);
    };
    const retFloat = fnType.ret.kind === 'float';

    for (const e of spec.evals) {
      reset();
      const a = e.param >= 0 ? ptrs[e.param] : null;
      if (a) b.store(this.elemConst(a.e, e.value), b.gep(this.elemType(a.e), a.bufP, [b.i64(e.elem)]));
      const args = fnType.params.map((pt, k) => primalArg(k, e, pt));
      const r = b.call(spec.fn, args);
      if (e.param < 0 && retFloat) this.print('R', r);
      for (let j = 0; j < W; j++) {
        let loss: Value = constFP(t.double, 0);
        if (spec.retSeed !== null) {
          const wide = r.type === t.double ? r : b.cast('fpext', r, t.double);
          loss = b.fmul(constFP(t.double, spec.retSeed[j]!), wide);
        }
        for (const p of ptrs) {
          if (!p || !p.seedP) continue;
          loss = b.fadd(loss, b.call(this.dotFn(p.e), [p.bufP, p.seedP[j]!, b.i64(p.len)]));
        }
        this.print('L', loss);
      }
    }

    // The derivative at the base point, shadows seeded.
    reset();
    const gradParams = spec.grad.fnType.params;
    const gargs: Value[] = [];
    spec.params.forEach((p, k) => {
      gargs.push(primalArg(k, null, gradParams[gargs.length]!));
      const a = ptrs[k];
      if (a && a.shadowP && a.seedP) {
        for (let j = 0; j < W; j++) {
          b.call(this.copyFn(a.e), [a.shadowP[j]!, a.seedP[j]!, b.i64(a.len)]);
          gargs.push(b.bitcastIfNeeded(a.shadowP[j]!, gradParams[gargs.length]!));
        }
      }
    });
    if (spec.retSeed !== null) {
      const seeds = spec.retSeed.map((x) => constFP(fnType.ret, x));
      gargs.push(W === 1 ? seeds[0]! : new ConstantAggregate(t.array(W, fnType.ret), seeds));
    }
    const g = b.call(spec.grad, gargs, spec.grad.fnType.ret.kind === 'void' ? null : 'grad');
    let slot = 0;
    if (spec.gradReturnsPrimal) {
      if (retFloat) this.print('P', b.extractValue(g, [0]));
      slot = 1;
    }
    for (let j = 0; j < W; j++) {
      let s = slot;
      spec.params.forEach((p) => {
        if (p.activity === 'active') this.print('G', b.extractValue(g, W === 1 ? [s++] : [s++, j]));
      });
    }
    for (let j = 0; j < W; j++) {
      for (const a of ptrs) if (a && a.shadowP) b.call(this.printFn(a.e), [a.shadowP[j]!, b.i64(a.len)]);
    }
    const endText = 'END\\0A\\00';
    const endT = t.array(5, t.i8);
    const end = this.global('fmt.END', endT, new ConstantString(endT, endText), true);
    b.call(this.printf, [b.bitcastIfNeeded(this.first(end), this.printf.fnType.params[0]!)]);
    b.ret(b.i32(0));
    return main.name!;
  }
}
