// `check`: a double-precision twin of a float computation, for the finite
// differences. The derivative of a float program is checked against central
// differences of the same program; taken in float, those drown in rounding
// noise (float keeps 7 digits: a difference over a step of 1e-3 keeps 4). The
// twin computes what the program computes with every float value it holds in
// a register widened to double, so the differences are taken in double.
//
// The twin never changes what memory looks like: arrays, structs and globals
// keep their float layout (byte offsets, vector loads, integer copies of float
// bits all stay valid), values are widened when loaded and rounded to float
// when stored. Only stack slots whose every use is a typed access (the locals
// of -O0 code, local arrays indexed by typed GEPs) are widened with their
// contents, since nothing else can see their layout. Where the program looks
// at the bits of a float (a bitcast to an integer) or passes one to a function
// the twin cannot widen, the value is rounded to float at that point and
// widened again after: the twin computes exactly what the program does there.
// So the twin is never wrong, only sometimes less wide; the extrapolated
// differences (check-fd.ts) report the noise that remains.
import { IRBuilder, addFunction, constInt, declareFunction } from '../ir/builder.js';
import { ConstantAggregate, ConstantFP, ConstantInt, ConstantPoison, ConstantUndef, ConstantZero, type Constant } from '../ir/constants.js';
import { DataLayout } from '../ir/layout.js';
import { Function, type BasicBlock } from '../ir/function.js';
import { PhiInst, type AllocaInst, type CallBase, type Instruction } from '../ir/instructions.js';
import type { Module } from '../ir/module.js';
import { elementAt, type FunctionType, type Type } from '../ir/types.js';
import { computeUses, type UseMap } from '../ir/uses.js';
import type { Value } from '../ir/value.js';

/** Intrinsics that compute elementwise on their floating operands: retyped from f32 to f64. */
const ARITH_INTRINSICS = new Set([
  'sqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'exp', 'exp2', 'exp10',
  'log', 'log2', 'log10', 'pow', 'powi', 'fma', 'fmuladd', 'fabs', 'minnum', 'maxnum', 'minimum', 'maximum',
  'minimumnum', 'maximumnum', 'copysign', 'floor', 'ceil', 'trunc', 'rint', 'nearbyint', 'round', 'roundeven',
  'canonicalize', 'ldexp', 'lround', 'llround', 'lrint', 'llrint', 'is.fpclass',
  'vector.reduce.fadd', 'vector.reduce.fmul', 'vector.reduce.fmax', 'vector.reduce.fmin',
  'vector.reduce.fmaximum', 'vector.reduce.fminimum',
]);

/** C's float math functions and their double versions (same arguments, float -> double). */
const LIBM_FLOAT = new Set([
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'pow', 'sqrt', 'cbrt', 'hypot', 'fabs', 'fmin', 'fmax',
  'fmod', 'erf', 'erfc', 'tgamma', 'lgamma', 'floor', 'ceil', 'round', 'trunc', 'rint', 'nearbyint', 'copysign',
  'fdim', 'fma', 'ldexp', 'scalbn', 'remainder',
]);

export interface WideTwin {
  /** The twin of the checked function (same parameters, float widened to double). */
  fn: Function;
  /** Why some values are still rounded to float in the twin (empty when none are). */
  roundings: string[];
  /** Stores of float values to memory the twin keeps float (each a rounding to float). */
  floatStores: number;
}

function mentionsFloat(t: Type, seen = new Set<Type>()): boolean {
  switch (t.kind) {
    case 'float': return t.fk === 'float';
    case 'vector': case 'array': return mentionsFloat(t.elem, seen);
    case 'struct':
      if (seen.has(t) || !t.elems) return false;
      seen.add(t);
      return t.elems.some((e) => mentionsFloat(e, seen));
    case 'function': return mentionsFloat(t.ret, seen) || t.params.some((p) => mentionsFloat(p, seen));
    default: return false;
  }
}

function directCallee(i: Instruction): Function | null {
  if (i.op !== 'call' && i.op !== 'invoke') return null;
  const c = i.callee;
  return c instanceof Function ? c : null;
}

