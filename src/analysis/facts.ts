// Facts about a module that the per-function analyses of one run share (computed on
// demand, cached for the run): where the pointer a function returns comes from, which
// stack slots are plain pointer variables (clang -O0 keeps every variable in an alloca),
// and what an indirect call reaches (src/analysis/targets.ts).
//
// A run of `grad` or `lower` creates one ModuleFacts (src/ad/custom.ts, withHints); an
// analysis without one makes its own.

import type { Function, GlobalVariable } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import { CallTargets, addressesHeld } from './targets.js';
import { FloatBitsCache } from './floatbits.js';
import { IntOnlyParams, type PlainCallee } from './intonly.js';

/**
 * The arguments a returned pointer is derived from: by address arithmetic, merges, and
 * loads from their memory (a pointer read from an argument's object, `v.data()`). null
 * when it may come from anything else (an allocation, a global, an unknown call).
 */
export type ReturnOrigin = readonly number[] | null;

/** The shadows of a global, one per lane, and whether the tool made them (and must zero them after a gradient). */
export interface GlobalShadows { lanes: Value[]; implicit: boolean }

export class ModuleFacts {
  private readonly origins = new Map<Function, ReturnOrigin | 'pending'>();
  private readonly slots = new Map<Function, Map<Value, { loads: Instruction[]; stores: Value[] }>>();
  readonly targets: CallTargets;
  /** Floating fields inside integers, per function (src/analysis/floatbits.ts). */
  readonly floatBits: FloatBitsCache;
  /**
   * Mutable globals whose memory carries derivatives (docs/ad.md, "Globals"): those with
   * a user-named shadow (`!enzyme_shadow`), and those the transform found active data
   * stored into (src/ad/globals.ts adds them and starts the derivative over).
   */
  readonly activeGlobals = new Set<GlobalVariable>();
  /** Globals the user declared inactive (`__enzyme_inactive_global`, `!enzyme_inactive`): never shadowed. */
  readonly inactiveGlobals = new Set<GlobalVariable>();
  /** The shadow globals of the active globals, named by the user or made by the transform (src/ad/globals.ts). */
  readonly globalShadows = new Map<GlobalVariable, GlobalShadows>();
  /** Per function: the active globals it or its callees name (reset when the active set grows). */
  private reached = new Map<Function, Set<GlobalVariable> | 'pending'>();

  private intOnly: IntOnlyParams | null = null;

  /** Pointer parameters of `fn` whose memory holds integers only (src/analysis/intonly.ts); the first caller's callee rule is kept for the run. */
  intOnlyParams(fn: Function, plainCallee: PlainCallee): ReadonlySet<number> {
    this.intOnly ??= new IntOnlyParams(this.module, this.floatBits, plainCallee);
    return this.intOnly.of(fn);
  }

  constructor(readonly module: Module | null) {
    this.targets = new CallTargets(module);
    this.floatBits = new FloatBitsCache(module);
  }

  isActiveGlobal(v: Value): boolean {
    return v.vk === 'global' && this.activeGlobals.has(v as GlobalVariable);
  }

  /** Makes globals active (a new attempt at the derivative follows). */
  activate(gs: Iterable<GlobalVariable>): void {
    for (const g of gs) this.activeGlobals.add(g);
    this.reached = new Map();
  }

  /**
   * The active globals whose addresses the table `g` holds, when nothing writes `g` (`double
   * *r[3] = {G0, G0, G0}`, which clang -O0 copies from a constant), through tables it holds in
   * turn; empty for anything else.
   */
  activeGlobalsHeld(g: GlobalVariable, depth = 0): GlobalVariable[] {
    if (depth > 8 || !this.targets.isReadOnly(g)) return [];
    const out: GlobalVariable[] = [];
    for (const h of addressesHeld(g)) {
      if (h === g) continue;
      if (this.activeGlobals.has(h)) out.push(h); else out.push(...this.activeGlobalsHeld(h, depth + 1));
    }
    return out;
  }

