// The points each call rule is checked at, chosen inside each function's
// domain and away from its kinks; where finite differences cannot judge (ties,
// kinks, singular points) the expected gradient is given (`exact`).
import { F } from '../../src/ir/flags.js';
import type { MathCase } from './harness.js';

const D = ['double'];
const DD = ['double', 'double'];

function unary(callee: string, points: number[], params = D): MathCase {
  return { callee, params, points: points.map((x) => [x]) };
}

/** libm functions of doubles. */
export const LIBM_DOUBLE: readonly MathCase[] = [
  unary('sqrt', [0.25, 2, 9.5]),
  { callee: 'sqrt', params: D, points: [[0], [NaN]], exact: [[0], [0]] },
  unary('cbrt', [0.3, -2, 27]),
  unary('sin', [-1.3, 0.4, 2.5]),
  unary('cos', [-1.3, 0.4, 2.5]),
  unary('tan', [-1, 0.3, 1.2]),
  unary('asin', [-0.7, 0.2, 0.6]),
  unary('acos', [-0.7, 0.2, 0.6]),
  unary('atan', [-3, 0.5, 10]),
  unary('sinh', [-1.5, 0.3, 2]),
  unary('cosh', [-1.5, 0.3, 2]),
  unary('tanh', [-1.5, 0.3, 2]),
  unary('asinh', [-2, 0.5, 3]),
  unary('acosh', [1.5, 3, 10]),
  unary('atanh', [-0.6, 0.4]),
  unary('exp', [-2, 0.5, 3]),
  unary('exp2', [-1.5, 0.7, 5]),
  unary('exp10', [-1, 0.3, 1.5]),
  unary('expm1', [-1, 1e-3, 2]),
  unary('log', [0.3, 1.7, 40]),
  unary('log2', [0.3, 1.7, 40]),
  unary('log10', [0.3, 1.7, 40]),
  unary('log1p', [-0.5, 0.2, 5]),
  unary('erf', [-1.2, 0.3, 1.5]),
  unary('erfc', [-1.2, 0.3, 1.5]),
  unary('fabs', [-2.5, 3]),
  { callee: 'fabs', params: D, points: [[0], [-0]], exact: [[1], [1]] },
  { callee: 'cbrt', params: D, points: [[0]], exact: [[Infinity]] },
  { callee: 'pow', params: DD, points: [[2, 3.5], [0.5, -1.2], [3, 0], [1.7, 2]] },
  // A constant exponent: x < 0 is fine, log(x) must not be needed.
  { callee: 'pow', params: DD, inactive: [1], points: [[-2, 3], [-1.5, 2], [0.8, -0.5]] },
  { callee: 'pow', params: DD, points: [[0, 0]], inactive: [1], exact: [[0]] },
  { callee: 'fma', params: ['double', 'double', 'double'], points: [[1.5, -2, 0.3], [-0.1, 4, 7]] },
  { callee: 'fmin', params: DD, points: [[1, 2], [3, -1], [NaN, 2], [2, NaN]] },
  { callee: 'fmax', params: DD, points: [[1, 2], [3, -1], [NaN, 2], [2, NaN]] },
  { callee: 'fmin', params: DD, points: [[2, 2]], exact: [[1, 0]] },
  { callee: 'fmax', params: DD, points: [[2, 2]], exact: [[1, 0]] },
  { callee: 'copysign', params: DD, points: [[1.5, -2], [-1.5, -2], [-3, 4], [2, 5]] },
  { callee: 'atan2', params: DD, points: [[1, 2], [-0.5, -1.5], [2, -0.3]] },
  { callee: 'hypot', params: DD, points: [[3, 4], [-1, 0.5]] },
  { callee: 'fmod', params: DD, points: [[5.3, 2], [-7.5, 2.2], [1, 3]] },
  { callee: 'ldexp', params: ['double', 'i32'], points: [[1.5, 3], [-0.7, -2]] },
  { callee: 'scalbn', params: ['double', 'i32'], points: [[1.5, 3], [-0.7, -2]] },
];

