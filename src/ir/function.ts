import { Value } from './value.js';
import type { FunctionType, Type } from './types.js';
import { NO_ATTRS, type AttrList } from './attributes.js';
import type { Attachment } from './metadata.js';
import type { Instruction, Terminator } from './instructions.js';
import { isTerminator } from './instructions.js';

export class Argument extends Value {
  readonly vk = 'argument' as const;
  attrs: AttrList = NO_ATTRS;
  constructor(type: Type, public parent: Function, public index: number) { super(type); }
}

export class BasicBlock extends Value {
  readonly vk = 'block' as const;
  instructions: Instruction[] = [];
  constructor(type: Type, public parent: Function) { super(type); }

  get terminator(): Terminator | null {
    const last = this.instructions[this.instructions.length - 1];
    return last && isTerminator(last) ? last : null;
  }
  append(i: Instruction): Instruction {
    i.parent = this;
    this.instructions.push(i);
    return i;
  }
  insertBefore(i: Instruction, before: Instruction): Instruction {
    const at = this.instructions.indexOf(before);
    if (at < 0) throw new Error('insertBefore: anchor is not in this block');
    i.parent = this;
    this.instructions.splice(at, 0, i);
    return i;
  }
}

export interface ComdatRef {
  /** null for the short form `comdat` (same name as the global). */
  name: string | null;
}

/** What global variables, functions, aliases and ifuncs share (LangRef "Global Values"). */
export abstract class GlobalValue extends Value {
  linkage: string | null = null;
  preemption: string | null = null; // dso_local / dso_preemptable
  visibility: string | null = null;
  dllStorage: string | null = null;
  threadLocal: string | null = null; // raw: `thread_local` or `thread_local(initialexec)`
  unnamedAddr: string | null = null; // unnamed_addr / local_unnamed_addr
  addrspace: number | null = null; // explicit addrspace(N) in the definition
  partition: string | null = null; // raw quoted
  attachments: Attachment[] = [];
  /** Whether the definition was numbered (`@0`), so `name` holds the number. */
  numbered = false;
  constructor(type: Type, public valueType: Type) { super(type); }
}

export class GlobalVariable extends GlobalValue {
  readonly vk = 'global' as const;
  private initValue: Value | null = null;
  /**
   * The initializer while it is still unread source text (lazy loading), else null; the first
   * read of `init` parses it. Code that visits every global should skip such ones or ask their
   * text first (`mentionsGlobal`).
   */
  deferredInit: DeferredInit | null = null;
  get init(): Value | null {
    const d = this.deferredInit;
    if (d !== null) {
      this.deferredInit = null;
      this.initValue = d.materialize(this);
    }
    return this.initValue;
  }
  set init(v: Value | null) {
    this.deferredInit = null;
    this.initValue = v;
  }
  /** Whether there is an initializer (without reading a deferred one). */
  get hasInit(): boolean { return this.deferredInit !== null || this.initValue !== null; }
  isConstant = false;
  externallyInitialized = false;
  section: string | null = null; // raw quoted
  comdat: ComdatRef | null = null;
  align: number | null = null;
  codeModel: string | null = null; // raw quoted
  /** no_sanitize_address, sanitize_memtag, ... */
  sanitizer: string[] = [];
  attrs: AttrList = [];
}

/**
 * Source text the loader has not read yet (lazy loading, docs/architecture.md "Reading only
 * what is needed"): a function body or a metadata definition kept as written.
 */
export interface DeferredText {
  /** The text as written: a body from `{` through `}`, a metadata definition `!N = ...`. */
  text(): string;
  /** The whole source, and where the text is in it (`text()` is `source.slice(from, to)`). */
  readonly source: string;
  readonly from: number;
  readonly to: number;
  /** Whether the text refers to global `g` by its source spelling (a textual test: a mention in a comment counts). */
  mentionsGlobal(g: GlobalValue): boolean;
  /** Whether the text contains `needle` anywhere. */
  mentions(needle: string): boolean;
}

/** A global variable's initializer kept as source text; reading `GlobalVariable.init` materializes it. */
export interface DeferredInit extends DeferredText {
  /** Parses and binds the initializer of `g` (throws a DiagnosticError when it is invalid). */
  materialize(g: GlobalVariable): Value;
}

/** A function body kept as source text; reading `Function.blocks` materializes it. */
export interface DeferredBody extends DeferredText {
  /** Parses, binds and verifies the body into `f` (throws a DiagnosticError when it is invalid). */
  materialize(f: Function): void;
}

export class Function extends GlobalValue {
  readonly vk = 'function' as const;
  cconv: string | null = null;
  retAttrs: AttrList = [];
  fnAttrs: AttrList = [];
  args: Argument[] = [];
  private body: BasicBlock[] = [];
  /**
   * The body while it is still unread source text (lazy loading), else null. The first read of
   * `blocks` parses it, so code that only walks the functions it works on never sees the
   * difference; code that visits every function should skip deferred ones or ask their text
   * (`mentionsGlobal`) first.
   */
  deferred: DeferredBody | null = null;
  get blocks(): BasicBlock[] {
    const d = this.deferred;
    if (d !== null) {
      this.deferred = null;
      d.materialize(this);
    }
    return this.body;
  }
  set blocks(b: BasicBlock[]) {
    this.deferred = null;
    this.body = b;
  }
  /** Reads a deferred body now (no-op otherwise). */
  materialize(): void {
    if (this.deferred !== null) void this.blocks;
  }
  section: string | null = null;
  comdat: ComdatRef | null = null;
  align: number | null = null;
  gc: string | null = null;
  prefix: Value | null = null;
  prologue: Value | null = null;
  personality: Value | null = null;
  /** `declare` (no body) versus `define`. */
  isDeclaration = true;
  constructor(type: Type, public fnType: FunctionType) { super(type, fnType); }
  get entry(): BasicBlock | null { return this.blocks[0] ?? null; }
}

export class Alias extends GlobalValue {
  readonly vk = 'alias' as const;
  constructor(type: Type, valueType: Type, public aliasee: Value) { super(type, valueType); }
}

export class IFunc extends GlobalValue {
  readonly vk = 'ifunc' as const;
  constructor(type: Type, valueType: Type, public resolver: Value) { super(type, valueType); }
}

export type AnyGlobal = GlobalVariable | Function | Alias | IFunc;
