// Rules of the differentiable instructions: per-operand partials, used by
// forward mode (tangents) and reverse mode (adjoints, accumulated with `+=`)
// alike (src/rules/api.ts). Memory (load, store, memcpy), phis and calls are
// the transform's own business (they need shadows and control flow); they are
// listed in TRANSFORM_OWNED for the docs and the coverage test.

import { IDENTITY, once, pointwise, type InstRule, type Linear, type RuleEnv } from './api.js';
import type { Instruction } from '../ir/instructions.js';
import { ShuffleVectorInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { nullValue } from '../ir/builder.js';
import { ConstantAggregate, ConstantInt, type Constant } from '../ir/constants.js';
import { knownZeroBits } from '../ir/knownbits.js';

function ops(i: Instruction): Value[] { return i.operands; }

/** A cast between floating types: the tangent goes the primal's way, the adjoint back. */
function castBetween(e: RuleEnv, forward: 'fpext' | 'fptrunc' | 'bitcast', from: Type, to: Type): Linear {
  const back = forward === 'fpext' ? 'fptrunc' : forward === 'fptrunc' ? 'fpext' : 'bitcast';
  const b = e.b;
  if (forward === 'bitcast') return { jvp: (t) => b.bitcastIfNeeded(t, to), vjp: (d) => b.bitcastIfNeeded(d, from) };
  return { jvp: (t) => b.cast(forward, t, to), vjp: (d) => b.cast(back, d, from) };
}

/**
 * `or` / `add` of an integer carrying floating bits and one that is zero under them: the bits
 * move unchanged, so each operand's adjoint is the result's, masked to where the other is zero.
 */
function disjointBits(op: 'or' | 'add', fwdDoc: string): InstRule {
  return {
    op, fwdDoc, doc: 'da += d & zeros(b); db += d & zeros(a)',
    partials(e, i) {
      const [a, b] = ops(i);
      const keep = (other: Value, t: Type): Value => new ConstantInt(t, BigInt.asIntN(t.kind === 'int' ? t.bits : 64, knownZeroBits(other)));
      return [
        { jvp: (t) => t, vjp: (d) => e.b.binop('and', d, keep(b!, i.type)) },
        { jvp: (t) => t, vjp: (d) => e.b.binop('and', d, keep(a!, i.type)) },
      ];
    },
    tangent(e, i, ts) {
      const z = nullValue(i.type);
      return e.b.binop('or', ts[0] ?? z, ts[1] ?? z);
    },
  };
}

const rules: InstRule[] = [
  {
    op: 'fadd', fwdDoc: 't = ta + tb', doc: 'da += d; db += d',
    partials: () => [IDENTITY, IDENTITY],
  },
  {
    op: 'fsub', fwdDoc: 't = ta - tb', doc: 'da += d; db -= d',
    partials: (e) => [IDENTITY, pointwise((g) => e.b.fneg(g))],
  },
  {
    op: 'fmul', fwdDoc: 't = ta*b + tb*a', doc: 'da += d*b; db += d*a',
    partials(e, i) {
      const [a, b] = ops(i);
      return [pointwise((g) => e.b.fmul(g, e.primal(b!))), pointwise((g) => e.b.fmul(g, e.primal(a!)))];
    },
  },
  {
    op: 'fdiv', fwdDoc: 't = ta/b - tb*a/b²', doc: 'da += d/b; db -= d*a/b²',
    partials(e, i) {
      const [a, b] = ops(i);
      const pb = once(() => e.primal(b!));
      return [
        pointwise((g) => e.b.fdiv(g, pb())),
        pointwise((g) => e.b.fneg(e.b.fdiv(e.b.fmul(g, e.primal(a!)), e.b.fmul(pb(), pb())))),
      ];
    },
  },
  {
    op: 'frem', fwdDoc: 't = ta - tb*trunc(a/b)', doc: 'da += d; db -= d*trunc(a/b)',
    partials(e, i) {
      const [a, b] = ops(i);
      const q = once(() => e.callMath('llvm.trunc', [e.b.fdiv(e.primal(a!), e.primal(b!))]));
      return [IDENTITY, pointwise((g) => e.b.fneg(e.b.fmul(g, q())))];
    },
  },
  {
    op: 'fneg', fwdDoc: 't = -ta', doc: 'da -= d',
    partials: (e) => [pointwise((g) => e.b.fneg(g))],
  },
  {
    op: 'fpext', fwdDoc: 't = fpext(ta)', doc: 'da += fptrunc(d)',
    partials: (e, i) => [castBetween(e, 'fpext', ops(i)[0]!.type, i.type)],
  },
  {
    op: 'fptrunc', fwdDoc: 't = fptrunc(ta)', doc: 'da += fpext(d)',
    partials: (e, i) => [castBetween(e, 'fptrunc', ops(i)[0]!.type, i.type)],
  },
  {
    op: 'bitcast', fwdDoc: 't = bitcast(ta)', doc: 'da += bitcast(d) (between floating types of the same element kind)',
    partials: (e, i) => [castBetween(e, 'bitcast', ops(i)[0]!.type, i.type)],
  },
  {
    op: 'freeze', fwdDoc: 't = ta', doc: 'da += d',
    partials: () => [IDENTITY],
  },
  {
    op: 'select', fwdDoc: 't = cond ? ta : tb', doc: 'da += cond ? d : 0; db += cond ? 0 : d',
    partials(e, i) {
      const cond = once(() => e.primal(ops(i)[0]!));
      const z = nullValue(i.type);
      return [null, pointwise((g) => e.b.select(cond(), g, z)), pointwise((g) => e.b.select(cond(), z, g))];
    },
    tangent(e, i, ts) {
      const z = nullValue(i.type);
      return e.b.select(e.primal(ops(i)[0]!), ts[1] ?? z, ts[2] ?? z);
    },
  },
  {
    op: 'extractvalue', fwdDoc: 't = tagg[idx]', doc: 'dagg[idx] += d',
    partials(e, i) {
      if (i.op !== 'extractvalue') return [];
      const agg = ops(i)[0]!;
      return [{ jvp: (t) => e.b.extractValue(t, i.indices), vjp: (d) => e.b.insertValue(nullValue(agg.type), d, i.indices) }];
    },
  },
  {
    op: 'insertvalue', fwdDoc: 't = tagg with t[idx] = tv', doc: 'dagg += d with d[idx] = 0; dv += d[idx]',
    partials(e, i) {
      if (i.op !== 'insertvalue') return [];
      const [agg, v] = ops(i);
      return [
        { jvp: (t) => e.b.insertValue(t, nullValue(v!.type), i.indices), vjp: (d) => e.b.insertValue(d, nullValue(v!.type), i.indices) },
        { jvp: (t) => e.b.insertValue(nullValue(agg!.type), t, i.indices), vjp: (d) => e.b.extractValue(d, i.indices) },
      ];
    },
    tangent(e, i, ts) {
      if (i.op !== 'insertvalue') throw new Error('insertvalue rule on another instruction');
      const [agg, v] = ops(i);
      return e.b.insertValue(ts[0] ?? nullValue(agg!.type), ts[1] ?? nullValue(v!.type), i.indices);
    },
  },
  {
    op: 'extractelement', fwdDoc: 't = tvec[idx]', doc: 'dvec[idx] += d',
    partials(e, i) {
      const [vec, idx] = ops(i);
      const pi = once(() => e.primal(idx!));
      return [{ jvp: (t) => e.b.extractElement(t, pi()), vjp: (d) => e.b.insertElement(nullValue(vec!.type), d, pi()) }];
    },
  },
  {
    op: 'insertelement', fwdDoc: 't = tvec with t[idx] = telt', doc: 'dvec += d with d[idx] = 0; delt += d[idx]',
    partials(e, i) {
      const [vec, elt, idx] = ops(i);
      const pi = once(() => e.primal(idx!));
      return [
        { jvp: (t) => e.b.insertElement(t, nullValue(elt!.type), pi()), vjp: (d) => e.b.insertElement(d, nullValue(elt!.type), pi()) },
        { jvp: (t) => e.b.insertElement(nullValue(vec!.type), t, pi()), vjp: (d) => e.b.extractElement(d, pi()) },
        null,
      ];
    },
    tangent(e, i, ts) {
      const [vec, elt, idx] = ops(i);
      return e.b.insertElement(ts[0] ?? nullValue(vec!.type), ts[1] ?? nullValue(elt!.type), e.primal(idx!));
    },
  },
  {
    op: 'shufflevector', fwdDoc: 't = shufflevector(ta, tb, mask)', doc: 'each source lane gets the sum of the result lanes that read it',
    partials(e, i) {
      const [a, b, mask] = ops(i);
      const shuffled = (t: Value, first: boolean): Value =>
        e.b.insert(new ShuffleVectorInst(i.type, first ? [t, nullValue(b!.type), mask!] : [nullValue(a!.type), t, mask!]));
      return [
        { jvp: (t) => shuffled(t, true), vjp: (d) => shuffleTranspose(e, i, d, 0) },
        { jvp: (t) => shuffled(t, false), vjp: (d) => shuffleTranspose(e, i, d, 1) },
        null,
      ];
    },
    tangent(e, i, ts) {
      const [a, b, mask] = ops(i);
      return e.b.insert(new ShuffleVectorInst(i.type, [ts[0] ?? nullValue(a!.type), ts[1] ?? nullValue(b!.type), mask!]));
    },
  },
  // Integer moves of floating bits (a struct of a float and an int passed by value as an `i64`;
  // src/analysis/floatbits.ts). The transform applies them only to integers whose floating
  // fields are followed; their derivatives are integers of the same type with the fields'
  // derivative bits in place and zeros elsewhere, which these moves keep so.
  {
    op: 'zext', fwdDoc: 't = zext(ta) (floating bits in an integer)', doc: 'da += trunc(d)',
    partials: (e, i) => [{ jvp: (t) => e.b.cast('zext', t, i.type), vjp: (d) => e.b.cast('trunc', d, ops(i)[0]!.type) }],
  },
  {
    op: 'sext', fwdDoc: 't = zext(ta) (floating bits in an integer)', doc: 'da += trunc(d)',
    partials: (e, i) => [{ jvp: (t) => e.b.cast('zext', t, i.type), vjp: (d) => e.b.cast('trunc', d, ops(i)[0]!.type) }],
  },
  {
    op: 'trunc', fwdDoc: 't = trunc(ta) (floating bits in an integer)', doc: 'da += zext(d)',
    partials: (e, i) => [{ jvp: (t) => e.b.cast('trunc', t, i.type), vjp: (d) => e.b.cast('zext', d, ops(i)[0]!.type) }],
  },
  {
    op: 'shl', fwdDoc: 't = ta << c (floating bits in an integer)', doc: 'da += d >> c',
    partials: (e, i) => [{ jvp: (t) => e.b.binop('shl', t, ops(i)[1]!), vjp: (d) => e.b.binop('lshr', d, ops(i)[1]!) }, null],
  },
  {
    op: 'lshr', fwdDoc: 't = ta >> c (floating bits in an integer)', doc: 'da += d << c',
    partials: (e, i) => [{ jvp: (t) => e.b.binop('lshr', t, ops(i)[1]!), vjp: (d) => e.b.binop('shl', d, ops(i)[1]!) }, null],
  },
  {
    op: 'ashr', fwdDoc: 't = ta >> c (logical: floating bits in an integer)', doc: 'da += d << c',
    partials: (e, i) => [{ jvp: (t) => e.b.binop('lshr', t, ops(i)[1]!), vjp: (d) => e.b.binop('shl', d, ops(i)[1]!) }, null],
  },
  {
    op: 'and', fwdDoc: 't = ta & mask (floating bits in an integer)', doc: 'da += d & mask',
    partials(e, i) {
      const [a, b] = ops(i);
      const masked = (mask: Value): Linear => ({ jvp: (t) => e.b.binop('and', t, mask), vjp: (d) => e.b.binop('and', d, mask) });
      return b instanceof ConstantInt ? [masked(b), null] : a instanceof ConstantInt ? [null, masked(a)] : [null, null];
    },
  },
  disjointBits('or', 't = ta or tb (disjoint floating bits in an integer)'),
  disjointBits('add', 't = ta or tb (floating bits in an integer, the other operand zero up to their end)'),
];

function maskOf(mask: Value, n: number): number[] {
  if (mask instanceof ConstantAggregate) {
    return mask.elems.map((e) => (e instanceof ConstantInt ? Number(e.value) : -1));
  }
  // zeroinitializer: every lane reads lane 0; undef / poison: no lane is read
  return new Array<number>(n).fill(mask.vk === 'const' && (mask as Constant).ck === 'zero' ? 0 : -1);
}

/** The adjoint of source `which` (0: a, 1: b) of a shuffle: each of its lanes gets the sum of the result lanes that read it. */
function shuffleTranspose(e: RuleEnv, i: Instruction, d: Value, which: 0 | 1): Value {
  const [a, , mask] = ops(i);
  const src = ops(i)[which]!;
  const rt = i.type;
  if (rt.kind !== 'vector' || a!.type.kind !== 'vector') throw new Error('shufflevector of non-vectors');
  const n = a!.type.count;
  const base = which === 0 ? 0 : n;
  const m = maskOf(mask!, rt.count);
  const i32 = e.module.types.i32;
  let acc: Value = nullValue(src.type);
  for (let lane = 0; lane < n; lane++) {
    let sum: Value | null = null;
    m.forEach((from, j) => {
      if (from !== base + lane) return;
      const x = e.b.extractElement(d, new ConstantInt(i32, BigInt(j)));
      sum = sum === null ? x : e.b.fadd(sum, x);
    });
    if (sum !== null) acc = e.b.insertElement(acc, sum, new ConstantInt(i32, BigInt(lane)));
  }
  return acc;
}

const byOp = new Map<string, InstRule>(rules.map((r) => [r.op, r]));

export function instRule(op: string): InstRule | undefined { return byOp.get(op); }
export const ALL_INST_RULES: readonly InstRule[] = rules;

/** Differentiated by the transform itself (memory, control flow, calls), with what it does. */
export const TRANSFORM_OWNED: ReadonlyArray<readonly [op: string, doc: string]> = [
  ['phi', 'the adjoint goes to the incoming value of the edge the forward sweep took'],
  ['load', 'shadow[p] += d'],
  ['store', 'dv += shadow[p]; shadow[p] = 0'],
  ['atomicrmw', 'floating fadd / fsub: dv += shadow[p] (-= for fsub, an atomic load), shadow[p] += d(old) (an atomic fadd); xchg: dv += atomicrmw xchg shadow[p], d(old)'],
  ['call', 'math functions: rule registry; defined functions: augmented forward + reverse; memcpy/memmove/memset/malloc/calloc/realloc/free: shadow memory; llvm.masked.load/store/gather/scatter and llvm.vp.load/store/gather/scatter/strided: load and store rules per enabled lane (docs/ad.md)'],
  ['alloca', 'a zeroed shadow allocation (variable-sized: a zeroed heap block of the same size, freed by the reverse of the alloca)'],
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
