// Binds the parser's RefValue placeholders to the values they name, in the
// order LLVM's own reader does it: named types, globals, then each function
// body with its own scope, then block addresses (which need both). Every
// reference is checked against the type the source wrote next to it.
import { fail, diag, DiagnosticError, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { RefValue, Value } from '../ir/value.js';
import type { Metadata } from '../ir/metadata.js';
import type { AttrList } from '../ir/attributes.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { LocalScope } from '../syntax/state.js';
import type { BlockAddress } from '../ir/constants.js';

export interface ResolveInput {
  m: Module;
  file: SourceFile;
  scopes: Map<Function, LocalScope>;
  blockAddresses: BlockAddress[];
  typeStr(t: Type): string;
}

export function resolveModule(inp: ResolveInput): void {
  new Resolver(inp).run();
}

const MAX_ERRORS = 20;

class Resolver {
  private readonly errors: Diagnostic[] = [];
  private scope: LocalScope | null = null;
  private readonly mdIds = new Set<number>();

  constructor(private readonly inp: ResolveInput) {}

  private report(d: Diagnostic): void {
    this.errors.push(d);
    if (this.errors.length >= MAX_ERRORS) throw new DiagnosticError(this.errors);
  }

  run(): void {
    const { m, file } = this.inp;
    // 1. named types
    for (const t of m.types.named.values()) {
      if (!t.defined) this.report(diag('E0104', `type %${t.name} is used but never defined`, file, t.pos, t.pos + (t.name?.length ?? 0) + 1));
    }
    for (const d of m.metadata) this.mdIds.add(d.id);
    // 2. module-level values
    for (const g of m.globals) {
      if (g.init) g.init = this.value(g.init);
      this.attachments(g.attachments);
      this.groups(g.attrs, g.pos);
    }
    for (const a of m.aliases) { a.aliasee = this.value(a.aliasee); this.attachments(a.attachments); }
    for (const i of m.ifuncs) { i.resolver = this.value(i.resolver); this.attachments(i.attachments); }
    for (const f of m.functions) {
      if (f.prefix) f.prefix = this.value(f.prefix);
      if (f.prologue) f.prologue = this.value(f.prologue);
      if (f.personality) f.personality = this.value(f.personality);
      this.attachments(f.attachments);
      this.groups(f.fnAttrs, f.pos);
    }
    for (const d of m.metadata) this.md(d.node);
    for (const n of m.namedMetadata) for (const e of n.elems) this.md(e);
    // 3. function bodies
    for (const f of m.functions) if (!f.isDeclaration) this.body(f);
    // 4. block addresses
    for (const ba of this.inp.blockAddresses) this.blockAddress(ba);
    if (this.errors.length) throw new DiagnosticError(this.errors);
  }

  private groups(attrs: AttrList, pos: number): void {
    for (const a of attrs) {
      if (a.k === 'group' && !this.inp.m.attrGroups.has(a.id)) {
        this.report(diag('E0107', `attribute group #${a.id} is used but never defined`, this.inp.file, pos));
      }
    }
  }

  private attachments(list: { md: Metadata }[] | null): void {
    if (list) for (const a of list) this.md(a.md);
  }

  private md(md: Metadata): void {
    switch (md.mk) {
      case 'ref':
        if (!this.mdIds.has(md.id)) this.report(diag('E0106', `metadata !${md.id} is used but never defined`, this.inp.file, md.pos, md.pos + String(md.id).length + 1));
        return;
      case 'tuple':
        for (const e of md.elems) if (e) this.md(e);
        return;
      case 'special':
        for (const f of md.fields) this.md(f.value);
        return;
      case 'value':
        md.value = this.value(md.value);
        return;
      case 'string': case 'raw':
        return;
    }
  }

  private body(f: Function): void {
    this.scope = this.inp.scopes.get(f) ?? null;
    for (const b of f.blocks) {
      for (const inst of b.instructions) {
        const ops = inst.operands;
        for (let k = 0; k < ops.length; k++) {
          const v = ops[k]!;
          if (v.vk === 'ref' || v.vk === 'const' || v.vk === 'metadata') ops[k] = this.value(v);
        }
        switch (inst.op) {
          case 'br': case 'switch': case 'indirectbr': case 'invoke': case 'callbr':
          case 'catchswitch': case 'catchret': case 'cleanupret':
            this.blocks(inst.successors);
            break;
          case 'phi':
            this.blocks(inst.blocks);
            break;
          case 'call':
            break;
          default:
            break;
        }
        if ((inst.op === 'call' || inst.op === 'invoke' || inst.op === 'callbr')) {
          if (inst.bundles) for (const bu of inst.bundles) bu.inputs = bu.inputs.map((x) => this.value(x));
          this.groups(inst.fnAttrs, inst.pos);
        }
        if (inst.attachments) this.attachments(inst.attachments);
        if (inst.dbg) for (const r of inst.dbg) for (const a of r.args) this.md(a);
      }
    }
    this.scope = null;
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
      this.report(diag('E0105', v ? `%${r.ref} is not a block` : `undefined block %${r.ref}`, this.inp.file, r.pos, r.end));
      return r as unknown as BasicBlock;
    }
    return v as BasicBlock;
  }

  private lookupLocal(r: RefValue, scope: LocalScope | null): Value | undefined {
    if (!scope) return undefined;
    return r.numbered ? scope.numbered[Number(r.ref)] : scope.named.get(r.ref);
  }

  private value(v: Value): Value {
    switch (v.vk) {
      case 'ref': return this.ref(v as RefValue);
      case 'const': {
        const c = v as Value & { ck: string };
        switch (c.ck) {
          case 'aggregate': {
            const elems = (c as unknown as { elems: Value[] }).elems;
            for (let k = 0; k < elems.length; k++) elems[k] = this.value(elems[k]!);
            break;
          }
          case 'expr': {
            const ops = (c as unknown as { operands: Value[] }).operands;
            for (let k = 0; k < ops.length; k++) ops[k] = this.value(ops[k]!);
            break;
          }
          case 'dso_local_equivalent': case 'no_cfi': {
            const w = c as unknown as { target: Value };
            w.target = this.value(w.target);
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
    const { file } = this.inp;
    let target: Value | undefined;
    if (r.scope === 'global') {
      target = this.inp.m.getGlobal(r.ref);
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
      this.report(diag('E0201', `${sig}${r.ref} has type ${this.inp.typeStr(target.type)} but is used as ${this.inp.typeStr(r.type)}`, file, r.pos, r.end));
    }
    return target;
  }

  private blockAddress(ba: BlockAddress): void {
    const ref = ba.fn as RefValue;
    const fn = ref.vk === 'ref' ? this.inp.m.getGlobal(ref.ref) : ba.fn;
    if (!fn) fail('E0101', `undefined global @${ref.ref}`, this.inp.file, ref.pos, ref.end);
    ba.fn = fn;
    if (fn.vk !== 'function') {
      fail('E0204', 'blockaddress needs a function', this.inp.file, ba.pos, ba.end);
    }
    const f = fn as Function;
    if (f.isDeclaration) fail('E0204', `blockaddress of @${f.name}, which has no body`, this.inp.file, ba.pos, ba.end);
    const r = ba.block as RefValue;
    if (r.vk === 'ref') ba.block = this.localBlock(r, this.inp.scopes.get(f) ?? null) as Value;
    if (this.errors.length) throw new DiagnosticError(this.errors);
  }
}
