// TBAA metadata read as type facts. Clang tags every scalar load and store with
// the C type it accesses (`!tbaa !5`, `!5 = !{!6, !6, i64 0}`, `!6 = !{!"double", ...}`),
// which is often the only evidence left in opaque-pointer IR where an `i64` load
// copies a `double`. Only the access type matters here: the pointer operand
// already points at the accessed scalar, whatever struct the base type names.

import type { Module } from '../ir/module.js';
import type { Metadata } from '../ir/metadata.js';
import type { InstBase } from '../ir/instructions.js';
import type { Scalar } from './types.js';
import { ConstantInt } from '../ir/constants.js';

/** What a TBAA type name says about the accessed bytes; `pointee` for clang 19's `p1 double` style pointer tags. */
export interface TBAAFact {
  scalar: Scalar;
  /** Bytes the fact covers when it is byte-granular (integers, 'anything'), else the scalar's size. */
  bytes: number;
  pointee: TBAAFact | null;
}

/** One field of a `!tbaa.struct` list on a memcpy. */
export interface TBAAField {
  offset: number;
  size: number;
  fact: TBAAFact;
}

const INT_BYTES: Record<string, number> = {
  bool: 1, _Bool: 1, short: 2, int: 4, long: 8, 'long long': 8, __int128: 16, wchar_t: 4,
  char16_t: 2, char32_t: 4,
};

/** The fact of a TBAA scalar type name, or null for names that tell nothing (struct names, unknown). */
export function factOfTypeName(name: string): TBAAFact | null {
  switch (name) {
    case 'double': return { scalar: 'double', bytes: 8, pointee: null };
    case 'float': return { scalar: 'float', bytes: 4, pointee: null };
    case '_Float16': case '__fp16': return { scalar: 'half', bytes: 2, pointee: null };
    case '__bf16': return { scalar: 'bfloat', bytes: 2, pointee: null };
    case 'long double': return { scalar: 'x86_fp80', bytes: 16, pointee: null };
    case '__float128': return { scalar: 'fp128', bytes: 16, pointee: null };
    case 'any pointer': case 'vtable pointer': return { scalar: 'pointer', bytes: 8, pointee: null };
    // A char access may touch any object's bytes, so it constrains nothing.
    case 'omnipotent char': case 'char': case 'signed char': case 'unsigned char':
      return { scalar: 'anything', bytes: 1, pointee: null };
  }
  const bare = name.replace(/^unsigned /, '').replace(/ int$/, '');
  const ib = INT_BYTES[bare] ?? INT_BYTES[name];
  if (ib !== undefined) return { scalar: 'integer', bytes: ib, pointee: null };
  // clang >= 19: `p1 double` is a `double *`, `p2 int` an `int **`, `p1 omnipotent char` a `char *`.
  const p = /^p(\d+) (.+)$/.exec(name);
  if (p) {
    let inner = factOfTypeName(p[2]!);
    for (let k = Number(p[1]); k > 1; k--) inner = { scalar: 'pointer', bytes: 8, pointee: inner };
    return { scalar: 'pointer', bytes: 8, pointee: inner };
  }
  return null;
}

export class TBAA {
  private readonly memo = new Map<number, TBAAFact | null>();

  // nodes are looked up one by one: a deferred definition (lazy loading) is read only if asked for
  constructor(private readonly module: Module) {}

  private node(md: Metadata | null | undefined): Metadata | null {
    for (let guard = 0; md && md.mk === 'ref' && guard < 8; guard++) md = this.module.metadataNode(md.id) ?? null;
    return md ?? null;
  }

  /** The fact of an access tag (`!{base, access, offset}`), or of an old-style scalar tag used directly. */
  tagFact(tag: Metadata): TBAAFact | null {
    const id = tag.mk === 'ref' ? tag.id : -1;
    if (id >= 0 && this.memo.has(id)) return this.memo.get(id)!;
    const r = this.computeTag(tag);
    if (id >= 0) this.memo.set(id, r);
    return r;
  }

  private computeTag(tag: Metadata): TBAAFact | null {
    const t = this.node(tag);
    if (!t || t.mk !== 'tuple' || t.elems.length === 0) return null;
    const first = this.node(t.elems[0]);
    if (first && first.mk === 'string') return factOfTypeName(first.text);
    // Struct-path tag: the access type is the scalar actually read or written.
    const access = this.node(t.elems[1]);
    if (!access || access.mk !== 'tuple') return null;
    const name = this.node(access.elems[0]);
    return name && name.mk === 'string' ? factOfTypeName(name.text) : null;
  }

  /** A struct-path access tag's base type node and the accessed offset in it (`!{!Mat, !int, i64 4}`). */
  tagBase(tag: Metadata): { base: Metadata; offset: number } | null {
    const t = this.node(tag);
    if (!t || t.mk !== 'tuple' || t.elems.length < 3) return null;
    const base = this.node(t.elems[0]);
    const off = intOf(this.node(t.elems[2]));
    if (!base || base.mk !== 'tuple' || off === null) return null;
    return { base, offset: off };
  }

  /**
   * The scalar at byte `offset` of a struct type node (`!{!"_ZTS3Mat", !int, i64 0, !int, i64 4,
   * !anyptr, i64 8}`: name, then member type and offset pairs), looking into nested structs.
   */
  memberFact(typeNode: Metadata, offset: number, depth = 0): TBAAFact | null {
    const t = this.node(typeNode);
    if (!t || t.mk !== 'tuple' || depth > 8) return null;
    const name = this.node(t.elems[0]);
    if (t.elems.length <= 3) {
      // A scalar type node (`!{!"int", !char, i64 0}`): the fact of its name, at its start.
      return offset === 0 && name && name.mk === 'string' ? factOfTypeName(name.text) : null;
    }
    let best: { type: Metadata; at: number } | null = null;
    for (let k = 1; k + 1 < t.elems.length; k += 2) {
      const mt = this.node(t.elems[k]);
      const at = intOf(this.node(t.elems[k + 1]));
      if (!mt || at === null || at > offset) continue;
      if (!best || at >= best.at) best = { type: mt, at };
    }
    return best ? this.memberFact(best.type, offset - best.at, depth + 1) : null;
  }

  /** The fact of an instruction's `!tbaa` attachment. */
  instFact(i: InstBase): TBAAFact | null {
    const a = i.attachments?.find((x) => x.kind === 'tbaa');
    return a ? this.tagFact(a.md) : null;
  }

  /** The fields of a memcpy's `!tbaa.struct` list (`!{i64 0, i64 8, !5, i64 8, i64 4, !7}`). */
  structFields(i: InstBase): TBAAField[] {
    const a = i.attachments?.find((x) => x.kind === 'tbaa.struct');
    const t = a ? this.node(a.md) : null;
    if (!t || t.mk !== 'tuple') return [];
    const out: TBAAField[] = [];
    for (let k = 0; k + 2 < t.elems.length; k += 3) {
      const off = intOf(t.elems[k] ?? null);
      const size = intOf(t.elems[k + 1] ?? null);
      const tag = t.elems[k + 2];
      const fact = tag ? this.tagFact(tag) : null;
      if (off !== null && size !== null && fact) out.push({ offset: off, size, fact });
    }
    return out;
  }
}

function intOf(md: Metadata | null): number | null {
  if (!md || md.mk !== 'value') return null;
  return md.value instanceof ConstantInt ? Number(md.value.value) : null;
}
