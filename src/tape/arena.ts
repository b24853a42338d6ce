// The tape arena: where the split pairs that a derivative calls keep their tapes.
//
// A derivative (`diffe<f>`, or a pair the user calls with `__enzyme_augmentfwd` /
// `__enzyme_reverse`) runs every augmented forward of its callees before any of
// their reverses: the forward sweep is over before the reverse sweep starts. So
// the tapes of the callees (recursion included) can be bumped out of memory
// owned by that one derivative call and released all at once when its reverse
// ends: no allocation happens after the first release, so nothing is ever
// reused while a tape is still to be read. The state (three pointers: current
// chunk, top, end of the chunk) lives in the owner's frame and is passed down to
// every pair as a trailing parameter; chunks are malloc'd, doubling in size, and
// linked through their first word. docs/ad.md, "Two shapes: combined and split".

import { IRBuilder, addBlock, addRuntimeHelper, addIncoming, constInt, nullValue } from '../ir/builder.js';
import { GlobalVariable, type Function } from '../ir/function.js';
import { AtomicRMWInst } from '../ir/instructions.js';
import { ConstantAggregate } from '../ir/constants.js';
import { wordAttr } from '../ir/attributes.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';

/** `__enzyme_ts_arena_alloc(state, size, align)`: `size` bytes aligned to `align` (a power of two). */
export const ARENA_ALLOC = '__enzyme_ts_arena_alloc';
/** The slow path of the above: a new chunk. */
export const ARENA_CHUNK = '__enzyme_ts_arena_chunk';
/** `__enzyme_ts_arena_destroy(state)`: frees or keeps every chunk, leaves the state empty. */
export const ARENA_DESTROY = '__enzyme_ts_arena_destroy';
/** The list of chunks kept for the next derivative call, and the static destructor that frees it. */
export const ARENA_SPARE = '__enzyme_ts_arena_spare';
export const ARENA_ATEXIT = '__enzyme_ts_arena_atexit';

/**
 * The chunk size (a larger request gets a chunk of its own size). Below glibc's mmap threshold
 * (128 KiB), so that the chunks of one derivative call come back from the heap's free lists
 * in the next one instead of being mapped and page-faulted in afresh.
 */
const CHUNK = 1 << 16;
/** The chunk header (the link to the previous chunk), keeping the data 16-byte aligned. */
const HEADER = 16;
/** Loop buffer blocks up to this size come from the arena even when the loop may grow them (src/tape/buffers.ts). */
export const ARENA_SMALL = 4096;
/**
 * At most this many chunks (4 MiB) are kept for the next derivative call when one ends: the
 * pages stay mapped, so a gradient taken again does not page-fault its tape in afresh (malloc
 * would hand them back to the system: freeing the chunks trims the heap).
 */
const KEEP = 64;

type Declare = (n: string, r: Type, p: Type[]) => Function;

/** The type of the arena state: current chunk, top, end of the current chunk, chunks to reuse. */
export function arenaStateType(m: Module): Type {
  const bp = m.ptrTo(m.types.i8);
  return m.types.array(4, bp);
}

/** Rounds the address of `p` up to `align` (i64, a power of two): the aligned pointer, derived from `p`. */
function alignUp(b: IRBuilder, m: Module, p: Value, align: Value): Value {
  const t = m.types;
  const pi = b.cast('ptrtoint', p, t.i64);
  const am1 = b.sub(align, constInt(t.i64, 1));
  const up = b.binop('and', b.add(pi, am1), b.binop('xor', am1, constInt(t.i64, -1)));
  return b.gep(t.i8, p, [b.sub(up, pi)], 'aligned');
}

