// Trip counts of loop buffers (src/tape/trip.ts): which loop shapes get an
// exact count (the per-iteration capacity check is then removed, so a wrong
// "exact" would write past a buffer) and which only an estimate.
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/syntax/parse.js';
import { CFG } from '../../src/ir/cfg.js';
import { DominatorTree } from '../../src/ir/dominators.js';
import { LoopInfo } from '../../src/ir/loops.js';
import { tripPattern, trailingZeros, type TripPattern } from '../../src/tape/trip.js';

/** A one-loop function: `i = phi [INIT, entry], [NEXT, body]`, exit test COND in the body. */
function loopFn(opts: { init?: string; next: string; cond: string; exitFirst?: boolean; bound?: string }): string {
  const br = opts.exitFirst ? 'br i1 %c, label %exit, label %latch' : 'br i1 %c, label %latch, label %exit';
  return `define i64 @f(i64 %n, i64 %m) {
entry:
  ${opts.bound ?? '%b = add i64 %n, 0'}
  br label %body
body:
  %i = phi i64 [ ${opts.init ?? '0'}, %entry ], [ %i.next, %latch ]
  %i.next = ${opts.next}
  %c = ${opts.cond}
  ${br}
latch:
  br label %body
exit:
  ret i64 %i
}`;
}

function pattern(text: string): TripPattern | null {
  const m = parseText(text);
  const f = m.functions.find((x) => x.name === 'f')!;
  const dt = new DominatorTree(new CFG(f));
  const li = new LoopInfo(dt);
  const loop = li.loops[0]!;
  const outside = f.blocks.find((b) => b.name === 'entry')!;
  return tripPattern(loop, dt, outside, loop.latches[0]!);
}

describe('tripPattern', () => {
  it('i + 1 < n (signed or unsigned) and i + 1 != n are exact', () => {
    for (const cond of ['icmp slt i64 %i.next, %b', 'icmp ult i64 %i.next, %b', 'icmp ne i64 %i.next, %b', 'icmp slt i64 %i, %b']) {
      const p = pattern(loopFn({ next: 'add i64 %i, 1', cond }));
      expect(p, cond).not.toBeNull();
      expect(p!.exact, cond).toBe(true);
      expect(p!.single).toBe(true);
    }
    const p = pattern(loopFn({ next: 'add i64 %i, 1', cond: 'icmp eq i64 %i.next, %b', exitFirst: true }));
    expect(p!.stay).toBe('ne');
    expect(p!.onNext).toBe(true);
    expect(p!.exact).toBe(true);
  });

  it('the bound on the left is swapped: n > i is i < n', () => {
    const p = pattern(loopFn({ next: 'add i64 %i, 1', cond: 'icmp sgt i64 %b, %i' }));
    expect(p!.stay).toBe('slt');
    expect(p!.exact).toBe(true);
  });

  it('counting down: i - 1 > n is exact, i - 1 < n is only an estimate', () => {
    expect(pattern(loopFn({ init: '%n', next: 'add i64 %i, -1', cond: 'icmp sgt i64 %i.next, %m', bound: '%b = add i64 %m, 0' }))!.exact).toBe(true);
    expect(pattern(loopFn({ init: '%n', next: 'sub i64 %i, 1', cond: 'icmp ugt i64 %i, %m', bound: '%b = add i64 %m, 0' }))!.exact).toBe(true);
    const wrong = pattern(loopFn({ init: '%n', next: 'add i64 %i, -1', cond: 'icmp slt i64 %i.next, %m', bound: '%b = add i64 %m, 0' }));
    expect(wrong).not.toBeNull();
    expect(wrong!.exact).toBe(false);
  });

  it('<= can run forever (n = max): an estimate only', () => {
    expect(pattern(loopFn({ next: 'add i64 %i, 1', cond: 'icmp sle i64 %i.next, %b' }))!.exact).toBe(false);
    expect(pattern(loopFn({ next: 'add i64 %i, 1', cond: 'icmp ule i64 %i, %b' }))!.exact).toBe(false);
  });

  it('a step of 4 with != is exact only when bound and start are multiples of 4', () => {
    const even = pattern(loopFn({ next: 'add i64 %i, 4', cond: 'icmp ne i64 %i.next, %b', bound: '%b = and i64 %n, -4' }));
    expect(even!.exact).toBe(true);
    const shl = pattern(loopFn({ next: 'add i64 %i, 4', cond: 'icmp ne i64 %i.next, %b', bound: '%b = shl i64 %n, 3' }));
    expect(shl!.exact).toBe(true);
    const odd = pattern(loopFn({ next: 'add i64 %i, 4', cond: 'icmp ne i64 %i.next, %b', bound: '%b = and i64 %n, -2' }));
    expect(odd!.exact).toBe(false);
    const oddStart = pattern(loopFn({ init: '1', next: 'add i64 %i, 4', cond: 'icmp ne i64 %i.next, %b', bound: '%b = and i64 %n, -4' }));
    expect(oddStart!.exact).toBe(false);
    // < with a step above 1 may jump past the bound and wrap: estimate.
    expect(pattern(loopFn({ next: 'add i64 %i, 4', cond: 'icmp slt i64 %i.next, %b', bound: '%b = and i64 %n, -4' }))!.exact).toBe(false);
  });

  it('a bound computed inside the loop has no count', () => {
    expect(pattern(loopFn({ next: 'add i64 %i, 1', cond: 'icmp slt i64 %i.next, %j', bound: '%b = add i64 %n, 0' }).replace('%c = icmp', '%j = add i64 %i, %n\n  %c = icmp'))).toBeNull();
  });

  it('a second exit makes the count an upper bound of a loop that may stop early: not single', () => {
    const text = `define i64 @f(i64 %n, i1 %stop) {
entry:
  br label %body
body:
  %i = phi i64 [ 0, %entry ], [ %i.next, %latch ]
  br i1 %stop, label %exit, label %test
test:
  %i.next = add i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %latch, label %exit
latch:
  br label %body
exit:
  ret i64 %i
}`;
    const p = pattern(text);
    expect(p!.exact).toBe(true);
    expect(p!.single).toBe(false);
  });

  it('trailingZeros', () => {
    const m = parseText(`define i64 @g(i64 %n) {
  %a = and i64 %n, -8
  %b = shl i64 %n, 2
  %c = mul i64 %a, %b
  %d = add i64 %a, 4
  %e = or i64 %n, 1
  ret i64 %c
}`);
    const insts = m.functions[0]!.blocks[0]!.instructions;
    expect(insts.slice(0, 5).map((i) => trailingZeros(i))).toEqual([3, 2, 5, 2, 0]);
  });
});
