import type { Function } from '../ir/function.js';

/**
 * Makes local names unique within a generated function. The transform names
 * values after the primal ones (`x'` for a shadow, `invertfor.body` for a
 * reverse block, `x_cache`), which may collide; the first keeps the name and
 * later ones get `.1`, `.2`... as LLVM itself does.
 */
export function uniquifyNames(fn: Function): void {
  const used = new Set<string>();
  const take = (name: string | null): string | null => {
    if (name === null) return null;
    // Purely numeric names would clash with the %N numbering of unnamed values.
    let base = /^\d+$/.test(name) ? `v${name}` : name;
    if (!used.has(base)) { used.add(base); return base; }
    for (let k = 1; ; k++) {
      const n = `${base}.${k}`;
      if (!used.has(n)) { used.add(n); base = n; return base; }
    }
  };
  for (const a of fn.args) a.name = take(a.name);
  for (const b of fn.blocks) {
    b.name = take(b.name);
    for (const i of b.instructions) if (i.type.kind !== 'void') i.name = take(i.name); else i.name = null;
  }
}
