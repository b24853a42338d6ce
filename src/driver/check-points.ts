// `check`: the points a derivative is checked at. Everything here is plain
// TypeScript (no IR building, no process): what each parameter holds, parsed
// from `--at` or drawn from a seeded generator, and the element type of the
// arrays behind pointer parameters.
import { fail } from '../diag/diagnostic.js';
import type { Function } from '../ir/function.js';
import type { Instruction } from '../ir/instructions.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';

/** The floating types `check` perturbs; others (half, x86_fp80, ...) are refused with a usage error. */
export type CheckFloat = 'double' | 'float';

/** Element of an array behind a pointer parameter. Integer arrays only serve const pointers (index tables). */
export type ElemType = { kind: 'float'; fk: CheckFloat } | { kind: 'int'; bits: number };

/** What one parameter receives. Integers are kept as JS numbers: `check` only needs small ones (sizes, indices). */
export type ParamValue =
  | { kind: 'float'; fk: CheckFloat; value: number }
  | { kind: 'int'; bits: number; value: number }
  | { kind: 'array'; elem: ElemType; values: number[] }
  /** A by-value struct, array or vector of floats: its leaves in order (`floatLeaves`). */
  | { kind: 'agg'; fks: CheckFloat[]; leaves: number[] };

/** One `--at` item before it is matched with its parameter. */
export type AtItem =
  | { kind: 'scalar'; value: number; text: string }
  | { kind: 'array'; values: number[]; elem: ElemType | null; text: string };

/**
 * Mulberry32: a tiny, well-mixed 32-bit generator. Reproducibility across
 * Node versions is the point (Math.random cannot be seeded).
 */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /**
   * Uniform magnitude in [0.1, 1.5] with a random sign: near-zero values are
   * left out because they hide wrong derivatives (x*y at y=0 looks like x*x).
   */
  value(fk: CheckFloat): number {
    const mag = 0.1 + 1.4 * this.next();
    const v = this.next() < 0.5 ? -mag : mag;
    return fk === 'float' ? Math.fround(v) : v;
  }
}

/** `--at` number syntax: JavaScript's, plus the C spellings `inf`, `-inf`, `nan`. */
function parseNumber(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN, infinity: Infinity, '-infinity': -Infinity };
  if (t in special) return special[t]!;
  const v = t === '' ? NaN : Number(t);
  if (Number.isNaN(v)) fail('E0903', `--at: '${text.trim()}' is not a number (in ${what})`, null);
  return v;
}

const ELEM_PREFIX: Record<string, ElemType> = {
  double: { kind: 'float', fk: 'double' }, f64: { kind: 'float', fk: 'double' },
  float: { kind: 'float', fk: 'float' }, f32: { kind: 'float', fk: 'float' },
  i32: { kind: 'int', bits: 32 }, i64: { kind: 'int', bits: 64 },
};

/**
 * Splits `--at` at top-level commas: `1.5, [1 2 -3], 4` or `float[1;2]`.
 * Commas inside brackets are element separators too, so that `[1, 2]` (what
 * people type by habit) means the same as `[1 2]`.
 */
