// Generator 7 (C++ only): `std::vector` temporaries, the container C++ code keeps its data in:
// sized and zero-filled (`std::vector<double> v(n + 1);`), filled with `assign`, or built with
// `reserve` + `push_back`; then indexed `v[i]`, and `v.data()` handed on as a plain array. The
// destructor frees the buffer at the end of the scope (also on an early return); at -O0 the
// constructor and push_back are out-of-line calls with exception paths (`invoke`).
import { c, ty, type Stmt } from '../c.js';
import { fitWrite, genExpr, inLoop, type ArrayRef, type Feature } from '../gen.js';
import { tempLength } from './heap.js';

export const cppvec: Feature = {
  name: 'cppvec',
  weight: 1,
  gen(ctx) {
    const prog = ctx.prog;
    if (prog.opts.lang !== 'cpp') return null;
    const rng = ctx.rng;
    const kind = prog.kind(0.2);
    const { len, code } = tempLength(ctx);
    const name = prog.fresh('vec');
    const st = prog.storage(rng.pick([4, 10, 50]), 0, ctx, ctx.tripProduct());
    const a: ArrayRef = { name, kind, len, lenCode: code, at: (idx) => c`${name}[${idx}]`, base: c`${name}.data()`, writable: true, st, object: st.id };
    const how = rng.weighted<'sized' | 'assign' | 'push'>([['sized', 3], ['assign', 1], ['push', 2]]);
    const out: Stmt[] = [];
    if (how === 'push') {
      const i = prog.fresh('i');
      let w: Stmt[] = [];
      const body = inLoop(ctx, len, { name: i, lo: 0, hi: len - 1 }, 'for', () => {
        const e = fitWrite(ctx, genExpr(ctx, rng.int(0, 2), kind), st, false)!;
        w = [{ s: 'line', code: c`${name}.push_back(${e.code});`, fixed: true }];
        return [];
      });
      out.push({ s: 'line', code: c`std::vector<${ty(kind)}> ${name};` });
      if (rng.chance(0.6)) out.push({ s: 'line', code: c`${name}.reserve(${code});` });
      out.push({ s: 'block', head: c`for (int ${i} = 0; ${i} < ${code}; ${i}++) {`, body: [...body, ...w], tail: ['}'] });
    } else if (how === 'assign') {
      const e = fitWrite(ctx, genExpr(ctx, rng.int(0, 2), kind), st, false)!;
      out.push({ s: 'line', code: c`std::vector<${ty(kind)}> ${name};` });
      out.push({ s: 'line', code: c`${name}.assign(${code}, ${e.code});`, fixed: true });
    } else {
      out.push({ s: 'line', code: c`std::vector<${ty(kind)}> ${name}(${code});` });
    }
    ctx.top().arrays.push(a);
    prog.tags.add(`cppvec:${how}`);
    return [{ s: 'group', body: out }];
  },
};
