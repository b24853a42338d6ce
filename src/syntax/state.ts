// The actions behind the grammar: building IR objects from tokens, with the
// checks that need no lookup beyond what is already parsed (numbering, types
// of literals, result types). References stay RefValue until src/resolve.
import type { IToken } from 'chevrotain';
import { fail } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import { Module } from '../ir/module.js';
import { type Type, type FloatType, StructType, VoidType, isFloat, scalarOf } from '../ir/types.js';
import { RefValue, type Value } from '../ir/value.js';
import {
  ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt, ConstantNone, ConstantNull, ConstantPoison,
  ConstantRaw, ConstantString, ConstantUndef, ConstantZero, BlockAddress, DSOLocalEquivalent, NoCFI,
  InlineAsm, MetadataAsValue, type ConstExprOp,
} from '../ir/constants.js';
import { MDRef, type Attachment, type DbgRecord, type Metadata, type MetadataDef } from '../ir/metadata.js';
import type { Attr, AttrList } from '../ir/attributes.js';
import { Alias, Argument, BasicBlock, Function, GlobalVariable, IFunc, type AnyGlobal, type GlobalValue } from '../ir/function.js';
import {
  AllocaInst, AtomicRMWInst, BinaryInst, BrInst, CallBrInst, CallInst, CastInst, CatchRetInst, CatchSwitchInst,
  CleanupRetInst, CmpInst, CmpXchgInst, ExtractElementInst, ExtractValueInst, FenceInst, FreezeInst,
  FuncletPadInst, GEPInst, IndirectBrInst, InsertElementInst, InsertValueInst, InvokeInst, LandingPadInst,
  LoadInst, PhiInst, ResumeInst, RetInst, SelectInst, ShuffleVectorInst, StoreInst, SwitchInst, UnaryInst,
  UnreachableInst, VAArgInst, isTerminator, ICMP_PREDS, FCMP_PREDS, type BinaryOp, type CallBase, type CastOp, type Instruction,
  type Ordering, type OperandBundle,
} from '../ir/instructions.js';
import { FLAG_BY_WORD, FMF_ALL, allowedFlags } from '../ir/flags.js';
import { canonicalHexFP, fpLiteralProblem } from '../ir/fp.js';
import { dataLayoutProblem } from '../ir/datalayout.js';
import { aggregateElementType, castError, gepResultType, isSized } from '../ir/builder.js';
import { LocalScope, Resolver } from '../resolve/resolve.js';
import { typeText } from '../ir/verify.js';
import { sigilName, sigilNumber } from './lexer.js';
import * as T from './tokens.js';
import { DLL_STORAGE, LINKAGES, PREEMPTION, VISIBILITY, isCallingConv } from './classify.js';

/** A word before a global's `global` / `alias` or a function's return type, with its span once parsed. */
export type HeaderItem = (
  | { k: 'attr'; attr: Attr }
  | { k: 'word'; w: string }
  | { k: 'cc'; n: string }
  | { k: 'tls'; text: string }
  | { k: 'addrspace'; n: number }
) & { pos?: number; end?: number };

/**
 * The order LLVM's parser reads the words before `global` (or `alias`, `ifunc`) and before a
 * function's return type: each kind at most once, in this order (return attributes may repeat).
 */
const HEADER_RANK = {
  linkage: 0, preemption: 1, visibility: 2, dll: 3, tls: 4, cconv: 4, retattr: 5, unnamed: 5, addrspace: 6, extinit: 7,
} as const;
type HeaderKind = keyof typeof HEADER_RANK;
const HEADER_WHAT: Record<HeaderKind, string> = {
  linkage: 'a linkage', preemption: 'dso_local / dso_preemptable', visibility: 'a visibility', dll: 'a DLL storage class',
  tls: 'thread_local', cconv: 'a calling convention', retattr: 'a return attribute', unnamed: 'unnamed_addr',
  addrspace: 'addrspace(N)', extinit: 'externally_initialized',
};

/** Passed as the expected type of a callee: its real type is known only once the call is parsed. */
export const CALLEE_TYPE: Type = new VoidType();
/** Expected type of an aliasee written without one: the expression's own type. */
export const INFER_TYPE: Type = new VoidType();

export interface CallParts {
  fl: number;
  items: HeaderItem[];
  ty: Type;
  callee: Value;
  args: Value[];
  argAttrs: AttrList[];
  fnAttrs: AttrList;
  bundles: OperandBundle[] | null;
}


const FP_OPS = new Set(['fadd', 'fsub', 'fmul', 'fdiv', 'frem']);

const ICMP: ReadonlySet<string> = new Set(ICMP_PREDS);
const FCMP: ReadonlySet<string> = new Set(FCMP_PREDS);

/**
 * Arrays built with push() keep V8's growth slack (capacity 17 after the first push): on a
 * module of a million operands that is most of the IR's memory. Instructions keep exact copies.
 */
function trimArrays(i: Instruction): void {
  // operands of these come from array literals ([p], [v, p], [lhs, rhs]...), already exact
  const literal = i.op === 'load' || i.op === 'store' || i.op === 'br' || i.op === 'ret' || i.op === 'alloca' ||
    i instanceof BinaryInst || i instanceof CmpInst || i instanceof CastInst;
  if (!literal) i.operands = i.operands.slice();
  switch (i.op) {
    case 'phi': i.blocks = i.blocks.slice(); break;
    case 'extractvalue': case 'insertvalue': i.indices = i.indices.slice(); break;
    case 'switch': case 'indirectbr': case 'callbr': case 'catchswitch': i.successors = i.successors.slice(); break;
    case 'landingpad': i.clauses = i.clauses.slice(); break;
    default:
  }
  if (i.op === 'call' || i.op === 'invoke' || i.op === 'callbr') i.argAttrs = i.argAttrs.slice();
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}

export class ParseState {
  readonly m = new Module();
  readonly resolver: Resolver;
  readonly blockAddresses: BlockAddress[] = [];
  private globalNames = new Set<string>();
  private nextGlobalNum = 0;
  private fn: Function | null = null;
  private scope: LocalScope | null = null;
  private block: BasicBlock | null = null;
  private pendingDbg: DbgRecord[] | null = null;
  /** Constants are leaves shared by every use (as LLVM uniques them): one object per type and spelling. */
  private constCache = new Map<Type, Map<string, Value>>();
  private mdRefs = new Map<number, MDRef>();

  /**
   * Lazy loading (lazy.ts): called at the `}` of every body; true when the lexer skipped that
   * body (it handed over only its braces) and the body is now deferred.
   */
  deferBody: ((f: Function, close: number) => boolean) | null = null;
  /**
   * Set while lazy.ts reads a deferred entity: the function whose body is being read (its header
   * is parsed again into a throwaway shell), or where a metadata node goes.
   */
  remat: { fn: Function } | { md: (node: Metadata) => void } | { global: (shell: GlobalVariable) => void } | null = null;
  /** Lazy loading (lazy.ts): told of every global variable as it is defined. */
  onGlobalVar: ((g: GlobalVariable) => void) | null = null;

  constructor(readonly file: SourceFile, readonly opaque: boolean) {
    this.m.dialect = opaque ? 'opaque' : 'typed';
    this.m.fileName = file.name;
    this.resolver = new Resolver(this.m, file);
  }
  get scopes(): Map<Function, LocalScope> { return this.resolver.scopes; }
  /** Whether function bodies are bound as they are parsed (off to measure the parser alone). */
  resolveBodies = true;

  /** Source text from offset `start` through token `end` (inclusive); `inner` drops the closing token. */
  text(start: number, end: IToken, inner = false): string {
    return this.file.text.slice(start, inner ? end.startOffset : end.startOffset + end.image.length);
  }

