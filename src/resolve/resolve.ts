// Binds the parser's RefValue placeholders to the values they name. Function
// bodies are bound as soon as their closing brace is parsed (so placeholders
// die young, which matters for the garbage collector on big modules); what
// they name that is not defined yet (a function declared further down,
// metadata at the end of the file) is recorded and bound by `finish`, which
// also handles module-level references and block addresses. Every reference
// is checked against the type the source wrote next to it.
import { fail, diag, DiagnosticError, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { Module } from '../ir/module.js';
import { typeText } from '../ir/verify.js';
import type { RefValue, Value } from '../ir/value.js';
import type { MDRef, Metadata } from '../ir/metadata.js';
import { NO_ATTRS, type AttrList } from '../ir/attributes.js';
import { Argument, Function as IRFunction, type AnyGlobal, type BasicBlock, type Function } from '../ir/function.js';
import type { FunctionType } from '../ir/types.js';
import type { BlockAddress } from '../ir/constants.js';

/** Names and numbers of one function body. */
export class LocalScope {
  named = new Map<string, Value>();
  numbered: Value[] = [];
  next = 0;
}

const MAX_ERRORS = 20;

/** A set of metadata numbers: a bitmap for the dense small numbers compilers print, a Set beyond. */
class IdSet {
  private bits = new Uint32Array(1024);
  private readonly big = new Set<number>();
  private static readonly DENSE = 1 << 24;
  /** Adds `id`; false if it was there. */
  add(id: number): boolean {
    if (id >= IdSet.DENSE || !Number.isInteger(id) || id < 0) {
      if (this.big.has(id)) return false;
      this.big.add(id);
      return true;
    }
    const w = id >>> 5;
    if (w >= this.bits.length) {
      const grown = new Uint32Array(Math.max(w + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (id & 31);
    if (this.bits[w]! & mask) return false;
    this.bits[w]! |= mask;
    return true;
  }
  has(id: number): boolean {
    if (id >= IdSet.DENSE || !Number.isInteger(id) || id < 0) return this.big.has(id);
    const w = id >>> 5;
    return w < this.bits.length && (this.bits[w]! & (1 << (id & 31))) !== 0;
  }
}

/** A reference to a global not defined yet: where it sits (an array slot, or a field via `set`). */
interface Fixup { holder: Value[] | null; index: number; set: ((v: Value) => void) | null; ref: RefValue }

export class Resolver {
  private readonly errors: Diagnostic[] = [];
  private scope: LocalScope | null = null;
  private readonly globals = new Map<string, AnyGlobal>();
  private readonly mdIds = new IdSet();
  private pendingGlobals: Fixup[] = [];
  private pendingMd: MDRef[] = [];
  /** Attribute lists that name a group not defined yet, with how to replace the list. */
  private pendingGroups: { attrs: AttrList; set: (a: AttrList) => void }[] = [];
  private finishing = false;

  constructor(
    private readonly m: Module,
    private readonly file: SourceFile,
  ) {}

  /** Called by the parser as each global value is defined. */
  defineGlobal(name: string, g: AnyGlobal): void { this.globals.set(name, g); }
  lookupGlobal(name: string): AnyGlobal | undefined { return this.globals.get(name); }
  /** Called by the parser as each metadata node is defined; false if `!id` was defined already. */
  defineMetadata(id: number): boolean { return this.mdIds.add(id); }

  private report(d: Diagnostic): void {
    this.errors.push(d);
    if (this.errors.length >= MAX_ERRORS) throw new DiagnosticError(this.errors);
  }

  /** Values named by top-level `uselistorder` directives: bound by `finish` (checked, then dropped). */
  readonly useLists: Value[] = [];
  /** `uselistorder_bb @f, %bb`: checked by `finish`. */
  readonly useListBlocks: { fn: RefValue; block: RefValue }[] = [];

  /** Binds the references of one function body (right after it is parsed), and the values its use-list directives name. */
  body(f: Function, scope: LocalScope, useLists: Value[] = []): void {
    this.scope = scope;
    for (let k = 0; k < useLists.length; k++) useLists[k] = this.value(useLists[k]!, useLists, k);
    for (const b of f.blocks) {
      for (const inst of b.instructions) {
        const ops = inst.operands;
        for (let k = 0; k < ops.length; k++) {
          const v = ops[k]!;
          if (v.vk === 'ref' || v.vk === 'const' || v.vk === 'metadata') ops[k] = this.value(v, ops, k);
        }
        switch (inst.op) {
          case 'br': case 'switch': case 'indirectbr': case 'invoke': case 'callbr':
          case 'catchswitch': case 'catchret': case 'cleanupret':
            this.blocks(inst.successors);
            break;
          case 'phi':
            this.blocks(inst.blocks);
            break;
          default:
        }
        if (inst.op === 'call' || inst.op === 'invoke' || inst.op === 'callbr') {
          const callee = ops[ops.length - 1]!;
          if (callee.vk === 'ref' && (callee as RefValue).scope === 'global' && (callee as RefValue).ref.startsWith('llvm.') &&
              !this.globals.has((callee as RefValue).ref) && !this.intrinsicCalls.has((callee as RefValue).ref)) {
            this.intrinsicCalls.set((callee as RefValue).ref, inst.fnType);
          }
          if (inst.bundles) {
            for (const bu of inst.bundles) for (let k = 0; k < bu.inputs.length; k++) bu.inputs[k] = this.value(bu.inputs[k]!, bu.inputs, k);
          }
          const call = inst;
          this.groups(call.fnAttrs, (a) => { call.fnAttrs = a; });
        }
        if (inst.attachments) this.attachments(inst.attachments);
        if (inst.dbg) for (const r of inst.dbg) for (const a of r.args) this.md(a);
      }
    }
    this.scope = null;
    if (this.errors.length) throw new DiagnosticError(this.errors);
  }

  /** Everything that needs the whole module: module-level references, forward references, block addresses. */
  finish(blockAddresses: BlockAddress[]): void {
    const { m, file } = this;
    this.finishing = true;
    this.undefinedTypes(0);
    // LLVM 17 on (opaque pointers only) declares an intrinsic that is called but not declared, with the call's type
    if (m.dialect === 'opaque') for (const [name, fnType] of this.intrinsicCalls) if (!this.globals.has(name)) this.declareIntrinsic(name, fnType);
    const pending = this.pendingGlobals;
    this.pendingGlobals = [];
    for (const fx of pending) {
      const v = this.ref(fx.ref);
      if (fx.holder) fx.holder[fx.index] = v; else fx.set!(v);
    }
    for (const r of this.pendingMd) this.mdRef(r);
    for (const g of this.pendingGroups) this.groups(g.attrs, g.set);
    const one = [null as unknown as Value];
    const bind = (v: Value): Value => { one[0] = v; return this.value(v, one, 0); };
    const comdats = new Set(m.comdats.map((c) => c.name));
    for (const g of [...m.globals, ...m.functions]) {
      if (g.comdat && !comdats.has(g.comdat.name ?? g.name ?? '')) {
        this.report(diag('E0108', `use of undefined comdat $${g.comdat.name ?? g.name}`, file, g.pos, g.end,
          ['define it at the top level: `$name = comdat any`']));
      }
    }
    for (const g of m.globals) {
      // a deferred initializer (lazy loading) is bound when it is read: bindLateValue
      if (g.deferredInit === null && g.init) g.init = bind(g.init);
      this.attachments(g.attachments);
      this.groups(g.attrs, (a) => { g.attrs = a; });
    }
    for (const a of m.aliases) { a.aliasee = bind(a.aliasee); this.attachments(a.attachments); }
    for (const i of m.ifuncs) { i.resolver = bind(i.resolver); this.attachments(i.attachments); }
    for (const f of m.functions) {
      if (f.prefix) f.prefix = bind(f.prefix);
      if (f.prologue) f.prologue = bind(f.prologue);
      if (f.personality) f.personality = bind(f.personality);
      this.attachments(f.attachments);
      this.groups(f.fnAttrs, (a) => { f.fnAttrs = a; });
    }
    // a deferred definition (lazy loading) is bound when it is read: bindLate
    for (const d of m.metadata) if (!d.deferred) this.md(d.node);
    for (const n of m.namedMetadata) for (const e of n.elems) this.md(e);
    for (let k = 0; k < this.useLists.length; k++) this.useLists[k] = bind(this.useLists[k]!);
    for (const u of this.useListBlocks) this.useListBlock(u.fn, u.block);
    for (const ba of blockAddresses) this.blockAddress(ba);
    if (this.errors.length) throw new DiagnosticError(this.errors);
    m.invalidateSymbols();
  }

  /** Reports the named types used but never defined, skipping the first `skip` of the module's. */
  private undefinedTypes(skip: number): void {
    let k = 0;
    for (const t of this.m.types.named.values()) {
      if (k++ < skip || t.defined) continue;
      this.report(diag('E0104', `type %${t.name} is used but never defined`, this.file, t.pos, t.pos + (t.name?.length ?? 0) + 1));
    }
  }

  /**
   * After a body or node is read following `finish` (lazy loading): the named types it was the
   * first to use (those after the first `known`) must be defined; throws otherwise.
   */
  checkLateTypes(known: number): void {
    this.undefinedTypes(known);
    if (this.errors.length) throw new DiagnosticError(this.errors.splice(0));
  }

  /** Binds a metadata node read after `finish` (lazy loading); throws on a bad reference. */
  bindLate(node: Metadata): void {
    this.md(node);
    if (this.errors.length) throw new DiagnosticError(this.errors.splice(0));
  }

  /** Binds a constant read after `finish` (lazy loading: a global's initializer); throws on a bad reference. */
  bindLateValue(v: Value): Value {
    const one = [v];
    const out = this.value(v, one, 0);
    if (this.errors.length) throw new DiagnosticError(this.errors.splice(0));
    return out;
  }

  /** Binds a `blockaddress` of a body read after `finish` (lazy loading). */
  bindBlockAddress(ba: BlockAddress): void { this.blockAddress(ba); }

  /** Intrinsics called before (or without) a declaration, with the first call's type. */
  private readonly intrinsicCalls = new Map<string, FunctionType>();

  private declareIntrinsic(name: string, fnType: FunctionType): void {
    const f = new IRFunction(this.m.types.void, fnType);
    f.name = name;
    f.type = this.m.ptrTo(fnType, 0);
    f.isDeclaration = true;
    fnType.params.forEach((p, i) => { f.args.push(new Argument(p, f, i)); });
    this.m.functions.push(f);
    this.globals.set(name, f);
  }

  /** Function-local scopes, kept for block addresses (which name a block of another function). */
  readonly scopes = new Map<Function, LocalScope>();

  /**
   * A reference to an attribute group that is never defined is dropped, as LLVM's parser does
   * (it merges the group's attributes, and an undefined group has none). Groups are defined at
   * the end of a module, so a body's references are checked by `finish`.
   */
  private groups(attrs: AttrList, set: (a: AttrList) => void): void {
    for (const a of attrs) {
      if (a.k === 'group' && !this.m.attrGroups.has(a.id)) {
        if (!this.finishing) { this.pendingGroups.push({ attrs, set }); return; }
        const kept = attrs.filter((x) => x.k !== 'group' || this.m.attrGroups.has(x.id));
        set(kept.length ? kept : NO_ATTRS);
        return;
      }
    }
  }

  private attachments(list: { md: Metadata }[] | null): void {
    if (list) for (const a of list) this.md(a.md);
  }

  private mdRef(r: MDRef): void {
    if (!this.mdIds.has(r.id)) {
      if (!this.finishing) { this.pendingMd.push(r); return; }
      this.report(diag('E0106', `metadata !${r.id} is used but never defined`, this.file, r.pos, r.pos + String(r.id).length + 1));
    }
  }

  private md(md: Metadata): void {
    switch (md.mk) {
      case 'ref': this.mdRef(md); return;
      case 'tuple': for (const e of md.elems) if (e) this.md(e); return;
      case 'special': for (const f of md.fields) this.md(f.value); return;
      case 'value': {
        md.value = this.field(md.value, (v) => { md.value = v; });
        return;
      }
      case 'string': case 'raw': return;
    }
  }

  private blocks(list: BasicBlock[]): void {
    for (let k = 0; k < list.length; k++) {
      const r = list[k] as unknown as Value;
      if (r.vk === 'ref') list[k] = this.localBlock(r as RefValue, this.scope);
    }
  }

  private localBlock(r: RefValue, scope: LocalScope | null): BasicBlock {
    const v = this.lookupLocal(r, scope);
    if (!v || v.vk !== 'block') {
      this.report(diag('E0105', v ? `%${r.ref} is not a block` : `undefined block %${r.ref}`, this.file, r.pos, r.end));
      return r as unknown as BasicBlock;
    }
    return v as BasicBlock;
  }

  private lookupLocal(r: RefValue, scope: LocalScope | null): Value | undefined {
    if (!scope) return undefined;
    return r.numbered ? scope.numbered[Number(r.ref)] : scope.named.get(r.ref);
  }

  /** As `value`, for a value held in an object field rather than an array slot. */
  private field(v: Value, set: (v: Value) => void): Value {
    if (v.vk === 'ref' && (v as RefValue).scope === 'global' && !this.finishing && !this.globals.has((v as RefValue).ref)) {
      this.pendingGlobals.push({ holder: null, index: 0, set, ref: v as RefValue });
      return v;
    }
    const one = [v];
    return this.value(v, one, 0);
  }

  /** Binds `v` (held at holder[index]); a global defined later is recorded and bound by `finish`. */
  private value(v: Value, holder: Value[], index: number): Value {
    switch (v.vk) {
      case 'ref': {
        const r = v as RefValue;
        if (r.scope === 'global' && !this.finishing && !this.globals.has(r.ref)) {
          this.pendingGlobals.push({ holder, index, set: null, ref: r });
          return r;
        }
        return this.ref(r);
      }
      case 'const': {
        const c = v as Value & { ck: string };
        switch (c.ck) {
          case 'aggregate': {
            const elems = (c as unknown as { elems: Value[] }).elems;
            for (let k = 0; k < elems.length; k++) elems[k] = this.value(elems[k]!, elems, k);
            break;
          }
          case 'expr': {
            const ops = (c as unknown as { operands: Value[] }).operands;
            for (let k = 0; k < ops.length; k++) ops[k] = this.value(ops[k]!, ops, k);
            break;
          }
          case 'dso_local_equivalent': case 'no_cfi': {
            const w = c as unknown as { target: Value };
            w.target = this.field(w.target, (x) => { w.target = x; });
            break;
          }
          default:
        }
        return v;
      }
      case 'metadata':
        this.md((v as Value & { md: Metadata }).md);
        return v;
      default:
        return v;
    }
  }

  private ref(r: RefValue): Value {
    const { file } = this;
    let target: Value | undefined;
    if (r.scope === 'global') {
      target = this.globals.get(r.ref);
      if (!target) {
        this.report(diag('E0101', `undefined global @${r.ref}`, file, r.pos, r.end,
          ['declare it (`declare ...` for a function, `@x = external global T` for a variable)']));
        return r;
      }
    } else {
      target = this.lookupLocal(r, this.scope);
      if (!target) {
        this.report(diag('E0101', `undefined value %${r.ref}`, file, r.pos, r.end));
        return r;
      }
    }
    if (target.type !== r.type) {
      const sig = r.scope === 'global' ? '@' : '%';
      this.report(diag('E0201', `${sig}${r.ref} has type ${typeText(target.type)} but is used as ${typeText(r.type)}`, file, r.pos, r.end));
    }
    return target;
  }

  private useListBlock(fnRef: RefValue, block: RefValue): void {
    const fn = this.globals.get(fnRef.ref);
    if (!fn) { this.report(diag('E0101', `undefined global @${fnRef.ref}`, this.file, fnRef.pos, fnRef.end)); return; }
    if (fn.vk !== 'function' || (fn as Function).isDeclaration) {
      this.report(diag('E0109', `uselistorder_bb needs a function with a body, and @${fnRef.ref} is not one`, this.file, fnRef.pos, fnRef.end));
      return;
    }
    this.localBlock(block, this.scopes.get(fn as Function) ?? null);
  }

  private blockAddress(ba: BlockAddress): void {
    const ref = ba.fn as RefValue;
    const fn = ref.vk === 'ref' ? this.globals.get(ref.ref) : ba.fn;
    if (!fn) fail('E0101', `undefined global @${ref.ref}`, this.file, ref.pos, ref.end);
    ba.fn = fn;
    if (fn.vk !== 'function') fail('E0204', 'blockaddress needs a function', this.file, ba.pos, ba.end);
    const f = fn as Function;
    if (f.isDeclaration) fail('E0204', `blockaddress of @${f.name}, which has no body`, this.file, ba.pos, ba.end);
    f.materialize(); // a deferred body (lazy loading) defines the block's name once read
    const r = ba.block as RefValue;
    if (r.vk === 'ref') ba.block = this.localBlock(r, this.scopes.get(f) ?? null) as Value;
    if (this.errors.length) throw new DiagnosticError(this.errors);
  }
}