/** The `f` (float) and `l` (x86 long double) variants. */
export const LIBM_OTHER: readonly MathCase[] = [
  unary('sinf', [-1.3, 0.4], ['float']),
  unary('cosf', [-1.3, 0.4], ['float']),
  unary('expf', [-2, 0.5], ['float']),
  unary('logf', [0.3, 4], ['float']),
  unary('sqrtf', [0.3, 4], ['float']),
  unary('tanhf', [-0.5, 1], ['float']),
  unary('sinhf', [-0.5, 1], ['float']),
  unary('erff', [-0.5, 1], ['float']),
  { callee: 'powf', params: ['float', 'float'], points: [[2, 1.5], [0.7, -0.5]] },
  { callee: 'atan2f', params: ['float', 'float'], points: [[1, 2], [-0.5, -1.5]] },
  { callee: 'fmodf', params: ['float', 'float'], points: [[5.3, 2]] },
  { callee: 'fminf', params: ['float', 'float'], points: [[1, 2], [3, -1]] },
  { callee: 'hypotf', params: ['float', 'float'], points: [[3, 4]] },
  unary('sinl', [-1.3, 0.4], ['x86_fp80']),
  unary('expl', [-2, 0.5], ['x86_fp80']),
  unary('coshl', [-0.5, 1], ['x86_fp80']),
  unary('cbrtl', [0.3, -2], ['x86_fp80']),
  { callee: 'powl', params: ['x86_fp80', 'x86_fp80'], points: [[2, 1.5], [0.7, -0.5]] },
  { callee: 'fmodl', params: ['x86_fp80', 'x86_fp80'], points: [[5.3, 2]] },
  { callee: 'ldexpl', params: ['x86_fp80', 'i32'], points: [[1.5, 3]] },
];

const V2 = ['v2double'];
const V4 = ['v4double'];

