// Reverse mode, stage by stage: the facts about the primal function
// (facts.ts), the forward sweep with shadows (sweep.ts) in which calls to
// module functions become calls of their augmented forwards, the tape plan
// (src/tape/plan.ts: what the reverse reads, and how), the reverse sweep
// (reverse.ts), then the results, frees and loop buffers.
//
// Two shapes are generated: combined (`diffe<f>`, forward then reverse in one
// function: the tape lives in stack slots) and split (`augmented_<f>` returns
// a heap tape that `reverse_<f>` consumes), used for calls to module
// functions inside differentiated code, recursion included.

import { IRBuilder, addIncoming, addBlock, constInt, nullValue, undefValue } from '../ir/builder.js';
import type { Type } from '../ir/types.js';
import { demangle } from '../demangle/index.js';
import { rawSliceElemSize } from './standin.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { CallInst, Instruction, InvokeInst, PhiInst, RetInst } from '../ir/instructions.js';

type CallBase = CallInst | InvokeInst;
import { BrInst } from '../ir/instructions.js';
import type { Loop } from '../ir/loops.js';
import type { Value } from '../ir/value.js';
import { isPtrAggType } from '../analysis/activity.js';
import { Frame, Prologue, type ArenaSource } from '../tape/frame.js';
import { TapePlan } from '../tape/plan.js';
import { LoopBuffers } from '../tape/buffers.js';
import { KeptBlocks } from '../tape/keep.js';
import { LoopCheckpoints, checkpointPlan } from '../tape/checkpoint.js';
import type { MemoryState } from '../tape/extent.js';
import type { ArgActivity } from './api.js';
import { FunctionFacts } from './facts.js';
import { ForwardSweep, type SweepMode } from './sweep.js';
import { ReverseSweep, canonicalAdjoint, type AugmentedCall, type ReverseEntry } from './reverse.js';
import { uniquifyNames } from './names.js';
import { callerArgTypes } from './callfacts.js';
import { dropEmptyPhis } from './invoke.js';
import { zeroImplicitShadows } from './globals.js';
import { DEFER, countFn, trimFn } from './release.js';
import { laneName, lanesType, type DiffContext, type DiffSig } from './signature.js';

export class ReverseGenerator implements SweepMode {
  readonly copyFieldByField = true;
  private readonly f: FunctionFacts;
  private readonly fwdPro: Prologue;
  private readonly revPro: Prologue;
  private readonly frame: Frame;
  private readonly sweep: ForwardSweep;
  private readonly plan: TapePlan;
  private readonly buffers: LoopBuffers;
  private readonly kept: KeptBlocks | null;
  private readonly augCalls = new Map<CallBase, AugmentedCall>();
  private readonly entry: ReverseEntry;
  private retVal: PhiInst | null = null;
  private readonly retShadowPhis: PhiInst[] = [];
  private reverse: ReverseSweep | null = null;
  private readonly checkpoints: LoopCheckpoints;
  /** Loops that cannot be checkpointed, and why (reported when the user asked for a budget). */
  private readonly notCheckpointed = new Map<Loop, string>();
  /** Outermost loops that can be checkpointed, with the memory they work on (src/tape/extent.ts). */
  private readonly ckptPlans = new Map<Loop, MemoryState | string>();
  /** Calls to free deferred to the end of the reverse sweep: re-runs of a checkpointed loop write that memory. */
  private readonly deferred = new Set<Instruction>();