  /** The active globals `fn` and the functions it calls (transitively) name. */
  activeGlobalsReached(fn: Function): ReadonlySet<GlobalVariable> {
    const have = this.reached.get(fn);
    if (have === 'pending') return new Set(); // recursion: the outer call collects the rest
    if (have) return have;
    const out = new Set<GlobalVariable>();
    if (!this.activeGlobals.size || fn.isDeclaration) { this.reached.set(fn, out); return out; }
    this.reached.set(fn, 'pending');
    const note = (v: Value, depth: number): void => {
      if (depth > 8) return;
      if (v.vk === 'global') {
        const g = v as GlobalVariable;
        if (this.activeGlobals.has(g)) out.add(g);
        // a table of addresses: the function reaches what it holds
        else for (const h of this.activeGlobalsHeld(g)) out.add(h);
        return;
      }
      if (v.vk === 'const') {
        const c = v as unknown as { operands?: Value[]; elems?: Value[] };
        for (const o of c.operands ?? []) note(o, depth + 1);
        for (const o of c.elems ?? []) note(o, depth + 1);
      }
    };
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        for (const o of i.operands) note(o, 0);
        if (i.op === 'call' || i.op === 'invoke') {
          // A call of unknown target: the functions of the module it may reach that use globals.
          const callees = this.targets.callees(i);
          for (const callee of callees.length ? callees : this.targets.globalUsersReachable(i)) {
            if (callee !== fn && !callee.isDeclaration) for (const g of this.activeGlobalsReached(callee)) out.add(g);
          }
        }
      }
    }
    this.reached.set(fn, out);
    return out;
  }

  /**
   * The pointer-typed allocas of `fn` used only as the address of loads and stores (and
   * lifetime markers): plain variables that mem2reg would promote. For each, the loads
   * from it and the values stored into it.
   */
  pointerSlots(fn: Function): Map<Value, { loads: Instruction[]; stores: Value[] }> {
    let r = this.slots.get(fn);
    if (r) return r;
    r = new Map();
    const bad = new Set<Value>();
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'alloca' && i.allocated.kind === 'pointer' && i.operands.length === 0) r.set(i, { loads: [], stores: [] });
      }
    }
    if (r.size) {
      for (const b of fn.blocks) {
        for (const i of b.instructions) {
          if (i.op === 'load' && r.has(i.ptr)) {
            if (i.type.kind !== 'pointer' || i.volatile) bad.add(i.ptr); else r.get(i.ptr)!.loads.push(i);
            continue;
          }
          if (i.op === 'store' && r.has(i.ptr) && !r.has(i.value)) {
            if (i.value.type.kind !== 'pointer' || i.volatile) bad.add(i.ptr); else r.get(i.ptr)!.stores.push(i.value);
            continue;
          }
          if (i.op === 'call' || i.op === 'invoke') {
            const callee = i.callee as { name?: string | null };
            if (callee.name?.startsWith('llvm.lifetime.') || callee.name?.startsWith('llvm.dbg.')) continue;
          }
          for (const o of i.operands) if (r.has(o)) bad.add(o);
        }
      }
      for (const s of bad) r.delete(s);
    }
    this.slots.set(fn, r);
    return r;
  }

  /** Where the pointer `fn` returns comes from (see ReturnOrigin); [] when it returns only null. */
  returnOrigin(fn: Function): ReturnOrigin {
    const have = this.origins.get(fn);
    if (have === 'pending') return null; // recursion: unknown
    if (have !== undefined) return have;
    if (fn.isDeclaration || fn.fnType.ret.kind !== 'pointer') { this.origins.set(fn, null); return null; }
    this.origins.set(fn, 'pending');
    const slots = this.pointerSlots(fn);
    const args = new Set<number>();
    let ok = true;
    const seen = new Set<Value>();
    const work: Value[] = [];
    for (const b of fn.blocks) for (const i of b.instructions) if (i.op === 'ret' && i.operands[0]) work.push(i.operands[0]);
    while (ok && work.length) {
      const v = work.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      if (seen.size > 512) { ok = false; break; }
      if (v.vk === 'argument') { args.add((v as unknown as { index: number }).index); continue; }
      if (v.vk === 'const') {
        const c = v as unknown as { ck: string; op?: string; operands?: Value[] };
        if (c.ck === 'null' || c.ck === 'undef' || c.ck === 'poison') continue;
        ok = false;
        break;
      }
      if (v.vk !== 'inst') { ok = false; break; }
      const i = v as Instruction;
      switch (i.op) {
        case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze':
          work.push(i.operands[0]!); break;
        case 'phi': work.push(...i.operands); break;
        case 'select': work.push(i.operands[1]!, i.operands[2]!); break;
        case 'load': {
          const slot = slots.get(i.ptr);
          if (slot) work.push(...slot.stores); else work.push(i.ptr);
          break;
        }
        case 'call': case 'invoke': {
          const callee = this.targets.calledFunction(i);
          const o = callee && !callee.isDeclaration ? this.returnOrigin(callee) : null;
          if (o === null) { ok = false; break; }
          for (const k of o) { const a = i.operands[k]; if (a) work.push(a); }
          break;
        }
        default: ok = false;
      }
    }
    const r: ReturnOrigin = ok ? [...args].sort((a, b) => a - b) : null;
    this.origins.set(fn, r);
    return r;
  }
}
