// Activity analysis (Enzyme's, in both directions): a value needs derivative
// code only if it depends on an active input (it is *varied*) and it can reach
// an active output (it is *useful*). Pointers are handled by memory classes:
// pointer values connected by GEPs, casts, phis and selects share a class; a
// class is *shadowed* (gets shadow memory) when it is a `dup` argument or when
// varied data or shadowed pointers are stored into it. Classes that contain a
// `const` argument or a global are *blocked*: data stored there is a constant
// output and carries no derivative.

import type { Function } from '../ir/function.js';
import type { CallBase, Instruction } from '../ir/instructions.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { ArgActivity } from '../ad/api.js';
import { classifyCall, type CallKind, type CallRules } from '../ad/calls.js';
import type { GlobalVariable } from '../ir/function.js';
import { ModuleFacts } from './facts.js';
import { addressesHeld } from './targets.js';
import { ConstantInt } from '../ir/constants.js';
import { floatBitsOf, type FloatBits } from './floatbits.js';
import { pointerSpillSlots } from './spills.js';
import { computeUses } from '../ir/uses.js';

/** Null, undef and poison pointers (and aggregates of them): no memory, no class. */
function isNullishConst(v: Value): boolean {
  if (v.vk !== 'const') return false;
  const ck = (v as unknown as { ck: string }).ck;
  return ck === 'null' || ck === 'undef' || ck === 'poison' || (ck === 'zero' && v.type.kind !== 'pointer') || isDanglingConst(v);
}

/**
 * `inttoptr (i64 K to ptr)` with 0 < K < 4096: an address in the first page, which no object
 * occupies. Rust's `NonNull::dangling()` (the pointer of an empty `Vec`, K = the alignment) is
 * one; it is never dereferenced, so like null it joins phis of real pointers without blocking
 * them, and stands for its own shadow.
 */
export function isDanglingConst(v: Value): boolean {
  if (v.vk !== 'const' || v.type.kind !== 'pointer') return false;
  const e = v as unknown as { ck: string; op?: string; operands?: Value[] };
  if (e.ck !== 'expr' || e.op !== 'inttoptr') return false;
  const k = e.operands?.[0];
  return k instanceof ConstantInt && k.value > 0n && k.value < 4096n;
}

/** The global, function or other constant a constant address is computed from (through GEPs and casts). */
function constBase(v: Value): Value | null {
  let cur = v;
  for (let k = 0; k < 16; k++) {
    if (cur.vk === 'alias') { cur = (cur as unknown as { aliasee: Value }).aliasee; continue; }
    if (cur.vk !== 'const') return cur;
    const e = cur as unknown as { ck: string; op?: string; operands?: Value[] };
    if (e.ck === 'expr' && (e.op === 'getelementptr' || e.op === 'bitcast' || e.op === 'addrspacecast') && e.operands?.[0]) { cur = e.operands[0]; continue; }
    return cur;
  }
  return cur;
}

/** The object an address is computed from through GEPs and casts (instructions or constant expressions). */
function addressBase(v: Value): Value | null {
  let cur = v;
  for (let k = 0; k < 32; k++) {
    if (cur.vk === 'alias') { cur = (cur as unknown as { aliasee: Value }).aliasee; continue; }
    const isExpr = cur.vk === 'const' && (cur as unknown as { ck: string }).ck === 'expr';
    if (!isExpr && cur.vk !== 'inst') return cur;
    const e = cur as unknown as { op: string; operands: Value[] };
    if (e.op === 'getelementptr' || e.op === 'bitcast' || e.op === 'addrspacecast') { cur = e.operands[0]!; continue; }
    return cur;
  }
  return null;
}

/**
 * Floating scalars, vectors of them, and arrays / structs whose leaves are
 * floating or integer with at least one floating leaf (`{ double, i32 }`: a
 * `struct { double x; int k; }` returned by value). The derivative of such an
 * aggregate has the same type: derivatives in the floating leaves, zero in the
 * integer ones (nothing adds to or reads them: `addValues`).
 */
/**
 * An atomic read-modify-write of a floating scalar: `fadd`, `fsub`, `xchg`, `fmax`, `fmin` and
 * the like (whether it has a derivative rule is src/ad/atomics.ts's business).
 */
export function isFloatRMW(i: Instruction): boolean {
  return i.op === 'atomicrmw' && i.type.kind === 'float';
}

export function isDiffType(t: Type): boolean {
  switch (t.kind) {
    case 'float': return true;
    case 'vector': return t.elem.kind === 'float';
    case 'array': case 'struct': return floatIntLeaves(t, 0) === 'float';
    default: return false;
  }
}