  constructor(
    private readonly ctx: DiffContext,
    private readonly sig: DiffSig,
    /** The forward function: `diffe<f>` (combined) or `augmented_<f>` (split). */
    private readonly fwdFn: Function,
    /** The reverse function: the same as fwdFn (combined) or `reverse_<f>` (split). */
    private readonly revFn: Function,
  ) {
    const split = fwdFn !== revFn;
    this.f = new FunctionFacts(ctx, sig, split);
    const m = ctx.module;
    this.fwdPro = new Prologue(m, fwdFn);
    this.revPro = split ? new Prologue(m, revFn) : this.fwdPro;
    // With an arena (sig.arena), its state is the last parameter of both functions, after the tape.
    const extra = sig.arena ? 1 : 0;
    const tapeParam = split ? revFn.args[revFn.args.length - 1 - extra]! : null;
    this.frame = new Frame(m, split, this.fwdPro, this.revPro, tapeParam, `tape.${sig.fn.name ?? 'f'}`,
      (n, r, p) => ctx.declare(n, r, p), arenaSource(sig, split, fwdFn, revFn));
    this.sweep = new ForwardSweep(this.f, fwdFn, this.fwdPro, this);
    this.plan = new TapePlan(this.f, this.sweep, this.frame, revFn);
    this.kept = sig.nofree ? null : new KeptBlocks(m, (n, r, p) => ctx.declare(n, r, p), fwdFn.name ?? 'diffe');
    this.buffers = new LoopBuffers(this.f, this.sweep, this.plan, this.kept);
    this.plan.tripOf = (l) => this.buffers.tripOf(l);
    this.plan.tripCount = (l, b, map) => this.buffers.tripExact(l, b, map);
    this.checkpoints = new LoopCheckpoints(this.f, this.sweep, this.plan, this.buffers);
    const seed = !sig.retActive ? null : split ? revFn.args[revFn.args.length - 2 - extra]! : fwdFn.args[fwdFn.args.length - 1]!;
    this.entry = { fwdReturn: null as unknown as BasicBlock, retIdx: null, seed };
  }

  run(): void {
    const prim = this.sig.fn;
    if (prim.isDeclaration || !prim.blocks.length) {
      this.f.error('E0402', `cannot differentiate ${this.f.fnName()}: it is only declared, its body is not in the module`, null,
        ['define it in the module, or register a custom derivative (docs/custom.md)']);
    }
    // Landing pads copied into the forward sweep need the primal's personality.
    if (prim.personality) this.fwdFn.personality ??= prim.personality;
    this.sweep.build();
    this.reverse = new ReverseSweep(this.f, this.sweep, this.plan, this.revFn, this.revPro, this.entry, this.augCalls);
    this.reverse.kept = this.kept;
    this.reverse.build();
    this.finish();
  }

  // -- the forward sweep's reverse-mode parts (SweepMode) --------------------------

  beforeClone(): void {
    const m = this.f.m;
    if (this.ctx.opts.tapeBudget !== null) {
      // Before any block is cloned: a free after a checkpointed loop may come first in block order.
      let withMemory = false;
      for (const loop of this.f.li.loops) {
        if (loop.parent) continue;
        let p = checkpointPlan(this.f, loop, (l) => this.buffers.tripOf(l));
        if (typeof p !== 'string' && p.ranges.length) {
          // One loop with its memory in checkpoints per function: a re-run of one must not see another's.
          if (withMemory) p = 'another loop of the function is checkpointed with its memory';
          else { withMemory = true; for (const c of p.deferFrees) this.deferred.add(c); }
        }
        this.ckptPlans.set(loop, p);
      }
    }
    const fwdReturn = addBlock(m, this.fwdFn, 'fwdreturn');
    this.entry.fwdReturn = fwdReturn;
    this.sweep.blockInfo.set(fwdReturn, { primal: null, loop: null, domExit: true });
    const rb = new IRBuilder(m).atEnd(fwdReturn);
    const t = m.types;
    this.entry.retIdx = rb.phi(t.i32, [], 'retidx');
    const rt = this.sig.fn.fnType.ret;
    if (rt.kind !== 'void') this.retVal = rb.phi(rt, [], 'retval');
    if (this.sig.retShadow) for (let k = 0; k < this.f.width; k++) this.retShadowPhis.push(rb.phi(rt, [], laneName("retval'", this.f.width, k)));
  }

  deferFree(i: Instruction): boolean { return this.deferred.has(i); }

  loopHeader(loop: Loop, nb: BasicBlock): void {
    const opts = this.ctx.opts;
    let ok = false;
    if (opts.tapeBudget !== null) {
      let top = loop;
      while (top.parent) top = top.parent;
      const p = this.ckptPlans.get(top) ?? 'not a loop the planner saw';
      // A loop inside a checkpointed one: its tape holds one segment too, and is refilled by the re-runs.
      ok = typeof p !== 'string';
      const why = typeof p === 'string' ? (top === loop ? p : 'a loop inside another loop that is not checkpointed') : null;
      if (why !== null) this.notCheckpointed.set(loop, why);
    }
    this.plan.setupLoop(loop, nb, ok);
  }