function usesFloat(f: Function): boolean {
  if (mentionsFloat(f.fnType)) return true;
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (mentionsFloat(i.type)) return true;
      for (const o of i.operands) if (mentionsFloat(o.type)) return true;
    }
  }
  return false;
}

/**
 * Builds the double twin of `root` and of every defined function it calls that
 * computes in float, into `m`. Null when nothing `root` reaches uses float.
 */
export function widenFloat(m: Module, root: Function, fresh: (base: string) => string): WideTwin | null {
  if (root.isDeclaration) return null;
  // Defined functions reached by direct calls.
  const reach: Function[] = [];
  const seen = new Set<Function>([root]);
  for (const w = [root]; w.length;) {
    const f = w.pop()!;
    reach.push(f);
    for (const b of f.blocks) for (const i of b.instructions) {
      const c = directCallee(i);
      if (c && !c.isDeclaration && !seen.has(c)) { seen.add(c); w.push(c); }
    }
  }
  // Twins for those that compute in float, and for their callers among them.
  const twin = new Set(reach.filter(usesFloat));
  for (let changed = true; changed;) {
    changed = false;
    for (const f of reach) {
      if (twin.has(f)) continue;
      if (f.blocks.some((b) => b.instructions.some((i) => { const c = directCallee(i); return c !== null && twin.has(c); }))) { twin.add(f); changed = true; }
    }
  }
  if (!twin.has(root)) return null;
  const w = new Widener(m, fresh);
  for (const f of twin) w.declareTwin(f);
  for (const f of twin) w.fill(f);
  return { fn: w.twinOf(root)!, roundings: [...w.roundings], floatStores: w.floatStores };
}

class Widener {
  private readonly b: IRBuilder;
  private readonly dl: DataLayout;
  private readonly twins = new Map<Function, Function>();
  private readonly wideTypes = new Map<Type, Type>();
  readonly roundings = new Set<string>();
  floatStores = 0;

  constructor(private readonly m: Module, private readonly fresh: (base: string) => string) {
    this.b = new IRBuilder(m);
    this.dl = DataLayout.of(m);
  }

  twinOf(f: Function): Function | undefined { return this.twins.get(f); }

  /** The type with every float widened to double (structs of the module get a widened copy). */
  wide(t: Type): Type {
    if (!mentionsFloat(t)) return t;
    let r = this.wideTypes.get(t);
    if (r) return r;
    const T = this.m.types;
    switch (t.kind) {
      case 'float': r = T.double; break;
      case 'vector': r = T.vector(t.count, this.wide(t.elem), t.scalable); break;
      case 'array': r = T.array(t.count, this.wide(t.elem)); break;
      case 'struct':
        if (t.name === null) r = T.struct(t.elems!.map((e) => this.wide(e)), t.packed);
        else {
          const s = T.freshNamedStruct(`${t.name}.wide`, []);
          this.wideTypes.set(t, s);
          s.elems = t.elems!.map((e) => this.wide(e));
          s.packed = t.packed;
          return s;
        }
        break;
      case 'function': r = T.fn(this.wide(t.ret), t.params.map((p) => this.wide(p)), t.vararg); break;
      default: r = t;
    }
    this.wideTypes.set(t, r);
    return r;
  }

  declareTwin(f: Function): void {
    const g = addFunction(this.m, this.fresh(`wide.${f.name ?? 'fn'}`), this.wide(f.fnType) as FunctionType, f.args.map((a) => a.name));
    g.linkage = 'private';
    g.cconv = f.cconv;
    g.fnAttrs = f.fnAttrs;
    g.personality = f.personality;
    g.args.forEach((a, k) => { a.attrs = f.args[k]!.attrs; });
    g.retAttrs = f.retAttrs;
    this.twins.set(f, g);
  }

