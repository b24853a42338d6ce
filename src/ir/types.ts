// LLVM types (LangRef "Type System"). Types are interned per TypeContext, so
// structural equality is identity (`a === b`), except identified structs,
// which are nominal. Both pointer dialects are modelled: a PointerType with a
// pointee is a typed pointer (`double*`, LLVM <= 16), one without is opaque
// (`ptr`, LLVM >= 15).

export type FloatKind = 'half' | 'bfloat' | 'float' | 'double' | 'x86_fp80' | 'fp128' | 'ppc_fp128';

export const FLOAT_BITS: Record<FloatKind, number> = {
  half: 16, bfloat: 16, float: 32, double: 64, x86_fp80: 80, fp128: 128, ppc_fp128: 128,
};

export type Type =
  | VoidType | LabelType | MetadataType | TokenType | X86MMXType | X86AMXType
  | IntType | FloatType | PointerType | ArrayType | VectorType | StructType | FunctionType | TargetExtType;

export class VoidType { readonly kind = 'void' as const; }
export class LabelType { readonly kind = 'label' as const; }
export class MetadataType { readonly kind = 'metadata' as const; }
export class TokenType { readonly kind = 'token' as const; }
export class X86MMXType { readonly kind = 'x86_mmx' as const; }
export class X86AMXType { readonly kind = 'x86_amx' as const; }
export class IntType { readonly kind = 'int' as const; constructor(readonly bits: number) {} }
export class FloatType { readonly kind = 'float' as const; constructor(readonly fk: FloatKind) {} }
/** `pointee === null` is an opaque pointer. */
export class PointerType {
  readonly kind = 'pointer' as const;
  constructor(readonly pointee: Type | null, readonly addrspace: number) {}
}
export class ArrayType { readonly kind = 'array' as const; constructor(readonly count: number, readonly elem: Type) {} }
export class VectorType {
  readonly kind = 'vector' as const;
  constructor(readonly count: number, readonly elem: Type, readonly scalable: boolean) {}
}
/**
 * Literal structs are interned by structure. Identified structs (`%T = type {..}`)
 * are nominal: `name` is set and `elems` is null while opaque / not yet defined.
 */
export class StructType {
  readonly kind = 'struct' as const;
  /** Set once the `%T = type ...` definition has been seen (identified structs only). */
  defined = false;
  /** `%0 = type ...`: the name is a number and prints bare. */
  numbered = false;
  /** Source offset of the definition (or of the first use while undefined). */
  pos = -1;
  constructor(
    public name: string | null,
    public elems: Type[] | null,
    public packed: boolean,
  ) {}
  get isLiteral(): boolean { return this.name === null; }
  get isOpaque(): boolean { return this.elems === null; }
}
export class FunctionType {
  readonly kind = 'function' as const;
  constructor(readonly ret: Type, readonly params: readonly Type[], readonly vararg: boolean) {}
}
export class TargetExtType {
  readonly kind = 'target' as const;
  constructor(readonly name: string, readonly types: readonly Type[], readonly ints: readonly number[]) {}
}

export function isFloat(t: Type): t is FloatType { return t.kind === 'float'; }
export function isInt(t: Type, bits?: number): t is IntType {
  return t.kind === 'int' && (bits === undefined || t.bits === bits);
}
export function isPointer(t: Type): t is PointerType { return t.kind === 'pointer'; }
export function isAggregate(t: Type): t is ArrayType | StructType { return t.kind === 'array' || t.kind === 'struct'; }
/** The scalar type of a vector, or the type itself. */
export function scalarOf(t: Type): Type { return t.kind === 'vector' ? t.elem : t; }
export function isFloatOrFloatVector(t: Type): boolean { return scalarOf(t).kind === 'float'; }
export function isFirstClass(t: Type): boolean { return t.kind !== 'void' && t.kind !== 'function' && t.kind !== 'label'; }

/** Owns the interning tables of one module. */
export class TypeContext {
  readonly void = new VoidType();
  readonly label = new LabelType();
  readonly metadata = new MetadataType();
  readonly token = new TokenType();
  readonly x86mmx = new X86MMXType();
  readonly x86amx = new X86AMXType();
  private readonly ints = new Map<number, IntType>();
  private readonly floats = new Map<FloatKind, FloatType>();
  private readonly opaquePtrs = new Map<number, PointerType>();
  private readonly typedPtrs = new Map<Type, Map<number, PointerType>>();
  private readonly arrays = new Map<Type, Map<number, ArrayType>>();
  private readonly vectors = new Map<Type, Map<string, VectorType>>();
  private readonly literalStructs = new Map<string, StructType>();
  private readonly functions = new Map<string, FunctionType>();
  private readonly targets = new Map<string, TargetExtType>();
  /** Identity numbers used as keys for composite types. */
  private readonly ids = new Map<Type, number>();
  /** Identified structs by name (`%struct.S` is stored as `struct.S`, `%0` as `0`). */
  readonly named = new Map<string, StructType>();
  /** Identified structs in definition order (for printing). */
  readonly namedOrder: StructType[] = [];

