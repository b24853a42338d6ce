// IR -> text (LangRef "Module Structure"), in LLVM's canonical order, in the
// pointer dialect the types carry. Output is meant to be read by llvm-as of
// the LLVM version that produced the input: the printer adds no spelling of
// its own beyond what the model holds.
//
// Speed: strings are built by concatenation and handed over flattened in
// pieces (see `flat`); type, global and composite-constant spellings are
// cached per object; local value spellings (`%x`, `%7`) are computed once per
// function into a map, so printing an operand is one map lookup.

import type { Type, FunctionType } from '../ir/types.js';
import type { Value, RefValue } from '../ir/value.js';
import type {
  Constant, ConstantInt, ConstantFP, ConstantNull, ConstantUndef, ConstantPoison, ConstantZero, ConstantNone,
  ConstantAggregate, ConstantString, ConstantExpr, BlockAddress, DSOLocalEquivalent, NoCFI, ConstantRaw,
  InlineAsm, MetadataAsValue,
} from '../ir/constants.js';
import { MDTuple, type Metadata, type Attachment, type DbgRecord } from '../ir/metadata.js';
import type { Attr, AttrList } from '../ir/attributes.js';
import { F, FLAG_WORDS, FMF_ALL } from '../ir/flags.js';
import type { Instruction, CallBase } from '../ir/instructions.js';
import { assertNever } from '../ir/instructions.js';
import type {
  Argument, BasicBlock, Function, GlobalVariable, Alias, IFunc, GlobalValue, ComdatRef, DeferredText,
} from '../ir/function.js';
import type { Module } from '../ir/module.js';
import { nameText, quoted } from './names.js';
import {
  ASSIGN_TRACKING_SINCE, ATTR_SINCE, CAPTURES_SINCE, DEBUG_RECORDS_SINCE, LIFETIME_SIZELESS_SINCE, STACKSAVE_OVERLOADED_SINCE, MODULE_FLAG_MIN_SINCE,
  NEW_INRANGE_SINCE, RMW_SINCE, EXPECTED_WEIGHTS_SINCE, STATIC_MEMBER_VARIABLE_SINCE, NAMELESS_GLOBAL_VARIABLE_SINCE, SPLAT_SINCE, TARGET_MAX, TARGET_TYPES_SINCE, UWTABLE_KIND_SINCE, droppedFlags, lowerMemory, needlesFor,
} from './target.js';
import { DataLayout } from '../ir/layout.js';
import { isSized } from '../ir/builder.js';
import { DiagnosticError, diag } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import { sourceSpan } from '../ir/verify.js';

export { fpConstantText, roundToFloatKind } from '../ir/fp.js';
export { isBareName, nameText } from './names.js';

type AnyValue =
  | Argument | BasicBlock | Instruction | GlobalVariable | Function | Alias | IFunc
  | Constant | InlineAsm | MetadataAsValue | RefValue;

type AnyConstant =
  | ConstantInt | ConstantFP | ConstantNull | ConstantUndef | ConstantPoison | ConstantZero | ConstantNone
  | ConstantAggregate | ConstantString | ConstantExpr | BlockAddress | DSOLocalEquivalent | NoCFI | ConstantRaw;

const CONT = '\n          '; // continuation lines of invoke / callbr / landingpad, as LLVM indents them
const BADREF = '<badref>';

/**
 * Concatenation builds V8 cons-strings (ropes); left alive until the final
 * join, millions of rope nodes get promoted and make the garbage collector
 * dominate printing (measured: 5x slower). Reading one character flattens the
 * rope in place, so the nodes die young.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/**
 * The printer. One instance per module (or per function for diagnostics);
 * caches are tied to the instance, so create a new one after changing names
 * or numbering-relevant structure (or call `enterFunction` again).
 */
export class Printer {
  private readonly typeCache = new Map<Type, string>();
  /** `T ` (the type and a space: how operands start; one concatenation fewer per operand). */
  private readonly typeSpaceCache = new Map<Type, string>();
  private readonly constCache = new Map<Value, string>();
  private readonly flagCache = new Map<number, string>();
  private readonly attachmentCache = new Map<Attachment, string>();
  /** `@name` / `@N` of every global, computed in print order. */
  private readonly globalRefs = new Map<Value, string>();
  /** Local spellings of the function being printed. */
  private locals = new Map<Value, string>();
  private fn: Function | null = null;
  /** `%0`, `%1`, ... shared by all functions (numbering restarts in each). */
  private readonly slots: string[] = [];
  /** Local spellings of other functions (for `blockaddress`). */
  private readonly otherLocals = new Map<Function, Map<Value, string>>();

  /** The LLVM version to write for (`--target-llvm`); Infinity: as the module holds it. */
  private readonly tv: number;
  /** `llvm.dbg.*` intrinsics the debug records were written as (LLVM < 19), to declare. */
  private readonly dbgIntrinsics = new Set<string>();
  /** Metadata nodes listed in `!llvm.module.flags`. */
  private readonly moduleFlags = new Set<number>();
  private layout: DataLayout | null = null;
  /** The source, for locating what cannot be written for the target. */
  private readonly file: SourceFile | null;

  constructor(readonly module: Module | null = null, opts: PrintOptions = {}) {
    this.tv = opts.targetLLVM ?? Infinity;
    this.file = opts.file ?? null;
    if (module) this.numberGlobals(module);
  }

  /** Globals that print with another number than the source gave them (see readDeferredMentions). */
  private renumbered: GlobalValue[] = [];

  /**
   * Before a whole module is written: reads what must not print as written (lazy loading) and
   * refuses what the target cannot express, so that no error comes after output has started.
   */
  private prepare(m: Module): void {
    if (this.renumbered.length) readDeferredMentions(m, this.renumbered);
    if (this.tv < TARGET_MAX) this.prepareTarget(m);
  }

  /**
   * Before anything is written: reads the deferred text that may need writing differently for
   * LLVM `tv` (so that it prints through the IR), and refuses what LLVM `tv` cannot express.
   */
  private prepareTarget(m: Module): void {
    const needles = needlesFor(this.tv);
    const mentions = (d: DeferredText): boolean => needles.some((w) => d.mentions(w));
    for (const f of m.functions) if (f.deferred !== null && mentions(f.deferred)) f.materialize();
    for (const d of m.metadata) if (d.deferred && mentions(d.deferred)) void d.node;
    for (const g of m.globals) if (g.deferredInit !== null && mentions(g.deferredInit)) void g.init;
    for (const nm of m.namedMetadata) {
      if (nm.name !== 'llvm.module.flags') continue;
      for (const e of nm.elems) if (e.mk === 'ref') this.moduleFlags.add(e.id);
    }
    if (this.tv < MODULE_FLAG_MIN_SINCE) for (const d of m.metadata) if (this.moduleFlags.has(d.id)) void d.node;
    refuseForTarget(m, this.tv, this.file);
  }

  // ---------------------------------------------------------------- module