  private err(code: Parameters<typeof fail>[0], msg: string, tok: IToken | { startOffset: number; image: string }, notes?: string[]): never {
    fail(code, msg, this.file, tok.startOffset, tok.startOffset + tok.image.length, notes);
  }
  /** First token of the instruction (or global) being parsed. */
  curInstTok: IToken | null = null;
  /** Where each value bound on the spot was referenced in the current instruction (for diagnostics). */
  private readonly useValues: Value[] = [];
  private readonly useTokens: IToken[] = [];
  private uses = 0;
  beginInstruction(first: IToken): void {
    this.curInstTok = first;
    this.uses = 0;
  }
  /**
   * An error about an operand. Placeholders and constants carry the span of this use; a value
   * bound on the spot carries its definition's, so the error points at the instruction instead.
   */
  private errAt(code: Parameters<typeof fail>[0], msg: string, v: Value): never {
    for (let k = this.uses - 1; k >= 0; k--) if (this.useValues[k] === v) this.err(code, msg, this.useTokens[k]!);
    const atUse = (v.vk === 'ref' || v.vk === 'const') && v.pos >= 0;
    if (!atUse && this.curInstTok) this.err(code, msg, this.curInstTok);
    fail(code, msg, this.file, v.pos, v.end);
  }

  // ------------------------------------------------------------- module level
  /** `target datalayout = "..."`: LLVM parses the string when it reads it, and so does this. */
  dataLayout(tok: IToken): void {
    const body = tok.image.slice(1, -1);
    const p = body.includes('\\') ? null : dataLayoutProblem(body);
    if (p) fail('E0205', p.message, this.file, tok.startOffset + 1 + p.at, tok.startOffset + 1 + p.at + p.len);
    this.m.datalayout = tok.image;
  }
  addComdat(tok: IToken, kind: string): void {
    this.m.comdats.push({ name: sigilName(tok), kind });
  }
  addAttrGroup(tok: IToken, attrs: AttrList): void {
    const id = Number(tok.image.slice(1));
    if (this.m.attrGroups.has(id)) this.err('E0102', `attribute group #${id} is defined twice`, tok);
    this.m.attrGroups.set(id, { id, attrs });
  }
  addMetadata(tok: IToken, distinct: boolean, node: Metadata): void {
    if (distinct && (node.mk === 'tuple' || node.mk === 'special')) node.distinct = true;
    const r = this.remat;
    if (r !== null && 'md' in r) { r.md(node); return; }
    const id = Number(tok.image.slice(1));
    if (!this.resolver.defineMetadata(id)) this.err('E0102', `metadata !${id} is defined twice`, tok);
    this.m.metadata.push({ id, node, pos: tok.startOffset });
  }
  /** A metadata definition kept as text (lazy.ts): `!id` at `pos` is defined, its node read later. */
  addDeferredMetadata(def: MetadataDef, idEnd: number): void {
    if (!this.resolver.defineMetadata(def.id)) fail('E0102', `metadata !${def.id} is defined twice`, this.file, def.pos, idEnd);
    this.m.metadata.push(def);
  }
  defineType(tok: IToken, body: Type | null): void {
    const name = sigilName(tok);
    const t = this.m.types.namedStruct(name);
    if (t.defined) this.err('E0102', `type %${name} is defined twice`, tok);
    t.defined = true;
    t.numbered = tok.tokenType.name === 'LocalId';
    t.pos = tok.startOffset;
    if (body !== null) {
      if (body.kind === 'struct' && body.name === null) {
        t.elems = body.elems;
        t.packed = body.packed;
      } else {
        // `%T = type i32` (non-struct named types) is not valid LLVM since 3.0
        this.err('E0202', `named type %${name} must be a struct or opaque`, tok);
      }
    }
    this.m.types.namedOrder.push(t);
  }
  namedType(tok: IToken): StructType {
    const t = this.m.types.namedStruct(sigilName(tok));
    if (t.pos < 0) t.pos = tok.startOffset;
    return t;
  }
  /** An alignment: a power of two, at most 2^32 (LLVM's limit). */
  align(tok: IToken): number {
    const n = Number(tok.image);
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32 && Number.isInteger(Math.log2(n)))) this.err('E0204', `alignment ${tok.image} is not a power of two up to 2^32`, tok);
    return n;
  }
  vectorType(n: IToken, elem: Type, scalable: boolean): Type {
    const count = Number(n.image);
    if (count < 1) this.err('E0202', 'a vector needs at least one element', n);
    if (elem.kind !== 'int' && elem.kind !== 'float' && elem.kind !== 'pointer') this.err('E0202', `vectors of ${typeText(elem)} are invalid`, n);
    return this.m.types.vector(count, elem, scalable);
  }
  intType(tok: IToken): Type {
    const bits = tok.endOffset! - tok.startOffset > 8 ? Infinity : sigilNumber(tok);
    if (!(bits >= 1 && bits <= 8388608)) this.err('E0202', `invalid integer width ${tok.image}`, tok);
    return this.m.types.int(bits);
  }
  pointerTo(t: Type, addrspace: number, tok: IToken): Type {
    if (t.kind === 'pointer' && t.pointee === null) this.err('E0202', 'ptr* is invalid: use ptr', tok);
    if (t.kind === 'void' || t.kind === 'label' || t.kind === 'metadata' || t.kind === 'token') {
      this.err('E0202', `pointers to ${t.kind} are invalid`, tok);
    }
    return this.opaque ? this.m.types.opaquePtr(addrspace) : this.m.types.typedPtr(t, addrspace);
  }

  private defineGlobalName(tok: IToken, g: GlobalValue): void {
    const name = sigilName(tok);
    if (this.globalNames.has(name)) this.err('E0102', `@${name} is defined twice`, tok);
    if (tok.tokenType.name === 'GlobalId') {
      if (Number(name) !== this.nextGlobalNum) {
        this.err('E0103', `global @${name} is out of order: expected @${this.nextGlobalNum}`, tok);
      }
      this.nextGlobalNum++;
      g.numbered = true;
    }
    this.globalNames.add(name);
    this.resolver.defineGlobal(name, g as AnyGlobal);
    g.name = name;
    g.pos = tok.startOffset;
    g.end = tok.startOffset + tok.image.length;
  }

  /**
   * Sorts header items into linkage, visibility, ...; returns the rest (return attributes), in
   * order. The words must come in LLVM's order (HEADER_RANK) and fit the entity: `kind` is
   * `function` (linkage to return attributes), `global` (linkage to externally_initialized),
   * or `alias` (linkage to unnamed_addr).
   */
  private applyHeader(g: GlobalValue, items: HeaderItem[], kind: 'function' | 'global' | 'alias', cconv?: (c: string) => void): AttrList {
    const rest: AttrList = [];
    this.linkageAt = null;
    let rank = -1;
    let prev = '';
    const at = (it: HeaderItem): [number, number] => (it.pos !== undefined ? [it.pos, it.end!] : [g.pos, g.end]);
    for (const it of items) {
      let hk: HeaderKind;
      let word: string;
      switch (it.k) {
        case 'word':
          word = it.w;
          hk = it.w === 'weak' ? 'linkage' : it.w === 'externally_initialized' ? 'extinit' : 'unnamed';
          break;
        case 'cc': word = `cc ${it.n}`; hk = 'cconv'; break;
        case 'tls': word = it.text; hk = 'tls'; break;
        case 'addrspace': word = `addrspace(${it.n})`; hk = 'addrspace'; break;
        case 'attr': {
          const a = it.attr;
          word = a.k === 'word' || a.k === 'type' ? a.name : a.k === 'str' ? a.key : `#${a.id}`;
          const w = a.k === 'word' && a.arg === null ? a.name : '';
          hk = LINKAGES.has(w) ? 'linkage' : PREEMPTION.has(w) ? 'preemption' : VISIBILITY.has(w) ? 'visibility'
            : DLL_STORAGE.has(w) ? 'dll' : cconv && isCallingConv(w) ? 'cconv' : 'retattr';
        }
      }
      const allowed = kind === 'function'
        ? hk !== 'tls' && hk !== 'unnamed' && hk !== 'addrspace' && hk !== 'extinit'
        : hk !== 'cconv' && hk !== 'retattr' && (kind === 'global' || (hk !== 'addrspace' && hk !== 'extinit'));
      if (!allowed) {
        const [p, e] = at(it);
        const where = kind === 'function' ? 'before the return type of a function' : kind === 'global' ? 'in a global variable definition' : `in an ${g instanceof Alias ? 'alias' : 'ifunc'}`;
        fail('E0001', hk === 'retattr' ? `unknown keyword '${word}' ${where}` : `${HEADER_WHAT[hk]} is not valid ${where}`, this.file, p, e,
          hk === 'unnamed' || hk === 'addrspace' ? ['on a function it goes after the parameter list'] : undefined);
      }
      const r = HEADER_RANK[hk];
      if (r < rank || (r === rank && hk !== 'retattr')) {
        const [p, e] = at(it);
        fail('E0001', `'${word}' is out of place after '${prev}': LLVM reads linkage, dso_local, visibility, DLL storage, ` +
          (kind === 'function' ? 'calling convention, then return attributes' : 'thread_local, unnamed_addr, addrspace, externally_initialized') + ', in this order', this.file, p, e);
      }
      rank = r;
      prev = word;
      switch (hk) {
        case 'linkage': g.linkage = word; this.linkageAt = at(it); break;
        case 'preemption': g.preemption = word; break;
        case 'visibility': g.visibility = word; break;
        case 'dll': g.dllStorage = word; break;
        case 'cconv': cconv!(word); break;
        case 'tls': g.threadLocal = word; break;
        case 'unnamed': g.unnamedAddr = word; break;
        case 'addrspace': g.addrspace = (it as { n: number }).n; break;
        case 'extinit': (g as GlobalVariable).externallyInitialized = true; break;
        case 'retattr': rest.push((it as { attr: Attr }).attr); break;
      }
    }
    return rest;
  }

  /** Span of the linkage word of the header just applied (null: none written, `external`). */
  private linkageAt: [number, number] | null = null;

  /**
   * The linkage a declaration, definition, alias or ifunc may have (LLParser): declarations
   * are external or extern_weak; a function is never appending or common; an alias or ifunc is
   * not available_externally, common, appending or extern_weak; local linkage needs default
   * visibility and no DLL storage class.
   */
  private checkLinkage(g: GlobalValue, what: 'function definition' | 'function declaration' | 'global declaration' | 'alias' | 'ifunc'): void {
    const l = g.linkage ?? 'external';
    const [p, e] = this.linkageAt ?? [g.pos, g.end];
    const bad = (msg: string): never => fail('E0001', msg, this.file, p, e);
    switch (what) {
      case 'function definition': case 'function declaration':
        if (l === 'appending' || l === 'common') bad(`${l} linkage is not valid for a function`);
        if (what === 'function definition' && l === 'extern_weak') bad('extern_weak linkage is not valid for a function definition');
        if (what === 'function declaration' && l !== 'external' && l !== 'extern_weak') bad(`${l} linkage is not valid for a function declaration (only external or extern_weak)`);
        break;
      case 'global declaration':
        break; // a declaration is read only after external / extern_weak (isExternalDecl)
      case 'alias': case 'ifunc':
        if (['available_externally', 'common', 'appending', 'extern_weak'].includes(l)) bad(`${l} linkage is not valid for an ${what}`);
        break;
    }
    if ((l === 'private' || l === 'internal') && g.visibility !== null && g.visibility !== 'default') {
      fail('E0001', `a symbol with ${l} linkage must have default visibility, not ${g.visibility}`, this.file, p, e);
    }
    if ((l === 'private' || l === 'internal') && g.dllStorage !== null) {
      fail('E0001', `a symbol with ${l} linkage cannot have a DLL storage class`, this.file, p, e);
    }
  }

  missingInit(g: GlobalVariable): never {
    fail('E0001', `@${g.name} needs an initializer (or external / extern_weak linkage for a declaration)`, this.file, g.pos, g.end);
  }
  isExternalDecl(items: HeaderItem[]): boolean {
    return items.some((i) => i.k === 'attr' && i.attr.k === 'word' && (i.attr.name === 'external' || i.attr.name === 'extern_weak'));
  }

  beginGlobalVar(tok: IToken, items: HeaderItem[], isConst: boolean, ty: Type): GlobalVariable {
    this.beginInstruction(tok);
    const g = new GlobalVariable(this.m.types.void, ty);
    const r = this.remat;
    // reading a deferred initializer: the line, parsed once already, goes into a shell nobody keeps
    if (r !== null && 'global' in r) { g.name = sigilName(tok); g.pos = tok.startOffset; g.end = tok.startOffset + tok.image.length; r.global(g); } else this.defineGlobalName(tok, g);
    this.applyHeader(g, items, 'global');
    if (r === null) this.checkLinkage(g, 'global declaration');
    g.type = this.m.ptrTo(ty, g.addrspace ?? 0);
    g.isConstant = isConst;
    if (r === null) {
      this.m.globals.push(g);
      this.onGlobalVar?.(g);
    }
    return g;
  }

  addAliasOrIFunc(tok: IToken, items: HeaderItem[], kind: 'alias' | 'ifunc', vty: Type, target: Value): Alias | IFunc {
    const g = kind === 'alias' ? new Alias(this.m.types.void, vty, target) : new IFunc(this.m.types.void, vty, target);
    this.defineGlobalName(tok, g);
    this.applyHeader(g, items, 'alias');
    this.checkLinkage(g, kind);
    g.type = this.m.ptrTo(vty, g.addrspace ?? (target.type.kind === 'pointer' ? target.type.addrspace : 0));
    if (g instanceof Alias) this.m.aliases.push(g); else this.m.ifuncs.push(g);
    return g;
  }

  nameOf(tok: IToken): string { return sigilName(tok); }

  beginFunction(
    kw: IToken, tok: IToken, items: HeaderItem[], ret: Type,
    params: { type: Type; attrs: AttrList; name: IToken | undefined }[], vararg: boolean, pre: Attachment[],
  ): Function {
    const fnType = this.m.types.fn(ret, params.map((p) => p.type), vararg);
    const f = new Function(this.m.types.void, fnType);
    // reading a deferred body: the header, parsed once already, goes into a shell nobody keeps
    const shell = this.remat !== null;
    if (shell) { f.name = sigilName(tok); f.pos = tok.startOffset; f.end = tok.startOffset + tok.image.length; } else this.defineGlobalName(tok, f);
    f.retAttrs = this.applyHeader(f, items, 'function', (c) => { f.cconv = c; });
    if (!shell) this.checkLinkage(f, kw.image === 'declare' ? 'function declaration' : 'function definition');
    f.type = this.m.ptrTo(fnType, 0);
    f.isDeclaration = kw.image === 'declare';
    f.attachments.push(...pre);
    const scope = new LocalScope();
    params.forEach((p, i) => {
      // (LLVM reads `label` parameters; metadata and token ones only for intrinsics, which the verifier checks)
      if (p.type.kind === 'void') this.err('E0202', `invalid parameter type ${p.type.kind}`, tok);
      const a = new Argument(p.type, f, i);
      a.attrs = p.attrs;
      if (p.name) {
        a.pos = p.name.startOffset;
        a.end = p.name.startOffset + p.name.image.length;
        this.defineLocal(scope, a, p.name);
      } else if (!f.isDeclaration) {
        scope.numbered.push(a);
        scope.next++;
      }
      f.args.push(a);
    });
    if (!shell) {
      this.scopes.set(f, scope);
      this.m.functions.push(f);
    }
    return f;
  }

  fnTrailingAttr(f: Function, a: Attr): void {
    if (a.k === 'word' && a.name === 'align' && a.arg !== null && !a.paren) f.align = Number(a.arg);
    else f.fnAttrs.push(a);
  }
  fnAddrspace(f: Function, n: number): void {
    f.addrspace = n;
    f.type = this.m.ptrTo(f.fnType, n);
  }

  // ------------------------------------------------------------ use-list orders
  /**
   * A use-list order directive only permutes the order LLVM keeps the uses of a value in,
   * which nothing in this tool observes. It is checked as LLVM checks it (the indexes form a
   * permutation that changes the order, the value or block exists) and then dropped: printing
   * it back would be wrong as soon as the tool adds uses, and a module LLVM writes without
   * the directives is the same module.
   */
  private useListIndexes(idx: IToken[]): void {
    const open = idx[0]!;
    const n = idx.length - 1;
    if (n < 2) this.err('E0109', 'expected >= 2 uselistorder indexes', open);
    const seen = new Uint8Array(n);
    let ordered = true;
    for (let k = 1; k <= n; k++) {
      const v = Number(idx[k]!.image);
      if (!(Number.isInteger(v) && v >= 0 && v < n) || seen[v]) this.err('E0109', 'expected distinct uselistorder indexes in range [0, size)', open);
      seen[v] = 1;
      if (v !== k - 1) ordered = false;
    }
    if (ordered) this.err('E0109', 'expected uselistorder indexes to change the order', open);
  }
  useListOrder(kw: IToken, v: Value, idx: IToken[]): void {
    this.beginInstruction(kw);
    this.useListIndexes(idx);
    if (this.fn) this.bodyUseLists.push(v); else this.resolver.useLists.push(v);
  }
  useListOrderBB(kw: IToken, fn: IToken, bb: IToken, idx: IToken[]): void {
    this.beginInstruction(kw);
    this.useListIndexes(idx);
    this.resolver.useListBlocks.push({
      fn: new RefValue(this.m.types.label, 'global', sigilName(fn), fn.tokenType.name === 'GlobalId', fn.startOffset, fn.startOffset + fn.image.length),
      block: new RefValue(this.m.types.label, 'local', sigilName(bb), bb.tokenType.name === 'LocalId', bb.startOffset, bb.startOffset + bb.image.length),
    });
  }
  /** Values named by the use-list order directives of the body being parsed (bound with it, then dropped). */
  private bodyUseLists: Value[] = [];

  // ------------------------------------------------------------ function body
  private defineLocal(scope: LocalScope, v: Value, tok: IToken): void {
    this.defineLocalName(scope, v, sigilName(tok), tok.tokenType.name === 'LocalId', tok);
  }

  /** Defines `%name` (or the next number when `numbered`) in the function's scope. */
  private defineLocalName(scope: LocalScope, v: Value, name: string, numbered: boolean, tok: IToken): void {
    if (numbered) {
      const n = Number(name);
      if (n !== scope.next) {
        this.err('E0103', `%${name} is out of order: the next unnamed value must be %${scope.next}`, tok,
          ['unnamed values (arguments, blocks, instructions) are numbered consecutively from %0 in order of definition']);
      }
      scope.numbered.push(v);
      scope.next++;
    } else {
      if (scope.named.has(name)) this.err('E0102', `%${name} is defined twice`, tok);
      scope.named.set(name, v);
      v.name = name;
    }
  }

  beginBody(parsed: Function): void {
    const r = this.remat;
    const f = r !== null && 'fn' in r ? r.fn : parsed;
    this.fn = f;
    // a deferred body gets the scope its header made (parameters only, so far)
    this.scope = this.scopes.get(f)!;
    this.block = null;
    this.pendingDbg = null;
    f.isDeclaration = false;
  }

  endBody(end: IToken): void {
    const f = this.fn!;
    if (this.deferBody !== null && this.remat === null && this.deferBody(f, end.startOffset)) {
      this.fn = null;
      this.scope = null;
      return;
    }
    if (this.block) {
      const last = this.block.instructions[this.block.instructions.length - 1];
      const where = last ?? this.block;
      fail('E0301', `block ${this.blockLabel(this.block)} does not end with a terminator`, this.file,
        where.pos >= 0 ? where.pos : end.startOffset, where.pos >= 0 ? where.end : end.startOffset + 1,
        ['every block must end with ret, br, switch, unreachable or another terminator']);
    }
    if (this.pendingDbg) fail('E0001', 'debug record must precede an instruction', this.file, this.pendingDbg[0]!.pos);
    if (f.blocks.length === 0) this.err('E0306', `function @${f.name} has a body without blocks`, end);
    for (const b of f.blocks) b.instructions = b.instructions.slice();
    f.blocks = f.blocks.slice();
    if (this.resolveBodies) this.resolver.body(f, this.scope!, this.bodyUseLists);
    this.bodyUseLists = [];
    this.fn = null;
    this.scope = null;
  }

  private blockLabel(b: BasicBlock): string {
    return b.name !== null ? `%${b.name}` : `%${this.scope!.numbered.indexOf(b)}`;
  }

  private newBlock(tok: IToken | null, at: number): BasicBlock {
    const b = new BasicBlock(this.m.types.label, this.fn!);
    b.pos = at;
    b.end = tok ? at + tok.image.length : at;
    if (tok) {
      const raw = tok.image.slice(0, -1);
      const quoted = raw.charCodeAt(0) === 0x22;
      const name = quoted ? raw.slice(1, -1) : raw;
      this.defineLocalName(this.scope!, b, name, !quoted && isDigits(name), tok);
    } else {
      this.scope!.numbered.push(b);
      this.scope!.next++;
    }
    this.fn!.blocks.push(b);
    return b;
  }

  label(tok: IToken): void {
    if (this.block) {
      const last = this.block.instructions[this.block.instructions.length - 1];
      fail('E0301', `block ${this.blockLabel(this.block)} does not end with a terminator`, this.file,
        last ? last.pos : tok.startOffset, last ? last.end : tok.startOffset + 1,
        ['every block must end with ret, br, switch, unreachable or another terminator']);
    }
    this.block = this.newBlock(tok, tok.startOffset);
  }

  dbgRecord(kw: IToken, args: Metadata[]): void {
    (this.pendingDbg ??= []).push({ kind: kw.image.slice(5), args, pos: kw.startOffset });
  }

  addInstruction(inst: Instruction, res: IToken | undefined, first: IToken, last: IToken): void {
    trimArrays(inst);
    inst.pos = first.startOffset;
    inst.end = last.startOffset + last.image.length;
    if (!this.block) this.block = this.newBlock(null, first.startOffset);
    if (res) {
      inst.pos = res.startOffset;
      if (inst.type.kind === 'void') this.err('E0201', `instruction returning void cannot be named ${res.image}`, res);
      this.defineLocal(this.scope!, inst, res);
    } else if (inst.type.kind !== 'void') {
      this.scope!.numbered.push(inst);
      this.scope!.next++;
    }
    if (this.pendingDbg) { inst.dbg = this.pendingDbg; this.pendingDbg = null; }
    this.block.append(inst);
    if (isTerminator(inst)) this.block = null;
  }

  // ------------------------------------------------------------------ values
  /**
   * A local reference: bound on the spot when the name is already defined (most SSA references
   * point backwards), a RefValue placeholder otherwise (forward branches, phis of later values).
   */
  localRef(ty: Type, tok: IToken): Value {
    if (!this.fn) this.err('E0101', `local value ${tok.image} used outside a function body`, tok);
    const numbered = tok.tokenType === T.LocalId;
    if (ty !== CALLEE_TYPE) {
      // a backward reference (the common case) is bound without cutting the name out of the source
      const v = numbered ? this.scope!.numbered[sigilNumber(tok)] : this.scope!.named.get(sigilName(tok));
      if (v) return this.checkRef(v, ty, tok, '%');
    }
    const name = sigilName(tok);
    return new RefValue(ty, 'local', name, numbered, tok.startOffset, tok.endOffset! + 1);
  }
  /** A global reference: bound on the spot when the global is already defined. */
  globalRef(ty: Type, tok: IToken): Value {
    const name = sigilName(tok);
    if (ty !== CALLEE_TYPE && ty !== this.m.types.label) {
      const g = this.resolver.lookupGlobal(name);
      if (g) return this.checkRef(g, ty, tok, '@');
    }
    return new RefValue(ty, 'global', name, tok.tokenType === T.GlobalId, tok.startOffset, tok.endOffset! + 1);
  }
  private checkRef(v: Value, ty: Type, tok: IToken, sigil: string): Value {
    this.useValues[this.uses] = v;
    this.useTokens[this.uses++] = tok;
    if (v.type !== ty) {
      const name = sigilName(tok);
      if (ty === this.m.types.label && v.vk !== 'block') this.err('E0105', `${sigil}${name} is not a block`, tok);
      this.err('E0201', `${sigil}${name} has type ${typeText(v.type)} but is used as ${typeText(ty)}`, tok);
    }
    return v;
  }
  private at<V extends Value>(v: V, tok: IToken, end?: IToken): V {
    v.pos = tok.startOffset;
    v.end = (end ?? tok).startOffset + (end ?? tok).image.length;
    return v;
  }
  private expectKind(ty: Type, ok: boolean, what: string, tok: IToken): void {
    if (!ok && ty !== CALLEE_TYPE) this.err('E0204', `${what} is not a valid constant of type ${typeText(ty)}`, tok);
  }
  /** The interned constant of type `ty` spelled `key`, if made before. */
  private internedGet(ty: Type, key: string): Value | undefined {
    return this.constCache.get(ty)?.get(key);
  }
  private intern(ty: Type, key: string, c: Value): Value {
    let m = this.constCache.get(ty);
    if (!m) { m = new Map(); this.constCache.set(ty, m); }
    m.set(key, c);
    return c;
  }
  /** An interned constant at this use: its span is that of the latest use, i.e. inside the instruction being parsed. */
  private use(c: Value, tok: IToken): Value {
    c.pos = tok.startOffset;
    c.end = tok.startOffset + tok.image.length;
    return c;
  }
  private wordAttrs = new Map<string, Attr>();
  /** A bare word attribute (`noundef`, `nonnull`...): immutable, so one object per word. */
  wordAttr(tok: IToken): Attr {
    const name = tok.image;
    let a = this.wordAttrs.get(name);
    if (!a) { a = { k: 'word', name, arg: null, paren: false }; this.wordAttrs.set(name, a); }
    return a;
  }
  private attachmentCache = new Map<string, Map<MDRef, Attachment>>();
  /** `!kind !N`: immutable, so one object per kind and node (most loads and stores carry `!tbaa`). */
  attachment(k: IToken, md: Metadata): Attachment {
    const kind = k.image.slice(1);
    if (md.mk !== 'ref') return { kind, md };
    let byNode = this.attachmentCache.get(kind);
    if (!byNode) { byNode = new Map(); this.attachmentCache.set(kind, byNode); }
    let a = byNode.get(md);
    if (!a) { a = { kind, md }; byNode.set(md, a); }
    return a;
  }
  /** `!N`, one object per number (its position is the first use, for the diagnostic if !N is never defined). */
  mdRef(tok: IToken): MDRef {
    const id = sigilNumber(tok);
    let r = this.mdRefs.get(id);
    if (!r) { r = new MDRef(id, tok.startOffset); this.mdRefs.set(id, r); }
    return r;
  }
  intConst(ty: Type, tok: IToken): Value {
    if (ty !== CALLEE_TYPE && ty.kind === 'int') {
      const key = tok.image;
      return this.use(this.internedGet(ty, key) ?? this.intern(ty, key, this.makeInt(ty, tok)), tok);
    }
    return this.makeInt(ty, tok);
  }
  private makeInt(ty: Type, tok: IToken): Value {
    const img = tok.image;
    this.expectKind(ty, ty.kind === 'int', `integer ${img}`, tok);
    let v: bigint;
    if (tok.tokenType.name === 'HexInt') {
      v = BigInt('0x' + img.slice(3));
      const bits = ty.kind === 'int' ? BigInt(ty.bits) : 64n;
      if (img[0] === 's' && v >> (bits - 1n) & 1n) v -= 1n << bits;
    } else {
      v = BigInt(img);
    }
    // LLVM reduces a literal to its type's width (`i8 300` is 44); in-range values stay as written
    if (ty.kind === 'int') {
      const b = BigInt(ty.bits);
      if (v >= 1n << b || v < -(1n << (b - 1n))) v = ty.bits === 1 ? BigInt.asUintN(1, v) : BigInt.asIntN(ty.bits, v);
    }
    return this.at(new ConstantInt(ty, v), tok);
  }
  fpConst(ty: Type, tok: IToken): Value {
    this.expectKind(ty, isFloat(ty), `floating-point number ${tok.image}`, tok);
    const key = canonicalHexFP(tok.image);
    const cached = this.internedGet(ty, key);
    if (cached) return this.use(cached, tok);
    const problem = fpLiteralProblem(key, (ty as FloatType).fk);
    if (problem) this.err('E0204', `floating-point constant ${tok.image} ${problem}`, tok);
    return this.use(this.intern(ty, key, this.at(new ConstantFP(ty, key), tok)), tok);
  }
  boolConst(ty: Type, tok: IToken, b: boolean): Value {
    this.expectKind(ty, ty.kind === 'int' && ty.bits === 1, `'${tok.image}'`, tok);
    const key = b ? '1' : '0';
    return this.use(this.internedGet(ty, key) ?? this.intern(ty, key, this.at(new ConstantInt(ty, b ? 1n : 0n), tok)), tok);
  }
  simpleConst(ty: Type, tok: IToken, kind: 'null' | 'none' | 'undef' | 'poison' | 'zero'): Value {
    if (ty === CALLEE_TYPE) return this.makeSimple(ty, tok, kind);
    return this.use(this.internedGet(ty, kind) ?? this.intern(ty, kind, this.makeSimple(ty, tok, kind)), tok);
  }
  private makeSimple(ty: Type, tok: IToken, kind: 'null' | 'none' | 'undef' | 'poison' | 'zero'): Value {
    switch (kind) {
      case 'null':
        this.expectKind(ty, ty.kind === 'pointer' || ty.kind === 'target', 'null', tok);
        return this.at(new ConstantNull(ty), tok);
      case 'none':
        this.expectKind(ty, ty.kind === 'token', 'none', tok);
        return this.at(new ConstantNone(ty), tok);
      case 'undef':
        this.expectKind(ty, ty.kind !== 'void' && ty.kind !== 'label' && ty.kind !== 'function', 'undef', tok);
        return this.at(new ConstantUndef(ty), tok);
      case 'poison':
        this.expectKind(ty, ty.kind !== 'void' && ty.kind !== 'label' && ty.kind !== 'function', 'poison', tok);
        return this.at(new ConstantPoison(ty), tok);
      case 'zero':
        this.expectKind(ty, ty.kind !== 'void' && ty.kind !== 'label' && ty.kind !== 'function' && ty.kind !== 'metadata', 'zeroinitializer', tok);
        return this.at(new ConstantZero(ty), tok);
    }
  }
  cstring(ty: Type, tok: IToken): Value {
    const raw = tok.image.slice(2, -1);
    let len = 0;
    for (let i = 0; i < raw.length; i++, len++) {
      if (raw.charCodeAt(i) !== 0x5c) continue;
      if (raw.charCodeAt(i + 1) === 0x5c) i += 1;
      else if (/^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) i += 2;
    }
    const ok = ty.kind === 'array' && ty.elem.kind === 'int' && ty.elem.bits === 8 && ty.count === len;
    if (!ok && ty !== CALLEE_TYPE) {
      this.err('E0204', `string of ${len} bytes does not fit type ${typeText(ty)}`, tok);
    }
    return this.at(new ConstantString(ty, raw), tok);
  }
  aggregate(ty: Type, elems: Value[], kind: 'struct' | 'packed' | 'array' | 'vector', open: IToken, close: IToken): Value {
    const mismatch = (msg: string): never => fail('E0204', msg, this.file, open.startOffset, close.startOffset + close.image.length);
    const tyS = typeText(ty);
    if (kind === 'struct' || kind === 'packed') {
      if (ty.kind !== 'struct' || ty.packed !== (kind === 'packed') || !ty.elems) mismatch(`${kind === 'packed' ? 'packed struct' : 'struct'} constant does not match type ${tyS}`);
      const want = (ty as StructType).elems!;
      if (want.length !== elems.length) mismatch(`struct constant has ${elems.length} elements but type ${tyS} has ${want.length}`);
      elems.forEach((e, i) => { if (e.type !== want[i]) this.errAt('E0201', `element ${i} has type ${typeText(e.type)} but ${tyS} expects ${typeText(want[i]!)}`, e); });
    } else {
      if (ty.kind !== kind) mismatch(`${kind} constant does not match type ${tyS}`);
      const t = ty as { count: number; elem: Type };
      if (t.count !== elems.length) mismatch(`${kind} constant has ${elems.length} elements but type ${tyS} has ${t.count}`);
      for (const e of elems) if (e.type !== t.elem) this.errAt('E0201', `element has type ${typeText(e.type)} but ${tyS} expects ${typeText(t.elem)}`, e);
    }
    return this.at(new ConstantAggregate(ty, elems.slice()), open, close);
  }
  splat(ty: Type, v: Value, kw: IToken, close: IToken): Value {
    if (ty.kind !== 'vector' || ty.elem !== v.type) this.err('E0204', `splat of ${typeText(v.type)} does not match type ${typeText(ty)}`, kw);
    return this.at(new ConstantAggregate(ty, [v], true), kw, close);
  }
  blockAddress(ty: Type, fn: Value, bb: IToken, kw: IToken): Value {
    const ref = new RefValue(this.m.types.label, 'local', sigilName(bb), bb.tokenType.name === 'LocalId', bb.startOffset, bb.startOffset + bb.image.length);
    const c = this.at(new BlockAddress(ty, fn, ref), kw, bb);
    this.blockAddresses.push(c);
    return c;
  }
  globalWrapper(ty: Type, kw: IToken, g: IToken): Value {
    const ref = this.globalRef(ty, g);
    return this.at(kw.image === 'no_cfi' ? new NoCFI(ty, ref) : new DSOLocalEquivalent(ty, ref), kw, g);
  }
  rawConst(ty: Type, kw: IToken, close: IToken): Value {
    return this.at(new ConstantRaw(ty, this.text(kw.startOffset, close)), kw, close);
  }
  inlineAsm(ty: Type, kw: IToken, words: string[], a: IToken, c: IToken): Value {
    for (const w of words) if (!['sideeffect', 'alignstack', 'inteldialect', 'unwind'].includes(w)) this.err('E0001', `unknown inline asm flag '${w}'`, kw);
    return this.at(new InlineAsm(ty, a.image.slice(1, -1), c.image.slice(1, -1), words.includes('sideeffect'),
      words.includes('alignstack'), words.includes('inteldialect'), words.includes('unwind')), kw, c);
  }
  /** A flag word after the opcode `op`; E0206 if the opcode does not admit it (LLVM reads it as the start of a type). */
  flag(tok: IToken, op: IToken): number {
    const bit = FLAG_BY_WORD.get(T.keywordText(tok)) ?? 0;
    const name = T.keywordText(op);
    if (bit & ~allowedFlags(name)) this.err('E0206', `'${tok.image}' is not a flag of '${op.image}'`, tok);
    return bit;
  }
  /**
   * Fast-math flags on a call, phi or select need a floating-point result: a scalar, a vector,
   * or (LLVM 19 on) an array or literal struct of one floating type.
   */
  private fastMathOn(flags: number, t: Type, what: string, kw: IToken): void {
    if (!(flags & FMF_ALL)) return;
    const fp = (x: Type): boolean => scalarOf(x).kind === 'float';
    const elems = t.kind === 'array' ? [t.elem] : t.kind === 'struct' && t.name === null && t.elems ? t.elems : [t];
    if (!(elems.length > 0 && elems.every((e) => fp(e) && e === elems[0]))) {
      this.err('E0206', `fast-math flags on a ${what} whose type ${typeText(t)} is not floating-point`, kw);
    }
  }
  mdValue(md: Metadata): Value { return new MetadataAsValue(this.m.types.metadata, md); }

  constExpr(ty: Type, opTok: IToken, ops: Value[], flags: number, close: IToken,
    extra: { to?: Type; src?: Type; pred?: string; indices?: number[]; inrange?: string | null; inrangeIndex?: number }): Value {
    const op = T.keywordText(opTok) as ConstExprOp;
    let type = ty;
    if (ty === INFER_TYPE && extra.src) {
      let why = '';
      const t = gepResultType(this.m, extra.src, ops[0]!.type, ops.slice(1), (m) => { why = m; });
      if (!t) this.err('E0203', `invalid getelementptr: ${why}`, opTok);
      type = t;
    }
    if (extra.to) {
      if (ty !== CALLEE_TYPE && ty !== INFER_TYPE && extra.to !== ty) this.err('E0201', `constant expression has type ${typeText(extra.to)} but ${typeText(ty)} is expected`, opTok);
      type = extra.to;
    }
    const c = new ConstantExpr(type, op, ops, flags);
    if (extra.src) c.srcType = extra.src;
    if (extra.pred) c.pred = extra.pred;
    if (extra.indices) c.indices = extra.indices;
    if (extra.inrange) c.inrange = extra.inrange;
    if (extra.inrangeIndex !== undefined) c.inrangeIndex = extra.inrangeIndex;
    return this.at(c, opTok, close);
  }

  // ------------------------------------------------------------ instructions
  binary(opTok: IToken, flags: number, a: Value, b: Value): Instruction {
    const op = T.keywordText(opTok) as BinaryOp;
    const s = scalarOf(a.type);
    if (FP_OPS.has(op) ? s.kind !== 'float' : s.kind !== 'int') {
      this.err('E0201', `'${op}' needs ${FP_OPS.has(op) ? 'floating-point' : 'integer'} operands, not ${typeText(a.type)}`, opTok);
    }
    const i = new BinaryInst(op, a.type, a, b);
    i.flags = flags;
    return i;
  }
  fneg(flags: number, a: Value): Instruction {
    if (scalarOf(a.type).kind !== 'float') this.errAt('E0201', `fneg needs a floating-point operand, not ${typeText(a.type)}`, a);
    const i = new UnaryInst(a.type, [a]);
    i.flags = flags;
    return i;
  }
  cmp(opTok: IToken, flags: number, pred: IToken, a: Value, b: Value): Instruction {
    const op = T.keywordText(opTok) as 'icmp' | 'fcmp';
    const predText = T.keywordText(pred);
    const isF = op === 'fcmp';
    if (!(isF ? FCMP : ICMP).has(predText)) {
      this.err('E0001', `'${pred.image}' is not a valid ${op} predicate`, pred);
    }
    const s = scalarOf(a.type);
    if (isF ? s.kind !== 'float' : s.kind !== 'int' && s.kind !== 'pointer') {
      this.err('E0201', `'${op}' cannot compare ${typeText(a.type)}`, opTok);
    }
    const i1 = this.m.types.i1;
    const t = a.type.kind === 'vector' ? this.m.types.vector(a.type.count, i1, a.type.scalable) : i1;
    const i = new CmpInst(op, predText, t, a, b);
    i.flags = flags;
    return i;
  }
  cast(opTok: IToken, flags: number, v: Value, to: Type): Instruction {
    const castOp = T.keywordText(opTok) as CastOp;
    const why = castError(castOp, v.type, to);
    if (why) this.err('E0201', `invalid ${opTok.image} from ${typeText(v.type)} to ${typeText(to)}: ${why}`, opTok);
    const i = new CastInst(castOp, to, v);
    i.flags = flags;
    return i;
  }
  private checkPointer(p: Value, what: string, pointee?: Type): void {
    if (p.type.kind !== 'pointer') this.errAt('E0201', `${what} needs a pointer operand, not ${typeText(p.type)}`, p);
    if (pointee && p.type.pointee && p.type.pointee !== pointee) {
      this.errAt('E0201', `${what} of ${typeText(pointee)} through a pointer of type ${typeText(p.type)}`, p);
    }
  }
  private ordering(tok: IToken | undefined): Ordering | null { return tok ? (T.keywordText(tok) as Ordering) : null; }
  load(kw: IToken, ty: Type, p: Value, atomic: boolean, vol: boolean, ss: string | undefined, ord: IToken | undefined, align: number | undefined): Instruction {
    this.checkPointer(p, 'load', ty);
    const i = new LoadInst(ty, [p]);
    i.atomic = atomic; i.volatile = vol; i.syncscope = ss ?? null; i.ordering = this.ordering(ord); i.align = align ?? null;
    if (atomic && !ord) this.err('E0001', 'atomic load needs an ordering', kw);
    return i;
  }
  store(kw: IToken, v: Value, p: Value, atomic: boolean, vol: boolean, ss: string | undefined, ord: IToken | undefined, align: number | undefined): Instruction {
    this.checkPointer(p, 'store', v.type);
    const i = new StoreInst(this.m.types.void, [v, p]);
    i.atomic = atomic; i.volatile = vol; i.syncscope = ss ?? null; i.ordering = this.ordering(ord); i.align = align ?? null;
    if (atomic && !ord) this.err('E0001', 'atomic store needs an ordering', kw);
    return i;
  }
  alloca(kw: IToken, words: string[], ty: Type, count: Value | null, align: number | null, as: number | null): Instruction {
    for (const w of words) if (w !== 'inalloca' && w !== 'swifterror') this.err('E0001', `unknown alloca flag '${w}'`, kw);
    // a named type not defined yet may be defined further down; if never, the resolver says so
    const pending = ty.kind === 'struct' && ty.name !== null && !ty.defined;
    if (!pending && !isSized(ty)) this.err('E0202', `cannot allocate ${typeText(ty)}: it has no size`, kw);
    if (count && count.type.kind !== 'int') this.errAt('E0201', `alloca element count must be an integer, not ${typeText(count.type)}`, count);
    const i = new AllocaInst(this.m.ptrTo(ty, as ?? 0), ty, count ? [count] : []);
    i.align = align; i.addrspace = as; i.inalloca = words.includes('inalloca'); i.swifterror = words.includes('swifterror');
    return i;
  }
  gep(kw: IToken, flags: number, src: Type, ops: Value[]): Instruction {
    if (src.kind === 'struct' && src.name !== null && !src.defined) {
      this.err('E0104', `type %${src.name} is not defined (named types must be defined before a getelementptr indexes them)`, kw);
    }
    let why = '';
    const t = gepResultType(this.m, src, ops[0]!.type, ops.slice(1), (m) => { why = m; });
    if (!t) this.err('E0203', `invalid getelementptr: ${why}`, kw);
    const i = new GEPInst(t, src, ops);
    i.flags = flags;
    return i;
  }
  fence(_kw: IToken, ss: string | undefined, ord: IToken): Instruction {
    const i = new FenceInst(this.m.types.void, []);
    i.syncscope = ss ?? null; i.ordering = T.keywordText(ord) as Ordering;
    return i;
  }
  cmpxchg(_kw: IToken, weak: boolean, vol: boolean, p: Value, c: Value, n: Value, ss: string | undefined, s: IToken, f: IToken, align: number | undefined): Instruction {
    this.checkPointer(p, 'cmpxchg', c.type);
    const i = new CmpXchgInst(this.m.types.struct([c.type, this.m.types.i1]), [p, c, n]);
    i.weak = weak; i.volatile = vol; i.syncscope = ss ?? null; i.success = T.keywordText(s) as Ordering; i.failure = T.keywordText(f) as Ordering; i.align = align ?? null;
    return i;
  }
  atomicrmw(_kw: IToken, vol: boolean, op: IToken, p: Value, v: Value, ss: string | undefined, ord: IToken, align: number | undefined): Instruction {
    this.checkPointer(p, 'atomicrmw', v.type);
    const fpOp = /^f/.test(op.image);
    const k = v.type.kind;
    if (fpOp ? scalarOf(v.type).kind !== 'float' : op.image === 'xchg' ? !(k === 'int' || k === 'float' || k === 'pointer') : k !== 'int') {
      this.errAt('E0201', `atomicrmw ${op.image} cannot operate on ${typeText(v.type)}`, v);
    }
    const i = new AtomicRMWInst(v.type, T.keywordText(op), [p, v]);
    i.volatile = vol; i.syncscope = ss ?? null; i.ordering = T.keywordText(ord) as Ordering; i.align = align ?? null;
    return i;
  }

  private fillCall(i: CallBase, kw: IToken, c: CallParts): void {
    i.flags = c.fl;
    let addrspace: number | null = null;
    const ret: Attr[] = [];
    // LLParser reads a call's calling convention, then return attributes, then addrspace(N)
    let rank = 0;
    const order = (it: HeaderItem, r: number, what: string): void => {
      if (r < rank) fail('E0001', `${what} is out of place: a call takes its calling convention, return attributes, addrspace(N) in this order`, this.file, it.pos ?? kw.startOffset, it.end ?? kw.startOffset + kw.image.length);
      rank = r;
    };
    for (const it of c.items) {
      if (it.k === 'cc') { order(it, 0, `cc ${it.n}`); i.cconv = `cc ${it.n}`; }
      else if (it.k === 'addrspace') { order(it, 2, 'addrspace'); addrspace = it.n; }
      else if (it.k === 'attr') {
        const a = it.attr;
        if (a.k === 'word' && a.arg === null && isCallingConv(a.name)) { order(it, 0, a.name); i.cconv = a.name; }
        else if (a.k === 'word' && a.arg === null && (LINKAGES.has(a.name) || PREEMPTION.has(a.name) || VISIBILITY.has(a.name) || DLL_STORAGE.has(a.name))) {
          fail('E0001', `'${a.name}' is not valid in a call`, this.file, it.pos ?? kw.startOffset, it.end ?? kw.startOffset);
        } else { order(it, 1, 'a return attribute'); ret.push(a); }
      } else fail('E0001', `'${it.k === 'word' ? it.w : it.text}' is not valid in a call`, this.file, it.pos ?? kw.startOffset, it.end ?? kw.startOffset);
    }
    i.addrspace = addrspace;
    if (ret.length) i.retAttrs = ret;
    const fnType = c.ty.kind === 'function' ? c.ty : this.m.types.fn(c.ty, c.args.map((a) => a.type), false);
    i.explicitFnType = c.ty.kind === 'function';
    i.fnType = fnType;
    if (!fnType.vararg && fnType.params.length !== c.args.length) {
      this.err('E0201', `call has ${c.args.length} arguments but the function type has ${fnType.params.length}`, kw);
    }
    c.args.forEach((a, k) => {
      const p = fnType.params[k];
      if (p && a.type !== p) this.errAt('E0201', `argument ${k + 1} has type ${typeText(a.type)} but the callee expects ${typeText(p)}`, a);
    });
    const calleeType = this.m.ptrTo(fnType, addrspace ?? 0);
    const callee = c.callee;
    if (callee.type === CALLEE_TYPE || callee.vk === 'ref' || callee.vk === 'asm') callee.type = calleeType;
    i.operands = [...c.args, callee];
    i.argAttrs = c.argAttrs;
    i.fnAttrs = c.fnAttrs;
    i.bundles = c.bundles;
  }
  call(kw: IToken, tail: string, c: CallParts): Instruction {
    const i = new CallInst(this.m.types.void, []);
    this.fillCall(i, kw, c);
    i.type = i.fnType.ret;
    i.tail = tail as CallInst['tail'];
    this.fastMathOn(c.fl, i.type, 'call', kw);
    return i;
  }
  invoke(kw: IToken, c: CallParts, normal: Value, unwind: Value): Instruction {
    const i = new InvokeInst(this.m.types.void, []);
    this.fillCall(i, kw, c);
    i.type = i.fnType.ret;
    i.successors = [normal, unwind] as BasicBlock[];
    return i;
  }
  callbr(kw: IToken, c: CallParts, fallthrough: Value, indirect: Value[]): Instruction {
    const i = new CallBrInst(this.m.types.void, []);
    this.fillCall(i, kw, c);
    i.type = i.fnType.ret;
    i.successors = [fallthrough, ...indirect] as BasicBlock[];
    return i;
  }
  phi(kw: IToken, flags: number, ty: Type, vals: Value[], blocks: Value[]): Instruction {
    this.fastMathOn(flags, ty, 'phi', kw);
    const i = new PhiInst(ty, vals, blocks as BasicBlock[]);
    i.flags = flags;
    return i;
  }
  select(kw: IToken, flags: number, ops: Value[]): Instruction {
    if (ops.length !== 3) this.err('E0001', `select takes 3 operands, not ${ops.length}`, kw);
    const c = ops[0]!.type;
    const okCond = (c.kind === 'int' && c.bits === 1)
      || (c.kind === 'vector' && c.elem.kind === 'int' && c.elem.bits === 1 && ops[1]!.type.kind === 'vector' && ops[1]!.type.count === c.count);
    if (!okCond) this.errAt('E0201', `select condition must be i1 (or a vector of i1 as long as the operands), not ${typeText(c)}`, ops[0]!);
    if (ops[1]!.type !== ops[2]!.type) this.errAt('E0201', `select operands have different types ${typeText(ops[1]!.type)} and ${typeText(ops[2]!.type)}`, ops[2]!);
    this.fastMathOn(flags, ops[1]!.type, 'select', kw);
    const i = new SelectInst(ops[1]!.type, ops);
    i.flags = flags;
    return i;
  }
  vectorOp(kw: IToken, ops: Value[]): Instruction {
    const want = { freeze: 1, extractelement: 2, insertelement: 3, shufflevector: 3 }[kw.image]!;
    if (ops.length !== want) this.err('E0001', `${kw.image} takes ${want} operand${want > 1 ? 's' : ''}, not ${ops.length}`, kw);
    const a = ops[0]!;
    if (kw.image === 'freeze') return new FreezeInst(a.type, ops);
    if (a.type.kind !== 'vector') this.errAt('E0201', `${kw.image} needs a vector operand, not ${typeText(a.type)}`, a);
    const v = a.type;
    const intIndex = (x: Value): void => {
      if (x.type.kind !== 'int') this.errAt('E0201', `vector index must be an integer, not ${typeText(x.type)}`, x);
    };
    switch (kw.image) {
      case 'extractelement': intIndex(ops[1]!); return new ExtractElementInst(v.elem, ops);
      case 'insertelement':
        if (ops[1]!.type !== v.elem) this.errAt('E0201', `inserted element has type ${typeText(ops[1]!.type)} but the vector holds ${typeText(v.elem)}`, ops[1]!);
        intIndex(ops[2]!);
        return new InsertElementInst(v, ops);
      default: {
        const mask = ops[2]!.type;
        if (ops[1]!.type !== v) this.errAt('E0201', `shufflevector operands have different types ${typeText(v)} and ${typeText(ops[1]!.type)}`, ops[1]!);
        if (mask.kind !== 'vector' || mask.elem.kind !== 'int' || mask.elem.bits !== 32) this.errAt('E0201', 'shufflevector mask must be a vector of i32', ops[2]!);
        return new ShuffleVectorInst(this.m.types.vector(mask.count, v.elem, mask.scalable), ops);
      }
    }
  }
  aggregateOp(kw: IToken, ops: Value[], idx: number[]): Instruction {
    const agg = ops[0]!;
    let why = '';
    const et = aggregateElementType(agg.type, idx, (m) => { why = m; });
    if (!et) this.err('E0203', `invalid ${kw.image} on ${typeText(agg.type)}: ${why}`, kw);
    if (kw.image === 'extractvalue') {
      if (ops.length !== 1) this.err('E0001', 'extractvalue takes one aggregate operand', kw);
      return new ExtractValueInst(et, agg, idx);
    }
    if (ops.length !== 2) this.err('E0001', 'insertvalue takes an aggregate and a value', kw);
    if (ops[1]!.type !== et) this.errAt('E0201', `inserted value has type ${typeText(ops[1]!.type)} but the field is ${typeText(et)}`, ops[1]!);
    return new InsertValueInst(agg.type, agg, ops[1]!, idx);
  }
  vaArg(_kw: IToken, v: Value, ty: Type): Instruction { return new VAArgInst(ty, [v]); }
  landingpad(_kw: IToken, ty: Type, cleanup: boolean, clauses: { kind: 'catch' | 'filter'; v: Value }[]): Instruction {
    const i = new LandingPadInst(ty, clauses.map((c) => c.v));
    i.cleanup = cleanup;
    i.clauses = clauses.map((c) => c.kind);
    return i;
  }
  funcletPad(kw: IToken, parent: Value, args: Value[]): Instruction {
    return new FuncletPadInst(T.keywordText(kw) as 'catchpad' | 'cleanuppad', this.m.types.token, [parent, ...args]);
  }
  ret(kw: IToken, v: Value | null): Instruction {
    const want = this.fn!.fnType.ret;
    const got = v ? v.type : this.m.types.void;
    if (got !== want) this.err('E0201', `return type ${typeText(got)} does not match the function's ${typeText(want)}`, kw);
    return new RetInst(this.m.types.void, v ? [v] : []);
  }
  br(kw: IToken, cond: Value | null, dests: Value[]): Instruction {
    if (cond && !(cond.type.kind === 'int' && cond.type.bits === 1)) this.errAt('E0201', `branch condition must be i1, not ${typeText(cond.type)}`, cond);
    const i = new BrInst(this.m.types.void, cond ? [cond] : []);
    i.successors = dests as BasicBlock[];
    void kw;
    return i;
  }
  switchInst(_kw: IToken, c: Value, d: Value, vals: Value[], dests: Value[]): Instruction {
    if (c.type.kind !== 'int') this.errAt('E0201', `switch condition must be an integer, not ${typeText(c.type)}`, c);
    for (const v of vals) if (v.type !== c.type) this.errAt('E0201', `case value has type ${typeText(v.type)} but the condition is ${typeText(c.type)}`, v);
    const i = new SwitchInst(this.m.types.void, [c, ...vals]);
    i.successors = [d, ...dests] as BasicBlock[];
    return i;
  }
  indirectBr(_kw: IToken, a: Value, dests: Value[]): Instruction {
    const i = new IndirectBrInst(this.m.types.void, [a]);
    i.successors = dests as BasicBlock[];
    return i;
  }
  resume(_kw: IToken, v: Value): Instruction { return new ResumeInst(this.m.types.void, [v]); }
  unreachable(_kw: IToken): Instruction { return new UnreachableInst(this.m.types.void, []); }
  cleanupRet(_kw: IToken, pad: Value, unwind: Value | null): Instruction {
    const i = new CleanupRetInst(this.m.types.void, [pad]);
    i.successors = (unwind ? [unwind] : []) as BasicBlock[];
    return i;
  }
  catchRet(_kw: IToken, pad: Value, dest: Value): Instruction {
    const i = new CatchRetInst(this.m.types.void, [pad]);
    i.successors = [dest] as BasicBlock[];
    return i;
  }
  catchSwitch(_kw: IToken, parent: Value, handlers: Value[], unwind: Value | null): Instruction {
    const i = new CatchSwitchInst(this.m.types.token, [parent]);
    i.successors = [...handlers, ...(unwind ? [unwind] : [])] as BasicBlock[];
    i.hasUnwind = !!unwind;
    return i;
  }
}

