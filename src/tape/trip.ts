// Trip counts for loop buffers.
//
// A loop's cached values go into buffers indexed by the loop's counter (see
// buffers.ts). When the number of header executions of an execution of
// the loop can be computed before it starts, the buffers are reserved at the
// loop's entry instead of growing while the loop runs.
//
// The shape recognised is a counted loop as clang emits it once values are in
// SSA form: a header phi `i = phi [start, outside], [next, latch]` with
// `next = i + C` (or `i - C`, or a phi of such increments on the paths to the latch), compared by an exiting block that dominates the
// latch against a value defined outside the loop (`i < n`, `i != n`,
// `next == n`...). A bound that changes inside the loop (a phi, a load from
// memory in the loop, as at -O0) is not loop-invariant: no count, and the
// buffers grow as the loop runs.
//
// The count is *exact* (an upper bound however the values wrap) for steps of
// +-1 with `<`, `>` or `!=`, and for power-of-two steps with `!=` when bound and
// start are multiples of the step (clang's unrolled loops). Other shapes give an
// estimate: it is reserved too, but the per-iteration capacity check stays, so
// an estimate that is too small costs a reallocation, never a write past the
// buffer.

import type { BasicBlock } from '../ir/function.js';
import type { Instruction, PhiInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Loop } from '../ir/loops.js';
import type { DominatorTree } from '../ir/dominators.js';
import { ConstantInt } from '../ir/constants.js';

/** The iteration count of one execution of a loop is about |bound - init| / |step| (+1). */
export interface TripPattern {
  /** Value of the induction variable entering the loop (a primal value). */
  init: Value;
  /** The loop-invariant value it is compared with (a primal value). */
  bound: Value;
  /** Its step per iteration. */
  step: bigint;
  /** The compared value is the incremented one (`next = i + step`), not the phi. */
  onNext: boolean;
  /** The predicate under which the loop goes on, induction variable on the left (`slt`: i < n). */
  stay: string;
  /**
   * The count `tripExact` describes is an upper bound of the header executions
   * of every execution of the loop, in modular (wrapping) arithmetic, without
   * relying on the absence of overflow: step +-1 with `<`, `>` or `!=`, or a
   * power-of-two step with `!=` and bound and start multiples of the step.
   */
  exact: boolean;
  /** The compare's exiting block is the loop's only exit. */
  single: boolean;
  /** The induction phi (in the header) and the block whose compare exits the loop. */
  phi: PhiInst;
  exiting: BasicBlock;
}

/** Whether `v` has one value during a whole execution of `loop`. */
export function definedOutside(v: Value, loop: Loop): boolean {
  if (v.vk !== 'inst') return v.vk === 'const' || v.vk === 'argument' || v.vk === 'global';
  const p = (v as Instruction).parent;
  return p !== null && !loop.contains(p);
}

/**
 * The step of `next = phi + C` / `phi - C`, or null. `next` may also be a phi of such increments, all
 * of the same step (the increment computed on each path to the latch, which clang leaves unmerged).
 */
function stepOf(phi: PhiInst, next: Value, depth = 0): bigint | null {
  if (next.vk !== 'inst') return null;
  const n = next as Instruction;
  if (n.op === 'phi' && n !== phi) {
    if (depth > 2 || n.operands.length === 0) return null;
    let step: bigint | null = null;
    for (const o of n.operands) {
      const st = stepOf(phi, o, depth + 1);
      if (st === null || (step !== null && st !== step)) return null;
      step = st;
    }
    return step;
  }
  if (n.op !== 'add' && n.op !== 'sub') return null;
  const [a, b] = [n.operands[0]!, n.operands[1]!];
  if (a === phi && b instanceof ConstantInt) return n.op === 'add' ? b.value : -b.value;
  if (n.op === 'add' && b === phi && a instanceof ConstantInt) return a.value;
  return null;
}