  /**
   * Writes the module in pieces (each a flat string; functions may come in several), for
   * output that never needs the whole text in memory.
   */
  writeModule(write: (chunk: string) => void): void {
    const m = this.module;
    if (!m) throw new Error('Printer.writeModule: no module');
    this.prepare(m);
    // Header and trailer lines are gathered in `s` and handed over, flattened, every 256 lines.
    let s = '';
    let n = 0;
    const line = (text: string): void => {
      s += text + '\n';
      if (++n === 256) { write(flat(s)); s = ''; n = 0; }
    };
    if (m.sourceFilename !== null) line('source_filename = ' + m.sourceFilename);
    if (m.datalayout !== null) line('target datalayout = ' + m.datalayout);
    if (m.triple !== null) line('target triple = ' + m.triple);
    if (m.moduleAsm.length) {
      line('');
      for (const a of m.moduleAsm) line('module asm ' + a);
    }
    const named = m.types.namedOrder;
    if (named.length) {
      line('');
      for (const t of named) {
        if (t.name === null) continue;
        line(this.type(t) + ' = type ' + (t.elems === null ? 'opaque' : this.structBody(t.elems, t.packed)));
      }
    }
    if (m.comdats.length) {
      line('');
      for (const c of m.comdats) line('$' + nameText(c.name) + ' = comdat ' + c.kind);
    }
    if (m.globals.length) {
      line('');
      for (const g of m.globals) line(this.globalVariable(g));
    }
    if (m.aliases.length || m.ifuncs.length) {
      line('');
      for (const a of m.aliases) line(this.alias(a));
      for (const i of m.ifuncs) line(this.ifunc(i));
    }
    for (const f of m.functions) {
      line('');
      write(flat(s)); s = ''; n = 0;
      this.writeFunction(f, write);
    }
    for (const name of this.dbgIntrinsics) {
      if (m.getFunction(name)) continue;
      line('');
      line('declare void @' + name + '(' + DBG_INTRINSIC_PARAMS[name] + ')');
    }
    if (m.attrGroups.size) {
      line('');
      const ids = [...m.attrGroups.keys()].sort((x, y) => x - y);
      for (const id of ids) {
        // LLVM reads no empty group: one whose attributes are all too new for the target keeps a mark
        const t = this.attrs(m.attrGroups.get(id)!.attrs);
        line('attributes #' + id + ' = { ' + (t === '' ? '"target-llvm-dropped"' : t) + ' }');
      }
    }
    if (m.namedMetadata.length) {
      line('');
      for (const nm of m.namedMetadata) {
        let t = '!' + nm.name + ' = !{';
        for (let i = 0; i < nm.elems.length; i++) t += (i ? ', ' : '') + this.md(nm.elems[i]!);
        line(t + '}');
      }
    }
    if (m.metadata.length) {
      line('');
      const defs = m.metadata;
      for (let k = 0; k < defs.length; k++) {
        const raw = defs[k]!.deferred;
        if (!raw) { line('!' + defs[k]!.id + ' = ' + this.mdDefinition(defs[k]!.id, defs[k]!.node)); continue; }
        // unread definitions on consecutive source lines go out as one slice of the source
        let last = raw;
        for (let next = defs[k + 1]?.deferred; next && next.from === last.to + 1 && raw.source.charCodeAt(last.to) === 10;
          next = defs[k + 1]?.deferred) { last = next; k++; }
        if (last === raw) line(raw.text());
        else { write(flat(s)); s = ''; n = 0; write(raw.source.slice(raw.from, last.to + 1)); }
      }
    }
    // use-list order directives are never printed (ParseState.useListOrder says why)
    if (m.summaries.length) {
      line('');
      for (const r of m.summaries) line(r.text);
    }
    if (s !== '') write(flat(s));
  }

  printModule(): string {
    const out: string[] = [];
    this.writeModule((c) => { out.push(c); });
    return out.join('');
  }

  /**
   * Unnamed and numbered globals are numbered in print order (globals,
   * aliases, ifuncs, functions), as LLVM requires numbers to appear in
   * sequence; named globals print their name.
   */
  private numberGlobals(m: Module): void {
    let n = 0;
    const lists: readonly (readonly GlobalValue[])[] = [m.globals, m.aliases, m.ifuncs, m.functions];
    for (const list of lists) {
      for (const g of list) {
        const numbered = g.numbered || g.name === null;
        if (numbered && g.name !== String(n)) this.renumbered.push(g);
        this.globalRefs.set(g, numbered ? '@' + n++ : '@' + nameText(this.targetName(g.name!)));
      }
    }
  }

  /** An intrinsic's name as LLVM `tv` spells it: `llvm.stacksave.p0` / `llvm.stackrestore.p0` are overloaded since LLVM 18. */
  private targetName(name: string): string {
    if (this.tv < STACKSAVE_OVERLOADED_SINCE && (name === 'llvm.stacksave.p0' || name === 'llvm.stackrestore.p0')) return name.slice(0, -3);
    return name;
  }

  private globalRef(g: GlobalValue): string {
    let s = this.globalRefs.get(g);
    if (s === undefined) {
      s = g.name === null ? '@' + BADREF : g.numbered ? '@' + g.name : '@' + nameText(g.name);
      this.globalRefs.set(g, s);
    }
    return s;
  }

  /** linkage, preemption, visibility, DLL storage, thread_local, unnamed_addr (each followed by a space). */
  private prefixWords(g: GlobalValue, linkage: string | null, withUnnamedAddr: boolean): string {
    let s = '';
    if (linkage !== null) s += linkage + ' ';
    if (g.preemption !== null) s += g.preemption + ' ';
    if (g.visibility !== null) s += g.visibility + ' ';
    if (g.dllStorage !== null) s += g.dllStorage + ' ';
    if (g.threadLocal !== null) s += g.threadLocal + ' ';
    if (withUnnamedAddr && g.unnamedAddr !== null) s += g.unnamedAddr + ' ';
    return s;
  }

  /** The explicit `addrspace(N)`, or the pointer type's when nonzero. */
  private addrspaceOf(g: { addrspace: number | null; type: Type }): number | null {
    if (g.addrspace !== null) return g.addrspace;
    return g.type.kind === 'pointer' && g.type.addrspace !== 0 ? g.type.addrspace : null;
  }

  globalVariable(g: GlobalVariable): string {
    let s = this.globalRef(g) + ' = ';
    // A declaration needs a declaration linkage (`external` unless e.g. extern_weak is given);
    // with an initializer `external` is the default and must not be written.
    const linkage = !g.hasInit ? g.linkage ?? 'external' : g.linkage === 'external' ? null : g.linkage;
    s += this.prefixWords(g, linkage, true);
    const as = this.addrspaceOf(g);
    if (as !== null) s += 'addrspace(' + as + ') ';
    if (g.externallyInitialized) s += 'externally_initialized ';
    s += (g.isConstant ? 'constant ' : 'global ') + this.type(g.valueType);
    if (g.deferredInit !== null) s += ' ' + g.deferredInit.text(); // never read (lazy loading): as written
    else if (g.init !== null) s += ' ' + this.ref(g.init);
    if (g.section !== null) s += ', section ' + quoted(g.section);
    if (g.partition !== null) s += ', partition ' + quoted(g.partition);
    if (g.codeModel !== null) s += ', code_model ' + quoted(g.codeModel);
    for (const w of g.sanitizer) s += ', ' + w;
    if (g.comdat !== null) s += ', ' + this.comdat(g.comdat);
    if (g.align !== null) s += ', align ' + g.align;
    for (const a of g.attachments) s += ', ' + this.attachment(a);
    s += this.spaceAttrs(g.attrs);
    return s;
  }

