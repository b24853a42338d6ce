// The transform's side of the BLAS rules (src/rules/blas.ts): tangents and
// adjoints of BLAS level 1 calls computed by calling BLAS again, through the
// CBLAS interface (which every common BLAS provides: reference, OpenBLAS, BLIS,
// MKL), whatever interface the program used.
//
// Forward mode: the tangents of the arrays a call writes are updated before
// the primal call (scal overwrites the x its tangent needs), the tangent of a
// returned value after it (nrm2's needs the result).
// Reverse mode: the forward sweep copies, just before the call, the arrays
// the reverse will read (BLAS overwrites memory, and later code may too): a
// contiguous malloc'd copy per array, freed once the reverse has used it. The
// reverse then accumulates the adjoints into the shadows with BLAS calls.

import type { IRBuilder } from '../ir/builder.js';
import { constFP, constInt } from '../ir/builder.js';
import type { CallInst, InvokeInst } from '../ir/instructions.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { BlasRule } from '../rules/blas.js';
import type { DiffContext } from './signature.js';

type CallBase = CallInst | InvokeInst;

/** The scalars of one BLAS call (loaded from their pointers for the Fortran interface), as forward-sweep values. */
export interface BlasScalars {
  n: Value;
  incx: Value;
  incy: Value | null;
  alpha: Value | null;
  /** gemv: the CBLAS layout and trans enums (Fortran: column-major, trans from its character), m, lda, beta. */
  layout?: Value;
  trans?: Value;
  m?: Value;
  lda?: Value;
  beta?: Value;
}

/** What the reverse needs of one call, saved by the forward sweep. */
export interface BlasSaved extends BlasScalars {
  /** Contiguous copies of x and y taken just before the call (when the reverse reads them). */
  xCopy: Value | null;
  yCopy: Value | null;
  /** gemv: a copy of the matrix (with its leading dimension). */
  aCopy?: Value | null;
}

/** Calls to CBLAS routines of one precision. */
export class BlasCalls {
  private readonly elem: Type;
  private readonly int: Type;
  constructor(private readonly ctx: DiffContext, private readonly b: IRBuilder, readonly rule: BlasRule) {
    const t = ctx.module.types;
    this.elem = rule.prec === 'double' ? t.double : t.f32;
    this.int = t.i32;
  }

  get elemType(): Type { return this.elem; }
  private get p(): string { return this.rule.prec === 'double' ? 'd' : 's'; }
  private get ptr(): Type { return this.ctx.module.ptrTo(this.elem); }

  /** Calls `cblas_<p><what>`, declaring it on first use; arguments are adapted to a declaration the module already has. */
  private call(what: string, ret: Type, kinds: ('int' | 'elem' | 'ptr')[], args: Value[]): Value {
    const types = kinds.map((k) => (k === 'int' ? this.int : k === 'elem' ? this.elem : this.ptr));
    const f = this.ctx.declare(`cblas_${this.p}${what}`, ret, types);
    const b = this.b;
    const adapted = args.map((a, k) => {
      const want = f.fnType.params[k]!;
      if (a.type === want) return a;
      if (want.kind === 'pointer') return b.bitcastIfNeeded(a, want);
      if (want.kind === 'int' && a.type.kind === 'int') return b.cast(a.type.bits < want.bits ? 'sext' : 'trunc', a, want);
      return a;
    });
    return b.call(f, adapted, null, f.fnType);
  }

