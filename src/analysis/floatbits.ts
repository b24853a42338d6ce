// Floating fields inside integers: which bits of an integer value (or of an integer leaf of an
// aggregate) are the bits of a floating value. The x86-64 ABI passes and returns a
// `struct { float x; int k; }` by value as one `i64`: the caller packs it (`bitcast float to
// i32`, `zext`, `shl`, `or`), the callee unpacks it (`trunc`, `lshr`, `bitcast i32 to float`),
// and `{ i64, float }` comes back from a `struct { float x; int k; float y; }`. Facts flow both
// ways through the instructions that only move bits (bitcast, zext, trunc, shifts and masks by
// constants, `or` of disjoint bits, freeze, phi, select, insertvalue / extractvalue) and across
// calls of defined functions (argument to parameter, returned value to call result), as byte
// offsets of Enzyme's type analysis do. A value whose floating bits meet anything else (integer
// arithmetic, a shift or mask that splits a field, memory, a callee that does not read those
// bits as the same floats) is *bad*: the transform refuses it where it matters (src/ad/checks.ts).
//
// Invariant the transform keeps for the derivative of a carrier (same integer type): its bits
// outside the floating fields are zero, so `or` of two derivatives is their sum and a shift
// moves a derivative as it moves the value.

import type { Function } from '../ir/function.js';
import type { Instruction } from '../ir/instructions.js';
import { ConstantInt } from '../ir/constants.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { knownZeroBits } from '../ir/knownbits.js';
import type { Module } from '../ir/module.js';
import { splitMixedAccesses, mayHaveMixedAccesses } from '../ad/mixedsplit.js';
import { cloneFunction } from '../ad/canonical.js';

/** One floating value at bit `bit` of an integer: its type. */
export interface BitField { bit: number; fk: Type }

/** Leaf path inside a value ('' for a scalar, '1' for field 1 of an aggregate, '0.2' nested). */
type Fields = Map<string, Map<number, Type>>;

/** What a function's callers see: the fields of each parameter and of the returned value. */
export interface BitsSummary {
  params: Fields[];
  ret: Fields;
  /**
   * Parameters whose floating bits the function does not follow (it computes on them as integers,
   * stores them to memory...), and whether a returned value's are: their derivative is lost in
   * there, so a caller that passes or takes floating bits that way is refused.
   */
  badParams?: boolean[];
  badRet?: boolean;
}

export function floatBitsWidth(t: Type): number {
  if (t.kind !== 'float') return 0;
  return t.fk === 'double' ? 64 : t.fk === 'float' ? 32 : t.fk === 'half' || t.fk === 'bfloat' ? 16 : 0;
}

/** The integer type at `path` inside `t`, or null. */
function leafAt(t: Type, path: string): Type | null {
  if (path === '') return t;
  let x: Type | null = t;
  for (const s of path.split('.')) {
    const k = Number(s);
    if (!x) return null;
    if (x.kind === 'struct') x = x.elems?.[k] ?? null;
    else if (x.kind === 'array') x = x.elem;
    else return null;
  }
  return x;
}

function intBits(t: Type | null): number { return t && t.kind === 'int' ? t.bits : 0; }

/** Whether `t` has integer leaves that may carry fields (an integer, or an aggregate with one). */
function hasIntLeaf(t: Type, depth = 0): boolean {
  if (depth > 8) return false;
  if (t.kind === 'int') return t.bits >= 16;
  if (t.kind === 'struct') return (t.elems ?? []).some((e) => hasIntLeaf(e, depth + 1));
  if (t.kind === 'array') return t.count > 0 && t.count <= 16 && hasIntLeaf(t.elem, depth + 1);
  return false;
}

function fieldMask(bit: number, fk: Type): bigint {
  return ((1n << BigInt(floatBitsWidth(fk))) - 1n) << BigInt(bit);
}

export class FloatBits {
  private readonly facts = new Map<Value, Fields>();
  /** Values whose floating bits are not followed (with the reason). */
  readonly bad = new Map<Value, string>();
  readonly ret: Fields = new Map();
  private readonly calls: { i: Instruction; callee: Function; sum: BitsSummary | null }[] = [];

