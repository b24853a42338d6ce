// The C view of a generated function: C types for its parameters and result struct, and how
// the target's C calling convention passes them (which IR types a C compiler would use). The
// same plan gives the header's declaration and the wrapper's IR signature, so they agree by
// construction. Classification follows the x86-64 System V psABI (eightbytes: INTEGER, SSE,
// MEMORY) and AAPCS64 (homogeneous floating-point aggregates, composites up to 16 bytes in
// general registers, larger ones through a hidden pointer), as clang lowers them.
import type { Module } from '../ir/module.js';
import type { Type, StructType } from '../ir/types.js';
import { DataLayout } from '../ir/layout.js';
import { fail } from '../diag/diagnostic.js';
import type { AbiTarget } from './target.js';
import type { GeneratedFunction, GeneratedParam, GeneratedMember } from './describe.js';

/** A C type: a scalar spelled as C spells it, an array, or a struct of named fields. */
export type CType =
  | { k: 'scalar'; spelling: string; ir: Type }
  | { k: 'array'; elem: CType; count: number }
  | { k: 'struct'; tag: string; fields: { name: string; type: CType }[] };

export type RetLowering =
  | { k: 'void' }
  /** Returned in registers as this IR type (what clang returns for the C struct). */
  | { k: 'direct'; type: Type }
  /** Returned through a hidden pointer (`sret`), the first parameter. */
  | { k: 'sret' };

export interface CParam {
  name: string;
  ctype: CType;
  /** An array, vector or struct: C passes a pointer to it (`const double seed[3]`). */
  byPointer: boolean;
  /** The IR type of the parameter in the C calling convention. */
  irType: Type;
  raw: GeneratedParam;
}

export interface CResult {
  tag: string;
  ctype: CType & { k: 'struct' };
  /** The IR struct with the C struct's layout (vectors become arrays, bool becomes i8). */
  layout: StructType;
  lowering: RetLowering;
  members: { name: string; ctype: CType; raw: GeneratedMember }[];
  /** sizeof the C struct. */
  size: number;
}

export interface CPlan {
  target: AbiTarget;
  /** The C identifier the header declares. */
  cName: string;
  /** The symbol C calls (the wrapper with `--abi c`, else the generated function itself). */
  symbol: string;
  params: CParam[];
  result: CResult | null;
}

const KEYWORDS = new Set(`auto break case char const continue default do double else enum extern float for goto if inline int
long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false
class new delete this template typename operator private public protected virtual namespace using try catch throw friend
explicit mutable export and or not xor bitand bitor compl and_eq or_eq xor_eq not_eq nullptr constexpr decltype noexcept
static_assert thread_local alignas alignof char8_t char16_t char32_t wchar_t dynamic_cast static_cast reinterpret_cast const_cast
typeid concept requires co_await co_yield co_return consteval constinit asm`.split(/\s+/));

/** A C identifier made from an IR name: other characters become `_`, keywords and reserved forms get a `_` suffix. */
export function cIdentifier(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (s === '' || /^\d/.test(s)) s = `_${s}`;
  if (KEYWORDS.has(s) || /^__|^_[A-Z]/.test(s)) s = `${s}_`;
  return s;
}

function noC(what: string, t: string, why = ''): never {
  return fail('E0904', `${what} has type ${t}, which has no C equivalent here${why}`, null, -1, -1,
    ['--abi c and --header handle floating types, integers, pointers, and arrays, vectors and structs of them']);
}

function typeWord(t: Type): string {
  switch (t.kind) {
    case 'int': return `i${t.bits}`;
    case 'float': return t.fk;
    case 'pointer': return t.pointee ? `${typeWord(t.pointee)}*` : 'ptr';
    case 'vector': return `<${t.scalable ? 'vscale x ' : ''}${t.count} x ${typeWord(t.elem)}>`;
    case 'array': return `[${t.count} x ${typeWord(t.elem)}]`;
    case 'struct': return t.name ? `%${t.name}` : `{ ${(t.elems ?? []).map(typeWord).join(', ')} }`;
    default: return t.kind;
  }
}