  ret(i: RetInst, nb: BasicBlock): void {
    const m = this.f.m;
    const r = i.operands[0];
    const retIdx = this.entry.retIdx!;
    retIdx.operands.push(constInt(m.types.i32, retIdx.operands.length));
    retIdx.blocks.push(nb);
    if (this.retVal && r) addIncoming(this.retVal, this.sweep.mapV(r), nb);
    if (r) this.retShadowPhis.forEach((phi, lane) => addIncoming(phi, this.sweep.shadowOf(r, i, lane), nb));
    const br = new BrInst(m.types.void, []);
    br.successors = [this.entry.fwdReturn];
    this.sweep.fb.insert(br);
  }

  /** Replaces a call to a module function that touches active data with its augmented forward. */
  activeCall(i: CallBase, nb: BasicBlock): void {
    const f = this.f;
    const aa = f.aa;
    const width = f.width;
    const sweep = this.sweep;
    const callee = (aa.callKind(i) as { fn: Function }).fn;
    if (callee.fnType.vararg) {
      f.error('E0401', `cannot differentiate ${f.fnName()}: call to variadic function @${callee.name} with active arguments`, i);
    }
    if (this.rawSliceStandIn(i, callee, nb)) return;
    const args: ArgActivity[] = i.args().map((a) => {
      if (aa.diffValue(a) && aa.varied.has(a)) return 'active';
      if ((a.type.kind === 'pointer' || isPtrAggType(a.type)) && aa.shadowed(a)) return 'dup';
      return 'const';
    });
    const rt = callee.fnType.ret;
    const overwrite = f.overwrite;
    const sig: DiffSig = {
      fn: callee, args, retActive: aa.diffValue(i) && aa.isActiveValue(i), retPrimal: true,
      retShadow: (rt.kind === 'pointer' || isPtrAggType(rt)) && aa.shadowed(i),
      unchanging: i.args().map((a) => a.type.kind === 'pointer' && overwrite !== null && overwrite.unchanged(a, (x) => f.argUnchanging(x))),
      ...(this.sig.nofree ? { nofree: true } : {}),
      // Its tape from the arena of the derivative call that owns this one (src/tape/arena.ts);
      // a registered derivative's adapters allocate their own.
      ...(this.frame.hasArena && !this.ctx.rules.hints?.gradients.get(callee) ? { arena: true } : {}),
    };
    if (width !== 1) sig.width = width;
    // A callee that copies memory with `memcpy` may know nothing of what it copies (an -O0 copy
    // constructor with opaque pointers): what this function knows of the pointers it passes.
    const argTypes = args.includes('dup') ? callerArgTypes(f, i, callee, this.ctx.dl) : null;
    if (argTypes) sig.argTypes = argTypes;
    const pair = this.ctx.split(sig);
    const callArgs: Value[] = [];
    i.args().forEach((a, k) => {
      callArgs.push(sweep.mapV(a));
      if (args[k] === 'dup') for (let lane = 0; lane < width; lane++) callArgs.push(sweep.shadowOf(a, i, lane));
    });
    if (pair.sig.arena) callArgs.push(this.frame.arenaFwd());
    const fb = sweep.fb.atEnd(nb);
    const r = fb.call(pair.aug, callArgs, i.name !== null ? `${i.name}_augmented` : null);
    const tape = fb.extractValue(r, [0], 'subtape');
    let idx = 1;
    if (rt.kind !== 'void') { sweep.vmap.set(i, fb.extractValue(r, [idx++], i.name)); }
    if (sig.retShadow) {
      for (let lane = 0; lane < width; lane++) {
        sweep.shadows[lane]!.set(i, fb.extractValue(r, [idx++], laneName(i.name !== null ? `${i.name}'` : null, width, lane)));
      }
    }
    this.augCalls.set(i, { pair, tape });
  }