export function parseAt(text: string): AtItem[] {
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') { if (depth > 0) fail('E0903', '--at: nested brackets: arrays are one level deep', null); depth++; }
    if (ch === ']') { if (depth === 0) fail('E0903', "--at: ']' without '['", null); depth--; }
    if (ch === ',' && depth === 0) { items.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (depth !== 0) fail('E0903', "--at: '[' without ']'", null);
  items.push(cur);
  return items.map((raw) => {
    const s = raw.trim();
    if (s === '') fail('E0903', '--at: empty value (two commas in a row, or a trailing comma?)', null);
    const m = /^([a-z0-9]*)\s*\[(.*)\]$/is.exec(s);
    if (!m) {
      if (s.includes('[') || s.includes(']')) fail('E0903', `--at: cannot read '${s}' (an array is written [1.5 2 -3])`, null);
      return { kind: 'scalar', value: parseNumber(s, s), text: s };
    }
    const prefix = m[1]!.toLowerCase();
    let elem: ElemType | null = null;
    if (prefix !== '') {
      elem = ELEM_PREFIX[prefix] ?? null;
      if (!elem) fail('E0903', `--at: unknown element type '${m[1]}' before '[' (use double, float, i32 or i64)`, null);
    }
    const parts = m[2]!.split(/[\s;,]+/).filter((p) => p !== '');
    if (parts.length === 0) fail('E0903', `--at: empty array '${s}'`, null);
    return { kind: 'array', values: parts.map((p) => parseNumber(p, s)), elem, text: s };
  });
}

function floatKind(t: Type): CheckFloat | null {
  return t.kind === 'float' && (t.fk === 'double' || t.fk === 'float') ? t.fk : null;
}

/** The element a memory type is made of, when it is one floating (or integer) type throughout. */
function elemOfMemType(t: Type): ElemType | null {
  const fk = floatKind(t);
  if (fk) return { kind: 'float', fk };
  if (t.kind === 'int' && (t.bits === 32 || t.bits === 64)) return { kind: 'int', bits: t.bits };
  if (t.kind === 'array' || t.kind === 'vector') return elemOfMemType(t.elem);
  if (t.kind === 'struct' && t.elems && t.elems.length > 0) {
    const first = elemOfMemType(t.elems[0]!);
    if (first && t.elems.every((e) => { const x = elemOfMemType(e); return x !== null && sameElem(x, first); })) return first;
  }
  return null;
}

function sameElem(a: ElemType, b: ElemType): boolean {
  return a.kind === 'float' ? b.kind === 'float' && a.fk === b.fk : b.kind === 'int' && a.bits === b.bits;
}

/**
 * The element type of the array behind pointer parameter `index` of `fn`.
 * Typed pointers name it (`double*`); otherwise (opaque `ptr`, `i8*`) the
 * function's own accesses tell: loads, stores and GEP source types of
 * pointers derived from the parameter. A floating type wins over an integer
 * one because -O2 code copies doubles through i64 loads; without any hint it
 * is double, the common case.
 */
export function inspectElemType(fn: Function, index: number): ElemType | MemoryProblem {
  const acc: Accesses = { floatHit: null, intHit: null, intWidths: new Set(), pointerHit: null, mixedHit: null };
  collectAccesses(fn, index, acc, new Set(), 0);
  // Memory that holds pointers (std::vector, a struct with a data pointer) cannot be made from numbers.
  if (acc.pointerHit) return acc.pointerHit;
  // Nor can a struct that keeps integers (a count, a flag) beside its floats: random floats
  // would give the count a random bit pattern. Integer accesses narrower than the floats
  // cannot be copies of them (-O2 copies a double as an i64, two floats as one i64).
  if (acc.mixedHit) return acc.mixedHit;
  const f = acc.floatHit;
  if (f && f.kind === 'float' && [...acc.intWidths].some((b) => b < (f.fk === 'double' ? 64 : 32))) {
    return { kind: 'mixed', type: null, at: null };
  }
  return acc.floatHit ?? acc.intHit ?? { kind: 'float', fk: 'double' };
}

interface Accesses {
  floatHit: ElemType | null;
  intHit: ElemType | null;
  intWidths: Set<number>;
  pointerHit: MemoryProblem | null;
  mixedHit: MemoryProblem | null;
}

/** Notes the accesses of `fn` to the memory behind its parameter `index`, following the pointer into defined callees. */
function collectAccesses(fn: Function, index: number, acc: Accesses, seen: Set<string>, depth: number): void {
  const key = `${fn.name ?? '?'}#${index}`;
  if (seen.has(key) || depth > 4 || fn.isDeclaration) return;
  seen.add(key);
  const arg = fn.args[index]!;
  const pt = arg.type;
  if (pt.kind === 'pointer' && pt.pointee) {
    const e = elemOfMemType(pt.pointee);
    if (e) { if (e.kind === 'float') acc.floatHit ??= e; else acc.intHit ??= e; return; }
    if (holdsPointers(pt.pointee)) { acc.pointerHit ??= { kind: 'pointers', type: pt.pointee, at: null }; return; }
    if (mixesKinds(pt.pointee)) { acc.mixedHit ??= { kind: 'mixed', type: pt.pointee, at: null }; return; }
  }
  const derived = new Set<Value>([arg]);
  /** Stack slots the pointer is stored into (-O0 spills every argument): loads from them are the pointer again. */
  const holders = new Set<Value>();
  const note = (t: Type, at: Instruction, access: boolean): void => {
    if (holdsPointers(t)) { acc.pointerHit ??= { kind: 'pointers', type: t, at }; return; }
    if (mixesKinds(t)) { acc.mixedHit ??= { kind: 'mixed', type: t, at }; return; }
    // Byte GEPs (`getelementptr i8, ptr %p, i64 8`) are offsets, not integer data: only loads and stores count here.
    const scalar = t.kind === 'vector' || t.kind === 'array' ? t.elem : t;
    if (access && scalar.kind === 'int') acc.intWidths.add(scalar.bits);
    const e = elemOfMemType(t);
    if (!e) return;
    if (e.kind === 'float') acc.floatHit ??= e; else acc.intHit ??= e;
  };
  const calls: [Function, number][] = [];
  // Phis can bring a derived pointer back to an earlier instruction: iterate to a fixpoint.
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'store' && derived.has(i.value) && !holders.has(i.ptr)) { holders.add(i.ptr); changed = true; }
        const spilled = i.op === 'load' && i.type.kind === 'pointer' && holders.has(i.ptr);
        if ((spilled || visit(i, derived, (t, access) => { note(t, i, access); })) && !derived.has(i)) { derived.add(i); changed = true; }
      }
    }
  }
  // The pointer handed to a function of the module (-O0 C++: std::vector's begin() and size()).
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'call' && i.op !== 'invoke') continue;
      const callee = i.callee;
      if (callee.vk !== 'function' || (callee as Function).isDeclaration) continue;
      i.args().forEach((a, k) => { if (derived.has(a) && k < (callee as Function).args.length) calls.push([callee as Function, k]); });
    }
  }
  for (const [callee, k] of calls) collectAccesses(callee, k, acc, seen, depth + 1);
}

