import type { Value } from './value.js';
import type { DeferredText } from './function.js';

/**
 * Metadata is structured-but-opaque: the tool parses it fully (so that
 * malformed metadata is diagnosed and references can be followed) and prints
 * it back exactly, but interprets only what it needs (`!dbg` locations, TBAA).
 */
export type Metadata = MDRef | MDString | MDTuple | MDSpecial | MDValue | MDRaw;

/** `!12` */
export class MDRef {
  readonly mk = 'ref' as const;
  constructor(readonly id: number, public pos = -1) {}
}
/** `!"text"`: `text` is the raw escaped content between the quotes. */
export class MDString {
  readonly mk = 'string' as const;
  constructor(readonly text: string) {}
}
/** `!{...}` / `distinct !{...}`; `null` elements print as `null`. */
export class MDTuple {
  readonly mk = 'tuple' as const;
  constructor(public distinct: boolean, readonly elems: (Metadata | null)[]) {}
}
/** `!DILocation(line: 3, scope: !7)`, `!DIExpression(DW_OP_deref)`, `!DIArgList(...)`. */
export class MDSpecial {
  readonly mk = 'special' as const;
  constructor(public distinct: boolean, readonly name: string, readonly fields: MDField[]) {}
  field(key: string): Metadata | undefined {
    return this.fields.find((f) => f.key === key)?.value;
  }
}
export interface MDField {
  key: string | null;
  value: Metadata;
}
/** A typed value used as metadata: `i32 1`, `ptr @f`, `ptr %x`. */
export class MDValue {
  readonly mk = 'value' as const;
  constructor(public value: Value) {}
}
/** Field contents that are not metadata: integers, enum words, `A | B` flag sets, quoted strings, `true`, `null`. */
export class MDRaw {
  readonly mk = 'raw' as const;
  constructor(readonly text: string) {}
}

/** `!name !N` on an instruction, function or global. */
export interface Attachment {
  kind: string;
  md: Metadata;
}

/** LLVM 19+ debug records (`#dbg_value(...)`), attached before an instruction. */
export interface DbgRecord {
  kind: string;
  args: Metadata[];
  pos: number;
}

export interface NamedMetadata {
  name: string;
  elems: Metadata[];
}

export interface MetadataDef {
  id: number;
  /** The node; reading it parses a deferred definition. */
  readonly node: Metadata;
  pos: number;
  /** Set while the definition is unread source text (lazy loading); null or absent once parsed. */
  readonly deferred?: DeferredText | null;
}
