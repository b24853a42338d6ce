// IRBuilder: creates instructions with the right result types in either
// pointer dialect, inserts them at a movable insertion point, and stamps them
// with the primal instruction they stand for (`origin`), so that a later
// diagnostic points at the user's line.
//
// The typing rules the builder applies (GEP and aggregate indexing, casts) are
// exported: the parser and the verifier apply the same ones. Misuse of the
// builder (operands of the wrong type) is a bug in the caller and throws a
// plain Error; malformed *input* is the verifier's business.

import { fpConstantText } from './fp.js';
import type { Module } from './module.js';
import {
  FLOAT_BITS, isFloat, isInt, scalarOf,
  type FunctionType, type PointerType, type Type, type TypeContext,
} from './types.js';
import type { Value } from './value.js';
import {
  ConstantAggregate, ConstantFP, ConstantInt, ConstantNull, ConstantPoison, ConstantUndef, ConstantZero,
  type Constant,
} from './constants.js';
import { Argument, BasicBlock, Function } from './function.js';
import {
  AllocaInst, AtomicRMWInst, BinaryInst, BrInst, CallInst, CastInst, CmpInst, ExtractElementInst, ExtractValueInst,
  FreezeInst, GEPInst, InsertElementInst, InsertValueInst, InvokeInst, LandingPadInst, LoadInst, PhiInst,
  ResumeInst, RetInst, SelectInst, StoreInst, SwitchInst, UnaryInst, UnreachableInst,
  FCMP_PREDS, ICMP_PREDS,
  type BinaryOp, type CastOp, type Instruction, type Ordering,
} from './instructions.js';
import { F } from './flags.js';

/** Receives a typing error: the message and the position of the offending index (-1: not an index). */
export type TypeErrorSink = (message: string, index: number) => void;

// ---------------------------------------------------------------------------
// Typing rules

/** Whether a value of this type has a size (can be loaded, stored, allocated, indexed over). */
/**
 * Structs known to be sized. A struct's body is set once, so a yes stays a yes (a no may turn
 * into a yes when an opaque element type is defined later): without this, every getelementptr
 * over a large struct walked it again.
 */
const SIZED_STRUCTS = new WeakSet<Type>();

export function isSized(t: Type, seen?: Set<Type>): boolean {
  switch (t.kind) {
    case 'int': case 'float': case 'pointer': case 'x86_mmx': case 'x86_amx': case 'target':
      return true;
    case 'vector': case 'array':
      return isSized(t.elem, seen);
    case 'struct': {
      if (SIZED_STRUCTS.has(t)) return true;
      if (t.elems === null) return false;
      const s = seen ?? new Set<Type>();
      if (s.has(t)) return false; // a struct containing itself by value
      s.add(t);
      const ok = t.elems.every((e) => isSized(e, s));
      s.delete(t);
      if (ok) SIZED_STRUCTS.add(t);
      return ok;
    }
    case 'void': case 'label': case 'metadata': case 'token': case 'function':
      return false;
  }
}

/** The constant value of a struct index: a ConstantInt, or a vector splat of one. */
function structIndexValue(v: Value): number | null {
  if (v.vk !== 'const') return null;
  const c = v as Constant;
  if (c instanceof ConstantInt) return Number(c.value);
  if (c instanceof ConstantZero) return 0;
  if (c instanceof ConstantAggregate && c.type.kind === 'vector' && c.elems.length > 0) {
    const first = structIndexValue(c.elems[0]!);
    if (first === null) return null;
    for (const e of c.elems) if (structIndexValue(e) !== first) return null;
    return first;
  }
  return null;
}

/** What a GEP's indices reach: the element type, and the vector shape of the result (count -1: scalar). */
export interface GepShape {
  /** The base pointer type (scalar). */
  readonly ptr: PointerType;
  /** The type the result points to. */
  readonly elem: Type;
  readonly vecCount: number;
  readonly scalable: boolean;
}

/**
 * Walks `getelementptr srcType, ptrType %p, indices...` (LangRef
 * "getelementptr"): the first index steps over `srcType`, the others walk into
 * structs (i32 constant indices), arrays and vectors. The base or any index
 * may be a vector (the result is then a vector of pointers). Returns null
 * (after telling `onError`) for an invalid GEP.
 */