  /**
   * `seeds`: fields a caller gives some parameters (to ask whether they die in this function:
   * `deadSeeds`).
   */
  constructor(readonly fn: Function, private readonly summaryOf: (callee: Function) => BitsSummary | null, seeds: ReadonlyMap<number, Fields> | null = null) {
    for (const [k, f] of seeds ?? []) {
      const a = fn.args[k];
      if (a) for (const [path, m] of f) for (const [bit, fk] of m) this.add(a, path, bit, fk);
    }
    const insts: Instruction[] = [];
    for (const b of fn.blocks) for (const i of b.instructions) insts.push(i);
    for (const i of insts) {
      if ((i.op === 'call' || i.op === 'invoke') && !i.callee.name?.startsWith('llvm.')) {
        const c = i.callee;
        if (c.vk === 'function' && !(c as Function).isDeclaration && (c as Function).fnType === i.fnType) {
          this.calls.push({ i, callee: c as Function, sum: null });
        }
      }
    }
    // Only functions with a floating bitcast to or from an integer (or calls that may bring
    // fields in) have any fields: skip the rest.
    const seeded = insts.some((i) => i.op === 'bitcast' && (i.type.kind === 'int' || i.operands[0]!.type.kind === 'int'));
    for (const c of this.calls) {
      if (!seeded && !hasIntLeaf(c.callee.fnType.ret) && !c.callee.fnType.params.some((p) => hasIntLeaf(p))) continue;
      c.sum = summaryOf(c.callee);
    }
    if (!seeded && !seeds?.size && this.calls.every((c) => c.sum === null || (c.sum.ret.size === 0 && c.sum.params.every((p) => p.size === 0)))) return;
    for (let changed = true, round = 0; changed && round < 64; round++) {
      changed = false;
      for (const i of insts) if (this.visit(i)) changed = true;
    }
    this.checkConsistency(insts);
    // A value computed from a bad one is bad.
    for (let changed = true, round = 0; changed && round < 64; round++) {
      changed = false;
      for (const i of insts) {
        if (this.bad.has(i) || i.op === 'icmp') continue;
        const o = i.operands.find((x) => this.bad.has(x));
        if (o) { this.bad.set(i, this.bad.get(o)!); changed = true; }
      }
    }
  }

  /** The fields of `v` at `path`, or null when it has none. */
  fields(v: Value, path = ''): BitField[] | null {
    const m = this.facts.get(v)?.get(path);
    if (!m || m.size === 0) return null;
    return [...m].map(([bit, fk]) => ({ bit, fk })).sort((a, b) => a.bit - b.bit);
  }

  /** Whether `v` (or an integer leaf of it) holds floating bits that are followed precisely. */
  carries(v: Value): boolean {
    const f = this.facts.get(v);
    if (!f || this.bad.has(v)) return false;
    for (const m of f.values()) if (m.size) return true;
    return false;
  }

  /** Whether `v` holds floating bits at all (followed or not). */
  hasFields(v: Value): boolean {
    const f = this.facts.get(v);
    if (!f) return false;
    for (const m of f.values()) if (m.size) return true;
    return false;
  }

  summary(): BitsSummary {
    let badRet = false;
    for (const b of this.fn.blocks) {
      const t = b.terminator;
      if (t && t.op === 'ret' && t.operands[0] && this.bad.has(t.operands[0])) badRet = true;
    }
    return {
      params: this.fn.args.map((a) => this.facts.get(a) ?? new Map()), ret: this.ret,
      badParams: this.fn.args.map((a) => this.bad.has(a)), badRet,
    };
  }

  private markBad(v: Value, why: string): boolean {
    if (this.bad.has(v)) return false;
    this.bad.set(v, why);
    return true;
  }

  private add(v: Value, path: string, bit: number, fk: Type, into: Fields | null = null): boolean {
    if (v.vk === 'const') return false;
    const w = floatBitsWidth(fk);
    const lb = into ? 1 << 30 : intBits(leafAt(v.type, path));
    if (w === 0 || lb === 0) return this.markBad(v, 'a floating field of an unsupported type');
    if (bit < 0 || bit + w > lb) return this.markBad(v, 'a floating field split by a shift or truncation');
    let f = into ?? this.facts.get(v);
    if (!f) { f = new Map(); this.facts.set(v, f); }
    let m = f.get(path);
    if (!m) { m = new Map(); f.set(path, m); }
    const have = m.get(bit);
    if (have === fk) return false;
    for (const [b, t] of m) {
      if (b < bit + w && bit < b + floatBitsWidth(t)) return this.markBad(v, 'overlapping floating fields');
    }
    m.set(bit, fk);
    return true;
  }

