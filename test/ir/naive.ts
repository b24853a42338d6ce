// Slow, obviously-correct reference analyses over small index graphs, for
// property tests of the real ones.
import fc from 'fast-check';

export type Graph = number[][]; // succ lists, node 0 is the entry

export const arbGraph: fc.Arbitrary<Graph> = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }));

export function reachable(g: Graph, from: readonly number[], rev = false): Set<number> {
  const preds = rev ? predsOf(g) : null;
  const seen = new Set<number>(from);
  const work = [...from];
  while (work.length) {
    const v = work.pop()!;
    for (const w of rev ? preds![v]! : g[v]!) if (!seen.has(w)) { seen.add(w); work.push(w); }
  }
  return seen;
}

export function predsOf(g: Graph): number[][] {
  const p: number[][] = g.map(() => []);
  g.forEach((ss, v) => { for (const s of new Set(ss)) p[s]!.push(v); });
  return p;
}

/** dom[v] = set of dominators of v, for nodes reachable from `roots` in graph `succ` with predecessor lists `preds`. */
export function dominatorSets(nodes: Set<number>, root: number, preds: number[][]): Map<number, Set<number>> {
  const dom = new Map<number, Set<number>>();
  for (const v of nodes) dom.set(v, v === root ? new Set([root]) : new Set(nodes));
  let changed = true;
  while (changed) {
    changed = false;
    for (const v of nodes) {
      if (v === root) continue;
      let acc: Set<number> | null = null;
      for (const p of preds[v]!) {
        if (!nodes.has(p)) continue;
        const dp = dom.get(p)!;
        if (acc === null) acc = new Set(dp);
        else for (const x of [...acc]) if (!dp.has(x)) acc.delete(x);
      }
      const next = acc ?? new Set<number>();
      next.add(v);
      const cur = dom.get(v)!;
      if (next.size !== cur.size || [...next].some((x) => !cur.has(x))) { dom.set(v, next); changed = true; }
    }
  }
  return dom;
}

/** Immediate dominator from dominator sets: the strict dominator dominated by all others. */
export function idomOf(dom: Map<number, Set<number>>, v: number): number | null {
  const strict = [...dom.get(v)!].filter((x) => x !== v);
  for (const c of strict) if (strict.every((o) => dom.get(c)!.has(o))) return c;
  return null;
}

/** Natural loop body of back edges into h from the given latches (reachable blocks only). */
export function naturalLoop(g: Graph, h: number, latches: readonly number[], live: Set<number>): Set<number> {
  const preds = predsOf(g);
  const body = new Set<number>([h]);
  const work = latches.filter((l) => !body.has(l));
  for (const l of work) body.add(l);
  while (work.length) {
    const v = work.pop()!;
    for (const p of preds[v]!) if (live.has(p) && !body.has(p)) { body.add(p); work.push(p); }
  }
  return body;
}

/** T1/T2 reduction of the reachable subgraph: reducible iff it collapses to one node. */
export function isReducible(g: Graph): boolean {
  const nodes = reachable(g, [0]);
  const succ = new Map<number, Set<number>>();
  const pred = new Map<number, Set<number>>();
  for (const v of nodes) { succ.set(v, new Set()); pred.set(v, new Set()); }
  for (const v of nodes) for (const s of g[v]!) { succ.get(v)!.add(s); pred.get(s)!.add(v); }
  let changed = true;
  while (changed) {
    changed = false;
    for (const v of [...succ.keys()]) {
      if (succ.get(v)!.has(v)) { succ.get(v)!.delete(v); pred.get(v)!.delete(v); changed = true; } // T1
      const ps = pred.get(v)!;
      if (v !== 0 && ps.size === 1) { // T2: merge v into its only predecessor
        const p = [...ps][0]!;
        for (const s of succ.get(v)!) { pred.get(s)!.delete(v); pred.get(s)!.add(p); succ.get(p)!.add(s); }
        succ.get(p)!.delete(v);
        succ.delete(v); pred.delete(v);
        changed = true;
      }
    }
  }
  return succ.size === 1;
}
