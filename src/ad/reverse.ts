// Stage 3 of the transform: the reverse sweep. Every primal block that can
// reach a `ret` gets an `invert<bb>` block that visits its instructions
// backwards, retracing the forward path (recorded branch decisions, loop
// counters stepped back). Adjoints live in stack slots (`x'de`, one per lane)
// that are accumulated with `+=` and zeroed once consumed, so any control flow
// works and -O2's mem2reg turns them back into registers. Primal values come
// from the tape plan (`plan.get`); derivatives of opcodes and math functions
// come from the rule table (src/rules), which knows nothing of either.

import { IRBuilder, addIncoming, constFP, constInt, nullValue, addFunction, addBlock } from '../ir/builder.js';
import type { Loop } from '../ir/loops.js';
import { ConstantAggregate, type Constant } from '../ir/constants.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { AllocaInst, CallInst, Instruction, InvokeInst, PhiInst } from '../ir/instructions.js';
import { PhiInst as PhiClass, successors } from '../ir/instructions.js';
import type { FunctionType, Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { Partials, RuleEnv } from '../rules/api.js';
import { instRule } from '../rules/instructions.js';
import { isIntLeafType } from '../analysis/activity.js';
import { floatBitsWidth, type BitField } from '../analysis/floatbits.js';
import type { Prologue } from '../tape/frame.js';
import type { RevCtx, TapePlan } from '../tape/plan.js';
import type { FunctionFacts } from './facts.js';
import type { ForwardSweep } from './sweep.js';
import { toI64At } from './sweep.js';
import { sameObject } from './memkind.js';
import { BlasCalls, blasAlphaActive, blasReverse, blasScalarActive, type BlasSaved } from './blas.js';
import { layoutHelper } from './copylayout.js';
import { releaseFn } from './release.js';
import { activePartials, makeRuleEnv } from './ruleenv.js';
import { laneName, lanesType, type SplitPair } from './signature.js';
import { allocLikeFree } from './custom.js';
import { tapeGiveFn, tapeTakeFn, type KeptBlocks } from '../tape/keep.js';
import type { GlobalVariable } from '../ir/function.js';
import { reverseVecMem } from './vecmem.js';

type CallBase = CallInst | InvokeInst;

/** Operations whose reverse only moves adjoints between values (skippableLoop). */
const SKIP_OPS = new Set([
  'fneg', 'fadd', 'fsub', 'fmul', 'fdiv', 'frem', 'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem', 'shl', 'lshr', 'ashr',
  'and', 'or', 'xor', 'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'bitcast',
  'icmp', 'fcmp', 'getelementptr', 'select', 'extractelement', 'insertelement', 'shufflevector', 'extractvalue', 'insertvalue', 'freeze',
]);

/** How the reverse sweep is entered: set up by the forward sweep's `ret`s. */
export interface ReverseEntry {
  /** Combined shape: the block every forward `ret` branches to. */
  fwdReturn: BasicBlock;
  /** Which `ret` the forward sweep left through (an index phi in fwdReturn). */
  retIdx: PhiInst | null;
  /** The adjoint of the return value (a parameter), when the return is active. */
  seed: Value | null;
}

/** A call replaced by its augmented forward in the forward sweep: its pair, and its tape. */
export interface AugmentedCall { pair: SplitPair; tape: Value }

export class ReverseSweep {
  /** Per lane: the adjoint slot of each active value. */
  readonly diffeSlots: Map<Value, Value>[];
  private readonly revBlocks = new Map<BasicBlock, BasicBlock>();
  private readonly predPhis = new Map<BasicBlock, PhiInst>();
  private readonly width: number;
  revExit!: BasicBlock;
  /**
   * Slots for blocks kept from one call to the next (src/tape/keep.ts), set by the generator; null:
   * none (`enzyme_nofree`). Zeroed shadows of heap memory freed at the reverse of their allocation
   * come from them (keptShadow).
   */
  kept: KeptBlocks | null = null;
  /** The forward `calloc`s of shadows turned into kept blocks, and their slots. */
  private readonly keptShadows = new Map<Instruction, GlobalVariable>();

  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    private readonly plan: TapePlan,
    /** The reverse function: the same as the forward one (combined) or `reverse_<f>` (split). */
    private readonly revFn: Function,
    /** Where adjoint slots are allocated. */
    private readonly revPro: Prologue,
    private readonly entry: ReverseEntry,
    private readonly augCalls: ReadonlyMap<CallBase, AugmentedCall>,
  ) {
    this.width = f.width;
    this.diffeSlots = Array.from({ length: f.width }, () => new Map<Value, Value>());
  }

  // -- adjoints ----------------------------------------------------------------------

  private diffeSlot(v: Value, lane: number): Value {
    const slots = this.diffeSlots[lane]!;
    let s = slots.get(v);
    if (!s) {
      const b = new IRBuilder(this.f.m).atEnd(this.revPro.allocas);
      const nm = laneName(v.name !== null ? `${v.name}'de` : null, this.width, lane);
      s = b.alloca(v.type, nm);
      b.atEnd(this.revPro.init).store(adjointZero(v.type), s);
      slots.set(v, s);
    }
    return s;
  }

  /** Loads lane `lane`'s adjoint of `v` and resets it to zero (it is consumed). */
  private takeDiffe(v: Value, b: IRBuilder, lane: number): Value {
    const s = this.diffeSlot(v, lane);
    const d = b.load(v.type, s, laneName(v.name !== null ? `d${v.name}` : null, this.width, lane));
    b.store(adjointZero(v.type), s);
    return d;
  }

  private addDiffe(v: Value, delta: Value, b: IRBuilder, lane: number): void {
    if (!this.f.aa.varied.has(v)) return;
    const s = this.diffeSlot(v, lane);
    const old = b.load(v.type, s);
    const bits = this.f.aa.bits;
    b.store(addValues(b, old, delta, (p) => bits.fields(v, p)), s);
  }

  /** Lane `lane` of a batched value (`[N x T]`), or the value itself at width 1. */
  private laneOf(v: Value, b: IRBuilder, lane: number): Value {
    return this.width === 1 ? v : b.extractValue(v, [lane]);
  }

  /** `[N x T]` from one value per lane, or the only value at width 1. */
  packLanes(vals: readonly Value[], b: IRBuilder): Value {
    if (this.width === 1) return vals[0]!;
    let agg: Value = b.undef(lanesType(this.f.m, vals[0]!.type, this.width));
    vals.forEach((v, k) => { agg = b.insertValue(agg, v, [k]); });
    return agg;
  }

  /** Reverse mode of a rule: each lane's adjoint of the result, transposed through the partials into the active operands. */
  private applyPartials(i: Instruction, rc: RevCtx, partials: (e: RuleEnv) => Partials, operands: readonly Value[]): void {
    const b = rc.b;
    const active = (v: Value): boolean => this.f.aa.varied.has(v);
    const env = makeRuleEnv(this.f.ctx, b, (v) => this.plan.get(this.sweep.mapV(v), rc), active, true);
    const ps = activePartials(partials(env), operands, active);
    for (let lane = 0; lane < this.width; lane++) {
      const d = this.takeDiffe(i, b, lane);
      for (const { v, p } of ps) this.addDiffe(v, p.vjp(d), b, lane);
    }
  }

  // -- reverse sweep -----------------------------------------------------------------

  build(): void {
    const rev = this.revFn;
    const order = [...this.f.cfg.rpo].reverse().filter((b) => this.f.reaches.has(b));
    let revEntry: BasicBlock | null = null;
    if (this.f.split) revEntry = addBlock(this.f.m, rev, 'entry');
    for (const b of order) this.revBlocks.set(b, addBlock(this.f.m, rev, `invert${b.name ?? ''}`));
    this.revExit = addBlock(this.f.m, rev, 'invertexit');

    // Into the reverse: from the forward return (combined) or the reverse function's entry (split).
    const into = new IRBuilder(this.f.m);
    if (!this.f.split) {
      into.atEnd(this.entry.fwdReturn);
      this.branchTo(into, this.entry.retIdx!, this.f.retBlocks.map((r) => this.revBlocks.get(r)!));
    } else {
      into.atEnd(revEntry!);
      const rc: RevCtx = { pb: null, rb: revEntry!, b: into };
      const targets = this.f.retBlocks.map((r) => this.revBlocks.get(r)!);
      this.branchTo(into, targets.length > 1 ? this.plan.get(this.entry.retIdx!, rc) : this.entry.retIdx!, targets);
    }
    for (const b of order) this.invertBlock(b);
  }

  /** `br` to the only target, or `switch` on an index. */
  private branchTo(b: IRBuilder, idx: Value, targets: BasicBlock[]): void {
    if (targets.length === 0) { b.unreachable(); return; }
    if (targets.length === 1) { b.br(targets[0]!); return; }
    b.switch(idx, targets[0]!, targets.slice(1).map((t, k) => [constInt(idx.type, k + 1), t] as const));
  }

  private invertBlock(B: BasicBlock): void {
    const rb = this.revBlocks.get(B)!;
    const b = new IRBuilder(this.f.m).atEnd(rb);
    const rc: RevCtx = { pb: B, rb, b };
    const aa = this.f.aa;
    const term = B.terminator;
    if (term && term.op === 'ret' && this.f.sig.retActive && term.operands[0]) {
      for (let lane = 0; lane < this.width; lane++) this.addDiffe(term.operands[0], this.laneOf(this.entry.seed!, b, lane), b, lane);
    }
    const insts = B.instructions;
    for (let k = insts.length - 1; k >= 0; k--) {
      const i = insts[k]!;
      if (i.op === 'phi') break;
      // An invoke is the block's terminator and its call: the call is reversed here.
      if (i === term && i.op !== 'invoke') continue;
      if (i.op === 'store' && this.f.intStores.has(i)) {
        // A plain integer overwrote bytes that may have held floating data: their adjoint stops here.
        b.origin = i;
        for (let lane = 0; lane < this.width; lane++) b.store(nullValue(i.value.type), this.plan.get(this.sweep.shadowOf(i.ptr, i, lane), rc), i.align);
        continue;
      }
      const dyn = i.op === 'alloca' ? this.sweep.dynAllocaShadows.get(i as AllocaInst) : undefined;
      if (dyn) {
        // A variable-sized alloca's heap shadow (sweep.ts): every use has been reversed.
        b.origin = i;
        const free = this.f.ctx.declare('free', this.f.m.types.void, [this.plan.frame.bytePtr]);
        for (const s of dyn) b.call(free, [b.bitcastIfNeeded(this.plan.get(s, rc), this.plan.frame.bytePtr)]);
        continue;
      }
      if (!aa.isActiveInst(i)) continue;
      b.origin = i;
      this.reverseInst(i, rc);
    }
    b.origin = null;
    // Phi adjoints are consumed here and handed to the incoming value of the edge taken.
    const phis: [PhiInst, Value[]][] = [];
    for (const i of insts) {
      if (i.op !== 'phi') break;
      if (aa.isActiveValue(i)) phis.push([i, Array.from({ length: this.width }, (_, lane) => this.takeDiffe(i, b, lane))]);
    }
    if (B === this.f.cfg.entry) { b.br(this.revExit); return; }
    const preds = this.f.cfg.preds(B).filter((p) => this.f.cfg.isReachable(p));
    if (preds.length === 1) {
      this.edge(preds[0]!, B, phis, b, rc);
      this.intoPred(preds[0]!, B, b);
      return;
    }
    const idx = this.headerDecision(B, preds, rc) ?? this.plan.get(this.predPhi(B, preds), rc);
    const targets = preds.map((p) => {
      if (!this.edgeHasWork(p, B, phis)) return this.revBlocks.get(p)!;
      const eb = addBlock(this.f.m, this.revFn, `invert${B.name ?? ''}_from_${p.name ?? ''}`);
      const e = new IRBuilder(this.f.m).atEnd(eb);
      this.edge(p, B, phis, e, { pb: B, rb: eb, b: e });
      this.intoPred(p, B, e);
      return eb;
    });
    this.branchTo(b, idx, targets);
  }

  private headerDecision(B: BasicBlock, preds: BasicBlock[], rc: RevCtx): Value | null {
    const sl = this.f.simpleLoop(B);
    if (!sl) return null;
    const k = this.plan.revIndex(sl.loop, rc);
    const start = this.plan.revStartLoop(sl.loop) ? this.plan.revStartLoad(sl.loop, rc.b) : this.plan.get(this.plan.loopStart(sl.loop, sl.outside), rc);
    const t = this.f.m.types.i8;
    const first = rc.b.icmp('eq', k, start, 'first.iter');
    return rc.b.select(first, constInt(t, preds.indexOf(sl.outside)), constInt(t, preds.indexOf(sl.latch)));
  }

  /** The index of the predecessor the forward sweep came from (a phi in the forward block). */
  private predPhi(B: BasicBlock, preds: BasicBlock[]): PhiInst {
    let p = this.predPhis.get(B);
    if (p) return p;
    const t = preds.length < 128 ? this.f.m.types.i8 : this.f.m.types.i32;
    const nb = this.sweep.fwdBlocks.get(B)!;
    p = new PhiClass(t, [], []);
    p.name = `${B.name ?? 'bb'}.from`;
    // One entry per edge: a switch with several cases to B (or `br %c, %B, %B`) branches to it more than once.
    preds.forEach((pr, k) => {
      const edges = pr.terminator ? successors(pr.terminator).filter((s) => s === B).length : 1;
      for (let e = 0; e < Math.max(1, edges); e++) addIncoming(p!, constInt(t, k), this.sweep.fwdBlocks.get(pr)!);
    });
    nb.instructions.unshift(p);
    p.parent = nb;
    this.predPhis.set(B, p);
    this.plan.noteDecision(p, B, preds);
    return p;
  }

  private edgeHasWork(P: BasicBlock, B: BasicBlock, phis: [PhiInst, Value[]][]): boolean {
    if (phis.some(([phi]) => this.f.aa.varied.has(phi.operands[phi.blocks.indexOf(P)]!))) return true;
    for (let l = this.f.li.loopFor(P); l; l = l.parent) if (!l.contains(B) || l.header === B) return true;
    return false;
  }

  /** Reverse of the primal edge P -> B: phi adjoints to P's incoming values, loop counters stepped back. */
  private edge(P: BasicBlock, B: BasicBlock, phis: [PhiInst, Value[]][], b: IRBuilder, rc: RevCtx): void {
    for (const [phi, ds] of phis) {
      const v = phi.operands[phi.blocks.indexOf(P)]!;
      ds.forEach((d, lane) => this.addDiffe(v, d, b, lane));
    }
    for (let l = this.f.li.loopFor(P); l; l = l.parent) {
      if (l.contains(B) && l.header !== B) continue;
      const ls = this.plan.loopState(l);
      const slot = this.plan.frame.revLocal(ls.counter);
      const c = b.load(this.f.m.types.i64, slot);
      // Leaving the loop in the forward sweep: where this execution started, if the reverse computes it.
      if (!l.contains(B) && this.plan.revStartLoop(l)) this.plan.setRevStart(l, c, rc);
      const st = b.store(b.sub(c, constInt(this.f.m.types.i64, 1)), slot);
      // Back into an earlier iteration of a checkpointed loop: its segment may have to be re-run (src/tape/checkpoint.ts).
      if (ls.seg && l.header === B) this.plan.backEdgeStores.push({ loop: l, store: st });
    }
  }

  /**
   * From the reverse of edge P -> B (its phi adjoints handed over, counters stepped back) into the
   * reverse of P. When the edge leaves a loop whose reverse can only add zeros (skippableLoop), the
   * reverse of that execution of the loop is skipped when every adjoint that flows into it is zero:
   * the loop's counter is set back to where the execution started, as the reverse of its
   * iterations would have left it, and the reverse goes on before the loop.
   */
  private intoPred(P: BasicBlock, B: BasicBlock, b: IRBuilder): void {
    const target = this.revBlocks.get(P)!;
    const sk = this.skippableLoop(P, B);
    if (!sk) { b.br(target); return; }
    const { loop: L, outside, live } = sk;
    let allZero: Value | null = null;
    for (const v of live) {
      for (let lane = 0; lane < this.width; lane++) {
        const d = b.load(v.type, this.diffeSlot(v, lane));
        const z = b.fcmp('oeq', d, constFP(v.type, 0), 'adj.zero');
        allZero = allZero ? b.binop('and', allZero, z) : z;
      }
    }
    const skip = addBlock(this.f.m, this.revFn, `invert${L.header.name ?? ''}_skip`);
    if (allZero) b.condBr(allZero, skip, target); else b.br(skip);
    const sb = new IRBuilder(this.f.m).atEnd(skip);
    const rc: RevCtx = { pb: L.header, rb: skip, b: sb };
    const start = this.plan.revStartLoop(L) ? this.plan.revStartLoad(L, sb) : this.plan.get(this.plan.loopStart(L, outside), rc);
    sb.store(start, this.plan.frame.revLocal(this.plan.loopState(L).counter));
    // The loop's entry edge, as the reverse of its first iteration takes it (no phi adjoints: all zero).
    this.edge(outside, L.header, [], sb, rc);
    sb.br(this.revBlocks.get(outside)!);
  }

  /**
   * The loop that edge P -> B leaves, when the reverse of one of its executions can be skipped
   * once the adjoints flowing into it are zero: an innermost simple loop (one entry, one latch)
   * left into its parent, not checkpointed itself, whose reverse only
   * propagates adjoints of values (arithmetic, math functions, loads: no store, no call with
   * memory effects, no allocation). Every adjoint its reverse adds is then a product with an
   * adjoint of a value defined in the loop, and those are all zero at its exit but for the
   * loop's live-outs (`live`: values defined in the loop used after it, all floating scalars).
   * With them zero the reverse adds only zeros (`0 * x`; the one difference: an infinite or NaN
   * partial would have made a NaN of it).
   */
  private skippableLoop(P: BasicBlock, B: BasicBlock): { loop: Loop; outside: BasicBlock; live: Value[] } | null {
    const f = this.f;
    const L = f.li.loopFor(P);
    if (!L || L.contains(B) || L.children.length > 0 || f.li.loopFor(B) !== L.parent) return null;
    const have = this.skippable.get(L);
    if (have !== undefined) return have;
    const r = this.skippableShape(L);
    this.skippable.set(L, r);
    if (r) {
      const what = r.live.length === 0 ? 'always (no adjoint flows into it)' : r.live.length === 1 ? 'when the adjoint of its result is zero' : `when the adjoints of its ${r.live.length} results are zero`;
      f.ctx.perf.push(`${f.fnName()}: the reverse of the loop ${f.loopName(L)} is skipped ${what}`);
    }
    return r;
  }

  private readonly skippable = new Map<Loop, { loop: Loop; outside: BasicBlock; live: Value[] } | null>();

  private skippableShape(L: Loop): { loop: Loop; outside: BasicBlock; live: Value[] } | null {
    const f = this.f;
    const aa = f.aa;
    const sl = f.simpleLoop(L.header);
    if (!sl || f.ctx.opts.checkpoint === 'cache') return null;
    // Inside a checkpointed loop is fine (its tape then holds one segment: `seg`): skipping leaves
    // the counter where the reverse of the iterations would, and a re-run of a segment restores it
    // from the segment's state anyway. Not a checkpointed loop itself (an outermost one).
    if (this.plan.loopState(L).seg && !L.parent) return null;
    const inL = new Set<Value>();
    for (const bb of L.blocks) {
      const term = bb.terminator;
      if (!term || (term.op !== 'br' && term.op !== 'switch')) return null;
      for (const i of bb.instructions) {
        inL.add(i);
        if (i.op === 'store' || i.op === 'alloca' || i.op === 'invoke' || i.op === 'atomicrmw' || i.op === 'cmpxchg' || i.op === 'fence') return null;
        if (i.op === 'call') {
          const k = aa.callKind(i as CallInst);
          const name = k.k === 'indirect' || k.k === 'asm' ? '' : k.name;
          const ok = (k.k === 'rule' && !(k.rule.outArgs ?? []).length) || (!aa.isActiveInst(i) && /^llvm\.(lifetime|dbg|assume|experimental\.noalias)/.test(name));
          if (!ok) return null;
          continue;
        }
        if (!aa.isActiveInst(i)) continue;
        if (i.op !== 'load' && i.op !== 'phi' && !SKIP_OPS.has(i.op)) return null;
      }
    }
    const live = new Set<Value>();
    for (const bb of f.prim.blocks) {
      if (L.contains(bb)) continue;
      for (const i of bb.instructions) for (const o of i.operands) {
        if (!inL.has(o) || !aa.varied.has(o)) continue;
        if (o.type.kind !== 'float') return null;
        live.add(o);
      }
    }
    // Only where every result's adjoint can be zero for a reason of the program's structure: the
    // check costs a few instructions per execution of the loop, for nothing where it never passes.
    if (![...live].every((v) => this.mayGetZeroAdjoint(v, L, 0))) return null;
    return { loop: L, outside: sl.outside, live: [...live] };
  }

  /**
   * Whether the adjoint of `v` (defined in loop L) is zero on some path for a structural reason:
   * through floating arithmetic (fneg, fadd, fsub, fmul, fdiv, casts, math functions) and phis,
   * it reaches a choice: a value operand of a `select` (a running minimum, an if-converted
   * branch), a minimum or a maximum.
   */
  private mayGetZeroAdjoint(v: Value, L: Loop, depth: number): boolean {
    if (depth > 4) return false;
    for (const u of this.usersOf(v)) {
      if (u.parent && L.contains(u.parent)) continue;
      switch (u.op) {
        case 'select': if (u.operands[0] !== v) return true; break;
        // A phi passes the adjoint on (the join of an unrolled loop and its remainder is a phi too).
        case 'phi': if (this.mayGetZeroAdjoint(u, L, depth + 1)) return true; break;
        case 'call': {
          const k = this.f.aa.callKind(u as CallInst);
          if (k.k !== 'rule') break;
          if (/^(llvm\.)?(fmin|fmax|minnum|maxnum|minimum|maximum)/.test(k.name)) return true;
          if (u.type.kind === 'float' && this.mayGetZeroAdjoint(u, L, depth + 1)) return true;
          break;
        }
        case 'fneg': case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'fpext': case 'fptrunc':
          if (this.mayGetZeroAdjoint(u, L, depth + 1)) return true;
          break;
        default: break;
      }
    }
    return false;
  }

  private users: Map<Value, Instruction[]> | null = null;

  private usersOf(v: Value): Instruction[] {
    if (!this.users) {
      const m = new Map<Value, Instruction[]>();
      for (const bb of this.f.prim.blocks) for (const i of bb.instructions) for (const o of new Set(i.operands)) {
        let l = m.get(o);
        if (!l) { l = []; m.set(o, l); }
        l.push(i);
      }
      this.users = m;
    }
    return this.users.get(v) ?? [];
  }

  /** A shadow access: it touches no loop buffer of the tape (DiffContext.tapeAliasList). */
  private notTape<T extends Instruction>(i: T): T {
    i.attachments = [...(i.attachments ?? []), { kind: 'noalias', md: this.f.ctx.tapeAliasList() }];
    return i;
  }

  private reverseInst(i: Instruction, rc: RevCtx): void {
    const b = rc.b;
    const aa = this.f.aa;
    switch (i.op) {
      case 'store': {
        for (let lane = 0; lane < this.width; lane++) {
          const sp = this.plan.get(this.sweep.shadowOf(i.ptr, i, lane), rc);
          const t = i.value.type;
          const ds = this.notTape(b.load(t, sp, null, i.align));
          this.notTape(b.store(nullValue(t), sp, i.align));
          if (aa.isActiveValue(i.value)) this.addDiffe(i.value, ds, b, lane);
        }
        return;
      }
      case 'load': {
        for (let lane = 0; lane < this.width; lane++) {
          const d = this.takeDiffe(i, b, lane);
          const sp = this.plan.get(this.sweep.shadowOf(i.ptr, i, lane), rc);
          const old = this.notTape(b.load(i.type, sp, null, i.align));
          this.notTape(b.store(addValues(b, old, d), sp, i.align));
        }
        return;
      }
      case 'call': case 'invoke': {
        this.reverseCall(i, rc);
        return;
      }
      default: {
        const rule = instRule(i.op);
        if (!rule) {
          this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: no derivative rule for '${i.op}'`, i);
        }
        this.applyPartials(i, rc, (e) => rule.partials(e, i), i.operands);
      }
    }
  }

  private reverseCall(i: CallBase, rc: RevCtx): void {
    const b = rc.b;
    const aa = this.f.aa;
    const k = aa.callKind(i);
    const t = this.f.m.types;
    switch (k.k) {
      case 'rule': {
        // Memory the call overwrote with values without derivative (modf's integral part): the adjoints there are discarded.
        for (const o of k.rule.outArgs ?? []) {
          if (!o.zeroShadow || !aa.shadowed(i.arg(o.arg))) continue;
          for (let lane = 0; lane < this.width; lane++) {
            b.store(nullValue(i.type), this.plan.get(this.sweep.shadowOf(i.arg(o.arg), i, lane), rc));
          }
        }
        if (!aa.isActiveValue(i)) return;
        const args = i.args();
        this.applyPartials(i, rc, (e) => k.rule.partials!(e, i as CallInst, args), args);
        return;
      }
      case 'defined': {
        const ac = this.augCalls.get(i);
        if (!ac) return;
        const { pair } = ac;
        const args: Value[] = [];
        i.args().forEach((a, n) => {
          args.push(this.plan.get(this.sweep.mapV(a), rc));
          if (pair.sig.args[n] === 'dup') for (let lane = 0; lane < this.width; lane++) args.push(this.plan.get(this.sweep.shadowOf(a, i, lane), rc));
        });
        if (pair.sig.retActive) args.push(this.packLanes(Array.from({ length: this.width }, (_, lane) => this.takeDiffe(i, b, lane)), b));
        args.push(this.plan.get(ac.tape, rc));
        if (pair.sig.arena) args.push(this.plan.frame.arenaRev());
        const r = b.call(pair.rev, args, pair.rev.fnType.ret.kind === 'void' ? null : `${i.name ?? 'call'}_grads`);
        let g = 0;
        i.args().forEach((a, n) => {
          if (pair.sig.args[n] !== 'active') return;
          if (this.width === 1) this.addDiffe(a, b.extractValue(r, [g]), b, 0);
          else for (let lane = 0; lane < this.width; lane++) this.addDiffe(a, b.extractValue(r, [g, lane]), b, lane);
          g++;
        });
        return;
      }
      case 'memcpy': case 'memmove': {
        const lay = this.f.kinds.copyLayout(i);
        if (lay) {
          // Mixed fields: each floating field's adjoint moves in its own type.
          if (!lay.fields.some((x) => x.kind !== 'pointer')) return;
          const srcShadowed = aa.shadowed(i.arg(1));
          const helper = layoutHelper(this.f.ctx, lay, !srcShadowed ? 'zero' : k.k === 'memmove' ? 'move' : 'adj');
          const bp = this.plan.frame.bytePtr;
          for (let lane = 0; lane < this.width; lane++) {
            const a: Value[] = [b.bitcastIfNeeded(this.plan.get(this.sweep.shadowOf(i.arg(0), i, lane), rc), bp)];
            if (srcShadowed) a.push(b.bitcastIfNeeded(this.plan.get(this.sweep.shadowOf(i.arg(1), i, lane), rc), bp));
            a.push(toI64At(this.plan.get(this.sweep.mapV(i.arg(2)), rc), b));
            b.call(helper, a);
          }
          return;
        }
        const kind = this.f.kinds.memKind(i);
        if (kind === 'pointer' || kind === 'none') return;
        for (let lane = 0; lane < this.width; lane++) {
          const dd = this.plan.get(this.sweep.shadowOf(i.arg(0), i, lane), rc);
          const n = toI64At(this.plan.get(this.sweep.mapV(i.arg(2)), rc), b);
          const ds = aa.shadowed(i.arg(1)) ? this.plan.get(this.sweep.shadowOf(i.arg(1), i, lane), rc) : null;
          // Overlapping memmove: the adjoints move in the order that reads each one before it is overwritten.
          const helper = this.memcpyAdjoint(kind, ds !== null, k.k === 'memmove' && ds !== null);
          const bp = this.plan.frame.bytePtr;
          const a: Value[] = [b.bitcastIfNeeded(dd, bp)];
          if (ds) a.push(b.bitcastIfNeeded(ds, bp));
          a.push(n);
          b.call(helper, a);
        }
        return;
      }
      case 'vecmem': {
        for (let lane = 0; lane < this.width; lane++) {
          reverseVecMem({
            m: this.f.m, b,
            primal: (v) => this.plan.get(this.sweep.mapV(v), rc),
            shadow: (v) => this.plan.get(this.sweep.shadowOf(v, i, lane), rc),
            takeResult: () => this.takeDiffe(i, b, lane),
            add: (v, d) => this.addDiffe(v, d, b, lane),
            varied: (v) => aa.varied.has(v),
            declareHelper: (name, make) => this.f.m.getFunction(name) ?? make(),
          }, i, k.shape);
        }
        return;
      }
      case 'memset': {
        for (let lane = 0; lane < this.width; lane++) {
          const dd = this.plan.get(this.sweep.shadowOf(i.arg(0), i, lane), rc);
          const n = toI64At(this.plan.get(this.sweep.mapV(i.arg(2)), rc), b);
          const bp = this.plan.frame.bytePtr;
          b.call(this.f.ctx.memIntrinsic('memset'), [b.bitcastIfNeeded(dd, bp), constInt(t.i8, 0), n, constInt(t.i1, 0)]);
        }
        return;
      }
      case 'realloc': {
        const moved = this.sweep.reallocMoved.get(i);
        if (!moved) return;
        const kind = this.f.kinds.kindOfMemory([i], i, 'the reallocated memory');
        const freed = this.sweep.freedClasses.some((f) => sameObject(f, i, this.slots())) || this.f.release.releasedAtAlloc(i);
        const ctx = this.f.ctx;
        const release = freed || this.f.sig.nofree ? null : releaseFn(this.f.m, (n, r, p) => ctx.declare(n, r, p));
        const bp = this.plan.frame.bytePtr;
        for (let lane = 0; lane < this.width; lane++) {
          const nu = b.bitcastIfNeeded(this.plan.get(this.sweep.shadowOf(i, i, lane), rc), bp);
          if (kind !== 'pointer' && kind !== 'none') {
            const old = b.bitcastIfNeeded(this.plan.get(this.sweep.shadowOf(i.arg(0), i, lane), rc), bp);
            b.call(this.memcpyAdjoint(kind, true), [nu, old, this.plan.get(moved[lane]!, rc)]);
          }
          if (freed) b.call(this.f.ctx.declare('free', t.void, [bp]), [nu]);
          else if (release) b.call(release, [nu]);
        }
        return;
      }
      case 'blas': {
        const saved = this.sweep.blasSaved.get(i);
        if (!saved) return;
        const rule = k.rule;
        const get = (v: Value | null): Value | null => (v === null ? null : this.plan.get(v, rc));
        const s: BlasSaved = {
          n: get(saved.n)!, incx: get(saved.incx)!, incy: get(saved.incy), alpha: get(saved.alpha),
          xCopy: get(saved.xCopy), yCopy: get(saved.yCopy),
        };
        if (rule.routine === 'gemv' || rule.routine === 'gemm') {
          s.layout = get(saved.layout!)!; s.trans = get(saved.trans!)!; s.m = get(saved.m!)!; s.lda = get(saved.lda!)!; s.beta = get(saved.beta!)!;
          s.aCopy = get(saved.aCopy ?? null);
        }
        if (rule.routine === 'gemm') { s.transb = get(saved.transb!)!; s.k = get(saved.k!)!; }
        const betaActive = blasScalarActive(aa, rule, i, rule.beta);
        const scalarAdjoint = (pos: number, v: Value, lane: number): void => {
          const p = i.arg(pos);
          if (rule.abi === 'cblas') { this.addDiffe(p, v, b, lane); return; }
          const sp = b.bitcastIfNeeded(this.plan.get(this.sweep.shadowOf(p, i, lane), rc), this.f.m.ptrTo(v.type));
          b.store(b.fadd(b.load(v.type, sp), v), sp);
        };
        const calls = new BlasCalls(this.f.ctx, b, rule);
        const alphaActive = blasAlphaActive(aa, rule, i);
        const returns = rule.routine === 'dot' || rule.routine === 'nrm2';
        const result = rule.routine === 'nrm2' && aa.isActiveValue(i) ? this.plan.get(this.sweep.mapV(i), rc) : null;
        for (let lane = 0; lane < this.width; lane++) {
          const shadow = (pos: number): Value | null => (aa.shadowed(i.arg(pos)) ? this.plan.get(this.sweep.shadowOf(i.arg(pos), i, lane), rc) : null);
          const d = returns && aa.isActiveValue(i) ? this.takeDiffe(i, b, lane) : null;
          const betaOut: { da: Value | null } = { da: null };
          const da = blasReverse(calls, s, { shadow }, d, result, alphaActive, b, betaActive, betaOut);
          if (da && rule.alpha !== null) scalarAdjoint(rule.alpha, da, lane);
          if (betaOut.da && rule.beta !== undefined) scalarAdjoint(rule.beta, betaOut.da, lane);
        }
        for (const c of [s.xCopy, s.yCopy, s.aCopy ?? null]) if (c) calls.free(c);
        return;
      }
      case 'posix_memalign': {
        // The shadow goes when the program frees the block: a pointer loaded from the out-pointer's memory.
        const made = this.sweep.posixShadows.get(i);
        const slot = i.arg(0);
        const freed = this.sweep.freedClasses.some((f) => {
          let v: Value = f;
          while (v.vk === 'inst' && ((v as Instruction).op === 'bitcast' || (v as Instruction).op === 'addrspacecast')) v = (v as Instruction).operands[0]!;
          return v.vk === 'inst' && (v as Instruction).op === 'load' && sameObject((v as Instruction).operands[0]!, slot);
        });
        if (!made || !freed) return;
        const free = this.f.ctx.declare('free', t.void, [this.plan.frame.bytePtr]);
        for (const s of made) b.call(free, [b.bitcastIfNeeded(this.plan.get(s, rc), this.plan.frame.bytePtr)]);
        return;
      }
      case 'malloc': case 'calloc': {
        // The shadow dies with the allocation (src/ad/release.ts): freed here when the primal memory
        // cannot outlive the derivative, else only if a `free` handed it over at run time.
        const freedHere = this.sweep.freedClasses.some((f) => sameObject(f, i, this.slots()));
        const here = freedHere || this.f.release.releasedAtAlloc(i);
        if (!here && (this.f.sig.nofree || k.like)) return;
        const ctx = this.f.ctx;
        const free = here ? ctx.declare('free', t.void, [this.plan.frame.bytePtr]) : releaseFn(this.f.m, (n, r, p) => ctx.declare(n, r, p));
        for (let lane = 0; lane < this.width; lane++) {
          const fs = this.sweep.shadowOf(i, i, lane);
          const slot = freedHere && !k.like && !this.hasRealloc() ? this.keptShadow(fs) : null;
          const s = this.plan.get(fs, rc);
          // A registered allocator's shadow goes back through its deallocator (custom.ts).
          if (k.like) { allocLikeFree(b, k.like, s, i.args().map((a) => this.plan.get(this.sweep.mapV(a), rc))); continue; }
          if (slot) b.call(tapeGiveFn(this.f.m, (n, r, p) => this.f.ctx.declare(n, r, p)), [slot, b.bitcastIfNeeded(s, this.plan.frame.bytePtr)]);
          else b.call(free, [b.bitcastIfNeeded(s, this.plan.frame.bytePtr)]);
        }
        return;
      }
      default: return;
    }
  }

  /**
   * The shadow `fs` of a heap allocation whose reverse frees it (the primal memory cannot outlive
   * the derivative): when the forward sweep made it with `calloc`, that call becomes a block taken
   * from a slot kept from one derivative call to the next (src/tape/keep.ts) and zeroed, and the
   * slot is returned (the reverse gives the block back to it). A large shadow freed at the end of
   * every call was unmapped or trimmed off the heap by glibc, and page-faulted in again at the next
   * call (docs/ad.md, "When shadows of heap memory are freed"). Null: freed as before.
   */
  private keptShadow(fs: Value): GlobalVariable | null {
    // Only for memory the function frees itself, in a function without `realloc`: a kept block is
    // not a malloc'd pointer (its size is in a header before it), and the shadow of a reallocated
    // block goes through malloc_usable_size (src/ad/sweep.ts, shadowRealloc).
    if (!this.kept) return null;
    let v = fs;
    while (v.vk === 'inst' && (v as Instruction).op === 'bitcast') v = (v as Instruction).operands[0]!;
    if (v.vk !== 'inst') return null;
    const c = v as Instruction;
    const have = this.keptShadows.get(c);
    if (have) return have;
    if (c.op !== 'call' || !c.parent || c.parent.parent !== this.sweep.fwdFn) return null;
    const call = c as CallInst;
    const callee = call.callee;
    if (callee.vk !== 'function' || (callee as Function).name !== 'calloc' || call.argCount !== 2) return null;
    const m = this.f.m;
    const t = m.types;
    const fb = new IRBuilder(m).before(call);
    fb.origin = call.origin;
    const bytes = fb.mul(call.arg(0), call.arg(1), 'shadow.bytes');
    const slot = this.kept.slot();
    const take = tapeTakeFn(m, (n, r, p) => this.f.ctx.declare(n, r, p));
    // The same instruction, so that every use of the shadow (the plan's requests among them) stays.
    call.operands = [slot, bytes, take];
    call.fnType = take.fnType;
    call.retAttrs = [];
    call.fnAttrs = [];
    call.argAttrs = [];
    const mb = new IRBuilder(m).after(call);
    mb.origin = call.origin;
    mb.call(this.f.ctx.memIntrinsic('memset'), [call, constInt(t.i8, 0), bytes, constInt(t.i1, 0)]);
    this.keptShadows.set(c, slot);
    return slot;
  }

  /** Whether the primal calls `realloc` (or an allocator's equivalent) anywhere. */
  private hasRealloc(): boolean {
    if (this.reallocs === null) {
      this.reallocs = this.f.prim.blocks.some((bb) => bb.instructions.some((x) =>
        (x.op === 'call' || x.op === 'invoke') && this.f.aa.callKind(x as CallInst).k === 'realloc'));
    }
    return this.reallocs;
  }
  private reallocs: boolean | null = null;

  /** -O0 pointer variables of the primal (analysis/facts.ts): a freed pointer may be read back from one. */
  private slots(): ReadonlyMap<Value, { stores: readonly Value[] }> | null {
    return this.f.ctx.rules.facts?.pointerSlots(this.f.prim) ?? null;
  }

  /**
   * `__enzyme_ts_memcpy_adj_<kind>(dst', [src',] bytes)`: t = dst'; dst' = 0; src' += t (element by element).
   * `move` (memmove, `__enzyme_ts_memmove_adj_<kind>`): the regions may overlap,
   * so elements go from the last to the first when dst < src (each adjoint of
   * the destination is read before it is overwritten as an adjoint of the source).
   */
  private memcpyAdjoint(kind: 'double' | 'float' | 'half', withSrc: boolean, move = false): Function {
    const name = `__enzyme_ts_mem${move ? 'move' : 'cpy'}_adj_${kind}${withSrc ? '' : '_zero'}`;
    const have = this.f.m.getFunction(name);
    if (have) return have;
    const t = this.f.m.types;
    const bp = this.plan.frame.bytePtr;
    const ft: FunctionType = t.fn(t.void, withSrc ? [bp, bp, t.i64] : [bp, t.i64]);
    const f = addFunction(this.f.m, name, ft, withSrc ? ['dst', 'src', 'bytes'] : ['dst', 'bytes']);
    f.linkage = 'internal';
    const et = t.float(kind);
    const size = this.f.ctx.dl.allocSize(et);
    const b = new IRBuilder(this.f.m);
    const entry = addBlock(this.f.m, f, 'entry');
    const loop = addBlock(this.f.m, f, 'loop');
    const done = addBlock(this.f.m, f, 'done');
    b.atEnd(entry);
    const dst = b.bitcastIfNeeded(f.args[0]!, this.f.m.ptrTo(et));
    const src = withSrc ? b.bitcastIfNeeded(f.args[1]!, this.f.m.ptrTo(et)) : null;
    const n = b.binop('udiv', f.args[withSrc ? 2 : 1]!, constInt(t.i64, size), 'n');
    b.condBr(b.icmp('eq', n, constInt(t.i64, 0)), done, loop);
    b.atEnd(loop);
    const i = b.phi(t.i64, [[constInt(t.i64, 0), entry]], 'i');
    let at: Value = i;
    if (move) {
      const down = b.icmp('ult', b.cast('ptrtoint', f.args[0]!, t.i64), b.cast('ptrtoint', f.args[1]!, t.i64), 'down');
      at = b.select(down, b.sub(b.sub(n, constInt(t.i64, 1)), i), i, 'at');
    }
    const dp = b.gep(et, dst, [at], null, true);
    const dv = b.load(et, dp);
    // Cleared before the source is read: when dst and src are the same element (a copy onto
    // itself), the adjoint read is added back once instead of doubled and then cleared.
    b.store(nullValue(et), dp);
    if (src) {
      const sp = b.gep(et, src, [at], null, true);
      b.store(b.fadd(b.load(et, sp), dv), sp);
    }
    const i1 = b.add(i, constInt(t.i64, 1), 'i.next');
    addIncoming(i, i1, loop);
    b.condBr(b.icmp('ult', i1, n), loop, done);
    b.atEnd(done);
    b.ret();
    return f;
  }
}

/**
 * The value of an adjoint that nothing was added to: -0.0 in every floating part, so that the
 * first `+=` into it, `-0.0 + x`, is exactly `x` for every x and clang folds it away (`0.0 + x`
 * is not `x` when x is -0.0: clang must keep the add). An adjoint of -0.0 instead of +0.0 differs
 * in the sign of a zero only; adding it into a shadow (`s + -0.0`) leaves the shadow exactly as it
 * was, and the gradients a derivative returns go through `+ 0.0` (canonicalAdjoint).
 */
export function adjointZero(t: Type): Constant {
  if (t.kind === 'float') return constFP(t, -0);
  if (t.kind === 'vector' && t.elem.kind === 'float') return constFP(t, -0);
  if (t.kind === 'array') return t.count > 0 ? new ConstantAggregate(t, Array.from({ length: t.count }, () => adjointZero(t.elem))) : nullValue(t);
  if (t.kind === 'struct' && t.elems && t.elems.length) return new ConstantAggregate(t, t.elems.map((e) => adjointZero(e)));
  return nullValue(t);
}

/** An adjoint with its negative zeros made positive (`x + 0.0`): what a derivative returns, as if adjoints started at +0.0. */
export function canonicalAdjoint(b: IRBuilder, x: Value): Value {
  return addValues(b, x, nullValue(x.type));
}

/** The floating fields at a leaf path of an integer-carrying value (src/analysis/floatbits.ts), or null. */
export type FieldsAt = (path: string) => readonly BitField[] | null;

/**
 * `a + b` for adjoints: fadd for floats and float vectors, element by element for aggregates
 * (integer leaves carry nothing, unless `fields` says floating bits travel in them: those are
 * added as the floats they are, in place).
 */
export function addValues(b: IRBuilder, x: Value, y: Value, fields: FieldsAt | null = null, path = ''): Value {
  const t = x.type;
  if (t.kind === 'float' || (t.kind === 'vector' && t.elem.kind === 'float')) return b.fadd(x, y);
  if (t.kind === 'int') {
    const fs = fields?.(path) ?? null;
    if (!fs) return x;
    let acc: Value | null = null;
    for (const f of fs) {
      const w = floatBitsWidth(f.fk);
      const iw = b.types.int(w);
      const at = constInt(t, f.bit);
      const part = (v: Value): Value => {
        const sh = f.bit === 0 ? v : b.binop('lshr', v, at);
        return b.cast('bitcast', w === t.bits ? sh : b.cast('trunc', sh, iw), f.fk);
      };
      const sum = b.cast('bitcast', b.fadd(part(x), part(y)), iw);
      const wide = w === t.bits ? sum : b.cast('zext', sum, t);
      const placed = f.bit === 0 ? wide : b.binop('shl', wide, at);
      acc = acc === null ? placed : b.binop('or', acc, placed);
    }
    return acc ?? x;
  }
  if (t.kind === 'array' || t.kind === 'struct') {
    const n = t.kind === 'array' ? t.count : t.elems!.length;
    let agg: Value = x;
    for (let k = 0; k < n; k++) {
      const et = t.kind === 'array' ? t.elem : t.elems![k]!;
      const p = path === '' ? `${k}` : `${path}.${k}`;
      // Integer leaves of a mixed aggregate (`{ double, i32 }`) carry no derivative: nothing is added to them.
      if (isIntLeafType(et) && !(et.kind === 'int' && fields?.(p))) continue;
      const s = addValues(b, b.extractValue(x, [k]), b.extractValue(y, [k]), fields, p);
      agg = b.insertValue(agg, s, [k]);
    }
    return agg;
  }
  if (t.kind === 'vector') return x;
  throw new Error(`addValues: not a differentiable type (${t.kind})`);
}
