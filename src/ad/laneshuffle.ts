// Shuffles of narrow integer lanes that move whole wide elements.
//
// SSE code reinterprets doubles as 32-bit lanes to shuffle them: Eigen's `vec2d_swizzle1` (its
// packet broadcasts, used by the GEBP kernel at -O0) is `_mm_shuffle_epi32(_mm_castpd_si128(v),
// imm)`, which clang writes as
//
//   %a = bitcast <2 x i64> %x to <4 x i32>
//   %s = shufflevector <4 x i32> %a, <4 x i32> poison, <4 x i32> <i32 0, i32 1, i32 0, i32 1>
//   %r = bitcast <4 x i32> %s to <2 x i64>
//
// When every aligned group of lanes of the mask picks one whole element of the wider source
// type (lanes 2q and 2q+1 here), the shuffle is a shuffle of those elements: rewritten as
// `shufflevector <2 x i64> %x, poison, <2 x i32> <0, 0>` and a bitcast, with chains of bitcasts
// folded, so that canonical.ts sees floats moved by integer shuffles of their own width (which it
// retypes to floating shuffles). The same bits, lane for lane. Masks that split an element stay
// as they are (and the checks refuse them when they carry active floats).

import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import { CastInst, ShuffleVectorInst, type Instruction } from '../ir/instructions.js';
import { ConstantAggregate, ConstantInt, ConstantPoison, ConstantUndef, ConstantZero } from '../ir/constants.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { computeUses, setUse } from '../ir/uses.js';
import { constInt } from '../ir/builder.js';

/** The mask's lanes (-1: undefined), or null when it is not a constant the rewrite reads. */
function maskLanes(mask: Value, count: number): number[] | null {
  if (mask instanceof ConstantZero) return new Array<number>(count).fill(0);
  if (mask instanceof ConstantUndef || mask instanceof ConstantPoison) return new Array<number>(count).fill(-1);
  if (!(mask instanceof ConstantAggregate)) return null;
  const elems = mask.splat ? new Array<Value>(count).fill(mask.elems[0]!) : mask.elems;
  if (elems.length !== count) return null;
  const out: number[] = [];
  for (const e of elems) {
    if (e instanceof ConstantInt) out.push(Number(e.value));
    else if (e instanceof ConstantUndef || e instanceof ConstantPoison) out.push(-1);
    else return null;
  }
  return out;
}

const isUndefLike = (v: Value): boolean => v instanceof ConstantUndef || v instanceof ConstantPoison;
const isBitcast = (v: Value): v is Instruction => v.vk === 'inst' && (v as Instruction).op === 'bitcast';

interface Plan { src: Type; ratio: number; a: Value; b: Value | null; lanes: number[] }

/** A narrow-lane shuffle that moves whole elements of its operands' bitcast source, or null. */
function recognize(i: Instruction): Plan | null {
  if (i.op !== 'shufflevector') return null;
  const [a, b, mask] = i.operands as [Value, Value, Value];
  const at = a.type, rt = i.type;
  if (at.kind !== 'vector' || at.scalable || rt.kind !== 'vector' || rt.scalable || at.elem.kind !== 'int') return null;
  if (!isBitcast(a)) return null;
  const src = a.operands[0]!.type;
  if (src.kind !== 'vector' || src.scalable || (src.elem.kind !== 'int' && src.elem.kind !== 'float')) return null;
  if ((at.count % src.count) !== 0) return null;
  const ratio = at.count / src.count;
  if (ratio < 2 || rt.count % ratio !== 0) return null;
  let bs: Value | null = null;
  if (!isUndefLike(b)) {
    if (!isBitcast(b) || b.operands[0]!.type !== src) return null;
    bs = b.operands[0]!;
  }
  const m = maskLanes(mask, rt.count);
  if (!m) return null;
  const lanes: number[] = [];
  for (let g = 0; g < rt.count; g += ratio) {
    const grp = m.slice(g, g + ratio);
    if (grp.every((x) => x === -1)) { lanes.push(-1); continue; }
    const first = grp[0]!;
    if (first < 0 || first % ratio !== 0 || !grp.every((x, k) => x === first + k)) return null;
    if (bs === null && first >= at.count) { lanes.push(-1); continue; } // lanes of the undefined operand
    lanes.push(first / ratio);
  }
  return { src, ratio, a: a.operands[0]!, b: bs, lanes };
}

/** The function with such shuffles rewritten (a copy made by `clone` when there is any), else `f` itself. */
export function widenLaneShuffles(m: Module, f: Function, clone: (f: Function) => Function): Function {
  if (f.isDeclaration || !f.blocks.some((b) => b.instructions.some((i) => recognize(i) !== null))) return f;
  const g = clone(f);
  let uses = computeUses(g);
  for (const blk of g.blocks) {
    for (const i of [...blk.instructions]) {
      const p = recognize(i);
      if (!p) continue;
      const st = p.src as Type & { kind: 'vector' };
      const i32 = m.types.i32;
      const lanes = p.lanes.map((x) => (x < 0 ? new ConstantUndef(i32) : constInt(i32, x)));
      const mt = m.types.vector(lanes.length, i32);
      const wide = new ShuffleVectorInst(m.types.vector(lanes.length, st.elem), [p.a, p.b ?? new ConstantPoison(st), new ConstantAggregate(mt, lanes)]);
      const back = new CastInst('bitcast', i.type, wide);
      for (const x of [wide, back]) { x.origin = i; x.pos = i.pos; x.end = i.end; blk.insertBefore(x, i); }
      back.name = i.name;
      for (const u of [...uses.get(i)]) setUse(u, back);
      blk.instructions.splice(blk.instructions.indexOf(i), 1);
      i.parent = null;
    }
  }
  // Bitcasts of bitcasts: one bitcast, or none when the types meet again.
  uses = computeUses(g);
  for (const blk of g.blocks) {
    for (const c of [...blk.instructions]) {
      if (c.op !== 'bitcast' || c.type.kind === 'pointer') continue;
      let src = c.operands[0]!;
      while (isBitcast(src) && src.type.kind !== 'pointer' && src.operands[0]!.type.kind !== 'pointer') src = src.operands[0]!;
      if (src === c.operands[0]) continue;
      if (src.type === c.type) {
        for (const u of [...uses.get(c)]) setUse(u, src);
      } else {
        c.operands[0] = src;
      }
    }
  }
  // The bitcasts left without uses (the narrow views of the sources, the chains folded above).
  for (let changed = true; changed;) {
    changed = false;
    uses = computeUses(g);
    for (const blk of g.blocks) {
      for (const c of [...blk.instructions]) {
        if (c.op !== 'bitcast' || c.type.kind === 'pointer' || uses.get(c).length) continue;
        blk.instructions.splice(blk.instructions.indexOf(c), 1);
        c.parent = null;
        changed = true;
      }
    }
  }
  return g;
}
