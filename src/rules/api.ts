// The contract between the transform (src/ad) and the derivative rules: one
// statement per primitive, used by both modes (the shape of JAX's `ad.py`).
//
// A rule states, for each operand that can carry a derivative, how the
// result moves with it: a linear map (`Linear`). Forward mode applies the map
// to the operand's tangent (`jvp`) and sums over the operands; reverse mode
// applies its transpose to the result's adjoint (`vjp`) and accumulates the
// result into the operand's adjoint with `+=`. For the pointwise partials of
// arithmetic and math functions the map is a multiplication, its own
// transpose, so the rule writes it once (`pointwise`); structural operations
// (casts between precisions, aggregates, vector lanes, reductions) give both
// directions.
//
// A rule never knows how a primal value is obtained (cached on the tape,
// recomputed, or simply available): it asks `primal(v)`. Partials are built
// lazily: no code is emitted until `jvp` / `vjp` is called, and the transform
// calls them only for active operands, so an operand that carries no
// derivative costs nothing (pow's log(x) is computed only when y is active).
// Values a rule computes with `once` are shared by every lane of a batched
// derivative and by every operand that uses them.

import type { IRBuilder } from '../ir/builder.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { CallInst, Instruction } from '../ir/instructions.js';

/** What a rule sees of the primal computation, in either mode. */
export interface RuleEnv {
  /** Positioned where the rule's code goes (the reverse block, or after the primal instruction in forward mode). */
  readonly b: IRBuilder;
  readonly module: Module;
  /** The primal value of `v` (an operand of the instruction, or the instruction itself), usable at the insertion point. */
  primal(v: Value): Value;
  /** Whether `v` carries a derivative (an active operand). Constants and inactive values do not. */
  active(v: Value): boolean;
  /** A floating constant of `type` (splatted for vectors). */
  fp(type: Type, value: number): Value;
  /**
   * Calls a math function, declaring it in the module on first use. `name` is
   * either a libm name (`cos`, `cosf`) or an overloaded intrinsic base name
   * (`llvm.cos`), which gets its type suffix from the first argument
   * (`llvm.cos.f64`, `llvm.cos.v4f64`; reductions from the vector argument,
   * powi from both). The result has the type of the first argument unless `ret` is given.
   */
  callMath(name: string, args: readonly Value[], ret?: Type): Value;
  /**
   * Whether the rule's code runs after the whole block of the primal instruction (reverse mode): then
   * `primal` may be asked for instructions that follow it in its block. In forward mode the code goes
   * right after the instruction, where only what precedes it is defined.
   */
  readonly afterBlock?: boolean;
}

/** How the result of a primitive moves with one of its operands: a linear map and its transpose. */
export interface Linear {
  /** Forward mode: the contribution of the operand's tangent `t` (operand's type) to the result's tangent (result's type). */
  jvp(t: Value): Value;
  /** Reverse mode: the contribution of the result's adjoint `d` (result's type) to the operand's adjoint (operand's type). */
  vjp(d: Value): Value;
}

/** The partials of one instruction or call: one entry per operand (argument) position; null or absent: none. */
export type Partials = readonly (Linear | null | undefined)[];

/** A pointwise partial (a multiplication, or a selection of lanes): its own transpose, written once. */
export function pointwise(apply: (g: Value) => Value): Linear {
  return { jvp: apply, vjp: apply };
}

/** The operand passes through unchanged (d(a + b)/da). */
export const IDENTITY: Linear = pointwise((g) => g);

/** A value computed on first use and shared afterwards (by lanes and operands). */
export function once<T>(f: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) { v = f(); done = true; }
    return v as T;
  };
}

/** Rule of a call to a known function. */
export interface CallRule {
  /**
   * Names this rule answers to: libm names (`sin`, `sinf`, `sinl`) and
   * intrinsic base names without their type suffix (`llvm.sin`).
   */
  readonly names: readonly string[];
  /** One line for the generated docs table: the derivative in math notation. */
  readonly doc: string;
  /**
   * `zero`: the result has no derivative (floor, ceil...), the call is kept and
   * treated as inactive. `inactive`: the call has no effect on derivatives at all
   * (lifetime markers, dbg, assume, printf). `rule`: `partials` is used.
   */
  readonly kind: 'rule' | 'zero' | 'inactive';
  /** Which argument positions can carry derivatives (others are integers, flags...). Default: all floating ones. */
  readonly diffArgs?: readonly number[];
  /** Per argument position, the partial of the result (built lazily, see above). */
  partials?(e: RuleEnv, call: CallInst, args: readonly Value[]): Partials;
  /**
   * Pointer arguments the function writes a result through (frexp's exponent,
   * modf's integral part): memory the call overwrites, whose new contents have
   * no derivative. `zeroShadow`: the value written is floating (of the call's
   * result type), so the shadow of that memory is set to zero (forward mode:
   * after the call; reverse mode: where the call is reversed, discarding the
   * adjoint of the overwritten value).
   */
  readonly outArgs?: readonly { readonly arg: number; readonly zeroShadow: boolean }[];
}

/** Rule of an instruction opcode. */
export interface InstRule {
  readonly op: string;
  /** The docs' reverse column: how the adjoint `d` flows into the operands' adjoints. */
  readonly doc: string;
  /** The docs' forward column: the result's tangent `t` from the operands' tangents `ta`, `tb`. */
  readonly fwdDoc?: string;
  /** Per operand position, the partial of the result. */
  partials(e: RuleEnv, inst: Instruction): Partials;
  /**
   * Optional, forward mode: the result's tangent from all operands' tangents at
   * once (null: the operand carries none), where summing the per-operand
   * contributions would build a value piece by piece (insertvalue, shuffles).
   */
  tangent?(e: RuleEnv, inst: Instruction, tangents: readonly (Value | null)[]): Value;
}
