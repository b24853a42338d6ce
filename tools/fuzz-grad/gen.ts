// The generation context: what is in scope while a function body is generated, how large values
// can get, and the generator of smooth floating expressions.
//
// Every generated program must be smooth at the point the checker picks and must never overflow,
// read uninitialized memory or index out of bounds; otherwise a mismatch would be a false alarm.
// So the generator keeps, for every storage (variable, array, struct), a *cap*: a bound on the
// magnitude of every value it may hold (inputs start below 2). Reads of a storage are bounded by
// its cap; a write whose bound could exceed the cap (counting how many times a loop may repeat
// it) is squashed smoothly into the cap first. Arguments of log/sqrt/pow are built positive,
// divisors are bounded away from 0, exp sees bounded arguments, and every index is proved in
// range from the static ranges of the integer variables (the size n is known when generating).
// What cannot be decided statically (branches on active values, fabs/fmax/fmin, casts of
// active values to int) is emitted as `cmp` / `kink` tokens, which the long double twin records
// so that the checker can refuse points too close to a kink (checker.ts).

import { Rng } from './rng.js';
import { c, cmp, kink, math, num, ty, type Code, type CFunc, type Kind, type Stmt } from './c.js';

export interface Val { code: Code; kind: Kind; bound: number }

/** Anything values are stored in: its cap and how much of it the updates so far may use up. */
export interface Storage {
  id: number;
  cap: number;
  /** Bound of the values written so far (accumulated over repeated updates). */
  used: number;
  /** The function that declared it and its loop-trip product there (locals only). */
  owner: FnCtx | null;
  declTrip: number;
}

export interface RealVar { ref: Code; kind: Kind; st: Storage; writable: boolean; name: string }

/** An integer variable with the static range of its values. */
export interface IntVar { name: string; lo: number; hi: number }

export interface ArrayRef {
  name: string;
  kind: Kind;
  len: number;
  /** The length as C code (in terms of n and constants only). */
  lenCode: Code;
  /** The element at an index that is known to be in range. */
  at: (idx: Code) => Code;
  /** Pointer to element 0 when the elements are contiguous (memcpy, passing to helpers). */
  base: Code | null;
  writable: boolean;
  st: Storage;
  /** Contiguous storage that another ArrayRef may overlap (two views of one buffer share it). */
  object: number;
  /** How a heap temporary was allocated (realloc applies to malloc'ed ones only). */
  alloc?: 'malloc' | 'new';
  /** A view of several storages (an array of row pointers): plain stores only, no `+=`. */
  noAdd?: boolean;
}

/** A constant array of ints (index arrays) with the range of its values. */
export interface IntArray { name: string; len: number; lo: number; hi: number; values: number[] }

export interface Scope {
  reals: RealVar[];
  ints: IntVar[];
  arrays: ArrayRef[];
  /** Statements that end the scope (free of heap temporaries). */
  cleanup: Stmt[];
}

export interface FeatureCtx { ctx: FnCtx }

/** A statement-level feature: one module per feature, chosen by weight. */
export interface Feature {
  name: string;
  weight: number;
  /** Statements, or null when the feature does not apply here. */
  gen(ctx: FnCtx): Stmt[] | null;
}

/** A field: floating (`len` > 1: an array), or a pointer to floating data / an int (`t`). */
export interface StructField { name: string; kind: Kind; len: number; t?: 'ptr' | 'int' }

/** `T name;`, `T name[len];`, `T *name;` or `int name;` with T the kind's type in that rendering. */
export function fieldDecl(f: StructField, T: (k: Kind) => string): string {
  if (f.t === 'int') return `int ${f.name};`;
  if (f.t === 'ptr') return `${T(f.kind)} *${f.name};`;
  return `${T(f.kind)} ${f.name}${f.len > 1 ? `[${f.len}]` : ''};`;
}
export interface StructType { name: string; fields: StructField[] }