  /** Widened value of type wide(T) from a value of type T (fpext, element by element for aggregates). */
  private widen(v: Value, t: Type): Value {
    if (!mentionsFloat(t)) return v;
    const b = this.b;
    if (v instanceof ConstantFP || v instanceof ConstantUndef || v instanceof ConstantPoison || v instanceof ConstantZero || v instanceof ConstantAggregate) {
      return this.wideConst(v);
    }
    if (t.kind === 'float' || t.kind === 'vector') return b.cast('fpext', v, this.wide(t));
    let acc: Value = new ConstantUndef(this.wide(t));
    const n = t.kind === 'struct' ? t.elems!.length : t.kind === 'array' ? t.count : 0;
    for (let k = 0; k < n; k++) {
      const et = elementAt(t, k)!;
      acc = b.insertValue(acc, this.widen(b.extractValue(v, [k]), et), [k]);
    }
    return acc;
  }

  /** Value of type T from its widened value (fptrunc: where the program's own float rounding happens). */
  private narrow(v: Value, t: Type): Value {
    if (!mentionsFloat(t)) return v;
    const b = this.b;
    if (t.kind === 'float' || t.kind === 'vector') return b.cast('fptrunc', v, t);
    let acc: Value = new ConstantUndef(t);
    const n = t.kind === 'struct' ? t.elems!.length : t.kind === 'array' ? t.count : 0;
    for (let k = 0; k < n; k++) {
      const et = elementAt(t, k)!;
      acc = b.insertValue(acc, this.narrow(b.extractValue(v, [k]), et), [k]);
    }
    return acc;
  }

  /** A constant of a float-holding type as its double twin (the same value: float constants are exact in double). */
  private wideConst(c: Constant): Constant {
    const t = this.wide(c.type);
    if (c instanceof ConstantFP) return new ConstantFP(t, c.text);
    if (c instanceof ConstantUndef) return new ConstantUndef(t);
    if (c instanceof ConstantPoison) return new ConstantPoison(t);
    if (c instanceof ConstantZero) return new ConstantZero(t);
    if (c instanceof ConstantAggregate) return new ConstantAggregate(t, c.elems.map((e) => mentionsFloat(e.type) ? this.wideConst(e as Constant) : e), c.splat);
    return c;
  }

  private isWidenableConst(v: Value): v is Constant {
    if (v instanceof ConstantFP || v instanceof ConstantUndef || v instanceof ConstantPoison || v instanceof ConstantZero) return true;
    return v instanceof ConstantAggregate && v.elems.every((e) => !mentionsFloat(e.type) || this.isWidenableConst(e));
  }

  /** Stack slots whose every use is a typed access; each derived pointer with the (original) type it points to. */
  private promotable(f: Function, uses: UseMap): Map<Value, Type> {
    const out = new Map<Value, Type>();
    for (const bb of f.blocks) {
      for (const i of bb.instructions) {
        if (i.op !== 'alloca' || !mentionsFloat(i.allocated)) continue;
        const derived = this.derivedOf(i, uses);
        if (derived) for (const [p, t] of derived) out.set(p, t);
      }
    }
    return out;
  }

  private derivedOf(a: AllocaInst, uses: UseMap): Map<Value, Type> | null {
    const out = new Map<Value, Type>([[a, a.allocated]]);
    const work: [Value, Type][] = [[a, a.allocated]];
    while (work.length) {
      const [p, pt] = work.pop()!;
      for (const u of uses.get(p)) {
        const i = u.user;
        if (u.bundle >= 0) return null;
        switch (i.op) {
          case 'load': if (i.type !== pt || i.atomic || i.volatile) return null; break;
          case 'store': if (u.index !== 1 || i.value.type !== pt || i.atomic || i.volatile) return null; break;
          case 'icmp': break;
          case 'getelementptr': {
            if (u.index !== 0 || i.srcType !== pt || i.type.kind !== 'pointer') return null;
            let t: Type | null = i.srcType;
            for (const idx of i.operands.slice(2)) {
              if (!t) return null;
              if (t.kind === 'struct') {
                if (!(idx instanceof ConstantInt)) return null;
                t = elementAt(t, Number(idx.value));
              } else if (t.kind === 'array' || t.kind === 'vector') t = t.elem;
              else return null;
            }
            if (!t) return null;
            if (!out.has(i)) { out.set(i, t); work.push([i, t]); }
            break;
          }
          case 'bitcast':
            // typed pointers: `bitcast float* %a to i8*` for lifetime markers only
            if (!uses.users(i).every((x) => isMarker(x))) return null;
            break;
          case 'call':
            if (isMarker(i)) break;
            if (isZeroMemset(i, u.index) && sizeArg(i) === this.dl.allocSize(pt)) break;
            return null;
          default: return null;
        }
      }
    }
    return out;
  }

