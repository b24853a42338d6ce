// The reverse-mode transform of one function.
//
// Forward sweep: the primal body is cloned block for block, with shadow
// computations for pointers into active memory and with values that the
// reverse sweep needs recorded on the tape (src/tape/frame.ts).
//
// Reverse sweep: one `invert<bb>` block per primal block, visiting its
// instructions backwards. Adjoints live in stack slots (`x'de`) that are
// accumulated with `+=` and zeroed once consumed, so any control flow works
// and -O2's mem2reg turns them back into registers. The reverse retraces the
// forward path: every block with several predecessors records which one it
// came from (a small phi, cached like any other value).
//
// Loops: each loop has a counter that the forward sweep increments at every
// header execution and the reverse sweep decrements on every reversed
// back edge or exit edge, so at any point of the reverse it equals the
// forward value at the mirrored point. Values produced inside a loop are
// stored in growable buffers indexed by that counter, which works for any
// trip count known only at run time, early exits and nesting.
//
// Two shapes are generated: combined (`diffe<f>`, forward then reverse in one
// function: the tape lives in stack slots) and split (`augmented_<f>` returns
// a heap tape that `reverse_<f>` consumes), used for calls to module
// functions inside differentiated code, recursion included.

import { IRBuilder, addIncoming, constInt, nullValue, addFunction, addBlock } from '../ir/builder.js';
import { constFP } from '../ir/builder.js';
import type { Argument, BasicBlock, Function } from '../ir/function.js';
import type { AllocaInst, CallInst, InvokeInst, Instruction, PhiInst } from '../ir/instructions.js';