  private copy(from: Value, to: Value, fromPath = '', toPath = '', shift = 0): boolean {
    const m = this.facts.get(from)?.get(fromPath);
    if (!m) return false;
    let ch = false;
    for (const [bit, fk] of m) ch = this.add(to, toPath, bit + shift, fk) || ch;
    return ch;
  }

  /** Copies every path of `from` under prefix `fromPre` to `to` under `toPre`. */
  private copyTree(from: Value, to: Value, fromPre: string, toPre: string, skip: string | null = null): boolean {
    const f = this.facts.get(from);
    if (!f) return false;
    let ch = false;
    for (const path of [...f.keys()]) {
      let rest: string;
      if (fromPre === '') rest = path;
      else if (path === fromPre) rest = '';
      else if (path.startsWith(`${fromPre}.`)) rest = path.slice(fromPre.length + 1);
      else continue;
      if (skip !== null && (path === skip || path.startsWith(`${skip}.`))) continue;
      const target = toPre === '' ? rest : rest === '' ? toPre : `${toPre}.${rest}`;
      ch = this.copy(from, to, path, target) || ch;
    }
    return ch;
  }

  private both(a: Value, b: Value): boolean { return this.copyTree(a, b, '', '') || this.copyTree(b, a, '', ''); }

  private visit(i: Instruction): boolean {
    const ops = i.operands;
    let ch = false;
    switch (i.op) {
      case 'bitcast': {
        const s = ops[0]!;
        const lanes = (t: Type): { n: number; e: Type } | null =>
          t.kind === 'float' ? { n: 1, e: t } : t.kind === 'vector' && t.elem.kind === 'float' ? { n: t.count, e: t.elem } : null;
        const ls = lanes(s.type), lr = lanes(i.type);
        if (ls && i.type.kind === 'int') for (let k = 0; k < ls.n; k++) ch = this.add(i, '', k * floatBitsWidth(ls.e), ls.e) || ch;
        else if (lr && s.type.kind === 'int') for (let k = 0; k < lr.n; k++) ch = this.add(s, '', k * floatBitsWidth(lr.e), lr.e) || ch;
        else if (s.type.kind === 'int' && i.type.kind === 'int') ch = this.both(s, i);
        else if (this.hasFields(s) || (ls && i.type.kind !== 'float' && i.type.kind !== 'vector') || (ls && i.type.kind === 'vector' && i.type.elem.kind !== 'float')) ch = this.markBad(i, 'floating bits reinterpreted as an integer vector');
        return ch;
      }
      case 'zext': case 'sext': case 'freeze':
        return this.both(ops[0]!, i);
      case 'trunc': {
        const n = intBits(i.type);
        for (const [bit, fk] of this.facts.get(ops[0]!)?.get('') ?? []) {
          const w = floatBitsWidth(fk);
          if (bit + w <= n) ch = this.add(i, '', bit, fk) || ch;
          else if (bit < n) ch = this.markBad(i, 'a floating field split by a truncation') || ch;
        }
        return this.copy(i, ops[0]!) || ch;
      }
      case 'shl': case 'lshr': case 'ashr': {
        const c = ops[1];
        if (!(c instanceof ConstantInt)) return this.hasFields(ops[0]!) || this.hasFields(i) ? this.markBad(i, 'floating bits shifted by a variable amount') : false;
        const s = Number(c.value);
        const up = i.op === 'shl' ? s : -s;
        const n = intBits(i.type);
        for (const [bit, fk] of this.facts.get(ops[0]!)?.get('') ?? []) {
          const w = floatBitsWidth(fk);
          const nb = bit + up;
          if (nb >= 0 && nb + w <= n) ch = this.add(i, '', nb, fk) || ch;
          else if (nb + w > 0 && nb < n) ch = this.markBad(i, 'a floating field split by a shift') || ch;
        }
        for (const [bit, fk] of this.facts.get(i)?.get('') ?? []) ch = this.add(ops[0]!, '', bit - up, fk) || ch;
        return ch;
      }
      case 'and': {
        const [x, m] = ops[1] instanceof ConstantInt ? [ops[0]!, ops[1]] : ops[0] instanceof ConstantInt ? [ops[1]!, ops[0]] : [null, null];
        if (!x || !(m instanceof ConstantInt)) {
          return ops.some((o) => this.hasFields(o)) || this.hasFields(i) ? this.markBad(i, 'floating bits masked by a variable') : false;
        }
        const mask = BigInt.asUintN(intBits(i.type), m.value);
        for (const [bit, fk] of this.facts.get(x)?.get('') ?? []) {
          const fm = fieldMask(bit, fk);
          if ((mask & fm) === fm) ch = this.add(i, '', bit, fk) || ch;
          else if ((mask & fm) !== 0n) ch = this.markBad(i, 'a mask that keeps part of a floating field') || ch;
        }
        return this.copy(i, x) || ch;
      }
      case 'sub': case 'mul':
        if (this.lowOnly(i)) return false;
        return this.useOpaque(i);
      case 'or': case 'add': {
        if (i.op === 'add' && this.lowOnly(i)) return false;
        // `add` of an integer whose low bits up to the end of the other's fields are zero moves
        // those fields as `or` does (no carry enters or leaves them): clang adds the int halves
        // of two packed structs so (`a.id + b.id` as `add i64`, then masks the float half away).
        ch = this.copy(ops[0]!, i) || ch;
        ch = this.copy(ops[1]!, i) || ch;
        return ch;
      }
      case 'phi':
        for (const o of ops) ch = this.both(o, i) || ch;
        return ch;
      case 'select':
        ch = this.both(ops[1]!, i) || ch;
        ch = this.both(ops[2]!, i) || ch;
        return ch;
      case 'extractvalue': {
        const p = i.indices.join('.');
        ch = this.copyTree(ops[0]!, i, p, '');
        return this.copyTree(i, ops[0]!, '', p) || ch;
      }
      case 'insertvalue': {
        const p = i.indices.join('.');
        ch = this.copyTree(ops[1]!, i, '', p);
        ch = this.copyTree(i, ops[1]!, p, '') || ch;
        ch = this.copyTree(ops[0]!, i, '', '', p) || ch;
        ch = this.copyTree(i, ops[0]!, '', '', p) || ch;
        return ch;
      }
      case 'ret': {
        const v = ops[0];
        if (!v) return false;
        const f = this.facts.get(v);
        for (const [path, m] of f ?? []) for (const [bit, fk] of m) ch = this.add(v, path, bit, fk, this.ret) || ch;
        for (const [path, m] of this.ret) for (const [bit, fk] of m) ch = this.add(v, path, bit, fk) || ch;
        return ch;
      }
      case 'call': case 'invoke': {
        const c = this.calls.find((x) => x.i === i);
        if (c?.sum) {
          const args = i.operands.slice(0, i.fnType.params.length);
          args.forEach((a, k) => {
            for (const [path, m] of c.sum!.params[k] ?? []) for (const [bit, fk] of m) ch = this.add(a, path, bit, fk) || ch;
          });
          for (const [path, m] of c.sum.ret) for (const [bit, fk] of m) ch = this.add(i, path, bit, fk) || ch;
          return ch;
        }
        return this.useOpaque(i);
      }
      case 'icmp': return false;
      default: return this.useOpaque(i);
    }
  }

