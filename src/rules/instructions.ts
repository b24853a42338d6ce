// Reverse rules of the differentiable instructions: per-operand partials,
// accumulated with `c.add`. Memory (load, store, memcpy), phis and calls are
// the transform's own business (they need shadows and control flow); they are
// listed in TRANSFORM_OWNED for the docs and the coverage test.

import type { InstRule, RuleCtx } from './api.js';
import type { Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { nullValue } from '../ir/builder.js';
import { ConstantAggregate, ConstantInt, type Constant } from '../ir/constants.js';

function ops(i: Instruction): Value[] { return i.operands; }

const rules: InstRule[] = [
  {
    op: 'fadd', doc: 'da += d; db += d',
    reverse(c, i) { const [a, b] = ops(i); c.add(a!, c.d); c.add(b!, c.d); },
  },
  {
    op: 'fsub', doc: 'da += d; db -= d',
    reverse(c, i) {
      const [a, b] = ops(i);
      c.add(a!, c.d);
      if (c.active(b!)) c.add(b!, c.b.fneg(c.d));
    },
  },
  {
    op: 'fmul', doc: 'da += d*b; db += d*a',
    reverse(c, i) {
      const [a, b] = ops(i);
      if (c.active(a!)) c.add(a!, c.b.fmul(c.d, c.primal(b!)));
      if (c.active(b!)) c.add(b!, c.b.fmul(c.d, c.primal(a!)));
    },
  },
  {
    op: 'fdiv', doc: 'da += d/b; db -= d*a/b²',
    reverse(c, i) {
      const [a, b] = ops(i);
      const pb = c.primal(b!);
      if (c.active(a!)) c.add(a!, c.b.fdiv(c.d, pb));
      if (c.active(b!)) c.add(b!, c.b.fneg(c.b.fdiv(c.b.fmul(c.d, c.primal(a!)), c.b.fmul(pb, pb))));
    },
  },
  {
    op: 'frem', doc: 'da += d; db -= d*trunc(a/b)',
    reverse(c, i) {
      const [a, b] = ops(i);
      c.add(a!, c.d);
      if (c.active(b!)) {
        const q = c.callMath('llvm.trunc', [c.b.fdiv(c.primal(a!), c.primal(b!))]);
        c.add(b!, c.b.fneg(c.b.fmul(c.d, q)));
      }
    },
  },
  {
    op: 'fneg', doc: 'da -= d',
    reverse(c, i) { c.add(ops(i)[0]!, c.b.fneg(c.d)); },
  },
  {
    op: 'fpext', doc: 'da += fptrunc(d)',
    reverse(c, i) { const a = ops(i)[0]!; c.add(a, c.b.cast('fptrunc', c.d, a.type)); },
  },
  {
    op: 'fptrunc', doc: 'da += fpext(d)',
    reverse(c, i) { const a = ops(i)[0]!; c.add(a, c.b.cast('fpext', c.d, a.type)); },
  },
  {
    op: 'bitcast', doc: 'da += bitcast(d) (between floating types of the same element kind)',
    reverse(c, i) { const a = ops(i)[0]!; c.add(a, c.b.bitcastIfNeeded(c.d, a.type)); },
  },
  {
    op: 'freeze', doc: 'da += d',
    reverse(c, i) { c.add(ops(i)[0]!, c.d); },
  },
  {
    op: 'select', doc: 'da += cond ? d : 0; db += cond ? 0 : d',
    reverse(c, i) {
      const [cond, a, b] = ops(i);
      const z = nullValue(i.type);
      if (c.active(a!)) c.add(a!, c.b.select(c.primal(cond!), c.d, z));
      if (c.active(b!)) c.add(b!, c.b.select(c.primal(cond!), z, c.d));
    },
  },
  {
    op: 'extractvalue', doc: 'dagg[idx] += d',
    reverse(c, i) {
      if (i.op !== 'extractvalue') return;
      const agg = ops(i)[0]!;
      c.add(agg, c.b.insertValue(nullValue(agg.type), c.d, i.indices));
    },
  },
  {
    op: 'insertvalue', doc: 'dagg += d with d[idx] = 0; dv += d[idx]',
    reverse(c, i) {
      if (i.op !== 'insertvalue') return;
      const [agg, v] = ops(i);
      if (c.active(agg!)) c.add(agg!, c.b.insertValue(c.d, nullValue(v!.type), i.indices));
      if (c.active(v!)) c.add(v!, c.b.extractValue(c.d, i.indices));
    },
  },
  {
    op: 'extractelement', doc: 'dvec[idx] += d',
    reverse(c, i) {
      const [vec, idx] = ops(i);
      c.add(vec!, c.b.insertElement(nullValue(vec!.type), c.d, c.primal(idx!)));
    },
  },
  {
    op: 'insertelement', doc: 'dvec += d with d[idx] = 0; delt += d[idx]',
    reverse(c, i) {
      const [vec, elt, idx] = ops(i);
      const pi = c.primal(idx!);
      if (c.active(vec!)) c.add(vec!, c.b.insertElement(c.d, nullValue(elt!.type), pi));
      if (c.active(elt!)) c.add(elt!, c.b.extractElement(c.d, pi));
    },
  },
  {
    op: 'shufflevector', doc: 'each source lane gets the sum of the result lanes that read it',
    reverse(c, i) { shuffleReverse(c, i); },
  },
];

function maskOf(mask: Value, n: number): number[] {
  if (mask instanceof ConstantAggregate) {
    return mask.elems.map((e) => (e instanceof ConstantInt ? Number(e.value) : -1));
  }
  // zeroinitializer: every lane reads lane 0; undef / poison: no lane is read
  return new Array<number>(n).fill(mask.vk === 'const' && (mask as Constant).ck === 'zero' ? 0 : -1);
}

function shuffleReverse(c: RuleCtx, i: Instruction): void {
  const [a, b, mask] = ops(i);
  const rt = i.type;
  if (rt.kind !== 'vector' || a!.type.kind !== 'vector') return;
  const n = a!.type.count;
  const m = maskOf(mask!, rt.count);
  const i32 = c.module.types.i32;
  for (const [src, base] of [[a!, 0], [b!, n]] as const) {
    if (!c.active(src)) continue;
    let acc: Value = nullValue(src.type);
    for (let lane = 0; lane < n; lane++) {
      let sum: Value | null = null;
      m.forEach((from, j) => {
        if (from !== base + lane) return;
        const e = c.b.extractElement(c.d, new ConstantInt(i32, BigInt(j)));
        sum = sum === null ? e : c.b.fadd(sum, e);
      });
      if (sum !== null) acc = c.b.insertElement(acc, sum, new ConstantInt(i32, BigInt(lane)));
    }
    c.add(src, acc);
  }
}

const byOp = new Map<string, InstRule>(rules.map((r) => [r.op, r]));

export function instRule(op: string): InstRule | undefined { return byOp.get(op); }
export const ALL_INST_RULES: readonly InstRule[] = rules;

/** Differentiated by the transform itself (memory, control flow, calls), with what it does. */
export const TRANSFORM_OWNED: ReadonlyArray<readonly [op: string, doc: string]> = [
  ['phi', 'the adjoint goes to the incoming value of the edge the forward sweep took'],
  ['load', 'shadow[p] += d'],
  ['store', 'dv += shadow[p]; shadow[p] = 0'],
  ['call', 'math functions: rule registry; defined functions: augmented forward + reverse; memcpy/memmove/memset/malloc/calloc/realloc/free: shadow memory; llvm.masked.load/store/gather/scatter and llvm.vp.load/store/gather/scatter/strided: load and store rules per enabled lane (docs/ad.md)'],
  ['alloca', 'a zeroed shadow allocation'],
  ['getelementptr', 'the same address computation on the shadow'],
  ['inttoptr', 'of an integer computed from one pointer (ptrtoint, arithmetic, -O0 stack slots): the shadow at the same offset from that pointer\'s shadow'],
  ['br / switch / ret', 'the reverse sweep retraces the recorded path backwards'],
  ['unreachable', 'blocks that never return get no reverse code'],
];

/** Zero-derivative instructions: kept in the forward sweep, never in the reverse. */
export const ZERO_DERIVATIVE: readonly string[] = [
  'fcmp', 'icmp', 'fptosi', 'fptoui', 'sitofp', 'uitofp', 'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem',
  'shl', 'lshr', 'ashr', 'and', 'or', 'xor', 'trunc', 'zext', 'sext', 'ptrtoint', 'addrspacecast',
  'fence',
];

export type { Type };
