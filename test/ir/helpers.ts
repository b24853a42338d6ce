// Programmatic construction of test functions (the parser is not used here).
import { Module, type PointerDialect } from '../../src/ir/module.js';
import type { BasicBlock, Function } from '../../src/ir/function.js';
import type { FunctionType } from '../../src/ir/types.js';
import { IRBuilder, addFunction } from '../../src/ir/builder.js';

export interface Fixture {
  m: Module;
  b: IRBuilder;
  fn: Function;
  /** Blocks by name. */
  bb: Record<string, BasicBlock>;
}

export function newModule(dialect: PointerDialect = 'opaque'): Module {
  const m = new Module();
  m.dialect = dialect;
  return m;
}

/** A function with the given named blocks (created in this order) and a builder on the module. */
export function fixture(blockNames: readonly string[], opts: { dialect?: PointerDialect; type?: (m: Module) => FunctionType; name?: string } = {}): Fixture {
  const m = newModule(opts.dialect ?? 'opaque');
  const b = new IRBuilder(m);
  const ft = opts.type ? opts.type(m) : m.types.fn(m.types.void, [m.types.i1, m.types.double]);
  const fn = addFunction(m, opts.name ?? 'f', ft, ft.params.map((_, i) => `a${i}`));
  const bb: Record<string, BasicBlock> = {};
  for (const n of blockNames) bb[n] = b.block(fn, n);
  return { m, b, fn, bb };
}

/**
 * A CFG from an edge list: each block ends in `ret void` (no successors),
 * `br` (one), `br i1 %a0` (two) or a `switch i32` (more, duplicates allowed).
 * Parameters: i1 %a0 (branch condition), i32 %a1 (switch condition), double %a2.
 */
export function graph(names: readonly string[], edges: Record<string, readonly string[]>): Fixture {
  const fx = fixture(names, { type: (m) => m.types.fn(m.types.void, [m.types.i1, m.types.i32, m.types.double]) });
  const { b, fn, bb } = fx;
  for (const n of names) {
    const succ = (edges[n] ?? []).map((s) => {
      const x = bb[s];
      if (!x) throw new Error(`no block ${s}`);
      return x;
    });
    b.atEnd(bb[n]!);
    if (succ.length === 0) b.ret();
    else if (succ.length === 1) b.br(succ[0]!);
    else if (succ.length === 2) b.condBr(fn.args[0]!, succ[0]!, succ[1]!);
    else b.switch(fn.args[1]!, succ[0]!, succ.slice(1).map((s, k) => [b.i32(k), s] as const));
  }
  return fx;
}

export function names(bs: readonly (BasicBlock | null)[]): (string | null)[] {
  return bs.map((x) => (x ? x.name : null));
}