/** The C type of a value of IR type `t` (`what` names it in errors; `tag` names nested structs). */
export function cTypeOf(t: Type, target: AbiTarget, what: string, tag: string): CType {
  switch (t.kind) {
    case 'float': {
      const spell: Record<string, string | null> = {
        float: 'float', double: 'double', half: '_Float16', bfloat: '__bf16',
        x86_fp80: target.arch === 'x86_64' ? 'long double' : null,
        fp128: target.arch === 'aarch64' && !target.triple.includes('apple') ? 'long double' : target.arch === 'x86_64' ? '__float128' : null,
        ppc_fp128: null,
      };
      const s = spell[t.fk];
      if (!s) return noC(what, t.fk);
      return { k: 'scalar', spelling: s, ir: t };
    }
    case 'int': {
      if (t.bits === 1) return { k: 'scalar', spelling: 'bool', ir: t };
      if (t.bits === 8 || t.bits === 16 || t.bits === 32 || t.bits === 64) return { k: 'scalar', spelling: `int${t.bits}_t`, ir: t };
      if (t.bits === 128) return { k: 'scalar', spelling: '__int128', ir: t };
      return noC(what, typeWord(t));
    }
    case 'pointer': {
      if (t.addrspace !== 0) return noC(what, typeWord(t), ' (a pointer outside address space 0)');
      const p = t.pointee;
      if (p && (p.kind === 'float' || p.kind === 'int')) {
        const inner = cTypeOf(p, target, what, tag);
        if (inner.k === 'scalar') return { k: 'scalar', spelling: `${inner.spelling} *`, ir: t };
      }
      return { k: 'scalar', spelling: 'void *', ir: t };
    }
    case 'vector':
      if (t.scalable) return noC(what, typeWord(t), ' (a scalable vector)');
      return { k: 'array', elem: cTypeOf(t.elem, target, what, tag), count: t.count };
    case 'array':
      if (t.count === 0) return noC(what, typeWord(t), ' (an empty array)');
      return { k: 'array', elem: cTypeOf(t.elem, target, what, tag), count: t.count };
    case 'struct': {
      if (!t.elems) return noC(what, typeWord(t), ' (an opaque struct)');
      if (t.packed) return noC(what, typeWord(t), ' (a packed struct)');
      if (!t.elems.length) return noC(what, typeWord(t), ' (an empty struct)');
      return { k: 'struct', tag, fields: t.elems.map((e, k) => ({ name: `f${k}`, type: cTypeOf(e, target, what, `${tag}_f${k}`) })) };
    }
    default:
      return noC(what, typeWord(t));
  }
}

/** A pointer parameter spelled with what it points to (`double *`) and `const` when the function only reads through it. */
function pointerSpelling(c: CType & { k: 'scalar' }, p: GeneratedParam, target: AbiTarget, what: string): CType {
  let spelling = c.spelling;
  if (spelling === 'void *' && p.pointee && (p.pointee.kind === 'float' || p.pointee.kind === 'int')) {
    try {
      const inner = cTypeOf(p.pointee, target, what, '');
      if (inner.k === 'scalar') spelling = `${inner.spelling} *`;
    } catch { /* no C name for the pointee: void * */ }
  }
  if (p.readonly && p.role === 'primal') spelling = `const ${spelling}`;
  return { k: 'scalar', spelling, ir: c.ir };
}

/** The IR type with the C type's memory layout: vectors are arrays, bool is a byte. */
export function layoutType(m: Module, c: CType): Type {
  const t = m.types;
  switch (c.k) {
    case 'scalar': return c.ir.kind === 'int' && c.ir.bits === 1 ? t.int(8) : c.ir;
    case 'array': return t.array(c.count, layoutType(m, c.elem));
    case 'struct': return t.struct(c.fields.map((f) => layoutType(m, f.type)), false);
  }
}

interface Leaf { offset: number; type: Type }

