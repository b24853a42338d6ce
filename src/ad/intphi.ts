// Pointers that travel as integers through a phi: `inttoptr (phi [ptrtoint %p, A], [8, B])`.
//
// A Rust `Vec` built by `Vec::with_capacity(n)` keeps its buffer pointer as an integer inside
// `RawVecInner` once SROA has split it: the allocation's address on one path, the dangling
// address of an empty Vec (its alignment, 8) on the other, joined by a phi and turned back into
// a pointer. The pointer's shadow cannot be computed at the `inttoptr` (the allocation does not
// dominate it). On a private copy of the function, such an `inttoptr` becomes a phi of the
// pointers themselves (the dangling constant as `inttoptr (i64 8 to ptr)`), the same value;
// pointer phis get shadow phis, and a dangling constant stands for its own shadow.

import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import { PhiInst, type Instruction } from '../ir/instructions.js';
import { ConstantExpr, ConstantInt } from '../ir/constants.js';
import type { Value } from '../ir/value.js';
import { computeUses, setUse } from '../ir/uses.js';
import { eraseFromParent } from '../ir/builder.js';

/** The pointers the incoming integers of `phi` are (ptrtoint of a pointer, or a first-page constant), or null. */
function incomingPointers(phi: Instruction, ptrType: import('../ir/types.js').Type): Value[] | null {
  const out: Value[] = [];
  for (const v of phi.operands) {
    if (v instanceof ConstantInt && v.value > 0n && v.value < 4096n) {
      out.push(new ConstantExpr(ptrType, 'inttoptr', [v]));
      continue;
    }
    if (v.vk !== 'inst') return null;
    const c = v as Instruction;
    if (c.op !== 'ptrtoint' || c.operands[0]!.type !== ptrType || c.type !== phi.type) return null;
    out.push(c.operands[0]!);
  }
  return out.some((p) => p.vk !== 'const') ? out : null;
}

/** `f` itself when it has no such `inttoptr`, else a copy where each is a phi of pointers. */
export function pointerPhis(m: Module, f: Function, copy: (f: Function) => Function): Function {
  if (f.isDeclaration) return f;
  const found = (g: Function): [Instruction, Instruction][] => {
    const out: [Instruction, Instruction][] = [];
    for (const b of g.blocks) {
      for (const i of b.instructions) {
        if (i.op !== 'inttoptr') continue;
        const p = i.operands[0]!;
        if (p.vk !== 'inst' || (p as Instruction).op !== 'phi') continue;
        if (incomingPointers(p as Instruction, i.type)) out.push([i, p as Instruction]);
      }
    }
    return out;
  };
  if (!found(f).length) return f;
  const g = copy(f);
  const uses = computeUses(g);
  for (const [i, p] of found(g)) {
    const ptrs = incomingPointers(p, i.type)!;
    const phi = new PhiInst(i.type, ptrs, [...(p as PhiInst).blocks]);
    phi.name = i.name;
    phi.origin = i;
    phi.pos = i.pos;
    phi.end = i.end;
    const b = p.parent!;
    phi.parent = b;
    b.instructions.splice(b.instructions.indexOf(p) + 1, 0, phi);
    for (const u of uses.get(i) ?? []) setUse(u, phi);
    eraseFromParent(i);
  }
  return g;
}
