// Loops clang vectorizes at -O2/-O3 (more so with restrict parameters and -ffast-math):
// element-wise maps, dot-product and max reductions, gathers through an index array, axpy updates.
import { c, kink, num, ty, type Code, type Stmt } from '../c.js';
import { fitWrite, inLoop, niceCap, type ArrayRef, type Feature } from '../gen.js';

export const vecLoop: Feature = {
  name: 'vector',
  weight: 1.5,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const n = prog.n;
    if (ctx.tripProduct() * n * ctx.opt.mult > 400) return null;
    const srcs = ctx.arrays().filter((a) => a.base !== null && a.len >= n);
    const dsts = ctx.writableArrays().filter((a) => a.base !== null && a.len >= n);
    if (!srcs.length) return null;
    const i = prog.fresh('i');
    const head: Code = c`for (int ${i} = 0; ${i} < n; ${i}++) {`;
    const x = rng.pick(srcs), y = rng.pick(srcs);
    const form = rng.weighted<string>([['axpy', 3], ['mul', 1.5], ['update', 1.5], ['dot', 3], ['max', 1], ['gather', prog.intArrays.length ? 1.5 : 0], ['walk', prog.since(2) ? 1 : 0]]);
    prog.tags.add(`vector:${form}`);
    const loop = (mk: () => Stmt[]): Stmt => ({ s: 'block', head, body: inLoop(ctx, n, { name: i, lo: 0, hi: n - 1 }, 'for', mk), tail: ['}'] });
    const at = (a: ArrayRef): Code => a.at([i]);
    switch (form) {
      case 'axpy': case 'mul': case 'update': {
        const cands = dsts.filter((d) => d.object !== x.object && d.object !== y.object);
        if (!cands.length) return null;
        const d = rng.pick(cands);
        const k = d.kind;
        if (form === 'axpy') {
          const a = niceCap(d.st.cap / (x.st.cap + y.st.cap + 1));
          d.st.used = Math.max(d.st.used, a * (x.st.cap + y.st.cap + 1));
          return [loop(() => [{ s: 'line', code: c`${at(d)} = ${num(a, k)} * ${at(x)} + ${num(a, k)} * ${at(y)} - ${num(a, k)};` }])];
        }
        if (form === 'mul') {
          const a = niceCap(d.st.cap / (x.st.cap * y.st.cap));
          d.st.used = Math.max(d.st.used, a * x.st.cap * y.st.cap);
          return [loop(() => [{ s: 'line', code: c`${at(d)} = ${num(a, k)} * ${at(x)} * ${at(y)};` }])];
        }
        const w = fitWrite(ctx, { code: c`${num(0.5, x.kind)} * ${at(x)}`, kind: x.kind, bound: 0.5 * x.st.cap }, d.st, true);
        if (!w || w.code.length > 3 + at(x).length + 2) return null; // squashed: not a plain axpy any more
        return [loop(() => [{ s: 'line', code: c`${at(d)} += ${w.code};` }])];
      }
      case 'walk': {
        // pointer increments: s += *p++ * c
        const k = x.kind;
        const s = prog.fresh('s'), pw = prog.fresh('pw');
        const st = prog.storage(niceCap(n * x.st.cap + 1), 0, ctx, ctx.tripProduct());
        st.used = st.cap;
        ctx.top().reals.push({ ref: [s], kind: k, st, writable: false, name: s });
        return [
          { s: 'line', code: c`${ty(k)} ${s} = ${num(0, k)};` },
          { s: 'line', code: c`const ${ty(k)} *${pw} = ${x.base!};` },
          loop(() => [{ s: 'line', code: c`${s} += *${pw}++;` }]),
        ];
      }
      case 'dot': case 'max': case 'gather': {
        const k = x.kind === 'D' || y.kind === 'D' ? 'D' : 'F';
        const s = prog.fresh('s');
        const st = prog.storage(0, 0, ctx, ctx.tripProduct());
        let body: Code;
        let init: Code = [num(0, k)];
        if (form === 'dot') { body = c`${s} += ${at(x)} * ${at(y)};`; st.cap = n * x.st.cap * y.st.cap + 1; }
        else if (form === 'max') { init = x.at(['0']); body = c`${s} = ${kink(rng.chance(0.5) ? 'fmax' : 'fmin', k, [s], at(x))};`; st.cap = x.st.cap + 1; }
        else {
          const ia = prog.intArrays.find((a) => a.len >= n && a.lo >= 0 && a.hi < x.len);
          if (!ia) return null;
          body = c`${s} += ${x.at(c`${ia.name}[${i}]`)};`;
          st.cap = n * x.st.cap + 1;
        }
        st.cap = niceCap(st.cap);
        st.used = st.cap;
        const decl: Stmt = { s: 'line', code: c`${ty(k)} ${s} = ${init};` };
        ctx.top().reals.push({ ref: [s], kind: k, st, writable: false, name: s });
        return [decl, loop(() => [{ s: 'line', code: body }])];
      }
    }
    return null;
  },
};
