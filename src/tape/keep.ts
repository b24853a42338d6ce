// Loop tape blocks kept from one derivative call to the next.
//
// A derivative taken again and again (an optimizer's loop) asks for loop tape
// blocks of the same sizes on every call. A block of more than glibc's mmap
// threshold is mapped by malloc and unmapped by free (or trimmed off the top of
// the heap), so every call page-faulted its whole tape in afresh: on these VMs
// a page fault costs ~14 us, and a 30 MB tape (GMM) cost more than the
// gradient's arithmetic. Instead, each allocation site of a loop's buffer block
// (one per loop of a derivative) has a slot: the reverse gives the block back
// to it, and the next call at that site takes it with an atomic exchange (so
// two threads taking the same gradient never share a block; the second one
// finds the slot empty and mallocs). The block holds its size in a 16-byte
// header (malloc's alignment is kept). Blocks above KEEP_MAX are freed, and a
// static destructor frees what the slots hold when the program ends.
// docs/ad.md, "The tape, and checkpointing".

import { IRBuilder, addBlock, addFunction, addRuntimeHelper, constInt, nullValue } from '../ir/builder.js';
import { GlobalVariable, type Function } from '../ir/function.js';
import { AtomicRMWInst } from '../ir/instructions.js';
import { wordAttr } from '../ir/attributes.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { registerAtExit } from './arena.js';

/** `__enzyme_ts_tape_take(slot, bytes)`: a block of at least `bytes` bytes (the slot's, or a new one); null when out of memory. */
export const TAPE_TAKE = '__enzyme_ts_tape_take';
/** `__enzyme_ts_tape_give(slot, block)`: keeps `block` in the slot for the next call (frees what the slot held). */
export const TAPE_GIVE = '__enzyme_ts_tape_give';
/** `__enzyme_ts_tape_drop(block)`: frees a block of the above (null: nothing). */
export const TAPE_DROP = '__enzyme_ts_tape_drop';
/** `__enzyme_ts_tape_size(block)`: the size of a block of the above, from its header (inactive when differentiated). */
export const TAPE_SIZE = '__enzyme_ts_tape_size';

/** The block header: the block's size (i64), padded to malloc's 16-byte alignment. */
export const HEADER = 16;
/** Blocks larger than this (256 MiB, the default tape budget) are freed, not kept. */
const KEEP_MAX = 2 ** 28;

type Declare = (n: string, r: Type, p: Type[]) => Function;

/** The size field of the block whose data starts at `data`. */
function sizeField(b: IRBuilder, m: Module, hdr: Value): Value {
  return b.bitcastIfNeeded(hdr, m.ptrTo(m.types.i64));
}

export function tapeTakeFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, TAPE_TAKE, bp, [m.ptrTo(t.i64), t.i64], ['slot', 'bytes']);
  if (!f) return m.getFunction(TAPE_TAKE)!;
  // As malloc's: the block aliases nothing the caller can reach (lost if inlined, hence noinline).
  f.retAttrs = [wordAttr('noalias')];
  f.fnAttrs = [wordAttr('noinline'), wordAttr('nounwind')];
  const [slot, bytes] = [f.args[0]!, f.args[1]!];
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const check = addBlock(m, f, 'kept');
  const reuse = addBlock(m, f, 'reuse');
  const small = addBlock(m, f, 'small');
  const fresh = addBlock(m, f, 'fresh');
  const nomem = addBlock(m, f, 'nomem');
  const ok = addBlock(m, f, 'allocated');
  b.atEnd(entry);
  const old = b.insert(new AtomicRMWInst(t.i64, 'xchg', [slot, constInt(t.i64, 0)])) as Value;
  const p = b.cast('inttoptr', old, bp, 'old');
  b.condBr(b.icmp('eq', old, constInt(t.i64, 0)), fresh, check);
  b.atEnd(check);
  const have = b.load(t.i64, sizeField(b, m, p), 'have');
  b.condBr(b.icmp('uge', have, bytes), reuse, small);
  b.atEnd(reuse);
  b.ret(b.gep(t.i8, p, [constInt(t.i64, HEADER)], 'kept.data', true));
  b.atEnd(small);
  b.call(declare('free', t.void, [bp]), [p]);
  b.br(fresh);
  b.atEnd(fresh);
  const c = b.call(declare('malloc', bp, [t.i64]), [b.add(bytes, constInt(t.i64, HEADER))], 'block');
  b.condBr(b.icmp('eq', c, nullValue(bp)), nomem, ok);
  b.atEnd(nomem);
  b.ret(nullValue(bp));
  b.atEnd(ok);
  b.store(bytes, sizeField(b, m, c));
  b.ret(b.gep(t.i8, c, [constInt(t.i64, HEADER)], 'data', true));
  return f;
}

