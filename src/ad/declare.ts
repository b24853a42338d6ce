// Functions the transform calls (malloc, calloc, free, memset, math functions), declared with
// the signature it needs. A module may already declare the name with another one (`i8*
// @malloc(i32)`, an allocator declared with a 32-bit size): the tool then calls an internal
// adapter with its own signature, which calls the same symbol with that signature (the C
// library's real one), rather than a call whose argument types do not match (invalid IR).

import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { FunctionType, Type } from '../ir/types.js';
import { ConstantExpr } from '../ir/constants.js';
import { IRBuilder, addBlock, addFunction, declareFunction } from '../ir/builder.js';

export function declareWithSignature(m: Module, name: string, ret: Type, params: Type[]): Function {
  const ft = m.types.fn(ret, params);
  const f = m.getFunction(name);
  if (!f) return declareFunction(m, name, ft);
  if (f.fnType === ft) return f;
  for (let k = 0; ; k++) {
    const an = `__enzyme_ts_${name}${k ? `.${k}` : ''}`;
    const have = m.getFunction(an);
    if (have && have.fnType === ft) return have;
    if (!have && !m.getGlobal(an)) return adapter(m, an, f, ft);
  }
}

function adapter(m: Module, name: string, target: Function, ft: FunctionType): Function {
  const a = addFunction(m, name, ft);
  a.linkage = 'internal';
  const b = new IRBuilder(m).atEnd(addBlock(m, a, 'entry'));
  // Typed pointers spell the signature in the callee's type: call through a cast of the symbol.
  const callee = m.dialect === 'typed' ? new ConstantExpr(m.ptrTo(ft), 'bitcast', [target]) : target;
  const r = b.call(callee, a.args, ft.ret.kind === 'void' ? null : 'r', ft);
  if (ft.ret.kind === 'void') b.ret(); else b.ret(r);
  return a;
}
