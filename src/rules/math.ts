// Derivative rules for calls to math functions: LLVM intrinsics (which also
// take vectors) and the C math library (scalars, with `f` / `l` variants).
//
// Each rule hands per-argument contributions to `c.add`; partials are only
// computed for active arguments, and primal values are asked for lazily so
// that a rule never forces the transform to keep a value it does not use
// (exp needs its result, not its argument).
//
// Edge semantics follow Enzyme's rules (its ReverseMode tests) unless noted:
// - sqrt at 0 (or NaN): 0, as Enzyme does now (it used to give inf); cbrt at 0:
//   inf (Enzyme: NaN, from 0/0).
// - fabs: sign(x) times the adjoint, +1 at x = 0 as in Enzyme.
// - minnum / maxnum / minimum / maximum / fmin / fmax and the max / min
//   reductions: the whole adjoint goes to the chosen operand; on a tie to the
//   first one; a NaN operand that was ignored gets nothing.
// - pow(x, y): 0 for x when y == 0 (pow(x, 0) is constant, even at x = 0,
//   where Enzyme gives 0 * inf = NaN), and the y partial (which needs log x,
//   NaN for x < 0) only when y is active.

import { IDENTITY, once, pointwise, type CallRule, type Linear, type RuleEnv } from './api.js';
import type { CallInst } from '../ir/instructions.js';
import { ShuffleVectorInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import { isFloat, scalarOf, type Type, type VectorType } from '../ir/types.js';
import { IRBuilder, addFunction, constFP, constInt, declareFunction, nullValue, poisonValue } from '../ir/builder.js';

type Lazy = () => Value;

/** `sin` -> `sin`, `sinf`, `sinl` (double, float, long double). */
function libm(...bases: string[]): string[] {
  return bases.flatMap((b) => [b, b + 'f', b + 'l']);
}

function intrinsic(...bases: string[]): string[] {
  return bases.map((b) => 'llvm.' + b);
}

function calleeName(call: CallInst): string {
  return call.callee.name ?? '';
}

/**
 * Calls `base` for the type of `args[0]`: the intrinsic when the rule is
 * differentiating an intrinsic (vectors need it, and the intrinsic exists in
 * any module that has the one being differentiated), else the libm variant.
 */
function sameFamily(c: RuleEnv, call: CallInst, base: string, args: readonly Value[]): Value {
  const sib = sibling(c, call, base);
  if (sib) return c.primal(sib);
  if (calleeName(call).startsWith('llvm.')) return c.callMath('llvm.' + base, args);
  return libmCall(c, base, args);
}

/**
 * A call of `base` on the same operand as `call` in `call`'s block (sin and cos of one angle): its
 * primal value is the one `sameFamily` would compute again. Only the same block, where both run
 * whenever one does, on the same value of the operand; only an earlier call unless the rule's code
 * runs after the whole block (reverse mode). Either spelling (intrinsic or libm) of the same
 * precision; not for half and bfloat (libm computes them in float).
 */
function sibling(c: RuleEnv, call: CallInst, base: string): CallInst | null {
  const blk = call.parent;
  const x = call.operands[0];
  if (!blk || !x || call.operands.length !== 2) return null;
  const t = x.type;
  const names = new Set<string>();
  if (isFloat(t)) {
    const suffix: Partial<Record<string, string>> = { float: 'f', double: '', x86_fp80: 'l', fp128: 'l', ppc_fp128: 'l' };
    const s = suffix[t.fk];
    if (s !== undefined) names.add(base + s);
  }
  const pos = blk.instructions.indexOf(call);
  for (let k = 0; k < blk.instructions.length; k++) {
    const i = blk.instructions[k]!;
    if (i === call || i.op !== 'call' || (k > pos && !c.afterBlock)) continue;
    const ci = i as CallInst;
    if (ci.operands.length !== 2 || ci.operands[0] !== x || ci.type !== call.type) continue;
    const n = calleeName(ci);
    if (!(names.has(n) || (n.startsWith(`llvm.${base}.`) && !n.slice(base.length + 6).includes('.')))) continue;
    return ci;
  }
  return null;
}

/** The libm function of the argument's precision; half and bfloat go through float (libm has none). */
function libmCall(c: RuleEnv, base: string, args: readonly Value[]): Value {
  const t = args[0]!.type;
  if (!isFloat(t)) throw new Error(`${base}: the C library has no function for ${t.kind} arguments`);
  switch (t.fk) {
    case 'double': return c.callMath(base, args);
    case 'float': return c.callMath(base + 'f', args);
    case 'x86_fp80': case 'fp128': case 'ppc_fp128': return c.callMath(base + 'l', args);
    case 'half': case 'bfloat': {
      const f32 = c.module.types.f32;
      const wide = args.map((a) => c.b.cast('fpext', a, f32));
      return c.b.cast('fptrunc', c.callMath(base + 'f', wide), t);
    }
  }
}

/** `scalar` in every lane of `vt`: insertelement + shufflevector (works for scalable vectors too). */
function splat(c: RuleEnv, scalar: Value, vt: VectorType): Value {
  const b = c.b;
  const one = b.insertElement(poisonValue(vt), scalar, b.i32(0));
  const maskType = b.types.vector(vt.count, b.types.i32, vt.scalable);
  return b.insert(new ShuffleVectorInst(vt, [one, poisonValue(vt), nullValue(maskType)]));
}

function asVector(t: Type, what: string): VectorType {
  if (t.kind !== 'vector') throw new Error(`${what} needs a vector argument`);
  return t;
}

// ---------------------------------------------------------------------------
// Rule shapes

/** A partial that multiplies by a factor computed once (shared by the lanes of a batch). */
function scaled(e: RuleEnv, factor: Lazy): Linear {
  const f = once(factor);
  return pointwise((g) => e.b.fmul(g, f()));
}

/** y = f(x): `partial(e, x, y, call)` is the partial of the result with respect to x. */
function unary(names: readonly string[], doc: string, partial: (e: RuleEnv, x: Lazy, y: Lazy, call: CallInst) => Linear): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0],
    partials(e, call, args) {
      const a = args[0]!;
      return [partial(e, once(() => e.primal(a)), once(() => e.primal(call)), call)];
    },
  };
}