  private id(t: Type): number {
    let n = this.ids.get(t);
    if (n === undefined) { n = this.ids.size + 1; this.ids.set(t, n); }
    return n;
  }

  int(bits: number): IntType {
    let t = this.ints.get(bits);
    if (!t) { t = new IntType(bits); this.ints.set(bits, t); }
    return t;
  }
  get i1(): IntType { return this.int(1); }
  get i8(): IntType { return this.int(8); }
  get i32(): IntType { return this.int(32); }
  get i64(): IntType { return this.int(64); }
  float(fk: FloatKind): FloatType {
    let t = this.floats.get(fk);
    if (!t) { t = new FloatType(fk); this.floats.set(fk, t); }
    return t;
  }
  get double(): FloatType { return this.float('double'); }
  get f32(): FloatType { return this.float('float'); }
  opaquePtr(addrspace = 0): PointerType {
    let t = this.opaquePtrs.get(addrspace);
    if (!t) { t = new PointerType(null, addrspace); this.opaquePtrs.set(addrspace, t); }
    return t;
  }
  typedPtr(pointee: Type, addrspace = 0): PointerType {
    let m = this.typedPtrs.get(pointee);
    if (!m) { m = new Map(); this.typedPtrs.set(pointee, m); }
    let t = m.get(addrspace);
    if (!t) { t = new PointerType(pointee, addrspace); m.set(addrspace, t); }
    return t;
  }
  array(count: number, elem: Type): ArrayType {
    let m = this.arrays.get(elem);
    if (!m) { m = new Map(); this.arrays.set(elem, m); }
    let t = m.get(count);
    if (!t) { t = new ArrayType(count, elem); m.set(count, t); }
    return t;
  }
  vector(count: number, elem: Type, scalable = false): VectorType {
    let m = this.vectors.get(elem);
    if (!m) { m = new Map(); this.vectors.set(elem, m); }
    const key = scalable ? `v${count}` : `${count}`;
    let t = m.get(key);
    if (!t) { t = new VectorType(count, elem, scalable); m.set(key, t); }
    return t;
  }
  struct(elems: readonly Type[], packed = false): StructType {
    let key = packed ? 'p' : 's';
    for (const e of elems) key += ',' + this.id(e);
    let t = this.literalStructs.get(key);
    if (!t) { t = new StructType(null, [...elems], packed); this.literalStructs.set(key, t); }
    return t;
  }
  fn(ret: Type, params: readonly Type[], vararg = false): FunctionType {
    let key = `${this.id(ret)}${vararg ? 'v' : ''}`;
    for (const p of params) key += ',' + this.id(p);
    let t = this.functions.get(key);
    if (!t) { t = new FunctionType(ret, [...params], vararg); this.functions.set(key, t); }
    return t;
  }
  target(name: string, types: readonly Type[], ints: readonly number[]): TargetExtType {
    const key = JSON.stringify([name, types.map((t) => this.id(t)), ints]);
    let t = this.targets.get(key);
    if (!t) { t = new TargetExtType(name, [...types], [...ints]); this.targets.set(key, t); }
    return t;
  }
  /** Returns the identified struct of this name, creating an undefined (opaque) one on first mention. */
  namedStruct(name: string): StructType {
    let t = this.named.get(name);
    if (!t) { t = new StructType(name, null, false); this.named.set(name, t); }
    return t;
  }
  /** A fresh identified struct not clashing with existing names (for types the transform creates). */
  freshNamedStruct(base: string, elems: Type[], packed = false): StructType {
    let name = base;
    for (let i = 1; this.named.has(name); i++) name = `${base}.${i}`;
    const t = new StructType(name, elems, packed);
    t.defined = true;
    this.named.set(name, t);
    this.namedOrder.push(t);
    return t;
  }
}

/** Element type reached by one aggregate index (struct field or array / vector element). */
export function elementAt(t: Type, index: number): Type | null {
  switch (t.kind) {
    case 'struct': return t.elems && index >= 0 && index < t.elems.length ? t.elems[index]! : null;
    case 'array': case 'vector': return t.elem;
    default: return null;
  }
}
