// Canonicalization before differentiation: integer carriers of floating data.
//
// Compilers move floating data with integer types: `load i64` / `store i64`
// pairs where the memory holds doubles (struct copies, swaps, SROA and
// instcombine at -O2), `<2 x i64>` vector copies, `i32` copies of floats,
// `bitcast i64 ... to double` after an integer load, and phis or selects of
// such integers between the load and the store. The AD differentiates floating
// types only, so this pass rewrites every such carrier that type analysis
// (src/analysis/types.ts) proves to hold floating data into the floating type
// of the same size: `load i64` becomes `load double`, the phis, selects,
// freezes and vector shuffles / element moves of it are retyped, the stores
// store the double, `bitcast i64 %v to double` folds away and
// `bitcast double %d to i64` feeding such a carrier is looked through.
//
// Bitwise the program is the same: LLVM's loads, stores, phis, selects and
// vector moves of floating types preserve the bits (LangRef: only arithmetic
// may change a NaN payload). Only what the analysis proves is rewritten, and a
// connected group of carriers only when every value entering it is a proven
// carrier, a constant or a bitcast of a float, and every use leaving it is a
// store, a bitcast back to the same floating type, another carrier, or an
// `icmp` (which reads the bits without carrying a derivative). Anything else
// (an `xor` that computes on the bits, a call taking the integer, an integer
// argument) leaves the group as it is, so the transform's E0403 check still
// refuses the integer access (or, with --loose-types, warns). Two more rewrites
// need no group: integer constants stored where the memory holds floats become
// floating constants, and integer results (the analysis says integer, e.g. an
// exponent mask) stored there become floating stores of a value without
// derivative, so the memory's old derivative is cleared. With a CarrierGuard,
// floats that cross a call as integers on the active path are refused (E0403).
//
// The pass never edits the function of the module: when it has something to
// rewrite it works on a private copy (same names, same source positions, so
// diagnostics still point into the input) that the Generator differentiates in
// place of the original. The primal printed in the output module is the
// user's, untouched.

import type { Module } from '../ir/module.js';
import { Argument, BasicBlock, Function } from '../ir/function.js';
import { CallInst, CastInst, UnaryInst, type Instruction, type PhiInst, type StoreInst } from '../ir/instructions.js';
import { declareFunction } from '../ir/builder.js';
import { ConstantAggregate, ConstantFP, ConstantInt, ConstantPoison, ConstantUndef, ConstantZero, type Constant } from '../ir/constants.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { computeUses, setUse, type UseMap } from '../ir/uses.js';
import { fpConstantText } from '../ir/fp.js';
import { TypeAnalysis, isFloatScalar, type Scalar, type TypeTree } from '../analysis/types.js';
import { ActivityAnalysis, type ActivityInput } from '../analysis/activity.js';
import { fail } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import { sourceSpan, typeText } from '../ir/verify.js';
import { rewriteKnownAsm } from './asmops.js';
import { widenLaneShuffles } from './laneshuffle.js';
import { definePoisonLanes } from './poisonlanes.js';
import { devirtualizeCalls } from './devirt.js';
import { explicitByvalCopies } from './byval.js';
import { splitMixedAccesses } from './mixedsplit.js';
import { pointerPhis } from './intphi.js';
import { consumedOnly } from './checks.js';

/**
 * What the function is differentiated for: with it, floats carried by integer call results and
 * arguments on the active path are refused (E0403) instead of silently losing their derivative.
 */
export interface CarrierGuard {
  activity: Omit<ActivityInput, 'fn'>;
  file: SourceFile | null;
  /**
   * What the caller knows of the arguments (src/ad/callfacts.ts): the same facts the derivative's
   * own checks see, so that a constant stored as an integer where the caller's facts say floats
   * becomes a floating store here rather than an integer store those checks refuse.
   */
  argTypes?: readonly (TypeTree | null)[];
}

/** What the pass did: the function to differentiate (the original when nothing changed) and how many carriers were retyped. */
export interface CanonicalResult {
  fn: Function;
  retyped: number;
}

const MOVES = new Set(['load', 'phi', 'select', 'freeze', 'shufflevector', 'extractelement', 'insertelement']);

/** The floating type of the same size as an integer (or integer vector) type carrying scalar `s`, or null. */
function floatTypeFor(m: Module, t: Type, s: Scalar | null): Type | null {
  if (s === null) return null;
  if (t.kind === 'vector') {
    if (t.scalable) return null;
    const e = floatTypeFor(m, t.elem, s);
    return e ? m.types.vector(t.count, e) : null;
  }
  if (t.kind !== 'int') return null;
  if (t.bits === 64 && s === 'double') return m.types.double;
  if (t.bits === 32 && s === 'float') return m.types.f32;
  if (t.bits === 16 && (s === 'half' || s === 'bfloat')) return m.types.float(s);
  return null;
}

