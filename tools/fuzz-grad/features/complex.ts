// Generator 7: complex arithmetic, `double _Complex z = a + b i`, products and quotients (clang
// calls `__muldc3` / `__divdc3`, `__mulsc3` for float: at -O0 always, at -O1 and up on the path
// where the fast formula gives NaN), conjugates, and the real or imaginary part read back. GNU
// `__real__` / `__imag__` spell it the same in C and C++; the twin is `long double _Complex`.
import { c, ty, type Code, type Kind, type Stmt } from '../c.js';
import { genExpr, genPos, squash, type Feature, type FnCtx, type Val } from '../gen.js';

function part(ctx: FnCtx, k: Kind, cap: number): Val {
  let e = genExpr(ctx, ctx.rng.int(0, 2), k);
  if (e.bound > cap) e = squash(ctx, e, cap);
  return e;
}

export const complex: Feature = {
  name: 'complex',
  weight: 0.5,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const k: Kind = prog.kind(0.25);
    const out: Stmt[] = [];
    const z = prog.fresh('z'), w = prog.fresh('z'), u = prog.fresh('z');
    const a = part(ctx, k, 10), b = part(ctx, k, 10);
    out.push({ s: 'line', code: c`${ty(k)} _Complex ${z};` });
    out.push({ s: 'line', code: c`__real__ ${z} = ${a.code};`, fixed: true });
    out.push({ s: 'line', code: c`__imag__ ${z} = ${b.code};`, fixed: true });
    const zb = a.bound + b.bound;
    const op = rng.weighted<'mul' | 'div' | 'conj'>([['mul', 3], ['div', 2], ['conj', 1]]);
    let bound: number;
    if (op === 'div') {
      // the divisor's real part is positive and bounded away from 0: |w| >= its minimum
      const p = genPos(ctx, rng.int(0, 1), k);
      const pc = p.max > 100 ? squash(ctx, { code: p.code, kind: p.kind, bound: p.max }, 100) : { code: p.code };
      const im = part(ctx, k, 10);
      out.push({ s: 'line', code: c`${ty(k)} _Complex ${w};` });
      out.push({ s: 'line', code: c`__real__ ${w} = ${pc.code};`, fixed: true });
      out.push({ s: 'line', code: c`__imag__ ${w} = ${im.code};`, fixed: true });
      out.push({ s: 'line', code: c`${ty(k)} _Complex ${u} = ${z} / ${w};`, fixed: true });
      bound = zb / p.min;
      prog.tags.add('complex:div');
    } else {
      const c2 = part(ctx, k, 10), d2 = part(ctx, k, 10);
      out.push({ s: 'line', code: c`${ty(k)} _Complex ${w};` });
      out.push({ s: 'line', code: c`__real__ ${w} = ${c2.code};`, fixed: true });
      out.push({ s: 'line', code: c`__imag__ ${w} = ${d2.code};`, fixed: true });
      const rhs: Code = op === 'conj' ? c`${z} * ~${w} + ${z}` : c`${z} * ${w}`;
      out.push({ s: 'line', code: c`${ty(k)} _Complex ${u} = ${rhs};`, fixed: true });
      bound = zb * (c2.bound + d2.bound) + (op === 'conj' ? zb : 0);
      prog.tags.add(`complex:${op}`);
    }
    const which = rng.chance(0.5) ? '__real__' : '__imag__';
    const d = ctx.declareReal(k, { code: c`(${which} ${u})`, kind: k, bound });
    out.push(d.stmt);
    return [{ s: 'group', body: out }];
  },
};
