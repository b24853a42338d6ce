// Calls through a table of function pointers: `double (*tbl[3])(double) = {u1, u2, u3};` then
// `tbl[k](e)` with k an integer in range (constant-folded at -O2, an indirect call at -O0).
import { c, sym, ty, type CFunc, type Code, type Kind } from '../c.js';
import { fitWrite, genExpr, FnCtx, type Feature } from '../gen.js';

export const fnptr: Feature = {
  name: 'fnptr',
  weight: 0.5,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    if (ctx.opt.depth >= 2) return null;
    const kind: Kind = prog.kind(0.2);
    const K = rng.int(2, 3);
    const cap = rng.pick([2, 4, 10]);
    const fns: string[] = [];
    for (let k = 0; k < K; k++) {
      const name = prog.fresh('u');
      const h = new FnCtx(prog, { mult: 1, depth: 2, ret: kind, retCap: cap, writesShared: false }, 0);
      h.top().reals.push({ ref: ['t'], kind, writable: false, name: 't', st: prog.storage(cap, cap, h) });
      const e = fitWrite(h, genExpr(h, rng.int(1, 3), kind), prog.storage(cap, 0, h), false)!;
      const fn: CFunc = { name, head: c`static ${ty(kind)}`, params: c`${ty(kind)} t`, body: [{ s: 'line', code: c`return ${e.code};`, fixed: true }] };
      prog.helpers.push(fn);
      fns.push(name);
    }
    const tbl = prog.fresh('tbl');
    const list: Code = fns.flatMap((f, i) => (i ? [', ', sym(f)] : [sym(f)]));
    const ints = ctx.ints().filter((v) => v.lo >= 0 && v.hi < K);
    const sel: Code = ints.length && rng.chance(0.6) ? [rng.pick(ints).name] : [String(rng.int(0, K - 1))];
    const arg = fitWrite(ctx, genExpr(ctx, rng.int(0, 2), kind), prog.storage(cap, 0, ctx), false)!;
    const isStatic = rng.chance(0.4);
    prog.tags.add(isStatic ? 'fnptr:static' : 'fnptr:local');
    const decl = c`${isStatic ? 'static ' : ''}${ty(kind)} (*const ${tbl}[${K}])(${ty(kind)}) = {${list}};`;
    return [{ s: 'line', code: decl }, ctx.declareReal(kind, { code: c`${tbl}[${sel}](${arg.code})`, kind, bound: cap }).stmt];
  },
};
