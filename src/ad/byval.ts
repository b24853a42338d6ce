// Arguments passed `byval` to functions of the module, made explicit copies before differentiation.
//
// `call void @g(ptr byval(%struct.V) %w)` gives the callee its own copy of `*%w`: whatever @g
// writes into its parameter, the caller's `%w` is unchanged (clang passes a local struct this
// way at -O0 and reads it again after the call). The derivative calls @g's augmented forward and
// reverse with plain pointers, so the callee wrote into the caller's struct and, worse, into the
// caller's shadow: an adjoint the caller had accumulated for the struct was taken as the adjoint
// of the callee's last write (fuzz 9696-117, a wrong derivative with exit 0). The copy is made
// explicit instead, as the call does it:
//
//     %byval.copy = alloca %struct.V           (in the entry block)
//     call void @llvm.memcpy(ptr %byval.copy, ptr %w, i64 size, i1 false)
//     call void @g(ptr %byval.copy)
//
// which is the same program, and which the transform already differentiates: the copy is a
// local allocation with its own zeroed shadow, and the reverse of the memcpy adds the copy's
// adjoints back into the caller's shadow (forward mode copies the tangents). Calls of declared
// functions keep their `byval` (the callee is not differentiated from its body).
//
// Like canonical.ts, the pass never edits the user's function: it returns a private copy.
import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import { AllocaInst, type CallBase, type Instruction } from '../ir/instructions.js';
import { IRBuilder, constInt, declareFunction } from '../ir/builder.js';
import { findAttr, attrInt } from '../ir/attributes.js';
import { DataLayout } from '../ir/layout.js';
import { CallTargets } from '../analysis/targets.js';
import type { Type } from '../ir/types.js';

/** `f` itself when no call passes a `byval` argument to a defined function, else a copy where each is an explicit copy. */
export function explicitByvalCopies(m: Module, f: Function, copy: (f: Function) => Function): Function {
  if (f.isDeclaration) return f;
  const targets = new CallTargets(m);
  const sites = (g: Function): [CallBase, number, Type][] => {
    const out: [CallBase, number, Type][] = [];
    for (const b of g.blocks) {
      for (const i of b.instructions) {
        if (i.op !== 'call' && i.op !== 'invoke') continue;
        const callee = targets.calledFunction(i);
        if (!callee || callee.isDeclaration) continue;
        i.argAttrs.forEach((list, k) => {
          const a = findAttr(list, 'byval');
          if (a && a.k === 'type' && k < i.argCount) out.push([i, k, a.type]);
        });
      }
    }
    return out;
  };
  if (!sites(f).length) return f;
  const g = copy(f);
  const entry = g.blocks[0]!;
  const dl = DataLayout.of(m);
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const opaque = m.dialect === 'opaque';
  const name = opaque ? 'llvm.memcpy.p0.p0.i64' : 'llvm.memcpy.p0i8.p0i8.i64';
  const memcpy = m.getFunction(name) ?? declareFunction(m, name, t.fn(t.void, [bp, bp, t.i64, t.i1]));
  const b = new IRBuilder(m);
  for (const [call, k, ty] of sites(g)) {
    const list = call.argAttrs[k]!;
    const align = attrInt(list, 'align');
    const at = entry.instructions.find((i) => i.op !== 'alloca') ?? null;
    const slot = new AllocaInst(m.ptrTo(ty), ty, []);
    slot.align = align ?? dl.align(ty);
    slot.name = 'byval.copy';
    slot.origin = call as Instruction;
    slot.pos = call.pos; slot.end = call.end;
    if (at) entry.insertBefore(slot, at); else entry.append(slot);
    b.before(call as Instruction);
    b.origin = call as Instruction;
    const src = call.operands[k]!;
    const cp = b.call(memcpy, [b.bitcastIfNeeded(slot, bp), b.bitcastIfNeeded(src, bp), constInt(t.i64, dl.allocSize(ty)), constInt(t.i1, 0)]);
    cp.pos = call.pos; cp.end = call.end;
    call.operands[k] = slot;
    call.argAttrs = call.argAttrs.map((l, j) => (j === k ? l.filter((a) => !((a.k === 'type' || a.k === 'word') && a.name === 'byval')) : l));
  }
  return g;
}
