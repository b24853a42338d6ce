// In-place array updates: recurrences (prefix-sum like), reversal by swaps, normalization,
// stencils into another array.
import { c, num, ty, type Stmt } from '../c.js';
import { genPos, inLoop, niceCap, type Feature } from '../gen.js';

export const inplace: Feature = {
  name: 'inplace',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const n = prog.n;
    if (n < 2 || ctx.tripProduct() * n * ctx.opt.mult > 400) return null;
    const arrs = ctx.writableArrays().filter((a) => a.len >= n);
    if (!arrs.length) return null;
    const a = rng.pick(arrs);
    const k = a.kind;
    const i = prog.fresh('i');
    const form = rng.weighted<string>([['recurrence', 3], ['reverse', 1], ['normalize', 1], ['stencil', 1.5]]);
    prog.tags.add(`inplace:${form}`);
    switch (form) {
      case 'recurrence': {
        const al = rng.pick([0.5, 0.25, -0.5]);
        const be = niceCap(1 - Math.abs(al));
        const body = inLoop(ctx, n - 1, { name: i, lo: 1, hi: n - 1 }, 'for', () => [
          { s: 'line', code: c`${a.at([i])} = ${num(al, k)} * ${a.at([i])} + ${num(be, k)} * ${a.at([`${i} - 1`])};` }]);
        return [{ s: 'block', head: c`for (int ${i} = 1; ${i} < n; ${i}++) {`, body, tail: ['}'] }];
      }
      case 'reverse': {
        const t = prog.fresh('tmp');
        const body = inLoop(ctx, Math.floor(n / 2), { name: i, lo: 0, hi: Math.floor(n / 2) - 1 }, 'for', () => [
          { s: 'line', code: c`${ty(k)} ${t} = ${a.at([i])};` },
          { s: 'line', code: c`${a.at([i])} = ${a.at([`n - 1 - ${i}`])};` },
          { s: 'line', code: c`${a.at([`n - 1 - ${i}`])} = ${t};` }]);
        return [{ s: 'block', head: c`for (int ${i} = 0; ${i} < n / 2; ${i}++) {`, body, tail: ['}'] }];
      }
      case 'normalize': {
        const p = genPos(ctx, 1, k);
        const s = prog.fresh('nrm');
        const body1 = inLoop(ctx, n, { name: i, lo: 0, hi: n - 1 }, 'for', () => [{ s: 'line', code: c`${s} += ${a.at([i])} * ${a.at([i])};` }]);
        const body2 = inLoop(ctx, n, { name: i, lo: 0, hi: n - 1 }, 'for', () => [{ s: 'line', code: c`${a.at([i])} = ${a.at([i])} / ${s};` }]);
        const out: Stmt[] = [
          { s: 'line', code: c`${ty(k)} ${s} = ${p.code};` },
          { s: 'block', head: c`for (int ${i} = 0; ${i} < n; ${i}++) {`, body: body1, tail: ['}'] },
          { s: 'line', code: c`${s} = ${{ t: 'math', fn: 'sqrt', k, args: [[s]] }};` },
        ];
        // dividing by sqrt(s) >= sqrt(p.min) keeps the cap only when that is >= 1
        if (Math.sqrt(p.min) < 1) out.push({ s: 'line', code: c`${s} = ${s} + ${num(1, k)};` });
        out.push({ s: 'block', head: c`for (int ${i} = 0; ${i} < n; ${i}++) {`, body: body2, tail: ['}'] });
        return [{ s: 'group', body: out }];
      }
      case 'stencil': {
        const dsts = arrs.filter((d) => d.object !== a.object && d.st.cap >= a.st.cap);
        const srcs = ctx.arrays().filter((x) => x.len >= n && x.st.cap <= (dsts[0]?.st.cap ?? 0));
        if (!dsts.length || !srcs.length || n < 3) return null;
        const d = rng.pick(dsts);
        const x = rng.pick(srcs.filter((s2) => s2.object !== d.object && s2.st.cap <= d.st.cap).concat([]));
        if (!x || x.object === d.object || x.st.cap > d.st.cap) return null;
        d.st.used = Math.max(d.st.used, x.st.cap);
        const body = inLoop(ctx, n - 2, { name: i, lo: 1, hi: n - 2 }, 'for', () => [
          { s: 'line', code: c`${d.at([i])} = ${num(0.25, d.kind)} * ${x.at([`${i} - 1`])} + ${num(0.5, d.kind)} * ${x.at([i])} + ${num(0.25, d.kind)} * ${x.at([`${i} + 1`])};` }]);
        return [{ s: 'block', head: c`for (int ${i} = 1; ${i} < n - 1; ${i}++) {`, body, tail: ['}'] }];
      }
    }
    return null;
  },
};
