// Use lists, derived on demand. The IR keeps only operand -> value edges
// (cheap to build and edit); clients that need value -> users ask for a
// UseMap and recompute it after editing.
//
// A use is an operand slot of an instruction: `operands[index]` (for phis the
// incoming block is `blocks[index]`; for calls the callee is the last operand),
// or an operand-bundle input when `bundle >= 0`. References from metadata
// (`metadata double %x` arguments, `#dbg_value` records) are not uses, as in
// LLVM, but `replaceAllUsesWith` rewrites them too.

import type { Function } from './function.js';
import type { Instruction } from './instructions.js';
import type { Value } from './value.js';
import type { Metadata } from './metadata.js';
import { MetadataAsValue } from './constants.js';
import { assertNever } from './instructions.js';

export interface Use {
  readonly user: Instruction;
  /** Index into `user.operands`, or into `user.bundles[bundle].inputs` when `bundle >= 0`. */
  readonly index: number;
  /** -1 for an ordinary operand. */
  readonly bundle: number;
}

const NO_USES: readonly Use[] = Object.freeze([]);

export class UseMap {
  private readonly map = new Map<Value, Use[]>();

  /** Uses of `v` in instruction order (operands before bundle inputs within an instruction). */
  get(v: Value): readonly Use[] { return this.map.get(v) ?? NO_USES; }
  hasUses(v: Value): boolean { return this.map.has(v); }
  count(v: Value): number { return this.map.get(v)?.length ?? 0; }
  /** Distinct users of `v`, in instruction order. */
  users(v: Value): Instruction[] {
    const out: Instruction[] = [];
    for (const u of this.get(v)) if (out[out.length - 1] !== u.user) out.push(u.user);
    return out;
  }
  /** Every used value (instructions, arguments, constants, globals...). */
  values(): IterableIterator<Value> { return this.map.keys(); }

  /** @internal */
  add(v: Value, u: Use): void {
    const l = this.map.get(v);
    if (l) l.push(u); else this.map.set(v, [u]);
  }
  /** @internal */
  take(v: Value): Use[] {
    const l = this.map.get(v) ?? [];
    this.map.delete(v);
    return l;
  }
}

/** Value -> uses over every instruction of `fn`. Linear in the number of operands. */
export function computeUses(fn: Function): UseMap {
  const m = new UseMap();
  for (const b of fn.blocks) {
    for (const inst of b.instructions) {
      const ops = inst.operands;
      for (let i = 0; i < ops.length; i++) m.add(ops[i]!, { user: inst, index: i, bundle: -1 });
      if (inst.op === 'call' || inst.op === 'invoke' || inst.op === 'callbr') {
        const bs = inst.bundles;
        if (bs) {
          for (let k = 0; k < bs.length; k++) {
            const ins = bs[k]!.inputs;
            for (let i = 0; i < ins.length; i++) m.add(ins[i]!, { user: inst, index: i, bundle: k });
          }
        }
      }
    }
  }
  return m;
}

/** The value a use refers to. */
export function usedValue(u: Use): Value {
  if (u.bundle < 0) return u.user.operands[u.index]!;
  const user = u.user;
  if (user.op !== 'call' && user.op !== 'invoke' && user.op !== 'callbr') throw new Error('bundle use on a non-call');
  return user.bundles![u.bundle]!.inputs[u.index]!;
}

/** Points the use at `v`. */
export function setUse(u: Use, v: Value): void {
  if (u.bundle < 0) { u.user.operands[u.index] = v; return; }
  const user = u.user;
  if (user.op !== 'call' && user.op !== 'invoke' && user.op !== 'callbr') throw new Error('bundle use on a non-call');
  user.bundles![u.bundle]!.inputs[u.index] = v;
}

/**
 * Replaces every use of `old` in `fn` by `nu` (which must have the same type)
 * and returns how many uses were rewritten. With `uses`, only the listed uses
 * are visited and the map is updated (old's uses move to nu); otherwise the
 * function is scanned. Metadata references in the function (call arguments
 * `metadata <ty> %old`, debug records) follow as well.
 */
export function replaceAllUsesWith(fn: Function, old: Value, nu: Value, uses?: UseMap): number {
  if (old === nu) return 0;
  if (old.type !== nu.type) throw new Error('replaceAllUsesWith: the replacement has a different type');
  let n = 0;
  if (uses) {
    const list = uses.take(old);
    for (const u of list) {
      setUse(u, nu);
      uses.add(nu, u);
      n++;
    }
  }
  for (const b of fn.blocks) {
    for (const inst of b.instructions) {
      const ops = inst.operands;
      if (!uses) {
        for (let i = 0; i < ops.length; i++) if (ops[i] === old) { ops[i] = nu; n++; }
        if (inst.op === 'call' || inst.op === 'invoke' || inst.op === 'callbr') {
          for (const bd of inst.bundles ?? []) {
            const ins = bd.inputs;
            for (let i = 0; i < ins.length; i++) if (ins[i] === old) { ins[i] = nu; n++; }
          }
        }
      }
      for (const op of ops) if (op instanceof MetadataAsValue) replaceInMetadata(op.md, old, nu);
      if (inst.dbg) for (const r of inst.dbg) for (const a of r.args) replaceInMetadata(a, old, nu);
    }
  }
  return n;
}

function replaceInMetadata(md: Metadata, old: Value, nu: Value): void {
  switch (md.mk) {
    case 'value':
      if (md.value === old) md.value = nu;
      return;
    case 'tuple':
      for (const e of md.elems) if (e) replaceInMetadata(e, old, nu);
      return;
    case 'special':
      // DIArgList(...) holds local values inline; other specialized nodes are module-level.
      for (const f of md.fields) replaceInMetadata(f.value, old, nu);
      return;
    case 'ref': case 'string': case 'raw':
      return;
    default:
      assertNever(md, 'metadata');
  }
}