  dot(n: Value, x: Value, incx: Value, y: Value, incy: Value): Value {
    return this.call('dot', this.elem, ['int', 'ptr', 'int', 'ptr', 'int'], [n, x, incx, y, incy]);
  }
  axpy(n: Value, a: Value, x: Value, incx: Value, y: Value, incy: Value): void {
    this.call('axpy', this.ctx.module.types.void, ['int', 'elem', 'ptr', 'int', 'ptr', 'int'], [n, a, x, incx, y, incy]);
  }
  /** x := a x, as BLAS does it (nothing for a stride <= 0). */
  scal(n: Value, a: Value, x: Value, incx: Value): void {
    this.call('scal', this.ctx.module.types.void, ['int', 'elem', 'ptr', 'int'], [n, a, x, incx]);
  }
  /** x := a x on the n elements another routine reaches with stride incx, negative or not (scal itself ignores negative strides). */
  scalAll(n: Value, a: Value, x: Value, incx: Value): void {
    const b = this.b;
    this.scal(n, a, x, b.select(b.icmp('slt', incx, constInt(incx.type, 0)), b.sub(constInt(incx.type, 0), incx), incx));
  }
  /** scal's n as BLAS applies it: 0 when the stride is not positive (the call does nothing). */
  scalCount(n: Value, incx: Value): Value {
    const b = this.b;
    return b.select(b.icmp('sgt', incx, constInt(incx.type, 0)), n, constInt(n.type, 0));
  }
  copy(n: Value, x: Value, incx: Value, y: Value, incy: Value): void {
    this.call('copy', this.ctx.module.types.void, ['int', 'ptr', 'int', 'ptr', 'int'], [n, x, incx, y, incy]);
  }
  gemv(s: BlasScalars, trans: Value, alpha: Value, a: Value, x: Value, incx: Value, beta: Value, y: Value, incy: Value): void {
    this.call('gemv', this.ctx.module.types.void, ['int', 'int', 'int', 'int', 'elem', 'ptr', 'int', 'ptr', 'int', 'elem', 'ptr', 'int'],
      [s.layout!, trans, s.m!, s.n, alpha, a, s.lda!, x, incx, beta, y, incy]);
  }
  ger(s: BlasScalars, alpha: Value, x: Value, incx: Value, y: Value, incy: Value, a: Value): void {
    this.call('ger', this.ctx.module.types.void, ['int', 'int', 'int', 'elem', 'ptr', 'int', 'ptr', 'int', 'ptr', 'int'],
      [s.layout!, s.m!, s.n, alpha, x, incx, y, incy, a, s.lda!]);
  }
  /** gemv: whether op(A) = A, and the lengths of x and y. */
  shape(s: BlasScalars): { noTrans: Value; lenx: Value; leny: Value; flipped: Value } {
    const b = this.b;
    const i32 = this.ctx.module.types.i32;
    const noTrans = b.icmp('eq', s.trans!, constInt(i32, 111));
    return {
      noTrans,
      lenx: b.select(noTrans, s.n, s.m!),
      leny: b.select(noTrans, s.m!, s.n),
      flipped: b.select(noTrans, constInt(i32, 112), constInt(i32, 111)),
    };
  }
  /** A malloc'd copy of the matrix A as gemv reads it: lda (outer - 1) + inner elements, the same leading dimension. */
  copyMatrix(s: BlasScalars, a: Value): Value {
    const b = this.b;
    const i32 = this.ctx.module.types.i32;
    const colMajor = b.icmp('eq', s.layout!, constInt(i32, 102));
    const outer = b.select(colMajor, s.n, s.m!);
    const inner = b.select(colMajor, s.m!, s.n);
    const some = b.binop('and', b.icmp('sgt', outer, constInt(i32, 0)), b.icmp('sgt', inner, constInt(i32, 0)));
    const count = b.select(some, b.add(b.binop('mul', s.lda!, b.sub(outer, constInt(i32, 1))), inner), constInt(i32, 0));
    return this.copyOut(count, a, this.unit());
  }
  /** A malloc'd scratch array of n elements. */
  scratch(n: Value): Value {
    const b = this.b;
    const t = this.ctx.module.types;
    const n64 = b.cast('sext', n, t.i64);
    const count = b.select(b.icmp('sgt', n64, constInt(t.i64, 0)), n64, constInt(t.i64, 0));
    const raw = b.call(this.ctx.declare('malloc', this.ctx.module.ptrTo(t.i8), [t.i64]), [b.binop('mul', count, constInt(t.i64, this.ctx.dl.allocSize(this.elem)))], 'blas_tmp');
    return b.bitcastIfNeeded(raw, this.ptr);
  }
  zero(): Value { return constFP(this.elem, 0); }
  one(): Value { return constFP(this.elem, 1); }
  unit(): Value { return constInt(this.int, 1); }