/** 1 - v*v, and 1 + v*v, shared by several inverse trigonometric and hyperbolic rules. */
function oneMinusSq(e: RuleEnv, v: Value): Value {
  return e.b.fsub(e.fp(v.type, 1), e.b.fmul(v, v));
}
function onePlusSq(e: RuleEnv, v: Value): Value {
  return e.b.fadd(e.fp(v.type, 1), e.b.fmul(v, v));
}

/** The whole derivative goes to one operand where `cond` holds, to nothing elsewhere. */
function where(e: RuleEnv, cond: Lazy, holds: boolean): Linear {
  return pointwise((g) => {
    const zero = e.fp(g.type, 0);
    return holds ? e.b.select(cond(), g, zero) : e.b.select(cond(), zero, g);
  });
}

/**
 * Rule of a two-operand min or max. `pred` is the ordered comparison under
 * which x is chosen, ties included; a NaN y also picks x, because minnum /
 * maxnum return the other operand then (minimum / maximum return NaN, whose
 * derivative may go anywhere).
 */
function minmax(names: readonly string[], doc: string, pred: 'ole' | 'oge'): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0, 1],
    partials(e, _call, args) {
      const pickFirst = once(() => {
        const [x, y] = [e.primal(args[0]!), e.primal(args[1]!)];
        return e.b.binop('or', e.b.fcmp(pred, x, y), e.b.fcmp('uno', y, y));
      });
      return [where(e, pickFirst, true), where(e, pickFirst, false)];
    },
  };
}

// ---------------------------------------------------------------------------
// One-argument functions

const SQRT = unary([...intrinsic('sqrt'), ...libm('sqrt')], "sqrt(x)' = 1 / (2 sqrt(x)); 0 at x = 0 (as Enzyme)",
  (e, x, y) => {
    const twoY = once(() => e.b.fmul(e.fp(y().type, 2), y()));
    const atZero = once(() => e.b.fcmp('ueq', x(), e.fp(x().type, 0)));
    return pointwise((g) => e.b.select(atZero(), e.fp(g.type, 0), e.b.fdiv(g, twoY())));
  });
const CBRT = unary(libm('cbrt'), "cbrt(x)' = 1 / (3 cbrt(x)^2) (inf at 0)",
  (e, _x, y) => {
    const den = once(() => e.b.fmul(e.fp(y().type, 3), e.b.fmul(y(), y())));
    return pointwise((g) => e.b.fdiv(g, den()));
  });

const SIN = unary([...intrinsic('sin'), ...libm('sin')], "sin(x)' = cos(x)",
  (e, x, _y, call) => scaled(e, () => sameFamily(e, call, 'cos', [x()])));
const COS = unary([...intrinsic('cos'), ...libm('cos')], "cos(x)' = -sin(x)",
  (e, x, _y, call) => scaled(e, () => e.b.fneg(sameFamily(e, call, 'sin', [x()]))));
const TAN = unary([...intrinsic('tan'), ...libm('tan')], "tan(x)' = 1 + tan(x)^2",
  (e, _x, y) => scaled(e, () => onePlusSq(e, y())));