/** A struct parameter of the target that features can copy into a local and back. */
export interface StructParam { name: string; type: string; count: number; fields: StructField[]; writable: boolean; cap: number }

/** A global of the generated program (rendered in both versions). */
export interface GlobalDef {
  decl: Code;
  /** Statements of the reset function that restore its initial value (mutable globals). */
  reset: Code[];
}

export interface ProgramOptions {
  weights: Record<string, number>;
  lang: 'c' | 'cpp';
  /** Generator version: what a version adds is off in older ones, so old ids still reproduce. */
  version: number;
}

/** What the whole program shares while its functions are generated. */
export class ProgramState {
  readonly helpers: CFunc[] = [];
  readonly globals: GlobalDef[] = [];
  readonly structs: StructType[] = [];
  readonly globalArrays: ArrayRef[] = [];
  readonly globalReals: RealVar[] = [];
  readonly intArrays: IntArray[] = [];
  readonly structParams: StructParam[] = [];
  /** Integer expressions of the target with a known value (a struct's length field), for loop bounds. */
  readonly intBounds: { code: Code; value: number }[] = [];
  readonly tags = new Set<string>();
  hasFloat = false;
  /**
   * Scales the probability of float in every choice (generator 3: 0 for about half the programs,
   * which are then all double and checked at the tighter tolerance).
   */
  floatScale = 1;
  private counter = 0;
  private storageIds = 0;

  constructor(readonly rng: Rng, readonly n: number, readonly opts: ProgramOptions, readonly features: Feature[]) {}

  fresh(prefix: string): string { return `${prefix}${this.counter++}`; }

  storage(cap: number, used: number, owner: FnCtx | null, declTrip = 1): Storage {
    return { id: this.storageIds++, cap, used, owner, declTrip };
  }

  weight(name: string, dflt: number): number {
    if ((SINCE[name] ?? 1) > this.opts.version) return 0;
    const w = this.opts.weights[name];
    return w === undefined ? dflt : w;
  }

  since(version: number): boolean { return this.opts.version >= version; }

  kind(pFloat = 0.25): Kind {
    if (this.floatScale === 0) return 'D';
    const k: Kind = this.rng.chance(Math.min(1, pFloat * this.floatScale) * this.weight('float', 1)) ? 'F' : 'D';
    if (k === 'F') this.hasFloat = true;
    return k;
  }
}

export const MAX_BOUND = 1e4;

/** The generator version that introduced a feature (features not listed: version 1). */
const SINCE: Record<string, number> = {
  switch: 2, rows: 2, fnptr: 2, pstruct: 2, matrix: 4, byval: 5, pingpong: 5,
  'expr:copysign': 7, 'expr:round': 7, 'expr:fmod': 7, 'expr:itof': 7, view2d: 7, complex: 7, cppvec: 7, 'loop:wide': 7,
};

export interface FnOptions {
  /** How many times the body may run in one evaluation of the target (callers' loops). */
  mult: number;
  /** Nesting of helper calls (0 in the target). */
  depth: number;
  ret: Kind | null;
  /** Bound of the returned values (returns are squashed into it). */
  retCap: number;
  /** Whether the body may write globals (recursive helpers do not). */
  writesShared: boolean;
  /** No early `return` (a helper returning a struct builds it at its end). */
  noEarlyReturn?: boolean;
}

export class FnCtx {
  readonly scopes: Scope[] = [{ reals: [], ints: [], arrays: [], cleanup: [] }];
  /** Max trips of the enclosing loops, innermost last. */
  readonly trips: number[] = [];
  /** The enclosing loops, innermost last: `continue` only in a counted loop (a while loop's counter is at its end). */
  readonly loops: ('for' | 'while')[] = [];
  budget: number;

  constructor(readonly prog: ProgramState, readonly opt: FnOptions, budget: number) {
    this.budget = budget;
  }

  get rng(): Rng { return this.prog.rng; }

  tripProduct(): number { return this.trips.reduce((a, b) => a * b, 1); }

