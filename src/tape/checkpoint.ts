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
//   - an outermost loop without inner loops, one entering edge, one latch, one
//     exit, and an exact trip count at its entry (src/tape/trip.ts);
//   - its carried state is its header's phis only: the body stores nothing,
//     allocates nothing, calls nothing but math functions the rules know, and
//     loads only memory that nothing in the function may overwrite (so a
//     re-run reads what the first run read).
// The decision is taken at run time at the loop's entry: with n header
// executions and T tape bytes per iteration, the loop is checkpointed when
// n * T exceeds the budget (`--tape-budget`), with k = ceil(sqrt(n * S / T))
// for S bytes of state (the k that minimizes k * T + n / k * S); otherwise k = n
// (one segment: the whole tape, as without checkpointing, and no re-run).

import { IRBuilder, addBlock, constFP, constInt, nullValue } from '../ir/builder.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { Instruction, PhiInst, StoreInst } from '../ir/instructions.js';
import { successors } from '../ir/instructions.js';
import type { Loop } from '../ir/loops.js';
import type { Value } from '../ir/value.js';
import type { FunctionFacts } from '../ad/facts.js';
import type { ForwardSweep } from '../ad/sweep.js';
import type { TapePlan } from './plan.js';
import type { LoopBuffers } from './buffers.js';
import { splitAfter } from './buffers.js';

/** The default tape budget per loop: 256 MB. */
export const DEFAULT_TAPE_BUDGET = 256 * 2 ** 20;

/**
 * Why `loop` cannot be checkpointed, or null when it can (see the header comment).
 * Looks at the primal loop only.
 */
