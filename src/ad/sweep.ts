// Stage 1 of the transform: the forward sweep. The primal body is cloned block
// for block into the function being generated, and every pointer into active
// memory gets its shadow computed alongside (`%"x'"`, one per lane): the same
// address arithmetic on the shadow, zeroed shadow allocations, shadows of
// pointers stored into shadow memory. What a mode does beyond that (reverse
// mode: loop counters, augmented calls of callees, the jump into the reverse;
// forward mode: tangents) it does through `SweepMode`.

import { IRBuilder, addIncoming, addBlock, constInt, nullValue } from '../ir/builder.js';
import type { BasicBlock, Function } from '../ir/function.js';
import { GlobalVariable } from '../ir/function.js';
import { ConstantAggregate, ConstantExpr, ConstantInt, ConstantZero, type Constant } from '../ir/constants.js';
import type { AllocaInst, CallInst, Instruction, InvokeInst, PhiInst, RetInst } from '../ir/instructions.js';
import { PhiInst as PhiClass, isTerminator } from '../ir/instructions.js';
import type { Loop } from '../ir/loops.js';
import type { Value } from '../ir/value.js';
import { intBase, isDanglingConst, isPtrAggType } from '../analysis/activity.js';
import { mayUseGlobals } from '../analysis/memory.js';
import type { Prologue } from '../tape/frame.js';
import type { FunctionFacts } from './facts.js';
import { Refusals } from './checks.js';
import { laneName, signatureParams } from './signature.js';
import { allocShape } from './calls.js';
import type { BlasRule } from '../rules/blas.js';
import { BlasCalls, blasAlphaActive, blasCopiesNeeded, blasScalarActive, blasScalars, type BlasSaved } from './blas.js';
import { allocLikeShadow } from './custom.js';
import { ARENA_ALLOC } from '../tape/arena.js';
import { dropPhiEntries, invokeToCall } from './invoke.js';
import { isPointerLike, vecMemShadowCopy } from './vecmem.js';
import { globalShadowOf, zeroStandIn } from './globals.js';
import { addressesHeld } from '../analysis/targets.js';
import type { ActivityAnalysis } from '../analysis/activity.js';
import type { Argument } from '../ir/function.js';
import { layoutHelper } from './copylayout.js';
import { deferFn } from './release.js';

/** A call site: `call` or `invoke`. */
export type CallBase = CallInst | InvokeInst;

export interface BlockInfo {
  primal: BasicBlock | null;
  loop: Loop | null;
  /** Combined mode: the block dominates the forward return, so its values can be used in the reverse directly. */
  domExit: boolean;
}

export const ENTRY_INFO: BlockInfo = { primal: null, loop: null, domExit: true };

/** What the mode being generated adds to the forward sweep. */
export interface SweepMode {
  /** After the parameters are mapped, before any block is cloned. */
  beforeClone(): void;
  /** At the top of a loop header's clone, right after its phis. */
  loopHeader(loop: Loop, nb: BasicBlock): void;
  /** A call to a function defined in the module that touches active data. */
  activeCall(i: CallBase, nb: BasicBlock): void;
  /** A primal `ret`: the mode ends the cloned block. */
  ret(i: RetInst, nb: BasicBlock): void;
  /**
   * Optional: where each primal parameter sits among the generated function's
   * parameters (a duplicated pointer's shadows follow it). Default: contract
   * section 6's layout for the signature's activities.
   */
  paramPositions?(): readonly number[];
  /**
   * Optional: right after a primal phi or non-terminator instruction is cloned
   * (its shadows computed), with the sweep's builder at the end of its block.
   * Forward mode computes tangents here.
   */
  afterClone?(i: Instruction, nb: BasicBlock): void;
  /** Optional (reverse mode): a call to free that is deferred to the end of the reverse sweep (a checkpointed loop re-runs on that memory). */
  deferFree?(i: Instruction): boolean;
  /**
   * Optional: copies whose memory mixes kinds (floats and pointers, double and float fields) are
   * split by field (reverse mode; forward mode copies tangents and shadows whole).
   */
  readonly copyFieldByField?: boolean;
  /** Optional: the shadow of a pointer the sweep cannot follow itself (forward mode: one extracted from an aggregate whose tangent the mode holds); null: none. */
  shadowOfPointer?(i: Instruction, lane: number): Value | null;
  /**
   * Optional (split mode): a zeroed block of `size` bytes aligned to `align` at `b` that lives
   * until the derivative call that owns the computation ends (its arena), so nothing frees it;
   * null: none (the block is calloc'd and freed by the reverse).
   */
  arenaBlock?(b: IRBuilder, size: number, align: number, name: string | null): Value | null;
}

const KEEP_ATTACHMENTS = new Set(['tbaa', 'tbaa.struct', 'range', 'nonnull', 'noundef', 'llvm.loop', 'invariant.load', 'align', 'alias.scope', 'noalias']);

