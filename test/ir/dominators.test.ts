import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DominatorTree, PostDominatorTree } from '../../src/ir/dominators.js';
import { BinaryInst } from '../../src/ir/instructions.js';
import { declareFunction } from '../../src/ir/builder.js';
import { fixture, graph, names } from './helpers.js';
import { arbGraph, dominatorSets, idomOf, predsOf, reachable, type Graph } from './naive.js';

function diamond() {
  return graph(['entry', 'then', 'else', 'merge'], { entry: ['then', 'else'], then: ['merge'], else: ['merge'] });
}

describe('DominatorTree', () => {
  it('diamond', () => {
    const { fn, bb } = diamond();
    const dt = DominatorTree.of(fn);
    expect(dt.idom(bb.entry!)).toBeNull();
    expect(names([dt.idom(bb.then!), dt.idom(bb.else!), dt.idom(bb.merge!)])).toEqual(['entry', 'entry', 'entry']);
    expect(names(dt.children(bb.entry!))).toEqual(['else', 'then', 'merge']);
    expect(dt.dominates(bb.entry!, bb.merge!)).toBe(true);
    expect(dt.dominates(bb.then!, bb.merge!)).toBe(false);
    expect(dt.dominates(bb.merge!, bb.merge!)).toBe(true);
    expect(dt.properlyDominates(bb.merge!, bb.merge!)).toBe(false);
    expect(dt.nearestCommonDominator(bb.then!, bb.else!)).toBe(bb.entry);
    expect(names(dt.frontier(bb.then!))).toEqual(['merge']);
    expect(names(dt.frontier(bb.entry!))).toEqual([]);
    expect(dt.depth(bb.merge!)).toBe(1);
    expect(names(dt.preorder())).toEqual(['entry', 'else', 'then', 'merge']);
  });

  it('loop: the header is in the frontier of its body', () => {
    const { fn, bb } = graph(['entry', 'h', 'body', 'exit'], { entry: ['h'], h: ['body', 'exit'], body: ['h'] });
    const dt = DominatorTree.of(fn);
    expect(names(dt.frontier(bb.body!))).toEqual(['h']);
    expect(names(dt.frontier(bb.h!))).toEqual(['h']);
    expect(dt.idom(bb.exit!)).toBe(bb.h);
  });

  it('unreachable blocks are dominated by everything and dominate nothing', () => {
    const { fn, bb } = graph(['entry', 'exit', 'dead'], { entry: ['exit'], dead: ['exit'] });
    const dt = DominatorTree.of(fn);
    expect(dt.dominates(bb.exit!, bb.dead!)).toBe(true);
    expect(dt.dominates(bb.dead!, bb.exit!)).toBe(false);
    expect(dt.idom(bb.dead!)).toBeNull();
    expect(dt.depth(bb.dead!)).toBe(-1);
    expect(dt.frontier(bb.dead!)).toEqual([]);
    expect(dt.nearestCommonDominator(bb.dead!, bb.exit!)).toBeNull();
  });

  it('edge dominance: a critical edge dominates nothing beyond the edge, a duplicated edge dominates nothing', () => {
    const { fn, bb } = graph(['entry', 'a', 'm', 'n'], { entry: ['a', 'm'], a: ['m'], m: ['n'] });
    const dt = DominatorTree.of(fn);
    expect(dt.dominatesEdge(bb.entry!, bb.a!, bb.a!)).toBe(true);
    expect(dt.dominatesEdge(bb.entry!, bb.m!, bb.n!)).toBe(false);
    expect(dt.dominatesEdge(bb.m!, bb.n!, bb.n!)).toBe(true);
    const g2 = graph(['entry', 'x', 'y'], { entry: ['x', 'y', 'y'], x: [], y: [] });
    const dt2 = DominatorTree.of(g2.fn);
    expect(dt2.dominatesEdge(g2.bb.entry!, g2.bb.y!, g2.bb.y!)).toBe(false);
    expect(dt2.dominatesEdge(g2.bb.entry!, g2.bb.x!, g2.bb.x!)).toBe(true);
  });

  describe('dominatesUse (LLVM rules)', () => {
    it('same block follows instruction order, and survives edits of the block', () => {
      const { m, b, fn, bb } = fixture(['entry']);
      b.atEnd(bb.entry!);
      const x = b.fadd(fn.args[1]!, fn.args[1]!, 'x');
      const y = b.fmul(x, x, 'y');
      const r = b.ret();
      const dt = DominatorTree.of(fn);
      expect(dt.dominatesUse(x, y, 0)).toBe(true);
      expect(dt.dominatesUse(y, x, 0)).toBe(false);
      expect(dt.dominatesUse(fn.args[1]!, x, 0)).toBe(true);
      expect(dt.dominatesUse(b.fp(m.types.double, 1), x, 0)).toBe(true);
      // Move y before x: the cached order must notice.
      bb.entry!.instructions.splice(1, 1);
      bb.entry!.instructions.unshift(y);
      expect(dt.dominatesUse(x, y, 0)).toBe(false);
      expect(dt.comesBefore(y, x)).toBe(true);
      expect(dt.dominatesInst(x, r)).toBe(true);
    });

    it('phi uses happen at the end of the incoming block', () => {
      const { m, b, fn, bb } = diamond();
      const d = m.types.double;
      b.before(bb.then!.terminator!);
      const t = b.fadd(b.fp(d, 1), b.fp(d, 2), 't');
      b.atFirstInsertionPoint(bb.merge!);
      const p = b.phi(d, [[t, bb.then!], [b.fp(d, 0), bb.else!]], 'p');
      const dt = DominatorTree.of(fn);
      expect(dt.dominatesUse(t, p, 0)).toBe(true);
      // The same value claimed to come from else: not dominated.
      p.blocks[0] = bb.else!;
      p.blocks[1] = bb.then!;
      expect(dt.dominatesUse(t, p, 0)).toBe(false);
      // A phi in a loop header may use its own value from the latch.
      const g = graph(['entry', 'h', 'exit'], { entry: ['h'], h: ['h', 'exit'] });
      g.b.atFirstInsertionPoint(g.bb.h!);
      const q = g.b.phi(d, [[g.b.fp(d, 0), g.bb.entry!]], 'q');
      q.operands.push(q);
      q.blocks.push(g.bb.h!);
      expect(DominatorTree.of(g.fn).dominatesUse(q, q, 1)).toBe(true);
    });

    it('an invoke result is available only in its normal destination', () => {
      const { m, b, fn, bb } = fixture(['entry', 'ok', 'lpad', 'join']);
      const d = m.types.double;
      const ext = declareFunction(m, 'ext', m.types.fn(d, []));
      b.atEnd(bb.entry!);
      const inv = b.invoke(ext, [], bb.ok!, bb.lpad!, 'v');
      b.atEnd(bb.ok!);
      const useOk = b.fadd(inv, inv, 'u');
      b.br(bb.join!);
      b.atEnd(bb.lpad!);
      b.landingpad(m.types.struct([m.types.opaquePtr(), m.types.i32]), true);
      const useLpad = b.fadd(inv, inv, 'w');
      b.br(bb.join!);
      b.atEnd(bb.join!);
      const phiOk = b.phi(d, [[inv, bb.ok!], [b.fp(d, 0), bb.lpad!]]);
      b.ret();
      const dt = DominatorTree.of(fn);
      expect(dt.dominatesUse(inv, useOk, 0)).toBe(true);
      expect(dt.dominatesUse(inv, useLpad, 0)).toBe(false);
      expect(dt.dominatesUse(inv, phiOk, 0)).toBe(true);
      phiOk.blocks[0] = bb.lpad!;
      phiOk.blocks[1] = bb.ok!;
      expect(dt.dominatesUse(inv, phiOk, 0)).toBe(false);
    });

    it('invoke whose normal destination has other predecessors: only the edge counts', () => {
      const { m, b, fn, bb } = fixture(['entry', 'call', 'ok', 'lpad']);
      const d = m.types.double;
      const ext = declareFunction(m, 'ext', m.types.fn(d, []));
      b.atEnd(bb.entry!).condBr(fn.args[0]!, bb.call!, bb.ok!);
      const inv = b.atEnd(bb.call!).invoke(ext, [], bb.ok!, bb.lpad!, 'v');
      b.atEnd(bb.ok!);
      const phi = b.phi(d, [[inv, bb.call!], [b.fp(d, 1), bb.entry!]]);
      const use = b.fadd(inv, inv);
      b.ret();
      b.atEnd(bb.lpad!).unreachable();
      const dt = DominatorTree.of(fn);
      expect(dt.dominatesUse(inv, phi, 0)).toBe(true);
      expect(dt.dominatesUse(inv, use, 0)).toBe(false);
    });

    it('unreachable uses are dominated; unreachable definitions dominate nothing', () => {
      const { m, b, fn, bb } = graph(['entry', 'exit', 'dead'], { entry: ['exit'], dead: ['exit'] });
      const d = m.types.double;
      b.before(bb.dead!.terminator!);
      const x = b.fadd(b.fp(d, 1), b.fp(d, 1));
      b.before(bb.exit!.terminator!);
      const y = b.fadd(x, x);
      b.before(bb.dead!.terminator!);
      const z = b.fadd(y, y);
      const dt = DominatorTree.of(fn);
      expect(dt.dominatesUse(x, y, 0)).toBe(false);
      expect(dt.dominatesUse(y, z, 0)).toBe(true);
      expect(y).toBeInstanceOf(BinaryInst);
    });
  });
});

