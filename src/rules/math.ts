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

import type { CallRule, RuleCtx } from './api.js';
import type { CallInst } from '../ir/instructions.js';
import { ShuffleVectorInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import { isFloat, scalarOf, type Type, type VectorType } from '../ir/types.js';
import { constInt, nullValue, poisonValue } from '../ir/builder.js';

type Lazy = () => Value;

/** `sin` -> `sin`, `sinf`, `sinl` (double, float, long double). */
function libm(...bases: string[]): string[] {
  return bases.flatMap((b) => [b, b + 'f', b + 'l']);
}

function intrinsic(...bases: string[]): string[] {
  return bases.map((b) => 'llvm.' + b);
}

/** A lazily computed primal, asked for once. */
function once(f: Lazy): Lazy {
  let v: Value | null = null;
  return () => (v ??= f());
}

function calleeName(call: CallInst): string {
  return call.callee.name ?? '';
}

/**
 * Calls `base` for the type of `args[0]`: the intrinsic when the rule is
 * differentiating an intrinsic (vectors need it, and the intrinsic exists in
 * any module that has the one being differentiated), else the libm variant.
 */
function sameFamily(c: RuleCtx, call: CallInst, base: string, args: readonly Value[]): Value {
  if (calleeName(call).startsWith('llvm.')) return c.callMath('llvm.' + base, args);
  return libmCall(c, base, args);
}

/** The libm function of the argument's precision; half and bfloat go through float (libm has none). */
function libmCall(c: RuleCtx, base: string, args: readonly Value[]): Value {
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
function splat(c: RuleCtx, scalar: Value, vt: VectorType): Value {
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

/** y = f(x): `delta(c, x, y)` is the contribution to x's adjoint, given `c.d`. */
function unary(names: readonly string[], doc: string, delta: (c: RuleCtx, x: Lazy, y: Lazy, call: CallInst) => Value): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0],
    reverse(c, call, args) {
      const a = args[0]!;
      if (!c.active(a)) return;
      c.add(a, delta(c, once(() => c.primal(a)), once(() => c.primal(call)), call));
    },
  };
}

/** The adjoint times a factor. */
function times(c: RuleCtx, factor: Value): Value {
  return c.b.fmul(c.d, factor);
}

/** 1 - v*v, and 1 + v*v, shared by several inverse trigonometric and hyperbolic rules. */
function oneMinusSq(c: RuleCtx, v: Value): Value {
  return c.b.fsub(c.fp(v.type, 1), c.b.fmul(v, v));
}
function onePlusSq(c: RuleCtx, v: Value): Value {
  return c.b.fadd(c.fp(v.type, 1), c.b.fmul(v, v));
}

/** Routes the whole adjoint to args[0] where `pickFirst` holds, else to args[1]. */
function route(c: RuleCtx, args: readonly Value[], pickFirst: Value): void {
  const [x, y] = [args[0]!, args[1]!];
  const zero = c.fp(c.d.type, 0);
  if (c.active(x)) c.add(x, c.b.select(pickFirst, c.d, zero));
  if (c.active(y)) c.add(y, c.b.select(pickFirst, zero, c.d));
}

/**
 * Rule of a two-operand min or max. `pred` is the ordered comparison under
 * which x is chosen, ties included; a NaN y also picks x, because minnum /
 * maxnum return the other operand then (minimum / maximum return NaN, whose
 * adjoint may go anywhere).
 */
function minmax(names: readonly string[], doc: string, pred: 'ole' | 'oge'): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0, 1],
    reverse(c, _call, args) {
      const [x, y] = [c.primal(args[0]!), c.primal(args[1]!)];
      const b = c.b;
      route(c, args, b.binop('or', b.fcmp(pred, x, y), b.fcmp('uno', y, y)));
    },
  };
}

// ---------------------------------------------------------------------------
// One-argument functions

const SQRT = unary([...intrinsic('sqrt'), ...libm('sqrt')], "sqrt(x)' = 1 / (2 sqrt(x)); 0 at x = 0 (as Enzyme)",
  (c, x, y) => {
    const zero = c.fp(c.d.type, 0);
    const g = c.b.fdiv(c.d, c.b.fmul(c.fp(c.d.type, 2), y()));
    return c.b.select(c.b.fcmp('ueq', x(), zero), zero, g);
  });
