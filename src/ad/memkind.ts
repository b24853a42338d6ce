// What kind of data memory holds, as far as the derivative of a copy or a
// reallocation cares: a floating kind (its adjoint is moved element by
// element), pointers (shadows are copied), or nothing differentiable. Read from
// the IR (typed pointees, GEP source types, allocated types, the function's own
// accesses), then from type analysis (src/analysis/types.ts); what nothing
// tells is an E0403 (a warning and 'none' with --loose-types).

import type { Instruction } from '../ir/instructions.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { CallInst, InvokeInst } from '../ir/instructions.js';

type CallBase = CallInst | InvokeInst;
import { sourceSpan } from '../ir/verify.js';
import { underlyingObjects } from '../analysis/memory.js';
import type { TypeAnalysis } from '../analysis/types.js';
import type { Function } from '../ir/function.js';
import type { Code } from '../diag/codes.js';
import type { DiffContext } from './signature.js';
import type { DataLayout } from '../ir/layout.js';
import { ConstantInt } from '../ir/constants.js';
import { copyTagScalar } from '../analysis/scalar.js';

export type MemKind = 'double' | 'float' | 'half' | 'pointer' | 'none';

/** A scalar field of copied memory that matters to the derivative: a floating value or a pointer. */
export interface LayoutField { offset: number; kind: 'double' | 'float' | 'half' | 'pointer' }
/**
 * The type layout of copied memory whose fields are not all of one kind (a struct of double
 * and float fields, of pointers and floats): `fields` of a record of `size` bytes, which
 * repeats (an array of such structs). Integer fields and padding are left out.
 */
export interface MemLayout { size: number; fields: LayoutField[] }

/** A stable name for a layout (the helper functions of copies are shared by equal layouts). */
export function layoutKey(l: MemLayout): string {
  return `s${l.size}_${l.fields.map((f) => `${f.kind[0]}${f.offset}`).join('')}`;
}

/** What the kind queries need of the function being differentiated (FunctionFacts provides it). */
export interface KindsHost {
  readonly prim: Function;
  readonly ctx: DiffContext;
  types(): TypeAnalysis;
  fnName(): string;
  error(code: Code, message: string, at: Value | null, notes?: string[]): never;
}

export class MemoryKinds {
  private readonly warned = new Set<string>();

  constructor(private readonly f: KindsHost) {}

  /** What memory a copy moves: a floating kind, pointers, or (`--loose-types`) nothing differentiable. */
  memKind(copy: CallBase): 'double' | 'float' | 'half' | 'pointer' | 'none' {
    return this.kindOfMemory([copy.arg(0), copy.arg(1)], copy, 'the copied memory');
  }

  /**
   * The field-by-field layout of the memory a copy moves when it mixes kinds (double and float
   * fields, floats and pointers): from the IR's aggregate types (allocas, GEP source types,
   * typed pointees), then from type analysis over the copied bytes. null when the memory holds
   * one kind (memKind says which) or nothing tells.
   */
  copyLayout(copy: CallBase): MemLayout | null {
    const dl = this.f.ctx.dl;
    const ptrs = [copy.arg(0), copy.arg(1)];
    for (const p of ptrs) {
      const t = aggregateType(p);
      if (!t) continue;
      const fields: LayoutField[] = [];
      if (!flatten(t, 0, fields, dl)) continue;
      return mixed(fields) ? { size: dl.allocSize(t), fields } : null;
    }
    const n = copy.arg(2);
    const nbytes = n instanceof ConstantInt ? Number(n.value) : null;
    if (nbytes === null || nbytes <= 0 || nbytes > 1 << 16) return null;
    const ta = this.f.types();
    for (const p of ptrs) {
      const segs = ta.segments(p, nbytes);
      const fields: LayoutField[] = [];
      let ok = segs.length > 0;
      for (const sg of segs) {
        if (sg.scalar === 'double' || sg.scalar === 'float' || sg.scalar === 'half' || sg.scalar === 'pointer') {
          const w = sg.scalar === 'double' ? 8 : sg.scalar === 'float' ? 4 : sg.scalar === 'half' ? 2 : dl.pointerBytes;
          for (let o = 0; o + w <= sg.size; o += w) fields.push({ offset: sg.offset + o, kind: sg.scalar });
        } else if (sg.scalar !== 'integer' && sg.scalar !== 'anything') ok = false;
      }
      if (ok && mixed(fields)) return { size: nbytes, fields };
    }
    return null;
  }

