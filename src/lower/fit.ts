// Conversions at the boundary between a user's `__enzyme_*` call and the
// derivative it is replaced by: arguments as the caller passed them (C's
// variadic promotions, pointer casts) to the parameter types of the
// derivative, and the derivative's result struct to the call's declared
// return type. Every conversion is lossless or refused: `null` means "cannot",
// and the caller turns it into a diagnostic at the call.

import type { IRBuilder } from '../ir/builder.js';
import { constFP, constInt, undefValue } from '../ir/builder.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { ConstantAggregate, ConstantFP, ConstantInt } from '../ir/constants.js';
import type { Instruction } from '../ir/instructions.js';
import { FLOAT_BITS } from '../ir/types.js';
import { printType } from '../print/printer.js';

/** The numeric value of a floating constant's spelling, when it is an ordinary double. */
export function fpConstValue(c: ConstantFP): number | null {
  const t = c.text;
  if (/^0x[0-9a-fA-F]{16}$/.test(t)) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setBigUint64(0, BigInt(t));
    return buf.getFloat64(0);
  }
  if (/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|inf|nan)$/.test(t)) return Number(t);
  return null;
}

function floatBits(t: Type): number { return t.kind === 'float' ? FLOAT_BITS[t.fk] : 0; }

/**
 * `v` converted to `to` without losing information, or null. Accepted:
 * same type; pointer to pointer (typed pointers: a bitcast); a floating value
 * to a narrower floating parameter when it was widened from that type (C's
 * promotion of `float` through `...`) or is a constant the narrower type holds
 * exactly; a narrower integer to a wider one (sign-extended, as C converts
 * `int` to `long`); a wider integer to a narrower one when it was extended from
 * that type or is a constant that fits.
 */
export function castArg(b: IRBuilder, v: Value, to: Type): Value | null {
  const from = v.type;
  if (from === to) return v;
  if (from.kind === 'pointer' && to.kind === 'pointer') {
    if (from.addrspace !== to.addrspace) return b.cast('addrspacecast', v, to);
    return b.bitcastIfNeeded(v, to);
  }
  if (from.kind === 'float' && to.kind === 'float') {
    const fb = floatBits(from);
    const tb = floatBits(to);
    if (tb > fb) return b.cast('fpext', v, to);
    if (v.vk === 'inst' && (v as Instruction).op === 'fpext' && (v as Instruction).operands[0]!.type === to) return (v as Instruction).operands[0]!;
    if (v instanceof ConstantFP && from.fk === 'double' && to.fk === 'float') {
      const x = fpConstValue(v);
      if (x !== null && (Number.isNaN(x) || Math.fround(x) === x)) return constFP(to, x);
    }
    return null;
  }
  if (from.kind === 'int' && to.kind === 'int') {
    if (to.bits > from.bits) return b.cast('sext', v, to);
    if (v.vk === 'inst') {
      const i = v as Instruction;
      if ((i.op === 'sext' || i.op === 'zext') && i.operands[0]!.type === to) return i.operands[0]!;
    }
    if (v instanceof ConstantInt) {
      const lim = 1n << BigInt(to.bits);
      const x = v.value;
      if (x >= -(lim >> 1n) && x < lim) return constInt(to, BigInt.asIntN(to.bits, x));
    }
    return null;
  }
  return null;
}

interface Leaf { type: Type; path: number[] }

/** The scalar leaves of an aggregate (struct, array, vector), in memory order. */
function leaves(t: Type, path: number[] = [], out: Leaf[] = []): Leaf[] {
  if (t.kind === 'struct' && t.elems) t.elems.forEach((e, i) => leaves(e, [...path, i], out));
  else if (t.kind === 'array' || (t.kind === 'vector' && !t.scalable)) {
    for (let i = 0; i < t.count; i++) leaves(t.elem, [...path, i], out);
  } else out.push({ type: t, path });
  return out;
}

function sameLeaves(a: Leaf[], b: Leaf[]): boolean {
  return a.length === b.length && a.every((l, i) => l.type === b[i]!.type);
}

