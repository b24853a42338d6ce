// Poison and undef lanes of constant vector operands of floating arithmetic, made 1.0 before
// differentiation.
//
// clang's SLP vectorizer writes `fmul <4 x float> %v, <float c, float c, float poison, float c>`
// when the product's lane 2 is never used (a shuffle picks another lane there). The primal does
// not care; the derivative does: the reverse of the fmul computes `d%v = d%r * C`, and the unused
// lane's adjoint, 0, times poison is poison, which a sum of the lanes (an extractelement of every
// lane, a splat's reverse) carries into every adjoint it reaches. clang then folds the poisoned
// sums away: the adjoint of the value behind the splat was lost, with exit 0 (fuzz-grad 19191-16).
// Replacing poison with a defined value is a refinement LLVM allows; 1.0 keeps every derivative
// finite (0.0 would put a 0 in a divisor).

import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import type { CallBase, Instruction } from '../ir/instructions.js';
import { ConstantAggregate, ConstantFP } from '../ir/constants.js';
import type { Value } from '../ir/value.js';

const ARITH = new Set(['fadd', 'fsub', 'fmul', 'fdiv', 'frem']);
const INTRINSICS = /^llvm\.(fmuladd|fma)\./;

/** Operand positions of `i` whose constant vectors enter floating arithmetic. */
function arithOperands(i: Instruction): number[] {
  if (ARITH.has(i.op)) return [0, 1];
  if (i.op === 'call') {
    const c = i as CallBase;
    const name = c.callee.vk === 'function' ? (c.callee as Function).name ?? '' : '';
    if (INTRINSICS.test(name)) return [0, 1, 2];
  }
  return [];
}

function hasUndefLane(v: Value): boolean {
  if (!(v instanceof ConstantAggregate) || v.type.kind !== 'vector' || v.type.elem.kind !== 'float') return false;
  return v.elems.some((e) => e.vk === 'const' && ((e as { ck?: string }).ck === 'poison' || (e as { ck?: string }).ck === 'undef'));
}

function defined(v: ConstantAggregate): ConstantAggregate {
  const et = (v.type as { elem: ConstantAggregate['type'] }).elem;
  return new ConstantAggregate(v.type, v.elems.map((e) => {
    const ck = (e as { ck?: string }).ck;
    return ck === 'poison' || ck === 'undef' ? new ConstantFP(et, '1.000000e+00') : e;
  }), v.splat);
}

export function definePoisonLanes(_m: Module, f: Function, clone: (f: Function) => Function): Function {
  if (f.isDeclaration) return f;
  const needs = (i: Instruction): boolean => arithOperands(i).some((k) => hasUndefLane(i.operands[k]!));
  if (!f.blocks.some((b) => b.instructions.some(needs))) return f;
  const g = clone(f);
  for (const b of g.blocks) {
    for (const i of b.instructions) {
      for (const k of arithOperands(i)) {
        const v = i.operands[k]!;
        if (hasUndefLane(v)) i.operands[k] = defined(v as ConstantAggregate);
      }
    }
  }
  return g;
}
