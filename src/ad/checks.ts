// Constructs the transform refuses, checked on each primal instruction before
// it is cloned: an honest located error (E0401 / E0403) instead of a
// derivative that would silently be wrong.

import type { CallBase, Instruction } from '../ir/instructions.js';
import { Argument, Function as FunctionClass } from '../ir/function.js';
import { ConstantExpr, ConstantInt } from '../ir/constants.js';
import { scalarOf, type Type } from '../ir/types.js';
import { DataLayout } from '../ir/layout.js';
import { F } from '../ir/flags.js';
import { rustShimName } from '../analysis/mangled.js';
import type { Value } from '../ir/value.js';
import { sourceSpan } from '../ir/verify.js';
import { intBase, isDiffType, isMixedAggType, isPtrAggType } from '../analysis/activity.js';
import { underlyingObjects } from '../analysis/memory.js';
import { baseOffset, counterKind, declaredKind, findCounters, laidOutKind, tbaaKind, type Counters } from '../analysis/scalar.js';
import { isFloatScalar } from '../analysis/types.js';
import type { FunctionFacts } from './facts.js';
import { hasPointer, typeTextShort } from './typetext.js';
import { isPointerLike } from './vecmem.js';
import { rmwDifferentiable } from './atomics.js';

export class Refusals {
  private bitsTaint: Set<Value> | null = null;
  private counters: Counters | null = null;

  constructor(private readonly f: FunctionFacts) {}