/** `atomicrmw xchg` of an integer: a move through memory, like a load and a store. */
function isXchg(i: Instruction): boolean {
  return i.op === 'atomicrmw' && i.rmw === 'xchg' && !i.volatile && i.type.kind === 'int';
}

const elemOf = (t: Type): Type => (t.kind === 'vector' ? t.elem : t);

/**
 * An integer load whose every use is a bitcast to one floating type of the same size
 * (`load <4 x i32>` then `bitcast <4 x i32> %v to <2 x double>`: Eigen's GEBP kernel reads
 * its packed doubles through `_mm_load_si128`), from memory the analysis does not know to hold
 * anything else at those offsets: the floating type, loaded directly (the same bits).
 */
function reinterpretedLoad(m: Module, ta: TypeAnalysis, i: Instruction, uses: UseMap): Type | null {
  const t = i.type;
  const e = elemOf(t);
  if (e.kind !== 'int' || (t.kind === 'vector' && t.scalable)) return null;
  const vs = ta.valueScalar(i);
  if (vs !== null && vs !== 'anything') return null;
  const us = uses.get(i);
  if (!us.length) return null;
  const to = us[0]!.user.type;
  if (us.some((u) => u.user.op !== 'bitcast' || u.user.type !== to || u.bundle >= 0)) return null;
  const s = floatScalarOf(to);
  if (s === null || (to.kind === 'vector' && to.scalable)) return null;
  const tl = elemOf(to);
  const fbits = s === 'double' ? 64 : s === 'float' ? 32 : 16;
  const lanes = to.kind === 'vector' ? to.count : 1;
  if (lanes * fbits !== (t.kind === 'vector' ? t.count : 1) * e.bits) return null;
  for (let l = 0; l < lanes; l++) {
    const k = ta.memoryAt(i.operands[0]!, l * (fbits / 8));
    if (k !== null && k !== s && k !== 'anything') return null;
  }
  return tl === to ? tl : m.types.vector(lanes, tl);
}

/**
 * An integer load wider than one float of the memory it reads, where that memory holds floats of
 * one kind at every lane: `load i64` of two floats (clang -O2 turns `memcpy(y, x, 2 * sizeof
 * (float))` and `memmove` of a float pair into a `load i64` / `store i64`), `load i128` of two
 * doubles or four floats. The vector of those floats, loaded directly (the same bits); null when a
 * lane is anything else or unknown, or the value is known to be an integer or a pointer.
 */
function packedFloatLoad(m: Module, ta: TypeAnalysis, i: Instruction): Type | null {
  const t = i.type;
  if (t.kind !== 'int') return null;
  const vs = ta.valueScalar(i);
  if (vs !== null && vs !== 'anything' && !isFloatScalar(vs)) return null;
  if (/(^"?|-)E(-|"?$)/.test(m.datalayout ?? '')) return null; // big-endian: lanes in the other order
  for (const [s, bits] of [['float', 32], ['double', 64]] as const) {
    if (t.bits <= bits || t.bits % bits !== 0) continue;
    const lanes = t.bits / bits;
    let all = true;
    for (let l = 0; l < lanes && all; l++) all = ta.memoryAt(i.operands[0]!, l * (bits / 8)) === s;
    if (all) return m.types.vector(lanes, m.types.float(s));
  }
  return null;
}

function floatScalarOf(t: Type): Scalar | null {
  const e = t.kind === 'vector' ? t.elem : t;
  if (e.kind !== 'float') return null;
  return e.fk === 'double' || e.fk === 'float' || e.fk === 'half' || e.fk === 'bfloat' ? e.fk : null;
}

/** Integer operations whose operand may be the integer bits of a retyped carrier (given back by a bitcast). */
const INSPECT = new Set(['lshr', 'ashr', 'shl', 'trunc', 'and', 'or', 'xor', 'zext', 'sext', 'add', 'sub']);

/** Value operand positions of a carrier that hold the carried data (the others: pointers, conditions, indices, masks). */
function dataOperands(i: Instruction, masks: MaskFolder): number[] {
  switch (i.op) {
    case 'phi': return i.operands.map((_, k) => k);
    case 'select': return [1, 2];
    case 'freeze': case 'extractelement': return [0];
    case 'atomicrmw': return [1];
    case 'shufflevector': case 'insertelement': return [0, 1];
    case 'xor': case 'and': return [masks.signBit(i)?.data ?? (i.operands[0] instanceof ConstantInt ? 1 : 0)];
    case 'fneg': return [0];
    case 'call': return [0]; // only the llvm.fabs calls this pass creates are carriers
    default: return [];
  }
}

/** The bits of a value known at compile time, packed lane 0 lowest: `value` where `known` is set. */
interface Bits { value: bigint; known: bigint; width: number }

