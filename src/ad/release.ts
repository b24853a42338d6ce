// When the shadows of heap memory allocated inside differentiated code are
// released. The shadow of an allocation `A` (malloc, calloc, operator new) is
// needed by the reverse sweep from the last use of `A` back to `A` itself, so it
// is freed at the reverse of `A`, provided the primal memory does not outlive
// the derivative (otherwise the caller owns the shadow, as it owns the memory):
//
// - statically, with no run-time cost, when the function itself frees `A`
//   (through casts, GEPs, phis, selects and the stack slots of -O0 code) or
//   when `A` never escapes the function (it is not returned, stored into
//   memory other than its own stack slots, or passed where it may be kept);
// - otherwise at run time: a `free` / `operator delete` of a pointer whose
//   allocation is not one of the above (the allocation was made in another
//   function: std::vector's storage at -O0 is allocated by one callee and
//   freed by another) hands its shadow to a small registry in the generated
//   module (`__enzyme_ts_shadow_defer`), and the reverse of an allocation that
//   escapes its function asks the registry (`__enzyme_ts_shadow_release`)
//   whether its shadow was handed over, freeing it if so. A combined
//   derivative forgets, when it returns, the shadows handed over during its
//   run that no reverse of an allocation claimed (memory allocated by the
//   caller, whose shadow the caller owns).

import type { Function } from '../ir/function.js';
import { GlobalVariable } from '../ir/function.js';
import type { CallInst, Instruction, InvokeInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import { IRBuilder, addBlock, addRuntimeHelper, addIncoming, constInt, nullValue } from '../ir/builder.js';
import { hasAttr } from '../ir/attributes.js';
import type { CallKind } from './calls.js';
import { isDanglingConst } from '../analysis/activity.js';
import { pointerSpillSlots } from '../analysis/spills.js';

type CallBase = CallInst | InvokeInst;

/** How a pointer parameter leaves its function: kept somewhere, only returned, or neither. */
export type ParamFate = 'escapes' | 'returned' | 'none';

/** Per-run memo of parameter fates (held by the DiffContext: no module-level state). */
export type FateCache = Map<Function, (ParamFate | 'pending')[]>;

const isCallOp = (i: Instruction): i is CallBase => i.op === 'call' || i.op === 'invoke';

/** The instructions of `fn` that use each value. */
function useLists(fn: Function): Map<Value, Instruction[]> {
  const uses = new Map<Value, Instruction[]>();
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      for (const o of i.operands) {
        let l = uses.get(o);
        if (!l) { l = []; uses.set(o, l); }
        if (l[l.length - 1] !== i) l.push(i);
      }
    }
  }
  return uses;
}

const ALLOCS = new Set(['malloc', 'calloc', 'realloc']);

class FunctionFlow {
  readonly spills: Map<Value, Value[]>;
  readonly uses: Map<Value, Instruction[]>;
  /** Loads of each spill slot. */
  private readonly slotLoads = new Map<Value, Instruction[]>();

  constructor(readonly fn: Function) {
    this.spills = pointerSpillSlots(fn, (v) => v.type.kind === 'pointer');
    this.uses = useLists(fn);
    for (const s of this.spills.keys()) this.slotLoads.set(s, (this.uses.get(s) ?? []).filter((u) => u.op === 'load'));
  }

  loadsOf(slot: Value): Instruction[] { return this.slotLoads.get(slot) ?? []; }

