// The memory a checkpointed loop works on (docs/ad.md, "Loop checkpointing").
//
// A loop whose state is partly in memory (an array updated in place at each
// time step, scratch arrays) can be checkpointed when the bytes it writes, and
// the bytes it reads that something in the function may overwrite, lie in
// ranges computable at the loop's entry: a pointer defined before the loop,
// plus offsets that are affine in the induction variables of the counted
// loops inside it (exact trip counts, src/tape/trip.ts), whose bounds are
// themselves values from before the loop. Each range is a hull
// [lo, hi] of byte offsets from its base, as an expression over values
// defined before the loop (min, max, +, -, x constant); the checkpoint code
// evaluates it at the loop's entry and copies those bytes at the start of
// every segment.
//
// Anything else (an index depending on the loop's own iteration, a load from
// memory the loop reaches through a pointer it loads, a call that is not a
// math function, a stored pointer...) is refused with its reason: the loop
// keeps its whole tape.

import type { BasicBlock } from '../ir/function.js';
import type { Instruction, PhiInst } from '../ir/instructions.js';
import type { Loop } from '../ir/loops.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { ConstantInt } from '../ir/constants.js';
import { F } from '../ir/flags.js';
import type { FunctionFacts } from '../ad/facts.js';
import { underlyingObjects } from '../analysis/memory.js';
import { definedOutside, trailingZeros, type TripPattern } from './trip.js';

/** An i64 expression over values defined before the loop. */
export type Expr =
  | { k: 'c'; c: bigint }
  | { k: 'val'; v: Value; ext: 's' | 'z' }
  | { k: 'add' | 'sub' | 'min' | 'max'; a: Expr; b: Expr }
  | { k: 'mul' | 'div'; a: Expr; c: bigint };

interface Interval { lo: Expr; hi: Expr }

/**
 * Bytes [base + lo, base + hi] (hi inclusive) that the loop writes or reads. A bound that went
 * through the hull of a merge (a phi or select: the remainder loop of a vectorized loop starts
 * where the vector loop stopped, or at 1) may count values that never occur together; such a
 * lower bound is clipped to the start of the base (and both bounds to a malloc'd block's size),
 * and the accesses it came from check their address against the range when they run (a trap,
 * never a write past the checkpoint).
 */
export interface MemRange {
  base: Value; writes: boolean; at: Instruction;
  /** The accesses' bounds: the range is the hull of those that are not empty (a loop that does not run gives an empty one). */
  parts: Part[];
  /** The size of the block when the base is a malloc/calloc of the function (its arguments, multiplied), or null. */
  size: Value[] | null;
  /** Accesses whose bounds went through a merge: checked at run time. */
  checks: { at: Instruction; ptr: Value; size: number }[];
}

/**
 * One access's bounds, and the branch conditions (values from before the loop) that lead to it:
 * an access behind `if (n > 2)` or a remainder loop for odd n only counts when they hold.
 */
export interface Part { lo: Expr; hi: Expr; conds: { v: Value; want: boolean }[] }

export interface MemoryState {
  /** One range per base pointer (the hull of its accesses). */
  ranges: MemRange[];
  /** Calls to free of memory the loop works on, after it: deferred to the end of the reverse sweep (re-runs write that memory). */
  deferFrees: Instruction[];
}

const C = (c: bigint): Expr => ({ k: 'c', c });
const add = (a: Expr, b: Expr): Expr => (a.k === 'c' && a.c === 0n ? b : b.k === 'c' && b.c === 0n ? a : a.k === 'c' && b.k === 'c' ? C(a.c + b.c) : { k: 'add', a, b });
const sub = (a: Expr, b: Expr): Expr => (b.k === 'c' && b.c === 0n ? a : a.k === 'c' && b.k === 'c' ? C(a.c - b.c) : { k: 'sub', a, b });
const mul = (a: Expr, c: bigint): Expr => (c === 1n ? a : a.k === 'c' ? C(a.c * c) : { k: 'mul', a, c });
const min = (a: Expr, b: Expr): Expr => (a === b ? a : a.k === 'c' && b.k === 'c' ? C(a.c < b.c ? a.c : b.c) : { k: 'min', a, b });
const max = (a: Expr, b: Expr): Expr => (a === b ? a : a.k === 'c' && b.k === 'c' ? C(a.c > b.c ? a.c : b.c) : { k: 'max', a, b });
const hull = (x: Interval, y: Interval): Interval => ({ lo: min(x.lo, y.lo), hi: max(x.hi, y.hi) });