export class ForwardSweep {
  readonly vmap = new Map<Value, Value>();
  /** Per lane: the forward shadow of each pointer with shadow memory. */
  readonly shadows: Map<Value, Value>[];
  readonly fwdBlocks = new Map<BasicBlock, BasicBlock>();
  readonly blockInfo = new Map<BasicBlock, BlockInfo>();
  /** The first non-phi instruction cloned into each forward block (values cached after a phi go before it). */
  readonly firstBody = new Map<BasicBlock, Instruction>();
  /** Pointers passed to free / realloc: their allocations' shadows are freed in the reverse. */
  readonly freedClasses: Value[] = [];
  /** Split mode: heap shadows of stack allocations, freed at the end of the reverse. */
  readonly toFreeAtEnd: Value[] = [];
  /** Reverse mode: per variable-sized alloca of active memory, per lane, its heap shadow (freed by the alloca's reverse). */
  readonly dynAllocaShadows = new Map<AllocaInst, Value[]>();
  /** Per realloc: per lane, how many bytes of the old shadow were moved into the new one. */
  readonly reallocMoved = new Map<CallBase, Value[]>();
  /** Per active BLAS call (reverse mode): its scalars and the copies of the arrays its reverse reads. */
  readonly blasSaved = new Map<CallBase, BlasSaved>();
  /** Per posix_memalign with a shadowed out-pointer: per lane, the shadow block allocated. */
  readonly posixShadows = new Map<CallBase, Value[]>();
  /** Positioned by the sweep at the current primal instruction's clone. */
  readonly fb: IRBuilder;
  /** Phis whose incoming values are filled once every block is cloned; `lane` null for the primal phi. */
  private readonly phiPatches: { prim: PhiInst; fwd: PhiInst; lane: number | null }[] = [];
  private readonly refusals: Refusals;
  private readonly width: number;
  /** Edges of the primal's CFG the forward copy no longer has: invokes that became calls (src/ad/invoke.ts), from the block to the unwind destination. */
  readonly cutEdges: [BasicBlock, BasicBlock][] = [];

  constructor(
    private readonly f: FunctionFacts,
    /** The function being generated: `diffe<f>` (combined), `augmented_<f>` (split). */
    readonly fwdFn: Function,
    /** Where stack shadows are allocated (combined shape). */
    private readonly pro: Prologue,
    private readonly mode: SweepMode,
  ) {
    this.width = f.width;
    this.shadows = Array.from({ length: f.width }, () => new Map<Value, Value>());
    this.fb = new IRBuilder(f.m);
    this.refusals = new Refusals(f);
  }

  mapV(v: Value): Value { return this.vmap.get(v) ?? v; }

  info(i: Instruction): BlockInfo {
    return (i.parent && this.blockInfo.get(i.parent)) || ENTRY_INFO;
  }

  private bytePtr(): import('../ir/types.js').Type { return this.f.m.ptrTo(this.f.m.types.i8); }

  build(): void {
    const f = this.f;
    const prim = f.prim;
    const fwd = this.fwdFn;
    for (const b of f.cfg.rpo) {
      const nb = addBlock(f.m, fwd, b.name);
      this.fwdBlocks.set(b, nb);
      const domExit = !f.split && f.retBlocks.length > 0 && f.retBlocks.every((r) => f.dt.dominates(b, r));
      this.blockInfo.set(nb, { primal: b, loop: f.li.loopFor(b), domExit });
    }
    const paramPos = this.mode.paramPositions?.() ?? signatureParams(f.m, prim, f.sig.args, this.width).pos;
    prim.args.forEach((a, i) => {
      const p = paramPos[i]!;
      this.vmap.set(a, fwd.args[p]!);
      const act = f.sig.args[i];
      if (act === 'dup' || act === 'dupnoneed') for (let k = 0; k < this.width; k++) this.shadows[k]!.set(a, fwd.args[p + 1 + k]!);
    });
    this.mode.beforeClone();
    for (const b of f.cfg.rpo) this.cloneBlock(b);
    this.patchPhis();
    this.dropCutEdges();
  }

  /** Phi entries of edges an invoke-turned-call removed (run again by a mode that adds phis later). */
  dropCutEdges(): void {
    for (const [from, to] of this.cutEdges) dropPhiEntries(from, to);
  }

  private cloneBlock(b: BasicBlock): void {
    const nb = this.fwdBlocks.get(b)!;
    const fb = this.fb.atEnd(nb);
    const insts = b.instructions;
    let k = 0;
    for (; k < insts.length && insts[k]!.op === 'phi'; k++) this.clonePhi(insts[k] as PhiInst, nb);
    const loop = this.f.li.loopFor(b);
    if (loop && loop.header === b) this.mode.loopHeader(loop, nb);
    const bodyStart = nb.instructions.length;
    for (; k < insts.length; k++) {
      const i = insts[k]!;
      fb.atEnd(nb);
      fb.origin = i;
      this.cloneInst(i, nb);
      // An invoke's tangent code follows it too: finishInvoke then makes it a call.
      if (this.mode.afterClone && (!isTerminator(i) || i.op === 'invoke')) { fb.atEnd(nb); this.mode.afterClone(i, nb); }
    }
    const first = nb.instructions[bodyStart];
    if (first) this.firstBody.set(nb, first);
    if (b.terminator?.op === 'invoke') this.finishInvoke(b, nb);
  }

  /** An invoke whose forward copy needs code after it becomes a call and a branch (src/ad/invoke.ts). */
  private finishInvoke(b: BasicBlock, nb: BasicBlock): void {
    const term = b.terminator as InvokeInst;
    const last = nb.instructions[nb.instructions.length - 1];
    if (last && last.op === 'invoke' && last.origin === term) return;
    this.checkNotCaught(term);
    const normal = this.fwdBlocks.get(term.successors[0]!)!;
    const inv = nb.instructions.find((x) => x.op === 'invoke' && x.origin === term) as InvokeInst | undefined;
    if (inv) this.cutEdges.push([nb, invokeToCall(this.f.m, inv, normal)]);
    else {
      new IRBuilder(this.f.m).atEnd(nb).br(normal);
      this.cutEdges.push([nb, this.fwdBlocks.get(term.successors[1]!)!]);
    }
  }

  /**
   * The forward copy `fi` of an invoke, after which code must be placed later (a value
   * cached for the reverse sweep): it becomes a call followed by a branch.
   */
  invokeBecomesCall(fi: InvokeInst): void {
    const term = fi.origin as InvokeInst;
    this.checkNotCaught(term);
    const from = fi.parent!;
    const unwind = invokeToCall(this.f.m, fi, this.fwdBlocks.get(term.successors[0]!)!);
    dropPhiEntries(from, unwind);
    this.cutEdges.push([from, unwind]);
  }

