// Pointer parameters whose memory holds integers only, for the whole call: no shadow needed.
//
// A call of a module function that sees active data passes a shadow for every pointer argument
// that may carry derivatives. A pointer through which the callee (and the callees it passes it
// to) only loads and stores integers carries none: Enzyme's type analysis finds the same (its
// "integer" memory is inactive). Passing it `const` saves the caller a zeroed shadow of the
// memory (allocated, copied, freed) and every call an argument; the determinant by minors passes
// its integer row and column lists through 8,660 recursive calls.
//
// The rule is deliberately narrow, so that a parameter it calls integer-only cannot carry a
// derivative whatever the caller passes (an alias of floating memory included: an integer access
// never reads or writes a derivative, with or without a shadow):
// - the parameter and the addresses computed from it (GEPs, pointer casts) are used only as the
//   address of loads and stores, in pointer comparisons, in lifetime markers, and as arguments of
//   module functions at a parameter that is itself integer-only (a recursive function: the largest
//   set that is closed under its own calls; a callee still being looked at counts as not);
// - every load and store through them has an integer (or integer vector) type and is known to
//   move an integer, not the bits of a float: its TBAA tag says an integer type, or the loaded
//   value is used only as an integer (arithmetic, comparison, index, width change) and the stored
//   value is a constant or computed by integer arithmetic; a value the float-bits analysis
//   (floatbits.ts) says carries floating bits never qualifies;
// - the callee has no custom or registered derivative (whose signature the user fixed) and no
//   integer accesses that the transform splits into float and integer fields (mixedsplit.ts).

import type { Function } from '../ir/function.js';
import type { CallBase, Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import { scalarOf, type Type } from '../ir/types.js';
import { ConstantInt } from '../ir/constants.js';
import { TBAA } from './tbaa.js';
import { floatBitsOf, type FloatBitsCache } from './floatbits.js';
import { mayHaveMixedAccesses } from '../ad/mixedsplit.js';
import type { Module } from '../ir/module.js';

/** What the rule needs to know of a call: the defined function it calls plainly, or null. */
export type PlainCallee = (call: CallBase) => Function | null;

const INT_OPS = new Set([
  'add', 'sub', 'mul', 'sdiv', 'udiv', 'srem', 'urem', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor',
  'icmp', 'sext', 'zext', 'trunc',
]);

function isIntLike(t: Type): boolean { return scalarOf(t).kind === 'int'; }

export class IntOnlyParams {
  private readonly memo = new Map<Function, ReadonlySet<number> | 'pending'>();
  private tbaa: TBAA | null = null;

  constructor(private readonly module: Module | null, private readonly bits: FloatBitsCache, private readonly plainCallee: PlainCallee) {}

  /** The indices of `fn`'s pointer parameters whose memory it only reads and writes as integers. */
  of(fn: Function): ReadonlySet<number> {
    const have = this.memo.get(fn);
    if (have === 'pending') return new Set();
    if (have) return have;
    this.memo.set(fn, 'pending');
    const r = this.compute(fn);
    this.memo.set(fn, r);
    return r;
  }

  private compute(fn: Function): ReadonlySet<number> {
    const none = new Set<number>();
    if (fn.isDeclaration || fn.fnType.vararg || mayHaveMixedAccesses(fn)) return none;
    if (!fn.args.some((a) => a.type.kind === 'pointer')) return none;
    if (this.module && !this.tbaa) this.tbaa = new TBAA(this.module);
    const insts: Instruction[] = [];
    for (const b of fn.blocks) for (const i of b.instructions) insts.push(i);
    const users = new Map<Value, Instruction[]>();
    for (const i of insts) {
      for (const o of i.operands) {
        let u = users.get(o);
        if (!u) { u = []; users.set(o, u); }
        if (u[u.length - 1] !== i) u.push(i);
      }
    }
    const bits = floatBitsOf(fn, this.bits);
    const intLoad = (i: Instruction): boolean => {
      if (!isIntLike(i.type) || bits.carries(i)) return false;
      if (this.tbaa?.instFact(i)?.scalar === 'integer') return true;
      return (users.get(i) ?? []).every((u) => INT_OPS.has(u.op) || (u.op === 'getelementptr' && u.operands[0] !== i));
    };
    const intStored = (i: Instruction, v: Value): boolean => {
      if (!isIntLike(v.type) || bits.carries(v)) return false;
      if (this.tbaa?.instFact(i)?.scalar === 'integer') return true;
      return v instanceof ConstantInt || (v.vk === 'inst' && INT_OPS.has((v as Instruction).op) && (v as Instruction).op !== 'icmp');
    };
    // Per parameter: whether its local uses qualify, and the self-calls it reaches (callee param index).
    const selfUses = new Map<number, number[]>();
    const cand = new Set<number>();
    fn.args.forEach((a, idx) => {
      if (a.type.kind !== 'pointer') return;
      const derived = new Set<Value>([a]);
      const work: Value[] = [a];
      const self: number[] = [];
      let ok = true;
      while (ok && work.length) {
        const v = work.pop()!;
        for (const u of users.get(v) ?? []) {
          switch (u.op) {
            case 'getelementptr':
              if (u.operands[0] !== v || u.operands.slice(1).includes(v)) { ok = false; break; }
              if (!derived.has(u)) { derived.add(u); work.push(u); }
              break;
            case 'bitcast': case 'addrspacecast':
              if (u.type.kind !== 'pointer') { ok = false; break; }
              if (!derived.has(u)) { derived.add(u); work.push(u); }
              break;
            case 'icmp': break;
            case 'load': if (!intLoad(u)) ok = false; break;
            case 'store': {
              const s = u as unknown as { value: Value; ptr: Value };
              if (s.value === v || s.ptr !== v || !intStored(u, s.value)) ok = false;
              break;
            }
            case 'call': case 'invoke': {
              const c = u as CallBase;
              const callee = c.callee as { name?: string | null };
              if (callee.name?.startsWith('llvm.lifetime.') && c.callee !== v) break;
              const g = c.callee === v ? null : this.plainCallee(c);
              if (!g) { ok = false; break; }
              const at = c.args().flatMap((x, k) => (x === v ? [k] : []));
              if (at.some((k) => k >= g.args.length)) { ok = false; break; }
              if (g === fn) { self.push(...at); break; }
              const theirs = this.of(g);
              if (!at.every((k) => theirs.has(k))) ok = false;
              break;
            }
            default: ok = false;
          }
          if (!ok) break;
        }
      }
      if (ok) { cand.add(idx); selfUses.set(idx, self); }
    });
    for (let changed = true; changed;) {
      changed = false;
      for (const idx of [...cand]) {
        if (selfUses.get(idx)!.some((k) => !cand.has(k))) { cand.delete(idx); changed = true; }
      }
    }
    return cand;
  }
}
