// Derivative rules for complex arithmetic as clang lowers it on x86-64: the
// C99 `<complex.h>` functions and the multiplication / division library calls
// (`__muldc3`, `__divdc3`) that C `double complex` and C++ `std::complex`
// operations become.
//
// The ABI: a `double complex` argument is two `double`s (real, imaginary), a
// result is `{ double, double }`; a `float complex` argument or result is one
// `<2 x float>` (except `__mulsc3` / `__divsc3`, which take four floats). The
// rules read the layout off the call, so one rule serves both. (`long double
// complex` goes through memory; those functions have no rule, E0402.)
//
// A holomorphic function w = f(z) has a complex derivative D = f'(z) = p + iq,
// and dw = D dz: the partial of (re w, im w) with respect to re z is (p, q),
// with respect to im z (-q, p); the transpose takes an adjoint (u, v) to
// p u + q v and -q u + p v, i.e. conj(D) times the adjoint. `cabs` and `carg`
// have real results: their partials are the real gradients.

import { once, type CallRule, type Linear, type RuleEnv } from './api.js';
import type { CallInst } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { undefValue } from '../ir/builder.js';

/** A complex value as its two parts. */
type C = readonly [Value, Value];
type Lazy<T> = () => T;

/** `cexp` -> `cexp`, `cexpf` (long double complex is passed in memory: no rule). */
function cvariants(...bases: string[]): string[] {
  return bases.flatMap((b) => [b, b + 'f']);
}

/** The precision suffix of the callee (`f` for `cexpf`), to call its relatives in the same precision. */
function suffixOf(call: CallInst, bases: readonly string[]): string {
  const n = call.callee.name ?? '';
  for (const b of bases) if (n === b + 'f') return 'f';
  return '';
}

function parts(e: RuleEnv, v: Value): C {
  const b = e.b;
  if (v.type.kind === 'vector') return [b.extractElement(v, b.i32(0)), b.extractElement(v, b.i32(1))];
  return [b.extractValue(v, [0]), b.extractValue(v, [1])];
}

/** A complex value of type `t` (`{ T, T }` or `<2 x T>`) from its parts. */
function make(e: RuleEnv, t: Type, z: C): Value {
  const b = e.b;
  if (t.kind === 'vector') return b.insertElement(b.insertElement(undefValue(t), z[0], b.i32(0)), z[1], b.i32(1));
  return b.insertValue(b.insertValue(undefValue(t), z[0], [0]), z[1], [1]);
}

function cmul(e: RuleEnv, x: C, y: C): C {
  const b = e.b;
  return [b.fsub(b.fmul(x[0], y[0]), b.fmul(x[1], y[1])), b.fadd(b.fmul(x[0], y[1]), b.fmul(x[1], y[0]))];
}

/** 1 / z = conj(z) / |z|^2. */
function cinv(e: RuleEnv, z: C): C {
  const b = e.b;
  const n = b.fadd(b.fmul(z[0], z[0]), b.fmul(z[1], z[1]));
  return [b.fdiv(z[0], n), b.fneg(b.fdiv(z[1], n))];
}

function cadd(e: RuleEnv, x: C, y: C): C { return [e.b.fadd(x[0], y[0]), e.b.fadd(x[1], y[1])]; }
function cneg(e: RuleEnv, x: C): C { return [e.b.fneg(x[0]), e.b.fneg(x[1])]; }
function real(e: RuleEnv, x: number, like: Value): C { return [e.fp(like.type, x), e.fp(like.type, 0)]; }

/** How the call passes its complex operands: the argument positions of operand k's parts. */
interface Layout {
  /** Per complex operand: [position of the real part, of the imaginary part], or [position] when packed. */
  positions: number[][];
}

function layoutOf(args: readonly Value[], n: number): Layout {
  if (args[0]!.type.kind === 'vector') return { positions: Array.from({ length: n }, (_, k) => [k]) };
  return { positions: Array.from({ length: n }, (_, k) => [2 * k, 2 * k + 1]) };
}

/** Calls the complex function `name` on complex values in the call's own layout; its complex result. */
function ccall(e: RuleEnv, call: CallInst, name: string, zs: readonly C[]): C {
  const packed = call.args()[0]!.type.kind === 'vector';
  const args: Value[] = [];
  for (const z of zs) {
    if (packed) args.push(make(e, e.module.types.vector(2, z[0].type), z));
    else args.push(z[0], z[1]);
  }
  const rt = packed ? e.module.types.vector(2, zs[0]![0].type) : e.module.types.struct([zs[0]![0].type, zs[0]![0].type]);
  return parts(e, e.callMath(name, args, rt));
}

/** The primal parts of each complex operand, computed on first use. */
function operands(e: RuleEnv, args: readonly Value[], layout: Layout): Lazy<C>[] {
  return layout.positions.map((pos) => once((): C => {
    if (pos.length === 1) return parts(e, e.primal(args[pos[0]!]!));
    return [e.primal(args[pos[0]!]!), e.primal(args[pos[1]!]!)];
  }));
}

