// Helper functions: called once or inside loops, nested, with arrays (possibly aliased or
// restrict-qualified sub-arrays), scalars and loop indices as arguments; and recursive helpers
// with a depth bound (linear or tree recursion).
import { c, sym, ty, type Code, type CFunc, type Kind, type Stmt } from '../c.js';
import { FnCtx, fitWrite, genBlock, genExpr, scoped, type ArrayRef, type Feature, type Val } from '../gen.js';

const MAX_MULT = 400;

function head(ctx: FnCtx, ret: Kind | null): Code {
  const rng = ctx.rng;
  const storage = rng.weighted<string>([['static ', 6], ['', 2], ['static inline ', 1]]);
  const attr = rng.weighted<string>([['', 5], ['__attribute__((noinline)) ', 3], ['__attribute__((always_inline)) ', 0.5]]);
  ctx.prog.tags.add(attr.includes('noinline') ? 'call:noinline' : 'call:inlinable');
  return ret ? c`${storage}${attr}${ty(ret)}` : [`${storage}${attr}void`];
}

/** The statements that return `v` after the scope's cleanup. */
export function finish(ctx: FnCtx, body: Stmt[], ret: Kind | null): Stmt[] {
  const v = ret ? fitWrite(ctx, genExpr(ctx, ctx.rng.int(1, 3), ret), ctx.prog.storage(ctx.opt.retCap, 0, ctx), false)! : null;
  const cleanup = ctx.pop();
  if (!ret || !v) return [...body, ...cleanup];
  if (!cleanup.length) return [...body, { s: 'line', code: c`return ${v.code};`, fixed: true }];
  const r = ctx.prog.fresh('ret');
  return [...body, { s: 'group', body: [{ s: 'line', code: c`${ty(ret)} ${r} = ${v.code};` }, ...cleanup, { s: 'line', code: c`return ${r};`, fixed: true }] }];
}

export const call: Feature = {
  name: 'call',
  weight: 2,
  gen(ctx) {
    const rng = ctx.rng;
    if (ctx.opt.depth >= 2) return null;
    const mult = ctx.opt.mult * ctx.tripProduct();
    if (mult > MAX_MULT) return null;
    const prog = ctx.prog;
    const name = prog.fresh('h');
    const ret: Kind | null = rng.chance(0.7) ? prog.kind(0.2) : null;
    const retCap = ret ? rng.pick([2, 4, 10, 50]) : 0;
    const h = new FnCtx(prog, { mult, depth: ctx.opt.depth + 1, ret, retCap, writesShared: ctx.opt.writesShared }, rng.int(2, 7));
    const params: Code[] = [];
    const args: Code[] = [];
    // arrays
    const arrs = ctx.arrays().filter((a) => a.base !== null);
    const restrict = rng.chance(0.25);
    const chosen: ArrayRef[] = [];
    for (let k = rng.int(0, 3); k > 0 && arrs.length; k--) {
      const a = rng.pick(arrs);
      if (restrict && chosen.some((b) => b.object === a.object)) continue;
      if (chosen.includes(a) && rng.chance(0.7)) continue;
      chosen.push(a);
    }
    const writableHere = new Set(ctx.writableArrays());
    for (const a of chosen) {
      const p = prog.fresh('p');
      const off = a.len > 2 && rng.chance(0.2) ? rng.int(1, 2) : 0;
      const writable = writableHere.has(a) && rng.chance(0.75);
      params.push(c`${writable ? '' : 'const '}${ty(a.kind)} *${restrict ? '__restrict ' : ''}${p}`);
      args.push(off ? c`${a.base!} + ${off}` : a.base!);
      h.top().arrays.push({
        name: p, kind: a.kind, len: a.len - off, lenCode: off ? c`(${a.lenCode} - ${off})` : a.lenCode,
        at: (idx) => c`${p}[${idx}]`, base: [p], writable, st: a.st, object: a.object,
      });
    }
    if (restrict && chosen.length > 1) prog.tags.add('call:restrict');
    params.push(['int n']);
    args.push(['n']);
    // the index array travels with n (same name, so index expressions stay valid)
    for (const ia of prog.intArrays) { params.push([`const int *${ia.name}`]); args.push([ia.name]); }
    // scalars
    for (let k = rng.int(0, 2); k > 0; k--) {
      const e = genExpr(ctx, rng.int(0, 2));
      const kind = rng.chance(0.8) ? e.kind : prog.kind(0.3);
      const p = prog.fresh('s');
      params.push(c`${ty(kind)} ${p}`);
      args.push(e.code);
      h.top().reals.push({ ref: [p], kind, writable: true, name: p, st: prog.storage(Math.max(4, e.bound * 2), e.bound, h) });
    }
    // C++: a caller's local updated through a reference
    if (prog.opts.lang === 'cpp' && prog.since(2) && rng.chance(0.4)) {
      const locals = ctx.writableReals().filter((v) => v.st.owner === ctx && /^[vf]\d+$/.test(v.name));
      if (locals.length) {
        const v = rng.pick(locals);
        const p = prog.fresh('ref');
        params.push(c`${ty(v.kind)} &${p}`);
        args.push(v.ref);
        h.top().reals.push({ ref: [p], kind: v.kind, writable: true, name: p, st: v.st });
        prog.tags.add('call:reference');
      }
    }
    // an index
    const ints = ctx.ints();
    if (ints.length && rng.chance(0.5)) {
      const v = rng.pick(ints);
      const p = prog.fresh('k');
      params.push([`int ${p}`]);
      args.push([v.name]);
      h.top().ints.push({ name: p, lo: v.lo, hi: v.hi });
    }
    const body = genBlock(h, rng.int(1, 5));
    const fn: CFunc = { name, head: head(ctx, ret), params: joinCode(params), body: finish(h, body, ret) };
    prog.helpers.push(fn);
    const callCode = c`${sym(name)}(${joinCode(args)})`;
    prog.tags.add(ctx.trips.length ? 'call:inloop' : 'call:once');
    if (ctx.opt.depth > 0) prog.tags.add('call:nested');
    if (!ret) return [{ s: 'line', code: c`${callCode};` }];
    return [ctx.declareReal(ret, { code: callCode, kind: ret, bound: retCap }).stmt];
  },
};