export function gepShape(srcType: Type, ptrType: Type, indices: readonly Value[], onError?: TypeErrorSink): GepShape | null {
  const err = (msg: string, index: number): null => { onError?.(msg, index); return null; };
  let vecCount = -1;
  let scalable = false;
  let base: Type = ptrType;
  if (base.kind === 'vector') { vecCount = base.count; scalable = base.scalable; base = base.elem; }
  if (base.kind !== 'pointer') return err('base of getelementptr must be a pointer', -1);
  const ptr = base;
  if (ptr.pointee !== null && ptr.pointee !== srcType) {
    return err("explicit pointee type doesn't match operand's pointee type", -1);
  }
  if (!isSized(srcType)) return err('base element of getelementptr must be sized', -1);
  let cur: Type = srcType;
  for (let k = 0; k < indices.length; k++) {
    const idx = indices[k]!;
    let it = idx.type;
    if (it.kind === 'vector') {
      if (vecCount >= 0 && (it.count !== vecCount || it.scalable !== scalable)) {
        return err('getelementptr vector index has a wrong number of elements', k);
      }
      vecCount = it.count;
      scalable = it.scalable;
      it = it.elem;
    }
    if (it.kind !== 'int') return err('getelementptr index must be an integer', k);
    if (k === 0) continue;
    switch (cur.kind) {
      case 'struct': {
        if (cur.elems === null) return err('cannot index into an opaque struct', k);
        if (it.bits !== 32) return err('struct index must be an i32 constant', k);
        const i = structIndexValue(idx);
        if (i === null) return err('struct index must be an i32 constant', k);
        if (i < 0 || i >= cur.elems.length) return err(`struct index ${i} out of range`, k);
        cur = cur.elems[i]!;
        break;
      }
      case 'array': case 'vector':
        cur = cur.elem;
        break;
      default:
        return err('invalid getelementptr indices', k);
    }
  }
  return { ptr, elem: cur, vecCount, scalable };
}

/**
 * Result type of `getelementptr srcType, ptrType %p, indices...`: a pointer
 * to the element reached (see `gepShape`), typed or opaque like the base
 * pointer, in its address space; a vector of such pointers when the base or
 * an index is a vector. Returns null (after telling `onError`) for an invalid GEP.
 */
export function gepResultType(
  module: Module, srcType: Type, ptrType: Type, indices: readonly Value[], onError?: TypeErrorSink,
): Type | null {
  const s = gepShape(srcType, ptrType, indices, onError);
  if (!s) return null;
  const types = module.types;
  const p = s.ptr.pointee !== null ? types.typedPtr(s.elem, s.ptr.addrspace) : types.opaquePtr(s.ptr.addrspace);
  return s.vecCount >= 0 ? types.vector(s.vecCount, p, s.scalable) : p;
}

/**
 * The element of an aggregate reached by `extractvalue` / `insertvalue`
 * indices (structs and arrays only; at least one index; bounds checked).
 */
export function aggregateElementType(t: Type, indices: readonly number[], onError?: TypeErrorSink): Type | null {
  const err = (msg: string, index: number): null => { onError?.(msg, index); return null; };
  if (indices.length === 0) return err('extractvalue / insertvalue need at least one index', -1);
  let cur = t;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (cur.kind === 'struct') {
      if (cur.elems === null) return err('cannot index into an opaque struct', k);
      if (!Number.isInteger(i) || i < 0 || i >= cur.elems.length) return err(`struct index ${i} out of range`, k);
      cur = cur.elems[i]!;
    } else if (cur.kind === 'array') {
      if (!Number.isInteger(i) || i < 0 || i >= cur.count) return err(`array index ${i} out of range`, k);
      cur = cur.elem;
    } else {
      return err('invalid indices: not an aggregate at this depth', k);
    }
  }
  return cur;
}

/** Size in bits of a first-class non-aggregate type, for `bitcast`; null when it has none (pointers: null). */
function bitSize(t: Type): number | null {
  switch (t.kind) {
    case 'int': return t.bits;
    case 'float': return FLOAT_BITS[t.fk];
    case 'x86_mmx': return 64;
    case 'vector': {
      const e = bitSize(t.elem);
      return e === null ? null : e * t.count;
    }
    default: return null;
  }
}

