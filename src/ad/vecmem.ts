// Vector memory intrinsics: what clang's vectorizers emit for indexed and conditional
// accesses (`s += x[idx[i]]` at -O3 -march=... -ffast-math becomes a vector GEP and
// `llvm.masked.gather`), and the vector-predicated (`llvm.vp.*`) forms. They read or write
// memory lane by lane, so their derivatives are the load and store rules per enabled lane:
//
//   a load-like lane k (gather, masked load, vp load / gather / strided load) reading p_k:
//     shadow(p_k) += d_k (lanes are added one by one: a gather may read one address twice);
//     a masked-off lane takes the passthru value: its adjoint goes to the passthru;
//   a store-like lane k (scatter, masked store, vp store / scatter / strided store) writing p_k:
//     d_value_k += shadow(p_k); shadow(p_k) = 0, highest lane first (when two lanes write one
//     address the highest one wins, so the lower ones get nothing).
//
// A lane is enabled when its mask bit is set and, for `llvm.vp.*`, its index is below the
// explicit vector length. The reverse code calls small generated helpers that walk the lanes
// (`__enzyme_ts_vload_adj_*`, `__enzyme_ts_vstore_adj_*`). Scalable vectors are not supported
// (E0401); other vector memory intrinsics (expandload, compressstore) are unknown calls, an
// error when they touch active data.

import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { CallInst, InvokeInst } from '../ir/instructions.js';

type CallBase = CallInst | InvokeInst;
import type { ActivityAnalysis } from '../analysis/activity.js';
import { isPointerish } from '../analysis/activity.js';
import type { Value } from '../ir/value.js';
import type { Type, VectorType } from '../ir/types.js';
import { IRBuilder, addBlock, addFunction, addIncoming, constInt, nullValue } from '../ir/builder.js';
import { DataLayout } from '../ir/layout.js';

/** Where the operands of a vector memory intrinsic are. */
export interface VecMemShape {
  name: string;
  store: boolean;
  /** The pointer operand: a vector of pointers (`gather`) or one base pointer (contiguous or strided). */
  ptr: number;
  gather: boolean;
  /** Stores: the value stored. */
  value: number | null;
  mask: number;
  /** `llvm.vp.*`: the explicit vector length. */
  evl: number | null;
  /** Loads with a passthru (masked.load / masked.gather). */
  passthru: number | null;
  /** Strided forms: the stride in bytes. */
  stride: number | null;
}

/** The shape of a vector memory intrinsic, by name; null for any other function. */
export function vecMemShape(name: string): VecMemShape | null {
  const s = (store: boolean, ptr: number, gather: boolean, value: number | null, mask: number, evl: number | null, passthru: number | null, stride: number | null): VecMemShape =>
    ({ name, store, ptr, gather, value, mask, evl, passthru, stride });
  if (name.startsWith('llvm.masked.load.')) return s(false, 0, false, null, 2, null, 3, null);
  if (name.startsWith('llvm.masked.store.')) return s(true, 1, false, 0, 3, null, null, null);
  if (name.startsWith('llvm.masked.gather.')) return s(false, 0, true, null, 2, null, 3, null);
  if (name.startsWith('llvm.masked.scatter.')) return s(true, 1, true, 0, 3, null, null, null);
  if (name.startsWith('llvm.vp.load.')) return s(false, 0, false, null, 1, 2, null, null);
  if (name.startsWith('llvm.vp.store.')) return s(true, 1, false, 0, 2, 3, null, null);
  if (name.startsWith('llvm.vp.gather.')) return s(false, 0, true, null, 1, 2, null, null);
  if (name.startsWith('llvm.vp.scatter.')) return s(true, 1, true, 0, 2, 3, null, null);
  if (name.startsWith('llvm.experimental.vp.strided.load.')) return s(false, 0, false, null, 2, 3, null, 1);
  if (name.startsWith('llvm.experimental.vp.strided.store.')) return s(true, 1, false, 0, 3, 4, null, 2);
  return null;
}

/** The data vector type an intrinsic call moves (its result, or its stored value). */
export function vecMemDataType(call: CallBase, sh: VecMemShape): Type {
  return sh.store ? call.arg(sh.value!).type : call.type;
}