export function whyNotCheckpointed(f: FunctionFacts, loop: Loop, exactTrip: boolean): string | null {
  if (f.split) return 'the reverse of a call (split pair) keeps its tape';
  if (loop.parent) return 'a loop inside another loop';
  if (loop.children.length) return 'it contains loops';
  const sl = f.simpleLoop(loop.header);
  if (!sl || loop.latches.length !== 1) return 'not a loop with one entry and one latch';
  if (loop.exitingBlocks.length !== 1) return 'more than one exit';
  if (!exactTrip) return 'no exact trip count at its entry';
  for (const b of loop.blocks) {
    for (const i of b.instructions) {
      switch (i.op) {
        case 'store': return 'it writes memory (only state kept in registers is checkpointed)';
        case 'alloca': return 'it allocates stack memory';
        case 'load': {
          if (!f.overwrite || !f.overwrite.reloadable(i, (a) => f.argUnchanging(a))) return 'it reads memory the function may overwrite';
          break;
        }
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
  return null;
}

interface StateField { phi: PhiInst; offset: number; align: number }

export class LoopCheckpoints {
  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    private readonly plan: TapePlan,
    private readonly buffers: LoopBuffers,
  ) {}

  /**
   * After the plan is materialized (the forward sweep has its tape stores, the
   * reverse its tape reads), before the other loops' buffers are grown: sets up
   * every checkpointable loop that has a tape. `atExit` is at the end of the
   * reverse sweep: the checkpoints are freed there.
   */
  apply(atExit: IRBuilder): void {
    for (const [loop, ls] of this.plan.loops) {
      if (!ls.seg || !ls.buffers.length) continue;
      this.setup(loop, atExit);
    }
  }

  private setup(loop: Loop, atExit: IRBuilder): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const ls = this.plan.loopState(loop);
    const seg = ls.seg!;
    const fwdFn = this.sweep.fwdFn;
    const bp = this.plan.frame.bytePtr;
    const frame = this.plan.frame;
    const name = loop.header.name ?? 'loop';
    const fh = this.sweep.fwdBlocks.get(loop.header)!;
    const budget = f.ctx.opts.tapeBudget === undefined ? DEFAULT_TAPE_BUDGET : f.ctx.opts.tapeBudget;
    const every = f.ctx.opts.checkpointEvery ?? null;

    // The loop's entry in the forward sweep (an edge block when a guard branches around the loop).
    const entryTerm = this.buffers.loopEntry(loop);
    const region = this.region(fh);
    const regionSet = new Set(region);
    const bad = region ? this.unsafe(region, ls.marker) : 'its forward sweep could not be delimited';

    // State: the forward header's phis, laid out by alignment.
    const phis: PhiInst[] = [];
    for (const i of fh.instructions) { if (i.op !== 'phi') break; phis.push(i as PhiInst); }
    const dl = f.ctx.dl;
    const fields: StateField[] = phis.map((phi) => ({ phi, offset: 0, align: Math.max(1, dl.align(phi.type)) }));
    fields.sort((a, b) => b.align - a.align);
    let stateBytes = 0;
    for (const fl of fields) { stateBytes = Math.ceil(stateBytes / fl.align) * fl.align; fl.offset = stateBytes; stateBytes += Math.max(1, dl.allocSize(fl.phi.type)); }
    const maxAlign = fields.reduce((a, x) => Math.max(a, x.align), 1);
    stateBytes = Math.max(1, Math.ceil(stateBytes / maxAlign) * maxAlign);
    const { bufs, stride } = this.buffers.bufferLayout(ls);

    // Slots: k, the checkpoints.
    const kSlot = frame.slot(t.i64, `ckpt.k.${name}`, constInt(t.i64, 1));
    const ckSlot = frame.slot(bp, `ckpt.${name}`, nullValue(bp));
    atExit.call(f.ctx.declare('free', t.void, [bp]), [atExit.load(bp, frame.rev(ckSlot))]);

    // At the loop's entry: n, k, the tape of k iterations and the checkpoints of n / k segments.
    const b = new IRBuilder(m).before(entryTerm);
    const hard = Math.floor(2 ** 40 / Math.max(stride, stateBytes));
    const lim = constInt(t.i64, hard);
    const q = this.buffers.tripExact(loop, b);
    const n = b.add(b.select(b.icmp('ugt', q, lim), lim, q), constInt(t.i64, 1), 'ckpt.n');
    let k: Value;
    if (bad) {
      k = n;
    } else if (every !== null) {
      const e = constInt(t.i64, every);
      k = b.select(b.icmp('ult', n, e), n, e);
    } else {
      const dbl = t.double;
      const sqrt = f.ctx.declare('llvm.sqrt.f64', dbl, [dbl]);
      const ceil = f.ctx.declare('llvm.ceil.f64', dbl, [dbl]);
      const nf = b.cast('uitofp', n, dbl);
      const kf = b.call(ceil, [b.call(sqrt, [b.fmul(nf, constFP(dbl, stateBytes / stride))])]);
      let kc: Value = b.cast('fptoui', kf, t.i64);
      kc = b.select(b.icmp('ult', kc, constInt(t.i64, 1)), constInt(t.i64, 1), kc);
      kc = b.select(b.icmp('ugt', kc, n), n, kc);
      const over = b.icmp('ugt', b.mul(n, constInt(t.i64, stride)), constInt(t.i64, budget === null ? 2 ** 53 : Math.min(budget, 2 ** 53)));
      k = b.select(over, kc, n, 'ckpt.every');
    }
    b.store(k, kSlot.fwd);
    b.store(constInt(t.i64, 0), this.plan.segBase(ls).fwd);
    const nseg = b.binop('udiv', b.add(n, b.sub(k, constInt(t.i64, 1))), k, 'ckpt.segments');
    const malloc = f.ctx.declare('malloc', bp, [t.i64]);
    const trapBlock = (before: BasicBlock | undefined, at: Function): BasicBlock => {
      const tb = addBlock(m, at, `${name}.notape`, before);
      const tbb = new IRBuilder(m).atEnd(tb);
      tbb.call(f.ctx.declare('llvm.trap', t.void, []), []);
      tbb.unreachable();
      return tb;
    };
    // Allocation: split after the store of k so that a null block can trap.
    const tape = b.call(malloc, [b.mul(k, constInt(t.i64, stride))], `${name}.tape`);
    const cks = b.call(malloc, [b.mul(nseg, constInt(t.i64, stateBytes))], `${name}.checkpoints`);
    const okBlock = entryTerm.parent!;
    // More iterations than 2^40 bytes of tape or checkpoints allow, or no memory: trap.
    const failed = b.binop('or', b.binop('or', b.icmp('eq', tape, nullValue(bp)), b.icmp('eq', cks, nullValue(bp))), b.icmp('ugt', q, lim));
    const cont = splitAfter(m, okBlock, failed as Instruction, `${name}.taped`);
    const trap1 = trapBlock(cont, fwdFn);
    new IRBuilder(m).atEnd(okBlock).condBr(failed, trap1, cont);
    const cb = new IRBuilder(m).before(cont.terminator!);
    for (const buf of bufs) cb.store(buf.offset === 0 ? tape : cb.gep(t.i8, tape, [cb.mul(k, constInt(t.i64, buf.offset))], null, true), buf.slot.fwd);
    cb.store(cks, ckSlot.fwd);
    // The loop's phis keep naming the block they are entered from.
    for (const phi of phis) phi.blocks = phi.blocks.map((x) => (x === okBlock ? cont : x));

    if (bad || !region) {
      f.ctx.perf.push(`${f.fnName()}: the loop ${f.loopName(loop)}: tape kept whole (${bad}); its buffers are reserved from its trip count at its entry; no check in the loop`);
      return;
    }

    // Forward header: a new segment starts when k iterations of the current one have run; its state is saved.
    const kIdx = ls.k;
    const local = seg.local as Instruction;
    const sbLoad = local.operands[1] as Instruction;
    const hb = new IRBuilder(m).before(sbLoad);
    const sb0 = hb.load(t.i64, this.plan.segBase(ls).fwd);
    const kv = hb.load(t.i64, kSlot.fwd, 'ckpt.k');
    const wrap = hb.icmp('eq', hb.sub(kIdx, sb0), kv);
    hb.store(hb.select(wrap, kIdx, sb0), this.plan.segBase(ls).fwd);
    const headTop = local.parent!;
    const isNew = new IRBuilder(m).after(local).icmp('eq', local, constInt(t.i64, 0), 'ckpt.new');
    const body = splitAfter(m, headTop, isNew, `${name}.run`);
    const save = addBlock(m, fwdFn, `${name}.save`, body);
    new IRBuilder(m).atEnd(headTop).condBr(isNew, save, body);
    const sv = new IRBuilder(m).atEnd(save);
    const at = sv.mul(sv.binop('udiv', kIdx, kv), constInt(t.i64, stateBytes));
    const base = sv.gep(t.i8, sv.load(bp, ckSlot.fwd), [at], null, true);
    const fieldPtr = (bb: IRBuilder, p: Value, fl: StateField): Value => bb.bitcastIfNeeded(fl.offset === 0 ? p : bb.gep(t.i8, p, [constInt(t.i64, fl.offset)], null, true), m.ptrTo(fl.phi.type));
    for (const fl of fields) sv.store(fl.phi, fieldPtr(sv, base, fl), fl.align);
    sv.br(body);
    region.push(save, body);
    regionSet.add(save); regionSet.add(body);

    // Values from before the loop that the loop reads: kept in slots, for the re-runs in the reverse.
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
    const hooks = this.plan.backEdgeStores.filter((h) => h.loop === loop);
    for (const h of hooks) this.replayAt(h.store, { loop, fh, region, regionSet, fields, fieldPtr, kSlot, ckSlot, stateBytes, spills, trapBlock });

    f.ctx.perf.push(`${f.fnName()}: the loop ${f.loopName(loop)}: ` + (every !== null
      ? `checkpointed every ${every} iterations (--checkpoint-every)`
      : `checkpointed when its tape (${stride} bytes per iteration) exceeds ${budget === null ? 'no budget' : `${budget} bytes`}, every k = ceil(sqrt(n * ${stateBytes} / ${stride})) iterations for n iterations (computed at its entry)`) +
      `; state ${stateBytes} bytes (${phis.length} header phis); the reverse re-runs each segment of k iterations from its state`);
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

  /** Why re-running the forward blocks would not be a pure recomputation, or null. */
  private unsafe(region: BasicBlock[], marker: Instruction): string | null {
    for (const blk of region) {
      for (const i of blk.instructions) {
        if (i.op === 'store') { if (i !== marker && !this.plan.tapeStores.has(i as StoreInst)) return 'its forward sweep writes memory'; continue; }
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
   * the previous segment's forward iterations are run again from its checkpoint.
   */
  private replayAt(st: StoreInst, c: {
    loop: Loop; fh: BasicBlock; region: BasicBlock[]; regionSet: Set<BasicBlock>; fields: StateField[];
    fieldPtr: (b: IRBuilder, p: Value, fl: StateField) => Value; kSlot: { fwd: Value }; ckSlot: { fwd: Value }; stateBytes: number;
    spills: Map<Value, { slot: { fwd: Value } }>; trapBlock: (before: BasicBlock | undefined, at: Function) => BasicBlock;
  }): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const fn = st.parent!.parent;
    const bp = this.plan.frame.bytePtr;
    const ls = this.plan.loopState(c.loop);
    const counter = this.plan.frame.revLocal(ls.counter);
    const name = c.loop.header.name ?? 'loop';
    const j1 = st.operands[0]!;
    const eb = st.parent!;
    const cont = splitAfter(m, eb, st, `${eb.name ?? 'invert'}.cont`);
    const entry = addBlock(m, fn, `${name}.replay`, cont);
    const done = addBlock(m, fn, `${name}.replayed`, cont);
    const b = new IRBuilder(m).atEnd(eb);
    const sb = b.load(t.i64, this.plan.segBase(ls).fwd, 'ckpt.base');
    // Rare (once per segment, never when the loop is not checkpointed): said so to the optimizer.
    const expect = f.ctx.declare('llvm.expect.i1', t.i1, [t.i1, t.i1]);
    b.condBr(b.call(expect, [b.icmp('ult', j1, sb, 'ckpt.before'), constInt(t.i1, 0)]), entry, cont);
    // The previous segment: its base, its state, the counter at its start.
    b.atEnd(entry);
    const kv = b.load(t.i64, c.kSlot.fwd, 'ckpt.k');
    const nb = b.sub(sb, kv, 'ckpt.prev');
    b.store(nb, this.plan.segBase(ls).fwd);
    b.store(nb, counter);
    const end = b.add(nb, kv, 'ckpt.end');
    const at = b.mul(b.binop('udiv', nb, kv), constInt(t.i64, c.stateBytes));
    const base = b.gep(t.i8, b.load(bp, c.ckSlot.fwd), [at], null, true);
    const state = new Map<PhiInst, Value>();
    for (const fl of c.fields) state.set(fl.phi, b.load(fl.phi.type, c.fieldPtr(b, base, fl), `${fl.phi.name ?? 'state'}.restored`, fl.align));
    const vmap = new Map<Value, Value>();
    for (const [v, s] of c.spills) vmap.set(v, b.load(v.type, s.slot.fwd, `${v.name ?? 'v'}.reload`));
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
          phi.blocks = [entry, ...blks.slice(0, 1)];
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
    const cur = nxb.load(t.i64, counter);
    nxb.condBr(nxb.icmp('eq', cur, end), done, bmap.get(c.fh)!);
    const db = new IRBuilder(m).atEnd(done);
    db.store(j1, counter);
    db.br(cont);
  }
}