  /** A malloc'd contiguous copy of the n elements of x (stride incx); n <= 0 copies nothing. */
  copyOut(n: Value, x: Value, incx: Value): Value {
    const b = this.b;
    const t = this.ctx.module.types;
    const n64 = n.type === t.i64 ? n : b.cast(n.type.kind === 'int' && n.type.bits < 64 ? 'sext' : 'trunc', n, t.i64);
    const count = b.select(b.icmp('sgt', n64, constInt(t.i64, 0)), n64, constInt(t.i64, 0));
    const bytes = b.binop('mul', count, constInt(t.i64, this.ctx.dl.allocSize(this.elem)));
    const raw = b.call(this.ctx.declare('malloc', this.ctx.module.ptrTo(t.i8), [t.i64]), [bytes], 'blas_copy');
    const buf = b.bitcastIfNeeded(raw, this.ptr);
    this.copy(n, x, incx, buf, this.unit());
    return buf;
  }

  free(p: Value): void {
    const t = this.ctx.module.types;
    const bp = this.ctx.module.ptrTo(t.i8);
    this.b.call(this.ctx.declare('free', t.void, [bp]), [this.b.bitcastIfNeeded(p, bp)]);
  }
}

/** The call's scalars as values at the builder's position (`mapV`: the primal value of an argument there). */
export function blasScalars(b: IRBuilder, ctx: DiffContext, rule: BlasRule, call: CallBase, mapV: (v: Value) => Value): BlasScalars {
  const t = ctx.module.types;
  const get = (pos: number, ty: Type): Value => {
    const a = mapV(call.arg(pos));
    if (rule.abi === 'cblas') return a;
    return b.load(ty, b.bitcastIfNeeded(a, ctx.module.ptrTo(ty)));
  };
  const elem = rule.prec === 'double' ? t.double : t.f32;
  const s: BlasScalars = {
    n: get(rule.n, t.i32),
    incx: get(rule.incx, t.i32),
    incy: rule.incy === null ? null : get(rule.incy, t.i32),
    alpha: rule.alpha === null ? null : get(rule.alpha, elem),
  };
  if (rule.routine !== 'gemv') return s;
  s.m = get(rule.m!, t.i32);
  s.lda = get(rule.lda!, t.i32);
  s.beta = get(rule.beta!, elem);
  if (rule.abi === 'cblas') {
    s.layout = get(rule.layout!, t.i32);
    s.trans = get(rule.trans!, t.i32);
  } else {
    // Fortran: column-major; 'N' / 'n' is no transpose, anything else ('T', 'C') a transpose (real data).
    s.layout = constInt(t.i32, 102);
    const c = b.load(t.i8, b.bitcastIfNeeded(mapV(call.arg(rule.trans!)), ctx.module.ptrTo(t.i8)));
    const isN = b.binop('or', b.icmp('eq', c, constInt(t.i8, 78)), b.icmp('eq', c, constInt(t.i8, 110)));
    s.trans = b.select(isN, constInt(t.i32, 111), constInt(t.i32, 112));
  }
  return s;
}

type Activity = { varied: ReadonlySet<Value>; shadowed(v: Value): boolean };

/** Whether the scalar at `pos` carries a derivative: a varied value (CBLAS), or a pointer to shadowed memory (Fortran). */
export function blasScalarActive(aa: Activity, rule: BlasRule, call: CallBase, pos: number | null | undefined): boolean {
  if (pos === null || pos === undefined) return false;
  const a = call.arg(pos);
  return rule.abi === 'cblas' ? aa.varied.has(a) : aa.shadowed(a);
}