  push(): void { this.scopes.push({ reals: [], ints: [], arrays: [], cleanup: [] }); }
  pop(): Stmt[] { return this.scopes.pop()!.cleanup; }
  top(): Scope { return this.scopes[this.scopes.length - 1]!; }

  reals(): RealVar[] { return [...this.prog.globalReals, ...this.scopes.flatMap((s) => s.reals)]; }
  ints(): IntVar[] { return this.scopes.flatMap((s) => s.ints); }
  arrays(): ArrayRef[] {
    const g = this.prog.globalArrays.filter((a) => this.opt.writesShared || !a.writable);
    return [...g, ...this.scopes.flatMap((s) => s.arrays)];
  }
  writableArrays(): ArrayRef[] {
    return this.arrays().filter((a) => a.writable && (this.opt.writesShared || a.st.owner === this));
  }
  writableReals(): RealVar[] {
    return this.reals().filter((v) => v.writable && (this.opt.writesShared || v.st.owner === this));
  }

  /** How many times a statement here may update `st` in one evaluation of the target. */
  repeats(st: Storage): number {
    if (st.owner === this) return Math.max(1, this.tripProduct() / st.declTrip);
    return this.opt.mult * this.tripProduct();
  }

  /** A new local real variable in the current scope, initialized with `init`. */
  declareReal(kind: Kind, init: Val, cap?: number): { stmt: Stmt; v: RealVar } {
    const name = this.prog.fresh(kind === 'F' ? 'f' : 'v');
    const capv = niceCap(cap ?? Math.min(MAX_BOUND, Math.max(4, init.bound * this.rng.real(1.5, 4))));
    const st = this.prog.storage(capv, 0, this, this.tripProduct());
    const val = fitWrite(this, init, st, false)!;
    const v: RealVar = { ref: [name], kind, st, writable: true, name };
    this.top().reals.push(v);
    return { stmt: { s: 'line', code: c`${ty(kind)} ${name} = ${val.code};` }, v };
  }
}

/** A cap rounded down to a short literal (at least 0.001). */
export function niceCap(cap: number): number {
  if (cap >= 10) return Math.floor(cap);
  if (cap >= 1) return Math.floor(cap * 10) / 10;
  return Math.max(0.001, Math.floor(cap * 1000) / 1000);
}

/**
 * The value to write into `st` (a plain store, or an update `+=` when `add`), squashed so that
 * the storage stays within its cap however often the statement repeats; null when an update
 * has no room left.
 */
