// What a call reaches. A direct call names its function (through aliases and pointer
// casts); an indirect call is resolved when its target is known at compile time:
//
//   - a function pointer loaded from a global that nothing writes (a constant, or a
//     global whose address is only ever loaded from), at a constant offset of its
//     initializer: `struct { void *(*alloc)(size_t); ... } ops = { malloc, ... };
//     ops.alloc(n)` is a call to malloc;
//   - through casts, `freeze`, and selects or phis whose every incoming value is the
//     same function;
//   - through clang -O0's stack slots (a pointer variable whose every stored value is
//     that function).
//
// Everything else stays unknown: a call through it that touches active data is an error
// (E0402), never a guess.

import type { Argument, Function, GlobalVariable } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { CallBase, Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { FunctionType, Type } from '../ir/types.js';
import { ConstantAggregate, ConstantExpr, ConstantInt } from '../ir/constants.js';
import { DataLayout } from '../ir/layout.js';
import { computeUses } from '../ir/uses.js';

/** The function a value stands for, looking through aliases and pointer casts (constant or not). */
export function functionBehind(v: Value): Function | null {
  let cur = v;
  for (let i = 0; i < 4; i++) {
    if (cur.vk === 'function') return cur as Function;
    if (cur.vk === 'alias') { cur = (cur as unknown as { aliasee: Value }).aliasee; continue; }
    const e = cur as unknown as { ck?: string; op?: string; operands?: Value[] };
    const isCast = e.op === 'bitcast' || e.op === 'addrspacecast' || e.op === 'ptrtoint';
    if (isCast && e.operands && ((cur.vk === 'const' && e.ck === 'expr') || cur.vk === 'inst')) { cur = e.operands[0]!; continue; }
    return null;
  }
  return null;
}

export class CallTargets {
  private readonly resolved = new Map<CallBase, Function | null>();
  private readonly dl: DataLayout | null;
  private readonly readOnly = new Map<GlobalVariable, boolean>();
  private readonly calls = new Map<Function, CallBase[] | null>();
  private readonly taken = new Map<Function, boolean>();
  private readonly globalUse = new Map<Function, boolean | 'pending'>();
  private readonly unknownReach = new Map<FunctionType, Function[]>();
  private readonly takenOfType = new Map<FunctionType, Function[]>();

  constructor(readonly module: Module | null) {
    this.dl = module ? DataLayout.of(module) : null;
  }

  /** The function `call` reaches: its direct callee, or the resolved target of an indirect call. */
  calledFunction(call: CallBase): Function | null {
    const direct = functionBehind(call.callee);
    if (direct || call.callee.vk === 'asm') return direct;
    let r = this.resolved.get(call);
    if (r === undefined) {
      r = this.resolve(call.callee, 0);
      this.resolved.set(call, r);
    }
    return r;
  }

  /** Whether `call` is indirect but was resolved to a known function. */
  isResolvedIndirect(call: CallBase): boolean {
    return !functionBehind(call.callee) && this.calledFunction(call) !== null;
  }

  /**
   * The functions an indirect call can reach when its pointer can only be one of a few known
   * ones: a table of function pointers (a constant or never-written global, read at any index;
   * a local array filled with functions, by stores or by a copy of such a global), a pointer
   * variable holding one of them, selects and phis of these. Each must have the call's exact
   * function type. Null when unknown (an argument, memory written elsewhere, an escaping
   * table, a data pointer among the entries) or when the call is direct.
   */
  candidates(call: CallBase): Function[] | null {
    if (functionBehind(call.callee) || call.callee.vk === 'asm' || call.fnType.vararg) return null;
    const set = this.possible(call.callee, 0, new Set());
    if (!set || set.size === 0) return null;
    const fns = [...set];
    return fns.every((f) => f.fnType === call.fnType) ? fns : null;
  }

  /** The functions `call` may reach: its callee, its resolved target, or its candidates; [] when unknown. */
  callees(call: CallBase): Function[] {
    const f = this.calledFunction(call);
    if (f) return [f];
    return this.candidates(call) ?? [];
  }

  /**
   * For an indirect call whose target is not known: the functions of the module it may reach
   * that use mutable globals (themselves or through their callees). Those are the defined
   * functions of the call's exact type whose address is taken. A call that may reach them can
   * read or write globals that carry derivatives, which the call's arguments do not show
   * (src/ad/devirt.ts tests for them before the call). Functions outside the module are assumed
   * not to use the module's globals, as for direct calls to them.
   */
  globalUsersReachable(call: CallBase): Function[] {
    if (functionBehind(call.callee) || call.callee.vk === 'asm' || !this.module) return [];
    let r = this.unknownReach.get(call.fnType);
    if (!r) {
      r = this.addressTakenOfType(call.fnType).filter((f) => this.usesMutableGlobals(f));
      this.unknownReach.set(call.fnType, r);
    }
    const not = call.notCallees;
    return not ? r.filter((f) => !not.includes(f)) : r;
  }

  /** Whether `f` names a mutable global, or calls a function that does (directly, or through its candidates or reachable functions). */
  usesMutableGlobals(f: Function): boolean {
    const have = this.globalUse.get(f);
    if (have !== undefined) return have === true;
    if (f.isDeclaration) return false;
    this.globalUse.set(f, 'pending');
    const names = (v: Value): boolean => constantHas(v, (x) => x.vk === 'global' && isMutableGlobal(x as GlobalVariable));
    let r = false;
    scan: for (const b of f.blocks) {
      for (const i of b.instructions) {
        if (i.operands.some(names)) { r = true; break scan; }
        if (i.op !== 'call' && i.op !== 'invoke') continue;
        const known = this.callees(i);
        if (known.some((g) => g !== f && this.usesMutableGlobals(g))) { r = true; break scan; }
        // A call of unknown target: it may reach any function of its type whose address is taken
        // (counted as using globals without looking further, so that this needs no fixed point).
        if (!known.length && !functionBehind(i.callee) && i.callee.vk !== 'asm' && this.addressTakenOfType(i.fnType).length) { r = true; break scan; }
      }
    }
    this.globalUse.set(f, r);
    return r;
  }

  /** The defined functions of type `t` whose address is taken. */
  private addressTakenOfType(t: FunctionType): Function[] {
    let r = this.takenOfType.get(t);
    if (!r) {
      r = this.module ? this.module.functions.filter((f) => !f.isDeclaration && f.fnType === t && this.isAddressTaken(f)) : [];
      this.takenOfType.set(t, r);
    }
    return r;
  }

  /**
   * Whether the address of `f` is used as a value anywhere in the module: stored, passed,
   * compared, or held in a global's initializer (a table, a vtable); anything but being the
   * callee of a direct call.
   */
  isAddressTaken(f: Function): boolean {
    let r = this.taken.get(f);
    if (r !== undefined) return r;
    r = false;
    const m = this.module;
    const mentions = (v: Value): boolean => constantHas(v, (x) => functionBehind(x) === f);
    if (m) {
      search: {
        for (const h of m.globals) {
          if (!h.hasInit || h.name === 'llvm.used' || h.name === 'llvm.compiler.used' || h.name === 'llvm.global_ctors' || h.name === 'llvm.global_dtors') continue;
          if (h.deferredInit !== null && !h.deferredInit.mentionsGlobal(f)) continue;
          if (mentions(h.init!)) { r = true; break search; }
        }
        for (const g of m.functions) {
          if (g.isDeclaration) continue;
          if (g.deferred !== null && !g.deferred.mentionsGlobal(f)) continue;
          for (const b of g.blocks) {
            for (const i of b.instructions) {
              const n = i.operands.length;
              for (let k = 0; k < n; k++) {
                const isCallee = (i.op === 'call' || i.op === 'invoke' || i.op === 'callbr') && k === n - 1;
                if (!isCallee && mentions(i.operands[k]!)) { r = true; break search; }
              }
            }
          }
        }
      }
    }
    this.taken.set(f, r);
    return r;
  }

  private possible(v: Value, depth: number, visiting: Set<Value>): Set<Function> | null {
    if (depth > 16) return null;
    const f = functionBehind(v);
    if (f) return new Set([f]);
    if (isNullPointer(v)) return new Set(); // calling null is undefined: it adds no target
    const union = (vals: readonly Value[]): Set<Function> | null => {
      const out = new Set<Function>();
      for (const x of vals) {
        const r = this.possible(x, depth + 1, visiting);
        if (!r) return null;
        for (const g of r) out.add(g);
      }
      return out;
    };
    if (v.vk === 'argument' && !visiting.has(v)) {
      visiting.add(v);
      const a = v as Argument;
      // The module's function (a private copy made for differentiation has the same name).
      const owner = (a.parent.name !== null ? this.module?.getFunction(a.parent.name) : undefined) ?? a.parent;
      const vals = owner.args.length === a.parent.args.length ? this.passedAt(owner)?.map((c) => c.operands[a.index]!) : null;
      return vals && vals.length ? union(vals) : null;
    }
    if (v.vk !== 'inst' || visiting.has(v)) return v.vk === 'inst' ? new Set() : null;
    const i = v as Instruction;
    visiting.add(i);
    switch (i.op) {
      case 'bitcast': case 'addrspacecast': case 'freeze': return union([i.operands[0]!]);
      case 'select': return union([i.operands[1]!, i.operands[2]!]);
      case 'phi': return union(i.operands);
      case 'load': {
        if (i.volatile || i.atomic || i.type.kind !== 'pointer') return null;
        const base = baseObject(i.operands[0]!);
        if (!base) return null;
        if (base.vk === 'global') {
          const g = base as GlobalVariable;
          return this.isReadOnly(g) && g.init && !g.externallyInitialized ? functionLeaves(g.init) : null;
        }
        if (base.vk === 'inst' && (base as Instruction).op === 'alloca') return this.slotContents(base as Instruction, depth, visiting);
        return null;
      }
      default: return null;
    }
  }

  /**
   * Whether the integer `v` holds a constant in [1, 4096) on every execution: such a constant, or
   * a parameter of a function with local linkage reached only by direct calls (passedAt) that all
   * pass such a value, a few callers up. Rust's `RawVecInner::finish_grow` receives the element
   * alignment so from `grow_one` (a constant per element type) and makes the dangling address of
   * a zero-sized allocation of it (`inttoptr i64 %align to ptr`) when rustc's debug build leaves
   * it out of line.
   */
  smallConstant(v: Value, depth = 0): boolean {
    if (v instanceof ConstantInt) return v.value > 0n && v.value < 4096n;
    if (v.vk !== 'argument' || depth > 6) return false;
    const a = v as Argument;
    const fn = a.parent;
    if (fn.linkage !== 'internal' && fn.linkage !== 'private') return false;
    const calls = this.passedAt(fn);
    return !!calls && calls.length > 0 && calls.every((c) => c.args().length > a.index && this.smallConstant(c.args()[a.index]!, depth + 1));
  }

  /**
   * The calls of `fn` in the module, when they are the only way it is reached: every use of it is
   * the callee of a direct call (its address is not taken: not stored, not in a table, not given
   * to `__enzyme_autodiff`). A function pointer parameter of `fn` then holds what those calls pass
   * (`Eigen::internal::pminmax_impl<0>::run(a, b, op)`, given `&pmax<double>` by its only caller at
   * -O0); its derivative is only called from the derivatives of those callers. Null otherwise.
   */
  private passedAt(fn: Function): CallBase[] | null {
    const have = this.calls.get(fn);
    if (have !== undefined) return have;
    this.calls.set(fn, null);
    const m = this.module;
    if (!m || !fn.name) return null;
    for (const a of [...m.aliases, ...m.ifuncs]) if (usesValue((a as unknown as { aliasee?: Value; resolver?: Value }).aliasee ?? (a as unknown as { resolver: Value }).resolver, fn)) return null;
    for (const g of m.globals) if (g.deferredInit ? g.deferredInit.mentionsGlobal(fn) : g.init && usesValue(g.init, fn)) return null;
    const out: CallBase[] = [];
    for (const f of m.functions) {
      if (f.isDeclaration || (f.deferred && !f.deferred.mentionsGlobal(fn))) continue;
      for (const b of f.blocks) {
        for (const i of b.instructions) {
          const at = i.operands.indexOf(fn);
          if (at < 0) continue;
          if ((i.op !== 'call' && i.op !== 'invoke') || (i as CallBase).callee !== fn || i.operands.lastIndexOf(fn) !== at || (i as CallBase).fnType !== fn.fnType) return null;
          out.push(i as CallBase);
        }
      }
    }
    this.calls.set(fn, out);
    return out;
  }

  /**
   * The functions a local array or pointer variable can hold: every write into it is a store
   * of a pointer with known candidates, a copy from a table global, or a memset to zero; its
   * address is used for nothing else (loads, address arithmetic, lifetime markers).
   */
  private slotContents(slot: Instruction, depth: number, visiting: Set<Value>): Set<Function> | null {
    const fn = slot.parent?.parent;
    if (!fn) return null;
    const derived = new Set<Value>([slot]);
    const writes: Instruction[] = [];
    for (let grew = true; grew;) {
      grew = false;
      for (const b of fn.blocks) {
        for (const j of b.instructions) {
          if (derived.has(j)) continue;
          if ((j.op === 'getelementptr' || j.op === 'bitcast' || j.op === 'addrspacecast') && derived.has(j.operands[0]!)) { derived.add(j); grew = true; }
        }
      }
    }
    for (const b of fn.blocks) {
      for (const j of b.instructions) {
        const at = j.operands.findIndex((o) => derived.has(o));
        if (at < 0 || derived.has(j)) continue;
        if (j.op === 'load' && at === 0 && !j.operands.slice(1).some((o) => derived.has(o))) continue;
        if (j.op === 'store' && !derived.has(j.operands[0]!)) { writes.push(j); continue; }
        if (j.op === 'call') {
          const name = j.callee.name ?? '';
          if (/^llvm\.(lifetime|dbg)\./.test(name)) continue;
          if (/^llvm\.(memcpy|memmove|memset)\./.test(name) && j.operands.findIndex((o, k) => k > 0 && derived.has(o)) < 0) { writes.push(j); continue; }
        }
        return null; // the address escapes, or is written in a way not read here
      }
    }
    const out = new Set<Function>();
    for (const w of writes) {
      let r: Set<Function> | null;
      if (w.op === 'store') {
        const val = w.operands[0]!;
        if (w.volatile || w.atomic) return null;
        r = val.type.kind === 'pointer' ? this.possible(val, depth + 1, visiting) : null;
      } else {
        const name = (w as CallBase).callee.name ?? '';
        if (name.startsWith('llvm.memset.')) {
          const byte = w.operands[1]!;
          r = byte instanceof ConstantInt && byte.value === 0n ? new Set() : null;
        } else {
          const src = baseObject(w.operands[1]!);
          const g = src && src.vk === 'global' ? src as GlobalVariable : null;
          r = g && this.isReadOnly(g) && g.init && !g.externallyInitialized ? functionLeaves(g.init) : null;
        }
      }
      if (!r) return null;
      for (const f of r) out.add(f);
    }
    return out;
  }

  private resolve(v: Value, depth: number): Function | null {
    if (depth > 16) return null;
    const f = functionBehind(v);
    if (f) return f;
    if (v.vk === 'inst') {
      const i = v as Instruction;
      switch (i.op) {
        case 'bitcast': case 'addrspacecast': case 'freeze': return this.resolve(i.operands[0]!, depth + 1);
        case 'select': return this.same([i.operands[1]!, i.operands[2]!], depth);
        case 'phi': return this.same(i.operands, depth);
        case 'load': return i.volatile || i.atomic ? null : this.loaded(i, depth);
        default: return null;
      }
    }
    return null;
  }

  private same(vals: readonly Value[], depth: number): Function | null {
    let r: Function | null = null;
    for (const x of vals) {
      const f = this.resolve(x, depth + 1);
      if (!f || (r && f !== r)) return null;
      r = f;
    }
    return r;
  }

  /** A function pointer read from memory whose contents are known at compile time. */
  private loaded(load: Instruction, depth: number): Function | null {
    const ptr = load.operands[0]!;
    // clang -O0: `void *(*fp)(size_t) = ops.alloc; fp(n)` goes through a stack slot.
    if (ptr.vk === 'inst' && (ptr as Instruction).op === 'alloca') {
      const slot = ptr as Instruction;
      const fn = slot.parent?.parent;
      if (!fn) return null;
      const stored: Value[] = [];
      for (const b of fn.blocks) {
        for (const j of b.instructions) {
          if (j.op === 'store' && j.operands[1] === slot) { stored.push(j.operands[0]!); continue; }
          if (j.op === 'load' && j.operands[0] === slot) continue;
          if (j.op === 'call' && /^llvm\.(lifetime|dbg)\./.test((j.operands[j.operands.length - 1] as { name?: string | null }).name ?? '')) continue;
          if (j.operands.includes(slot)) return null; // the slot's address escapes
        }
      }
      return stored.length ? this.same(stored, depth) : null;
    }
    const at = this.globalOffset(ptr);
    if (!at || !this.isReadOnly(at.g) || !at.g.init || !this.dl) return null;
    const c = this.constantAt(at.g.init, at.g.valueType, at.offset, 0);
    return c ? functionBehind(c) : null;
  }

  /** `ptr` as a global plus a constant byte offset (constant GEPs, instruction or expression). */
  private globalOffset(ptr: Value): { g: GlobalVariable; offset: number } | null {
    let offset = 0;
    let cur = ptr;
    for (let k = 0; k < 16; k++) {
      if (cur.vk === 'global') return { g: cur as GlobalVariable, offset };
      const isExpr = cur.vk === 'const' && (cur as unknown as { ck: string }).ck === 'expr';
      if (!isExpr && cur.vk !== 'inst') return null;
      const e = cur as unknown as { op: string; operands: Value[]; srcType?: Type | null };
      if (e.op === 'bitcast' || e.op === 'addrspacecast') { cur = e.operands[0]!; continue; }
      if (e.op !== 'getelementptr' || !e.srcType || !this.dl) return null;
      const off = this.gepOffset(e.srcType, e.operands.slice(1));
      if (off === null) return null;
      offset += off;
      cur = e.operands[0]!;
    }
    return null;
  }

  private gepOffset(src: Type, idx: readonly Value[]): number | null {
    const dl = this.dl!;
    let off = 0;
    let t: Type | null = src;
    for (let k = 0; k < idx.length; k++) {
      const c = idx[k]!;
      if (!(c instanceof ConstantInt)) return null;
      const n = Number(c.value);
      if (k === 0) { off += n * dl.allocSize(src); continue; }
      if (!t) return null;
      if (t.kind === 'struct' && t.elems) { off += dl.fieldOffset(t, n); t = t.elems[n] ?? null; continue; }
      if (t.kind === 'array' || t.kind === 'vector') { off += n * dl.allocSize(t.elem); t = t.elem; continue; }
      return null;
    }
    return off;
  }

  /** The pointer-sized constant at byte `offset` of a constant of type `t`. */
  private constantAt(c: Value, t: Type, offset: number, depth: number): Value | null {
    const dl = this.dl!;
    if (depth > 16) return null;
    if (t.kind === 'pointer') return offset === 0 ? c : null;
    if (c.vk !== 'const') return null;
    const ck = (c as unknown as { ck: string }).ck;
    if (ck !== 'aggregate') return null; // zeroinitializer, strings...: no function there
    const elems = (c as ConstantAggregate).elems;
    if (t.kind === 'struct' && t.elems) {
      for (let k = t.elems.length - 1; k >= 0; k--) {
        const o = dl.fieldOffset(t, k);
        if (o <= offset) return elems[k] ? this.constantAt(elems[k]!, t.elems[k]!, offset - o, depth + 1) : null;
      }
      return null;
    }
    if (t.kind === 'array') {
      const size = dl.allocSize(t.elem);
      const k = size > 0 ? Math.floor(offset / size) : -1;
      return k >= 0 && elems[k] ? this.constantAt(elems[k]!, t.elem, offset - k * size, depth + 1) : null;
    }
    return null;
  }

  /**
   * Globals nothing can write: constants, and globals whose address is used only as the
   * address of loads (directly, or through GEPs and casts that are only loaded from).
   * A global named in another global's initializer escapes (except llvm.used lists).
   * Asked per global: bodies and initializers still kept as text (lazy loading) are read
   * only when they name it.
   */
  isReadOnly(g: GlobalVariable): boolean {
    if (g.isConstant) return true;
    let r = this.readOnly.get(g);
    if (r === undefined) {
      r = this.computeReadOnly(g);
      this.readOnly.set(g, r);
    }
    return r;
  }

  private computeReadOnly(g: GlobalVariable): boolean {
    const m = this.module;
    if (!m) return false;
    const mentions = (v: Value): boolean => constantHas(v, (x) => x === g);
    for (const h of m.globals) {
      if (!h.hasInit || h.name === 'llvm.used' || h.name === 'llvm.compiler.used') continue;
      if (h.deferredInit !== null && !h.deferredInit.mentionsGlobal(g)) continue;
      if (mentions(h.init!)) return false;
    }
    for (const f of m.functions) {
      if (f.isDeclaration) continue;
      if (f.deferred !== null && !f.deferred.mentionsGlobal(g)) continue;
      const uses = computeUses(f);
      // Instructions derived from the global's address that are only loaded from.
      const onlyLoaded = (i: Instruction, depth: number): boolean => {
        if (depth > 8) return false;
        for (const u of uses.users(i)) {
          if (u.op === 'load' && u.operands[0] === i) continue;
          if ((u.op === 'getelementptr' || u.op === 'bitcast' || u.op === 'addrspacecast') && u.operands[0] === i && onlyLoaded(u, depth + 1)) continue;
          return false;
        }
        return true;
      };
      for (const b of f.blocks) {
        for (const i of b.instructions) {
          for (let k = 0; k < i.operands.length; k++) {
            if (!mentions(i.operands[k]!)) continue;
            const ok = (i.op === 'load' && k === 0)
              || ((i.op === 'getelementptr' || i.op === 'bitcast' || i.op === 'addrspacecast') && k === 0 && onlyLoaded(i, 0));
            if (!ok) return false;
          }
        }
      }
    }
    return true;
  }
}

/** Whether `v`, or a value inside it as a constant expression or aggregate, satisfies `test`. */
function constantHas(v: Value, test: (x: Value) => boolean, depth = 0): boolean {
  if (depth > 16) return false;
  if (test(v)) return true;
  if (v instanceof ConstantExpr) return v.operands.some((o) => constantHas(o, test, depth + 1));
  if (v instanceof ConstantAggregate) return v.elems.some((o) => constantHas(o, test, depth + 1));
  return false;
}

/** A global the program can write: not constant, not one of LLVM's or Enzyme's own. */
function isMutableGlobal(g: GlobalVariable): boolean {
  if (g.isConstant) return false;
  const name = g.name ?? '';
  return !name.startsWith('llvm.') && !name.startsWith('__enzyme') && !name.startsWith('enzyme_');
}

/**
 * The global variables whose addresses the initializer of `g` holds (`double *rows[] = {G0, G1}`,
 * a struct with a pointer to a static array), through aggregates, constant GEPs and casts; empty
 * for an initializer without any.
 */
export function addressesHeld(g: GlobalVariable): GlobalVariable[] {
  if (!g.hasInit || !containsPointerType(g.valueType)) return [];
  const out = new Set<GlobalVariable>();
  const walk = (v: Value, depth: number): void => {
    if (depth > 32) return;
    if (v.vk === 'global') { out.add(v as GlobalVariable); return; }
    if (v.vk === 'alias') { walk((v as unknown as { aliasee: Value }).aliasee, depth + 1); return; }
    if (v instanceof ConstantAggregate) { for (const e of v.elems) walk(e, depth + 1); return; }
    if (v instanceof ConstantExpr && (v.op === 'getelementptr' || v.op === 'bitcast' || v.op === 'addrspacecast')) walk(v.operands[0]!, depth + 1);
  };
  const init = g.init;
  if (init) walk(init, 0);
  return [...out];
}

/** The object a pointer is into: through casts and address arithmetic (any indices), instructions or constant expressions. */
function baseObject(p: Value): Value | null {
  let cur = p;
  for (let k = 0; k < 32; k++) {
    const isExpr = cur.vk === 'const' && (cur as unknown as { ck: string }).ck === 'expr';
    if (!isExpr && cur.vk !== 'inst') return cur.vk === 'global' ? cur : null;
    const e = cur as unknown as { op: string; operands: Value[] };
    if (e.op === 'alloca') return cur;
    if (e.op === 'bitcast' || e.op === 'addrspacecast' || e.op === 'getelementptr') { cur = e.operands[0]!; continue; }
    return null;
  }
  return null;
}

function isNullPointer(v: Value): boolean {
  if (v.vk !== 'const') return false;
  const ck = (v as unknown as { ck: string }).ck;
  return ck === 'null' || (ck === 'zero' && v.type.kind === 'pointer');
}

/**
 * The functions among the pointers of a constant initializer; null when a pointer in it is
 * anything but a function or null (a data pointer, an address computed from an integer):
 * then a load from it is not known to be one of the functions.
 */
function functionLeaves(init: Value): Set<Function> | null {
  const out = new Set<Function>();
  let ok = true;
  const walk = (v: Value, depth: number): void => {
    if (!ok) return;
    if (depth > 32) { ok = false; return; }
    const f = functionBehind(v);
    if (f) { out.add(f); return; }
    if (v instanceof ConstantAggregate) { for (const e of v.elems) walk(e, depth + 1); return; }
    if (v.type.kind === 'pointer' && !isNullPointer(v) && (v as unknown as { ck?: string }).ck !== 'undef') ok = false;
    if (v instanceof ConstantExpr) ok = false; // a pointer hidden in an integer expression
  };
  walk(init, 0);
  return ok ? out : null;
}

function containsPointerType(t: Type, depth = 0): boolean {
  if (depth > 16) return false;
  switch (t.kind) {
    case 'pointer': return true;
    case 'struct': return !!t.elems && t.elems.some((e) => containsPointerType(e, depth + 1));
    case 'array': case 'vector': return containsPointerType(t.elem, depth + 1);
    default: return false;
  }
}

/** Whether the constant `c` refers to `v` (an initializer naming a function). */
function usesValue(c: Value, v: Value, depth = 0): boolean {
  if (c === v) return true;
  if (depth > 8) return true;
  const ops = (c as unknown as { operands?: Value[]; elems?: Value[] });
  for (const o of ops.operands ?? ops.elems ?? []) if (usesValue(o, v, depth + 1)) return true;
  return false;
}