/** The scalars of a layout type with their byte offsets. */
function leaves(dl: DataLayout, t: Type, base: number, out: Leaf[]): Leaf[] {
  if (t.kind === 'array') {
    const step = dl.allocSize(t.elem);
    for (let k = 0; k < t.count; k++) leaves(dl, t.elem, base + k * step, out);
  } else if (t.kind === 'struct' && t.elems) {
    t.elems.forEach((e, k) => leaves(dl, e, base + dl.fieldOffset(t, k), out));
  } else {
    out.push({ offset: base, type: t });
  }
  return out;
}

function isFP(t: Type): boolean { return t.kind === 'float'; }

/** x86-64 System V: the IR type a C struct of this layout is returned as. */
function lowerX86(m: Module, dl: DataLayout, layout: StructType, what: string): RetLowering {
  const size = dl.allocSize(layout);
  const ls = leaves(dl, layout, 0, []);
  const odd = ls.filter((l) => l.type.kind === 'float' && l.type.fk !== 'float' && l.type.fk !== 'double');
  if (odd.length) {
    if (ls.length === 1 && ls[0]!.type.kind === 'float' && ls[0]!.type.fk === 'x86_fp80') return { k: 'direct', type: ls[0]!.type };
    if (size > 16) return { k: 'sret' };
    return noC(what, typeWord(odd[0]!.type), ' in a struct returned in registers (only float, double, integers and pointers are classified)');
  }
  if (size > 16) return { k: 'sret' };
  const t = m.types;
  const parts: Type[] = [];
  for (let e = 0; e * 8 < size; e++) {
    const lo = e * 8;
    const hi = Math.min(lo + 8, size);
    const inside = ls.filter((l) => l.offset >= lo && l.offset < hi);
    if (!inside.length) { parts.push(t.int((hi - lo) * 8)); continue; }
    const integer = inside.some((l) => !isFP(l.type));
    if (!integer) {
      // SSE: one double, one float, or two floats packed in the low half of an XMM register
      if (inside.length === 1 && inside[0]!.offset === lo) { parts.push(inside[0]!.type); continue; }
      if (inside.length === 2 && inside.every((l) => l.type.kind === 'float' && l.type.fk === 'float') && inside[0]!.offset === lo) {
        parts.push(t.vector(2, inside[0]!.type)); continue;
      }
      if (inside.length === 1) { parts.push(inside[0]!.type); continue; }
      return noC(what, 'a struct', ' (an SSE eightbyte of an unexpected shape)');
    }
    // INTEGER: a pointer or integer alone at the start (with nothing after it in the eightbyte), else an integer of the eightbyte's size
    const first = inside[0]!;
    if (inside.length === 1 && first.offset === lo && (first.type.kind === 'pointer' || first.type.kind === 'int')) { parts.push(first.type); continue; }
    parts.push(t.int((hi - lo) * 8));
  }
  return { k: 'direct', type: parts.length === 1 ? parts[0]! : t.struct(parts, false) };
}

/** AAPCS64: homogeneous floating aggregates of up to four members in SIMD registers, other small composites in general registers. */
function lowerAArch64(m: Module, dl: DataLayout, layout: StructType): RetLowering {
  const size = dl.allocSize(layout);
  const ls = leaves(dl, layout, 0, []);
  const first = ls[0]!.type;
  const hfa = ls.length <= 4 && first.kind === 'float' && ls.every((l) => l.type === first);
  if (hfa) return { k: 'direct', type: layout };
  if (size > 16) return { k: 'sret' };
  const t = m.types;
  if (size <= 8) return { k: 'direct', type: t.int(size * 8) };
  if (dl.align(layout) >= 16) return { k: 'direct', type: t.int(128) };
  return { k: 'direct', type: t.array(2, t.int(64)) };
}

export function lowerReturn(m: Module, target: AbiTarget, layout: StructType, what: string): RetLowering {
  const dl = DataLayout.of(m);
  return target.arch === 'x86_64' ? lowerX86(m, dl, layout, what) : lowerAArch64(m, dl, layout);
}

