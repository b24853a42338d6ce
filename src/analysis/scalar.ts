// What scalar an address holds, from what the IR states about it locally:
// the type a GEP indexes to, an alloca's type, a typed pointee, or the TBAA
// tag of the access. Used to tell integer data from floats moved with
// integer-typed loads and stores (`load i64` of a double), which the
// transform cannot differentiate yet and must not silently ignore.
import type { Module } from '../ir/module.js';
import type { Instruction } from '../ir/instructions.js';
import type { Function } from '../ir/function.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { TBAA, type TBAAFact } from './tbaa.js';
import { DataLayout } from '../ir/layout.js';
import { ConstantInt } from '../ir/constants.js';

export type ScalarKind = 'float' | 'int' | 'pointer' | null;

function leafKind(t: Type | null): ScalarKind {
  for (let x: Type | null = t, d = 0; x && d < 16; d++) {
    switch (x.kind) {
      case 'float': return 'float';
      case 'int': return x.bits === 8 ? null : 'int'; // i8 is the byte type of opaque offsets
      case 'pointer': return 'pointer';
      case 'array': case 'vector': x = x.elem; continue;
      case 'struct': x = x.elems && x.elems.length ? x.elems[0]! : null; continue;
      default: return null;
    }
  }
  return null;
}

/** The type a GEP's address points at: its source type indexed by all but the first index. */
function gepTarget(i: Instruction & { op: 'getelementptr' }): Type | null {
  let t: Type | null = i.srcType;
  for (let k = 2; k < i.operands.length && t; k++) {
    const idx = i.operands[k]!;
    if (t.kind === 'struct') t = idx instanceof ConstantInt && t.elems ? t.elems[Number(idx.value)] ?? null : null;
    else if (t.kind === 'array' || t.kind === 'vector') t = t.elem;
    else t = null;
  }
  return t;
}

/** The scalar kind declared for the memory at `p` (first field for aggregates), or null when the IR does not say. */
export function declaredKind(p: Value): ScalarKind {
  // A typed pointer cast from another says what the cast-from memory holds (`bitcast double* to i64*`).
  if (p.vk === 'inst' && ((p as Instruction).op === 'bitcast' || (p as Instruction).op === 'addrspacecast')) {
    const k = declaredKind((p as Instruction).operands[0]!);
    if (k) return k;
  }
  const t = p.type;
  if (t.kind === 'pointer' && t.pointee) {
    const k = leafKind(t.pointee);
    if (k) return k;
  }
  if (p.vk !== 'inst') return null;
  const i = p as Instruction;
  switch (i.op) {
    case 'getelementptr': return leafKind(gepTarget(i));
    case 'alloca': return leafKind(i.allocated);
    default: return null;
  }
}

/**
 * The kind an alloca's declared layout gives at a constant byte offset from it (`getelementptr
 * i8, ptr %obj, i64 24` into a `%"class.Eigen::CwiseNullaryOp"` slot, as clang 19 writes field
 * addresses): the scalar field starting exactly there, or null (padding, `i8` arrays, unions,
 * the middle of a field).
 */
export function laidOutKind(m: Module, p: Value): ScalarKind {
  const dl = DataLayout.of(m);
  const at = baseOffset(dl, p);
  if (!at || at.base.vk !== 'inst' || (at.base as Instruction).op !== 'alloca') return null;
  return leafAt(dl, (at.base as Instruction & { op: 'alloca' }).allocated, at.off);
}

/** The kind of the scalar of `t` that starts at byte `off`, or null. */
function leafAt(dl: DataLayout, t: Type, off: number): ScalarKind {
  for (let x: Type = t, o = off, d = 0; d < 16; d++) {
    switch (x.kind) {
      case 'float': case 'pointer': case 'int': return o === 0 ? leafKind(x) : null;
      case 'array': case 'vector': {
        const n = dl.allocSize(x.elem);
        if (n <= 0) return null;
        o %= n;
        x = x.elem;
        continue;
      }
      case 'struct': {
        // A union's fields overlap: its declared type is only one of them.
        if (!x.elems || x.name?.startsWith('union.')) return null;
        let k = x.elems.length - 1;
        while (k > 0 && dl.fieldOffset(x, k) > o) k--;
        if (k < 0 || o >= dl.fieldOffset(x, k) + dl.allocSize(x.elems[k]!)) return null;
        o -= dl.fieldOffset(x, k);
        x = x.elems[k]!;
        continue;
      }
      default: return null;
    }
  }
  return null;
}

const tbaaOf = new WeakMap<Module, TBAA>();

function kindOf(s: TBAAFact['scalar'] | null): ScalarKind {
  if (s === null || s === 'anything') return null;
  return s === 'integer' ? 'int' : s === 'pointer' ? 'pointer' : 'float';
}

/**
 * The scalar kind of an access's TBAA tag (`!tbaa`), or null without one (or for `omnipotent
 * char`). An access without a tag (LICM and GVN drop them) gets the kind a struct-path tag of
 * another access to the same object says is at its offset: `load i32, ptr %b` next to `load
 * i32, ptr (%b + 4), !tbaa !{!Mat, !int, i64 4}` reads field 0 of a `Mat`.
 */