/** Why `op` cannot cast `from` to `to` (LLVM's `CastInst::castIsValid`), or null when it can. */
export function castError(op: CastOp, from: Type, to: Type): string | null {
  const fv = from.kind === 'vector' ? from : null;
  const tv = to.kind === 'vector' ? to : null;
  const fs = scalarOf(from);
  const ts = scalarOf(to);
  if (op !== 'bitcast') {
    if ((fv === null) !== (tv === null)) return `${op} cannot change between vector and scalar`;
    if (fv && tv && (fv.count !== tv.count || fv.scalable !== tv.scalable)) return `${op} cannot change the number of vector elements`;
  }
  switch (op) {
    case 'trunc':
      return isInt(fs) && isInt(ts) && fs.bits > ts.bits ? null : 'trunc needs a wider integer source';
    case 'zext': case 'sext':
      return isInt(fs) && isInt(ts) && fs.bits < ts.bits ? null : `${op} needs a narrower integer source`;
    case 'fptrunc':
      return isFloat(fs) && isFloat(ts) && FLOAT_BITS[fs.fk] > FLOAT_BITS[ts.fk] ? null : 'fptrunc needs a wider floating source';
    case 'fpext':
      return isFloat(fs) && isFloat(ts) && FLOAT_BITS[fs.fk] < FLOAT_BITS[ts.fk] ? null : 'fpext needs a narrower floating source';
    case 'fptoui': case 'fptosi':
      return isFloat(fs) && isInt(ts) ? null : `${op} casts floating to integer`;
    case 'uitofp': case 'sitofp':
      return isInt(fs) && isFloat(ts) ? null : `${op} casts integer to floating`;
    case 'ptrtoint':
      return fs.kind === 'pointer' && isInt(ts) ? null : 'ptrtoint casts pointer to integer';
    case 'inttoptr':
      return isInt(fs) && ts.kind === 'pointer' ? null : 'inttoptr casts integer to pointer';
    case 'addrspacecast':
      return fs.kind === 'pointer' && ts.kind === 'pointer' && fs.addrspace !== ts.addrspace
        ? null : 'addrspacecast casts between pointers of different address spaces';
    case 'bitcast': {
      if (fs.kind === 'pointer' || ts.kind === 'pointer') {
        if (fs.kind !== 'pointer' || ts.kind !== 'pointer') return 'bitcast cannot convert between pointers and non-pointers';
        if ((fv === null) !== (tv === null) || (fv && tv && (fv.count !== tv.count || fv.scalable !== tv.scalable))) {
          return 'bitcast of pointer vectors must keep the number of elements';
        }
        return fs.addrspace === ts.addrspace ? null : 'bitcast cannot change the address space (use addrspacecast)';
      }
      if (fv && tv && fv.scalable !== tv.scalable) return 'bitcast cannot mix scalable and fixed vectors';
      const a = bitSize(from);
      const b = bitSize(to);
      if (a === null || b === null) return 'bitcast needs first-class non-aggregate types';
      return a === b ? null : 'bitcast needs types of the same size';
    }
  }
}

/** `i1`, or `<N x i1>` for a vector operand type (result type of icmp / fcmp). */
export function cmpResultType(types: TypeContext, operandType: Type): Type {
  return operandType.kind === 'vector'
    ? types.vector(operandType.count, types.i1, operandType.scalable)
    : types.i1;
}

// ---------------------------------------------------------------------------
// Constants

/** An integer constant (or a vector of equal ones), stored in LLVM's signed form (i1: 0 / 1). */
export function constInt(type: Type, value: bigint | number): Constant {
  if (type.kind === 'vector') {
    const e = constInt(type.elem, value);
    return new ConstantAggregate(type, new Array<Value>(type.count).fill(e));
  }
  if (type.kind !== 'int') throw new Error('constInt: not an integer type');
  const v = typeof value === 'bigint' ? value : BigInt(value);
  return new ConstantInt(type, type.bits === 1 ? BigInt.asUintN(1, v) : BigInt.asIntN(type.bits, v));
}

