// What the stages of the transform know about the primal function before any
// code is generated: its CFG, dominators and loops, activity, which memory
// nothing overwrites, which blocks reach a return. Read-only once built; every
// stage (forward sweep, tape plan, reverse sweep) reads it.

import type { Argument, BasicBlock, Function } from '../ir/function.js';
import type { Instruction } from '../ir/instructions.js';
import type { Module } from '../ir/module.js';
import type { Value } from '../ir/value.js';
import { CFG } from '../ir/cfg.js';
import { DominatorTree } from '../ir/dominators.js';
import { LoopInfo, type Loop } from '../ir/loops.js';
import { sourceSpan } from '../ir/verify.js';
import { fail } from '../diag/diagnostic.js';
import type { Code } from '../diag/codes.js';
import { ActivityAnalysis } from '../analysis/activity.js';
import { OverwriteAnalysis } from '../analysis/memory.js';
import { TypeAnalysis } from '../analysis/types.js';
import type { DiffContext, DiffSig } from './signature.js';
import { MemoryKinds } from './memkind.js';
import { ShadowRelease } from './release.js';
import { wayOutNotes } from './wayout.js';
import { checkGlobalStores } from './globals.js';

/** A loop header with one entering and one latch edge. */
export interface SimpleLoop { loop: Loop; outside: BasicBlock; latch: BasicBlock }

export class FunctionFacts {
  readonly m: Module;
  readonly prim: Function;
  /** Split shape (augmented + reverse functions) rather than one combined function. */
  readonly split: boolean;
  /** Batch width: lane k uses shadow k and seed lane k. */
  readonly width: number;
  readonly cfg: CFG;
  readonly dt: DominatorTree;
  readonly li: LoopInfo;
  readonly aa: ActivityAnalysis;
  /** Which loads the reverse may repeat; null in a split pair whose caller promises nothing. */
  readonly overwrite: OverwriteAnalysis | null;
  /** Blocks ending in `ret`, in reverse post order. */
  readonly retBlocks: BasicBlock[] = [];
  /** Blocks from which a `ret` can be reached (the others get no reverse code). */
  readonly reaches = new Set<BasicBlock>();
  /**
   * Stores of plain integers (no floating bits) into memory with a shadow whose contents no type
   * says (checks.ts): the derivative clears the shadow of the bytes they overwrite.
   */
  readonly intStores = new Set<Instruction>();
  private ta: TypeAnalysis | null = null;
  private mk: MemoryKinds | null = null;
  private rel: ShadowRelease | null = null;

  constructor(readonly ctx: DiffContext, readonly sig: DiffSig, split: boolean,
    /** Forward mode (src/ad/forward.ts): aggregates of floats and pointers carry tangents and shadows. */
    readonly forward = false) {
    this.m = ctx.module;
    this.prim = sig.fn;
    this.split = split;
    this.width = sig.width ?? 1;
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
    // Globals active data is stored into: the derivative starts over with them shadowed (globals.ts).
    checkGlobalStores(ctx, this.aa, `@${prim.name}`);
    this.overwrite = split && !(sig.unchanging ?? []).some((u) => u) ? null : new OverwriteAnalysis(this.m, prim, (c) => this.aa.callKind(c));
    this.computeReaches();
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

  /** A located error at `at` (a primal instruction, or one generated from it). */
  error(code: Code, message: string, at: Value | null, notes?: string[]): never {
    let start = -1;
    let end = -1;
    if (at) {
      const origin = (at as Instruction).origin ?? at;
      const s = sourceSpan(origin);
      start = s.start; end = s.end;
    }
    fail(code, message, this.ctx.file, start, end, wayOutNotes(code, at, notes, this.ctx.file?.name));
  }

  fnName(): string { return `@${this.prim.name}`; }

  /** Type analysis of the primal function, computed on first need. */
  types(): TypeAnalysis {
    this.ta ??= new TypeAnalysis(this.m, this.prim, this.sig.argTypes ? { args: this.sig.argTypes } : {});
    return this.ta;
  }

  /** What memory holds (for copies and reallocations), computed on first need. */
  get kinds(): MemoryKinds {
    this.mk ??= new MemoryKinds(this);
    return this.mk;
  }

  /** When the shadows of heap allocations are freed (src/ad/release.ts), computed on first need. */
  get release(): ShadowRelease {
    this.rel ??= new ShadowRelease(this.prim, (c) => this.aa.callKind(c), this.ctx.fates ?? new Map());
    return this.rel;
  }

  /** A cached value for --print-perf: its name and opcode, and the line of the primal instruction. */
  describe(fi: Instruction): string {
    const o = fi.origin ?? fi;
    const file = this.ctx.file;
    const line = o.pos >= 0 && file ? ` at line ${file.position(o.pos).line}` : '';
    const what = o.op === 'phi' && fi.name?.endsWith('.from') ? 'branch taken' : o.op === 'load' && o.pos >= 0 && fi.op === 'load' ? 'loaded value' : o.op;
    return `${fi.name !== null ? `%${fi.name} ` : ''}(${what})${line}`;
  }

  /** `%for.cond`, or `at line N` for numbered blocks (clang's default). */
  loopName(l: Loop): string {
    if (l.header.name !== null) return `%${l.header.name}`;
    const first = l.header.instructions[0];
    const file = this.ctx.file;
    if (first && first.pos >= 0 && file) return `at line ${file.position(first.pos).line}`;
    return `of block ${this.prim.blocks.indexOf(l.header)}`;
  }

  /** A loop header with one entering and one latch edge: the first iteration of an execution came from outside. */
  simpleLoop(B: BasicBlock): SimpleLoop | null {
    const loop = this.li.loopFor(B);
    if (!loop || loop.header !== B) return null;
    const preds = this.cfg.preds(B).filter((p) => this.cfg.isReachable(p));
    if (preds.length !== 2) return null;
    const outside = preds.find((p) => !loop.contains(p));
    const latch = preds.find((p) => loop.contains(p));
    if (!outside || !latch) return null;
    return { loop, outside, latch };
  }

  /** Whether a primal argument's memory stays as it is until the reverse sweep: always in the combined shape, when the caller says so in a split pair. */
  argUnchanging(a: Value): boolean {
    if (!this.split) return true;
    const idx = this.prim.args.indexOf(a as Argument);
    return idx >= 0 && !!this.sig.unchanging?.[idx];
  }
}
