// Dominator and post-dominator trees (Cooper, Harvey & Kennedy, "A Simple,
// Fast Dominance Algorithm"): the iterative algorithm over reverse post order,
// with tree nodes numbered by RPO so that `intersect` compares integers. The
// finished tree gets DFS entry/exit numbers, making `dominates` O(1).
//
// Block-level conventions follow LLVM: a block dominates itself; unreachable
// blocks are dominated by everything and dominate nothing.

import type { BasicBlock } from './function.js';
import type { Function } from './function.js';
import type { Instruction, PhiInst } from './instructions.js';
import type { Value } from './value.js';
import { CFG, type Rows } from './cfg.js';

/** A tree over nodes 0..m-1 numbered in RPO of the graph it was built from (node 0 is the root). */
interface TreeCore {
  /** Immediate dominator of each node; -1 for the root. Always smaller than the node. */
  idom: Int32Array;
  tin: Int32Array;
  tout: Int32Array;
  depth: Int32Array;
  /** Children of each node, in increasing node order. */
  kids: Rows;
  /** The predecessors the tree was built from. */
  preds: Rows;
}

/** Rows from per-node lists given as a callback filling a shared buffer (avoids an array per node). */
function buildRows(m: number, fill: (v: number, push: (x: number) => void) => void): Rows {
  const start = new Int32Array(m + 1);
  const buf: number[] = [];
  const push = (x: number): void => { buf.push(x); };
  for (let v = 0; v < m; v++) { start[v] = buf.length; fill(v, push); }
  start[m] = buf.length;
  return { start, list: Int32Array.from(buf) };
}

/** Every node is reachable from node 0, and nodes are numbered in RPO. */
function buildTree(m: number, preds: Rows): TreeCore {
  const idom = new Int32Array(m).fill(-1);
  if (m > 0) idom[0] = 0;
  const { start, list } = preds;
  let changed = m > 1;
  while (changed) {
    changed = false;
    for (let b = 1; b < m; b++) {
      let nd = -1;
      for (let k = start[b]!, e = start[b + 1]!; k < e; k++) {
        const p = list[k]!;
        if (idom[p] === -1) continue;
        if (nd === -1) { nd = p; continue; }
        let x = p;
        let y = nd;
        while (x !== y) {
          while (x > y) x = idom[x]!;
          while (y > x) y = idom[y]!;
        }
        nd = x;
      }
      if (nd !== idom[b]) { idom[b] = nd; changed = true; }
    }
  }
  if (m > 0) idom[0] = -1;

  const depth = new Int32Array(m);
  const kstart = new Int32Array(m + 1);
  for (let b = 1; b < m; b++) {
    kstart[idom[b]! + 1]++;
    depth[b] = depth[idom[b]!]! + 1;
  }
  for (let v = 0; v < m; v++) kstart[v + 1] += kstart[v]!;
  const fillAt = kstart.slice(0, m);
  const klist = new Int32Array(Math.max(0, m - 1));
  for (let b = 1; b < m; b++) klist[fillAt[idom[b]!]++] = b;
  const kids: Rows = { start: kstart, list: klist };

  const tin = new Int32Array(m);
  const tout = new Int32Array(m);
  if (m > 0) {
    let clock = 0;
    const stack = new Int32Array(m);
    const next = new Int32Array(m);
    let sp = 0;
    stack[0] = 0;
    next[0] = kstart[0]!;
    tin[0] = clock++;
    while (sp >= 0) {
      const v = stack[sp]!;
      const k = next[sp]!;
      if (k < kstart[v + 1]!) {
        next[sp] = k + 1;
        const w = klist[k]!;
        tin[w] = clock++;
        sp++;
        stack[sp] = w;
        next[sp] = kstart[w]!;
      } else {
        tout[v] = clock++;
        sp--;
      }
    }
  }
  return { idom, tin, tout, depth, kids, preds };
}

function treeDominates(t: TreeCore, a: number, b: number): boolean {
  return t.tin[a]! <= t.tin[b]! && t.tout[b]! <= t.tout[a]!;
}

