// What LLVM's parser and verifier check about attributes, calls' exception
// handling and atomics, beyond operand types: where a known attribute may
// stand (function, parameter, return value), which types it fits, which
// attributes exclude each other, the ordering an atomic access may have, and
// that code which unwinds has a personality. An attribute the tool does not
// know is accepted anywhere (attributes of newer LLVM versions round-trip). The
// rules are the union over LLVM 14 to 22: what any of them accepts is accepted.
import type { Attr, AttrList } from './attributes.js';
import type { Module } from './module.js';
import type { Function } from './function.js';
import type { CallBase, Instruction } from './instructions.js';
import { scalarOf, type Type } from './types.js';
import { typeText } from './verify.js';

/** Function attributes only. */
const FN_ONLY = new Set([
  'alwaysinline', 'builtin', 'cold', 'convergent', 'disable_sanitizer_instrumentation', 'fn_ret_thunk_extern', 'hot',
  'hybrid_patchable', 'inlinehint', 'jumptable', 'minsize', 'mustprogress', 'naked', 'nobuiltin', 'nocallback',
  'noduplicate', 'noimplicitfloat', 'noinline', 'nomerge', 'noprofile', 'norecurse', 'noredzone', 'noreturn',
  'nosanitize_bounds', 'nosanitize_coverage', 'nosync', 'nounwind', 'null_pointer_is_valid', 'optforfuzzing', 'optnone',
  'optsize', 'presplitcoroutine', 'returns_twice', 'safestack', 'sanitize_address', 'sanitize_hwaddress',
  'sanitize_memory', 'sanitize_memtag', 'sanitize_numerical_stability', 'sanitize_realtime', 'sanitize_realtime_blocking',
  'sanitize_thread', 'sanitize_type', 'shadowcallstack', 'skipprofile', 'speculatable', 'speculative_load_hardening', 'ssp',
  'sspreq', 'sspstrong', 'strictfp', 'uwtable', 'vscale_range', 'willreturn', 'memory', 'nocf_check', 'argmemonly',
  'inaccessiblememonly', 'inaccessiblemem_or_argmemonly', 'allocsize', 'allockind', 'coro_only_destroy_when_complete',
  'coro_elide_safe', 'nocreateundeforpoison',
]);
/** Function or parameter attributes. */
const FN_PARAM = new Set(['alignstack', 'nofree', 'readnone', 'readonly', 'writeonly']);
/** Parameter attributes only. */
const PARAM_ONLY = new Set([
  'byval', 'byref', 'inalloca', 'preallocated', 'sret', 'elementtype', 'nest', 'nocapture', 'captures', 'returned',
  'swiftself', 'swiftasync', 'swifterror', 'immarg', 'initializes', 'dead_on_unwind', 'writable', 'allocalign', 'allocptr',
]);
/** Parameter or return-value attributes. */
const PARAM_RET = new Set([
  'align', 'dereferenceable', 'dereferenceable_or_null', 'inreg', 'noalias', 'nonnull', 'noundef', 'signext', 'zeroext',
  'range', 'nofpclass', 'noext',
]);

/** Attributes that need a pointer (or, for align, a vector of pointers). */
const POINTER_ONLY = new Set([
  'noalias', 'nocapture', 'captures', 'nonnull', 'readnone', 'readonly', 'writeonly', 'swifterror', 'dereferenceable',
  'dereferenceable_or_null', 'preallocated', 'inalloca', 'nest', 'byval', 'byref', 'sret', 'allocptr', 'initializes',
  'dead_on_unwind', 'writable', 'align',
]);
/** Attributes that need an integer (or a vector of integers). */
const INT_ONLY = new Set(['zeroext', 'signext', 'noext', 'range']);
/** At most one of these on one parameter (LLVM's "are incompatible!"). */
const EXCLUSIVE = ['byval', 'inalloca', 'preallocated', 'inreg', 'nest', 'byref', 'sret'];
/** At most one parameter of a function may have these. */
const ONCE_PER_FUNCTION = ['sret', 'nest', 'returned', 'swiftself', 'swiftasync', 'swifterror'];

export type AttrPlace = 'function' | 'parameter' | 'return value';

function placeOk(name: string, place: AttrPlace): boolean {
  switch (place) {
    case 'function': return !PARAM_ONLY.has(name) && !PARAM_RET.has(name);
    case 'parameter': return !FN_ONLY.has(name);
    case 'return value': return !FN_ONLY.has(name) && !FN_PARAM.has(name) && !PARAM_ONLY.has(name);
  }
}

