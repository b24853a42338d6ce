// Loop checkpointing under a tape budget (docs/ad.md, "Loop checkpointing").
//
// A loop whose tape (bytes per iteration x trip count) would exceed the budget
// keeps, in the forward sweep, only its state every k iterations (k ~ sqrt n,
// computed at the loop's entry from its trip count) and a tape of k
// iterations. The reverse sweep, each time it steps back into an earlier
// segment of k iterations, restores that segment's state, re-runs its forward
// iterations (a copy of the loop's forward sweep, which refills the k-iteration
// tape), then reverses them: tape memory O(sqrt n), one extra forward run.
//
// What is supported (everything else keeps the whole tape; when in doubt, no
// checkpointing):
//   - combined shape (diffe<f>) only: a split pair keeps its tape;
//   - an outermost loop with one entering edge, one latch, one exit, and an
//     exact trip count at its entry (src/tape/trip.ts); loops inside it are
//     re-run with each segment, their tapes hold one segment too;
//   - it allocates nothing and calls nothing but math functions the rules know;
//   - its carried state is its header's phis, the counters of the loops inside,
//     and memory whose byte ranges are known at its entry (src/tape/extent.ts):
//     those bytes are copied into each checkpoint and back before a re-run; the
//     first re-run keeps them as the forward sweep left them, put back at the end
//     of the reverse sweep; frees of that memory wait for the end of the reverse.
//     Shadow memory is not restored: the loop's forward sweep writes no shadow.
// The decision is taken at run time at the loop's entry: with n header
// executions and T tape bytes per iteration, the loop is checkpointed when
// n * T exceeds the budget (`--tape-budget`), with k = ceil(sqrt(n * S / T))
// for S bytes of state (the k that minimizes k * T + n / k * S); otherwise k = n
// (one segment: the whole tape, as without checkpointing, and no re-run).

import { IRBuilder, addBlock, constFP, constInt, nullValue } from '../ir/builder.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { BrInst, Instruction, PhiInst, StoreInst } from '../ir/instructions.js';
import { successors } from '../ir/instructions.js';
import type { Loop } from '../ir/loops.js';
import type { Value } from '../ir/value.js';
import type { FunctionFacts } from '../ad/facts.js';
import type { ForwardSweep } from '../ad/sweep.js';
import type { LoopState, TapePlan } from './plan.js';
import type { Slot } from './frame.js';
import type { LoopBuffers } from './buffers.js';
import { splitAfter } from './buffers.js';
import { definedOutside, type TripPattern } from './trip.js';
import { memoryState, merged, type Expr, type MemoryState } from './extent.js';

/** The default tape budget per loop: 256 MB. */
export const DEFAULT_TAPE_BUDGET = 256 * 2 ** 20;

/**
 * Whether `loop` can be checkpointed (see the header comment): its memory state
 * (the ranges it works on, possibly none), or why not. Looks at the primal loop only.
 */
export function checkpointPlan(f: FunctionFacts, loop: Loop, tripOf: (l: Loop) => TripPattern | null): MemoryState | string {
  if (f.split) return 'the reverse of a call (split pair) keeps its tape';
  if (loop.parent) return 'a loop inside another loop';
  const sl = f.simpleLoop(loop.header);
  if (!sl || loop.latches.length !== 1) return 'not a loop with one entry and one latch';
  if (loop.exitingBlocks.length !== 1) return 'more than one exit';
  const tp = tripOf(loop);
  if (!tp || !tp.exact || !tp.single) return 'no exact trip count at its entry';
  for (const b of loop.blocks) {
    for (const i of b.instructions) {
      switch (i.op) {
        case 'alloca': return 'it allocates stack memory';
        case 'call': {
          const callee = i.callee;
          const name = callee.vk === 'function' ? (callee as Function).name ?? '' : '';
          if (/^llvm\.(dbg|lifetime|assume|experimental\.noalias)/.test(name)) break;
          const k = f.aa.callKind(i);
          if (k.k !== 'rule' || i.type.kind === 'pointer' || i.args().some((a) => a.type.kind === 'pointer')) return `it calls ${name ? `@${name}` : 'a function pointer'}`;
          break;
        }
        case 'invoke': case 'callbr': case 'atomicrmw': case 'cmpxchg': case 'fence': case 'va_arg': case 'landingpad':
          return `it contains '${i.op}'`;
        default: break;
      }
    }
  }
  return memoryState(f, loop, tripOf);
}

interface StateField { phi: PhiInst; offset: number; align: number }

/** What the forward sweep of a checkpointed loop keeps for its re-runs (shared by the setup and every re-run). */
interface Ckpt {
  loop: Loop; fh: BasicBlock; region: BasicBlock[]; regionSet: Set<BasicBlock>; fields: StateField[];
  fieldPtr: (b: IRBuilder, p: Value, fl: StateField) => Value; kSlot: Slot; ckSlot: Slot;
  /** Bytes of one checkpoint: a constant, or (memory state) a slot set at the loop's entry. */
  recBytes: number | Slot;
  spills: Map<Value, { slot: { fwd: Value } }>; trapBlock: (before: BasicBlock | undefined, at: Function) => BasicBlock;
  /** Loops inside: their counters are part of the state (at byte `offset` of a checkpoint). */
  inner: { ls: LoopState; offset: number }[];
  /** Memory ranges: start and length slots (set at the loop's entry), the fixed part of a checkpoint before them, the final state's record, the flag saying it was saved. */
  mem: { ptrs: Slot[]; lens: Slot[]; fixed: number; finalRec: Slot; saved: Slot } | null;
}

/** A checkpoint-ready loop's forward sweep, to be versioned (`versionLoops`). */
interface Versioned { fh: BasicBlock; headBr: BrInst; wrapStore: StoreInst; on: Value; name: string }