describe('PostDominatorTree', () => {
  it('diamond', () => {
    const { fn, bb } = diamond();
    const pdt = PostDominatorTree.of(fn);
    expect(names(pdt.roots)).toEqual(['merge']);
    expect(pdt.ipdom(bb.entry!)).toBe(bb.merge);
    expect(pdt.ipdom(bb.then!)).toBe(bb.merge);
    expect(pdt.ipdom(bb.merge!)).toBeNull();
    expect(pdt.postDominates(bb.merge!, bb.entry!)).toBe(true);
    expect(pdt.postDominates(bb.then!, bb.entry!)).toBe(false);
    expect(pdt.postDominates(null, bb.then!)).toBe(true);
    expect(names(pdt.frontier(bb.then!))).toEqual(['entry']);
    expect(names(pdt.children(null))).toEqual(['merge']);
  });

  it('two exits: the virtual exit joins them', () => {
    const { fn, bb } = graph(['entry', 'a', 'b'], { entry: ['a', 'b'] });
    const pdt = PostDominatorTree.of(fn);
    expect(names(pdt.roots)).toEqual(['a', 'b']);
    expect(pdt.ipdom(bb.entry!)).toBeNull();
    expect(pdt.nearestCommonPostDominator(bb.a!, bb.b!)).toBeNull();
  });

  it('an infinite loop gets an extra root instead of crashing', () => {
    const { fn, bb } = graph(['entry', 'h', 'body'], { entry: ['h'], h: ['body'], body: ['h'] });
    const pdt = PostDominatorTree.of(fn);
    expect(names(pdt.roots)).toEqual(['body']);
    expect(pdt.ipdom(bb.h!)).toBe(bb.body);
    expect(pdt.ipdom(bb.entry!)).toBe(bb.h);
  });
});