const CBRT = unary(libm('cbrt'), "cbrt(x)' = 1 / (3 cbrt(x)^2) (inf at 0)",
  (c, _x, y) => c.b.fdiv(c.d, c.b.fmul(c.fp(c.d.type, 3), c.b.fmul(y(), y()))));

const SIN = unary([...intrinsic('sin'), ...libm('sin')], "sin(x)' = cos(x)",
  (c, x, _y, call) => times(c, sameFamily(c, call, 'cos', [x()])));
const COS = unary([...intrinsic('cos'), ...libm('cos')], "cos(x)' = -sin(x)",
  (c, x, _y, call) => c.b.fneg(times(c, sameFamily(c, call, 'sin', [x()]))));
const TAN = unary([...intrinsic('tan'), ...libm('tan')], "tan(x)' = 1 + tan(x)^2",
  (c, _x, y) => times(c, onePlusSq(c, y())));

const ASIN = unary([...intrinsic('asin'), ...libm('asin')], "asin(x)' = 1 / sqrt(1 - x^2)",
  (c, x) => c.b.fdiv(c.d, c.callMath('llvm.sqrt', [oneMinusSq(c, x())])));
const ACOS = unary([...intrinsic('acos'), ...libm('acos')], "acos(x)' = -1 / sqrt(1 - x^2)",
  (c, x) => c.b.fneg(c.b.fdiv(c.d, c.callMath('llvm.sqrt', [oneMinusSq(c, x())]))));
const ATAN = unary([...intrinsic('atan'), ...libm('atan')], "atan(x)' = 1 / (1 + x^2)",
  (c, x) => c.b.fdiv(c.d, onePlusSq(c, x())));

// sinh and cosh have intrinsics only since LLVM 19, which added both at once.
const SINH = unary([...intrinsic('sinh'), ...libm('sinh')], "sinh(x)' = cosh(x)",
  (c, x, _y, call) => times(c, sameFamily(c, call, 'cosh', [x()])));
const COSH = unary([...intrinsic('cosh'), ...libm('cosh')], "cosh(x)' = sinh(x)",
  (c, x, _y, call) => times(c, sameFamily(c, call, 'sinh', [x()])));
const TANH = unary([...intrinsic('tanh'), ...libm('tanh')], "tanh(x)' = 1 - tanh(x)^2",
  (c, _x, y) => times(c, oneMinusSq(c, y())));
const ASINH = unary(libm('asinh'), "asinh(x)' = 1 / sqrt(x^2 + 1)",
  (c, x) => c.b.fdiv(c.d, c.callMath('llvm.sqrt', [onePlusSq(c, x())])));
const ACOSH = unary(libm('acosh'), "acosh(x)' = 1 / sqrt(x^2 - 1)",
  (c, x) => c.b.fdiv(c.d, c.callMath('llvm.sqrt', [c.b.fsub(c.b.fmul(x(), x()), c.fp(c.d.type, 1))])));
const ATANH = unary(libm('atanh'), "atanh(x)' = 1 / (1 - x^2)",
  (c, x) => c.b.fdiv(c.d, oneMinusSq(c, x())));

const EXP = unary([...intrinsic('exp'), ...libm('exp')], "exp(x)' = exp(x)",
  (c, _x, y) => times(c, y()));
const EXP2 = unary([...intrinsic('exp2'), ...libm('exp2')], "exp2(x)' = exp2(x) ln 2",
  (c, _x, y) => times(c, c.b.fmul(y(), c.fp(c.d.type, Math.LN2))));
const EXP10 = unary([...intrinsic('exp10'), ...libm('exp10')], "exp10(x)' = exp10(x) ln 10",
  (c, _x, y) => times(c, c.b.fmul(y(), c.fp(c.d.type, Math.LN10))));
const EXPM1 = unary(libm('expm1'), "expm1(x)' = expm1(x) + 1",
  (c, _x, y) => times(c, c.b.fadd(y(), c.fp(c.d.type, 1))));

const LOG = unary([...intrinsic('log'), ...libm('log')], "log(x)' = 1 / x",
  (c, x) => c.b.fdiv(c.d, x()));
