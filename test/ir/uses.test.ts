import { describe, expect, it } from 'vitest';
import { computeUses, replaceAllUsesWith, usedValue } from '../../src/ir/uses.js';
import { declareFunction } from '../../src/ir/builder.js';
import { MetadataAsValue } from '../../src/ir/constants.js';
import { MDValue } from '../../src/ir/metadata.js';
import { graph } from './helpers.js';

function sample() {
  const fx = graph(['entry', 'then', 'else', 'merge'], { entry: ['then', 'else'], then: ['merge'], else: ['merge'] });
  const { m, b, fn, bb } = fx;
  const d = m.types.double;
  const x = fn.args[2]!;
  const sin = declareFunction(m, 'sin', m.types.fn(d, [d]));
  b.before(bb.then!.terminator!);
  const s = b.call(sin, [x], 's');
  b.before(bb.else!.terminator!);
  const t = b.fmul(x, x, 't');
  b.atFirstInsertionPoint(bb.merge!);
  const p = b.phi(d, [[s, bb.then!], [t, bb.else!]], 'p');
  b.before(bb.merge!.terminator!);
  const q = b.fadd(p, x, 'q');
  return { ...fx, x, sin, s, t, p, q };
}

describe('uses', () => {
  it('lists every operand slot: call arguments and callee, phi incoming values', () => {
    const { x, sin, s, t, p, q, fn } = sample();
    const uses = computeUses(fn);
    expect(uses.get(x).map((u) => [u.user, u.index])).toEqual([[s, 0], [t, 0], [t, 1], [q, 1]]);
    expect(uses.users(x)).toEqual([s, t, q]);
    expect(uses.count(x)).toBe(4);
    expect(uses.get(sin).map((u) => [u.user, u.index])).toEqual([[s, 1]]);
    expect(uses.get(s).map((u) => [u.user, u.index])).toEqual([[p, 0]]);
    expect(uses.get(t).map((u) => [u.user, u.index])).toEqual([[p, 1]]);
    expect(uses.get(p).map((u) => [u.user, u.index])).toEqual([[q, 0]]);
    expect(uses.get(q)).toEqual([]);
    expect(uses.hasUses(q)).toBe(false);
    expect(fn.args[0] && uses.get(fn.args[0]).length).toBe(1); // the branch condition
    for (const v of uses.values()) for (const u of uses.get(v)) expect(usedValue(u)).toBe(v);
  });

  it('counts operand-bundle inputs', () => {
    const { s, x, fn } = sample();
    s.bundles = [{ tag: '"deopt"', inputs: [x, x] }];
    const uses = computeUses(fn);
    const bundleUses = uses.get(x).filter((u) => u.bundle >= 0);
    expect(bundleUses.map((u) => [u.bundle, u.index])).toEqual([[0, 0], [0, 1]]);
  });

  it('replaceAllUsesWith, by scanning or through a use map', () => {
    const { m, b, fn, x, s, t, p, q } = sample();
    const d = m.types.double;
    const one = b.fp(d, 1);
    expect(replaceAllUsesWith(fn, t, one)).toBe(1);
    expect(p.operands[1]).toBe(one);

    const uses = computeUses(fn);
    const two = b.fp(d, 2);
    expect(replaceAllUsesWith(fn, x, two, uses)).toBe(4); // s, t (twice), q
    expect(s.operands[0]).toBe(two);
    expect(q.operands[1]).toBe(two);
    expect(uses.get(x)).toEqual([]);
    expect(uses.get(two).length).toBe(4);
    expect(computeUses(fn).get(x)).toEqual([]);
    expect(() => replaceAllUsesWith(fn, p, b.i32(0))).toThrow(/different type/);
    expect(replaceAllUsesWith(fn, p, p)).toBe(0);
  });

  it('rewrites metadata references and debug records too', () => {
    const { m, b, fn, bb, t } = sample();
    const dbg = declareFunction(m, 'llvm.dbg.value', m.types.fn(m.types.void, [m.types.metadata]));
    b.before(bb.else!.terminator!);
    const c = b.call(dbg, [new MetadataAsValue(m.types.metadata, new MDValue(t))]);
    t.dbg = null;
    c.dbg = [{ kind: 'value', args: [new MDValue(t)], pos: -1 }];
    const u = b.fneg(t);
    const five = b.fp(m.types.double, 5);
    replaceAllUsesWith(fn, t, five);
    const arg = c.operands[0] as MetadataAsValue;
    expect((arg.md as MDValue).value).toBe(five);
    expect((c.dbg[0]!.args[0] as MDValue).value).toBe(five);
    expect(u.operands[0]).toBe(five);
  });
});
