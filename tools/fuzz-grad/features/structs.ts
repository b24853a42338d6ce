// Struct temporaries: a struct element is copied into a local, worked on, and copied back
// (struct assignment: a memcpy or field-wise loads and stores in the IR).
import { c, sym, type Stmt } from '../c.js';
import { genBlock, scoped, type ArrayRef, type Feature } from '../gen.js';

export const structCopy: Feature = {
  name: 'structcopy',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    const prog = ctx.prog;
    const sps = prog.structParams;
    if (ctx.opt.depth > 0 || !sps.length) return null;
    const sp = rng.pick(sps);
    const k = rng.int(0, sp.count - 1);
    const t = prog.fresh('st');
    const src = sp.count === 1 && rng.chance(0.5) ? c`*${sp.name}` : c`${sp.name}[${k}]`;
    const out: Stmt[] = [{ s: 'line', code: c`${sym(sp.type)} ${t} = ${src};` }];
    const body = scoped(ctx, () => {
      const st = prog.storage(sp.cap, sp.cap, ctx, ctx.tripProduct());
      for (const f of sp.fields) {
        const arr: ArrayRef = f.len === 1
          ? { name: `${t}.${f.name}`, kind: f.kind, len: 1, lenCode: ['1'], at: () => [`${t}.${f.name}`], base: null, writable: true, st, object: st.id }
          : { name: `${t}.${f.name}`, kind: f.kind, len: f.len, lenCode: [String(f.len)], at: (idx) => c`${t}.${f.name}[${idx}]`, base: [`${t}.${f.name}`], writable: true, st, object: st.id };
        ctx.top().arrays.push(arr);
      }
      return genBlock(ctx, rng.int(1, 4));
    });
    out.push(...body);
    if (sp.writable && rng.chance(0.8)) out.push({ s: 'line', code: c`${src} = ${t};` });
    prog.tags.add('struct:copy');
    return [{ s: 'block', head: ['{'], body: out, tail: ['}'] }];
  },
};
