// The public entry of the transform: what `grad`, `check` and `lower` call.
import type { Function } from '../ir/function.js';

/** Activity of one parameter (contract section 5). */
export type ArgActivity = 'active' | 'dup' | 'dupnoneed' | 'const';
/** Activity of the return value (contract section 5). */
export type RetActivity = 'active' | 'activeonly' | 'const' | 'none';
export type CheckpointPolicy = 'cache' | 'recompute' | 'auto';

export interface GradRequest {
  /** Name of the function to differentiate (without `@`). */
  fn: string;
  /** One per parameter; defaults follow the contract (floating -> active, pointer -> dup, else const). */
  args?: ArgActivity[];
  ret?: RetActivity;
  /** Name of the generated function; default `diffe<fn>`. */
  name?: string;
  checkpoint?: CheckpointPolicy;
  /** Bytes of tape a loop may hold before it is checkpointed (`--tape-budget`); null: never checkpoint. */
  tapeBudget?: number | null;
  /** Checkpoint every checkpointable loop every this many iterations, whatever its tape (`--checkpoint-every`). */
  checkpointEvery?: number | null;
  width?: number;
  looseTypes?: boolean;
  /**
   * Custom derivatives given on the command line (`--custom FN=AUG,REV`), in addition to
   * those the module registers itself (docs/custom.md). Names without `@`.
   */
  custom?: { fn: string; aug: string; rev: string }[];
  /** Functions to treat as inactive (`--inactive FN`): calls kept, no derivative. */
  inactive?: string[];
}

export interface GradResult {
  /** The generated function, already added to the module. */
  fn: Function;
  /** The activities used (defaults filled in). */
  args: ArgActivity[];
  ret: RetActivity;
  /** Lines for `--print-perf`: what was cached and why, tape sizes. */
  perf: string[];
  /** Decisions the user should know about (`--loose-types`). */
  warnings?: import('../diag/diagnostic.js').Diagnostic[];
}

/** Forward mode: activity of one parameter (contract section 5b). `dup`: a tangent follows it (a shadow pointer for a pointer). */
export type FwdActivity = 'dup' | 'dupnoneed' | 'const';
/** Forward mode: what the derivative returns: primal and tangent (`dup`), the tangent only (`dupnoneed`), the primal only (`const`), nothing (`none`). */
export type FwdRetActivity = 'dup' | 'dupnoneed' | 'const' | 'none';

export interface FwdRequest {
  /** Name of the function to differentiate (without `@`). */
  fn: string;
  /** One per parameter; defaults: floating -> dup, pointer -> as in reverse mode, else const. */
  args?: FwdActivity[];
  ret?: FwdRetActivity;
  /** Name of the generated function; default `fwddiffe<fn>`. */
  name?: string;
  /** N tangent directions in one call (`[N x T]` tangents). */
  width?: number;
  looseTypes?: boolean;
  /** Forward derivatives given on the command line (`--custom FN=DF`), names without `@`. */
  custom?: { fn: string; fwd: string }[];
  /** Functions to treat as inactive (`--inactive FN`). */
  inactive?: string[];
}

export interface FwdResult {
  fn: Function;
  args: FwdActivity[];
  ret: FwdRetActivity;
  perf: string[];
  warnings?: import('../diag/diagnostic.js').Diagnostic[];
}
