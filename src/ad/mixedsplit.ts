// Integer accesses of memory that holds a float beside an int, split field by field.
//
// The x86-64 ABI passes `struct { float x; int k; float y; }` by value as `{ i64, float }` (the
// float x and the int k packed into one `i64`). At -O0 clang moves it through memory: the caller
// copies the struct into a slot of the coerced type (`memcpy`) and reads the `i64` back with
// `load i64`; the callee stores its `i64` parameter into such a slot and copies it into the
// struct. An `i64` that carries the bits of a float through memory had no derivative (E0403 at
// the copy). At -O1 and above the same packing is done in registers (`bitcast float to i32`,
// `zext`, `shl`, `or`; `trunc`, `lshr`, `bitcast i32 to float`), which src/analysis/floatbits.ts
// follows. So an integer load or store whose bytes type analysis (src/analysis/types.ts) calls a
// float (or double) and an integer is rewritten into that form: one load or store per field, in
// its own type, and the integer packed or unpacked with zext / shl / or (trunc / lshr):
//
//     %v = load i64, ptr %p             %f = load float, ptr %p
//                                       %k = load i32, ptr (%p + 4)
//                                       %v = or (zext (bitcast %f to i32)), (shl (zext %k), 32)
//
// Bitwise the program is the same (little-endian: byte offset b is bit 8b). Aggregates of such
// integers (`load { i64, float }`) are loaded and stored leaf by leaf. Only accesses of stack slots
// that a memcpy reads or writes, or whose declared type has a floating field, are looked at, and
// only when every 4-byte part of the integer is known (float, double or integer) and at least one
// is floating and one integer: nothing else changes.
//
// Like canonical.ts, the pass never edits the user's function: it returns a private copy. The
// float-bits analysis of a callee that is not differentiated itself (only its summary is needed)
// reads the split copy as well (floatBitsOf), so that caller and callee agree on the fields.
import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import type { Instruction, LoadInst, StoreInst } from '../ir/instructions.js';
import { ConstantInt, ConstantUndef } from '../ir/constants.js';
import { IRBuilder, constInt } from '../ir/builder.js';
import { DataLayout } from '../ir/layout.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { computeUses, setUse } from '../ir/uses.js';
import { TypeAnalysis } from '../analysis/types.js';

/** One part of an integer leaf: a float, a double or an i32 at byte `off` of the leaf. */
interface Chunk { kind: 'float' | 'double' | 'int'; off: number }
/** One leaf of the accessed type: its path (insertvalue / extractvalue indices), byte offset and type; `chunks` when split. */
interface Leaf { path: number[]; off: number; type: Type; chunks: Chunk[] | null }

function leavesOf(dl: DataLayout, t: Type, off = 0, path: number[] = [], out: Leaf[] = [], depth = 0): Leaf[] | null {
  if (depth > 4) return null;
  if (t.kind === 'struct') {
    if (!t.elems || t.packed) return null;
    for (let k = 0; k < t.elems.length; k++) if (!leavesOf(dl, t.elems[k]!, off + dl.fieldOffset(t, k), [...path, k], out, depth + 1)) return null;
    return out;
  }
  if (t.kind === 'array') {
    if (t.count > 8) return null;
    for (let k = 0; k < t.count; k++) if (!leavesOf(dl, t.elem, off + k * dl.allocSize(t.elem), [...path, k], out, depth + 1)) return null;
    return out;
  }
  if (t.kind === 'int' || t.kind === 'float' || t.kind === 'pointer' || (t.kind === 'vector' && !t.scalable)) { out.push({ path, off, type: t, chunks: null }); return out; }
  return null;
}

function hasWideIntLeaf(t: Type, depth = 0): boolean {
  if (depth > 4) return false;
  if (t.kind === 'int') return t.bits >= 64 && t.bits % 32 === 0;
  if (t.kind === 'struct') return (t.elems ?? []).some((e) => hasWideIntLeaf(e, depth + 1));
  if (t.kind === 'array') return t.count <= 8 && hasWideIntLeaf(t.elem, depth + 1);
  return false;
}

function hasFloatLeaf(t: Type, depth = 0): boolean {
  if (depth > 4) return false;
  if (t.kind === 'float') return true;
  if (t.kind === 'struct') return (t.elems ?? []).some((e) => hasFloatLeaf(e, depth + 1));
  if (t.kind === 'array' || t.kind === 'vector') return hasFloatLeaf(t.elem, depth + 1);
  return false;
}

/** The stack slot `p` points into (through GEPs and bitcasts), or null. */
function slotOf(p: Value): Instruction | null {
  let v = p;
  for (let k = 0; k < 8 && v.vk === 'inst'; k++) {
    const i = v as Instruction;
    if (i.op === 'alloca') return i;
    if (i.op !== 'getelementptr' && i.op !== 'bitcast') return null;
    v = i.operands[0]!;
  }
  return null;
}