/** Whether alpha carries a derivative. */
export function blasAlphaActive(aa: Activity, rule: BlasRule, call: CallBase): boolean {
  return blasScalarActive(aa, rule, call, rule.alpha);
}

/** Which copies the reverse of a call reads, given which of its inputs carry derivatives. */
export function blasCopiesNeeded(rule: BlasRule, act: { x: boolean; y: boolean; a: boolean; alpha: boolean; beta: boolean }): { x: boolean; y: boolean; a: boolean } {
  switch (rule.routine) {
    case 'dot': return { x: act.y, y: act.x, a: false };
    case 'nrm2': return { x: act.x, y: false, a: false };
    case 'axpy': case 'scal': return { x: act.alpha, y: false, a: false };
    case 'copy': return { x: false, y: false, a: false };
    case 'gemv': return { x: act.a || act.alpha, y: act.beta, a: act.x || act.alpha };
  }
}

/** Per-lane access the modes give the BLAS rules. */
export interface BlasLane {
  /** The lane's shadow of array argument `pos`, or null when its memory has no shadow. */
  shadow(pos: number): Value | null;
}

/**
 * Forward mode, before the primal call: the tangents of the array the call
 * writes (axpy, scal, copy). `alphaT`: the tangent of alpha, or null.
 */
export function blasForwardMemory(c: BlasCalls, s: BlasScalars, call: CallBase, lane: BlasLane, alphaT: Value | null, mapV: (v: Value) => Value, betaT: Value | null = null): void {
  const r = c.rule;
  const dx = lane.shadow(r.x);
  const x = mapV(call.arg(r.x));
  switch (r.routine) {
    case 'gemv': {
      const dy = lane.shadow(r.y!);
      if (!dy) return;
      const a = mapV(call.arg(r.a!));
      const dA = lane.shadow(r.a!);
      const { leny } = c.shape(s);
      if (dx) c.gemv(s, s.trans!, s.alpha!, a, dx, s.incx, s.beta!, dy, s.incy!);
      else c.scalAll(leny, s.beta!, dy, s.incy!);
      if (dA) c.gemv(s, s.trans!, s.alpha!, dA, x, s.incx, c.one(), dy, s.incy!);
      if (alphaT) c.gemv(s, s.trans!, alphaT, a, x, s.incx, c.one(), dy, s.incy!);
      if (betaT) c.axpy(leny, betaT, mapV(call.arg(r.y!)), s.incy!, dy, s.incy!);
      return;
    }
    case 'axpy': {
      const dy = lane.shadow(r.y!);
      if (!dy) return;
      if (dx) c.axpy(s.n, s.alpha!, dx, s.incx, dy, s.incy!);
      if (alphaT) c.axpy(s.n, alphaT, x, s.incx, dy, s.incy!);
      return;
    }
    case 'scal': {
      if (!dx) return;
      c.scal(s.n, s.alpha!, dx, s.incx);
      if (alphaT) c.axpy(c.scalCount(s.n, s.incx), alphaT, x, s.incx, dx, s.incx);
      return;
    }
    case 'copy': {
      const dy = lane.shadow(r.y!);
      if (!dy) return;
      if (dx) c.copy(s.n, dx, s.incx, dy, s.incy!);
      else c.scalAll(s.n, c.zero(), dy, s.incy!);
      return;
    }
    default: return;
  }
}