export function tbaaKind(m: Module, i: Instruction): ScalarKind {
  let t = tbaaOf.get(m);
  if (!t) { t = new TBAA(m); tbaaOf.set(m, t); }
  const own = t.instFact(i);
  if (own) return kindOf(own.scalar);
  if (i.op !== 'load' && i.op !== 'store') return null;
  return siblingKind(m, t, i);
}

/**
 * The scalar a copy's own `!tbaa` tag names (clang 19 tags a memcpy of `double` arrays, as in
 * std::copy, with the `double` access type: every access the copy makes is one), or null.
 */
export function copyTagScalar(m: Module, copy: Instruction): TBAAFact['scalar'] | null {
  let t = tbaaOf.get(m);
  if (!t) { t = new TBAA(m); tbaaOf.set(m, t); }
  return t.instFact(copy)?.scalar ?? null;
}

/** A constant byte offset from a base pointer (through casts and all-constant GEPs), or null. */
export function baseOffset(dl: DataLayout, p: Value): { base: Value; off: number } | null {
  let off = 0;
  let cur = p;
  for (let k = 0; k < 16; k++) {
    if (cur.vk !== 'inst') return { base: cur, off };
    const i = cur as Instruction;
    if (i.op === 'bitcast' || i.op === 'addrspacecast') { cur = i.operands[0]!; continue; }
    // A GEP with a variable index is a base of its own (an element of an array of objects).
    if (i.op !== 'getelementptr' || !i.operands.slice(1).every((c) => c instanceof ConstantInt)) return { base: cur, off };
    let t: Type | null = i.srcType;
    for (let n = 1; n < i.operands.length; n++) {
      const c = i.operands[n]!;
      if (!(c instanceof ConstantInt) || !t) return null;
      const v = Number(c.value);
      if (n === 1) { off += v * dl.allocSize(i.srcType); continue; }
      if (t.kind === 'struct' && t.elems) { off += dl.fieldOffset(t, v); t = t.elems[v] ?? null; } else if (t.kind === 'array' || t.kind === 'vector') { off += v * dl.allocSize(t.elem); t = t.elem; } else return null;
    }
    cur = i.operands[0]!;
  }
  return null;
}

function siblingKind(m: Module, t: TBAA, i: Instruction & { op: 'load' | 'store' }): ScalarKind {
  const fn = i.parent?.parent;
  if (!fn) return null;
  const dl = DataLayout.of(m);
  const me = baseOffset(dl, i.operands[i.op === 'load' ? 0 : 1]!);
  if (!me) return null;
  let found: ScalarKind = null;
  for (const b of fn.blocks) {
    for (const j of b.instructions) {
      if ((j.op !== 'load' && j.op !== 'store') || j === i) continue;
      const a = j.attachments?.find((x) => x.kind === 'tbaa');
      const tb = a ? t.tagBase(a.md) : null;
      if (!tb) continue;
      const other = baseOffset(dl, j.operands[j.op === 'load' ? 0 : 1]!);
      if (!other || other.base !== me.base) continue;
      // The tagged object starts `tb.offset` bytes before the other access.
      const rel = me.off - (other.off - tb.offset);
      if (rel < 0) continue;
      const k = kindOf(t.memberFact(tb.base, rel)?.scalar ?? null);
      if (k === null) continue;
      if (found !== null && found !== k) return null; // tags disagree: tell nothing
      found = k;
    }
  }
  return found;
}

/** Where a function keeps counters: base pointer to the byte offsets (see `counterKind`). */
export type Counters = Map<Value, Set<number>>;

/**
 * The counters of `fn`: addresses (a base and a constant offset) where the integer loaded from
 * that address plus or minus a small constant is stored back (`count += 1`: rustc's -O0
 * `Enumerate::next`, `Range::next`; C's `s->n++`). No one steps the bits of a float by one.
 */
export function findCounters(m: Module, fn: Function): Counters {
  const dl = DataLayout.of(m);
  const counters: Counters = new Map();
  for (const b of fn.blocks) {
    for (const s of b.instructions) {
      if (s.op !== 'store' || s.volatile || s.value.vk !== 'inst') continue;
      const step = s.value as Instruction;
      if ((step.op !== 'add' && step.op !== 'sub') || step.type.kind !== 'int' || step.type.bits < 16) continue;
      const [x, c] = step.operands as [Value, Value];
      if (!(c instanceof ConstantInt) || c.value > 1n << 20n || c.value < -(1n << 20n)) continue;
      if (x.vk !== 'inst' || (x as Instruction).op !== 'load') continue;
      const from = baseOffset(dl, (x as Instruction).operands[0]!);
      const to = baseOffset(dl, s.ptr);
      if (!from || !to || from.base !== to.base || from.off !== to.off) continue;
      let offs = counters.get(to.base);
      if (!offs) { offs = new Set(); counters.set(to.base, offs); }
      offs.add(to.off);
    }
  }
  return counters;
}

/** 'int' when the memory at `p` is one of the `counters` of its function, else null. */
export function counterKind(m: Module, counters: Counters, p: Value): ScalarKind {
  if (counters.size === 0) return null;
  const at = baseOffset(DataLayout.of(m), p);
  return at && counters.get(at.base)?.has(at.off) ? 'int' : null;
}