const INVERSE: Record<string, string> = { eq: 'ne', ne: 'eq', ult: 'uge', uge: 'ult', ule: 'ugt', ugt: 'ule', slt: 'sge', sge: 'slt', sle: 'sgt', sgt: 'sle' };
const SWAPPED: Record<string, string> = { eq: 'eq', ne: 'ne', ult: 'ugt', ugt: 'ult', ule: 'uge', uge: 'ule', slt: 'sgt', sgt: 'slt', sle: 'sge', sge: 'sle' };

/** A lower bound of the number of trailing zero bits of an integer value. */
export function trailingZeros(v: Value, depth = 0): number {
  const bits = (v.type as { bits?: number }).bits ?? 0;
  if (v instanceof ConstantInt) {
    let x = BigInt.asUintN(bits, v.value);
    if (x === 0n) return bits;
    let n = 0;
    while ((x & 1n) === 0n) { x >>= 1n; n++; }
    return n;
  }
  if (v.vk !== 'inst' || depth > 6) return 0;
  const i = v as Instruction;
  const tz = (k: number): number => trailingZeros(i.operands[k]!, depth + 1);
  switch (i.op) {
    case 'and': return Math.max(tz(0), tz(1));
    case 'or': case 'xor': case 'add': case 'sub': return Math.min(tz(0), tz(1));
    case 'mul': return Math.min(bits, tz(0) + tz(1));
    case 'shl': {
      const c = i.operands[1]!;
      return c instanceof ConstantInt ? Math.min(bits, tz(0) + Number(c.value)) : tz(0);
    }
    case 'zext': case 'sext': return tz(0);
    default: return 0;
  }
}

/**
 * The counted-loop shape of `loop`, whose header has the single outside
 * predecessor `outside` and the single latch `latch`; null when there is none.
 */
export function tripPattern(loop: Loop, dt: DominatorTree, outside: BasicBlock, latch: BasicBlock): TripPattern | null {
  // Induction variables of the header: phi or its latch value -> start and step.
  const ivs = new Map<Value, { init: Value; step: bigint; onNext: boolean; phi: PhiInst }>();
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
    ivs.set(phi, { init, step, onNext: false, phi });
    ivs.set(next, { init, step, onNext: true, phi });
  }
  if (!ivs.size) return null;
  let hint: TripPattern | null = null;
  for (const e of loop.exitingBlocks) {
    if (!loop.latches.every((l) => dt.dominates(e, l))) continue;
    const term = e.terminator;
    if (!term || term.op !== 'br' || term.operands.length !== 1) continue;
    const succ = (term as unknown as { successors: BasicBlock[] }).successors;
    const inT = loop.contains(succ[0]!);
    const inF = loop.contains(succ[1]!);
    if (inT === inF) continue;
    const c = term.operands[0]!;
    if (c.vk !== 'inst' || (c as Instruction).op !== 'icmp') continue;
    const cmp = c as Instruction & { pred: string };
    const [a, b] = [cmp.operands[0]!, cmp.operands[1]!];
    for (const [x, y, swapped] of [[a, b, false], [b, a, true]] as const) {
      const iv = ivs.get(x);
      if (!iv || !definedOutside(y, loop) || !definedOutside(iv.init, loop)) continue;
      let stay = inT ? cmp.pred : INVERSE[cmp.pred];
      if (!stay) continue;
      if (swapped) stay = SWAPPED[stay]!;
      const mag = iv.step < 0n ? -iv.step : iv.step;
      const pow2 = (mag & (mag - 1n)) === 0n;
      const j = pow2 ? mag.toString(2).length - 1 : -1;
      const exact =
        (iv.step === 1n && (stay === 'ult' || stay === 'slt' || stay === 'ne')) ||
        (iv.step === -1n && (stay === 'ugt' || stay === 'sgt' || stay === 'ne')) ||
        (pow2 && stay === 'ne' && trailingZeros(y) >= j && trailingZeros(iv.init) >= j);
      const tp: TripPattern = { init: iv.init, bound: y, step: iv.step, onNext: iv.onNext, stay, exact, single: loop.exitingBlocks.length === 1, phi: iv.phi, exiting: e };
      if (exact) return tp;
      hint ??= tp;
    }
  }
  return hint;
}