/** Forward mode, after the primal call: the tangent of the returned value (dot, nrm2), or null. */
export function blasForwardResult(c: BlasCalls, s: BlasScalars, call: CallBase, lane: BlasLane, mapV: (v: Value) => Value, b: IRBuilder): Value | null {
  const r = c.rule;
  const dx = lane.shadow(r.x);
  const x = mapV(call.arg(r.x));
  if (r.routine === 'dot') {
    const dy = lane.shadow(r.y!);
    const y = mapV(call.arg(r.y!));
    let t: Value | null = dx ? c.dot(s.n, dx, s.incx, y, s.incy!) : null;
    if (dy) { const u = c.dot(s.n, x, s.incx, dy, s.incy!); t = t ? b.fadd(t, u) : u; }
    return t;
  }
  if (r.routine === 'nrm2') {
    if (!dx) return null;
    return b.fdiv(c.dot(s.n, x, s.incx, dx, s.incx), mapV(call));
  }
  return null;
}

/**
 * Reverse mode at the call's reversal, for one lane: adjoints into the
 * shadows by BLAS calls. `d`: the adjoint of the returned value (dot, nrm2);
 * `result`: the primal result (nrm2). Returns alpha's adjoint contribution, if any.
 */
export function blasReverse(c: BlasCalls, s: BlasSaved, lane: BlasLane, d: Value | null, result: Value | null, alphaActive: boolean, b: IRBuilder,
  betaActive = false, betaOut: { da: Value | null } = { da: null }): Value | null {
  const r = c.rule;
  const one = c.unit();
  const dx = lane.shadow(r.x);
  switch (r.routine) {
    case 'gemv': {
      const dy = lane.shadow(r.y!);
      if (!dy) return null;
      const dA = lane.shadow(r.a!);
      const { noTrans, leny, flipped } = c.shape(s);
      let da: Value | null = null;
      if (alphaActive) {
        const tmp = c.scratch(leny);
        c.gemv(s, s.trans!, c.one(), s.aCopy!, s.xCopy!, one, c.zero(), tmp, one);
        da = c.dot(leny, tmp, one, dy, s.incy!);
        c.free(tmp);
      }
      if (betaActive) betaOut.da = c.dot(leny, s.yCopy!, one, dy, s.incy!);
      if (dx) c.gemv(s, flipped, s.alpha!, s.aCopy!, dy, s.incy!, c.one(), dx, s.incx);
      if (dA) {
        // A' += alpha y' x^T (no transpose) or alpha x y'^T (transpose).
        const first = b.select(noTrans, dy, s.xCopy!);
        const second = b.select(noTrans, s.xCopy!, dy);
        c.ger(s, s.alpha!, first, b.select(noTrans, s.incy!, one), second, b.select(noTrans, one, s.incy!), dA);
      }
      c.scalAll(leny, s.beta!, dy, s.incy!);
      return da;
    }
    case 'dot': {
      const dy = lane.shadow(r.y!);
      if (!d) return null;
      if (dx) c.axpy(s.n, d, s.yCopy!, one, dx, s.incx);
      if (dy) c.axpy(s.n, d, s.xCopy!, one, dy, s.incy!);
      return null;
    }
    case 'nrm2': {
      if (!d || !dx) return null;
      c.axpy(s.n, b.fdiv(d, result!), s.xCopy!, one, dx, s.incx);
      return null;
    }
    case 'axpy': {
      const dy = lane.shadow(r.y!);
      if (!dy) return null;
      const da = alphaActive ? c.dot(s.n, s.xCopy!, one, dy, s.incy!) : null;
      if (dx) c.axpy(s.n, s.alpha!, dy, s.incy!, dx, s.incx);
      return da;
    }
    case 'scal': {
      if (!dx) return null;
      const da = alphaActive ? c.dot(c.scalCount(s.n, s.incx), s.xCopy!, one, dx, s.incx) : null;
      c.scal(s.n, s.alpha!, dx, s.incx);
      return da;
    }
    case 'copy': {
      const dy = lane.shadow(r.y!);
      if (!dy) return null;
      if (dx) c.axpy(s.n, c.one(), dy, s.incy!, dx, s.incx);
      c.scalAll(s.n, c.zero(), dy, s.incy!);
      return null;
    }
  }
}
