// Stage 2 of the transform: how each forward value the reverse sweep reads
// gets there. The reverse sweep asks `get(v)` wherever it needs a primal value
// and receives a placeholder; once the whole reverse sweep is built, `solve`
// sees every request at once and decides, for every value involved, whether
// it is
//   - used directly (combined shape: defined outside loops in a block that
//     dominates the return: the reverse blocks come after it),
//   - recomputed in the reverse from values that are themselves available
//     (pure arithmetic, math functions, loads of memory nothing overwrites,
//     induction variables from the loop counter, branch decisions from the
//     condition that made them),
//   - or cached: stored in the forward sweep (a frame slot, or a loop buffer
//     indexed by the loop counter) and read back,
// by a minimum cut over the value graph (src/tape/mincut.ts): the cheapest set
// of values to keep such that everything the reverse needs can be computed
// from them. `materialize` then replaces each placeholder by the chosen code.
// `--checkpoint` sets the policy (docs/ad.md, "The tape plan").
//
// Rules never see any of this: they ask `primal(v)`, which lands in `get`.

import { IRBuilder, constInt, nullValue, poisonValue } from '../ir/builder.js';
import type { Argument, BasicBlock, Function } from '../ir/function.js';
import { FreezeInst, type Instruction, type PhiInst, type StoreInst } from '../ir/instructions.js';
import type { IntType, Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { Loop } from '../ir/loops.js';
import { ConstantInt } from '../ir/constants.js';
import type { FunctionFacts, SimpleLoop } from '../ad/facts.js';
import type { ForwardSweep } from '../ad/sweep.js';
import { typeTextShort } from '../ad/typetext.js';
import type { Frame, Slot } from './frame.js';
import type { TripPattern } from './trip.js';
import { minCut, type CutNode } from './mincut.js';

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
  /**
   * A loop that may be checkpointed (src/tape/checkpoint.ts): its buffers hold one segment of
   * iterations, indexed by the counter minus `base` (the counter at the segment's start);
   * `local` is that index in the forward header. null: buffers indexed by the counter.
   */
  seg: { base: Slot | null; local: Value | null } | null;
}

interface CacheEntry { loop: Loop | null; slot: Slot; type: Type }

/** Where reverse code is being emitted. */
export interface RevCtx {
  /** The primal block this reverse code stands for (null: outside every loop). */
  pb: BasicBlock | null;
  rb: BasicBlock;
  b: IRBuilder;
}

/** A value the reverse sweep asked for, standing in the reverse code as a placeholder until `materialize`. */
interface Request { fv: Value; pb: BasicBlock | null }

/** How a value can be computed again in the reverse sweep, and from what. */
type Recipe =
  | { k: 'clone'; ops: Value[]; cost: number }
  // ops: [start of the loop's execution (a forward value), init], or [init] when `revStart`:
  // the start is then computed by the reverse sweep itself (TapePlan.revStartLoop).
  | { k: 'iv'; ops: Value[]; sl: SimpleLoop; init: Value; step: bigint; cost: number; revStart: boolean }
  | { k: 'decision'; ops: Value[]; cond: Value; onTrue: number; onFalse: number; cost: number }
  // A phi of a join: ops = [the join's decision phi, the incoming value of each predecessor in its order].
  | { k: 'select'; ops: Value[]; cost: number };

type How = 'cache' | 'recompute';

/** What the plan decided for one value, and why (for --print-perf). */
export interface Decision { how: How; reason: string }

const PURE_OPS = new Set([
  'fneg', 'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor',
  'fadd', 'fsub', 'fmul', 'fdiv', 'frem',
  'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'ptrtoint', 'inttoptr',
  'bitcast', 'addrspacecast', 'icmp', 'fcmp', 'getelementptr', 'select', 'extractvalue', 'insertvalue',
  'extractelement', 'insertelement', 'shufflevector', 'freeze',
]);

// What recomputing one operation costs (auto policy), in the unit of the cache
// cost in `solve` (a store in the forward sweep, a load in the reverse: 1 each,
// plus the bytes / 4 the tape moves). Arithmetic is cheap next to a round trip
// through memory, as in Enzyme, which caches only what it cannot recompute; a
// division or a square root is not; a call to exp or sin is dearer than keeping it.
/** Operations that cannot trap or read memory: evaluated on a path that did not compute them, they give garbage, never a fault. */
const SPECULATABLE_OPS = new Set([
  'add', 'sub', 'mul', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor', 'trunc', 'zext', 'sext', 'ptrtoint', 'inttoptr',
  'bitcast', 'icmp', 'select', 'getelementptr', 'fneg', 'fadd', 'fsub', 'fmul', 'fcmp', 'freeze',
]);
const FREE_OPS = new Set(['bitcast', 'addrspacecast', 'zext', 'sext', 'trunc', 'freeze', 'extractvalue', 'insertvalue', 'ptrtoint', 'inttoptr', 'fneg']);
const SLOW_OPS = new Set(['udiv', 'sdiv', 'urem', 'srem', 'fdiv', 'frem']);
const CHEAP_CALLS = /^(llvm\.)?(fabs|copysign|fmuladd|fma|maxnum|minnum|maximum|minimum|floor|ceil|trunc|round|rint|nearbyint|fmax|fmin)/;
const SQRT_CALLS = /^(llvm\.)?sqrt/;