export function fitWrite(ctx: FnCtx, v: Val, st: Storage, add: boolean): Val | null {
  if (!add) {
    const out = v.bound > st.cap ? squash(ctx, v, st.cap) : v;
    st.used = Math.max(st.used, out.bound);
    return out;
  }
  const reps = ctx.repeats(st);
  const room = (st.cap - st.used) / reps;
  if (room < 0.002) return null;
  const out = v.bound > room ? squash(ctx, v, room) : v;
  st.used += out.bound * reps;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** Smoothly maps `v` into (-cap, cap). */
export function squash(ctx: FnCtx, v: Val, cap: number): Val {
  const k = v.kind;
  const cp = niceCap(cap);
  const capN = num(cp, k);
  const form = ctx.rng.int(0, 2);
  let code: Code;
  if (form === 0) code = c`(${capN} * ${math('tanh', k, c`${v.code} / ${capN}`)})`;
  else if (form === 1) code = c`(${num(niceCap(cp / 1.6), k)} * ${math('atan', k, c`${v.code} / ${capN}`)})`;
  else code = c`(${capN} * ${math('sin', k, c`${v.code} / ${num(cp * 2, k)}`)})`;
  return { code, kind: k, bound: cp };
}

function joinKind(a: Kind, b: Kind): Kind { return a === 'D' || b === 'D' ? 'D' : 'F'; }

/** An index expression whose value is in [0, len) for every value of the ints in scope. */
export function genIndex(ctx: FnCtx, len: number): Code {
  const rng = ctx.rng;
  const n = ctx.prog.n;
  const cands: [Code, number][] = [];
  for (const v of ctx.ints()) {
    if (v.lo >= 0 && v.hi < len) cands.push([[v.name], 6]);
    for (const d of [1, 2, -1]) if (v.lo + d >= 0 && v.hi + d < len) cands.push([c`${v.name} + ${d}`.map((p) => typeof p === 'string' ? p.replace('+ -', '- ') : p), 2]);
    if (n - 1 - v.hi >= 0 && n - 1 - v.lo < len) cands.push([c`n - 1 - ${v.name}`, 2]);
    if (v.lo >= 0 && Math.floor(v.hi / 2) < len) cands.push([c`${v.name} / 2`, 1]);
    if (v.lo >= 0) {
      const a = rng.int(1, 3), b = rng.int(0, 3);
      if (n <= len && n > 0) cands.push([c`(${v.name} * ${a} + ${b}) % n`, 2]);
      cands.push([c`(${v.name} * ${a} + ${b}) % ${len}`, 1]);
    }
    for (const ia of ctx.prog.intArrays) {
      if (v.lo >= 0 && v.hi < ia.len && ia.lo >= 0 && ia.hi < len) cands.push([c`${ia.name}[${v.name}]`, 3]);
    }
  }
  // row-major 2-D indexing a * M + b
  const nonneg = ctx.ints().filter((v) => v.lo >= 0);
  if (nonneg.length >= 2 && ctx.prog.since(2)) {
    const a = rng.pick(nonneg), b = rng.pick(nonneg);
    const M = b.hi + 1;
    if (a !== b && a.hi * M + b.hi < len && ctx.prog.since(2)) cands.push([c`${a.name} * ${M} + ${b.name}`, 3]);
  }
  cands.push([[String(rng.int(0, len - 1))], cands.length ? 1 : 4]);
  return rng.weighted(cands);
}

/** A positive expression with a bound away from zero: {code, min, max}. */
export function genPos(ctx: FnCtx, depth: number, kind?: Kind): { code: Code; kind: Kind; min: number; max: number } {
  const rng = ctx.rng;
  let e = genExpr(ctx, depth, kind);
  if (e.bound > 100) e = squash(ctx, e, 100);
  const k = e.kind;
  const form = rng.int(0, 3);
  const cst = rng.pick([0.25, 0.5, 1, 1.5, 2]);
  if (form === 0 || form === 3) return { code: c`(${num(cst, k)} + ${e.code} * ${e.code})`, kind: k, min: cst, max: cst + e.bound * e.bound };
  if (form === 1) {
    const g = e.bound > 3 ? squash(ctx, e, 3) : e;
    return { code: c`(${num(cst, k)} + ${math('exp', k, g.code)})`, kind: k, min: cst, max: cst + Math.exp(g.bound) };
  }
  const base = rng.pick([1.5, 2, 3]);
  const s = rng.chance(0.5) ? 'sin' : 'cos';
  return { code: c`(${num(base, k)} + ${math(s, k, e.code)})`, kind: k, min: base - 1, max: base + 1 };
}

function leaf(ctx: FnCtx, kind?: Kind): Val {
  const rng = ctx.rng;
  const cands: [() => Val, number][] = [];
  const reals = ctx.reals();
  const arrays = ctx.arrays();
  if (reals.length) cands.push([() => { const v = rng.pick(reals); return { code: v.ref, kind: v.kind, bound: v.st.cap }; }, 4]);
  if (arrays.length) cands.push([() => {
    const a = rng.pick(arrays);
    return { code: a.at(genIndex(ctx, a.len)), kind: a.kind, bound: a.st.cap };
  }, 6]);
  cands.push([() => { const k = kind ?? 'D'; const v = rng.nice(-2, 2) || 0.5; return { code: [num(v, k)], kind: k, bound: Math.abs(v) }; }, 1.5]);
  const ints = ctx.ints();
  if (ints.length) cands.push([() => {
    const v = rng.pick(ints); const k = kind ?? 'D';
    return { code: c`(${ty(k)})${v.name}`, kind: k, bound: Math.max(Math.abs(v.lo), Math.abs(v.hi)) };
  }, 0.7]);
  return rng.weighted(cands)();
}

type ExprForm = (ctx: FnCtx, depth: number, kind: Kind | undefined) => Val;

const unaryBounded: [string, number][] = [['sin', 1], ['cos', 1], ['tanh', 1], ['atan', 1.5708], ['erf', 1]];

const forms: [string, number, ExprForm][] = [
  ['add', 5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    const op = ctx.rng.chance(0.6) ? '+' : '-';
    return { code: c`(${a.code} ${op} ${b.code})`, kind: joinKind(a.kind, b.kind), bound: a.bound + b.bound };
  }],
  ['mul', 4, (ctx, d, k) => {
    let a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    if (a.bound > 30) a = squash(ctx, a, 30);
    if (b.bound > 30) b = squash(ctx, b, 30);
    return { code: c`(${a.code} * ${b.code})`, kind: joinKind(a.kind, b.kind), bound: a.bound * b.bound };
  }],
  ['scale', 2, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    const s = ctx.rng.nice(-1.5, 1.5) || 0.75;
    return { code: c`(${num(s, a.kind)} * ${a.code})`, kind: a.kind, bound: a.bound * Math.abs(s) };
  }],
  ['div', 2, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k), p = genPos(ctx, d - 1, k);
    return { code: c`(${a.code} / ${p.code})`, kind: joinKind(a.kind, p.kind), bound: a.bound / p.min };
  }],
  ['unary', 5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    const [fn, b] = ctx.rng.pick(unaryBounded);
    ctx.prog.tags.add(`libm:${fn}`);
    return { code: [math(fn, a.kind, a.code)], kind: a.kind, bound: b };
  }],
  ['exp', 2, (ctx, d, k) => {
    let a = genExpr(ctx, d - 1, k);
    if (a.bound > 3) a = squash(ctx, a, 3);
    const fn = ctx.rng.weighted<string>([['exp', 4], ['expm1', 1], ['sinh', 1], ['cosh', 1], ['exp2', 0.5]]);
    ctx.prog.tags.add(`libm:${fn}`);
    const b = fn === 'exp2' ? Math.pow(2, a.bound) : Math.exp(a.bound);
    return { code: [math(fn, a.kind, a.code)], kind: a.kind, bound: b };
  }],
  ['log', 2, (ctx, d, k) => {
    const p = genPos(ctx, d - 1, k);
    const fn = ctx.rng.weighted<string>([['log', 4], ['log2', 0.5], ['log10', 0.5], ['log1p', 1]]);
    ctx.prog.tags.add(`libm:${fn}`);
    const lo = fn === 'log1p' ? Math.log1p(p.min) : Math.log(p.min), hi = fn === 'log1p' ? Math.log1p(p.max) : Math.log(p.max);
    const scale = fn === 'log2' ? 1 / Math.LN2 : fn === 'log10' ? 1 / Math.LN10 : 1;
    return { code: [math(fn, p.kind, p.code)], kind: p.kind, bound: scale * Math.max(Math.abs(lo), Math.abs(hi)) };
  }],
  ['sqrt', 2, (ctx, d, k) => {
    const p = genPos(ctx, d - 1, k);
    const fn = ctx.rng.chance(0.8) ? 'sqrt' : 'cbrt';
    ctx.prog.tags.add(`libm:${fn}`);
    return { code: [math(fn, p.kind, p.code)], kind: p.kind, bound: Math.sqrt(p.max) };
  }],
  ['pow', 1.5, (ctx, d, k) => {
    const p = genPos(ctx, d - 1, k);
    ctx.prog.tags.add('libm:pow');
    if (ctx.rng.chance(0.3)) {
      // active exponent too: bounded
      let e = genExpr(ctx, d - 1, p.kind);
      if (e.bound > 2) e = squash(ctx, e, 2);
      const b = Math.max(Math.pow(p.max, e.bound), Math.pow(p.min, -e.bound));
      if (b > MAX_BOUND) return squash(ctx, { code: [math('pow', p.kind, p.code, e.code)], kind: p.kind, bound: b }, 100);
      return { code: [math('pow', p.kind, p.code, e.code)], kind: p.kind, bound: b };
    }
    const y = ctx.rng.pick([0.5, 1.5, 2, 3, -0.5, -1, 2.5]);
    const b = y >= 0 ? Math.pow(p.max, y) : Math.pow(p.min, y);
    const v: Val = { code: [math('pow', p.kind, p.code, [num(y, p.kind)])], kind: p.kind, bound: b };
    return b > MAX_BOUND ? squash(ctx, v, 100) : v;
  }],
  ['binmath', 1.5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    const p = genPos(ctx, d - 1, k);
    const kk = joinKind(a.kind, p.kind);
    if (ctx.rng.chance(0.5)) {
      ctx.prog.tags.add('libm:hypot');
      return { code: [math('hypot', kk, a.code, p.code)], kind: kk, bound: a.bound + p.max };
    }
    ctx.prog.tags.add('libm:atan2');
    return { code: [math('atan2', kk, a.code, p.code)], kind: kk, bound: 1.5708 };
  }],
  ['asinh', 0.5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    ctx.prog.tags.add('libm:asinh');
    return { code: [math('asinh', a.kind, a.code)], kind: a.kind, bound: Math.asinh(a.bound) };
  }],
  ['fma', 0.5, (ctx, d, k) => {
    let a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    const e = genExpr(ctx, d - 1, k);
    if (a.bound > 30) a = squash(ctx, a, 30);
    if (b.bound > 30) b = squash(ctx, b, 30);
    const kk = joinKind(joinKind(a.kind, b.kind), e.kind);
    ctx.prog.tags.add('libm:fma');
    return { code: [math('fma', kk, a.code, b.code, e.code)], kind: kk, bound: a.bound * b.bound + e.bound };
  }],
  ['fabs', 1, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    ctx.prog.tags.add('kink:fabs');
    return { code: [kink('fabs', a.kind, a.code)], kind: a.kind, bound: a.bound };
  }],
  ['minmax', 1, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    const fn = ctx.rng.chance(0.5) ? 'fmax' : 'fmin';
    ctx.prog.tags.add(`kink:${fn}`);
    const kk = joinKind(a.kind, b.kind);
    return { code: [kink(fn, kk, a.code, b.code)], kind: kk, bound: Math.max(a.bound, b.bound) };
  }],
  ['frac', 0.4, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    ctx.prog.tags.add('kink:floor');
    // a - floor(a): derivative 1 away from the integers
    return { code: c`(${a.code} - ${kink('floor', a.kind, a.code)})`, kind: a.kind, bound: 1 };
  }],
  ['select', 1.5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    const x = genExpr(ctx, d - 1, k), y = genExpr(ctx, d - 1, k);
    ctx.prog.tags.add('branch:select');
    return { code: c`(${cmp(ctx.rng.pick(['<', '>', '<=', '>='] as const), a.code, b.code)} ? ${x.code} : ${y.code})`, kind: joinKind(x.kind, y.kind), bound: Math.max(x.bound, y.bound) };
  }],
  // generator 7: copysign (kinks where either argument crosses 0), x - round(x) / trunc(x) / a
  // round trip through long long (derivative 1 between the jumps), fmod by a positive divisor
  ['copysign', 0.6, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k), b = genExpr(ctx, d - 1, k);
    const kk = joinKind(a.kind, b.kind);
    ctx.prog.tags.add('kink:copysign');
    return { code: [kink('copysign', kk, a.code, b.code)], kind: kk, bound: a.bound };
  }],
  ['round', 0.5, (ctx, d, k) => {
    let a = genExpr(ctx, d - 1, k);
    if (a.bound > 1000) a = squash(ctx, a, 1000);
    const fn = ctx.rng.pick(['round', 'trunc', 'ltrunc'] as const);
    ctx.prog.tags.add(`kink:${fn}`);
    return { code: c`(${a.code} - ${kink(fn, a.kind, a.code)})`, kind: a.kind, bound: 1 };
  }],
  ['fmod', 0.5, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    const p = genPos(ctx, d - 1, k);
    const kk = joinKind(a.kind, p.kind);
    ctx.prog.tags.add('kink:fmod');
    return { code: [kink('fmod', kk, a.code, p.code)], kind: kk, bound: Math.min(a.bound, p.max) };
  }],
  // an integer in range converted to floating and used as a weight (loop counters as coefficients)
  ['itof', 0.4, (ctx, d, k) => {
    const ints = ctx.ints();
    const a = genExpr(ctx, d - 1, k);
    if (!ints.length) return a;
    const v = ctx.rng.pick(ints);
    const m = Math.max(1, Math.abs(v.lo), Math.abs(v.hi));
    const w = ctx.rng.chance(0.5) ? 'unsigned' : 'long';
    if (w === 'unsigned' && v.lo < 0) return a;
    ctx.prog.tags.add(`float:itof-${w}`);
    return { code: c`((${ty(a.kind)})(${w})${v.name} / ${num(m, a.kind)} * ${a.code})`, kind: a.kind, bound: a.bound };
  }],
  ['cast', 1, (ctx, d, k) => {
    const a = genExpr(ctx, d - 1, k);
    const to: Kind = a.kind === 'D' ? 'F' : 'D';
    if (to === 'F' && (ctx.prog.weight('float', 1) <= 0 || ctx.prog.floatScale === 0)) return a;
    if (to === 'F') ctx.prog.hasFloat = true;
    ctx.prog.tags.add('float:cast');
    return { code: c`((${ty(to)})(${a.code}))`, kind: to, bound: a.bound };
  }],
];