/** A struct (or array of them) with both integer and floating fields. */
function mixesKinds(t: Type): boolean {
  let ints = false, floats = false;
  const walk = (x: Type, depth: number): void => {
    if (depth > 8) return;
    if (x.kind === 'int') ints = true;
    else if (x.kind === 'float') floats = true;
    else if (x.kind === 'array' || x.kind === 'vector') walk(x.elem, depth + 1);
    else if (x.kind === 'struct' && x.elems) for (const e of x.elems) walk(e, depth + 1);
  };
  if (t.kind !== 'struct' && !(t.kind === 'array' && t.elem.kind === 'struct')) return false;
  walk(t, 0);
  return ints && floats;
}

/** `inspectElemType` for callers that only want an element type (memory of pointers reads as double). */
export function inferElemType(fn: Function, index: number): ElemType {
  const e = inspectElemType(fn, index);
  return isMemoryProblem(e) ? { kind: 'float', fk: 'double' } : e;
}

/** Why the memory behind a pointer parameter cannot be filled with numbers: it holds pointers, or integers beside floats (accessed at `at`). */
export interface MemoryProblem { kind: 'pointers' | 'mixed'; type: Type | null; at: Instruction | null }

export function isMemoryProblem(e: ElemType | MemoryProblem): e is MemoryProblem {
  return e.kind === 'pointers' || e.kind === 'mixed';
}

function holdsPointers(t: Type, seen = new Set<Type>()): boolean {
  switch (t.kind) {
    case 'pointer': return true;
    case 'array': case 'vector': return holdsPointers(t.elem, seen);
    case 'struct':
      if (!t.elems || seen.has(t)) return false;
      seen.add(t);
      return t.elems.some((e) => holdsPointers(e, seen));
    default: return false;
  }
}

/** Notes what `i` says about memory reached from `derived`; returns whether `i` is itself a derived pointer. */
function visit(i: Instruction, derived: Set<Value>, note: (t: Type, access: boolean) => void): boolean {
  switch (i.op) {
    case 'load':
      if (derived.has(i.ptr)) note(i.type, true);
      return false;
    case 'store':
      if (derived.has(i.ptr)) note(i.value.type, true);
      return false;
    case 'getelementptr':
      if (!derived.has(i.operands[0]!)) return false;
      note(i.srcType, false);
      return true;
    case 'bitcast': case 'addrspacecast':
      if (!derived.has(i.operands[0]!)) return false;
      if (i.type.kind === 'pointer' && i.type.pointee) note(i.type.pointee, false);
      return true;
    case 'phi': case 'select':
      return i.type.kind === 'pointer' && i.operands.some((o) => derived.has(o));
    default:
      return false;
  }
}

/** `--at` text that reproduces a point (shortest round-trip spelling of each number). */
export function atText(values: readonly ParamValue[]): string {
  return values.map((v) => v.kind === 'array' ? `[${v.values.map(numText).join(' ')}]` : v.kind === 'agg' ? `[${v.leaves.map(numText).join(' ')}]` : numText(v.value)).join(',');
}

export function numText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

/** A numeric option: `dflt` when absent, a usage error unless `check` accepts it. */
export function parseNum(v: string | number | undefined, what: string, dflt: number, check: (x: number) => boolean, want: string): number {
  if (v === undefined) return dflt;
  const x = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || !check(x)) fail('E0903', `${what}: '${v}' is not ${want}`, null);
  return x;
}

/** `%name` or `%k` of a parameter, for messages. */
export function argLabel(fn: Function, k: number): string {
  const n = fn.args[k]!.name;
  return n !== null ? `%${n}` : `%${k}`;
}

/** The floating kinds `check` can drive. */
export function floatKindOf(t: Type): CheckFloat | null {
  return t.kind === 'float' && (t.fk === 'double' || t.fk === 'float') ? t.fk : null;
}