function treeNca(t: TreeCore, a: number, b: number): number {
  while (a !== b) {
    while (a > b) a = t.idom[a]!;
    while (b > a) b = t.idom[b]!;
  }
  return a;
}

function treeKids(t: TreeCore, v: number): number[] {
  const out: number[] = [];
  for (let k = t.kids.start[v]!, e = t.kids.start[v + 1]!; k < e; k++) out.push(t.kids.list[k]!);
  return out;
}

/** Dominance frontiers (Cooper et al. figure 5), deduplicated, in node numbers. */
function buildFrontier(t: TreeCore): number[][] {
  const m = t.idom.length;
  const { start, list } = t.preds;
  const df: number[][] = [];
  for (let i = 0; i < m; i++) df.push([]);
  for (let b = 0; b < m; b++) {
    // The root also counts as a join: it has the implicit edge from outside.
    if (start[b + 1]! - start[b]! < 2 && b !== 0) continue;
    const stop = t.idom[b]!;
    for (let k = start[b]!; k < start[b + 1]!; k++) {
      let r = list[k]!;
      while (r !== stop && r !== -1) {
        const l = df[r]!;
        if (l[l.length - 1] === b) break; // already walked from here for b
        l.push(b);
        r = t.idom[r]!;
      }
    }
  }
  return df;
}

/**
 * Blocks up to this length answer `comesBefore` by scanning: cheaper than
 * keeping every instruction's position in a map (most blocks are short).
 */
const SCAN_LIMIT = 32;

export class DominatorTree {
  readonly cfg: CFG;
  private readonly core: TreeCore;
  private df: number[][] | null = null;
  /** Cached position of instructions in long blocks, validated on use (blocks may be edited). */
  private readonly order = new Map<Instruction, number>();

  constructor(cfgOrFn: CFG | Function) {
    const cfg = cfgOrFn instanceof CFG ? cfgOrFn : new CFG(cfgOrFn);
    this.cfg = cfg;
    const { start, list } = cfg.predRows;
    const preds = buildRows(cfg.rpo.length, (v, push) => {
      const bi = cfg.rpoBlock[v]!;
      for (let k = start[bi]!, e = start[bi + 1]!; k < e; k++) {
        const r = cfg.rpoNumber[list[k]!]!;
        if (r >= 0) push(r);
      }
    });
    this.core = buildTree(cfg.rpo.length, preds);
  }

  static of(fn: Function): DominatorTree { return new DominatorTree(new CFG(fn)); }

  get root(): BasicBlock | null { return this.cfg.rpo[0] ?? null; }

  private node(b: BasicBlock): number { return this.cfg.rpoIndex(b); }
  private block(n: number): BasicBlock { return this.cfg.rpo[n]!; }

  isReachable(b: BasicBlock): boolean { return this.node(b) >= 0; }

  /** Immediate dominator; null for the entry and for unreachable blocks. */
  idom(b: BasicBlock): BasicBlock | null {
    const n = this.node(b);
    if (n <= 0) return null;
    return this.block(this.core.idom[n]!);
  }
  /** Blocks immediately dominated by `b`, in RPO. */
  children(b: BasicBlock): BasicBlock[] {
    const n = this.node(b);
    return n < 0 ? [] : treeKids(this.core, n).map((k) => this.block(k));
  }
  /** Depth in the tree (entry 0); -1 when unreachable. */
  depth(b: BasicBlock): number {
    const n = this.node(b);
    return n < 0 ? -1 : this.core.depth[n]!;
  }
  /** Reachable blocks in dominator-tree preorder (each block after its dominators). */
  preorder(): BasicBlock[] {
    const out: BasicBlock[] = [];
    if (this.cfg.rpo.length === 0) return out;
    const { start, list } = this.core.kids;
    const stack: number[] = [0];
    while (stack.length > 0) {
      const v = stack.pop()!;
      out.push(this.block(v));
      for (let k = start[v + 1]! - 1; k >= start[v]!; k--) stack.push(list[k]!);
    }
    return out;
  }

