// Type analysis in Enzyme's sense: which bytes of memory hold floating-point
// data, and which integer-typed values really carry floats or pointers. LLVM
// types alone cannot say: clang copies a `double` with `load i64` / `store i64`,
// copies arrays with `memcpy`, and opaque pointers (`ptr`) say nothing about
// what they point to. The AD needs the answer to know which copies move
// derivatives.
//
// Every value gets a type tree (Enzyme's TypeTree): a map from a path of byte
// offsets to a scalar kind. The first offset is inside the value itself (a
// scalar at 0, struct fields and vector lanes at their offsets); each further
// offset steps through the pointer found there into the memory it points to.
// So a `ptr` argument of a dot product ends up with `[0]: pointer, [0,0]: double`
// and, once indexed by a loop counter, a stride of 8 on its memory. Facts flow
// both ways through every instruction until nothing changes (see
// docs/type-analysis.md for the rules and their limits).

import type { Module } from '../ir/module.js';
import type { Function, GlobalVariable } from '../ir/function.js';
import type { CallBase, GEPInst, Instruction } from '../ir/instructions.js';
import { ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt, type Constant } from '../ir/constants.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { DataLayout } from '../ir/layout.js';
import { sourceSpan, typeText, ValueNamer } from '../ir/verify.js';
import type { SourceFile } from '../diag/source.js';
import { lookupCallRule } from '../rules/calls.js';
import { TBAA, type TBAAFact } from './tbaa.js';
import { namedPointees, namedReturnPointee, rustShimName } from './mangled.js';

export type Scalar = 'half' | 'bfloat' | 'float' | 'double' | 'x86_fp80' | 'fp128' | 'pointer' | 'integer' | 'anything';

export const FLOAT_SCALARS: ReadonlySet<Scalar> = new Set<Scalar>(['half', 'bfloat', 'float', 'double', 'x86_fp80', 'fp128']);

export function isFloatScalar(s: Scalar | null | undefined): boolean { return !!s && FLOAT_SCALARS.has(s); }

/** Bytes a scalar occupies when it is not byte-granular (integers and 'anything' are recorded per byte). */
function scalarBytes(s: Scalar, pointerBytes: number): number {
  switch (s) {
    case 'half': case 'bfloat': return 2;
    case 'float': return 4;
    case 'double': return 8;
    case 'x86_fp80': case 'fp128': return 16;
    case 'pointer': return pointerBytes;
    case 'integer': case 'anything': return 1;
  }
}

/** Offset -1: every offset (any element). */
export const ANY = -1;
/** Paths longer than this (a value, then three pointer levels) are dropped: self-referential structures would grow forever. */
const MAX_DEPTH = 4;
/**
 * Offsets beyond this are dropped: a pointer advanced through memory
 * (`s->p = s->p + 1`) walks the offsets up forever otherwise. Enzyme caps at 500.
 */
const MAX_OFFSET = 512;

/** 'anything' entries at one memory level beyond which new ones go to offset -1. */
const WIDEN_AT = 32;

type Path = readonly number[];
/** Paths as numbers (10 bits per offset, never 0, so lengths differ): string keys dominated the run time. */
function keyOf(p: Path): number {
  let k = 0;
  for (const o of p) k = k * 1024 + (o + 2);
  return k;
}
const pathText = (p: Path): string => p.join(',');

function gcd(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}
const mod = (a: number, m: number): number => ((a % m) + m) % m;

type Join = { s: Scalar; changed: boolean } | { conflict: Scalar };

/**
 * The lattice: 'anything' (char-like accesses, zero constants) yields to any
 * concrete kind; integer and pointer merge to pointer (ptrtoint, pointer-sized
 * integers); any other difference is a conflict and the first fact stays.
 */
function join(old: Scalar | null, neu: Scalar): Join {
  if (old === null) return { s: neu, changed: true };
  if (old === neu || neu === 'anything') return { s: old, changed: false };
  if (old === 'anything') return { s: neu, changed: true };
  if (old === 'pointer' && neu === 'integer') return { s: old, changed: false };
  if (old === 'integer' && neu === 'pointer') return { s: neu, changed: true };
  return { conflict: old };
}

export type InsertResult = 'same' | 'changed' | { conflict: Scalar };

/**
 * Enzyme's TypeTree. Paths start with an offset inside the value, then one
 * offset per pointer followed. A stride on a path prefix says the memory of the
 * pointer at that prefix is periodic (an array of elements of that size): its
 * offsets are kept modulo the stride.
 */
export class TypeTree {
  private readonly entries = new Map<number, { path: number[]; s: Scalar }>();
  private readonly strides = new Map<number, { path: number[]; stride: number }>();
  private version = 0;
  private keyCache: { version: number; key: string } | null = null;
  /** Entries with a -1 offset: without any, lookups need no fallback. */
  private anyCount = 0;

  get empty(): boolean { return this.entries.size === 0; }
  /** Entries plus strides: what a full copy walks. */
  get size(): number { return this.entries.size + this.strides.size; }

  /** The stride of the memory of the pointer at `prefix`, if periodic. */
  stride(prefix: Path): number | undefined { return this.strides.get(keyOf(prefix))?.stride; }

  normalize(path: Path): number[] {
    const out = [...path];
    if (this.strides.size === 0) return out;
    for (let i = 1; i < out.length; i++) {
      const s = this.strides.get(keyOf(out.slice(0, i)))?.stride;
      if (s !== undefined && out[i] !== ANY) out[i] = mod(out[i]!, s);
    }
    return out;
  }

  /** The scalar at `path`, falling back to -1 ("any offset") entries at each memory level. */
  get(path: Path): Scalar | null {
    const p = this.normalize(path);
    const exact = this.entries.get(keyOf(p));
    if (exact) return exact.s;
    if (this.anyCount === 0) return null;
    const mem = [];
    for (let i = 1; i < p.length; i++) if (p[i] !== ANY) mem.push(i);
    for (let mask = 1; mask < 1 << mem.length; mask++) {
      const q = [...p];
      mem.forEach((pos, bit) => { if (mask & (1 << bit)) q[pos] = ANY; });
      const e = this.entries.get(keyOf(q));
      if (e) return e.s;
    }
    return null;
  }

  insert(path: Path, s: Scalar): InsertResult {
    if (path.length === 0 || path.length > MAX_DEPTH) return 'same';
    for (const o of path) if (o > MAX_OFFSET || o < ANY) return 'same';
    let p = this.normalize(path);
    if (s === 'anything' && p.length > 1 && p[p.length - 1] !== ANY && this.get(p) === null && this.crowded(p.slice(0, -1))) {
      // Char data spreading over many offsets (a cursor moved by varying amounts) is widened to
      // "any offset": harmless, since 'anything' yields to every concrete fact.
      p = [...p.slice(0, -1), ANY];
    }
    const cur = this.get(p);
    const j = join(cur, s);
    if ('conflict' in j) return j;
    let changed = false;
    const k = keyOf(p);
    const own = this.entries.get(k);
    if (j.changed || (!own && cur === null)) {
      if (!own && p.includes(ANY)) this.anyCount++;
      this.entries.set(k, { path: p, s: j.s });
      this.version++;
      changed = true;
    }
    // Memory behind a path means the value there is a pointer.
    if (p.length > 1) {
      const parent = p.slice(0, -1);
      const pe = this.entries.get(keyOf(parent));
      if (pe?.s !== 'pointer' && this.insert(parent, 'pointer') === 'changed') changed = true;
    }
    return changed ? 'changed' : 'same';
  }