  /**
   * Integer arithmetic whose every use keeps only bits below the lowest floating field of its
   * operands (an `and` with such a mask, a `trunc` to that width). The low n bits of a sum,
   * difference or product depend on the low n bits of the operands only (carries go up), so the
   * result is the integer fields' own arithmetic and carries no floating bits: clang -O1 and up
   * computes `r.k = u.k + 1` on a packed `struct { int k; float x; }` as `add i64 %u, 1` and
   * masks the float half away.
   */
  private lowOnly(i: Instruction): boolean {
    let low = Infinity;
    for (const o of i.operands) for (const [bit] of this.facts.get(o)?.get('') ?? []) low = Math.min(low, bit);
    if (low === Infinity || low === 0 || i.type.kind !== 'int') return false;
    return this.keepsLow(i, low, 0);
  }

  /** Whether every use of `v` keeps only its bits below `low`, directly or through more such arithmetic. */
  private keepsLow(v: Value, low: number, depth: number): boolean {
    const us = this.usersOf(v);
    if (!us.length || depth > 6) return false;
    const limit = (1n << BigInt(low)) - 1n;
    return us.every((u) => {
      if (u.op === 'trunc') return intBits(u.type) <= low;
      if (u.op === 'add' || u.op === 'sub' || u.op === 'mul') return this.keepsLow(u, low, depth + 1);
      if (u.op !== 'and') return false;
      const m = u.operands[0] === v ? u.operands[1] : u.operands[0];
      return m instanceof ConstantInt && (BigInt.asUintN(intBits(v.type), m.value) & ~limit) === 0n;
    });
  }