const ASIN = unary([...intrinsic('asin'), ...libm('asin')], "asin(x)' = 1 / sqrt(1 - x^2)",
  (e, x) => divideBy(e, () => e.callMath('llvm.sqrt', [oneMinusSq(e, x())])));
const ACOS = unary([...intrinsic('acos'), ...libm('acos')], "acos(x)' = -1 / sqrt(1 - x^2)",
  (e, x) => {
    const den = once(() => e.callMath('llvm.sqrt', [oneMinusSq(e, x())]));
    return pointwise((g) => e.b.fneg(e.b.fdiv(g, den())));
  });
const ATAN = unary([...intrinsic('atan'), ...libm('atan')], "atan(x)' = 1 / (1 + x^2)",
  (e, x) => divideBy(e, () => onePlusSq(e, x())));

// sinh and cosh have intrinsics only since LLVM 19, which added both at once.
const SINH = unary([...intrinsic('sinh'), ...libm('sinh')], "sinh(x)' = cosh(x)",
  (e, x, _y, call) => scaled(e, () => sameFamily(e, call, 'cosh', [x()])));
const COSH = unary([...intrinsic('cosh'), ...libm('cosh')], "cosh(x)' = sinh(x)",
  (e, x, _y, call) => scaled(e, () => sameFamily(e, call, 'sinh', [x()])));
const TANH = unary([...intrinsic('tanh'), ...libm('tanh')], "tanh(x)' = 1 - tanh(x)^2",
  (e, _x, y) => scaled(e, () => oneMinusSq(e, y())));
const ASINH = unary(libm('asinh'), "asinh(x)' = 1 / sqrt(x^2 + 1)",
  (e, x) => divideBy(e, () => e.callMath('llvm.sqrt', [onePlusSq(e, x())])));
const ACOSH = unary(libm('acosh'), "acosh(x)' = 1 / sqrt(x^2 - 1)",
  (e, x) => divideBy(e, () => e.callMath('llvm.sqrt', [e.b.fsub(e.b.fmul(x(), x()), e.fp(x().type, 1))])));
const ATANH = unary(libm('atanh'), "atanh(x)' = 1 / (1 - x^2)",
  (e, x) => divideBy(e, () => oneMinusSq(e, x())));

const EXP = unary([...intrinsic('exp'), ...libm('exp')], "exp(x)' = exp(x)",
  (e, _x, y) => scaled(e, y));
const EXP2 = unary([...intrinsic('exp2'), ...libm('exp2')], "exp2(x)' = exp2(x) ln 2",
  (e, _x, y) => scaled(e, () => e.b.fmul(y(), e.fp(y().type, Math.LN2))));
const EXP10 = unary([...intrinsic('exp10'), ...libm('exp10')], "exp10(x)' = exp10(x) ln 10",
  (e, _x, y) => scaled(e, () => e.b.fmul(y(), e.fp(y().type, Math.LN10))));
const EXPM1 = unary(libm('expm1'), "expm1(x)' = expm1(x) + 1",
  (e, _x, y) => scaled(e, () => e.b.fadd(y(), e.fp(y().type, 1))));

const LOG = unary([...intrinsic('log'), ...libm('log')], "log(x)' = 1 / x",
  (e, x) => divideBy(e, x));
const LOG2 = unary([...intrinsic('log2'), ...libm('log2')], "log2(x)' = 1 / (x ln 2)",
  (e, x) => divideBy(e, () => e.b.fmul(x(), e.fp(x().type, Math.LN2))));
const LOG10 = unary([...intrinsic('log10'), ...libm('log10')], "log10(x)' = 1 / (x ln 10)",
  (e, x) => divideBy(e, () => e.b.fmul(x(), e.fp(x().type, Math.LN10))));
const LOG1P = unary(libm('log1p'), "log1p(x)' = 1 / (1 + x)",
  (e, x) => divideBy(e, () => e.b.fadd(e.fp(x().type, 1), x())));

/** A partial that divides by a value computed once. */
function divideBy(e: RuleEnv, den: Lazy): Linear {
  const d = once(den);
  return pointwise((g) => e.b.fdiv(g, d()));
}

// 2 / sqrt(pi): the factor of erf's derivative.
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
function gauss(e: RuleEnv, x: Value): Value {
  return e.b.fmul(e.fp(x.type, TWO_OVER_SQRT_PI), e.callMath('llvm.exp', [e.b.fneg(e.b.fmul(x, x))]));
}
const ERF = unary(libm('erf'), "erf(x)' = 2/sqrt(pi) exp(-x^2)",
  (e, x) => scaled(e, () => gauss(e, x())));