/**
 * `xor x, signbit` (fneg) and `and x, ~signbit` (fabs) on an i64 / i32 / i16 or a vector of them:
 * which of the two, and which operand is x. The mask is a constant, or (clang -O0, Eigen's packet
 * `pabs`) a value whose bits are constant through stack slots stored once, bitcasts and
 * `insertelement`s: `store i32 2147483647, ptr %s` ... `load` ... `insertelement <4 x i32>` ...
 * `bitcast <4 x i32> to <2 x i64>` ... `and <2 x i64> %x, %mask`.
 */
class MaskFolder {
  /** Per function: each plain stack slot (a fixed-size alloca used only as the address of loads and stores) and its stores. */
  private readonly slots = new Map<Function, Map<Value, StoreInst[]>>();
  private readonly found = new Map<Instruction, { op: 'fneg' | 'fabs'; data: number } | null>();

  signBit(i: Instruction): { op: 'fneg' | 'fabs'; data: number } | null {
    if (i.op !== 'xor' && i.op !== 'and') return null;
    let r = this.found.get(i);
    if (r === undefined) { r = this.compute(i); this.found.set(i, r); }
    return r;
  }

  private compute(i: Instruction): { op: 'fneg' | 'fabs'; data: number } | null {
    // Vectors too (clang 14 -O2 writes Eigen's packet fabs as `and <2 x i64>`), with one mask in every lane.
    const e = i.type.kind === 'vector' && !i.type.scalable ? i.type.elem : i.type;
    if (e.kind !== 'int') return null;
    const bits = e.bits;
    if (bits !== 64 && bits !== 32 && bits !== 16) return null;
    const lanes = i.type.kind === 'vector' ? i.type.count : 1;
    const sign = 1n << BigInt(bits - 1);
    const want = i.op === 'xor' ? sign : sign - 1n;
    const isMask = (v: Value): boolean => {
      const b = this.bitsOf(v, 0);
      if (!b || b.width !== bits * lanes) return false;
      const all = (1n << BigInt(bits)) - 1n;
      for (let l = 0; l < lanes; l++) {
        const sh = BigInt(l * bits);
        if (((b.known >> sh) & all) !== all || ((b.value >> sh) & all) !== want) return false;
      }
      return true;
    };
    const [a, b] = i.operands as [Value, Value];
    const data = isMask(b) ? 0 : isMask(a) ? 1 : -1;
    return data < 0 ? null : { op: i.op === 'xor' ? 'fneg' : 'fabs', data };
  }

  private bitsOf(v: Value, depth: number): Bits | null {
    const width = widthOf(v.type);
    if (width === null || depth > 40) return null;
    const full = (1n << BigInt(width)) - 1n;
    if (v instanceof ConstantInt) return { value: BigInt.asUintN(width, v.value), known: full, width };
    if (v instanceof ConstantZero) return { value: 0n, known: full, width };
    if (v instanceof ConstantUndef || v instanceof ConstantPoison) return { value: 0n, known: 0n, width };
    if (v instanceof ConstantAggregate && v.type.kind === 'vector') {
      const ew = widthOf(v.type.elem);
      if (ew === null) return null;
      let value = 0n, known = 0n;
      for (let l = 0; l < v.type.count; l++) {
        const x = this.bitsOf(v.splat ? v.elems[0]! : v.elems[l]!, depth + 1);
        if (!x) return null;
        value |= x.value << BigInt(l * ew);
        known |= x.known << BigInt(l * ew);
      }
      return { value, known, width };
    }
    if (v.vk !== 'inst') return null;
    const i = v as Instruction;
    if (i.op === 'bitcast') {
      const x = this.bitsOf(i.operands[0]!, depth + 1);
      return x && x.width === width ? x : null;
    }
    if (i.op === 'insertelement' && i.type.kind === 'vector') {
      const [base, elt, idx] = i.operands as [Value, Value, Value];
      const ew = widthOf(i.type.elem);
      if (ew === null || !(idx instanceof ConstantInt) || idx.value < 0n || idx.value >= BigInt(i.type.count)) return null;
      const x = this.bitsOf(base, depth + 1);
      const y = this.bitsOf(elt, depth + 1);
      if (!x || !y) return null;
      const sh = BigInt(Number(idx.value) * ew);
      const lane = ((1n << BigInt(ew)) - 1n) << sh;
      return { value: (x.value & ~lane) | (y.value << sh), known: (x.known & ~lane) | (y.known << sh), width };
    }
    if (i.op === 'load' && !i.volatile && !i.atomic) {
      // A slot stored once, earlier in the same block: the load reads that value.
      const stores = this.slotsOf(i.parent!.parent!).get(i.ptr);
      if (!stores || stores.length !== 1) return null;
      const st = stores[0]!;
      if (st.parent !== i.parent || widthOf(st.value.type) !== width) return null;
      const insts = i.parent!.instructions;
      if (insts.indexOf(st) > insts.indexOf(i)) return null;
      return this.bitsOf(st.value, depth + 1);
    }
    return null;
  }