function toFn(g: Graph) {
  const ns = g.map((_, i) => `b${i}`);
  const edges: Record<string, string[]> = {};
  g.forEach((ss, i) => { edges[`b${i}`] = ss.map((s) => `b${s}`); });
  return graph(ns, edges);
}

describe('dominators against the textbook definition (random CFGs)', () => {
  it('idom, dominates, frontier', () => {
    fc.assert(fc.property(arbGraph, (g) => {
      const { fn } = toFn(g);
      const dt = DominatorTree.of(fn);
      const blocks = fn.blocks;
      const nodes = reachable(g, [0]);
      const preds = predsOf(g);
      const dom = dominatorSets(nodes, 0, preds);
      for (let v = 0; v < g.length; v++) {
        if (!nodes.has(v)) { expect(dt.isReachable(blocks[v]!)).toBe(false); continue; }
        const id = idomOf(dom, v);
        expect(dt.idom(blocks[v]!)).toBe(id === null ? null : blocks[id]);
        for (let u = 0; u < g.length; u++) {
          const want = nodes.has(u) ? dom.get(v)!.has(u) : false;
          expect(dt.dominates(blocks[u]!, blocks[v]!)).toBe(u === v || want);
        }
        // DF(x) = { y : x dominates a predecessor of y, and x does not strictly dominate y }
        const df = [...nodes].filter((y) => preds[y]!.some((p) => nodes.has(p) && dom.get(p)!.has(v))
          && !(dom.get(y)!.has(v) && y !== v)).sort((a, b) => a - b);
        expect(dt.frontier(blocks[v]!).map((b) => blocks.indexOf(b)).sort((a, b) => a - b)).toEqual(df);
      }
    }), { numRuns: 300 });
  });

  it('post-dominators given the roots', () => {
    fc.assert(fc.property(arbGraph, (g) => {
      const { fn } = toFn(g);
      const pdt = PostDominatorTree.of(fn);
      const blocks = fn.blocks;
      const n = g.length;
      const roots = pdt.roots.map((b) => blocks.indexOf(b));
      // Every block without successors is a root; extra roots are only where no exit is reachable.
      for (let v = 0; v < n; v++) if (g[v]!.length === 0) expect(roots).toContain(v);
      const exits = [...new Set(g.flatMap((ss, v) => (ss.length === 0 ? [v] : [])))];
      const reachExit = reachable(g, exits, true);
      for (const r of roots) if (g[r]!.length > 0) expect(reachExit.has(r)).toBe(false);
      // Reverse graph with a virtual exit n.
      const rg: Graph = g.map(() => []);
      rg.push([]);
      g.forEach((ss, v) => { for (const s of ss) rg[s]!.push(v); });
      for (const r of roots) rg[n]!.push(r);
      const rnodes = new Set<number>();
      const work = [n];
      rnodes.add(n);
      while (work.length) { const v = work.pop()!; for (const w of rg[v]!) if (!rnodes.has(w)) { rnodes.add(w); work.push(w); } }
      expect(rnodes.size).toBe(n + 1);
      const pdom = dominatorSets(rnodes, n, predsOf(rg));
      for (let v = 0; v < n; v++) {
        const id = idomOf(pdom, v);
        expect(pdt.ipdom(blocks[v]!)).toBe(id === null || id === n ? null : blocks[id]);
        for (let u = 0; u < n; u++) expect(pdt.postDominates(blocks[u]!, blocks[v]!)).toBe(pdom.get(v)!.has(u));
      }
    }), { numRuns: 300 });
  });
});

describe('scale', () => {
  it('a long chain of diamonds (iterative, no recursion)', () => {
    const k = 5000;
    const ns: string[] = [];
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < k; i++) {
      ns.push(`h${i}`, `l${i}`, `r${i}`);
      edges[`h${i}`] = [`l${i}`, `r${i}`];
      edges[`l${i}`] = [i + 1 < k ? `h${i + 1}` : 'end'];
      edges[`r${i}`] = [i + 1 < k ? `h${i + 1}` : 'end'];
    }
    ns.push('end');
    const { fn, bb } = graph(ns, edges);
    const dt = DominatorTree.of(fn);
    const pdt = PostDominatorTree.of(fn);
    expect(dt.idom(bb.end!)).toBe(bb[`h${k - 1}`]);
    expect(pdt.ipdom(bb.h0!)).toBe(bb.h1);
    expect(dt.frontier(bb.l0!)).toEqual([bb.h1]);
  });
});
