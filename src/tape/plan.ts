// Stage 2 of the transform: how each forward value the reverse sweep reads
// gets there. A value is used directly (combined shape, defined outside loops
// in a block that dominates the return), recomputed in the reverse block from
// values that are themselves available (pure arithmetic, loads of memory
// nothing overwrites, induction variables from the loop counter), or cached:
// stored in the forward sweep (a frame slot, or a loop buffer indexed by the
// loop counter) and read back. `--checkpoint` sets the policy (docs/ad.md).
//
// Rules never see any of this: they ask `primal(v)`, which lands in `get`.

import { IRBuilder, constInt, nullValue } from '../ir/builder.js';
import type { Argument, BasicBlock, Function } from '../ir/function.js';
import type { Instruction } from '../ir/instructions.js';
import type { IntType, Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { Loop } from '../ir/loops.js';
import { ConstantInt } from '../ir/constants.js';
import type { FunctionFacts, SimpleLoop } from '../ad/facts.js';
import type { ForwardSweep } from '../ad/sweep.js';
import { typeTextShort } from '../ad/typetext.js';
import type { Frame, Slot } from './frame.js';

export interface LoopState {
  counter: Slot;
  /** The counter value of the current iteration (before increment), in the forward header. */
  k: Value;
  /** The store of the incremented counter: growth code goes right after it. */
  marker: Instruction;
  cap: Slot | null;
  buffers: { slot: Slot; type: Type }[];
  /** The counter when this execution of the loop started (a forward load in the entering block), created on demand. */
  start: Value | null;
}

interface CacheEntry { loop: Loop | null; slot: Slot; type: Type }

/** Where reverse code is being emitted. */
export interface RevCtx {
  /** The primal block this reverse code stands for (null: outside every loop). */
  pb: BasicBlock | null;
  rb: BasicBlock;
  b: IRBuilder;
}

const PURE_OPS = new Set([
  'fneg', 'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor',
  'fadd', 'fsub', 'fmul', 'fdiv', 'frem',
  'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'ptrtoint', 'inttoptr',
  'bitcast', 'addrspacecast', 'icmp', 'fcmp', 'getelementptr', 'select', 'extractvalue', 'insertvalue',
  'extractelement', 'insertelement', 'shufflevector', 'freeze',
]);

export class TapePlan {
  readonly loops = new Map<Loop, LoopState>();
  private readonly caches = new Map<Value, CacheEntry>();
  /** Per reverse block: what has been made available there already. */
  private readonly memo = new Map<BasicBlock, Map<unknown, Value>>();

  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    readonly frame: Frame,
    /** The reverse function: parameters are read from it in the split shape. */
    private readonly revFn: Function,
  ) {}

  /** The loop counter of a loop header, incremented at each header execution (called by the forward sweep). */
  setupLoop(loop: Loop, nb: BasicBlock): void {
    const t = this.f.m.types;
    const counter = this.frame.slot(t.i64, `iter.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
    const b = this.sweep.fb.atEnd(nb);
    b.origin = null;
    const k = b.load(t.i64, counter.fwd, 'iv');
    const k1 = b.add(k, constInt(t.i64, 1), 'iv.next');
    const marker = b.store(k1, counter.fwd);
    this.loops.set(loop, { counter, k, marker, cap: null, buffers: [], start: null });
  }

  loopState(l: Loop): LoopState { return this.loops.get(l)!; }

  private memoOf(rb: BasicBlock): Map<unknown, Value> {
    let m = this.memo.get(rb);
    if (!m) { m = new Map(); this.memo.set(rb, m); }
    return m;
  }

  /** A forward value, made available at the reverse insertion point: used directly, recomputed, or read from the tape. */
  get(fv: Value, rc: RevCtx, depth = 0): Value {
    switch (fv.vk) {
      case 'argument': return this.f.split ? this.revFn.args[(fv as Argument).index]! : fv;
      case 'inst': break;
      default: return fv;
    }
    const fi = fv as Instruction;
    const info = this.sweep.info(fi);
    if (!this.f.split && info.loop === null && info.domExit) return fv;
    const memo = this.memoOf(rc.rb);
    const have = memo.get(fv);
    if (have) return have;
    let r: Value | null = null;
    if (this.f.ctx.opts.checkpoint !== 'cache') r = this.inductionValue(fi, rc);
    if (r) {
      // recomputed from the loop counter
    } else if (this.recomputable(fi, depth)) {
      const c = Object.assign(Object.create(Object.getPrototypeOf(fi) as object) as Instruction, fi);
      c.parent = null;
      c.operands = fi.operands.map((o) => this.get(o, rc, depth + 1));
      c.attachments = null;
      c.dbg = null;
      c.name = fi.name !== null ? `${fi.name}_unwrap` : null;
      r = rc.b.insert(c);
    } else {
      r = this.loadCached(fi, rc);
    }
    memo.set(fv, r);
    return r;
  }

  /** Pure operations, and loads of memory nothing overwrites (combined mode only: a caller may change memory between a split pair's two halves). */
  private pureLike(fi: Instruction): boolean {
    if (PURE_OPS.has(fi.op)) return true;
    if (fi.op !== 'load' || !this.f.overwrite) return false;
    const prim = fi.origin;
    return !!prim && prim.op === 'load' && this.f.overwrite.reloadable(prim, (a) => this.f.argUnchanging(a));
  }

  private recomputable(fi: Instruction, depth: number): boolean {
    if (!this.pureLike(fi)) return false;
    switch (this.f.ctx.opts.checkpoint) {
      case 'cache': return false;
      case 'recompute': return depth < 64;
      // At most one tape read, up to eight operations deep (the index arithmetic of unrolled loops).
      default: return depth < 8 && this.leafCost(fi, 8) <= 1;
    }
  }

  /** Number of distinct values a recomputation of `fi` would read from the tape (auto policy). */
  private leafCost(fi: Instruction, budget: number): number {
    const seen = new Set<Value>();
    const walk = (v: Value, d: number): number => {
      if (v.vk !== 'inst' || seen.has(v)) return 0;
      seen.add(v);
      const i = v as Instruction;
      const info = this.sweep.info(i);
      if (!this.f.split && info.loop === null && info.domExit) return 0;
      if (this.caches.has(i)) return 0;
      // An induction variable is recomputed from the loop counter (inductionValue).
      if (this.inductionShape(i)) return 0;
      if (!this.pureLike(i) || d >= budget) return 1;
      let n = 0;
      for (const o of i.operands) n += walk(o, d + 1);
      return n;
    };
    let n = 0;
    for (const o of fi.operands) n += walk(o, 1);
    return n;
  }

  /** Records `fi` in the forward sweep (once) and returns where. */
  private ensureCached(fi: Instruction): CacheEntry {
    const have = this.caches.get(fi);
    if (have) return have;
    const f = this.f;
    const info = this.sweep.info(fi);
    const loop = info.loop;
    const t = f.m.types;
    const base = fi.name ?? (fi.origin?.name ?? 'v');
    const fb = new IRBuilder(f.m);
    this.placeAfterDef(fb, fi);
    let entry: CacheEntry;
    if (!loop) {
      const slot = this.frame.slot(fi.type, `${base}_cache`);
      fb.store(fi, slot.fwd);
      entry = { loop: null, slot, type: fi.type };
      f.ctx.perf.push(`${f.fnName()}: cache ${f.describe(fi)} (${typeTextShort(fi.type)}, ${f.ctx.dl.allocSize(fi.type)} bytes per call)`);
    } else {
      const ls = this.loopState(loop);
      const slot = this.frame.slot(this.frame.bytePtr, `${base}_buf`, nullValue(this.frame.bytePtr));
      if (!ls.cap) ls.cap = this.frame.slot(t.i64, `cap.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
      ls.buffers.push({ slot, type: fi.type });
      const hb = new IRBuilder(f.m).after(ls.marker);
      const buf = hb.load(this.frame.bytePtr, slot.fwd, `${base}_bufp`);
      const typed = hb.bitcastIfNeeded(buf, f.m.ptrTo(fi.type));
      const p = fb.gep(fi.type, typed, [ls.k], null, true);
      // The buffer comes from malloc: an explicit alignment, or LLVM assumes the type's ABI
      // alignment (32 bytes for <4 x double>: aligned AVX moves that fault on a 16-byte block).
      fb.store(fi, p, f.ctx.dl.heapAlign(fi.type));
      entry = { loop, slot, type: fi.type };
      f.ctx.perf.push(`${f.fnName()}: cache ${f.describe(fi)} (${typeTextShort(fi.type)}, ${f.ctx.dl.allocSize(fi.type)} bytes per iteration of the loop ${f.loopName(loop)})`);
    }
    this.caches.set(fi, entry);
    return entry;
  }

  /** Positions `b` right after the definition of `fi` in the forward sweep (after all phis for a phi). */
  private placeAfterDef(b: IRBuilder, fi: Instruction): void {
    // Nothing may follow an invoke in its block: it becomes a call (src/ad/invoke.ts).
    if (fi.op === 'invoke') this.sweep.invokeBecomesCall(fi);
    if (fi.op === 'phi') {
      const blk = fi.parent!;
      const first = this.sweep.firstBody.get(blk);
      if (first && first.parent === blk) b.before(first); else b.beforeTerminator(blk);
      return;
    }
    b.after(fi);
  }

  private loadCached(fi: Instruction, rc: RevCtx): Value {
    const c = this.ensureCached(fi);
    const b = rc.b;
    const base = fi.name ?? 'v';
    if (!c.loop) return b.load(c.type, this.frame.rev(c.slot), `${base}_cached`);
    const idx = this.revIndex(c.loop, rc);
    const buf = b.load(this.frame.bytePtr, this.frame.rev(c.slot), `${base}_bufr`);
    const typed = b.bitcastIfNeeded(buf, this.f.m.ptrTo(c.type));
    const p = b.gep(c.type, typed, [idx], null, true);
    return b.load(c.type, p, `${base}_cached`, this.f.ctx.dl.heapAlign(c.type));
  }

  /** The iteration of loop `l` whose values the reverse code at `rc` reads. */
  revIndex(l: Loop, rc: RevCtx): Value {
    const memo = this.memoOf(rc.rb);
    const inside = rc.pb !== null && l.contains(rc.pb);
    const key = `${inside ? 'in' : 'out'}:${this.f.li.loops.indexOf(l)}`;
    const have = memo.get(key);
    if (have) return have;
    const ls = this.loopState(l);
    const cur = rc.b.load(this.f.m.types.i64, this.frame.revLocal(ls.counter), 'iter');
    const r = inside ? cur : rc.b.sub(cur, constInt(this.f.m.types.i64, 1), 'iter.last');
    memo.set(key, r);
    return r;
  }

  /** The counter value at which the current execution of the loop started (recorded once per execution, not per iteration). */
  loopStart(loop: Loop, outside: BasicBlock): Value {
    const ls = this.loopState(loop);
    if (ls.start) return ls.start;
    const ob = this.sweep.fwdBlocks.get(outside)!;
    const b = new IRBuilder(this.f.m).beforeTerminator(ob);
    ls.start = b.load(this.f.m.types.i64, ls.counter.fwd, `${loop.header.name ?? 'loop'}.start`);
    return ls.start;
  }

  /** The loop, start value and step of an integer induction phi (`fi` in the forward sweep), or null. */
  inductionShape(fi: Instruction): { sl: SimpleLoop; init: Value; step: bigint } | null {
    if (fi.op !== 'phi' || fi.type.kind !== 'int') return null;
    const prim = fi.origin;
    if (!prim || prim.op !== 'phi' || prim.parent === null) return null;
    const sl = this.f.simpleLoop(prim.parent);
    if (!sl) return null;
    const init = prim.operands[prim.blocks.indexOf(sl.outside)];
    const next = prim.operands[prim.blocks.indexOf(sl.latch)];
    if (!init || !next || next.vk !== 'inst') return null;
    const n = next as Instruction;
    if (n.op !== 'add' && n.op !== 'sub') return null;
    let step: bigint | null = null;
    const c0 = n.operands[0]!; const c1 = n.operands[1]!;
    if (c0 === prim && c1 instanceof ConstantInt) step = n.op === 'add' ? c1.value : -c1.value;
    else if (n.op === 'add' && c1 === prim && c0 instanceof ConstantInt) step = c0.value;
    if (step === null) return null;
    return { sl, init, step };
  }

  /**
   * An induction variable `i = phi [start, outside], [i + step, latch]` is
   * recomputed from the loop counter as `start + step * (k - loopStart)`
   * instead of being recorded every iteration.
   */
  private inductionValue(fi: Instruction, rc: RevCtx): Value | null {
    const shape = this.inductionShape(fi);
    if (!shape) return null;
    const { sl, init, step } = shape;
    const b = rc.b;
    const k = this.revIndex(sl.loop, rc);
    const start = this.get(this.loopStart(sl.loop, sl.outside), rc);
    let iter: Value = b.sub(k, start, 'iter.local');
    const it = fi.type as IntType;
    if (it !== this.f.m.types.i64) iter = b.cast(it.bits < 64 ? 'trunc' : 'zext', iter, it);
    const s0 = this.get(this.sweep.mapV(init), rc);
    return b.add(s0, b.mul(iter, constInt(it, step)), `${fi.name ?? 'iv'}_unwrap`);
  }
}