  private comdat(c: ComdatRef): string {
    return c.name === null ? 'comdat' : 'comdat($' + nameText(c.name) + ')';
  }

  /** The aliasee / resolver: the four constant expressions LLVM writes without their type. */
  private indirectTarget(v: Value): string {
    if (v.vk === 'const' && (v as Constant).ck === 'expr') {
      const op = (v as ConstantExpr).op;
      if (op === 'bitcast' || op === 'getelementptr' || op === 'addrspacecast' || op === 'inttoptr') return this.ref(v);
    }
    return this.typed(v);
  }

  alias(a: Alias): string { return this.indirectSymbol(a, 'alias', a.aliasee); }
  ifunc(i: IFunc): string { return this.indirectSymbol(i, 'ifunc', i.resolver); }

  /** `@a = ... alias T, target` / `@i = ... ifunc T, resolver`. */
  private indirectSymbol(g: Alias | IFunc, keyword: 'alias' | 'ifunc', target: Value): string {
    let s = this.globalRef(g) + ' = ' + this.prefixWords(g, g.linkage, true) + keyword + ' ' + this.type(g.valueType) + ', ' +
      this.indirectTarget(target);
    if (g.partition !== null) s += ', partition ' + quoted(g.partition);
    for (const x of g.attachments) s += ', ' + this.attachment(x);
    return s;
  }

  // -------------------------------------------------------------- functions

  /** Computes the local spellings of `f` (arguments, blocks, instructions) and makes it current. */
  enterFunction(f: Function | null): void {
    this.fn = f;
    this.locals = f ? this.numberLocals(f) : new Map();
  }

  private numberLocals(f: Function): Map<Value, string> {
    const m = new Map<Value, string>();
    let n = 0;
    const slots = this.slots;
    const slot = (k: number): string => slots[k] ?? (slots[k] = '%' + k);
    for (const a of f.args) m.set(a, a.name === null ? slot(n++) : '%' + nameText(a.name));
    for (const b of f.blocks) {
      m.set(b, b.name === null ? slot(n++) : '%' + nameText(b.name));
      const insts = b.instructions;
      for (let i = 0; i < insts.length; i++) {
        const inst = insts[i]!;
        if (inst.name !== null) m.set(inst, '%' + nameText(inst.name));
        else if (inst.type.kind !== 'void') m.set(inst, slot(n++));
      }
    }
    return m;
  }

  printFunction(f: Function): string {
    const parts: string[] = [];
    this.writeFunction(f, (c) => { parts.push(c); });
    return parts.length === 1 ? flat(parts[0]!) : parts.join('');
  }

  /** Writes one function, in flat pieces of at most 256 instructions. */
  writeFunction(f: Function, write: (chunk: string) => void): void {
    if (f.deferred !== null) {
      // never read (lazy loading): the body as written
      write(flat(this.functionHeader(f) + ' ' + f.deferred.text() + '\n'));
      return;
    }
    const saved = this.fn;
    const savedLocals = this.locals;
    if (f !== this.fn) this.enterFunction(f);
    let s = this.functionHeader(f);
    if (f.isDeclaration) {
      s += '\n';
    } else {
      s += ' {\n';
      const blocks = f.blocks;
      let n = 0;
      for (let bi = 0; bi < blocks.length; bi++) {
        const b = blocks[bi]!;
        if (bi > 0) s += '\n';
        if (bi > 0 || b.name !== null) s += this.locals.get(b)!.slice(1) + ':\n';
        const insts = b.instructions;
        for (let ii = 0; ii < insts.length; ii++) {
          const inst = insts[ii]!;
          if (inst.dbg !== null) {
            for (const r of inst.dbg) s += this.tv < DEBUG_RECORDS_SINCE ? '  ' + this.dbgCall(r) + '\n' : '    ' + this.dbgRecord(r) + '\n';
          }
          s += '  ' + this.instruction(inst) + '\n';
          if (++n === 256) { write(flat(s)); s = ''; n = 0; }
        }
      }
      s += '}\n';
    }
    if (saved !== f) { this.fn = saved; this.locals = savedLocals; }
    write(flat(s));
  }

  functionHeader(f: Function): string {
    let s: string;
    if (f.isDeclaration) {
      s = 'declare';
      for (const a of f.attachments) s += ' ' + this.attachment(a);
      s += ' ';
    } else {
      s = 'define ';
    }
    s += this.prefixWords(f, f.linkage, false);
    if (f.cconv !== null) s += f.cconv + ' ';
    const ra = this.attrs(f.retAttrs);
    if (ra !== '') s += ra + ' ';
    const fty = f.fnType;
    s += this.type(fty.ret) + ' ' + this.globalRef(f) + '(';
    if (this.sizelessLifetime(f)) s += 'i64 immarg, ';
    const params = fty.params;
    for (let i = 0; i < params.length; i++) {
      if (i) s += ', ';
      s += this.type(params[i]!);
      const a = f.args[i];
      if (a !== undefined) {
        s += this.spaceAttrs(a.attrs);
        if (a.name !== null) s += ' %' + nameText(a.name);
      }
    }
    if (fty.vararg) s += params.length ? ', ...' : '...';
    s += ')';
    if (f.unnamedAddr !== null) s += ' ' + f.unnamedAddr;
    const as = this.addrspaceOf(f);
    if (as !== null) s += ' addrspace(' + as + ')';
    s += this.spaceAttrs(f.fnAttrs);
    if (f.section !== null) s += ' section ' + quoted(f.section);
    if (f.partition !== null) s += ' partition ' + quoted(f.partition);
    if (f.comdat !== null) s += ' ' + this.comdat(f.comdat);
    if (f.align !== null) s += ' align ' + f.align;
    if (f.gc !== null) s += ' gc ' + quoted(f.gc);
    if (f.prefix !== null) s += ' prefix ' + this.typed(f.prefix);
    if (f.prologue !== null) s += ' prologue ' + this.typed(f.prologue);
    if (f.personality !== null) s += ' personality ' + this.typed(f.personality);
    if (!f.isDeclaration) for (const a of f.attachments) s += ' ' + this.attachment(a);
    return s;
  }

  // ----------------------------------------------------------- instructions

  /** The flags of `op` that LLVM `tv` reads. */
  private opFlags(op: string, flags: number): string {
    return this.flags(this.tv < TARGET_MAX && flags !== 0 ? flags & ~droppedFlags(op, this.tv) : flags);
  }