  /**
   * Where `start` goes: 'escapes' when it (or a pointer derived from it) may be kept
   * beyond the function, 'returned' when it is only returned, 'none' otherwise.
   */
  fate(start: Value, kindOf: (c: CallBase) => CallKind, callee: (c: CallBase, argIdx: number) => ParamFate): ParamFate {
    const seen = new Set<Value>([start]);
    const work: Value[] = [start];
    let returned = false;
    const follow = (v: Value): void => { if (!seen.has(v)) { seen.add(v); work.push(v); } };
    while (work.length) {
      const v = work.pop()!;
      for (const u of this.uses.get(v) ?? []) {
        switch (u.op) {
          case 'getelementptr':
            if (u.operands[0] !== v) return 'escapes';
            follow(u);
            break;
          case 'bitcast': case 'addrspacecast': case 'phi': case 'freeze': follow(u); break;
          case 'select':
            if (u.operands[0] === v) break;
            follow(u);
            break;
          case 'icmp': break;
          case 'load': break; // used as an address
          case 'store': {
            if (u.operands[0] !== v) break; // stored through
            const slot = u.operands[1]!;
            if (!this.spills.has(slot)) return 'escapes';
            for (const l of this.loadsOf(slot)) follow(l);
            break;
          }
          case 'ret': returned = true; break;
          case 'call': case 'invoke': {
            const c = u as CallBase;
            const k = kindOf(c);
            const argIdx: number[] = [];
            c.args().forEach((a, n) => { if (a === v) argIdx.push(n); });
            if (!argIdx.length) return 'escapes'; // the callee itself
            switch (k.k) {
              case 'free': case 'memcpy': case 'memmove': case 'memset': break;
              case 'realloc': follow(c); break;
              case 'rule': case 'zero': break;
              case 'inactive':
                if (k.fn && !(k.fn.name ?? '').startsWith('llvm.')) return 'escapes';
                break;
              case 'defined': {
                for (const n of argIdx) {
                  const f = callee(c, n);
                  if (f === 'escapes') return 'escapes';
                  if (f === 'returned') follow(c);
                }
                break;
              }
              default: {
                const attrs = c.argAttrs;
                if (!argIdx.every((n) => hasAttr(attrs[n], 'nocapture') || (k.k === 'unknown' && hasAttr(calledArgAttrs(c, n), 'nocapture')))) return 'escapes';
                if (c.type.kind === 'pointer') follow(c);
              }
            }
            break;
          }
          default: return 'escapes';
        }
      }
    }
    return returned ? 'returned' : 'none';
  }

  /** The objects `p` may point into, through casts, GEPs, phis, selects and spill slots; null: unknown. */
  roots(p: Value): Set<Value> | null {
    const out = new Set<Value>();
    const seen = new Set<Value>();
    const work: Value[] = [p];
    while (work.length) {
      const v = work.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      if (seen.size > 512) return null;
      if (v.vk === 'inst') {
        const i = v as Instruction;
        switch (i.op) {
          case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'freeze': work.push(i.operands[0]!); continue;
          case 'phi': for (const o of i.operands) work.push(o); continue;
          case 'select': work.push(i.operands[1]!, i.operands[2]!); continue;
          case 'load': {
            const stored = this.spills.get(i.operands[0]!);
            if (stored) { for (const s of stored) work.push(s); continue; }
            out.add(v);
            continue;
          }
          default: out.add(v); continue;
        }
      }
      if (v.vk === 'const') {
        const c = v as unknown as { ck: string; op?: string; operands?: Value[] };
        if (c.ck === 'null' || c.ck === 'undef' || c.ck === 'poison' || isDanglingConst(v)) continue;
        if (c.ck === 'expr' && (c.op === 'getelementptr' || c.op === 'bitcast' || c.op === 'addrspacecast')) { work.push(c.operands![0]!); continue; }
      }
      out.add(v);
    }
    return out;
  }
}

function calledArgAttrs(c: CallBase, n: number): import('../ir/attributes.js').AttrList | undefined {
  const f = c.callee.vk === 'function' ? (c.callee as Function) : null;
  return f?.args[n]?.attrs;
}

/** How a pointer parameter of a defined function leaves it (memoized; recursion assumes the worst). */
export function paramFate(fn: Function, idx: number, kindOf: (c: CallBase) => CallKind, cache: FateCache, depth = 0): ParamFate {
  let fates = cache.get(fn);
  if (!fates) { fates = []; cache.set(fn, fates); }
  const have = fates[idx];
  if (have === 'pending') return 'escapes';
  if (have) return have;
  const a = fn.args[idx];
  if (!a || a.type.kind !== 'pointer') return 'none';
  if (hasAttr(a.attrs, 'nocapture')) return (fates[idx] = 'none');
  if (fn.isDeclaration || depth > 12) return (fates[idx] = 'escapes');
  fates[idx] = 'pending';
  const flow = new FunctionFlow(fn);
  const r = flow.fate(a, kindOf, (c, n) => {
    const k = kindOf(c);
    return k.k === 'defined' && !k.custom && !k.fn.isDeclaration ? paramFate(k.fn, n, kindOf, cache, depth + 1) : 'escapes';
  });
  fates[idx] = r;
  return r;
}

/** Which shadows of heap allocations one function's derivative frees where (see the top of this file). */
export class ShadowRelease {
  private readonly flow: FunctionFlow;
  private readonly atAlloc = new Map<Value, boolean>();
  private freedHere: Set<Value> | null = null;

  constructor(fn: Function, private readonly kindOf: (c: CallBase) => CallKind, private readonly cache: FateCache) {
    this.flow = new FunctionFlow(fn);
  }

  private isAlloc(v: Value): boolean {
    return v.vk === 'inst' && isCallOp(v as Instruction) && ALLOCS.has(this.kindOf(v as CallBase).k);
  }