const isPtrLike = (t: Type): boolean => scalarOf(t).kind === 'pointer';
const isIntLike = (t: Type): boolean => scalarOf(t).kind === 'int';
function isFpLike(t: Type): boolean {
  if (t.kind === 'array') return isFpLike(t.elem);
  return scalarOf(t).kind === 'float';
}

/** The problem with `align N` / `dereferenceable(N)` arguments, or null. */
function argProblem(a: Attr): string | null {
  if (a.k !== 'word' || a.arg === null) return null;
  if (a.name === 'align' || a.name === 'alignstack') {
    const n = Number(a.arg);
    if (!(Number.isInteger(n) && n > 0 && Number.isInteger(Math.log2(n)))) return `alignment ${a.arg} is not a power of two`;
    if (n > 2 ** 32) return `alignment ${a.arg} is too large (huge alignments are not supported)`;
  }
  if ((a.name === 'dereferenceable' || a.name === 'dereferenceable_or_null') && a.arg === '0') return `${a.name} bytes must be non-zero`;
  return null;
}

/** The problems of one attribute list at one place, for a value of type `type` (null for functions). */
export function attrListProblems(list: AttrList, place: AttrPlace, type: Type | null, m: Module | null): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  const each = (a: Attr, inGroup: boolean): void => {
    if (a.k === 'group') {
      const g = m?.attrGroups.get(a.id);
      if (g) for (const x of g.attrs) each(x, true);
      return;
    }
    if (a.k === 'str') return;
    const name = a.name;
    names.add(name);
    // `align N` in a function's list is its alignment (kept apart by the parser), except in a group
    if (place === 'function' && name === 'align' && !inGroup) return;
    if (!placeOk(name, place)) { out.push(`attribute '${name}' does not apply to ${place}s`); return; }
    const p = argProblem(a);
    if (p) out.push(p);
    if (type === null) return;
    const bad = (POINTER_ONLY.has(name) && !isPtrLike(type)) || (INT_ONLY.has(name) && !isIntLike(type))
      || (name === 'nofpclass' && !isFpLike(type)) || (type.kind === 'void' && (PARAM_RET.has(name) || PARAM_ONLY.has(name)));
    if (bad) out.push(`attribute '${name}' does not fit the type ${typeText(type)}`);
  };
  for (const a of list) each(a, false);
  const ex = EXCLUSIVE.filter((n) => names.has(n));
  if (ex.length > 1) out.push(`attributes ${ex.map((n) => `'${n}'`).join(' and ')} exclude each other`);
  for (const [x, y] of [['readnone', 'readonly'], ['readnone', 'writeonly'], ['readonly', 'writeonly'], ['noinline', 'alwaysinline']] as const) {
    if (names.has(x) && names.has(y)) out.push(`attributes '${x}' and '${y}' exclude each other`);
  }
  return out;
}

/** Problems of a function's or call's attributes as a whole (per parameter lists are in `attrListProblems`). */
function signatureProblems(ret: Type, params: readonly Type[], argAttrs: readonly AttrList[], isIntrinsic: boolean, m: Module | null): string[] {
  const out: string[] = [];
  const has = (list: AttrList | undefined, n: string): boolean => !!list && expand(list, m).some((a) => (a.k === 'word' || a.k === 'type') && a.name === n);
  for (const n of ONCE_PER_FUNCTION) {
    const at = argAttrs.map((l, k) => (has(l, n) ? k : -1)).filter((k) => k >= 0);
    if (at.length > 1) out.push(`more than one parameter has attribute '${n}'`);
    if (n === 'sret' && at.length === 1) {
      if (at[0]! > 1) out.push(`attribute 'sret' is not on the first or second parameter`);
      if (ret.kind !== 'void') out.push(`a function with an 'sret' parameter must return void`);
    }
    if (n === 'returned' && at.length === 1 && params[at[0]!] !== undefined && params[at[0]!] !== ret && !(isPtrLike(ret) && isPtrLike(params[at[0]!]!))) {
      out.push(`the 'returned' parameter has type ${typeText(params[at[0]!]!)}, the function returns ${typeText(ret)}`);
    }
  }
  if (!isIntrinsic) {
    for (const l of argAttrs) {
      if (has(l, 'immarg')) { out.push(`attribute 'immarg' only applies to intrinsics`); break; }
    }
  }
  return out;
}