  private crowded(prefix: Path): boolean {
    let n = 0;
    for (const e of this.entries.values()) {
      if (e.path.length === prefix.length + 1 && e.s === 'anything' && prefix.every((x, i) => e.path[i] === x) && ++n > WIDEN_AT) return true;
    }
    return false;
  }

  /** Marks the memory of the pointer at `prefix` periodic; a second, different stride keeps their gcd. */
  setStride(prefix: Path, s: number): { changed: boolean; conflicts: Path[] } {
    // Memory behind the deepest paths holds no entries, so needs no stride.
    if (prefix.length === 0 || prefix.length >= MAX_DEPTH) return { changed: false, conflicts: [] };
    for (const o of prefix) if (o > MAX_OFFSET || o < ANY) return { changed: false, conflicts: [] };
    const k = keyOf(prefix);
    const old = this.strides.get(k)?.stride;
    const g = old === undefined ? s : gcd(old, s);
    if (g < 2 || g === old) return { changed: false, conflicts: [] };
    this.strides.set(k, { path: [...prefix], stride: g });
    this.version++;
    // Re-file the entries below the prefix at their offsets modulo the new stride.
    const moved: { path: number[]; s: Scalar }[] = [];
    for (const [ek, e] of this.entries) {
      if (e.path.length > prefix.length && prefix.every((x, i) => e.path[i] === x)) {
        moved.push(e);
        this.entries.delete(ek);
        if (e.path.includes(ANY)) this.anyCount--;
      }
    }
    const conflicts: Path[] = [];
    for (const e of moved) {
      const r = this.insert(e.path, e.s);
      if (typeof r === 'object') conflicts.push(e.path);
    }
    return { changed: true, conflicts };
  }

  /** Entries strictly below `prefix`, as paths relative to it. */
  under(prefix: Path): { rest: number[]; s: Scalar }[] {
    const out: { rest: number[]; s: Scalar }[] = [];
    for (const e of this.entries.values()) {
      if (e.path.length > prefix.length && prefix.every((x, i) => e.path[i] === x)) {
        out.push({ rest: e.path.slice(prefix.length), s: e.s });
      }
    }
    return out;
  }

  /** Strides of pointers strictly below `prefix`, as relative paths. */
  stridesUnder(prefix: Path): { rest: number[]; stride: number }[] {
    const out: { rest: number[]; stride: number }[] = [];
    for (const { path, stride } of this.strides.values()) {
      if (path.length > prefix.length && prefix.every((x, i) => path[i] === x)) out.push({ rest: path.slice(prefix.length), stride });
    }
    return out;
  }

  /** A canonical text of the whole tree (cache key for call summaries). */
  key(): string {
    if (this.keyCache?.version === this.version) return this.keyCache.key;
    const es = [...this.entries.values()].map((e) => `${pathText(e.path)}:${e.s}`).sort();
    const ss = [...this.strides.values()].map((x) => `${pathText(x.path)}/${x.stride}`).sort();
    const key = es.join(';') + '|' + ss.join(';');
    this.keyCache = { version: this.version, key };
    return key;
  }

  /**
   * The memory of the pointer at `prefix`, as `{0:double, 8-11:integer}`; nested
   * pointees as `8:pointer -> {...}`; a periodic memory ends with `; stride N`.
   */
  formatMemory(prefix: Path): string {
    const level = this.under(prefix).filter((e) => e.rest.length === 1)
      .map((e) => ({ off: e.rest[0]!, s: e.s })).sort((a, b) => a.off - b.off);
    const parts: string[] = [];
    for (let i = 0; i < level.length; i++) {
      const { off, s } = level[i]!;
      let end = off;
      if ((s === 'integer' || s === 'anything') && off !== ANY) {
        while (i + 1 < level.length && level[i + 1]!.s === s && level[i + 1]!.off === end + 1) { end++; i++; }
      }
      let text = `${end > off ? `${off}-${end}` : off}:${s}`;
      if (s === 'pointer' && this.under([...prefix, off]).length > 0) text += ` -> ${this.formatMemory([...prefix, off])}`;
      parts.push(text);
    }
    const st = this.stride(prefix);
    return `{${parts.join(', ')}${st !== undefined ? `; stride ${st}` : ''}}`;
  }
}

// ---------------------------------------------------------------------------
// Scalar leaves of LLVM types

interface Leaf {
  off: number;
  size: number;
  t: Type;
}

const MAX_LEAVES = 512;

/** The scalar positions of a type (fields, elements and lanes flattened), capped at MAX_LEAVES. */
function leaves(t: Type, dl: DataLayout, base = 0, out: Leaf[] = []): Leaf[] {
  if (out.length >= MAX_LEAVES || base > MAX_OFFSET) return out;
  switch (t.kind) {
    case 'int': case 'float': case 'pointer':
      out.push({ off: base, size: dl.allocSize(t), t });
      break;
    case 'vector': {
      const es = dl.allocSize(t.elem);
      for (let k = 0; k < t.count && out.length < MAX_LEAVES; k++) leaves(t.elem, dl, base + k * es, out);
      break;
    }
    case 'array': {
      const es = dl.allocSize(t.elem);
      for (let k = 0; k < t.count && out.length < MAX_LEAVES; k++) leaves(t.elem, dl, base + k * es, out);
      break;
    }
    case 'struct':
      if (t.elems) t.elems.forEach((e, k) => leaves(e, dl, base + dl.fieldOffset(t, k), out));
      break;
    default:
      break;
  }
  return out;
}

function scalarOfType(t: Type): Scalar | null {
  switch (t.kind) {
    case 'float': return t.fk === 'ppc_fp128' ? 'fp128' : t.fk;
    case 'pointer': return 'pointer';
    default: return null;
  }
}

/** A struct whose integer fields can be believed: clang names real structs `struct.X` / `class.X`; unions take their first member's type. */
function trustedIntsIn(t: Type): boolean {
  return t.kind === 'struct' && t.name !== null && !t.name.startsWith('union.');
}

// ---------------------------------------------------------------------------
// Calls

type Node = Instruction | ConstantExpr;

/** The function a call reaches, looking through casts of the callee. */
function calledFunction(call: CallBase): Function | null {
  let v: Value = call.callee;
  for (let i = 0; i < 4; i++) {
    if (v.vk === 'function') return v as Function;
    if (v instanceof ConstantExpr && (v.op === 'bitcast' || v.op === 'addrspacecast')) { v = v.operands[0]!; continue; }
    return null;
  }
  return null;
}

/** libm functions whose pointer arguments point at floats of the given kind ('arg' = the kind of argument 0). */
const POINTER_ARGS: Record<string, Record<number, Scalar | 'arg' | 'int'>> = {
  modf: { 1: 'double' }, modff: { 1: 'float' }, modfl: { 1: 'x86_fp80' },
  sincos: { 1: 'double', 2: 'double' }, sincosf: { 1: 'float', 2: 'float' }, sincosl: { 1: 'x86_fp80', 2: 'x86_fp80' },
  frexp: { 1: 'int' }, frexpf: { 1: 'int' }, frexpl: { 1: 'int' },
  remquo: { 2: 'int' }, remquof: { 2: 'int' }, lgamma_r: { 1: 'int' }, lgammaf_r: { 1: 'int' },
};

interface Summary {
  args: TypeTree[];
  ret: TypeTree;
}