  private freed(): Set<Value> {
    if (this.freedHere) return this.freedHere;
    const s = new Set<Value>();
    for (const b of this.flow.fn.blocks) {
      for (const i of b.instructions) {
        if (!isCallOp(i)) continue;
        const k = this.kindOf(i).k;
        if (k !== 'free' && k !== 'realloc') continue;
        for (const r of this.flow.roots(i.arg(0)) ?? []) if (this.isAlloc(r)) s.add(r);
      }
    }
    this.freedHere = s;
    return s;
  }

  /** Whether the shadow of allocation `a` is freed at the reverse of `a` with no run-time check. */
  releasedAtAlloc(a: CallBase): boolean {
    let r = this.atAlloc.get(a);
    if (r === undefined) {
      r = this.freed().has(a) || this.flow.fate(a, this.kindOf, (c, n) => {
        const k = this.kindOf(c);
        return k.k === 'defined' && !k.custom && !k.fn.isDeclaration ? paramFate(k.fn, n, this.kindOf, this.cache) : 'escapes';
      }) === 'none';
      this.atAlloc.set(a, r);
    }
    return r;
  }

  /** Whether a `free` of a shadowed pointer must hand its shadow to the registry (its allocation is not released statically here). */
  handsOver(free: CallBase): boolean {
    const roots = this.flow.roots(free.arg(0));
    if (!roots || roots.size === 0) return roots === null;
    for (const r of roots) if (!this.isAlloc(r) || !this.releasedAtAlloc(r as CallBase)) return true;
    return false;
  }
}

// -- the run-time registry ------------------------------------------------------------

const REG = '__enzyme_ts_shadows';
export const DEFER = '__enzyme_ts_shadow_defer';
export const RELEASE = '__enzyme_ts_shadow_release';
export const TRIM = '__enzyme_ts_shadow_trim';
export const COUNT = '__enzyme_ts_shadow_count';

interface Registry { g: Value; ty: Type; bp: Type; }

function registry(m: Module, declare: (n: string, r: Type, p: Type[]) => Function): Registry {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const ty = t.struct([m.ptrTo(bp), t.i64, t.i64]);
  let g = m.getGlobal(REG) as GlobalVariable | undefined;
  if (!g) {
    g = new GlobalVariable(m.ptrTo(ty), ty);
    g.name = REG;
    g.linkage = 'linkonce_odr';
    g.visibility = 'hidden';
    g.init = nullValue(ty);
    m.globals.push(g);
    m.invalidateSymbols();
  }
  void declare;
  return { g, ty, bp };
}

/** `__enzyme_ts_shadow_defer(p)`: records a shadow whose primal memory was freed. */
export function deferFn(m: Module, declare: (n: string, r: Type, p: Type[]) => Function): Function {
  const t = m.types;
  const R = registry(m, declare);
  const f = addRuntimeHelper(m, DEFER, t.void, [R.bp], ['p']);
  if (!f) return m.getFunction(DEFER)!;
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const grow = addBlock(m, f, 'grow');
  const put = addBlock(m, f, 'put');
  const bpp = m.ptrTo(R.bp);
  b.atEnd(entry);
  const lenP = b.structGep(R.ty, R.g, 1);
  const capP = b.structGep(R.ty, R.g, 2);
  const bufP = b.structGep(R.ty, R.g, 0);
  const len = b.load(t.i64, lenP, 'len');
  const cap = b.load(t.i64, capP, 'cap');
  b.condBr(b.icmp('eq', len, cap), grow, put);
  b.atEnd(grow);
  const dbl = b.mul(cap, constInt(t.i64, 2));
  const ncap = b.select(b.icmp('ult', dbl, constInt(t.i64, 16)), constInt(t.i64, 16), dbl, 'ncap');
  const old = b.bitcastIfNeeded(b.load(bpp, bufP), R.bp);
  const nb = b.call(declare('realloc', R.bp, [R.bp, t.i64]), [old, b.mul(ncap, constInt(t.i64, 8))], 'nbuf');
  const full = addBlock(m, f, 'nomem');
  const ok = addBlock(m, f, 'grown');
  b.condBr(b.icmp('eq', nb, nullValue(R.bp)), full, ok);
  b.atEnd(full);
  b.call(declare('llvm.trap', t.void, []), []);
  b.unreachable();
  b.atEnd(ok);
  b.store(b.bitcastIfNeeded(nb, bpp), bufP);
  b.store(ncap, capP);
  b.br(put);
  b.atEnd(put);
  const buf = b.load(bpp, bufP, 'buf');
  b.store(f.args[0]!, b.gep(R.bp, buf, [len], null, true));
  b.store(b.add(len, constInt(t.i64, 1)), lenP);
  b.ret();
  return f;
}

