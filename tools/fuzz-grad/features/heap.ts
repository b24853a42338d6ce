// Heap temporaries: malloc / calloc (C and C++), new[] (C++), realloc to a larger size, freed
// (free / delete[]) when their scope ends.
import { c, ty, type Code, type Stmt } from '../c.js';
import { fitWrite, genExpr, inLoop, type ArrayRef, type Feature, type FnCtx } from '../gen.js';

/** A length for a temporary: `n + k` or a constant, with its value. */
export function tempLength(ctx: FnCtx): { len: number; code: Code } {
  const n = ctx.prog.n;
  if (ctx.rng.chance(0.6)) {
    const k = ctx.rng.int(0, 3);
    return { len: n + k, code: k ? [`(n + ${k})`] : ['n'] };
  }
  const k = ctx.rng.int(2, 10);
  return { len: k, code: [String(k)] };
}

/** `for (int i = from; i < to; i++) a[i] = expr(i);` */
export function initLoop(ctx: FnCtx, a: ArrayRef, from: Code, fromV: number, to: Code, toV = a.len): Stmt {
  const i = ctx.prog.fresh('i');
  let w: Code = [];
  const body = inLoop(ctx, toV - fromV, { name: i, lo: fromV, hi: toV - 1 }, 'for', () => {
    const e = genExpr(ctx, ctx.rng.int(0, 2), a.kind);
    w = fitWrite(ctx, e, a.st, false)!.code;
    return [];
  });
  return { s: 'block', head: c`for (int ${i} = ${from}; ${i} < ${to}; ${i}++) {`, body: [...body, { s: 'line', code: c`${a.at([i])} = ${w};`, fixed: true }], tail: ['}'] };
}

export const heap: Feature = {
  name: 'heap',
  weight: 1.5,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const kind = prog.kind(0.2);
    const { len, code } = tempLength(ctx);
    const name = prog.fresh('t');
    const cpp = prog.opts.lang === 'cpp';
    const how = rng.weighted<'malloc' | 'calloc' | 'new' | 'new0'>([['malloc', 4], ['calloc', 2], ['new', cpp ? 4 : 0], ['new0', cpp ? 1 : 0]]);
    const st = prog.storage(rng.pick([4, 10, 50]), 0, ctx, ctx.tripProduct());
    const a: ArrayRef = {
      name, kind, len, lenCode: code, at: (idx) => c`${name}[${idx}]`, base: [name], writable: true, st,
      object: st.id, alloc: how === 'new' || how === 'new0' ? 'new' : 'malloc',
    };
    const size = rng.chance(0.5) ? c`sizeof(${ty(kind)})` : c`sizeof *${name}`;
    let alloc: Code;
    switch (how) {
      case 'malloc': alloc = c`(${ty(kind)} *)malloc(${size} * ${code})`; break;
      case 'calloc': alloc = c`(${ty(kind)} *)calloc(${code}, ${size})`; break;
      case 'new': alloc = c`new ${ty(kind)}[${code}]`; break;
      case 'new0': alloc = c`new ${ty(kind)}[${code}]()`; break;
    }
    prog.tags.add(`heap:${how}`);
    const out: Stmt[] = [{ s: 'line', code: c`${ty(kind)} *${name} = ${alloc};` }];
    if (how === 'malloc' || how === 'new' || rng.chance(0.3)) out.push(initLoop(ctx, a, ['0'], 0, code));
    ctx.top().arrays.push(a);
    ctx.top().cleanup.push({ s: 'line', code: a.alloc === 'new' ? c`delete[] ${name};` : c`free(${name});` });
    return [{ s: 'group', body: out }];
  },
};

export const realloc: Feature = {
  name: 'realloc',
  weight: 0.7,
  gen(ctx) {
    const cands = ctx.top().arrays.filter((a) => a.alloc === 'malloc');
    if (!cands.length) return null;
    const a = ctx.rng.pick(cands);
    const extra = ctx.rng.int(1, 4);
    const oldCode = a.lenCode;
    const oldLen = a.len;
    const newCode: Code = c`(${oldCode} + ${extra})`;
    const out: Stmt[] = [{ s: 'line', code: c`${a.name} = (${ty(a.kind)} *)realloc(${a.name}, sizeof *${a.name} * ${newCode});` }];
    // the new elements are written before anything may read them
    out.push(initLoop(ctx, a, oldCode, oldLen, newCode, oldLen + extra));
    a.len = oldLen + extra;
    a.lenCode = newCode;
    ctx.prog.tags.add('heap:realloc');
    return [{ s: 'group', body: out }];
  },
};