/** `__enzyme_ts_arena_alloc`: bumps the top of the current chunk, or takes a new chunk. */
export function arenaAllocFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, ARENA_ALLOC, bp, [bp, t.i64, t.i64], ['state', 'size', 'align']);
  if (!f) return m.getFunction(ARENA_ALLOC)!;
  // Like malloc's, the block aliases nothing the caller can reach (the arena's state only
  // points past it): without `noalias`, every store into a tape would make the compiler
  // reload the primal's memory. The attribute is lost when a call is inlined, hence noinline.
  f.retAttrs = [wordAttr('noalias')];
  f.fnAttrs = [wordAttr('noinline'), wordAttr('nounwind')];
  const chunk = arenaChunkFn(m, declare);
  const [state, size, align] = [f.args[0]!, f.args[1]!, f.args[2]!];
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const fast = addBlock(m, f, 'fits');
  const slow = addBlock(m, f, 'full');
  b.atEnd(entry);
  const st = b.bitcastIfNeeded(state, m.ptrTo(bp));
  const topP = b.gep(bp, st, [constInt(t.i64, 1)], 'top.p', true);
  const top = b.load(bp, topP, 'top');
  const end = b.load(bp, b.gep(bp, st, [constInt(t.i64, 2)], 'end.p', true), 'end');
  // A null top (no chunk yet) gives address 0 + size > 0 = end: the slow path.
  const p = alignUp(b, m, top, align);
  const next = b.add(b.cast('ptrtoint', p, t.i64), size, 'next');
  b.condBr(b.icmp('ule', next, b.cast('ptrtoint', end, t.i64), 'room'), fast, slow);
  b.atEnd(fast);
  b.store(b.gep(t.i8, p, [size], 'newtop'), topP);
  b.ret(p);
  b.atEnd(slow);
  b.ret(b.call(chunk, [state, size, align], 'p'));
  return f;
}

/**
 * `__enzyme_ts_arena_chunk`: links a chunk and allocates from it: a chunk kept from an
 * earlier derivative call when the request fits in one, else a new one of
 * max(size + align + header, CHUNK) bytes. The header holds the link and the chunk's size.
 */
function arenaChunkFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const bpp = m.ptrTo(bp);
  const f = addRuntimeHelper(m, ARENA_CHUNK, bp, [bp, t.i64, t.i64], ['state', 'size', 'align']);
  if (!f) return m.getFunction(ARENA_CHUNK)!;
  f.fnAttrs = [wordAttr('noinline'), wordAttr('nounwind')];
  const spare = spareGlobal(m, declare);
  const [state, size, align] = [f.args[0]!, f.args[1]!, f.args[2]!];
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  const std = addBlock(m, f, 'standard');
  const reuse = addBlock(m, f, 'reuse');
  const fresh = addBlock(m, f, 'fresh');
  const trap = addBlock(m, f, 'nomem');
  const ok = addBlock(m, f, 'allocated');
  const link = addBlock(m, f, 'link');
  b.atEnd(entry);
  const st = b.bitcastIfNeeded(state, bpp);
  const at = (k: number, name: string | null = null): Value => b.gep(bp, st, [constInt(t.i64, k)], name, true);
  const cur = b.load(bp, st, 'cur');
  const need = b.add(b.add(size, align), constInt(t.i64, HEADER), 'need');
  const small = b.icmp('ule', need, constInt(t.i64, CHUNK), 'fits.chunk');
  b.condBr(small, std, fresh);
  // The first chunk of a derivative call takes the chunks the last one kept (atomically: another
  // thread's derivative may be taking or giving them at the same time).
  const take = addBlock(m, f, 'take', reuse);
  const pick = addBlock(m, f, 'pick', reuse);
  b.atEnd(std);
  const mine = b.load(bp, at(3, 'spare.p'), 'mine');
  b.condBr(b.icmp('eq', cur, nullValue(bp), 'first'), take, pick);
  b.atEnd(take);
  const taken = b.insert(new AtomicRMWInst(t.i64, 'xchg', [spare, constInt(t.i64, 0)])) as Value;
  const takenP = b.cast('inttoptr', taken, bp, 'taken');
  b.br(pick);
  b.atEnd(pick);
  const sp = b.phi(bp, [[mine, std], [takenP, take]], 'sp');
  const none = b.icmp('eq', sp, nullValue(bp));
  b.condBr(none, fresh, reuse);
  b.atEnd(reuse);
  b.store(b.load(bp, b.bitcastIfNeeded(sp, bpp), 'next.spare'), at(3));
  b.br(link);
  b.atEnd(fresh);
  const n = b.select(b.icmp('ugt', need, constInt(t.i64, CHUNK)), need, constInt(t.i64, CHUNK), 'chunksize');
  const c = b.call(declare('malloc', bp, [t.i64]), [n], 'chunk');
  // Sizes beyond what can be allocated (a wrapped `need`), or no memory: trap, never write past a block.
  const bad = b.binop('or', b.icmp('eq', c, nullValue(bp)), b.icmp('ult', need, size));
  b.condBr(bad, trap, ok);
  b.atEnd(trap);
  b.call(declare('llvm.trap', t.void, []), []);
  b.unreachable();
  b.atEnd(ok);
  b.store(n, b.bitcastIfNeeded(b.gep(t.i8, c, [constInt(t.i64, 8)]), m.ptrTo(t.i64)));
  b.br(link);
  b.atEnd(link);
  const ch = b.phi(bp, [[sp, reuse], [c, ok]], 'c');
  const len = b.phi(t.i64, [[constInt(t.i64, CHUNK), reuse], [n, ok]], 'len');
  b.store(cur, b.bitcastIfNeeded(ch, bpp));
  b.store(ch, st);
  b.store(b.gep(t.i8, ch, [len], 'chunkend'), at(2, 'end.p'));
  const p = alignUp(b, m, b.gep(t.i8, ch, [constInt(t.i64, HEADER)], 'data'), align);
  b.store(b.gep(t.i8, p, [size], 'newtop'), at(1, 'top.p'));
  b.ret(p);
  return f;
}