  fill(f: Function): void {
    const g = this.twins.get(f)!;
    const b = this.b;
    const uses = computeUses(f);
    const promoted = this.promotable(f, uses);
    const map = new Map<Value, Value>();
    f.args.forEach((a, k) => map.set(a, g.args[k]!));
    // Blocks in reverse post-order from the entry: every non-phi operand is mapped before its use.
    const order: BasicBlock[] = [];
    const visited = new Set<BasicBlock>();
    const stack: [BasicBlock, number][] = [[f.blocks[0]!, 0]];
    visited.add(f.blocks[0]!);
    const post: BasicBlock[] = [];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const succ = top[0].terminator ? successorsOf(top[0].terminator) : [];
      if (top[1] < succ.length) {
        const s = succ[top[1]++]!;
        if (!visited.has(s)) { visited.add(s); stack.push([s, 0]); }
      } else { post.push(top[0]); stack.pop(); }
    }
    for (let k = post.length - 1; k >= 0; k--) order.push(post[k]!);
    const nb = new Map<BasicBlock, BasicBlock>();
    for (const bb of f.blocks) {
      if (!visited.has(bb)) continue;
      const c = b.block(g, bb.name);
      nb.set(bb, c);
      map.set(bb, c);
    }
    const phis: [PhiInst, PhiInst][] = [];
    const val = (v: Value): Value => {
      const r = map.get(v);
      if (r) return r;
      if (v.vk === 'function' && this.twins.has(v as Function)) return v; // a function's address stays the original's
      if (mentionsFloat(v.type) && v.vk === 'const') {
        if (this.isWidenableConst(v)) return this.wideConst(v);
        return this.widen(v, v.type); // a constant expression: converted where it is used
      }
      return v;
    };
    /** The operand as the program's own type (rounded to float where the twin holds it wider). */
    const orig = (v: Value): Value => {
      if (!map.has(v)) return v; // constants, globals: the program's own
      const w = val(v);
      return w.type === v.type ? w : this.narrow(w, v.type);
    };
    for (const bb of order) {
      b.atEnd(nb.get(bb)!);
      for (const i of bb.instructions) {
        const r = this.cloneInst(i, val, orig, promoted, nb, phis);
        if (r) map.set(i, r);
      }
    }
    // Phi incoming values, now that every block is built; a constant expression of float type is converted in the predecessor.
    for (const [p, c] of phis) {
      p.operands.forEach((v, k) => {
        const from = p.blocks[k]!;
        const to = nb.get(from);
        if (!to) return;
        b.beforeTerminator(to);
        c.operands.push(val(v));
        c.blocks.push(to);
      });
    }
  }

  private cloneInst(
    i: Instruction, val: (v: Value) => Value, orig: (v: Value) => Value, promoted: Map<Value, Type>,
    nb: Map<BasicBlock, BasicBlock>, phis: [PhiInst, PhiInst][],
  ): Value | null {
    const b = this.b;
    const copy = (type: Type, ops: Value[]): Instruction => {
      const c = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as Instruction, i);
      c.type = type;
      c.operands = ops;
      c.dbg = null;
      c.attachments = i.attachments ? i.attachments.filter((a) => a.kind !== 'dbg') : null;
      c.name = i.name;
      c.parent = null;
      if ('successors' in c) (c as { successors: BasicBlock[] }).successors = (c as { successors: BasicBlock[] }).successors.map((s) => nb.get(s)!);
      if ((c.op === 'call' || c.op === 'invoke' || c.op === 'callbr') && c.bundles) c.bundles = c.bundles.map((bd) => ({ tag: bd.tag, inputs: bd.inputs.map(val) }));
      return b.insert(c);
    };
    const ptrType = (p: Value, pointee: Type): Type => this.m.dialect === 'typed' ? this.m.ptrTo(this.wide(pointee), (p.type as { addrspace: number }).addrspace) : p.type;
    switch (i.op) {
      case 'phi': {
        const c = new PhiInst(promoted.has(i) ? ptrType(i, promoted.get(i)!) : this.wide(i.type), [], []);
        c.name = i.name;
        c.flags = i.flags;
        b.insert(c);
        phis.push([i, c]);
        return c;
      }
      case 'fpext': {
        const v = val(i.operands[0]!);
        const to = this.wide(i.type);
        return v.type === to ? v : b.cast('fpext', v, to, i.name);
      }
      case 'fptrunc': {
        const v = val(i.operands[0]!);
        const to = this.wide(i.type);
        return v.type === to ? v : b.cast('fptrunc', v, to, i.name);
      }
      case 'bitcast': {
        if (promoted.has(i.operands[0]!)) return copy(i.type, [val(i.operands[0]!)]);
        if (!mentionsFloat(i.type) && !mentionsFloat(i.operands[0]!.type)) return copy(i.type, i.operands.map(val));
        this.roundings.add('the bits of a float are read (bitcast)');
        const r = b.cast('bitcast', orig(i.operands[0]!), i.type, i.name);
        return this.widen(r, i.type);
      }
      case 'alloca': {
        if (!promoted.has(i)) return copy(i.type, i.operands.map(val));
        const at = this.wide(i.allocated);
        const c = b.alloca(at, i.name, i.operands[0] ? val(i.operands[0]) : null, Math.max(i.align ?? 1, this.dl.align(at)));
        return c;
      }
      case 'getelementptr': {
        if (promoted.has(i)) {
          const base = val(i.operands[0]!);
          const c = b.gep(this.wide(i.srcType), base, i.operands.slice(1).map(val), i.name);
          c.flags = i.flags;
          return c;
        }
        return copy(i.type, i.operands.map(val));
      }
      case 'load': {
        if (promoted.has(i.ptr)) {
          const c = b.load(this.wide(i.type), val(i.ptr), i.name, i.align);
          return c;
        }
        const c = copy(i.type, [val(i.ptr)]);
        if (mentionsFloat(i.type)) { c.name = null; return this.widen(c, i.type); }
        return c;
      }
      case 'store': {
        if (promoted.has(i.ptr)) { b.store(val(i.value), val(i.ptr), i.align); return null; }
        if (mentionsFloat(i.value.type)) this.floatStores++;
        return copy(i.type, [orig(i.value), val(i.ptr)]);
      }
      case 'call': case 'invoke': return this.cloneCall(i, val, orig, promoted, copy);
      case 'atomicrmw': case 'cmpxchg': case 'va_arg': case 'landingpad': case 'catchpad': case 'cleanuppad': case 'callbr': {
        // Memory and exception machinery: operands as the program has them, float results widened.
        const c = copy(i.type, i.operands.map(orig));
        if (mentionsFloat(i.type)) { c.name = null; this.roundings.add(`a float passes through ${i.op}`); return this.widen(c, i.type); }
        return c;
      }
      default: {
        // Arithmetic, comparisons, selects, element and aggregate moves, terminators: the same operation, widened.
        return copy(this.wide(i.type), i.operands.map(val));
      }
    }
  }

  private cloneCall(
    i: CallBase & Instruction, val: (v: Value) => Value, orig: (v: Value) => Value, promoted: Map<Value, Type>,
    copy: (type: Type, ops: Value[]) => Instruction,
  ): Value | null {
    const callee = i.callee;
    const args = i.args();
    if (callee instanceof Function) {
      const name = callee.name ?? '';
      if (name.startsWith('llvm.dbg.')) return null;
      if (isMarker(i) && args.some((a) => promoted.has(a) || isPromotedCast(a, promoted))) return null;
      if (isZeroMemset(i, 0) && promoted.has(args[0]!)) {
        const dst = val(args[0]!);
        const len = this.dl.allocSize(this.wide(promoted.get(args[0]!)!));
        const lenArg = args[2]!;
        const c = copy(i.type, [dst, args[1]!, constInt(lenArg.type, len), ...args.slice(3), callee]);
        return c;
      }
      const twin = this.twins.get(callee);
      if (twin) {
        const c = copy(this.wide(i.type), [...args.map(val), twin]);
        (c as CallBase).fnType = twin.fnType;
        return c;
      }
      const retyped = this.retypedCallee(callee);
      if (retyped) {
        const c = copy(this.wide(i.type), [...args.map(val), retyped]);
        (c as CallBase).fnType = retyped.fnType;
        return c;
      }
    }
    // Anything else (external code, indirect calls, inline asm): called as the program calls it.
    if (mentionsFloat(i.fnType)) this.roundings.add(`float values pass to ${callee instanceof Function ? `@${callee.name ?? '?'}` : 'an indirect call'}`);
    const c = copy(i.type, [...args.map(orig), callee]);
    if (mentionsFloat(i.type)) { c.name = null; return this.widen(c, i.type); }
    return c;
  }

  /** The double version of a float intrinsic or C math function, or null. */
  private retypedCallee(f: Function): Function | null {
    const name = f.name ?? '';
    if (!f.isDeclaration || !mentionsFloat(f.fnType)) return null;
    let wideName: string | null = null;
    if (name.startsWith('llvm.')) {
      const parts = name.slice(5).split('.');
      const base: string[] = [];
      let k = 0;
      while (k < parts.length && !/^(?:v\d+|nxv\d+)?(?:f\d+|i\d+|p\d+\w*)$/.test(parts[k]!)) base.push(parts[k++]!);
      if (!ARITH_INTRINSICS.has(base.join('.'))) return null;
      wideName = `llvm.${[...base, ...parts.slice(k).map((p) => p.replace(/^((?:v|nxv)\d+)?f32$/, '$1f64'))].join('.')}`;
    } else if (name.endsWith('f') && LIBM_FLOAT.has(name.slice(0, -1))) {
      wideName = name.slice(0, -1);
    }
    if (wideName === null || wideName === name) return null;
    const ft = this.wide(f.fnType) as FunctionType;
    const existing = this.m.getFunction(wideName);
    if (existing) return existing.fnType === ft ? existing : null;
    const d = declareFunction(this.m, wideName, ft);
    d.fnAttrs = f.fnAttrs;
    return d;
  }
}