function accessType(i: Instruction): Type | null {
  if (i.op === 'load') return (i as LoadInst).atomic || (i as LoadInst).volatile ? null : i.type;
  if (i.op === 'store') return (i as StoreInst).atomic || (i as StoreInst).volatile ? null : (i as StoreInst).value.type;
  return null;
}

/** Loads and stores worth a type analysis: wide integer leaves in a slot that a memcpy touches or that is declared with floats. */
function candidates(f: Function): Instruction[] {
  const copied = new Set<Instruction>();
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'call' || !/^llvm\.mem(cpy|move)\./.test(i.callee.name ?? '')) continue;
      for (const o of i.operands.slice(0, 2)) { const s = slotOf(o); if (s) copied.add(s); }
    }
  }
  const out: Instruction[] = [];
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      const t = accessType(i);
      if (!t || !hasWideIntLeaf(t)) continue;
      const s = slotOf(i.op === 'load' ? (i as LoadInst).ptr : (i as StoreInst).ptr);
      if (s && (copied.has(s) || hasFloatLeaf((s as Instruction & { allocated: Type }).allocated))) out.push(i);
    }
  }
  return out;
}

/** The scalar leaf of `t` that covers byte `off` and its start, or null (past the end, an array too long to look at). */
function scalarAt(dl: DataLayout, t: Type, off: number, depth = 0): { t: Type; start: number } | null {
  if (depth > 8 || off < 0 || off >= dl.allocSize(t)) return null;
  if (t.kind === 'struct') {
    if (!t.elems || t.packed || t.name?.startsWith('union.')) return null;
    for (let k = t.elems.length - 1; k >= 0; k--) {
      const o = dl.fieldOffset(t, k);
      if (o > off) continue;
      const r = scalarAt(dl, t.elems[k]!, off - o, depth + 1);
      return r ? { t: r.t, start: r.start + o } : null;
    }
    return null;
  }
  if (t.kind === 'array') {
    const n = dl.allocSize(t.elem);
    if (n <= 0) return null;
    const r = scalarAt(dl, t.elem, off % n, depth + 1);
    return r ? { t: r.t, start: r.start + off - (off % n) } : null;
  }
  if (t.kind === 'int' || t.kind === 'float' || t.kind === 'pointer') return { t, start: 0 };
  return null;
}

/**
 * What the 4-byte chunk at byte `off` of a struct slot's declared layout holds: a float, a
 * double starting there, or integer bytes (integer fields, chars, padding); null for a pointer,
 * a union, a chunk that mixes a float with other bytes.
 */
function declaredChunk(dl: DataLayout, t: Type, off: number): Chunk['kind'] | null {
  let kind: Chunk['kind'] | null = null;
  for (let b = off; b < off + 4; b++) {
    if (b >= dl.allocSize(t)) { kind ??= 'int'; continue; }
    const r = scalarAt(dl, t, b);
    // Padding inside a struct: bytes without meaning, moved as integers.
    const k: Chunk['kind'] | null = !r ? (t.kind === 'struct' && !t.name?.startsWith('union.') ? 'int' : null)
      : r.t.kind === 'int' ? 'int'
        : r.t.kind === 'float' && r.t.fk === 'float' && r.start === off ? 'float'
          : r.t.kind === 'float' && r.t.fk === 'double' && (r.start === off || r.start === off - 4) ? 'double'
            : null;
    if (k === null) return null;
    if (k === 'int' && kind === 'int') continue;
    if (kind !== null && kind !== 'int' && k === kind) continue;
    if (kind !== null) return null;
    kind = k;
  }
  return kind;
}

/**
 * The declared struct types of the slots a memcpy copies `slot` to or from, whole and from the
 * start of both (clang -O0 moves a struct passed or returned by value so between the struct's own
 * slot and one of the ABI's coerced type): what the coerced slot holds, field by field.
 */
function copyPartners(f: Function, dl: DataLayout): Map<Instruction, Type[]> {
  const out = new Map<Instruction, Type[]>();
  const atStart = (v: Value): Instruction | null => {
    let x = v;
    for (let k = 0; k < 4 && x.vk === 'inst'; k++) {
      const i = x as Instruction;
      if (i.op === 'alloca') return i;
      if (i.op !== 'bitcast') return null;
      x = i.operands[0]!;
    }
    return null;
  };
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'call' || !/^llvm\.memcpy\./.test(i.callee.name ?? '')) continue;
      const [d, s, n] = i.args();
      const sd = atStart(d!), ss = atStart(s!);
      if (!sd || !ss || !(n instanceof ConstantInt)) continue;
      for (const [a, o] of [[sd, ss], [ss, sd]] as const) {
        const ot = (o as Instruction & { allocated: Type }).allocated;
        if (ot.kind !== 'struct' || ot.name?.startsWith('union.') || Number(n.value) < dl.allocSize(ot)) continue;
        const l = out.get(a) ?? [];
        l.push(ot);
        out.set(a, l);
      }
    }
  }
  return out;
}