  /** Reflexive. Unreachable blocks are dominated by everything and dominate nothing. */
  dominates(a: BasicBlock, b: BasicBlock): boolean {
    if (a === b) return true;
    const nb = this.node(b);
    if (nb < 0) return true;
    const na = this.node(a);
    if (na < 0) return false;
    return treeDominates(this.core, na, nb);
  }
  properlyDominates(a: BasicBlock, b: BasicBlock): boolean { return a !== b && this.dominates(a, b); }

  /** Nearest block dominating both; null when either is unreachable. */
  nearestCommonDominator(a: BasicBlock, b: BasicBlock): BasicBlock | null {
    const na = this.node(a);
    const nb = this.node(b);
    if (na < 0 || nb < 0) return null;
    return this.block(treeNca(this.core, na, nb));
  }

  /**
   * Whether the edge `from -> to` dominates block `b`: every path from the
   * entry to `b` goes through this edge. A duplicated edge dominates nothing.
   */
  dominatesEdge(from: BasicBlock, to: BasicBlock, b: BasicBlock): boolean {
    if (!this.dominates(to, b)) return false;
    const cfg = this.cfg;
    const ti = cfg.indexOf(to);
    const fi = cfg.indexOf(from);
    if (ti < 0 || fi < 0) return false;
    const { start, list } = cfg.predEdgeRows;
    const s = start[ti]!;
    const e = start[ti + 1]!;
    if (e - s === 1) return list[s] === fi;
    let seen = 0;
    for (let k = s; k < e; k++) {
      const p = list[k]!;
      if (p === fi) {
        if (seen++) return false;
        continue;
      }
      if (!this.dominates(to, cfg.blocks[p]!)) return false;
    }
    return seen === 1;
  }

  /**
   * LLVM's `DominatorTree::dominates(Def, Use)`: whether `def` dominates its
   * use as operand `operandIndex` of `user`. Non-instructions dominate
   * everything. A phi uses its operand at the end of the incoming block. An
   * invoke / callbr result is only available along the edge to its normal /
   * fallthrough successor. Uses in unreachable blocks are always dominated;
   * definitions in unreachable blocks dominate nothing else.
   */
  dominatesUse(def: Value, user: Instruction, operandIndex: number): boolean {
    if (def.vk !== 'inst') return true;
    const d = def as Instruction;
    const defBB = d.parent;
    const userBB = user.parent;
    if (!defBB || !userBB) return false;
    // Instruction fields are read once each: instructions come in many classes,
    // which makes every field read a slow (megamorphic) access.
    const phiUser = user.op === 'phi';
    let useBB: BasicBlock;
    if (phiUser) {
      const inc = (user as PhiInst).blocks[operandIndex];
      if (!inc) return false;
      useBB = inc;
    } else {
      useBB = userBB;
    }
    // Each block is looked up once (a map probe): the verifier asks this for every operand.
    const cfg = this.cfg;
    const ui = cfg.indexOf(useBB);
    const di = defBB === useBB ? ui : cfg.indexOf(defBB);
    if (di < 0 || ui < 0) return false;
    const nu = cfg.rpoNumber[ui]!;
    if (nu < 0) return true;
    const nd = cfg.rpoNumber[di]!;
    if (nd < 0) return false;

    const defOp = d.op;
    if (defOp === 'invoke' || defOp === 'callbr') {
      const normal = d.successors[0];
      if (!normal) return false;
      if (phiUser && userBB === normal && useBB === defBB) return true;
      return this.dominatesEdge(defBB, normal, useBB);
    }
    if (defBB !== useBB) return treeDominates(this.core, nd, nu);
    if (phiUser) return true; // used at the end of the incoming block, which defines it
    return this.comesBefore(d, user);
  }