/** 'float' when every leaf of `t` is floating or integer and one is floating, 'int' when all are integers, null otherwise. */
function floatIntLeaves(t: Type, depth: number): 'float' | 'int' | null {
  if (depth > 8) return null;
  switch (t.kind) {
    case 'float': return 'float';
    case 'int': return 'int';
    case 'vector': return t.elem.kind === 'float' ? 'float' : t.elem.kind === 'int' ? 'int' : null;
    case 'array': return t.count > 0 ? floatIntLeaves(t.elem, depth + 1) : null;
    case 'struct': {
      if (!t.elems || t.elems.length === 0) return null;
      let r: 'float' | 'int' = 'int';
      for (const e of t.elems) {
        const k = floatIntLeaves(e, depth + 1);
        if (k === null) return null;
        if (k === 'float') r = 'float';
      }
      return r;
    }
    default: return null;
  }
}

/** Integer scalars and vectors, and aggregates of them only: the leaves of a derivative aggregate that carry nothing. */
export function isIntLeafType(t: Type): boolean {
  return t.kind === 'int' || (t.kind === 'vector' && t.elem.kind === 'int') || ((t.kind === 'array' || t.kind === 'struct') && floatIntLeaves(t, 0) === 'int');
}

/**
 * An aggregate of pointers and integers with at least one pointer: rustc's fat
 * pointers at -O0 (`{ ptr, i64 }` slices, `{ ptr, ptr }` slice iterators). Like a
 * pointer it has a memory class (that of the pointers it holds) and a shadow of
 * the same type, as in Enzyme: the shadows in the pointer fields, the primal
 * integers in the others (nothing reads them from the shadow).
 */
export function isPtrAggType(t: Type): boolean {
  if (t.kind !== 'struct' && t.kind !== 'array') return false;
  let ptr = false;
  const leaves = (x: Type, d: number): boolean => {
    if (d > 8) return false;
    switch (x.kind) {
      case 'pointer': ptr = true; return true;
      case 'int': return true;
      case 'array': return x.count > 0 && leaves(x.elem, d + 1);
      case 'struct': return !!x.elems && x.elems.length > 0 && x.elems.every((e) => leaves(e, d + 1));
      default: return false;
    }
  };
  return leaves(t, 0) && ptr;
}

/** Types whose values have memory classes and shadows: pointers, vectors of pointers (a vector GEP's `<8 x ptr>`), aggregates of pointers and integers. */
export function isPointerish(t: Type): boolean {
  return t.kind === 'pointer' || (t.kind === 'vector' && t.elem.kind === 'pointer') || isPtrAggType(t);
}

function isPtr(v: Value): boolean { return isPointerish(v.type); }

/**
 * Vectors of pointers that only ever reach comparisons: the run-time overlap checks of the loop
 * and SLP vectorizers pack the addresses of several arrays (an output and a const table) into
 * one `<N x ptr>`, offset it with a vector `getelementptr` and compare it lane by lane. No
 * memory is accessed through them, so they join no memory class: otherwise a const table and a
 * duplicated array packed side by side would make one class, blocked and shadowed at once.
 * Anything else a vector reaches (a memory access, a call, `ptrtoint`, an extracted lane, a
 * phi, a store of the vector) keeps it in its lanes' classes.
 */
function compareOnlyPointerVectors(fn: Function): Set<Value> {
  const cands: Instruction[] = [];
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.type.kind !== 'vector' || i.type.elem.kind !== 'pointer') continue;
      if (i.op === 'insertelement' || i.op === 'shufflevector' || i.op === 'getelementptr') cands.push(i);
    }
  }
  if (!cands.length) return new Set();
  const cand = new Set<Value>(cands);
  const uses = computeUses(fn);
  const live = new Set<Value>();
  const work: Value[] = [];
  for (const v of cands) {
    for (const u of uses.users(v)) {
      if (u.op === 'icmp' || cand.has(u)) continue;
      live.add(v); work.push(v); break;
    }
  }
  // A vector built from (or offset from) a vector that reaches memory reaches it too.
  while (work.length) {
    const v = work.pop()! as Instruction;
    for (const o of v.operands) if (cand.has(o) && !live.has(o)) { live.add(o); work.push(o); }
  }
  return new Set(cands.filter((v) => !live.has(v)));
}

/**
 * An aggregate of floating values and pointers with at least one of each
 * (`{ i8*, double }`: the tape and result an augmented forward returns). Its
 * derivative is an aggregate of the same type: tangents in the floating
 * fields, shadows in the pointer fields. Only forward mode differentiates
 * such values (reverse mode refuses them: src/ad/checks.ts).
 */
export function isMixedAggType(t: Type, depth = 0): boolean {
  if (depth > 8 || (t.kind !== 'struct' && t.kind !== 'array')) return false;
  let ptr = false;
  let float = false;
  const leaves = (x: Type, d: number): boolean => {
    if (d > 8) return false;
    switch (x.kind) {
      case 'float': float = true; return true;
      case 'pointer': ptr = true; return true;
      case 'vector': float = true; return x.elem.kind === 'float';
      case 'array': return x.count > 0 && leaves(x.elem, d + 1);
      case 'struct': return !!x.elems && x.elems.length > 0 && x.elems.every((e) => leaves(e, d + 1));
      default: return false;
    }
  };
  return leaves(t, depth) && ptr && float;
}