/** A floating constant (or a vector of equal ones) from a double value, see `fpConstantText`. */
export function constFP(type: Type, value: number): Constant {
  if (type.kind === 'vector') {
    const e = constFP(type.elem, value);
    return new ConstantAggregate(type, new Array<Value>(type.count).fill(e));
  }
  if (type.kind !== 'float') throw new Error('constFP: not a floating type');
  return new ConstantFP(type, fpConstantText(value, type.fk));
}

/** The zero of a type: `0`, `0.0`, `null`, or `zeroinitializer` for aggregates and vectors. */
export function nullValue(type: Type): Constant {
  switch (type.kind) {
    case 'int': return new ConstantInt(type, 0n);
    case 'float': return new ConstantFP(type, fpConstantText(0, type.fk));
    case 'pointer': return new ConstantNull(type);
    default: return new ConstantZero(type);
  }
}
export function undefValue(type: Type): Constant { return new ConstantUndef(type); }
export function poisonValue(type: Type): Constant { return new ConstantPoison(type); }

// ---------------------------------------------------------------------------
// Functions and blocks

/** Adds a function definition with its arguments and no blocks yet (add them with `addBlock` / `IRBuilder.block`). */
export function addFunction(module: Module, name: string, fnType: FunctionType, argNames?: readonly (string | null)[]): Function {
  const f = new Function(module.ptrTo(fnType), fnType);
  f.name = name;
  f.isDeclaration = false;
  f.args = fnType.params.map((t, i) => {
    const a = new Argument(t, f, i);
    a.name = argNames?.[i] ?? null;
    return a;
  });
  module.functions.push(f);
  module.invalidateSymbols();
  return f;
}

/** Adds a function declaration. */
export function declareFunction(module: Module, name: string, fnType: FunctionType): Function {
  const f = addFunction(module, name, fnType);
  f.isDeclaration = true;
  return f;
}

/** Appends a new block to `fn` (or inserts it before `before`). */
export function addBlock(module: Module, fn: Function, name: string | null = null, before?: BasicBlock): BasicBlock {
  const b = new BasicBlock(module.types.label, fn);
  b.name = name;
  fn.isDeclaration = false;
  if (before) {
    const at = fn.blocks.indexOf(before);
    if (at < 0) throw new Error('addBlock: anchor block is not in this function');
    fn.blocks.splice(at, 0, b);
  } else {
    fn.blocks.push(b);
  }
  return b;
}

/**
 * A helper function the generated code calls, defined once per module (`linkonce_odr hidden`, so
 * that modules lowered separately link): the new function, to be given a body, or null when the
 * module defines it already. A declaration of the same name becomes the definition.
 */
export function addRuntimeHelper(module: Module, name: string, ret: Type, params: Type[], names: string[]): Function | null {
  const have = module.getFunction(name);
  if (have && !have.isDeclaration) return null;
  const f = have ?? addFunction(module, name, module.types.fn(ret, params), names);
  if (have) { have.isDeclaration = false; have.args.forEach((a, k) => { a.name = names[k] ?? null; }); }
  f.linkage = 'linkonce_odr';
  f.visibility = 'hidden';
  return f;
}

/** Removes an instruction from its block (its uses must be gone first). */
export function eraseFromParent(i: Instruction): void {
  const b = i.parent;
  if (!b) return;
  const at = b.instructions.indexOf(i);
  if (at >= 0) b.instructions.splice(at, 1);
  i.parent = null;
}

// ---------------------------------------------------------------------------
// The builder

export interface InsertPoint {
  readonly block: BasicBlock | null;
  /** Insert before this instruction; null: at the end of the block. */
  readonly before: Instruction | null;
}

export type SwitchCase = readonly [value: Value, dest: BasicBlock];

function sameVectorShape(a: Type, b: Type): boolean {
  if (a.kind !== 'vector' || b.kind !== 'vector') return a.kind !== 'vector' && b.kind !== 'vector';
  return a.count === b.count && a.scalable === b.scalable;
}

function fail(msg: string): never { throw new Error(`IRBuilder: ${msg}`); }

export class IRBuilder {
  readonly module: Module;
  readonly types: TypeContext;
  /** The primal instruction the next created instructions stand for. */
  origin: Instruction | null = null;
  /** Fast-math flags given to floating-point operations that do not pass their own. */
  fastMath = 0;
  private blk: BasicBlock | null = null;
  private anchor: Instruction | null = null;
  private anchorIdx = -1;