  /** A converted invoke must not be one whose exception the function catches and returns from. */
  private checkNotCaught(term: InvokeInst): void {
    if (!this.f.reaches.has(term.successors[1]!)) return;
    this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: an exception caught inside the function (the landing pad of this call leads to a return) on the active path`, term,
      ['the derivative assumes no exception is thrown: move the try / catch out of the differentiated function, or compile with -fno-exceptions']);
  }

  /** A shallow copy of a primal instruction with operands and blocks mapped into the forward function. */
  copyInst<T extends Instruction>(i: T): T {
    const c = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as T, i);
    c.parent = null;
    c.origin = i;
    c.dbg = null;
    c.operands = i.operands.map((o) => this.mapV(o));
    // Undefined lanes of floating vectors (`insertelement <2 x float> poison, ...`, a shuffle
    // mask lane `poison`) become zeros in the clone, a refinement of the primal: the adjoint of
    // an unused lane is 0 times that lane's value, which must not be poison (it is added into
    // lanes that are used, by the transposed shuffle).
    if (c.op === 'shufflevector' || c.op === 'insertelement' || c.op === 'fmul' || c.op === 'fadd' || c.op === 'fsub' || c.op === 'fdiv' || c.op === 'select') {
      c.operands = c.operands.map((o, k) => (c.op === 'shufflevector' && k === 2 ? definedMask(o) : definedFloatLanes(o)));
    }
    if (i.attachments) {
      const kept = i.attachments.filter((a) => KEEP_ATTACHMENTS.has(a.kind));
      c.attachments = kept.length ? kept : null;
    }
    const s = (c as { successors?: BasicBlock[] }).successors;
    if (s) (c as { successors: BasicBlock[] }).successors = s.map((x) => this.fwdBlocks.get(x) ?? x);
    if (c.op === 'call' || c.op === 'invoke' || c.op === 'callbr') {
      const ci = c as unknown as CallBase;
      ci.argAttrs = [...ci.argAttrs];
      if (ci.bundles) ci.bundles = ci.bundles.map((bd) => ({ tag: bd.tag, inputs: bd.inputs.map((v) => this.mapV(v)) }));
    }
    return c;
  }

  private clonePhi(p: PhiInst, nb: BasicBlock): void {
    const c = new PhiClass(p.type, [], []);
    c.name = p.name;
    c.origin = p;
    c.flags = p.flags;
    this.fb.atEnd(nb).insert(c);
    this.vmap.set(p, c);
    this.phiPatches.push({ prim: p, fwd: c, lane: null });
    if (this.f.aa.shadowed(p)) {
      for (let lane = 0; lane < this.width; lane++) {
        const s = new PhiClass(p.type, [], []);
        s.name = laneName(p.name !== null ? `${p.name}'` : null, this.width, lane);
        s.origin = p;
        this.fb.atEnd(nb).insert(s);
        this.shadows[lane]!.set(p, s);
        this.phiPatches.push({ prim: p, fwd: s, lane });
      }
    }
    if (this.mode.afterClone) { this.fb.atEnd(nb); this.mode.afterClone(p, nb); }
  }

  private patchPhis(): void {
    for (const { prim, fwd, lane } of this.phiPatches) {
      prim.operands.forEach((v, k) => {
        const from = prim.blocks[k]!;
        const nb = this.fwdBlocks.get(from);
        if (!nb) return; // unreachable predecessor
        addIncoming(fwd, lane !== null ? this.shadowOf(v, prim, lane) : this.mapV(v), nb);
      });
    }
  }

  /** The forward shadow of a primal pointer value, in lane `lane`. */
  shadowOf(v: Value, at: Instruction | null, lane: number): Value {
    const s = this.shadows[lane]!.get(v);
    if (s) return s;
    const gs = globalShadowOf(this.f.ctx, v, lane, this.width, at);
    if (gs) return gs;
    if (v.vk === 'const') {
      const ck = (v as unknown as { ck: string }).ck;
      if (ck === 'null' || ck === 'undef' || ck === 'poison' || (ck === 'zero' && v.type.kind !== 'pointer') || isDanglingConst(v)) return v;
    }
    // A dangling address made of a parameter (activity.ts, isDangling): its own shadow.
    if (v.vk === 'inst' && this.f.aa.isDangling(v)) return this.mapV(v);
    // A constant address in a class with a shadow (a phi of a pointer into a constant table and
    // a dup pointer, src/analysis/activity.ts): the table's zeroed stand-in.
    if ((v.vk === 'global' || v.vk === 'const') && this.f.aa.shadowed(v)) {
      const z = this.zeroShadow(v, 0, lane, at);
      if (z) return z;
    }
    if (!this.f.aa.shadowed(v)) {
      // A pointer into a constant global (a coefficient table) where a shadow is needed (stored
      // into active memory, or a phi with active pointers): a zeroed global of the same type.
      // Loads through it give zero derivatives; the reverse adds adjoints into it, not into the
      // read-only table.
      const z = this.zeroShadow(v, 0, lane, at);
      if (z) return z;
      // Other memory nothing writes (a function): the primal pointer stands for it, as in Enzyme.
      // Never a const argument's or a mutable global's memory: adjoints would be added into the
      // primal data.
      if (this.f.aa.readOnlyShadow(v)) return this.mapV(v);
      return this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: ${describeNoShadow(this.f.aa, v)} is used where the derivative needs its shadow`, at,
        ['the derivative would add adjoints into the primal memory: make the argument dup (with a zeroed shadow) if its memory takes part in the computation']);
    }
    return this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: no shadow for a pointer into active memory`, at,
      ['the pointer comes from an operation the tool cannot follow (inttoptr, an unknown call)']);
  }

  /**
   * A pointer loaded from a table of addresses (src/analysis/activity.ts, tableLoads): its shadow
   * is loaded from the same place in the table's stand-in, addressed by a copy of the primal GEPs.
   */
  private tableShadowAddress(p: Value, at: Instruction, lane: number, depth: number): Value | null {
    if (depth > 32) return null;
    if (p.vk === 'global' || p.vk === 'const') return this.zeroShadow(p, 0, lane, at);
    if (p.vk !== 'inst') return null;
    const g = p as Instruction;
    if (g.op !== 'getelementptr' && g.op !== 'bitcast' && g.op !== 'addrspacecast') return null;
    const base = this.tableShadowAddress(g.operands[0]!, at, lane, depth + 1);
    if (!base) return null;
    const c = this.copyInst(g);
    c.operands[0] = base;
    c.name = laneName(g.name !== null ? `${g.name}'` : null, this.width, lane);
    this.fb.insert(c);
    return c;
  }

  /**
   * The zero shadow of (a constant GEP or cast of) a constant global, or null. A table of
   * addresses (`double *rows[] = {G0, G1}`) that nothing writes, constant or not, gets a stand-in
   * holding the shadows of those addresses (one per lane), so that a pointer loaded from the
   * shadow is the shadow of the pointer loaded from the table.
   */
  private zeroShadow(v: Value, depth: number, lane: number, at: Instruction | null): Value | null {
    if (depth > 4) return null;
    if (v instanceof GlobalVariable) {
      if (v.name === null) return null;
      const table = addressesHeld(v).length > 0;
      const facts = this.f.ctx.rules.facts;
      if (!v.isConstant && !(table && facts && facts.targets.isReadOnly(v))) return null;
      return zeroStandIn(this.f.ctx, v, lane, this.width, at, this.f.forward, (h) => this.zeroShadow(h, depth + 1, lane, at));
    }
    if (v instanceof ConstantExpr && (v.op === 'getelementptr' || v.op === 'bitcast' || v.op === 'addrspacecast')) {
      const base = this.zeroShadow(v.operands[0]!, depth + 1, lane, at);
      if (!base) return null;
      const c = new ConstantExpr(v.type, v.op, [base, ...v.operands.slice(1)], v.flags);
      c.srcType = v.srcType;
      c.inrange = v.inrange;
      c.inrangeIndex = v.inrangeIndex;
      return c;
    }
    return null;
  }

  private cloneInst(i: Instruction, nb: BasicBlock): void {
    const f = this.f;
    const fb = this.fb;
    const aa = f.aa;
    this.refusals.check(i);
    switch (i.op) {
      case 'ret': {
        this.mode.ret(i, nb);
        return;
      }
      case 'call': case 'invoke': {
        const k = aa.callKind(i);
        if (k.k === 'inactive' && k.name.startsWith('llvm.dbg.')) return;
        if (k.k === 'defined' && aa.callTouchesActive(i)) { this.mode.activeCall(i, nb); return; }
        if ((k.k === 'unknown' || k.k === 'indirect' || k.k === 'asm') && (aa.isActiveValue(i) || aa.shadowed(i) || i.args().some((a) => aa.shadowed(a)))) {
          const tested = i.notCallees?.length ? ` (for a pointer other than ${i.notCallees.map((t) => `@${t.name ?? '?'}`).join(', ')}, which it was tested against)` : '';
          const what = k.k === 'asm' ? 'inline assembly' : k.k === 'indirect' ? `an indirect call${tested}` : `@${k.name}`;
          f.error('E0402', `cannot differentiate ${f.fnName()}: ${what} touches active data and has no known derivative`, i,
            ['make its arguments const, register a custom derivative or declare it inactive (--custom, --inactive, docs/custom.md)']);
        }
        if (k.k === 'unknown') {
          // Code outside the module sees the module's non-internal globals: a declared function
          // may read one that carries derivatives, or overwrite it, without any argument saying so.
          const g = exposedActiveGlobal(this.f.ctx.rules.facts?.activeGlobals);
          if (g && mayUseGlobals(f.m, i)) {
            f.error('E0402', `cannot differentiate ${f.fnName()}: @${k.name} is only declared, and may read or overwrite @${g.name ?? '?'}, a global visible outside this module that carries derivatives`, i,
              [`if @${k.name} does not use @${g.name ?? '?'}, declare it inactive (--inactive ${k.name}, or __enzyme_inactivefn)`]);
          }
        }
        if (k.k === 'indirect') {
          const reach = aa.unknownTargetsUsingActiveGlobals(i);
          if (reach.length) {
            const [fn, g] = reach[0]!;
            f.error('E0402', `cannot differentiate ${f.fnName()}: an indirect call whose target is not known may reach @${fn.name ?? '?'}, which uses the global @${g.name ?? '?'} that carries derivatives`, i,
              [`${reach.length} function(s) of this type whose address is taken use such globals; call the function directly, or pass the data as arguments instead of through the global`]);
          }
        }
        // Reverse mode: what the reverse of a BLAS call reads, saved before the call overwrites anything.
        if (k.k === 'blas' && !f.forward && aa.isActiveInst(i)) this.blasSaved.set(i, this.saveBlas(i, k.rule));
        const c = this.copyInst(i);
        if (k.k === 'free' && this.mode.deferFree?.(i)) this.toFreeAtEnd.push(fb.bitcastIfNeeded((c as CallBase).args()[k.ptrArg ?? 0]!, this.bytePtr()));
        else fb.insert(c);
        this.vmap.set(i, c);
        if (k.k === 'free' || k.k === 'realloc') this.freedClasses.push(i.arg(k.k === 'free' ? k.ptrArg ?? 0 : 0));
        if (k.k === 'free' && !k.like) this.handOver(i);
        if ((k.k === 'malloc' || k.k === 'calloc') && aa.shadowed(i)) this.shadowAlloc(i, c);
        if (k.k === 'posix_memalign' && aa.shadowed(i.arg(0))) this.shadowPosixMemalign(i);
        if (k.k === 'vecmem') for (let lane = 0; lane < this.width; lane++) vecMemShadowCopy(aa, i, k.shape, fb, (v) => this.copyInst(v), (v) => this.shadowOf(v, i, lane), (s) => this.shadows[lane]!.set(i, s));
        if (k.k === 'realloc' && aa.shadowed(i)) this.shadowRealloc(i, c);
        if (k.k === 'memcpy' || k.k === 'memmove') this.refusals.checkCopyIntoIntegers(i, i.arg(0), i.arg(1));
        const lay = (k.k === 'memcpy' || k.k === 'memmove') && aa.shadowed(i.arg(0)) && this.mode.copyFieldByField ? f.kinds.copyLayout(i) : null;
        if (lay) {
          // Mixed fields (reverse mode): the shadows of the pointer fields are copied; the floating
          // fields' adjoints move in the reverse sweep.
          if (lay.fields.some((x) => x.kind === 'pointer')) {
            const helper = layoutHelper(f.ctx, lay, 'ptrs');
            const bp = this.bytePtr();
            for (let lane = 0; lane < this.width; lane++) {
              fb.call(helper, [fb.bitcastIfNeeded(this.shadowOf(i.arg(0), i, lane), bp), fb.bitcastIfNeeded(this.shadowOf(i.arg(1), i, lane), bp),
                toI64At(this.mapV(i.arg(2)), fb)]);
            }
          }
        } else if ((k.k === 'memcpy' || k.k === 'memmove') && aa.shadowed(i.arg(0)) && this.memKind(i) === 'pointer') {
          for (let lane = 0; lane < this.width; lane++) {
            const s = this.copyInst(i);
            s.operands[0] = this.shadowOf(i.arg(0), i, lane);
            s.operands[1] = this.shadowOf(i.arg(1), i, lane);
            fb.insert(s);
          }
        }
        return;
      }
      default: break;
    }
    const c = this.copyInst(i);
    fb.insert(c);
    this.vmap.set(i, c);
    if (!isPointerLike(i.type) && i.op !== 'store') return;
    switch (i.op) {
      case 'store':
        if (isPointerLike(i.value.type) && aa.shadowed(i.ptr)) {
          for (let lane = 0; lane < this.width; lane++) fb.store(this.shadowOf(i.value, i, lane), this.shadowOf(i.ptr, i, lane), i.align);
        }
        return;
      case 'alloca':
        if (aa.shadowed(i)) this.shadowAlloca(i, c as AllocaInst);
        return;
      default: break;
    }
    if (!aa.shadowed(i)) return;
    const name = i.name !== null ? `${i.name}'` : null;
    switch (i.op) {
      case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze': case 'select':
      case 'insertelement': case 'shufflevector': case 'extractelement': {
        for (let lane = 0; lane < this.width; lane++) {
          const s = this.copyInst(i);
          s.name = laneName(name, this.width, lane);
          if (i.op === 'select') {
            s.operands[1] = this.shadowOf(i.operands[1]!, i, lane);
            s.operands[2] = this.shadowOf(i.operands[2]!, i, lane);
          } else {
            s.operands[0] = this.shadowOf(i.operands[0]!, i, lane);
          }
          // Vectors of pointers: the same lanes of the shadows.
          if (i.op === 'insertelement' || i.op === 'shufflevector') s.operands[1] = this.shadowOf(i.operands[1]!, i, lane);
          s.attachments = null;
          fb.insert(s);
          this.shadows[lane]!.set(i, s);
        }
        return;
      }
      case 'insertvalue': {
        // A fat pointer built from its parts: the same aggregate of the shadows (integer fields primal).
        for (let lane = 0; lane < this.width; lane++) {
          const s = this.copyInst(i);
          s.name = laneName(name, this.width, lane);
          s.operands[0] = this.shadowOf(i.operands[0]!, i, lane);
          if (isPointerLike(i.operands[1]!.type)) s.operands[1] = this.shadowOf(i.operands[1]!, i, lane);
          fb.insert(s);
          this.shadows[lane]!.set(i, s);
        }
        return;
      }
      case 'extractvalue': {
        if (!isPtrAggType(i.operands[0]!.type)) break;
        for (let lane = 0; lane < this.width; lane++) {
          const s = this.copyInst(i);
          s.name = laneName(name, this.width, lane);
          s.operands[0] = this.shadowOf(i.operands[0]!, i, lane);
          fb.insert(s);
          this.shadows[lane]!.set(i, s);
        }
        return;
      }
      case 'inttoptr': {
        if (f.aa.isDangling(i)) {
          for (let lane = 0; lane < this.width; lane++) this.shadows[lane]!.set(i, this.mapV(i));
          return;
        }
        // The shadow sits at the same offset from the shadow of the pointer the integer came from.
        const found = intBase(i.operands[0]!);
        if (!found || (found.vk === 'inst' && !f.dt.dominatesInst(found as Instruction, i))) {
          return this.f.error('E0401', `cannot differentiate ${f.fnName()}: inttoptr of an integer that does not come from one pointer into active memory`, i,
            ['keep pointers to active data as pointers (no integer round trips)']);
        }
        const base = found;
        const t = f.m.types;
        const bp = this.bytePtr();
        const toI64 = (v: Value): Value => v.type === t.i64 ? v : this.fb.cast((v.type as { bits: number }).bits < 64 ? 'zext' : 'trunc', v, t.i64);
        const off = this.fb.sub(toI64(this.mapV(i.operands[0]!)), this.fb.cast('ptrtoint', this.mapV(base), t.i64), name !== null ? `${name}off` : null);
        for (let lane = 0; lane < this.width; lane++) {
          const sb = this.fb.bitcastIfNeeded(this.shadowOf(base, i, lane), bp);
          const sp = this.fb.gep(t.i8, sb, [off], laneName(name, this.width, lane));
          this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(sp, i.type));
        }
        return;
      }
      case 'load': {
        for (let lane = 0; lane < this.width; lane++) {
          const s = this.copyInst(i);
          s.name = laneName(name, this.width, lane);
          s.operands[0] = (f.aa.isTableLoad(i) && !f.aa.shadowed(i.ptr) ? this.tableShadowAddress(i.ptr, i, lane, 0) : null) ?? this.shadowOf(i.ptr, i, lane);
          s.attachments = null;
          fb.insert(s);
          this.shadows[lane]!.set(i, s);
        }
        return;
      }
      default: break;
    }
    const fromMode = this.mode.shadowOfPointer ? Array.from({ length: this.width }, (_, lane) => this.mode.shadowOfPointer!(i, lane)) : [];
    if (fromMode.length && fromMode.every((s) => s !== null)) { fromMode.forEach((s, lane) => this.shadows[lane]!.set(i, s!)); return; }
    f.error('E0401', `cannot differentiate ${f.fnName()}: cannot follow a pointer into active memory through ${i.op}`, i,
      ['keep pointers to active data as pointers (no integer round trips)']);
  }

  private saveBlas(i: CallBase, rule: BlasRule): BlasSaved {
    const aa = this.f.aa;
    const s = blasScalars(this.fb, this.f.ctx, rule, i, (v) => this.mapV(v));
    const need = blasCopiesNeeded(rule, {
      x: aa.shadowed(i.arg(rule.x)), y: rule.y !== null && aa.shadowed(i.arg(rule.y)), a: rule.a !== undefined && aa.shadowed(i.arg(rule.a)),
      alpha: blasAlphaActive(aa, rule, i), beta: blasScalarActive(aa, rule, i, rule.beta),
    });
    const c = new BlasCalls(this.f.ctx, this.fb, rule);
    if (rule.routine === 'gemm') {
      // A, B and C as stored, with their leading dimensions (B and C are the rule's x and y).
      const g = c.gemmShape(s);
      return {
        ...s,
        xCopy: need.x ? c.copyMat(s.layout!, g.bm, s.incx, this.mapV(i.arg(rule.x))) : null,
        yCopy: need.y ? c.copyMat(s.layout!, g.c, s.incy!, this.mapV(i.arg(rule.y!))) : null,
        aCopy: need.a ? c.copyMat(s.layout!, g.a, s.lda!, this.mapV(i.arg(rule.a!))) : null,
      };
    }
    const shape = rule.routine === 'gemv' ? c.shape(s) : null;
    return {
      ...s,
      xCopy: need.x ? c.copyOut(shape ? shape.lenx : s.n, this.mapV(i.arg(rule.x)), s.incx) : null,
      yCopy: need.y ? c.copyOut(shape ? shape.leny : s.n, this.mapV(i.arg(rule.y!)), s.incy!) : null,
      aCopy: need.a ? c.copyMatrix(s, this.mapV(i.arg(rule.a!))) : null,
    };
  }

  /**
   * Reverse mode: the shadow of memory freed here whose allocation is not released
   * statically is handed to the run-time registry (src/ad/release.ts); the reverse of the
   * allocation frees it.
   */
  private handOver(i: CallBase): void {
    const f = this.f;
    if (f.forward || f.sig.nofree || !f.aa.shadowed(i.arg(0)) || !f.release.handsOver(i)) return;
    const defer = deferFn(f.m, (n, r, p) => f.ctx.declare(n, r, p));
    for (let lane = 0; lane < this.width; lane++) {
      this.fb.call(defer, [this.fb.bitcastIfNeeded(this.shadowOf(i.arg(0), i, lane), this.bytePtr())]);
    }
  }

  private memKind(i: CallBase): ReturnType<FunctionFacts['kinds']['memKind']> {
    return this.f.kinds.memKind(i);
  }

  private shadowAlloca(i: AllocaInst, c: AllocaInst): void {
    if (i.operands.length) { this.shadowDynamicAlloca(i, c); return; }
    for (let lane = 0; lane < this.width; lane++) this.shadowAllocaLane(i, c, lane);
  }

  /**
   * A variable-sized alloca of active memory (`alloca T, i64 %n`: Eigen's GEMM packs its blocks
   * into one) gets a zeroed shadow of the same dynamic size, made where the primal's is.
   * Forward mode: an alloca of the same count, which lives and dies with the primal's.
   * Reverse mode: the reverse accumulates into it after the primal's frame may be gone (split
   * mode) or restored (`llvm.stackrestore`), so it is a zeroed heap block (as Enzyme turns such
   * allocas into heap allocations), freed by the reverse of the alloca, after the reverse of
   * every use: one block per execution, inside loops too.
   */
  private shadowDynamicAlloca(i: AllocaInst, c: AllocaInst): void {
    const f = this.f;
    const m = f.m;
    const t = m.types;
    const dl = f.ctx.dl;
    const elem = dl.allocSize(i.allocated);
    const count = toI64At(this.mapV(i.operands[0]!), this.fb);
    const bytes = elem === 1 ? count : this.fb.binop('mul', count, constInt(t.i64, elem));
    const align = Math.max(c.align ?? 0, dl.align(i.allocated));
    const made: Value[] = [];
    for (let lane = 0; lane < this.width; lane++) {
      const name = laneName(i.name !== null ? `${i.name}'ipa` : null, this.width, lane);
      if (f.forward) {
        const s = this.fb.alloca(i.allocated, name, this.mapV(i.operands[0]!), c.align);
        this.fb.call(f.ctx.memIntrinsic('memset'), [this.fb.bitcastIfNeeded(s, this.bytePtr()), constInt(t.i8, 0), bytes, constInt(t.i1, 0)]);
        this.shadows[lane]!.set(i, s);
        continue;
      }
      let raw: Value;
      if (align > dl.mallocAlign) {
        raw = this.alignedZeroed(constInt(t.i64, align), bytes, name);
      } else {
        const calloc = f.ctx.declare('calloc', this.bytePtr(), [t.i64, t.i64]);
        raw = this.fb.call(calloc, [constInt(t.i64, 1), bytes], name);
      }
      this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(raw, i.type));
      made.push(raw);
    }
    if (made.length) this.dynAllocaShadows.set(i, made);
  }

  private shadowAllocaLane(i: AllocaInst, c: AllocaInst, lane: number): void {
    const m = this.f.m;
    const t = i.allocated;
    const name = laneName(i.name !== null ? `${i.name}'ipa` : null, this.width, lane);
    if (!this.f.split) {
      const b = new IRBuilder(m).atEnd(this.pro.allocas);
      const s = b.alloca(t, name, null, c.align);
      // The zeroing store has the alloca's alignment: without one it would claim the type's ABI
      // alignment, more than clang gives a `<4 x double>` slot at -march=native (align 16 of 32).
      b.atEnd(this.pro.init).store(nullValue(t), s, c.align);
      this.shadows[lane]!.set(i, s);
      return;
    }
    // Split mode: the shadow must outlive the augmented function (the reverse
    // accumulates into it), so it is a zeroed heap allocation freed at the end of the reverse.
    const dl = this.f.ctx.dl;
    const size = Math.max(1, dl.allocSize(t));
    const align = Math.max(c.align ?? 0, dl.align(t));
    const inArena = this.mode.arenaBlock?.(this.fb, size, align, name) ?? null;
    if (inArena) {
      this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(inArena, i.type));
      return;
    }
    let raw: Value;
    if (align > dl.mallocAlign) {
      // The primal's accesses carry the alloca's alignment (32 for a <4 x double>): more than
      // calloc guarantees, so an aligned block, zeroed.
      const i64 = m.types.i64;
      const alloc = this.f.ctx.declare('aligned_alloc', this.bytePtr(), [i64, i64]);
      raw = this.fb.call(alloc, [constInt(i64, align), constInt(i64, Math.ceil(size / align) * align)], name);
      this.fb.call(this.f.ctx.memIntrinsic('memset'), [raw, constInt(m.types.i8, 0), constInt(i64, size), constInt(m.types.i1, 0)]);
    } else {
      const calloc = this.f.ctx.declare('calloc', this.bytePtr(), [m.types.i64, m.types.i64]);
      raw = this.fb.call(calloc, [constInt(m.types.i64, 1), constInt(m.types.i64, size)], name);
    }
    const s = this.fb.bitcastIfNeeded(raw, i.type);
    this.shadows[lane]!.set(i, s);
    this.toFreeAtEnd.push(raw);
  }

  private shadowAlloc(i: CallBase, c: Instruction): void {
    for (let lane = 0; lane < this.width; lane++) this.shadowAllocLane(i, c, lane);
  }

  private shadowAllocLane(i: CallBase, c: Instruction, lane: number): void {
    const t = this.f.m.types;
    const name = laneName(i.name !== null ? `${i.name}'mi` : null, this.width, lane);
    const kind = this.f.aa.callKind(i);
    const k = kind.k;
    let s: Value;
    const shape = allocShape('name' in kind ? kind.name : '');
    if (k === 'malloc' && kind.like) {
      // An allocator registered with __enzyme_allocation_like makes its own shadows (custom.ts).
      s = allocLikeShadow(this.f.ctx, this.fb, kind.like, i.args().map((a) => this.mapV(a)), name);
    } else if (this.f.forward && 'name' in kind && kind.name === ARENA_ALLOC) {
      // A tape block of a derivative being differentiated forward: its tangent comes from the
      // same arena (zeroed) and goes with it when the derivative destroys its arena.
      const args = i.args().map((a) => this.mapV(a));
      s = this.fb.call(i.callee, args, name);
      this.fb.call(this.f.ctx.memIntrinsic('memset'), [s, constInt(t.i8, 0), args[1]!, constInt(t.i1, 0)]);
    } else if (k === 'calloc') {
      const calloc = this.f.ctx.declare('calloc', this.bytePtr(), [t.i64, t.i64]);
      s = this.fb.call(calloc, [this.mapV(i.arg(0)), this.mapV(i.arg(1))].map((v) => toI64At(v, this.fb)), name);
    } else if (shape.align !== null) {
      s = this.alignedZeroed(this.mapV(i.arg(shape.align)), this.mapV(i.arg(shape.size)), name);
    } else {
      const calloc = this.f.ctx.declare('calloc', this.bytePtr(), [t.i64, t.i64]);
      const n = toI64At(this.mapV(i.arg(shape.size)), this.fb);
      s = this.fb.call(calloc, [constInt(t.i64, 1), n], name);
    }
    this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(s, c.type));
  }

  /**
   * A zeroed block of `size` bytes aligned as the primal asked (vector code
   * may rely on it): `aligned_alloc` with the size rounded up to a multiple
   * of the alignment (as C11 requires), then `memset`.
   */
  private alignedZeroed(align: Value, size: Value, name: string | null): Value {
    const t = this.f.m.types;
    const ctx = this.f.ctx;
    const a = toI64At(align, this.fb);
    const n = toI64At(size, this.fb);
    const one = constInt(t.i64, 1);
    const rounded = this.fb.binop('mul', this.fb.binop('udiv', this.fb.add(n, this.fb.sub(a, one)), a), a);
    const p = this.fb.call(ctx.declare('aligned_alloc', this.bytePtr(), [t.i64, t.i64]), [a, rounded], name);
    this.fb.call(ctx.memIntrinsic('memset'), [p, constInt(t.i8, 0), rounded, constInt(t.i1, 0)]);
    return p;
  }

  /**
   * `posix_memalign(&p, align, size)` whose result lands in memory with a
   * shadow: a zeroed aligned shadow block is stored into the shadow of the
   * out-pointer's memory (where loads of `p` find their shadow).
   */
  private shadowPosixMemalign(i: CallBase): void {
    const made: Value[] = [];
    for (let lane = 0; lane < this.width; lane++) {
      const s = this.alignedZeroed(this.mapV(i.arg(1)), this.mapV(i.arg(2)), laneName("memalign'mi", this.width, lane));
      const slot = this.shadowOf(i.arg(0), i, lane);
      this.fb.store(s, this.fb.bitcastIfNeeded(slot, this.f.m.ptrTo(this.bytePtr())));
      made.push(s);
    }
    this.posixShadows.set(i, made);
  }

  /**
   * `q = realloc(p, n)` on active memory: the shadow of `q` is a new zeroed
   * block holding the shadow of `p`'s first min(old size, n) bytes (the old size
   * is `malloc_usable_size` of the old shadow, whose slack calloc zeroed). The
   * old shadow stays alive: the reverse moves the adjoints back into it
   * before the code that used `p` is reversed.
   */
  private shadowRealloc(i: CallBase, c: Instruction): void {
    const t = this.f.m.types;
    const ctx = this.f.ctx;
    const bp = this.bytePtr();
    const moved: Value[] = [];
    const n = toI64At(this.mapV(i.arg(1)), this.fb);
    for (let lane = 0; lane < this.width; lane++) {
      const old = this.fb.bitcastIfNeeded(this.shadowOf(i.arg(0), i, lane), bp);
      const size = this.fb.call(ctx.declare('malloc_usable_size', t.i64, [bp]), [old], 'oldsize');
      const m = this.fb.select(this.fb.icmp('ult', size, n), size, n, laneName(i.name !== null ? `${i.name}'moved` : 'moved', this.width, lane));
      const nu = this.fb.call(ctx.declare('calloc', bp, [t.i64, t.i64]), [constInt(t.i64, 1), n],
        laneName(i.name !== null ? `${i.name}'mi` : null, this.width, lane));
      this.fb.call(ctx.memIntrinsic('memcpy'), [nu, old, m, constInt(t.i1, 0)]);
      this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(nu, c.type));
      moved.push(m);
    }
    this.reallocMoved.set(i, moved);
  }
}