/** Structural equality of two expressions. */
function sameExpr(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'c': return a.c === (b as typeof a).c;
    case 'val': return a.v === (b as typeof a).v && a.ext === (b as typeof a).ext;
    case 'mul': case 'div': return a.c === (b as typeof a).c && sameExpr(a.a, (b as typeof a).a);
    default: return sameExpr(a.a, (b as typeof a).a) && sameExpr(a.b, (b as typeof a).b);
  }
}

/** Whether an expression went through a merge (min or max). */
export function merged(e: Expr): boolean {
  switch (e.k) {
    case 'c': case 'val': return false;
    case 'min': case 'max': return true;
    case 'mul': case 'div': return merged(e.a);
    default: return merged(e.a) || merged(e.b);
  }
}

function signedOf(c: ConstantInt): bigint {
  const bits = (c.type as { bits?: number }).bits ?? 64;
  return BigInt.asIntN(bits, c.value);
}

/**
 * The memory state of `loop` (an outermost loop), or why it cannot be bounded.
 * `tripOf` gives the counted-loop shape of a loop (exact trip counts only are used).
 */
export function memoryState(f: FunctionFacts, loop: Loop, tripOf: (l: Loop) => TripPattern | null): MemoryState | string {
  const dl = f.ctx.dl;
  const outside = (v: Value): boolean => definedOutside(v, loop);
  const visiting = new Set<Value>();

  /** The values an integer takes in the loop (as a sign-extended i64), or null. */
  const intv = (v: Value, use: BasicBlock): Interval | null => {
    if (v instanceof ConstantInt) { const c = C(signedOf(v)); return { lo: c, hi: c }; }
    const bits = (v.type as { bits?: number }).bits;
    if (v.type.kind !== 'int' || bits === undefined || bits > 64) return null;
    if (outside(v)) {
      // `zext nneg` is poison for a negative value (a guard skips the loops that would use it): its operand, sign-extended, gives the empty range instead.
      const vi = v.vk === 'inst' ? v as Instruction : null;
      if (vi && (vi.op === 'sext' || (vi.op === 'zext' && vi.flags & F.NNEG))) return intv(vi.operands[0]!, use);
      const e: Expr = { k: 'val', v, ext: 's' };
      return { lo: e, hi: e };
    }
    if (v.vk !== 'inst' || visiting.has(v)) return null;
    const i = v as Instruction;
    visiting.add(v);
    try {
      const op = (k: number): Interval | null => intv(i.operands[k]!, use);
      const wraps = bits < 64 && !(i.flags & F.NSW);
      switch (i.op) {
        case 'add': case 'sub': {
          if (wraps) return null;
          const a = op(0); const b = op(1);
          if (!a || !b) return null;
          return i.op === 'add' ? { lo: add(a.lo, b.lo), hi: add(a.hi, b.hi) } : { lo: sub(a.lo, b.hi), hi: sub(a.hi, b.lo) };
        }
        case 'or': {
          // `or` of bits the other operand cannot have (`or disjoint`, or LLVM 14's `or i, 1` on an even i).
          const c1 = i.operands[1];
          const disjoint = !!(i.flags & F.DISJOINT) || (c1 instanceof ConstantInt && c1.value >= 0n && tz(i.operands[0]!) >= c1.value.toString(2).length);
          if (!disjoint) return null;
          const a = op(0); const b = op(1);
          return a && b ? { lo: add(a.lo, b.lo), hi: add(a.hi, b.hi) } : null;
        }
        case 'mul': case 'shl': {
          if (wraps) return null;
          const [x, c] = i.operands[1] instanceof ConstantInt ? [0, i.operands[1]] : i.op === 'mul' && i.operands[0] instanceof ConstantInt ? [1, i.operands[0]] : [-1, null];
          if (!c || x < 0) return null;
          const a = op(x);
          if (!a) return null;
          const k = i.op === 'shl' ? 1n << signedOf(c) : signedOf(c);
          return k >= 0n ? { lo: mul(a.lo, k), hi: mul(a.hi, k) } : { lo: mul(a.hi, k), hi: mul(a.lo, k) };
        }
        case 'sext': return op(0);
        case 'zext': {
          if (i.flags & F.NNEG) return op(0);
          const o = i.operands[0]!;
          if (!outside(o)) return null;
          const e: Expr = { k: 'val', v: o, ext: 'z' };
          return { lo: e, hi: e };
        }
        case 'select': {
          const a = op(1); const b = op(2);
          return a && b ? hull(a, b) : null;
        }
        case 'phi': return phiInterval(i as PhiInst, use);
        default: return null;
      }
    } finally {
      visiting.delete(v);
    }
  };

  /** A lower bound of the trailing zero bits of an integer, through phis (induction variables with power-of-two steps, merges). */
  const tz = (v: Value, depth = 0, seen = new Set<Value>()): number => {
    if (v.vk !== 'inst' || depth > 12) return trailingZeros(v);
    const i = v as Instruction;
    const bits = (v.type as { bits?: number }).bits ?? 0;
    if (seen.has(v)) return bits; // a cycle: the other incoming values decide
    seen.add(v);
    const r = (k: number): number => tz(i.operands[k]!, depth + 1, seen);
    switch (i.op) {
      case 'phi': return Math.min(bits, ...i.operands.map((o) => tz(o, depth + 1, seen)));
      case 'add': case 'sub': case 'or': case 'xor': return Math.min(r(0), r(1));
      case 'and': return Math.max(r(0), r(1));
      case 'mul': return Math.min(bits, r(0) + r(1));
      case 'shl': { const c = i.operands[1]; return c instanceof ConstantInt ? Math.min(bits, r(0) + Number(c.value)) : r(0); }
      case 'zext': case 'sext': return r(0);
      default: return trailingZeros(v);
    }
  };

  const phiInterval = (phi: PhiInst, use: BasicBlock): Interval | null => {
    const blk = phi.parent!;
    const l = f.li.loopFor(blk);
    if (l && l.header === blk) {
      if (l === loop) return null; // the loop's own iteration: its extent is not fixed at its entry
      const tp = tripOf(l);
      if (!tp || !tp.exact || !tp.single || tp.step <= 0n) return null;
      if (tp.phi !== phi) {
        // Another induction variable of the same loop (clang's unrolled loops count iterations in a second phi):
        // as many values as the compared one, when that one starts at a single value.
        const sl = f.simpleLoop(blk);
        if (!sl) return null;
        const next = phi.operands[phi.blocks.indexOf(sl.latch)];
        const init2 = phi.operands[phi.blocks.indexOf(sl.outside)];
        if (!next || !init2 || next.vk !== 'inst') return null;
        const n = next as Instruction;
        const st = n.op === 'add' && n.operands[0] === phi ? n.operands[1] : n.op === 'add' && n.operands[1] === phi ? n.operands[0] : null;
        if (!(st instanceof ConstantInt) || signedOf(st) <= 0n || (phi.type as { bits?: number }).bits! < 64 && !(n.flags & F.NSW)) return null;
        const main = phiInterval(tp.phi, use);
        const i2 = intv(init2, use);
        const i1 = intv(tp.init, use);
        if (!main || !i2 || !i1 || i1.lo !== i1.hi) return null;
        const steps: Expr = { k: 'div', a: sub(main.hi, main.lo), c: tp.step };
        return { lo: i2.lo, hi: add(i2.hi, mul(steps, signedOf(st))) };
      }
      const init = intv(tp.init, use);
      const bound = intv(tp.bound, use);
      if (!init || !bound) return null;
      let hi: Expr;
      if (tp.onNext) {
        // The compare is on i + step: every header execution runs with i < bound (or i != bound - step).
        if (tp.stay === 'ne') hi = sub(bound.hi, C(tp.step));
        else if (tp.stay === 'slt' && tp.step === 1n) hi = max(init.hi, sub(bound.hi, C(1n)));
        else return null;
      } else {
        // The compare is on i in the header: the last header execution (i = bound) runs the header only.
        if (tp.exiting !== l.header || !l.contains(use) || use === l.header) return null;
        if (tp.stay === 'ne') hi = sub(bound.hi, C(tp.step));
        else if (tp.stay === 'slt' && tp.step === 1n) hi = sub(bound.hi, C(1n));
        else return null;
      }
      return { lo: init.lo, hi };
    }
    let r: Interval | null = null;
    for (const o of phi.operands) {
      const x = intv(o, use);
      if (!x) return null;
      r = r ? hull(r, x) : x;
    }
    return r;
  };

  /** base + [lo, hi] byte offsets of a pointer, or null. */
  const addr = (p: Value, use: BasicBlock): { base: Value; iv: Interval } | null => {
    if (p.vk === 'inst') {
      const i = p as Instruction;
      const allConst = i.op === 'getelementptr' && i.operands.slice(1).every((x) => x instanceof ConstantInt);
      if (outside(p) && !allConst) return { base: p, iv: { lo: C(0n), hi: C(0n) } };
      if (i.op === 'bitcast' || i.op === 'addrspacecast') return addr(i.operands[0]!, use);
      if (i.op !== 'getelementptr') return null;
      const src = (i as unknown as { srcType: Type }).srcType;
      const b0 = addr(i.operands[0]!, use);
      if (!b0) return null;
      let lo = b0.iv.lo; let hi = b0.iv.hi;
      let t: Type | null = src;
      const idx = i.operands.slice(1);
      for (let k = 0; k < idx.length; k++) {
        const x = idx[k]!;
        let size: number;
        if (k === 0) size = dl.allocSize(src);
        else if (t && t.kind === 'struct' && t.elems) {
          if (!(x instanceof ConstantInt)) return null;
          const n = Number(x.value);
          const o = BigInt(dl.fieldOffset(t, n));
          lo = add(lo, C(o)); hi = add(hi, C(o));
          t = t.elems[n] ?? null;
          continue;
        } else if (t && (t.kind === 'array' || t.kind === 'vector')) { t = t.elem; size = dl.allocSize(t); }
        else return null;
        if (x.type.kind !== 'int') return null;
        const r = intv(x, use);
        if (!r) return null;
        lo = add(lo, mul(r.lo, BigInt(size))); hi = add(hi, mul(r.hi, BigInt(size)));
      }
      return { base: b0.base, iv: { lo, hi } };
    }
    if (outside(p)) return { base: p, iv: { lo: C(0n), hi: C(0n) } };
    return null;
  };

  /** Conditions from before the loop of the branches inside it that every path to `x` takes. */
  const guards = (x: BasicBlock): Part['conds'] => {
    const out: Part['conds'] = [];
    for (let d = f.dt.idom(x); d && loop.contains(d); d = f.dt.idom(d)) {
      const term = d.terminator;
      if (!term || term.op !== 'br' || term.operands.length !== 1) continue;
      const cond = term.operands[0]!;
      if (cond.vk === 'const' || !outside(cond)) continue;
      const [T, F] = (term as unknown as { successors: BasicBlock[] }).successors;
      if (!T || !F || T === F) continue;
      if (f.dt.dominatesEdge(d, T, x)) out.push({ v: cond, want: true });
      else if (f.dt.dominatesEdge(d, F, x)) out.push({ v: cond, want: false });
    }
    return out;
  };

  const ranges = new Map<Value, MemRange>();
  const note = (ptr: Value, type: Type, i: Instruction, writes: boolean): string | null => {
    const a = addr(ptr, i.parent!);
    if (!a) return `it ${writes ? 'writes' : 'reads'} memory whose extent cannot be bounded at its entry (${f.describe(i)})`;
    const bytes = Math.max(1, dl.allocSize(type));
    const size = BigInt(bytes);
    const r = { lo: a.iv.lo, hi: add(a.iv.hi, C(size - 1n)) };
    let have = ranges.get(a.base);
    if (!have) { have = { base: a.base, parts: [], writes, at: i, size: null, checks: [] }; ranges.set(a.base, have); }
    have.writes ||= writes;
    const conds = guards(i.parent!);
    const sameConds = (c: Part['conds']): boolean => c.length === conds.length && c.every((x, k) => x.v === conds[k]!.v && x.want === conds[k]!.want);
    if (!have.parts.some((x) => sameExpr(x.lo, r.lo) && sameExpr(x.hi, r.hi) && sameConds(x.conds))) have.parts.push({ ...r, conds });
    if (merged(r.lo) || merged(r.hi)) have.checks.push({ at: i, ptr, size: bytes });
    return null;
  };

  for (const b of loop.blocks) {
    for (const i of b.instructions) {
      switch (i.op) {
        case 'store': {
          const st = i as Instruction & { ptr: Value; value: Value; volatile?: boolean };
          if (st.value.type.kind === 'pointer' || (st.value.type.kind === 'vector' && (st.value.type as { elem: Type }).elem.kind === 'pointer')) return `it stores a pointer (${f.describe(i)})`;
          if (st.volatile) return 'it contains a volatile store';
          const why = note(st.ptr, st.value.type, i, true);
          if (why) return why;
          break;
        }
        case 'load': {
          const ld = i as Instruction & { ptr: Value; volatile?: boolean; atomic?: unknown };
          if (f.overwrite && f.overwrite.reloadable(i as never, (a) => f.argUnchanging(a))) break;
          if (ld.volatile || ld.atomic) return 'it contains a volatile or atomic load';
          const why = note(ld.ptr, i.type, i, false);
          if (why) return why.replace('reads memory', 'reads memory the function may overwrite,');
          break;
        }
        default: break;
      }
    }
  }

  // The bases must be memory that lives through the reverse sweep: arguments, globals, or
  // allocations of this function whose free (after the loop) is deferred to the end of the reverse.
  const objs = new Set<Value>();
  for (const r of ranges.values()) {
    // An upper bound through a merge may lie past the end of an argument's memory: not bounded exactly.
    if (r.parts.some((x) => merged(x.hi)) && !(r.base.vk === 'inst' && (r.base as Instruction).op === 'call')) return `its accesses through ${r.base.name !== null ? `%${r.base.name}` : 'a pointer'} have no exact upper bound at its entry (${f.describe(r.at)})`;
    const os = underlyingObjects(r.base);
    if (!os || !os.size) return `it works on memory whose object is unknown (${f.describe(r.at)})`;
    for (const o of os) {
      if (o.vk === 'argument' || o.vk === 'global') { objs.add(o); continue; }
      if (o.vk === 'inst' && (o as Instruction).op === 'call') {
        const k = f.aa.callKind(o as never);
        if (k.k === 'malloc' || k.k === 'calloc') {
          objs.add(o);
          const args = (o as unknown as { args(): Value[] }).args();
          if (o === r.base && (k.name === 'malloc' || k.name === 'calloc') && args.every((x) => x.type.kind === 'int')) r.size = k.name === 'malloc' ? [args[0]!] : [args[0]!, args[1]!];
          continue;
        }
      }
      return `it works on memory that is not an argument, a global or a malloc of the function (${f.describe(r.at)})`;
    }
    if (r.parts.some((x) => merged(x.hi)) && !r.size) return `its accesses through ${r.base.name !== null ? `%${r.base.name}` : 'a pointer'} have no exact upper bound at its entry (${f.describe(r.at)})`;
  }
  const deferFrees: Instruction[] = [];
  if (objs.size) {
    const ow = f.overwrite;
    if (!ow) return 'no memory facts for this function';
    for (const b of f.prim.blocks) {
      if (loop.contains(b)) continue;
      for (const i of b.instructions) {
        if (i.op !== 'call' && i.op !== 'invoke') continue;
        const k = f.aa.callKind(i as never);
        if (k.k === 'rule' || k.k === 'zero' || k.k === 'malloc' || k.k === 'calloc' || k.k === 'memcpy' || k.k === 'memmove' || k.k === 'memset') continue;
        if (k.k === 'inactive' && !(k as { fn?: unknown }).fn) continue;
        const args = (i as unknown as { args(): Value[] }).args().filter((a) => a.type.kind === 'pointer');
        const touches = args.some((a) => {
          const os = underlyingObjects(a);
          return !os || [...os].some((x) => [...objs].some((o) => ow.mayAlias(o, x)));
        });
        if (!touches) continue;
        if (k.k === 'free') {
          const os = underlyingObjects((i as unknown as { args(): Value[] }).args()[k.ptrArg ?? 0]!);
          if (os && os.size === 1 && [...os].every((o) => objs.has(o) && o.vk === 'inst')) { deferFrees.push(i); continue; }
        }
        return `a call after it may free or change memory it works on (${f.describe(i)})`;
      }
    }
  }
  return { ranges: [...ranges.values()], deferFrees };
}