function successorsOf(t: Instruction): BasicBlock[] {
  return 'successors' in t ? (t as { successors: BasicBlock[] }).successors : [];
}

/** Lifetime markers and debug intrinsics: dropped for widened slots. */
function isMarker(i: Instruction): boolean {
  if (i.op !== 'call') return false;
  const c = i.callee;
  const n = c instanceof Function ? c.name ?? '' : '';
  return n.startsWith('llvm.lifetime.') || n.startsWith('llvm.dbg.');
}

function isPromotedCast(v: Value, promoted: Map<Value, Type>): boolean {
  return v.vk === 'inst' && (v as Instruction).op === 'bitcast' && promoted.has((v as Instruction).operands[0]!);
}

/** `memset(p, 0, len, ...)` with `p` at operand `index`. */
function isZeroMemset(i: Instruction, index: number): boolean {
  if (i.op !== 'call' || index !== 0) return false;
  const c = i.callee;
  if (!(c instanceof Function) || !(c.name ?? '').startsWith('llvm.memset.')) return false;
  const v = i.operands[1]!;
  return v instanceof ConstantInt && v.value === 0n;
}

function sizeArg(i: Instruction): number {
  const n = i.operands[2]!;
  return n instanceof ConstantInt ? Number(n.value) : -1;
}