/** The chunks kept between derivative calls: a list (as an integer, for an atomic exchange on every LLVM version). */
function spareGlobal(m: Module, declare: Declare): Value {
  const have = m.getGlobal(ARENA_SPARE);
  if (have) return have;
  const t = m.types;
  const g = new GlobalVariable(m.ptrTo(t.i64), t.i64);
  g.name = ARENA_SPARE;
  g.linkage = 'linkonce_odr';
  g.visibility = 'hidden';
  g.init = constInt(t.i64, 0);
  m.globals.push(g);
  m.invalidateSymbols();
  registerAtExit(m, arenaAtExitFn(m, declare));
  return g;
}

/**
 * Emits, at `b`, a walk of the chunk list starting at `head` that keeps standard chunks (up to
 * KEEP in all, counting `kept`) on the list `keep` and frees the others; returns the builder's
 * block after the walk with the new `keep` and `kept`.
 */
function drain(m: Module, f: Function, b: IRBuilder, head: Value, keep: Value, kept: Value, free: Function, tag: string): { keep: Value; kept: Value } {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const bpp = m.ptrTo(bp);
  const from = b.insertBlock!;
  const loop = addBlock(m, f, `${tag}.loop`);
  const body = addBlock(m, f, `${tag}.chunk`);
  const save = addBlock(m, f, `${tag}.save`);
  const drop = addBlock(m, f, `${tag}.free`);
  const done = addBlock(m, f, `${tag}.done`);
  b.br(loop);
  b.atEnd(loop);
  const c = b.phi(bp, [[head, from]], `${tag}.c`);
  const kp = b.phi(bp, [[keep, from]], `${tag}.keep`);
  const kn = b.phi(t.i64, [[kept, from]], `${tag}.kept`);
  b.condBr(b.icmp('eq', c, nullValue(bp)), done, body);
  b.atEnd(body);
  const next = b.load(bp, b.bitcastIfNeeded(c, bpp), `${tag}.next`);
  const len = b.load(t.i64, b.bitcastIfNeeded(b.gep(t.i8, c, [constInt(t.i64, 8)]), m.ptrTo(t.i64)), `${tag}.len`);
  const keepIt = b.binop('and', b.icmp('eq', len, constInt(t.i64, CHUNK)), b.icmp('ult', kn, constInt(t.i64, KEEP)));
  b.condBr(keepIt, save, drop);
  b.atEnd(save);
  b.store(kp, b.bitcastIfNeeded(c, bpp));
  addIncoming(c, next, save);
  addIncoming(kp, c, save);
  addIncoming(kn, b.add(kn, constInt(t.i64, 1)), save);
  b.br(loop);
  b.atEnd(drop);
  b.call(free, [c]);
  addIncoming(c, next, drop);
  addIncoming(kp, kp, drop);
  addIncoming(kn, kn, drop);
  b.br(loop);
  b.atEnd(done);
  return { keep: kp, kept: kn };
}

/**
 * `__enzyme_ts_arena_destroy`: gives the standard chunks (at most KEEP) to the next derivative
 * call, frees the others and whatever the list held before, and leaves the state empty.
 */
