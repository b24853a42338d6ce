// Short type spellings for messages and a structural query on types, shared by the stages.
import type { Type } from '../ir/types.js';

/** Whether a type holds a pointer anywhere (aggregates and vectors included). */
export function hasPointer(t: Type, depth = 0): boolean {
  if (depth > 8) return false;
  switch (t.kind) {
    case 'pointer': return true;
    case 'vector': case 'array': return hasPointer(t.elem, depth + 1);
    case 'struct': return !!t.elems && t.elems.some((e) => hasPointer(e, depth + 1));
    default: return false;
  }
}

/** `double`, `ptr`, `<4 x float>`, `%struct.S`: the type as a message names it. */
export function typeTextShort(t: Type): string {
  switch (t.kind) {
    case 'float': return t.fk;
    case 'int': return `i${t.bits}`;
    case 'pointer': return 'ptr';
    case 'vector': return `<${t.count} x ${typeTextShort(t.elem)}>`;
    case 'struct': return t.name !== null ? `%${t.name}` : `{ ${(t.elems ?? []).map((e) => typeTextShort(e)).join(', ')} }`;
    case 'array': return `[${t.count} x ${typeTextShort(t.elem)}]`;
    default: return t.kind;
  }
}