/** Partials for a holomorphic result: `deriv[k]()` is the complex derivative with respect to operand k. */
function holomorphic(e: RuleEnv, call: CallInst, layout: Layout, deriv: readonly Lazy<C>[]): Linear[] {
  const rt = call.type;
  const b = e.b;
  const out: Linear[] = [];
  layout.positions.forEach((pos, k) => {
    const D = once(deriv[k]!);
    if (pos.length === 1) {
      const at = call.args()[pos[0]!]!.type;
      out[pos[0]!] = {
        jvp: (t) => make(e, rt, cmul(e, D(), parts(e, t))),
        vjp: (d) => {
          const [p, q] = D();
          const [u, v] = parts(e, d);
          return make(e, at, [b.fadd(b.fmul(p, u), b.fmul(q, v)), b.fsub(b.fmul(p, v), b.fmul(q, u))]);
        },
      };
      return;
    }
    out[pos[0]!] = {
      jvp: (t) => { const [p, q] = D(); return make(e, rt, [b.fmul(p, t), b.fmul(q, t)]); },
      vjp: (d) => { const [p, q] = D(); const [u, v] = parts(e, d); return b.fadd(b.fmul(p, u), b.fmul(q, v)); },
    };
    out[pos[1]!] = {
      jvp: (t) => { const [p, q] = D(); return make(e, rt, [b.fneg(b.fmul(q, t)), b.fmul(p, t)]); },
      vjp: (d) => { const [p, q] = D(); const [u, v] = parts(e, d); return b.fsub(b.fmul(p, v), b.fmul(q, u)); },
    };
  });
  return out;
}

/** Partials for a real result of one complex operand: `grad()` is (d/d re, d/d im). */
function realValued(e: RuleEnv, call: CallInst, layout: Layout, grad: Lazy<C>): Linear[] {
  const b = e.b;
  const G = once(grad);
  const pos = layout.positions[0]!;
  const out: Linear[] = [];
  if (pos.length === 1) {
    const at = call.args()[pos[0]!]!.type;
    out[pos[0]!] = {
      jvp: (t) => { const [gr, gi] = G(); const [tr, ti] = parts(e, t); return b.fadd(b.fmul(gr, tr), b.fmul(gi, ti)); },
      vjp: (d) => { const [gr, gi] = G(); return make(e, at, [b.fmul(gr, d), b.fmul(gi, d)]); },
    };
    return out;
  }
  out[pos[0]!] = { jvp: (t) => b.fmul(G()[0], t), vjp: (d) => b.fmul(G()[0], d) };
  out[pos[1]!] = { jvp: (t) => b.fmul(G()[1], t), vjp: (d) => b.fmul(G()[1], d) };
  return out;
}

/** A rule for a holomorphic function of `n` complex operands. */
function hrule(bases: readonly string[], names: readonly string[], doc: string, n: number,
  deriv: (e: RuleEnv, call: CallInst, z: readonly Lazy<C>[], w: Lazy<C>, sfx: string) => Lazy<C>[]): CallRule {
  return {
    names, doc, kind: 'rule',
    partials(e, call, args) {
      const layout = layoutOf(args, n);
      const z = operands(e, args, layout);
      const w = once(() => parts(e, e.primal(call)));
      return holomorphic(e, call, layout, deriv(e, call, z, w, suffixOf(call, bases)));
    },
  };
}

function unaryH(base: string, doc: string, d: (e: RuleEnv, call: CallInst, z: Lazy<C>, w: Lazy<C>, sfx: string) => C): CallRule {
  return hrule([base], cvariants(base), doc, 1, (e, call, z, w, sfx) => [() => d(e, call, z[0]!, w, sfx)]);
}

/** 1 / sqrt(s), s complex, through the library's csqrt. */
function invSqrt(e: RuleEnv, call: CallInst, sfx: string, s: C): C {
  return cinv(e, ccall(e, call, 'csqrt' + sfx, [s]));
}

const one = (e: RuleEnv, like: Value): C => real(e, 1, like);

const CEXP = unaryH('cexp', "cexp(z)' = cexp(z)", (_e, _c, _z, w) => w());
const CLOG = unaryH('clog', "clog(z)' = 1 / z", (e, _c, z) => cinv(e, z()));
const CSQRT = unaryH('csqrt', "csqrt(z)' = 1 / (2 csqrt(z))", (e, _c, _z, w) => {
  const [a, b] = w();
  return cinv(e, [e.b.fmul(a, e.fp(a.type, 2)), e.b.fmul(b, e.fp(b.type, 2))]);
});
const CSIN = unaryH('csin', "csin(z)' = ccos(z)", (e, c, z, _w, sfx) => ccall(e, c, 'ccos' + sfx, [z()]));
const CCOS = unaryH('ccos', "ccos(z)' = -csin(z)", (e, c, z, _w, sfx) => cneg(e, ccall(e, c, 'csin' + sfx, [z()])));
const CTAN = unaryH('ctan', "ctan(z)' = 1 + ctan(z)^2", (e, _c, _z, w) => cadd(e, one(e, w()[0]), cmul(e, w(), w())));
const CSINH = unaryH('csinh', "csinh(z)' = ccosh(z)", (e, c, z, _w, sfx) => ccall(e, c, 'ccosh' + sfx, [z()]));
const CCOSH = unaryH('ccosh', "ccosh(z)' = csinh(z)", (e, c, z, _w, sfx) => ccall(e, c, 'csinh' + sfx, [z()]));
const CTANH = unaryH('ctanh', "ctanh(z)' = 1 - ctanh(z)^2", (e, _c, _z, w) => cadd(e, one(e, w()[0]), cneg(e, cmul(e, w(), w()))));
const CASIN = unaryH('casin', "casin(z)' = 1 / csqrt(1 - z^2)", (e, c, z, _w, sfx) =>
  invSqrt(e, c, sfx, cadd(e, one(e, z()[0]), cneg(e, cmul(e, z(), z())))));