/** Names for the parameters and result members, unique and valid in C. */
function names(desc: GeneratedFunction): { params: string[]; members: string[] } {
  const base = (k: number): string => {
    const n = desc.primal.args[k]?.name;
    return n !== null && n !== undefined && !/^\d+$/.test(n) ? cIdentifier(n) : `arg${k}`;
  };
  const used = new Set<string>();
  const unique = (s: string): string => {
    let n = s;
    for (let k = 2; used.has(n); k++) n = `${s}_${k}`;
    used.add(n);
    return n;
  };
  const params = desc.params.map((p) => {
    switch (p.role) {
      case 'primal': return unique(base(p.of!));
      case 'shadow': return unique(`d_${base(p.of!)}${p.lane !== null ? p.lane : ''}`);
      case 'tangent': return unique(`t_${base(p.of!)}${p.lane !== null ? p.lane : ''}`);
      case 'seed': return unique('differeturn');
    }
  });
  used.clear();
  const members = (desc.result?.members ?? []).map((r) => unique(r.role === 'primal' ? 'primal' : r.role === 'tangent' ? 'tangent' : `d_${base(r.of!)}`));
  return { params, members };
}

/** The C view of `desc` on `target`; `symbol` is the name C calls. */
export function planC(m: Module, desc: GeneratedFunction, target: AbiTarget, symbol: string, cName: string): CPlan {
  const n = names(desc);
  const fnName = `@${desc.fn.name}`;
  const params: CParam[] = desc.params.map((p, k) => {
    const what = `parameter ${n.params[k]} of ${fnName}`;
    let ctype = cTypeOf(p.type, target, what, `${cName}_${n.params[k]}`);
    if (ctype.k === 'scalar' && p.type.kind === 'pointer') ctype = pointerSpelling(ctype, p, target, what);
    const byPointer = ctype.k !== 'scalar';
    return { name: n.params[k]!, ctype, byPointer, irType: byPointer ? m.ptrTo(layoutType(m, ctype)) : p.type, raw: p };
  });
  let result: CResult | null = null;
  if (desc.result) {
    const tag = `${cName}_result`;
    const members = desc.result.members.map((r, k) => ({
      name: n.members[k]!, ctype: cTypeOf(r.type, target, `the ${r.role === 'gradient' ? `gradient ${n.members[k]}` : r.role} in the result of ${fnName}`, `${tag}_${n.members[k]}`), raw: r,
    }));
    const ctype: CType & { k: 'struct' } = { k: 'struct', tag, fields: members.map((x) => ({ name: x.name, type: x.ctype })) };
    const layout = layoutType(m, ctype) as StructType;
    result = { tag, ctype, layout, lowering: lowerReturn(m, target, layout, `the result of ${fnName}`), members, size: DataLayout.of(m).allocSize(layout) };
  }
  return { target, cName, symbol, params, result };
}

/** The scalars of an IR value's type as the backend assigns them to registers (a vector is one). */
function regLeaves(t: Type): Type[] {
  if (t.kind === 'struct' && t.elems) return t.elems.flatMap(regLeaves);
  if (t.kind === 'array') return Array.from({ length: t.count }, () => regLeaves(t.elem)).flat();
  return [t];
}

/**
 * Why the function cannot be called through the C declaration of `plan` as it is (its IR
 * signature travels differently), or null when it can: same parameter types, and a result
 * whose scalars go to the same registers as the C struct's.
 */
export function mismatch(m: Module, desc: GeneratedFunction, plan: CPlan): string | null {
  for (const p of plan.params) {
    if (p.byPointer) return `parameter ${p.name} is ${typeWord(p.raw.type)}, which C cannot pass by value`;
  }
  const r = plan.result;
  if (!r) return null;
  const raw = desc.fn.fnType.ret;
  if (r.lowering.k === 'sret') return `C returns struct ${r.tag} (${DataLayout.of(m).allocSize(r.layout)} bytes) through a hidden pointer; the derivative returns ${typeWord(raw)} in registers`;
  if (r.lowering.k === 'direct') {
    const a = regLeaves(raw);
    const b = regLeaves(r.lowering.type);
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
      return `C returns struct ${r.tag} as ${typeWord(r.lowering.type)}; the derivative returns ${typeWord(raw)}`;
    }
  }
  return null;
}
