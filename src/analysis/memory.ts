// Which loads the reverse sweep may simply repeat instead of reading their
// value from the tape: a load whose memory nothing in the function may
// overwrite (Enzyme's "uncacheable" analysis, in a conservative form).
// Memory is identified by its underlying objects (arguments, globals,
// allocations); two different arguments may alias unless one is `noalias`
// (C `restrict`), a fresh allocation aliases nothing the caller passed in.

import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { CallInst, InvokeInst, Instruction, LoadInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { AttrList } from '../ir/attributes.js';
import { hasAttr } from '../ir/attributes.js';
import { calledFunction, type CallKind } from '../ad/calls.js';

/** The objects a pointer may point into, looking through address arithmetic and merges; null when unknown. */
export function underlyingObjects(p: Value): Set<Value> | null {
  const out = new Set<Value>();
  const seen = new Set<Value>();
  const work: Value[] = [p];
  while (work.length) {
    const v = work.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    if (seen.size > 256) return null;
    if (v.vk === 'inst') {
      const i = v as Instruction;
      switch (i.op) {
        case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze':
          work.push(i.operands[0]!); continue;
        case 'phi': for (const o of i.operands) work.push(o); continue;
        case 'select': work.push(i.operands[1]!, i.operands[2]!); continue;
        // Vectors of pointers: built from pointers, taken apart into them.
        case 'insertelement': case 'shufflevector': work.push(i.operands[0]!, i.operands[1]!); continue;
        case 'extractelement': work.push(i.operands[0]!); continue;
        case 'alloca': case 'load': case 'call': out.add(v); continue;
        default: return null;
      }
    }
    if (v.vk === 'const') {
      const c = v as unknown as { ck: string; op?: string; operands?: Value[] };
      if (c.ck === 'null' || c.ck === 'undef' || c.ck === 'poison' || (c.ck === 'zero' && v.type.kind === 'vector')) continue;
      if (c.ck === 'expr' && (c.op === 'getelementptr' || c.op === 'bitcast' || c.op === 'addrspacecast')) { work.push(c.operands![0]!); continue; }
      return null;
    }
    out.add(v);
  }
  return out;
}

function expand(m: Module, list: AttrList): AttrList {
  const out: AttrList = [];
  for (const a of list) {
    if (a.k === 'group') out.push(...(m.attrGroups.get(a.id)?.attrs ?? []));
    else out.push(a);
  }
  return out;
}

/** Whether a call may write memory, from its own and its callee's attributes. */
function callMayWrite(m: Module, c: CallInst | InvokeInst): boolean {
  const lists = [expand(m, c.fnAttrs)];
  const f = calledFunction(c);
  if (f) lists.push(expand(m, f.fnAttrs));
  for (const l of lists) {
    if (hasAttr(l, 'readnone') || hasAttr(l, 'readonly')) return false;
    for (const a of l) {
      if (a.k === 'word' && a.name === 'memory' && a.arg !== null && /^\(?\s*(none|read)\s*\)?$/.test(a.arg.replace(/^\(|\)$/g, '').trim())) return false;
    }
  }
  return true;
}

/**
 * Whether a call of a declared function may access memory other than what its arguments point to
 * (a global it names), from its own and its callee's attributes: `readnone`, `memory(none)`,
 * `argmemonly`, `inaccessiblememonly`, or a `memory(...)` that lists only argument, inaccessible
 * and errno memory rule it out.
 */
export function mayUseGlobals(m: Module, c: CallInst | InvokeInst): boolean {
  const f = calledFunction(c);
  // An intrinsic reaches memory only through its pointer arguments (or memory the program cannot
  // name): `llvm.trap`, declared without attributes by LLVM 14, names no global.
  if (f && f.name?.startsWith('llvm.')) return false;
  const lists = [expand(m, c.fnAttrs), f ? expand(m, f.fnAttrs) : []];
  for (const l of lists) {
    for (const a of l) {
      if (a.k !== 'word') continue;
      if (a.name === 'readnone' || a.name === 'argmemonly' || a.name === 'inaccessiblememonly' || a.name === 'inaccessiblemem_or_argmemonly') return false;
      if (a.name === 'memory' && a.arg !== null) {
        const parts = a.arg.replace(/^\(|\)$/g, '').split(',').map((x) => x.trim()).filter(Boolean);
        // `none`, or only located effects (`argmem: read, inaccessiblemem: readwrite`) on argument, inaccessible or errno memory.
        if (parts.every((x) => x === 'none' || /^(argmem|inaccessiblemem|errnomem)\s*:/.test(x) || /^[a-z]+\s*:\s*none$/.test(x))) return false;
      }
    }
  }
  return true;
}

const paramWrites = new WeakMap<Function, boolean[] | 'pending'>();

/**
 * For a function defined in the module: which pointer parameters it (or what
 * it calls) may write through. A `sqrt` call makes clang drop `readonly` from
 * a function (errno), but it still never writes the array it was given.
 */
function paramsWritten(m: Module, fn: Function, kindOf: (c: CallInst | InvokeInst) => CallKind): boolean[] | null {
  const have = paramWrites.get(fn);
  if (have === 'pending') return null; // recursion: assume the worst
  if (have) return have;
  paramWrites.set(fn, 'pending');
  const inner = new OverwriteAnalysis(m, fn, kindOf);
  const r = fn.args.map((a) => a.type.kind === 'pointer' && inner.writesObject(a));
  paramWrites.set(fn, r);
  return r;
}

export class OverwriteAnalysis {
  /** Objects written somewhere in the function; null entry means "somewhere unknown". */
  private readonly written: (Set<Value> | null)[] = [];

  constructor(m: Module, fn: Function, kindOf: (c: CallInst | InvokeInst) => CallKind) {
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        switch (i.op) {
          case 'store': this.written.push(underlyingObjects(i.ptr)); break;
          case 'atomicrmw': case 'cmpxchg': this.written.push(underlyingObjects(i.operands[0]!)); break;
          case 'call': case 'invoke': {
            const k = kindOf(i);
            // Rules with out-pointers (frexp, modf) write through them.
            if (k.k === 'rule') { for (const o of k.rule.outArgs ?? []) this.written.push(underlyingObjects(i.arg(o.arg))); break; }
            if (k.k === 'zero' || (k.k === 'inactive' && !k.fn) || k.k === 'malloc' || k.k === 'calloc') break;
            if (k.k === 'blas') {
              const out = k.rule.out === 'x' ? k.rule.x : k.rule.out === 'y' ? k.rule.y : null;
              if (out !== null) this.written.push(underlyingObjects(i.arg(out)));
              break;
            }
            if (k.k === 'vecmem') {
              if (k.shape.store) this.written.push(underlyingObjects(i.arg(k.shape.ptr)));
              break;
            }
            if (k.k === 'memcpy' || k.k === 'memmove' || k.k === 'memset' || k.k === 'free' || k.k === 'realloc' || k.k === 'posix_memalign') {
              this.written.push(underlyingObjects(i.arg(k.k === 'free' ? k.ptrArg ?? 0 : 0)));
              break;
            }
            if (!callMayWrite(m, i)) break;
            const callee = k.k === 'defined' && !k.fn.isDeclaration ? k.fn : null;
            const writes = callee ? paramsWritten(m, callee, kindOf) : null;
            i.args().forEach((a, n) => {
              if (a.type.kind === 'pointer' && (!writes || writes[n] !== false)) this.written.push(underlyingObjects(a));
            });
            // Callees may also write globals they name themselves.
            this.written.push(new Set(m.globals.filter((g) => !g.isConstant)));
            break;
          }
          default: break;
        }
      }
    }
  }

  private isNoAlias(v: Value): boolean {
    return v.vk === 'argument' && hasAttr((v as unknown as { attrs: AttrList }).attrs, 'noalias');
  }

  /** Whether two underlying objects may be the same memory. */
  mayAlias(a: Value, b: Value): boolean {
    if (a === b) return true;
    const fresh = (v: Value): boolean => v.vk === 'inst' && ((v as Instruction).op === 'alloca' || (v as Instruction).op === 'call');
    if (fresh(a) || fresh(b)) {
      // A fresh allocation is only reached through itself (unless it escapes
      // into a loaded pointer, which then is an unknown object: aliases all).
      const other = fresh(a) ? b : a;
      return other.vk === 'inst' && (other as Instruction).op === 'load';
    }
    if (a.vk === 'argument' && b.vk === 'argument') return !(this.isNoAlias(a) || this.isNoAlias(b));
    if (a.vk === 'global' && b.vk === 'global') return false;
    if ((a.vk === 'global' && this.isNoAlias(b)) || (b.vk === 'global' && this.isNoAlias(a))) return false;
    return true;
  }

  /** Whether something in the function may write the memory of object `o`. */
  writesObject(o: Value): boolean {
    for (const w of this.written) {
      if (!w) return true;
      for (const x of w) if (this.mayAlias(o, x)) return true;
    }
    return false;
  }

  /** Whether repeating `load` in the reverse sweep gives the value it had in the forward sweep. */
  reloadable(load: LoadInst, argOk: (a: Value) => boolean = () => true): boolean {
    if (load.volatile || load.atomic) return false;
    return this.unchanged(load.ptr, argOk);
  }

  /** Whether the memory `ptr` points into is an argument's (allowed by `argOk`) or a constant global's, and nothing here writes it. */
  unchanged(ptr: Value, argOk: (a: Value) => boolean = () => true): boolean {
    const objs = underlyingObjects(ptr);
    if (!objs || objs.size === 0) return false;
    for (const o of objs) {
      // Only memory that outlives the forward sweep and that the caller owns.
      const constGlobal = o.vk === 'global' && (o as unknown as { isConstant: boolean }).isConstant;
      if (!(o.vk === 'argument' && argOk(o)) && !constGlobal) return false;
      for (const w of this.written) {
        if (!w) return false;
        for (const x of w) if (this.mayAlias(o, x)) return false;
      }
    }
    return true;
  }
}