  private flags(flags: number): string {
    if (flags === 0) return '';
    let s = this.flagCache.get(flags);
    if (s === undefined) {
      s = '';
      // `inbounds` implies `nusw`; LLVM writes only the former.
      const f = flags & F.INBOUNDS ? flags & ~F.NUSW : flags;
      const fast = (f & FMF_ALL) === FMF_ALL;
      for (const [w, bit] of FLAG_WORDS) {
        if (fast && bit & FMF_ALL) continue;
        if (f & bit) s += ' ' + w;
      }
      if (fast) s += ' fast';
      this.flagCache.set(flags, s);
    }
    return s;
  }

  private syncscope(s: string | null): string {
    if (s === null) return '';
    return s.charCodeAt(0) === 115 /* s */ ? ' ' + s : ' syncscope(' + quoted(s) + ')';
  }

  /** One instruction as LLVM writes it, without indentation or debug records. */
  instruction(i: Instruction): string {
    let s = '';
    if (i.type.kind !== 'void') s = (this.locals.get(i) ?? this.localFallback(i)) + ' = ';
    s += this.instructionBody(i);
    const att = i.attachments;
    if (att !== null) {
      for (let k = 0; k < att.length; k++) {
        if (this.tv < ASSIGN_TRACKING_SINCE && att[k]!.kind === 'DIAssignID') continue;
        s += this.instructionAttachment(att[k]!);
      }
    }
    return s;
  }

  /**
   * `, !tbaa !5`. Cached per object: the parser shares one attachment object
   * per kind and node, and most loads and stores carry one.
   */
  private instructionAttachment(a: Attachment): string {
    let s = this.attachmentCache.get(a);
    if (s === undefined) { s = ', ' + this.attachment(a); this.attachmentCache.set(a, s); }
    return s;
  }

  private instructionBody(i: Instruction): string {
    const ops = i.operands;
    switch (i.op) {
      // The most frequent instructions first: a switch on strings is a chain of comparisons.
      case 'br':
        return i.successors.length === 1
          ? 'br label ' + this.ref(i.successors[0]!)
          : 'br ' + this.typed(ops[0]!) + ', label ' + this.ref(i.successors[0]!) + ', label ' + this.ref(i.successors[1]!);
      case 'getelementptr': {
        let s = 'getelementptr' + this.opFlags('getelementptr', i.flags) + ' ' + this.type(i.srcType);
        for (let k = 0; k < ops.length; k++) s += ', ' + this.typed(ops[k]!);
        return s;
      }
      case 'load': {
        let s = 'load';
        if (i.atomic) s += ' atomic';
        if (i.volatile) s += ' volatile';
        s += ' ' + this.type(i.type) + ', ' + this.typed(ops[0]!) + this.syncscope(i.syncscope);
        if (i.ordering !== null) s += ' ' + i.ordering;
        if (i.align !== null) s += ', align ' + i.align;
        return s;
      }
      case 'icmp': case 'fcmp':
        return i.op + this.opFlags(i.op, i.flags) + ' ' + i.pred + ' ' + this.typed(ops[0]!) + ', ' + this.ref(ops[1]!);
      case 'store': {
        let s = 'store';
        if (i.atomic) s += ' atomic';
        if (i.volatile) s += ' volatile';
        s += ' ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + this.syncscope(i.syncscope);
        if (i.ordering !== null) s += ' ' + i.ordering;
        if (i.align !== null) s += ', align ' + i.align;
        return s;
      }
      case 'call': {
        const head = i.tail === '' ? 'call' : i.tail + ' call';
        return this.callCommon(i, head, i.tail === 'musttail' && this.fn !== null && this.fn.fnType.vararg);
      }
      case 'phi': {
        let s = 'phi' + this.flags(i.flags) + ' ' + this.type(i.type) + ' ';
        for (let k = 0; k < ops.length; k++) {
          s += (k ? ', [ ' : '[ ') + this.ref(ops[k]!) + ', ' + this.ref(i.blocks[k]!) + ' ]';
        }
        return s;
      }
      case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
      case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
      case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'frem':
        return i.op + this.opFlags(i.op, i.flags) + ' ' + this.typed(ops[0]!) + ', ' + this.ref(ops[1]!);
      case 'trunc': case 'zext': case 'sext': case 'fptrunc': case 'fpext': case 'fptoui': case 'fptosi':
      case 'uitofp': case 'sitofp': case 'ptrtoint': case 'inttoptr': case 'bitcast': case 'addrspacecast':
        return i.op + this.opFlags(i.op, i.flags) + ' ' + this.typed(ops[0]!) + ' to ' + this.type(i.type);
      case 'ret':
        return ops.length ? 'ret ' + this.typed(ops[0]!) : 'ret void';
      case 'select':
        return 'select' + this.flags(i.flags) + ' ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + ', ' +
          this.typed(ops[2]!);
      case 'switch': {
        let s = 'switch ' + this.typed(ops[0]!) + ', label ' + this.ref(i.successors[0]!) + ' [';
        for (let k = 1; k < ops.length; k++) s += '\n    ' + this.typed(ops[k]!) + ', label ' + this.ref(i.successors[k]!);
        return s + '\n  ]';
      }
      case 'alloca': {
        let s = 'alloca';
        if (i.inalloca) s += ' inalloca';
        if (i.swifterror) s += ' swifterror';
        s += ' ' + this.type(i.allocated);
        if (ops.length) s += ', ' + this.typed(ops[0]!);
        if (i.align !== null) s += ', align ' + i.align;
        const as = this.addrspaceOf(i);
        if (as !== null) s += ', addrspace(' + as + ')';
        return s;
      }
      case 'fneg':
        return 'fneg' + this.flags(i.flags) + ' ' + this.typed(ops[0]!);
      case 'freeze':
        return 'freeze ' + this.typed(ops[0]!);
      case 'invoke':
        return this.callCommon(i, 'invoke', false) + CONT + 'to label ' + this.ref(i.successors[0]!) +
          ' unwind label ' + this.ref(i.successors[1]!);
      case 'callbr': {
        let s = this.callCommon(i, 'callbr', false) + CONT + 'to label ' + this.ref(i.successors[0]!) + ' [';
        for (let k = 1; k < i.successors.length; k++) s += (k > 1 ? ', label ' : 'label ') + this.ref(i.successors[k]!);
        return s + ']';
      }
      case 'fence':
        return 'fence' + this.syncscope(i.syncscope) + ' ' + i.ordering;
      case 'cmpxchg': {
        let s = 'cmpxchg';
        if (i.weak) s += ' weak';
        if (i.volatile) s += ' volatile';
        s += ' ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + ', ' + this.typed(ops[2]!) +
          this.syncscope(i.syncscope) + ' ' + i.success + ' ' + i.failure;
        if (i.align !== null) s += ', align ' + i.align;
        return s;
      }
      case 'atomicrmw': {
        let s = 'atomicrmw';
        if (i.volatile) s += ' volatile';
        s += ' ' + i.rmw + ' ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + this.syncscope(i.syncscope) + ' ' +
          i.ordering;
        if (i.align !== null) s += ', align ' + i.align;
        return s;
      }
      case 'extractvalue': {
        let s = 'extractvalue ' + this.typed(ops[0]!);
        for (const x of i.indices) s += ', ' + x;
        return s;
      }
      case 'insertvalue': {
        let s = 'insertvalue ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!);
        for (const x of i.indices) s += ', ' + x;
        return s;
      }
      case 'extractelement':
        return 'extractelement ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!);
      case 'insertelement':
        return 'insertelement ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + ', ' + this.typed(ops[2]!);
      case 'shufflevector':
        return 'shufflevector ' + this.typed(ops[0]!) + ', ' + this.typed(ops[1]!) + ', ' + this.typed(ops[2]!);
      case 'va_arg':
        return 'va_arg ' + this.typed(ops[0]!) + ', ' + this.type(i.type);
      case 'landingpad': {
        let s = 'landingpad ' + this.type(i.type);
        if (i.cleanup) s += CONT + 'cleanup';
        for (let k = 0; k < ops.length; k++) s += CONT + i.clauses[k]! + ' ' + this.typed(ops[k]!);
        return s;
      }
      case 'catchpad': case 'cleanuppad': {
        let s = i.op + ' within ' + this.ref(ops[0]!) + ' [';
        for (let k = 1; k < ops.length; k++) s += (k > 1 ? ', ' : '') + this.typed(ops[k]!);
        return s + ']';
      }
      case 'catchswitch': {
        let s = 'catchswitch within ' + this.ref(ops[0]!) + ' [';
        const nh = i.hasUnwind ? i.successors.length - 1 : i.successors.length;
        for (let k = 0; k < nh; k++) s += (k ? ', label ' : 'label ') + this.ref(i.successors[k]!);
        return s + '] unwind ' + (i.hasUnwind ? 'label ' + this.ref(i.successors[nh]!) : 'to caller');
      }
      case 'catchret':
        return 'catchret from ' + this.ref(ops[0]!) + ' to label ' + this.ref(i.successors[0]!);
      case 'cleanupret':
        return 'cleanupret from ' + this.ref(ops[0]!) + ' unwind ' +
          (i.successors.length ? 'label ' + this.ref(i.successors[0]!) : 'to caller');
      case 'indirectbr': {
        let s = 'indirectbr ' + this.typed(ops[0]!) + ', [';
        for (let k = 0; k < i.successors.length; k++) s += (k ? ', label ' : 'label ') + this.ref(i.successors[k]!);
        return s + ']';
      }
      case 'resume':
        return 'resume ' + this.typed(ops[0]!);
      case 'unreachable':
        return 'unreachable';
      default:
        return assertNever(i, 'instruction');
    }
  }