  private users: Map<Value, Instruction[]> | null = null;

  private usersOf(v: Value): Instruction[] {
    if (!this.users) {
      const m = new Map<Value, Instruction[]>();
      for (const b of this.fn.blocks) {
        for (const i of b.instructions) {
          for (const o of new Set(i.operands)) {
            const l = m.get(o);
            if (l) l.push(i); else m.set(o, [i]);
          }
        }
      }
      this.users = m;
    }
    return this.users.get(v) ?? [];
  }

  /** An instruction that does not move floating bits: any it meets are lost to the analysis. */
  private useOpaque(i: Instruction): boolean {
    let ch = false;
    if (this.hasFields(i)) ch = this.markBad(i, i.op === 'load' ? 'floating bits loaded from memory as an integer' : `floating bits produced by '${i.op}'`) || ch;
    for (const o of i.operands) {
      if (!this.hasFields(o)) continue;
      const why = i.op === 'store' ? 'floating bits stored to memory as an integer' : i.op === 'call' || i.op === 'invoke' ? 'floating bits passed to a call that does not read them as floats' : `integer arithmetic ('${i.op}') on floating bits`;
      ch = this.markBad(o, why) || ch;
      ch = this.markBad(i, why) || ch;
    }
    return ch;
  }

  /** Whether the fields `seeds` given to the parameters of `callee` change nothing else in it. */
  private deadIn(callee: Function, seeds: ReadonlyMap<number, Fields>): boolean {
    const plain = this.summaryOf(callee) === null ? null : new FloatBits(callee, this.summaryOf);
    if (!plain) return false;
    const seeded = new FloatBits(callee, this.summaryOf, seeds);
    if (keyOf(seeded.ret) !== keyOf(plain.ret)) return false;
    for (const b of callee.blocks) {
      for (const i of b.instructions) {
        if (keyOf(seeded.facts.get(i)) !== keyOf(plain.facts.get(i)) || seeded.bad.has(i) !== plain.bad.has(i)) return false;
      }
    }
    // A seeded parameter whose fields meet integer arithmetic is not dead: they are lost there.
    return callee.args.every((a, k) => (seeds.has(k) ? !seeded.bad.has(a) : keyOf(seeded.facts.get(a)) === keyOf(plain.facts.get(a)) && !seeded.bad.has(a)));
  }

  /** `or` must be disjoint on the fields, a call's fields must be its callee's. */
  private checkConsistency(insts: Instruction[]): void {
    for (const i of insts) {
      if (i.op === 'or' || (i.op === 'add' && !this.lowOnly(i))) {
        const [a, b] = i.operands;
        for (const [x, y] of [[a!, b!], [b!, a!]] as const) {
          const kz = knownZeroBits(y);
          for (const [bit, fk] of this.facts.get(x)?.get('') ?? []) {
            // add: the other operand is zero up to the field's end, so no carry reaches it or leaves it
            const fm = i.op === 'or' ? fieldMask(bit, fk) : (1n << BigInt(bit + floatBitsWidth(fk))) - 1n;
            if ((kz & fm) !== fm) {
              // The operand's floats meet integer arithmetic here: a parameter's are lost to callers too.
              this.markBad(i, `floating bits combined with other bits by \`${i.op}\``);
              this.markBad(x, `floating bits combined with other bits by \`${i.op}\``);
            }
          }
        }
        const mine = this.facts.get(i)?.get('');
        for (const [bit] of mine ?? []) {
          if (!this.facts.get(a!)?.get('')?.has(bit) && !this.facts.get(b!)?.get('')?.has(bit)) this.markBad(i, 'a floating field of an `or` that neither operand holds');
        }
      }
      if (i.op === 'call' || i.op === 'invoke') {
        const c = this.calls.find((x) => x.i === i);
        if (!c?.sum) continue;
        const args = i.operands.slice(0, i.fnType.params.length);
        // Fields the callee does not read as the same floats must die there (a field it overwrites
        // without reading it: `u.x = ...` on a struct passed by value); a returned field the callee
        // does not return as a float carries nothing from it.
        const extra = new Map<number, Fields>();
        args.forEach((a, k) => {
          if (a.vk === 'const' || keyOf(this.facts.get(a)) === keyOf(c.sum!.params[k])) return;
          extra.set(k, this.facts.get(a)!);
        });
        const lost = args.findIndex((a, k) => c.sum!.badParams?.[k] && this.hasFields(a));
        if (lost >= 0 || (c.sum.badRet && this.hasFields(i))) {
          const why = `floating bits that @${c.callee.name ?? ''} computes on as integers`;
          this.markBad(i, why);
          if (lost >= 0) this.markBad(args[lost]!, why);
          continue;
        }
        if (extra.size && !this.deadIn(c.callee, extra)) {
          const why = `floating bits passed to @${c.callee.name ?? ''} that it does not read as the same floats`;
          this.markBad(i, why);
          for (const k of extra.keys()) this.markBad(args[k]!, why);
        }
      }
    }
  }
}