const LOG2 = unary([...intrinsic('log2'), ...libm('log2')], "log2(x)' = 1 / (x ln 2)",
  (c, x) => c.b.fdiv(c.d, c.b.fmul(x(), c.fp(c.d.type, Math.LN2))));
const LOG10 = unary([...intrinsic('log10'), ...libm('log10')], "log10(x)' = 1 / (x ln 10)",
  (c, x) => c.b.fdiv(c.d, c.b.fmul(x(), c.fp(c.d.type, Math.LN10))));
const LOG1P = unary(libm('log1p'), "log1p(x)' = 1 / (1 + x)",
  (c, x) => c.b.fdiv(c.d, c.b.fadd(c.fp(c.d.type, 1), x())));

// 2 / sqrt(pi): the factor of erf's derivative.
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
function gauss(c: RuleCtx, x: Value): Value {
  return c.b.fmul(c.fp(x.type, TWO_OVER_SQRT_PI), c.callMath('llvm.exp', [c.b.fneg(c.b.fmul(x, x))]));
}
const ERF = unary(libm('erf'), "erf(x)' = 2/sqrt(pi) exp(-x^2)",
  (c, x) => times(c, gauss(c, x())));
const ERFC = unary(libm('erfc'), "erfc(x)' = -2/sqrt(pi) exp(-x^2)",
  (c, x) => c.b.fneg(times(c, gauss(c, x()))));

const FABS = unary([...intrinsic('fabs'), ...libm('fabs')], "|x|' = sign(x); 1 at x = 0 (as Enzyme)",
  (c, x) => c.b.select(c.b.fcmp('olt', x(), c.fp(c.d.type, 0)), c.b.fneg(c.d), c.d));

// ---------------------------------------------------------------------------
// Several arguments

const POW: CallRule = {
  names: [...intrinsic('pow'), ...libm('pow')],
  doc: 'd/dx x^y = y x^(y-1) (0 when y = 0); d/dy x^y = x^y log(x), only when y is active',
  kind: 'rule', diffArgs: [0, 1],
  reverse(c, call, args) {
    const [xa, ya] = [args[0]!, args[1]!];
    const b = c.b;
    if (c.active(xa)) {
      const x = c.primal(xa);
      const y = c.primal(ya);
      const one = c.fp(y.type, 1);
      const zero = c.fp(y.type, 0);
      const dx = b.fmul(times(c, y), c.callMath('llvm.pow', [x, b.fsub(y, one)]));
      c.add(xa, b.select(b.fcmp('oeq', y, zero), zero, dx));
    }
    if (c.active(ya)) {
      c.add(ya, times(c, b.fmul(c.primal(call), c.callMath('llvm.log', [c.primal(xa)]))));
    }
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
  reverse(c, _call, args) {
    const xa = args[0]!;
    if (!c.active(xa)) return;
    const b = c.b;
    const x = c.primal(xa);
    const t = x.type;
    const st = scalarOf(t);
    let n: Value = b.cast('sitofp', c.primal(args[1]!), st);
    if (t.kind === 'vector') n = splat(c, n, t);
    const zero = c.fp(t, 0);
    const dx = b.fmul(times(c, n), c.callMath('llvm.pow', [x, b.fsub(n, c.fp(t, 1))]));
    c.add(xa, b.select(b.fcmp('oeq', n, zero), zero, dx));
  },
};

/** x*y + z, fused or not: the same derivative. */
function muladd(names: readonly string[], doc: string): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0, 1, 2],
    reverse(c, _call, args) {
      const [x, y, z] = [args[0]!, args[1]!, args[2]!];
      if (c.active(x)) c.add(x, times(c, c.primal(y)));
      if (c.active(y)) c.add(y, times(c, c.primal(x)));
      if (c.active(z)) c.add(z, c.d);
    },
  };
}
const FMA = muladd([...intrinsic('fma'), ...libm('fma')], 'd(x y + z) = y dx + x dy + dz');
const FMULADD = muladd(intrinsic('fmuladd'), 'd(x y + z) = y dx + x dy + dz');