const CACOS = unaryH('cacos', "cacos(z)' = -1 / csqrt(1 - z^2)", (e, c, z, _w, sfx) =>
  cneg(e, invSqrt(e, c, sfx, cadd(e, one(e, z()[0]), cneg(e, cmul(e, z(), z()))))));
const CATAN = unaryH('catan', "catan(z)' = 1 / (1 + z^2)", (e, _c, z) => cinv(e, cadd(e, one(e, z()[0]), cmul(e, z(), z()))));
const CASINH = unaryH('casinh', "casinh(z)' = 1 / csqrt(1 + z^2)", (e, c, z, _w, sfx) =>
  invSqrt(e, c, sfx, cadd(e, one(e, z()[0]), cmul(e, z(), z()))));
const CACOSH = unaryH('cacosh', "cacosh(z)' = 1 / (csqrt(z - 1) csqrt(z + 1))", (e, c, z, _w, sfx) => {
  const o = one(e, z()[0]);
  return cinv(e, cmul(e, ccall(e, c, 'csqrt' + sfx, [cadd(e, z(), cneg(e, o))]), ccall(e, c, 'csqrt' + sfx, [cadd(e, z(), o)])));
});
const CATANH = unaryH('catanh', "catanh(z)' = 1 / (1 - z^2)", (e, _c, z) => cinv(e, cadd(e, one(e, z()[0]), cneg(e, cmul(e, z(), z())))));

const CPOW = hrule(['cpow'], cvariants('cpow'), "d cpow(z, w) = w cpow(z, w) / z dz + cpow(z, w) clog(z) dw", 2, (e, c, z, r, sfx) => [
  () => cmul(e, cmul(e, z[1]!(), r()), cinv(e, z[0]!())),
  () => cmul(e, r(), ccall(e, c, 'clog' + sfx, [z[0]!()])),
]);

// The multiplication and division calls: z1 z2 and z1 / z2 (finite operands;
// their recovery of infinities and NaNs has no derivative).
function mulRule(names: readonly string[]): CallRule {
  return hrule([], names, 'd(z1 z2) = z2 dz1 + z1 dz2', 2, (_e, _c, z) => [() => z[1]!(), () => z[0]!()]);
}
function divRule(names: readonly string[]): CallRule {
  return hrule([], names, 'd(z1 / z2) = dz1 / z2 - (z1 / z2) dz2 / z2', 2, (e, _c, z, w) => {
    const inv = once(() => cinv(e, z[1]!()));
    return [inv, () => cneg(e, cmul(e, w(), inv()))];
  });
}
const MULC = mulRule(['__muldc3', '__mulsc3']);
const DIVC = divRule(['__divdc3', '__divsc3']);

const CABS: CallRule = {
  names: cvariants('cabs'), doc: 'd|z| = (re z d re z + im z d im z) / |z|', kind: 'rule',
  partials(e, call, args) {
    const layout = layoutOf(args, 1);
    const z = operands(e, args, layout)[0]!;
    return realValued(e, call, layout, () => {
      const r = e.primal(call);
      return [e.b.fdiv(z()[0], r), e.b.fdiv(z()[1], r)];
    });
  },
};
const CARG: CallRule = {
  names: cvariants('carg'), doc: 'd arg z = (re z d im z - im z d re z) / |z|^2', kind: 'rule',
  partials(e, call, args) {
    const layout = layoutOf(args, 1);
    const z = operands(e, args, layout)[0]!;
    return realValued(e, call, layout, () => {
      const [a, b] = z();
      const n = e.b.fadd(e.b.fmul(a, a), e.b.fmul(b, b));
      return [e.b.fneg(e.b.fdiv(b, n)), e.b.fdiv(a, n)];
    });
  },
};

export const COMPLEX_RULES: readonly CallRule[] = [
  CEXP, CLOG, CSQRT, CSIN, CCOS, CTAN, CSINH, CCOSH, CTANH, CASIN, CACOS, CATAN, CASINH, CACOSH, CATANH,
  CPOW, MULC, DIVC, CABS, CARG,
];
