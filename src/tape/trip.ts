// Trip-count hints for loop buffers.
//
// A loop's cached values go into buffers indexed by the loop's counter (see
// ad/transform.ts). When the number of iterations of an execution of the loop
// can be computed before it starts, the buffers are reserved once at the loop's
// preheader (or at the preheader of an enclosing loop, the trip counts
// multiplied) instead of growing while the loop runs. The count found here is
// only a hint: the per-iteration capacity check stays, so a hint that is too
// small (an early exit not seen, a wrapping induction variable, a bound the
// analysis got wrong) costs a reallocation, never a write past the buffer.
//
// The shape recognised is a counted loop as clang emits it at any -O level
// once values are in SSA form: a header phi `i = phi [start, outside], [next, latch]`
// with `next = i + C` (or `i - C`), compared by an exiting block that dominates the
// latch against a value defined outside the loop (`i < n`, `i != n`, `next == n`...).
// A bound that changes inside the loop (a phi, a load from memory in the loop) is
// not loop-invariant, so such a loop has no hint and grows as before.

import type { BasicBlock } from '../ir/function.js';
import type { Instruction, PhiInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Loop } from '../ir/loops.js';
import type { DominatorTree } from '../ir/dominators.js';
import { ConstantInt } from '../ir/constants.js';

/** The iteration count of one execution of a loop is about |bound - init| / |step| (+1). */
export interface TripPattern {
  /** Value of the compared induction variable entering the loop (a primal value). */
  init: Value;
  /** The loop-invariant value it is compared with (a primal value). */
  bound: Value;
  /** Its step per iteration. */
  step: bigint;
  /** Extend the compared values as signed integers (signed predicates and eq/ne). */
  signed: boolean;
}

/** Whether `v` has one value during a whole execution of `loop`. */
export function definedOutside(v: Value, loop: Loop): boolean {
  if (v.vk !== 'inst') return v.vk === 'const' || v.vk === 'argument' || v.vk === 'global';
  const p = (v as Instruction).parent;
  return p !== null && !loop.contains(p);
}

/** The step of `next = phi + C` / `phi - C`, or null. */
function stepOf(phi: PhiInst, next: Value): bigint | null {
  if (next.vk !== 'inst') return null;
  const n = next as Instruction;
  if (n.op !== 'add' && n.op !== 'sub') return null;
  const [a, b] = [n.operands[0]!, n.operands[1]!];
  if (a === phi && b instanceof ConstantInt) return n.op === 'add' ? b.value : -b.value;
  if (n.op === 'add' && b === phi && a instanceof ConstantInt) return a.value;
  return null;
}

/**
 * The counted-loop shape of `loop`, whose header has the single outside
 * predecessor `outside` and the single latch `latch`; null when there is none.
 */
export function tripPattern(loop: Loop, dt: DominatorTree, outside: BasicBlock, latch: BasicBlock): TripPattern | null {
  // Induction variables of the header: phi -> [init, step, latch value].
  const ivs = new Map<Value, { init: Value; step: bigint; offset: boolean }>();
  for (const i of loop.header.instructions) {
    if (i.op !== 'phi') break;
    const phi = i as PhiInst;
    if (phi.type.kind !== 'int') continue;
    const oi = phi.blocks.indexOf(outside);
    const li = phi.blocks.indexOf(latch);
    if (oi < 0 || li < 0) continue;
    const init = phi.operands[oi]!;
    const next = phi.operands[li]!;
    const step = stepOf(phi, next);
    if (step === null || step === 0n) continue;
    ivs.set(phi, { init, step, offset: false });
    ivs.set(next, { init, step, offset: true });
  }
  if (!ivs.size) return null;
  for (const e of loop.exitingBlocks) {
    if (!latchDominated(dt, e, loop)) continue;
    const term = e.terminator;
    if (!term || term.op !== 'br' || term.operands.length !== 1) continue;
    const c = term.operands[0]!;
    if (c.vk !== 'inst' || (c as Instruction).op !== 'icmp') continue;
    const cmp = c as Instruction & { pred: string };
    const [a, b] = [cmp.operands[0]!, cmp.operands[1]!];
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const iv = ivs.get(x);
      if (!iv || !definedOutside(y, loop) || !definedOutside(iv.init, loop)) continue;
      const signed = !cmp.pred.startsWith('u');
      // `next == n` compares the value one step ahead: the count is the same plus or minus one,
      // which the slack of the hint covers.
      return { init: iv.init, bound: y, step: iv.step, signed };
    }
  }
  return null;
}

function latchDominated(dt: DominatorTree, e: BasicBlock, loop: Loop): boolean {
  return loop.latches.every((l) => dt.dominates(e, l));
}
