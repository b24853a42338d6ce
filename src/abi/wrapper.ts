// `--abi c`: a function with the C calling convention around a generated function. It keeps
// the public name (the derivative becomes an internal `<name>.raw`), takes arrays and structs
// through pointers, calls the derivative, lays its result out as the C struct, and returns it
// the way the C compiler of the target would: in registers as the plan's IR type, or through
// the hidden `sret` pointer. clang inlines the derivative into it at -O1 and above.
import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { IRBuilder, addFunction } from '../ir/builder.js';
import { DataLayout } from '../ir/layout.js';
import type { Attr } from '../ir/attributes.js';
import type { GeneratedFunction } from './describe.js';
import type { CPlan, CType } from './c.js';
import { layoutType } from './c.js';

/** A name not taken in `m`: `base`, else `base.1`, `base.2`, ... */
function freshName(m: Module, base: string): string {
  if (!m.getGlobal(base)) return base;
  for (let k = 1; ; k++) if (!m.getGlobal(`${base}.${k}`)) return `${base}.${k}`;
}

/** Stores `v` (of IR type `t`) into C-layout memory at `ptr` (a pointer to `layoutType(c)`). */
function storeAs(b: IRBuilder, m: Module, v: Value, t: Type, c: CType, ptr: Value): void {
  const lt = layoutType(m, c);
  if (c.k === 'scalar') {
    const val = t.kind === 'int' && t.bits === 1 ? b.cast('zext', v, m.types.int(8)) : v;
    b.store(val, ptr);
    return;
  }
  if (c.k === 'array') {
    for (let k = 0; k < c.count; k++) {
      const elem = t.kind === 'vector' ? b.extractElement(v, b.i32(k)) : b.extractValue(v, [k]);
      const et = t.kind === 'vector' || t.kind === 'array' ? t.elem : t;
      const p = b.gep(lt, ptr, [b.i32(0), b.i32(k)], null, true);
      storeAs(b, m, elem, et, c.elem, p);
    }
    return;
  }
  if (t.kind !== 'struct' || !t.elems) throw new Error('storeAs: a struct value expected');
  c.fields.forEach((f, k) => {
    const p = b.structGep(lt, ptr, k);
    storeAs(b, m, b.extractValue(v, [k]), t.elems![k]!, f.type, p);
  });
}

/** Loads a value of IR type `t` from C-layout memory at `ptr` (the inverse of storeAs). */
function loadAs(b: IRBuilder, m: Module, t: Type, c: CType, ptr: Value): Value {
  const lt = layoutType(m, c);
  if (c.k === 'scalar') {
    const v = b.load(lt, ptr);
    return t.kind === 'int' && t.bits === 1 ? b.cast('trunc', v, t) : v;
  }
  if (c.k === 'array') {
    let agg: Value = b.undef(t);
    const et = t.kind === 'vector' || t.kind === 'array' ? t.elem : t;
    for (let k = 0; k < c.count; k++) {
      const p = b.gep(lt, ptr, [b.i32(0), b.i32(k)], null, true);
      const e = loadAs(b, m, et, c.elem, p);
      agg = t.kind === 'vector' ? b.insertElement(agg, e, b.i32(k)) : b.insertValue(agg, e, [k]);
    }
    return agg;
  }
  if (t.kind !== 'struct' || !t.elems) throw new Error('loadAs: a struct type expected');
  let agg: Value = b.undef(t);
  c.fields.forEach((f, k) => {
    agg = b.insertValue(agg, loadAs(b, m, t.elems![k]!, f.type, b.structGep(lt, ptr, k)), [k]);
  });
  return agg;
}

function attrWord(name: string, arg: string | null = null): Attr {
  return { k: 'word', name, arg, paren: false };
}

/**
 * Adds the C-ABI function for `desc` under its public name and makes the generated function
 * an internal `<name>.raw`; returns the new function.
 */
export function emitCWrapper(m: Module, desc: GeneratedFunction, plan: CPlan): Function {
  const raw = desc.fn;
  const publicName = raw.name!;
  raw.name = freshName(m, `${publicName}.raw`);
  raw.linkage = 'internal';
  m.invalidateSymbols();

  const t = m.types;
  const dl = DataLayout.of(m);
  const r = plan.result;
  const sret = r !== null && r.lowering.k === 'sret';
  const retType = r === null || r.lowering.k !== 'direct' ? t.void : r.lowering.type;
  const ptypes: Type[] = [];
  const pnames: (string | null)[] = [];
  if (sret) { ptypes.push(m.ptrTo(r!.layout)); pnames.push('agg.result'); }
  for (const p of plan.params) { ptypes.push(p.irType); pnames.push(p.name); }
  const w = addFunction(m, publicName, t.fn(retType, ptypes), pnames);
  if (sret) w.args[0]!.attrs = [attrWord('noalias'), { k: 'type', name: 'sret', type: r!.layout }, attrWord('align', String(dl.align(r!.layout)))];
  const b = new IRBuilder(m);
  b.atEnd(b.block(w, 'entry'));
  const first = sret ? 1 : 0;
  const args = plan.params.map((p, k) => {
    const a = w.args[first + k]!;
    return p.byPointer ? loadAs(b, m, p.raw.type, p.ctype, a) : a;
  });
  const call = b.call(raw, args, r === null ? null : 'r');
  if (r === null) { b.ret(); return w; }
  let mem: Value;
  let coerced: Type | null = null;
  if (sret) {
    mem = w.args[0]!;
  } else {
    coerced = (r.lowering as { type: Type }).type;
    // room for both the C struct and the type it is returned as (which may be wider)
    const big = dl.allocSize(coerced) > dl.allocSize(r.layout) ? coerced : r.layout;
    const slot = b.alloca(big, 'ret.c', null, Math.max(dl.align(coerced), dl.align(r.layout)));
    mem = b.bitcastIfNeeded(slot, m.ptrTo(r.layout));
  }
  r.members.forEach((mem0, k) => {
    const v = desc.result!.wrapped ? b.extractValue(call, [k]) : call;
    storeAs(b, m, v, mem0.raw.type, mem0.ctype, b.structGep(r.layout, mem, k));
  });
  if (sret) { b.ret(); return w; }
  const p = b.bitcastIfNeeded(mem, m.ptrTo(coerced!));
  b.ret(b.load(coerced!, p));
  return w;
}
