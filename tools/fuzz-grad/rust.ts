// Rust programs (generator 6): the function `f` printed as Rust, with its long double twin
// printed as C for the checker (checker.ts). Rust has no implicit conversions and a borrow checker,
// so the program is built here from typed fragments that know both spellings, instead of the C
// syntax tree of c.ts:
//  - `f` is `#[no_mangle] pub extern "C" fn f(x: *mut f64, ..., n: i32, a: f64) -> f64` and builds
//    slices from the pointers (`slice::from_raw_parts_mut(x, n + 2)`), as a C caller hands data to
//    Rust; every index is a bounds-checked slice index;
//  - loops are ranges (`0..n`, `.rev()`, `.step_by(2)`, `0..=i`) and iterators (`iter().map().sum()`,
//    `zip` + `fold`, `windows(2)`, `chunks_exact(2)`, `enumerate`, `iter_mut`), temporaries are
//    `Vec`s (`vec![0.0; n]`, `collect()`, `push`) and arrays, helpers take slices, closures take
//    their inputs as parameters, small `Copy` structs have `impl` methods, struct parameters are
//    `#[repr(C)]` slices of structs; floating methods `mul_add`, `powi`, `powf`, `sin`, `ln_1p`...
//  - the derivative calls (`__enzyme_autodiff`, `__enzyme_fwddiff`) are in the same crate, in
//    `fz_ad_call` / `fz_fwd_call`, called from C glue that sets the buffers up (glue.c).
// The invariants are those of gen.ts: every index proved in range, every write below its storage's
// cap (loop repetitions counted), every comparison or non-smooth operation of floating values a
// recorded kink in the twin, no read of uninitialized memory.
import { Rng } from './rng.js';
import { realLiteral, type Kind } from './c.js';
import type { StructType } from './gen.js';

/** A floating expression in both spellings, with a bound on its magnitude. */
export interface E { rs: string; tw: string; k: Kind; b: number }
/** Lines of code in both spellings (already indented relative to the enclosing block). */
export interface S { rs: string[]; tw: string[] }

const RT = (k: Kind): string => (k === 'D' ? 'f64' : 'f32');
const CT = (k: Kind): string => (k === 'D' ? 'double' : 'float');

export function rlit(v: number, k: Kind): E {
  const s = realLiteral(Math.abs(v));
  const neg = v < 0 || Object.is(v, -0);
  return { rs: neg ? `(-${s}_${RT(k)})` : `${s}_${RT(k)}`, tw: neg ? `(-${s}L)` : `${s}L`, k, b: Math.abs(v) };
}

/** A storage of floating values: a local, a parameter, an array, a Vec, a field. */
interface Store {
  cap: number;
  /** Magnitude already promised to `+=` writes (at most cap / 2). */
  acc: number;
}
interface RealVar { name: string; k: Kind; st: Store; mutable: boolean; rs: string; tw: string }
interface ArrVar {
  name: string; k: Kind; len: number; lenRs: string; st: Store; writable: boolean;
  /** Element i in both spellings. */
  at(i: IE): { rs: string; tw: string };
  /** The whole thing as a slice expression (Rust) and a pointer (twin), for iterators and helpers. */
  rs: string; tw: string;
  vec: boolean;
  /** A local Vec or array (passed as `&mut name`), not a slice parameter. */
  local?: boolean;
}
/** An integer index expression (usize in Rust, long in the twin), with its range. */
export interface IE { rs: string; tw: string; lo: number; hi: number }
interface IntVar { name: string; lo: number; hi: number }

interface Helper { name: string; rs: string[]; tw: string[]; proto: string }
interface ValStruct { name: string; fields: string[]; k: Kind }

export interface RustProgram {
  /** The body of f and its helpers, structs and closures. */
  items: string[];
  twinItems: string[];
  twinProtos: string[];
  fParamsRs: string;
  fBodyRs: string[];
  fParamsTw: string;
  fBodyTw: string[];
  features: Set<string>;
}

class Scope {
  reals: RealVar[] = [];
  arrs: ArrVar[] = [];
  ints: IntVar[] = [];
  constructor(readonly parent: Scope | null) {}
  allReals(): RealVar[] { return [...(this.parent?.allReals() ?? []), ...this.reals]; }
  allArrs(): ArrVar[] { return [...(this.parent?.allArrs() ?? []), ...this.arrs]; }
  allInts(): IntVar[] { return [...(this.parent?.allInts() ?? []), ...this.ints]; }
}

