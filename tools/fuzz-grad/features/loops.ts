// Loops: counted (by n, constant, triangular, reversed, strided, from a data-dependent bound),
// while / do-while loops whose trip count depends on active values, break and continue.
import { c, cmp, num, type Code, type Stmt } from '../c.js';
import { fitWrite, genBlock, genExpr, genPos, inLoop, type Feature, type FnCtx, type IntVar } from '../gen.js';

const MAX_TRIPS = 400;

function bodyCount(ctx: FnCtx): number { return ctx.rng.int(1, 4); }

export const forLoop: Feature = {
  name: 'loop',
  weight: 4,
  gen(ctx) {
    if (ctx.trips.length >= 3) return null;
    const n = ctx.prog.n;
    const i = ctx.prog.fresh('i');
    const rng = ctx.rng;
    const ints = ctx.ints().filter((v) => v.lo >= 0 && v.hi < 64);
    type Shape = { head: Code; iv: IntVar; trips: number; tag: string };
    const shapes: [() => Shape | null, number][] = [
      [() => ({ head: c`for (int ${i} = 0; ${i} < n; ${i}++) {`, iv: { name: i, lo: 0, hi: n - 1 }, trips: n, tag: 'loop:n' }), 5],
      [() => { const k = rng.int(2, 8); return { head: c`for (int ${i} = 0; ${i} < ${k}; ${i}++) {`, iv: { name: i, lo: 0, hi: k - 1 }, trips: k, tag: 'loop:const' }; }, 2],
      [() => ({ head: c`for (int ${i} = n - 1; ${i} >= 0; ${i}--) {`, iv: { name: i, lo: 0, hi: n - 1 }, trips: n, tag: 'loop:reverse' }), 1],
      [() => n >= 2 ? { head: c`for (int ${i} = 1; ${i} < n; ${i}++) {`, iv: { name: i, lo: 1, hi: n - 1 }, trips: n - 1, tag: 'loop:from1' } : null, 1.5],
      [() => ({ head: c`for (int ${i} = 0; ${i} < n; ${i} += 2) {`, iv: { name: i, lo: 0, hi: n - 1 }, trips: Math.ceil(n / 2), tag: 'loop:stride' }), 0.7],
      [() => {
        if (!ints.length) return null;
        const o = rng.pick(ints);
        return { head: c`for (int ${i} = 0; ${i} <= ${o.name}; ${i}++) {`, iv: { name: i, lo: 0, hi: o.hi }, trips: o.hi + 1, tag: 'loop:triangular' };
      }, 2],
      [() => {
        if (!ints.length) return null;
        const o = rng.pick(ints);
        if (o.hi + 1 > n - 1) return null;
        return { head: c`for (int ${i} = ${o.name} + 1; ${i} < n; ${i}++) {`, iv: { name: i, lo: o.lo + 1, hi: n - 1 }, trips: n - 1 - o.lo, tag: 'loop:triangular' };
      }, 1],
      [() => {
        // a bound read from a struct's length field
        if (ctx.opt.depth > 0 || !ctx.prog.intBounds.length) return null;
        const b = rng.pick(ctx.prog.intBounds);
        return { head: c`for (int ${i} = 0; ${i} < ${b.code}; ${i}++) {`, iv: { name: i, lo: 0, hi: b.value - 1 }, trips: b.value, tag: 'loop:field' };
      }, ctx.prog.intBounds.length ? 1.5 : 0],
      [() => {
        // a trip count read from data (a constant index array)
        const ia = ctx.prog.intArrays.find((a) => a.lo >= 0);
        if (!ia) return null;
        const k = rng.int(0, ia.len - 1);
        return { head: c`for (int ${i} = 0; ${i} < ${ia.name}[${k}]; ${i}++) {`, iv: { name: i, lo: 0, hi: Math.max(0, ia.hi - 1) }, trips: ia.hi, tag: 'loop:data' };
      }, 1],
      // generator 7: counters of other integer types (size_t, unsigned, long: i64 induction
      // variables, zext instead of sext) and a loop that walks down with an unsigned counter
      [() => {
        const t = rng.pick(['size_t', 'unsigned', 'long', 'unsigned long'] as const);
        return { head: c`for (${t} ${i} = 0; ${i} < (${t})n; ${i}++) {`, iv: { name: i, lo: 0, hi: n - 1 }, trips: n, tag: `loop:${t.replace(' ', '-')}` };
      }, ctx.prog.weight('loop:wide', 1.5)],
      [() => ({ head: c`for (size_t ${i} = (size_t)n; ${i}-- > 0;) {`, iv: { name: i, lo: 0, hi: n - 1 }, trips: n, tag: 'loop:size_t-down' }), ctx.prog.weight('loop:wide', 0.5)],
    ];
    const shape = rng.weighted(shapes)();
    if (!shape || shape.trips < 1) return null;
    if (ctx.tripProduct() * shape.trips * ctx.opt.mult > MAX_TRIPS) return null;
    ctx.prog.tags.add(shape.tag);
    const body = inLoop(ctx, shape.trips, shape.iv, 'for', () => genBlock(ctx, bodyCount(ctx)));
    if (!body.length) return null;
    return [{ s: 'block', head: shape.head, body, tail: ['}'] }];
  },
};