  /**
   * Whether the result of `def` is available immediately before `at`
   * (`at` taken as an ordinary position, not as a phi use).
   */
  dominatesInst(def: Instruction, at: Instruction): boolean {
    if (at.op === 'phi') {
      // A phi's position is the top of its block: the value is available there
      // iff it dominates the block from a strictly dominating block.
      const defBB = def.parent;
      const atBB = at.parent;
      if (!defBB || !atBB) return false;
      if (!this.isReachable(atBB)) return true;
      if (!this.isReachable(defBB)) return false;
      if (def.op === 'invoke' || def.op === 'callbr') {
        const normal = def.successors[0];
        return !!normal && this.dominatesEdge(defBB, normal, atBB);
      }
      return defBB !== atBB && this.dominates(defBB, atBB);
    }
    return this.dominatesUse(def, at, -1);
  }

  /** `a` strictly before `b`, both in the same block. */
  comesBefore(a: Instruction, b: Instruction): boolean {
    const bb = a.parent;
    if (!bb || bb !== b.parent) return false;
    const list = bb.instructions;
    if (list.length <= SCAN_LIMIT) {
      const ia = list.lastIndexOf(a);
      return ia >= 0 && ia < list.lastIndexOf(b);
    }
    let ia = this.order.get(a);
    let ib = this.order.get(b);
    if (ia === undefined || list[ia] !== a || ib === undefined || list[ib] !== b) {
      for (let k = 0; k < list.length; k++) this.order.set(list[k]!, k);
      ia = this.order.get(a);
      ib = this.order.get(b);
      if (ia === undefined || list[ia] !== a || ib === undefined || list[ib] !== b) return false;
    }
    return ia < ib;
  }

  /** Dominance frontier of `b` (computed for all blocks on first call). */
  frontier(b: BasicBlock): BasicBlock[] {
    const n = this.node(b);
    if (n < 0) return [];
    if (!this.df) this.df = buildFrontier(this.core);
    return this.df[n]!.map((k) => this.block(k));
  }
}

/**
 * Post-dominator tree over the reverse CFG, rooted at a virtual exit whose
 * predecessors are the blocks without successors. Blocks that cannot reach
 * such a block (infinite loops) are attached to the virtual exit too, like
 * LLVM's extra roots: the first such block in forward post order (a block at
 * the "bottom" of the loop) becomes a root.
 */
export class PostDominatorTree {
  readonly cfg: CFG;
  /** Blocks attached to the virtual exit: the exit blocks, then the extra roots. */
  readonly roots: readonly BasicBlock[];
  private readonly core: TreeCore;
  private readonly nodeOf: Int32Array;
  /** node -> block index (node 0 is the virtual exit: -1). */
  private readonly blockOf: Int32Array;
  private df: number[][] | null = null;