export const recursion: Feature = {
  name: 'recursion',
  weight: 0.7,
  gen(ctx) {
    const rng = ctx.rng;
    if (ctx.opt.depth >= 2) return null;
    const prog = ctx.prog;
    const D = rng.int(1, 5);
    const tree = D <= 4 && rng.chance(0.35);
    const calls = tree ? 2 ** (D + 1) : D + 1;
    const mult = ctx.opt.mult * ctx.tripProduct() * calls;
    if (mult > MAX_MULT * 4) return null;
    const kind = prog.kind(0.2);
    const cap = rng.pick([2, 4, 10]);
    const name = prog.fresh('rec');
    const h = new FnCtx(prog, { mult, depth: ctx.opt.depth + 1, ret: kind, retCap: cap, writesShared: false }, rng.int(1, 4));
    const arrs = ctx.arrays().filter((a) => a.base !== null);
    const params: Code[] = [];
    const args: Code[] = [];
    if (arrs.length) {
      const a = rng.pick(arrs);
      params.push(c`const ${ty(a.kind)} *q`);
      args.push(a.base!);
      h.top().arrays.push({ name: 'q', kind: a.kind, len: a.len, lenCode: a.lenCode, at: (idx) => c`q[${idx}]`, base: ['q'], writable: false, st: a.st, object: a.object });
    }
    for (const ia of prog.intArrays) { params.push([`const int *${ia.name}`]); args.push([ia.name]); }
    params.push(['int n, int d']);
    params.push(c`${ty(kind)} acc`);
    h.top().reals.push({ ref: ['acc'], kind, writable: true, name: 'acc', st: prog.storage(cap, cap, h) });
    const retCap = (v: Val): Code => fitWrite(h, v, prog.storage(cap, 0, h), false)!.code;
    const base: Stmt = { s: 'if', cond: ['d <= 0'], then: [{ s: 'line', code: c`return ${retCap(genExpr(h, rng.int(0, 2), kind))};`, fixed: true }], else: null };
    h.top().ints.push({ name: 'd', lo: 1, hi: D });
    const self = (dd: string, v: Val): Code => c`${sym(name)}(${joinCode([...args.map((a, i) => (i === 0 && arrs.length ? ['q'] : a))])}${args.length ? ', ' : ''}n, ${dd}, ${retCap(v)})`;
    const body = scoped(h, () => {
      const s = genBlock(h, rng.int(0, 3));
      const r1 = prog.fresh('r');
      s.push({ s: 'line', code: c`${ty(kind)} ${r1} = ${self('d - 1', genExpr(h, rng.int(1, 2), kind))};` });
      h.top().reals.push({ ref: [r1], kind, writable: false, name: r1, st: prog.storage(cap, cap, h) });
      if (tree) {
        const r2 = prog.fresh('r');
        s.push({ s: 'line', code: c`${ty(kind)} ${r2} = ${self('d - 2', genExpr(h, rng.int(1, 2), kind))};` });
        h.top().reals.push({ ref: [r2], kind, writable: false, name: r2, st: prog.storage(cap, cap, h) });
      }
      s.push({ s: 'line', code: c`return ${retCap(genExpr(h, rng.int(1, 3), kind))};`, fixed: true });
      return s;
    });
    // the (d - 2) call of tree recursion may see d = -1: the base case covers d <= 0
    const fn: CFunc = { name, head: head(ctx, kind), params: joinCode(params), body: [base, ...body] };
    prog.helpers.push(fn);
    prog.tags.add(tree ? 'recursion:tree' : 'recursion:linear');
    const init = genExpr(ctx, rng.int(0, 2), kind);
    const arg = fitWrite(ctx, init, prog.storage(cap, 0, ctx), false)!;
    const callArgs = c`${joinCode(args)}${args.length ? ', ' : ''}n, ${D}, ${arg.code}`;
    return [ctx.declareReal(kind, { code: c`${sym(name)}(${callArgs})`, kind, bound: cap }).stmt];
  },
};

export function joinCode(list: Code[], sep = ', '): Code {
  const out: (Code[number])[] = [];
  list.forEach((x, i) => { if (i) out.push(sep); out.push(...x); });
  return out;
}