/** What all analyses started from one TypeAnalysis share: layout, TBAA, call summaries and their budget. */
class Shared {
  readonly dl: DataLayout;
  readonly tbaa: TBAA;
  readonly summaries = new Map<string, Summary>();
  readonly stack: Function[] = [];
  budget: number;
  /** Fact insertions left for this analysis and all its callees: bounds the time on huge functions. */
  work: number;
  /**
   * The part of `work` callee analyses leave to the function analyzed (a quarter): many callees
   * must not use it all before that function's own fixpoint is reached.
   */
  readonly reserve: number;
  constructor(readonly module: Module, budget: number, work: number) {
    this.work = work;
    this.reserve = Math.floor(work / 4);
    this.dl = DataLayout.of(module);
    this.tbaa = new TBAA(module);
    this.budget = budget;
  }
}

// ---------------------------------------------------------------------------
// The fixpoint over one function

/** How a GEP moves offsets: a constant shift, or into a periodic array. */
type GepMove =
  | { k: 'const'; c: number }
  | { k: 'first'; stride: number; c: number }
  | { k: 'inner'; start: number; n: number; size: number; after: number }
  | { k: 'opaque' };

export interface Conflict {
  value: Value;
  message: string;
}

class FnAnalysis {
  readonly trees = new Map<Value, TypeTree>();
  private readonly users = new Map<Value, Node[]>();
  /** Work list: `queue[head..]` are pending (a head index, not shift(), which is linear on long arrays). */
  private queue: Node[] = [];
  private head = 0;
  private readonly queued = new Set<Node>();
  /** The instructions of this function and the constant expressions they use. */
  private readonly known = new Set<Value>();
  readonly ret = new TypeTree();
  readonly conflicts: Conflict[] = [];
  private readonly conflictKeys = new Set<string>();
  private readonly dl: DataLayout;
  private readonly gepMoves = new Map<Node, GepMove>();
  private current: Node | null = null;
  private readonly namer: ValueNamer;
  steps = 0;

  constructor(
    private readonly sh: Shared,
    readonly fn: Function,
    seeds: readonly (TypeTree | null)[] | null,
    retSeed: TypeTree | null,
  ) {
    this.dl = sh.dl;
    this.namer = new ValueNamer(fn);
    for (const b of fn.blocks) for (const i of b.instructions) this.register(i);
    fn.args.forEach((a, k) => {
      const s = seeds?.[k];
      if (s) this.mergeTree(a, s, []);
    });
    // C++ parameters declared `double*` / `float&` (the mangled name says what `ptr` does not).
    namedPointees(fn)?.forEach((k, i) => { if (k) { const a = fn.args[i]!; this.tree(a); this.merge(a, [0, 0], k); } });
    if (retSeed) for (const e of retSeed.under([])) this.ret.insert(e.rest, e.s);
    // `std::array<long, N>::operator[]` returns a `long&` (the mangled name says what `ptr` does not).
    const rk = namedReturnPointee(fn);
    if (rk) this.ret.insert([0, 0], rk);
  }

  /** Queues `root` and the constant expressions it uses (depth first, without recursion: they nest), recording users. */
  private register(root: Node): void {
    if (this.known.has(root)) return;
    const stack: { n: Node; k: number; seen: Set<Value> | null }[] = [];
    const enter = (n: Node): void => {
      this.known.add(n);
      this.queued.add(n);
      this.queue.push(n);
      stack.push({ n, k: 0, seen: n.operands.length > 8 ? new Set() : null });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ops = top.n.operands;
      if (top.k >= ops.length) { stack.pop(); continue; }
      const k = top.k++;
      const o = ops[k]!;
      // a value used twice by one node is listed once; no search through the users (a shared
      // constant is used by every instruction of a long function)
      if (top.seen ? top.seen.has(o) : ops.indexOf(o) < k) continue;
      top.seen?.add(o);
      let us = this.users.get(o);
      if (!us) { us = []; this.users.set(o, us); }
      us.push(top.n);
      if (o instanceof ConstantExpr && !this.known.has(o)) enter(o);
    }
  }

  private enqueue(n: Node): void {
    if (!this.queued.has(n)) { this.queued.add(n); this.queue.push(n); }
  }

  /** Whether the fixpoint was reached (not cut by the step or work limits). */
  get complete(): boolean { return this.head === this.queue.length; }

