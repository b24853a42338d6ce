// The contract between the transform (src/ad) and the derivative rules.
//
// A rule never knows how a primal value is obtained in the reverse sweep
// (cached on the tape, recomputed, or simply available): it asks `primal(v)`.
// It never knows where adjoints live: it hands per-operand contributions to
// `add(v, delta)`, which accumulates (`+=`) and ignores inactive operands.
// Zero adjoints stay symbolic: the transform does not call a rule when the
// result's adjoint is known to be zero, and `add` on an inactive operand emits
// nothing (guard expensive partials with `active(v)`).

import type { IRBuilder } from '../ir/builder.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { CallInst, Instruction } from '../ir/instructions.js';

export interface RuleCtx {
  /** Positioned in the reverse block where the rule's code goes. */
  readonly b: IRBuilder;
  readonly module: Module;
  /** The adjoint of the instruction's result (same type as the result). */
  readonly d: Value;
  /** The primal value of `v` (an operand of the instruction, or the instruction itself), usable at the insertion point. */
  primal(v: Value): Value;
  /** Whether `v` carries a derivative (an active operand). Constants and inactive values do not. */
  active(v: Value): boolean;
  /** Accumulates `delta` (of `v`'s type) into the adjoint of `v`; nothing when `v` is inactive. */
  add(v: Value, delta: Value): void;
  /** A floating constant of `type` (splatted for vectors). */
  fp(type: Type, value: number): Value;
  /**
   * Calls a math function, declaring it in the module on first use. `name` is
   * either a libm name (`cos`, `cosf`) or an overloaded intrinsic base name
   * (`llvm.cos`), which gets its type suffix from the first argument
   * (`llvm.cos.f64`, `llvm.cos.v4f64`). The result has the type of the first argument
   * unless `ret` is given.
   */
  callMath(name: string, args: readonly Value[], ret?: Type): Value;
}

/** Reverse rule of a call to a known function: per-argument contributions through `c.add`. */
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
   * (lifetime markers, dbg, assume, printf). `rule`: `reverse` is used.
   */
  readonly kind: 'rule' | 'zero' | 'inactive';
  /** Which argument positions can carry derivatives (others are integers, flags...). Default: all floating ones. */
  readonly diffArgs?: readonly number[];
  reverse?(c: RuleCtx, call: CallInst, args: readonly Value[]): void;
}

/** Reverse rule of an instruction opcode. */
export interface InstRule {
  readonly op: string;
  readonly doc: string;
  reverse(c: RuleCtx, inst: Instruction): void;
}
