// The cheapest way to make a set of values available to the reverse sweep:
// a minimum s-t cut over the value graph (the shape of Enzyme's cache
// analysis, with costs on both sides of the choice).
//
// Every value v of the graph is two nodes, v.in and v.out:
//
//   source --recompute(v)--> v.in --cache(v)--> v.out --inf--> sink   (v needed by the reverse)
//                                                v.out --inf--> w.in  (v an operand of w's recomputation)
//
// In a minimum cut, v.in on the sink side means "v is recomputed in the
// reverse sweep" (the cut pays its recomputation, and every operand's v.out
// must then be on the sink side too: available); v.in on the source side with
// v.out on the sink side means "v is cached" (the cut pays its tape cost).
// A value that cannot be recomputed has an infinite source edge; a value the
// reverse can use for free (arguments, constants, values that dominate the
// return outside loops) is not a node at all.

/** One value of the graph: what keeping it costs, what recomputing it costs, and what its recomputation reads. */
export interface CutNode {
  /** Cost of storing it in the forward sweep and reading it back (Infinity: cannot be cached). */
  cache: number;
  /** Cost of computing it again in the reverse sweep (Infinity: cannot be recomputed). */
  recompute: number;
  /** Indices of the nodes its recomputation reads. */
  operands: readonly number[];
  /** The reverse sweep reads it. */
  required: boolean;
}

export interface Cut {
  /** Per node: 'cache' (stored and read back), 'recompute', or 'none' (not needed in the reverse). */
  how: ('cache' | 'recompute' | 'none')[];
  /** The total cost of the cut (Infinity when some required value can be neither cached nor recomputed). */
  cost: number;
}

// Costs are scaled to integers so that the flow is exact.
const SCALE = 1000;
const INF = 2 ** 52;

function toCap(x: number): number {
  if (!Number.isFinite(x)) return INF;
  return Math.min(INF, Math.max(0, Math.round(x * SCALE)));
}

/** Dinic's maximum flow on a graph given as arrays (to, cap, next) with adjacency heads. */
class Flow {
  readonly head: Int32Array;
  private to: number[] = [];
  private cap: number[] = [];
  private next: number[] = [];
  private level: Int32Array;
  private iter: Int32Array;

  constructor(readonly n: number) {
    this.head = new Int32Array(n).fill(-1);
    this.level = new Int32Array(n);
    this.iter = new Int32Array(n);
  }

  edge(u: number, v: number, c: number): void {
    if (c <= 0) return;
    this.to.push(v); this.cap.push(c); this.next.push(this.head[u]!); this.head[u] = this.to.length - 1;
    this.to.push(u); this.cap.push(0); this.next.push(this.head[v]!); this.head[v] = this.to.length - 1;
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const q = [s];
    this.level[s] = 0;
    for (let qi = 0; qi < q.length; qi++) {
      const u = q[qi]!;
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > 0 && this.level[v]! < 0) { this.level[v] = this.level[u]! + 1; q.push(v); }
      }
    }
    return this.level[t]! >= 0;
  }

  /** One blocking-flow augmentation along level-increasing paths (iterative DFS). */
  private augment(s: number, t: number): number {
    let total = 0;
    const stack: number[] = [];
    const edges: number[] = [];
    for (;;) {
      stack.length = 0; edges.length = 0;
      stack.push(s);
      let found = false;
      while (stack.length) {
        const u = stack[stack.length - 1]!;
        if (u === t) { found = true; break; }
        let advanced = false;
        for (; this.iter[u]! >= 0; this.iter[u] = this.next[this.iter[u]!]!) {
          const e = this.iter[u]!;
          const v = this.to[e]!;
          if (this.cap[e]! > 0 && this.level[v] === this.level[u]! + 1) {
            stack.push(v); edges.push(e); advanced = true;
            break;
          }
        }
        if (!advanced) {
          // Dead end: never try this node again in this phase.
          this.level[u] = -1;
          stack.pop();
          const e = edges.pop();
          if (e !== undefined) this.iter[stack[stack.length - 1]!] = this.next[e]!;
        }
      }
      if (!found) return total;
      let f = INF;
      for (const e of edges) f = Math.min(f, this.cap[e]!);
      for (const e of edges) { this.cap[e] = this.cap[e]! - f; this.cap[e ^ 1] = this.cap[e ^ 1]! + f; }
      total += f;
      if (f >= INF) return total;
    }
  }

  maxflow(s: number, t: number): number {
    let flow = 0;
    while (this.bfs(s, t)) {
      for (let u = 0; u < this.n; u++) this.iter[u] = this.head[u]!;
      const f = this.augment(s, t);
      if (f === 0) break;
      flow += f;
      if (flow >= INF) return INF;
    }
    return flow;
  }

  /** Nodes reachable from `s` in the residual graph (the source side of a minimum cut). */
  sourceSide(s: number): Uint8Array {
    const seen = new Uint8Array(this.n);
    const q = [s];
    seen[s] = 1;
    for (let qi = 0; qi < q.length; qi++) {
      const u = q[qi]!;
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > 0 && !seen[v]) { seen[v] = 1; q.push(v); }
      }
    }
    return seen;
  }
}

/** The cheapest choice of values to cache and to recompute so that every required value is available. */
export function minCut(nodes: readonly CutNode[]): Cut {
  const n = nodes.length;
  const S = 2 * n, T = 2 * n + 1;
  const g = new Flow(2 * n + 2);
  nodes.forEach((v, i) => {
    g.edge(S, 2 * i, toCap(v.recompute));
    g.edge(2 * i, 2 * i + 1, toCap(v.cache));
    if (v.required) g.edge(2 * i + 1, T, INF);
    for (const o of v.operands) g.edge(2 * o + 1, 2 * i, INF);
  });
  const flow = g.maxflow(S, T);
  const side = g.sourceSide(S);
  const how = nodes.map((_, i): 'cache' | 'recompute' | 'none' => {
    const inS = side[2 * i] === 1, outS = side[2 * i + 1] === 1;
    if (!inS) return 'recompute';
    return outS ? 'none' : 'cache';
  });
  return { how, cost: flow >= INF ? Infinity : flow / SCALE };
}
