// Natural loops (LLVM's LoopInfo): a back edge is an edge whose target
// dominates its source; a loop is the union of the natural loops of all back
// edges sharing a header. Loops are discovered innermost first (headers in
// reverse dominator-tree preorder) by walking predecessors from the latches,
// jumping over already discovered subloops, which yields the nesting tree
// without comparing block sets.
//
// Cycles entered other than through a dominating header (irreducible control
// flow) are not loops here: their entering edges are listed in
// `LoopInfo.irreducible` so that a client can refuse them with a diagnostic.

import type { BasicBlock, Function } from './function.js';
import type { SourceFile } from '../diag/source.js';
import { diag, type Diagnostic } from '../diag/diagnostic.js';
import type { Edge } from './cfg.js';
import { DominatorTree } from './dominators.js';
import { ValueNamer, sourceSpan } from './verify.js';

export class Loop {
  parent: Loop | null = null;
  /** Immediate subloops, by header RPO. */
  readonly children: Loop[] = [];
  /** Header first, then the other blocks in RPO (subloops' blocks included). */
  readonly blocks: BasicBlock[] = [];
  /** In-loop predecessors of the header (sources of back edges), in function order. */
  readonly latches: BasicBlock[];
  /** Blocks outside the loop reached from inside, unique, in discovery order. */
  readonly exits: BasicBlock[] = [];
  /** Loop blocks with a successor outside the loop. */
  readonly exitingBlocks: BasicBlock[] = [];
  readonly exitEdges: Edge[] = [];
  /** The only reachable predecessor of the header outside the loop, if there is exactly one. */
  predecessor: BasicBlock | null = null;
  /** `predecessor` when its terminator is a `br` to the header alone (a place to hoist code to). */
  preheader: BasicBlock | null = null;
  /** 1 for outermost loops. */
  depth = 1;
  private readonly set = new Set<BasicBlock>();

  constructor(readonly header: BasicBlock, latches: BasicBlock[]) { this.latches = latches; }

  contains(b: BasicBlock): boolean { return this.set.has(b); }
  /** Reflexive. */
  containsLoop(l: Loop): boolean {
    for (let x: Loop | null = l; x; x = x.parent) if (x === this) return true;
    return false;
  }
  isOutermost(): boolean { return this.parent === null; }

  /** @internal */
  addBlock(b: BasicBlock): void { this.blocks.push(b); this.set.add(b); }
}

export class LoopInfo {
  readonly dt: DominatorTree;
  /** Outermost loops, by header RPO. */
  readonly topLevel: Loop[] = [];
  /** Every loop, outer before inner (preorder of the nesting tree). */
  readonly loops: Loop[] = [];
  /**
   * Retreating edges (target before source in RPO) whose target does not
   * dominate their source: each enters a cycle other than through a header.
   * Empty iff the CFG is reducible.
   */
  readonly irreducible: Edge[] = [];
  /** Innermost loop by block index; null outside loops. */
  private readonly innermost: (Loop | null)[];