  /** Visits until the fixpoint, `maxSteps` visits, or the shared work falls to `floor`. */
  run(maxSteps: number, floor = 0): void {
    while (this.head < this.queue.length && this.steps < maxSteps && this.sh.work > floor) {
      const n = this.queue[this.head++]!;
      if (this.head > 4096 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
      this.queued.delete(n);
      this.steps++;
      this.current = n;
      this.visit(n);
    }
    this.current = null;
  }

  // ---- trees and updates

  tree(v: Value): TypeTree {
    let t = this.trees.get(v);
    if (!t) {
      t = new TypeTree();
      this.trees.set(v, t);
      this.seed(v, t);
    }
    return t;
  }

  /** Facts every value carries from its own LLVM type, its typed pointee, its initializer. */
  private seed(v: Value, t: TypeTree): void {
    for (const l of leaves(v.type, this.dl)) {
      const s = scalarOfType(l.t);
      if (s) t.insert([l.off], s);
      else if (l.t.kind === 'int' && l.t.bits === 1) t.insert([l.off], 'integer');
      if (l.t.kind === 'pointer' && l.t.pointee) {
        const trust = v.vk === 'argument' || v.vk === 'global' || (v.vk === 'inst' && (v as Instruction).op === 'alloca');
        this.pointeeFacts(t, [l.off], l.t.pointee, trust);
      }
    }
    if (v.vk === 'inst') {
      const i = v as Instruction;
      if (i.op === 'alloca') this.pointeeFacts(t, [0], i.allocated, true);
    } else if (v.vk === 'global') {
      const g = v as GlobalVariable;
      this.pointeeFacts(t, [0], g.valueType, !(g.valueType.kind === 'struct' && g.valueType.name?.startsWith('union.')), true);
      if (g.init) this.constFacts(t, [0], g.init, 0, 0);
    } else if (v.vk === 'const') {
      this.constFacts(t, [], v as Constant, 0, 0);
    }
  }

  /**
   * Facts about memory of declared type `ty` behind the pointer at `prefix`.
   * Integer fields are believed only in named structs (and global variables):
   * clang's `bitcast double* to i64*` makes integer pointees meaningless.
   */
  private pointeeFacts(t: TypeTree, prefix: number[], ty: Type, trust: boolean, whole = false, depth = 0): void {
    if (prefix.length >= MAX_DEPTH || depth > 4) return;
    let elem = ty;
    // A whole array (an alloca or global of array type) is periodic: describe one element.
    if (ty.kind === 'array' && ty.count > 1 && this.dl.allocSize(ty.elem) >= 2 && leaves(ty.elem, this.dl).length > 0) {
      t.setStride(prefix, this.dl.allocSize(ty.elem));
      elem = ty.elem;
    }
    const ints = trust && (whole || trustedIntsIn(elem) || (elem.kind === 'array' && trustedIntsIn(elem.elem)));
    for (const l of leaves(elem, this.dl)) {
      const s = scalarOfType(l.t);
      if (s) t.insert([...prefix, l.off], s);
      else if (ints && l.t.kind === 'int' && l.t.bits > 8) {
        for (let b = 0; b < l.size && b < Math.ceil(l.t.bits / 8); b++) t.insert([...prefix, l.off + b], 'integer');
      }
      if (l.t.kind === 'pointer' && l.t.pointee) this.pointeeFacts(t, [...prefix, l.off], l.t.pointee, false, false, depth + 1);
    }
  }

  /** Facts of a constant placed at `off` (of the memory behind `prefix`, or of the value itself when prefix is []). */
  private constFacts(t: TypeTree, prefix: number[], c: Value, off: number, depth: number): void {
    if (depth > 6) return;
    if (c instanceof ConstantFP) {
      const s = scalarOfType(c.type);
      if (s) t.insert([...prefix, off], s);
    } else if (c instanceof ConstantInt) {
      const s = intConstScalar(c);
      if (s) {
        const n = prefix.length ? Math.max(1, Math.ceil((c.type.kind === 'int' ? c.type.bits : 8) / 8)) : 1;
        for (let b = 0; b < n; b++) t.insert([...prefix, off + b], s);
      }
    } else if (c instanceof ConstantAggregate) {
      const ty = c.type;
      c.elems.forEach((e, k) => {
        const eo = ty.kind === 'struct' ? this.dl.fieldOffset(ty, k)
          : ty.kind === 'array' || ty.kind === 'vector' ? k * this.dl.allocSize(ty.elem) : 0;
        this.constFacts(t, prefix, e, off + eo, depth + 1);
      });
    } else if (c.type.kind === 'pointer') {
      t.insert([...prefix, off], 'pointer');
    }
  }

  private conflict(v: Value, path: Path, had: Scalar, got: string): void {
    const k = `${this.namer.name(v)}@${pathText(path)}`;
    if (this.conflictKeys.has(k)) return;
    this.conflictKeys.add(k);
    const where = path.length <= 1 ? (path[0] ? `at byte ${path[0]} of the value` : 'the value')
      : `memory at offset ${path.slice(1).join(' -> ')}`;
    const from = this.current ? ` (deduced from ${describe(this.current, this.namer)})` : '';
    this.conflicts.push({ value: v, message: `${this.namer.name(v)}: ${where} is ${had} but also used as ${got}${from}` });
  }

  /** Adds one fact; wakes up everything that reads the value on change. */
  merge(v: Value, path: Path, s: Scalar): boolean {
    this.sh.work--;
    const t = this.tree(v);
    const r = t.insert(path, s);
    if (typeof r === 'object') { this.conflict(v, path, r.conflict, s); return false; }
    if (r === 'changed') { this.touched(v); return true; }
    return false;
  }

  private setStride(v: Value, prefix: Path, s: number): void {
    const r = this.tree(v).setStride(prefix, s);
    if (r.changed) this.sh.work -= this.tree(v).size;
    for (const p of r.conflicts) this.conflict(v, p, this.tree(v).get(p) ?? 'anything', 'a different type in the same array element');
    if (r.changed) this.touched(v);
  }

  private touched(v: Value): void {
    if (this.known.has(v)) this.enqueue(v as Node);
    for (const u of this.users.get(v) ?? []) this.enqueue(u);
  }

  /** Copies every fact of `from` (below fromPrefix) to `to` (below toPrefix), moving the first offset through `map`. */
  copy(from: Value, fromPrefix: Path, to: Value, toPrefix: Path, map: (off: number) => number | null = (o) => o): void {
    if (from === to && pathText(fromPrefix) === pathText(toPrefix)) return;
    const src = this.tree(from);
    this.sh.work -= src.size;
    for (const st of src.stridesUnder(fromPrefix)) {
      const m = map(st.rest[0]!);
      if (m !== null) this.setStride(to, [...toPrefix, m, ...st.rest.slice(1)], st.stride);
    }
    for (const e of src.under(fromPrefix)) {
      const m = map(e.rest[0]!);
      if (m !== null) this.merge(to, [...toPrefix, m, ...e.rest.slice(1)], e.s);
    }
  }

  private mergeTree(v: Value, t: TypeTree, prefix: Path): void {
    for (const st of t.stridesUnder(prefix)) this.setStride(v, st.rest, st.stride);
    for (const e of t.under(prefix)) this.merge(v, e.rest, e.s);
  }

  /** Both directions at once. */
  same(a: Value, b: Value): void {
    this.copy(a, [], b, []);
    this.copy(b, [], a, []);
  }

  private integer(v: Value): void {
    for (const l of leaves(v.type, this.dl)) this.merge(v, [l.off], 'integer');
  }

  // ---- memory accesses

  /**
   * A load or store of `val` (of type `ty`) through `ptr`: each scalar leaf of the
   * value and the memory at its offset agree; pointers stored there bring their pointees.
   */
  access(ptr: Value, val: Value, ty: Type, tbaa: TBAAFact | null): void {
    if (tbaa) this.factAt(ptr, [0, 0], tbaa);
    const pt = this.tree(ptr);
    for (const l of leaves(ty, this.dl)) {
      const mem = pt.get([0, l.off]);
      if (mem && fits(mem, l, this.dl.pointerBytes)) this.merge(val, [l.off], mem);
      if (l.t.kind === 'int' && l.size === 1) {
        // A char access may read any object's bytes: it constrains nothing.
        this.merge(ptr, [0, l.off], 'anything');
        this.merge(val, [l.off], 'anything');
      }
      const vs = this.tree(val).get([l.off]);
      if (vs) {
        if (vs === 'integer' || vs === 'anything') {
          for (let b = 0; b < l.size; b++) this.merge(ptr, [0, l.off + b], vs);
        } else {
          this.merge(ptr, [0, l.off], vs);
        }
      }
      if (vs === 'pointer' || mem === 'pointer') {
        const at = pt.normalize([0, l.off])[1]!;
        this.copy(ptr, [0], val, [], (o) => (o === at || o === ANY ? l.off : null));
        this.copy(val, [l.off], ptr, [0, l.off]);
        // copy() moves strides strictly below its prefix; the loaded pointer's own one goes here.
        const sv = this.tree(val).stride([l.off]);
        const sm = pt.stride([0, at]) ?? pt.stride([0, ANY]);
        if (sv !== undefined) this.setStride(ptr, [0, at], sv);
        if (sm !== undefined) this.setStride(val, [l.off], sm);
      }
    }
  }

  private factAt(v: Value, path: number[], f: TBAAFact): void {
    if (f.scalar === 'integer' || f.scalar === 'anything') {
      const last = path.length - 1;
      for (let b = 0; b < f.bytes; b++) {
        const p = [...path];
        p[last] = path[last]! + b;
        this.merge(v, p, f.scalar);
      }
    } else {
      this.merge(v, path, f.scalar);
    }
    if (f.pointee) this.factAt(v, [...path, 0], f.pointee);
  }

  // ---- GEPs

  /** The stride of a variable index value: scaled by a constant `shl` / `mul` when clang precomputed byte offsets. */
  private indexScale(idx: Value): number {
    let v = idx;
    if (v.vk === 'inst' && ((v as Instruction).op === 'sext' || (v as Instruction).op === 'zext')) v = (v as Instruction).operands[0]!;
    if (v.vk === 'inst') {
      const i = v as Instruction;
      const c = i.operands[1];
      if (c instanceof ConstantInt && c.value >= 0n && c.value < 4096n) {
        if (i.op === 'shl') return 2 ** Number(c.value);
        if (i.op === 'mul') return Number(c.value);
      }
    }
    return 1;
  }

  private gepMove(n: Node, srcType: Type, indices: readonly Value[]): GepMove {
    const cached = this.gepMoves.get(n);
    if (cached) return cached;
    let c = 0;
    let firstVar = 0;
    let inner: { start: number; n: number; size: number } | null = null;
    let innerCount = 0;
    let cur: Type = srcType;
    let ok = true;
    indices.forEach((idx, k) => {
      if (!ok) return;
      if (idx.type.kind === 'vector') { ok = false; return; }
      let stride: number;
      let count = 0;
      if (k === 0) stride = this.dl.allocSize(cur);
      else if (cur.kind === 'struct') {
        const f = idx instanceof ConstantInt ? Number(idx.value) : -1;
        if (f < 0 || !cur.elems) { ok = false; return; }
        c += this.dl.fieldOffset(cur, f);
        cur = cur.elems[f]!;
        return;
      } else if (cur.kind === 'array' || cur.kind === 'vector') {
        stride = this.dl.allocSize(cur.elem);
        count = cur.count;
        cur = cur.elem;
      } else { ok = false; return; }
      if (idx instanceof ConstantInt) { c += Number(idx.value) * stride; return; }
      const s = stride * this.indexScale(idx);
      if (k === 0) firstVar = firstVar ? gcd(firstVar, s) : s;
      else { inner = { start: c, n: count, size: s }; innerCount++; }
    });
    let m: GepMove;
    if (!ok) m = { k: 'opaque' };
    else if (firstVar && innerCount === 0) m = firstVar >= 2 ? { k: 'first', stride: firstVar, c } : { k: 'opaque' };
    else if (!firstVar && innerCount === 1 && inner) {
      const r: { start: number; n: number; size: number } = inner;
      m = r.size >= 2 ? { k: 'inner', start: r.start, n: r.n, size: r.size, after: c - r.start } : { k: 'opaque' };
    } else if (firstVar || innerCount) m = { k: 'opaque' };
    else if (c !== 0 && (this.isRecurrence(n) || this.meetsBase(n))) {
      // Pointers advanced by c and merged with their base: any multiple of c.
      m = Math.abs(c) >= 2 ? { k: 'first', stride: Math.abs(c), c: 0 } : { k: 'opaque' };
    }
    else m = { k: 'const', c };
    this.gepMoves.set(n, m);
    return m;
  }

  /** Values a pointer flows into through phis, selects and casts. */
  private flowsInto(v: Value, skip: Value | null): Set<Value> {
    const out = new Set<Value>();
    const work = [v];
    while (work.length && out.size < 64) {
      const x = work.pop()!;
      if (out.has(x) || x === skip) continue;
      out.add(x);
      for (const u of this.users.get(x) ?? []) {
        if (u instanceof ConstantExpr) continue;
        if (u.op === 'phi' || u.op === 'bitcast' || u.op === 'addrspacecast' || (u.op === 'select' && u.operands[0] !== x)) work.push(u);
      }
    }
    return out;
  }

  /** `phi [%p, ...], [gep %p, c, ...]`: the base and the advanced pointer meet, so offsets are ambiguous by c. */
  private meetsBase(n: Node): boolean {
    const fromN = this.flowsInto(n, null);
    fromN.delete(n);
    if (fromN.size === 0) return false;
    for (const x of this.flowsInto(n.operands[0]!, n)) if (fromN.has(x)) return true;
    return false;
  }

  /** A constant-offset GEP whose base is (through phis and casts) its own result: a pointer-increment loop. */
  private isRecurrence(n: Node): boolean {
    const seen = new Set<Value>();
    const work: Value[] = [n.operands[0]!];
    // `p = s->cur; s->cur = p + 1`: the recurrence goes through the slot loaded from.
    const slots = new Set<Value>();
    while (work.length && seen.size < 64) {
      const v = work.pop()!;
      if (v === n) return true;
      if (seen.has(v) || v.vk !== 'inst') continue;
      seen.add(v);
      const i = v as Instruction;
      if (i.op === 'load') slots.add(i.ptr);
      else if (i.op === 'phi') for (const o of i.operands) work.push(o);
      else if (i.op === 'bitcast' || i.op === 'addrspacecast' || i.op === 'getelementptr' || i.op === 'select') {
        work.push(i.op === 'select' ? i.operands[1]! : i.operands[0]!);
        if (i.op === 'select') work.push(i.operands[2]!);
      }
    }
    if (slots.size === 0) return false;
    const fwd: Value[] = [n];
    const seenF = new Set<Value>();
    while (fwd.length && seenF.size < 64) {
      const v = fwd.pop()!;
      if (seenF.has(v)) continue;
      seenF.add(v);
      for (const u of this.users.get(v) ?? []) {
        if (u instanceof ConstantExpr) continue;
        if (u.op === 'store' && u.value === v && slots.has(u.ptr)) return true;
        if (u.op === 'phi' || u.op === 'bitcast' || u.op === 'select' || u.op === 'addrspacecast') fwd.push(u);
      }
    }
    return false;
  }

  private gep(n: Node, base: Value, srcType: Type, indices: readonly Value[]): void {
    const res = n;
    if (base.type.kind === 'vector' || res.type.kind === 'vector') return;
    indices.forEach((i) => { if (!(i instanceof ConstantInt)) this.integer(i); });
    const mv = this.gepMove(n, srcType, indices);
    switch (mv.k) {
      case 'const': {
        const sb = this.tree(base).stride([0]);
        if (sb !== undefined) {
          // A pointer into a periodic array points into the same array.
          this.setStride(res, [0], sb);
          const s = this.tree(res).stride([0]) ?? sb;
          this.copy(base, [0], res, [0], (o) => (o === ANY ? ANY : mod(o - mv.c, s)));
          this.copy(res, [0], base, [0], (o) => (o === ANY ? ANY : mod(o + mv.c, s)));
        } else {
          // The result alone may be periodic (`&s->arr[0]` indexed later): then only its
          // first element lines up with the base; fields after the array must not fold in.
          const sr = this.tree(res).stride([0]);
          const hi = sr === undefined ? Infinity : mv.c + sr;
          this.copy(base, [0], res, [0], (o) => (o === ANY ? ANY : o >= mv.c && o < hi ? o - mv.c : null));
          this.copy(res, [0], base, [0], (o) => (o === ANY ? ANY : o + mv.c));
        }
        break;
      }
      case 'first': {
        const s = mv.stride;
        this.setStride(base, [0], s);
        this.setStride(res, [0], s);
        const s2 = this.tree(base).stride([0]) ?? s;
        this.copy(base, [0], res, [0], (o) => (o === ANY ? ANY : mod(o - mv.c, s2)));
        this.copy(res, [0], base, [0], (o) => (o === ANY ? ANY : mod(o + mv.c, s2)));
        break;
      }
      case 'inner': {
        // The result points at some element of an inner array [n x size] at `start`.
        const { start, n: count, size, after } = mv;
        this.setStride(res, [0], size);
        const end = start + count * size;
        this.copy(base, [0], res, [0], (o) => {
          if (o === ANY) return ANY;
          if (o < start || (count > 0 && o >= end)) return null;
          const r = mod(o - start, size) - after;
          return r >= 0 ? r : null;
        });
        const reps = Math.max(1, Math.min(count, 64));
        for (let k = 0; k < reps; k++) {
          this.copy(res, [0], base, [0], (o) => (o === ANY ? ANY : o + after < size ? start + k * size + after + o : null));
        }
        break;
      }
      case 'opaque':
        this.copy(base, [0], res, [0], (o) => (o === ANY ? ANY : null));
        this.copy(res, [0], base, [0], (o) => (o === ANY ? ANY : null));
        break;
    }
  }

  // ---- the transfer functions

  private visit(n: Node): void {
    if (n instanceof ConstantExpr) { this.visitConstExpr(n); return; }
    const i = n;
    switch (i.op) {
      case 'load':
        this.access(i.ptr, i, i.type, this.sh.tbaa.instFact(i));
        break;
      case 'store':
        this.access(i.ptr, i.value, i.value.type, this.sh.tbaa.instFact(i));
        break;
      case 'atomicrmw':
        this.access(i.operands[0]!, i.operands[1]!, i.operands[1]!.type, null);
        this.same(i, i.operands[1]!);
        break;
      case 'cmpxchg':
        this.access(i.operands[0]!, i.operands[1]!, i.operands[1]!.type, null);
        this.access(i.operands[0]!, i.operands[2]!, i.operands[2]!.type, null);
        this.same(i.operands[1]!, i.operands[2]!);
        break;
      case 'getelementptr':
        this.gep(i, i.operands[0]!, (i as GEPInst).srcType, i.operands.slice(1));
        break;
      case 'bitcast': case 'addrspacecast': case 'ptrtoint': case 'inttoptr': case 'freeze':
        this.same(i, i.operands[0]!);
        break;
      case 'phi':
        for (const o of i.operands) this.same(i, o);
        break;
      case 'select':
        this.same(i, i.operands[1]!);
        this.same(i, i.operands[2]!);
        this.integer(i.operands[0]!);
        break;
      case 'trunc': {
        // A trunc whose result is reinterpreted as a float takes the low float out of wider bits
        // (a float pair loaded as one `i64`, a `struct { float; int }` unpacked): its low bytes move.
        const r = i.type;
        const n = r.kind === 'int' ? r.bits / 8 : 0;
        if (n > 0 && (this.users.get(i) ?? []).some((u) => !(u instanceof ConstantExpr) && u.op === 'bitcast' && (u.type.kind === 'float' || (u.type.kind === 'vector' && u.type.elem.kind === 'float')))) {
          const low = (o: number): number | null => (o === ANY ? null : o >= 0 && o < n ? o : null);
          this.copy(i, [], i.operands[0]!, [], low);
          this.copy(i.operands[0]!, [], i, [], low);
          break;
        }
        this.integer(i);
        this.integer(i.operands[0]!);
        break;
      }
      case 'zext': case 'sext':
        this.integer(i);
        this.integer(i.operands[0]!);
        break;
      case 'fptosi': case 'fptoui':
        this.integer(i);
        break;
      case 'sitofp': case 'uitofp':
        this.integer(i.operands[0]!);
        break;
      case 'fptrunc': case 'fpext': case 'fneg': case 'fcmp':
        break;
      case 'icmp': {
        this.integer(i);
        // Compared with a counter or a pointer, the other side is one too (float bits are compared with constants).
        const [x, y] = [i.operands[0]!, i.operands[1]!];
        if (x.type.kind === 'int' && !(x instanceof ConstantInt) && !(y instanceof ConstantInt)) {
          for (const [p, q] of [[x, y], [y, x]] as const) {
            const s = this.tree(p).get([0]);
            if (s === 'integer' || s === 'pointer') this.merge(q, [0], s);
          }
        }
        break;
      }
      case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
      case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
        this.intBinary(i.op, i, i.operands[0]!, i.operands[1]!);
        break;
      case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'frem':
        break;
      case 'extractvalue': {
        const { off, size } = this.aggOffset(i.operands[0]!.type, i.indices);
        this.copy(i.operands[0]!, [], i, [], (o) => (o >= off && o < off + size ? o - off : null));
        this.copy(i, [], i.operands[0]!, [], (o) => (o >= 0 && o < size ? o + off : null));
        break;
      }
      case 'insertvalue': {
        const [agg, v] = [i.operands[0]!, i.operands[1]!];
        const { off, size } = this.aggOffset(agg.type, i.indices);
        const outside = (o: number): number | null => (o >= off && o < off + size ? null : o);
        this.copy(agg, [], i, [], outside);
        this.copy(i, [], agg, [], outside);
        this.copy(v, [], i, [], (o) => (o >= 0 ? o + off : null));
        this.copy(i, [], v, [], (o) => (o >= off && o < off + size ? o - off : null));
        break;
      }
      case 'extractelement': case 'insertelement': case 'shufflevector':
        this.lanes(i);
        break;
      case 'alloca':
        if (i.operands[0]) this.integer(i.operands[0]);
        break;
      case 'br': case 'switch':
        if (i.operands[0]) this.integer(i.operands[0]);
        break;
      case 'ret':
        if (i.operands[0]) {
          const v = i.operands[0];
          for (const st of this.tree(v).stridesUnder([])) this.ret.setStride(st.rest, st.stride);
          for (const e of this.tree(v).under([])) this.ret.insert(e.rest, e.s);
          // What callers know of the result flows back into the returned value.
          this.mergeTree(v, this.ret, []);
        }
        break;
      case 'call': case 'invoke': case 'callbr':
        this.call(i);
        break;
      case 'va_arg': case 'landingpad': case 'catchpad': case 'cleanuppad': case 'fence':
      case 'indirectbr': case 'resume': case 'unreachable': case 'catchswitch': case 'catchret': case 'cleanupret':
        break;
    }
  }

  private visitConstExpr(e: ConstantExpr): void {
    switch (e.op) {
      case 'bitcast': case 'addrspacecast': case 'ptrtoint': case 'inttoptr':
        this.same(e, e.operands[0]!);
        break;
      case 'getelementptr':
        if (e.srcType) this.gep(e, e.operands[0]!, e.srcType, e.operands.slice(1));
        break;
      default:
        break;
    }
  }

  private aggOffset(t: Type, indices: readonly number[]): { off: number; size: number } {
    let off = 0;
    let cur = t;
    for (const k of indices) {
      if (cur.kind === 'struct' && cur.elems) { off += this.dl.fieldOffset(cur, k); cur = cur.elems[k]!; }
      else if (cur.kind === 'array' || cur.kind === 'vector') { off += k * this.dl.allocSize(cur.elem); cur = cur.elem; }
      else break;
    }
    return { off, size: this.dl.allocSize(cur) };
  }

  /** Vector element operations: all lanes of all operands agree (vectors here hold one kind). */
  private lanes(i: Instruction): void {
    const ops = i.operands;
    // extractelement (vec, idx), insertelement (vec, elt, idx), shufflevector (a, b, mask)
    const parts = i.op === 'extractelement' ? [i, ops[0]!] : [i, ops[0]!, ops[1]!];
    if (i.op !== 'shufflevector') this.integer(ops[ops.length - 1]!);
    let lane: Scalar | null = null;
    for (const v of parts) for (const l of leaves(v.type, this.dl)) {
      const s = this.tree(v).get([l.off]);
      if (s && s !== 'anything') { lane = s; break; }
    }
    if (!lane) return;
    for (const v of parts) for (const l of leaves(v.type, this.dl)) this.merge(v, [l.off], lane);
  }

  private intBinary(op: string, r: Value, a: Value, b: Value): void {
    if (r.type.kind === 'vector' && r.type.elem.kind !== 'int') return;
    const t = (v: Value): Scalar | null => this.tree(v).get([0]);
    const isConst = (v: Value): boolean => v instanceof ConstantInt || v instanceof ConstantAggregate;
    switch (op) {
      case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
        this.integer(r); this.integer(a); this.integer(b);
        return;
      case 'shl': case 'lshr': case 'ashr':
        // Shifting a float's bits (exponent extraction) is legal: only the result and the amount are integers.
        this.integer(r); this.integer(b);
        return;
      case 'add': case 'sub': {
        const ta = t(a), tb = t(b);
        if (op === 'sub' && ta === 'pointer' && tb === 'pointer') { this.integer(r); return; }
        if (ta === 'pointer' && !isConst(b)) { this.merge(r, [0], 'pointer'); this.integer(b); return; }
        if (tb === 'pointer' && op === 'add' && !isConst(a)) { this.merge(r, [0], 'pointer'); this.integer(a); return; }
        if (isConst(b) || isConst(a)) {
          const other = isConst(b) ? a : b;
          const to = t(other), tr = t(r);
          if (to === 'pointer' || to === 'integer') this.merge(r, [0], to);
          if (tr === 'integer' || tr === 'pointer') this.merge(other, [0], tr);
          return;
        }
        if (ta === 'integer' && tb === 'integer') this.integer(r);
        if (t(r) === 'integer') {
          if (ta === 'integer') this.integer(b);
          if (tb === 'integer') this.integer(a);
        }
        return;
      }
      case 'and': case 'or': case 'xor': {
        const c = a instanceof ConstantInt ? a : b instanceof ConstantInt ? b : null;
        const other = c === a ? b : a;
        if (c && r.type.kind === 'int') {
          const bits = BigInt(r.type.bits);
          const mask = (1n << bits) - 1n;
          const u = ((c.value % (1n << bits)) + (1n << bits)) & mask;
          const sign = 1n << (bits - 1n);
          // Sign-bit masks are fabs / fneg / copysign done on the bits: the float stays a float.
          if (u === sign || u === (mask ^ sign)) { this.same(r, other); return; }
          if (t(other) === 'pointer' && op === 'and') { this.merge(r, [0], 'pointer'); return; }
          this.integer(r);
          return;
        }
        const ta = t(a), tb = t(b);
        if (ta && ta === tb) this.merge(r, [0], ta);
        return;
      }
    }
  }

  // ---- calls

  private call(c: CallBase): void {
    const fn = calledFunction(c);
    const args = c.args();
    if (!fn || fn.name === null) return;
    const name = fn.name;
    if (/^(llvm\.)?mem(cpy|move)/.test(name) || name.startsWith('llvm.memcpy.inline')) {
      this.memTransfer(c, args[0]!, args[1]!, args[2]);
      return;
    }
    if (/^(llvm\.)?memset/.test(name)) {
      const n = args[2] instanceof ConstantInt ? Number(args[2].value) : null;
      if (args[2]) this.integer(args[2]);
      if (n !== null && n <= 256) for (let b = 0; b < n; b++) this.merge(args[0]!, [0, b], 'anything');
      else this.merge(args[0]!, [0, ANY], 'anything');
      return;
    }
    switch (rustShimName(name)) {
      case 'malloc': case 'calloc': case '_Znwm': case '_Znam': case '__rust_alloc': case '__rust_alloc_zeroed':
      case 'aligned_alloc': case 'memalign': case '_ZnwmSt11align_val_t': case '_ZnamSt11align_val_t':
        for (const a of args) if (a.type.kind === 'int') this.integer(a);
        return;
      case 'realloc':
        this.copy(args[0]!, [0], c, [0]);
        this.copy(c, [0], args[0]!, [0]);
        if (args[1]) this.integer(args[1]);
        return;
      case 'free': case '_ZdlPv': case '_ZdaPv':
        return;
      case 'posix_memalign':
        // The out-pointer's memory holds the new pointer; the alignment and size are integers.
        this.merge(args[0]!, [0, 0], 'pointer');
        for (const a of args.slice(1)) if (a.type.kind === 'int') this.integer(a);
        this.integer(c);
        return;
    }
    const rule = lookupCallRule(name);
    if (rule && rule.kind !== 'inactive') {
      for (const a of args) if (a.type.kind === 'int' || (a.type.kind === 'vector' && a.type.elem.kind === 'int')) this.integer(a);
      if (c.type.kind === 'int') this.integer(c);
    }
    const pa = POINTER_ARGS[name];
    if (pa) {
      for (const [k, s] of Object.entries(pa)) {
        const a = args[Number(k)];
        if (!a) continue;
        if (s === 'int') for (let b = 0; b < 4; b++) this.merge(a, [0, b], 'integer');
        else this.merge(a, [0, 0], s === 'arg' ? (scalarOfType(args[0]!.type) ?? 'double') : s);
      }
    }
    if (!fn.isDeclaration && fn.blocks.length > 0 && !rule) this.interprocedural(c, fn, args);
  }

  private memTransfer(c: CallBase, dst: Value, src: Value, len: Value | undefined): void {
    const n = len instanceof ConstantInt ? Number(len.value) : null;
    if (len) this.integer(len);
    for (const f of this.sh.tbaa.structFields(c)) {
      this.factAt(dst, [0, f.offset], f.fact);
      this.factAt(src, [0, f.offset], f.fact);
    }
    const within = (o: number): number | null => (o === ANY || n === null || (o >= 0 && o < n) ? o : null);
    if (n === null) {
      // A copy of unknown length copies whole arrays: the element layout goes across.
      const sd = this.tree(dst).stride([0]);
      const ss = this.tree(src).stride([0]);
      if (sd !== undefined) this.setStride(src, [0], sd);
      if (ss !== undefined) this.setStride(dst, [0], ss);
    }
    this.copy(src, [0], dst, [0], within);
    this.copy(dst, [0], src, [0], within);
  }

  private interprocedural(c: CallBase, fn: Function, args: readonly Value[]): void {
    const seeds = fn.args.map((_, k) => (args[k] ? this.tree(args[k]!) : null));
    const retSeed = c.type.kind !== 'void' ? this.tree(c) : null;
    const s = summarize(this.sh, fn, seeds, retSeed);
    if (!s) return;
    fn.args.forEach((_, k) => { if (args[k]) this.mergeTree(args[k]!, s.args[k]!, []); });
    if (c.type.kind !== 'void') this.mergeTree(c, s.ret, []);
  }
}

function fits(mem: Scalar, l: Leaf, pointerBytes: number): boolean {
  if (mem === 'integer' || mem === 'anything') return l.t.kind === 'int';
  if (mem === 'pointer') return l.size === pointerBytes;
  return scalarBytes(mem, pointerBytes) === l.size || (mem === 'x86_fp80' && l.size === 16);
}

/**
 * Integer constants: 0 and -1 are valid bit patterns of anything (zeroing,
 * all-ones masks); small ones are counts and indices; large ones may be the
 * bits of a float constant, so they say nothing.
 */
function intConstScalar(c: ConstantInt): Scalar | null {
  if (c.value === 0n || c.value === -1n) return 'anything';
  if (c.value > -65536n && c.value < 65536n) return 'integer';
  return null;
}

function describe(n: Node, namer: ValueNamer): string {
  if (n instanceof ConstantExpr) return `a constant ${n.op}`;
  const i = n;
  return i.type.kind === 'void' ? `a ${i.op}` : `${namer.name(i)} = ${i.op}`;
}

/** Runs (or reuses) the analysis of a callee given its callers' argument and return trees. */
function summarize(sh: Shared, fn: Function, seeds: readonly (TypeTree | null)[], retSeed: TypeTree | null): Summary | null {
  const key = `${fn.name}(${seeds.map((s) => s?.key() ?? '').join(')(')})->${retSeed?.key() ?? ''}`;
  const hit = sh.summaries.get(key);
  if (hit) return hit;
  if (sh.stack.includes(fn) || sh.stack.length >= 8 || sh.budget <= 0 || sh.work <= sh.reserve) return null;
  sh.budget--;
  sh.stack.push(fn);
  try {
    const a = new FnAnalysis(sh, fn, seeds, retSeed);
    a.run(STEP_LIMIT, sh.reserve);
    const s: Summary = { args: fn.args.map((x) => a.tree(x)), ret: a.ret };
    sh.summaries.set(key, s);
    return s;
  } finally {
    sh.stack.pop();
  }
}

const STEP_LIMIT = 200_000;
/**
 * Callee analyses per top-level analysis. rustc's -O0 output calls a function for every iterator
 * step, adapter and index: the `f` of the fuzzer's Rust programs (generator 6, seed 4712) needs
 * 100 to 350 of them, and the iterator adapters it builds (a `Zip` moved by `memcpy` in
 * `into_iter`) are typed only by the summaries of the functions that built them (64 left most
 * of them unknown). `maxWork` still bounds the total work.
 */
const CALL_BUDGET = 512;

export interface TypeAnalysisOptions {
  /** Facts known about the arguments (e.g. from the caller), by position. */
  args?: readonly (TypeTree | null)[];
  /** How many callee analyses (distinct argument facts per callee) may run in total. */
  callBudget?: number;
  /** Instruction visits per function before giving up on a fixpoint. */
  maxSteps?: number;
  /** Fact insertions (this function and its callees together) before giving up; a few microseconds each. */
  maxWork?: number;
}

export class TypeAnalysis {
  private readonly a: FnAnalysis;
  private readonly dl: DataLayout;