  /** What the memory at `ptrs` holds (the first that tells), or an E0403 at `at` (a warning and 'none' with --loose-types). */
  kindOfMemory(ptrs: Value[], at: Instruction, what: string): 'double' | 'float' | 'half' | 'pointer' | 'none' {
    let k: 'double' | 'float' | 'half' | 'pointer' | null = null;
    for (const p of ptrs) k ??= elementKind(p);
    if (k) return k;
    // A copy tagged with a scalar access type moves only that scalar.
    const tag = at.op === 'call' || at.op === 'invoke' ? copyTagScalar(this.f.ctx.module, at) : null;
    if (tag === 'double' || tag === 'float' || tag === 'half' || tag === 'pointer') return tag;
    // the accesses of each side's object: trusted when the sides agree (or one says nothing)
    const seen = new Set(ptrs.map((p) => this.accessKind(p)).filter((x): x is NonNullable<typeof x> => x !== null));
    if (seen.size === 1) return [...seen][0]!;
    // The object's declared layout over the copied bytes (a copy constructor's `memcpy` of its
    // base class: the pointer field and the padding after it).
    const n = at.op === 'call' || at.op === 'invoke' ? (at as CallBase).arg(2) : null;
    if (n instanceof ConstantInt && ptrs.length === 2) {
      for (const p of ptrs) {
        const d = this.declaredInRange(p, Number(n.value));
        if (d) return d;
      }
    }
    const ta = this.f.types();
    // Type analysis over the copied bytes: integers there carry no derivative.
    if (n instanceof ConstantInt && Number(n.value) > 0 && Number(n.value) <= 1 << 16) {
      for (const p of ptrs) {
        const segs = ta.segments(p, Number(n.value));
        if (!segs.length || segs.some((sg) => sg.scalar === null)) continue;
        const kinds = new Set(segs.map((sg) => sg.scalar).filter((x) => x !== 'integer' && x !== 'anything'));
        if (kinds.size > 1) continue;
        const k = kinds.size ? [...kinds][0]! : 'none';
        if (k === 'double' || k === 'float' || k === 'half' || k === 'pointer' || k === 'none') return k;
      }
    }
    let u: ReturnType<TypeAnalysis['uniform']> = null;
    for (const p of ptrs) u ??= ta.uniform(p);
    if (u === 'double' || u === 'float' || u === 'half' || u === 'pointer') return u;
    if (u === 'integer') return 'none';
    if (this.f.ctx.opts.looseTypes) {
      const key = `memkind:${this.f.fnName()}:${sourceSpan(at).start}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        const span = sourceSpan(at);
        this.f.ctx.warnings.push({ code: 'E0403', severity: 'warning', message: `${this.f.fnName()}: cannot tell what ${what} holds; treated as non-differentiable (--loose-types)`, file: this.f.ctx.file, start: span.start, end: span.end });
      }
      return 'none';
    }
    return this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: cannot tell what ${what} holds (floats or pointers)`, at,
      ['pass --loose-types to treat it as non-differentiable (with a warning)']);
  }

  /**
   * What the first `n` bytes at `p` hold by the struct type the IR gives the object `p` points to
   * the start of (its alloca or GEP source type, or a GEP of this function that takes `p` as the
   * base of that struct type): the one kind of its floating and pointer fields in that range, or
   * 'none' when there are only integers and padding there. null when nothing declares it, the
   * range is not inside it, or it holds several kinds.
   */
  private declaredInRange(p: Value, n: number): MemKind | null {
    if (n <= 0) return null;
    const dl = this.f.ctx.dl;
    let t = aggregateType(p);
    if (!t) {
      for (const b of this.f.prim.blocks) {
        for (const i of b.instructions) {
          if (i.op !== 'getelementptr' || i.operands[0] !== p || i.srcType.kind !== 'struct' || !i.srcType.elems?.length) continue;
          const first = i.operands[1];
          if (first instanceof ConstantInt && first.value === 0n) { t = i.srcType; break; }
        }
        if (t) break;
      }
    }
    if (!t || n > dl.allocSize(t)) return null;
    const fields: LayoutField[] = [];
    if (!flatten(t, 0, fields, dl)) return null;
    const inRange = fields.filter((f) => f.offset < n);
    // A field cut by the end of the copy: the range does not follow the layout.
    for (const f of inRange) {
      const w = f.kind === 'double' ? 8 : f.kind === 'float' ? 4 : f.kind === 'half' ? 2 : dl.pointerBytes;
      if (f.offset + w > n) return null;
    }
    const kinds = new Set(inRange.map((f) => f.kind));
    if (kinds.size > 1) return null;
    return kinds.size === 1 ? [...kinds][0]! : 'none';
  }