function opCost(fi: Instruction, calleeName: string | null): number {
  if (fi.op === 'call') {
    const n = calleeName ?? '';
    if (CHEAP_CALLS.test(n)) return 0.5;
    if (SQRT_CALLS.test(n)) return 2;
    return 10;
  }
  if (FREE_OPS.has(fi.op)) return 0.05;
  if (fi.op === 'getelementptr') return 0.1;
  if (SLOW_OPS.has(fi.op)) return 2;
  if (fi.op === 'load') return 0.5;
  return 0.25;
}

/** Loop weight: how many times more often a value in a loop of this depth runs than one outside loops (a guess: 10 iterations a level). */
const weight = (depth: number): number => 10 ** depth;

export class TapePlan {
  readonly loops = new Map<Loop, LoopState>();
  private readonly caches = new Map<Value, CacheEntry>();
  /** Placeholders the reverse sweep holds, in creation order. */
  private readonly requests = new Map<FreezeInst, Request>();
  /** Branch-decision phis of the forward sweep: the primal block and its predecessors in index order. */
  private readonly decisions = new Map<PhiInst, { block: BasicBlock; preds: BasicBlock[] }>();
  private readonly recipes = new Map<Value, Recipe | null>();
  /** The outcome of `solve`. */
  private readonly decided = new Map<Value, Decision>();
  private solved = false;
  /** Per reverse block, during materialization: what is available there already. */
  private readonly memo = new Map<BasicBlock, Map<unknown, Value>>();
  /** Per reverse block, at emission time (revIndex for the reverse sweep's own control flow). */
  private readonly emitMemo = new Map<BasicBlock, Map<unknown, Value>>();
  /** The forward stores into loop buffers (a re-run of a checkpointed loop repeats them). */
  readonly tapeStores = new Set<Instruction>();
  /** The reverse sweep's stores of a loop counter stepped back over the loop's back edge (checkpointed loops). */
  readonly backEdgeStores: { loop: Loop; store: StoreInst }[] = [];

  constructor(
    private readonly f: FunctionFacts,
    private readonly sweep: ForwardSweep,
    readonly frame: Frame,
    /** The reverse function: parameters are read from it in the split shape. */
    private readonly revFn: Function,
  ) {}