const MINNUM = minmax([...intrinsic('minnum'), ...libm('fmin')], 'the adjoint goes to the smaller operand (ties: the first; a NaN operand gets nothing)', 'ole');
const MAXNUM = minmax([...intrinsic('maxnum'), ...libm('fmax')], 'the adjoint goes to the larger operand (ties: the first; a NaN operand gets nothing)', 'oge');
const MINIMUM = minmax(intrinsic('minimum', 'minimumnum'), 'the adjoint goes to the smaller operand (ties: the first)', 'ole');
const MAXIMUM = minmax(intrinsic('maximum', 'maximumnum'), 'the adjoint goes to the larger operand (ties: the first)', 'oge');

// The sign of a product is the xor of the operands' signs, zeros and
// infinities included, so copysign(1, x*y) is +1 exactly when the result
// keeps x's sign (a NaN x or y: the sign bit of the NaN decides, as in the primal).
const COPYSIGN: CallRule = {
  names: [...intrinsic('copysign'), ...libm('copysign')],
  doc: 'd/dx copysign(x, y) = sign(x) sign(y); nothing for y',
  kind: 'rule', diffArgs: [0],
  reverse(c, _call, args) {
    const xa = args[0]!;
    if (!c.active(xa)) return;
    const prod = c.b.fmul(c.primal(xa), c.primal(args[1]!));
    c.add(xa, times(c, c.callMath('llvm.copysign', [c.fp(prod.type, 1), prod])));
  },
};

const ATAN2: CallRule = {
  names: [...intrinsic('atan2'), ...libm('atan2')],
  doc: 'd atan2(y, x) = (x dy - y dx) / (x^2 + y^2)',
  kind: 'rule', diffArgs: [0, 1],
  reverse(c, _call, args) {
    const [ya, xa] = [args[0]!, args[1]!];
    const b = c.b;
    const y = c.primal(ya);
    const x = c.primal(xa);
    const q = b.fdiv(c.d, b.fadd(b.fmul(x, x), b.fmul(y, y)));
    if (c.active(ya)) c.add(ya, b.fmul(q, x));
    if (c.active(xa)) c.add(xa, b.fneg(b.fmul(q, y)));
  },
};

const HYPOT: CallRule = {
  names: libm('hypot'),
  doc: 'd hypot(x, y) = (x dx + y dy) / hypot(x, y)',
  kind: 'rule', diffArgs: [0, 1],
  reverse(c, call, args) {
    const q = c.b.fdiv(c.d, c.primal(call));
    for (const a of args.slice(0, 2)) if (c.active(a)) c.add(a, c.b.fmul(q, c.primal(a)));
  },
};

const FMOD: CallRule = {
  names: libm('fmod'),
  doc: 'd fmod(x, y) = dx - trunc(x / y) dy',
  kind: 'rule', diffArgs: [0, 1],
  reverse(c, _call, args) {
    const [xa, ya] = [args[0]!, args[1]!];
    if (c.active(xa)) c.add(xa, c.d);
    if (c.active(ya)) {
      const q = c.callMath('llvm.trunc', [c.b.fdiv(c.primal(xa), c.primal(ya))]);
      c.add(ya, c.b.fneg(times(c, q)));
    }
  },
};

// 2^e as exp2 of the integer exponent converted to floating: exact wherever
// 2^e is representable, and it also serves vectors (llvm.ldexp.v2f64.v2i32).
const LDEXP: CallRule = {
  names: [...intrinsic('ldexp'), ...libm('ldexp', 'scalbn')],
  doc: 'd/dx ldexp(x, e) = 2^e',
  kind: 'rule', diffArgs: [0],
  reverse(c, _call, args) {
    const xa = args[0]!;
    if (!c.active(xa)) return;
    const e = c.b.cast('sitofp', c.primal(args[1]!), xa.type);
    c.add(xa, times(c, c.callMath('llvm.exp2', [e])));
  },
};

// ---------------------------------------------------------------------------
// Vector reductions

/** `f(i)` for each lane of a fixed vector, assembled into a vector of `vt`. */
function lanes(c: RuleCtx, vt: VectorType, f: (i: number) => Value): Value {
  let acc: Value = nullValue(vt);
  for (let i = 0; i < vt.count; i++) acc = c.b.insertElement(acc, f(i), c.b.i32(i));
  return acc;
}

