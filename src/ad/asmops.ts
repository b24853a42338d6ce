// Inline assembly whose meaning is exact and small, rewritten into the IR it stands for before
// differentiation (any other inline assembly on the active path stays an E0402).
//
// Eigen's SSE packet math (clang defines __GNUC__, so Eigen takes its GCC paths) writes packed
// min / max as
//     asm("minpd %[a], %[res]" : [res] "+x" (res) : [a] "x" (a))       res = b beforehand
// which clang prints as `call <2 x double> asm "minpd $1, $0", "=x,x,0,..."(a, b)`. MINPD dst, src
// gives, per lane, `dst < src ? dst : src` (the source when either is NaN or both are zero), so
// the call is exactly `select (fcmp olt b, a), b, a`; MAXPD the same with `ogt`.
// Its optimization barrier `__asm__("" : "+g,x" (x))` is printed as an empty template with an
// indirect output tied to an input: `call void asm "", "=*imr|x,0,..."(ptr elementtype(T) %p, T %v)`.
// The empty template leaves the tied input where the output lives: `store T %v, ptr %p`. Eigen
// puts it in its rounding trick (`r = |a| + 2^52; barrier(r); r - 2^52` is rint(|a|)), whose true
// derivative is 0 while differentiating the additions gives 1 (exp's derivative came out 0):
// so only that shape is rewritten, as `store (rint(t) + 2^52)`, bitwise the same for t >= 0 (in
// [2^52, 2^53) the spacing is 1, so adding 2^52 rounds t to the nearest integer, ties to even,
// as rint does; above, t is an integer already) and with rint's zero derivative. A barrier
// elsewhere (around a value whose derivative matters) stays an E0402.
//
// Like canonical.ts, the pass never edits the user's function: it returns a private copy.
import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import { BinaryInst, CallInst, CmpInst, SelectInst, StoreInst, type Instruction } from '../ir/instructions.js';
import { ConstantAggregate, ConstantFP, ConstantInt, type InlineAsm } from '../ir/constants.js';
import { declareFunction } from '../ir/builder.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { findAttr } from '../ir/attributes.js';
import { computeUses, setUse } from '../ir/uses.js';
import { cloneFunction } from './canonical.js';

/** x86 clobbers clang adds to every GNU inline asm statement: they change no value. */
const X86_CLOBBERS = /^(,~\{(dirflag|fpsr|flags)\})*$/;

type Rewrite = { k: 'minmax'; pred: 'olt' | 'ogt' } | { k: 'round'; t: Value; add: Instruction };

function elementType(c: CallInst): Type | null {
  const a = findAttr(c.argAttrs[0], 'elementtype');
  return a && a.k === 'type' ? a.type : null;
}

function recognize(call: Instruction): Rewrite | null {
  if (call.op !== 'call') return null;
  const c = call as CallInst;
  if (c.callee.vk !== 'asm') return null;
  const a = c.callee as InlineAsm;
  if (a.sideeffect || a.inteldialect || a.alignstack || a.unwind) return null;
  const [x, y] = c.operands;
  const mm = /^(min|max)p[sd] \$1, \$0$/.exec(a.asm);
  if (mm && a.constraints.startsWith('=x,x,0') && X86_CLOBBERS.test(a.constraints.slice(6)) && c.argCount === 2
    && x && y && c.type.kind === 'vector' && c.type.elem.kind === 'float' && x.type === c.type && y.type === c.type) {
    const elem = c.type.elem.fk;
    if ((mm[0]!.includes('pd') ? elem === 'double' : elem === 'float')) return { k: 'minmax', pred: mm[1] === 'min' ? 'olt' : 'ogt' };
  }
  const bar = /^=\*[a-z]*m[a-z]*(\|[a-z]+)?,0/.exec(a.constraints);
  if (a.asm === '' && bar && X86_CLOBBERS.test(a.constraints.slice(bar[0].length)) && c.argCount === 2 && c.type.kind === 'void'
    && x && y && x.type.kind === 'pointer' && elementType(c) === y.type) {
    const t = roundingOperand(y);
    if (t) return { k: 'round', t, add: y as Instruction };
  }
  return null;
}