const ERFC = unary(libm('erfc'), "erfc(x)' = -2/sqrt(pi) exp(-x^2)",
  (e, x) => scaled(e, () => e.b.fneg(gauss(e, x()))));

const FABS = unary([...intrinsic('fabs'), ...libm('fabs')], "|x|' = sign(x); 1 at x = 0 (as Enzyme)",
  (e, x) => {
    const neg = once(() => e.b.fcmp('olt', x(), e.fp(x().type, 0)));
    return pointwise((g) => e.b.select(neg(), e.b.fneg(g), g));
  });

// ---------------------------------------------------------------------------
// Several arguments

const POW: CallRule = {
  names: [...intrinsic('pow'), ...libm('pow')],
  doc: 'd/dx x^y = y x^(y-1) (0 when y = 0); d/dy x^y = x^y log(x), only when y is active',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, call, args) {
    const [xa, ya] = [args[0]!, args[1]!];
    const b = e.b;
    const y = once(() => e.primal(ya));
    const x = once(() => e.primal(xa));
    const dx = once(() => {
      const one = e.fp(y().type, 1);
      return b.fmul(y(), e.callMath('llvm.pow', [x(), b.fsub(y(), one)]));
    });
    const yZero = once(() => b.fcmp('oeq', y(), e.fp(y().type, 0)));
    return [
      pointwise((g) => b.select(yZero(), e.fp(g.type, 0), b.fmul(g, dx()))),
      scaled(e, () => b.fmul(e.primal(call), e.callMath('llvm.log', [x()]))),
    ];
  },
};

// The exponent is an integer: only x has a derivative. pow on the exponent
// as a float stands for powi because powi's name mangles both operand types
// (`llvm.powi.f64.i32`), which `callMath` does not do; it is exact for
// integer exponents, negative x included.
const POWI: CallRule = {
  names: intrinsic('powi'),
  doc: "d/dx x^n = n x^(n-1) (0 when n = 0), n an integer",
  kind: 'rule', diffArgs: [0],
  partials(e, _call, args) {
    const b = e.b;
    const n = once(() => {
      const x = e.primal(args[0]!);
      let v: Value = b.cast('sitofp', e.primal(args[1]!), scalarOf(x.type));
      if (x.type.kind === 'vector') v = splat(e, v, x.type);
      return v;
    });
    const dx = once(() => {
      const x = e.primal(args[0]!);
      return b.fmul(n(), e.callMath('llvm.pow', [x, b.fsub(n(), e.fp(x.type, 1))]));
    });
    const nZero = once(() => b.fcmp('oeq', n(), e.fp(n().type, 0)));
    return [pointwise((g) => b.select(nZero(), e.fp(g.type, 0), b.fmul(g, dx())))];
  },
};

/** x*y + z, fused or not: the same derivative. */
function muladd(names: readonly string[], doc: string): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0, 1, 2],
    partials(e, _call, args) {
      const [x, y] = [args[0]!, args[1]!];
      return [scaled(e, () => e.primal(y)), scaled(e, () => e.primal(x)), IDENTITY];
    },
  };
}
const FMA = muladd([...intrinsic('fma'), ...libm('fma')], 'd(x y + z) = y dx + x dy + dz');
const FMULADD = muladd(intrinsic('fmuladd'), 'd(x y + z) = y dx + x dy + dz');

const MINNUM = minmax([...intrinsic('minnum'), ...libm('fmin')], 'the derivative goes to the smaller operand (ties: the first; a NaN operand gets nothing)', 'ole');
const MAXNUM = minmax([...intrinsic('maxnum'), ...libm('fmax')], 'the derivative goes to the larger operand (ties: the first; a NaN operand gets nothing)', 'oge');
const MINIMUM = minmax(intrinsic('minimum', 'minimumnum'), 'the derivative goes to the smaller operand (ties: the first)', 'ole');
const MAXIMUM = minmax(intrinsic('maximum', 'maximumnum'), 'the derivative goes to the larger operand (ties: the first)', 'oge');

// The sign of a product is the xor of the operands' signs, zeros and
// infinities included, so copysign(1, x*y) is +1 exactly when the result
// keeps x's sign (a NaN x or y: the sign bit of the NaN decides, as in the primal).
const COPYSIGN: CallRule = {
  names: [...intrinsic('copysign'), ...libm('copysign')],
  doc: 'd/dx copysign(x, y) = sign(x) sign(y); nothing for y',
  kind: 'rule', diffArgs: [0],
  partials(e, _call, args) {
    return [scaled(e, () => {
      const prod = e.b.fmul(e.primal(args[0]!), e.primal(args[1]!));
      return e.callMath('llvm.copysign', [e.fp(prod.type, 1), prod]);
    })];
  },
};