/**
 * The pointer an integer was computed from (`inttoptr` of it points into the
 * same object): the one `ptrtoint` operand reached through integer arithmetic
 * (add, sub, and, or, xor, shifts, mul, casts) and through stack slots of
 * -O0 code (a load of an alloca whose stores all derive from the same
 * pointer). Null when there is none or more than one.
 */
export function intBase(v: Value): Value | null {
  const found = new Set<Value>();
  let ok = true;
  const visiting = new Set<Value>();
  const walk = (x: Value, depth: number): void => {
    if (!ok) return;
    if (depth > 32) { ok = false; return; }
    if (x.vk !== 'inst') return;
    const i = x as Instruction;
    if (visiting.has(i)) return;
    visiting.add(i);
    switch (i.op) {
      case 'ptrtoint': found.add(i.operands[0]!); return;
      case 'add': case 'sub': case 'and': case 'or': case 'xor': case 'shl': case 'lshr': case 'ashr': case 'mul':
      case 'zext': case 'sext': case 'trunc': case 'freeze':
        for (const o of i.operands) walk(o, depth + 1);
        return;
      case 'load': {
        const slot = i.operands[0]!;
        if (slot.vk !== 'inst' || (slot as Instruction).op !== 'alloca') return;
        const fn = (slot as Instruction).parent?.parent;
        if (!fn) return;
        for (const b of fn.blocks) {
          for (const j of b.instructions) {
            if (j.op === 'store' && j.operands[1] === slot) walk(j.operands[0]!, depth + 1);
            else if (j.operands.includes(slot) && j.op !== 'load' && j.op !== 'store') { ok = false; return; }
          }
        }
        return;
      }
      default: return;
    }
  };
  walk(v, 0);
  return ok && found.size === 1 ? [...found][0]! : null;
}

/** Union-find over pointer values. */
class Classes {
  private readonly parent = new Map<Value, Value>();
  find(v: Value): Value {
    let r = v;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    // path compression
    let x = v;
    while (x !== r) { const p = this.parent.get(x)!; this.parent.set(x, r); x = p; }
    return r;
  }
  union(a: Value, b: Value): void {
    const ra = this.find(a); const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export interface ActivityInput {
  fn: Function;
  args: readonly ArgActivity[];
  /** Whether the return value is differentiated (`--ret active` / `activeonly`). */
  retActive: boolean;
  /** Whether a pointer return needs its shadow (a callee returning active memory). */
  retShadow?: boolean;
  rules: CallRules;
}

export class ActivityAnalysis {
  readonly fn: Function;
  private readonly classes = new Classes();
  private readonly shadowedRoots = new Set<Value>();
  /**
   * Classes that must not get a shadow, with why: the const arguments, globals and
   * constants in the class ('direct'), or behind the pointers its pointers were read
   * from ('deep': a pointer loaded from a const argument's memory points to memory
   * that is inactive too, as in Enzyme).
   */
  private readonly blockedRoots = new Map<Value, Map<Value, 'direct' | 'deep'>>();
  private readonly facts: ModuleFacts;
  /** `inttoptr` results whose integer does not come from one pointer: memory the analysis cannot see. */
  private readonly opaqueIntPtrs: Value[] = [];
  readonly varied = new Set<Value>();
  readonly useful = new Set<Value>();
  private readonly callKinds = new Map<CallBase, CallKind>();
  /** Loads of a pointer from a read-only table of addresses (their classes are those addresses'). */
  private readonly tableLoads = new Set<Value>();

  /**
   * Const pointer arguments whose memory was asked for a shadow (a pointer into it stored into
   * shadowed memory, returned to a caller that needs its shadow...): the entry can give them a
   * zeroed stand-in shadow when it knows their extent (src/ad/standin.ts).
   */
  readonly constArgsWanted = new Set<Value>();

  /** Floating fields inside integers (a struct of a float and an int passed by value as an `i64`). */
  readonly bits: FloatBits;

  constructor(readonly input: ActivityInput) {
    this.fn = input.fn;
    this.facts = input.rules.facts ?? new ModuleFacts(null);
    this.bits = floatBitsOf(this.fn, this.facts.floatBits);
    this.buildClasses();
    this.forward();
    this.backward();
  }

  /** The parameters of a defined callee that get no shadow: integer-only memory, unless the user fixed its derivative's signature. */
  private intOnlyParams(k: CallKind): ReadonlySet<number> {
    if (k.k !== 'defined' || k.custom) return new Set();
    const rules = this.input.rules;
    const plain = (c: CallBase): Function | null => {
      const ck = classifyCall(c, rules);
      return ck.k === 'defined' && !ck.custom && !rules.hints?.derivatives.has(ck.fn) ? ck.fn : null;
    };
    if (rules.hints?.derivatives.has(k.fn)) return new Set();
    return this.facts.intOnlyParams(k.fn, plain);
  }

