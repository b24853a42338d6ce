// "Did you mean": the function names closest to what the user typed, comparing with the
// mangled names and with the demangled ones (so `-f norm` finds `_Z4normPKdi`).
import { demangle } from './index.js';

function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The source-level name of a function without parameters, template arguments or return type: `ns::norm`. */
export function baseName(demangled: string): string {
  let s = demangled;
  // drop the parameter list: the last top-level '(' ... ')'
  let depth = 0;
  for (let k = s.length - 1; k >= 0; k--) {
    const c = s[k];
    if (c === ')' || c === '>' || c === ']') depth++;
    else if (c === '(' || c === '<' || c === '[') {
      depth--;
      if (depth === 0 && c === '(' && k > 0) { s = s.slice(0, k); break; }
    }
  }
  // drop template arguments and a leading return type
  let out = '';
  depth = 0;
  for (const c of s) {
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (depth === 0) out += c;
  }
  const sp = out.lastIndexOf(' ', out.indexOf('::') >= 0 ? out.indexOf('::') : out.length);
  return (sp >= 0 ? out.slice(sp + 1) : out).trim();
}

export interface Suggestion {
  name: string;
  demangled: string | null;
}

/**
 * Names of `candidates` that `query` probably meant, best first: a demangled name (or its last
 * component) equal to the query, then names within a small edit distance.
 */
export function closestNames(query: string, candidates: readonly string[], limit = 3): Suggestion[] {
  const q = query.replace(/^@/, '');
  const scored: { s: Suggestion; score: number }[] = [];
  for (const name of candidates) {
    const d = demangle(name);
    const base = d !== null ? baseName(d) : null;
    const last = base !== null ? base.slice(base.lastIndexOf('::') + 1 || 0).replace(/^:/, '') : null;
    let score: number;
    if (d !== null && (d === q || base === q || last === q)) score = 0;
    else {
      const max = Math.max(2, Math.floor(q.length / 3));
      score = Math.min(
        distance(q, name, max),
        base !== null ? distance(q, base, max) : max + 1,
        last !== null ? distance(q, last, max) : max + 1,
      );
      if (score > max) continue;
    }
    scored.push({ s: { name, demangled: d }, score });
  }
  scored.sort((a, b) => a.score - b.score || a.s.name.localeCompare(b.s.name));
  return scored.slice(0, limit).map((x) => x.s);
}