const ATAN2: CallRule = {
  names: [...intrinsic('atan2'), ...libm('atan2')],
  doc: 'd atan2(y, x) = (x dy - y dx) / (x^2 + y^2)',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, _call, args) {
    const b = e.b;
    const y = once(() => e.primal(args[0]!));
    const x = once(() => e.primal(args[1]!));
    const r2 = once(() => b.fadd(b.fmul(x(), x()), b.fmul(y(), y())));
    return [
      pointwise((g) => b.fmul(b.fdiv(g, r2()), x())),
      pointwise((g) => b.fneg(b.fmul(b.fdiv(g, r2()), y()))),
    ];
  },
};

const HYPOT: CallRule = {
  names: libm('hypot'),
  doc: 'd hypot(x, y) = (x dx + y dy) / hypot(x, y)',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, call, args) {
    const h = once(() => e.primal(call));
    return args.slice(0, 2).map((a) => pointwise((g) => e.b.fmul(e.b.fdiv(g, h()), e.primal(a))));
  },
};

const FMOD: CallRule = {
  names: libm('fmod'),
  doc: 'd fmod(x, y) = dx - trunc(x / y) dy',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, _call, args) {
    const q = once(() => e.callMath('llvm.trunc', [e.b.fdiv(e.primal(args[0]!), e.primal(args[1]!))]));
    return [IDENTITY, pointwise((g) => e.b.fneg(e.b.fmul(g, q())))];
  },
};

// 2^e as exp2 of the integer exponent converted to floating: exact wherever
// 2^e is representable, and it also serves vectors (llvm.ldexp.v2f64.v2i32).
const LDEXP: CallRule = {
  names: [...intrinsic('ldexp'), ...libm('ldexp', 'scalbn', 'scalbln')],
  doc: 'd/dx ldexp(x, e) = 2^e',
  kind: 'rule', diffArgs: [0],
  partials(e, _call, args) {
    return [scaled(e, () => e.callMath('llvm.exp2', [e.b.cast('sitofp', e.primal(args[1]!), args[0]!.type)]))];
  },
};

// ---------------------------------------------------------------------------
// Mantissa and exponent, integral and fractional parts (out-pointers)

// frexp(x, &e) = m with x = m 2^e: dm/dx = 2^-e = m / x (exact, positive;
// frexp is not differentiable at 0, where this gives NaN: 0/0). The exponent
// written through the pointer is an integer, without derivative.
const FREXP: CallRule = {
  names: libm('frexp'),
  doc: "frexp(x, &e)' = 2^-e (= m / x; NaN at 0); the exponent written is an integer",
  kind: 'rule', diffArgs: [0], outArgs: [{ arg: 1, zeroShadow: false }],
  partials(e, call, args) {
    return [divideBy(e, () => e.b.fdiv(e.primal(args[0]!), e.primal(call)))];
  },
};

// modf(x, &i) = x - trunc(x): derivative 1; the integral part written
// through the pointer is piecewise constant, its derivative (the shadow of
// that memory) is set to 0.
const MODF: CallRule = {
  names: libm('modf'),
  doc: "modf(x, &i)' = 1; the integral part written through the pointer has derivative 0",
  kind: 'rule', diffArgs: [0], outArgs: [{ arg: 1, zeroShadow: true }],
  partials() { return [IDENTITY]; },
};

// ---------------------------------------------------------------------------
// Gamma and Bessel functions

/**
 * The digamma function psi = Gamma'/Gamma, which the C library does not
 * have: `@__enzyme_ts_digamma(double)`, an internal function added to the
 * module on first use. Reflection below 1/2 (psi(x) = psi(1 - x) - pi /
 * tan(pi x)), six steps of the recurrence psi(z) = psi(z + 1) - 1/z, then the
 * asymptotic series at z + 6 >= 6.5 (terms to z^-12: relative error below
 * 1e-13). Float and long double arguments go through double.
 */