/** `__enzyme_ts_shadow_release(s)`: frees `s` when it was handed over (and forgets it). */
export function releaseFn(m: Module, declare: (n: string, r: Type, p: Type[]) => Function): Function {
  const t = m.types;
  const R = registry(m, declare);
  const f = addRuntimeHelper(m, RELEASE, t.void, [R.bp], ['s']);
  if (!f) return m.getFunction(RELEASE)!;
  const bpp = m.ptrTo(R.bp);
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const loop = addBlock(m, f, 'loop');
  const check = addBlock(m, f, 'check');
  const found = addBlock(m, f, 'found');
  const done = addBlock(m, f, 'done');
  b.atEnd(entry);
  const lenP = b.structGep(R.ty, R.g, 1);
  const bufP = b.structGep(R.ty, R.g, 0);
  const len = b.load(t.i64, lenP, 'len');
  const buf = b.load(bpp, bufP, 'buf');
  b.br(loop);
  b.atEnd(loop);
  // The most recently handed-over shadows first.
  const i = b.phi(t.i64, [[len, entry]], 'i');
  b.condBr(b.icmp('eq', i, constInt(t.i64, 0)), done, check);
  b.atEnd(check);
  const j = b.sub(i, constInt(t.i64, 1), 'j');
  const at = b.gep(R.bp, buf, [j], null, true);
  const e = b.load(R.bp, at, 'e');
  addIncoming(i, j, check);
  b.condBr(b.icmp('eq', e, f.args[0]!), found, loop);
  b.atEnd(found);
  const last = b.sub(len, constInt(t.i64, 1), 'last');
  b.store(b.load(R.bp, b.gep(R.bp, buf, [last], null, true)), at);
  b.store(last, lenP);
  b.call(declare('free', t.void, [R.bp]), [f.args[0]!]);
  // The registry's own buffer goes when it is empty (no derivative leaves anything behind).
  const empty = addBlock(m, f, 'empty');
  b.condBr(b.icmp('eq', last, constInt(t.i64, 0)), empty, done);
  b.atEnd(empty);
  b.call(declare('free', t.void, [R.bp]), [b.bitcastIfNeeded(buf, R.bp)]);
  b.store(nullValue(bpp), bufP);
  b.store(constInt(t.i64, 0), b.structGep(R.ty, R.g, 2));
  b.br(done);
  b.atEnd(done);
  b.ret();
  return f;
}

/** `__enzyme_ts_shadow_count()`: how many shadows are handed over now (a combined derivative reads it on entry). */
export function countFn(m: Module, declare: (n: string, r: Type, p: Type[]) => Function): Function {
  const t = m.types;
  const R = registry(m, declare);
  const f = addRuntimeHelper(m, COUNT, t.i64, [], []);
  if (!f) return m.getFunction(COUNT)!;
  const b = new IRBuilder(m).atEnd(addBlock(m, f, 'entry'));
  b.ret(b.load(t.i64, b.structGep(R.ty, R.g, 1)));
  return f;
}

/**
 * `__enzyme_ts_shadow_trim(n)`: forgets the shadows handed over after the first `n` (memory the
 * caller allocated: not ours to free); the registry's own buffer is freed when it becomes empty.
 */
export function trimFn(m: Module, declare: (n: string, r: Type, p: Type[]) => Function): Function {
  const t = m.types;
  const R = registry(m, declare);
  const f = addRuntimeHelper(m, TRIM, t.void, [t.i64], ['n']);
  if (!f) return m.getFunction(TRIM)!;
  const bpp = m.ptrTo(R.bp);
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const empty = addBlock(m, f, 'empty');
  const done = addBlock(m, f, 'done');
  b.atEnd(entry);
  const lenP = b.structGep(R.ty, R.g, 1);
  const len = b.load(t.i64, lenP, 'len');
  const n = b.select(b.icmp('ult', f.args[0]!, len), f.args[0]!, len, 'keep');
  b.store(n, lenP);
  b.condBr(b.icmp('eq', n, constInt(t.i64, 0)), empty, done);
  b.atEnd(empty);
  const bufP = b.structGep(R.ty, R.g, 0);
  b.call(declare('free', t.void, [R.bp]), [b.bitcastIfNeeded(b.load(bpp, bufP), R.bp)]);
  b.store(nullValue(bpp), bufP);
  b.store(constInt(t.i64, 0), b.structGep(R.ty, R.g, 2));
  b.br(done);
  b.atEnd(done);
  b.ret();
  return f;
}