  private callCommon(c: CallBase, head: string, forwardVarargs: boolean): string {
    let s = head + this.flags(c.flags);
    if (c.cconv !== null) s += ' ' + c.cconv;
    s += this.spaceAttrs(c.retAttrs);
    if (c.addrspace !== null) s += ' addrspace(' + c.addrspace + ')';
    const fty = c.fnType as FunctionType | undefined;
    s += ' ';
    if (fty === undefined) s += this.type(c.type);
    else s += this.type(c.explicitFnType || fty.vararg ? fty : fty.ret);
    const ops = c.operands;
    const n = ops.length - 1;
    s += ' ' + this.ref(ops[n]!) + '(';
    if (ops[n]!.vk === 'function' && this.sizelessLifetime(ops[n] as Function)) s += 'i64 ' + this.lifetimeSize(ops[0]!) + (n ? ', ' : '');
    for (let k = 0; k < n; k++) {
      const a = ops[k]!;
      if (k) s += ', ';
      s += this.type(a.type);
      const aa = c.argAttrs[k];
      if (aa !== undefined) s += this.spaceAttrs(aa);
      s += ' ' + this.ref(a);
    }
    if (forwardVarargs) s += n ? ', ...' : '...';
    s += ')';
    s += this.spaceAttrs(c.fnAttrs);
    if (c.bundles !== null && c.bundles.length) {
      s += ' [ ';
      for (let b = 0; b < c.bundles.length; b++) {
        const bu = c.bundles[b]!;
        s += (b ? ', ' : '') + quoted(bu.tag) + '(';
        for (let k = 0; k < bu.inputs.length; k++) s += (k ? ', ' : '') + this.typed(bu.inputs[k]!);
        s += ')';
      }
      s += ' ]';
    }
    return s;
  }

  /** Whether `f` is a one-operand `llvm.lifetime.*` that LLVM `tv` knows with a size operand first. */
  private sizelessLifetime(f: Function): boolean {
    return this.tv < LIFETIME_SIZELESS_SINCE && f.fnType.params.length === 1 && f.name !== null &&
      (f.name.startsWith('llvm.lifetime.start') || f.name.startsWith('llvm.lifetime.end'));
  }

  /** The size operand of a lifetime marker: the alloca's size when static, else -1 (LLVM: "variable sized"). */
  private lifetimeSize(p: Value): string {
    const a = p as AnyValue;
    if (a.vk !== 'inst' || a.op !== 'alloca' || a.operands.length > 0 || !isSized(a.allocated)) return '-1';
    this.layout ??= new DataLayout(this.module?.datalayout ?? null);
    return String(this.layout.allocSize(a.allocated));
  }