function digamma(e: RuleEnv, x: Value): Value {
  const m = e.module;
  const t = m.types;
  const name = '__enzyme_ts_digamma';
  let fn = m.getFunction(name);
  if (!fn) {
    fn = addFunction(m, name, t.fn(t.double, [t.double]), ['x']);
    fn.linkage = 'internal';
    const b = new IRBuilder(m);
    b.atEnd(b.block(fn, 'entry'));
    const c = (v: number): Value => constFP(t.double, v);
    const xa = fn.args[0]!;
    const reflect = b.fcmp('olt', xa, c(0.5), 'reflect');
    const z = b.select(reflect, b.fsub(c(1), xa), xa, 'z');
    let shift: Value = b.fdiv(c(1), z);
    for (let k = 1; k < 6; k++) shift = b.fadd(shift, b.fdiv(c(1), b.fadd(z, c(k))));
    const w = b.fadd(z, c(6), 'w');
    const inv = b.fdiv(c(1), w);
    const inv2 = b.fmul(inv, inv);
    // Horner in w^-2: -1/12 + w^-2 (1/120 + w^-2 (-1/252 + w^-2 (1/240 + w^-2 (-1/132 + w^-2 691/32760)))).
    let series: Value = c(691 / 32760);
    for (const k of [-1 / 132, 1 / 240, -1 / 252, 1 / 120, -1 / 12]) series = b.fadd(c(k), b.fmul(inv2, series));
    const logw = b.call(m.getFunction('llvm.log.f64') ?? declareFunction(m, 'llvm.log.f64', t.fn(t.double, [t.double])), [w]);
    const asym = b.fadd(b.fsub(logw, b.fmul(c(0.5), inv)), b.fmul(inv2, series));
    const psiZ = b.fsub(asym, shift, 'psi.z');
    const tan = m.getFunction('tan') ?? declareFunction(m, 'tan', t.fn(t.double, [t.double]));
    const cot = b.fdiv(c(Math.PI), b.call(tan, [b.fmul(c(Math.PI), xa)]));
    b.ret(b.select(reflect, b.fsub(psiZ, cot), psiZ));
  }
  const xt = x.type;
  if (!isFloat(xt)) throw new Error('digamma: not a floating argument');
  if (xt.fk === 'double') return e.b.call(fn, [x]);
  const wide = xt.fk === 'float' || xt.fk === 'half' || xt.fk === 'bfloat';
  const r = e.b.call(fn, [e.b.cast(wide ? 'fpext' : 'fptrunc', x, t.double)]);
  return e.b.cast(wide ? 'fptrunc' : 'fpext', r, xt);
}

const TGAMMA = unary(libm('tgamma'), "tgamma(x)' = tgamma(x) digamma(x)",
  (e, x, y) => scaled(e, () => e.b.fmul(y(), digamma(e, x()))));
const LGAMMA = unary(libm('lgamma'), "lgamma(x)' = digamma(x)",
  (e, x) => scaled(e, () => digamma(e, x())));
const LGAMMA_R: CallRule = {
  names: ['lgamma_r', 'lgammaf_r', 'lgammal_r'],
  doc: "lgamma_r(x, &sign)' = digamma(x); the sign written is an integer",
  kind: 'rule', diffArgs: [0], outArgs: [{ arg: 1, zeroShadow: false }],
  partials(e, _call, args) { return [scaled(e, () => digamma(e, e.primal(args[0]!)))]; },
};

/** The Bessel function `base` (j0, jn...) of x's precision; `n` for jn / yn. */
function bessel(e: RuleEnv, base: string, x: Value, n?: Value): Value {
  const t = x.type;
  if (!isFloat(t) || (t.fk !== 'double' && t.fk !== 'float' && t.fk !== 'x86_fp80' && t.fk !== 'fp128')) {
    throw new Error(`${base}: the C library has no Bessel function for this type`);
  }
  const name = base + (t.fk === 'double' ? '' : t.fk === 'float' ? 'f' : 'l');
  return n ? e.callMath(name, [n, x], t) : e.callMath(name, [x]);
}

const J0 = unary(libm('j0'), "j0(x)' = -j1(x)", (e, x) => scaled(e, () => e.b.fneg(bessel(e, 'j1', x()))));
const Y0 = unary(libm('y0'), "y0(x)' = -y1(x)", (e, x) => scaled(e, () => e.b.fneg(bessel(e, 'y1', x()))));
// (J0 - J2) / 2 rather than J0 - J1 / x: no 0/0 at x = 0.
function firstOrder(kind: 'j' | 'y'): CallRule {
  return unary(libm(kind + '1'), `${kind}1(x)' = (${kind}0(x) - ${kind}n(2, x)) / 2`,
    (e, x) => scaled(e, () => {
      const two = constInt(e.module.types.i32, 2);
      const d = e.b.fsub(bessel(e, kind + '0', x()), bessel(e, kind + 'n', x(), two));
      return e.b.fmul(d, e.fp(d.type, 0.5));
    }));
}
const J1 = firstOrder('j');
const Y1 = firstOrder('y');
function nthOrder(kind: 'j' | 'y'): CallRule {
  return {
    names: libm(kind + 'n'),
    doc: `${kind}n(n, x)' = (${kind}n(n - 1, x) - ${kind}n(n + 1, x)) / 2 (for x; n is an integer)`,
    kind: 'rule', diffArgs: [1],
    partials(e, _call, args) {
      return [null, scaled(e, () => {
        const n = e.primal(args[0]!);
        const x = e.primal(args[1]!);
        const one = constInt(n.type, 1);
        const d = e.b.fsub(bessel(e, kind + 'n', x, e.b.sub(n, one)), bessel(e, kind + 'n', x, e.b.add(n, one)));
        return e.b.fmul(d, e.fp(d.type, 0.5));
      })];
    },
  };
}
const JN = nthOrder('j');
const YN = nthOrder('y');