  constructor(module: Module) {
    this.module = module;
    this.types = module.types;
  }

  // -- insertion point ------------------------------------------------------

  get insertBlock(): BasicBlock | null { return this.blk; }
  get insertPoint(): InsertPoint { return { block: this.blk, before: this.anchor }; }
  setInsertPoint(ip: InsertPoint): this {
    this.blk = ip.block;
    this.anchor = ip.before;
    this.anchorIdx = -1;
    return this;
  }
  /** Append at the end of `block` (after its terminator, if it has one). */
  atEnd(block: BasicBlock): this { return this.setInsertPoint({ block, before: null }); }
  /** Before the terminator of `block` (at the end if it has none). */
  beforeTerminator(block: BasicBlock): this { return this.setInsertPoint({ block, before: block.terminator }); }
  before(inst: Instruction): this {
    if (!inst.parent) fail('insertion anchor is not in a block');
    return this.setInsertPoint({ block: inst.parent, before: inst });
  }
  after(inst: Instruction): this {
    const b = inst.parent;
    if (!b) fail('insertion anchor is not in a block');
    const at = b.instructions.indexOf(inst);
    if (at < 0) fail('insertion anchor is not in its parent block');
    return this.setInsertPoint({ block: b, before: b.instructions[at + 1] ?? null });
  }
  /** After the phis and the EH pad of `block` (LLVM's first insertion point). */
  atFirstInsertionPoint(block: BasicBlock): this {
    let before: Instruction | null = null;
    for (const i of block.instructions) {
      if (i.op === 'phi' || i.op === 'landingpad' || i.op === 'catchpad' || i.op === 'cleanuppad') continue;
      before = i;
      break;
    }
    return this.setInsertPoint({ block, before });
  }
  /** Runs `f` with `origin` set, then restores the previous origin. */
  withOrigin<T>(origin: Instruction | null, f: () => T): T {
    const saved = this.origin;
    this.origin = origin;
    try { return f(); } finally { this.origin = saved; }
  }

  /** Inserts a created instruction at the insertion point, naming it and stamping the origin. */
  insert<T extends Instruction>(i: T, name: string | null = null): T {
    const b = this.blk;
    if (!b) fail('no insertion point');
    if (name !== null) i.name = name;
    if (i.origin === null) i.origin = this.origin;
    const anchor = this.anchor;
    if (anchor === null) {
      b.append(i);
      return i;
    }
    const list = b.instructions;
    let at = this.anchorIdx;
    if (list[at] !== anchor) {
      at = list.indexOf(anchor);
      if (at < 0) fail('the insertion anchor left its block');
    }
    list.splice(at, 0, i);
    i.parent = b;
    this.anchorIdx = at + 1;
    return i;
  }

  /** A new block at the end of `fn` (or before `before`). */
  block(fn: Function, name: string | null = null, before?: BasicBlock): BasicBlock {
    return addBlock(this.module, fn, name, before);
  }

  // -- constants ------------------------------------------------------------

  int(type: Type, value: bigint | number): Constant { return constInt(type, value); }
  i1(value: boolean): Constant { return constInt(this.types.i1, value ? 1 : 0); }
  i32(value: bigint | number): Constant { return constInt(this.types.i32, value); }
  i64(value: bigint | number): Constant { return constInt(this.types.i64, value); }
  fp(type: Type, value: number): Constant { return constFP(type, value); }
  zero(type: Type): Constant { return nullValue(type); }
  undef(type: Type): Constant { return undefValue(type); }
  poison(type: Type): Constant { return poisonValue(type); }

  // -- arithmetic -----------------------------------------------------------