/** A smooth (or kink-recorded) floating expression, at most `depth` operators deep. */
export function genExpr(ctx: FnCtx, depth: number, kind?: Kind): Val {
  if (depth <= 0 || ctx.rng.chance(0.25)) return leaf(ctx, kind);
  const f = ctx.rng.weighted(forms.map(([name, w, fn]) => [fn, w * ctx.prog.weight(`expr:${name}`, 1)] as const));
  const v = f(ctx, depth, kind);
  return v.bound > MAX_BOUND ? squash(ctx, v, 100) : v;
}

/** Generates up to `count` statements with the features' weights. */
export function genBlock(ctx: FnCtx, count: number): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < count && ctx.budget > 0; i++) {
    const feats = ctx.prog.features.map((f) => [f, ctx.prog.weight(f.name, f.weight)] as const);
    for (let tries = 0; tries < 8; tries++) {
      const f = ctx.rng.weighted(feats);
      const s = f.gen(ctx);
      if (s) {
        ctx.budget -= 1;
        ctx.prog.tags.add(f.name);
        out.push(...s);
        break;
      }
    }
  }
  return out;
}

/** Runs `body` inside a new scope; returns its statements followed by the scope's cleanup. */
export function scoped(ctx: FnCtx, body: () => Stmt[]): Stmt[] {
  ctx.push();
  const s = body();
  const cleanup = ctx.pop();
  return [...s, ...cleanup];
}

/** Runs `body` as the body of a loop with at most `trips` iterations. */
export function inLoop(ctx: FnCtx, trips: number, iv: IntVar | null, kind: 'for' | 'while', body: () => Stmt[]): Stmt[] {
  ctx.trips.push(Math.max(1, trips));
  ctx.loops.push(kind);
  try {
    return scoped(ctx, () => {
      if (iv) ctx.top().ints.push(iv);
      return body();
    });
  } finally {
    ctx.trips.pop();
    ctx.loops.pop();
  }
}