  constructor(readonly module: Module, readonly fn: Function, opts: TypeAnalysisOptions = {}) {
    const sh = new Shared(module, opts.callBudget ?? CALL_BUDGET, opts.maxWork ?? 300_000);
    this.dl = sh.dl;
    sh.stack.push(fn);
    this.a = new FnAnalysis(sh, fn, opts.args ?? null, null);
    this.a.run(opts.maxSteps ?? STEP_LIMIT);
  }

  /**
   * False when a limit cut the fixpoint short (huge functions): the facts found are
   * sound but some may be missing, so unknowns deserve a warning rather than an error.
   */
  get complete(): boolean { return this.a.complete; }

  /** The whole type tree of a value (paths: offset in the value, then offsets in pointed-to memory). */
  tree(v: Value): TypeTree { return this.a.tree(v); }

  /** What the function's returned values carry. */
  returnTree(): TypeTree { return this.a.ret; }

  /** What is stored at byte offset `offset` of the memory `ptr` points to (offset relative to ptr itself); null when unknown. */
  memoryAt(ptr: Value, offset = 0): Scalar | null {
    return this.a.tree(ptr).get([0, offset]);
  }

  /**
   * The memory behind `ptr` as consecutive runs of one kind over `nbytes`
   * (or one stride of a periodic memory when nbytes is unknown); unknown bytes
   * form runs with scalar null. For splitting a memcpy of mixed data.
   */
  segments(ptr: Value, nbytes?: number | null): { offset: number; size: number; scalar: Scalar | null }[] {
    const t = this.a.tree(ptr);
    const stride = t.stride([0]);
    let n = nbytes ?? stride ?? null;
    if (n === null) {
      // Unknown extent: the extent of what is known.
      let hi = 0;
      for (const e of t.under([0])) {
        if (e.rest.length === 1 && e.rest[0]! >= 0) hi = Math.max(hi, e.rest[0]! + scalarBytes(e.s, this.dl.pointerBytes));
      }
      if (hi === 0) return [];
      n = hi;
    }
    const out: { offset: number; size: number; scalar: Scalar | null }[] = [];
    for (let o = 0; o < n;) {
      const s = t.get([0, o]);
      const step = s ? scalarBytes(s, this.dl.pointerBytes) : 1;
      const last = out[out.length - 1];
      if (last && last.scalar === s) last.size += step;
      else out.push({ offset: o, size: step, scalar: s });
      o += step;
    }
    return out;
  }