function expand(list: AttrList, m: Module | null): Attr[] {
  const out: Attr[] = [];
  for (const a of list) {
    if (a.k === 'group') { const g = m?.attrGroups.get(a.id); if (g) out.push(...g.attrs); } else out.push(a);
  }
  return out;
}

/** Every attribute problem of a function's signature. */
export function functionAttrProblems(f: Function, m: Module | null): string[] {
  const out: string[] = [];
  const ft = f.fnType;
  const intrinsic = (f.name ?? '').startsWith('llvm.');
  if (!intrinsic) {
    // (an intrinsic's own attributes replace what its declaration says)
    for (const p of ft.params) if (p.kind === 'metadata' || p.kind === 'token') { out.push(`only an intrinsic may take a ${p.kind} parameter`); break; }
    if (ft.ret.kind === 'token') out.push('only an intrinsic may return a token');
  } else {
    return out;
  }
  out.push(...attrListProblems(f.fnAttrs, 'function', null, m));
  out.push(...attrListProblems(f.retAttrs, 'return value', ft.ret, m).map((p) => `return value: ${p}`));
  f.args.forEach((a, k) => { out.push(...attrListProblems(a.attrs, 'parameter', a.type, m).map((p) => `parameter ${k}: ${p}`)); });
  out.push(...signatureProblems(ft.ret, ft.params, f.args.map((a) => a.attrs), false, m));
  return out;
}

/** Every attribute problem of a call site. */
export function callAttrProblems(c: CallBase, m: Module | null): string[] {
  const out: string[] = [];
  const callee = c.callee;
  if (callee.vk === 'function' && (callee.name ?? '').startsWith('llvm.')) return out;
  for (const a of expand(c.fnAttrs, m)) {
    if (a.k === 'word' && (a.name === 'speculatable' || a.name === 'immarg')) out.push(`attribute '${a.name}' does not apply to call sites`);
  }
  for (const l of c.argAttrs) {
    if (l && l.some((a) => a.k === 'word' && a.name === 'immarg')) { out.push(`attribute 'immarg' does not apply to call sites`); break; }
  }
  out.push(...attrListProblems(c.fnAttrs, 'function', null, m));
  out.push(...attrListProblems(c.retAttrs, 'return value', c.fnType.ret, m).map((p) => `return value: ${p}`));
  for (let k = 0; k < c.argAttrs.length; k++) {
    const l = c.argAttrs[k];
    if (l && l.length) out.push(...attrListProblems(l, 'parameter', c.arg(k).type, m).map((p) => `argument ${k}: ${p}`));
  }
  const ret = c.fnType.ret;
  c.argAttrs.forEach((l, k) => {
    const t = c.arg(k).type;
    if (l && l.some((a) => a.k === 'word' && a.name === 'returned') && t !== ret && !(isPtrLike(t) && isPtrLike(ret))) {
      out.push(`the 'returned' argument has type ${typeText(t)}, the call returns ${typeText(ret)}`);
    }
  });
  return out;
}

/** Orderings an atomic instruction admits (LLVM's verifier). */
export function orderingProblem(i: Instruction): string | null {
  switch (i.op) {
    case 'load':
      if (!i.atomic) return null;
      if (i.ordering === 'release' || i.ordering === 'acq_rel') return `an atomic load cannot be ${i.ordering}`;
      return i.align === null ? 'an atomic load needs an explicit alignment' : null;
    case 'store':
      if (!i.atomic) return null;
      if (i.ordering === 'acquire' || i.ordering === 'acq_rel') return `an atomic store cannot be ${i.ordering}`;
      return i.align === null ? 'an atomic store needs an explicit alignment' : null;
    case 'fence':
      return i.ordering === 'unordered' || i.ordering === 'monotonic' ? `a fence cannot be ${i.ordering}` : null;
    case 'atomicrmw':
      return i.ordering === 'unordered' ? 'atomicrmw cannot be unordered' : null;
    case 'cmpxchg':
      if (i.success === 'unordered' || i.failure === 'unordered') return 'cmpxchg orderings must be at least monotonic';
      if (i.failure === 'release' || i.failure === 'acq_rel') return `the failure ordering of cmpxchg cannot be ${i.failure}`;
      return null;
    default:
      return null;
  }
}
