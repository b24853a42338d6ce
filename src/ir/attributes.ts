import type { Type } from './types.js';

/**
 * Attributes are kept structured but uninterpreted unless the transform needs
 * them: anything unknown survives verbatim, so newer LLVM spellings
 * (`captures(...)`, `memory(errnomem: write)`, ...) round-trip.
 */
export type Attr =
  /** `nounwind`, `align 8`, `dereferenceable(8)`, `memory(argmem: read)`: `arg` is the raw text after the name. */
  | { k: 'word'; name: string; arg: string | null; paren: boolean }
  /** `sret(%T)`, `byval(%T)`, `elementtype(i32)`: type-carrying attributes. */
  | { k: 'type'; name: string; type: Type }
  /** `"key"="value"` or `"key"`: raw quoted texts, quotes included. */
  | { k: 'str'; key: string; value: string | null }
  /** `#3`: a reference to an attribute group. */
  | { k: 'group'; id: number };

export type AttrList = Attr[];

/** The shared empty list (most parameters and calls have no attributes); frozen, so replace it rather than push into it. */
export const NO_ATTRS: AttrList = Object.freeze([]) as unknown as AttrList;

/** A plain attribute: `noinline`, `noalias`. */
export function wordAttr(name: string): Attr { return { k: 'word', name, arg: null, paren: false }; }

export function hasAttr(list: AttrList | null | undefined, name: string): boolean {
  return !!list && list.some((a) => (a.k === 'word' || a.k === 'type') && a.name === name);
}

export function findAttr(list: AttrList | null | undefined, name: string): Attr | undefined {
  return list?.find((a) => (a.k === 'word' || a.k === 'type') && a.name === name);
}

/** The integer argument of `align 8` / `dereferenceable(8)`, if present. */
export function attrInt(list: AttrList | null | undefined, name: string): number | null {
  const a = findAttr(list, name);
  if (!a || a.k !== 'word' || a.arg === null) return null;
  const n = Number(a.arg);
  return Number.isFinite(n) ? n : null;
}

export interface AttrGroup {
  id: number;
  attrs: AttrList;
}