  constructor(cfgOrFn: CFG | Function) {
    const cfg = cfgOrFn instanceof CFG ? cfgOrFn : new CFG(cfgOrFn);
    this.cfg = cfg;
    const n = cfg.size;
    const V = n;
    const { start: sstart, list: slist } = cfg.succRows;
    const { start: pstart, list: plist } = cfg.predRows;
    const roots: number[] = [];
    for (let i = 0; i < n; i++) if (sstart[i + 1] === sstart[i]) roots.push(i);
    const isRoot = new Uint8Array(n);
    for (const r of roots) isRoot[r] = 1;

    // Candidates for extra roots: forward post order, then unreachable blocks from the end.
    const candidates: number[] = [];
    for (let k = cfg.rpo.length - 1; k >= 0; k--) candidates.push(cfg.rpoBlock[k]!);
    for (let i = n - 1; i >= 0; i--) if (cfg.rpoNumber[i]! < 0) candidates.push(i);
    let cand = 0;

    // DFS over the reverse graph from the virtual exit V, whose successor list
    // (`roots`) grows whenever the search runs out of reachable blocks.
    const visited = new Uint8Array(n + 1);
    const post = new Int32Array(n + 1);
    let np = 0;
    const stack = new Int32Array(n + 1);
    const next = new Int32Array(n + 1);
    let sp = 0;
    stack[0] = V;
    next[0] = 0;
    visited[V] = 1;
    while (sp >= 0) {
      const v = stack[sp]!;
      const k = next[sp]!;
      if (v === V) {
        if (k < roots.length) {
          next[sp] = k + 1;
          const w = roots[k]!;
          if (!visited[w]) { visited[w] = 1; sp++; stack[sp] = w; next[sp] = pstart[w]!; }
          continue;
        }
        while (cand < candidates.length && visited[candidates[cand]!]) cand++;
        if (cand < candidates.length) {
          const r = candidates[cand]!;
          roots.push(r);
          isRoot[r] = 1;
          continue; // V's iterator now sees the new root
        }
      } else if (k < pstart[v + 1]!) {
        next[sp] = k + 1;
        const w = plist[k]!;
        if (!visited[w]) { visited[w] = 1; sp++; stack[sp] = w; next[sp] = pstart[w]!; }
        continue;
      }
      post[np++] = v;
      sp--;
    }
    const m = np; // n + 1
    const nodeOf = new Int32Array(n + 1).fill(-1);
    const blockOf = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      const v = post[m - 1 - k]!;
      nodeOf[v] = k;
      blockOf[k] = v === V ? -1 : v;
    }
    const preds = buildRows(m, (k, push) => {
      const v = blockOf[k]!;
      if (v < 0) return;
      for (let q = sstart[v]!, e = sstart[v + 1]!; q < e; q++) push(nodeOf[slist[q]!]!);
      if (isRoot[v]) push(0);
    });
    this.nodeOf = nodeOf;
    this.blockOf = blockOf;
    this.core = buildTree(m, preds);
    this.roots = roots.map((r) => cfg.blocks[r]!);
  }

  static of(fn: Function): PostDominatorTree { return new PostDominatorTree(new CFG(fn)); }

  private node(b: BasicBlock | null): number {
    if (b === null) return 0;
    const i = this.cfg.indexOf(b);
    return i < 0 ? -1 : this.nodeOf[i]!;
  }
  private block(n: number): BasicBlock | null {
    const i = this.blockOf[n]!;
    return i < 0 ? null : this.cfg.blocks[i]!;
  }

  /** Immediate post-dominator; null means the virtual exit. */
  ipdom(b: BasicBlock): BasicBlock | null {
    const n = this.node(b);
    if (n <= 0) return null;
    return this.block(this.core.idom[n]!);
  }
  /** Blocks immediately post-dominated by `b` (null: by the virtual exit). */
  children(b: BasicBlock | null): BasicBlock[] {
    const n = this.node(b);
    if (n < 0) return [];
    const out: BasicBlock[] = [];
    for (const k of treeKids(this.core, n)) { const x = this.block(k); if (x) out.push(x); }
    return out;
  }
  /** Reflexive; null stands for the virtual exit, which post-dominates everything. */
  postDominates(a: BasicBlock | null, b: BasicBlock): boolean {
    if (a === b) return true;
    const na = this.node(a);
    const nb = this.node(b);
    if (na < 0 || nb < 0) return false;
    return treeDominates(this.core, na, nb);
  }
  properlyPostDominates(a: BasicBlock | null, b: BasicBlock): boolean { return a !== b && this.postDominates(a, b); }
  /** Nearest common post-dominator; null is the virtual exit. */
  nearestCommonPostDominator(a: BasicBlock, b: BasicBlock): BasicBlock | null {
    const na = this.node(a);
    const nb = this.node(b);
    if (na < 0 || nb < 0) return null;
    return this.block(treeNca(this.core, na, nb));
  }
  /** Post-dominance frontier (the blocks `b` is control dependent on). */
  frontier(b: BasicBlock): BasicBlock[] {
    const n = this.node(b);
    if (n <= 0) return [];
    if (!this.df) this.df = buildFrontier(this.core);
    const out: BasicBlock[] = [];
    for (const k of this.df[n]!) { const x = this.block(k); if (x) out.push(x); }
    return out;
  }
}
