import { describe, expect, it } from 'vitest';
import { CFG } from '../../src/ir/cfg.js';
import { addFunction } from '../../src/ir/builder.js';
import { fixture, graph, names } from './helpers.js';

describe('CFG', () => {
  it('diamond: successors, predecessors, RPO, exits', () => {
    const { fn, bb } = graph(['entry', 'then', 'else', 'merge'], {
      entry: ['then', 'else'], then: ['merge'], else: ['merge'],
    });
    const cfg = new CFG(fn);
    expect(names(cfg.succs(bb.entry!))).toEqual(['then', 'else']);
    expect(names(cfg.preds(bb.merge!))).toEqual(['then', 'else']);
    expect(names(cfg.preds(bb.entry!))).toEqual([]);
    expect(names(cfg.rpo)).toEqual(['entry', 'else', 'then', 'merge']);
    expect(cfg.rpoIndex(bb.entry!)).toBe(0);
    expect(cfg.rpoIndex(bb.merge!)).toBe(3);
    expect(names(cfg.postOrder())).toEqual(['merge', 'then', 'else', 'entry']);
    expect(names(cfg.exitBlocks())).toEqual(['merge']);
    expect(names(cfg.returnBlocks())).toEqual(['merge']);
    expect(cfg.criticalEdges()).toEqual([]);
    expect(cfg.unreachableBlocks()).toEqual([]);
  });

  it('finds critical edges', () => {
    const { fn, bb } = graph(['entry', 'a', 'merge'], { entry: ['a', 'merge'], a: ['merge'] });
    const cfg = new CFG(fn);
    expect(cfg.criticalEdges().map((e) => [e.from.name, e.to.name])).toEqual([['entry', 'merge']]);
    expect(cfg.isCriticalEdge(bb.entry!, bb.merge!)).toBe(true);
    expect(cfg.isCriticalEdge(bb.entry!, bb.a!)).toBe(false);
    expect(cfg.isCriticalEdge(bb.a!, bb.merge!)).toBe(false);
  });

  it('keeps edge multiplicity apart from unique neighbours', () => {
    const { fn, bb } = graph(['entry', 'x', 'y'], { entry: ['x', 'y', 'y', 'x'], x: [], y: [] });
    const cfg = new CFG(fn);
    expect(names(cfg.succs(bb.entry!))).toEqual(['x', 'y']);
    expect(names(cfg.succEdges(bb.entry!))).toEqual(['x', 'y', 'y', 'x']);
    expect(names(cfg.predEdges(bb.y!))).toEqual(['entry', 'entry']);
    expect(names(cfg.preds(bb.y!))).toEqual(['entry']);
    // Duplicate edges between the same two blocks are not critical by themselves.
    expect(cfg.isCriticalEdge(bb.entry!, bb.y!)).toBe(false);
  });

  it('separates unreachable blocks but keeps their edges', () => {
    const { fn, bb } = graph(['entry', 'exit', 'dead'], { entry: ['exit'], dead: ['exit'] });
    const cfg = new CFG(fn);
    expect(names(cfg.rpo)).toEqual(['entry', 'exit']);
    expect(cfg.isReachable(bb.dead!)).toBe(false);
    expect(cfg.rpoIndex(bb.dead!)).toBe(-1);
    expect(names(cfg.unreachableBlocks())).toEqual(['dead']);
    expect(names(cfg.preds(bb.exit!))).toEqual(['entry', 'dead']);
  });

  it('counts resume and unreachable as exits, and records edges to foreign blocks', () => {
    const { m, b, fn, bb } = fixture(['entry', 'u', 'r']);
    b.atEnd(bb.entry!).condBr(fn.args[0]!, bb.u!, bb.r!);
    b.atEnd(bb.u!).unreachable();
    b.atEnd(bb.r!).resume(b.undef(m.types.struct([m.types.opaquePtr(), m.types.i32])));
    const cfg = new CFG(fn);
    expect(names(cfg.exitBlocks())).toEqual(['u', 'r']);
    expect(cfg.returnBlocks()).toEqual([]);

    const other = addFunction(m, 'g', m.types.fn(m.types.void, []));
    const ob = b.block(other, 'elsewhere');
    b.atEnd(ob).ret();
    bb.u!.instructions.pop();
    b.atEnd(bb.u!).br(ob);
    const cfg2 = new CFG(fn);
    expect(cfg2.foreignEdges.map((e) => [e.from.name, e.to.name])).toEqual([['u', 'elsewhere']]);
    expect(() => cfg2.succs(ob)).toThrow(/not in function/);
  });

  it('handles an empty function and a block without terminator', () => {
    const { m } = fixture([]);
    const empty = addFunction(m, 'empty', m.types.fn(m.types.void, []));
    const cfg = new CFG(empty);
    expect(cfg.rpo).toEqual([]);
    expect(cfg.entry).toBeNull();
    const { fn, bb } = fixture(['entry']);
    const c2 = new CFG(fn);
    expect(names(c2.rpo)).toEqual(['entry']);
    expect(c2.exitBlocks()).toEqual([]);
    expect(c2.succs(bb.entry!)).toEqual([]);
  });

  it('is linear on a long chain (no recursion)', () => {
    const n = 50_000;
    const ns = Array.from({ length: n }, (_, i) => `b${i}`);
    const edges: Record<string, string[]> = {};
    for (let i = 0; i + 1 < n; i++) edges[`b${i}`] = [`b${i + 1}`];
    const { fn } = graph(ns, edges);
    const cfg = new CFG(fn);
    expect(cfg.rpo.length).toBe(n);
    expect(cfg.rpo[n - 1]!.name).toBe(`b${n - 1}`);
  });
});