  private slotsOf(f: Function): Map<Value, StoreInst[]> {
    let r = this.slots.get(f);
    if (r) return r;
    r = new Map();
    for (const b of f.blocks) for (const i of b.instructions) if (i.op === 'alloca' && i.operands.length === 0) r.set(i, []);
    const bad = new Set<Value>();
    for (const b of f.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'load' && r.has(i.ptr) && !i.volatile && !i.atomic) continue;
        if (i.op === 'store' && r.has(i.ptr) && !r.has(i.value) && !i.volatile && !i.atomic) { r.get(i.ptr)!.push(i); continue; }
        if (i.op === 'call') {
          const callee = i.callee as { name?: string | null };
          if (callee.name?.startsWith('llvm.lifetime.') || callee.name?.startsWith('llvm.dbg.')) continue;
        }
        for (const o of i.operands) if (r.has(o)) bad.add(o);
      }
    }
    for (const s of bad) r.delete(s);
    this.slots.set(f, r);
    return r;
  }
}

/** Bits of an integer, a double / float / half, or a fixed vector of them, else null. */
function widthOf(t: Type): number | null {
  if (t.kind === 'int') return t.bits;
  if (t.kind === 'float') return t.fk === 'double' ? 64 : t.fk === 'float' ? 32 : t.fk === 'half' || t.fk === 'bfloat' ? 16 : null;
  if (t.kind === 'vector' && !t.scalable) {
    const e = widthOf(t.elem);
    return e === null ? null : t.count * e;
  }
  return null;
}

/** A quick look for anything the pass could rewrite, before paying for a type analysis. */
function mayHaveCarriers(f: Function, calls: boolean): boolean {
  const carrierInt = (t: Type): boolean => {
    const e = t.kind === 'vector' ? t.elem : t;
    return e.kind === 'int' && (e.bits === 64 || e.bits === 32 || e.bits === 16);
  };
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'load' && carrierInt(i.type)) return true;
      if (i.op === 'store' && carrierInt(i.value.type) && isConvertibleConstant(i.value)) return true;
      if (calls && (i.op === 'call' || i.op === 'invoke') && (carrierInt(i.type) || i.args().some((a) => carrierInt(a.type)))) return true;
      if (i.op === 'bitcast' && carrierInt(i.type) && floatScalarOf(i.operands[0]!.type)) return true;
    }
  }
  return false;
}

/**
 * A vector of the floats an integer constant covers, when the memory it is stored into holds
 * smaller floats at every lane: `store i64 0` over two floats (a memset clang -O2 folded),
 * `store i128` over two doubles. Null otherwise.
 */
function packedFloatsFor(m: Module, t: Type, v: Value, memoryAt: (offset: number) => Scalar | null): Type | null {
  if (t.kind !== 'int' || !(v instanceof ConstantInt || v instanceof ConstantZero || v instanceof ConstantUndef || v instanceof ConstantPoison)) return null;
  if (/(^"?|-)E(-|"?$)/.test(m.datalayout ?? '')) return null; // big-endian: lanes in the other order
  for (const [s, bits] of [['float', 32], ['double', 64]] as const) {
    if (t.bits <= bits || t.bits % bits !== 0) continue;
    const lanes = t.bits / bits;
    let all = true;
    for (let l = 0; l < lanes && all; l++) all = memoryAt(l * (bits / 8)) === s;
    if (all) return m.types.vector(lanes, m.types.float(s));
  }
  return null;
}

function isConvertibleConstant(v: Value): boolean {
  return v instanceof ConstantInt || v instanceof ConstantZero || v instanceof ConstantUndef || v instanceof ConstantPoison
    || (v instanceof ConstantAggregate && v.elems.every(isConvertibleConstant));
}

/** The double or float whose bits are the low 64 or 32 of `value`; null for other types and NaN floats. */
function floatFromBits(value: bigint, to: Type & { kind: 'float' }): Constant | null {
  if (to.fk === 'double') {
    const bits = BigInt.asUintN(64, value);
    return new ConstantFP(to, '0x' + bits.toString(16).toUpperCase().padStart(16, '0'));
  }
  if (to.fk === 'float') {
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint32(0, Number(BigInt.asUintN(32, value)));
    const x = dv.getFloat32(0);
    // A NaN's payload may not survive the trip through a JS number: keep it a bitcast.
    return Number.isNaN(x) ? null : new ConstantFP(to, fpConstantText(x, 'float'));
  }
  return null;
}