export class LoopCheckpoints {
  /** The loops set up with the segment bookkeeping in their forward header. */
  private readonly versions: Versioned[] = [];

  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    private readonly plan: TapePlan,
    private readonly buffers: LoopBuffers,
  ) {}

  /**
   * After the plan is materialized (the forward sweep has its tape stores, the
   * reverse its tape reads), before the other loops' buffers are grown: sets up
   * every checkpointable loop that has a tape (its own or its inner loops').
   * `atExit` is at the end of the reverse sweep: the checkpoints are freed there;
   * the memory a re-run changed is put back before `finalAt` (which goes).
   */
  apply(atExit: IRBuilder, finalAt: Instruction, plans: Map<Loop, MemoryState | string>): void {
    for (const [loop, ls] of this.plan.loops) {
      if (!ls.seg || loop.parent) continue;
      const plan = plans.get(loop);
      if (!plan || typeof plan === 'string') continue;
      const inner = [...this.plan.loops].filter(([l, s]) => l !== loop && loop.containsLoop(l) && s.seg).map(([, s]) => s);
      if (!ls.buffers.length && !inner.some((s) => s.buffers.length)) continue;
      this.setup(loop, atExit, finalAt, plan, inner);
    }
    const blk = finalAt.parent!;
    blk.instructions.splice(blk.instructions.indexOf(finalAt), 1);
  }

  /** The value of a range expression at `b` (forward sweep, at the loop's entry). */
  private evalExpr(e: Expr, b: IRBuilder, memo: Map<Expr, Value>): Value {
    const have = memo.get(e);
    if (have) return have;
    const i64 = this.f.m.types.i64;
    let r: Value;
    switch (e.k) {
      case 'c': r = constInt(i64, e.c); break;
      case 'val': {
        r = this.sweep.mapV(e.v);
        const bits = (r.type as { bits?: number }).bits ?? 64;
        if (bits < 64) r = b.cast(e.ext === 's' ? 'sext' : 'zext', r, i64);
        break;
      }
      case 'add': r = b.add(this.evalExpr(e.a, b, memo), this.evalExpr(e.b, b, memo)); break;
      case 'sub': r = b.sub(this.evalExpr(e.a, b, memo), this.evalExpr(e.b, b, memo)); break;
      case 'mul': r = b.mul(this.evalExpr(e.a, b, memo), constInt(i64, e.c)); break;
      case 'div': r = b.binop('sdiv', this.evalExpr(e.a, b, memo), constInt(i64, e.c)); break;
      case 'min': case 'max': {
        const x = this.evalExpr(e.a, b, memo); const y = this.evalExpr(e.b, b, memo);
        r = b.select(b.icmp(e.k === 'min' ? 'slt' : 'sgt', x, y), x, y);
        break;
      }
    }
    memo.set(e, r);
    return r;
  }

  private setup(loop: Loop, atExit: IRBuilder, finalAt: Instruction, mstate: MemoryState, inner: LoopState[]): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const i64 = t.i64;
    const ls = this.plan.loopState(loop);
    const fwdFn = this.sweep.fwdFn;
    const bp = this.plan.frame.bytePtr;
    const frame = this.plan.frame;
    const name = loop.header.name ?? 'loop';
    const fh = this.sweep.fwdBlocks.get(loop.header)!;
    const budget = f.ctx.opts.tapeBudget === undefined ? DEFAULT_TAPE_BUDGET : f.ctx.opts.tapeBudget;
    const every = f.ctx.opts.checkpointEvery ?? null;
    const hasMem = mstate.ranges.length > 0;

    // The loop's entry in the forward sweep (an edge block when a guard branches around the loop).
    const entryTerm = this.buffers.loopEntry(loop);
    const region0 = this.region(fh);
    const bad = region0 ? this.unsafe(region0, loop, hasMem) : 'its forward sweep could not be delimited';

    // State: the forward header's phis, laid out by alignment, then the counters of the loops inside.
    const phis: PhiInst[] = [];
    for (const i of fh.instructions) { if (i.op !== 'phi') break; phis.push(i as PhiInst); }
    const dl = f.ctx.dl;
    const fields: StateField[] = phis.map((phi) => ({ phi, offset: 0, align: Math.max(1, dl.align(phi.type)) }));
    fields.sort((a, b) => b.align - a.align);
    let stateBytes = 0;
    for (const fl of fields) { stateBytes = Math.ceil(stateBytes / fl.align) * fl.align; fl.offset = stateBytes; stateBytes += Math.max(1, dl.allocSize(fl.phi.type)); }
    stateBytes = Math.ceil(stateBytes / 8) * 8;
    const innerState = inner.map((s, j) => ({ ls: s, offset: stateBytes + 8 * j }));
    stateBytes += 8 * inner.length;
    const maxAlign = fields.reduce((a, x) => Math.max(a, x.align), hasMem ? 16 : 1);
    stateBytes = Math.max(1, Math.ceil(stateBytes / maxAlign) * maxAlign);
    const { bufs, stride } = this.buffers.bufferLayout(ls);
    const innerBufs = inner.filter((s) => s.buffers.length);

    // Slots: k, the checkpoints.
    const kSlot = frame.slot(i64, `ckpt.k.${name}`, constInt(i64, 1));
    // The checkpoints: null when the loop is not checkpointed in this call (k = n). Kept for the next
    // call, like the loop's tape blocks (src/tape/keep.ts).
    const ckSlot = frame.slot(bp, `ckpt.${name}`, nullValue(bp));
    const ckKept = this.buffers.extraSlot();
    this.buffers.releaseBlock(atExit, ckKept, atExit.load(bp, frame.rev(ckSlot)));

    // At the loop's entry: n, the memory ranges, k, the tape of k iterations and the checkpoints of n / k segments.
    let b = new IRBuilder(m).before(entryTerm);
    const hard = Math.floor(2 ** 40 / Math.max(stride, stateBytes));
    const lim = constInt(i64, hard);
    const q = this.buffers.tripExact(loop, b);
    const n = b.add(b.select(b.icmp('ugt', q, lim), lim, q), constInt(i64, 1), 'ckpt.n');
    let mem: Ckpt['mem'] = null;
    let rec: Value = constInt(i64, stateBytes);
    let memTotal: Value = constInt(i64, 0);
    if (hasMem && !bad) {
      const memo = new Map<Expr, Value>();
      const ptrs: Slot[] = []; const lens: Slot[] = [];
      mstate.ranges.forEach((r, j) => {
        const zero = constInt(i64, 0);
        const smax = (x: Value, y: Value): Value => b.select(b.icmp('sgt', x, y), x, y);
        const smin = (x: Value, y: Value): Value => b.select(b.icmp('slt', x, y), x, y);
        const ext = (v: Value): Value => ((v.type as { bits?: number }).bits ?? 64) < 64 ? b.cast('zext', v, i64) : v;
        // A block of the function: the range stays inside it.
        const last = r.size ? b.sub(r.size.map((v) => ext(this.sweep.mapV(v))).reduce((x, y) => b.mul(x, y)), constInt(i64, 1)) : null;
        // The hull of the accesses' ranges that are not empty (a loop that does not run has an empty one).
        let lo: Value = constInt(i64, 2n ** 63n - 1n);
        let hi: Value = constInt(i64, -(2n ** 63n));
        for (const part of r.parts) {
          let plo = this.evalExpr(part.lo, b, memo);
          let phi = this.evalExpr(part.hi, b, memo);
          if (last) { plo = smax(plo, zero); phi = smin(phi, last); } else if (merged(part.lo)) plo = smax(plo, zero);
          let some: Value = b.icmp('sle', plo, phi);
          for (const c of part.conds) {
            const cv = this.sweep.mapV(c.v);
            some = b.binop('and', some, c.want ? cv : b.binop('xor', cv, constInt(t.i1, 1)));
          }
          lo = smin(lo, b.select(some, plo, constInt(i64, 2n ** 63n - 1n)));
          hi = smax(hi, b.select(some, phi, constInt(i64, -(2n ** 63n))));
        }
        lo = b.select(b.icmp('sle', lo, hi), lo, zero);
        const d = b.add(b.sub(hi, lo), constInt(i64, 1));
        const len = b.select(b.icmp('sgt', d, constInt(i64, 0)), d, constInt(i64, 0), `ckpt.len${j}`);
        const p = b.gep(t.i8, b.bitcastIfNeeded(this.sweep.mapV(r.base), bp), [lo], `ckpt.range${j}`);
        const ps = frame.slot(bp, `ckpt.ptr${j}.${name}`, nullValue(bp));
        const lsl = frame.slot(i64, `ckpt.len${j}.${name}`, constInt(i64, 0));
        b.store(p, ps.fwd); b.store(len, lsl.fwd);
        ptrs.push(ps); lens.push(lsl);
        memTotal = b.add(memTotal, len);
      });
      rec = b.add(constInt(i64, stateBytes), b.binop('and', b.add(memTotal, constInt(i64, 15)), constInt(i64, -16)), 'ckpt.bytes');
      mem = { ptrs, lens, fixed: stateBytes, finalRec: frame.slot(bp, `ckpt.final.${name}`, nullValue(bp)), saved: frame.slot(i64, `ckpt.saved.${name}`, constInt(i64, 0)) };
    }
    const recSlot = mem ? frame.slot(i64, `ckpt.bytes.${name}`, constInt(i64, stateBytes)) : null;
    if (recSlot) b.store(rec, recSlot.fwd);
    // Tape bytes per iteration: the loop's own, and its inner loops' times their trip counts (an estimate at its entry).
    let tapePer: Value = constInt(i64, stride);
    // Per loop inside whose trip counts (its own and those of the loops between) are known at the entry: those counts.
    const innerTrips = new Map<LoopState, Value[]>();
    for (const s of innerBufs) {
      const l = [...this.plan.loops].find(([, x]) => x === s)![0];
      let est: Value | null = null;
      const factors: Value[] = [];
      for (let x: Loop | null = l; x && x !== loop; x = x.parent) {
        const tp = this.buffers.tripOf(x);
        if (!tp || !definedOutside(tp.init, loop) || !definedOutside(tp.bound, loop)) { est = null; break; }
        const v = this.buffers.tripValue(x, b);
        factors.push(v);
        est = est ? b.mul(est, v) : v;
      }
      if (est) innerTrips.set(s, factors);
      est ??= b.add(b.binop('lshr', memTotal, constInt(i64, 3)), constInt(i64, 2));
      tapePer = b.add(tapePer, b.mul(est, constInt(i64, this.buffers.bufferLayout(s).stride)));
    }
    let k: Value;
    if (bad) {
      k = n;
    } else if (every !== null) {
      const e = constInt(i64, every);
      k = b.select(b.icmp('ult', n, e), n, e);
    } else {
      const dbl = t.double;
      const sqrt = f.ctx.declare('llvm.sqrt.f64', dbl, [dbl]);
      const ceil = f.ctx.declare('llvm.ceil.f64', dbl, [dbl]);
      const nf = b.cast('uitofp', n, dbl);
      const ratio = rec.vk === 'const' && tapePer.vk === 'const'
        ? constFP(dbl, stateBytes / Math.max(1, stride))
        : b.binop('fdiv', b.cast('uitofp', rec, dbl), b.cast('uitofp', b.select(b.icmp('eq', tapePer, constInt(i64, 0)), constInt(i64, 1), tapePer), dbl));
      const kf = b.call(ceil, [b.call(sqrt, [b.fmul(nf, ratio)])]);
      let kc: Value = b.cast('fptoui', kf, i64);
      kc = b.select(b.icmp('ult', kc, constInt(i64, 1)), constInt(i64, 1), kc);
      kc = b.select(b.icmp('ugt', kc, n), n, kc);
      const over = b.icmp('ugt', b.mul(n, tapePer), constInt(i64, budget === null ? 2 ** 53 : Math.min(budget, 2 ** 53)));
      k = b.select(over, kc, n, 'ckpt.every');
    }
    b.store(k, kSlot.fwd);
    b.store(constInt(i64, 0), this.plan.segBase(ls).fwd);
    const nseg = b.binop('udiv', b.add(n, b.sub(k, constInt(i64, 1))), k, 'ckpt.segments');
    const trapBlock = (before: BasicBlock | undefined, at: Function): BasicBlock => {
      const tb = addBlock(m, at, `${name}.notape`, before);
      const tbb = new IRBuilder(m).atEnd(tb);
      tbb.call(f.ctx.declare('llvm.trap', t.void, []), []);
      tbb.unreachable();
      return tb;
    };
    // Allocation: split after the store of k so that a null block can trap. Blocks kept from the
    // previous call where they are large enough (src/tape/keep.ts).
    const tape = stride > 0 ? this.buffers.takeBlock(b, this.buffers.keptSlot(loop, ls), b.mul(k, constInt(i64, stride)), `${name}.tape`) : null;
    // Checkpoints only when the loop is checkpointed in this call: with k = n there is one segment,
    // never re-run, and its state is never read.
    const on = b.icmp('ult', k, n, 'ckpt.on') as Instruction;
    const onBlock = on.parent!;
    const join = splitAfter(m, onBlock, on, `${name}.ckpt.join`);
    const alloc = addBlock(m, fwdFn, `${name}.ckpt.alloc`, join);
    new IRBuilder(m).atEnd(onBlock).condBr(on, alloc, join);
    const ab = new IRBuilder(m).atEnd(alloc);
    const taken = this.buffers.takeBlock(ab, ckKept, ab.mul(mem ? ab.add(nseg, constInt(i64, 1)) : nseg, rec), `${name}.checkpoints`);
    ab.br(join);
    b = new IRBuilder(m).before(entryTerm);
    const cks = b.phi(bp, [[taken, alloc], [nullValue(bp), onBlock]], `${name}.checkpoints`);
    // Not inbounds: null when the loop is not checkpointed (then never read).
    if (mem) b.store(b.gep(t.i8, cks, [b.mul(nseg, rec)], null, false), mem.finalRec.fwd);
    const okBlock = entryTerm.parent!;
    // More iterations than 2^40 bytes of tape or checkpoints allow, or no memory: trap.
    let failed: Value = b.binop('or', b.binop('and', on, b.icmp('eq', cks, nullValue(bp))), b.icmp('ugt', q, lim));
    if (tape) failed = b.binop('or', failed, b.icmp('eq', tape, nullValue(bp)));
    let cont = splitAfter(m, okBlock, failed as Instruction, `${name}.taped`);
    const trap1 = trapBlock(cont, fwdFn);
    new IRBuilder(m).atEnd(okBlock).condBr(failed, trap1, cont);
    const cb = new IRBuilder(m).before(cont.terminator!);
    for (const buf of bufs) cb.store(buf.offset === 0 ? tape! : cb.gep(t.i8, tape!, [cb.mul(k, constInt(i64, buf.offset))], null, true), buf.slot.fwd);
    cb.store(cks, ckSlot.fwd);
    // The loop's phis keep naming the block they are entered from.
    for (const phi of phis) phi.blocks = phi.blocks.map((x) => (x === okBlock ? cont : x));

    // Loops inside: buffers indexed from the segment's start. Those whose trip counts are known at
    // the entry are reserved there for k iterations of this loop (counts multiplied, as
    // LoopBuffers.growBuffers does for a nest; at most 64 MB as an estimate), so that the check at
    // their header does not fire; the others grow while the first segments run.
    for (const s of innerBufs) {
      const il = [...this.plan.loops].find(([, x]) => x === s)![0];
      const factors = innerTrips.get(s);
      if (factors) {
        const rb = new IRBuilder(m).before(cont.terminator!);
        const limit = constInt(i64, Math.max(16, Math.floor(2 ** 26 / this.buffers.bufferLayout(s).stride)));
        const clamp = (v: Value): Value => rb.select(rb.icmp('ugt', v, limit), limit, v);
        let acc = clamp(k);
        for (const v of factors) acc = clamp(rb.mul(acc, clamp(v)));
        const need = rb.add(acc, constInt(i64, 0), 'seg.reserve') as Instruction;
        cont = this.buffers.emitGrow(il, s, need, constInt(i64, 0));
      }
      const tpi = this.buffers.tripOf(il);
      if (tpi && tpi.exact && tpi.single) {
        // An exact trip count and no other exit: its executions are checked when it is entered (none
        // grows when the reservation above holds), not at every header execution.
        const eb = new IRBuilder(m).before(this.buffers.loopEntry(il));
        const at = eb.sub(eb.load(i64, s.counter.fwd), eb.load(i64, this.plan.segBase(s).fwd), 'seg.at');
        const need = eb.add(at, this.buffers.exactEntries(il, s, eb), 'need');
        this.buffers.emitGrow(il, s, need as Instruction, at);
        continue;
      }
      // Right after the counter's increment, before the buffers' addresses are read.
      const gb = new IRBuilder(m).after(s.marker);
      const at = gb.sub(s.k, gb.load(i64, this.plan.segBase(s).fwd), 'seg.at');
      const need = gb.add(at, constInt(i64, 1), 'need');
      this.buffers.emitGrow(il, s, need as Instruction, at);
    }

    if (bad || !region0) {
      f.ctx.perf.push(`${f.fnName()}: the loop ${f.loopName(loop)}: tape kept whole (${bad}); its buffers are reserved from its trip count at its entry; no check in the loop`);
      return;
    }

    // Accesses whose range went through a merge check, in the forward sweep, that they stay inside it.
    if (mem) {
      const rangeTrap = trapBlock(undefined, fwdFn);
      mstate.ranges.forEach((r, j) => {
        for (const c of r.checks) {
          const fi = region0!.flatMap((blk) => blk.instructions).filter((i) => i.origin === c.at && i.op === c.at.op &&
            i.operands[c.at.op === 'store' ? 1 : 0] === this.sweep.mapV(c.ptr));
          for (const x of fi) {
            const cbd = new IRBuilder(m).before(x);
            const pi = cbd.cast('ptrtoint', x.operands[c.at.op === 'store' ? 1 : 0]!, i64);
            const st = cbd.cast('ptrtoint', cbd.load(bp, mem!.ptrs[j]!.fwd), i64);
            const en = cbd.add(st, cbd.load(i64, mem!.lens[j]!.fwd));
            const ok = cbd.binop('and', cbd.icmp('uge', pi, st), cbd.icmp('ule', cbd.add(pi, constInt(i64, c.size)), en), 'ckpt.inrange');
            const blk = x.parent!;
            const rest = splitAfter(m, blk, ok as Instruction, `${blk.name ?? 'bb'}.inrange`);
            new IRBuilder(m).atEnd(blk).condBr(ok, rest, rangeTrap);
          }
        }
      });
    }

    // Forward header: a new segment starts when k iterations of the current one have run; its state is saved.
    const kIdx = ls.k;
    const local = this.plan.segLocal(ls) as Instruction;
    const sbLoad = local.operands[1] as Instruction;
    const hb = new IRBuilder(m).before(sbLoad);
    const sb0 = hb.load(i64, this.plan.segBase(ls).fwd);
    const kv = hb.load(i64, kSlot.fwd, 'ckpt.k');
    const wrap = hb.icmp('eq', hb.sub(kIdx, sb0), kv);
    const wrapStore = hb.store(hb.select(wrap, kIdx, sb0), this.plan.segBase(ls).fwd);
    const headTop = local.parent!;
    const isNew = new IRBuilder(m).after(local).icmp('eq', local, constInt(i64, 0), 'ckpt.new');
    const body = splitAfter(m, headTop, isNew, `${name}.run`);
    const save = addBlock(m, fwdFn, `${name}.save`, body);
    const headBr = new IRBuilder(m).atEnd(headTop).condBr(isNew, save, body);
    this.versions.push({ fh, headBr, wrapStore, on, name });
    const sv = new IRBuilder(m).atEnd(save);
    for (const x of innerState) if (x.ls.buffers.length) sv.store(sv.load(i64, x.ls.counter.fwd), this.plan.segBase(x.ls).fwd);
    // No checkpoints (k = n in this call): nothing to save.
    const ckp = sv.load(bp, ckSlot.fwd, 'ckpt.records');
    const record = addBlock(m, fwdFn, `${name}.record`, body);
    sv.condBr(sv.icmp('eq', ckp, nullValue(bp)), body, record);
    sv.atEnd(record);
    const recV = recSlot ? sv.load(i64, recSlot.fwd, 'ckpt.bytes') : constInt(i64, stateBytes);
    const at = sv.mul(sv.binop('udiv', kIdx, kv), recV);
    const base = sv.gep(t.i8, ckp, [at], null, true);
    const fieldPtr = (bb: IRBuilder, p: Value, fl: StateField): Value => bb.bitcastIfNeeded(fl.offset === 0 ? p : bb.gep(t.i8, p, [constInt(i64, fl.offset)], null, true), m.ptrTo(fl.phi.type));
    const i64At = (bb: IRBuilder, p: Value, off: number): Value => bb.bitcastIfNeeded(bb.gep(t.i8, p, [constInt(i64, off)], null, true), m.ptrTo(i64));
    for (const fl of fields) sv.store(fl.phi, fieldPtr(sv, base, fl), fl.align);
    for (const x of innerState) sv.store(sv.load(i64, x.ls.counter.fwd), i64At(sv, base, x.offset));
    if (mem) this.copyRanges(sv, mem, (p, off) => [sv.gep(t.i8, base, [sv.add(constInt(i64, mem!.fixed), off)], null, true), p]);
    sv.br(body);

    // Values from before the loop that the loop reads: kept in slots, for the re-runs in the reverse.
    const region = this.region(fh)!;
    const regionSet = new Set(region);
    const spills = new Map<Value, { slot: ReturnType<typeof frame.slot> }>();
    const sp = new IRBuilder(m).before(cont.terminator!);
    for (const blk of region) {
      for (const i of blk.instructions) {
        const ops = i.op === 'phi' && blk === fh ? [] : i.operands;
        for (const o of ops) {
          if (o.vk !== 'inst' || spills.has(o)) continue;
          const oi = o as Instruction;
          if (!oi.parent || regionSet.has(oi.parent) || this.everywhere(oi)) continue;
          const slot = frame.slot(oi.type, `${oi.name ?? 'v'}.spill`);
          sp.store(oi, slot.fwd);
          spills.set(o, { slot });
        }
      }
      if (blk === fh) {
        // Latch values of the header's phis defined outside the loop.
        for (const phi of phis) {
          phi.operands.forEach((o, x) => {
            if (!regionSet.has(phi.blocks[x]!) || o.vk !== 'inst' || spills.has(o)) return;
            const oi = o as Instruction;
            if (!oi.parent || regionSet.has(oi.parent) || this.everywhere(oi)) return;
            const slot = frame.slot(oi.type, `${oi.name ?? 'v'}.spill`);
            sp.store(oi, slot.fwd);
            spills.set(o, { slot });
          });
        }
      }
    }

    // Reverse: stepping back over the back edge into an earlier segment re-runs it.
    const ck: Ckpt = { loop, fh, region, regionSet, fields, fieldPtr, kSlot, ckSlot, recBytes: recSlot ?? stateBytes, spills, trapBlock, inner: innerState, mem };
    const hooks = this.plan.backEdgeStores.filter((h) => h.loop === loop);
    for (const h of hooks) this.replayAt(h.store, ck);
    // The end of the reverse sweep: the memory as the forward sweep left it, when a re-run changed it.
    if (mem) {
      const eb = new IRBuilder(m).before(finalAt);
      const was = eb.icmp('ne', eb.load(i64, frame.rev(mem.saved)), constInt(i64, 0));
      const fin = eb.load(bp, frame.rev(mem.finalRec));
      this.copyRanges(eb, mem, (p, off) => [p, eb.gep(t.i8, fin, [off], null, true)], (len) => eb.select(was, len, constInt(i64, 0)));
    }

    const what = mem
      ? `; state ${stateBytes} bytes (${phis.length} header phis, ${inner.length} counters of loops inside) and ${mem.ptrs.length} memory ranges (${mstate.ranges.map((r) => this.baseName(r.base)).join(', ')}; their bytes computed at its entry)`
      : `; state ${stateBytes} bytes (${phis.length} header phis${inner.length ? `, ${inner.length} counters of loops inside` : ''})`;
    const deferred = mstate.deferFrees.length ? `; ${mstate.deferFrees.length} frees of that memory deferred to the end of the reverse sweep` : '';
    const innerNote = innerBufs.length ? `; the tapes of ${innerBufs.length} loops inside hold one segment too` : '';
    f.ctx.perf.push(`${f.fnName()}: the loop ${f.loopName(loop)}: ` + (every !== null
      ? `checkpointed every ${every} iterations (--checkpoint-every)`
      : mem || innerBufs.length
        ? `checkpointed when its tape (${stride} bytes per iteration and the tapes of the loops inside, estimated at its entry) exceeds ${budget === null ? 'no budget' : `${budget} bytes`}, every k = ceil(sqrt(n * S / T)) iterations for n iterations, S bytes of state and T bytes of tape per iteration (computed at its entry)`
        : `checkpointed when its tape (${stride} bytes per iteration) exceeds ${budget === null ? 'no budget' : `${budget} bytes`}, every k = ceil(sqrt(n * ${stateBytes} / ${stride})) iterations for n iterations (computed at its entry)`) +
      `${what}${innerNote}${deferred}; the reverse re-runs each segment of k iterations from its state`);
  }

  private baseName(v: Value): string {
    if (v.name !== null) return `%${v.name}`;
    if (v.vk === 'argument') return `argument ${(v as unknown as { index: number }).index + 1}`;
    return v.vk === 'inst' ? this.f.describe(v as Instruction) : 'a pointer';
  }

  /** memcpy for every memory range: `ends(start, offset in the record)` gives [dst, src]. */
  private copyRanges(b: IRBuilder, mem: NonNullable<Ckpt['mem']>, ends: (p: Value, off: Value) => [Value, Value], lenOf: (len: Value) => Value = (l) => l): void {
    const t = this.f.m.types;
    const frame = this.plan.frame;
    const memcpy = this.f.ctx.memIntrinsic('memcpy');
    let off: Value = constInt(t.i64, 0);
    mem.ptrs.forEach((ps, j) => {
      const p = b.load(frame.bytePtr, frame.rev(ps));
      const len = b.load(t.i64, frame.rev(mem.lens[j]!));
      const [dst, src] = ends(p, off);
      b.call(memcpy, [dst, src, lenOf(len), constInt(t.i1, 0)]);
      off = b.add(off, len);
    });
  }

  /** Whether a forward value is available everywhere in the function (entry block, prologue, or a block outside loops that dominates the return). */
  private everywhere(i: Instruction): boolean {
    const blk = i.parent!;
    if (blk === this.sweep.fwdFn.blocks[0] || !this.sweep.fwdFn.blocks.includes(blk)) return true;
    const info = this.sweep.blockInfo.get(blk);
    return !!info && info.loop === null && info.domExit;
  }

  /** The forward blocks of the loop headed by `fh`: those that reach a back edge to it without passing it. */
  private region(fh: BasicBlock): BasicBlock[] | null {
    const fn = this.sweep.fwdFn;
    const preds = new Map<BasicBlock, BasicBlock[]>();
    for (const blk of fn.blocks) {
      const term = blk.terminator;
      if (!term) continue;
      for (const s of successors(term)) { let l = preds.get(s); if (!l) { l = []; preds.set(s, l); } l.push(blk); }
    }
    const out: BasicBlock[] = [fh];
    const seen = new Set<BasicBlock>([fh]);
    const work: BasicBlock[] = [];
    // Back edges: predecessors of the header that the header reaches.
    const reach = new Set<BasicBlock>([fh]);
    const fw = [fh];
    while (fw.length) { const x = fw.pop()!; const xt = x.terminator; if (!xt) continue; for (const s of successors(xt)) if (!reach.has(s)) { reach.add(s); fw.push(s); } }
    for (const p of preds.get(fh) ?? []) if (reach.has(p) && !seen.has(p)) { seen.add(p); out.push(p); work.push(p); }
    while (work.length) {
      const x = work.pop()!;
      for (const p of preds.get(x) ?? []) if (!seen.has(p)) { seen.add(p); out.push(p); work.push(p); }
    }
    return out.length > 1 || (preds.get(fh) ?? []).includes(fh) ? out : null;
  }

  /** Why re-running the forward blocks would not be a pure recomputation of the loop, or null. */
  private unsafe(region: BasicBlock[], loop: Loop, hasMem: boolean): string | null {
    const markers = new Set<Instruction>();
    for (const [l, s] of this.plan.loops) if (loop.containsLoop(l)) markers.add(s.marker);
    for (const blk of region) {
      for (const i of blk.instructions) {
        if (i.op === 'store') {
          if (markers.has(i) || this.plan.tapeStores.has(i as StoreInst)) continue;
          // A store of the primal loop, to the primal address (the memory state, saved in the checkpoints).
          const prim = i.origin;
          if (hasMem && prim && prim.op === 'store' && prim.parent && loop.contains(prim.parent) &&
            i.operands[1] === this.sweep.mapV((prim as StoreInst).ptr)) continue;
          return 'its forward sweep writes memory';
        }
        if (i.op === 'call') {
          const prim = i.origin;
          if (!prim || prim.op !== 'call' || !prim.parent) return 'its forward sweep calls a function the primal does not';
          continue;
        }
        if (i.op === 'alloca' || i.op === 'invoke' || i.op === 'atomicrmw' || i.op === 'cmpxchg' || i.op === 'fence') return `its forward sweep contains '${i.op}'`;
      }
    }
    return null;
  }

  /**
   * After the store of the decremented counter `st` on the reversed back edge:
   * when the iteration now reversed lies before the segment the tape holds,
   * the previous segment's forward iterations are run again from its checkpoint
   * (its registers, the counters of the loops inside, its memory).
   */
  private replayAt(st: StoreInst, c: Ckpt): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const i64 = t.i64;
    const fn = st.parent!.parent;
    const frame = this.plan.frame;
    const bp = frame.bytePtr;
    const ls = this.plan.loopState(c.loop);
    const counter = frame.revLocal(ls.counter);
    const name = c.loop.header.name ?? 'loop';
    const j1 = st.operands[0]!;
    const eb = st.parent!;
    const cont = splitAfter(m, eb, st, `${eb.name ?? 'invert'}.cont`);
    const entry = addBlock(m, fn, `${name}.replay`, cont);
    const done = addBlock(m, fn, `${name}.replayed`, cont);
    const b = new IRBuilder(m).atEnd(eb);
    const sb = b.load(i64, this.plan.segBase(ls).fwd, 'ckpt.base');
    // Rare (once per segment, never when the loop is not checkpointed): said so to the optimizer.
    const expect = f.ctx.declare('llvm.expect.i1', t.i1, [t.i1, t.i1]);
    b.condBr(b.call(expect, [b.icmp('ult', j1, sb, 'ckpt.before'), constInt(t.i1, 0)]), entry, cont);
    // The previous segment: its base, its state, the counter at its start.
    b.atEnd(entry);
    const kv = b.load(i64, frame.rev(c.kSlot), 'ckpt.k');
    const nb = b.sub(sb, kv, 'ckpt.prev');
    b.store(nb, this.plan.segBase(ls).fwd);
    b.store(nb, counter);
    const end = b.add(nb, kv, 'ckpt.end');
    const recV = typeof c.recBytes === 'number' ? constInt(i64, c.recBytes) : b.load(i64, frame.rev(c.recBytes), 'ckpt.bytes');
    const at = b.mul(b.binop('udiv', nb, kv), recV);
    const base = b.gep(t.i8, b.load(bp, frame.rev(c.ckSlot)), [at], null, true);
    const state = new Map<PhiInst, Value>();
    for (const fl of c.fields) state.set(fl.phi, b.load(fl.phi.type, c.fieldPtr(b, base, fl), `${fl.phi.name ?? 'state'}.restored`, fl.align));
    for (const x of c.inner) {
      const cv = b.load(i64, b.bitcastIfNeeded(b.gep(t.i8, base, [constInt(i64, x.offset)], null, true), m.ptrTo(i64)), 'counter.restored');
      b.store(cv, frame.revLocal(x.ls.counter));
      if (x.ls.buffers.length) b.store(cv, this.plan.segBase(x.ls).fwd);
    }
    const vmap = new Map<Value, Value>();
    for (const [v, s] of c.spills) vmap.set(v, b.load(v.type, s.slot.fwd, `${v.name ?? 'v'}.reload`));
    let from = entry;
    if (c.mem) {
      // The first re-run keeps the memory as the forward sweep left it (put back at the end), then each puts back its segment's.
      const mem = c.mem;
      const first = addBlock(m, fn, `${name}.keepfinal`, done);
      const restore = addBlock(m, fn, `${name}.restore`, done);
      b.condBr(b.icmp('eq', b.load(i64, frame.rev(mem.saved)), constInt(i64, 0)), first, restore);
      const fb = new IRBuilder(m).atEnd(first);
      const fin = fb.load(bp, frame.rev(mem.finalRec));
      this.copyRanges(fb, mem, (p, off) => [fb.gep(t.i8, fin, [off], null, true), p]);
      fb.store(constInt(i64, 1), frame.rev(mem.saved));
      fb.br(restore);
      b.atEnd(restore);
      this.copyRanges(b, mem, (p, off) => [p, b.gep(t.i8, base, [b.add(constInt(i64, mem.fixed), off)], null, true)]);
      from = restore;
    }
    // A copy of the forward blocks, entered at the header with the restored state.
    const bmap = new Map<BasicBlock, BasicBlock>();
    for (const blk of c.region) bmap.set(blk, addBlock(m, fn, `${blk.name ?? 'bb'}.replay`, done));
    const next = addBlock(m, fn, `${name}.replay.next`, done);
    const trap = c.trapBlock(done, fn);
    b.br(bmap.get(c.fh)!);
    const clones: [Instruction, Instruction][] = [];
    for (const blk of c.region) {
      const nbk = bmap.get(blk)!;
      for (const i of blk.instructions) {
        const cl = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as Instruction, i);
        cl.parent = nbk;
        cl.operands = [...i.operands];
        cl.name = i.name !== null ? `${i.name}.rp` : null;
        const s = (i as { successors?: BasicBlock[] }).successors;
        if (s) (cl as { successors: BasicBlock[] }).successors = s.map((x) => {
          if (x === c.fh) return next;
          return bmap.get(x) ?? trap;
        });
        if (i.op === 'phi') (cl as PhiInst).blocks = [...(i as PhiInst).blocks];
        nbk.instructions.push(cl);
        vmap.set(i, cl);
        clones.push([i, cl]);
      }
    }
    for (const [i, cl] of clones) {
      if (cl.op === 'phi') {
        const phi = cl as PhiInst;
        if (i.parent === c.fh) {
          // Header: the restored state from the replay's entry, the latch value from `next`.
          const ins: Value[] = []; const blks: BasicBlock[] = [];
          phi.blocks.forEach((x, k) => {
            if (!c.regionSet.has(x)) return;
            ins.push(vmap.get(phi.operands[k]!) ?? phi.operands[k]!); blks.push(next);
          });
          phi.operands = [state.get(i as PhiInst)!, ...ins.slice(0, 1)];
          phi.blocks = [from, ...blks.slice(0, 1)];
          continue;
        }
        phi.operands = phi.operands.map((o) => vmap.get(o) ?? o);
        phi.blocks = phi.blocks.map((x) => bmap.get(x) ?? x);
        continue;
      }
      cl.operands = cl.operands.map((o) => vmap.get(o) ?? o);
    }
    // `next`: the segment is done after k header executions.
    const nxb = new IRBuilder(m).atEnd(next);
    const cur = nxb.load(i64, counter);
    nxb.condBr(nxb.icmp('eq', cur, end), done, bmap.get(c.fh)!);
    const db = new IRBuilder(m).atEnd(done);
    db.store(j1, counter);
    db.br(cont);
  }

  /**
   * After every other change to the forward sweep: each checkpoint-ready loop's forward blocks are
   * duplicated, and the copy, without the segment bookkeeping (a segment is the whole loop, its base
   * stays 0, nothing is saved), runs when the loop is not checkpointed in this call (k = n, the
   * common case): the bookkeeping cost as much as the loop's own work on small bodies. The copy's
   * tape stores are the same (indexed by the counter less the base, 0), so the reverse sweep reads
   * either version's tape alike. Loops whose forward sweep leaves by more than one edge (traps
   * aside) keep one version.
   */
  versionLoops(): void {
    for (const v of this.versions) this.version(v);
  }

  private version(v: Versioned): void {
    const m = this.f.m;
    const fn = this.sweep.fwdFn;
    const region = this.region(v.fh);
    if (!region || !region.includes(v.headBr.parent!) || !region.includes(v.wrapStore.parent!)) return;
    const set = new Set(region);
    const preds = new Map<BasicBlock, BasicBlock[]>();
    for (const blk of fn.blocks) {
      const term = blk.terminator;
      if (!term) continue;
      for (const s of successors(term)) { let l = preds.get(s); if (!l) { l = []; preds.set(s, l); } l.push(blk); }
    }
    const entering = (preds.get(v.fh) ?? []).filter((p) => !set.has(p));
    if (entering.length !== 1) return;
    const e0 = entering[0]!;
    // Traps (a block that only traps) may be left to from anywhere; otherwise one exit edge.
    const isTrap = (blk: BasicBlock): boolean => blk.terminator?.op === 'unreachable' && blk.instructions.every((i) => i.op !== 'phi');
    let exit: { from: BasicBlock; to: BasicBlock } | null = null;
    for (const blk of region) {
      for (const s of successors(blk.terminator!)) {
        if (set.has(s) || isTrap(s)) continue;
        if (exit && (exit.from !== blk || exit.to !== s)) return;
        exit = { from: blk, to: s };
      }
    }
    if (!exit || successors(exit.from.terminator!).filter((s) => s === exit!.to).length !== 1) return;
    const defs = new Set<Value>(region.flatMap((blk) => blk.instructions));
    // Uses of the loop's values after it (none may be in a trap block, which the exit does not dominate).
    const outside: Instruction[] = [];
    for (const blk of fn.blocks) {
      if (set.has(blk)) continue;
      for (const i of blk.instructions) {
        if (!i.operands.some((o) => defs.has(o))) continue;
        if (isTrap(blk)) return;
        outside.push(i);
      }
    }
    const ex = exit;

    // The copy.
    const bmap = new Map<BasicBlock, BasicBlock>();
    const last = region.reduce((a, blk) => (fn.blocks.indexOf(blk) > fn.blocks.indexOf(a) ? blk : a), region[0]!);
    const after = fn.blocks[fn.blocks.indexOf(last) + 1];
    for (const blk of region) bmap.set(blk, addBlock(m, fn, `${blk.name ?? 'bb'}.nockpt`, after));
    const vmap = new Map<Value, Value>();
    const clones: Instruction[] = [];
    for (const blk of region) {
      const nb = bmap.get(blk)!;
      for (const i of blk.instructions) {
        const cl = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as Instruction, i);
        cl.parent = nb;
        cl.operands = [...i.operands];
        cl.name = i.name !== null ? `${i.name}.nc` : null;
        const su = (i as { successors?: BasicBlock[] }).successors;
        if (su) (cl as { successors: BasicBlock[] }).successors = su.map((x) => bmap.get(x) ?? x);
        if (i.op === 'phi') (cl as PhiInst).blocks = (i as PhiInst).blocks.map((x) => bmap.get(x) ?? x);
        nb.instructions.push(cl);
        vmap.set(i, cl);
        clones.push(cl);
      }
    }
    for (const cl of clones) cl.operands = cl.operands.map((o) => vmap.get(o) ?? o);
    // No bookkeeping in the copy: the base is not moved, no segment starts.
    const ws = vmap.get(v.wrapStore) as Instruction;
    ws.parent!.instructions.splice(ws.parent!.instructions.indexOf(ws), 1);
    const hb = vmap.get(v.headBr) as BrInst;
    hb.operands = [];
    hb.successors = [hb.successors[1]!];
    // Blocks of the copy no longer reached (the saves) go.
    const reached = new Set<BasicBlock>([bmap.get(v.fh)!]);
    const work = [bmap.get(v.fh)!];
    while (work.length) {
      const x = work.pop()!;
      for (const s of successors(x.terminator!)) if (!reached.has(s) && [...bmap.values()].includes(s)) { reached.add(s); work.push(s); }
    }
    for (const nb of bmap.values()) {
      if (reached.has(nb)) {
        for (const i of nb.instructions) {
          if (i.op !== 'phi') break;
          const phi = i as PhiInst;
          const keep = phi.blocks.map((x) => !bmap.has(x) && [...bmap.values()].includes(x) ? reached.has(x) : true);
          phi.operands = phi.operands.filter((_, k) => keep[k]);
          phi.blocks = phi.blocks.filter((_, k) => keep[k]);
        }
        continue;
      }
      fn.blocks.splice(fn.blocks.indexOf(nb), 1);
    }
    const dead = new Set([...bmap.values()].filter((nb) => !reached.has(nb)));
    if (dead.has(bmap.get(ex.from)!)) throw new Error('versionLoops: the copy of a checkpoint-ready loop lost its exit');

    // The exit: both versions leave through a new block, whose phis give the loop's values to what follows.
    const x0 = addBlock(m, fn, `${v.name}.versions.exit`, ex.to);
    const redirect = (blk: BasicBlock): void => {
      const t = blk.terminator as { successors: BasicBlock[] };
      t.successors = t.successors.map((s) => (s === ex.to ? x0 : s));
    };
    redirect(ex.from);
    redirect(bmap.get(ex.from)!);
    for (const i of ex.to.instructions) {
      if (i.op !== 'phi') break;
      (i as PhiInst).blocks = (i as PhiInst).blocks.map((x) => (x === ex.from ? x0 : x));
    }
    const xb = new IRBuilder(m).atEnd(x0);
    const merged = new Map<Value, Value>();
    const mergeOf = (d: Value): Value => {
      let r = merged.get(d);
      if (!r) {
        r = xb.phi(d.type, [[d, ex.from], [vmap.get(d)!, bmap.get(ex.from)!]], `${d.name ?? 'v'}.merged`);
        merged.set(d, r);
      }
      return r;
    };
    for (const i of outside) i.operands = i.operands.map((o) => (defs.has(o) ? mergeOf(o) : o));
    xb.br(ex.to);

    // The entry: the copy when the loop is not checkpointed in this call.
    let into = e0;
    const et = e0.terminator as BrInst;
    if (et.op !== 'br' || et.successors.length !== 1) {
      into = addBlock(m, fn, `${v.name}.versions`, v.fh);
      et.successors = et.successors.map((s) => (s === v.fh ? into : s));
      for (const i of v.fh.instructions) {
        if (i.op !== 'phi') break;
        (i as PhiInst).blocks = (i as PhiInst).blocks.map((x) => (x === e0 ? into : x));
      }
      for (const i of bmap.get(v.fh)!.instructions) {
        if (i.op !== 'phi') break;
        (i as PhiInst).blocks = (i as PhiInst).blocks.map((x) => (x === e0 ? into : x));
      }
    } else {
      into.instructions.splice(into.instructions.indexOf(et), 1);
    }
    new IRBuilder(m).atEnd(into).condBr(v.on, v.fh, bmap.get(v.fh)!);
  }
}