/** What the reverse of one call needs from the transform, for one lane of a batch. */
export interface VecMemRev {
  m: Module;
  b: IRBuilder;
  /** The value of a primal operand, available in the reverse. */
  primal(v: Value): Value;
  /** The shadow of a primal pointer (or vector of pointers) operand, available in the reverse. */
  shadow(v: Value): Value;
  /** Takes (and zeroes) the adjoint of the call's result. */
  takeResult(): Value;
  /** Adds to the adjoint of a primal operand (ignored when it is not varied). */
  add(v: Value, delta: Value): void;
  varied(v: Value): boolean;
  declareHelper(name: string, make: () => Function): Function;
}

/** The reverse of a vector memory intrinsic call (per lane of a batch). */
export function reverseVecMem(r: VecMemRev, call: CallBase, sh: VecMemShape): void {
  const { m, b } = r;
  const t = m.types;
  const vt = vecMemDataType(call, sh) as VectorType;
  const n = vt.count;
  // Where the lanes are: a vector of shadow pointers, or a shadow base and a byte stride.
  const where: Value[] = [];
  const shadow = r.shadow(call.arg(sh.ptr));
  if (sh.gather) where.push(shadow);
  else {
    let stride: Value = constInt(t.i64, DataLayout.of(m).allocSize(vt.elem));
    if (sh.stride !== null) {
      stride = r.primal(call.arg(sh.stride));
      if (stride.type !== t.i64) stride = b.cast('sext', stride, t.i64);
    }
    where.push(b.bitcastIfNeeded(shadow, m.ptrTo(t.i8)), stride);
  }
  const mask = r.primal(call.arg(sh.mask));
  let evl: Value = constInt(t.i32, n);
  if (sh.evl !== null) {
    evl = r.primal(call.arg(sh.evl));
    if (evl.type !== t.i32 && evl.type.kind === 'int') evl = b.cast(evl.type.bits > 32 ? 'trunc' : 'zext', evl, t.i32);
  }
  if (!sh.store) {
    const d = r.takeResult();
    b.call(helper(r, vt, sh.gather, false), [...where, mask, evl, d]);
    // Masked-off lanes of masked.load / masked.gather are the passthru's.
    if (sh.passthru !== null && r.varied(call.arg(sh.passthru))) r.add(call.arg(sh.passthru), b.select(mask, nullValue(vt), d));
    return;
  }
  const got = b.call(helper(r, vt, sh.gather, true), [...where, mask, evl], 'vstore_adj');
  if (r.varied(call.arg(sh.value!))) r.add(call.arg(sh.value!), got);
}

function suffix(vt: VectorType): string {
  const e = vt.elem;
  const en = e.kind === 'float' ? e.fk : e.kind === 'pointer' ? 'ptr' : e.kind === 'int' ? `i${e.bits}` : e.kind;
  return `v${vt.count}${en}`;
}

/**
 * `__enzyme_ts_vload_adj_gather_v4double(<4 x ptr> p, <4 x i1> mask, i32 evl, <4 x double> d)`:
 * *p_k += d_k for every enabled lane; the `_strided` form takes (ptr base, i64 stride) for the
 * lanes' addresses. `__enzyme_ts_vstore_adj_*` takes no `d` and returns, for each enabled lane
 * from the highest down, r_k = *p_k; *p_k = 0.
 */
function helper(r: VecMemRev, vt: VectorType, gather: boolean, store: boolean): Function {
  const m = r.m;
  const name = `__enzyme_ts_${store ? 'vstore' : 'vload'}_adj_${gather ? 'gather' : 'strided'}_${suffix(vt)}`;
  return r.declareHelper(name, () => {
    const t = m.types;
    const n = vt.count;
    const ep = m.ptrTo(vt.elem);
    const params: Type[] = gather ? [t.vector(n, ep)] : [m.ptrTo(t.i8), t.i64];
    const names: string[] = gather ? ['p'] : ['base', 'stride'];
    params.push(t.vector(n, t.i1), t.i32);
    names.push('mask', 'evl');
    if (!store) { params.push(vt); names.push('d'); }
    const f = addFunction(m, name, t.fn(store ? vt : t.void, params), names);
    f.linkage = 'internal';
    const at = gather ? 1 : 2;
    const laneAddress = (b: IRBuilder, k: Value): Value => {
      if (gather) return b.extractElement(f.args[0]!, k);
      const off = b.mul(b.cast('sext', k, t.i64), f.args[1]!);
      return b.bitcastIfNeeded(b.gep(t.i8, f.args[0]!, [off]), ep);
    };
    laneLoop(m, f, n, store ? 'down' : 'up', f.args[at]!, f.args[at + 1]!, (b, k, cur) => {
      const p = laneAddress(b, k);
      const old = b.load(vt.elem, p);
      if (!store) { b.store(b.fadd(old, b.extractElement(f.args[at + 2]!, k)), p); return; }
      b.store(nullValue(vt.elem), p);
      return b.insertElement(cur!, old, k);
    }, store ? vt : undefined);
    return f;
  });
}

