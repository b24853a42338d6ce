// Derivatives of floating atomic read-modify-writes (`atomicrmw fadd / fsub / xchg`).
//
// `%old = atomicrmw fadd ptr %p, T %x` reads m, writes m' = m + x and returns m. Its partials:
// x and m each reach m' with factor 1 (-1 for x in `fsub`); `%old` is m. `xchg` writes m' = x.
//
//   reverse:  dx += shadow[p]            (read atomically: another thread may be updating it)
//             shadow[p] += d(old)        (an atomic add; for xchg the shadow is swapped with
//                                         d(old), which reads dx and resets it in one step)
//   forward:  t(old) = atomicrmw <op> shadow[p], t(x)   (the tangent memory is updated the way
//                                         the primal memory is, and gives back its old tangent)
//
// The shadow accesses are atomic with the ordering of the primal update, so that concurrent
// gradients accumulated into one shadow (a reduction through `__atomic_fetch_add`) stay right.
// Other floating updates (`fmax`, `fmin`: a derivative that depends on which side won) are refused
// by checks.ts.

import { nullValue, type IRBuilder } from '../ir/builder.js';
import type { AtomicRMWInst, Instruction, Ordering } from '../ir/instructions.js';
import { FLOAT_BITS } from '../ir/types.js';
import type { Value } from '../ir/value.js';

/** The floating updates that have a derivative rule here. */
export const RMW_DIFFERENTIABLE: ReadonlySet<string> = new Set(['fadd', 'fsub', 'xchg']);

export function rmwDifferentiable(i: Instruction): boolean {
  return i.op === 'atomicrmw' && i.type.kind === 'float' && RMW_DIFFERENTIABLE.has((i as AtomicRMWInst).rmw);
}

/** The strongest ordering a load may have that does not exceed the update's (a load cannot release). */
function loadOrdering(o: Ordering): Ordering {
  if (o === 'release') return 'monotonic';
  if (o === 'acq_rel') return 'acquire';
  return o;
}

/** The update's alignment, or the natural one of its type (an atomic access needs one). */
function alignOf(i: AtomicRMWInst): number {
  if (i.align !== null) return i.align;
  const t = i.type;
  return t.kind === 'float' ? Math.max(1, FLOAT_BITS[t.fk] / 8) : 8;
}

/** An atomic read of the shadow with the update's ordering. */
function readShadow(b: IRBuilder, i: AtomicRMWInst, sp: Value, name: string | null): Value {
  return b.loadAtomic(i.type, sp, loadOrdering(i.ordering), name, alignOf(i), i.syncscope);
}

/**
 * The reverse of one lane: adds `dOld` (the adjoint of the result, null when it has none) into the
 * shadow and returns the adjoint of the value operand (null when `wantValue` is false).
 */
export function reverseRMW(b: IRBuilder, i: AtomicRMWInst, sp: Value, dOld: Value | null, wantValue: boolean): Value | null {
  const name = i.name !== null ? `${i.name}'de` : null;
  if (i.rmw === 'xchg') {
    // The value overwrote the memory: its adjoint is the shadow's, which restarts from d(old).
    const prev = b.atomicRMW('xchg', sp, dOld ?? nullValue(i.type), i.ordering, name, alignOf(i), i.syncscope);
    return wantValue ? prev : null;
  }
  let dv: Value | null = null;
  if (wantValue) {
    dv = readShadow(b, i, sp, name);
    if (i.rmw === 'fsub') dv = b.fneg(dv);
  }
  if (dOld) b.atomicRMW('fadd', sp, dOld, i.ordering, null, alignOf(i), i.syncscope);
  return dv;
}

/** The forward mode of one lane: updates the tangent memory and returns the tangent of the result. */
export function forwardRMW(b: IRBuilder, i: AtomicRMWInst, sp: Value, tv: Value | null, name: string | null): Value {
  if (i.rmw === 'xchg') return b.atomicRMW('xchg', sp, tv ?? nullValue(i.type), i.ordering, name, alignOf(i), i.syncscope);
  if (!tv) return readShadow(b, i, sp, name);
  return b.atomicRMW(i.rmw, sp, tv, i.ordering, name, alignOf(i), i.syncscope);
}