  binop(op: BinaryOp, lhs: Value, rhs: Value, name: string | null = null, flags?: number): BinaryInst {
    if (lhs.type !== rhs.type) fail(`${op} operands have different types`);
    const fpOp = op.startsWith('f');
    if (fpOp ? scalarOf(lhs.type).kind !== 'float' : scalarOf(lhs.type).kind !== 'int') {
      fail(`${op} needs ${fpOp ? 'floating' : 'integer'} operands`);
    }
    const i = new BinaryInst(op, lhs.type, lhs, rhs);
    i.flags = flags ?? (fpOp ? this.fastMath : 0);
    return this.insert(i, name);
  }
  add(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('add', a, b, name); }
  sub(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('sub', a, b, name); }
  mul(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('mul', a, b, name); }
  fadd(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('fadd', a, b, name); }
  fsub(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('fsub', a, b, name); }
  fmul(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('fmul', a, b, name); }
  fdiv(a: Value, b: Value, name: string | null = null): BinaryInst { return this.binop('fdiv', a, b, name); }

  fneg(v: Value, name: string | null = null, flags?: number): UnaryInst {
    if (scalarOf(v.type).kind !== 'float') fail('fneg needs a floating operand');
    const i = new UnaryInst(v.type, [v]);
    i.flags = flags ?? this.fastMath;
    return this.insert(i, name);
  }

  cast(op: CastOp, v: Value, to: Type, name: string | null = null, flags = 0): CastInst {
    const e = castError(op, v.type, to);
    if (e) fail(e);
    const i = new CastInst(op, to, v);
    i.flags = flags;
    return this.insert(i, name);
  }
  /** A bitcast when the types differ, else `v` itself (typed-pointer code needs many of these). */
  /** `v` as type `to`: itself, a bitcast, or (pointers in another address space) an addrspacecast, then a bitcast. */
  bitcastIfNeeded(v: Value, to: Type, name: string | null = null): Value {
    if (v.type === to) return v;
    const from = v.type;
    if (from.kind === 'pointer' && to.kind === 'pointer' && from.addrspace !== to.addrspace) {
      // Same pointee, the target's address space: then a bitcast if the pointee differs too.
      const moved = from.pointee === null ? to : this.types.typedPtr(from.pointee, to.addrspace);
      const c = this.cast('addrspacecast', v, moved, moved === to ? name : null);
      return moved === to ? c : this.cast('bitcast', c, to, name);
    }
    return this.cast('bitcast', v, to, name);
  }

  icmp(pred: string, lhs: Value, rhs: Value, name: string | null = null, flags = 0): CmpInst {
    if (!(ICMP_PREDS as readonly string[]).includes(pred)) fail(`unknown icmp predicate ${pred}`);
    if (lhs.type !== rhs.type) fail('icmp operands have different types');
    const k = scalarOf(lhs.type).kind;
    if (k !== 'int' && k !== 'pointer') fail('icmp needs integer or pointer operands');
    const i = new CmpInst('icmp', pred, cmpResultType(this.types, lhs.type), lhs, rhs);
    i.flags = flags;
    return this.insert(i, name);
  }
  fcmp(pred: string, lhs: Value, rhs: Value, name: string | null = null, flags?: number): CmpInst {
    if (!(FCMP_PREDS as readonly string[]).includes(pred)) fail(`unknown fcmp predicate ${pred}`);
    if (lhs.type !== rhs.type) fail('fcmp operands have different types');
    if (scalarOf(lhs.type).kind !== 'float') fail('fcmp needs floating operands');
    const i = new CmpInst('fcmp', pred, cmpResultType(this.types, lhs.type), lhs, rhs);
    i.flags = flags ?? this.fastMath;
    return this.insert(i, name);
  }

  phi(type: Type, incoming: readonly (readonly [Value, BasicBlock])[] = [], name: string | null = null): PhiInst {
    const p = new PhiInst(type, [], []);
    for (const [v, b] of incoming) addIncoming(p, v, b);
    return this.insert(p, name);
  }

  select(cond: Value, a: Value, b: Value, name: string | null = null): SelectInst {
    if (a.type !== b.type) fail('select arms have different types');
    const ct = cond.type;
    if (!isInt(scalarOf(ct), 1) || (ct.kind === 'vector' && !sameVectorShape(ct, a.type))) {
      fail('select condition must be i1 or a vector of i1 matching the arms');
    }
    const i = new SelectInst(a.type, [cond, a, b]);
    if (scalarOf(a.type).kind === 'float') i.flags = this.fastMath;
    return this.insert(i, name);
  }

