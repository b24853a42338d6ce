import type { Function } from '../ir/function.js';

/**
 * Makes local names unique within a generated function. The transform names
 * values after the primal ones (`x'` for a shadow, `invertfor.body` for a
 * reverse block, `x_cache`), which may collide; the first keeps the name and
 * later ones get `.1`, `.2`... as LLVM itself does.
 */
export function uniquifyNames(fn: Function): void {
  const used = new Set<string>();
  // Per base name, the suffix to try next: probing from `.1` every time is quadratic when
  // thousands of values share a name.
  const next = new Map<string, number>();
  const take = (name: string | null): string | null => {
    if (name === null) return null;
    // Purely numeric names would clash with the %N numbering of unnamed values.
    const base = /^\d+$/.test(name) ? `v${name}` : name;
    if (!used.has(base)) { used.add(base); return base; }
    for (let k = next.get(base) ?? 1; ; k++) {
      const n = `${base}.${k}`;
      if (!used.has(n)) { used.add(n); next.set(base, k + 1); return n; }
    }
  };
  for (const a of fn.args) a.name = take(a.name);
  for (const b of fn.blocks) {
    b.name = take(b.name);
    for (const i of b.instructions) if (i.type.kind !== 'void') i.name = take(i.name); else i.name = null;
  }
}