/** A size operand as i64 (allocation and copy sizes may be i32). */
export function toI64At(v: Value, b: IRBuilder): Value {
  const i64 = b.types.i64;
  if (v.type === i64) return v;
  if (v.type.kind === 'int' && v.type.bits < 64) return b.cast('zext', v, i64);
  return v;
}

/** What makes a pointer shadowless, for messages: `the const argument %m`, `the global @g`, `memory reached through ...`. */
function describeNoShadow(aa: ActivityAnalysis, v: Value): string {
  const by = [...aa.blockedBy(v)];
  const name = (o: Value): string => o.vk === 'argument' ? `the const argument %${o.name ?? (o as Argument).index}` : o.vk === 'global' ? `the global @${o.name ?? '?'}` : 'a constant';
  const direct = by.filter(([, how]) => how === 'direct').map(([o]) => name(o));
  const deep = by.filter(([, how]) => how === 'deep').map(([o]) => name(o));
  if (direct.length) return `a pointer into the memory of ${direct.join(', ')}`;
  if (deep.length) return `a pointer read from the memory of ${deep.join(', ')}`;
  return 'a pointer that has no shadow';
}

/** A constant floating vector with its undef / poison lanes made 0.0 (the value itself otherwise). */
function definedFloatLanes(v: Value): Value {
  if (v.vk !== 'const' || v.type.kind !== 'vector' || v.type.elem.kind !== 'float') return v;
  const c = v as Constant;
  if (c.ck === 'undef' || c.ck === 'poison') return new ConstantZero(v.type);
  if (c instanceof ConstantAggregate && !c.splat && c.elems.some((e) => e.vk === 'const' && ((e as Constant).ck === 'undef' || (e as Constant).ck === 'poison'))) {
    return new ConstantAggregate(v.type, c.elems.map((e) => (e.vk === 'const' && ((e as Constant).ck === 'undef' || (e as Constant).ck === 'poison') ? nullValue(e.type) : e)));
  }
  return v;
}

/** A shuffle mask with its undef / poison lanes reading lane 0. */
function definedMask(v: Value): Value {
  if (v.vk !== 'const' || v.type.kind !== 'vector') return v;
  const c = v as Constant;
  if (c.ck === 'undef' || c.ck === 'poison') return new ConstantZero(v.type);
  if (c instanceof ConstantAggregate && !c.splat && c.elems.some((e) => e.vk === 'const' && ((e as Constant).ck === 'undef' || (e as Constant).ck === 'poison'))) {
    return new ConstantAggregate(v.type, c.elems.map((e) => (e.vk === 'const' && ((e as Constant).ck === 'undef' || (e as Constant).ck === 'poison') ? new ConstantInt(e.type, 0n) : e)));
  }
  return v;
}

/** A global carrying derivatives that code outside the module can name (not internal or private), or null. */
function exposedActiveGlobal(gs: ReadonlySet<GlobalVariable> | undefined): GlobalVariable | null {
  for (const g of gs ?? []) if (g.linkage !== 'internal' && g.linkage !== 'private') return g;
  return null;
}
