// Generator 7: a contiguous array seen as rows, `double (*X)[3] = (double (*)[3])x;`, then indexed
// `X[r][j]` (the reshape idiom of C code that receives a flat buffer: the IR indexes `[3 x double]`
// through a pointer parameter). The view shares the array's storage, so every feature that reads
// or writes arrays may use it.
import { c, ty, type Code } from '../c.js';
import type { ArrayRef, Feature } from '../gen.js';

export const view2d: Feature = {
  name: 'view2d',
  weight: 0.6,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const cands = ctx.arrays().filter((a) => a.base !== null && a.len >= 4 && !a.noAdd);
    if (!cands.length) return null;
    const a = rng.pick(cands);
    const M = rng.int(2, Math.min(4, Math.floor(a.len / 2)));
    const R = Math.floor(a.len / M);
    const name = prog.fresh('X');
    const writable = ctx.writableArrays().includes(a);
    const q = writable ? '' : 'const ';
    const rowIdx = (): Code => {
      const ints = ctx.ints().filter((v) => v.lo >= 0 && v.hi < R);
      return ints.length && rng.chance(0.7) ? [rng.pick(ints).name] : [String(rng.int(0, R - 1))];
    };
    const view: ArrayRef = {
      name, kind: a.kind, len: M, lenCode: [String(M)], at: (idx) => c`${name}[${rowIdx()}][${idx}]`,
      base: null, writable: a.writable, st: a.st, object: a.object, ...(a.alloc ? { alloc: a.alloc } : {}),
    };
    ctx.top().arrays.push(view);
    prog.tags.add('view2d');
    return [{ s: 'line', code: c`${q}${ty(a.kind)} (*${name})[${String(M)}] = (${q}${ty(a.kind)} (*)[${String(M)}])(${a.base!});` }];
  },
};
