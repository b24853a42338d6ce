// Where values that cross from the forward sweep to the reverse sweep live.
//
// A combined derivative (forward and reverse in one function) keeps them in
// stack slots of its entry block, which -O2's mem2reg turns back into
// registers. A split pair (augmented forward + reverse, used for calls inside
// differentiated code) keeps them in a heap "tape" struct that the augmented
// function allocates and returns, and the reverse function reads and frees.
// Values produced inside loops go into growable buffers (see buffers.ts);
// the frame holds the buffer pointers, their capacities and the loop counters.
//
// The tape of a pair that a derivative calls is not malloc'd: it comes from the
// arena of the derivative call that owns the whole computation (arena.ts),
// passed to the pair as its last parameter, and is released with the arena.

import { IRBuilder, constInt, nullValue } from '../ir/builder.js';
import { BasicBlock, type Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { StructType, Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { ConstantInt } from '../ir/constants.js';
import type { CallInst } from '../ir/instructions.js';
import { DataLayout } from '../ir/layout.js';
import { arenaAllocFn, arenaDestroyFn, arenaStateType } from './arena.js';

/**
 * Where a function's tape and its callees' tapes come from:
 * - `own`: the function owns an arena (a combined derivative, or a pair the user
 *   calls): callees' tapes come from it, it is destroyed when the reverse ends;
 * - `param`: the arena of the caller, a parameter of both halves of the pair
 *   (`fwd` in the augmented function, `rev` in the reverse): the tape comes from it;
 * - `none`: malloc / free (a reverse that may run several times on one tape).
 */
export type ArenaSource = { kind: 'own' } | { kind: 'param'; fwd: Value; rev: Value } | { kind: 'none' };

/** Instructions to prepend to a function's entry block, in three groups. */
export class Prologue {
  /** Detached blocks used as buffers: allocas first, then setup (tape pointers), then initial stores. */
  readonly allocas: BasicBlock;
  readonly setup: BasicBlock;
  readonly init: BasicBlock;
  constructor(module: Module, readonly fn: Function) {
    // Blocks that are not in fn.blocks: only containers until `flush`.
    const mk = (): BasicBlock => new BasicBlock(module.types.label, fn);
    this.allocas = mk();
    this.setup = mk();
    this.init = mk();
  }
  /** Moves the collected instructions to the top of the function's entry block. */
  flush(): void {
    const entry = this.fn.blocks[0]!;
    const moved = [...this.allocas.instructions, ...this.setup.instructions, ...this.init.instructions];
    for (const i of moved) i.parent = entry;
    // concat, not unshift(...moved): a spread of tens of thousands of instructions overflows the stack
    entry.instructions = moved.concat(entry.instructions);
    this.allocas.instructions = [];
    this.setup.instructions = [];
    this.init.instructions = [];
  }
}

export interface Slot {
  readonly index: number;
  readonly type: Type;
  readonly name: string;
  /** Pointer to the slot, usable anywhere in the forward function. */
  readonly fwd: Value;
  rev: Value | null;
}

export class Frame {
  readonly slots: Slot[] = [];
  private tapeType: StructType | null = null;
  private fwdTape: Value | null = null;
  private revTape: Value | null = null;
  private tapeMalloc: CallInst | null = null;
  private readonly dl: DataLayout;

  constructor(
    readonly module: Module,
    readonly split: boolean,
    readonly fwdPro: Prologue,
    readonly revPro: Prologue,
    /** Split mode: the reverse function's tape parameter. */
    readonly tapeParam: Value | null,
    private readonly tapeName: string,
    private readonly declare: (name: string, ret: Type, params: Type[]) => Function,
    readonly arena: ArenaSource = { kind: 'none' },
  ) {
    this.dl = DataLayout.of(module);
  }

  /** The owned arena's state (a slot), created on first use. */
  private arenaSlot: Slot | null = null;

  /** Whether callees' tapes can come from an arena (this function's own, or its caller's). */
  get hasArena(): boolean { return this.arena.kind !== 'none'; }

  /** The arena state pointer in the forward function (`hasArena` only). */
  arenaFwd(): Value {
    if (this.arena.kind === 'param') return this.arena.fwd;
    this.ownFwd ??= new IRBuilder(this.module).atEnd(this.fwdPro.setup).bitcastIfNeeded(this.ownSlot().fwd, this.bytePtr, 'arena');
    return this.ownFwd;
  }
  private ownFwd: Value | null = null;
  private ownRev: Value | null = null;

  /** The arena state pointer in the reverse function (`hasArena` only). */
  arenaRev(): Value {
    if (this.arena.kind === 'param') return this.arena.rev;
    if (!this.split) return this.arenaFwd();
    this.ownRev ??= new IRBuilder(this.module).atEnd(this.revPro.setup).bitcastIfNeeded(this.rev(this.ownSlot()), this.bytePtr, 'arena.rev');
    return this.ownRev;
  }

  private ownSlot(): Slot {
    if (this.arena.kind !== 'own') throw new Error('internal: no arena owned by this function');
    this.arenaSlot ??= this.slot(arenaStateType(this.module), 'arena.state', nullValue(arenaStateType(this.module)));
    return this.arenaSlot;
  }

  /**
   * At the end of the reverse (builder `b`), the owner frees its arena's chunks;
   * nothing when no callee used it.
   */
  destroyArena(b: IRBuilder): void {
    if (!this.arenaSlot) return;
    b.call(arenaDestroyFn(this.module, this.declare), [this.arenaRev()]);
  }

  /** `size` bytes aligned to `align` from the caller's arena, in the forward function (`param` only). */
  arenaAlloc(b: IRBuilder, size: Value, align: number, name: string | null): CallInst {
    const fn = arenaAllocFn(this.module, this.declare);
    return b.call(fn, [this.arenaFwd(), size, new ConstantInt(this.module.types.i64, BigInt(Math.max(align, this.dl.mallocAlign)))], name);
  }

  /** Whether this function's own tape comes from its caller's arena (the reverse must not free it). */
  get tapeInArena(): boolean { return this.arena.kind === 'param'; }

  get bytePtr(): Type { return this.module.ptrTo(this.module.types.i8); }

  /** A new slot, initialised to `init` at function entry when given. */
  slot(type: Type, name: string, init: Value | null = null): Slot {
    const b = new IRBuilder(this.module);
    let fwd: Value;
    const index = this.slots.length;
    if (!this.split) {
      fwd = b.atEnd(this.fwdPro.allocas).alloca(type, name);
    } else {
      const tape = this.forwardTape();
      this.tapeType!.elems!.push(type);
      fwd = b.atEnd(this.fwdPro.setup).structGep(this.tapeType!, tape, index, name);
    }
    if (init) b.atEnd(this.fwdPro.init).store(init, fwd);
    const s: Slot = { index, type, name, fwd, rev: this.split ? null : fwd };
    this.slots.push(s);
    return s;
  }

  /** Pointer to the slot in the reverse function. */
  rev(s: Slot): Value {
    if (s.rev) return s.rev;
    const b = new IRBuilder(this.module).atEnd(this.revPro.setup);
    if (!this.revTape) {
      this.revTape = b.bitcastIfNeeded(this.tapeParam!, this.module.ptrTo(this.tapeType!), 'tape');
    }
    s.rev = b.structGep(this.tapeType!, this.revTape, s.index, s.name);
    return s.rev;
  }

  /**
   * Pointer to a private copy of the slot in the reverse function: split mode
   * copies the tape's value into a stack slot on entry, so the reverse can
   * step it (loop counters) and leave the tape as it was; a tape may then be
   * reversed more than once (`enzyme_nofree`). Combined mode: the slot itself.
   */
  revLocal(s: Slot): Value {
    if (!this.split) return this.rev(s);
    const have = this.locals.get(s);
    if (have) return have;
    const b = new IRBuilder(this.module);
    const p = b.atEnd(this.revPro.allocas).alloca(s.type, `${s.name}.rev`);
    b.atEnd(this.revPro.init).store(b.load(s.type, this.rev(s)), p);
    this.locals.set(s, p);
    return p;
  }
  private readonly locals = new Map<Slot, Value>();

  /** A stack slot of the reverse function alone (not on the tape), uninitialised. */
  revOnly(type: Type, name: string): Value {
    return new IRBuilder(this.module).atEnd(this.revPro.allocas).alloca(type, name);
  }

  /** The tape pointer the augmented function returns (null when nothing was recorded). */
  tapeValue(): Value {
    return this.tapeMalloc ?? nullValue(this.bytePtr);
  }

  private forwardTape(): Value {
    if (this.fwdTape) return this.fwdTape;
    this.tapeType = this.module.types.freshNamedStruct(this.tapeName, []);
    const b = new IRBuilder(this.module).atEnd(this.fwdPro.setup);
    if (this.arena.kind === 'param') {
      // Size and alignment are set by finish().
      this.tapeMalloc = this.arenaAlloc(b, constInt(this.module.types.i64, 0), 1, 'tapemem');
    } else {
      const malloc = this.declare('malloc', this.bytePtr, [this.module.types.i64]);
      this.tapeMalloc = b.call(malloc, [constInt(this.module.types.i64, 0)], 'tapemem');
    }
    this.fwdTape = b.bitcastIfNeeded(this.tapeMalloc, this.module.ptrTo(this.tapeType), 'tape');
    return this.fwdTape;
  }

  /** Bytes of the tape struct (split mode), or of the stack slots (combined). */
  bytes(): number {
    let n = 0;
    for (const s of this.slots) n += this.dl.allocSize(s.type);
    return n;
  }

  /** Fixes the tape allocation size now that every slot is known. */
  finish(): void {
    if (this.tapeMalloc && this.tapeType) {
      const i64 = this.module.types.i64;
      const align = this.dl.align(this.tapeType);
      const size = Math.max(1, this.dl.allocSize(this.tapeType));
      if (this.arena.kind === 'param') {
        this.tapeMalloc.operands[1] = new ConstantInt(i64, BigInt(size));
        this.tapeMalloc.operands[2] = new ConstantInt(i64, BigInt(Math.max(align, this.dl.mallocAlign)));
        return;
      }
      if (align > this.dl.mallocAlign) {
        // A slot needs more than malloc guarantees (a <4 x double> wants 32 bytes, and its loads
        // carry the type's alignment): C11 aligned_alloc, whose block free() releases.
        const fn = this.declare('aligned_alloc', this.bytePtr, [i64, i64]);
        const c = this.tapeMalloc;
        c.fnType = fn.fnType;
        c.operands = [new ConstantInt(i64, BigInt(align)), new ConstantInt(i64, BigInt(Math.ceil(size / align) * align)), fn];
        return;
      }
      this.tapeMalloc.operands[0] = new ConstantInt(i64, BigInt(size));
    }
  }
}