  freeze(v: Value, name: string | null = null): FreezeInst {
    return this.insert(new FreezeInst(v.type, [v]), name);
  }

  // -- calls ----------------------------------------------------------------

  private checkArgs(fnType: FunctionType, args: readonly Value[]): void {
    const n = fnType.params.length;
    if (fnType.vararg ? args.length < n : args.length !== n) fail(`call with ${args.length} arguments to a function of ${n}`);
    for (let k = 0; k < n; k++) if (args[k]!.type !== fnType.params[k]) fail(`call argument ${k} has the wrong type`);
  }

  /** Calls a function, or any callee value given its function type. */
  call(callee: Function | Value, args: readonly Value[], name: string | null = null, fnType?: FunctionType): CallInst {
    const ft = fnType ?? (callee instanceof Function ? callee.fnType : fail('call of a non-function needs its function type'));
    this.checkArgs(ft, args);
    const i = new CallInst(ft.ret, [...args, callee]);
    i.fnType = ft;
    i.explicitFnType = ft.vararg;
    if (ft.ret.kind === 'void' && name !== null) fail('a void call cannot have a name');
    return this.insert(i, name);
  }

  invoke(
    callee: Function | Value, args: readonly Value[], normal: BasicBlock, unwind: BasicBlock,
    name: string | null = null, fnType?: FunctionType,
  ): InvokeInst {
    const ft = fnType ?? (callee instanceof Function ? callee.fnType : fail('invoke of a non-function needs its function type'));
    this.checkArgs(ft, args);
    const i = new InvokeInst(ft.ret, [...args, callee]);
    i.fnType = ft;
    i.explicitFnType = ft.vararg;
    i.successors = [normal, unwind];
    return this.insert(i, name);
  }

  landingpad(type: Type, cleanup: boolean, name: string | null = null): LandingPadInst {
    const i = new LandingPadInst(type, []);
    i.cleanup = cleanup;
    return this.insert(i, name);
  }

  // -- memory ---------------------------------------------------------------

  private pointee(ptr: Value, what: string): PointerType {
    const t = ptr.type;
    if (t.kind !== 'pointer') fail(`${what} needs a pointer operand`);
    return t;
  }

  load(type: Type, ptr: Value, name: string | null = null, align: number | null = null): LoadInst {
    const pt = this.pointee(ptr, 'load');
    if (pt.pointee !== null && pt.pointee !== type) fail('load type differs from the pointee type');
    if (!isSized(type)) fail('load of an unsized type');
    const i = new LoadInst(type, [ptr]);
    i.align = align;
    return this.insert(i, name);
  }

  store(value: Value, ptr: Value, align: number | null = null): StoreInst {
    const pt = this.pointee(ptr, 'store');
    if (pt.pointee !== null && pt.pointee !== value.type) fail('stored value type differs from the pointee type');
    const i = new StoreInst(this.types.void, [value, ptr]);
    i.align = align;
    return this.insert(i);
  }

  /** `load atomic` with an ordering a load admits. */
  loadAtomic(type: Type, ptr: Value, ordering: Ordering, name: string | null = null, align: number | null = null, syncscope: string | null = null): LoadInst {
    const i = this.load(type, ptr, name, align);
    i.atomic = true;
    i.ordering = ordering;
    i.syncscope = syncscope;
    return i;
  }

  /** `atomicrmw <rmw> ptr, value`: the result is the value the memory held before. */
  atomicRMW(rmw: string, ptr: Value, value: Value, ordering: Ordering, name: string | null = null, align: number | null = null, syncscope: string | null = null): AtomicRMWInst {
    const pt = this.pointee(ptr, 'atomicrmw');
    if (pt.pointee !== null && pt.pointee !== value.type) fail('atomicrmw value type differs from the pointee type');
    const i = new AtomicRMWInst(value.type, rmw, [ptr, value]);
    i.ordering = ordering;
    i.align = align;
    i.syncscope = syncscope;
    return this.insert(i, name);
  }

  alloca(type: Type, name: string | null = null, arraySize: Value | null = null, align: number | null = null, addrspace = 0): AllocaInst {
    if (!isSized(type)) fail('alloca of an unsized type');
    if (arraySize && !isInt(arraySize.type)) fail('alloca size must be an integer');
    const i = new AllocaInst(this.module.ptrTo(type, addrspace), type, arraySize ? [arraySize] : []);
    i.align = align;
    if (addrspace !== 0) i.addrspace = addrspace;
    return this.insert(i, name);
  }