// ---------------------------------------------------------------------------
// Vector reductions

/** `f(i)` for each lane of a fixed vector, assembled into a vector of `vt`. */
function lanes(e: RuleEnv, vt: VectorType, f: (i: number) => Value): Value {
  let acc: Value = nullValue(vt);
  for (let i = 0; i < vt.count; i++) acc = e.b.insertElement(acc, f(i), e.b.i32(i));
  return acc;
}

/** The sum of the lanes of `v` (the tangent of a reduction), in no particular order. */
function sumLanes(e: RuleEnv, v: Value): Value {
  const vt = asVector(v.type, 'a reduction');
  return e.callMath('llvm.vector.reduce.fadd', [e.fp(vt.elem, -0), v], vt.elem);
}

/** A partial from a vector to a scalar: `jvp` sums `t * w` over the lanes, `vjp` is `d * w` in every lane. */
function weighted(e: RuleEnv, vt: VectorType, w: Lazy | null): Linear {
  const wv = w ? once(w) : null;
  return {
    jvp: (t) => sumLanes(e, wv ? e.b.fmul(t, wv()) : t),
    vjp: (d) => { const s = splat(e, d, vt); return wv ? e.b.fmul(s, wv()) : s; },
  };
}

const REDUCE_FADD: CallRule = {
  names: intrinsic('vector.reduce.fadd', 'experimental.vector.reduce.v2.fadd'),
  doc: 'd(s + sum v) = ds + sum dv (any association)',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, _call, args) {
    return [IDENTITY, weighted(e, asVector(args[1]!.type, 'vector.reduce.fadd'), null)];
  },
};

// For fixed vectors, products of the lanes before and after each one (no
// division, so zero lanes get their exact partials). Scalable vectors cannot
// be walked lane by lane: there the partials are the result over each lane,
// which is NaN for a zero lane.
const REDUCE_FMUL: CallRule = {
  names: intrinsic('vector.reduce.fmul', 'experimental.vector.reduce.v2.fmul'),
  doc: 'd(s prod v) = prod v ds + sum (s prod_{j != i} v_j) dv_i',
  kind: 'rule', diffArgs: [0, 1],
  partials(e, call, args) {
    const [sa, va] = [args[0]!, args[1]!];
    const vt = asVector(va.type, 'vector.reduce.fmul');
    const b = e.b;
    if (vt.scalable) {
      const r = once(() => e.primal(call));
      return [
        pointwise((g) => b.fdiv(b.fmul(g, r()), e.primal(sa))),
        { jvp: (t) => sumLanes(e, b.fmul(t, b.fdiv(splat(e, r(), vt), e.primal(va)))), vjp: (d) => b.fdiv(splat(e, b.fmul(d, r()), vt), e.primal(va)) },
      ];
    }
    const lane = once(() => { const v = e.primal(va); return Array.from({ length: vt.count }, (_, i) => b.extractElement(v, b.i32(i))); });
    // after[i] = v[i+1] * ... * v[n-1]; after[n-1] = null stands for 1.
    const after = once(() => {
      const l = lane();
      const r: (Value | null)[] = new Array<Value | null>(vt.count).fill(null);
      for (let i = vt.count - 2; i >= 0; i--) r[i] = r[i + 1] ? b.fmul(l[i + 1]!, r[i + 1]!) : l[i + 1]!;
      return r;
    });
    const all = (): Value => { const l = lane(); const a = after(); return a[0] ? b.fmul(l[0]!, a[0]) : l[0]!; };
    // The partial of lane i: s * v[0] * ... * v[i-1] * after[i].
    const partialsOfV = (): Value => {
      const l = lane(); const a = after();
      let before: Value = e.primal(sa);
      return lanes(e, vt, (i) => {
        const g = a[i] ? b.fmul(before, a[i]!) : before;
        if (i + 1 < vt.count) before = b.fmul(before, l[i]!);
        return g;
      });
    };
    return [scaled(e, all), weighted(e, vt, partialsOfV)];
  },
};