  /**
   * A debug record as the intrinsic call LLVM < 19 reads, without indentation:
   * `call void @llvm.dbg.value(metadata i32 %x, metadata !12, metadata !DIExpression()), !dbg !20`.
   * An assignment record becomes a `llvm.dbg.value` of its value before LLVM 16.
   */
  private dbgCall(r: DbgRecord): string {
    let k = r.kind.replace(/^#?(dbg_)?/, '');
    let args = r.args;
    if (k === 'assign' && this.tv < ASSIGN_TRACKING_SINCE) { k = 'value'; args = [...args.slice(0, 3), args[args.length - 1]!]; }
    const name = 'llvm.dbg.' + k;
    this.dbgIntrinsics.add(name);
    let s = 'call void @' + name + '(';
    for (let i = 0; i < args.length - 1; i++) s += (i ? ', ' : '') + 'metadata ' + this.md(args[i]!);
    return s + '), !dbg ' + this.md(args[args.length - 1]!);
  }

  /** LLVM 19 debug record, without indentation: `#dbg_value(i32 %x, !12, !DIExpression(), !20)`. */
  dbgRecord(r: DbgRecord): string {
    let k = r.kind;
    if (k.charCodeAt(0) === 35 /* # */) k = k.slice(1);
    if (!k.startsWith('dbg_')) k = 'dbg_' + k;
    let s = '#' + k + '(';
    for (let i = 0; i < r.args.length; i++) s += (i ? ', ' : '') + this.md(r.args[i]!);
    return s + ')';
  }

  // ----------------------------------------------------------------- values

  /** `T v` */
  typed(v: Value): string {
    return this.typeAndSpace(v.type) + this.ref(v);
  }

  /** A value as an operand, without its type: `%x`, `@g`, `42`, `getelementptr (...)`, `!3`. */
  ref(v: Value): string {
    const av = v as AnyValue;
    switch (av.vk) {
      case 'inst': case 'argument': case 'block':
        return this.locals.get(av) ?? this.localFallback(av);
      case 'global': case 'function': case 'alias': case 'ifunc':
        return this.globalRef(av);
      case 'const': {
        const c = av as AnyConstant;
        // Cheap spellings are not cached: constants need not be uniqued, and a map with an
        // entry per operand would cost more than the spelling.
        if (c.ck === 'int' || c.ck === 'fp' || c.ck === 'null' || c.ck === 'zero' || c.ck === 'undef' ||
            c.ck === 'poison') return this.constant(c);
        let s = this.constCache.get(c);
        if (s === undefined) { s = this.constant(c); this.constCache.set(c, s); }
        return s;
      }
      case 'asm': {
        let s = 'asm ';
        if (av.sideeffect) s += 'sideeffect ';
        if (av.alignstack) s += 'alignstack ';
        if (av.inteldialect) s += 'inteldialect ';
        if (av.unwind) s += 'unwind ';
        return s + '"' + av.asm + '", "' + av.constraints + '"';
      }
      case 'metadata':
        return this.md(av.md);
      case 'ref':
        return (av.scope === 'local' ? '%' : '@') + (av.numbered ? av.ref : nameText(av.ref));
      default:
        return assertNever(av, 'value');
    }
  }

  /** A local of another function (blockaddress) or one not (yet) in a function. */
  private localFallback(v: Argument | BasicBlock | Instruction): string {
    const f = v.vk === 'argument' ? v.parent : v.vk === 'block' ? v.parent : v.parent?.parent ?? null;
    if (f && f !== this.fn) {
      const s = this.localsOf(f).get(v);
      if (s !== undefined) return s;
    }
    return v.name !== null ? '%' + nameText(v.name) : '%' + BADREF;
  }

  private localsOf(f: Function): Map<Value, string> {
    if (f === this.fn) return this.locals;
    let m = this.otherLocals.get(f);
    if (!m) { m = this.numberLocals(f); this.otherLocals.set(f, m); }
    return m;
  }

  private constant(c: AnyConstant): string {
    switch (c.ck) {
      case 'int':
        return c.type.kind === 'int' && c.type.bits === 1 ? (c.value === 0n ? 'false' : 'true') : intText(c.value);
      case 'fp': return c.text;
      case 'null': return 'null';
      case 'undef': return 'undef';
      case 'poison': return 'poison';
      case 'zero': return 'zeroinitializer';
      case 'none': return 'none';
      case 'string': return 'c"' + c.text + '"';
      case 'raw': return c.text;
      case 'aggregate': return this.aggregate(c);
      case 'expr': return this.constExpr(c);
      case 'blockaddress': {
        const fn = this.ref(c.fn);
        let bb: string;
        if (c.block.vk === 'block') {
          const b = c.block as BasicBlock;
          bb = this.localsOf(b.parent).get(b) ?? (b.name !== null ? '%' + nameText(b.name) : '%' + BADREF);
        } else {
          bb = this.ref(c.block);
        }
        return 'blockaddress(' + fn + ', ' + bb + ')';
      }
      case 'dso_local_equivalent': return 'dso_local_equivalent ' + this.ref(c.target);
      case 'no_cfi': return 'no_cfi ' + this.ref(c.target);
      default: return assertNever(c, 'constant');
    }
  }

  private aggregate(c: ConstantAggregate): string {
    const e = c.elems;
    if (c.splat) {
      if (this.tv >= SPLAT_SINCE || c.type.kind !== 'vector' || c.type.scalable) return 'splat (' + this.typed(e[0]!) + ')';
      const one = this.typed(e[0]!);
      let s = '<' + one;
      for (let k = 1; k < c.type.count; k++) s += ', ' + one;
      return s + '>';
    }
    const t = c.type;
    if (t.kind === 'struct') {
      if (e.length === 0) return t.packed ? '<{}>' : '{}';
      let s = t.packed ? '<{ ' : '{ ';
      for (let k = 0; k < e.length; k++) s += (k ? ', ' : '') + this.typed(e[k]!);
      return s + (t.packed ? ' }>' : ' }');
    }
    const vec = t.kind === 'vector';
    let s = vec ? '<' : '[';
    for (let k = 0; k < e.length; k++) s += (k ? ', ' : '') + this.typed(e[k]!);
    return s + (vec ? '>' : ']');
  }

  private constExpr(c: ConstantExpr): string {
    let s: string = c.op + this.opFlags(c.op, c.flags);
    const ops = c.operands;
    // `inrange` changed form in LLVM 19; for another version it is dropped (a hint)
    const newInrange = this.tv >= TARGET_MAX || this.tv >= NEW_INRANGE_SINCE;
    const oldInrange = this.tv >= TARGET_MAX || this.tv < NEW_INRANGE_SINCE;
    if (c.op === 'getelementptr' && c.inrange !== null && newInrange) s += ' ' + c.inrange;
    if ((c.op === 'icmp' || c.op === 'fcmp') && c.pred !== null) s += ' ' + c.pred;
    s += ' (';
    let first = true;
    if (c.op === 'getelementptr' && c.srcType !== null) { s += this.type(c.srcType); first = false; }
    for (let k = 0; k < ops.length; k++) {
      if (!first) s += ', ';
      first = false;
      if (k === c.inrangeIndex && oldInrange) s += 'inrange ';
      s += this.typed(ops[k]!);
    }
    if (c.indices !== null) for (const x of c.indices) s += ', ' + x;
    if (isCastOp(c.op)) s += ' to ' + this.type(c.type);
    return s + ')';
  }

  // ------------------------------------------------------------------ types

  type(t: Type): string {
    let s = this.typeCache.get(t);
    if (s === undefined) { s = this.computeType(t); this.typeCache.set(t, s); }
    return s;
  }

  private typeAndSpace(t: Type): string {
    let s = this.typeSpaceCache.get(t);
    if (s === undefined) { s = this.type(t) + ' '; this.typeSpaceCache.set(t, s); }
    return s;
  }

  private computeType(t: Type): string {
    switch (t.kind) {
      case 'void': case 'label': case 'metadata': case 'token': case 'x86_mmx': case 'x86_amx':
        return t.kind;
      case 'int': return 'i' + t.bits;
      case 'float': return t.fk;
      case 'pointer':
        if (t.pointee === null) return t.addrspace ? 'ptr addrspace(' + t.addrspace + ')' : 'ptr';
        return this.type(t.pointee) + (t.addrspace ? ' addrspace(' + t.addrspace + ')*' : '*');
      case 'array': return '[' + t.count + ' x ' + this.type(t.elem) + ']';
      case 'vector': return (t.scalable ? '<vscale x ' : '<') + t.count + ' x ' + this.type(t.elem) + '>';
      case 'struct':
        if (t.name !== null) return '%' + (t.numbered ? t.name : nameText(t.name));
        return this.structBody(t.elems ?? [], t.packed);
      case 'function': {
        let s = this.type(t.ret) + ' (';
        for (let k = 0; k < t.params.length; k++) s += (k ? ', ' : '') + this.type(t.params[k]!);
        if (t.vararg) s += t.params.length ? ', ...' : '...';
        return s + ')';
      }
      case 'target': {
        let s = 'target(' + quoted(t.name);
        for (const x of t.types) s += ', ' + this.type(x);
        for (const x of t.ints) s += ', ' + x;
        return s + ')';
      }
      default: return assertNever(t, 'type');
    }
  }

  private structBody(elems: readonly Type[], packed: boolean): string {
    if (elems.length === 0) return packed ? '<{}>' : '{}';
    let s = packed ? '<{ ' : '{ ';
    for (let k = 0; k < elems.length; k++) s += (k ? ', ' : '') + this.type(elems[k]!);
    return s + (packed ? ' }>' : ' }');
  }

  // ------------------------------------------------------- attrs, metadata

  attr(a: Attr): string {
    switch (a.k) {
      case 'word': return a.arg === null ? a.name : a.paren ? a.name + '(' + a.arg + ')' : a.name + ' ' + a.arg;
      case 'type': return a.name + '(' + this.type(a.type) + ')';
      case 'str': return a.value === null ? a.key : a.key + '=' + a.value;
      case 'group': return '#' + a.id;
      default: return assertNever(a, 'attribute');
    }
  }

  attrs(list: AttrList): string {
    let s = '';
    if (this.tv >= TARGET_MAX) {
      for (let k = 0; k < list.length; k++) s += (k ? ' ' : '') + this.attr(list[k]!);
      return s;
    }
    for (let k = 0; k < list.length; k++) {
      const t = this.targetAttr(list[k]!);
      if (t !== '') s += (s === '' ? '' : ' ') + t;
    }
    return s;
  }

  /** ` attrs` (with the leading space), or nothing for an empty list. */
  private spaceAttrs(list: AttrList): string {
    if (list.length === 0) return '';
    const t = this.attrs(list);
    return t === '' ? '' : ' ' + t;
  }

  /** An attribute as LLVM `tv` reads it; '' when it has no spelling there (a hint, dropped). */
  private targetAttr(a: Attr): string {
    if (a.k !== 'word' && a.k !== 'type') return this.attr(a);
    const since = ATTR_SINCE.get(a.name);
    if (since !== undefined && this.tv < since) return '';
    if (a.k === 'word') {
      if (a.name === 'captures' && this.tv < CAPTURES_SINCE) return a.arg !== null && a.arg.trim() === 'none' ? 'nocapture' : '';
      if (a.name === 'memory' && a.arg !== null && a.paren) {
        const r = lowerMemory(a.arg, this.tv);
        return 'arg' in r ? 'memory(' + r.arg + ')' : r.words.join(' ');
      }
      if (a.name === 'uwtable' && a.paren && this.tv < UWTABLE_KIND_SINCE) return 'uwtable';
    }
    return this.attr(a);
  }

  /** `!dbg !12` (the kind is stored without its `!`; tolerate one). */
  private attachment(a: Attachment): string {
    return (a.kind.charCodeAt(0) === 33 /* ! */ ? a.kind : '!' + a.kind) + ' ' + this.md(a.md);
  }

  /** A numbered node's definition (after `!N = `), as LLVM `tv` reads it. */
  private mdDefinition(id: number, node: Metadata): string {
    if (this.tv < MODULE_FLAG_MIN_SINCE && this.moduleFlags.has(id) && node.mk === 'tuple') {
      const b = node.elems[0];
      const v = b && b.mk === 'value' ? b.value : null;
      if (v !== null && v.vk === 'const' && (v as Constant).ck === 'int' && (v as ConstantInt).value === 8n) {
        return '!{' + this.type(v.type) + ' 7' + node.elems.slice(1).map((e) => ', ' + (e === null ? 'null' : this.md(e))).join('') + '}';
      }
    }
    if (this.tv < ASSIGN_TRACKING_SINCE && node.mk === 'special' && node.name.replace(/^!/, '') === 'DIAssignID') return 'distinct !{}';
    if (this.tv < EXPECTED_WEIGHTS_SINCE && node.mk === 'tuple' && isMDString(node.elems[0], 'branch_weights') && isMDString(node.elems[1], 'expected')) {
      // `!{!"branch_weights", !"expected", ...}`: the origin tag of LLVM 19, dropped
      return this.md(new MDTuple(node.distinct, [node.elems[0]!, ...node.elems.slice(2)]));
    }
    if (this.tv < STATIC_MEMBER_VARIABLE_SINCE && node.mk === 'special' && node.name.replace(/^!/, '') === 'DIDerivedType') {
      // a static data member: DW_TAG_member with DIFlagStaticMember before LLVM 18
      return this.md(node).replace('(tag: DW_TAG_variable,', '(tag: DW_TAG_member,');
    }
    if (this.tv < NAMELESS_GLOBAL_VARIABLE_SINCE && node.mk === 'special' && node.name.replace(/^!/, '') === 'DIGlobalVariable' &&
      !node.fields.some((f) => f.key === 'name')) {
      // a string literal's debug variable (clang >= 18) has no name; LLVM 14 requires a non-empty one
      return this.md(node).replace('DIGlobalVariable(', 'DIGlobalVariable(name: "<unnamed>", ');
    }
    return this.md(node);
  }

  md(m: Metadata): string {
    switch (m.mk) {
      case 'ref': return '!' + m.id;
      case 'string': return '!"' + m.text + '"';
      case 'tuple': {
        let s = m.distinct ? 'distinct !{' : '!{';
        for (let k = 0; k < m.elems.length; k++) {
          const e = m.elems[k]!;
          s += (k ? ', ' : '') + (e === null ? 'null' : this.md(e));
        }
        return s + '}';
      }
      case 'special': {
        let s = (m.distinct ? 'distinct ' : '') + (m.name.charCodeAt(0) === 33 ? m.name : '!' + m.name) + '(';
        for (let k = 0; k < m.fields.length; k++) {
          const f = m.fields[k]!;
          if (k) s += ', ';
          if (f.key !== null) s += f.key + ': ';
          s += this.md(f.value);
        }
        return s + ')';
      }
      case 'value': return this.typed(m.value);
      case 'raw': return m.text;
      default: return assertNever(m, 'metadata');
    }
  }
}

/**
 * Text kept as written (lazy loading) spells numbered globals with their source numbers: when
 * printing numbers some of them differently, the deferred bodies and metadata that mention one
 * are read, so that they print through the IR with the new numbers.
 */
function readDeferredMentions(m: Module, renumbered: readonly GlobalValue[]): void {
  const mentions = (d: DeferredText): boolean => renumbered.some((g) => g.name !== null && d.mentionsGlobal(g));
  for (const f of m.functions) if (f.deferred !== null && mentions(f.deferred)) f.materialize();
  for (const d of m.metadata) if (d.deferred && mentions(d.deferred)) void d.node;
  for (const g of m.globals) if (g.deferredInit !== null && mentions(g.deferredInit)) void g.init;
}

function isMDString(m: Metadata | null | undefined, text: string): boolean {
  return !!m && m.mk === 'string' && m.text === text;
}

/** Parameters of the debug intrinsics that LLVM < 19 records are written as. */
const DBG_INTRINSIC_PARAMS: Record<string, string> = {
  'llvm.dbg.value': 'metadata, metadata, metadata',
  'llvm.dbg.declare': 'metadata, metadata, metadata',
  'llvm.dbg.assign': 'metadata, metadata, metadata, metadata, metadata, metadata',
  'llvm.dbg.label': 'metadata',
};

/**
 * What LLVM `v` cannot read and the printer cannot drop without changing the program: an
 * error (E0120) at the first such construct, before anything is written.
 */
function refuseForTarget(m: Module, v: number, file: SourceFile | null): void {
  const refuse = (what: string, at: Value | null, since: number, notes: string[] = []): never => {
    const span = at ? sourceSpan(at) : { start: -1, end: -1 };
    throw new DiagnosticError([diag('E0120', `${what} cannot be written for LLVM ${v}`, span.start >= 0 ? file : null, span.start, span.end,
      [...notes, `LLVM ${v} has no equivalent; --target-llvm ${since} or newer writes it as it is`])]);
  };
  const typeOk = (t: Type, depth = 0): boolean => {
    if (depth > 16) return true;
    switch (t.kind) {
      case 'target': return v >= TARGET_TYPES_SINCE;
      case 'array': case 'vector': return typeOk(t.elem, depth + 1);
      case 'struct': return !t.elems || t.elems.every((e) => typeOk(e, depth + 1));
      case 'function': return typeOk(t.ret, depth + 1) && t.params.every((p) => typeOk(p, depth + 1));
      default: return true;
    }
  };
  for (const t of m.types.namedOrder) if (!typeOk(t)) refuse(`type %${t.name} (it holds a target("...") type)`, null, TARGET_TYPES_SINCE);
  const constOk = (c: Value, depth = 0): boolean => {
    if (depth > 32 || c.vk !== 'const') return true;
    const k = c as AnyConstant;
    if (k.ck === 'aggregate') {
      if (k.splat && v < SPLAT_SINCE && k.type.kind === 'vector' && k.type.scalable) return false;
      return k.elems.every((e) => constOk(e, depth + 1));
    }
    if (k.ck === 'expr') return k.operands.every((e) => constOk(e, depth + 1));
    return true;
  };
  const splatNote = 'LLVM before 19 spells a scalable splat as a shufflevector constant expression; write it so in the input';
  for (const g of m.globals) if (g.deferredInit === null && g.init && !constOk(g.init)) refuse(`the scalable vector splat in @${g.name ?? '?'}`, g, SPLAT_SINCE, [splatNote]);
  for (const f of m.functions) {
    if (f.deferred !== null) continue;
    if (!typeOk(f.fnType)) refuse(`@${f.name ?? '?'} (a target("...") type in its signature)`, f, TARGET_TYPES_SINCE);
    for (const b of f.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'atomicrmw') {
          const since = RMW_SINCE.get(i.rmw);
          if (since !== undefined && v < since) refuse(`atomicrmw ${i.rmw}`, i, since);
        }
        if (!typeOk(i.type)) refuse('an instruction of a target("...") type', i, TARGET_TYPES_SINCE);
        for (const o of i.operands) if (!constOk(o)) refuse('a scalable vector splat', i, SPLAT_SINCE, [splatNote]);
        if (i.dbg !== null && v < DEBUG_RECORDS_SINCE) {
          for (const r of i.dbg) {
            const k = r.kind.replace(/^#?(dbg_)?/, '');
            if (!(`llvm.dbg.${k}` in DBG_INTRINSIC_PARAMS)) refuse(`the debug record #dbg_${k}`, i, DEBUG_RECORDS_SINCE);
          }
        }
      }
    }
  }
}