/** The same bits as a constant of floating type `to`, or null (the caller then inserts a bitcast). */
function convertConstant(v: Value, to: Type): Constant | null {
  if (v instanceof ConstantUndef) return new ConstantUndef(to);
  if (v instanceof ConstantPoison) return new ConstantPoison(to);
  if (v instanceof ConstantZero) return new ConstantZero(to);
  if (v instanceof ConstantAggregate && to.kind === 'vector' && !v.splat) {
    const elems: Constant[] = [];
    for (const e of v.elems) {
      const c = convertConstant(e, to.elem);
      if (!c) return null;
      elems.push(c);
    }
    return new ConstantAggregate(to, elems);
  }
  if (v instanceof ConstantInt && to.kind === 'vector' && to.elem.kind === 'float') {
    // An integer over several floats (little-endian: lane 0 is the low bits).
    const w = to.elem.fk === 'double' ? 64 : 32;
    const elems: Constant[] = [];
    for (let l = 0; l < to.count; l++) {
      const c = floatFromBits(v.value >> BigInt(l * w), to.elem);
      if (!c) return null;
      elems.push(c);
    }
    return new ConstantAggregate(to, elems);
  }
  if (v instanceof ConstantInt && to.kind === 'float') return floatFromBits(v.value, to);
  return null;
}

/** A copy of `f` (not added to the module): same names, positions and attachments, fresh arguments, blocks and instructions. */
export function cloneFunction(f: Function): { fn: Function; map: Map<Value, Value> } {
  const g = Object.assign(Object.create(Object.getPrototypeOf(f) as object) as Function, f);
  const map = new Map<Value, Value>();
  g.args = f.args.map((a) => {
    const c = new Argument(a.type, g, a.index);
    c.name = a.name; c.attrs = a.attrs; c.pos = a.pos; c.end = a.end;
    map.set(a, c);
    return c;
  });
  g.blocks = f.blocks.map((b) => {
    const c = new BasicBlock(b.type, g);
    c.name = b.name; c.pos = b.pos; c.end = b.end;
    map.set(b, c);
    return c;
  });
  const insts: Instruction[] = [];
  f.blocks.forEach((b, k) => {
    const nb = g.blocks[k]!;
    for (const i of b.instructions) {
      // Debug intrinsics refer to the original values through metadata; the AD skips them anyway.
      if (i.op === 'call') {
        const callee = i.callee;
        if (callee.vk === 'function' && callee.name?.startsWith('llvm.dbg.')) continue;
      }
      const c = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as Instruction, i);
      c.operands = [...i.operands];
      c.dbg = null;
      nb.append(c);
      map.set(i, c);
      insts.push(c);
    }
  });
  const mv = (v: Value): Value => map.get(v) ?? v;
  for (const c of insts) {
    c.operands = c.operands.map(mv);
    if (c.op === 'phi') c.blocks = c.blocks.map((b) => mv(b) as BasicBlock);
    if ('successors' in c) (c as { successors: BasicBlock[] }).successors = (c as { successors: BasicBlock[] }).successors.map((b) => mv(b) as BasicBlock);
    if ((c.op === 'call' || c.op === 'invoke' || c.op === 'callbr') && c.bundles) {
      c.bundles = c.bundles.map((bd) => ({ tag: bd.tag, inputs: bd.inputs.map(mv) }));
    }
  }
  return { fn: g, map };
}

class UnionFind<T> {
  private readonly parent = new Map<T, T>();
  add(x: T): void { if (!this.parent.has(x)) this.parent.set(x, x); }
  find(x: T): T {
    let r = x;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    for (let y = x; y !== r;) { const n = this.parent.get(y)!; this.parent.set(y, r); y = n; }
    return r;
  }
  union(a: T, b: T): void { const ra = this.find(a); const rb = this.find(b); if (ra !== rb) this.parent.set(ra, rb); }
}

/**
 * The function the Generator should differentiate in place of `f`: `f` itself
 * when it has no integer carrier of floating data the analysis can prove, else
 * a rewritten private copy.
 */