// The derivative goes to the first lane equal to the result. Scalable vectors
// cannot be walked lane by lane: there every lane equal to the result gets it.
function reduceMinMax(names: readonly string[], doc: string): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0],
    partials(e, call, args) {
      const va = args[0]!;
      const vt = asVector(va.type, names[0]!);
      const b = e.b;
      const mask = once(() => {
        const v = e.primal(va);
        const r = e.primal(call);
        if (vt.scalable) return b.fcmp('oeq', v, splat(e, r, vt));
        const m1 = b.types.vector(vt.count, b.types.i1, false);
        let found: Value | null = null;
        let acc: Value = nullValue(m1);
        for (let i = 0; i < vt.count; i++) {
          const eq = b.fcmp('oeq', b.extractElement(v, b.i32(i)), r);
          const hit = found ? b.binop('and', eq, b.binop('xor', found, constInt(eq.type, 1))) : eq;
          if (i + 1 < vt.count) found = found ? b.binop('or', found, eq) : eq;
          acc = b.insertElement(acc, hit, b.i32(i));
        }
        return acc;
      });
      return [{
        jvp: (t) => sumLanes(e, b.select(mask(), t, nullValue(vt))),
        vjp: (d) => b.select(mask(), splat(e, d, vt), nullValue(vt)),
      }];
    },
  };
}
const REDUCE_FMAX = reduceMinMax(intrinsic('vector.reduce.fmax', 'vector.reduce.fmaximum', 'experimental.vector.reduce.fmax'),
  'the derivative goes to the first lane equal to the maximum');
const REDUCE_FMIN = reduceMinMax(intrinsic('vector.reduce.fmin', 'vector.reduce.fminimum', 'experimental.vector.reduce.fmin'),
  'the derivative goes to the first lane equal to the minimum');

/** Rules with a reverse: the differentiable math functions. */
export const MATH_RULES: readonly CallRule[] = [
  SQRT, CBRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
  EXP, EXP2, EXP10, EXPM1, LOG, LOG2, LOG10, LOG1P, ERF, ERFC, FABS,
  POW, POWI, FMA, FMULADD, MINNUM, MAXNUM, MINIMUM, MAXIMUM, COPYSIGN, ATAN2, HYPOT, FMOD, LDEXP,
  FREXP, MODF, TGAMMA, LGAMMA, LGAMMA_R, J0, J1, JN, Y0, Y1, YN,
  REDUCE_FADD, REDUCE_FMUL, REDUCE_FMAX, REDUCE_FMIN,
];

// ---------------------------------------------------------------------------
// No derivative

/** Piecewise constant: the derivative is 0 wherever it exists. */
export const ZERO_RULES: readonly CallRule[] = [
  {
    names: [
      ...intrinsic('floor', 'ceil', 'trunc', 'round', 'roundeven', 'rint', 'nearbyint'),
      ...libm('floor', 'ceil', 'trunc', 'round', 'roundeven', 'rint', 'nearbyint'),
    ],
    doc: 'rounding to an integral value: derivative 0',
    kind: 'zero', diffArgs: [],
  },
  {
    names: [...intrinsic('lround', 'llround', 'lrint', 'llrint'), ...libm('lround', 'llround', 'lrint', 'llrint')],
    doc: 'rounding to an integer: an integer result has no derivative',
    kind: 'zero', diffArgs: [],
  },
];

/** Calls that never carry or affect derivatives. */
export const INACTIVE_RULES: readonly CallRule[] = [
  {
    names: intrinsic(
      'lifetime.start', 'lifetime.end', 'assume', 'experimental.noalias.scope.decl',
      'invariant.start', 'invariant.end', 'stacksave', 'stackrestore', 'prefetch', 'donothing',
      'sideeffect', 'pseudoprobe', 'var.annotation', 'objectsize', 'is.constant', 'expect',
      'dbg.declare', 'dbg.value', 'dbg.label', 'dbg.addr', 'dbg.assign',
    ),
    doc: 'markers and hints for the optimizer (llvm.dbg.* included): no effect on derivatives',
    kind: 'inactive', diffArgs: [],
  },
  {
    names: [
      'printf', 'fprintf', 'puts', 'putchar', 'fputs', 'fputc', 'fflush', 'sprintf', 'snprintf', 'fwrite',
      'exit', 'abort', 'time', 'clock', 'rand', 'srand', 'random', 'srandom', 'gettimeofday', 'clock_gettime',
      '__assert_fail', '__assert_rtn', 'assert',
    ],
    doc: 'C library input/output, clocks, random numbers, termination: no derivatives',
    kind: 'inactive', diffArgs: [],
  },
];