  callKind(c: CallBase): CallKind {
    let k = this.callKinds.get(c);
    if (!k) { k = classifyCall(c, this.input.rules); this.callKinds.set(c, k); }
    return k;
  }

  /** A pointer value that has a shadow. */
  shadowed(v: Value): boolean {
    if (!isPtr(v)) return false;
    const r = this.classes.find(v);
    return this.shadowedRoots.has(r) && !this.blockedRoots.has(r);
  }
  /**
   * A pointer whose class joins duplicated memory and memory that must not
   * get a shadow (a select or phi of a `dup` and a `const` argument): loads and
   * stores through it can be neither differentiated nor ignored.
   */
  mixed(v: Value): boolean {
    if (!isPtr(v)) return false;
    const r = this.classes.find(v);
    return (this.shadowedRoots.has(r) || this.loadedFromShadow.has(r)) && this.blockedRoots.has(r);
  }
  /**
   * Blocked classes holding a pointer loaded from shadow memory (`s->v` of a dup `s`, then
   * `p = k ? c + 1 : s->v` with `c` const): that pointer has a shadow, the const one has none,
   * so the class is mixed as a join of a dup and a const argument is.
   */
  private readonly loadedFromShadow = new Set<Value>();
  /** A load of a pointer from a read-only table of addresses (whose class is theirs, not the table's). */
  isTableLoad(v: Value): boolean { return this.tableLoads.has(v); }

  /** A pointer into memory that must not get a shadow (const argument, global). */
  blocked(v: Value): boolean { return this.blockedRoots.has(this.classes.find(v)); }

  /** What makes `v`'s class blocked: const arguments, globals, functions, constants, each direct or deep. */
  blockedBy(v: Value): ReadonlyMap<Value, 'direct' | 'deep'> {
    return this.blockedRoots.get(this.classes.find(v)) ?? new Map();
  }

  /**
   * Whether the primal pointer may stand for the shadow of `v` (Enzyme's convention for
   * constants): only memory nothing writes, constant globals and functions. A const
   * argument's memory or a mutable global's would receive adjoints meant for a shadow.
   */
  readOnlyShadow(v: Value): boolean {
    const by = this.blockedBy(v);
    if (!by.size) return false;
    for (const o of by.keys()) {
      if (o.vk === 'function') continue;
      if (o.vk === 'global' && this.facts.targets.isReadOnly(o as GlobalVariable)) continue;
      if (o.vk === 'const') continue; // inttoptr of a constant, blockaddress...
      return false;
    }
    return true;
  }

  /** `inttoptr` instructions of an integer that is a constant in [1, 4096) on every call (CallTargets.smallConstant). */
  private readonly danglingInsts = new Set<Value>();

  /**
   * Whether `v` is a dangling address: `inttoptr` of a small constant, or of a parameter that
   * every call gives one (Rust's `finish_grow` makes the address of a zero-sized allocation of
   * the alignment it is passed). No object is there and nothing is read or written through it,
   * so it stands for its own shadow, as the constant form does.
   */
  isDangling(v: Value): boolean { return isDanglingConst(v) || this.danglingInsts.has(v); }

  /** Whether `p` may point where an `inttoptr` of an integer of unknown origin points (memory the analysis cannot see). */
  fromUnknownInt(p: Value): boolean {
    if (!this.opaqueIntPtrs.length) return false;
    const r = this.classes.find(p);
    return this.opaqueIntPtrs.some((x) => this.classes.find(x) === r);
  }

  /** Whether `v` carries a derivative that someone consumes. */
  isActiveValue(v: Value): boolean { return this.varied.has(v) && this.useful.has(v); }

  /** Whether the instruction needs code in the reverse sweep. */
  isActiveInst(i: Instruction): boolean {
    switch (i.op) {
      case 'store': return isDiffType(i.value.type) && this.shadowed(i.ptr);
      // A floating read-modify-write moves adjoints between its value, its result and the memory.
      case 'atomicrmw': return isFloatRMW(i) && this.shadowed(i.operands[0]!);
      case 'call': case 'invoke': {
        const k = this.callKind(i);
        switch (k.k) {
          case 'memcpy': case 'memmove': case 'memset': return this.shadowed(i.arg(0));
          case 'defined': return this.callTouchesActive(i);
          case 'malloc': case 'calloc': case 'realloc': return this.shadowed(i);
          case 'posix_memalign': return this.shadowed(i.arg(0));
          case 'blas': return this.callTouchesActive(i);
          case 'rule': return this.isActiveValue(i) || (k.rule.outArgs ?? []).some((o) => o.zeroShadow && this.shadowed(i.arg(o.arg)));
          case 'vecmem': return k.shape.store ? isDiffType(i.arg(k.shape.value!).type) && this.shadowed(i.arg(k.shape.ptr)) : this.isActiveValue(i);
          default: return this.isActiveValue(i);
        }
      }
      default: return this.isActiveValue(i);
    }
  }