/** Reads the leaf at `path` of `v` (of type `t`). */
function readLeaf(b: IRBuilder, v: Value, t: Type, path: number[]): Value {
  let cur = v;
  let ct = t;
  let pending: number[] = [];
  for (const k of path) {
    if (ct.kind === 'vector') {
      if (pending.length) { cur = b.extractValue(cur, pending); pending = []; }
      cur = b.extractElement(cur, constInt(b.types.i32, k));
      ct = ct.elem;
    } else {
      pending.push(k);
      ct = ct.kind === 'struct' ? ct.elems![k]! : (ct as { elem: Type }).elem;
    }
  }
  return pending.length ? b.extractValue(cur, pending) : cur;
}

/** Builds a value of type `t` whose leaves are `vals`. */
function build(b: IRBuilder, t: Type, vals: Value[], at = { i: 0 }): Value {
  if (t.kind === 'struct' && t.elems) {
    let agg: Value = undefValue(t);
    t.elems.forEach((e, k) => { agg = b.insertValue(agg, build(b, e, vals, at), [k]); });
    return agg;
  }
  if (t.kind === 'array') {
    let agg: Value = undefValue(t);
    for (let k = 0; k < t.count; k++) agg = b.insertValue(agg, build(b, t.elem, vals, at), [k]);
    return agg;
  }
  if (t.kind === 'vector' && !t.scalable) {
    let vec: Value = undefValue(t);
    for (let k = 0; k < t.count; k++) vec = b.insertElement(vec, build(b, t.elem, vals, at), constInt(b.types.i32, k));
    return vec;
  }
  return vals[at.i++]!;
}

/** What `fitResult` needs of the module to reinterpret a struct as an ABI-coerced type. */
export interface FitMemory {
  size(t: Type): number;
  /** A stack slot of type `t` at the start of the caller. */
  slot(t: Type): Value;
}

function scalarLeaves(ls: Leaf[]): boolean {
  return ls.every((l) => l.type.kind === 'float' || l.type.kind === 'int' || l.type.kind === 'pointer');
}

/**
 * The derivative's result `v` fitted to the declared type `to` (contract
 * section 7): the same leaves in the same order are copied field by field;
 * a struct of several leaves returned as a type at least as large made of
 * other scalars is the C ABI's coercion of a small struct returned in
 * registers (`{ float, float }` as `double` (rustc) or `<2 x float>`,
 * `{ float, float, float }` as `{ double, float }`): its bytes are copied
 * through memory; otherwise element 0 is used when it fits (a floating
 * element 0 may widen). Null when neither works.
 */
export function fitResult(b: IRBuilder, v: Value, to: Type, mem?: FitMemory): Value | null {
  const from = v.type;
  if (from === to) return v;
  const fl = leaves(from);
  const tl = leaves(to);
  if (sameLeaves(fl, tl)) return build(b, to, fl.map((l) => readLeaf(b, v, from, l.path)));
  if (mem && fl.length > 1 && scalarLeaves(fl) && scalarLeaves(tl) && mem.size(to) >= mem.size(from)) {
    const slot = mem.slot(to);
    b.store(v, b.bitcastIfNeeded(slot, b.module.ptrTo(from)));
    return b.load(to, slot);
  }
  if (from.kind === 'struct' && from.elems && from.elems.length > 0) {
    const e0 = from.elems[0]!;
    if (e0 === to || sameLeaves(leaves(e0), tl)) return fitResult(b, b.extractValue(v, [0]), to);
    if (e0.kind === 'float' && to.kind === 'float' && floatBits(to) > floatBits(e0)) return b.cast('fpext', b.extractValue(v, [0]), to);
  }
  return null;
}

/** A value of `t` with every floating leaf 1.0 (the seed of an active return). */
export function ones(t: Type): Value {
  switch (t.kind) {
    case 'float': return constFP(t, 1);
    case 'vector': return new ConstantAggregate(t, Array.from({ length: t.count }, () => ones(t.elem)));
    case 'array': return new ConstantAggregate(t, Array.from({ length: t.count }, () => ones(t.elem)));
    case 'struct': return new ConstantAggregate(t, (t.elems ?? []).map((e) => ones(e)));
    default: return undefValue(t);
  }
}

export function showType(t: Type): string { return printType(t); }
