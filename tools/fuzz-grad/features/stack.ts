// Local arrays on the stack: fixed size (initialized by a loop, by `= {0}` or by a list), and
// variable-length arrays (C only; enzyme-ts refuses active VLAs with E0401).
import { c, ty, type Code, type Stmt } from '../c.js';
import { fitWrite, genExpr, type ArrayRef, type Feature } from '../gen.js';
import { initLoop } from './heap.js';

export const stackArray: Feature = {
  name: 'stack',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const kind = prog.kind(0.2);
    const name = prog.fresh('a');
    const vla = prog.opts.lang === 'c' && rng.chance(0.15 * prog.weight('vla', 1));
    const len = vla ? prog.n : rng.int(2, 8);
    const lenCode: Code = vla ? ['n'] : [String(len)];
    const st = prog.storage(rng.pick([4, 10, 50]), 0, ctx, ctx.tripProduct());
    const a: ArrayRef = { name, kind, len, lenCode, at: (idx) => c`${name}[${idx}]`, base: [name], writable: true, st, object: st.id };
    const out: Stmt[] = [];
    const form = vla ? 0 : rng.int(0, 2);
    if (form === 0) {
      out.push({ s: 'line', code: c`${ty(kind)} ${name}[${lenCode}];` });
      out.push(initLoop(ctx, a, ['0'], 0, lenCode));
    } else if (form === 1) {
      out.push({ s: 'line', code: c`${ty(kind)} ${name}[${len}] = {0};` });
    } else {
      const items: Code[] = [];
      // cast to the element type: C++ rejects narrowing in a list
      for (let k = 0; k < len; k++) items.push(c`(${ty(kind)})(${fitWrite(ctx, genExpr(ctx, rng.int(0, 2), kind), st, false)!.code})`);
      const list: Code = items.flatMap((x, i) => (i ? [', ', ...x] : [...x]));
      out.push({ s: 'line', code: c`${ty(kind)} ${name}[${len}] = {${list}};` });
    }
    prog.tags.add(vla ? 'stack:vla' : 'stack:fixed');
    ctx.top().arrays.push(a);
    return [{ s: 'group', body: out }];
  },
};