  /** A call to a defined function that sees varied values or shadowed memory (its own, or active globals it reaches). */
  callTouchesActive(c: CallBase): boolean {
    for (const a of c.args()) if (this.varied.has(a) || this.shadowed(a)) return true;
    return this.isActiveValue(c) || this.shadowed(c) || this.reachesActiveGlobals(c);
  }

  /**
   * An indirect call whose target is not known: the functions of the module it may still reach
   * that use globals carrying derivatives (with each, the first such global). Calls (not
   * invokes) are tested against these before the call (src/ad/devirt.ts), so this is empty for
   * them; an invoke that may reach one cannot be differentiated (E0402).
   */
  unknownTargetsUsingActiveGlobals(c: CallBase): [Function, GlobalVariable][] {
    if (this.callKind(c).k !== 'indirect') return [];
    const out: [Function, GlobalVariable][] = [];
    for (const f of this.facts.targets.globalUsersReachable(c)) {
      const g = this.facts.activeGlobalsReached(f).values().next();
      if (!g.done) out.push([f, g.value]);
    }
    return out;
  }

  private reachesActiveGlobals(c: CallBase): boolean {
    const k = this.callKind(c);
    return k.k === 'defined' && !k.custom && this.facts.activeGlobalsReached(k.fn).size > 0;
  }

  // -------------------------------------------------------------------------