  /** If every element of the memory ptr points to (at any offset, for `nbytes` bytes when a constant is given) has one scalar type, that type: for memcpy/memmove/memset. null when mixed or unknown. */
  uniform(ptr: Value, nbytes?: number | null): Scalar | null {
    const t = this.a.tree(ptr);
    if ((nbytes === null || nbytes === undefined) && t.stride([0]) === undefined) {
      // Nothing known at the first byte: the kinds found further on may lie beyond what is read
      // (a copy of `n` floats out of a struct whose doubles follow them).
      if (t.get([0, 0]) === null && t.get([0, ANY]) === null) return null;
      const any = t.get([0, ANY]);
      const kinds = new Set(t.under([0]).filter((e) => e.rest.length === 1 && e.s !== 'anything').map((e) => e.s));
      if (any && any !== 'anything') kinds.add(any);
      if (kinds.size === 1) return [...kinds][0]!;
      return kinds.size === 0 && any ? any : null;
    }
    const segs = this.segments(ptr, nbytes);
    if (segs.length === 0) return null;
    let kind: Scalar | null = null;
    for (const s of segs) {
      if (s.scalar === null) return null;
      if (s.scalar === 'anything') continue;
      if (kind && kind !== s.scalar) return null;
      kind = s.scalar;
    }
    return kind ?? 'anything';
  }