/**
 * `while (w < thr && it < K) { ...; w += positive; it++; }`: a trip count that depends on
 * active values (the comparison is recorded by the twin, so points near a flip are refused).
 */
export const whileLoop: Feature = {
  name: 'while',
  weight: 1.5,
  gen(ctx) {
    if (ctx.trips.length >= 3) return null;
    const rng = ctx.rng;
    const K = rng.int(2, 12);
    if (ctx.tripProduct() * K * ctx.opt.mult > MAX_TRIPS) return null;
    const init = genExpr(ctx, rng.int(0, 2));
    const it = ctx.prog.fresh('it');
    const stmts: Stmt[] = [];
    const p = genPos(ctx, 1);
    const step = Math.min(p.max, 50);
    const wdecl = ctx.declareReal(init.kind, init, Math.max(4, init.bound + K * step + 1));
    const w = wdecl.v;
    stmts.push(wdecl.stmt, { s: 'line', code: c`int ${it} = 0;` });
    const thr = num(rng.nice(-1, 3), w.kind);
    const doWhile = rng.chance(0.3);
    const cond = c`${cmp(rng.pick(['<', '<='] as const), w.ref, [thr])} && ${it} < ${K}`;
    const body = inLoop(ctx, K, { name: it, lo: 0, hi: K - 1 }, 'while', () => {
      const inner = genBlock(ctx, rng.int(0, 3));
      const inc = fitWrite(ctx, { code: p.code, kind: p.kind, bound: p.max }, w.st, true);
      inner.push({ s: 'line', code: inc ? c`${w.ref} += ${inc.code};` : c`${w.ref} += ${num(0.25, w.kind)};`, fixed: true });
      inner.push({ s: 'line', code: c`${it}++;`, fixed: true });
      return inner;
    });
    ctx.prog.tags.add(doWhile ? 'loop:dowhile' : 'loop:while');
    if (doWhile) stmts.push({ s: 'block', head: c`do {`, body, tail: c`} while (${cond});` });
    else stmts.push({ s: 'block', head: c`while (${cond}) {`, body, tail: ['}'] });
    return [{ s: 'group', body: stmts }];
  },
};

/** `if (a < b) break;` (or `continue` in a counted loop) */
export const breakStmt: Feature = {
  name: 'break',
  weight: 1,
  gen(ctx) {
    const inner = ctx.loops[ctx.loops.length - 1];
    if (!inner) return null;
    const a = genExpr(ctx, 1), b = genExpr(ctx, 1);
    const kw = inner === 'while' || ctx.rng.chance(0.7) ? 'break' : 'continue';
    ctx.prog.tags.add(`loop:${kw}`);
    return [{ s: 'if', cond: [cmp(ctx.rng.pick(['<', '>'] as const), a.code, b.code)], then: [{ s: 'line', code: [`${kw};`] }], else: null }];
  },
};