const CAST_OPS: ReadonlySet<string> = new Set([
  'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp',
  'ptrtoint', 'inttoptr', 'bitcast', 'addrspacecast',
]);
function isCastOp(op: string): boolean { return CAST_OPS.has(op); }

/** Decimal spelling; through Number when exact (V8 caches small number strings). */
function intText(v: bigint): string {
  return v >= -9007199254740991n && v <= 9007199254740991n ? '' + Number(v) : v.toString();
}

/**
 * Prints single instructions with the numbering of their function, for
 * diagnostics and `--print`. The numbering is computed when the printer is
 * created (or when `print` meets an instruction of another function); call
 * `refresh()` after changing the function.
 */
export class InstructionPrinter {
  private readonly p: Printer;
  private fn: Function | null;
  constructor(fn: Function | null, module: Module | null = null) {
    this.p = new Printer(module);
    this.fn = fn;
    this.p.enterFunction(fn);
  }
  /** Recomputes the numbering of the current function. */
  refresh(): void { this.p.enterFunction(this.fn); }
  /** `%3 = add i32 %1, %2, !dbg !7` (debug records not included). */
  print(i: Instruction): string {
    const f = i.parent?.parent ?? null;
    if (f !== null && f !== this.fn) { this.fn = f; this.p.enterFunction(f); }
    return this.p.instruction(i);
  }
  /** `%x`, `@g`, `i32 7` without its type. */
  ref(v: Value): string { return this.p.ref(v); }
  /** `i32 %x` */
  typed(v: Value): string { return this.p.typed(v); }
  type(t: Type): string { return this.p.type(t); }
  metadata(m: Metadata): string { return this.p.md(m); }
  dbgRecord(r: DbgRecord): string { return this.p.dbgRecord(r); }
}