type CallBase = CallInst | InvokeInst;
import { PhiInst as PhiClass, BrInst, successors } from '../ir/instructions.js';
import type { Module } from '../ir/module.js';
import type { FunctionType, IntType, Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { CFG } from '../ir/cfg.js';
import { DominatorTree } from '../ir/dominators.js';
import { LoopInfo, type Loop } from '../ir/loops.js';
import { DataLayout } from '../ir/layout.js';
import { ConstantInt } from '../ir/constants.js';
import { fail, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { Code } from '../diag/codes.js';
import { ActivityAnalysis, intBase, isDiffType } from '../analysis/activity.js';
import type { ArgActivity, CheckpointPolicy } from './api.js';
import type { CallRules } from './calls.js';
import type { RuleCtx } from '../rules/api.js';
import { instRule } from '../rules/instructions.js';
import { intrinsicSuffix } from '../rules/calls.js';
import { Frame, Prologue, type Slot } from '../tape/frame.js';
import { uniquifyNames } from './names.js';
import { allocLikeFree, allocLikeShadow, customSplit } from './custom.js';
import { sourceSpan } from '../ir/verify.js';
import { OverwriteAnalysis, underlyingObjects } from '../analysis/memory.js';
import { definedOutside, tripPattern, type TripPattern } from '../tape/trip.js';
import { declaredKind, tbaaKind } from '../analysis/scalar.js';
import { TypeAnalysis, isFloatScalar } from '../analysis/types.js';
import { canonicalizeCarriers } from './canonical.js';
import { dropEmptyPhis, dropPhiEntries, invokeToCall } from './invoke.js';
import { declareWithSignature } from './declare.js';
import { isPointerLike, reverseVecMem, vecMemShadowCopy } from './vecmem.js';
import { checkGlobalStores, globalShadowOf, zeroImplicitShadows } from './globals.js';

/** What to differentiate and how. */
export interface DiffSig {
  fn: Function;
  args: readonly ArgActivity[];
  /** The return value's adjoint flows in (a seed parameter / the caller's adjoint). */
  retActive: boolean;
  /** Combined mode: the primal return value is part of the result. */
  retPrimal: boolean;
  /** Split mode: the augmented function also returns the shadow of a returned pointer. */
  retShadow: boolean;
  /**
   * Split mode: pointer arguments whose memory nobody writes between the
   * augmented call and the reverse call (the caller proved it), so the reverse
   * may load from them again instead of taping their values.
   */
  unchanging?: readonly boolean[];
  /**
   * Split mode (`enzyme_nofree`): the reverse frees nothing (tape, loop
   * buffers, deferred frees), so it can run several times on one tape; callees
   * inherit it.
   */
  nofree?: boolean;
  /** Batch width (contract section 6): N shadows per duplicated argument, `[N x T]` seeds and gradients. Default 1. */
  width?: number;
  /**
   * Split mode: a pair the user calls (lower's `__enzyme_augmentfwd` / `__enzyme_reverse`),
   * not a callee's: its reverse ends the derivative, as a combined function's does.
   */
  topLevel?: boolean;
}

/** What `GradContext.mark` records: the sizes to go back to when a derivative is started over. */
export interface ContextMark { functions: number; globals: number; types: number; pairs: number; perf: number; warnings: number }

export interface SplitPair {
  sig: DiffSig;
  aug: Function;
  rev: Function;
}

export interface TransformOptions {
  checkpoint: CheckpointPolicy;
  looseTypes: boolean;
}

/** Shared state of one `grad` run: generated callees, helper declarations, the perf report. */
export class GradContext {
  readonly dl: DataLayout;
  readonly perf: string[] = [];
  /** Warnings to show the user (`--loose-types` decisions). */
  readonly warnings: Diagnostic[] = [];
  private readonly pairs = new Map<string, SplitPair>();

  constructor(
    readonly module: Module,
    readonly rules: CallRules,
    readonly opts: TransformOptions,
    readonly file: SourceFile | null,
  ) {
    this.dl = DataLayout.of(module);
  }

  /** An existing function of that name and type, a new declaration, or an adapter when the module declares it with another type (declare.ts). */
  declare(name: string, ret: Type, params: Type[]): Function {
    return declareWithSignature(this.module, name, ret, params);
  }

  /** `llvm.memcpy` / `llvm.memset` on byte pointers, spelled for the module's pointer dialect. */
  memIntrinsic(which: 'memcpy' | 'memset'): Function {
    const t = this.module.types;
    const bp = this.module.ptrTo(t.i8);
    const opaque = this.module.dialect === 'opaque';
    return which === 'memcpy'
      ? this.declare(opaque ? 'llvm.memcpy.p0.p0.i64' : 'llvm.memcpy.p0i8.p0i8.i64', t.void, [bp, bp, t.i64, t.i1])
      : this.declare(opaque ? 'llvm.memset.p0.i64' : 'llvm.memset.p0i8.i64', t.void, [bp, t.i8, t.i64, t.i1]);
  }

  /** The state to return to if the derivative being generated must be started over (src/ad/globals.ts). */
  mark(): ContextMark {
    const m = this.module;
    return { functions: m.functions.length, globals: m.globals.length, types: m.types.namedOrder.length, pairs: this.pairs.size, perf: this.perf.length, warnings: this.warnings.length };
  }

  /** Drops everything generated since `k` (functions, globals, tape types, cached pairs). */
  rollback(k: ContextMark): void {
    const m = this.module;
    m.functions.length = k.functions;
    m.globals.length = k.globals;
    for (const t of m.types.namedOrder.splice(k.types)) if (t.name !== null) m.types.named.delete(t.name);
    m.invalidateSymbols();
    [...this.pairs.keys()].slice(k.pairs).forEach((key) => this.pairs.delete(key));
    this.perf.length = k.perf;
    this.warnings.length = k.warnings;
  }

  freshName(base: string): string {
    let name = base;
    for (let k = 1; this.module.getGlobal(name); k++) name = `${base}.${k}`;
    return name;
  }

  /**
   * The empty `augmented_<f>` / `reverse_<f>` functions of a split pair: aug takes
   * the parameters (shadows after duplicated ones) and returns `{ tape, result,
   * returned shadows }`; rev takes the same, then the return's adjoint, then the
   * tape, and returns the active parameters' gradients.
   */
  declarePair(sig: DiffSig): { aug: Function; rev: Function } {
    const width = sig.width ?? 1;
    const m = this.module;
    const t = m.types;
    const { params } = signatureParams(m, sig.fn, sig.args, width);
    const bytePtr = m.ptrTo(t.i8);
    const primRet = sig.fn.fnType.ret;
    const augElems: Type[] = [bytePtr];
    if (primRet.kind !== 'void') augElems.push(primRet);
    // One returned shadow per lane.
    if (sig.retShadow) for (let k = 0; k < width; k++) augElems.push(primRet);
    const augTy = t.fn(t.struct(augElems), params.map((p) => p.type));
    const revParams = params.map((p) => p.type);
    if (sig.retActive) revParams.push(lanesType(m, primRet, width));
    revParams.push(bytePtr);
    const grads = activeGradTypes(m, sig.fn, sig.args, width);
    const revTy = t.fn(grads.length ? t.struct(grads) : t.void, revParams);
    const base = sig.fn.name ?? 'f';
    const aug = addFunction(m, this.freshName(`augmented_${base}`), augTy, params.map((p) => p.name));
    aug.linkage = 'internal';
    const revNames = params.map((p) => p.name);
    if (sig.retActive) revNames.push('differeturn');
    revNames.push('tapeArg');
    const rev = addFunction(m, this.freshName(`reverse_${base}`), revTy, revNames);
    rev.linkage = 'internal';
    return { aug, rev };
  }

  /** The augmented forward / reverse pair of a callee, generated on first request (recursion-safe). */
  split(sig: DiffSig): SplitPair {
    const width = sig.width ?? 1;
    const key = `${sig.fn.name}|${sig.args.join(',')}|${sig.retActive}|${sig.retShadow}|${(sig.unchanging ?? []).map((u) => (u ? 1 : 0)).join('')}${sig.nofree ? '|nofree' : ''}${width !== 1 ? `|w${width}` : ''}${sig.topLevel ? '|top' : ''}`;
    const have = this.pairs.get(key);
    if (have) return have;
    const custom = this.rules.hints?.gradients.get(sig.fn);
    if (custom) { const p = customSplit(this, sig, custom); this.pairs.set(key, p); return p; }
    const m = this.module;
    const { aug, rev } = this.declarePair(sig);
    const pair: SplitPair = { sig, aug, rev };
    this.pairs.set(key, pair);
    const guard = { activity: { args: sig.args, retActive: sig.retActive, retShadow: sig.retShadow, rules: this.rules }, file: this.file };
    new Generator(this, { ...sig, fn: canonicalizeCarriers(m, sig.fn, guard).fn }, aug, rev).run();
    return pair;
  }
}

export interface ParamInfo { type: Type; name: string | null; primal: number; shadow: boolean; lane: number }

/** `T` for width 1, `[N x T]` otherwise: seeds and gradients of a batched derivative. */
export function lanesType(m: Module, t: Type, width: number): Type {
  return width === 1 ? t : m.types.array(width, t);
}

/** The name of lane `lane`'s copy of a shadow value: `x'` at width 1, `x'0`, `x'1`... otherwise. */
export function laneName(name: string | null, width: number, lane: number): string | null {
  if (name === null) return null;
  return width === 1 ? name : `${name}${lane}`;
}

/** The parameters of a derivative: each primal one, followed by its shadow (`width` shadows) when duplicated. */
export function signatureParams(m: Module, fn: Function, acts: readonly ArgActivity[], width = 1): { params: ParamInfo[]; pos: number[] } {
  const params: ParamInfo[] = [];
  const pos: number[] = [];
  fn.args.forEach((a, i) => {
    pos.push(params.length);
    params.push({ type: a.type, name: a.name, primal: i, shadow: false, lane: 0 });
    if (acts[i] === 'dup' || acts[i] === 'dupnoneed') {
      for (let k = 0; k < width; k++) {
        params.push({ type: a.type, name: laneName(a.name !== null ? `${a.name}'` : null, width, k), primal: i, shadow: true, lane: k });
      }
    }
  });
  void m;
  return { params, pos };
}

/** The gradient types of the active parameters, `[N x T]` each with a width N > 1. */
export function activeGradTypes(m: Module, fn: Function, acts: readonly ArgActivity[], width = 1): Type[] {
  return fn.args.filter((_, i) => acts[i] === 'active').map((a) => lanesType(m, a.type, width));
}

// ---------------------------------------------------------------------------

interface BlockInfo {
  primal: BasicBlock | null;
  loop: Loop | null;
  /** Combined mode: the block dominates the forward return, so its values can be used in the reverse directly. */
  domExit: boolean;
}

interface LoopState {
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

interface RevCtx {
  /** The primal block this reverse code stands for (null: outside every loop). */
  pb: BasicBlock | null;
  rb: BasicBlock;
  b: IRBuilder;
}

const ENTRY_INFO: BlockInfo = { primal: null, loop: null, domExit: true };

const PURE_OPS = new Set([
  'fneg', 'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor',
  'fadd', 'fsub', 'fmul', 'fdiv', 'frem',
  'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'ptrtoint', 'inttoptr',
  'bitcast', 'addrspacecast', 'icmp', 'fcmp', 'getelementptr', 'select', 'extractvalue', 'insertvalue',
  'extractelement', 'insertelement', 'shufflevector', 'freeze',
]);

const KEEP_ATTACHMENTS = new Set(['tbaa', 'tbaa.struct', 'range', 'nonnull', 'noundef', 'llvm.loop', 'invariant.load', 'align', 'alias.scope', 'noalias']);

export class Generator {
  private readonly m: Module;
  private readonly split: boolean;
  private readonly aa: ActivityAnalysis;
  private readonly cfg: CFG;
  private readonly dt: DominatorTree;
  private readonly li: LoopInfo;
  private readonly vmap = new Map<Value, Value>();
  /** Batch width: lane k uses shadow k and seed lane k. */
  private readonly width: number;
  /** Per lane: the forward shadow of each pointer with shadow memory. */
  private readonly shadows: Map<Value, Value>[];
  private readonly fwdBlocks = new Map<BasicBlock, BasicBlock>();
  private readonly blockInfo = new Map<BasicBlock, BlockInfo>();
  private readonly firstBody = new Map<BasicBlock, Instruction>();
  private readonly loops = new Map<Loop, LoopState>();
  private readonly caches = new Map<Value, CacheEntry>();
  private readonly trips = new Map<Loop, TripPattern | null>();
  /** Per lane: the adjoint slot of each active value. */
  private readonly diffeSlots: Map<Value, Value>[];
  private readonly revBlocks = new Map<BasicBlock, BasicBlock>();
  private readonly memo = new Map<BasicBlock, Map<unknown, Value>>();
  private readonly predPhis = new Map<BasicBlock, PhiInst>();
  private readonly augCalls = new Map<CallBase, { pair: SplitPair; tape: Value }>();
  private readonly freedClasses: Value[] = [];
  private readonly toFreeAtEnd: Value[] = [];
  /** Phis whose incoming values are filled once every block is cloned; `lane` null for the primal phi. */
  private readonly phiPatches: { prim: PhiInst; fwd: PhiInst; lane: number | null }[] = [];
  private readonly fwdPro: Prologue;
  private readonly revPro: Prologue;
  private readonly frame: Frame;
  private readonly fb: IRBuilder;
  private fwdReturn!: BasicBlock;
  private retIdx: PhiInst | null = null;
  private retVal: PhiInst | null = null;
  private retShadowPhis: PhiInst[] = [];
  private revExit!: BasicBlock;
  private seed: Value | null = null;
  private readonly retBlocks: BasicBlock[] = [];
  private readonly reaches = new Set<BasicBlock>();
  private readonly paramPos: number[];
  private readonly warned = new Set<string>();
  private ta: TypeAnalysis | null = null;
  private readonly overwrite: OverwriteAnalysis | null;

  constructor(
    private readonly ctx: GradContext,
    private readonly sig: DiffSig,
    /** The forward function: `diffe<f>` (combined) or `augmented_<f>` (split). */
    private readonly fwdFn: Function,
    /** The reverse function: the same as fwdFn (combined) or `reverse_<f>` (split). */
    private readonly revFn: Function,
  ) {
    this.m = ctx.module;
    this.split = fwdFn !== revFn;
    this.width = sig.width ?? 1;
    this.shadows = Array.from({ length: this.width }, () => new Map<Value, Value>());
    this.diffeSlots = Array.from({ length: this.width }, () => new Map<Value, Value>());
    const prim = sig.fn;
    this.cfg = new CFG(prim);
    this.dt = new DominatorTree(this.cfg);
    this.li = new LoopInfo(this.dt);
    if (this.li.irreducible.length) {
      const e = this.li.irreducible[0]!;
      this.error('E0307', `cannot differentiate @${prim.name}: irreducible control flow (a loop with several entries)`, e.to.instructions[0] ?? null);
    }
    this.aa = new ActivityAnalysis({
      fn: prim, args: sig.args, retActive: sig.retActive, retShadow: sig.retShadow, rules: ctx.rules,
    });
    checkGlobalStores(ctx, this.aa, `@${prim.name}`);
    this.overwrite = this.split && !(sig.unchanging ?? []).some((u) => u) ? null : new OverwriteAnalysis(this.m, prim, (c) => this.aa.callKind(c));
    this.fwdPro = new Prologue(this.m, fwdFn);
    this.revPro = this.split ? new Prologue(this.m, revFn) : this.fwdPro;
    this.fb = new IRBuilder(this.m);
    this.paramPos = signatureParams(this.m, prim, sig.args, this.width).pos;
    const tapeParam = this.split ? revFn.args[revFn.args.length - 1]! : null;
    this.frame = new Frame(this.m, this.split, this.fwdPro, this.revPro, tapeParam, `tape.${prim.name ?? 'f'}`,
      (n, r, p) => ctx.declare(n, r, p));
  }

  get activity(): ActivityAnalysis { return this.aa; }

  // -- diagnostics -------------------------------------------------------------

  private error(code: Code, message: string, at: Value | null, notes?: string[]): never {
    const file = this.ctx.file;
    let start = -1;
    let end = -1;
    if (at) {
      const origin = (at as Instruction).origin ?? at;
      const s = sourceSpan(origin);
      start = s.start; end = s.end;
    }
    fail(code, message, file, start, end, notes);
  }

  private fnName(): string { return `@${this.sig.fn.name}`; }

  /** Type analysis of the primal function, computed on first need. */
  private types(): TypeAnalysis {
    this.ta ??= new TypeAnalysis(this.m, this.sig.fn);
    return this.ta;
  }

  /** A cached value for --print-perf: its name and opcode, and the line of the primal instruction. */
  private describe(fi: Instruction): string {
    const o = fi.origin ?? fi;
    const file = this.ctx.file;
    const line = o.pos >= 0 && file ? ` at line ${file.position(o.pos).line}` : '';
    const what = o.op === 'phi' && fi.name?.endsWith('.from') ? 'branch taken' : o.op === 'load' && o.pos >= 0 && fi.op === 'load' ? 'loaded value' : o.op;
    return `${fi.name !== null ? `%${fi.name} ` : ''}(${what})${line}`;
  }

  /** `%for.cond`, or `at line N` for numbered blocks (clang's default). */
  private loopName(l: Loop): string {
    if (l.header.name !== null) return `%${l.header.name}`;
    const first = l.header.instructions[0];
    const file = this.ctx.file;
    if (first && first.pos >= 0 && file) return `at line ${file.position(first.pos).line}`;
    return `of block ${this.sig.fn.blocks.indexOf(l.header)}`;
  }

  // -- driver ----------------------------------------------------------------

  run(): void {
    const prim = this.sig.fn;
    if (prim.isDeclaration || !prim.blocks.length) {
      this.error('E0402', `cannot differentiate ${this.fnName()}: it is only declared, its body is not in the module`, null,
        ['define it in the module, or register a custom derivative (docs/custom.md)']);
    }
    // Landing pads copied into the forward sweep need the primal's personality.
    if (prim.personality) this.fwdFn.personality ??= prim.personality;
    this.computeReaches();
    this.buildForward();
    this.buildReverse();
    this.finish();
  }

  private computeReaches(): void {
    const cfg = this.cfg;
    for (const b of cfg.rpo) if (b.terminator?.op === 'ret') this.retBlocks.push(b);
    const work = [...this.retBlocks];
    for (const b of work) this.reaches.add(b);
    while (work.length) {
      const b = work.pop()!;
      for (const p of cfg.preds(b)) {
        if (!cfg.isReachable(p) || this.reaches.has(p)) continue;
        this.reaches.add(p);
        work.push(p);
      }
    }
  }

  // -- forward sweep -----------------------------------------------------------

  private mapV(v: Value): Value { return this.vmap.get(v) ?? v; }

  private buildForward(): void {
    const prim = this.sig.fn;
    const fwd = this.fwdFn;
    const cfg = this.cfg;
    for (const b of cfg.rpo) {
      const nb = addBlock(this.m, fwd, b.name);
      this.fwdBlocks.set(b, nb);
      const domExit = !this.split && this.retBlocks.length > 0 && this.retBlocks.every((r) => this.dt.dominates(b, r));
      this.blockInfo.set(nb, { primal: b, loop: this.li.loopFor(b), domExit });
    }
    prim.args.forEach((a, i) => {
      const p = this.paramPos[i]!;
      this.vmap.set(a, fwd.args[p]!);
      const act = this.sig.args[i];
      if (act === 'dup' || act === 'dupnoneed') for (let k = 0; k < this.width; k++) this.shadows[k]!.set(a, fwd.args[p + 1 + k]!);
    });
    if (!this.split && this.sig.retActive) this.seed = fwd.args[fwd.args.length - 1]!;
    if (this.split && this.sig.retActive) this.seed = this.revFn.args[this.revFn.args.length - 2]!;

    this.fwdReturn = addBlock(this.m, fwd, 'fwdreturn');
    this.blockInfo.set(this.fwdReturn, { primal: null, loop: null, domExit: true });
    const rb = new IRBuilder(this.m).atEnd(this.fwdReturn);
    const t = this.m.types;
    this.retIdx = rb.phi(t.i32, [], 'retidx');
    const rt = prim.fnType.ret;
    if (rt.kind !== 'void') this.retVal = rb.phi(rt, [], 'retval');
    if (this.sig.retShadow) for (let k = 0; k < this.width; k++) this.retShadowPhis.push(rb.phi(rt, [], laneName("retval'", this.width, k)));

    for (const b of cfg.rpo) this.cloneBlock(b);
    this.patchPhis();
    for (const [from, to] of this.cutEdges) dropPhiEntries(from, to);
  }

  private cloneBlock(b: BasicBlock): void {
    const nb = this.fwdBlocks.get(b)!;
    const fb = this.fb.atEnd(nb);
    const insts = b.instructions;
    let k = 0;
    for (; k < insts.length && insts[k]!.op === 'phi'; k++) this.clonePhi(insts[k] as PhiInst, nb);
    const loop = this.li.loopFor(b);
    if (loop && loop.header === b) this.setupLoop(loop, nb);
    const bodyStart = nb.instructions.length;
    for (; k < insts.length; k++) {
      const i = insts[k]!;
      fb.atEnd(nb);
      fb.origin = i;
      this.cloneInst(i, nb);
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
    if (inv) this.cutEdges.push([nb, invokeToCall(this.m, inv, normal)]);
    else {
      new IRBuilder(this.m).atEnd(nb).br(normal);
      this.cutEdges.push([nb, this.fwdBlocks.get(term.successors[1]!)!]);
    }
  }

  /** A converted invoke must not be one whose exception the function catches and returns from. */
  private checkNotCaught(term: InvokeInst): void {
    if (!this.reaches.has(term.successors[1]!)) return;
    this.error('E0401', `cannot differentiate ${this.fnName()}: an exception caught inside the function (the landing pad of this call leads to a return) on the active path`, term,
      ['the derivative assumes no exception is thrown: move the try / catch out of the differentiated function, or compile with -fno-exceptions']);
  }
  private readonly cutEdges: [BasicBlock, BasicBlock][] = [];

  /** A shallow copy of a primal instruction with operands and blocks mapped into the forward function. */
  private copyInst<T extends Instruction>(i: T): T {
    const c = Object.assign(Object.create(Object.getPrototypeOf(i) as object) as T, i);
    c.parent = null;
    c.origin = i;
    c.dbg = null;
    c.operands = i.operands.map((o) => this.mapV(o));
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
    if (this.aa.shadowed(p)) {
      for (let lane = 0; lane < this.width; lane++) {
        const s = new PhiClass(p.type, [], []);
        s.name = laneName(p.name !== null ? `${p.name}'` : null, this.width, lane);
        s.origin = p;
        this.fb.atEnd(nb).insert(s);
        this.shadows[lane]!.set(p, s);
        this.phiPatches.push({ prim: p, fwd: s, lane });
      }
    }
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

  private setupLoop(loop: Loop, nb: BasicBlock): void {
    const t = this.m.types;
    const counter = this.frame.slot(t.i64, `iter.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
    const b = this.fb.atEnd(nb);
    b.origin = null;
    const k = b.load(t.i64, counter.fwd, 'iv');
    const k1 = b.add(k, constInt(t.i64, 1), 'iv.next');
    const marker = b.store(k1, counter.fwd);
    this.loops.set(loop, { counter, k, marker, cap: null, buffers: [], start: null });
  }

  /** The forward shadow of a primal pointer value, in lane `lane`. */
  private shadowOf(v: Value, at: Instruction | null, lane: number): Value {
    const s = this.shadows[lane]!.get(v);
    if (s) return s;
    const gs = globalShadowOf(this.ctx, v, lane, this.width, at);
    if (gs) return gs;
    if (v.vk === 'const') {
      const ck = (v as unknown as { ck: string }).ck;
      if (ck === 'null' || ck === 'undef' || ck === 'poison') return v;
    }
    // A pointer to memory nothing writes (a constant table, a function) needed as a
    // shadow: the primal pointer stands for it, as in Enzyme. Never a const argument's or
    // a mutable global's memory: adjoints would be added into the primal data.
    if (!this.aa.shadowed(v)) {
      if (this.aa.readOnlyShadow(v)) return this.mapV(v);
      return this.error('E0401', `cannot differentiate ${this.fnName()}: ${describeNoShadow(this.aa, v)} is used where the derivative needs its shadow`, at,
        ['the derivative would add adjoints into the primal memory: make the argument dup (with a zeroed shadow) if its memory takes part in the computation']);
    }
    return this.error('E0401', `cannot differentiate ${this.fnName()}: no shadow for a pointer into active memory`, at,
      ['the pointer comes from an operation the tool cannot follow (inttoptr, an unknown call)']);
  }

  /** Pointers to active memory carried inside aggregates (Rust slices `{ ptr, i64 }` at -O0) have no shadows yet: refuse rather than lose derivatives. */
  private checkAggregatePointers(i: Instruction): void {
    const aa = this.aa;
    let bad = false;
    switch (i.op) {
      case 'insertvalue': bad = aa.shadowed(i.operands[1]!); break;
      // A vector of pointers has vector shadows (below); other vectors cannot hold pointers.
      case 'insertelement': bad = aa.shadowed(i.operands[1]!) && !isPointerLike(i.type); break;
      case 'load': bad = hasPointer(i.type) && i.type.kind !== 'pointer' && aa.shadowed(i.ptr); break;
      case 'store': bad = hasPointer(i.value.type) && i.value.type.kind !== 'pointer' && aa.shadowed(i.ptr); break;
      case 'call': case 'invoke': {
        const k = aa.callKind(i);
        bad = k.k === 'defined' && hasPointer(i.type) && i.type.kind !== 'pointer' && aa.callTouchesActive(i);
        break;
      }
      default: break;
    }
    if (bad) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: a pointer to active memory inside an aggregate (${typeTextShort(i.op === 'store' ? i.value.type : i.type)}) is not supported yet`, i,
        ['compile with optimisation (-O1 or more, which splits such aggregates), or pass the pointer itself']);
    }
  }

  /**
   * An integer-typed load or store of shadowed memory moves floats when the
   * memory holds floats (clang's `load i64` copies of doubles). Not supported
   * yet: refuse unless the IR says the data is integer.
   */
  private checkIntegerCarriers(i: Instruction): void {
    if (i.op !== 'load' && i.op !== 'store') return;
    const t = i.op === 'load' ? i.type : i.value.type;
    const st = t.kind === 'vector' ? t.elem : t;
    if (st.kind !== 'int' || st.bits < 16 || !this.aa.shadowed(i.ptr)) return;
    let declared = declaredKind(i.ptr) ?? tbaaKind(this.m, i);
    // Type analysis may only confirm floats here: an 'integer' it reports could
    // come from this very access, which is what is in doubt.
    if (declared === null && isFloatScalar(this.types().memoryAt(i.ptr))) declared = 'float';
    if (declared === 'int' || declared === 'pointer') return;
    const known = declared === 'float' ? 'holds floating data' : 'may hold floating data (nothing in the IR says what it holds)';
    if (declared === null && this.ctx.opts.looseTypes) {
      const span = sourceSpan(i);
      this.ctx.warnings.push({ code: 'E0403', severity: 'warning', message: `${this.fnName()}: an integer ${i.op} of active memory is treated as non-differentiable (--loose-types)`, file: this.ctx.file, start: span.start, end: span.end });
      return;
    }
    this.error('E0403', `cannot differentiate ${this.fnName()}: an integer ${i.op} (${typeTextShort(t)}) of memory that ${known} is not supported yet`, i,
      declared === null ? ['pass --loose-types to treat it as non-differentiable (with a warning)'] : ['copy floating data with floating types or memcpy']);
  }

  /**
   * Integers computed from the bits of varied floating values (a bitcast to an
   * integer, then integer operations): after canonicalization (canonical.ts)
   * folded plain copies, a bitcast of such an integer back to a floating type is
   * arithmetic on the bits (the fast inverse square root), whose derivative the
   * tool cannot know.
   */
  private taintedBits(): Set<Value> {
    if (this.bitsTaint) return this.bitsTaint;
    const aa = this.aa;
    const taint = new Set<Value>();
    const isIntish = (t: Type): boolean => t.kind === 'int' || (t.kind === 'vector' && t.elem.kind === 'int');
    for (let changed = true, rounds = 0; changed && rounds < 16; rounds++) {
      changed = false;
      for (const b of this.sig.fn.blocks) {
        for (const i of b.instructions) {
          if (taint.has(i) || !isIntish(i.type)) continue;
          const seed = i.op === 'bitcast' && aa.varied.has(i.operands[0]!) && isDiffType(i.operands[0]!.type);
          const flows = i.op !== 'call' && i.op !== 'invoke' && i.op !== 'load' && i.op !== 'icmp' && i.operands.some((o) => taint.has(o));
          if (seed || flows) { taint.add(i); changed = true; }
        }
      }
    }
    this.bitsTaint = taint;
    return taint;
  }
  private bitsTaint: Set<Value> | null = null;

  private checkBitArithmetic(i: Instruction): void {
    if (i.op !== 'bitcast' || !isDiffType(i.type) || i.operands[0]!.type.kind === 'float') return;
    if (!this.taintedBits().has(i.operands[0]!)) return;
    this.error('E0403', `cannot differentiate ${this.fnName()}: integer arithmetic on the bits of an active floating value`, i,
      ['register a custom derivative for the function that does this (docs/custom.md), or mark it inactive']);
  }

  /**
   * Whether the integer memory at `p` is computed on: some integer load of its
   * object feeds anything but a store (a pure carrier, memcpy'd in and out or
   * stored back, is not).
   */
  private computedOn(p: Value): boolean {
    const roots = underlyingObjects(p);
    if (!roots || roots.size === 0) return true;
    for (const b of this.sig.fn.blocks) {
      for (const l of b.instructions) {
        if (l.op !== 'load' || l.type.kind !== 'int') continue;
        const lr = underlyingObjects(l.ptr);
        if (!lr || ![...lr].some((r) => roots.has(r))) continue;
        for (const b2 of this.sig.fn.blocks) {
          for (const u of b2.instructions) {
            if (!u.operands.includes(l)) continue;
            if (u.op === 'store' && u.operands[0] === l) continue;
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Floating data that matters moving through memory reached by an `inttoptr` the analysis cannot follow: refuse rather than lose its derivative. */
  private checkUnknownMemory(i: Instruction): void {
    const aa = this.aa;
    const mixedAccess = (i.op === 'load' && isDiffType(i.type) && aa.mixed(i.ptr))
      || (i.op === 'store' && isDiffType(i.value.type) && aa.mixed(i.ptr));
    if (mixedAccess) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: this ${i.op} may reach duplicated memory or constant memory (a select or phi joins a dup pointer and a const pointer or global)`, i,
        ['make the const argument dup (with a zeroed shadow), so every pointer here has a shadow']);
    }
    // A load matters when it meets active values (it could be active memory the analysis cannot see).
    const meetsActive = (v: Value): boolean => this.sig.fn.blocks.some((b) => b.instructions.some((u) => u.operands.includes(v) && aa.varied.has(u)));
    const bad = (i.op === 'load' && isDiffType(i.type) && aa.fromUnknownInt(i.ptr) && meetsActive(i))
      || (i.op === 'store' && isDiffType(i.value.type) && aa.varied.has(i.value) && aa.fromUnknownInt(i.ptr));
    if (bad) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: floating data ${i.op === 'load' ? 'loaded from' : 'stored to'} memory reached through an inttoptr the tool cannot follow`, i,
        ['keep pointers to active data as pointers, or compute the integer from a single pointer (ptrtoint, arithmetic, inttoptr)']);
    }
  }

  private cloneInst(i: Instruction, nb: BasicBlock): void {
    const fb = this.fb;
    const aa = this.aa;
    this.checkAggregatePointers(i);
    this.checkIntegerCarriers(i);
    this.checkUnknownMemory(i);
    this.checkBitArithmetic(i);
    if ((i.op === 'atomicrmw' || i.op === 'cmpxchg') && (aa.shadowed(i.operands[0]!) || i.operands.some((o) => aa.varied.has(o)))) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: atomic ${i.op} on active data is not supported`, i,
        ['use a plain load and store, or make the memory const']);
    }
    switch (i.op) {
      case 'ret': {
        const r = i.operands[0];
        this.retIdx!.operands.push(constInt(this.m.types.i32, this.retIdx!.operands.length));
        this.retIdx!.blocks.push(nb);
        if (this.retVal && r) addIncoming(this.retVal, this.mapV(r), nb);
        if (r) this.retShadowPhis.forEach((phi, lane) => addIncoming(phi, this.shadowOf(r, i, lane), nb));
        const br = new BrInst(this.m.types.void, []);
        br.successors = [this.fwdReturn];
        fb.insert(br);
        return;
      }
      case 'call': case 'invoke': {
        const k = aa.callKind(i);
        if (k.k === 'inactive' && k.name.startsWith('llvm.dbg.')) return;
        if (k.k === 'defined' && aa.callTouchesActive(i)) { this.augmentedCall(i, nb); return; }
        if ((k.k === 'unknown' || k.k === 'indirect' || k.k === 'asm') && (aa.isActiveValue(i) || aa.shadowed(i) || i.args().some((a) => aa.shadowed(a)))) {
          const what = k.k === 'asm' ? 'inline assembly' : k.k === 'indirect' ? 'an indirect call' : `@${k.name}`;
          this.error('E0402', `cannot differentiate ${this.fnName()}: ${what} touches active data and has no known derivative`, i,
            ['make its arguments const, register a custom derivative or declare it inactive (--custom, --inactive, docs/custom.md)']);
        }
        const c = this.copyInst(i);
        fb.insert(c);
        this.vmap.set(i, c);
        if (k.k === 'free' || k.k === 'realloc') this.freedClasses.push(i.arg(k.k === 'free' ? k.ptrArg ?? 0 : 0));
        if ((k.k === 'malloc' || k.k === 'calloc') && aa.shadowed(i)) this.shadowAlloc(i, c);
        if (k.k === 'vecmem') for (let lane = 0; lane < this.width; lane++) vecMemShadowCopy(aa, i, k.shape, fb, (v) => this.copyInst(v), (v) => this.shadowOf(v, i, lane), (s) => this.shadows[lane]!.set(i, s));
        if (k.k === 'realloc' && aa.shadowed(i)) this.shadowRealloc(i, c);
        if ((k.k === 'memcpy' || k.k === 'memmove') && aa.shadowed(i.arg(1)) && declaredKind(i.arg(1)) === 'float' && declaredKind(i.arg(0)) === 'int'
          && this.computedOn(i.arg(0))) {
          // memcpy(&bits, &x, ...): the bits of active floats become integers the program computes on.
          this.error('E0403', `cannot differentiate ${this.fnName()}: the bytes of active floating data are copied into integer memory that the function computes on`, i,
            ['register a custom derivative for the function that does this (docs/custom.md), or mark it inactive']);
        }
        if ((k.k === 'memcpy' || k.k === 'memmove') && aa.shadowed(i.arg(0)) && this.memKind(i) === 'pointer') {
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
      case 'inttoptr': {
        // The shadow sits at the same offset from the shadow of the pointer the integer came from.
        const base = intBase(i.operands[0]!);
        if (!base || (base.vk === 'inst' && !this.dt.dominatesInst(base as Instruction, i))) {
          this.error('E0401', `cannot differentiate ${this.fnName()}: inttoptr of an integer that does not come from one pointer into active memory`, i,
            ['keep pointers to active data as pointers (no integer round trips)']);
        }
        const t = this.m.types;
        const bp = this.frame.bytePtr;
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
          s.operands[0] = this.shadowOf(i.ptr, i, lane);
          s.attachments = null;
          fb.insert(s);
          this.shadows[lane]!.set(i, s);
        }
        return;
      }
      default:
        this.error('E0401', `cannot differentiate ${this.fnName()}: cannot follow a pointer into active memory through ${i.op}`, i,
          ['keep pointers to active data as pointers (no integer round trips)']);
    }
  }

  private shadowAlloca(i: AllocaInst, c: AllocaInst): void {
    if (i.operands.length) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: variable-sized alloca of active memory`, i);
    }
    for (let lane = 0; lane < this.width; lane++) this.shadowAllocaLane(i, c, lane);
  }

  private shadowAllocaLane(i: AllocaInst, c: AllocaInst, lane: number): void {
    const t = i.allocated;
    const name = laneName(i.name !== null ? `${i.name}'ipa` : null, this.width, lane);
    if (!this.split) {
      const b = new IRBuilder(this.m).atEnd(this.fwdPro.allocas);
      const s = b.alloca(t, name, null, c.align);
      b.atEnd(this.fwdPro.init).store(nullValue(t), s);
      this.shadows[lane]!.set(i, s);
      return;
    }
    // Split mode: the shadow must outlive the augmented function (the reverse
    // accumulates into it), so it is a zeroed heap allocation freed at the end of the reverse.
    const bytes = constInt(this.m.types.i64, Math.max(1, this.ctx.dl.allocSize(t)));
    const calloc = this.ctx.declare('calloc', this.frame.bytePtr, [this.m.types.i64, this.m.types.i64]);
    const raw = this.fb.call(calloc, [constInt(this.m.types.i64, 1), bytes], name);
    const s = this.fb.bitcastIfNeeded(raw, i.type);
    this.shadows[lane]!.set(i, s);
    this.toFreeAtEnd.push(raw);
  }

  private shadowAlloc(i: CallBase, c: Instruction): void {
    for (let lane = 0; lane < this.width; lane++) this.shadowAllocLane(i, c, lane);
  }

  private shadowAllocLane(i: CallBase, c: Instruction, lane: number): void {
    const t = this.m.types;
    const name = laneName(i.name !== null ? `${i.name}'mi` : null, this.width, lane);
    const kind = this.aa.callKind(i);
    const k = kind.k;
    let s: Value;
    if (k === 'malloc' && kind.like) {
      // An allocator registered with __enzyme_allocation_like makes its own shadows (custom.ts).
      s = allocLikeShadow(this.ctx, this.fb, kind.like, i.args().map((a) => this.mapV(a)), name);
    } else if (k === 'calloc') {
      s = this.fb.call(this.ctx.declare('calloc', this.frame.bytePtr, [t.i64, t.i64]),
        [this.mapV(i.arg(0)), this.mapV(i.arg(1))].map((v) => this.toI64At(v, this.fb)), name);
    } else {
      const n = this.toI64At(this.mapV(i.arg(0)), this.fb);
      const raw = this.fb.call(this.ctx.declare('calloc', this.frame.bytePtr, [t.i64, t.i64]), [constInt(t.i64, 1), n], name);
      s = raw;
    }
    this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(s, c.type));
  }

  /**
   * `q = realloc(p, n)` on active memory: the shadow of `q` is a new zeroed
   * block holding the shadow of `p`'s first min(old size, n) bytes (the old size
   * is `malloc_usable_size` of the old shadow, whose slack calloc zeroed). The
   * old shadow stays alive: the reverse moves the adjoints back into it
   * before the code that used `p` is reversed.
   */
  private shadowRealloc(i: CallBase, c: Instruction): void {
    const t = this.m.types;
    const bp = this.frame.bytePtr;
    const moved: Value[] = [];
    const n = this.toI64At(this.mapV(i.arg(1)), this.fb);
    for (let lane = 0; lane < this.width; lane++) {
      const old = this.fb.bitcastIfNeeded(this.shadowOf(i.arg(0), i, lane), bp);
      const size = this.fb.call(this.ctx.declare('malloc_usable_size', t.i64, [bp]), [old], 'oldsize');
      const m = this.fb.select(this.fb.icmp('ult', size, n), size, n, laneName(i.name !== null ? `${i.name}'moved` : 'moved', this.width, lane));
      const nu = this.fb.call(this.ctx.declare('calloc', bp, [t.i64, t.i64]), [constInt(t.i64, 1), n],
        laneName(i.name !== null ? `${i.name}'mi` : null, this.width, lane));
      this.fb.call(this.ctx.memIntrinsic('memcpy'), [nu, old, m, constInt(t.i1, 0)]);
      this.shadows[lane]!.set(i, this.fb.bitcastIfNeeded(nu, c.type));
      moved.push(m);
    }
    this.reallocMoved.set(i, moved);
  }
  private readonly reallocMoved = new Map<CallBase, Value[]>();

  /** Replaces a call to a module function that touches active data with its augmented forward. */
  private augmentedCall(i: CallBase, nb: BasicBlock): void {
    const aa = this.aa;
    const callee = (aa.callKind(i) as { fn: Function }).fn;
    if (callee.fnType.vararg) {
      this.error('E0401', `cannot differentiate ${this.fnName()}: call to variadic function @${callee.name} with active arguments`, i);
    }
    const args: ArgActivity[] = i.args().map((a) => {
      if (isDiffType(a.type) && aa.varied.has(a)) return 'active';
      if (a.type.kind === 'pointer' && aa.shadowed(a)) return 'dup';
      return 'const';
    });
    const rt = callee.fnType.ret;
    const sig: DiffSig = {
      fn: callee, args, retActive: isDiffType(rt) && aa.isActiveValue(i), retPrimal: true,
      retShadow: rt.kind === 'pointer' && aa.shadowed(i),
      unchanging: i.args().map((a) => a.type.kind === 'pointer' && this.overwrite !== null && this.overwrite.unchanged(a, (x) => this.argUnchanging(x))),
      ...(this.sig.nofree ? { nofree: true } : {}),
    };
    if (this.width !== 1) sig.width = this.width;
    const pair = this.ctx.split(sig);
    const callArgs: Value[] = [];
    i.args().forEach((a, k) => {
      callArgs.push(this.mapV(a));
      if (args[k] === 'dup') for (let lane = 0; lane < this.width; lane++) callArgs.push(this.shadowOf(a, i, lane));
    });
    const fb = this.fb.atEnd(nb);
    const r = fb.call(pair.aug, callArgs, i.name !== null ? `${i.name}_augmented` : null);
    const tape = fb.extractValue(r, [0], 'subtape');
    let idx = 1;
    if (rt.kind !== 'void') { this.vmap.set(i, fb.extractValue(r, [idx++], i.name)); }
    if (sig.retShadow) {
      for (let lane = 0; lane < this.width; lane++) {
        this.shadows[lane]!.set(i, fb.extractValue(r, [idx++], laneName(i.name !== null ? `${i.name}'` : null, this.width, lane)));
      }
    }
    this.augCalls.set(i, { pair, tape });
  }

  // -- what the reverse sweep reads ---------------------------------------------

  private info(i: Instruction): BlockInfo {
    return (i.parent && this.blockInfo.get(i.parent)) || ENTRY_INFO;
  }

  private memoOf(rb: BasicBlock): Map<unknown, Value> {
    let m = this.memo.get(rb);
    if (!m) { m = new Map(); this.memo.set(rb, m); }
    return m;
  }

  /** A forward value, made available at the reverse insertion point: used directly, recomputed, or read from the tape. */
  private getRev(fv: Value, rc: RevCtx, depth = 0): Value {
    switch (fv.vk) {
      case 'argument': return this.split ? this.revFn.args[(fv as Argument).index]! : fv;
      case 'inst': break;
      default: return fv;
    }
    const fi = fv as Instruction;
    const info = this.info(fi);
    if (!this.split && info.loop === null && info.domExit) return fv;
    const memo = this.memoOf(rc.rb);
    const have = memo.get(fv);
    if (have) return have;
    let r: Value | null = null;
    if (this.ctx.opts.checkpoint !== 'cache') r = this.inductionValue(fi, rc);
    if (r) {
      // recomputed from the loop counter
    } else if (this.recomputable(fi, depth)) {
      const c = Object.assign(Object.create(Object.getPrototypeOf(fi) as object) as Instruction, fi);
      c.parent = null;
      c.operands = fi.operands.map((o) => this.getRev(o, rc, depth + 1));
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
    if (fi.op !== 'load' || !this.overwrite) return false;
    const prim = fi.origin;
    return !!prim && prim.op === 'load' && this.overwrite.reloadable(prim, (a) => this.argUnchanging(a));
  }

  /** Whether a primal argument's memory stays as it is until the reverse sweep: always in the combined shape, when the caller says so in a split pair. */
  private argUnchanging(a: Value): boolean {
    if (!this.split) return true;
    const idx = this.sig.fn.args.indexOf(a as Argument);
    return idx >= 0 && !!this.sig.unchanging?.[idx];
  }

  private recomputable(fi: Instruction, depth: number): boolean {
    if (!this.pureLike(fi)) return false;
    switch (this.ctx.opts.checkpoint) {
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
      const info = this.info(i);
      if (!this.split && info.loop === null && info.domExit) return 0;
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

  private loopState(l: Loop): LoopState { return this.loops.get(l)!; }

  /** Records `fi` in the forward sweep (once) and returns where. */
  private ensureCached(fi: Instruction): CacheEntry {
    const have = this.caches.get(fi);
    if (have) return have;
    const info = this.info(fi);
    const loop = info.loop;
    const t = this.m.types;
    const base = fi.name ?? (fi.origin?.name ?? 'v');
    const fb = new IRBuilder(this.m);
    this.placeAfterDef(fb, fi);
    let entry: CacheEntry;
    if (!loop) {
      const slot = this.frame.slot(fi.type, `${base}_cache`);
      fb.store(fi, slot.fwd);
      entry = { loop: null, slot, type: fi.type };
      this.ctx.perf.push(`${this.fnName()}: cache ${this.describe(fi)} (${typeTextShort(fi.type)}, ${this.ctx.dl.allocSize(fi.type)} bytes per call)`);
    } else {
      const ls = this.loopState(loop);
      const slot = this.frame.slot(this.frame.bytePtr, `${base}_buf`, nullValue(this.frame.bytePtr));
      if (!ls.cap) ls.cap = this.frame.slot(t.i64, `cap.${loop.header.name ?? 'loop'}`, constInt(t.i64, 0));
      ls.buffers.push({ slot, type: fi.type });
      const hb = new IRBuilder(this.m).after(ls.marker);
      const buf = hb.load(this.frame.bytePtr, slot.fwd, `${base}_bufp`);
      const typed = hb.bitcastIfNeeded(buf, this.m.ptrTo(fi.type));
      const p = fb.gep(fi.type, typed, [ls.k], null, true);
      fb.store(fi, p);
      entry = { loop, slot, type: fi.type };
      this.ctx.perf.push(`${this.fnName()}: cache ${this.describe(fi)} (${typeTextShort(fi.type)}, ${this.ctx.dl.allocSize(fi.type)} bytes per iteration of the loop ${this.loopName(loop)})`);
    }
    this.caches.set(fi, entry);
    return entry;
  }

  /** Positions `b` right after the definition of `fi` in the forward sweep (after all phis for a phi). */
  private placeAfterDef(b: IRBuilder, fi: Instruction): void {
    if (fi.op === 'invoke') {
      // Nothing may follow an invoke in its block: it becomes a call (src/ad/invoke.ts).
      const term = fi.origin as InvokeInst;
      this.checkNotCaught(term);
      const from = fi.parent!;
      const unwind = invokeToCall(this.m, fi as InvokeInst, this.fwdBlocks.get(term.successors[0]!)!);
      dropPhiEntries(from, unwind);
      this.cutEdges.push([from, unwind]);
    }
    if (fi.op === 'phi') {
      const blk = fi.parent!;
      const first = this.firstBody.get(blk);
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
    const typed = b.bitcastIfNeeded(buf, this.m.ptrTo(c.type));
    const p = b.gep(c.type, typed, [idx], null, true);
    return b.load(c.type, p, `${base}_cached`);
  }

  /** The iteration of loop `l` whose values the reverse code at `rc` reads. */
  private revIndex(l: Loop, rc: RevCtx): Value {
    const memo = this.memoOf(rc.rb);
    const inside = rc.pb !== null && l.contains(rc.pb);
    const key = `${inside ? 'in' : 'out'}:${this.li.loops.indexOf(l)}`;
    const have = memo.get(key);
    if (have) return have;
    const ls = this.loopState(l);
    const cur = rc.b.load(this.m.types.i64, this.frame.revLocal(ls.counter), 'iter');
    const r = inside ? cur : rc.b.sub(cur, constInt(this.m.types.i64, 1), 'iter.last');
    memo.set(key, r);
    return r;
  }

  // -- adjoints ----------------------------------------------------------------------

  private diffeSlot(v: Value, lane: number): Value {
    const slots = this.diffeSlots[lane]!;
    let s = slots.get(v);
    if (!s) {
      const b = new IRBuilder(this.m).atEnd(this.revPro.allocas);
      const nm = laneName(v.name !== null ? `${v.name}'de` : null, this.width, lane);
      s = b.alloca(v.type, nm);
      b.atEnd(this.revPro.init).store(nullValue(v.type), s);
      slots.set(v, s);
    }
    return s;
  }

  /** Loads lane `lane`'s adjoint of `v` and resets it to zero (it is consumed). */
  private takeDiffe(v: Value, b: IRBuilder, lane: number): Value {
    const s = this.diffeSlot(v, lane);
    const d = b.load(v.type, s, laneName(v.name !== null ? `d${v.name}` : null, this.width, lane));
    b.store(nullValue(v.type), s);
    return d;
  }

  private addDiffe(v: Value, delta: Value, b: IRBuilder, lane: number): void {
    if (!this.aa.varied.has(v)) return;
    const s = this.diffeSlot(v, lane);
    const old = b.load(v.type, s);
    b.store(addValues(b, old, delta), s);
  }

  /** Lane `lane` of a batched value (`[N x T]`), or the value itself at width 1. */
  private laneOf(v: Value, b: IRBuilder, lane: number): Value {
    return this.width === 1 ? v : b.extractValue(v, [lane]);
  }

  /** `[N x T]` from one value per lane, or the only value at width 1. */
  private packLanes(vals: readonly Value[], b: IRBuilder): Value {
    if (this.width === 1) return vals[0]!;
    let agg: Value = b.undef(lanesType(this.m, vals[0]!.type, this.width));
    vals.forEach((v, k) => { agg = b.insertValue(agg, v, [k]); });
    return agg;
  }

  /** The rules' view of lane `lane`: `d` is that lane's adjoint, `add` accumulates into that lane; primal values are shared. */
  private ruleCtx(rc: RevCtx, d: Value, lane: number): RuleCtx {
    const b = rc.b;
    return {
      b, module: this.m, d,
      primal: (v) => this.getRev(this.mapV(v), rc),
      active: (v) => this.aa.varied.has(v),
      add: (v, delta) => this.addDiffe(v, delta, b, lane),
      fp: (t, x) => constFP(t, x),
      callMath: (name, args, ret) => {
        const rt = ret ?? args[0]!.type;
        let full = name;
        if (name.startsWith('llvm.')) {
          full = `${name}.${intrinsicSuffix(args[0]!.type)}`;
          if (name === 'llvm.powi') full += `.${intrinsicSuffix(args[1]!.type)}`;
        }
        const f = this.ctx.declare(full, rt, args.map((a) => a.type));
        return b.call(f, args, null, f.fnType);
      },
    };
  }

  // -- reverse sweep -----------------------------------------------------------------

  private buildReverse(): void {
    const rev = this.revFn;
    const order = [...this.cfg.rpo].reverse().filter((b) => this.reaches.has(b));
    let revEntry: BasicBlock | null = null;
    if (this.split) revEntry = addBlock(this.m, rev, 'entry');
    for (const b of order) this.revBlocks.set(b, addBlock(this.m, rev, `invert${b.name ?? ''}`));
    this.revExit = addBlock(this.m, rev, 'invertexit');

    // Into the reverse: from the forward return (combined) or the reverse function's entry (split).
    const into = new IRBuilder(this.m);
    if (!this.split) {
      into.atEnd(this.fwdReturn);
      this.branchTo(into, this.retIdx!, this.retBlocks.map((r) => this.revBlocks.get(r)!));
    } else {
      into.atEnd(revEntry!);
      const rc: RevCtx = { pb: null, rb: revEntry!, b: into };
      const targets = this.retBlocks.map((r) => this.revBlocks.get(r)!);
      this.branchTo(into, targets.length > 1 ? this.getRev(this.retIdx!, rc) : this.retIdx!, targets);
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
    const b = new IRBuilder(this.m).atEnd(rb);
    const rc: RevCtx = { pb: B, rb, b };
    const aa = this.aa;
    const term = B.terminator;
    if (term && term.op === 'ret' && this.sig.retActive && term.operands[0]) {
      for (let lane = 0; lane < this.width; lane++) this.addDiffe(term.operands[0], this.laneOf(this.seed!, b, lane), b, lane);
    }
    const insts = B.instructions;
    for (let k = insts.length - 1; k >= 0; k--) {
      const i = insts[k]!;
      if (i.op === 'phi') break;
      if (i === term && i.op !== 'invoke') continue;
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
    if (B === this.cfg.entry) { b.br(this.revExit); return; }
    const preds = this.cfg.preds(B).filter((p) => this.cfg.isReachable(p));
    if (preds.length === 1) {
      this.edge(preds[0]!, B, phis, b);
      b.br(this.revBlocks.get(preds[0]!)!);
      return;
    }
    const idx = this.headerDecision(B, preds, rc) ?? this.getRev(this.predPhi(B, preds), rc);
    const targets = preds.map((p) => {
      if (!this.edgeHasWork(p, B, phis)) return this.revBlocks.get(p)!;
      const eb = addBlock(this.m, this.revFn, `invert${B.name ?? ''}_from_${p.name ?? ''}`);
      const e = new IRBuilder(this.m).atEnd(eb);
      this.edge(p, B, phis, e);
      e.br(this.revBlocks.get(p)!);
      return eb;
    });
    this.branchTo(b, idx, targets);
  }

  /** A loop header with one entering and one latch edge: the first iteration of an execution came from outside. */
  private simpleLoop(B: BasicBlock): { loop: Loop; outside: BasicBlock; latch: BasicBlock } | null {
    const loop = this.li.loopFor(B);
    if (!loop || loop.header !== B) return null;
    const preds = this.cfg.preds(B).filter((p) => this.cfg.isReachable(p));
    if (preds.length !== 2) return null;
    const outside = preds.find((p) => !loop.contains(p));
    const latch = preds.find((p) => loop.contains(p));
    if (!outside || !latch) return null;
    return { loop, outside, latch };
  }

  /** The counter value at which the current execution of the loop started (recorded once per execution, not per iteration). */
  private loopStart(loop: Loop, outside: BasicBlock): Value {
    const ls = this.loopState(loop);
    if (ls.start) return ls.start;
    const ob = this.fwdBlocks.get(outside)!;
    const b = new IRBuilder(this.m).beforeTerminator(ob);
    ls.start = b.load(this.m.types.i64, ls.counter.fwd, `${loop.header.name ?? 'loop'}.start`);
    return ls.start;
  }

  private headerDecision(B: BasicBlock, preds: BasicBlock[], rc: RevCtx): Value | null {
    const sl = this.simpleLoop(B);
    if (!sl) return null;
    const k = this.revIndex(sl.loop, rc);
    const start = this.getRev(this.loopStart(sl.loop, sl.outside), rc);
    const t = this.m.types.i8;
    const first = rc.b.icmp('eq', k, start, 'first.iter');
    return rc.b.select(first, constInt(t, preds.indexOf(sl.outside)), constInt(t, preds.indexOf(sl.latch)));
  }

  /** The loop, start value and step of an integer induction phi (`fi` in the forward sweep), or null. */
  private inductionShape(fi: Instruction): { sl: { loop: Loop; outside: BasicBlock; latch: BasicBlock }; init: Value; step: bigint } | null {
    if (fi.op !== 'phi' || fi.type.kind !== 'int') return null;
    const prim = fi.origin;
    if (!prim || prim.op !== 'phi' || prim.parent === null) return null;
    const sl = this.simpleLoop(prim.parent);
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
    const start = this.getRev(this.loopStart(sl.loop, sl.outside), rc);
    let iter: Value = b.sub(k, start, 'iter.local');
    const it = fi.type as IntType;
    if (it !== this.m.types.i64) iter = b.cast(it.bits < 64 ? 'trunc' : 'zext', iter, it);
    const s0 = this.getRev(this.mapV(init), rc);
    return b.add(s0, b.mul(iter, constInt(it, step)), `${fi.name ?? 'iv'}_unwrap`);
  }

  /** The index of the predecessor the forward sweep came from (a phi in the forward block). */
  private predPhi(B: BasicBlock, preds: BasicBlock[]): PhiInst {
    let p = this.predPhis.get(B);
    if (p) return p;
    const t = preds.length < 128 ? this.m.types.i8 : this.m.types.i32;
    const nb = this.fwdBlocks.get(B)!;
    p = new PhiClass(t, [], []);
    p.name = `${B.name ?? 'bb'}.from`;
    // One entry per edge: a switch with several cases to B (or `br %c, %B, %B`) branches to it more than once.
    preds.forEach((pr, k) => {
      const edges = pr.terminator ? successors(pr.terminator).filter((s) => s === B).length : 1;
      for (let e = 0; e < Math.max(1, edges); e++) addIncoming(p!, constInt(t, k), this.fwdBlocks.get(pr)!);
    });
    nb.instructions.unshift(p);
    p.parent = nb;
    this.predPhis.set(B, p);
    return p;
  }

  private edgeHasWork(P: BasicBlock, B: BasicBlock, phis: [PhiInst, Value[]][]): boolean {
    if (phis.some(([phi]) => this.aa.varied.has(phi.operands[phi.blocks.indexOf(P)]!))) return true;
    for (let l = this.li.loopFor(P); l; l = l.parent) if (!l.contains(B) || l.header === B) return true;
    return false;
  }

  /** Reverse of the primal edge P -> B: phi adjoints to P's incoming values, loop counters stepped back. */
  private edge(P: BasicBlock, B: BasicBlock, phis: [PhiInst, Value[]][], b: IRBuilder): void {
    for (const [phi, ds] of phis) {
      const v = phi.operands[phi.blocks.indexOf(P)]!;
      ds.forEach((d, lane) => this.addDiffe(v, d, b, lane));
    }
    for (let l = this.li.loopFor(P); l; l = l.parent) {
      if (l.contains(B) && l.header !== B) continue;
      const slot = this.frame.revLocal(this.loopState(l).counter);
      const c = b.load(this.m.types.i64, slot);
      b.store(b.sub(c, constInt(this.m.types.i64, 1)), slot);
    }
  }

  private reverseInst(i: Instruction, rc: RevCtx): void {
    const b = rc.b;
    const aa = this.aa;
    switch (i.op) {
      case 'store': {
        for (let lane = 0; lane < this.width; lane++) {
          const sp = this.getRev(this.shadowOf(i.ptr, i, lane), rc);
          const t = i.value.type;
          const ds = b.load(t, sp, null, i.align);
          b.store(nullValue(t), sp, i.align);
          if (aa.isActiveValue(i.value)) this.addDiffe(i.value, ds, b, lane);
        }
        return;
      }
      case 'load': {
        for (let lane = 0; lane < this.width; lane++) {
          const d = this.takeDiffe(i, b, lane);
          const sp = this.getRev(this.shadowOf(i.ptr, i, lane), rc);
          const old = b.load(i.type, sp, null, i.align);
          b.store(addValues(b, old, d), sp, i.align);
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
          this.error('E0401', `cannot differentiate ${this.fnName()}: no derivative rule for '${i.op}'`, i);
        }
        for (let lane = 0; lane < this.width; lane++) {
          const d = this.takeDiffe(i, b, lane);
          rule.reverse(this.ruleCtx(rc, d, lane), i);
        }
      }
    }
  }

  private reverseCall(i: CallBase, rc: RevCtx): void {
    const b = rc.b;
    const aa = this.aa;
    const k = aa.callKind(i);
    const t = this.m.types;
    switch (k.k) {
      case 'rule': {
        for (let lane = 0; lane < this.width; lane++) {
          const d = this.takeDiffe(i, b, lane);
          k.rule.reverse!(this.ruleCtx(rc, d, lane), i as CallInst, i.args());
        }
        return;
      }
      case 'defined': {
        const ac = this.augCalls.get(i);
        if (!ac) return;
        const { pair } = ac;
        const args: Value[] = [];
        i.args().forEach((a, n) => {
          args.push(this.getRev(this.mapV(a), rc));
          if (pair.sig.args[n] === 'dup') for (let lane = 0; lane < this.width; lane++) args.push(this.getRev(this.shadowOf(a, i, lane), rc));
        });
        if (pair.sig.retActive) args.push(this.packLanes(Array.from({ length: this.width }, (_, lane) => this.takeDiffe(i, b, lane)), b));
        args.push(this.getRev(ac.tape, rc));
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
        const kind = this.memKind(i);
        if (kind === 'pointer' || kind === 'none') return;
        for (let lane = 0; lane < this.width; lane++) {
          const dd = this.getRev(this.shadowOf(i.arg(0), i, lane), rc);
          const n = this.toI64At(this.getRev(this.mapV(i.arg(2)), rc), b);
          const ds = aa.shadowed(i.arg(1)) ? this.getRev(this.shadowOf(i.arg(1), i, lane), rc) : null;
          const helper = this.memcpyAdjoint(kind, ds !== null);
          const bp = this.frame.bytePtr;
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
            m: this.m, b,
            primal: (v) => this.getRev(this.mapV(v), rc),
            shadow: (v) => this.getRev(this.shadowOf(v, i, lane), rc),
            takeResult: () => this.takeDiffe(i, b, lane),
            add: (v, d) => this.addDiffe(v, d, b, lane),
            varied: (v) => aa.varied.has(v),
            declareHelper: (name, make) => this.m.getFunction(name) ?? make(),
          }, i, k.shape);
        }
        return;
      }
      case 'memset': {
        for (let lane = 0; lane < this.width; lane++) {
          const dd = this.getRev(this.shadowOf(i.arg(0), i, lane), rc);
          const n = this.toI64At(this.getRev(this.mapV(i.arg(2)), rc), b);
          const bp = this.frame.bytePtr;
          b.call(this.ctx.memIntrinsic('memset'), [b.bitcastIfNeeded(dd, bp), constInt(t.i8, 0), n, constInt(t.i1, 0)]);
        }
        return;
      }
      case 'realloc': {
        const moved = this.reallocMoved.get(i);
        if (!moved) return;
        const kind = this.kindOfMemory([i], i, 'the reallocated memory');
        const freed = this.freedClasses.some((f) => this.sameObject(f, i));
        const bp = this.frame.bytePtr;
        for (let lane = 0; lane < this.width; lane++) {
          const nu = b.bitcastIfNeeded(this.getRev(this.shadowOf(i, i, lane), rc), bp);
          if (kind !== 'pointer' && kind !== 'none') {
            const old = b.bitcastIfNeeded(this.getRev(this.shadowOf(i.arg(0), i, lane), rc), bp);
            b.call(this.memcpyAdjoint(kind, true), [nu, old, this.getRev(moved[lane]!, rc)]);
          }
          if (freed) b.call(this.ctx.declare('free', t.void, [bp]), [nu]);
        }
        return;
      }
      case 'malloc': case 'calloc': {
        if (!this.freedClasses.some((f) => this.sameObject(f, i))) return;
        for (let lane = 0; lane < this.width; lane++) {
          const s = this.getRev(this.shadowOf(i, i, lane), rc);
          if (k.like) { allocLikeFree(b, k.like, s, i.args().map((a) => this.getRev(this.mapV(a), rc))); continue; }
          const free = this.ctx.declare('free', t.void, [this.frame.bytePtr]);
          b.call(free, [b.bitcastIfNeeded(s, this.frame.bytePtr)]);
        }
        return;
      }
      default: return;
    }
  }

  /** A size operand as i64 (allocation and copy sizes may be i32). */
  private toI64At(v: Value, b: IRBuilder): Value {
    const i64 = this.m.types.i64;
    if (v.type === i64) return v;
    if (v.type.kind === 'int' && v.type.bits < 64) return b.cast('zext', v, i64);
    return v;
  }

  /** Whether the freed pointer `f` is (a cast of) the allocation `a`. */
  private sameObject(f: Value, a: Value): boolean {
    let v: Value = f;
    for (let n = 0; n < 8; n++) {
      if (v === a) return true;
      if (v.vk === 'inst') {
        const i = v as Instruction;
        if (i.op === 'bitcast' || i.op === 'addrspacecast' || (i.op === 'getelementptr' && i.operands.length > 0)) { v = i.operands[0]!; continue; }
        // -O0: the pointer was kept in a stack slot that holds one pointer (analysis/facts.ts).
        const held = i.op === 'load' ? this.ctx.rules.facts?.pointerSlots(this.sig.fn).get(i.ptr)?.stores.filter((x) => x.vk !== 'const') : undefined;
        if (held && held.length === 1) { v = held[0]!; continue; }
      }
      if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'expr') { v = (v as unknown as { operands: Value[] }).operands[0]!; continue; }
      break;
    }
    return false;
  }

  /** What memory a copy moves: a floating kind, pointers, or (`--loose-types`) nothing differentiable. */
  memKind(copy: CallBase): 'double' | 'float' | 'half' | 'pointer' | 'none' {
    return this.kindOfMemory([copy.arg(0), copy.arg(1)], copy, 'the copied memory');
  }

  /** What the memory at `ptrs` holds (the first that tells), or an E0403 at `at` (a warning and 'none' with --loose-types). */
  private kindOfMemory(ptrs: Value[], at: Instruction, what: string): 'double' | 'float' | 'half' | 'pointer' | 'none' {
    let k: 'double' | 'float' | 'half' | 'pointer' | null = null;
    for (const p of ptrs) k ??= elementKind(p);
    for (const p of ptrs) k ??= this.accessKind(p);
    if (k) return k;
    const ta = this.types();
    let u: ReturnType<TypeAnalysis['uniform']> = null;
    for (const p of ptrs) u ??= ta.uniform(p);
    if (u === 'double' || u === 'float' || u === 'half' || u === 'pointer') return u;
    if (u === 'integer') return 'none';
    if (this.ctx.opts.looseTypes) {
      const key = `memkind:${this.fnName()}:${sourceSpan(at).start}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        const span = sourceSpan(at);
        this.ctx.warnings.push({ code: 'E0403', severity: 'warning', message: `${this.fnName()}: cannot tell what ${what} holds; treated as non-differentiable (--loose-types)`, file: this.ctx.file, start: span.start, end: span.end });
      }
      return 'none';
    }
    return this.error('E0403', `cannot differentiate ${this.fnName()}: cannot tell what ${what} holds (floats or pointers)`, at,
      ['pass --loose-types to treat it as non-differentiable (with a warning)']);
  }

  /**
   * What the function itself loads from and stores to the memory of `p`'s
   * underlying allocation (a malloc'd buffer in opaque-pointer IR says nothing
   * else): the first floating or pointer access type found through any address
   * derived from the same objects.
   */
  private accessKind(p: Value): 'double' | 'float' | 'half' | 'pointer' | null {
    const roots = underlyingObjects(p);
    if (!roots || roots.size === 0) return null;
    const derived = new Set<Value>(roots);
    const holders = new Set<Value>();
    // -O0: a pointer reloaded from its stack slot is the pointer stored there.
    for (const r of roots) {
      if (r.vk === 'inst' && (r as Instruction).op === 'load') {
        const slot = (r as Instruction).operands[0]!;
        if (slot.vk === 'inst' && (slot as Instruction).op === 'alloca') holders.add(slot);
      }
    }
    let found: 'double' | 'float' | 'half' | 'pointer' | null = null;
    const note = (t: Type): void => {
      if (found && found !== 'pointer') return;
      const k = t.kind === 'float' ? (t.fk === 'double' ? 'double' : t.fk === 'float' ? 'float' : t.fk === 'half' ? 'half' : null)
        : t.kind === 'vector' && t.elem.kind === 'float' ? (t.elem.fk === 'double' ? 'double' : t.elem.fk === 'float' ? 'float' : null)
          : t.kind === 'pointer' ? 'pointer' : null;
      if (k && (!found || k !== 'pointer')) found = k;
    };
    for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
      changed = false;
      for (const b of this.sig.fn.blocks) {
        for (const i of b.instructions) {
          let d = false;
          switch (i.op) {
            case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze': d = derived.has(i.operands[0]!); break;
            case 'phi': case 'select': d = i.type.kind === 'pointer' && i.operands.some((o) => derived.has(o)); break;
            case 'load':
              if (derived.has(i.ptr)) note(i.type);
              d = i.type.kind === 'pointer' && holders.has(i.ptr);
              break;
            case 'store':
              if (derived.has(i.ptr)) note(i.value.type);
              if (derived.has(i.value) && !holders.has(i.ptr)) { holders.add(i.ptr); changed = true; }
              if (holders.has(i.ptr) && i.value.type.kind === 'pointer' && !derived.has(i.value)) { derived.add(i.value); changed = true; }
              break;
            default: break;
          }
          if (d && !derived.has(i)) { derived.add(i); changed = true; }
        }
      }
    }
    return found;
  }

  /** `__enzyme_ts_memcpy_adj_<kind>(dst', [src',] bytes)`: src' += dst'; dst' = 0. */
  private memcpyAdjoint(kind: 'double' | 'float' | 'half', withSrc: boolean): Function {
    const name = `__enzyme_ts_memcpy_adj_${kind}${withSrc ? '' : '_zero'}`;
    const have = this.m.getFunction(name);
    if (have) return have;
    const t = this.m.types;
    const bp = this.frame.bytePtr;
    const ft: FunctionType = t.fn(t.void, withSrc ? [bp, bp, t.i64] : [bp, t.i64]);
    const f = addFunction(this.m, name, ft, withSrc ? ['dst', 'src', 'bytes'] : ['dst', 'bytes']);
    f.linkage = 'internal';
    const et = t.float(kind);
    const size = this.ctx.dl.allocSize(et);
    const b = new IRBuilder(this.m);
    const entry = addBlock(this.m, f, 'entry');
    const loop = addBlock(this.m, f, 'loop');
    const done = addBlock(this.m, f, 'done');
    b.atEnd(entry);
    const dst = b.bitcastIfNeeded(f.args[0]!, this.m.ptrTo(et));
    const src = withSrc ? b.bitcastIfNeeded(f.args[1]!, this.m.ptrTo(et)) : null;
    const n = b.binop('udiv', f.args[withSrc ? 2 : 1]!, constInt(t.i64, size), 'n');
    b.condBr(b.icmp('eq', n, constInt(t.i64, 0)), done, loop);
    b.atEnd(loop);
    const i = b.phi(t.i64, [[constInt(t.i64, 0), entry]], 'i');
    const dp = b.gep(et, dst, [i], null, true);
    const dv = b.load(et, dp);
    if (src) {
      const sp = b.gep(et, src, [i], null, true);
      b.store(b.fadd(b.load(et, sp), dv), sp);
    }
    b.store(nullValue(et), dp);
    const i1 = b.add(i, constInt(t.i64, 1), 'i.next');
    addIncoming(i, i1, loop);
    b.condBr(b.icmp('ult', i1, n), loop, done);
    b.atEnd(done);
    b.ret();
    return f;
  }

  // -- finishing -------------------------------------------------------------------

  private finish(): void {
    const t = this.m.types;
    const b = new IRBuilder(this.m).atEnd(this.revExit);
    const rc: RevCtx = { pb: null, rb: this.revExit, b };
    // Results: the primal return (combined, when asked) and the gradients of the active arguments.
    const parts: Value[] = [];
    if (!this.split && this.sig.retPrimal && this.retVal) parts.push(this.retVal);
    this.sig.fn.args.forEach((a, k) => {
      if (this.sig.args[k] !== 'active') return;
      const lanes = this.diffeSlots.map((slots, lane) =>
        slots.has(a) ? b.load(a.type, slots.get(a)!, laneName(`${a.name ?? 'arg'}_grad`, this.width, lane)) : nullValue(a.type));
      parts.push(this.width === 1 || lanes.some((x) => x.vk !== 'const') ? this.packLanes(lanes, b) : nullValue(lanesType(this.m, a.type, this.width)));
    });
    if (!this.split || this.sig.topLevel) zeroImplicitShadows(this.ctx, b, this.sig.fn);
    const free = (): Function => this.ctx.declare('free', t.void, [this.frame.bytePtr]);
    if (!this.sig.nofree) {
      for (const raw of this.toFreeAtEnd) b.call(free(), [this.getRev(raw, rc)]);
      // Buffers: freed after the last read; their slots are final now that the reverse is built.
      for (const ls of this.loops.values()) {
        // One heap block per loop: its first buffer in layout order starts it.
        const first = ls.buffers.length ? this.bufferLayout(ls).bufs[0]! : null;
        if (first) b.call(free(), [b.load(this.frame.bytePtr, this.frame.rev(first.slot))]);
      }
      if (this.split) b.call(free(), [this.revFn.args[this.revFn.args.length - 1]!]);
    }
    const rt = this.revFn.fnType.ret;
    if (rt.kind === 'void') b.ret();
    else {
      let agg: Value = nullValue(rt);
      parts.forEach((p, k) => { agg = b.insertValue(agg, p, [k]); });
      b.ret(agg);
    }

    if (this.split) {
      const fb = new IRBuilder(this.m).atEnd(this.fwdReturn);
      const at = this.fwdFn.fnType.ret;
      let agg: Value = b.undef(at);
      agg = fb.insertValue(agg, this.frame.tapeValue(), [0]);
      let k = 1;
      if (this.retVal) agg = fb.insertValue(agg, this.retVal, [k++]);
      for (const phi of this.retShadowPhis) agg = fb.insertValue(agg, phi, [k++]);
      fb.ret(agg);
    }
    this.growBuffers();
    this.frame.finish();
    this.fwdPro.flush();
    if (this.split) this.revPro.flush();
    // Phis with no incoming edge (a function that never returns) are invalid: drop them.
    for (const p of [this.retIdx, this.retVal, ...this.retShadowPhis]) {
      if (p && p.operands.length === 0) {
        const blk = p.parent!;
        blk.instructions.splice(blk.instructions.indexOf(p), 1);
      }
    }
    if (this.cutEdges.length) dropEmptyPhis(this.fwdFn);
    uniquifyNames(this.fwdFn);
    if (this.split) uniquifyNames(this.revFn);
    this.ctx.perf.push(`${this.fnName()}: ${this.split ? 'tape' : 'frame'} ${this.frame.bytes()} bytes per call` +
      [...this.loops.entries()].filter(([, s]) => s.buffers.length)
        .map(([l, s]) => `, ${s.buffers.reduce((n, x) => n + this.ctx.dl.allocSize(x.type), 0)} bytes per iteration of the loop ${this.loopName(l)}`).join(''));
  }

  /**
   * The buffers of a loop share one heap block: for capacity `cap`, buffer `j`
   * starts at byte `cap * offset_j` (buffers sorted by alignment, largest
   * first, so every start is aligned). One malloc and one free per growth
   * instead of one realloc per buffer, and a single block that glibc keeps in
   * its heap between calls instead of several that it unmaps and page-faults
   * back in on every call (docs/benchmarks.md, "Gradient cost").
   */
  private bufferLayout(ls: LoopState): { bufs: { slot: Slot; size: number; offset: number }[]; stride: number } {
    const dl = this.ctx.dl;
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
  private growBuffers(): void {
    const t = this.m.types;
    const withBufs = [...this.loops].filter(([, ls]) => ls.buffers.length && ls.cap);
    // Sites are found on the primal CFG, and their forward terminators taken, before any block is split.
    const reserves: { loop: Loop; ls: LoopState; site: Loop; factors: Loop[]; exact: boolean }[] = [];
    const checked: [Loop, LoopState][] = [];
    for (const [loop, ls] of withBufs) {
      const tp = this.tripOf(loop);
      const exact = !!tp && tp.exact && tp.single;
      if (exact) reserves.push({ loop, ls, site: loop, factors: [loop], exact: true });
      else checked.push([loop, ls]);
      if (!tp) {
        this.ctx.perf.push(`${this.fnName()}: buffers of the loop ${this.loopName(loop)} grow while it runs (no trip count known at its entry)`);
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
      const hoisted = site === loop ? '' : `, and ${factors.length} counts multiplied at the entry of the loop ${this.loopName(site)}`;
      this.ctx.perf.push(exact
        ? `${this.fnName()}: buffers of the loop ${this.loopName(loop)} reserved from its trip count at its entry${hoisted}; no check in the loop`
        : `${this.fnName()}: buffers of the loop ${this.loopName(loop)} reserved from an estimated trip count at ${site === loop ? 'its entry' : `the entry of the loop ${this.loopName(site)} (${factors.length} counts multiplied)`}; checked at each iteration`);
    }
    const entries = new Map<Loop, Instruction>();
    const terms = reserves.map((r) => {
      let at = entries.get(r.site);
      if (!at) { at = this.loopEntry(r.site); entries.set(r.site, at); }
      return at;
    });
    reserves.forEach((r, ri) => {
      const b = new IRBuilder(this.m).before(terms[ri]!);
      const stride = this.bufferLayout(r.ls).stride;
      let total: Value;
      if (r.exact) {
        // At most the hard limit + 1, so that `need` cannot wrap: too many entries trap in emitGrow.
        const lim = constInt(t.i64, this.hardLimit(stride) + 1);
        const q = this.tripExact(r.loop, b);
        total = b.add(b.select(b.icmp('ugt', q, lim), lim, q), constInt(t.i64, 1), 'trip');
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
      const need = new IRBuilder(this.m).after(ls.marker).add(ls.k, constInt(t.i64, 1), 'need');
      this.emitGrow(loop, ls, need, ls.k);
    }
  }

  /**
   * Where code that must run once each time `loop` is entered goes in the
   * forward sweep: before the branch of its preheader when the preheader
   * only leads to the header, else in a new block on the entering edge (a
   * guard `if (n > 0)` branching around the loop must not run it).
   */
  private loopEntry(loop: Loop): Instruction {
    const outside = this.simpleLoop(loop.header)!.outside;
    const from = this.fwdBlocks.get(outside)!;
    const term = from.terminator!;
    if (loop.preheader === outside) return term;
    const to = this.fwdBlocks.get(loop.header)!;
    const edge = addBlock(this.m, this.fwdFn, `${loop.header.name ?? 'loop'}.enter`, to);
    const succ = (term as unknown as { successors: BasicBlock[] }).successors;
    succ[succ.indexOf(to)] = edge;
    for (const i of to.instructions) {
      if (i.op !== 'phi') break;
      (i as PhiInst).blocks = (i as PhiInst).blocks.map((x) => (x === from ? edge : x));
    }
    return new IRBuilder(this.m).atEnd(edge).br(to);
  }

  /** Entries of a loop's buffers beyond which the tape would exceed 2^40 bytes: the generated code traps. */
  private hardLimit(stride: number): number { return Math.floor(2 ** 40 / stride); }

  /** The counted-loop shape of `loop`, memoized (null: none, or not a simple loop). */
  private tripOf(loop: Loop): TripPattern | null {
    if (this.trips.has(loop)) return this.trips.get(loop)!;
    const sl = this.simpleLoop(loop.header);
    // Reservations go on the entering edge (loopEntry): one edge, from a `br` or `switch`.
    const term = sl?.outside.terminator;
    const enters = !!term && (term.op === 'br' || term.op === 'switch') &&
      (term as unknown as { successors: BasicBlock[] }).successors.filter((x) => x === loop.header).length === 1;
    const tp = sl && enters ? tripPattern(loop, this.dt, sl.outside, sl.latch) : null;
    this.trips.set(loop, tp);
    return tp;
  }

  /**
   * At `b` in the forward sweep, for a loop whose pattern is exact: the number
   * of iterations that go on past the compare (i64), computed in the compare's
   * own width so that wrapping is counted as the loop would see it. The header
   * runs at most once more.
   */
  private tripExact(loop: Loop, b: IRBuilder): Value {
    const t = this.m.types;
    const tp = this.tripOf(loop)!;
    const init = this.mapV(tp.init);
    const bound = this.mapV(tp.bound);
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
  private tripValue(loop: Loop, b: IRBuilder): Value {
    const t = this.m.types;
    const tp = this.tripOf(loop)!;
    const signed = !tp.stay.startsWith('u');
    const ext = (v: Value): Value => {
      const m = this.mapV(v);
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
  private emitGrow(loop: Loop, ls: LoopState, at: Instruction, filled: Value): void {
    const t = this.m.types;
    const bp = this.frame.bytePtr;
    const name = loop.header.name ?? 'loop';
    const block = at.parent!;
    const cont = splitAfter(this.m, block, at, `${name}.body`);
    const grow = addBlock(this.m, this.fwdFn, `${name}.grow`, cont);
    const b = new IRBuilder(this.m).atEnd(block);
    const cap = b.load(t.i64, ls.cap!.fwd, 'cap');
    b.condBr(b.icmp('ugt', at, cap, 'full'), grow, cont);
    b.atEnd(grow);
    const dbl = b.binop('shl', cap, constInt(t.i64, 1));
    const big = b.select(b.icmp('ugt', at, dbl), at, dbl);
    const min = constInt(t.i64, 16);
    const ncap = b.select(b.icmp('ult', big, min), min, big, 'newcap');
    const { bufs, stride } = this.bufferLayout(ls);
    const malloc = this.ctx.declare('malloc', bp, [t.i64]);
    const free = this.ctx.declare('free', t.void, [bp]);
    const memcpy = this.ctx.memIntrinsic('memcpy');
    // More than 2^40 bytes of tape, or no memory: trap rather than write past a buffer.
    const trap = addBlock(this.m, this.fwdFn, `${name}.notape`, cont);
    const alloc = addBlock(this.m, this.fwdFn, `${name}.alloc`, cont);
    b.condBr(b.icmp('ugt', ncap, constInt(t.i64, this.hardLimit(stride))), trap, alloc);
    b.atEnd(trap);
    b.call(this.ctx.declare('llvm.trap', t.void, []), []);
    b.unreachable();
    b.atEnd(alloc);
    const nb = b.call(malloc, [b.mul(ncap, constInt(t.i64, stride))], `${name}.tape`);
    const copy = addBlock(this.m, this.fwdFn, `${name}.copy`, cont);
    b.condBr(b.icmp('eq', nb, nullValue(bp)), trap, copy);
    b.atEnd(copy);
    let base: Value | null = null;
    for (const buf of bufs) {
      const old = b.load(bp, buf.slot.fwd);
      base ??= old;
      const dst = buf.offset === 0 ? nb : b.gep(t.i8, nb, [b.mul(ncap, constInt(t.i64, buf.offset))], null, true);
      b.call(memcpy, [dst, old, b.mul(filled, constInt(t.i64, buf.size)), constInt(t.i1, 0)]);
      b.store(dst, buf.slot.fwd);
    }
    b.call(free, [base!]);
    b.store(ncap, ls.cap!.fwd);
    b.br(cont);
  }
}

/** Moves everything after `at` into a new block placed after `block`; successors' phis follow the move. */
function splitAfter(m: Module, block: BasicBlock, at: Instruction, name: string): BasicBlock {
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

/** `a + b` for adjoints: fadd for floats and float vectors, element by element for aggregates. */
export function addValues(b: IRBuilder, x: Value, y: Value): Value {
  const t = x.type;
  if (t.kind === 'float' || t.kind === 'vector') return b.fadd(x, y);
  if (t.kind === 'array' || t.kind === 'struct') {
    const n = t.kind === 'array' ? t.count : t.elems!.length;
    let agg: Value = x;
    for (let k = 0; k < n; k++) {
      const s = addValues(b, b.extractValue(x, [k]), b.extractValue(y, [k]));
      agg = b.insertValue(agg, s, [k]);
    }
    return agg;
  }
  throw new Error(`addValues: not a differentiable type (${t.kind})`);
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

function hasPointer(t: Type, depth = 0): boolean {
  if (depth > 8) return false;
  switch (t.kind) {
    case 'pointer': return true;
    case 'vector': case 'array': return hasPointer(t.elem, depth + 1);
    case 'struct': return !!t.elems && t.elems.some((e) => hasPointer(e, depth + 1));
    default: return false;
  }
}

function typeTextShort(t: Type): string {
  switch (t.kind) {
    case 'float': return t.fk;
    case 'int': return `i${t.bits}`;
    case 'pointer': return 'ptr';
    case 'vector': return `<${t.count} x ${typeTextShort(t.elem)}>`;
    case 'struct': return t.name !== null ? `%${t.name}` : `{ ${(t.elems ?? []).map((e) => typeTextShort(e)).join(', ')} }`;
    case 'array': return `[${t.count} x ${typeTextShort(t.elem)}]`;
    default: return t.kind;
  }
}

/**
 * The floating kind (or pointers) an address holds, from what the IR itself
 * says: typed pointees, GEP source types, allocated types, the loads and
 * stores through it. Type analysis (src/analysis/types.ts) refines this.
 */
export function elementKind(p: Value): 'double' | 'float' | 'half' | 'pointer' | null {
  const seen = new Set<Value>();
  const leaf = (t: Type | null): 'double' | 'float' | 'half' | 'pointer' | null => {
    for (let x: Type | null = t; x; ) {
      switch (x.kind) {
        case 'float': return x.fk === 'double' ? 'double' : x.fk === 'float' ? 'float' : x.fk === 'half' ? 'half' : null;
        case 'pointer': return 'pointer';
        case 'array': case 'vector': x = x.elem; continue;
        case 'struct': x = x.elems && x.elems.length ? x.elems[0]! : null; continue;
        default: return null;
      }
    }
    return null;
  };
  const walk = (v: Value, depth: number): 'double' | 'float' | 'half' | 'pointer' | null => {
    if (depth > 6 || seen.has(v)) return null;
    seen.add(v);
    const t = v.type;
    if (t.kind === 'pointer' && t.pointee && !(t.pointee.kind === 'int' && t.pointee.bits === 8)) {
      const k = leaf(t.pointee);
      if (k) return k;
    }
    if (v.vk === 'inst') {
      const i = v as Instruction;
      switch (i.op) {
        case 'alloca': { const k = leaf(i.allocated); if (k) return k; break; }
        case 'getelementptr': { const k = leaf(i.srcType); if (k && !(i.srcType.kind === 'int')) return k; return walk(i.operands[0]!, depth + 1); }
        case 'bitcast': case 'addrspacecast': return walk(i.operands[0]!, depth + 1);
        default: break;
      }
    }
    if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'expr') {
      return walk((v as unknown as { operands: Value[] }).operands[0]!, depth + 1);
    }
    return null;
  };
  return walk(p, 0);
}

export { BrInst };