/**
 * The body of a helper: a loop over the lanes (ascending or descending); `body` runs for the
 * enabled ones (mask bit set, index below `evl`). With `acc`, a vector (starting at zero) is
 * threaded through the loop and returned.
 */
function laneLoop(m: Module, f: Function, n: number, dir: 'up' | 'down', mask: Value, evl: Value,
  body: (b: IRBuilder, k: Value, cur: Value | null) => Value | void, acc?: VectorType): void {
  const t = m.types;
  const entry = addBlock(m, f, 'entry');
  const loop = addBlock(m, f, 'lane');
  const check = addBlock(m, f, 'masked');
  const on = addBlock(m, f, 'on');
  const next = addBlock(m, f, 'next');
  const done = addBlock(m, f, 'done');
  const b = new IRBuilder(m).atEnd(entry);
  b.br(loop);
  b.atEnd(loop);
  const k = b.phi(t.i32, [[constInt(t.i32, dir === 'up' ? 0 : n - 1), entry]], 'k');
  const cur = acc ? b.phi(acc, [[nullValue(acc), entry]], 'acc') : null;
  b.condBr(b.icmp('ult', k, evl), check, next);
  b.atEnd(check);
  b.condBr(b.extractElement(mask, k, 'bit'), on, next);
  b.atEnd(on);
  const upd = body(b, k, cur);
  b.br(next);
  b.atEnd(next);
  let merged: Value | null = null;
  if (cur && upd) merged = b.phi(acc!, [[cur, loop], [cur, check], [upd, on]], 'acc.next');
  const k1 = dir === 'up' ? b.add(k, constInt(t.i32, 1), 'k.next') : b.sub(k, constInt(t.i32, 1), 'k.next');
  addIncoming(k, k1, next);
  if (cur && merged) addIncoming(cur, merged, next);
  const more = dir === 'up' ? b.icmp('slt', k1, constInt(t.i32, n)) : b.icmp('sge', k1, constInt(t.i32, 0));
  b.condBr(more, loop, done);
  b.atEnd(done);
  if (merged) b.ret(merged); else b.ret();
}

/** A pointer, a vector of pointers, or an aggregate of pointers and integers (a fat pointer). */
export function isPointerLike(t: Type): boolean {
  return isPointerish(t);
}

/**
 * In the forward sweep, a vector memory intrinsic that moves pointers into or out of memory
 * with a shadow moves their shadows too: the same call on the shadow addresses (a gather of
 * pointers from shadow memory gives the gathered pointers' shadows).
 */
export function vecMemShadowCopy(aa: ActivityAnalysis, call: CallBase, sh: VecMemShape, b: IRBuilder,
  copy: (c: CallBase) => CallBase, shadowOf: (v: Value) => Value, setShadow: (s: Value) => void): void {
  if (!sh.store) {
    if (!isPointerLike(call.type) || !aa.shadowed(call)) return;
    const c = copy(call);
    c.operands[sh.ptr] = shadowOf(call.arg(sh.ptr));
    if (sh.passthru !== null) c.operands[sh.passthru] = shadowOf(call.arg(sh.passthru));
    c.name = call.name !== null ? `${call.name}'` : null;
    c.attachments = null;
    b.insert(c);
    setShadow(c);
    return;
  }
  const v = call.arg(sh.value!);
  if (!isPointerLike(v.type) || !aa.shadowed(call.arg(sh.ptr))) return;
  const c = copy(call);
  c.operands[sh.value!] = shadowOf(v);
  c.operands[sh.ptr] = shadowOf(call.arg(sh.ptr));
  c.attachments = null;
  b.insert(c);
}
