import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LoopInfo, computeLoops, irreducibleDiagnostics } from '../../src/ir/loops.js';
import { DominatorTree } from '../../src/ir/dominators.js';
import { SourceFile } from '../../src/diag/source.js';
import { graph, names } from './helpers.js';
import { arbGraph, dominatorSets, isReducible, naturalLoop, predsOf, reachable, type Graph } from './naive.js';

describe('LoopInfo', () => {
  it('a loop nest: headers, latches, blocks, exits, preheaders, depth', () => {
    // for (i) { for (j) { body } latch_i }
    const { fn, bb } = graph(['entry', 'oh', 'ih', 'ib', 'ol', 'exit'], {
      entry: ['oh'],
      oh: ['ih', 'exit'],
      ih: ['ib', 'ol'],
      ib: ['ih'],
      ol: ['oh'],
    });
    const li = LoopInfo.of(fn);
    expect(li.isReducible).toBe(true);
    expect(li.topLevel.length).toBe(1);
    const outer = li.topLevel[0]!;
    expect(outer.header).toBe(bb.oh);
    expect(names(outer.latches)).toEqual(['ol']);
    expect(names(outer.blocks)).toEqual(['oh', 'ih', 'ol', 'ib']);
    expect(names(outer.exits)).toEqual(['exit']);
    expect(names(outer.exitingBlocks)).toEqual(['oh']);
    expect(outer.preheader).toBe(bb.entry);
    expect(outer.depth).toBe(1);
    expect(outer.children.length).toBe(1);
    const inner = outer.children[0]!;
    expect(inner.header).toBe(bb.ih);
    expect(inner.parent).toBe(outer);
    expect(inner.depth).toBe(2);
    expect(names(inner.blocks)).toEqual(['ih', 'ib']);
    expect(names(inner.latches)).toEqual(['ib']);
    expect(names(inner.exits)).toEqual(['ol']);
    expect(inner.exitEdges.map((e) => [e.from.name, e.to.name])).toEqual([['ih', 'ol']]);
    // The inner header's outside predecessor is the outer header, which branches two ways: no preheader.
    expect(inner.predecessor).toBe(bb.oh);
    expect(inner.preheader).toBeNull();
    expect(li.loopFor(bb.ib!)).toBe(inner);
    expect(li.loopFor(bb.ol!)).toBe(outer);
    expect(li.loopFor(bb.exit!)).toBeNull();
    expect([li.depth(bb.entry!), li.depth(bb.oh!), li.depth(bb.ib!)]).toEqual([0, 1, 2]);
    expect(li.isLoopHeader(bb.ih!)).toBe(true);
    expect(li.isLoopHeader(bb.ib!)).toBe(false);
    expect(outer.contains(bb.ib!)).toBe(true);
    expect(inner.contains(bb.ol!)).toBe(false);
    expect(outer.containsLoop(inner)).toBe(true);
    expect(inner.containsLoop(outer)).toBe(false);
    expect(li.loops).toEqual([outer, inner]);
  });

  it('several back edges to one header make one loop; a self loop is a loop', () => {
    const { fn, bb } = graph(['entry', 'h', 'a', 'b', 's', 'exit'], {
      entry: ['h'], h: ['a', 'b'], a: ['h', 's'], b: ['h'], s: ['s', 'exit'],
    });
    const li = computeLoops(fn);
    expect(li.topLevel.map((l) => l.header.name)).toEqual(['h', 's']);
    const [h, s] = li.topLevel as [typeof li.topLevel[0], typeof li.topLevel[0]];
    expect(names(h.latches)).toEqual(['a', 'b']);
    expect(names(h.blocks).sort()).toEqual(['a', 'b', 'h']);
    expect(names(s.latches)).toEqual(['s']);
    expect(names(s.blocks)).toEqual(['s']);
    expect(s.predecessor).toBe(bb.a);
    expect(s.preheader).toBeNull(); // a branches two ways
  });

  it('two outside predecessors: no preheader', () => {
    const { fn, bb } = graph(['entry', 'p', 'h', 'exit'], { entry: ['p', 'h'], p: ['h'], h: ['h', 'exit'] });
    const l = LoopInfo.of(fn).topLevel[0]!;
    expect(l.header).toBe(bb.h);
    expect(l.predecessor).toBeNull();
    expect(l.preheader).toBeNull();
  });

  it('irreducible control flow is reported, not looped over', () => {
    // entry branches into the middle of a two-block cycle.
    const { fn } = graph(['entry', 'a', 'b', 'exit'], { entry: ['a', 'b'], a: ['b'], b: ['a', 'exit'] });
    const li = LoopInfo.of(fn);
    expect(li.isReducible).toBe(false);
    expect(li.loops).toEqual([]);
    expect(li.irreducible.map((e) => [e.from.name, e.to.name])).toEqual([['b', 'a']]);
    const ds = irreducibleDiagnostics(li, new SourceFile('t.ll', ''));
    expect(ds.map((d) => d.code)).toEqual(['E0307']);
    expect(ds[0]!.message).toMatch(/%b to %a/);
    // The reducible part still yields its loops.
    const g2 = graph(['entry', 'a', 'b', 'h', 'exit'], { entry: ['a', 'b'], a: ['b'], b: ['a', 'h'], h: ['h', 'exit'] });
    const li2 = LoopInfo.of(g2.fn);
    expect(li2.loops.map((l) => l.header.name)).toEqual(['h']);
    expect(li2.irreducible.length).toBe(1);
  });

  it('ignores unreachable cycles', () => {
    const { fn } = graph(['entry', 'x', 'y'], { x: ['y'], y: ['x'] });
    const li = LoopInfo.of(fn);
    expect(li.loops).toEqual([]);
    expect(li.isReducible).toBe(true);
  });
});

function toFn(g: Graph) {
  const ns = g.map((_, i) => `b${i}`);
  const edges: Record<string, string[]> = {};
  g.forEach((ss, i) => { edges[`b${i}`] = ss.map((s) => `b${s}`); });
  return graph(ns, edges);
}

describe('loops against the textbook definition (random CFGs)', () => {
  it('natural loops, nesting and reducibility', () => {
    fc.assert(fc.property(arbGraph, (g) => {
      const { fn } = toFn(g);
      const blocks = fn.blocks;
      const li = new LoopInfo(new DominatorTree(fn));
      const nodes = reachable(g, [0]);
      const dom = dominatorSets(nodes, 0, predsOf(g));
      // header -> latches from back edges
      const want = new Map<number, number[]>();
      for (const t of nodes) for (const h of new Set(g[t]!)) if (dom.get(t)!.has(h)) want.set(h, [...(want.get(h) ?? []), t]);
      expect(li.loops.map((l) => blocks.indexOf(l.header)).sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
      for (const l of li.loops) {
        const h = blocks.indexOf(l.header);
        const body = naturalLoop(g, h, want.get(h)!, nodes);
        expect(l.blocks.map((b) => blocks.indexOf(b)).sort((a, b) => a - b)).toEqual([...body].sort((a, b) => a - b));
        expect(l.blocks[0]).toBe(l.header);
        // The parent is the smallest other loop containing the header.
        const containing = li.loops.filter((o) => o !== l && o.contains(l.header));
        const smallest = containing.sort((a, b) => a.blocks.length - b.blocks.length)[0] ?? null;
        expect(l.parent).toBe(smallest);
        expect(l.depth).toBe(containing.length + 1);
      }
      expect(li.isReducible).toBe(isReducible(g));
    }), { numRuns: 400 });
  });
});
