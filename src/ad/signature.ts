import type { MDRef } from '../ir/metadata.js';
// What a derivative is asked for and what it looks like: the request (`DiffSig`),
// the parameters and results of the generated functions (contract section 6),
// and the interface of the run-wide context every stage of the transform shares.
// Nothing here generates code.

import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { DataLayout } from '../ir/layout.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { ArgActivity, CheckpointPolicy } from './api.js';
import type { CallRules } from './calls.js';

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
  /**
   * What the caller's type analysis knows of each argument (null: nothing passed): seeds for the
   * callee's own (a copy constructor's `memcpy` of an object whose type only the caller knows,
   * at -O0 with opaque pointers). Part of the derivative's identity.
   */
  argTypes?: readonly (import('../analysis/types.js').TypeTree | null)[];
  /** Batch width (contract section 6): N shadows per duplicated argument, `[N x T]` seeds and gradients. Default 1. */
  width?: number;
  /**
   * Split mode: a pair the user calls (lower's `__enzyme_augmentfwd` / `__enzyme_reverse`),
   * not a callee's: its reverse ends the derivative, as a combined function's does.
   */
  topLevel?: boolean;
  /**
   * Split mode: the tape comes from the arena of the derivative call that owns the computation
   * (src/tape/arena.ts), whose state both functions take as their last parameter; the reverse
   * does not free it. Callees inherit it.
   */
  arena?: boolean;
}

/** What `GradContext.mark` records: the sizes to go back to when a derivative is started over. */
export interface ContextMark { functions: number; globals: number; types: number; pairs: number; perf: number; warnings: number }

/** The augmented forward and reverse functions of a callee (the split shape). */
export interface SplitPair {
  sig: DiffSig;
  aug: Function;
  rev: Function;
}

export interface TransformOptions {
  checkpoint: CheckpointPolicy;
  looseTypes: boolean;
  /** Bytes of tape a loop may hold before it is checkpointed (src/tape/checkpoint.ts); null: never; undefined: the default. */
  tapeBudget?: number | null;
  /** Checkpoint every checkpointable loop every this many iterations, whatever its tape (a testing aid). */
  checkpointEvery?: number | null;
}

/** What the stages of the transform need from the state shared by one run (src/ad/context.ts implements it). */
export interface DiffContext {
  readonly module: Module;
  /**
   * Scoped-noalias metadata (`!{!scope}`) for the loop buffers of the tape: the loads of
   * cached values carry it as `!alias.scope`, the reverse sweep's shadow loads and stores as
   * `!noalias`, so that clang knows an adjoint stored into a shadow does not change a cached value.
   */
  tapeAliasList(): MDRef;
  readonly rules: CallRules;
  readonly opts: TransformOptions;
  readonly file: SourceFile | null;
  readonly dl: DataLayout;
  /** Lines for `--print-perf`. */
  readonly perf: string[];
  /** Warnings to show the user (`--loose-types` decisions). */
  readonly warnings: Diagnostic[];
  /** How pointer parameters of module functions leave them (src/ad/release.ts), memoized for the run. */
  readonly fates?: import('./release.js').FateCache;
  /** An existing function of that name and type, a new declaration, or an adapter when the module declares it with another type (declare.ts). */
  declare(name: string, ret: Type, params: Type[]): Function;
  /** `llvm.memcpy` / `llvm.memset` on byte pointers, spelled for the module's pointer dialect. */
  memIntrinsic(which: 'memcpy' | 'memset'): Function;
  freshName(base: string): string;
  /** The empty functions of a split pair, with their signatures. */
  declarePair(sig: DiffSig): { aug: Function; rev: Function };
  /** The split pair of a callee, generated on first request (recursion-safe). */
  split(sig: DiffSig): SplitPair;
  /** The state to return to if the derivative being generated must be started over (src/ad/globals.ts). */
  mark(): ContextMark;
  /** Drops everything generated since `k` (functions, globals, tape types, cached pairs). */
  rollback(k: ContextMark): void;
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
  void m;
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
  return { params, pos };
}

/** The gradient types of the active parameters, `[N x T]` each with a width N > 1. */
export function activeGradTypes(m: Module, fn: Function, acts: readonly ArgActivity[], width = 1): Type[] {
  return fn.args.filter((_, i) => acts[i] === 'active').map((a) => lanesType(m, a.type, width));
}
