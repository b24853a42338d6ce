import { Value } from './value.js';
import type { Type } from './types.js';
import type { Metadata } from './metadata.js';

export type ConstKind =
  | 'int' | 'fp' | 'null' | 'undef' | 'poison' | 'zero' | 'none' | 'aggregate' | 'string'
  | 'expr' | 'blockaddress' | 'dso_local_equivalent' | 'no_cfi' | 'raw';

export abstract class Constant extends Value {
  readonly vk = 'const' as const;
  abstract readonly ck: ConstKind;
}

export class ConstantInt extends Constant {
  readonly ck = 'int' as const;
  constructor(type: Type, readonly value: bigint) { super(type); }
}
/**
 * Floating constants keep the spelling they were read with (decimal, `0x`
 * double bits, `0xK` x86_fp80, ...) so they print back exactly; constants the
 * tool creates are spelled as `0x` + the 64-bit pattern of the double value.
 */
export class ConstantFP extends Constant {
  readonly ck = 'fp' as const;
  constructor(type: Type, readonly text: string) { super(type); }
}
export class ConstantNull extends Constant { readonly ck = 'null' as const; }
export class ConstantUndef extends Constant { readonly ck = 'undef' as const; }
export class ConstantPoison extends Constant { readonly ck = 'poison' as const; }
/** `zeroinitializer` */
export class ConstantZero extends Constant { readonly ck = 'zero' as const; }
/** `none` (token) */
export class ConstantNone extends Constant { readonly ck = 'none' as const; }
/** Struct `{..}` / `<{..}>`, array `[..]`, vector `<..>` constants, or `splat (T v)`. */
export class ConstantAggregate extends Constant {
  readonly ck = 'aggregate' as const;
  constructor(type: Type, readonly elems: Value[], readonly splat = false) { super(type); }
}
/** `c"..."`: `text` is the raw escaped content. */
export class ConstantString extends Constant {
  readonly ck = 'string' as const;
  constructor(type: Type, readonly text: string) { super(type); }
}

export type ConstExprOp =
  | 'trunc' | 'zext' | 'sext' | 'fptrunc' | 'fpext' | 'fptoui' | 'fptosi' | 'uitofp' | 'sitofp'
  | 'ptrtoint' | 'inttoptr' | 'bitcast' | 'addrspacecast'
  | 'add' | 'sub' | 'mul' | 'udiv' | 'sdiv' | 'urem' | 'srem' | 'shl' | 'lshr' | 'ashr' | 'and' | 'or' | 'xor'
  | 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'frem' | 'fneg'
  | 'getelementptr' | 'icmp' | 'fcmp' | 'select'
  | 'extractelement' | 'insertelement' | 'shufflevector' | 'extractvalue' | 'insertvalue';

export class ConstantExpr extends Constant {
  readonly ck = 'expr' as const;
  /** GEP: source element type. */
  srcType: Type | null = null;
  /** icmp / fcmp predicate. */
  pred: string | null = null;
  /** extractvalue / insertvalue indices. */
  indices: number[] | null = null;
  /** LLVM >= 19 `inrange(a, b)` text after the GEP keywords. */
  inrange: string | null = null;
  /** LLVM <= 18 `inrange` before one GEP index: the index position (operand index), or -1. */
  inrangeIndex = -1;
  constructor(type: Type, readonly op: ConstExprOp, readonly operands: Value[], public flags = 0) {
    super(type);
  }
}

export class BlockAddress extends Constant {
  readonly ck = 'blockaddress' as const;
  constructor(type: Type, public fn: Value, public block: Value) { super(type); }
}
export class DSOLocalEquivalent extends Constant {
  readonly ck = 'dso_local_equivalent' as const;
  constructor(type: Type, public target: Value) { super(type); }
}
export class NoCFI extends Constant {
  readonly ck = 'no_cfi' as const;
  constructor(type: Type, public target: Value) { super(type); }
}
/** Rare forms kept verbatim (`ptrauth (...)`). */
export class ConstantRaw extends Constant {
  readonly ck = 'raw' as const;
  constructor(type: Type, readonly text: string) { super(type); }
}

/** `asm sideeffect "..." , "..."` used as a callee. Texts are raw (escaped) contents. */
export class InlineAsm extends Value {
  readonly vk = 'asm' as const;
  constructor(
    type: Type,
    readonly asm: string,
    readonly constraints: string,
    readonly sideeffect: boolean,
    readonly alignstack: boolean,
    readonly inteldialect: boolean,
    readonly unwind: boolean,
  ) { super(type); }
}

/** `metadata !3`, `metadata i32 %x` as a call operand. */
export class MetadataAsValue extends Value {
  readonly vk = 'metadata' as const;
  constructor(type: Type, public md: Metadata) { super(type); }
}

export function isConstant(v: Value): v is Constant { return v.vk === 'const'; }