  /**
   * `slice::from_raw_parts(c, n)` of a pointer without a shadow (a const raw pointer argument)
   * whose slice needs one (rustc -O0 stores it into an iterator adapter beside a duplicated
   * slice's): the primal call, and as the slice's shadow a zeroed block of its size from the
   * arena, released when the derivative call that owns the arena ends (src/ad/standin.ts). Loads
   * through it read zero, adjoints added into it are dropped, as for a const argument. False
   * when this does not apply (the pair is generated as usual, and refuses what it cannot do).
   */
  private rawSliceStandIn(i: CallBase, callee: Function, nb: BasicBlock): boolean {
    const f = this.f;
    const aa = f.aa;
    const args = i.args();
    if (!this.frame.hasArena || !args.length || aa.shadowed(args[0]!) || !aa.shadowed(i)) return false;
    if (args.slice(1).some((a) => aa.varied.has(a) || aa.shadowed(a))) return false;
    const size = rawSliceElemSize(callee);
    if (size === null) return false;
    const sweep = this.sweep;
    const b = sweep.fb.atEnd(nb);
    const t = f.m.types;
    const c = b.call(callee, args.map((a) => sweep.mapV(a)), i.name);
    sweep.vmap.set(i, c);
    const len = sweep.mapV(args[1]!);
    const bytes = b.mul(len.type === t.i64 ? len : b.cast('zext', len, t.i64), constInt(t.i64, size), 'standin.bytes');
    for (let lane = 0; lane < f.width; lane++) {
      const name = laneName(i.name !== null ? `${i.name}.standin` : 'standin', f.width, lane);
      const block = this.frame.arenaAlloc(b, bytes, 16, name);
      b.call(this.ctx.memIntrinsic('memset'), [block, constInt(t.i8, 0), bytes, constInt(t.i1, 0)]);
      let agg: Value = b.insertValue(undefValue(i.type), b.bitcastIfNeeded(block, (i.type as { elems: Type[] }).elems[0]!), [0]);
      agg = b.insertValue(agg, len, [1], laneName(i.name !== null ? `${i.name}'` : null, f.width, lane));
      sweep.shadows[lane]!.set(i, agg);
    }
    this.ctx.perf.push(`${f.fnName()}: a zeroed stand-in shadow (${size}-byte elements, from the arena) for the slice ${i.name !== null ? `%${i.name} ` : ''}that ${demangle(callee.name ?? '') ?? callee.name} makes of a pointer without a shadow`);
    return true;
  }

  /** The shadow of a stack slot of a pair that takes its caller's arena: a zeroed block from it. */
  arenaBlock(b: IRBuilder, size: number, align: number, name: string | null): Value | null {
    if (!this.frame.tapeInArena) return null;
    const t = this.f.m.types;
    const p = this.frame.arenaAlloc(b, constInt(t.i64, size), align, name);
    b.call(this.ctx.memIntrinsic('memset'), [p, constInt(t.i8, 0), constInt(t.i64, size), constInt(t.i1, 0)]);
    return p;
  }

  // -- finishing -------------------------------------------------------------------

  private finish(): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const width = f.width;
    const split = f.split;
    const reverse = this.reverse!;
    const frame = this.frame;
    const b = new IRBuilder(m).atEnd(reverse.revExit);
    const rc = { pb: null, rb: reverse.revExit, b };
    // Results: the primal return (combined, when asked) and the gradients of the active arguments.
    const parts: Value[] = [];
    if (!split && this.sig.retPrimal && this.retVal) parts.push(this.retVal);
    this.sig.fn.args.forEach((a, k) => {
      if (this.sig.args[k] !== 'active') return;
      const lanes = reverse.diffeSlots.map((slots, lane) =>
        slots.has(a) ? canonicalAdjoint(b, b.load(a.type, slots.get(a)!, laneName(`${a.name ?? 'arg'}_grad`, width, lane))) : nullValue(a.type));
      parts.push(width === 1 || lanes.some((x) => x.vk !== 'const') ? reverse.packLanes(lanes, b) : nullValue(lanesType(m, a.type, width)));
    });
    // The end of a whole derivative: implicit shadows of globals go back to zero (globals.ts).
    if (!split || this.sig.topLevel) zeroImplicitShadows(this.ctx, b, this.sig.fn);
    const free = (): Function => this.ctx.declare('free', t.void, [frame.bytePtr]);
    // Checkpointed loops put back the memory their re-runs changed before the deferred frees.
    const finalAt = b.call(this.ctx.declare('llvm.donothing', t.void, []), []);
    if (!this.sig.nofree) for (const raw of this.sweep.toFreeAtEnd) b.call(free(), [this.plan.get(raw, rc)]);
    // Every request of the reverse sweep is known: decide the tape and put the chosen code in place.
    this.plan.materialize();
    // Loops whose tape may exceed the budget: checkpoints, and re-runs in the reverse (src/tape/checkpoint.ts).
    this.checkpoints.apply(b, finalAt, this.ckptPlans);
    if (this.ctx.opts.tapeBudget !== undefined || this.ctx.opts.checkpointEvery) {
      for (const [l, why] of this.notCheckpointed) {
        if (this.plan.loopState(l).buffers.length) this.ctx.perf.push(`${f.fnName()}: the loop ${f.loopName(l)} is not checkpointed: ${why}`);
      }
    }
    if (!this.sig.nofree) {
      // Buffers: freed after the last read; their slots are final now that the plan is materialized.
      for (const [loop, ls] of this.plan.loops) {
        // One heap block per loop: its first buffer in layout order starts it (in the arena: freed with it).
        const first = ls.buffers.length ? this.buffers.bufferLayout(ls).bufs[0]! : null;
        if (!first || this.buffers.arenaMode(loop) === 'whole') continue;
        const base = b.load(frame.bytePtr, frame.rev(first.slot));
        if (this.buffers.giveBack(loop, ls, b, base)) continue;
        const p = this.buffers.toFree(loop, ls, b, ls.cap ? b.load(t.i64, frame.rev(ls.cap), 'cap') : constInt(t.i64, 0), base);
        if (p) b.call(free(), [p]);
      }
      // The owner of an arena frees it after the last reverse of a callee has read its tape (and
      // before its own tape, which holds the arena's state in split mode).
      if (frame.arena.kind === 'own') frame.destroyArena(b);
      if (split && !frame.tapeInArena) b.call(free(), [frame.tapeParam!]);
    }
    // Shadows handed over during this call that no reverse of an allocation claimed belong to memory
    // the caller allocated: forgotten (src/ad/release.ts).
    if (!split && !this.sig.nofree && m.getFunction(DEFER)) {
      const decl = (n: string, r: import('../ir/types.js').Type, p: import('../ir/types.js').Type[]): Function => this.ctx.declare(n, r, p);
      const n0 = new IRBuilder(m).atEnd(this.fwdPro.init).call(countFn(m, decl), [], 'handed.over');
      b.call(trimFn(m, decl), [n0]);
    }
    const rt = this.revFn.fnType.ret;
    if (rt.kind === 'void') b.ret();
    else {
      let agg: Value = nullValue(rt);
      parts.forEach((p, k) => { agg = b.insertValue(agg, p, [k]); });
      b.ret(agg);
    }

