// Integer index arithmetic, and casts of active values to int used as indices (the twin
// records the distance to the nearest integer, so points near a jump are refused).
import { c, kink, type Code } from '../c.js';
import { genExpr, squash, type Feature } from '../gen.js';

export const intVar: Feature = {
  name: 'int',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    const n = ctx.prog.n;
    const name = ctx.prog.fresh('k');
    const ints = ctx.ints().filter((v) => v.lo >= 0);
    const forms: [() => { code: Code; lo: number; hi: number }, number][] = [
      [() => ({ code: ['n / 2'], lo: Math.floor(n / 2), hi: Math.floor(n / 2) }), 1],
      [() => { const a = rng.int(1, 5), b = rng.int(0, 7), m = rng.int(2, 9); const v = (n * a + b) % m; return { code: [`(n * ${a} + ${b}) % ${m}`], lo: v, hi: v }; }, 1],
      [() => { const v = rng.pick(ints.length ? ints : [{ name: 'n', lo: n, hi: n }]); const m = rng.int(2, 7); return { code: [`(${v.name} * 3 + 1) % ${m}`], lo: 0, hi: m - 1 }; }, 1.5],
      [() => { const v = rng.pick(ints.length ? ints : [{ name: 'n', lo: n, hi: n }]); return { code: [`${v.name} / 2 + 1`], lo: Math.floor(v.lo / 2) + 1, hi: Math.floor(v.hi / 2) + 1 }; }, 1],
    ];
    const ia = ctx.prog.intArrays[0];
    if (ia) forms.push([() => ({ code: [`${ia.name}[${rng.int(0, ia.len - 1)}]`], lo: ia.lo, hi: ia.hi }), 1.5]);
    const f = rng.weighted(forms)();
    ctx.top().ints.push({ name, lo: f.lo, hi: f.hi });
    ctx.prog.tags.add('int:arith');
    return [{ s: 'line', code: c`int ${name} = ${f.code};` }];
  },
};

/** `int q = ((int)(e) % L + L) % L;` */
export const toInt: Feature = {
  name: 'toint',
  weight: 0.4,
  gen(ctx) {
    const rng = ctx.rng;
    let e = genExpr(ctx, rng.int(1, 2));
    if (e.bound > 1000) e = squash(ctx, e, 1000);
    const scale = rng.pick([1, 2, 4]);
    const L = rng.chance(0.6) ? ctx.prog.n : rng.int(2, 8);
    const Lc = L === ctx.prog.n ? 'n' : String(L);
    const name = ctx.prog.fresh('q');
    ctx.top().ints.push({ name, lo: 0, hi: L - 1 });
    ctx.prog.tags.add('int:cast');
    const arg: Code = scale === 1 ? e.code : c`${e.code} * ${String(scale)}`;
    return [{ s: 'line', code: c`int ${name} = (${kink('toint', e.kind, arg)} % ${Lc} + ${Lc}) % ${Lc};` }];
  },
};
