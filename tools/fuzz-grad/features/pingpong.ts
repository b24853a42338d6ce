// Ping-pong buffers (generator 5): the time-stepping idiom of stencils and iterative solvers.
// Two buffers (stack arrays or heap blocks), `cur` and `nxt` pointers, each step computes
// `nxt[i]` from `cur[i]`, `cur[i +- 1]` and other values, then swaps the pointers:
//
//   double A[5], B[5]; double *cur = A, *nxt = B;
//   for (int s = 0; s < 3; s++) { for (i...) nxt[i] = ...cur...; double *t = cur; cur = nxt; nxt = t; }
//
// In the IR the pointers are phis of two allocas (or mallocs) carried around the step loop;
// after it `cur` points to either buffer, and the program reads it as an array.
import { c, num, ty, type Code, type Stmt } from '../c.js';
import { fitWrite, genExpr, inLoop, type ArrayRef, type Feature, type Val } from '../gen.js';
import { initLoop } from './heap.js';

export const pingpong: Feature = {
  name: 'pingpong',
  weight: 0.8,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    if (ctx.tripProduct() * ctx.opt.mult > 200) return null;
    const kind = prog.kind(0.2);
    const L = rng.int(2, 7);
    const steps = rng.int(1, 4);
    const A = prog.fresh('A'), B = prog.fresh('B'), cur = prog.fresh('cur'), nxt = prog.fresh('nxt');
    const heap = rng.chance(0.35);
    const st = prog.storage(rng.pick([4, 10, 50]), 0, ctx, ctx.tripProduct());
    const out: Stmt[] = [];
    if (heap) {
      out.push({ s: 'line', code: c`${ty(kind)} *${A} = (${ty(kind)} *)malloc(sizeof(${ty(kind)}) * ${L});` });
      out.push({ s: 'line', code: c`${ty(kind)} *${B} = (${ty(kind)} *)malloc(sizeof(${ty(kind)}) * ${L});` });
    } else {
      out.push({ s: 'line', code: c`${ty(kind)} ${A}[${L}], ${B}[${L}];` });
    }
    const aRef: ArrayRef = { name: A, kind, len: L, lenCode: [String(L)], at: (idx) => c`${A}[${idx}]`, base: [A], writable: true, st, object: st.id };
    out.push(initLoop(ctx, aRef, ['0'], 0, [String(L)]));
    out.push({ s: 'line', code: c`${ty(kind)} *${cur} = ${A}, *${nxt} = ${B};` });
    // the step loop
    const s = prog.fresh('s'), i = prog.fresh('i');
    const curRef: ArrayRef = { name: cur, kind, len: L, lenCode: [String(L)], at: (idx) => c`${cur}[${idx}]`, base: [cur], writable: false, st, object: st.id };
    let w: Code = [];
    inLoop(ctx, steps, { name: s, lo: 0, hi: steps - 1 }, 'for', () => inLoop(ctx, L, { name: i, lo: 0, hi: L - 1 }, 'for', () => {
      ctx.top().arrays.push(curRef);
      const a = rng.nice(-1, 1) || 0.5, b = rng.nice(-1, 1) || 0.25;
      const left = rng.chance(0.5) ? c`${cur}[(${i} + ${L - 1}) % ${L}]` : c`${cur}[${i} > 0 ? ${i} - 1 : 0]`;
      const e = genExpr(ctx, rng.int(0, 2), kind);
      const v: Val = { code: c`(${num(a, kind)} * ${cur}[${i}] + ${num(b, kind)} * ${left} + ${e.code})`, kind, bound: Math.abs(a) * st.cap + Math.abs(b) * st.cap + e.bound };
      w = fitWrite(ctx, v, st, false)!.code;
      return [];
    }));
    const t = prog.fresh('tp');
    out.push({
      s: 'block', head: c`for (int ${s} = 0; ${s} < ${steps}; ${s}++) {`, tail: ['}'], body: [
        { s: 'block', head: c`for (int ${i} = 0; ${i} < ${L}; ${i}++) {`, tail: ['}'], body: [{ s: 'line', code: c`${nxt}[${i}] = ${w};`, fixed: true }] },
        { s: 'line', code: c`${ty(kind)} *${t} = ${cur}; ${cur} = ${nxt}; ${nxt} = ${t};`, fixed: true },
      ],
    });
    ctx.top().arrays.push(curRef);
    if (heap) {
      ctx.top().cleanup.push({ s: 'line', code: c`free(${A});` });
      ctx.top().cleanup.push({ s: 'line', code: c`free(${B});` });
    }
    prog.tags.add(heap ? 'pingpong:heap' : 'pingpong:stack');
    return [{ s: 'group', body: out }];
  },
};
