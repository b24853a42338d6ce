// Facts from a C++ function's mangled name: with opaque pointers, `ptr` says nothing about what
// a parameter points to, but `_ZSt14__relocate_a_1IddE...(double*, double*, double*, ...)` does.
// Parameters declared as pointers or references to `double` / `float` (const or not, possibly
// `__restrict`) point to memory holding that type; nothing else is concluded.

import type { Function } from '../ir/function.js';
import { demangleItanium } from '../demangle/itanium.js';

export type NamedPointee = 'double' | 'float';

/** The top-level parameter list of a demangled function name, or null. */
function paramList(d: string): string[] | null {
  // The last balanced (...) group that closes at the end, after qualifiers such as ` const` / ` &`.
  let end = d.length - 1;
  while (end >= 0 && d[end] !== ')') end--;
  if (end < 0) return null;
  let depth = 0;
  let start = -1;
  for (let k = end; k >= 0; k--) {
    const ch = d[k];
    if (ch === ')') depth++;
    else if (ch === '(') { depth--; if (depth === 0) { start = k; break; } }
  }
  if (start < 0) return null;
  const inner = d.slice(start + 1, end);
  if (inner.trim() === '' || inner.trim() === 'void') return [];
  const out: string[] = [];
  let level = 0;
  let from = 0;
  for (let k = 0; k < inner.length; k++) {
    const ch = inner[k];
    if (ch === '<' || ch === '(' || ch === '[') level++;
    else if (ch === '>' || ch === ')' || ch === ']') level--;
    else if (ch === ',' && level === 0) { out.push(inner.slice(from, k).trim()); from = k + 1; }
  }
  out.push(inner.slice(from).trim());
  return out;
}

const POINTER_TO = /^(?:const\s+)?(double|float)(?:\s+const)?\s*(?:\*|&|&&)(?:\s*(?:const|__restrict|restrict))*$/;

/** Per IR parameter: the floating type a pointer parameter points to, when the C++ signature says so. */
export function namedPointees(fn: Function): (NamedPointee | null)[] | null {
  const name = fn.name;
  if (!name || !name.startsWith('_Z') || name.length > 4096) return null;
  const d = demangleItanium(name);
  if (!d) return null;
  const params = paramList(d);
  if (!params || !params.length) return null;
  const kinds = params.map((p) => { const m = POINTER_TO.exec(p); return m ? (m[1] as NamedPointee) : null; });
  if (!kinds.some((k) => k !== null)) return null;
  // Member functions take `this` first; an sret pointer may come first too: align from the end
  // when the IR has more pointer parameters than the source (a by-value aggregate splits into several).
  const ir = fn.args;
  if (ir.length === params.length) return kinds.map((k, i) => (k && ir[i]!.type.kind === 'pointer' ? k : null));
  if (ir.length === params.length + 1) return [null, ...kinds].map((k, i) => (k && ir[i]!.type.kind === 'pointer' ? k : null));
  return null;
}

const STD_ARRAY = /^std::(?:__\w+::)?array<(double|float|(?:unsigned )?(?:long long|long|int|short)), \d+ul?>::(?:operator\[\]|at|front|back|data)\((?:unsigned long)?\)(?: const)?$/;

/**
 * What the pointer a function returns points to, when its C++ name says it: the element accessors
 * of `std::array<T, N>` (`operator[]`, `at`, `front`, `back`, `data`) return `T&` / `T*` (Eigen's
 * Tensor module keeps its dimensions in `std::array<long, N>`, which clang 19 -O0 copies with
 * `load i64` / `store i64` through `operator[]`, and `ptr` says nothing).
 */
export function namedReturnPointee(fn: Function): 'double' | 'float' | 'integer' | null {
  const name = fn.name;
  if (!name || !name.startsWith('_ZNSt5array') && !name.startsWith('_ZNKSt5array') || fn.fnType.ret.kind !== 'pointer') return null;
  const d = demangleItanium(name);
  const m = d ? STD_ARRAY.exec(d) : null;
  if (!m) return null;
  return m[1] === 'double' ? 'double' : m[1] === 'float' ? 'float' : 'integer';
}

/**
 * Rust's allocator shims by their plain names. Since Rust 1.9x rustc mangles them in a crate
 * of their own (v0 mangling: `_RNvCs<hash>_7___rustc12___rust_alloc` is `__rustc::__rust_alloc`):
 * the IR of a library crate declares them under that name. Other names are returned as they are.
 */
export function rustShimName(name: string): string {
  const m = /^_RNvCs[0-9A-Za-z]*_7___rustc(\d+)_(__rust_[0-9A-Za-z_]+)$/.exec(name);
  return m && Number(m[1]) === m[2]!.length ? m[2]! : name;
}