/** Intrinsics: scalars of each precision, vectors, reductions. */
export const INTRINSICS: readonly MathCase[] = [
  unary('llvm.sqrt.f64', [0.25, 9.5]),
  unary('llvm.sin.f64', [-1.3, 0.4]),
  unary('llvm.cos.f64', [-1.3, 0.4]),
  unary('llvm.exp.f64', [-2, 3]),
  unary('llvm.exp2.f64', [-1.5, 5]),
  unary('llvm.log.f64', [0.3, 40]),
  unary('llvm.log2.f64', [0.3, 40]),
  unary('llvm.log10.f64', [0.3, 40]),
  unary('llvm.fabs.f64', [-2.5, 3]),
  unary('llvm.sin.f32', [-1.3, 0.4], ['float']),
  unary('llvm.exp.f80', [-2, 0.5], ['x86_fp80']),
  { callee: 'llvm.pow.f64', params: DD, points: [[2, 3.5], [0.5, -1.2], [3, 0]] },
  { callee: 'llvm.powi.f64.i32', params: ['double', 'i32'], points: [[1.5, 3], [-2, 5], [0.7, -2], [-1.3, 1]] },
  { callee: 'llvm.powi.f64.i32', params: ['double', 'i32'], points: [[2, 0], [0, 0]], exact: [[0], [0]] },
  { callee: 'llvm.fma.f64', params: ['double', 'double', 'double'], points: [[1.5, -2, 0.3]] },
  { callee: 'llvm.fmuladd.f64', params: ['double', 'double', 'double'], points: [[1.5, -2, 0.3]] },
  { callee: 'llvm.fmuladd.f64', params: ['double', 'double', 'double'], inactive: [0], points: [[1.5, -2, 0.3]] },
  { callee: 'llvm.minnum.f64', params: DD, points: [[1, 2], [3, -1], [NaN, 2]] },
  { callee: 'llvm.maxnum.f64', params: DD, points: [[1, 2], [3, -1], [2, NaN]] },
  // LLVM 14's x86 back end cannot select minimum / maximum.
  { callee: 'llvm.minimum.f64', params: DD, points: [[1, 2], [3, -1]], since: 19 },
  { callee: 'llvm.maximum.f64', params: DD, points: [[1, 2], [3, -1]], since: 19 },
  { callee: 'llvm.maximum.f64', params: DD, points: [[2, 2]], exact: [[1, 0]], since: 19 },
  { callee: 'llvm.copysign.f64', params: DD, points: [[1.5, -2], [-1.5, -2], [-3, 4]] },

  // Vectors.
  { callee: 'llvm.sin.v2f64', params: V2, points: [[-1.3, 0.4]] },
  { callee: 'llvm.sqrt.v2f64', params: V2, points: [[0.25, 9.5]] },
  { callee: 'llvm.exp.v4f64', params: V4, points: [[-2, 0.5, 1, 3]] },
  { callee: 'llvm.log.v2f64', params: V2, points: [[0.3, 40]] },
  { callee: 'llvm.fabs.v4f32', params: ['v4float'], points: [[-2.5, 3, 0.5, -1]] },
  { callee: 'llvm.pow.v2f64', params: ['v2double', 'v2double'], points: [[2, 0.5, 3.5, -1.2]] },
  { callee: 'llvm.powi.v2f64.i32', params: ['v2double', 'i32'], points: [[1.5, -2, 3]] },
  { callee: 'llvm.fma.v2f64', params: ['v2double', 'v2double', 'v2double'], points: [[1.5, -2, 0.3, 4, 7, -1]] },
  { callee: 'llvm.maxnum.v2f64', params: ['v2double', 'v2double'], points: [[1, 3, 2, -1]] },
  { callee: 'llvm.copysign.v2f64', params: ['v2double', 'v2double'], points: [[1.5, -3, -2, 4]] },

  // Reductions.
  { callee: 'llvm.vector.reduce.fadd.v4f64', params: ['double', 'v4double'], points: [[0.5, 1, -2, 3, 4]] },
  { callee: 'llvm.vector.reduce.fadd.v4f64', params: ['double', 'v4double'], flags: F.REASSOC, points: [[-0, 1, -2, 3, 4]] },
  { callee: 'llvm.vector.reduce.fadd.v4f32', params: ['float', 'v4float'], points: [[0.5, 1, -2, 3, 4]] },
  { callee: 'llvm.vector.reduce.fmul.v4f64', params: ['double', 'v4double'], points: [[1.5, 2, -0.5, 3, 0.8], [2, 1.5, 0, 3, -2], [1, 0, 2, 0, 3]] },
  { callee: 'llvm.vector.reduce.fmul.v2f64', params: ['double', 'v2double'], inactive: [0], points: [[1.5, 2, -0.5]] },
  { callee: 'llvm.vector.reduce.fmax.v4f64', params: V4, ret: 'double', points: [[1, 5, -2, 3]] },
  { callee: 'llvm.vector.reduce.fmin.v4f64', params: V4, ret: 'double', points: [[1, 5, -2, 3]] },
  { callee: 'llvm.vector.reduce.fmax.v4f64', params: V4, ret: 'double', points: [[1, 5, 5, 2]], exact: [[0, 1, 0, 0]] },
  { callee: 'llvm.vector.reduce.fmin.v4f64', params: V4, ret: 'double', points: [[3, -1, 2, -1]], exact: [[0, 1, 0, 0]] },

  // Intrinsics LLVM 14 does not have.
  { ...unary('llvm.tan.f64', [0.3, 1.2]), since: 19 },
  { ...unary('llvm.asin.f64', [-0.7, 0.6]), since: 19 },
  { ...unary('llvm.acos.f64', [-0.7, 0.6]), since: 19 },
  { ...unary('llvm.atan.f64', [-3, 0.5]), since: 19 },
  { ...unary('llvm.sinh.f64', [-1.5, 2]), since: 19 },
  { ...unary('llvm.cosh.f64', [-1.5, 2]), since: 19 },
  { ...unary('llvm.tanh.f64', [-1.5, 2]), since: 19 },
  { callee: 'llvm.sinh.v2f64', params: V2, points: [[-1.5, 2]], since: 19 },
  { ...unary('llvm.exp10.f64', [-1, 1.5]), since: 19 },
  { callee: 'llvm.ldexp.f64.i32', params: ['double', 'i32'], points: [[1.5, 3], [-0.7, -2]], since: 19 },
  { callee: 'llvm.vector.reduce.fmaximum.v4f64', params: V4, ret: 'double', points: [[1, 5, -2, 3]], since: 19 },
  { callee: 'llvm.vector.reduce.fminimum.v4f64', params: V4, ret: 'double', points: [[1, 5, -2, 3]], since: 19 },
];