  /** The loop counter of a loop header, incremented at each header execution (called by the forward sweep). */
  setupLoop(loop: Loop, nb: BasicBlock, checkpointable = false): void {
    const t = this.f.m.types;
    const counter = this.frame.slot(t.i64, `iter.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
    const b = this.sweep.fb.atEnd(nb);
    b.origin = null;
    const k = b.load(t.i64, counter.fwd, 'iv');
    const k1 = b.add(k, constInt(t.i64, 1), 'iv.next');
    const marker = b.store(k1, counter.fwd);
    const seg = checkpointable ? { base: null, local: null } : null;
    this.loops.set(loop, { counter, k, marker, cap: null, buffers: [], start: null, seg });
  }

  loopState(l: Loop): LoopState { return this.loops.get(l)!; }

  // -- requests ----------------------------------------------------------------------

  /** A value the reverse can use as it is: non-instructions, and (combined shape) instructions outside loops that dominate the return. */
  private direct(fv: Value): Value | null {
    switch (fv.vk) {
      case 'argument': return this.f.split ? this.revFn.args[(fv as Argument).index]! : fv;
      case 'inst': break;
      default: return fv;
    }
    const info = this.sweep.info(fv as Instruction);
    return !this.f.split && info.loop === null && info.domExit ? fv : null;
  }

  /**
   * A forward value, made available at the reverse insertion point. Values the
   * reverse can use directly come back as they are; the others come back as a
   * placeholder that `materialize` replaces once the plan is decided.
   */
  get(fv: Value, rc: RevCtx): Value {
    const d = this.direct(fv);
    if (d) return d;
    if (this.solved) return this.materializeAt(fv, rc);
    const ph = new FreezeInst(fv.type, [poisonValue(fv.type)]);
    rc.b.insert(ph, null);
    this.requests.set(ph, { fv, pb: rc.pb });
    return ph;
  }

  /** Registers the forward phi that records which predecessor of `block` the forward sweep came from. */
  noteDecision(phi: PhiInst, block: BasicBlock, preds: BasicBlock[]): void {
    this.decisions.set(phi, { block, preds });
  }

  // -- recipes -------------------------------------------------------------------------

  private calleeName(fi: Instruction): string | null {
    if (fi.op !== 'call' || !fi.origin || fi.origin.op !== 'call') return null;
    const k = this.f.aa.callKind(fi.origin);
    return k.k === 'rule' ? k.name : null;
  }

  /** Why a value cannot be recomputed (for the perf report). */
  private whyNot(fi: Instruction): string {
    const prim = fi.origin;
    if (fi.op === 'phi') {
      if (this.decisions.has(fi as PhiInst)) return 'the branch that was taken, not decided by one condition';
      return this.isPrimalCopy(fi) ? 'a phi (its value depends on the path taken)' : 'the shadow of a phi (its value depends on the path taken)';
    }
    if (fi.op === 'load') {
      if (!this.f.overwrite) return 'a load (the caller may change the memory before the reverse runs)';
      return prim && prim.op === 'load' ? 'a load of memory the function may overwrite' : 'a load';
    }
    if (fi.op === 'call' || fi.op === 'invoke') return 'a call result';
    return `${fi.op} cannot be repeated`;
  }

  private recipeOf(fi: Instruction): Recipe | null {
    if (this.recipes.has(fi)) return this.recipes.get(fi)!;
    const r = this.makeRecipe(fi);
    this.recipes.set(fi, r);
    return r;
  }

  private makeRecipe(fi: Instruction): Recipe | null {
    if (this.f.ctx.opts.checkpoint === 'cache') return null;
    const iv = this.inductionShape(fi);
    if (iv) {
      const init = this.sweep.mapV(iv.init);
      if (this.revStartLoop(iv.sl.loop)) {
        // The trip count's values too: a use after the loop computes the start from them (revStartAt).
        const tp = this.tripOf!(iv.sl.loop)!;
        return { k: 'iv', ops: [init, this.sweep.mapV(tp.init), this.sweep.mapV(tp.bound)], sl: iv.sl, init: iv.init, step: iv.step, cost: 0.5, revStart: true };
      }
      const start = this.loopStart(iv.sl.loop, iv.sl.outside);
      return { k: 'iv', ops: [start, init], sl: iv.sl, init: iv.init, step: iv.step, cost: 0.5, revStart: false };
    }
    if (fi.op === 'phi') {
      const d = this.decisions.get(fi as PhiInst);
      if (d) return this.decisionRecipe(d.block, d.preds);
      return this.isPrimalCopy(fi) ? this.selectRecipe(fi as PhiInst) : null;
    }
    if (PURE_OPS.has(fi.op)) return { k: 'clone', ops: [...fi.operands], cost: opCost(fi, null) };
    if (fi.op === 'load' && this.f.overwrite) {
      const prim = fi.origin;
      if (prim && prim.op === 'load' && this.f.overwrite.reloadable(prim, (a) => this.f.argUnchanging(a))) {
        return { k: 'clone', ops: [...fi.operands], cost: opCost(fi, null) };
      }
    }
    if (fi.op === 'call') {
      // Math functions the rules know (exp, sin, llvm.fmuladd...): pure in the values they take.
      const name = this.calleeName(fi);
      const c = fi as Instruction & { args(): Value[] };
      if (name && fi.type.kind !== 'pointer' && fi.type.kind !== 'void' && c.args().every((a) => a.type.kind !== 'pointer')) {
        return { k: 'clone', ops: [...fi.operands], cost: opCost(fi, name) };
      }
    }
    return null;
  }

  /**
   * Whether `fi` is the forward sweep's copy of its origin. The forward sweep stamps the primal
   * instruction as the origin of everything it emits for it: a phi's shadows (one per lane) carry
   * the primal phi as origin too, but their incoming values are the shadows of the primal ones.
   * A recipe read from the origin's operands (a join's select, an induction variable) describes
   * the primal copy only.
   */
  private isPrimalCopy(fi: Instruction): boolean {
    return fi.origin !== null && this.sweep.mapV(fi.origin) === fi;
  }

  /**
   * A phi of a join that is not a loop header, as a select on the join's decision phi (which
   * predecessor the forward sweep came from: recomputed from a branch condition, or 1 byte on the
   * tape) among its incoming values, instead of its own bytes on the tape. Every incoming value
   * is computed in the reverse whatever the path taken, so each must be safe to evaluate on every
   * path (`speculatable`): defined before the join on every path, or non-trapping arithmetic of
   * such values in the join's own loop. On a path that did not compute it, the value read is
   * garbage (a stale tape entry) that the select discards.
   *
   * For the forward copy of the primal phi only (isPrimalCopy): its shadow phis have the same
   * origin but the shadows as incoming values. Read from the origin, the shadow's recipe gave the
   * reverse the primal pointers (fuzz programs 9797-159 and 9797-284: adjoints accumulated into
   * the primal memory, wrong outputs and gradient with exit 0; test/tape/joinsel.test.ts).
   */
  private selectRecipe(fi: PhiInst): Recipe | null {
    const f = this.f;
    const prim = fi.origin;
    if (!prim || prim.op !== 'phi' || !prim.parent || f.li.isLoopHeader(prim.parent)) return null;
    const B = prim.parent;
    let dec: PhiInst | null = null;
    let preds: BasicBlock[] = [];
    for (const [phi, d] of this.decisions) if (d.block === B) { dec = phi; preds = d.preds; break; }
    if (!dec || preds.length < 2) return null;
    const p = prim as PhiInst;
    const vals: Value[] = [];
    for (const pk of preds) {
      const at = p.blocks.indexOf(pk);
      if (at < 0) return null;
      const v = p.operands[at]!;
      if (!this.speculatable(v, B, 0)) return null;
      // The value the forward phi itself takes from that predecessor (the select stands for `fi`, not its origin).
      const fb = this.sweep.fwdBlocks.get(pk);
      const fat = fb ? fi.blocks.indexOf(fb) : -1;
      if (fat < 0 || fi.operands[fat] !== this.sweep.mapV(v)) return null;
      vals.push(fi.operands[fat]!);
    }
    return { k: 'select', ops: [dec, ...vals], cost: 0.25 * (preds.length - 1) };
  }

  /** Whether the primal value `v` can be evaluated at join `B` whatever path led there (selectRecipe). */
  private speculatable(v: Value, B: BasicBlock, depth: number): boolean {
    if (v.vk !== 'inst') return v.vk === 'const' || v.vk === 'argument' || v.vk === 'global';
    const i = v as Instruction;
    const d = i.parent;
    if (!d) return false;
    if (d !== B && this.f.dt.dominates(d, B)) return true;
    if (depth >= 4 || !SPECULATABLE_OPS.has(i.op) || this.f.li.loopFor(d) !== this.f.li.loopFor(B) || d === B) return false;
    return i.operands.every((o) => this.speculatable(o, B, depth + 1));
  }

  /**
   * Which predecessor of `B` the forward sweep came from, as a function of the
   * condition of the branch in B's immediate dominator D: each successor of D
   * must lead (without passing D or B again) to exactly one predecessor of B.
   */
  private decisionRecipe(B: BasicBlock, preds: BasicBlock[]): Recipe | null {
    const f = this.f;
    if (f.li.isLoopHeader(B)) return null;
    const D = f.dt.idom(B);
    if (!D) return null;
    const term = D.terminator;
    if (!term || term.op !== 'br' || term.operands.length !== 1) return null;
    const succ = (term as unknown as { successors: BasicBlock[] }).successors;
    const which = (s: BasicBlock): number | null => {
      if (s === B) return preds.indexOf(D) >= 0 ? preds.indexOf(D) : null;
      const found = new Set<number>();
      const seen = new Set<BasicBlock>([s]);
      const work = [s];
      while (work.length) {
        const x = work.pop()!;
        const k = preds.indexOf(x);
        if (k >= 0) found.add(k);
        for (const y of f.cfg.succs(x)) {
          if (y === D || y === B || seen.has(y)) continue;
          seen.add(y);
          work.push(y);
        }
      }
      return found.size === 1 ? [...found][0]! : null;
    };
    if (succ[0] === succ[1]) return null;
    const t = which(succ[0]!), e = which(succ[1]!);
    if (t === null || e === null) return null;
    const cond = this.sweep.mapV(term.operands[0]!);
    return { k: 'decision', ops: [cond], cond, onTrue: t, onFalse: e, cost: 0.25 };
  }

  // -- the decision ------------------------------------------------------------------------

  private depthOf(fi: Instruction): number {
    const l = this.sweep.info(fi).loop;
    return l ? l.depth : 0;
  }

  /**
   * Decides every requested value (and what their recomputations read) by a
   * minimum cut: cache cost = bytes and a store and a load, at the loop depth
   * of the definition; recompute cost = the operation, at the loop depth where
   * the reverse needs it. `recompute` makes recomputation nearly free, `cache`
   * makes it impossible.
   */
  solve(): void {
    const f = this.f;
    const policy = f.ctx.opts.checkpoint;
    const index = new Map<Value, number>();
    const vals: Instruction[] = [];
    const useDepth: number[] = [];
    const required: boolean[] = [];
    const add = (v: Value): number | null => {
      if (this.direct(v)) return null;
      const have = index.get(v);
      if (have !== undefined) return have;
      const i = vals.length;
      index.set(v, i);
      vals.push(v as Instruction);
      useDepth.push(0);
      required.push(false);
      return i;
    };
    for (const r of this.requests.values()) {
      const i = add(r.fv);
      if (i === null) continue;
      required[i] = true;
      const d = r.pb ? f.li.depth(r.pb) : 0;
      if (d > useDepth[i]!) useDepth[i] = d;
    }
    // The graph: every value reachable backwards through recipes.
    for (let i = 0; i < vals.length; i++) {
      const r = this.recipeOf(vals[i]!);
      if (r) for (const o of r.ops) add(o);
    }
    // Where recomputations run: as deep as the deepest recomputation that reads them.
    const ops: number[][] = vals.map((v) => {
      const r = this.recipeOf(v);
      return r ? r.ops.map((o) => index.get(o)).filter((x): x is number => x !== undefined) : [];
    });
    const order = this.topological(ops);
    for (const i of order) for (const o of ops[i]!) if (useDepth[i]! > useDepth[o]!) useDepth[o] = useDepth[i]!;
    const nodes: CutNode[] = vals.map((v, i) => {
      const r = this.recipeOf(v);
      const bytes = f.ctx.dl.allocSize(v.type);
      const defW = weight(this.depthOf(v));
      const useW = weight(Math.max(useDepth[i]!, this.depthOf(v)));
      let cache = defW * (1 + bytes / 4) + useW;
      let recompute = r ? useW * r.cost : Infinity;
      if (policy === 'recompute' && r) { recompute = 1e-3 * useW; cache = 1e6 * defW; }
      return { cache, recompute, operands: ops[i]!, required: required[i]! };
    });
    const cut = minCut(nodes);
    cut.how.forEach((h, i) => {
      const v = vals[i]!;
      if (h === 'none') return;
      const r = this.recipeOf(v);
      if (h === 'recompute') {
        this.decided.set(v, { how: 'recompute', reason: r?.k === 'iv' ? 'induction variable' : r?.k === 'decision' ? 'branch condition' : 'recomputed' });
        return;
      }
      const reason = policy === 'cache' ? '--checkpoint cache'
        : !r ? `cannot be recomputed: ${this.whyNot(v)}`
        : `cheaper to keep (${nodes[i]!.cache.toPrecision(3)}) than to recompute from what it reads`;
      this.decided.set(v, { how: 'cache', reason });
    });
    this.report(vals, cut.how);
    this.solved = true;
  }

  /** Nodes in an order where every node comes before its operands (the recipes form no cycle: phis other than induction variables are never recomputed). */
  private topological(ops: number[][]): number[] {
    const n = ops.length;
    const indeg = new Int32Array(n);
    for (const os of ops) for (const o of os) indeg[o]!++;
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (indeg[i] === 0) out.push(i);
    for (let k = 0; k < out.length; k++) for (const o of ops[out[k]!]!) if (--indeg[o]! === 0) out.push(o);
    return out;
  }

  private report(vals: Instruction[], how: ('cache' | 'recompute' | 'none')[]): void {
    const f = this.f;
    const counts = { recompute: 0, reload: 0, iv: 0, decision: 0, cache: 0 };
    vals.forEach((v, i) => {
      if (how[i] !== 'recompute') return;
      const r = this.recipeOf(v);
      if (r?.k === 'iv') counts.iv++;
      else if (r?.k === 'decision') counts.decision++;
      else if (v.op === 'load') counts.reload++;
      else counts.recompute++;
    });
    const parts = [
      `${counts.recompute} recomputed`, `${counts.reload} loads repeated (memory unchanged)`,
      `${counts.iv} induction variables from the loop counter`, `${counts.decision} branch decisions from their condition`,
    ];
    f.ctx.perf.push(`${f.fnName()}: plan (${f.ctx.opts.checkpoint}, minimum cut over ${vals.length} values): ${parts.join(', ')}`);
  }

  // -- materialization -----------------------------------------------------------------------

  /** Replaces every placeholder by the code the plan chose (called once the reverse sweep is complete). */
  materialize(): void {
    if (!this.solved) this.solve();
    const replace = new Map<Value, Value>();
    const byBlock = new Map<BasicBlock, FreezeInst[]>();
    for (const ph of this.requests.keys()) {
      const b = ph.parent!;
      let l = byBlock.get(b);
      if (!l) { l = []; byBlock.set(b, l); }
      l.push(ph);
    }
    for (const [blk, phs] of byBlock) {
      // In instruction order, so that what is made available for the first request dominates the later ones.
      const pos = new Map<Instruction, number>();
      blk.instructions.forEach((x, k) => pos.set(x, k));
      phs.sort((a, b) => pos.get(a)! - pos.get(b)!);
      const b = new IRBuilder(this.f.m);
      for (const ph of phs) {
        const r = this.requests.get(ph)!;
        b.before(ph);
        replace.set(ph, this.materializeAt(r.fv, { pb: r.pb, rb: blk, b }));
      }
    }
    for (const blk of this.revFn.blocks) {
      blk.instructions = blk.instructions.filter((x) => !replace.has(x));
      for (const x of blk.instructions) {
        const ops = x.operands;
        for (let k = 0; k < ops.length; k++) {
          const nv = replace.get(ops[k]!);
          if (nv) ops[k] = nv;
        }
      }
    }
    this.requests.clear();
  }

  private memoOf(m: Map<BasicBlock, Map<unknown, Value>>, rb: BasicBlock): Map<unknown, Value> {
    let x = m.get(rb);
    if (!x) { x = new Map(); m.set(rb, x); }
    return x;
  }

  /** The value at the insertion point of `rc`, by the plan's decision (memoized per reverse block). */
  private materializeAt(fv: Value, rc: RevCtx): Value {
    const d = this.direct(fv);
    if (d) return d;
    const memo = this.memoOf(this.memo, rc.rb);
    const have = memo.get(fv);
    if (have) return have;
    const fi = fv as Instruction;
    const dec = this.decided.get(fv);
    const r = dec?.how === 'recompute' ? this.recipeOf(fi) : null;
    let out: Value;
    if (!r) {
      out = this.loadCached(fi, rc);
    } else if (r.k === 'iv') {
      out = this.inductionValue(fi, r, rc);
    } else if (r.k === 'select') {
      const d = this.materializeAt(r.ops[0]!, rc);
      const vals = r.ops.slice(1).map((o) => this.materializeAt(o, rc));
      let acc = vals[vals.length - 1]!;
      for (let k = vals.length - 2; k >= 0; k--) {
        acc = rc.b.select(rc.b.icmp('eq', d, constInt(d.type, k)), vals[k]!, acc, k === 0 && fi.name !== null ? `${fi.name}_unwrap` : null);
      }
      out = acc;
    } else if (r.k === 'decision') {
      const c = this.materializeAt(r.cond, rc);
      const t = fi.type;
      out = r.onTrue === r.onFalse ? constInt(t, r.onTrue) : rc.b.select(c, constInt(t, r.onTrue), constInt(t, r.onFalse), fi.name !== null ? `${fi.name}_unwrap` : null);
    } else {
      const c = Object.assign(Object.create(Object.getPrototypeOf(fi) as object) as Instruction, fi);
      c.parent = null;
      c.operands = fi.operands.map((o) => this.materializeAt(o, rc));
      c.attachments = null;
      c.dbg = null;
      c.name = fi.name !== null ? `${fi.name}_unwrap` : null;
      out = rc.b.insert(c);
    }
    memo.set(fv, out);
    return out;
  }

  // -- the cache ---------------------------------------------------------------------------

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
    const why = this.decided.get(fi)?.reason ?? 'needed by the reverse';
    let entry: CacheEntry;
    if (!loop) {
      const slot = this.frame.slot(fi.type, `${base}_cache`);
      fb.store(fi, slot.fwd);
      entry = { loop: null, slot, type: fi.type };
      f.ctx.perf.push(`${f.fnName()}: cache ${f.describe(fi)} (${typeTextShort(fi.type)}, ${f.ctx.dl.allocSize(fi.type)} bytes per call): ${why}`);
    } else {
      const ls = this.loopState(loop);
      const slot = this.frame.slot(this.frame.bytePtr, `${base}_buf`, nullValue(this.frame.bytePtr));
      if (!ls.cap) ls.cap = this.frame.slot(t.i64, `cap.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
      ls.buffers.push({ slot, type: fi.type });
      const hb = new IRBuilder(f.m).after(ls.marker);
      const buf = hb.load(this.frame.bytePtr, slot.fwd, `${base}_bufp`);
      const typed = hb.bitcastIfNeeded(buf, f.m.ptrTo(fi.type));
      const p = fb.gep(fi.type, typed, [this.fwdIndex(ls)], null, true);
      // The buffer comes from malloc: an explicit alignment, or LLVM assumes the type's ABI
      // alignment (32 bytes for <4 x double>: aligned AVX moves that fault on a 16-byte block).
      this.tapeStores.add(fb.store(fi, p, f.ctx.dl.heapAlign(fi.type)));
      entry = { loop, slot, type: fi.type };
      f.ctx.perf.push(`${f.fnName()}: cache ${f.describe(fi)} (${typeTextShort(fi.type)}, ${f.ctx.dl.allocSize(fi.type)} bytes per iteration of the loop ${f.loopName(loop)}): ${why}`);
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

  /** The slot of the counter at which the segment the buffers of a checkpointable loop hold starts (created on first use). */
  segBase(ls: LoopState): Slot {
    const seg = ls.seg!;
    seg.base ??= this.frame.slot(this.f.m.types.i64, `ckpt.base.${ls.counter.name.replace(/^iter\./, '')}`, constInt(this.f.m.types.i64, 0));
    return seg.base;
  }

  /** The index of the current iteration in the segment of a checkpointable loop (forward header), created if needed. */
  segLocal(ls: LoopState): Value { return this.fwdIndex(ls); }

  /** The index of the current iteration in a loop's buffers, in the forward header: the counter, or its offset in the segment. */
  private fwdIndex(ls: LoopState): Value {
    if (!ls.seg) return ls.k;
    if (!ls.seg.local) {
      const b = new IRBuilder(this.f.m).after(ls.marker);
      const sb = b.load(this.f.m.types.i64, this.segBase(ls).fwd, 'seg.base');
      ls.seg.local = b.sub(ls.k, sb, 'seg.index');
    }
    return ls.seg.local;
  }

  private loadCached(fi: Instruction, rc: RevCtx): Value {
    const c = this.ensureCached(fi);
    const b = rc.b;
    const base = fi.name ?? 'v';
    if (!c.loop) return b.load(c.type, this.frame.rev(c.slot), `${base}_cached`);
    let idx = this.revIndexIn(this.memo, c.loop, rc);
    const seg = this.loopState(c.loop).seg;
    if (seg) {
      const memo = this.memoOf(this.memo, rc.rb);
      let local = memo.get(idx);
      if (!local) {
        local = b.sub(idx, b.load(this.f.m.types.i64, this.frame.revLocal(this.segBase(this.loopState(c.loop))), 'seg.base'), 'seg.index');
        memo.set(idx, local);
      }
      idx = local;
    }
    const buf = b.load(this.frame.bytePtr, this.frame.rev(c.slot), `${base}_bufr`);
    const typed = b.bitcastIfNeeded(buf, this.f.m.ptrTo(c.type));
    const p = b.gep(c.type, typed, [idx], null, true);
    const ld = b.load(c.type, p, `${base}_cached`, this.f.ctx.dl.heapAlign(c.type));
    ld.attachments = [...(ld.attachments ?? []), { kind: 'alias.scope', md: this.f.ctx.tapeAliasList() }];
    return ld;
  }

  /** The iteration of loop `l` whose values the reverse code at `rc` reads (for the reverse sweep's own control flow). */
  revIndex(l: Loop, rc: RevCtx): Value {
    return this.revIndexIn(this.emitMemo, l, rc);
  }

  private revIndexIn(memos: Map<BasicBlock, Map<unknown, Value>>, l: Loop, rc: RevCtx): Value {
    const memo = this.memoOf(memos, rc.rb);
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

  /**
   * Whether the reverse sweep computes where each execution of `loop` started instead of reading it
   * from the tape (8 bytes per execution of an inner loop, i.e. per iteration of the loop around
   * it): for an inner loop whose header executions per execution are known when it exits (a counted
   * loop with an exact trip count and a single exit, src/tape/trip.ts) and that nothing leaves
   * otherwise (no return inside). At the reversed exit edge the counter is where the execution ended
   * (start + header executions): the reverse stores counter - executions in a slot of its own
   * (`setRevStart`), read inside the loop's reverse. Inside a checkpointed loop as well: a re-run
   * segment restores the inner loops' counters from the loop's state, so the counter there is the
   * forward one (test/tape/revstart.test.ts).
   */
  revStartLoop(loop: Loop): boolean {
    if (!loop.parent || this.f.ctx.opts.checkpoint === 'cache' || !this.tripOf) return false;
    const have = this.revStarts.get(loop);
    if (have !== undefined) return have !== null;
    let ok = true;
    for (let l: Loop | null = loop; l && ok; l = l.parent) if (!this.loops.get(l)) ok = false;
    const tp = ok ? this.tripOf(loop) : null;
    if (!tp || !tp.exact || !tp.single || loop.exitEdges.length !== 1) ok = false;
    if (ok && loop.blocks.some((bb) => { const op = bb.terminator?.op; return op === 'ret' || op === 'resume' || op === 'invoke'; })) ok = false;
    if (!ok) { this.revStarts.set(loop, null); return false; }
    const t = this.f.m.types;
    const slot = this.frame.revOnly(t.i64, `start.${loop.header.name ?? 'loop'}`);
    this.revStarts.set(loop, slot);
    return true;
  }
  /** Per loop: the reverse-only slot of its start (revStartLoop), or null when the start is taped. */
  private readonly revStarts = new Map<Loop, Value | null>();
  /** The counted-loop shape of a loop (set by the generator: src/tape/buffers.ts knows it). */
  tripOf: ((l: Loop) => TripPattern | null) | null = null;
  /** The number of header executions of the execution of `l` that just ended, at `b` (set by the generator). */
  tripCount: ((l: Loop, b: IRBuilder, map: (v: Value) => Value) => Value) | null = null;

  /**
   * At the reversed exit edge of `loop` (a revStartLoop), before its counter is stepped back:
   * start = counter - header executions, computed from the trip count's values as the reverse
   * has them at `rc`.
   */
  setRevStart(loop: Loop, counterNow: Value, rc: RevCtx): void {
    const slot = this.revStarts.get(loop);
    if (!slot || !this.tripCount) return;
    const b = rc.b;
    const q = this.tripCount(loop, b, (v) => this.get(this.sweep.mapV(v), rc));
    const h = b.add(q, constInt(this.f.m.types.i64, 1), 'header.runs');
    b.store(b.sub(counterNow, h, 'loop.start.rev'), slot);
  }

  /** While the reverse sweep is emitted, inside the reverse of a revStartLoop: the start of its current execution. */
  revStartLoad(loop: Loop, b: IRBuilder): Value {
    return b.load(this.f.m.types.i64, this.revStarts.get(loop)!, 'loop.start');
  }

  /**
   * During materialization, the start of the execution of a revStartLoop that `rc` is in (the slot),
   * or that ended last before `rc` (after the loop, before its reversed exit edge stored the slot:
   * the counter is still where that execution ended, start + header executions).
   */
  private revStartAt(loop: Loop, rc: RevCtx): Value {
    const memo = this.memoOf(this.memo, rc.rb);
    const inside = rc.pb !== null && loop.contains(rc.pb);
    const key = `start:${inside ? 'in' : 'out'}:${this.f.li.loops.indexOf(loop)}`;
    const have = memo.get(key);
    if (have) return have;
    const b = rc.b;
    const t = this.f.m.types;
    let v: Value;
    if (inside) v = b.load(t.i64, this.revStarts.get(loop)!, 'loop.start');
    else {
      const cur = b.load(t.i64, this.frame.revLocal(this.loopState(loop).counter), 'iter.end');
      const q = this.tripCount!(loop, b, (x) => this.materializeAt(this.sweep.mapV(x), rc));
      v = b.sub(cur, b.add(q, constInt(t.i64, 1)), 'loop.start');
    }
    memo.set(key, v);
    return v;
  }

  /** The counter value at which the current execution of the loop started (recorded once per execution, not per iteration). */
  loopStart(loop: Loop, outside: BasicBlock): Value {
    const ls = this.loopState(loop);
    if (ls.start) return ls.start;
    // An outermost loop is entered at most once per call: its counter starts at 0.
    if (!loop.parent) { ls.start = constInt(this.f.m.types.i64, 0); return ls.start; }
    const ob = this.sweep.fwdBlocks.get(outside)!;
    const b = new IRBuilder(this.f.m).beforeTerminator(ob);
    ls.start = b.load(this.f.m.types.i64, ls.counter.fwd, `${loop.header.name ?? 'loop'}.start`);
    return ls.start;
  }

  /** The loop, start value and step of an integer induction phi (`fi` in the forward sweep), or null. */
  inductionShape(fi: Instruction): { sl: SimpleLoop; init: Value; step: bigint } | null {
    if (fi.op !== 'phi' || fi.type.kind !== 'int') return null;
    const prim = fi.origin;
    if (!prim || prim.op !== 'phi' || prim.parent === null || !this.isPrimalCopy(fi)) return null;
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
  private inductionValue(fi: Instruction, r: Extract<Recipe, { k: 'iv' }>, rc: RevCtx): Value {
    const b = rc.b;
    const k = this.revIndexIn(this.memo, r.sl.loop, rc);
    const start = r.revStart ? this.revStartAt(r.sl.loop, rc) : this.materializeAt(r.ops[0]!, rc);
    let iter: Value = b.sub(k, start, 'iter.local');
    const it = fi.type as IntType;
    if (it !== this.f.m.types.i64) iter = b.cast(it.bits < 64 ? 'trunc' : 'zext', iter, it);
    const s0 = this.materializeAt(r.ops[r.revStart ? 0 : 1]!, rc);
    return b.add(s0, b.mul(iter, constInt(it, r.step)), `${fi.name ?? 'iv'}_unwrap`);
  }
}