  /**
   * What the function itself loads from and stores to the memory of `p`'s
   * underlying allocation (a malloc'd buffer in opaque-pointer IR says nothing
   * else): the first floating or pointer access type found through any address
   * derived from the same objects.
   */
  private accessKind(p: Value): 'double' | 'float' | 'half' | 'pointer' | null {
    const roots = underlyingObjects(p);
    if (!roots || roots.size === 0) return null;
    const derived = new Set<Value>(roots);
    const holders = new Set<Value>();
    // -O0: a pointer reloaded from its stack slot is the pointer stored there.
    for (const r of roots) {
      if (r.vk === 'inst' && (r as Instruction).op === 'load') {
        const slot = (r as Instruction).operands[0]!;
        if (slot.vk === 'inst' && (slot as Instruction).op === 'alloca') holders.add(slot);
      }
    }
    // every floating kind accessed: an object accessed as two (a struct of float and double
    // fields) does not say what one copy of part of it holds
    const floats = new Set<'double' | 'float' | 'half'>();
    let pointers = false;
    const note = (t: Type): void => {
      const k = t.kind === 'float' ? (t.fk === 'double' ? 'double' : t.fk === 'float' ? 'float' : t.fk === 'half' ? 'half' : null)
        : t.kind === 'vector' && t.elem.kind === 'float' ? (t.elem.fk === 'double' ? 'double' : t.elem.fk === 'float' ? 'float' : null)
          : t.kind === 'pointer' ? 'pointer' : null;
      if (k === 'pointer') pointers = true;
      else if (k) floats.add(k);
    };
    for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
      changed = false;
      for (const b of this.f.prim.blocks) {
        for (const i of b.instructions) {
          let d = false;
          switch (i.op) {
            case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze': d = derived.has(i.operands[0]!); break;
            case 'phi': case 'select': d = i.type.kind === 'pointer' && i.operands.some((o) => derived.has(o)); break;
            case 'load':
              if (derived.has(i.ptr)) note(i.type);
              d = i.type.kind === 'pointer' && holders.has(i.ptr);
              break;
            case 'store':
              if (derived.has(i.ptr)) note(i.value.type);
              if (derived.has(i.value) && !holders.has(i.ptr)) { holders.add(i.ptr); changed = true; }
              if (holders.has(i.ptr) && i.value.type.kind === 'pointer' && !derived.has(i.value)) { derived.add(i.value); changed = true; }
              break;
            default: break;
          }
          if (d && !derived.has(i)) { derived.add(i); changed = true; }
        }
      }
    }
    if (floats.size > 1) return null;
    if (floats.size === 1) return [...floats][0]!;
    return pointers ? 'pointer' : null;
  }
}

/** Whether the freed pointer `f` is (a cast of) the allocation `a`. */
export function sameObject(f: Value, a: Value, slots: ReadonlyMap<Value, { stores: readonly Value[] }> | null = null): boolean {
  let v: Value = f;
  for (let n = 0; n < 8; n++) {
    if (v === a) return true;
    if (v.vk === 'inst') {
      const i = v as Instruction;
      if (i.op === 'bitcast' || i.op === 'addrspacecast' || (i.op === 'getelementptr' && i.operands.length > 0)) { v = i.operands[0]!; continue; }
      // -O0: the pointer was kept in a stack slot that holds one pointer (analysis/facts.ts).
      const held = i.op === 'load' && slots ? slots.get(i.operands[0]!)?.stores.filter((x) => x.vk !== 'const') : undefined;
      if (held && held.length === 1) { v = held[0]!; continue; }
    }
    if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'expr') { v = (v as unknown as { operands: Value[] }).operands[0]!; continue; }
    break;
  }
  return false;
}

/**
 * The floating kind (or pointers) an address holds, from what the IR itself
 * says: typed pointees, GEP source types, allocated types, the loads and
 * stores through it. Type analysis (src/analysis/types.ts) refines this.
 */