export function canonicalizeCarriers(m: Module, f0: Function, guard?: CarrierGuard): CanonicalResult {
  const own = (x: Function): Function => (x === f0 ? cloneFunction(x).fn : x);
  const f = splitMixedAccesses(m, pointerPhis(m, widenLaneShuffles(m, explicitByvalCopies(m, devirtualizeCalls(m, definePoisonLanes(m, rewriteKnownAsm(m, f0), own), own), own), own), own), own);
  if (f.isDeclaration || !mayHaveCarriers(f, !!guard)) return { fn: f, retyped: 0 };
  const ta = new TypeAnalysis(m, f, guard?.argTypes ? { args: guard.argTypes } : {});
  const conflicted = new Set(ta.conflicts().map((c) => c.value));
  const masks = new MaskFolder();
  if (guard) guardCallCarriers(m, f, ta, guard);

  // 1. Candidates: moves of an integer type whose value the analysis proves floating; bitcasts of floats to such integers.
  const uses = computeUses(f);
  const floatOf = new Map<Instruction, Type>();
  const sources = new Set<Instruction>();
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (conflicted.has(i)) continue;
      if (MOVES.has(i.op) || isXchg(i)) {
        // Atomic loads and exchanges keep their ordering: LLVM has them for floating types too
        // (C11's atomic_load / atomic_exchange of a double are integer ones in clang's output).
        if (i.op === 'load' && i.volatile) continue;
        const ft = floatTypeFor(m, i.type, ta.valueScalar(i))
          ?? (i.op === 'load' ? reinterpretedLoad(m, ta, i, uses) ?? packedFloatLoad(m, ta, i) : null);
        if (ft) floatOf.set(i, ft);
      } else if (masks.signBit(i)) {
        const ft = floatTypeFor(m, i.type, ta.valueScalar(i));
        if (ft) floatOf.set(i, ft);
      } else if (i.op === 'bitcast') {
        const from = i.operands[0]!.type;
        if (floatTypeFor(m, i.type, floatScalarOf(from)) === from) { floatOf.set(i, from); sources.add(i); }
      }
    }
  }
  // Integer constants stored where the memory holds floats of that size (`store i64 0` into a double).
  const constStores = new Map<Instruction, Type>();
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'store' || i.atomic || !isConvertibleConstant(i.value)) continue;
      const t = i.value.type;
      const lanes = t.kind === 'vector' ? t.count : 1;
      const e = t.kind === 'vector' ? t.elem : t;
      if (e.kind !== 'int' || (t.kind === 'vector' && t.scalable)) continue;
      const kinds = new Set<Scalar | null>();
      for (let l = 0; l < lanes; l++) kinds.add(ta.memoryAt(i.ptr, l * (e.bits / 8)));
      const s = kinds.size === 1 ? [...kinds][0]! : null;
      const ft = floatTypeFor(m, t, s) ?? packedFloatsFor(m, t, i.value, (off) => ta.memoryAt(i.ptr, off));
      if (ft) constStores.set(i, ft);
    }
  }
  if (floatOf.size === 0 && constStores.size === 0) return { fn: f, retyped: 0 };

  // 2. Groups of carriers connected through their data operands; a group is rewritten whole or not at all.
  const uf = new UnionFind<Instruction>();
  for (const c of floatOf.keys()) uf.add(c);
  const bad = new Set<Instruction>();
  for (const [c, ft] of floatOf) {
    if (!sources.has(c)) {
      for (const k of dataOperands(c, masks)) {
        const o = c.operands[k]!;
        if (o.vk === 'inst' && floatOf.has(o as Instruction)) {
          // Operands may have another lane count (shuffles, element moves): the element types must agree.
          const want = elemOf(ft);
          const have = elemOf(floatOf.get(o as Instruction)!);
          if (want === have) uf.union(c, o as Instruction); else bad.add(c);
        } else if (!isConvertibleConstant(o)) {
          bad.add(c);
        }
      }
    }
    for (const u of uses.get(c)) {
      const user = u.user;
      if (u.bundle >= 0) { bad.add(c); continue; }
      if (floatOf.has(user) && !sources.has(user) && dataOperands(user, masks).includes(u.index)) { uf.union(c, user); continue; }
      if (user.op === 'store' && u.index === 0 && !user.volatile) continue;
      if (user.op === 'bitcast' && user.type === ft) continue;
      if (user.op === 'icmp') continue;
      // Integer code that looks at the bits of a retyped scalar (musl's sinh at clang 14 -O2: the
      // `and` that is fabs also gives the high word, `lshr` + `trunc`, to the range tests; its hypot
      // takes the words out of a `<2 x i64>` fabs with extractelement): it gets them back through a
      // bitcast of the floating value, where the bit-arithmetic checks see them. Not loads: an
      // integer load computed on is refused at the load (E0403).
      if (c.op !== 'load' && c.type.kind === 'int' && INSPECT.has(user.op)) continue;
      // A bitcast of a float that also feeds integer code is left as it is for those uses.
      if (sources.has(c)) continue;
      bad.add(c);
    }
  }
  const badRoots = new Set<Instruction>();
  for (const c of bad) badRoots.add(uf.find(c));
  const chosen = [...floatOf.keys()].filter((c) => !badRoots.has(uf.find(c)));
  // Integer results stored where the memory holds floats (`u.u &= mask` through a union): the bits
  // come out of integer arithmetic, which carries no derivative, so the store is a floating store
  // of a constant as far as derivatives go (the shadow is cleared). Only values the analysis calls
  // integer: a value it calls floating is a carrier left alone above, which E0403 still reports.
  const chosenSet = new Set(chosen);
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'store' || i.atomic || constStores.has(i) || isConvertibleConstant(i.value)) continue;
      const v = i.value;
      if (v.vk === 'inst' && chosenSet.has(v as Instruction)) continue;
      const vs = ta.valueScalar(v);
      if (vs !== 'integer') continue;
      const t = v.type;
      const e = elemOf(t);
      if (e.kind !== 'int' || (t.kind === 'vector' && t.scalable)) continue;
      const lanes = t.kind === 'vector' ? t.count : 1;
      const kinds = new Set<Scalar | null>();
      for (let l = 0; l < lanes; l++) kinds.add(ta.memoryAt(i.ptr, l * (e.bits / 8)));
      const ft = floatTypeFor(m, t, kinds.size === 1 ? [...kinds][0]! : null);
      if (ft) constStores.set(i, ft);
    }
  }
  // Worth a copy only when something other than a bitcast of a float is retyped, or such a bitcast is stored.
  const useful = chosen.some((c) => !sources.has(c)
    || uses.get(c).some((u) => u.user.op === 'store' || (u.user.op === 'bitcast' && u.user.type === floatOf.get(c))));
  if (!useful && constStores.size === 0) return { fn: f, retyped: 0 };

  // 3. Rewrite a copy.
  const { fn: g, map } = cloneFunction(f);
  // Sign-bit integer ops become the floating operations they are.
  for (const c of chosen) {
    const op = masks.signBit(c)?.op;
    if (!op) continue;
    const gc = map.get(c) as Instruction;
    const x = gc.operands[dataOperands(gc, masks)[0]!]!;
    let nu: Instruction;
    if (op === 'fneg') {
      nu = new UnaryInst(gc.type, [x]);
    } else {
      const ft = floatOf.get(c)!;
      const et = ft.kind === 'vector' ? ft.elem : ft;
      const lanes = ft.kind === 'vector' ? `v${ft.count}` : '';
      const name = `llvm.fabs.${lanes}${et.kind === 'float' && et.fk === 'double' ? 'f64' : et.kind === 'float' && et.fk === 'float' ? 'f32' : 'f16'}`;
      const fty = m.types.fn(ft, [ft]);
      const callee = m.getFunction(name) ?? declareFunction(m, name, fty);
      const call = new CallInst(gc.type, [x, callee]);
      call.fnType = fty;
      nu = call;
    }
    nu.name = gc.name; nu.pos = gc.pos; nu.end = gc.end; nu.attachments = gc.attachments;
    const b = gc.parent!;
    b.instructions[b.instructions.indexOf(gc)] = nu;
    nu.parent = b;
    gc.parent = null;
    for (const bb of g.blocks) for (const i of bb.instructions) i.operands = i.operands.map((o) => (o === gc ? nu : o));
    map.set(c, nu);
  }
  const guses: UseMap = computeUses(g);
  const gFloat = new Map<Instruction, Type>();
  const gSources = new Set<Instruction>();
  for (const c of chosen) {
    const gc = map.get(c) as Instruction;
    gFloat.set(gc, floatOf.get(c)!);
    if (sources.has(c)) gSources.add(gc);
  }
  const insertBefore = (i: Instruction, before: Instruction): Instruction => {
    before.parent!.insertBefore(i, before);
    return i;
  };
  const bitcast = (v: Value, to: Type, origin: Instruction): CastInst => {
    const c = new CastInst('bitcast', to, v);
    c.origin = origin;
    return c;
  };
  /** The floating value standing for carrier operand `o` of `user` (inserting a bitcast before `at` if needed). */
  const floatValue = (o: Value, to: Type, at: Instruction, origin: Instruction): Value => {
    if (o.vk === 'inst' && gFloat.has(o as Instruction)) {
      const oi = o as Instruction;
      return gSources.has(oi) ? oi.operands[0]! : oi;
    }
    const k = convertConstant(o, to);
    if (k) return k;
    return insertBefore(bitcast(o, to, origin), at);
  };
  const typedPtr = (ptr: Value, to: Type, at: Instruction): Value => {
    const pt = ptr.type;
    if (pt.kind !== 'pointer' || pt.pointee === null) return ptr;
    const want = m.ptrTo(to, pt.addrspace);
    return pt === want ? ptr : insertBefore(bitcast(ptr, want, at), at);
  };

  let retyped = 0;
  const oldType = new Map<Instruction, Type>();
  for (const [c, ft] of gFloat) {
    if (gSources.has(c)) continue;
    oldType.set(c, c.type);
    c.type = ft;
    retyped++;
  }
  for (const [c, ft] of gFloat) {
    if (gSources.has(c)) continue;
    if (c.op === 'load' || c.op === 'atomicrmw') c.operands[0] = typedPtr(c.operands[0]!, ft, c);
    for (const k of dataOperands(c, masks)) {
      const ot = c.operands[k]!.type;
      const want = ot.kind === 'vector' ? m.types.vector(ot.count, elemOf(ft)) : elemOf(ft);
      const at = c.op === 'phi' ? (c as PhiInst).blocks[k]!.terminator! : c;
      c.operands[k] = floatValue(c.operands[k]!, want, at, c);
    }
  }
  // Uses outside the groups.
  for (const [c, ft] of gFloat) {
    const fv = gSources.has(c) ? c.operands[0]! : c;
    let back: Instruction | null = null;
    for (const u of [...guses.get(c)]) {
      const user = u.user;
      if (gFloat.has(user) && !gSources.has(user)) continue; // handled above
      if (user.op === 'store' && u.index === 0) {
        user.operands[0] = fv;
        user.operands[1] = typedPtr(user.operands[1]!, ft, user);
        if (gSources.has(c)) retyped++;
        continue;
      }
      if (user.op === 'bitcast' && user.type === ft) {
        for (const bu of [...guses.get(user)]) setUse(bu, fv);
        user.operands[0] = fv; // dead now; keep it well typed
        user.parent!.instructions.splice(user.parent!.instructions.indexOf(user), 1);
        user.parent = null;
        continue;
      }
      if (gSources.has(c)) continue; // the original bitcast still serves integer users
      // icmp: the integer bits again.
      if (!back) {
        back = bitcast(c, oldType.get(c)!, c);
        const b = c.parent!;
        const first = c.op === 'phi'
          ? b.instructions.find((x) => x.op !== 'phi' && x.op !== 'landingpad')!
          : b.instructions[b.instructions.indexOf(c) + 1]!;
        insertBefore(back, first);
      }
      setUse(u, back);
    }
  }
  // Integer constants and integer results stored into floating memory.
  for (const [st, ft] of constStores) {
    const gs = map.get(st) as Instruction;
    const k = convertConstant(gs.operands[0]!, ft);
    gs.operands[0] = k ?? insertBefore(bitcast(gs.operands[0]!, ft, gs), gs);
    gs.operands[1] = typedPtr(gs.operands[1]!, ft, gs);
    retyped++;
  }
  return { fn: g, retyped };
}