/** The accesses to split, with their leaves; empty when there is none. */
function plan(m: Module, f: Function): Map<Instruction, Leaf[]> {
  const out = new Map<Instruction, Leaf[]>();
  const cands = candidates(f);
  if (!cands.length) return out;
  const dl = DataLayout.of(m);
  const ta = new TypeAnalysis(m, f);
  let partners: Map<Instruction, Type[]> | null = null;
  for (const i of cands) {
    const ptr = i.op === 'load' ? (i as LoadInst).ptr : (i as StoreInst).ptr;
    const leaves = leavesOf(dl, accessType(i)!);
    if (!leaves) continue;
    let any = false;
    for (const l of leaves) {
      if (l.type.kind !== 'int' || l.type.bits < 64 || l.type.bits % 32 !== 0) continue;
      const n = l.type.bits / 8;
      let chunks = chunksFrom(n, (c) => {
        const s = ta.memoryAt(ptr, l.off + c);
        return s === 'float' ? 'float' : s === 'double' ? 'double' : s === 'integer' ? 'int' : null;
      });
      if (!chunks || !chunks.some((c) => c.kind !== 'int')) {
        // The analysis may not tell: a store of a call's packed result makes all its bytes
        // integer. The struct the slot is copied to or from whole says what they are, when
        // every such struct agrees.
        const slot = slotOf(ptr);
        const at = slot ? gepOffset(dl, ptr, slot) : null;
        partners ??= copyPartners(f, dl);
        // Without such a copy, the slot's own declared struct (clang -O0 stores a call's packed
        // `{ float, int }` into the struct's slot directly when it is 8 bytes).
        const own = slot ? (slot as Instruction & { allocated: Type }).allocated : null;
        const ts = !slot || at === null ? [] : partners.get(slot) ?? (own && own.kind === 'struct' && hasFloatLeaf(own) ? [own] : []);
        const alt = ts.map((t) => chunksFrom(n, (c) => declaredChunk(dl, t, at! + l.off + c)));
        if (alt.length && alt.every((a) => a && sameChunks(a, alt[0]!))) chunks = alt[0]!;
      }
      // A float beside an int, or two floats (a double filling the leaf is canonical.ts's carrier).
      if (!chunks || !chunks.some((c) => c.kind !== 'int') || chunks.length < 2) continue;
      l.chunks = chunks;
      any = true;
    }
    if (any) out.set(i, leaves);
  }
  return out;
}

/** An integer leaf of `n` bytes as chunks, from what each 4-byte chunk holds; null when one is unknown. */
function chunksFrom(n: number, kindAt: (c: number) => Chunk['kind'] | null): Chunk[] | null {
  const chunks: Chunk[] = [];
  for (let c = 0; c < n;) {
    const k = kindAt(c);
    if (k === 'float' || k === 'int') { chunks.push({ kind: k, off: c }); c += 4; } else if (k === 'double' && c + 8 <= n) { chunks.push({ kind: 'double', off: c }); c += 8; } else return null;
  }
  return chunks;
}

function sameChunks(a: Chunk[], b: Chunk[]): boolean {
  return a.length === b.length && a.every((c, k) => c.kind === b[k]!.kind && c.off === b[k]!.off);
}

/** The constant byte offset of `p` from `slot` through GEPs with constant indices and bitcasts, or null. */
function gepOffset(dl: DataLayout, p: Value, slot: Instruction): number | null {
  let off = 0;
  let v = p;
  for (let k = 0; k < 8; k++) {
    if (v === slot) return off;
    if (v.vk !== 'inst') return null;
    const i = v as Instruction;
    if (i.op === 'bitcast') { v = i.operands[0]!; continue; }
    if (i.op !== 'getelementptr') return null;
    let t: Type = (i as Instruction & { srcType: Type }).srcType;
    const idx = i.operands.slice(1);
    for (let n = 0; n < idx.length; n++) {
      const c = idx[n];
      if (!(c instanceof ConstantInt)) return null;
      const x = Number(c.value);
      if (n === 0) { off += x * dl.allocSize(t); continue; }
      if (t.kind === 'struct' && t.elems) { off += dl.fieldOffset(t, x); t = t.elems[x]!; } else if (t.kind === 'array') { off += x * dl.allocSize(t.elem); t = t.elem; } else return null;
    }
    v = i.operands[0]!;
  }
  return null;
}

