// Copies of memory whose fields are not all of one kind (a struct of double and float fields,
// of floats and pointers), field by field, as Enzyme splits a memcpy by the type of each byte
// range. The forward sweep copies the shadows of the pointer fields; the reverse sweep moves
// the adjoint of each floating field in its own type (adding a float's adjoint as half the bits
// of a double is garbage). Integer fields and padding carry nothing. The helpers are internal
// functions of the module, one per layout and job, shared by every copy of that layout.

import { IRBuilder, addBlock, addFunction, addIncoming, constInt, nullValue } from '../ir/builder.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import { DataLayout } from '../ir/layout.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { layoutKey, type MemLayout, type LayoutField } from './memkind.js';

export type LayoutJob =
  /** forward sweep: dst'.p = src'.p for every pointer field */
  | 'ptrs'
  /** reverse of memcpy: t = dst'.x; dst'.x = 0; src'.x += t for every floating field */
  | 'adj'
  /** reverse of memmove: the same through a temporary copy of dst' (the regions may overlap) */
  | 'move'
  /** reverse of a copy from memory without derivative: dst'.x = 0 */
  | 'zero';

export interface HelperHost {
  readonly module: Module;
  declare(name: string, ret: Type, params: Type[]): Function;
  memIntrinsic(which: 'memcpy' | 'memset'): Function;
}

/** `__enzyme_ts_<job>_<layout>(dst', [src',] bytes)`: the helper for one layout and job. */
export function layoutHelper(h: HelperHost, lay: MemLayout, job: LayoutJob): Function {
  const name = `__enzyme_ts_copy_${job}_${layoutKey(lay)}`;
  const have = h.module.getFunction(name);
  if (have) return have;
  const m = h.module;
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const withSrc = job !== 'zero';
  const f = addFunction(m, name, t.fn(t.void, withSrc ? [bp, bp, t.i64] : [bp, t.i64]), withSrc ? ['dst', 'src', 'bytes'] : ['dst', 'bytes']);
  f.linkage = 'internal';
  const dst = f.args[0]!;
  const src = withSrc ? f.args[1]! : null;
  const bytes = f.args[withSrc ? 2 : 1]!;
  const b = new IRBuilder(m);
  const entry = addBlock(m, f, 'entry');
  b.atEnd(entry);
  const floats = lay.fields.filter((x) => x.kind !== 'pointer');
  const ptrs = lay.fields.filter((x) => x.kind === 'pointer');
  const at = (base: Value, p: Value, fld: LayoutField): Value => {
    const q = b.gep(t.i8, p, [b.add(base, constInt(t.i64, fld.offset))], null, true);
    return b.bitcastIfNeeded(q, m.ptrTo(fieldType(m, fld)));
  };
  if (job === 'ptrs') {
    recordLoop(m, f, b, lay, bytes, ptrs, (base, fld) => {
      const v = b.load(fieldType(m, fld), at(base, src!, fld), null, 1);
      b.store(v, at(base, dst, fld), 1);
    });
  } else if (job === 'move') {
    // t = copy of dst'; clear dst' fields; src' += t: right however the regions overlap.
    const malloc = h.declare('malloc', bp, [t.i64]);
    const free = h.declare('free', t.void, [bp]);
    const tmp = b.call(malloc, [bytes], 'tmp');
    b.call(h.memIntrinsic('memcpy'), [tmp, dst, bytes, constInt(t.i1, 0)]);
    recordLoop(m, f, b, lay, bytes, floats, (base, fld) => { b.store(nullValue(fieldType(m, fld)), at(base, dst, fld), 1); });
    recordLoop(m, f, b, lay, bytes, floats, (base, fld) => {
      const ty = fieldType(m, fld);
      const v = b.load(ty, at(base, tmp, fld), null, 1);
      const sp = at(base, src!, fld);
      b.store(b.fadd(b.load(ty, sp, null, 1), v), sp, 1);
    });
    b.call(free, [tmp]);
  } else {
    recordLoop(m, f, b, lay, bytes, floats, (base, fld) => {
      const ty = fieldType(m, fld);
      const dp = at(base, dst, fld);
      const v = b.load(ty, dp, null, 1);
      // Cleared before the source is read: a copy onto itself keeps its adjoint once.
      b.store(nullValue(ty), dp, 1);
      if (src) {
        const sp = at(base, src, fld);
        b.store(b.fadd(b.load(ty, sp, null, 1), v), sp, 1);
      }
    });
  }
  b.ret();
  return f;
}

function fieldType(m: Module, fld: LayoutField): Type {
  const t = m.types;
  return fld.kind === 'pointer' ? m.ptrTo(t.i8) : t.float(fld.kind);
}

/**
 * For every record of `lay.size` bytes that starts below `bytes`, `body(base, field)` for each of
 * `fields` that lies wholly inside the copied bytes (a copy may end inside a record). Leaves
 * the builder at the end of the block after the loop.
 */
function recordLoop(m: Module, f: Function, b: IRBuilder, lay: MemLayout, bytes: Value, fields: LayoutField[],
  body: (base: Value, fld: LayoutField) => void): void {
  const t = m.types;
  const pre = b.insertBlock!;
  // Block names are unique in the helper (the printer keeps names as given).
  const n = f.blocks.length;
  const loop = addBlock(m, f, `rec${n}`);
  const done = addBlock(m, f, `rec${n}.done`);
  b.condBr(b.icmp('eq', bytes, constInt(t.i64, 0)), done, loop);
  b.atEnd(loop);
  const base = b.phi(t.i64, [[constInt(t.i64, 0), pre]], `base${n}`);
  for (const [k, fld] of fields.entries()) {
    const end = fld.offset + (fld.kind === 'double' ? 8 : fld.kind === 'float' ? 4 : fld.kind === 'half' ? 2 : DataLayout.of(m).pointerBytes);
    const inside = b.icmp('ule', b.add(base, constInt(t.i64, end)), bytes);
    const yes: BasicBlock = addBlock(m, f, `rec${n}.f${k}`);
    const next: BasicBlock = addBlock(m, f, `rec${n}.f${k}.next`);
    b.condBr(inside, yes, next);
    b.atEnd(yes);
    body(base, fld);
    b.br(next);
    b.atEnd(next);
  }
  const nb = b.add(base, constInt(t.i64, lay.size), `base${n}.next`);
  addIncoming(base, nb, b.insertBlock!);
  b.condBr(b.icmp('ult', nb, bytes), loop, done);
  b.atEnd(done);
}