/** Facts as a comparable text. */
function keyOf(f: Fields | undefined): string {
  return [...(f ?? new Map<string, Map<number, Type>>())]
    .flatMap(([p, m]) => [...m].map(([b, t]) => `${p}@${b}:${floatBitsWidth(t)}`)).sort().join(',');
}

/**
 * The cache of floatBitsOf. With the module, a callee that moves floats beside ints through
 * memory as integers (clang -O0's copies of structs passed by value) is read as the transform
 * will differentiate it: with those accesses split field by field (src/ad/mixedsplit.ts), so that
 * its summary is the one its derivative has.
 */
export class FloatBitsCache extends Map<Function, FloatBits | 'pending'> {
  constructor(readonly module: Module | null = null) { super(); }
}

/** The FloatBits of `fn`, computed once per run (callees first; a recursive cycle has no summary). */
export function floatBitsOf(fn: Function, cache: Map<Function, FloatBits | 'pending'>): FloatBits {
  const have = cache.get(fn);
  if (have && have !== 'pending') return have;
  cache.set(fn, 'pending');
  const summaryOf = (callee: Function): BitsSummary | null => {
    const c = cache.get(callee);
    if (c === 'pending') return null;
    // A callee without floating bitcasts that does not return what a call gave it has no fields:
    // its body is not read for nothing (lazy loading). A field passed to it anyway is checked
    // by re-analysing it (deadIn).
    if (c === undefined && !mayHaveFields(callee)) return { params: callee.args.map(() => new Map()), ret: new Map() };
    if (c === undefined && cache instanceof FloatBitsCache && cache.module && mayHaveMixedAccesses(callee)) {
      // Only its summary is read (by parameter position): the split copy's.
      const split = splitMixedAccesses(cache.module, callee, (x) => cloneFunction(x).fn);
      if (split !== callee) {
        cache.set(callee, 'pending');
        const sum = new FloatBits(split, summaryOf).summary();
        cache.delete(callee);
        return sum;
      }
    }
    return floatBitsOf(callee, cache).summary();
  };
  const fb = new FloatBits(fn, summaryOf);
  cache.set(fn, fb);
  return fb;
}

/** Whether `fn` may give or take floating fields: it has a bitcast, or returns an integer leaf it may get from a call. */
function mayHaveFields(fn: Function): boolean {
  const d = fn.deferred;
  const ret = hasIntLeaf(fn.fnType.ret);
  // An integer parameter or result copied through memory beside floats (clang -O0): src/ad/mixedsplit.ts.
  const copies = (ret || fn.fnType.params.some((p) => hasIntLeaf(p))) && (d ? d.mentions('llvm.memcpy') : mayHaveMixedAccesses(fn));
  if (copies && !d) return true;
  if (d) return d.mentions('bitcast') || (ret && d.mentions('call')) || copies;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'bitcast' && (i.type.kind === 'int' || i.operands[0]!.type.kind === 'int')) return true;
      if (ret && (i.op === 'call' || i.op === 'invoke')) return true;
    }
  }
  return false;
}
