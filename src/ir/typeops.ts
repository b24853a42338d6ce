// Result types the parser and the builder both compute.
import { type Type, type TypeContext, elementAt } from './types.js';

/** `extractvalue` / `insertvalue`: the element type at `indices`, or null when an index is invalid. */
export function aggregateElementType(t: Type, indices: readonly number[]): Type | null {
  let cur: Type | null = t;
  for (const i of indices) {
    if (!cur || (cur.kind !== 'struct' && cur.kind !== 'array')) return null;
    if (cur.kind === 'array' && (i < 0 || i >= cur.count)) return null;
    cur = elementAt(cur, i);
  }
  return cur;
}

/**
 * Type reached by GEP indices after the first (which steps over the pointer):
 * struct fields need constant indices (`fieldIndex` gives them, or null if not constant).
 */
export function gepIndexedType(src: Type, indexCount: number, fieldIndex: (k: number) => number | null): Type | null {
  let cur: Type = src;
  for (let k = 1; k < indexCount; k++) {
    if (cur.kind === 'struct') {
      const f = fieldIndex(k);
      if (f === null || !cur.elems || f < 0 || f >= cur.elems.length) return null;
      cur = cur.elems[f]!;
    } else if (cur.kind === 'array' || cur.kind === 'vector') {
      cur = cur.elem;
    } else {
      return null;
    }
  }
  return cur;
}

/**
 * Result type of a GEP. Opaque pointers: `ptr` in the base pointer's address space;
 * typed pointers: a pointer to the indexed type. A vector of pointers (or any
 * vector index) makes a vector of pointers.
 */
export function gepResultType(
  types: TypeContext, typed: boolean, src: Type, basePtr: Type, indexTypes: readonly Type[],
  fieldIndex: (k: number) => number | null,
): Type | null {
  const scalarBase = basePtr.kind === 'vector' ? basePtr.elem : basePtr;
  if (scalarBase.kind !== 'pointer') return null;
  let ptr: Type;
  if (typed) {
    const elem = gepIndexedType(src, indexTypes.length, fieldIndex);
    if (!elem) return null;
    ptr = types.typedPtr(elem, scalarBase.addrspace);
  } else {
    if (indexTypes.length > 1 && !gepIndexedType(src, indexTypes.length, fieldIndex)) return null;
    ptr = scalarBase;
  }
  let lanes = basePtr.kind === 'vector' ? basePtr : null;
  for (const it of indexTypes) if (!lanes && it.kind === 'vector') lanes = it;
  return lanes ? types.vector(lanes.count, ptr, lanes.scalable) : ptr;
}
