// Arrays of row pointers (`double *r[3] = {x, t, y};` then `r[j][i]`): pointers to active memory
// stored in memory, as in code that keeps the rows of a matrix or a list of buffers; rows that are
// all global arrays may be a `static` table.
import { c, ty, type Code } from '../c.js';
import type { ArrayRef, Feature } from '../gen.js';

export const rows: Feature = {
  name: 'rows',
  weight: 0.8,
  gen(ctx) {
    const rng = ctx.rng;
    const cands = ctx.arrays().filter((a) => a.base !== null && a.len >= 2);
    if (!cands.length) return null;
    const first = rng.pick(cands);
    const same = cands.filter((a) => a.kind === first.kind && a.st.cap === first.st.cap);
    const K = rng.int(2, 3);
    const picked: ArrayRef[] = [first];
    while (picked.length < K) picked.push(rng.pick(same));
    const len = Math.min(...picked.map((a) => a.len));
    const writable = picked.every((a) => a.writable) && ctx.writableArrays().includes(first);
    const name = ctx.prog.fresh('r');
    const kind = first.kind;
    const st = ctx.prog.storage(first.st.cap, Math.max(...picked.map((a) => a.st.used)), null);
    const rowIdx = (): Code => {
      const ints = ctx.ints().filter((v) => v.lo >= 0 && v.hi < K);
      return ints.length && rng.chance(0.5) ? [rng.pick(ints).name] : [String(rng.int(0, K - 1))];
    };
    const view: ArrayRef = {
      name, kind, len, lenCode: [String(len)], at: (idx) => c`${name}[${rowIdx()}][${idx}]`, base: null,
      writable, st, object: first.object, noAdd: true,
    };
    ctx.top().arrays.push(view);
    ctx.prog.tags.add('rows');
    const list: Code = picked.flatMap((a, i) => (i ? [', ', ...a.base!] : [...a.base!]));
    // Rows that are all global arrays may be a static table (generator 4): a constant global
    // holding their addresses, loaded from in place at every -O level.
    const isStatic = ctx.prog.since(4) && picked.every((a) => ctx.prog.globalArrays.includes(a)) && rng.chance(0.5);
    if (isStatic) ctx.prog.tags.add('rows:static');
    return [{ s: 'line', code: c`${isStatic ? 'static ' : ''}${writable ? '' : 'const '}${ty(kind)} *${isStatic ? 'const ' : ''}${name}[${K}] = {${list}};` }];
  },
};
