// What scalar an address holds, from what the IR states about it locally:
// the type a GEP indexes to, an alloca's type, a typed pointee, or the TBAA
// tag of the access. Used to tell integer data from floats moved with
// integer-typed loads and stores (`load i64` of a double), which the
// transform cannot differentiate yet and must not silently ignore.
import type { Module } from '../ir/module.js';
import type { Instruction } from '../ir/instructions.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { TBAA } from './tbaa.js';
import { ConstantInt } from '../ir/constants.js';

export type ScalarKind = 'float' | 'int' | 'pointer' | null;

function leafKind(t: Type | null): ScalarKind {
  for (let x: Type | null = t, d = 0; x && d < 16; d++) {
    switch (x.kind) {
      case 'float': return 'float';
      case 'int': return x.bits === 8 ? null : 'int'; // i8 is the byte type of opaque offsets
      case 'pointer': return 'pointer';
      case 'array': case 'vector': x = x.elem; continue;
      case 'struct': x = x.elems && x.elems.length ? x.elems[0]! : null; continue;
      default: return null;
    }
  }
  return null;
}

/** The type a GEP's address points at: its source type indexed by all but the first index. */
function gepTarget(i: Instruction & { op: 'getelementptr' }): Type | null {
  let t: Type | null = i.srcType;
  for (let k = 2; k < i.operands.length && t; k++) {
    const idx = i.operands[k]!;
    if (t.kind === 'struct') t = idx instanceof ConstantInt && t.elems ? t.elems[Number(idx.value)] ?? null : null;
    else if (t.kind === 'array' || t.kind === 'vector') t = t.elem;
    else t = null;
  }
  return t;
}

/** The scalar kind declared for the memory at `p` (first field for aggregates), or null when the IR does not say. */
export function declaredKind(p: Value): ScalarKind {
  // A typed pointer cast from another says what the cast-from memory holds (`bitcast double* to i64*`).
  if (p.vk === 'inst' && ((p as Instruction).op === 'bitcast' || (p as Instruction).op === 'addrspacecast')) {
    const k = declaredKind((p as Instruction).operands[0]!);
    if (k) return k;
  }
  const t = p.type;
  if (t.kind === 'pointer' && t.pointee) {
    const k = leafKind(t.pointee);
    if (k) return k;
  }
  if (p.vk !== 'inst') return null;
  const i = p as Instruction;
  switch (i.op) {
    case 'getelementptr': return leafKind(gepTarget(i));
    case 'alloca': return leafKind(i.allocated);
    default: return null;
  }
}

const tbaaOf = new WeakMap<Module, TBAA>();

/** The scalar kind of an access's TBAA tag (`!tbaa`), or null without one (or for `omnipotent char`). */
export function tbaaKind(m: Module, i: Instruction): ScalarKind {
  let t = tbaaOf.get(m);
  if (!t) { t = new TBAA(m); tbaaOf.set(m, t); }
  const s = t.instFact(i)?.scalar ?? null;
  if (s === null || s === 'anything') return null;
  return s === 'integer' ? 'int' : s === 'pointer' ? 'pointer' : 'float';
}