  gep(srcType: Type, ptr: Value, indices: readonly Value[], name: string | null = null, inbounds = false): GEPInst {
    let why = '';
    const t = gepResultType(this.module, srcType, ptr.type, indices, (m) => { why = m; });
    if (!t) fail(why);
    const i = new GEPInst(t, srcType, [ptr, ...indices]);
    if (inbounds) i.flags = F.INBOUNDS;
    return this.insert(i, name);
  }
  /** `getelementptr inbounds T, ptr %p, i32 0, i32 field` */
  structGep(srcType: Type, ptr: Value, field: number, name: string | null = null): GEPInst {
    return this.gep(srcType, ptr, [this.i32(0), this.i32(field)], name, true);
  }

  // -- aggregates and vectors ----------------------------------------------

  extractValue(agg: Value, indices: readonly number[], name: string | null = null): ExtractValueInst {
    let why = '';
    const t = aggregateElementType(agg.type, indices, (m) => { why = m; });
    if (!t) fail(why);
    return this.insert(new ExtractValueInst(t, agg, [...indices]), name);
  }
  insertValue(agg: Value, v: Value, indices: readonly number[], name: string | null = null): InsertValueInst {
    let why = '';
    const t = aggregateElementType(agg.type, indices, (m) => { why = m; });
    if (!t) fail(why);
    if (t !== v.type) fail('inserted value has the wrong type');
    return this.insert(new InsertValueInst(agg.type, agg, v, [...indices]), name);
  }
  extractElement(vec: Value, index: Value, name: string | null = null): ExtractElementInst {
    const vt = vec.type;
    if (vt.kind !== 'vector') fail('extractelement needs a vector');
    if (!isInt(index.type)) fail('extractelement index must be an integer');
    return this.insert(new ExtractElementInst(vt.elem, [vec, index]), name);
  }
  insertElement(vec: Value, elt: Value, index: Value, name: string | null = null): InsertElementInst {
    const vt = vec.type;
    if (vt.kind !== 'vector') fail('insertelement needs a vector');
    if (elt.type !== vt.elem) fail('inserted element has the wrong type');
    if (!isInt(index.type)) fail('insertelement index must be an integer');
    return this.insert(new InsertElementInst(vt, [vec, elt, index]), name);
  }

  // -- terminators ----------------------------------------------------------

  br(dest: BasicBlock): BrInst {
    const i = new BrInst(this.types.void, []);
    i.successors = [dest];
    return this.insert(i);
  }
  condBr(cond: Value, ifTrue: BasicBlock, ifFalse: BasicBlock): BrInst {
    if (!isInt(cond.type, 1)) fail('branch condition must be i1');
    const i = new BrInst(this.types.void, [cond]);
    i.successors = [ifTrue, ifFalse];
    return this.insert(i);
  }
  switch(cond: Value, dflt: BasicBlock, cases: readonly SwitchCase[] = []): SwitchInst {
    if (!isInt(cond.type)) fail('switch condition must be an integer');
    for (const [v] of cases) if (v.type !== cond.type || !(v instanceof ConstantInt)) fail('switch case must be an integer constant of the condition type');
    const i = new SwitchInst(this.types.void, [cond, ...cases.map((c) => c[0])]);
    i.successors = [dflt, ...cases.map((c) => c[1])];
    return this.insert(i);
  }
  ret(v?: Value): RetInst {
    return this.insert(new RetInst(this.types.void, v ? [v] : []));
  }
  resume(v: Value): ResumeInst {
    return this.insert(new ResumeInst(this.types.void, [v]));
  }
  unreachable(): UnreachableInst {
    return this.insert(new UnreachableInst(this.types.void, []));
  }
}

/** Adds an incoming (value, block) pair to a phi. */
export function addIncoming(phi: PhiInst, v: Value, b: BasicBlock): void {
  if (v.type !== phi.type) fail('phi incoming value has the wrong type');
  phi.operands.push(v);
  phi.blocks.push(b);
}