/** How to print. */
export interface PrintOptions {
  /** Write the syntax LLVM `targetLLVM` reads (`--target-llvm`; src/print/target.ts). */
  targetLLVM?: number | null;
  /** The module's source, to locate what cannot be written for the target. */
  file?: SourceFile | null;
}

/** The whole module as textual LLVM IR. */
export function printModule(m: Module, opts: PrintOptions = {}): string {
  return new Printer(m, opts).printModule();
}

/**
 * The module as a sequence of flat strings whose concatenation is
 * `printModule(m)`: lets a caller write a large module without building
 * the whole text (e.g. `writeModule(m, (c) => fs.writeSync(fd, c))`).
 */
export function writeModule(m: Module, write: (chunk: string) => void, opts: PrintOptions = {}): void {
  new Printer(m, opts).writeModule(write);
}

/** One function (header and body). Pass the module so that numbered / unnamed globals get their numbers. */
export function printFunction(f: Function, m: Module | null = null): string {
  return new Printer(m).printFunction(f);
}

export function printType(t: Type): string {
  return new Printer(null).type(t);
}

/** One instruction with its function's numbering (computes the numbering: for many, use InstructionPrinter). */
export function printInstruction(i: Instruction, m: Module | null = null): string {
  return new InstructionPrinter(i.parent?.parent ?? null, m).print(i);
}

/** A value with its type (`i32 %x`, `ptr @g`), or without (`typed = false`). */
export function printValue(v: Value, m: Module | null = null, typed = true): string {
  const p = new Printer(m);
  const f = v.vk === 'inst' ? (v as Instruction).parent?.parent ?? null
    : v.vk === 'argument' ? (v as Argument).parent : v.vk === 'block' ? (v as BasicBlock).parent : null;
  p.enterFunction(f);
  return typed ? p.typed(v) : p.ref(v);
}

export function printMetadata(md: Metadata, m: Module | null = null): string {
  return new Printer(m).md(md);
}
