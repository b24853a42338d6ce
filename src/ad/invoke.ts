// Exceptions in the forward sweep. The derivative assumes, as Enzyme's does, that no
// exception is thrown while it runs (docs/ad.md, "Exceptions"). An `invoke` in the
// differentiated function stays an invoke when nothing has to happen right after it; when
// derivative code must follow the call (an augmented forward, a shadow allocation, a
// value recorded for the reverse sweep), the forward copy becomes a plain `call` followed by
// a branch to the normal destination: code placed after an invoke would sit after a
// terminator. The unwind edge is gone from the forward sweep; the landing pad stays (it may
// still be reached from other invokes) and the function keeps the primal's personality.

import type { BasicBlock, Function } from '../ir/function.js';
import { CallInst, type InvokeInst, type PhiInst } from '../ir/instructions.js';
import type { Module } from '../ir/module.js';
import { IRBuilder, undefValue } from '../ir/builder.js';
import { replaceAllUsesWith } from '../ir/uses.js';

/**
 * Turns the forward copy `inv` of an invoke into a call (the same object, so every map
 * that refers to it stays valid) and ends its block with a branch to `normal`. Returns the
 * unwind destination whose edge from the block is gone.
 */
export function invokeToCall(m: Module, inv: InvokeInst, normal: BasicBlock): BasicBlock {
  const blk = inv.parent!;
  const unwind = inv.successors[1]!;
  Object.setPrototypeOf(inv, CallInst.prototype);
  const c = inv as unknown as { op: string; tail: string; successors?: BasicBlock[] };
  c.op = 'call';
  c.tail = '';
  delete c.successors;
  // Code placed after the former terminator stays where it is; the branch ends the block.
  new IRBuilder(m).atEnd(blk).br(normal);
  return unwind;
}

/** Removes the phi entries of `to` for the edge from `from` (which no longer branches there). */
export function dropPhiEntries(from: BasicBlock, to: BasicBlock): void {
  for (const i of to.instructions) {
    if (i.op !== 'phi') break;
    const p = i as PhiInst;
    for (let k = p.blocks.length - 1; k >= 0; k--) {
      if (p.blocks[k] === from) { p.blocks.splice(k, 1); p.operands.splice(k, 1); }
    }
  }
}

/**
 * Phis left with no incoming value (a landing pad all of whose invokes became calls) are
 * invalid text: their block is unreachable, so their uses get `undef`.
 */
export function dropEmptyPhis(fn: Function): void {
  for (const b of fn.blocks) {
    const empty = b.instructions.filter((i): i is PhiInst => i.op === 'phi' && i.operands.length === 0);
    for (const p of empty) {
      replaceAllUsesWith(fn, p, undefValue(p.type));
      b.instructions.splice(b.instructions.indexOf(p), 1);
      p.parent = null;
    }
  }
}
