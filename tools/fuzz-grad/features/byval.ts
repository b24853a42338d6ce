// Small structs by value (generator 5): `typedef struct { double x, y; } V1;` built from
// expressions, passed to a helper by value (or by `const V1 *`), worked on there, and returned by
// value: the vec2 / vec3 / complex-pair idiom of numerical C. The x86-64 ABI makes these
// `{ double, double }` in two registers, `<2 x float>` for two floats, `{ <2 x float>, float }`,
// an `sret` pointer for three or more doubles, and `byval` memory for the larger arguments.
import { c, sym, ty, type Code, type CFunc, type Stmt } from '../c.js';
import { FnCtx, fitWrite, genBlock, genExpr, type Feature, type StructField, type StructType } from '../gen.js';
import { joinCode } from './calls.js';

const MAX_MULT = 400;
const FIELD_NAMES = ['x', 'y', 'z', 'w'];

export const byval: Feature = {
  name: 'byval',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    if (ctx.opt.depth >= 2) return null;
    const mult = ctx.opt.mult * ctx.tripProduct();
    if (mult > MAX_MULT) return null;
    const prog = ctx.prog;
    // the struct type: 2 to 4 scalar fields, all of one kind or mixed
    const nf = rng.weighted<number>([[2, 4], [3, 3], [4, 1]]);
    const allKind = rng.chance(0.6) ? prog.kind(0.35) : null;
    const fields: StructField[] = FIELD_NAMES.slice(0, nf).map((name) => ({ name, kind: allKind ?? prog.kind(0.5), len: 1 }));
    // an int beside the floats (`struct { float x; int k; }`): the ABI then passes floating
    // fields packed with it in an integer register (`i64`), or as `{ i32, double }`
    const intVals = ctx.ints().filter((v) => v.lo >= 0 && v.hi < prog.n);
    const withInt = rng.chance(0.35);
    const kv = withInt ? (intVals.length && rng.chance(0.5) ? rng.pick(intVals) : null) : null;
    const kConst = rng.int(0, Math.max(0, prog.n - 1));
    const kRange = kv ? { lo: kv.lo, hi: kv.hi } : { lo: kConst, hi: kConst };
    if (withInt) fields.splice(rng.int(0, fields.length), 0, { name: 'k', kind: 'D', len: 1, t: 'int' });
    const type: StructType = { name: prog.fresh('V'), fields };
    prog.structs.push(type);
    const T = sym(type.name);
    const cap = rng.pick([2, 4, 10]);
    const retCap = rng.pick([2, 4, 10, 50]);
    const byPtr = rng.chance(0.3);
    const name = prog.fresh('hv');
    const h = new FnCtx(prog, { mult, depth: ctx.opt.depth + 1, ret: null, retCap, writesShared: ctx.opt.writesShared, noEarlyReturn: true }, rng.int(1, 4));
    const params: Code[] = [];
    const args: Code[] = [];
    // the argument struct, built in the caller
    const arg = prog.fresh('w');
    // (cast: C++ refuses a narrowing conversion inside braces)
    const inits = fields.map((f) => f.t === 'int' ? (kv ? [`(int)${kv.name}`] : [String(kConst)])
      : c`(${ty(f.kind)})(${fitWrite(ctx, genExpr(ctx, rng.int(0, 2), f.kind), prog.storage(cap, 0, ctx), false)!.code})`);
    const out: Stmt[] = [{ s: 'line', code: c`${T} ${arg} = { ${joinCode(inits)} };` }];
    const argSt = prog.storage(cap, cap, ctx, ctx.tripProduct());
    const u = prog.fresh('u');
    params.push(byPtr ? c`const ${T} *${u}` : c`${T} ${u}`);
    args.push(byPtr ? [`&${arg}`] : [arg]);
    // in the helper: the fields of the argument (a by-value copy may be written)
    for (const f of fields) {
      const ref = byPtr ? `${u}->${f.name}` : `${u}.${f.name}`;
      if (f.t === 'int') { h.top().ints.push({ name: ref, ...kRange }); continue; }
      h.top().reals.push({ ref: [ref], kind: f.kind, writable: !byPtr, name: ref, st: prog.storage(cap, cap, h) });
    }
    // a read-only array and the size travel along sometimes
    const arrs = ctx.arrays().filter((a) => a.base !== null);
    if (arrs.length && rng.chance(0.5)) {
      const a = rng.pick(arrs);
      const p = prog.fresh('p');
      params.push(c`const ${ty(a.kind)} *${p}`);
      args.push(a.base!);
      h.top().arrays.push({ name: p, kind: a.kind, len: a.len, lenCode: a.lenCode, at: (idx) => c`${p}[${idx}]`, base: [p], writable: false, st: a.st, object: a.object });
    }
    // index expressions may use n and the index array: they travel along
    params.push(['int n']);
    args.push(['n']);
    for (const ia of prog.intArrays) { params.push([`const int *${ia.name}`]); args.push([ia.name]); }
    // a scalar
    if (rng.chance(0.5)) {
      const e = genExpr(ctx, rng.int(0, 2));
      const p = prog.fresh('s');
      params.push(c`${ty(e.kind)} ${p}`);
      args.push(e.code);
      h.top().reals.push({ ref: [p], kind: e.kind, writable: true, name: p, st: prog.storage(Math.max(4, e.bound * 2), e.bound, h) });
    }
    const body = genBlock(h, rng.int(0, 3));
    const r = prog.fresh('r');
    const sets: Stmt[] = fields.map((f) => {
      if (f.t === 'int') return { s: 'line', code: [`${r}.k = ${byPtr ? `${u}->k` : `${u}.k`};`] };
      const v = fitWrite(h, genExpr(h, rng.int(1, 3), f.kind), prog.storage(retCap, 0, h), false)!;
      return { s: 'line', code: c`${r}.${f.name} = ${v.code};` };
    });
    const cleanup = h.pop();
    const fnBody: Stmt[] = [...body, { s: 'group', body: [{ s: 'line', code: c`${T} ${r};` }, ...sets] }, ...cleanup, { s: 'line', code: c`return ${r};`, fixed: true }];
    const storage = rng.weighted<string>([['static ', 6], ['', 2]]);
    const attr = rng.weighted<string>([['', 4], ['__attribute__((noinline)) ', 3]]);
    prog.tags.add(attr ? 'byval:noinline' : 'byval:inlinable');
    prog.tags.add(byPtr ? 'byval:ptr-arg' : `byval:${nf}x${allKind ?? 'mixed'}${withInt ? '+int' : ''}`);
    const fn: CFunc = { name, head: c`${storage}${attr}${T}`, params: joinCode(params), body: fnBody };
    prog.helpers.push(fn);
    // the result: its fields are locals of the caller from now on
    const res = prog.fresh('w');
    out.push({ s: 'line', code: c`${T} ${res} = ${sym(name)}(${joinCode(args)});` });
    const resSt = prog.storage(retCap, retCap, ctx, ctx.tripProduct());
    for (const f of fields) {
      if (f.t === 'int') { ctx.top().ints.push({ name: `${res}.k`, ...kRange }); continue; }
      ctx.top().reals.push({ ref: [`${arg}.${f.name}`], kind: f.kind, writable: false, name: `${arg}.${f.name}`, st: argSt });
      ctx.top().reals.push({ ref: [`${res}.${f.name}`], kind: f.kind, writable: false, name: `${res}.${f.name}`, st: resSt });
    }
    return [{ s: 'group', body: out }];
  },
};
