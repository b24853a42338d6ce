// Straight-line statements: new locals, updates of locals, stores into arrays (outputs through
// pointers, in-place updates, globals).
import { c, num, type Stmt } from '../c.js';
import { fitWrite, genExpr, genIndex, type Feature, type FnCtx } from '../gen.js';

const depth = (ctx: FnCtx): number => ctx.rng.int(1, 3);

/** `double v = expr;` */
export const decl: Feature = {
  name: 'decl',
  weight: 5,
  gen(ctx) {
    const e = genExpr(ctx, depth(ctx));
    const k = ctx.rng.chance(0.8) ? e.kind : ctx.prog.kind(0.3);
    return [ctx.declareReal(k, e).stmt];
  },
};

/** `v = expr;`, `v += expr;`, `v = a * v + expr;` */
export const assign: Feature = {
  name: 'assign',
  weight: 4,
  gen(ctx) {
    const vars = ctx.writableReals();
    if (!vars.length) return null;
    const v = ctx.rng.pick(vars);
    const e = genExpr(ctx, depth(ctx), v.kind);
    const form = ctx.rng.int(0, 3);
    if (form === 0) {
      const w = fitWrite(ctx, e, v.st, false)!;
      return [{ s: 'line', code: c`${v.ref} = ${w.code};` }];
    }
    if (form === 1 || form === 2) {
      const w = fitWrite(ctx, e, v.st, true);
      if (!w) return null;
      const op = form === 1 ? '+=' : '-=';
      return [{ s: 'line', code: c`${v.ref} ${op} ${w.code};` }];
    }
    // a contraction: |a| cap + bound(e) <= cap whatever the repetitions
    const a = ctx.rng.pick([0.5, 0.75, -0.5, 0.25]);
    const room = (1 - Math.abs(a)) * v.st.cap;
    const w = e.bound > room ? fitWrite(ctx, e, { ...v.st, cap: room, used: 0 }, false)! : e;
    v.st.used = Math.max(v.st.used, w.bound / (1 - Math.abs(a)));
    return [{ s: 'line', code: c`${v.ref} = ${num(a, v.kind)} * ${v.ref} + ${w.code};` }];
  },
};

/** `a[i] = expr;` or `a[i] += expr;` into a writable array (parameter, temporary, global). */
export const store: Feature = {
  name: 'store',
  weight: 5,
  gen(ctx) {
    const arrs = ctx.writableArrays();
    if (!arrs.length) return null;
    const a = ctx.rng.pick(arrs);
    const idx = genIndex(ctx, a.len);
    const e = genExpr(ctx, depth(ctx), a.kind);
    const add = !a.noAdd && ctx.rng.chance(0.4);
    const w = fitWrite(ctx, e, a.st, add);
    if (!w) return null;
    const out: Stmt[] = [{ s: 'line', code: c`${a.at(idx)} ${add ? '+=' : '='} ${w.code};` }];
    return out;
  },
};
