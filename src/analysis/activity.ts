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

/** Floating scalars, vectors of them, and arrays / structs whose leaves all are. */
export function isDiffType(t: Type): boolean {
  switch (t.kind) {
    case 'float': return true;
    case 'vector': return t.elem.kind === 'float';
    case 'array': return t.count > 0 && isDiffType(t.elem);
    case 'struct': return !!t.elems && t.elems.length > 0 && t.elems.every(isDiffType);
    default: return false;
  }
}

function isPtr(v: Value): boolean { return v.type.kind === 'pointer'; }

/**
 * An aggregate of floating values and pointers with at least one pointer
 * (`{ i8*, double }`: the tape and result an augmented forward returns). Its
 * derivative is an aggregate of the same type: tangents in the floating
 * fields, shadows in the pointer fields. Only forward mode differentiates
 * such values (reverse mode refuses them: src/ad/checks.ts).
 */
export function isMixedAggType(t: Type, depth = 0): boolean {
  if (depth > 8 || (t.kind !== 'struct' && t.kind !== 'array')) return false;
  let ptr = false;
  const leaves = (x: Type, d: number): boolean => {
    if (d > 8) return false;
    switch (x.kind) {
      case 'float': return true;
      case 'pointer': ptr = true; return true;
      case 'vector': return x.elem.kind === 'float';
      case 'array': return x.count > 0 && leaves(x.elem, d + 1);
      case 'struct': return !!x.elems && x.elems.length > 0 && x.elems.every((e) => leaves(e, d + 1));
      default: return false;
    }
  };
  return leaves(t, depth) && ptr;
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

/**
 * Stack slots that only hold pointers (-O0 spills of pointer arguments and
 * locals): allocas whose every use is a load from them or a store of a pointer
 * into them (lifetime and debug intrinsics aside), with the pointers stored.
 */
function spillSlots(fn: Function): Map<Value, Value[]> {
  const slots = new Map<Value, Value[]>();
  const bad = new Set<Value>();
  for (const b of fn.blocks) for (const i of b.instructions) if (i.op === 'alloca') slots.set(i, []);
  if (!slots.size) return slots;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'load') continue;
      if (i.op === 'store' && slots.has(i.ptr) && i.value !== i.ptr) {
        if (isPtr(i.value)) slots.get(i.ptr)!.push(i.value); else bad.add(i.ptr);
        if (slots.has(i.value)) bad.add(i.value);
        continue;
      }
      if (i.op === 'call') {
        const name = i.callee.name ?? '';
        if (name.startsWith('llvm.lifetime.') || name.startsWith('llvm.dbg.')) continue;
      }
      for (const o of i.operands) if (slots.has(o)) bad.add(o);
    }
  }
  for (const s of bad) slots.delete(s);
  for (const [s, vals] of slots) if (!vals.length) slots.delete(s);
  return slots;
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
  private readonly blockedRoots = new Set<Value>();
  /** `inttoptr` results whose integer does not come from one pointer: memory the analysis cannot see. */
  private readonly opaqueIntPtrs: Value[] = [];
  readonly varied = new Set<Value>();
  readonly useful = new Set<Value>();
  private readonly callKinds = new Map<CallBase, CallKind>();

  constructor(readonly input: ActivityInput) {
    this.fn = input.fn;
    this.buildClasses();
    this.forward();
    this.backward();
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
    return this.shadowedRoots.has(r) && this.blockedRoots.has(r);
  }
  /** A pointer into memory that must not get a shadow (const argument, global). */
  blocked(v: Value): boolean { return this.blockedRoots.has(this.classes.find(v)); }

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
      case 'call': case 'invoke': {
        const k = this.callKind(i);
        switch (k.k) {
          case 'memcpy': case 'memmove': case 'memset': return this.shadowed(i.arg(0));
          case 'defined': return this.callTouchesActive(i);
          case 'malloc': case 'calloc': case 'realloc': return this.shadowed(i);
          case 'posix_memalign': return this.shadowed(i.arg(0));
          case 'blas': return this.callTouchesActive(i);
          case 'rule': return this.isActiveValue(i) || (k.rule.outArgs ?? []).some((o) => o.zeroShadow && this.shadowed(i.arg(o.arg)));
          default: return this.isActiveValue(i);
        }
      }
      default: return this.isActiveValue(i);
    }
  }

  /** A call to a defined function that sees varied values or shadowed memory. */
  callTouchesActive(c: CallBase): boolean {
    for (const a of c.args()) if (this.varied.has(a) || this.shadowed(a)) return true;
    return this.isActiveValue(c) || this.shadowed(c);
  }

  // -------------------------------------------------------------------------

  private buildClasses(): void {
    const { fn, args } = this.input;
    const spills = spillSlots(fn);
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        if (!isPtr(i)) continue;
        switch (i.op) {
          case 'load': {
            // -O0 spills a pointer to a stack slot and reloads it: the reloaded pointer is the stored one
            // (a const argument stays const; as intBase follows integers through such slots).
            const stored = spills.get(i.operands[0]!);
            if (stored) for (const v of stored) this.classes.union(i, v);
            break;
          }
          case 'getelementptr': this.classes.union(i, i.operands[0]!); break;
          case 'bitcast': case 'addrspacecast': this.classes.union(i, i.operands[0]!); break;
          case 'phi': for (const o of i.operands) this.classes.union(i, o); break;
          case 'select': this.classes.union(i, i.operands[1]!); this.classes.union(i, i.operands[2]!); break;
          case 'freeze': this.classes.union(i, i.operands[0]!); break;
          case 'inttoptr': {
            // Integer round trips of a pointer (alignment, tagging): same object.
            const base = intBase(i.operands[0]!);
            if (base) this.classes.union(i, base);
            else this.opaqueIntPtrs.push(i);
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
    fn.args.forEach((a, idx) => {
      if (!isPtr(a)) return;
      const act = args[idx];
      if (act === 'dup' || act === 'dupnoneed') this.shadowedRoots.add(this.classes.find(a));
      else this.blockedRoots.add(this.classes.find(a));
    });
    // Globals and other constants reached by pointer flow: read-only tables and
    // constant outputs; they never get shadows.
    for (const b of fn.blocks) {
      for (const i of b.instructions) {
        for (const o of i.operands) {
          if (isPtr(o) && (o.vk === 'global' || o.vk === 'const' || o.vk === 'function' || o.vk === 'alias')) {
            // Null and undef pointers mix into phis of real pointers without blocking them.
            const ck = o.vk === 'const' ? (o as unknown as { ck: string }).ck : '';
            if (ck === 'null' || ck === 'undef' || ck === 'poison') continue;
            this.blockedRoots.add(this.classes.find(o));
          }
        }
      }
    }
    // Blocking is recorded per root at the time; re-root after all unions.
    const blocked = [...this.blockedRoots];
    this.blockedRoots.clear();
    for (const r of blocked) this.blockedRoots.add(this.classes.find(r));
    const sh = [...this.shadowedRoots];
    this.shadowedRoots.clear();
    for (const r of sh) this.shadowedRoots.add(this.classes.find(r));
  }

  private markShadow(p: Value): boolean {
    const r = this.classes.find(p);
    if (this.shadowedRoots.has(r) || this.blockedRoots.has(r)) return false;
    this.shadowedRoots.add(r);
    return true;
  }

  private mark(v: Value): boolean {
    if (this.varied.has(v)) return false;
    this.varied.add(v);
    return true;
  }

  /** Whether `v` carries derivative information (a varied value or a shadowed pointer). */
  private carries(v: Value): boolean { return this.varied.has(v) || this.shadowed(v); }

  private forward(): void {
    const { fn, args } = this.input;
    fn.args.forEach((a, idx) => { if (args[idx] === 'active' && isDiffType(a.type)) this.varied.add(a); });
    let changed = true;
    for (let round = 0; changed && round < 1000; round++) {
      changed = false;
      for (const b of fn.blocks) for (const i of b.instructions) if (this.step(i)) changed = true;
    }
  }

  private step(i: Instruction): boolean {
    const diff = isDiffType(i.type);
    switch (i.op) {
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
        return diff && isDiffType(i.operands[0]!.type) && this.varied.has(i.operands[0]!) && this.mark(i);
      case 'select':
        return diff && (this.varied.has(i.operands[1]!) || this.varied.has(i.operands[2]!)) && this.mark(i);
      case 'load': {
        const p = i.ptr;
        let ch = false;
        if (this.shadowed(p)) {
          if (diff || isMixedAggType(i.type)) ch = this.mark(i) || ch;
          if (isPtr(i)) ch = this.markShadow(i) || ch;
        } else if (isPtr(i) && this.shadowed(i)) {
          // A loaded pointer that needs a shadow: its shadow is loaded from shadow memory.
          ch = this.markShadow(p) || ch;
        }
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
            return this.shadowed(i.arg(1)) ? this.markShadow(i.arg(0)) : false;
          case 'blas': {
            // The result varies with the arrays; the array written, with x and alpha (a value, or a pointer to it).
            const r = k.rule;
            let ch = diff && i.args().some((a) => this.carries(a)) && this.mark(i);
            const inputs = [r.x, r.alpha, r.a, r.beta].filter((p): p is number => p !== null && p !== undefined).map((p) => i.arg(p));
            if (r.out === 'y' && inputs.some((a) => this.carries(a))) ch = this.markShadow(i.arg(r.y!)) || ch;
            if (r.out === 'x' && r.alpha !== null && this.carries(i.arg(r.alpha))) ch = this.markShadow(i.arg(r.x)) || ch;
            return ch;
          }
          case 'defined': {
            if (!i.args().some((a) => this.carries(a))) return false;
            let ch = false;
            if (diff || isMixedAggType(i.type)) ch = this.mark(i) || ch;
            if (isPtr(i)) ch = this.markShadow(i) || ch;
            for (const a of i.args()) if (isPtr(a)) ch = this.markShadow(a) || ch;
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
        case 'load': break;
        case 'select': use(i.operands[1]!); use(i.operands[2]!); break;
        case 'call': case 'invoke': for (const a of i.args()) use(a); break;
        default: for (const o of i.operands) use(o);
      }
    }
  }
}