/**
 * Floats that cross a call as integers (`i64 @bits(double)`, `double @unbits(i64)`, helpers clang
 * does not inline at -O0): the transform differentiates floating arguments and results only, so
 * the derivative would be lost without a word. Refused (E0403) when the call is on the active
 * path: its integer result carries floats (per the type analysis) and it takes varied data, or an
 * integer argument carries floats that come from a varied value through a bitcast.
 */
function guardCallCarriers(m: Module, f: Function, ta: TypeAnalysis, guard: CarrierGuard): void {
  const carries = (v: Value): boolean => floatTypeFor(m, v.type, ta.valueScalar(v)) !== null;
  let aa: ActivityAnalysis | null = null;
  const activity = (): ActivityAnalysis => (aa ??= new ActivityAnalysis({ ...guard.activity, fn: f }));
  /** A varied float reaches `v` through bitcasts, phis, selects and freezes. */
  const fromVaried = (v: Value, seen = new Set<Value>()): boolean => {
    if (seen.has(v) || seen.size > 64 || v.vk !== 'inst') return false;
    seen.add(v);
    const i = v as Instruction;
    switch (i.op) {
      case 'bitcast': return activity().varied.has(i.operands[0]!) || fromVaried(i.operands[0]!, seen);
      case 'phi': case 'freeze': return i.operands.some((o) => fromVaried(o, seen));
      case 'select': return fromVaried(i.operands[1]!, seen) || fromVaried(i.operands[2]!, seen);
      default: return false;
    }
  };
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'call' && i.op !== 'invoke') continue;
      const callee = i.callee;
      const name = callee.vk === 'function' && callee.name !== null ? `@${callee.name}` : 'an indirect call';
      if (callee.vk === 'function' && callee.name?.startsWith('llvm.')) continue;
      let what: string | null = null;
      // An integer result that is only looked at (musl's `isnan(x)` at -O0 calls `__DOUBLE_BITS(x)`
      // and compares what it returns) takes no floating data anywhere.
      if (carries(i) && i.args().some((a) => activity().varied.has(a) || activity().shadowed(a)) && !(i.type.kind === 'int' && consumedOnly(i, 0, false, true))) {
        what = `the integer result (${typeText(i.type)}) of ${name} carries floating data`;
      } else {
        const k = i.args().findIndex((a) => a.type.kind !== 'float' && carries(a) && fromVaried(a));
        if (k >= 0) what = `argument ${k + 1} (${typeText(i.arg(k).type)}) of ${name} carries floating data`;
      }
      if (what === null) continue;
      const span = sourceSpan(i);
      fail('E0403', `cannot differentiate @${f.name}: ${what}; floats passed to or returned from a function as integers are not supported yet`,
        guard.file, span.start, span.end, ['keep the value floating across the call, or let the call be inlined (compile with -O1 or more)']);
    }
  }
}