  private buildClasses(): void {
    const { fn, args } = this.input;
    // -O0 spills: slots stored into nothing hold no pointer to follow
    const spills = new Map([...pointerSpillSlots(fn, isPtr)].filter(([, vals]) => vals.length > 0));
    // Dangling addresses made of a small constant that reaches the function as a parameter
    // (isDangling): like the constant ones, they join no class.
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'inttoptr' && isPtr(i) && !intBase(i.operands[0]!) && this.facts.targets.smallConstant(i.operands[0]!)) this.danglingInsts.add(i);
      }
    }
    const isNullish = (v: Value): boolean => isNullishConst(v) || this.danglingInsts.has(v);
    const cmpOnly = compareOnlyPointerVectors(fn);
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (!isPtr(i) || cmpOnly.has(i)) continue;
        switch (i.op) {
          case 'load': {
            // -O0 spills a pointer to a stack slot and reloads it: the reloaded pointer is the stored one
            // (a const argument stays const; as intBase follows integers through such slots).
            const stored = spills.get(i.operands[0]!);
            if (stored) for (const v of stored) if (!this.danglingInsts.has(v)) this.classes.union(i, v);
            break;
          }
          case 'getelementptr': this.classes.union(i, i.operands[0]!); break;
          case 'bitcast': case 'addrspacecast': this.classes.union(i, i.operands[0]!); break;
          // Null and undef are one shared constant each: joining them would join every class that meets them.
          case 'phi': for (const o of i.operands) if (!isNullish(o)) this.classes.union(i, o); break;
          case 'select':
            if (!isNullish(i.operands[1]!)) this.classes.union(i, i.operands[1]!);
            if (!isNullish(i.operands[2]!)) this.classes.union(i, i.operands[2]!);
            break;
          case 'freeze': this.classes.union(i, i.operands[0]!); break;
          // Vectors of pointers are built from pointers and taken apart into them.
          case 'insertelement': case 'shufflevector':
            for (const o of i.operands.slice(0, 2)) if (isPtr(o) && !isNullish(o)) this.classes.union(i, o);
            break;
          case 'extractelement': this.classes.union(i, i.operands[0]!); break;
          // Fat pointers: an aggregate of pointers and integers is in the class of the pointers it holds.
          case 'insertvalue':
            if (!isNullish(i.operands[0]!)) this.classes.union(i, i.operands[0]!);
            if (isPtr(i.operands[1]!) && !isNullish(i.operands[1]!)) this.classes.union(i, i.operands[1]!);
            break;
          case 'extractvalue': if (isPtr(i.operands[0]!)) this.classes.union(i, i.operands[0]!); break;
          case 'inttoptr': {
            // Integer round trips of a pointer (alignment, tagging): same object.
            const base = intBase(i.operands[0]!);
            if (base) this.classes.union(i, base);
            else if (!this.danglingInsts.has(i)) this.opaqueIntPtrs.push(i);
            break;
          }
          case 'call': {
            const k = this.callKind(i);
            if (k.k === 'realloc') this.classes.union(i, i.arg(0));
            break;
          }
          default: break;
        }
      }
    }
    // clang -O0 keeps pointer variables in stack slots: what is loaded from such a slot is
    // what was stored into it (mem2reg's view), so they share a class.
    for (const { loads, stores } of this.facts.pointerSlots(fn).values()) {
      const all = [...loads, ...stores.filter((v) => !isNullish(v))];
      for (let k = 1; k < all.length; k++) this.classes.union(all[0]!, all[k]!);
    }
    // A constant address (`getelementptr (@g, 0, 2)`) is in its global's class.
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        for (const o of i.operands) {
          if (o.vk !== 'const' || !isPtr(o)) continue;
          const base = constBase(o);
          if (base && base !== o) this.classes.union(o, base);
        }
      }
    }
    // A pointer loaded from a table of addresses that nothing writes (`double *rows[] = {G0, G1}`
    // promoted to a constant global, indexed at run time) is one of the addresses its initializer
    // holds: it joins their classes, and is not blocked by the table (deepConst).
    const held: Value[] = [];
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (i.op !== 'load' || !isPtr(i)) continue;
        const t = addressBase(i.ptr);
        if (!t || t.vk !== 'global' || !this.facts.targets.isReadOnly(t as GlobalVariable)) continue;
        const addrs = addressesHeld(t as GlobalVariable);
        if (!addrs.length) continue;
        this.tableLoads.add(i);
        for (const g of addrs) { this.classes.union(i, g); held.push(g); }
      }
    }
    fn.args.forEach((a, idx) => {
      if (!isPtr(a)) return;
      const act = args[idx];
      if (act === 'dup' || act === 'dupnoneed') this.shadowedRoots.add(this.classes.find(a));
      else this.block(a, a, 'direct');
    });
    // Globals and other constants reached by pointer flow: read-only tables and
    // constant outputs; they never get shadows.
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        for (const o of i.operands) {
          if (isPtr(o) && (o.vk === 'global' || o.vk === 'const' || o.vk === 'function' || o.vk === 'alias')) {
            // Null and undef pointers mix into phis of real pointers without blocking them.
            if (isNullish(o)) continue;
            const base = constBase(o) ?? o;
            // A global carrying derivatives has a shadow global (src/ad/globals.ts).
            if (this.facts.isActiveGlobal(base)) this.shadowedRoots.add(this.classes.find(o));
            // A constant table joined with duplicated memory (a phi of a pointer into it and a
            // dup pointer) does not block: its shadow is a zeroed stand-in (src/ad/sweep.ts).
            else if (!(this.shadowedRoots.has(this.classes.find(o)) && this.readOnlyGlobal(base))) this.block(o, base, 'direct');
          }
        }
      }
    }
    for (const g of held) {
      if (this.facts.isActiveGlobal(g)) this.shadowedRoots.add(this.classes.find(g));
      else this.block(g, g, 'direct');
    }
    const sh = [...this.shadowedRoots];
    this.shadowedRoots.clear();
    for (const r of sh) this.shadowedRoots.add(this.classes.find(r));
    this.deepConst();
  }

  /** Records `origin` as a reason for `v`'s class to be blocked; whether the class was not blocked before. */
  private block(v: Value, origin: Value, how: 'direct' | 'deep'): boolean {
    const r = this.classes.find(v);
    let by = this.blockedRoots.get(r);
    const fresh = !by;
    if (!by) { by = new Map(); this.blockedRoots.set(r, by); }
    if (by.get(origin) !== 'direct') by.set(origin, how);
    return fresh;
  }

  /**
   * Pointers read from blocked memory, and pointers a callee returns from blocked
   * arguments (src/analysis/facts.ts, returnOrigin), are blocked too: the memory behind
   * a const argument is inactive all the way down. Without this, a const matrix reached
   * through `model->mats[i]` would get its primal memory as its shadow.
   */
  private deepConst(): void {
    for (let changed = true, rounds = 0; changed && rounds < 64; rounds++) {
      changed = false;
      for (const b of this.fn.blocks) {
        for (const i of b.instructions) {
          if (!isPtr(i) || this.blocked(i) || this.tableLoads.has(i)) continue;
          let srcs: Value[] | null = null;
          if (i.op === 'load') srcs = [i.ptr];
          else if (i.op === 'call' || i.op === 'invoke') {
            const k = this.callKind(i);
            if (k.k === 'defined' && !k.custom) {
              const o = this.facts.returnOrigin(k.fn);
              if (o && o.length) srcs = o.map((n) => i.arg(n));
            }
          }
          if (!srcs || !srcs.every((x) => this.blocked(x))) continue;
          for (const x of srcs) for (const origin of this.blockedBy(x).keys()) if (this.block(i, origin, 'deep')) changed = true;
        }
      }
    }
  }

  /**
   * `loaded`: `p` is a pointer loaded from shadow memory (its shadow is there to load). A class
   * blocked only by constant tables nothing writes then gets a shadow anyway, theirs being
   * zeroed stand-ins: otherwise memory the derivative reads or writes through it (a dup buffer
   * whose pointer meets a table in a phi) would silently lose its derivative.
   */
  private markShadow(p: Value, loaded = false): boolean {
    const r = this.classes.find(p);
    if (this.shadowedRoots.has(r)) return false;
    const by = this.blockedRoots.get(r);
    if (by) {
      if (!loaded || ![...by].every(([o, how]) => how === 'direct' && this.readOnlyGlobal(o))) {
        for (const o of by.keys()) if (o.vk === 'argument') this.constArgsWanted.add(o);
        if (loaded) this.loadedFromShadow.add(r);
        return false;
      }
      this.blockedRoots.delete(r);
    }
    this.shadowedRoots.add(r);
    return true;
  }

  /** Whether `p` points into a table of addresses that nothing writes and that holds a global carrying derivatives. */
  private holdsActiveAddresses(p: Value): boolean {
    const t = addressBase(p);
    return !!t && t.vk === 'global' && this.facts.activeGlobalsHeld(t as GlobalVariable).length > 0;
  }

  /** A global nothing writes that holds no addresses (a table of coefficients). */
  private readOnlyGlobal(o: Value): boolean {
    return o.vk === 'global' && this.facts.targets.isReadOnly(o as GlobalVariable) && addressesHeld(o as GlobalVariable).length === 0;
  }

  private mark(v: Value): boolean {
    if (this.varied.has(v)) return false;
    this.varied.add(v);
    return true;
  }

  /**
   * Whether `v` can have a derivative of its own type: a floating type (or an aggregate with
   * floating leaves), or an integer whose floating fields are followed (src/analysis/floatbits.ts).
   */
  diffValue(v: Value): boolean { return isDiffType(v.type) || this.bits.carries(v); }

  /** Whether `v` carries derivative information (a varied value or a shadowed pointer). */
  private carries(v: Value): boolean { return this.varied.has(v) || this.shadowed(v); }

  private forward(): void {
    const { fn, args } = this.input;
    fn.args.forEach((a, idx) => { if (args[idx] === 'active' && this.diffValue(a)) this.varied.add(a); });
    // A caller that needs the shadow of the returned pointer: the returned memory gets one (unless it is
    // constant memory, whose shadow is the memory itself).
    if (this.input.retShadow) {
      for (const b of fn.blocks) {
        const t = b.terminator;
        if (t && t.op === 'ret' && t.operands[0] && isPtr(t.operands[0])) this.markShadow(t.operands[0]);
      }
    }
    let changed = true;
    for (let round = 0; changed && round < 1000; round++) {
      changed = false;
      for (const b of fn.blocks) for (const i of b.instructions) if (this.step(i)) changed = true;
    }
  }

  private step(i: Instruction): boolean {
    const diff = this.diffValue(i);
    switch (i.op) {
      // Integer moves of floating bits (floatbits.ts): only for results that carry fields.
      case 'zext': case 'sext': case 'trunc': case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'add':
        return diff && !isDiffType(i.type) && i.operands.some((o) => this.varied.has(o)) && this.mark(i);
      case 'insertvalue':
        // A pointer with a shadow placed in an aggregate of floats and pointers: the aggregate carries it.
        if (isMixedAggType(i.type)) return i.operands.some((o) => this.carries(o)) && this.mark(i);
        return diff && i.operands.some((o) => this.varied.has(o)) && this.mark(i);
      case 'extractvalue':
        if (isPtr(i)) return this.varied.has(i.operands[0]!) && this.markShadow(i);
        return diff && this.varied.has(i.operands[0]!) && this.mark(i);
      case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'frem': case 'fneg':
      case 'fpext': case 'fptrunc':
      case 'extractelement': case 'insertelement': case 'shufflevector': case 'freeze': case 'phi':
        return diff && i.operands.some((o) => this.varied.has(o)) && this.mark(i);
      case 'bitcast':
        return diff && this.diffValue(i.operands[0]!) && this.varied.has(i.operands[0]!) && this.mark(i);
      case 'select':
        return diff && (this.varied.has(i.operands[1]!) || this.varied.has(i.operands[2]!)) && this.mark(i);
      case 'load': {
        const p = i.ptr;
        let ch = false;
        if (this.shadowed(p)) {
          if (diff || isMixedAggType(i.type)) ch = this.mark(i) || ch;
          if (isPtr(i)) ch = this.markShadow(i, true) || ch;
        } else if (isPtr(i) && this.shadowed(i)) {
          // A loaded pointer that needs a shadow: its shadow is loaded from shadow memory.
          ch = this.markShadow(p) || ch;
        }
        return ch;
      }
      case 'ret': {
        // The caller needs the shadow of a returned pointer: the pointer's memory has one.
        const r = i.operands[0];
        return !!this.input.retShadow && !!r && isPtr(r) && this.markShadow(r);
      }
      case 'atomicrmw': {
        // A floating read-modify-write is a load (its result: what memory held) and a store (of a
        // value computed from it and the operand) in one.
        if (!isFloatRMW(i)) return false;
        const p = i.operands[0]!;
        let ch = false;
        if (this.carries(i.operands[1]!)) ch = this.markShadow(p) || ch;
        if (this.shadowed(p) && diff) ch = this.mark(i) || ch;
        return ch;
      }
      case 'store': {
        const v = i.value;
        if (this.carries(v)) return this.markShadow(i.ptr);
        // Pointers stored into shadowed memory are loaded back as pointers
        // that need shadows: the stored pointer needs one to store alongside.
        if (isPtr(v) && this.shadowed(i.ptr)) return this.markShadow(v);
        return false;
      }
      case 'call': case 'invoke': {
        const k = this.callKind(i);
        switch (k.k) {
          case 'rule':
            return diff && i.args().some((a) => this.varied.has(a)) && this.mark(i);
          case 'memcpy': case 'memmove':
            // A copy of a table of addresses that holds active globals (`double *r[3] = {G0, G0, G0}`,
            // which clang -O0 copies from a constant) holds pointers with shadows: the destination
            // gets a shadow, filled from the table's stand-in of shadow addresses.
            return this.shadowed(i.arg(1)) || this.holdsActiveAddresses(i.arg(1)) ? this.markShadow(i.arg(0)) : false;
          case 'blas': {
            // The result varies with the arrays; the array written, with x and alpha (a value, or a pointer to it).
            const r = k.rule;
            let ch = diff && i.args().some((a) => this.carries(a)) && this.mark(i);
            const inputs = [r.x, r.alpha, r.a, r.beta].filter((p): p is number => p !== null && p !== undefined).map((p) => i.arg(p));
            if (r.out === 'y' && inputs.some((a) => this.carries(a))) ch = this.markShadow(i.arg(r.y!)) || ch;
            if (r.out === 'x' && r.alpha !== null && this.carries(i.arg(r.alpha))) ch = this.markShadow(i.arg(r.x)) || ch;
            return ch;
          }
          case 'vecmem': {
            // As a load or a store, lane by lane (src/ad/vecmem.ts).
            const sh = k.shape;
            const p = i.arg(sh.ptr);
            let ch = false;
            if (!sh.store) {
              if (this.shadowed(p)) {
                if (diff) ch = this.mark(i) || ch;
                if (isPtr(i)) ch = this.markShadow(i) || ch;
              } else if (isPtr(i) && this.shadowed(i)) ch = this.markShadow(p) || ch;
              if (diff && sh.passthru !== null && this.varied.has(i.arg(sh.passthru))) ch = this.mark(i) || ch;
              return ch;
            }
            const v = i.arg(sh.value!);
            if (this.carries(v)) return this.markShadow(p);
            if (isPtr(v) && this.shadowed(p)) return this.markShadow(v);
            return false;
          }
          case 'defined': {
            if (!i.args().some((a) => this.carries(a)) && !this.reachesActiveGlobals(i)) {
              // A returned pointer that needs a shadow (varied data is stored through it, or it is stored
              // into shadow memory) may point into the memory of any pointer argument (a getter returning
              // `&v.data[i]`): those get shadows, so that the callee can return the matching shadow.
              if (!isPtr(i) || !this.shadowed(i)) return false;
              let ch = false;
              for (const a of i.args()) if (isPtr(a)) ch = this.markShadow(a) || ch;
              return ch;
            }
            let ch = false;
            if (diff || isMixedAggType(i.type)) ch = this.mark(i) || ch;
            if (isPtr(i)) ch = this.markShadow(i) || ch;
            // Pointers to memory the callee only reads and writes as integers need no shadow (intonly.ts).
            const ints = this.intOnlyParams(k);
            i.args().forEach((a, idx) => { if (isPtr(a) && !ints.has(idx)) ch = this.markShadow(a) || ch; });
            return ch;
          }
          case 'unknown': case 'indirect': case 'asm':
            // No derivative known: marked varied so that the transform can
            // report it if the result turns out to matter.
            return diff && i.args().some((a) => this.carries(a)) && this.mark(i);
          default: return false;
        }
      }
      default: return false;
    }
  }

  private backward(): void {
    const { fn, retActive } = this.input;
    const work: Value[] = [];
    const use = (v: Value): void => {
      if (!this.varied.has(v) || this.useful.has(v)) return;
      this.useful.add(v);
      work.push(v);
    };
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (i.op === 'ret' && retActive && i.operands[0]) use(i.operands[0]);
        if (i.op === 'store' && this.shadowed(i.ptr)) use(i.value);
        if (i.op === 'atomicrmw' && isFloatRMW(i) && this.shadowed(i.operands[0]!)) use(i.operands[1]!);
        if (i.op === 'call' || i.op === 'invoke') {
          const k = this.callKind(i);
          if (k.k === 'vecmem' && k.shape.store && this.shadowed(i.arg(k.shape.ptr))) use(i.arg(k.shape.value!));
        }
        if ((i.op === 'call' || i.op === 'invoke') && (this.callKind(i).k === 'defined' || this.callKind(i).k === 'blas') && this.callTouchesActive(i)) {
          for (const a of i.args()) use(a);
          use(i);
        }
      }
    }
    while (work.length) {
      const v = work.pop()!;
      if (v.vk !== 'inst') continue;
      const i = v as Instruction;
      switch (i.op) {
        case 'load': case 'atomicrmw': break;
        case 'select': use(i.operands[1]!); use(i.operands[2]!); break;
        case 'call': case 'invoke': for (const a of i.args()) use(a); break;
        default: for (const o of i.operands) use(o);
      }
    }
  }
}
