// Sizes and alignments of types (LangRef "Data Layout"), for the targets
// clang and rustc emit here: the x86-64 / AArch64 defaults (pointers 8 bytes,
// i64 and double 8-aligned, x86_fp80 stored in 16). A module whose
// datalayout says otherwise for pointers (`p:32:32`) is honoured for pointer
// size; other overrides are rare in practice and not interpreted.
import type { Module } from './module.js';
import type { Type } from './types.js';

export class DataLayout {
  readonly pointerBytes: number;
  private readonly cache = new Map<Type, { size: number; align: number }>();

  constructor(datalayout: string | null) {
    const m = datalayout ? /(?:^|-)p(?:0)?:(\d+)/.exec(datalayout.replace(/^"|"$/g, '')) : null;
    this.pointerBytes = m ? Number(m[1]) / 8 : 8;
  }

  static of(m: Module): DataLayout { return new DataLayout(m.datalayout); }

  /** Bytes between consecutive elements of an array of `t` (LLVM's alloc size). */
  allocSize(t: Type): number { return this.info(t).size; }
  /** ABI alignment in bytes. */
  align(t: Type): number { return this.info(t).align; }
  /** The alignment `malloc` guarantees (glibc and the common C libraries: 16 bytes on 64-bit targets, 8 on 32-bit ones). */
  get mallocAlign(): number { return this.pointerBytes >= 8 ? 16 : 8; }
  /** The alignment guaranteed for an element of type `t` in an array of `t` that `malloc` returned. */
  heapAlign(t: Type): number { return Math.min(this.align(t), this.mallocAlign); }
  /** Byte offset of field `i` of a (non-opaque) struct. */
  fieldOffset(t: Type, i: number): number {
    if (t.kind !== 'struct' || !t.elems) throw new Error('fieldOffset of a non-struct');
    let off = 0;
    for (let k = 0; k <= i; k++) {
      const e = t.elems[k]!;
      if (!t.packed) off = roundUp(off, this.align(e));
      if (k === i) return off;
      off += this.allocSize(e);
    }
    return off;
  }

  private info(t: Type): { size: number; align: number } {
    let r = this.cache.get(t);
    if (!r) { r = this.compute(t); this.cache.set(t, r); }
    return r;
  }

  private compute(t: Type): { size: number; align: number } {
    switch (t.kind) {
      case 'int': {
        const bytes = Math.max(1, Math.ceil(t.bits / 8));
        const align = bytes >= 16 ? 16 : bytes > 8 ? 8 : pow2AtLeast(bytes);
        return { size: roundUp(bytes, align), align };
      }
      case 'float': {
        const s = { half: 2, bfloat: 2, float: 4, double: 8, x86_fp80: 16, fp128: 16, ppc_fp128: 16 }[t.fk];
        return { size: s, align: s };
      }
      case 'pointer': return { size: this.pointerBytes, align: this.pointerBytes };
      case 'array': {
        const e = this.info(t.elem);
        return { size: e.size * t.count, align: e.align };
      }
      case 'vector': {
        const e = this.info(t.elem);
        const raw = e.size * t.count;
        const size = pow2AtLeast(raw);
        return { size, align: Math.min(size, 64) };
      }
      case 'struct': {
        if (!t.elems) return { size: 0, align: 1 };
        let off = 0;
        let align = 1;
        for (const e of t.elems) {
          const i = this.info(e);
          if (!t.packed) { off = roundUp(off, i.align); align = Math.max(align, i.align); }
          off += i.size;
        }
        return { size: roundUp(off, align), align };
      }
      case 'x86_mmx': return { size: 8, align: 8 };
      case 'x86_amx': return { size: 1024, align: 64 };
      default: return { size: 0, align: 1 };
    }
  }
}

function roundUp(n: number, a: number): number { return Math.ceil(n / a) * a; }
function pow2AtLeast(n: number): number { let p = 1; while (p < n) p *= 2; return p; }