const REDUCE_FADD: CallRule = {
  names: intrinsic('vector.reduce.fadd', 'experimental.vector.reduce.v2.fadd'),
  doc: 'd(s + sum v) = ds + sum dv (any association)',
  kind: 'rule', diffArgs: [0, 1],
  reverse(c, _call, args) {
    const [s, v] = [args[0]!, args[1]!];
    if (c.active(s)) c.add(s, c.d);
    if (c.active(v)) c.add(v, splat(c, c.d, asVector(v.type, 'vector.reduce.fadd')));
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
  reverse(c, call, args) {
    const [sa, va] = [args[0]!, args[1]!];
    const vt = asVector(va.type, 'vector.reduce.fmul');
    const b = c.b;
    if (vt.scalable) {
      const dr = times(c, c.primal(call));
      if (c.active(sa)) c.add(sa, b.fdiv(dr, c.primal(sa)));
      if (c.active(va)) c.add(va, b.fdiv(splat(c, dr, vt), c.primal(va)));
      return;
    }
    const v = c.primal(va);
    const lane = Array.from({ length: vt.count }, (_, i) => b.extractElement(v, b.i32(i)));
    // after[i] = v[i+1] * ... * v[n-1]; after[n-1] = null stands for 1.
    const after: (Value | null)[] = new Array<Value | null>(vt.count).fill(null);
    for (let i = vt.count - 2; i >= 0; i--) after[i] = after[i + 1] ? b.fmul(lane[i + 1]!, after[i + 1]!) : lane[i + 1]!;
    if (c.active(sa)) {
      const all = after[0] ? b.fmul(lane[0]!, after[0]) : lane[0]!;
      c.add(sa, times(c, all));
    }
    if (c.active(va)) {
      // before = d * s * v[0] * ... * v[i-1]
      let before: Value = times(c, c.primal(sa));
      c.add(va, lanes(c, vt, (i) => {
        const g = after[i] ? b.fmul(before, after[i]!) : before;
        if (i + 1 < vt.count) before = b.fmul(before, lane[i]!);
        return g;
      }));
    }
  },
};

// The adjoint goes to the first lane equal to the result. Scalable vectors
// cannot be walked lane by lane: there every lane equal to the result gets it.
function reduceMinMax(names: readonly string[], doc: string): CallRule {
  return {
    names, doc, kind: 'rule', diffArgs: [0],
    reverse(c, call, args) {
      const va = args[0]!;
      if (!c.active(va)) return;
      const vt = asVector(va.type, names[0]!);
      const b = c.b;
      const v = c.primal(va);
      const r = c.primal(call);
      const zero = c.fp(c.d.type, 0);
      if (vt.scalable) {
        c.add(va, b.select(b.fcmp('oeq', v, splat(c, r, vt)), splat(c, c.d, vt), nullValue(vt)));
        return;
      }
      let found: Value | null = null;
      c.add(va, lanes(c, vt, (i) => {
        const eq = b.fcmp('oeq', b.extractElement(v, b.i32(i)), r);
        const hit = found ? b.binop('and', eq, b.binop('xor', found, constInt(eq.type, 1))) : eq;
        if (i + 1 < vt.count) found = found ? b.binop('or', found, eq) : eq;
        return b.select(hit, c.d, zero);
      }));
    },
  };
}
const REDUCE_FMAX = reduceMinMax(intrinsic('vector.reduce.fmax', 'vector.reduce.fmaximum', 'experimental.vector.reduce.fmax'),
  'the adjoint goes to the first lane equal to the maximum');
const REDUCE_FMIN = reduceMinMax(intrinsic('vector.reduce.fmin', 'vector.reduce.fminimum', 'experimental.vector.reduce.fmin'),
  'the adjoint goes to the first lane equal to the minimum');

/** Rules with a reverse: the differentiable math functions. */
export const MATH_RULES: readonly CallRule[] = [
  SQRT, CBRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
  EXP, EXP2, EXP10, EXPM1, LOG, LOG2, LOG10, LOG1P, ERF, ERFC, FABS,
  POW, POWI, FMA, FMULADD, MINNUM, MAXNUM, MINIMUM, MAXIMUM, COPYSIGN, ATAN2, HYPOT, FMOD, LDEXP,
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
