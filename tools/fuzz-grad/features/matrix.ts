// Local matrices: `double m[3][4]`, one contiguous block indexed `m[i][j]`, filled by a nested
// loop, then used through views: `m[r][j]` with the row an integer in range or a constant, and
// one row `m[k]` as a contiguous array (passed to helpers, copied, walked by vector loops).
// Real code keeps small matrices and stencils this way; the IR indexes `[R x [C x T]]`.
import { c, ty, type Code, type Stmt } from '../c.js';
import { fitWrite, genExpr, inLoop, type ArrayRef, type Feature } from '../gen.js';

export const matrix: Feature = {
  name: 'matrix',
  weight: 0.8,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const kind = prog.kind(0.2);
    const name = prog.fresh('m');
    const R = rng.int(2, 4), C = rng.int(2, 5);
    const st = prog.storage(rng.pick([4, 10, 50]), 0, ctx, ctx.tripProduct());
    const rowIdx = (): Code => {
      const ints = ctx.ints().filter((v) => v.lo >= 0 && v.hi < R);
      return ints.length && rng.chance(0.6) ? [rng.pick(ints).name] : [String(rng.int(0, R - 1))];
    };
    const i = prog.fresh('i'), j = prog.fresh('j');
    let w: Code = [];
    inLoop(ctx, R, { name: i, lo: 0, hi: R - 1 }, 'for', () => inLoop(ctx, C, { name: j, lo: 0, hi: C - 1 }, 'for', () => {
      w = fitWrite(ctx, genExpr(ctx, rng.int(0, 2), kind), st, false)!.code;
      return [];
    }));
    const out: Stmt[] = [
      { s: 'line', code: c`${ty(kind)} ${name}[${String(R)}][${String(C)}];` },
      {
        s: 'block', head: c`for (int ${i} = 0; ${i} < ${String(R)}; ${i}++) {`, tail: ['}'],
        body: [{ s: 'block', head: c`for (int ${j} = 0; ${j} < ${String(C)}; ${j}++) {`, tail: ['}'], body: [{ s: 'line', code: c`${name}[${i}][${j}] = ${w};`, fixed: true }] }],
      },
    ];
    const view: ArrayRef = { name, kind, len: C, lenCode: [String(C)], at: (idx) => c`${name}[${rowIdx()}][${idx}]`, base: null, writable: true, st, object: st.id };
    ctx.top().arrays.push(view);
    if (rng.chance(0.5)) {
      const k = String(rng.int(0, R - 1));
      const row: ArrayRef = { name: `${name}[${k}]`, kind, len: C, lenCode: [String(C)], at: (idx) => c`${name}[${k}][${idx}]`, base: [`${name}[${k}]`], writable: true, st, object: st.id };
      ctx.top().arrays.push(row);
    }
    prog.tags.add('matrix');
    return [{ s: 'group', body: out }];
  },
};