  /** Every check that applies to any instruction. */
  check(i: Instruction): void {
    this.checkAggregatePointers(i);
    this.checkIntegerCarriers(i);
    this.checkUnknownMemory(i);
    this.checkBitArithmetic(i);
    this.checkMixedAggregate(i);
    this.checkActiveIntoConst(i);
    const aa = this.f.aa;
    if ((i.op === 'atomicrmw' || i.op === 'cmpxchg') && !rmwDifferentiable(i) && (aa.shadowed(i.operands[0]!) || i.operands.some((o) => aa.varied.has(o)))) {
      const what = i.op === 'atomicrmw' ? `atomicrmw ${i.rmw} of ${typeTextShort(i.type)}` : 'cmpxchg';
      this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: ${what} on active data has no derivative rule (atomicrmw fadd, fsub and xchg of a floating scalar have one)`, i,
        [i.op === 'cmpxchg'
          ? 'a compare-and-swap loop that adds to a double (C11 `x += y` on an `_Atomic double`) can be written `atomic_fetch_add(&x, y)` / `__atomic_fetch_add`, which compiles to atomicrmw fadd'
          : 'use atomicrmw fadd / fsub / xchg or a plain load and store, or make the memory const']);
    }
  }

  /**
   * Pointers to active memory carried inside aggregates: fat pointers (`{ ptr, i64 }`, pointers and
   * integers only) have shadow aggregates in both modes, aggregates of floats and pointers have
   * tangents in forward mode; others (floats, pointers and integers together in reverse mode) are
   * refused rather than losing derivatives.
   */
  private checkAggregatePointers(i: Instruction): void {
    const aa = this.f.aa;
    const handled = (t: Type): boolean => isPtrAggType(t) || (this.f.forward && isMixedAggType(t));
    let bad = false;
    switch (i.op) {
      case 'insertvalue': bad = aa.shadowed(i.operands[1]!) && !handled(i.type); break;
      // A vector of pointers has vector shadows (sweep.ts); other vectors cannot hold pointers.
      case 'insertelement': bad = aa.shadowed(i.operands[1]!) && !isPointerLike(i.type); break;
      case 'load': bad = hasPointer(i.type) && i.type.kind !== 'pointer' && aa.shadowed(i.ptr) && !handled(i.type); break;
      case 'store': bad = hasPointer(i.value.type) && i.value.type.kind !== 'pointer' && aa.shadowed(i.ptr) && !handled(i.value.type); break;
      case 'call': case 'invoke': {
        const k = aa.callKind(i);
        bad = k.k === 'defined' && hasPointer(i.type) && i.type.kind !== 'pointer' && aa.callTouchesActive(i) && !handled(i.type);
        break;
      }
      default: break;
    }
    if (bad) {
      this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: a pointer to active memory inside an aggregate (${typeTextShort(i.op === 'store' ? i.value.type : i.type)}) is not supported yet`, i,
        ['compile with optimisation (-O1 or more, which splits such aggregates), or pass the pointer itself']);
    }
  }

  /**
   * An integer-typed load or store of shadowed memory moves floats when the
   * memory holds floats (clang's `load i64` copies of doubles). Not supported
   * yet: refuse unless the IR says the data is integer.
   */
  private checkIntegerCarriers(i: Instruction): void {
    if (i.op !== 'load' && i.op !== 'store') return;
    const t = i.op === 'load' ? i.type : i.value.type;
    const st = t.kind === 'vector' ? t.elem : t;
    const f = this.f;
    if (st.kind !== 'int' || st.bits < 16 || !f.aa.shadowed(i.ptr)) return;
    this.counters ??= findCounters(f.m, f.prim);
    let declared = declaredKind(i.ptr) ?? laidOutKind(f.m, i.ptr) ?? tbaaKind(f.m, i) ?? counterKind(f.m, this.counters, i.ptr);
    // Type analysis may only confirm floats here: an 'integer' it reports could
    // come from this very access, which is what is in doubt.
    if (declared === null && isFloatScalar(f.types().memoryAt(i.ptr))) declared = 'float';
    // How the value is used can: a loaded (or stored) value that is multiplied, divided, used as
    // an index or compared with a counter is an integer (Eigen's strides and sizes kept beside
    // its data pointers, without TBAA at clang 19 -O2). An integer type alone is no evidence.
    let byUse = false;
    if (declared === null && this.usedAsInteger(i.op === 'load' ? i : i.value)) { declared = 'int'; byUse = true; }
    if (declared === 'int' || declared === 'pointer') {
      // Memory said to hold integers only by how this value is used may hold floats elsewhere (a
      // memset of one double becomes `store i64 0`, and the constant is "used as an integer"): the
      // store clears the shadow of the bytes it overwrites, harmless where they are integers.
      if (byUse && i.op === 'store') f.intStores.add(i);
      return;
    }
    // Untyped memory (rustc's `[16 x i8]` stack slots, a struct reached through byte offsets): an
    // integer that is no copy of floating bits may be stored there (its reverse clears the shadow of
    // the bytes it overwrites), and one may be loaded to be computed on (compared, used as an index),
    // never moved elsewhere.
    if (declared === null && (i.op === 'store' ? this.plainInteger(i.value) : consumedOnly(i, 0) || this.localIntegersOnly(i.ptr))) {
      if (i.op === 'store') f.intStores.add(i);
      return;
    }
    // The bits of a float read to be looked at, never moved (musl's `GET_HIGH_WORD(hx, x)` at -O0,
    // through the union slot x is stored to): the integers are only compared, masked, counted with,
    // kept in integer locals or given to callees that do the same (stored nowhere else: a result of
    // arithmetic on them stored to memory the caller reads as a double would lose its derivative),
    // so no derivative is lost here.
    // Where they become floating again the bit-arithmetic checks refuse.
    if (declared === 'float' && i.op === 'load' && consumedOnly(i, 0, false, true, true)) return;
    const known = declared === 'float' ? 'holds floating data' : 'may hold floating data (nothing in the IR says what it holds)';
    if (declared === null && f.ctx.opts.looseTypes) {
      const span = sourceSpan(i);
      f.ctx.warnings.push({ code: 'E0403', severity: 'warning', message: `${f.fnName()}: an integer ${i.op} of active memory is treated as non-differentiable (--loose-types)`, file: f.ctx.file, start: span.start, end: span.end });
      return;
    }
    f.error('E0403', `cannot differentiate ${f.fnName()}: an integer ${i.op} (${typeTextShort(t)}) of memory that ${known} is not supported yet`, i,
      declared === null ? ['pass --loose-types to treat it as non-differentiable (with a warning)'] : ['copy floating data with floating types or memcpy']);
  }

  /** Type analysis proves `v` an integer (from its uses or other accesses), and nothing contradicts it. */
  private usedAsInteger(v: Value): boolean {
    const ta = this.f.types();
    if (ta.valueScalar(v) !== 'integer') return false;
    // Floating bits taken out of it (`trunc` then `bitcast` to float: a float pair loaded as one
    // `i64`, its low float used) make the `trunc` no evidence of an integer.
    if (this.f.aa.bits.hasFields(v)) return false;
    if (!this.conflicted) this.conflicted = new Set(ta.conflicts().map((c) => c.value));
    return !this.conflicted.has(v);
  }
  private conflicted: Set<Value> | null = null;

  /**
   * Whether an integer is certainly no copy of floating data nor the bits of one pointer: built by
   * integer arithmetic from constants, integer parameters, comparisons, conversions of floats,
   * call results (a callee's own integer loads are checked when it is differentiated), loads of
   * memory without a shadow or declared integer, and differences of pointers.
   */
  private plainInteger(v: Value): boolean {
    const aa = this.f.aa;
    const seen = new Set<Value>();
    const walk = (x: Value, d: number): boolean => {
      if (d > 24) return false;
      if (seen.has(x)) return true;
      seen.add(x);
      if (x.vk === 'argument') return x.type.kind === 'int';
      if (x.vk === 'const') return !(x instanceof ConstantExpr);
      if (x.vk !== 'inst') return false;
      const j = x as Instruction;
      switch (j.op) {
        case 'icmp': case 'fcmp': case 'fptosi': case 'fptoui': case 'call': case 'invoke': case 'ptrtoint': return true;
        case 'load':
          if (!aa.shadowed(j.ptr) || declaredKind(j.ptr) === 'int' || tbaaKind(this.f.m, j) === 'int' || (d > 0 && consumedOnly(j, 0))) return true;
          this.counters ??= findCounters(this.f.m, this.f.prim);
          return counterKind(this.f.m, this.counters, j.ptr) === 'int';
        case 'extractvalue': return walk(j.operands[0]!, d + 1);
        case 'select': return walk(j.operands[1]!, d + 1) && walk(j.operands[2]!, d + 1);
        case 'phi': case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
        case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
        case 'zext': case 'sext': case 'trunc': case 'freeze':
          return j.operands.every((o) => walk(o, d + 1));
        default: return false;
      }
    };
    return walk(v, 0) && intBase(v) === null;
  }

  /**
   * Whether `p` points into stack slots of this function that never hold floating data: only plain
   * integers (plainInteger) and pointers are stored there, and the functions they are passed to
   * store no floating data through them (rustc's `[24 x i8]` slot for the `(usize, Option<usize>)`
   * a `size_hint` call writes).
   */
  private localIntegersOnly(p: Value): boolean {
    const roots = underlyingObjects(p);
    if (!roots || !roots.size || ![...roots].every((r) => r.vk === 'inst' && (r as Instruction).op === 'alloca' && (r as Instruction).parent?.parent === this.f.prim)) return false;
    const users = usersIn(this.f.prim);
    const derived = new Set<Value>(roots);
    const work = [...roots];
    while (work.length) {
      const x = work.pop()!;
      for (const u of users.get(x) ?? []) {
        switch (u.op) {
          case 'getelementptr': case 'bitcast': case 'addrspacecast': case 'phi': case 'select': case 'freeze':
            if (u.op === 'getelementptr' && u.operands[0] !== x) return false;
            if (u.op === 'select' && u.operands[0] === x) return false;
            if (!derived.has(u)) { derived.add(u); work.push(u); }
            break;
          case 'load': case 'icmp': case 'ptrtoint': break;
          case 'store': {
            if (u.value === x) return false;
            const t = u.value.type;
            if (t.kind === 'int' ? !this.plainInteger(u.value) : !isPointerLike(t)) return false;
            break;
          }
          case 'call': case 'invoke': {
            const callee = u.callee;
            const name = callee instanceof FunctionClass ? callee.name ?? '' : '';
            if (name.startsWith('llvm.lifetime.') || name.startsWith('llvm.dbg.')) break;
            if (!(callee instanceof FunctionClass) || callee.isDeclaration) return false;
            const args = u.args();
            if (!args.includes(x)) return false;
            for (let k = 0; k < args.length; k++) if (args[k] === x && writesFloatsThrough(callee, k, 3)) return false;
            break;
          }
          default: return false;
        }
      }
    }
    return true;
  }

  /**
   * Integers computed from the bits of varied floating values (a bitcast to an
   * integer, then integer operations): after canonicalization (canonical.ts)
   * folded plain copies, a bitcast of such an integer back to a floating type is
   * arithmetic on the bits (the fast inverse square root), whose derivative the
   * tool cannot know.
   */
  private taintedBits(): Set<Value> {
    if (this.bitsTaint) return this.bitsTaint;
    const aa = this.f.aa;
    const taint = new Set<Value>();
    const objects = this.taintedObjects;
    const isIntish = (t: Type): boolean => t.kind === 'int' || (t.kind === 'vector' && t.elem.kind === 'int');
    const objs = (p: Value): Set<Value> | null => underlyingObjects(p);
    const meets = (p: Value): boolean => { const o = objs(p); return o !== null && [...o].some((x) => objects.has(x)); };
    for (let changed = true, rounds = 0; changed && rounds < 16; rounds++) {
      changed = false;
      for (const b of this.f.prim.blocks) {
        for (const i of b.instructions) {
          // -O0 keeps the bits in stack slots (musl's `union { float f; uint32_t i; }` and the
          // integer locals computed from it): the taint follows them through memory.
          if (i.op === 'store' && taint.has(i.value)) {
            for (const o of objs(i.ptr) ?? []) if (!objects.has(o)) { objects.add(o); changed = true; }
            continue;
          }
          if (taint.has(i) || !isIntish(i.type)) continue;
          // The bits of an active float: a bitcast, or an integer load of a slot an active float was stored to.
          const seed = (i.op === 'bitcast' && aa.varied.has(i.operands[0]!) && isDiffType(i.operands[0]!.type))
            || (i.op === 'load' && this.holdsActiveFloat(i.ptr, DataLayout.of(this.f.m).allocSize(i.type)))
            || bitsFromCall(i, aa.varied);
          // An integer a call computes from such integers (musl's sqrt at -O0 calls its `mul32` /
          // `mul64` helpers) is computed from the bits too. Not where the floating fields are
          // followed (src/analysis/floatbits.ts): a struct { float; int; } packed into an i64 that
          // is moved, passed, returned and unpacked as the ABI does; what is left of it once the
          // fields are taken out (the int half, `trunc`) is the struct's integer.
          const followed = (o: Value): boolean => aa.bits.carries(o) && !aa.bits.bad.has(i) && (BIT_MOVES.has(i.op) || i.op === 'call' || i.op === 'invoke');
          const flows = (i.op === 'load' && meets(i.ptr))
            || (i.op !== 'call' && i.op !== 'invoke' && i.op !== 'load' && i.op !== 'icmp' && !stepOfBits(i) && i.operands.some((o) => taint.has(o) && !followed(o)))
            || ((i.op === 'call' || i.op === 'invoke') && !(i.callee instanceof FunctionClass && (i.callee.name ?? '').startsWith('llvm.dbg.')) && i.args().some((o) => taint.has(o) && !followed(o)));
          if (seed || flows) { taint.add(i); changed = true; }
        }
      }
    }
    this.bitsTaint = taint;
    return taint;
  }
  /**
   * Integers computed in registers from the bits of varied floats: `bitcast` seeds, followed
   * through integer operations (not through memory: a slot that holds an active float may hold
   * integers beside it, as a `{ double, int }` at -O0 does, and the taint of taintedBits is per
   * object, not per byte).
   */
  private castBits(): Set<Value> {
    if (this.castTaint) return this.castTaint;
    const aa = this.f.aa;
    const taint = new Set<Value>();
    const isIntish = (t: Type): boolean => t.kind === 'int' || (t.kind === 'vector' && t.elem.kind === 'int');
    for (let changed = true, rounds = 0; changed && rounds < 16; rounds++) {
      changed = false;
      for (const b of this.f.prim.blocks) {
        for (const i of b.instructions) {
          if (taint.has(i) || !isIntish(i.type)) continue;
          const seed = (i.op === 'bitcast' && aa.varied.has(i.operands[0]!) && isDiffType(i.operands[0]!.type)) || bitsFromCall(i, aa.varied);
          const flows = i.op !== 'call' && i.op !== 'invoke' && i.op !== 'load' && i.op !== 'icmp' && !stepOfBits(i) && i.operands.some((o) => taint.has(o));
          if (seed || flows) { taint.add(i); changed = true; }
        }
      }
    }
    this.castTaint = taint;
    return taint;
  }
  private castTaint: Set<Value> | null = null;

  /** Stack slots (and other objects) that integers computed from the bits of active floats were stored to. */
  private readonly taintedObjects = new Set<Value>();

  /** Whether an active floating value is stored to the object `p` points into (an alloca of the function). */
  private holdsActiveFloat(p: Value, bytes: number): boolean {
    const roots = underlyingObjects(p);
    if (!roots || roots.size === 0) return false;
    if (![...roots].every((r) => r.vk === 'inst' && (r as Instruction).op === 'alloca')) return false;
    const aa = this.f.aa;
    const dl = DataLayout.of(this.f.m);
    const at = baseOffset(dl, p);
    for (const b of this.f.prim.blocks) {
      for (const s of b.instructions) {
        if (s.op !== 'store' || !isDiffType(s.value.type) || !aa.varied.has(s.value)) continue;
        const o = underlyingObjects(s.ptr);
        if (!o || ![...o].some((x) => roots.has(x))) continue;
        // Both at constant offsets from one slot: only the bytes of the stored floats count (the
        // `i32` field beside a `double` in a `{ double, i32 }` slot at -O0 holds no float bits).
        const st = baseOffset(dl, s.ptr);
        if (at && st && at.base === st.base && !floatBytes(dl, s.value.type, st.off).some(([a, e]) => a < at.off + bytes && at.off < e)) continue;
        return true;
      }
    }
    return false;
  }

  /**
   * A varied floating value placed into an aggregate that also holds integers (`{ double, i32 }`,
   * `{ <2 x float>, i32 }`: a `struct { double x; int k; }` returned by value): such aggregates
   * have no shadow, so the derivative would be lost without a word.
   */
  private checkMixedAggregate(i: Instruction): void {
    const aa = this.f.aa;
    // -O0 moves the whole aggregate through memory: a load or store of it where the memory has a shadow
    if ((i.op === 'load' && floatsWithInts(i.type) && aa.shadowed(i.ptr)) || (i.op === 'store' && floatsWithInts(i.value.type) && aa.shadowed(i.ptr))) {
      const t = i.op === 'load' ? i.type : i.value.type;
      this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: a ${i.op} of an aggregate of floats and integers (${typeTextShort(t)}) from memory with a shadow, which has no derivative (a struct of floats and integers passed or returned by value is moved so)`, i,
        ['pass or return the struct through a pointer argument, or return its floating fields apart from its integers']);
      return;
    }
    // An aggregate of floats and integers moved through memory with a shadow: its integer leaves
    // carry no derivative, so the memory must hold integers there (the declared layout of the
    // stack slot says so). `{ i64, <2 x float> }` loaded from a slot of four floats at -O0 holds
    // two floats in its i64: their derivatives would be lost.
    if ((i.op === 'load' || i.op === 'store') && aa.shadowed(i.ptr)) {
      const t = i.op === 'load' ? i.type : i.value.type;
      if ((t.kind === 'struct' || t.kind === 'array') && isDiffType(t) && !this.intLeavesHoldInts(i.ptr, t, i.op === 'load' ? i : i.value)) {
        this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: a ${i.op} of an aggregate of floats and integers (${typeTextShort(t)}) whose integer fields may hold floating data of memory with a shadow (a struct of floats passed or returned by value at -O0 is moved so)`, i,
          ['compile with -O1 or above, pass or return the struct through a pointer argument, or register a custom derivative (docs/custom.md)']);
        return;
      }
    }
    if (i.op !== 'insertvalue') return;
    const v = i.operands[1]!;
    if (!isDiffType(v.type) || !aa.varied.has(v) || isDiffType(i.type) || isMixedAggType(i.type)) return;
    this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: an active floating value is placed in an aggregate that also holds integers (${typeTextShort(i.type)}), which has no derivative (a struct of floats and integers returned by value is built so)`, i,
      ['return the struct through a pointer argument, or return its floating fields apart from its integers']);
  }

  /** Whether the integer leaves of a `t` at `p` lie over integer fields of the declared layout of a stack slot (and carry no floating bits). */
  private intLeavesHoldInts(p: Value, t: Type, v: Value): boolean {
    const dl = DataLayout.of(this.f.m);
    const at = baseOffset(dl, p);
    if (!at || at.base.vk !== 'inst' || (at.base as Instruction).op !== 'alloca') return false;
    const slot = (at.base as Instruction & { op: 'alloca' }).allocated;
    const floats = floatBytes(dl, slot, 0);
    const ints: [number, number][] = [];
    const walk = (x: Type, off: number, path: string, d: number): boolean => {
      if (d > 8) return false;
      if (x.kind === 'int' || (x.kind === 'vector' && x.elem.kind === 'int')) {
        if (this.f.aa.bits.fields(v, path)) return false;
        ints.push([off, off + dl.allocSize(x)]);
        return true;
      }
      if (x.kind === 'struct') return (x.elems ?? []).every((e, k) => walk(e, off + dl.fieldOffset(x, k), path === '' ? `${k}` : `${path}.${k}`, d + 1));
      if (x.kind === 'array') { for (let k = 0; k < x.count && k < 64; k++) if (!walk(x.elem, off + k * dl.allocSize(x.elem), path === '' ? `${k}` : `${path}.${k}`, d + 1)) return false; return true; }
      return true;
    };
    if (!walk(t, at.off, '', 0)) return false;
    // A union or an i8 array says nothing: only a declared integer field counts.
    if (slot.kind === 'struct' && slot.name?.startsWith('union.')) return false;
    // The declared layout may be the ABI's, not the content's: clang -O0 memcpys a `struct { int k;
    // float x; float y; }` into its `{ i64, float }` return slot, so the i64 holds `x`. Floats that
    // type analysis finds copied into those bytes count too.
    const ta = this.f.types();
    const copiedFloat = (a: number, e: number): boolean => {
      for (let o = a; o < e; o += 4) if (isFloatScalar(ta.memoryAt(at.base, o))) return true;
      return false;
    };
    return ints.every(([a, e]) => !floats.some(([fa, fe]) => fa < e && a < fe) && declaredIntAt(dl, slot, a, e) && !copiedFloat(a, e));
  }

  private checkBitArithmetic(i: Instruction): void {
    // The bits of an active float leaving the function as an integer: the x86-64 ABI packs a
    // `struct { float x; int k; }` argument or result into one `i64` (bitcast, zext, shl, or),
    // and the callee (or caller) takes the float back out with a trunc and a bitcast. Integers
    // have no shadow, so the derivative would be lost without a word.
    if ((i.op === 'ret' || i.op === 'call' || i.op === 'invoke' || (i.op === 'insertvalue' && i.operands[1]!.type.kind !== 'float'))
      && !(i.op === 'call' && (i.callee.name ?? '').startsWith('llvm.dbg.')) && !this.declaredAway(i)) {
      const bits = this.castBits();
      // Moves of whole floating fields are followed (src/analysis/floatbits.ts): their derivatives travel in the integers.
      const followed = this.f.aa.bits;
      // An integer the callee only compares or counts with (musl's `erfc2(ix, x)`, `common(ix, x, y0)`:
      // the high word of `x` picks a branch) carries no derivative into it.
      const harmless = (x: Value): boolean => {
        if (i.op !== 'call' && i.op !== 'invoke') return false;
        const callee = i.callee;
        const k = i.args().indexOf(x);
        return k >= 0 && callee instanceof FunctionClass && !callee.isDeclaration && !callee.fnType.vararg && !paramBecomesFloat(callee, k, 0, true);
      };
      const o = bits.size ? i.operands.find((x) => bits.has(x) && (followed.bad.has(x) || followed.bad.has(i)) && !harmless(x)) : undefined;
      if (o) {
        // Bits computed on (the fast inverse square root's `magic - (i >> 1)`) that a callee turns
        // back into a float: no struct is packed here, and the way out is a derivative of one's own.
        const callee = i.op === 'call' || i.op === 'invoke' ? i.callee : null;
        const k = callee instanceof FunctionClass && !callee.isDeclaration && !callee.fnType.vararg ? (i as CallBase).args().indexOf(o) : -1;
        if (k >= 0 && this.bitsComputedOn(o, bits) && paramBecomesFloat(callee as FunctionClass, k, 0)) {
          this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: integers computed from the bits of an active floating value are passed to @${(callee as FunctionClass).name}, which turns them back into a floating value`, i,
            turnedBackHelp(this.f.prim.name ?? '', (callee as FunctionClass).name ?? ''));
          return;
        }
        const where = i.op === 'ret' ? 'returned' : i.op === 'insertvalue' ? 'packed into an aggregate' : 'passed to a call';
        this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: the bits of an active floating value are ${where} as an integer (${typeTextShort(o.type)}), which has no derivative (a struct of floats and integers passed or returned by value packs them so)`, i,
          ['pass the struct by pointer, keep its floating fields apart from integer ones in separate 8-byte halves, or register a custom derivative (docs/custom.md)']);
        return;
      }
      // The same through -O0 stack slots (musl's `asuint64` unions), where the integers are reloaded
      // before the call: a defined callee that turns them back into a floating value (bitcast, or a
      // floating load of the slot it spills them to) computes on the bits where the transform cannot see.
      if (i.op === 'call' || i.op === 'invoke') {
        const callee = i.callee;
        const tainted = this.taintedBits();
        const k = callee instanceof FunctionClass && !callee.isDeclaration && !callee.fnType.vararg
          ? i.args().findIndex((x, n) => tainted.has(x) && !bits.has(x) && !followed.carries(x) && paramBecomesFloat(callee, n, 0)) : -1;
        if (k >= 0) {
          this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: integers computed from the bits of an active floating value are passed to @${(callee as FunctionClass).name}, which turns them back into a floating value`, i,
            turnedBackHelp(this.f.prim.name ?? '', (callee as FunctionClass).name ?? ''));
          return;
        }
      }
    }
    // Back to floating: a bitcast of computed bits, or a floating load of a slot they were stored to.
    if (i.op === 'load' && isDiffType(i.type)) {
      const bits = this.taintedBits();
      const o = underlyingObjects(i.ptr);
      // Whatever activity says of the load: the slot holds integers, which have no shadow, so what is
      // read back from it looks inactive although it comes from active floats (a shuffle of 32-bit
      // lanes that splits doubles, at -O0).
      if (bits.size === 0 || !o || ![...o].some((x) => this.taintedObjects.has(x))) return;
    } else {
      if (i.op !== 'bitcast' || !isDiffType(i.type) || i.operands[0]!.type.kind === 'float') return;
      if (!this.taintedBits().has(i.operands[0]!)) return;
      if (this.f.aa.bits.carries(i.operands[0]!)) return;
    }
    this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: integer arithmetic on the bits of an active floating value`, i,
      ['register a custom derivative for the function that does this (docs/custom.md), or mark it inactive']);
  }

  /** A call the user declared inactive (its result carries no derivative) or gave a custom derivative: what its callee does with the bits is theirs. */
  private declaredAway(i: Instruction): boolean {
    if (i.op !== 'call' && i.op !== 'invoke') return false;
    const k = this.f.aa.callKind(i);
    return k.k === 'inactive' || (k.k === 'defined' && !!k.custom);
  }

  /** Whether `v` (one of `bits`) is the result of arithmetic on such bits, not only a move or mask of them. */
  private bitsComputedOn(v: Value, bits: ReadonlySet<Value>): boolean {
    const seen = new Set<Value>();
    const walk = (x: Value, depth: number): boolean => {
      if (depth > 12 || seen.has(x) || x.vk !== 'inst' || !bits.has(x)) return false;
      seen.add(x);
      const i = x as Instruction;
      if (ARITH_RESULT.has(i.op) || i.op === 'xor') return true;
      return i.operands.some((o) => walk(o, depth + 1));
    };
    return walk(v, 0);
  }

  /** memcpy(&bits, &x, ...): the bits of active floats become integers the program computes on. */
  checkCopyIntoIntegers(i: Instruction, dst: Value, src: Value): void {
    if (!(this.f.aa.shadowed(src) && declaredKind(src) === 'float' && declaredKind(dst) === 'int' && this.computedOn(dst, src))) return;
    this.f.error('E0403', `cannot differentiate ${this.f.fnName()}: the bytes of active floating data are copied into integer memory that the function computes on`, i,
      ['register a custom derivative for the function that does this (docs/custom.md), or mark it inactive']);
  }

  /**
   * Whether the integer memory at `p` is computed on: some integer load of its
   * object feeds anything but a store (a pure carrier, memcpy'd in and out or
   * stored back, is not).
   */
  /** Whether every byte the integer load `l` reads lies in the copy's destination `dst` where its source `src` holds an integer. */
  private readsCopiedInts(l: Instruction, dst: Value, src: Value): boolean {
    if (l.op !== 'load' || l.type.kind !== 'int' || l.type.bits % 8 !== 0) return false;
    const dl = DataLayout.of(this.f.m);
    const a = baseOffset(dl, l.operands[0]!);
    const d = baseOffset(dl, dst);
    if (!a || !d || a.base !== d.base) return false;
    const ta = this.f.types();
    const rel = a.off - d.off;
    if (rel < 0) return false;
    for (let o = 0; o < l.type.bits / 8; o++) if (ta.memoryAt(src, rel + o) !== 'integer') return false;
    return true;
  }

  private computedOn(p: Value, src: Value | null = null): boolean {
    const roots = underlyingObjects(p);
    if (!roots || roots.size === 0) return true;
    for (const b of this.f.prim.blocks) {
      for (const l of b.instructions) {
        if (l.op !== 'load' || l.type.kind !== 'int') continue;
        const lr = underlyingObjects(l.ptr);
        if (!lr || ![...lr].some((r) => roots.has(r))) continue;
        // An integer field of the copy's source read as the integer it is, beside floats the copy
        // moved (a struct of a float and an int at -O0, split by src/ad/mixedsplit.ts): its bits
        // are not those of the floats.
        if (src && this.readsCopiedInts(l, p, src)) continue;
        for (const b2 of this.f.prim.blocks) {
          for (const u of b2.instructions) {
            if (!u.operands.includes(l)) continue;
            if (u.op === 'store' && u.operands[0] === l) continue;
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * An active value written into the memory of a `const` pointer argument (the memory has no
   * shadow) and read back as floating data: its derivative would be lost without a word (a
   * state buffer marked const that the function updates from active data). Enzyme's static
   * activity treats such memory as constant too; rather than a silent 0 the tool stops at the
   * write and names the argument. Data written and never read back is fine (an output whose
   * derivative the caller does not want).
   */
  private checkActiveIntoConst(i: Instruction): void {
    if (i.op !== 'load' || !isDiffType(i.type)) return;
    const roots = rootsThroughSlots(i.ptr);
    if (!roots) return;
    for (const r of roots) {
      if (!(r instanceof Argument) || r.parent !== this.f.prim || this.f.aa.shadowed(r)) continue;
      const w = this.activeWrites().get(r);
      if (!w) continue;
      const name = r.name !== null ? `%${r.name}` : `%${r.index}`;
      const file = this.f.ctx.file;
      const line = file ? ` (line ${file.position(sourceSpan(i).start).line})` : '';
      this.f.error('E0470', `cannot differentiate ${this.f.fnName()}: an active value is written into the memory of argument ${r.index + 1} (${name}), which is const (it has no shadow), and read back${line}: its derivative would be lost`, w,
        [`make argument ${r.index + 1} dup (enzyme_dup / --args ... dup) with a zeroed shadow buffer, so the derivative flows through that memory`]);
    }
  }

  /** Const pointer arguments of the function -> the first store (or call) that writes active data into their memory. */
  private activeWrites(): Map<Value, Instruction> {
    if (this.writes) return this.writes;
    const out = new Map<Value, Instruction>();
    const aa = this.f.aa;
    const constArgs = new Set<Value>(this.f.prim.args.filter((a) => a.type.kind === 'pointer' && !aa.shadowed(a)));
    const constRoots = (p: Value): Value[] => [...(rootsThroughSlots(p) ?? [])].filter((r) => constArgs.has(r));
    if (constArgs.size) {
      for (const b of this.f.prim.blocks) {
        for (const i of b.instructions) {
          if (i.op === 'store' && isDiffType(i.value.type) && aa.varied.has(i.value)) {
            for (const r of constRoots(i.ptr)) if (!out.has(r)) out.set(r, i);
          } else if (rmwDifferentiable(i) && aa.varied.has(i.operands[1]!)) {
            for (const r of constRoots(i.operands[0]!)) if (!out.has(r)) out.set(r, i);
          } else if ((i.op === 'call' || i.op === 'invoke') && aa.callKind(i).k === 'defined' && aa.callTouchesActive(i)) {
            const callee = i.callee;
            if (!(callee instanceof FunctionClass)) continue;
            i.args().forEach((a, n) => {
              if (a.type.kind !== 'pointer') return;
              const rs = constRoots(a);
              if (rs.length && writesFloatsThrough(callee, n, 3)) for (const r of rs) if (!out.has(r)) out.set(r, i);
            });
          }
        }
      }
    }
    this.writes = out;
    return out;
  }
  private writes: Map<Value, Instruction> | null = null;

  /** Floating data that matters moving through memory reached by an `inttoptr` the analysis cannot follow: refuse rather than lose its derivative. */
  private checkUnknownMemory(i: Instruction): void {
    const f = this.f;
    const aa = f.aa;
    const mixedAccess = (i.op === 'load' && isDiffType(i.type) && aa.mixed(i.ptr))
      || (i.op === 'store' && isDiffType(i.value.type) && aa.mixed(i.ptr));
    if (mixedAccess) {
      f.error('E0401', `cannot differentiate ${f.fnName()}: this ${i.op} may reach duplicated memory or constant memory (a select or phi joins a dup pointer and a const pointer or global)`, i,
        ['make the const argument dup (with a zeroed shadow), so every pointer here has a shadow']);
    }
    // An active value stored into local memory (an alloca, a heap block) whose pointer class is
    // blocked only because a select or phi joins it with const memory: the store would be dropped
    // and what reads it back through the join would have no derivative.
    if (i.op === 'store' && isDiffType(i.value.type) && aa.varied.has(i.value) && aa.blocked(i.ptr) && !aa.shadowed(i.ptr)) {
      const roots = underlyingObjects(i.ptr);
      const by = aa.blockedBy(i.ptr);
      const local = (o: Value): boolean => o.vk === 'inst' && !by.has(o) && ((o as Instruction).op === 'alloca' || (o as Instruction).op === 'call');
      if (roots && roots.size > 0 && [...roots].every(local) && [...by.values()].every((how) => how === 'direct')) {
        f.error('E0401', `cannot differentiate ${f.fnName()}: this store of an active value goes to memory whose pointer also stands for const memory (a select or phi joins them), so its derivative would be lost`, i,
          ['make the const argument dup (with a zeroed shadow), so every pointer here has a shadow']);
      }
    }
    // A load matters when it meets active values (it could be active memory the analysis cannot see).
    const meetsActive = (v: Value): boolean => f.prim.blocks.some((b) => b.instructions.some((u) => u.operands.includes(v) && aa.varied.has(u)));
    const bad = (i.op === 'load' && isDiffType(i.type) && aa.fromUnknownInt(i.ptr) && meetsActive(i))
      || (i.op === 'store' && isDiffType(i.value.type) && aa.varied.has(i.value) && aa.fromUnknownInt(i.ptr));
    if (bad) {
      f.error('E0401', `cannot differentiate ${f.fnName()}: floating data ${i.op === 'load' ? 'loaded from' : 'stored to'} memory reached through an inttoptr the tool cannot follow`, i,
        ['keep pointers to active data as pointers, or compute the integer from a single pointer (ptrtoint, arithmetic, inttoptr)']);
    }
  }
}

/** The instructions that use each value of `fn`. */
const usesOf = new WeakMap<FunctionClass, Map<Value, Instruction[]>>();
function usersIn(fn: FunctionClass): Map<Value, Instruction[]> {
  let m = usesOf.get(fn);
  if (m) return m;
  m = new Map();
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      for (const o of i.operands) {
        let l = m.get(o);
        if (!l) { l = []; m.set(o, l); }
        if (!l.includes(i)) l.push(i);
      }
    }
  }
  usesOf.set(fn, m);
  return m;
}

/**
 * Whether an integer loaded from memory that may hold floating bits is only computed on: compared,
 * branched on, used as an index or a size, through integer arithmetic, phis and selects, and through
 * parameters of module functions that only compute on them (to a few levels). Never stored, returned,
 * turned into a pointer or a float, or given to a function the tool cannot see: then the load moves no
 * derivative (the derivative of a comparison or an index is zero).
 */
/** A stack slot nothing reads: only stored to (debug builds spill every parameter to one for the debugger). */
function writeOnlySlot(p: Value, users: ReadonlyMap<Value, readonly Instruction[]>): boolean {
  if (p.vk !== 'inst' || (p as Instruction).op !== 'alloca') return false;
  return (users.get(p) ?? []).every((u) => u.op === 'store' && (u as Instruction & { op: 'store' }).ptr === p && u.operands[0] !== p);
}

/**
 * An integer returned by a function of the module given varied floating values: it may be
 * computed from their bits (musl's `__DOUBLE_BITS(x)` at -O0, or a helper that adds to them).
 */
function bitsFromCall(i: Instruction, varied: ReadonlySet<Value>): boolean {
  if (i.op !== 'call' && i.op !== 'invoke') return false;
  const c = i.callee;
  if (!(c instanceof FunctionClass) || c.isDeclaration || !(i.type.kind === 'int' || (i.type.kind === 'vector' && i.type.elem.kind === 'int'))) return false;
  return i.args().some((a) => isDiffType(a.type) && varied.has(a));
}

/** An alloca of one integer that is only stored to and loaded from as that integer type (a -O0 local variable). */
function intSlot(p: Value, users: ReadonlyMap<Value, readonly Instruction[]>): boolean {
  if (p.vk !== 'inst' || (p as Instruction).op !== 'alloca') return false;
  const t = (p as Instruction & { op: 'alloca' }).allocated;
  if (t.kind !== 'int') return false;
  return (users.get(p) ?? []).every((u) => (u.op === 'store' && u.operands[1] === p && u.operands[0] !== p && u.operands[0]!.type === t)
    || (u.op === 'load' && u.type === t));
}

/**
 * What to do when integers computed from the bits of a float go to a callee that makes a float of
 * them again: the arithmetic has no derivative, so the function doing it needs one of its own, or
 * the callee's result needs none.
 */
function turnedBackHelp(fn: string, callee: string): string[] {
  return [
    `integer arithmetic has no derivative: give @${fn} one of its own, with --custom ${fn}=AUG,REV to grad or check (forward mode: --custom ${fn}=DF), or a global @__enzyme_register_gradient_${fn} for lower (docs/custom.md)`,
    `if the value @${callee} makes of these integers needs no derivative (a constant, a first guess that is refined, a range test), declare it inactive: --inactive ${callee} to grad or check, __enzyme_inactivefn or the "enzyme_inactive" attribute for lower`,
  ];
}

/** Instructions that move bits without computing on them (what src/analysis/floatbits.ts follows). */
const BIT_MOVES = new Set(['trunc', 'zext', 'sext', 'shl', 'lshr', 'ashr', 'and', 'or', 'bitcast', 'freeze', 'phi', 'select', 'extractvalue', 'insertvalue']);

/** Integer operations whose result is arithmetic on their operands' values, not a move or a mask of their bits. */
const ARITH_RESULT = new Set(['add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem']);

const MINMAX = /^llvm\.[us](max|min)\.i\d+$/;
const OVERFLOW = /^llvm\.[us](add|sub|mul)\.with\.overflow\.i\d+$/;
function calleeName(i: Instruction): string {
  if (i.op !== 'call' && i.op !== 'invoke') return '';
  const c = (i as Instruction & { op: 'call' }).callee;
  return c instanceof FunctionClass ? c.name ?? '' : '';
}

/** Allocators whose integer arguments are sizes and alignments (Rust's shims by their plain names). */
const SIZED_ALLOC = new Set(['malloc', 'calloc', 'realloc', 'aligned_alloc', 'memalign', 'posix_memalign', 'free',
  '__rust_alloc', '__rust_alloc_zeroed', '__rust_realloc', '__rust_dealloc']);

export function consumedOnly(v: Instruction | Argument, depth: number, vArith = false, noStores = false, retOk = false): boolean {
  const fn = v instanceof Argument ? v.parent : v.parent?.parent;
  if (!fn || depth > 3) return false;
  // Whether `y` is a new integer computed from `v` rather than its bits moved: integer arithmetic
  // (`vArith`: `v` is a parameter given such a result), a shift left that may not wrap (`shl nuw`,
  // rustc's `2 * cap`) or by less than 8 bits, or a shift of such a result, a phi of them or of constants, the larger or
  // smaller of them (llvm.umax...: RawVec::grow_one's `max(2 * cap, 4)`), the result of checked
  // arithmetic (llvm.umul.with.overflow: `Layout::array`'s size).
  const arith = (y: Value, d: number): boolean => {
    if (y === v) return vArith;
    if (y instanceof ConstantInt) return true;
    if (y.vk !== 'inst' || d > 8) return false;
    const i = y as Instruction;
    if (ARITH_RESULT.has(i.op)) return true;
    if (i.op === 'shl') {
      const k = i.operands[1];
      // A multiplication by a small power of two (`2 * cap` at -O0: `shl i64 %cap, 1`); shifts by
      // a word (`hi << 32 | lo`, a double built from its halves) move bits and stay excluded.
      return (i.flags & (F.NUW | F.NSW)) !== 0 || (k instanceof ConstantInt && ((k.value > 0n && k.value < 8n) || arith(i.operands[0]!, d + 1)));
    }
    if (i.op === 'phi') return i.operands.every((o) => arith(o, d + 1));
    if (i.op === 'call' && MINMAX.test(calleeName(i))) return i.operands.slice(0, 2).every((o) => arith(o, d + 1));
    if (i.op === 'extractvalue') { const o = i.operands[0]!; return o.vk === 'inst' && OVERFLOW.test(calleeName(o as Instruction)); }
    return false;
  };
  const users = usersIn(fn);
  const seen = new Set<Value>([v]);
  const work: Value[] = [v];
  while (work.length) {
    const x = work.pop()!;
    for (const u of users.get(x) ?? []) {
      switch (u.op) {
        case 'icmp': case 'br': case 'switch': break;
        // `retOk`: the bits returned as an integer from the function itself (musl's `__DOUBLE_BITS`,
        // called by `isnan` at -O0); each caller that differentiates the call checks what it does
        // with them (guardCallCarriers).
        case 'ret': if (!retOk || depth > 0) return false; break;
        case 'getelementptr': if (u.operands[0] === x) return false; break;
        // The result and the overflow bit of checked arithmetic (`llvm.umul.with.overflow`).
        case 'extractvalue':
          if (!(x.vk === 'inst' && OVERFLOW.test(calleeName(x as Instruction)))) return false;
          if (!seen.has(u)) { seen.add(u); work.push(u); }
          break;
        case 'select':
          if (u.operands[0] !== x && !seen.has(u)) { seen.add(u); work.push(u); }
          break;
        case 'phi': case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
        case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
        case 'zext': case 'sext': case 'trunc': case 'freeze':
          if (!seen.has(u)) { seen.add(u); work.push(u); }
          break;
        case 'store':
          // The result of integer arithmetic on the bits (a difference of two counters, Zip's
          // `len - index` in rustc's -O0 `size_hint`) is no copy of them: storing it moves no
          // floating data (integer arithmetic carries no derivative). The bits themselves, or a
          // sign-bit `and` / `xor` of them (fabs / fneg in disguise), stored anywhere are a copy.
          if (u.operands[0] !== x) return false;
          if (writeOnlySlot((u as Instruction & { op: 'store' }).ptr, users)) break; // rustc's `.dbg.spill` slots
          // A local integer variable at -O0 (musl's `uint32_t ix = asuint64(x) >> 32`): what is read
          // back from it is followed as the value itself.
          if (intSlot((u as Instruction & { op: 'store' }).ptr, users)) {
            for (const l of users.get((u as Instruction & { op: 'store' }).ptr) ?? []) if (l.op === 'load' && !seen.has(l)) { seen.add(l); work.push(l); }
            break;
          }
          if (noStores || !arith(x, 0)) return false;
          break;
        case 'call': case 'invoke': {
          const callee = u.callee;
          // A size or alignment given to an allocator, defined in the module or not (RawVec's
          // `finish_grow`: realloc(p, 8 * cap); Rust's `__rust_alloc` shim after fat LTO).
          if (callee instanceof FunctionClass && SIZED_ALLOC.has(rustShimName(callee.name ?? '')) && u.args().includes(x) && x.type.kind === 'int') break;
          // A call that does not return (`panic_bounds_check(i, len, loc)` before `unreachable`):
          // the derivative assumes it is never reached, as it assumes no exception is thrown.
          if (u.op === 'call' && u.parent && u.parent.instructions[u.parent.instructions.indexOf(u) + 1]?.op === 'unreachable') break;
          if (!(callee instanceof FunctionClass) || callee.isDeclaration || callee.fnType.vararg) {
            // Intrinsics that only look at an integer (llvm.assume of a comparison, lifetime sizes).
            const name = callee instanceof FunctionClass ? callee.name ?? '' : '';
            if (name.startsWith('llvm.assume') || name.startsWith('llvm.lifetime.') || name.startsWith('llvm.expect')) break;
            // The larger or smaller of two integers (RawVec::grow_one's `max(2 * cap, 4)`): one of
            // its operands, followed as a select is; stored only when arithmetic made it.
            if (MINMAX.test(name) || OVERFLOW.test(name)) {
              if (!seen.has(u)) { seen.add(u); work.push(u); }
              break;
            }
            return false;
          }
          const args = u.args();
          for (let k = 0; k < args.length; k++) {
            if (args[k] !== x) continue;
            const p = callee.args[k];
            if (!p || !consumedOnly(p, depth + 1, arith(x, 0), noStores)) return false;
          }
          if (!args.includes(x)) return false; // the callee itself
          break;
        }
        default: return false;
      }
    }
  }
  return true;
}

/**
 * Whether the integer parameter `n` of `fn` may become (part of) a floating value there: reach a
 * bitcast to a floating type, a floating load of a stack slot it is stored to (-O0), memory other
 * than the function's own slots, or such a parameter of a callee (to 4 levels). Comparisons,
 * branches, integer arithmetic, conversions by value (`sitofp`) and indices do not; returns do
 * not either unless `retToo` (a returned integer is otherwise the caller's to check).
 */
function paramBecomesFloat(fn: FunctionClass, n: number, depth: number, retToo = false): boolean {
  const arg = fn.args[n];
  if (!arg || arg.type.kind === 'float' || depth > 4) return true;
  if (fn.isDeclaration) return false;
  const users = usersIn(fn);
  const seen = new Set<Value>([arg]);
  const work: Value[] = [arg];
  const push = (v: Value): void => { if (!seen.has(v)) { seen.add(v); work.push(v); } };
  while (work.length) {
    const x = work.pop()!;
    for (const u of users.get(x) ?? []) {
      switch (u.op) {
        case 'icmp': case 'br': case 'switch': case 'sitofp': case 'uitofp': break;
        case 'ret': if (retToo) return true; break;
        case 'getelementptr': if (u.operands[0] === x) return true; break;
        case 'select': if (u.operands[0] !== x) push(u); break;
        case 'phi': case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
        case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
        case 'zext': case 'sext': case 'trunc': case 'freeze': case 'extractelement': case 'insertelement':
          if (scalarOf(u.type).kind === 'float') return true;
          push(u);
          break;
        case 'bitcast': if (scalarOf(u.type).kind === 'float' || u.type.kind !== 'int') return true; push(u); break;
        case 'store': {
          if (u.operands[0] !== x) return true;
          const slot = u.operands[1]!;
          if (slot.vk !== 'inst' || (slot as Instruction).op !== 'alloca') return true;
          for (const l of users.get(slot) ?? []) {
            if (l.op === 'store' && l.operands[1] === slot) continue;
            if (l.op !== 'load' || l.type.kind !== 'int') return true;
            push(l);
          }
          break;
        }
        case 'call': case 'invoke': {
          const callee = u.callee;
          if (!(callee instanceof FunctionClass)) return true;
          const name = callee.name ?? '';
          if (name.startsWith('llvm.dbg.') || name.startsWith('llvm.assume') || name.startsWith('llvm.expect')) { if (name.startsWith('llvm.expect')) push(u); break; }
          if (callee.isDeclaration) { if (name.startsWith('llvm.') && u.type.kind === 'int') { push(u); break; } if (u.type.kind === 'int' || u.type.kind === 'void') break; return true; }
          const args = u.args();
          for (let k = 0; k < args.length; k++) if (args[k] === x && paramBecomesFloat(callee, k, depth + 1, retToo)) return true;
          if (!args.includes(x)) return true;
          break;
        }
        default: return true;
      }
    }
  }
  return false;
}

/** Whether `fn` (or a function it calls, to `depth` levels) stores floating data through its parameter `n`. */
function writesFloatsThrough(fn: FunctionClass, n: number, depth: number): boolean {
  const arg = fn.args[n];
  if (!arg || fn.isDeclaration || depth <= 0) return false;
  const from = (p: Value): boolean => rootsThroughSlots(p)?.has(arg) ?? false;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'store' && isDiffType(i.value.type) && from(i.ptr)) return true;
      if ((i.op === 'call' || i.op === 'invoke') && i.callee instanceof FunctionClass) {
        const callee = i.callee;
        if (i.args().some((a, k) => a.type.kind === 'pointer' && from(a) && writesFloatsThrough(callee, k, depth - 1))) return true;
      }
    }
  }
  return false;
}

/**
 * The underlying objects of `p`, seeing through -O0 stack slots: a pointer reloaded from an
 * alloca that only ever holds one value (a parameter spilled on entry) is that value's objects.
 */
function rootsThroughSlots(p: Value): Set<Value> | null {
  const roots = underlyingObjects(p);
  if (!roots) return null;
  const out = new Set<Value>();
  for (const r of roots) {
    const slot = r.vk === 'inst' && (r as Instruction).op === 'load' ? (r as Instruction).operands[0]! : null;
    const a = slot && slot.vk === 'inst' && (slot as Instruction).op === 'alloca' ? (slot as Instruction) : null;
    if (!a || !a.parent) { out.add(r); continue; }
    const stored: Value[] = [];
    let escapes = false;
    for (const b of a.parent.parent.blocks) {
      for (const u of b.instructions) {
        if (!u.operands.includes(a)) continue;
        if (u.op === 'store' && u.operands[1] === a && u.operands[0] !== a) stored.push(u.operands[0]!);
        else if (u.op !== 'load') escapes = true;
      }
    }
    if (escapes || stored.length !== 1 || stored[0]!.type.kind !== 'pointer') { out.add(r); continue; }
    for (const x of underlyingObjects(stored[0]!) ?? [r]) out.add(x);
  }
  return out;
}

/**
 * Integer operations on the bits of a float whose result does not depend on the mantissa (a
 * mask that clears every mantissa bit, a shift that drops them): piecewise constant in the
 * float, so no derivative is lost through them (the exponent `(ix >> 23) - 127`, a mask keeping
 * sign and exponent).
 */
/** An aggregate with floating leaves and integer ones (no pointers): `{ double, i32 }`, `{ <2 x float>, i32 }`. */
function floatsWithInts(t: Type): boolean {
  if (t.kind !== 'struct' && t.kind !== 'array') return false;
  if (isDiffType(t) || isMixedAggType(t)) return false;
  let float = false, other = false;
  const walk = (x: Type, d: number): void => {
    if (d > 8) { other = true; return; }
    switch (x.kind) {
      case 'float': float = true; return;
      case 'vector': if (x.elem.kind === 'float') float = true; else other = true; return;
      case 'array': walk(x.elem, d + 1); return;
      case 'struct': for (const e of x.elems ?? []) walk(e, d + 1); return;
      default: other = true;
    }
  };
  walk(t, 0);
  return float && other;
}

function stepOfBits(i: Instruction): boolean {
  if (i.type.kind !== 'int') return false;
  const mant = i.type.bits === 64 ? 52 : i.type.bits === 32 ? 23 : i.type.bits === 16 ? 10 : -1;
  if (mant < 0) return false;
  const c = i.operands[1];
  if (!(c instanceof ConstantInt)) return false;
  const low = (1n << BigInt(mant)) - 1n;
  const v = BigInt.asUintN(i.type.bits, c.value);
  if (i.op === 'and') return (v & low) === 0n;
  if (i.op === 'lshr' || i.op === 'ashr') return v >= BigInt(mant);
  return false;
}

/** The byte ranges [start, end) of the floating leaves of a value of type `t` stored at `off`. */
function floatBytes(dl: DataLayout, t: Type, off: number, out: [number, number][] = [], depth = 0): [number, number][] {
  if (depth > 8) { out.push([off, off + dl.allocSize(t)]); return out; }
  switch (t.kind) {
    case 'float': case 'vector': if (scalarOf(t).kind === 'float') out.push([off, off + dl.allocSize(t)]); return out;
    case 'array': for (let k = 0; k < t.count && k < 64; k++) floatBytes(dl, t.elem, off + k * dl.allocSize(t.elem), out, depth + 1); return out;
    case 'struct': (t.elems ?? []).forEach((e, k) => floatBytes(dl, e, off + dl.fieldOffset(t, k), out, depth + 1)); return out;
    default: return out;
  }
}

/** Whether bytes [a, e) of a value of type `t` lie inside integer fields (not i8 arrays: those may be anything). */
function declaredIntAt(dl: DataLayout, t: Type, a: number, e: number, depth = 0): boolean {
  if (depth > 8) return false;
  switch (t.kind) {
    case 'int': return t.bits > 8 && a >= 0 && e <= dl.allocSize(t);
    case 'struct': {
      if (!t.elems || t.name?.startsWith('union.')) return false;
      for (let k = 0; k < t.elems.length; k++) {
        const o = dl.fieldOffset(t, k), n = dl.allocSize(t.elems[k]!);
        if (a >= o && e <= o + n) return declaredIntAt(dl, t.elems[k]!, a - o, e - o, depth + 1);
      }
      return false;
    }
    case 'array': {
      const n = dl.allocSize(t.elem);
      if (n <= 0) return false;
      const k = Math.floor(a / n);
      return e <= (k + 1) * n && declaredIntAt(dl, t.elem, a - k * n, e - k * n, depth + 1);
    }
    default: return false;
  }
}