/** `f`, or a copy (made by `clone`) with its float-and-int integer accesses split field by field. */
export function splitMixedAccesses(m: Module, f: Function, clone: (f: Function) => Function): Function {
  if (f.isDeclaration) return f;
  const p0 = plan(m, f);
  if (p0.size === 0) return f;
  const g = clone(f);
  // The same plan on the copy (instructions are new objects; the copy is identical, so is its analysis).
  const p = g === f ? p0 : plan(m, g);
  const uses = computeUses(g);
  const b = new IRBuilder(m);
  const t = m.types;
  const i8p = m.ptrTo(t.i8);
  for (const [i, leaves] of p) {
    const blk = i.parent!;
    const had = new Set(blk.instructions);
    b.before(i);
    b.origin = i;
    const mk = <T extends Instruction>(x: T): T => x;
    const isLoad = i.op === 'load';
    const ptr = isLoad ? (i as LoadInst).ptr : (i as StoreInst).ptr;
    const align0 = (isLoad ? (i as LoadInst).align : (i as StoreInst).align) ?? 1;
    const alignAt = (off: number, size: number): number => Math.min(size, off === 0 ? align0 : Math.min(align0, off & -off));
    const addr = (off: number, ty: Type): Value => {
      if (off === 0) return b.bitcastIfNeeded(ptr, m.ptrTo(ty));
      const q = mk(b.gep(t.i8, b.bitcastIfNeeded(ptr, i8p), [constInt(t.i64, off)], null, true));
      return b.bitcastIfNeeded(q, m.ptrTo(ty));
    };
    const chunkType = (c: Chunk): Type => (c.kind === 'float' ? t.float('float') : c.kind === 'double' ? t.double : t.i32);
    const chunkInt = (c: Chunk): Type => (c.kind === 'double' ? t.i64 : t.i32);
    if (isLoad) {
      const ty = i.type;
      let agg: Value | null = ty.kind === 'struct' || ty.kind === 'array' ? new ConstantUndef(ty) : null;
      let scalar: Value | null = null;
      for (const l of leaves) {
        let v: Value;
        if (l.chunks) {
          let acc: Value | null = null;
          for (const c of l.chunks) {
            const ct = chunkType(c);
            const x = mk(b.load(ct, addr(l.off + c.off, ct), null, alignAt(l.off + c.off, ct === t.double ? 8 : 4)));
            let w: Value = c.kind === 'int' ? x : mk(b.cast('bitcast', x, chunkInt(c)));
            if (w.type !== l.type) w = mk(b.cast('zext', w, l.type));
            if (c.off > 0) w = mk(b.binop('shl', w, constInt(l.type, 8 * c.off)));
            acc = acc ? mk(b.binop('or', acc, w)) : w;
          }
          v = acc!;
        } else {
          v = mk(b.load(l.type, addr(l.off, l.type), null, alignAt(l.off, DataLayout.of(m).align(l.type))));
        }
        if (agg) agg = mk(b.insertValue(agg, v, l.path)); else scalar = v;
      }
      const r = (agg ?? scalar)!;
      r.name = i.name;
      for (const u of [...uses.get(i)]) setUse(u, r);
    } else {
      const val = (i as StoreInst).value;
      const whole = val.type.kind === 'struct' || val.type.kind === 'array';
      for (const l of leaves) {
        const v: Value = whole ? mk(b.extractValue(val, l.path)) : val;
        if (l.chunks) {
          for (const c of l.chunks) {
            const ct = chunkType(c);
            let w: Value = v;
            if (c.off > 0) w = mk(b.binop('lshr', w, constInt(l.type, 8 * c.off)));
            const it = chunkInt(c);
            if (w.type !== it) w = mk(b.cast('trunc', w, it));
            if (c.kind !== 'int') w = mk(b.cast('bitcast', w, ct));
            mk(b.store(w, addr(l.off + c.off, ct), alignAt(l.off + c.off, ct === t.double ? 8 : 4)));
          }
        } else {
          mk(b.store(v, addr(l.off, l.type), alignAt(l.off, DataLayout.of(m).align(l.type))));
        }
      }
    }
    for (const x of blk.instructions) if (!had.has(x)) { x.pos = i.pos; x.end = i.end; x.origin ??= i; }
    blk.instructions.splice(blk.instructions.indexOf(i), 1);
    i.parent = null;
  }
  return g;
}

/** Whether `f` has accesses this pass may split (a cheap look, no analysis). */
export function mayHaveMixedAccesses(f: Function): boolean {
  return !f.isDeclaration && candidates(f).length > 0;
}
