// Loop buffers of the tape: the buffers of one loop share one heap block,
// reserved at the loop's entry from its trip count where one is known
// (src/tape/trip.ts), grown geometrically otherwise. See docs/ad.md, "The tape".

import { IRBuilder, addBlock, constInt, nullValue } from '../ir/builder.js';
import type { BasicBlock } from '../ir/function.js';
import type { Instruction, PhiInst } from '../ir/instructions.js';
import type { IntType } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { Loop } from '../ir/loops.js';
import type { Module } from '../ir/module.js';
import type { FunctionFacts } from '../ad/facts.js';
import type { ForwardSweep } from '../ad/sweep.js';
import type { Slot } from './frame.js';
import type { LoopState, TapePlan } from './plan.js';
import { definedOutside, tripPattern, type TripPattern } from './trip.js';
import { ARENA_SMALL } from './arena.js';
import { keptCapacity, tapeDropFn, tapeGiveFn, tapeTakeFn, type KeptBlocks } from './keep.js';
import type { GlobalVariable } from '../ir/function.js';

export class LoopBuffers {
  private readonly trips = new Map<Loop, TripPattern | null>();
  private readonly keptSlots = new Map<Loop, GlobalVariable>();

  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    private readonly plan: TapePlan,
    /** Slots that keep loop blocks for the next call (src/tape/keep.ts); null: malloc and free. */
    private readonly kept: KeptBlocks | null = null,
  ) {}

  /**
   * The slot in which `loop`'s block is kept from one call to the next (src/tape/keep.ts): for the
   * loops whose buffers are malloc'd (arena mode `none`), grown by emitGrow or (a checkpointable
   * loop) allocated at its entry by src/tape/checkpoint.ts; null for the others.
   */
  keptSlot(loop: Loop, ls: LoopState): GlobalVariable | null {
    if (!this.kept || !ls.buffers.length || !ls.cap || this.arenaMode(loop) !== 'none') return null;
    let s = this.keptSlots.get(loop);
    if (!s) { s = this.kept.slot(); this.keptSlots.set(loop, s); }
    return s;
  }

  /** A kept-block slot of its own (a checkpointed loop's checkpoints), or null when blocks are not kept. */
  extraSlot(): GlobalVariable | null { return this.kept ? this.kept.slot() : null; }

  /** At `b`: a block of `bytes` bytes taken from `slot` (src/tape/keep.ts), or malloc'd when `slot` is null; null when out of memory. */
  takeBlock(b: IRBuilder, slot: GlobalVariable | null, bytes: Value, name: string): Value {
    const t = this.f.m.types;
    if (slot) return b.call(tapeTakeFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [slot, bytes], name);
    return b.call(this.f.ctx.declare('malloc', this.plan.frame.bytePtr, [t.i64]), [bytes], name);
  }

  /** At `b`: `block` (from takeBlock with the same `slot`) given back to its slot, or freed. */
  releaseBlock(b: IRBuilder, slot: GlobalVariable | null, block: Value): void {
    if (slot) b.call(tapeGiveFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [slot, block]);
    else b.call(this.f.ctx.declare('free', this.f.m.types.void, [this.plan.frame.bytePtr]), [block]);
  }

  /** At the end of the reverse (`b`): `loop`'s block `base` goes back to its slot; false when it is not a kept block. */
  giveBack(loop: Loop, ls: LoopState, b: IRBuilder, base: Value): boolean {
    const slot = this.keptSlot(loop, ls);
    if (!slot) return false;
    b.call(tapeGiveFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [slot, base]);
    return true;
  }

  /**
   * The buffers of a loop share one heap block: for capacity `cap`, buffer `j`
   * starts at byte `cap * offset_j` (buffers sorted by alignment, largest
   * first, so every start is aligned). One malloc and one free per growth
   * instead of one realloc per buffer, and a single block that glibc keeps in
   * its heap between calls instead of several that it unmaps and page-faults
   * back in on every call (docs/benchmarks.md, "Gradient cost").
   */
  bufferLayout(ls: LoopState): { bufs: { slot: Slot; size: number; offset: number }[]; stride: number } {
    const dl = this.f.ctx.dl;
    const sized = ls.buffers.map((b) => ({ slot: b.slot, size: Math.max(1, dl.allocSize(b.type)), align: Math.max(1, dl.align(b.type)) }));
    sized.sort((x, y) => y.align - x.align);
    let offset = 0;
    const bufs = sized.map((b) => { const r = { slot: b.slot, size: b.size, offset }; offset += b.size; return r; });
    return { bufs, stride: offset };
  }

  /**
   * Buffer growth (src/tape/trip.ts finds the counted loops):
   * - a counted loop whose count is exact and that has no other exit reserves
   *   its count at its preheader, once per execution, and has no check in its body;
   * - a counted loop nested in counted loops whose counts do not depend on it is
   *   also reserved, as a hint, at the outermost such preheader (counts multiplied),
   *   so that the per-execution reservations do not grow the buffers step by step;
   * - every other loop checks its capacity at each header execution and grows
   *   geometrically (a hint reserved at a preheader makes that check never fire
   *   unless the hint was too small).
   */
  growBuffers(): void {
    const t = this.f.m.types;
    const withBufs = [...this.plan.loops].filter(([, ls]) => ls.buffers.length && ls.cap && !ls.seg);
    // Sites are found on the primal CFG, and their forward terminators taken, before any block is split.
    const reserves: { loop: Loop; ls: LoopState; site: Loop; factors: Loop[]; exact: boolean }[] = [];
    const checked: [Loop, LoopState][] = [];
    for (const [loop, ls] of withBufs) {
      const tp = this.tripOf(loop);
      const exact = !!tp && tp.exact && tp.single;
      if (exact) reserves.push({ loop, ls, site: loop, factors: [loop], exact: true });
      else checked.push([loop, ls]);
      if (!tp) {
        this.f.ctx.perf.push(`${this.f.fnName()}: buffers of the loop ${this.f.loopName(loop)} grow while it runs (no trip count known at its entry)`);
        continue;
      }
      let site = loop;
      const factors = [loop];
      for (let o = site.parent; o && this.tripOf(o); o = o.parent) {
        if (!factors.every((f) => { const p = this.tripOf(f)!; return definedOutside(p.init, o!) && definedOutside(p.bound, o!); })) break;
        site = o;
        factors.push(o);
      }
      if (site !== loop || !exact) reserves.push({ loop, ls, site, factors, exact: false });
      const hoisted = site === loop ? '' : `, and ${factors.length} counts multiplied at the entry of the loop ${this.f.loopName(site)}`;
      this.f.ctx.perf.push(exact
        ? `${this.f.fnName()}: buffers of the loop ${this.f.loopName(loop)} reserved from its trip count at its entry${hoisted}; no check in the loop${this.arenaMode(loop) === 'whole' ? '; in the arena of the derivative call' : ''}`
        : `${this.f.fnName()}: buffers of the loop ${this.f.loopName(loop)} reserved from an estimated trip count at ${site === loop ? 'its entry' : `the entry of the loop ${this.f.loopName(site)} (${factors.length} counts multiplied)`}; checked at each iteration`);
    }
    const entries = new Map<Loop, Instruction>();
    const terms = reserves.map((r) => {
      let at = entries.get(r.site);
      if (!at) { at = this.loopEntry(r.site); entries.set(r.site, at); }
      return at;
    });
    reserves.forEach((r, ri) => {
      const b = new IRBuilder(this.f.m).before(terms[ri]!);
      const stride = this.bufferLayout(r.ls).stride;
      let total: Value;
      if (r.exact) {
        total = this.exactEntries(r.loop, r.ls, b);
      } else {
        const limit = constInt(t.i64, Math.max(16, Math.floor(2 ** 26 / stride)));
        const clamp = (v: Value): Value => b.select(b.icmp('ugt', v, limit), limit, v);
        let acc: Value | null = null;
        for (const f of r.factors) {
          const n = clamp(this.tripValue(f, b));
          acc = acc ? clamp(b.mul(acc, n)) : n;
        }
        total = acc!;
      }
      const k = b.load(t.i64, r.ls.counter.fwd, 'iter.reserve');
      const need = b.add(k, total, 'need');
      this.emitGrow(r.loop, r.ls, need as Instruction, k);
    });
    for (const [loop, ls] of checked) {
      const need = new IRBuilder(this.f.m).after(ls.marker).add(ls.k, constInt(t.i64, 1), 'need');
      this.emitGrow(loop, ls, need, ls.k);
    }
  }

  /**
   * Where code that must run once each time `loop` is entered goes in the
   * forward sweep: before the branch of its preheader when the preheader
   * only leads to the header, else in a new block on the entering edge (a
   * guard `if (n > 0)` branching around the loop must not run it).
   */
  loopEntry(loop: Loop): Instruction {
    const outside = this.f.simpleLoop(loop.header)!.outside;
    const to = this.sweep.fwdBlocks.get(loop.header)!;
    const from = this.enteringBlock(this.sweep.fwdBlocks.get(outside)!, to);
    const term = from.terminator!;
    if (loop.preheader === outside && (term as unknown as { successors: BasicBlock[] }).successors.length === 1) return term;
    const edge = addBlock(this.f.m, this.sweep.fwdFn, `${loop.header.name ?? 'loop'}.enter`, to);
    const succ = (term as unknown as { successors: BasicBlock[] }).successors;
    succ[succ.indexOf(to)] = edge;
    for (const i of to.instructions) {
      if (i.op !== 'phi') break;
      (i as PhiInst).blocks = (i as PhiInst).blocks.map((x) => (x === from ? edge : x));
    }
    return new IRBuilder(this.f.m).atEnd(edge).br(to);
  }

  /**
   * The forward block whose terminator enters `to`, starting from `from` (the forward copy of the
   * loop's outside predecessor): the code set up for another loop may have split that block (a
   * loop whose exit enters the next loop directly: its header's tail moved to new blocks), so the
   * branch is searched through the blocks the splits made (none of them a copy of a primal block).
   */
  private enteringBlock(from: BasicBlock, to: BasicBlock): BasicBlock {
    const copies = new Set(this.sweep.fwdBlocks.values());
    const seen = new Set<BasicBlock>([from]);
    const work = [from];
    const found: BasicBlock[] = [];
    while (work.length) {
      const b = work.pop()!;
      const succ = (b.terminator as unknown as { successors?: BasicBlock[] } | null)?.successors ?? [];
      if (succ.includes(to)) { found.push(b); continue; }
      for (const x of succ) if (!seen.has(x) && !copies.has(x)) { seen.add(x); work.push(x); }
    }
    if (found.length !== 1) throw new Error(`loop entry of ${to.name ?? '?'}: ${found.length} forward blocks enter it from ${from.name ?? '?'}`);
    return found[0]!;
  }

  /**
   * Where `loop`'s buffers come from in a pair that takes its caller's arena (src/tape/arena.ts):
   * - `whole`: a loop outside every other loop (entered at most once per call) whose exact trip
   *   count is reserved at its entry: its block is allocated once, at its final size, from the
   *   arena, and never freed (the arena goes as a whole);
   * - `small`: any other loop: blocks of at most ARENA_SMALL bytes come from the arena (a grown
   *   one's old block is left there), larger ones from malloc, freed as usual; the capacity
   *   says which a block is;
   * - `none`: malloc (a function that owns an arena or has none).
   */
  arenaMode(loop: Loop): 'whole' | 'small' | 'none' {
    if (this.plan.frame.arena.kind !== 'param') return 'none';
    const tp = loop.parent ? null : this.tripOf(loop);
    return tp && tp.exact && tp.single ? 'whole' : 'small';
  }

  /** Whether `loop`'s block, at capacity `cap` (i64, at `b`), is malloc'd: the pointer to free, or null. */
  toFree(loop: Loop, ls: LoopState, b: IRBuilder, cap: Value, base: Value): Value | null {
    const mode = this.arenaMode(loop);
    if (mode === 'whole') return null;
    if (mode === 'none') return base;
    const t = this.f.m.types;
    const big = b.icmp('ugt', b.mul(cap, constInt(t.i64, this.bufferLayout(ls).stride)), constInt(t.i64, ARENA_SMALL), 'malloced');
    return b.select(big, base, nullValue(base.type));
  }

  /**
   * At `b` (the entry of `loop`, whose trip count is exact): the entries one execution of it adds to
   * its buffers (header executions), at most the hard limit + 1, so that adding it to a counter
   * cannot wrap: too many entries trap in emitGrow.
   */
  exactEntries(loop: Loop, ls: LoopState, b: IRBuilder): Value {
    const t = this.f.m.types;
    const lim = constInt(t.i64, this.hardLimit(this.bufferLayout(ls).stride) + 1);
    const q = this.tripExact(loop, b);
    return b.add(b.select(b.icmp('ugt', q, lim), lim, q), constInt(t.i64, 1), 'trip');
  }

  /** Entries of a loop's buffers beyond which the tape would exceed 2^40 bytes: the generated code traps. */
  private hardLimit(stride: number): number { return Math.floor(2 ** 40 / stride); }

  /** The counted-loop shape of `loop`, memoized (null: none, or not a simple loop). */
  tripOf(loop: Loop): TripPattern | null {
    if (this.trips.has(loop)) return this.trips.get(loop)!;
    const sl = this.f.simpleLoop(loop.header);
    // Reservations go on the entering edge (loopEntry): one edge, from a `br` or `switch`.
    const term = sl?.outside.terminator;
    const enters = !!term && (term.op === 'br' || term.op === 'switch') &&
      (term as unknown as { successors: BasicBlock[] }).successors.filter((x) => x === loop.header).length === 1;
    const tp = sl && enters ? tripPattern(loop, this.f.dt, sl.outside, sl.latch) : null;
    this.trips.set(loop, tp);
    return tp;
  }

  /**
   * At `b` in the forward sweep, for a loop whose pattern is exact: the number
   * of iterations that go on past the compare (i64), computed in the compare's
   * own width so that wrapping is counted as the loop would see it. The header
   * runs at most once more.
   */
  tripExact(loop: Loop, b: IRBuilder, map: (v: Value) => Value = (v) => this.sweep.mapV(v)): Value {
    const t = this.f.m.types;
    const tp = this.tripOf(loop)!;
    const init = map(tp.init);
    const bound = map(tp.bound);
    const w = init.type as IntType;
    const x0 = tp.onNext ? b.add(init, constInt(w, tp.step)) : init;
    const up = tp.step > 0n;
    let diff: Value = up ? b.sub(bound, x0) : b.sub(x0, bound);
    if (tp.stay !== 'ne') {
      // i < n (or i > n): no iteration when the start is already past the bound.
      const goes = b.icmp(tp.stay, x0, bound);
      diff = b.select(goes, diff, constInt(w, 0));
    }
    if (w.bits < 64) diff = b.cast('zext', diff, t.i64);
    else if (w.bits > 64) diff = b.cast('trunc', diff, t.i64); // more than 2^64 iterations cannot happen
    const mag = up ? tp.step : -tp.step;
    return mag === 1n ? diff : b.binop('lshr', diff, constInt(t.i64, mag.toString(2).length - 1));
  }

  /** At `b` in the forward sweep: |bound - init| / |step| + 2 for `loop`, as an i64 (an estimate). */
  tripValue(loop: Loop, b: IRBuilder): Value {
    const t = this.f.m.types;
    const tp = this.tripOf(loop)!;
    const signed = !tp.stay.startsWith('u');
    const ext = (v: Value): Value => {
      const m = this.sweep.mapV(v);
      const it = m.type as { kind: string; bits?: number };
      if (it.kind !== 'int' || it.bits === 64) return m;
      return b.cast(it.bits! > 64 ? 'trunc' : signed ? 'sext' : 'zext', m, t.i64);
    };
    const init = ext(tp.init);
    const bound = ext(tp.bound);
    const diff = tp.step > 0n ? b.sub(bound, init) : b.sub(init, bound);
    const pos = b.select(b.icmp(signed ? 'sgt' : 'ugt', diff, constInt(t.i64, 0)), diff, constInt(t.i64, 0));
    const step = tp.step > 0n ? tp.step : -tp.step;
    const q = step === 1n ? pos : b.binop('udiv', pos, constInt(t.i64, step));
    return b.add(q, constInt(t.i64, 2), 'trip');
  }

  /**
   * Right after `at` (in the forward sweep): when `need` entries exceed the
   * capacity of `loop`'s buffers, move the first `filled` entries of each into
   * one new block of max(need, 2 * capacity, 16) entries.
   */
  emitGrow(loop: Loop, ls: LoopState, at: Instruction, filled: Value): BasicBlock {
    const t = this.f.m.types;
    const bp = this.plan.frame.bytePtr;
    const name = loop.header.name ?? 'loop';
    const block = at.parent!;
    const cont = splitAfter(this.f.m, block, at, `${name}.body`);
    const grow = addBlock(this.f.m, this.sweep.fwdFn, `${name}.grow`, cont);
    const b = new IRBuilder(this.f.m).atEnd(block);
    const cap = b.load(t.i64, ls.cap!.fwd, 'cap');
    b.condBr(b.icmp('ugt', at, cap, 'full'), grow, cont);
    b.atEnd(grow);
    const dbl = b.binop('shl', cap, constInt(t.i64, 1));
    const big = b.select(b.icmp('ugt', at, dbl), at, dbl);
    const min = constInt(t.i64, 16);
    const ncap = b.select(b.icmp('ult', big, min), min, big, 'newcap');
    const { bufs, stride } = this.bufferLayout(ls);
    const malloc = this.f.ctx.declare('malloc', bp, [t.i64]);
    const free = this.f.ctx.declare('free', t.void, [bp]);
    const memcpy = this.f.ctx.memIntrinsic('memcpy');
    // More than 2^40 bytes of tape, or no memory: trap rather than write past a buffer.
    const trap = addBlock(this.f.m, this.sweep.fwdFn, `${name}.notape`, cont);
    const alloc = addBlock(this.f.m, this.sweep.fwdFn, `${name}.alloc`, cont);
    b.condBr(b.icmp('ugt', ncap, constInt(t.i64, this.hardLimit(stride))), trap, alloc);
    b.atEnd(trap);
    b.call(this.f.ctx.declare('llvm.trap', t.void, []), []);
    b.unreachable();
    b.atEnd(alloc);
    const mode = this.arenaMode(loop);
    const bytes = b.mul(ncap, constInt(t.i64, stride));
    const maxAlign = Math.max(1, ...ls.buffers.map((x) => this.f.ctx.dl.align(x.type)));
    let nb: Value;
    const slot = mode === 'none' ? this.keptSlot(loop, ls) : null;
    if (mode === 'whole') nb = this.plan.frame.arenaAlloc(b, bytes, maxAlign, `${name}.tape`);
    else if (mode === 'small') {
      const viaArena = addBlock(this.f.m, this.sweep.fwdFn, `${name}.arena`, cont);
      const viaMalloc = addBlock(this.f.m, this.sweep.fwdFn, `${name}.malloc`, cont);
      const got = addBlock(this.f.m, this.sweep.fwdFn, `${name}.got`, cont);
      b.condBr(b.icmp('ule', bytes, constInt(t.i64, ARENA_SMALL)), viaArena, viaMalloc);
      b.atEnd(viaArena);
      const na = this.plan.frame.arenaAlloc(b, bytes, maxAlign, `${name}.small`);
      b.br(got);
      b.atEnd(viaMalloc);
      const nm = b.call(malloc, [bytes], `${name}.big`);
      b.br(got);
      b.atEnd(got);
      nb = b.phi(bp, [[na, viaArena], [nm, viaMalloc]], `${name}.tape`);
    } else {
      nb = slot ? b.call(tapeTakeFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [slot, bytes], `${name}.tape`) : b.call(malloc, [bytes], `${name}.tape`);
    }
    const copy = addBlock(this.f.m, this.sweep.fwdFn, `${name}.copy`, cont);
    b.condBr(b.icmp('eq', nb, nullValue(bp)), trap, copy);
    b.atEnd(copy);
    // A block kept from an earlier call may be larger than asked: its whole capacity is used, so
    // that a loop that grew in the last call does not grow again step by step.
    const cap2 = slot ? keptCapacity(b, nb, stride, ncap, (n, r, p) => this.f.ctx.declare(n, r, p)) : ncap;
    let base: Value | null = null;
    for (const buf of bufs) {
      const old = b.load(bp, buf.slot.fwd);
      base ??= old;
      const dst = buf.offset === 0 ? nb : b.gep(t.i8, nb, [b.mul(cap2, constInt(t.i64, buf.offset))], null, true);
      b.call(memcpy, [dst, old, b.mul(filled, constInt(t.i64, buf.size)), constInt(t.i1, 0)]);
      b.store(dst, buf.slot.fwd);
    }
    // An arena's blocks go with the arena (a grown one's old block is left there).
    const old = this.toFree(loop, ls, b, cap, base!);
    if (old && this.keptSlot(loop, ls)) b.call(tapeDropFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [old]);
    else if (old) b.call(free, [old]);
    b.store(cap2, ls.cap!.fwd);
    b.br(cont);
    return cont;
  }
}

/** Moves everything after `at` into a new block placed after `block`; successors' phis follow the move. */
export function splitAfter(m: Module, block: BasicBlock, at: Instruction, name: string): BasicBlock {
  const fn = block.parent;
  const idx = block.instructions.indexOf(at);
  const next = fn.blocks[fn.blocks.indexOf(block) + 1];
  const cont = addBlock(m, fn, name, next);
  const moved = block.instructions.splice(idx + 1);
  for (const i of moved) { i.parent = cont; cont.instructions.push(i); }
  const term = cont.terminator;
  const succs = term ? ((term as { successors?: BasicBlock[] }).successors ?? []) : [];
  for (const s of new Set(succs)) {
    for (const i of s.instructions) {
      if (i.op !== 'phi') break;
      i.blocks = i.blocks.map((x) => (x === block ? cont : x));
    }
  }
  return cont;
}