  /** For a value of integer (or integer vector) type: the type it really carries (e.g. 'double' for a `load i64` of a double). For float-typed values: their own kind. null when unknown. */
  valueScalar(v: Value): Scalar | null {
    const t = this.a.tree(v);
    const ls = leaves(v.type, this.dl);
    if (ls.length === 0) return t.get([0]);
    let kind: Scalar | null = null;
    for (const l of ls) {
      const s = t.get([l.off]);
      if (s === null) return null;
      if (kind && kind !== s) {
        if (kind === 'anything') kind = s;
        else if (s !== 'anything') return null;
      } else kind = s;
    }
    return kind;
  }

  /** Facts that contradict each other (double and integer at the same offset through different paths). */
  conflicts(): Conflict[] { return [...this.a.conflicts]; }

  /** Human-readable report: one line per argument and value, `LINE:COL  text  : type` (pointers show their memory). */
  report(file: SourceFile | null): string[] {
    const namer = new ValueNamer(this.fn);
    const out: string[] = [];
    const line = (v: Value, text: string): void => {
      const sp = sourceSpan(v);
      let where = '-';
      if (file && sp.start >= 0) { const p = file.position(sp.start); where = `${p.line}:${p.col}`; }
      out.push(`${where}  ${text}  : ${this.format(v)}`);
    };
    for (const a of this.fn.args) line(a, `argument ${typeText(a.type)} ${namer.name(a)}`);
    for (const b of this.fn.blocks) for (const i of b.instructions) {
      if (i.type.kind === 'void') continue;
      let text = `${namer.name(i)} = ${i.op}`;
      if (file && i.pos >= 0) {
        const p = file.position(i.pos);
        text = file.lineText(p.line).trim().replace(/,\s*!(?!\{)[-\w.]+\s+!\d+.*$/, '');
      }
      line(i, text);
    }
    return out;
  }

  /** The deduced type of one value as the report prints it. */
  format(v: Value): string {
    const t = this.a.tree(v);
    if (v.type.kind === 'pointer') return t.formatMemory([0]);
    const ls = leaves(v.type, this.dl);
    const one = (off: number): string => {
      const s = t.get([off]);
      if (s === null) return '?';
      return s === 'pointer' && t.under([off]).length ? `pointer -> ${t.formatMemory([off])}` : s;
    };
    if (ls.length <= 1) return one(0);
    const vs = this.valueScalar(v);
    if (vs !== null && t.under([]).every((e) => e.rest.length === 1)) return `<all ${vs}>`;
    return `{${ls.map((l) => `${l.off}:${one(l.off)}`).join(', ')}}`;
  }
}
