// memcpy / memmove / memset on contiguous arrays of one element type.
import { c, type Code } from '../c.js';
import type { ArrayRef, Feature, FnCtx } from '../gen.js';

function span(ctx: FnCtx, len: number): { off: number; cnt: number } {
  const cnt = ctx.rng.int(1, len);
  return { off: ctx.rng.int(0, len - cnt), cnt };
}

const ptr = (a: ArrayRef, off: number): Code => (off ? c`${a.base!} + ${off}` : a.base!);

export const memops: Feature = {
  name: 'memops',
  weight: 1,
  gen(ctx) {
    const rng = ctx.rng;
    const dsts = ctx.writableArrays().filter((a) => a.base !== null);
    if (!dsts.length) return null;
    const dst = rng.pick(dsts);
    const op = rng.weighted<'memcpy' | 'memmove' | 'memset'>([['memcpy', 4], ['memmove', 2], ['memset', 1]]);
    if (op === 'memset') {
      const { off, cnt } = span(ctx, dst.len);
      ctx.prog.tags.add('mem:memset');
      return [{ s: 'line', code: c`memset(${ptr(dst, off)}, 0, sizeof *${dst.base!} * ${cnt});` }];
    }
    const srcs = ctx.arrays().filter((a) => a.base !== null && a.kind === dst.kind && a.st.cap <= dst.st.cap
      && (op === 'memmove' ? true : a.object !== dst.object));
    if (!srcs.length) return null;
    const src = rng.pick(srcs);
    const cnt = rng.int(1, Math.min(src.len, dst.len));
    const so = rng.int(0, src.len - cnt), doff = rng.int(0, dst.len - cnt);
    // a count written in terms of n when it happens to equal it
    const cntCode: Code = cnt === ctx.prog.n && rng.chance(0.7) ? ['n'] : [String(cnt)];
    dst.st.used = Math.max(dst.st.used, src.st.cap);
    ctx.prog.tags.add(`mem:${op}`);
    return [{ s: 'line', code: c`${op}(${ptr(dst, doff)}, ${ptr(src, so)}, sizeof *${dst.base!} * ${cntCode});` }];
  },
};