    if (split) {
      const fb = new IRBuilder(m).atEnd(this.entry.fwdReturn);
      const at = this.fwdFn.fnType.ret;
      let agg: Value = b.undef(at);
      agg = fb.insertValue(agg, frame.tapeValue(), [0]);
      let k = 1;
      if (this.retVal) agg = fb.insertValue(agg, this.retVal, [k++]);
      for (const phi of this.retShadowPhis) agg = fb.insertValue(agg, phi, [k++]);
      fb.ret(agg);
    }
    this.buffers.growBuffers();
    this.kept?.finish();
    // Checkpoint-ready loops: a second forward version without the segment bookkeeping.
    this.checkpoints.versionLoops();
    frame.finish();
    this.fwdPro.flush();
    if (split) this.revPro.flush();
    // Phis with no incoming edge (a function that never returns) are invalid: drop them.
    for (const p of [this.entry.retIdx, this.retVal, ...this.retShadowPhis]) {
      if (p && p.operands.length === 0) {
        const blk = p.parent!;
        blk.instructions.splice(blk.instructions.indexOf(p), 1);
      }
    }
    if (this.sweep.cutEdges.length) dropEmptyPhis(this.fwdFn);
    uniquifyNames(this.fwdFn);
    if (split) uniquifyNames(this.revFn);
    this.ctx.perf.push(`${f.fnName()}: ${split ? 'tape' : 'frame'} ${frame.bytes()} bytes per call${frame.tapeInArena ? ' (from the arena of the derivative call)' : ''}` +
      [...this.plan.loops.entries()].filter(([, s]) => s.buffers.length)
        .map(([l, s]) => `, ${s.buffers.reduce((n, x) => n + this.ctx.dl.allocSize(x.type), 0)} bytes per iteration of the loop ${f.loopName(l)}`).join(''));
  }
}

/**
 * Where the tapes come from (src/tape/frame.ts): a pair generated for a callee with
 * `sig.arena` takes its caller's arena; a combined derivative, or a pair the user calls,
 * owns one; a reverse that may run several times on one tape (`nofree`) uses malloc.
 */
function arenaSource(sig: DiffSig, split: boolean, fwdFn: Function, revFn: Function): ArenaSource {
  if (sig.nofree) return { kind: 'none' };
  if (split && sig.arena) return { kind: 'param', fwd: fwdFn.args[fwdFn.args.length - 1]!, rev: revFn.args[revFn.args.length - 1]! };
  if (!split || sig.topLevel) return { kind: 'own' };
  return { kind: 'none' };
}