export class RustGen {
  scope: Scope = new Scope(null);
  /** Product of the trip counts of the enclosing loops. */
  mult = 1;
  depth = 0;
  budget = 20;
  names = new Map<string, number>();
  /** Arrays not usable right now (borrowed by an iterator). */
  blocked = new Set<string>();
  /**
   * Whether an array (or, `method`, the struct parameter `name` as a whole) may not be used while
   * the arrays in `blocked` are borrowed mutably: the array itself; the same field of another
   * element of a struct slice (`s[0].m0.iter_mut()` borrows `s[_].m0`: `s[2].m0` conflicts,
   * `s[2].m1` does not); and a method of the struct (`s[2].energy()` borrows all of `s[_]`).
   */
  isBlocked(name: string, method = false): boolean {
    if (this.blocked.has(name)) return true;
    const root = (x: string): string => x.split(/[.[]/)[0]!;
    const field = (x: string): string => x.slice(x.lastIndexOf('.') + 1);
    for (const b of this.blocked) {
      if (root(b) !== root(name)) continue;
      if (method || ((b.includes('[') || name.includes('[')) && field(b) === field(name))) return true;
    }
    return false;
  }
  /**
   * Inside a closure (an iterator adapter's body): a closure captures a place only up to its first
   * index, so anything under the root of a mutably borrowed array (`s[0].m0` while
   * `s[0].m1.iter_mut()` runs) would borrow all of `*s` and conflict.
   */
  closureDepth = 0;
  blockedRoot(rs: string): boolean {
    if (!this.closureDepth) return false;
    const root = (x: string): string => /^\(?\*?([A-Za-z_]\w*)/.exec(x)?.[1] ?? x;
    const r = root(rs);
    for (const b of this.blocked) if (root(b) === r) return true;
    return false;
  }
  helpers: Helper[] = [];
  structsVal: ValStruct[] = [];
  features = new Set<string>();
  closures = 0;
  hasFloat = false;
  /** Generator version: 7 adds calls through `&dyn Fn`, `fn` pointers and tables of them. */
  constructor(readonly rng: Rng, readonly n: number, readonly floatScale: number, readonly version = 6) {}

  fresh(base: string): string {
    const k = this.names.get(base) ?? 0;
    this.names.set(base, k + 1);
    return `${base}${k}`;
  }
  kind(p: number): Kind {
    if (this.floatScale > 0 && this.rng.chance(p * this.floatScale)) { this.hasFloat = true; return 'F'; }
    return 'D';
  }

  // ---- expressions

  cast(e: E, k: Kind): E {
    if (e.k === k) return e;
    if (k === 'F') this.hasFloat = true;
    return { rs: `(${e.rs} as ${RT(k)})`, tw: e.tw, k, b: e.b };
  }
  /** e scaled by a power of two so that its bound is at most `cap`. */
  fit(e: E, cap: number): E {
    if (e.b <= cap) return e;
    let s = 1, j = 0;
    while (e.b * s > cap) { s /= 2; j++; }
    if (j > 60) return rlit(0.5, e.k);
    return this.bin('*', e, rlit(s, e.k));
  }
  bin(op: '+' | '-' | '*', a: E, b: E): E {
    const bb = op === '*' ? a.b * b.b : a.b + b.b;
    return { rs: `(${a.rs} ${op} ${b.rs})`, tw: `(${a.tw} ${op} ${b.tw})`, k: a.k, b: bb };
  }
  /** `m(a, args)` as a method in Rust, a libm call in the twin. */
  meth(m: string, lib: string, a: E, args: E[], b: number): E {
    return { rs: `(${a.rs}).${m}(${args.map((x) => x.rs).join(', ')})`, tw: `${lib}l(${[a, ...args].map((x) => x.tw).join(', ')})`, k: a.k, b };
  }
  /** c + e*e with c > 0: positive and bounded away from 0. */
  positive(k: Kind, depth: number): E {
    const e = this.fit(this.expr(k, depth), 4);
    const c = this.rng.pick([0.5, 0.75, 1, 1.5]);
    return this.bin('+', rlit(c, k), this.bin('*', e, e));
  }

  leaf(k: Kind): E {
    const r = this.rng;
    const reals = this.scope.allReals().filter((v) => !this.blockedRoot(v.rs));
    const arrs = this.scope.allArrs().filter((a) => !this.isBlocked(a.name) && !this.blockedRoot(a.name));
    const ints = this.scope.allInts();
    const choice = r.weighted<string>([['lit', 1.5], ['real', reals.length ? 4 : 0], ['arr', arrs.length ? 7 : 0], ['int', ints.length ? 1 : 0]]);
    switch (choice) {
      case 'real': {
        const v = r.pick(reals);
        return this.cast({ rs: v.rs, tw: v.tw, k: v.k, b: v.st.cap }, k);
      }
      case 'arr': {
        const a = r.pick(arrs);
        const i = this.index(a.len);
        const at = a.at(i);
        return this.cast({ rs: at.rs, tw: at.tw, k: a.k, b: a.st.cap }, k);
      }
      case 'int': {
        const v = r.pick(ints);
        return { rs: `(${v.name} as ${RT(k)})`, tw: `((long double)${v.name})`, k, b: Math.max(Math.abs(v.lo), Math.abs(v.hi)) };
      }
      default: return rlit(r.int(-12, 12) / 4 || 0.5, k);
    }
  }

  expr(k: Kind, depth: number): E {
    const r = this.rng;
    if (depth <= 0 || r.chance(0.2)) return this.leaf(k);
    const d = depth - 1;
    const what = r.weighted<string>([
      ['bin', 6], ['div', 1.5], ['unary', 4], ['pos', 2], ['mul_add', 1], ['powi', 1], ['two', 1.2], ['kink', 1.2], ['sel', 0.8],
      ['iter', this.depth < 3 ? 1.5 : 0], ['closure', 0.6], ['vstruct', 0.5], ['helper', this.depth < 2 ? 0.6 : 0], ['method', 0.5],
    ]);
    switch (what) {
      case 'bin': return this.bin(r.pick(['+', '-', '*'] as const), this.expr(k, d), this.expr(k, d));
      case 'div': {
        const a = this.expr(k, d), q = this.positive(k, d - 1);
        return { rs: `(${a.rs} / ${q.rs})`, tw: `(${a.tw} / ${q.tw})`, k, b: a.b * 2 };
      }
      case 'unary': {
        const e = this.expr(k, d);
        // (asinh is not here: Rust's std computes it with abs, 1/|x| and copysign, whose
        // derivative at x = 0 exactly is NaN, as any AD of that code gives; it takes positive arguments)
        const m = r.pick(['sin', 'cos', 'tanh', 'atan', 'exp', 'exp_m1', 'sinh', 'cosh', 'neg']);
        switch (m) {
          case 'sin': return this.meth('sin', 'sin', e, [], 1);
          case 'cos': return this.meth('cos', 'cos', e, [], 1);
          case 'tanh': return this.meth('tanh', 'tanh', e, [], 1);
          case 'atan': return this.meth('atan', 'atan', e, [], 1.6);
          case 'neg': return { rs: `(-${e.rs})`, tw: `(-${e.tw})`, k, b: e.b };
          default: {
            const a = this.fit(e, 3);
            const lib = m === 'exp_m1' ? 'expm1' : m;
            return this.meth(m, lib, a, [], Math.exp(a.b) + 1);
          }
        }
      }
      case 'pos': {
        const p = this.positive(k, d);
        const m = r.pick(['ln', 'sqrt', 'cbrt', 'powf', 'recip', 'ln_1p', 'asinh']);
        switch (m) {
          case 'ln': return this.meth('ln', 'log', p, [], Math.max(1, Math.log(p.b + 1)));
          case 'sqrt': return this.meth('sqrt', 'sqrt', p, [], Math.sqrt(p.b) + 1);
          case 'cbrt': return this.meth('cbrt', 'cbrt', p, [], Math.cbrt(p.b) + 1);
          case 'ln_1p': return this.meth('ln_1p', 'log1p', p, [], Math.log(p.b + 2));
          case 'asinh': return this.meth('asinh', 'asinh', p, [], Math.log(2 * p.b + 1) + 1);
          case 'recip': return { rs: `(${p.rs}).recip()`, tw: `(1.0L / ${p.tw})`, k, b: 2 };
          default: {
            const e = r.pick([0.5, 0.75, 1.5, 2.5]);
            const pe = this.fit(p, 16);
            return this.meth('powf', 'pow', pe, [rlit(e, k)], Math.pow(pe.b + 1, e) + 1);
          }
        }
      }
      case 'mul_add': {
        const a = this.expr(k, d), b = this.expr(k, d), c = this.expr(k, d);
        return { rs: `(${a.rs}).mul_add(${b.rs}, ${c.rs})`, tw: `fmal(${a.tw}, ${b.tw}, ${c.tw})`, k, b: a.b * b.b + c.b };
      }
      case 'powi': {
        const e = this.fit(this.expr(k, d), 16);
        const p = r.pick([2, 3, -1, -2]);
        if (p < 0) {
          const q = this.positive(k, d - 1);
          return { rs: `(${q.rs}).powi(${p})`, tw: `powl(${q.tw}, ${p}.0L)`, k, b: Math.pow(2, -p) };
        }
        return { rs: `(${e.rs}).powi(${p})`, tw: `powl(${e.tw}, ${p}.0L)`, k, b: Math.pow(e.b, p) };
      }
      case 'two': {
        const a = this.expr(k, d);
        if (r.chance(0.5)) {
          const q = this.positive(k, d - 1);
          return this.meth('atan2', 'atan2', a, [q], 1.6);
        }
        const q = this.positive(k, d - 1);
        return this.meth('hypot', 'hypot', a, [q], a.b + q.b);
      }
      case 'kink': {
        const a = this.expr(k, d);
        const m = r.pick(['abs', 'max', 'min', 'floor']);
        this.features.add('kink');
        if (m === 'abs') return { rs: `(${a.rs}).abs()`, tw: `fz_fabs(${a.tw})`, k, b: a.b };
        if (m === 'floor') return { rs: `(${a.rs}).floor()`, tw: `fz_floor(${a.tw})`, k, b: a.b + 1 };
        const b = this.expr(k, d);
        return { rs: `(${a.rs}).${m}(${b.rs})`, tw: `fz_f${m}(${a.tw}, ${b.tw})`, k, b: Math.max(a.b, b.b) };
      }
      case 'sel': {
        const c = this.cmp(k, d);
        const a = this.expr(k, d), b = this.expr(k, d);
        this.features.add('if-expr');
        return { rs: `(if ${c.rs} { ${a.rs} } else { ${b.rs} })`, tw: `(${c.tw} ? ${a.tw} : ${b.tw})`, k, b: Math.max(a.b, b.b) };
      }
      case 'iter': return this.iterExpr(k, d);
      case 'closure': return this.closureCall(k, d);
      case 'vstruct': return this.valStruct(k, d);
      case 'helper': return this.helperCall(k, d);
      case 'method': return this.structMethod(k) ?? this.leaf(k);
    }
    return this.leaf(k);
  }

  cmp(k: Kind, depth: number): { rs: string; tw: string } {
    const a = this.expr(k, depth), b = this.expr(k, depth);
    const op = this.rng.pick(['<', '<=', '>', '>='] as const);
    const name = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' }[op];
    return { rs: `${a.rs} ${op} ${b.rs}`, tw: `fz_${name}(${a.tw}, ${b.tw})` };
  }

  /** An index in [0, len). */
  index(len: number): IE {
    const r = this.rng;
    const ints = this.scope.allInts();
    const opts: IE[] = [{ rs: String(r.int(0, len - 1)), tw: '', lo: 0, hi: 0 }];
    opts[0]!.tw = opts[0]!.rs; opts[0]!.lo = opts[0]!.hi = Number(opts[0]!.rs);
    for (const v of ints) {
      if (v.hi < len) opts.push({ rs: v.name, tw: v.name, lo: v.lo, hi: v.hi }, { rs: v.name, tw: v.name, lo: v.lo, hi: v.hi });
      if (v.hi < len) opts.push({ rs: `(${len - 1} - ${v.name})`, tw: `(${len - 1} - ${v.name})`, lo: len - 1 - v.hi, hi: len - 1 - v.lo });
      if (v.hi + 1 < len) opts.push({ rs: `(${v.name} + 1)`, tw: `(${v.name} + 1)`, lo: v.lo + 1, hi: v.hi + 1 });
      if (v.lo >= 1 && v.hi - 1 < len) opts.push({ rs: `(${v.name} - 1)`, tw: `(${v.name} - 1)`, lo: v.lo - 1, hi: v.hi - 1 });
      opts.push({ rs: `((${v.name} * 3 + 1) % ${len})`, tw: `((${v.name} * 3 + 1) % ${len})`, lo: 0, hi: len - 1 });
      if (v.hi / 2 < len) opts.push({ rs: `(${v.name} / 2)`, tw: `(${v.name} / 2)`, lo: Math.floor(v.lo / 2), hi: Math.floor(v.hi / 2) });
    }
    const idx = this.scope.allArrs().find((a) => a.name === 'idx');
    if (this.idxInfo && this.idxInfo.max < len) {
      for (const v of ints) {
        if (v.hi < this.idxInfo.len) { opts.push({ rs: `(idx[${v.name}] as usize)`, tw: `idx[${v.name}]`, lo: 0, hi: this.idxInfo.max }); this.features.add('gather'); }
      }
    }
    void idx;
    return r.pick(opts);
  }
  idxInfo: { len: number; max: number } | null = null;

  // ---- iterators, closures, helpers, structs

  /** A slice that can be iterated here: an array, or a sub-slice of one. */
  sliceOf(k: Kind | null, minLen = 1): { a: ArrVar; rs: string; tw: string; len: number; off: number } | null {
    const arrs = this.scope.allArrs().filter((a) => !this.isBlocked(a.name) && a.len >= minLen && (k === null || a.k === k) && a.rs !== '');
    if (!arrs.length) return null;
    const a = this.rng.pick(arrs);
    if (a.len > minLen + 1 && this.rng.chance(0.35)) {
      const off = this.rng.int(0, a.len - minLen - 1);
      const len = this.rng.int(minLen, a.len - off);
      this.features.add('subslice');
      return { a, rs: `${a.rs}[${off}..${off + len}]`, tw: `(${a.tw} + ${off})`, len, off };
    }
    return { a, rs: a.rs, tw: a.tw, len: a.len, off: 0 };
  }

  /** Runs `body` with element expressions bound to the names of an iterator closure. */
  iterExpr(k: Kind, d: number): E {
    const r = this.rng;
    const form = r.pick(['map-sum', 'zip-fold', 'windows', 'chunks', 'enumerate', 'range-map', 'max-fold']);
    const sl = this.sliceOf(null, form === 'windows' || form === 'chunks' ? 2 : 1);
    if (!sl) return this.leaf(k);
    const kv = `k${this.depth}_${this.fresh('')}`;
    const el = (expr: string, twAt: string, kind: Kind): RealVar => ({ name: expr, k: kind, st: { cap: sl.a.st.cap, acc: 0 }, mutable: false, rs: expr, tw: twAt });
    const inner = (vars: RealVar[], mult: number): E => {
      const saved = this.scope;
      this.scope = new Scope(saved);
      this.scope.reals.push(...vars);
      this.depth++;
      this.closureDepth++;
      const m0 = this.mult;
      this.mult *= mult;
      const e = this.expr(k, Math.min(d, 2));
      this.mult = m0;
      this.closureDepth--;
      this.depth--;
      this.scope = saved;
      return e;
    };
    const S = `sum::<${RT(k)}>()`;
    const loop = (len: number, body: E, init = '0.0L', op = (acc: string, b: string): string => `${acc} += ${b}`): string =>
      `({ long double fz_s = ${init}; for (long ${kv} = 0; ${kv} < ${len}; ${kv}++) ${op('fz_s', body.tw)}; fz_s; })`;
    const ev = (name: string, off: string): RealVar => el(name, `${sl.tw}[${kv}${off}]`, sl.a.k);
    this.features.add(`iter:${form}`);
    switch (form) {
      case 'map-sum': {
        const v = `v${this.fresh('')}`;
        const body = inner([ev(v, '')], sl.len);
        return { rs: `${sl.rs}.iter().map(|&${v}| ${body.rs}).${S}`, tw: loop(sl.len, body), k, b: sl.len * body.b };
      }
      case 'zip-fold': {
        const other = this.sliceOf(null);
        if (!other) return this.leaf(k);
        const len = Math.min(sl.len, other.len);
        const p = `p${this.fresh('')}`, q = `q${this.fresh('')}`, acc = `acc${this.fresh('')}`;
        const body = inner([ev(p, ''), { ...el(q, `${other.tw}[${kv}]`, other.a.k), st: { cap: other.a.st.cap, acc: 0 } }], len);
        return { rs: `${sl.rs}.iter().zip(${other.rs}.iter()).fold(${rlit(0, k).rs}, |${acc}, (&${p}, &${q})| ${acc} + ${body.rs})`, tw: loop(len, body), k, b: len * body.b };
      }
      case 'windows': {
        const w = `w${this.fresh('')}`;
        const cnt = sl.len - 1;
        const body = inner([ev(`${w}[0]`, ''), ev(`${w}[1]`, ' + 1')], cnt);
        return { rs: `${sl.rs}.windows(2).map(|${w}| ${body.rs}).${S}`, tw: loop(cnt, body), k, b: cnt * body.b };
      }
      case 'chunks': {
        const ch = `ch${this.fresh('')}`;
        const cnt = Math.floor(sl.len / 2);
        const saveKv = kv;
        const body = inner([el(`${ch}[0]`, `${sl.tw}[2 * ${saveKv}]`, sl.a.k), el(`${ch}[1]`, `${sl.tw}[2 * ${saveKv} + 1]`, sl.a.k)], cnt);
        return { rs: `${sl.rs}.chunks_exact(2).map(|${ch}| ${body.rs}).${S}`, tw: loop(cnt, body), k, b: cnt * body.b };
      }
      case 'enumerate': {
        const v = `v${this.fresh('')}`, i = `i${this.fresh('')}`;
        const saved = this.scope;
        this.scope = new Scope(saved);
        this.scope.ints.push({ name: i, lo: 0, hi: sl.len - 1 });
        const body = inner([ev(v, '')], sl.len);
        this.scope = saved;
        const twBody = { ...body, tw: `({ long ${i} = ${kv}; ${body.tw}; })` };
        return { rs: `${sl.rs}.iter().enumerate().map(|(${i}, &${v})| ${body.rs}).${S}`, tw: loop(sl.len, twBody), k, b: sl.len * body.b };
      }
      case 'range-map': {
        // (0..len).rev().step_by(s).map(|i| ...) over indices
        const step = r.pick([1, 2]);
        const rev = r.chance(0.5);
        const i = `i${this.fresh('')}`;
        const saved = this.scope;
        this.scope = new Scope(saved);
        this.scope.ints.push({ name: i, lo: 0, hi: sl.a.len - 1 });
        const cnt = Math.ceil(sl.a.len / step);
        const body = inner([], cnt);
        this.scope = saved;
        const rng = `(0..${sl.a.lenRs})${rev ? '.rev()' : ''}${step > 1 ? `.step_by(${step})` : ''}`;
        const twLoop = rev
          ? `({ long double fz_s = 0.0L; long fz_c = 0; for (long ${i} = ${sl.a.len - 1}; ${i} >= 0; ${i}--, fz_c++) if (fz_c % ${step} == 0) fz_s += ${body.tw}; fz_s; })`
          : `({ long double fz_s = 0.0L; for (long ${i} = 0; ${i} < ${sl.a.len}; ${i} += ${step}) fz_s += ${body.tw}; fz_s; })`;
        this.features.add('range-adapters');
        return { rs: `${rng}.map(|${i}| ${body.rs}).${S}`, tw: twLoop, k, b: cnt * body.b };
      }
      default: { // max-fold: a running maximum
        const v = `v${this.fresh('')}`, m = `m${this.fresh('')}`;
        const body = inner([ev(v, '')], sl.len);
        const init = this.fit(this.leaf(k), body.b);
        const fn = r.pick(['max', 'min']);
        this.features.add('kink');
        return {
          rs: `${sl.rs}.iter().fold(${init.rs}, |${m}, &${v}| ${m}.${fn}(${body.rs}))`,
          tw: `({ long double fz_s = ${init.tw}; for (long ${kv} = 0; ${kv} < ${sl.len}; ${kv}++) fz_s = fz_f${fn}(fz_s, ${body.tw}); fz_s; })`,
          k, b: Math.max(body.b, init.b),
        };
      }
    }
  }

  /** `let gN = |t: f64, u: f64| ...;` declared in f, called where generated (pending declarations). */
  pendingLets: S[] = [];
  closureCall(k: Kind, d: number): E {
    const name = `g${this.closures++}`;
    const saved = this.scope;
    const sp = this.structParam;
    this.scope = new Scope(null);
    const t: RealVar = { name: 't', k, st: { cap: 16, acc: 0 }, mutable: false, rs: 't', tw: '' };
    const u: RealVar = { name: 'u', k, st: { cap: 16, acc: 0 }, mutable: false, rs: 'u', tw: '' };
    // the twin inlines the body: its parameters are the arguments' spellings
    const argT = this.fit(this.expr(k, d), 16);
    const argU = this.fit(this.expr(k, d), 16);
    t.tw = `(${argT.tw})`; u.tw = `(${argU.tw})`;
    this.scope.reals.push(t, u);
    this.structParam = null;
    const idxInfo = this.idxInfo;
    this.idxInfo = null;
    const pend = this.pendingLets;
    this.pendingLets = [];
    const body = this.expr(k, Math.min(d, 2));
    // closures the body calls are locals it captures: then it cannot be a `fn` pointer
    const captures = this.pendingLets.length > 0;
    this.pendingLets = [...pend, ...this.pendingLets];
    this.structParam = sp;
    this.idxInfo = idxInfo;
    this.scope = saved;
    this.features.add('closure');
    const T = RT(k);
    const lam = `|t: ${T}, u: ${T}| -> ${T} { let _ = u; ${body.rs} }`;
    // generator 7: the same closure called through a trait object (a vtable call at -O0), a
    // plain `fn` pointer, or a table of `fn` pointers indexed by a constant (the closure and a
    // second, different entry)
    const drawn = this.version >= 7 ? this.rng.weighted<string>([['plain', 3], ['dyn', 1], ['box', 0.7], ['fnptr', 0.7], ['table', 0.7]]) : 'plain';
    const how = captures && (drawn === 'fnptr' || drawn === 'table') ? 'dyn' : drawn;
    if (how === 'table') {
      const j = this.rng.int(0, 1);
      const other = `|t: ${T}, u: ${T}| -> ${T} { (t - u).sin() }`;
      const entries = j === 0 ? `${lam}, ${other}` : `${other}, ${lam}`;
      this.pendingLets.push({ rs: [`let ${name}: [fn(${T}, ${T}) -> ${T}; 2] = [${entries}];`], tw: [] });
      this.features.add('closure:fn-table');
      return { rs: `${name}[${j}](${argT.rs}, ${argU.rs})`, tw: body.tw, k, b: body.b };
    }
    const decl = how === 'dyn' ? `let ${name}: &dyn Fn(${T}, ${T}) -> ${T} = &${lam};`
      : how === 'box' ? `let ${name}: Box<dyn Fn(${T}, ${T}) -> ${T}> = Box::new(${lam});`
      : how === 'fnptr' ? `let ${name}: fn(${T}, ${T}) -> ${T} = ${lam};`
      : `let ${name} = ${lam};`;
    if (how !== 'plain') this.features.add(`closure:${how}`);
    this.pendingLets.push({ rs: [decl], tw: [] });
    return { rs: `${name}(${argT.rs}, ${argU.rs})`, tw: body.tw, k, b: body.b };
  }

  valStruct(k: Kind, d: number): E {
    let st = this.structsVal.find((s) => s.k === k);
    if (!st) {
      st = { name: `V${this.structsVal.length}`, fields: ['x', 'y'], k };
      this.structsVal.push(st);
    }
    const mk = (): { rs: string; tw: string; b: number } => {
      const a = this.fit(this.expr(k, d), 16), b = this.fit(this.expr(k, d), 16);
      return { rs: `${st!.name}::new(${a.rs}, ${b.rs})`, tw: `(${st!.name}_ld){${a.tw}, ${b.tw}}`, b: Math.max(a.b, b.b) };
    };
    const p = mk();
    this.features.add('struct-impl');
    if (this.rng.chance(0.5)) {
      const q = mk();
      return { rs: `${p.rs}.dot(${q.rs})`, tw: `${st.name}_dot_ld(${p.tw}, ${q.tw})`, k, b: 2 * p.b * q.b };
    }
    if (this.rng.chance(0.5)) {
      const s = this.fit(this.expr(k, d), 4);
      return { rs: `${p.rs}.scale(${s.rs}).norm()`, tw: `${st.name}_norm_ld(${st.name}_scale_ld(${p.tw}, ${s.tw}))`, k, b: 2 * p.b * s.b + 1 };
    }
    return { rs: `${p.rs}.norm()`, tw: `${st.name}_norm_ld(${p.tw})`, k, b: 2 * p.b + 1 };
  }

  /** A method of the struct parameter's type on one element (`s[i].energy()`). */
  structParam: { name: string; type: StructType; count: number; writable: boolean; st: Store } | null = null;
  structMethod(k: Kind): E | null {
    const sp = this.structParam;
    if (!sp || this.isBlocked(sp.name, true)) return null;
    const i = this.index(sp.count);
    this.features.add('struct-method');
    return this.cast({ rs: `${sp.name}[${i.rs}].energy()`, tw: `${sp.type.name}_energy_ld(&${sp.name}[${i.tw}])`, k: 'D', b: this.energyBound(sp.type, sp.st.cap) }, k);
  }
  energyBound(t: StructType, cap: number): number {
    return t.fields.reduce((s, f) => s + f.len * (cap * cap + cap), 0);
  }

  /** A helper `fn hN(u: &[f64], s: f64) -> f64` (or `&mut [f64]` and no result) called here. */
  helperCall(k: Kind, d: number): E {
    const sl = this.sliceOf(null);
    if (!sl) return this.leaf(k);
    const s = this.fit(this.expr(sl.a.k, d), 8);
    const hk = sl.a.k;
    // the helper's own body
    const saved = { scope: this.scope, mult: this.mult, blocked: this.blocked, depth: this.depth, pend: this.pendingLets };
    this.pendingLets = [];
    const sp = this.structParam, idxInfo = this.idxInfo;
    this.structParam = null;
    this.idxInfo = null;
    this.scope = new Scope(null);
    this.blocked = new Set();
    this.mult = 1;
    this.depth = 2;
    const u: ArrVar = this.arrVar('u', hk, sl.len, 'u.len()', { cap: sl.a.st.cap, acc: 0 }, false, (i) => ({ rs: `u[${i.rs}]`, tw: `u[${i.tw}]` }), 'u', 'u', false);
    this.scope.arrs.push(u);
    this.scope.reals.push({ name: 's', k: hk, st: { cap: 8, acc: 0 }, mutable: false, rs: 's', tw: 's' });
    const acc: RealVar = { name: 'acc', k: hk, st: { cap: 64, acc: 0 }, mutable: true, rs: 'acc', tw: 'acc' };
    const body = this.stmts(this.rng.int(1, 3), [acc]);
    this.scope = saved.scope; this.mult = saved.mult; this.blocked = saved.blocked; this.depth = saved.depth; this.pendingLets = saved.pend; this.structParam = sp; this.idxInfo = idxInfo;
    // named after its body: a helper called inside the body takes the next name first
    const name = `h${this.helpers.length}`;
    const T = RT(hk);
    const rs = [`#[inline(never)]`, `fn ${name}(u: &[${T}], s: ${T}) -> ${T} {`, `    let mut acc: ${T} = ${rlit(0, hk).rs};`, ...body.rs.map((l) => '    ' + l), '    acc', '}'];
    const tw = [`static long double ${name}_ld(const long double *u, long double s) {`, '  long double acc = 0.0L;', ...body.tw.map((l) => '  ' + l), '  return acc;', '}'];
    if (this.rng.chance(0.5)) rs.shift();
    this.helpers.push({ name, rs, tw, proto: `static long double ${name}_ld(const long double *u, long double s);` });
    this.features.add('helper');
    return this.cast({ rs: `${name}(&${sl.rs}${sl.rs === sl.a.rs ? '' : ''}, ${s.rs})`.replace('&&', '&'), tw: `${name}_ld(${sl.tw}, ${s.tw})`, k: hk, b: 64 }, k);
  }

  arrVar(name: string, k: Kind, len: number, lenRs: string, st: Store, writable: boolean, at: ArrVar['at'], rs: string, tw: string, vec: boolean): ArrVar {
    return { name, k, len, lenRs, st, writable, at, rs, tw, vec };
  }

  // ---- statements

  /** A write `place = e` or `place += e` respecting the storage's cap. */
  write(place: { rs: string; tw: string }, k: Kind, st: Store, e: E, allowAcc = true): S {
    const r = this.rng;
    if (allowAcc && r.chance(0.4)) {
      const room = st.cap / 2 - st.acc;
      if (room > 0) {
        const f = this.fit(this.cast(e, k), room / this.mult);
        if (f.b * this.mult <= room) {
          st.acc += f.b * this.mult;
          return { rs: [`${place.rs} += ${f.rs};`], tw: [`${place.tw} += ${f.tw};`] };
        }
      }
    }
    const f = this.fit(this.cast(e, k), st.cap / 2);
    return { rs: [`${place.rs} = ${f.rs};`], tw: [`${place.tw} = ${f.tw};`] };
  }

  stmts(count: number, locals: RealVar[] = []): S {
    const out: S = { rs: [], tw: [] };
    const saved = this.scope;
    this.scope = new Scope(saved);
    this.scope.reals.push(...locals);
    for (let j = 0; j < count && this.budget > 0; j++) {
      this.budget--;
      const s = this.stmt();
      out.rs.push(...s.rs); out.tw.push(...s.tw);
    }
    this.scope = saved;
    return out;
  }

  stmt(): S {
    const r = this.rng;
    const writableArrs = this.scope.allArrs().filter((a) => a.writable && !this.isBlocked(a.name));
    const mutReals = this.scope.allReals().filter((v) => v.mutable);
    const kind = r.weighted<string>([
      ['let', 3], ['assign', mutReals.length ? 3 : 0], ['store', writableArrs.length ? 3 : 0],
      ['for', this.depth < 3 ? 4 : 0], ['iter_mut', writableArrs.length && this.depth < 3 ? 1.2 : 0],
      ['zip_mut', writableArrs.length && this.depth < 3 ? 0.8 : 0], ['if', 1.5], ['vec', this.depth < 2 ? 1.2 : 0],
      ['while', this.depth < 2 ? 0.5 : 0], ['mut_helper', writableArrs.length && this.depth < 2 ? 0.5 : 0],
      ['struct_write', this.structParam?.writable && !this.isBlocked(this.structParam.name, true) ? 0.8 : 0],
    ]);
    const k = this.kind(0.2);
    switch (kind) {
      case 'let': {
        const name = this.fresh('t');
        const st: Store = { cap: 64, acc: 0 };
        const e = this.fit(this.expr(k, r.int(1, 3)), 32);
        this.scope.reals.push({ name, k, st, mutable: true, rs: name, tw: name });
        return this.withPending({ rs: [`let mut ${name}: ${RT(k)} = ${e.rs};`], tw: [`long double ${name} = ${e.tw};`] });
      }
      case 'assign': {
        const v = r.pick(mutReals);
        let e = this.expr(v.k, r.int(1, 3));
        if (r.chance(0.3)) { // contraction v = a*v + e
          const c = rlit(r.pick([0.5, 0.75, -0.5, 0.25]), v.k);
          e = this.bin('+', this.bin('*', c, { rs: v.rs, tw: v.tw, k: v.k, b: v.st.cap }), this.fit(e, v.st.cap / 4));
        }
        return this.withPending(this.write(v, v.k, v.st, e));
      }
      case 'store': {
        const a = r.pick(writableArrs);
        const i = this.index(a.len);
        return this.withPending(this.write(a.at(i), a.k, a.st, this.expr(a.k, r.int(1, 4))));
      }
      case 'for': return this.forLoop();
      case 'iter_mut': {
        const cands = writableArrs.filter((x) => x.rs !== '');
        if (!cands.length) return this.stmt();
        const a = r.pick(cands);
        const v = `e${this.fresh('')}`, kv = `k${this.fresh('')}`;
        this.blocked.add(a.name);
        const saved = this.scope; this.scope = new Scope(saved);
        this.scope.reals.push({ name: v, k: a.k, st: a.st, mutable: false, rs: `(*${v})`, tw: `${a.tw}[${kv}]` });
        const m0 = this.mult; this.mult *= a.len; this.depth++;
        const e = this.expr(a.k, r.int(1, 2));
        const c = rlit(r.pick([0.5, 0.25, 0.75]), a.k);
        const w = this.write({ rs: `*${v}`, tw: `${a.tw}[${kv}]` }, a.k, a.st, this.bin('+', this.bin('*', c, { rs: `(*${v})`, tw: `${a.tw}[${kv}]`, k: a.k, b: a.st.cap }), this.fit(e, a.st.cap / 4)), false);
        this.mult = m0; this.depth--; this.scope = saved; this.blocked.delete(a.name);
        this.features.add('iter_mut');
        return this.withPending({ rs: [`for ${v} in ${a.rs}.iter_mut() {`, ...w.rs.map((l) => '    ' + l), '}'],
          tw: [`for (long ${kv} = 0; ${kv} < ${a.len}; ${kv}++) {`, ...w.tw.map((l) => '  ' + l), '}'] });
      }
      case 'zip_mut': {
        const a = r.pick(writableArrs.filter((x) => x.rs !== ''));
        const others = a ? this.scope.allArrs().filter((x) => x.name !== a.name && !this.isBlocked(x.name) && x.rs !== '') : [];
        if (!a || !others.length) return this.stmt();
        const b = r.pick(others);
        const len = Math.min(a.len, b.len);
        const p = `p${this.fresh('')}`, q = `q${this.fresh('')}`, kv = `k${this.fresh('')}`;
        this.blocked.add(a.name);
        const saved = this.scope; this.scope = new Scope(saved);
        this.scope.reals.push({ name: q, k: b.k, st: b.st, mutable: false, rs: q, tw: `${b.tw}[${kv}]` });
        const m0 = this.mult; this.mult *= len; this.depth++;
        const e = this.expr(a.k, r.int(1, 2));
        const w = this.write({ rs: `*${p}`, tw: `${a.tw}[${kv}]` }, a.k, a.st, e);
        this.mult = m0; this.depth--; this.scope = saved; this.blocked.delete(a.name);
        this.features.add('zip_mut');
        return this.withPending({ rs: [`for (${p}, &${q}) in ${a.rs}.iter_mut().zip(${b.rs}.iter()) {`, ...w.rs.map((l) => '    ' + l), '}'],
          tw: [`for (long ${kv} = 0; ${kv} < ${len}; ${kv}++) {`, ...w.tw.map((l) => '  ' + l), '}'] });
      }
      case 'if': {
        const c = this.cmp(k, 2);
        const pend = this.withPending({ rs: [], tw: [] });
        this.depth++;
        const t = this.stmts(r.int(1, 2));
        const e = r.chance(0.5) ? this.stmts(r.int(1, 2)) : null;
        this.depth--;
        return this.withPending({
          rs: [...pend.rs, `if ${c.rs} {`, ...t.rs.map((l) => '    ' + l), ...(e ? ['} else {', ...e.rs.map((l) => '    ' + l)] : []), '}'],
          tw: [...pend.tw, `if (${c.tw}) {`, ...t.tw.map((l) => '  ' + l), ...(e ? ['} else {', ...e.tw.map((l) => '  ' + l)] : []), '}'],
        });
      }
      case 'vec': return this.vecTemp(k);
      case 'while': {
        const kv = this.fresh('w');
        const len = r.int(2, Math.max(2, this.n));
        this.depth++;
        const saved = this.scope; this.scope = new Scope(saved);
        this.scope.ints.push({ name: kv, lo: 0, hi: len - 1 });
        const m0 = this.mult; this.mult *= len;
        const body = this.stmts(r.int(1, 2));
        this.mult = m0; this.scope = saved; this.depth--;
        this.features.add('while');
        return { rs: [`let mut ${kv}: usize = 0;`, `while ${kv} < ${len} {`, ...body.rs.map((l) => '    ' + l), `    ${kv} += 1;`, '}'],
          tw: [`long ${kv} = 0;`, `while (${kv} < ${len}) {`, ...body.tw.map((l) => '  ' + l), `  ${kv} += 1;`, '}'] };
      }
      case 'mut_helper': {
        const cands = writableArrs.filter((x) => x.rs !== '');
        if (!cands.length) return this.stmt();
        const a = r.pick(cands);
        const name = `hm${this.helpers.length}`;
        const s = this.fit(this.expr(a.k, 2), 4);
        const c = rlit(r.pick([0.5, 0.25]), a.k);
        const T = RT(a.k);
        const rs = [`fn ${name}(u: &mut [${T}], s: ${T}) {`, '    for i in 1..u.len() {', `        u[i] = ${c.rs} * u[i] + (s * u[i - 1]).sin();`, '    }', '}'];
        const tw = [`static void ${name}_ld(long double *u, long double s) {`, `  for (long i = 1; i < ${a.len}; i++) u[i] = ${c.tw} * u[i] + sinl(s * u[i - 1]);`, '}'];
        // |c u + sin| <= c cap + 1 <= cap: a contraction (caps are at least 8)
        this.helpers.push({ name, rs, tw, proto: `static void ${name}_ld(long double *u, long double s);` });
        this.features.add('helper-mut');
        // the scalar first: the call's `&mut` borrow of the array starts before its arguments
        const tmp = this.fresh('hs');
        return this.withPending({ rs: [`let ${tmp}: ${T} = ${s.rs};`, `${name}(${a.local ? '&mut ' : ''}${a.rs}, ${tmp});`], tw: [`${name}_ld(${a.tw}, ${s.tw});`] });
      }
      case 'struct_write': {
        const sp = this.structParam!;
        const i = this.index(sp.count);
        const f = r.pick(sp.type.fields);
        const j = f.len > 1 ? this.index(f.len) : null;
        const place = { rs: `${sp.name}[${i.rs}].${f.name}${j ? `[${j.rs}]` : ''}`, tw: `${sp.name}[${i.tw}].${f.name}${j ? `[${j.tw}]` : ''}` };
        return this.withPending(this.write(place, f.kind, sp.st, this.expr(f.kind, 2)));
      }
    }
    return { rs: [], tw: [] };
  }

  withPending(s: S): S {
    const p = this.pendingLets;
    this.pendingLets = [];
    return { rs: [...p.flatMap((x) => x.rs), ...s.rs], tw: [...p.flatMap((x) => x.tw), ...s.tw] };
  }

  forLoop(): S {
    const r = this.rng;
    const i = this.fresh('i');
    const arrs = this.scope.allArrs();
    const L = arrs.length && r.chance(0.7) ? r.pick(arrs).len : r.int(2, Math.max(2, this.n));
    const Lrs = arrs.find((a) => a.len === L)?.lenRs ?? String(L);
    const form = r.weighted<string>([['plain', 4], ['rev', 1.5], ['step', 1], ['from1', 1], ['tri', this.scope.allInts().length ? 1.2 : 0]]);
    let head: string, twHead: string, lo = 0, hi = L - 1, trips = L;
    switch (form) {
      case 'rev': head = `for ${i} in (0..${Lrs}).rev() {`; twHead = `for (long ${i} = ${L - 1}; ${i} >= 0; ${i}--) {`; break;
      case 'step': head = `for ${i} in (0..${Lrs}).step_by(2) {`; twHead = `for (long ${i} = 0; ${i} < ${L}; ${i} += 2) {`; trips = Math.ceil(L / 2); break;
      case 'from1': head = `for ${i} in 1..${Lrs} {`; twHead = `for (long ${i} = 1; ${i} < ${L}; ${i}++) {`; lo = 1; trips = L - 1; break;
      case 'tri': {
        const o = r.pick(this.scope.allInts());
        head = `for ${i} in 0..=${o.name} {`; twHead = `for (long ${i} = 0; ${i} <= ${o.name}; ${i}++) {`; hi = o.hi; trips = o.hi + 1;
        break;
      }
      default: head = `for ${i} in 0..${Lrs} {`; twHead = `for (long ${i} = 0; ${i} < ${L}; ${i}++) {`;
    }
    this.features.add(`for:${form}`);
    const saved = this.scope; this.scope = new Scope(saved);
    this.scope.ints.push({ name: i, lo, hi });
    const m0 = this.mult; this.mult *= Math.max(1, trips); this.depth++;
    const body = this.stmts(r.int(1, 3));
    this.mult = m0; this.depth--; this.scope = saved;
    return { rs: [head, ...body.rs.map((l) => '    ' + l), '}'], tw: [twHead, ...body.tw.map((l) => '  ' + l), '}'] };
  }

  /** A Vec temporary: `vec![0.0; L]` filled by a loop, collected from an iterator, or pushed to. */
  vecTemp(k: Kind): S {
    const r = this.rng;
    const name = this.fresh('tv');
    const form = r.pick(['zeros', 'collect', 'push', 'array']);
    const src = this.sliceOf(null);
    const L = src && form === 'collect' ? src.len : r.int(2, Math.max(2, this.n + 1));
    const st: Store = { cap: 16, acc: 0 };
    const T = RT(k);
    const kv = this.fresh('k');
    const v = this.arrVar(name, k, L, `${name}.len()`, st, true, (i) => ({ rs: `${name}[${i.rs}]`, tw: `${name}[${i.tw}]` }), name, name, true);
    const out: S = { rs: [], tw: [`long double ${name}[${L}];`] };
    // the fill: element kv from an expression that may use the index
    const fill = (m: number): E => {
      const saved = this.scope; this.scope = new Scope(saved);
      this.scope.ints.push({ name: kv, lo: 0, hi: L - 1 });
      const m0 = this.mult; this.mult *= m; this.depth++;
      const e = this.fit(this.expr(k, 2), st.cap / 2);
      this.mult = m0; this.depth--; this.scope = saved;
      return e;
    };
    if (form === 'collect' && src) {
      const el = `v${this.fresh('')}`;
      const saved = this.scope; this.scope = new Scope(saved);
      this.scope.reals.push({ name: el, k: src.a.k, st: src.a.st, mutable: false, rs: el, tw: `${src.tw}[${kv}]` });
      this.depth++;
      const e = this.fit(this.expr(k, 2), st.cap / 2);
      this.depth--; this.scope = saved;
      out.rs.push(`let mut ${name}: Vec<${T}> = ${src.rs}.iter().map(|&${el}| ${e.rs}).collect();`);
      out.tw.push(`for (long ${kv} = 0; ${kv} < ${L}; ${kv}++) ${name}[${kv}] = ${e.tw};`);
    } else if (form === 'push') {
      const e = fill(L);
      out.rs.push(`let mut ${name}: Vec<${T}> = Vec::with_capacity(${L});`, `for ${kv} in 0..${L} {`, `    ${name}.push(${e.rs});`, '}');
      out.tw.push(`for (long ${kv} = 0; ${kv} < ${L}; ${kv}++) ${name}[${kv}] = ${e.tw};`);
    } else {
      const e = fill(L);
      out.rs.push(form === 'array' ? `let mut ${name} = [${rlit(0, k).rs}; ${L}];` : `let mut ${name}: Vec<${T}> = vec![${rlit(0, k).rs}; ${L}];`);
      out.rs.push(`for ${kv} in 0..${L} {`, `    ${name}[${kv}] = ${e.rs};`, '}');
      out.tw.push(`for (long ${kv} = 0; ${kv} < ${L}; ${kv}++) ${name}[${kv}] = ${e.tw};`);
      if (form === 'array') { v.vec = false; v.rs = name; }
    }
    if (form !== 'array') v.rs = name;
    this.features.add(`vec:${form}`);
    v.local = true;
    this.scope.arrs.push(v);
    return this.withPending(out);
  }
}

/** The declarations of the value structs (`V0`) in both spellings. */
export function valStructItems(g: RustGen): { rs: string[]; tw: string[] } {
  const rs: string[] = [], tw: string[] = [];
  for (const s of g.structsVal) {
    const T = RT(s.k);
    rs.push('#[derive(Clone, Copy)]', `struct ${s.name} { x: ${T}, y: ${T} }`, `impl ${s.name} {`,
      `    fn new(x: ${T}, y: ${T}) -> Self { ${s.name} { x, y } }`,
      `    fn dot(self, o: ${s.name}) -> ${T} { self.x * o.x + self.y * o.y }`,
      `    fn scale(self, k: ${T}) -> ${s.name} { ${s.name} { x: self.x * k, y: self.y * k } }`,
      `    fn norm(self) -> ${T} { (self.dot(self) + ${rlit(1, s.k).rs}).sqrt() }`, '}');
    tw.push(`typedef struct { long double x, y; } ${s.name}_ld;`,
      `static long double ${s.name}_dot_ld(${s.name}_ld a, ${s.name}_ld b) { return a.x * b.x + a.y * b.y; }`,
      `static ${s.name}_ld ${s.name}_scale_ld(${s.name}_ld a, long double k) { ${s.name}_ld r = {a.x * k, a.y * k}; return r; }`,
      `static long double ${s.name}_norm_ld(${s.name}_ld a) { return sqrtl(${s.name}_dot_ld(a, a) + 1.0L); }`);
  }
  return { rs, tw };
}

/** `#[repr(C)]` struct parameter types with an `energy` method, in both spellings. */
export function paramStructItems(t: StructType): { rs: string[]; tw: string[] } {
  const T = (k: Kind): string => RT(k);
  const fields = t.fields.map((f) => `pub ${f.name}: ${f.len > 1 ? `[${T(f.kind)}; ${f.len}]` : T(f.kind)}`);
  const terms = t.fields.map((f) => (f.len > 1
    ? `self.${f.name}.iter().map(|&v| (v as f64) * (v as f64 + 1.0)).sum::<f64>()`
    : `(self.${f.name} as f64) * (self.${f.name} as f64 + 1.0)`));
  const twTerms = t.fields.map((f) => (f.len > 1
    ? Array.from({ length: f.len }, (_, j) => `s->${f.name}[${j}] * (s->${f.name}[${j}] + 1.0L)`).join(' + ')
    : `s->${f.name} * (s->${f.name} + 1.0L)`));
  return {
    rs: ['#[repr(C)]', '#[derive(Clone, Copy)]', `pub struct ${t.name} { ${fields.join(', ')} }`, `impl ${t.name} {`,
      `    fn energy(&self) -> f64 { ${terms.join(' + ')} }`, '}'],
    tw: [`static long double ${t.name}_energy_ld(const ${t.name}_ld *s) { return ${twTerms.join(' + ')}; }`],
  };
}

export { CT };
