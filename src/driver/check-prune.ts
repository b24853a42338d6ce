// `check`: the module handed to lli holds only what the driver reaches.
//
// lli compiles every function body it is given and must resolve every symbol
// those bodies name, so one unrelated function calling a library lli does not
// load (a user's other translation unit, BLAS, a GUI toolkit) used to stop the
// check of a function that never calls it. Pruning to what the check's entry
// point reaches (and the static constructors, which set up state the function
// may read) removes those; it also makes large modules (a whole program after
// LTO) much faster to JIT.
//
// Definitions nobody reaches are deleted, except those that metadata still
// names (`!{ptr @f}`, debug info of globals): those become declarations, which
// lli never resolves unless code uses them.
import { Alias, Function, GlobalVariable, IFunc, type AnyGlobal } from '../ir/function.js';
import { BlockAddress, ConstantAggregate, ConstantExpr, DSOLocalEquivalent, MetadataAsValue, NoCFI } from '../ir/constants.js';
import type { Metadata } from '../ir/metadata.js';
import type { Module } from '../ir/module.js';
import type { Value } from '../ir/value.js';

/** Linkages a declaration may not have: a demoted definition with one of them becomes external. */
const DEFINITION_ONLY = new Set(['private', 'internal', 'linkonce', 'linkonce_odr', 'weak', 'weak_odr', 'common', 'appending', 'available_externally']);

/** Roots of a run: the entry and the module's static constructors and destructors (lli runs them). */
function ctorRoots(m: Module): GlobalVariable[] {
  return m.globals.filter((g) => g.name === 'llvm.global_ctors' || g.name === 'llvm.global_dtors');
}

/** What `roots` reach through code, initializers, aliases and constant expressions. */
export function reachable(m: Module, roots: readonly Value[]): Set<AnyGlobal> {
  const seen = new Set<AnyGlobal>();
  const work: Value[] = [...roots];
  const visitedConst = new Set<Value>();
  const push = (v: Value | null | undefined): void => { if (v) work.push(v); };
  while (work.length) {
    const v = work.pop()!;
    switch (v.vk) {
      case 'function': case 'global': case 'alias': case 'ifunc': {
        const g = v as AnyGlobal;
        if (seen.has(g)) break;
        seen.add(g);
        if (g instanceof Function) {
          push(g.personality); push(g.prefix); push(g.prologue);
          for (const b of g.blocks) {
            for (const i of b.instructions) {
              for (const o of i.operands) if (o.vk !== 'inst' && o.vk !== 'argument' && o.vk !== 'block') work.push(o);
              if ((i.op === 'call' || i.op === 'invoke' || i.op === 'callbr') && i.bundles) for (const bd of i.bundles) for (const x of bd.inputs) work.push(x);
            }
          }
        } else if (g instanceof GlobalVariable) push(g.init);
        else if (g instanceof Alias) push(g.aliasee);
        else if (g instanceof IFunc) push(g.resolver);
        break;
      }
      case 'const': {
        if (visitedConst.has(v)) break;
        visitedConst.add(v);
        if (v instanceof ConstantExpr) work.push(...v.operands);
        else if (v instanceof ConstantAggregate) work.push(...v.elems);
        else if (v instanceof BlockAddress) work.push(v.fn);
        else if (v instanceof DSOLocalEquivalent || v instanceof NoCFI) work.push(v.target);
        break;
      }
      default: break;
    }
  }
  return seen;
}

/** Globals that metadata names (`ptr @f` inside `!{...}` or a debug-info node). */
function namedByMetadata(m: Module, kept: ReadonlySet<AnyGlobal>): Set<Value> {
  const out = new Set<Value>();
  const walk = (md: Metadata | null): void => {
    if (!md) return;
    switch (md.mk) {
      case 'value': out.add(md.value); return;
      case 'tuple': for (const e of md.elems) walk(e); return;
      case 'special': for (const f of md.fields) walk(f.value); return;
      default: return;
    }
  };
  for (const d of m.metadata) walk(d.node);
  for (const nm of m.namedMetadata) for (const e of nm.elems) walk(e);
  for (const g of [...m.globals, ...m.functions]) for (const a of g.attachments) walk(a.md);
  for (const f of m.functions) {
    if (!kept.has(f)) continue;
    for (const b of f.blocks) {
      for (const i of b.instructions) {
        for (const o of i.operands) if (o instanceof MetadataAsValue) walk(o.md);
        if (i.attachments) for (const a of i.attachments) walk(a.md);
        if (i.dbg) for (const r of i.dbg) for (const a of r.args) walk(a);
      }
    }
  }
  return out;
}

export interface PruneResult {
  /** Definitions deleted or turned into declarations. */
  dropped: number;
}

/**
 * Removes from `m` every global the entry does not reach (see the file comment).
 * `@llvm.used` and `@llvm.compiler.used` only keep symbols for a linker and are dropped.
 */
export function pruneModule(m: Module, entry: Function): PruneResult {
  const used = new Set(['llvm.used', 'llvm.compiler.used']);
  m.globals = m.globals.filter((g) => !used.has(g.name ?? ''));
  let keep = reachable(m, [entry, ...ctorRoots(m)]);
  let named = namedByMetadata(m, keep);
  // Aliases and ifuncs cannot become declarations: one that metadata names stays, with what it points to.
  const namedIndirect = [...m.aliases, ...m.ifuncs].filter((a) => !keep.has(a) && named.has(a));
  if (namedIndirect.length) {
    keep = reachable(m, [entry, ...ctorRoots(m), ...namedIndirect]);
    named = namedByMetadata(m, keep);
  }
  let dropped = 0;
  const demote = (g: Function | GlobalVariable): void => {
    if (g.linkage !== null && DEFINITION_ONLY.has(g.linkage)) g.linkage = null;
    g.comdat = null;
    g.section = null;
    g.attachments = [];
    if (g instanceof Function) {
      g.blocks = [];
      g.isDeclaration = true;
      g.personality = null; g.prefix = null; g.prologue = null;
    } else {
      g.init = null;
    }
    if (g.visibility === 'protected') g.visibility = null;
  };
  const filterList = <T extends Function | GlobalVariable>(list: T[]): T[] => list.filter((g) => {
    if (keep.has(g)) return true;
    const isDecl = g instanceof Function ? g.isDeclaration : g.init === null;
    if (named.has(g)) { if (!isDecl) { demote(g); dropped++; } return true; }
    if (!isDecl) dropped++;
    return false;
  });
  m.functions = filterList(m.functions);
  m.globals = filterList(m.globals);
  m.aliases = m.aliases.filter((a) => keep.has(a));
  m.ifuncs = m.ifuncs.filter((a) => keep.has(a));
  m.invalidateSymbols();
  return { dropped };
}

/**
 * The mutable state of the module after pruning: every defined global variable
 * that is not constant (what the function or its callees may write). The driver
 * snapshots them before the first evaluation and restores them before each one.
 */
export function mutableGlobals(m: Module): GlobalVariable[] {
  return m.globals.filter((g) => g.init !== null && !g.isConstant && g.threadLocal === null
    && !(g.name ?? '').startsWith('llvm.') && g.valueType.kind !== 'function');
}