export function arenaDestroyFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, ARENA_DESTROY, t.void, [bp], ['state']);
  if (!f) return m.getFunction(ARENA_DESTROY)!;
  f.fnAttrs = [wordAttr('nounwind')];
  const spare = spareGlobal(m, declare);
  const free = declare('free', t.void, [bp]);
  const b = new IRBuilder(m);
  b.atEnd(addBlock(m, f, 'entry'));
  const st = b.bitcastIfNeeded(f.args[0]!, m.ptrTo(bp));
  const at = (k: number): Value => b.gep(bp, st, [constInt(t.i64, k)], null, true);
  const used = b.load(bp, st, 'used');
  const unused = b.load(bp, at(3), 'unused');
  const a = drain(m, f, b, used, nullValue(bp), constInt(t.i64, 0), free, 'used');
  const z = drain(m, f, b, unused, a.keep, a.kept, free, 'unused');
  const old = b.insert(new AtomicRMWInst(t.i64, 'xchg', [spare, b.cast('ptrtoint', z.keep, t.i64)])) as Value;
  drain(m, f, b, b.cast('inttoptr', old, bp, 'old'), nullValue(bp), constInt(t.i64, KEEP), free, 'old');
  for (let k = 0; k < 4; k++) b.store(nullValue(bp), at(k));
  b.ret();
  return f;
}

/** `__enzyme_ts_arena_atexit`: frees the kept chunks when the program ends (a static destructor). */
function arenaAtExitFn(m: Module, declare: Declare): Function {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const f = addRuntimeHelper(m, ARENA_ATEXIT, t.void, [], []);
  if (!f) return m.getFunction(ARENA_ATEXIT)!;
  f.fnAttrs = [wordAttr('nounwind')];
  const free = declare('free', t.void, [bp]);
  const b = new IRBuilder(m);
  b.atEnd(addBlock(m, f, 'entry'));
  const old = b.insert(new AtomicRMWInst(t.i64, 'xchg', [spareGlobal(m, declare), constInt(t.i64, 0)])) as Value;
  drain(m, f, b, b.cast('inttoptr', old, bp, 'old'), nullValue(bp), constInt(t.i64, KEEP), free, 'old');
  b.ret();
  return f;
}

/** Appends `fn` to `@llvm.global_dtors` (created when the module has none; left alone when its shape is unknown). */
export function registerAtExit(m: Module, fn: Function): void {
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const fnPtr = m.ptrTo(t.fn(t.void, []));
  const elemTy = t.struct([t.i32, fnPtr, bp]);
  const entry = new ConstantAggregate(elemTy, [constInt(t.i32, 65535), fn, nullValue(bp)]);
  const have = m.getGlobal('llvm.global_dtors') as GlobalVariable | undefined;
  if (!have) {
    const ty = t.array(1, elemTy);
    const g = new GlobalVariable(m.ptrTo(ty), ty);
    g.name = 'llvm.global_dtors';
    g.linkage = 'appending';
    g.init = new ConstantAggregate(ty, [entry]);
    m.globals.push(g);
    m.invalidateSymbols();
    return;
  }
  const init = have.init;
  const vt = have.valueType;
  if (vt.kind !== 'array' || vt.elem !== elemTy) return;
  const elems = init instanceof ConstantAggregate ? [...init.elems] : init && (init as { ck?: string }).ck === 'zero' && vt.count === 0 ? [] : null;
  if (!elems) return;
  elems.push(entry);
  const ty = t.array(elems.length, elemTy);
  have.valueType = ty;
  have.type = m.ptrTo(ty);
  have.init = new ConstantAggregate(ty, elems);
}

/**
 * After a derivative was started over (src/ad/globals.ts drops the functions generated since a
 * mark), removes the static destructor's entry from a `@llvm.global_dtors` that existed before
 * the mark when its function was dropped.
 */
export function forgetDroppedAtExit(m: Module): void {
  const g = m.getGlobal('llvm.global_dtors') as GlobalVariable | undefined;
  const init = g?.init;
  if (!g || !(init instanceof ConstantAggregate)) return;
  const live = new Set(m.functions);
  const keep = init.elems.filter((e) => {
    const fn = e instanceof ConstantAggregate ? e.elems[1] : undefined;
    // The arena's destructor, or one of the kept loop blocks' (src/tape/keep.ts), that was dropped.
    return !(fn && fn.vk === 'function' && !live.has(fn as Function));
  });
  if (keep.length === init.elems.length || g.valueType.kind !== 'array') return;
  const ty = m.types.array(keep.length, g.valueType.elem);
  g.valueType = ty;
  g.type = m.ptrTo(ty);
  g.init = keep.length ? new ConstantAggregate(ty, keep) : nullValue(ty);
}