  constructor(dt: DominatorTree) {
    this.dt = dt;
    const cfg = dt.cfg;
    const n = cfg.size;
    const innermost: (Loop | null)[] = new Array<Loop | null>(n).fill(null);
    this.innermost = innermost;
    const found: Loop[] = [];

    const { start: pstart, list: plist } = cfg.predRows;
    const blocks = cfg.blocks;
    const order = dt.preorder();
    const work: number[] = [];
    for (let k = order.length - 1; k >= 0; k--) {
      const h = order[k]!;
      const hi = cfg.indexOf(h);
      const latches: BasicBlock[] = [];
      for (let q = pstart[hi]!; q < pstart[hi + 1]!; q++) {
        const p = blocks[plist[q]!]!;
        if (dt.isReachable(p) && dt.dominates(h, p)) latches.push(p);
      }
      if (latches.length === 0) continue;
      const L = new Loop(h, latches);
      found.push(L);
      for (const l of latches) work.push(cfg.indexOf(l));
      while (work.length > 0) {
        const bi = work.pop()!;
        let sub = innermost[bi] ?? null;
        if (sub === null) {
          if (cfg.rpoNumber[bi]! < 0) continue;
          innermost[bi] = L;
          if (bi === hi) continue;
          for (let q = pstart[bi]!; q < pstart[bi + 1]!; q++) work.push(plist[q]!);
        } else {
          while (sub.parent) sub = sub.parent;
          if (sub === L) continue;
          sub.parent = L;
          const si = cfg.indexOf(sub.header);
          for (let q = pstart[si]!; q < pstart[si + 1]!; q++) {
            const p = plist[q]!;
            if (innermost[p] !== sub) work.push(p);
          }
        }
      }
    }

    // Blocks in RPO, added to their innermost loop and every enclosing one.
    for (let r = 0; r < cfg.rpo.length; r++) {
      const b = cfg.rpo[r]!;
      for (let l = innermost[cfg.rpoBlock[r]!] ?? null; l; l = l.parent) l.addBlock(b);
    }
    const byRpo = (a: Loop, b: Loop): number => cfg.rpoIndex(a.header) - cfg.rpoIndex(b.header);
    found.sort(byRpo);
    for (const l of found) (l.parent ? l.parent.children : this.topLevel).push(l);
    const stack: Loop[] = this.topLevel.slice().reverse();
    while (stack.length > 0) {
      const l = stack.pop()!;
      l.depth = l.parent ? l.parent.depth + 1 : 1;
      this.loops.push(l);
      for (let k = l.children.length - 1; k >= 0; k--) stack.push(l.children[k]!);
    }

    for (const l of found) {
      const seenExit = new Set<BasicBlock>();
      for (const b of l.blocks) {
        let exiting = false;
        for (const s of cfg.succs(b)) {
          if (l.contains(s)) continue;
          exiting = true;
          l.exitEdges.push({ from: b, to: s });
          if (!seenExit.has(s)) { seenExit.add(s); l.exits.push(s); }
        }
        if (exiting) l.exitingBlocks.push(b);
      }
      let outside: BasicBlock | null = null;
      let count = 0;
      for (const p of cfg.preds(l.header)) {
        if (l.contains(p) || !dt.isReachable(p)) continue;
        outside = p;
        count++;
      }
      if (count === 1 && outside) {
        l.predecessor = outside;
        const t = outside.terminator;
        if (t && t.op === 'br' && t.successors.length === 1) l.preheader = outside;
      }
    }

    const { start: sstart, list: slist } = cfg.succRows;
    for (let rb = 0; rb < cfg.rpo.length; rb++) {
      const bi = cfg.rpoBlock[rb]!;
      for (let q = sstart[bi]!; q < sstart[bi + 1]!; q++) {
        const si = slist[q]!;
        if (cfg.rpoNumber[si]! <= rb && !dt.dominates(blocks[si]!, blocks[bi]!)) {
          this.irreducible.push({ from: blocks[bi]!, to: blocks[si]! });
        }
      }
    }
  }

  static of(fn: Function): LoopInfo { return new LoopInfo(DominatorTree.of(fn)); }

  get isReducible(): boolean { return this.irreducible.length === 0; }

  /** Innermost loop containing `b`, or null. */
  loopFor(b: BasicBlock): Loop | null {
    const i = this.dt.cfg.indexOf(b);
    return i < 0 ? null : this.innermost[i] ?? null;
  }
  /** Loop depth of `b` (0 outside loops). */
  depth(b: BasicBlock): number { return this.loopFor(b)?.depth ?? 0; }
  isLoopHeader(b: BasicBlock): boolean { return this.loopFor(b)?.header === b; }
}

export function computeLoops(fnOrDt: Function | DominatorTree): LoopInfo {
  return new LoopInfo(fnOrDt instanceof DominatorTree ? fnOrDt : DominatorTree.of(fnOrDt));
}

/** One E0307 diagnostic per irreducible edge, located at the edge's branch. */
export function irreducibleDiagnostics(li: LoopInfo, file: SourceFile | null): Diagnostic[] {
  if (li.irreducible.length === 0) return [];
  const namer = new ValueNamer(li.dt.cfg.fn);
  return li.irreducible.map((e) => {
    const t = e.from.terminator;
    const span = t ? sourceSpan(t) : sourceSpan(e.from);
    return diag(
      'E0307',
      `irreducible control flow: the edge from ${namer.name(e.from)} to ${namer.name(e.to)} enters a cycle other than through its header`,
      file, span.start, span.end,
    );
  });
}