export function elementKind(p: Value): 'double' | 'float' | 'half' | 'pointer' | null {
  const seen = new Set<Value>();
  const leaf = (t: Type | null): 'double' | 'float' | 'half' | 'pointer' | null => {
    for (let x: Type | null = t; x; ) {
      switch (x.kind) {
        case 'float': return x.fk === 'double' ? 'double' : x.fk === 'float' ? 'float' : x.fk === 'half' ? 'half' : null;
        case 'pointer': return 'pointer';
        case 'array': case 'vector': x = x.elem; continue;
        case 'struct': x = x.elems && x.elems.length ? x.elems[0]! : null; continue;
        default: return null;
      }
    }
    return null;
  };
  const walk = (v: Value, depth: number): 'double' | 'float' | 'half' | 'pointer' | null => {
    if (depth > 6 || seen.has(v)) return null;
    seen.add(v);
    const t = v.type;
    if (t.kind === 'pointer' && t.pointee && !(t.pointee.kind === 'int' && t.pointee.bits === 8)) {
      const k = leaf(t.pointee);
      if (k) return k;
    }
    if (v.vk === 'inst') {
      const i = v as Instruction;
      switch (i.op) {
        case 'alloca': { const k = leaf(i.allocated); if (k) return k; break; }
        case 'getelementptr': { const k = leaf(i.srcType); if (k && !(i.srcType.kind === 'int')) return k; return walk(i.operands[0]!, depth + 1); }
        case 'bitcast': case 'addrspacecast': return walk(i.operands[0]!, depth + 1);
        default: break;
      }
    }
    if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'expr') {
      return walk((v as unknown as { operands: Value[] }).operands[0]!, depth + 1);
    }
    return null;
  };
  return walk(p, 0);
}

/** Whether the fields are of more than one kind (the copy must follow them one by one). */
function mixed(fields: LayoutField[]): boolean {
  return fields.length > 0 && fields.some((f) => f.kind !== fields[0]!.kind);
}

/** The scalar fields of `t` at `base` (floats and pointers; integers skipped); false for types it cannot lay out. */
export function flatten(t: Type, base: number, out: LayoutField[], dl: DataLayout): boolean {
  switch (t.kind) {
    case 'float':
      if (t.fk === 'double' || t.fk === 'float' || t.fk === 'half') { out.push({ offset: base, kind: t.fk }); return true; }
      return false;
    case 'pointer': out.push({ offset: base, kind: 'pointer' }); return true;
    case 'int': return true;
    case 'array': case 'vector': {
      if (t.count > 4096) return false;
      const sz = dl.allocSize(t.elem);
      for (let k = 0; k < t.count; k++) if (!flatten(t.elem, base + k * sz, out, dl)) return false;
      return true;
    }
    case 'struct':
      if (!t.elems) return false;
      for (let k = 0; k < t.elems.length; k++) if (!flatten(t.elems[k]!, base + dl.fieldOffset(t, k), out, dl)) return false;
      return true;
    default: return false;
  }
}

/**
 * The aggregate (struct or array of structs) an address points to, from what the IR says:
 * typed pointees, allocated types, GEP source types (not `i8`), through casts.
 */
export function aggregateType(p: Value): Type | null {
  const seen = new Set<Value>();
  const agg = (t: Type | null): Type | null => {
    if (!t) return null;
    if (t.kind === 'struct' && t.elems && t.elems.length > 0) return t;
    if (t.kind === 'array' && agg(t.elem)) return t.elem.kind === 'struct' ? t.elem : agg(t.elem);
    return null;
  };
  const walk = (v: Value, depth: number): Type | null => {
    if (depth > 6 || seen.has(v)) return null;
    seen.add(v);
    const t = v.type;
    if (t.kind === 'pointer' && t.pointee) {
      const a = agg(t.pointee);
      if (a) return a;
      if (!(t.pointee.kind === 'int' && t.pointee.bits === 8)) return null;
    }
    if (v.vk === 'inst') {
      const i = v as Instruction;
      switch (i.op) {
        case 'alloca': return agg(i.allocated);
        case 'getelementptr': {
          // Only a GEP that points at the start of its source element (all-zero indices) tells the type there.
          const idx = i.operands.slice(1);
          const zero = idx.every((x) => x instanceof ConstantInt && x.value === 0n);
          if (zero) { const a = agg(i.srcType); if (a) return a; }
          return idx.length === 1 ? walkGepBase(i) : null;
        }
        case 'bitcast': case 'addrspacecast': return walk(i.operands[0]!, depth + 1);
        default: return null;
      }
    }
    if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'expr') return walk((v as unknown as { operands: Value[] }).operands[0]!, depth + 1);
    if (v.vk === 'global') {
      const g = v as unknown as { valueType?: Type };
      return agg(g.valueType ?? null);
    }
    return null;
  };
  // `gep %struct.S, ptr %p, i64 k`: the k-th struct of an array of them.
  const walkGepBase = (i: Instruction): Type | null => {
    if (i.op !== 'getelementptr') return null;
    const a = agg(i.srcType);
    return a && i.srcType.kind === 'struct' ? a : null;
  };
  return walk(p, 0);
}
