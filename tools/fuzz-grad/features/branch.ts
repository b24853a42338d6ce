// Branches on active values (recorded by the twin: points near a flip are refused) and on
// inactive ones (integers, constant data), and early returns.
import { c, cmp, num, type Code, type Stmt } from '../c.js';
import { fitWrite, genBlock, genExpr, scoped, type Feature, type FnCtx } from '../gen.js';

function condition(ctx: FnCtx): Code {
  const rng = ctx.rng;
  const ints = ctx.ints();
  const kinds: [() => Code, number][] = [
    [() => {
      const a = genExpr(ctx, rng.int(0, 2)), b = genExpr(ctx, rng.int(0, 1));
      ctx.prog.tags.add('branch:active');
      return [cmp(rng.pick(['<', '<=', '>', '>='] as const), a.code, b.code)];
    }, 4],
    [() => {
      const a = genExpr(ctx, rng.int(0, 2));
      ctx.prog.tags.add('branch:active');
      return [cmp(rng.pick(['<', '>'] as const), a.code, [num(rng.nice(-1, 1), a.kind)])];
    }, 2],
  ];
  if (ints.length) kinds.push([() => {
    const v = rng.pick(ints);
    ctx.prog.tags.add('branch:int');
    const k = rng.int(2, 3);
    return rng.chance(0.5) ? c`${v.name} % ${k} == ${rng.int(0, k - 1)}` : c`${v.name} < ${rng.int(v.lo, v.hi + 1)}`;
  }, 2]);
  kinds.push([() => { ctx.prog.tags.add('branch:int'); return c`n > ${rng.int(1, ctx.prog.n + 1)}`; }, 0.5]);
  return rng.weighted(kinds)();
}

export const ifStmt: Feature = {
  name: 'if',
  weight: 2.5,
  gen(ctx) {
    const cond = condition(ctx);
    const then = scoped(ctx, () => genBlock(ctx, ctx.rng.int(1, 3)));
    const els = ctx.rng.chance(0.5) ? scoped(ctx, () => genBlock(ctx, ctx.rng.int(1, 3))) : null;
    if (!then.length && !els?.length) return null;
    return [{ s: 'if', cond, then, else: els && els.length ? els : null }];
  },
};

/** `if (cond) return expr;` (the scope's heap temporaries leak on that path, as in real code that forgets them). */
export const earlyReturn: Feature = {
  name: 'return',
  weight: 0.6,
  gen(ctx) {
    if (ctx.opt.noEarlyReturn) return null;
    if (ctx.opt.depth > 0 && ctx.rng.chance(0.5)) return null;
    const cond = condition(ctx);
    const ret = ctx.opt.ret;
    let body: Stmt;
    if (ret === null) body = { s: 'line', code: ['return;'] };
    else {
      const e = fitWrite(ctx, genExpr(ctx, ctx.rng.int(0, 2), ret), ctx.prog.storage(ctx.opt.retCap, 0, ctx), false)!;
      body = { s: 'line', code: c`return ${e.code};` };
    }
    ctx.prog.tags.add('return:early');
    return [{ s: 'if', cond, then: [body], else: null }];
  },
};

/** `switch (k % m) { case 0: {...} break; ... default: {...} }` on an integer. */
export const switchStmt: Feature = {
  name: 'switch',
  weight: 0.7,
  gen(ctx) {
    const rng = ctx.rng;
    const ints = ctx.ints().filter((v) => v.lo >= 0);
    const m = rng.int(2, 4);
    const subject: Code = ints.length ? c`${rng.pick(ints).name} % ${m}` : c`n % ${m}`;
    const cases: Stmt[] = [];
    const nc = rng.int(1, m);
    for (let k = 0; k < nc; k++) {
      const body = scoped(ctx, () => genBlock(ctx, rng.int(1, 2)));
      cases.push({ s: 'block', head: [`case ${k}: {`], body, tail: [rng.chance(0.8) ? '} break;' : '}'] });
    }
    if (rng.chance(0.6)) cases.push({ s: 'block', head: ['default: {'], body: scoped(ctx, () => genBlock(ctx, rng.int(1, 2))), tail: ['}'] });
    ctx.prog.tags.add('branch:switch');
    return [{ s: 'block', head: c`switch (${subject}) {`, body: cases, tail: ['}'] }];
  },
};