export function tapeGiveFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, TAPE_GIVE, t.void, [m.ptrTo(t.i64), bp], ['slot', 'data']);
  if (!f) return m.getFunction(TAPE_GIVE)!;
  f.fnAttrs = [wordAttr('noinline'), wordAttr('nounwind')];
  const [slot, data] = [f.args[0]!, f.args[1]!];
  const free = declare('free', t.void, [bp]);
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const some = addBlock(m, f, 'block');
  const keep = addBlock(m, f, 'keep');
  const drop = addBlock(m, f, 'drop');
  const prev = addBlock(m, f, 'prev');
  const done = addBlock(m, f, 'done');
  b.atEnd(entry);
  b.condBr(b.icmp('eq', data, nullValue(bp)), done, some);
  b.atEnd(some);
  const hdr = b.gep(t.i8, data, [constInt(t.i64, -HEADER)], 'hdr', true);
  const size = b.load(t.i64, sizeField(b, m, hdr), 'size');
  b.condBr(b.icmp('ugt', size, constInt(t.i64, KEEP_MAX)), drop, keep);
  b.atEnd(drop);
  b.call(free, [hdr]);
  b.br(done);
  b.atEnd(keep);
  const old = b.insert(new AtomicRMWInst(t.i64, 'xchg', [slot, b.cast('ptrtoint', hdr, t.i64)])) as Value;
  b.condBr(b.icmp('eq', old, constInt(t.i64, 0)), done, prev);
  b.atEnd(prev);
  b.call(free, [b.cast('inttoptr', old, bp)]);
  b.br(done);
  b.atEnd(done);
  b.ret();
  return f;
}

/**
 * At `b`, for a block `data` that tapeTakeFn returned for `asked` entries of `stride` bytes: how
 * many entries it holds (its size from the header over `stride`, at least `asked`).
 */
export function keptCapacity(b: IRBuilder, data: Value, stride: number, asked: Value, declare: Declare): Value {
  const m = b.module;
  const t = m.types;
  // Through a helper: a derivative differentiated again (forward over reverse) sees an inactive
  // call, not an integer load from a block that holds floating data.
  const size = b.call(tapeSizeFn(m, declare), [data], 'kept.size');
  const n = b.binop('udiv', size, constInt(t.i64, stride));
  return b.select(b.icmp('ugt', n, asked), n, asked, 'kept.cap');
}

export function tapeSizeFn(m: Module, _declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, TAPE_SIZE, t.i64, [bp], ['data']);
  if (!f) return m.getFunction(TAPE_SIZE)!;
  f.fnAttrs = [wordAttr('nounwind')];
  const b = new IRBuilder(m);
  b.atEnd(addBlock(m, f, 'entry'));
  b.ret(b.load(t.i64, sizeField(b, m, b.gep(t.i8, f.args[0]!, [constInt(t.i64, -HEADER)], 'hdr', true)), 'size'));
  return f;
}

export function tapeDropFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, TAPE_DROP, t.void, [bp], ['data']);
  if (!f) return m.getFunction(TAPE_DROP)!;
  f.fnAttrs = [wordAttr('nounwind')];
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const some = addBlock(m, f, 'block');
  const done = addBlock(m, f, 'done');
  b.atEnd(entry);
  b.condBr(b.icmp('eq', f.args[0]!, nullValue(bp)), done, some);
  b.atEnd(some);
  b.call(declare('free', t.void, [bp]), [b.gep(t.i8, f.args[0]!, [constInt(t.i64, -HEADER)], 'hdr', true)]);
  b.br(done);
  b.atEnd(done);
  b.ret();
  return f;
}

/**
 * The slots of one derivative function's loop blocks: created on first use, and a static
 * destructor that frees what they hold (`finish`, once the function is complete).
 */
export class KeptBlocks {
  private readonly slots: GlobalVariable[] = [];

  constructor(private readonly m: Module, private readonly declare: Declare, private readonly owner: string) {}

  /** A new slot (an internal i64 global holding a block's header address, or 0). */
  slot(): GlobalVariable {
    const m = this.m;
    const t = m.types;
    const g = new GlobalVariable(m.ptrTo(t.i64), t.i64);
    let name = `${this.owner}.tape.kept`;
    for (let n = this.slots.length; m.getGlobal(name) || m.getFunction(name); n++) name = `${this.owner}.tape.kept.${n}`;
    g.name = name;
    g.linkage = 'internal';
    g.init = constInt(t.i64, 0);
    m.globals.push(g);
    m.invalidateSymbols();
    this.slots.push(g);
    return g;
  }

  get used(): boolean { return this.slots.length > 0; }

  /** The destructor that frees the blocks kept in this function's slots when the program ends. */
  finish(): void {
    if (!this.slots.length) return;
    const m = this.m;
    const t = m.types;
    const bp = m.ptrTo(t.i8);
    let name = `${this.owner}.tape.atexit`;
    for (let n = 1; m.getFunction(name) || m.getGlobal(name); n++) name = `${this.owner}.tape.atexit.${n}`;
    const f = addFunction(m, name, t.fn(t.void, []), []);
    f.linkage = 'internal';
    f.fnAttrs = [wordAttr('nounwind')];
    const drop = tapeDropFn(m, this.declare);
    const b = new IRBuilder(m);
    b.atEnd(addBlock(m, f, 'entry'));
    for (const s of this.slots) {
      const old = b.insert(new AtomicRMWInst(t.i64, 'xchg', [s, constInt(t.i64, 0)])) as Value;
      // The slot holds the header's address: drop takes the data's.
      const hdr = b.cast('inttoptr', old, bp);
      const nul = b.icmp('eq', old, constInt(t.i64, 0));
      b.call(drop, [b.select(nul, nullValue(bp), b.gep(t.i8, hdr, [constInt(t.i64, HEADER)]))]);
    }
    b.ret();
    registerAtExit(m, f);
  }
}
