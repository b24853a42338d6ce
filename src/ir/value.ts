import type { Type } from './types.js';

export type ValueKind =
  | 'argument' | 'block' | 'inst' | 'global' | 'function' | 'alias' | 'ifunc'
  | 'const' | 'asm' | 'metadata' | 'ref';

/**
 * Base of everything an instruction can use. Operands are references to these
 * objects, never names; `name` is the local / global name without its sigil,
 * or null for an unnamed value (numbered when printed).
 */
export abstract class Value {
  abstract readonly vk: ValueKind;
  name: string | null = null;
  /** Source offsets of the defining text, or -1 for values the tool created. */
  pos = -1;
  end = -1;
  constructor(public type: Type) {}
}

/**
 * A symbolic reference produced by the parser and replaced by the resolver.
 * None survive a successful resolve.
 */
export class RefValue extends Value {
  readonly vk = 'ref' as const;
  constructor(
    type: Type,
    readonly scope: 'local' | 'global',
    /** Name without sigil, or the number for `%12` / `@3`. */
    readonly ref: string,
    readonly numbered: boolean,
    pos: number,
    end: number,
  ) {
    super(type);
    this.pos = pos;
    this.end = end;
  }
}