/** `t` when `v` is `fadd (fabs t'), 2^52` (doubles) or `2^23` (floats), the magic of round-by-addition. */
function roundingOperand(v: Value): Value | null {
  if (v.vk !== 'inst' || (v as Instruction).op !== 'fadd') return null;
  const add = v as Instruction;
  const ft = add.type.kind === 'vector' ? add.type.elem : add.type;
  if (ft.kind !== 'float' || (ft.fk !== 'double' && ft.fk !== 'float')) return null;
  const magic = ft.fk === 'double' ? 2 ** 52 : 2 ** 23;
  for (const [t, k] of [[add.operands[0]!, add.operands[1]!], [add.operands[1]!, add.operands[0]!]] as const) {
    if (constantIs(k, magic) && isFabs(t)) return t;
  }
  return null;
}

/** `llvm.fabs`, or its bit form `bitcast (and (bitcast x), 0x7ff..f)` (clang 14 -O2). */
function isFabs(v: Value): boolean {
  if (v.vk !== 'inst') return false;
  const i = v as Instruction;
  if (i.op === 'call') return i.callee.vk === 'function' && !!i.callee.name?.startsWith('llvm.fabs.');
  if (i.op !== 'bitcast') return false;
  const a = i.operands[0]!;
  if (a.vk !== 'inst' || (a as Instruction).op !== 'and') return false;
  const [p, mask] = (a as Instruction).operands as [Value, Value];
  if (p.vk !== 'inst' || (p as Instruction).op !== 'bitcast' || (p as Instruction).operands[0]!.type !== i.type) return false;
  const e = a.type.kind === 'vector' ? a.type.elem : a.type;
  if (e.kind !== 'int') return false;
  const want = (1n << BigInt(e.bits - 1)) - 1n;
  const lanes = mask instanceof ConstantAggregate ? mask.elems : [mask];
  return lanes.length > 0 && lanes.every((l) => l instanceof ConstantInt && BigInt.asUintN(e.bits, l.value) === want);
}

/** Whether a floating constant (or every lane of a vector one) equals `x`. */
function constantIs(c: Value, x: number): boolean {
  if (c instanceof ConstantAggregate) return c.elems.length > 0 && c.elems.every((e) => constantIs(e, x));
  if (!(c instanceof ConstantFP)) return false;
  const text = c.text;
  if (/^0x[0-9a-f]{1,16}$/i.test(text)) {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, BigInt(text));
    return dv.getFloat64(0) === x;
  }
  return /^[-+0-9.e]+$/i.test(text) && Number(text) === x;
}

/** `f` itself when it has no such inline assembly, else a copy where each is replaced by its IR. */
export function rewriteKnownAsm(m: Module, f: Function): Function {
  if (f.isDeclaration || !f.blocks.some((b) => b.instructions.some((i) => recognize(i) !== null))) return f;
  const g = cloneFunction(f).fn;
  const uses = computeUses(g);
  for (const b of g.blocks) {
    for (const i of [...b.instructions]) {
      const r = recognize(i);
      if (!r) continue;
      const [x, y] = i.operands as [Value, Value];
      let repl: Instruction;
      if (r.k === 'minmax') {
        const t = i.type;
        const cmp = new CmpInst('fcmp', r.pred, t.kind === 'vector' ? m.types.vector(t.count, m.types.i1) : m.types.i1, y, x);
        cmp.origin = i;
        b.insertBefore(cmp, i);
        repl = new SelectInst(t, [cmp, y, x]);
      } else {
        const t = r.t.type;
        const fk = (t.kind === 'vector' ? t.elem : t) as Type & { kind: 'float' };
        const name = `llvm.rint.${t.kind === 'vector' ? `v${t.count}` : ''}${fk.fk === 'double' ? 'f64' : 'f32'}`;
        const fty = m.types.fn(t, [t]);
        const rint = new CallInst(t, [r.t, m.getFunction(name) ?? declareFunction(m, name, fty)]);
        rint.fnType = fty;
        rint.origin = i; rint.pos = i.pos; rint.end = i.end;
        b.insertBefore(rint, i);
        const magic = r.add.operands[0] === r.t ? r.add.operands[1]! : r.add.operands[0]!;
        const sum = new BinaryInst('fadd', t, rint, magic);
        sum.origin = i; sum.pos = i.pos; sum.end = i.end;
        b.insertBefore(sum, i);
        const st = new StoreInst(m.types.void, [sum, x]);
        st.align = 1; // nothing says more about the output's memory
        repl = st;
      }
      repl.origin = i;
      repl.pos = i.pos; repl.end = i.end;
      b.insertBefore(repl, i);
      for (const u of [...uses.get(i)]) setUse(u, repl);
      b.instructions.splice(b.instructions.indexOf(i), 1);
    }
  }
  return g;
}
