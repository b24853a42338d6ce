// Control-flow graph of one function, computed on demand from the
// terminators' successor lists. Blocks are numbered by their position in
// `fn.blocks`. Adjacency is kept in compressed rows (one Int32Array of
// offsets and one of neighbours) so that building a CFG allocates a handful of
// arrays rather than several per block: the dominator and loop analyses walk
// these rows directly, and the BasicBlock[] views are built on first request.
// A CFG is a snapshot: recompute it after editing edges.

import type { BasicBlock, Function } from './function.js';
import { successors } from './instructions.js';

export interface Edge {
  readonly from: BasicBlock;
  readonly to: BasicBlock;
}

/** Neighbour lists of block indices: `list[start[i] .. start[i+1])` for block i. */
export interface Rows {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

function rowsView(r: Rows, i: number, blocks: readonly BasicBlock[]): BasicBlock[] {
  const out: BasicBlock[] = [];
  for (let k = r.start[i]!, e = r.start[i + 1]!; k < e; k++) out.push(blocks[r.list[k]!]!);
  return out;
}

/** Transposes rows (stable: the sources of each target stay in increasing order). */
function transpose(n: number, r: Rows): Rows {
  const count = new Int32Array(n + 1);
  const e = r.list.length;
  for (let k = 0; k < e; k++) count[r.list[k]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const start = count.slice();
  const list = new Int32Array(e);
  for (let i = 0; i < n; i++) {
    for (let k = r.start[i]!, end = r.start[i + 1]!; k < end; k++) list[count[r.list[k]!]!++] = i;
  }
  return { start, list };
}

export class CFG {
  readonly fn: Function;
  /** `fn.blocks` at construction time. */
  readonly blocks: readonly BasicBlock[];
  /** Unique successors of each block, in the terminator's order. */
  readonly succRows: Rows;
  /** Unique predecessors of each block, in function order. */
  readonly predRows: Rows;
  /** One predecessor entry per edge (duplicates kept), in function order. */
  readonly predEdgeRows: Rows;
  /** Reachable blocks in reverse post order (entry first). */
  readonly rpo: readonly BasicBlock[];
  /** Position of each block (by index) in `rpo`, or -1 when unreachable. */
  readonly rpoNumber: Int32Array;
  /** Block index of each RPO position. */
  readonly rpoBlock: Int32Array;
  /** Edges whose target is not a block of this function (malformed IR; reported by the verifier). */
  readonly foreignEdges: readonly Edge[];

  private readonly index = new Map<BasicBlock, number>();
  private readonly succCache: (BasicBlock[] | undefined)[];
  private readonly predCache: (BasicBlock[] | undefined)[];

  constructor(fn: Function) {
    this.fn = fn;
    const blocks = fn.blocks.slice();
    this.blocks = blocks;
    const n = blocks.length;
    for (let i = 0; i < n; i++) this.index.set(blocks[i]!, i);

    // All edges, in block then successor-slot order; unique successors on the side.
    const allTo: number[] = [];
    const allStart = new Int32Array(n + 1);
    const uniq: number[] = [];
    const uniqStart = new Int32Array(n + 1);
    const foreign: Edge[] = [];
    const mark = new Int32Array(n).fill(-1); // mark[j] === i: j already a successor of i
    for (let i = 0; i < n; i++) {
      allStart[i] = allTo.length;
      uniqStart[i] = uniq.length;
      const b = blocks[i]!;
      const term = b.terminator;
      if (!term) continue;
      for (const s of successors(term)) {
        const j = this.index.get(s);
        if (j === undefined) { foreign.push({ from: b, to: s }); continue; }
        allTo.push(j);
        if (mark[j] !== i) { mark[j] = i; uniq.push(j); }
      }
    }
    allStart[n] = allTo.length;
    uniqStart[n] = uniq.length;
    this.succRows = { start: uniqStart, list: Int32Array.from(uniq) };
    this.predRows = transpose(n, this.succRows);
    this.predEdgeRows = transpose(n, { start: allStart, list: Int32Array.from(allTo) });
    this.foreignEdges = foreign;
    this.succCache = new Array<BasicBlock[] | undefined>(n);
    this.predCache = new Array<BasicBlock[] | undefined>(n);

    // Iterative DFS from the entry: post order, then reversed.
    const rpoNumber = new Int32Array(n).fill(-1);
    const post = new Int32Array(n);
    let np = 0;
    if (n > 0) {
      const { start, list } = this.succRows;
      const visited = new Uint8Array(n);
      const stack = new Int32Array(n);
      const next = new Int32Array(n);
      let sp = 0;
      stack[0] = 0;
      next[0] = start[0]!;
      visited[0] = 1;
      while (sp >= 0) {
        const v = stack[sp]!;
        const k = next[sp]!;
        if (k < start[v + 1]!) {
          next[sp] = k + 1;
          const w = list[k]!;
          if (!visited[w]) { visited[w] = 1; sp++; stack[sp] = w; next[sp] = start[w]!; }
        } else {
          post[np++] = v;
          sp--;
        }
      }
    }
    const rpo = new Array<BasicBlock>(np);
    const rpoBlock = new Int32Array(np);
    for (let k = 0; k < np; k++) {
      const v = post[np - 1 - k]!;
      rpo[k] = blocks[v]!;
      rpoBlock[k] = v;
      rpoNumber[v] = k;
    }
    this.rpo = rpo;
    this.rpoBlock = rpoBlock;
    this.rpoNumber = rpoNumber;
  }

  get entry(): BasicBlock | null { return this.blocks[0] ?? null; }
  get size(): number { return this.blocks.length; }

  /** Position of `b` in `fn.blocks`, or -1 when it is not a block of this function. */
  indexOf(b: BasicBlock): number { return this.index.get(b) ?? -1; }
  has(b: BasicBlock): boolean { return this.index.has(b); }

  /** Unique successors, in the terminator's order. */
  succs(b: BasicBlock): readonly BasicBlock[] {
    const i = this.must(b);
    return (this.succCache[i] ??= rowsView(this.succRows, i, this.blocks));
  }
  /** Unique predecessors (reachable or not), in function order. */
  preds(b: BasicBlock): readonly BasicBlock[] {
    const i = this.must(b);
    return (this.predCache[i] ??= rowsView(this.predRows, i, this.blocks));
  }
  /**
   * One entry per incoming edge, as LLVM's `predecessors()`: a switch with
   * two cases to `b` appears twice (and a phi in `b` needs two entries for it).
   */
  predEdges(b: BasicBlock): BasicBlock[] { return rowsView(this.predEdgeRows, this.must(b), this.blocks); }
  /** Number of incoming edges (duplicates counted). */
  predEdgeCount(b: BasicBlock): number {
    const i = this.must(b);
    return this.predEdgeRows.start[i + 1]! - this.predEdgeRows.start[i]!;
  }
  /** The terminator's successor list, duplicates included. */
  succEdges(b: BasicBlock): readonly BasicBlock[] {
    const t = b.terminator;
    return t ? successors(t) : [];
  }

  isReachable(b: BasicBlock): boolean {
    const i = this.index.get(b);
    return i !== undefined && this.rpoNumber[i]! >= 0;
  }
  /** Position in reverse post order, or -1 when unreachable or foreign. */
  rpoIndex(b: BasicBlock): number {
    const i = this.index.get(b);
    return i === undefined ? -1 : this.rpoNumber[i]!;
  }
  /** Reachable blocks in post order (exits first). */
  postOrder(): BasicBlock[] { return this.rpo.slice().reverse(); }
  /** Blocks not reachable from the entry, in function order. */
  unreachableBlocks(): BasicBlock[] {
    const out: BasicBlock[] = [];
    for (let i = 0; i < this.blocks.length; i++) if (this.rpoNumber[i]! < 0) out.push(this.blocks[i]!);
    return out;
  }

  private succCount(i: number): number { return this.succRows.start[i + 1]! - this.succRows.start[i]!; }
  private predCount(i: number): number { return this.predRows.start[i + 1]! - this.predRows.start[i]!; }

  /**
   * An edge is critical when its source has several (distinct) successors and
   * its target several (distinct) predecessors: code for the edge can then
   * live in neither block. Duplicate edges between the same two blocks count
   * once, since code placed on one of them is placed on all.
   */
  isCriticalEdge(from: BasicBlock, to: BasicBlock): boolean {
    const i = this.must(from);
    const j = this.must(to);
    if (this.succCount(i) < 2 || this.predCount(j) < 2) return false;
    const { start, list } = this.succRows;
    for (let k = start[i]!; k < start[i + 1]!; k++) if (list[k] === j) return true;
    return false;
  }
  criticalEdges(): Edge[] {
    const out: Edge[] = [];
    const { start, list } = this.succRows;
    for (let i = 0; i < this.blocks.length; i++) {
      if (this.succCount(i) < 2) continue;
      for (let k = start[i]!; k < start[i + 1]!; k++) {
        const j = list[k]!;
        if (this.predCount(j) > 1) out.push({ from: this.blocks[i]!, to: this.blocks[j]! });
      }
    }
    return out;
  }

  /**
   * Blocks that leave the function: their terminator has no successor (ret,
   * unreachable, resume, and cleanupret / catchswitch unwinding to the caller).
   * Blocks without a terminator are not exits (the verifier reports them).
   */
  exitBlocks(): BasicBlock[] {
    const out: BasicBlock[] = [];
    for (const b of this.blocks) {
      const t = b.terminator;
      if (t && successors(t).length === 0) out.push(b);
    }
    return out;
  }
  /** Blocks ending in `ret`. */
  returnBlocks(): BasicBlock[] {
    return this.blocks.filter((b) => b.terminator?.op === 'ret');
  }

  private must(b: BasicBlock): number {
    const i = this.index.get(b);
    if (i === undefined) throw new Error(`CFG: block ${b.name ?? '<unnamed>'} is not in function @${this.fn.name ?? '?'}`);
    return i;
  }
}

export function computeCFG(fn: Function): CFG { return new CFG(fn); }
