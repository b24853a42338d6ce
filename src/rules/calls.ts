// The registry of call rules, looked up by callee name.
//
// Overloaded intrinsics carry their operand types in the name
// (`llvm.powi.f64.i32`, `llvm.lifetime.start.p0i8`); the registry knows them by
// base name. Lookup strips one trailing type component at a time and tries
// again, so a name whose last component merely looks like a type can still
// be registered whole, and a non-type component is never removed.

import type { CallRule } from './api.js';
import { INACTIVE_RULES, MATH_RULES, ZERO_RULES } from './math.js';
import { COMPLEX_RULES } from './complex.js';
import type { Type } from '../ir/types.js';

export const ALL_CALL_RULES: readonly CallRule[] = [...MATH_RULES, ...COMPLEX_RULES, ...ZERO_RULES, ...INACTIVE_RULES];

const BY_NAME: ReadonlyMap<string, CallRule> = (() => {
  const m = new Map<string, CallRule>();
  for (const r of ALL_CALL_RULES) {
    for (const n of r.names) {
      if (m.has(n)) throw new Error(`call rule registered twice for ${n}`);
      m.set(n, r);
    }
  }
  return m;
})();

const DBG = BY_NAME.get('llvm.dbg.value')!;

/** The rule for a call to `calleeName` (without `@`), or undefined when none is known. */
export function lookupCallRule(calleeName: string): CallRule | undefined {
  const exact = BY_NAME.get(calleeName);
  if (exact) return exact;
  if (calleeName.startsWith('llvm.')) {
    // Every debug intrinsic, including ones newer than this table.
    if (calleeName.startsWith('llvm.dbg.')) return DBG;
    let name = calleeName;
    for (let cut = stripOne(name); cut !== null; cut = stripOne(name)) {
      name = cut;
      const r = BY_NAME.get(name);
      if (r) return r;
    }
    return undefined;
  }
  // glibc's `-ffast-math` entry points (`__exp_finite`, `__powf_finite`) compute the same functions.
  const fin = /^__(\w+)_finite$/.exec(calleeName);
  return fin ? BY_NAME.get(fin[1]!) : undefined;
}

/**
 * An intrinsic name without its trailing type components
 * (`llvm.vector.reduce.fadd.v4f64` -> `llvm.vector.reduce.fadd`); other names unchanged.
 */
export function normalizeCalleeName(name: string): string {
  if (!name.startsWith('llvm.')) return name;
  let n = name;
  for (let cut = stripOne(n); cut !== null; cut = stripOne(n)) n = cut;
  return n;
}

/** The name without its last dot component when that is a type mangling, keeping at least `llvm.x`. */
function stripOne(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 'llvm'.length) return null;
  return isTypeMangling(name.slice(dot + 1)) ? name.slice(0, dot) : null;
}

/** Whether `s` is exactly one type as LLVM mangles it into intrinsic names (`getMangledTypeStr`). */
export function isTypeMangling(s: string): boolean {
  return mangledTypeEnd(s, 0) === s.length;
}

const SCALAR_MANGLINGS = ['ppcf128', 'bf16', 'f128', 'f16', 'f32', 'f64', 'f80', 'isVoid', 'Metadata', 'x86mmx', 'x86amx', 'token'];

/** End of the mangled type starting at `i`, or -1. */
function mangledTypeEnd(s: string, i: number): number {
  for (const w of SCALAR_MANGLINGS) if (s.startsWith(w, i)) return i + w.length;
  const digitsEnd = (j: number): number => {
    let k = j;
    while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    return k > j ? k : -1;
  };
  const counted = (prefix: string): number => {
    if (!s.startsWith(prefix, i)) return -1;
    const d = digitsEnd(i + prefix.length);
    return d < 0 ? -1 : mangledTypeEnd(s, d);
  };
  switch (s[i]) {
    case 'i': return digitsEnd(i + 1);
    case 'v': return counted('v');
    case 'n': return counted('nxv');
    case 'a': return counted('a');
    case 'p': {
      // `p0` (opaque) or `p0i8`, `p0f64`, `p1v4f32` (typed: the pointee follows).
      const d = digitsEnd(i + 1);
      if (d < 0) return -1;
      const t = d < s.length ? mangledTypeEnd(s, d) : -1;
      return t < 0 ? d : t;
    }
    case 's':
      // `s_struct.S` (named: the rest, since struct names may hold anything) or `sl_<elems>s` (literal).
      if (s.startsWith('s_', i)) return s.length > i + 2 ? s.length : -1;
      return s.startsWith('sl_', i) ? sequenceEnd(s, i + 3, 's') : -1;
    case 'f':
      // `f_<ret><params>[vararg]f`
      return s.startsWith('f_', i) ? sequenceEnd(s, i + 2, 'f') : -1;
    default: return -1;
  }
}

/**
 * End of a run of mangled types closed by `close`. A type is tried before the
 * closing letter, since types may start with it (`f_f64f` is `double ()`).
 */
function sequenceEnd(s: string, from: number, close: string): number {
  let j = from;
  while (j < s.length) {
    if (s.startsWith('vararg', j)) { j += 6; continue; }
    const e = mangledTypeEnd(s, j);
    if (e >= 0) { j = e; continue; }
    return s[j] === close ? j + 1 : -1;
  }
  return -1;
}

/**
 * The full name of an overloaded intrinsic called with `args`: the suffix of
 * the first argument's type (`llvm.cos.f64`), both operand types for powi
 * (`llvm.powi.f64.i32`), the vector's for reductions, whose first argument is
 * the scalar start value (`llvm.vector.reduce.fadd.v4f64`). Other names unchanged.
 */
export function overloadedName(name: string, args: readonly { type: Type }[]): string {
  if (!name.startsWith('llvm.')) return name;
  if (name.startsWith('llvm.vector.reduce.')) return `${name}.${intrinsicSuffix(args[args.length - 1]!.type)}`;
  let full = `${name}.${intrinsicSuffix(args[0]!.type)}`;
  if (name === 'llvm.powi') full += `.${intrinsicSuffix(args[1]!.type)}`;
  return full;
}

/** The suffix LLVM gives an overloaded intrinsic for an operand of type `t` (`f64`, `v4f32`, `nxv2f64`, `p0`). */
export function intrinsicSuffix(t: Type): string {
  switch (t.kind) {
    case 'float':
      switch (t.fk) {
        case 'half': return 'f16';
        case 'bfloat': return 'bf16';
        case 'float': return 'f32';
        case 'double': return 'f64';
        case 'x86_fp80': return 'f80';
        case 'fp128': return 'f128';
        case 'ppc_fp128': return 'ppcf128';
      }
      break;
    case 'int': return `i${t.bits}`;
    case 'vector': return `${t.scalable ? 'nxv' : 'v'}${t.count}${intrinsicSuffix(t.elem)}`;
    case 'pointer': return `p${t.addrspace}${t.pointee ? intrinsicSuffix(t.pointee) : ''}`;
    case 'array': return `a${t.count}${intrinsicSuffix(t.elem)}`;
    default: break;
  }
  throw new Error(`no intrinsic suffix for a ${t.kind} operand`);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/**
 * The registry as a markdown table (header included): one row per rule with
 * its names, its kind and its derivative. For the generated docs.
 */
export function callRulesTable(): string {
  const rows = ['| functions | kind | derivative |', '|---|---|---|'];
  for (const r of ALL_CALL_RULES) {
    rows.push(`| ${r.names.map((n) => '`' + n + '`').join(', ')} | ${r.kind} | ${cell(r.doc)} |`);
  }
  return rows.join('\n') + '\n';
}
