// Instructions (LangRef "Instruction Reference") as a closed discriminated
// union: `switch (inst.op)` narrows to the class, and consumers end their
// switches with `assertNever`. Operands are Value references; successor blocks
// are kept apart from value operands so that CFG code never filters.

import { Value } from './value.js';
import type { FunctionType, Type } from './types.js';
import { NO_ATTRS, type AttrList } from './attributes.js';
import type { Attachment, DbgRecord } from './metadata.js';
import type { BasicBlock, Function } from './function.js';

export const BINARY_OPS = [
  'add', 'sub', 'mul', 'udiv', 'sdiv', 'urem', 'srem', 'shl', 'lshr', 'ashr', 'and', 'or', 'xor',
  'fadd', 'fsub', 'fmul', 'fdiv', 'frem',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const CAST_OPS = [
  'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp',
  'ptrtoint', 'inttoptr', 'bitcast', 'addrspacecast',
] as const;
export type CastOp = (typeof CAST_OPS)[number];

export const ICMP_PREDS = ['eq', 'ne', 'ugt', 'uge', 'ult', 'ule', 'sgt', 'sge', 'slt', 'sle'] as const;
export const FCMP_PREDS = [
  'false', 'oeq', 'ogt', 'oge', 'olt', 'ole', 'one', 'ord', 'ueq', 'ugt', 'uge', 'ult', 'ule', 'une', 'uno', 'true',
] as const;

export const ORDERINGS = ['unordered', 'monotonic', 'acquire', 'release', 'acq_rel', 'seq_cst'] as const;
export type Ordering = (typeof ORDERINGS)[number];

export abstract class InstBase extends Value {
  readonly vk = 'inst' as const;
  parent: BasicBlock | null = null;
  /** Bit set of `F` flags (nuw, nsw, exact, fast-math, inbounds, ...). */
  flags = 0;
  /** `, !tbaa !5`, `, !dbg !12`... in source order. */
  attachments: Attachment[] | null = null;
  /** LLVM 19+ debug records printed on the lines before this instruction. */
  dbg: DbgRecord[] | null = null;
  /** For instructions the transform creates: the primal instruction they stand for (diagnostics point there). */
  origin: Instruction | null = null;
  constructor(type: Type, public operands: Value[]) { super(type); }
}

export class UnaryInst extends InstBase { readonly op = 'fneg' as const; }

export class BinaryInst extends InstBase {
  constructor(readonly op: BinaryOp, type: Type, lhs: Value, rhs: Value) { super(type, [lhs, rhs]); }
}

export class CastInst extends InstBase {
  constructor(readonly op: CastOp, destType: Type, v: Value) { super(destType, [v]); }
}

export class CmpInst extends InstBase {
  constructor(readonly op: 'icmp' | 'fcmp', public pred: string, type: Type, lhs: Value, rhs: Value) {
    super(type, [lhs, rhs]);
  }
}

/** Incoming values in `operands`, their blocks in `blocks` (same index). */
export class PhiInst extends InstBase {
  readonly op = 'phi' as const;
  constructor(type: Type, values: Value[], public blocks: BasicBlock[]) { super(type, values); }
}

export class SelectInst extends InstBase { readonly op = 'select' as const; }
export class FreezeInst extends InstBase { readonly op = 'freeze' as const; }

export interface OperandBundle {
  tag: string; // raw quoted text, quotes included
  inputs: Value[];
}

/** Everything call, invoke and callbr share. `operands` = arguments then the callee. */
export abstract class CallBase extends InstBase {
  /** The callee's function type (`call i32 (ptr, ...) @printf` or derived from the return and argument types). */
  fnType!: FunctionType;
  cconv: string | null = null;
  retAttrs: AttrList = NO_ATTRS;
  fnAttrs: AttrList = NO_ATTRS;
  argAttrs: AttrList[] = [];
  bundles: OperandBundle[] | null = null;
  addrspace: number | null = null;
  /** Whether the source spelled the full function type (required for varargs). */
  explicitFnType = false;
  /**
   * Functions this indirect call is known not to reach: the dispatch in front of it tested the
   * pointer against each (src/ad/devirt.ts). Absent on almost every call.
   */
  declare notCallees?: readonly Function[];
  get callee(): Value { return this.operands[this.operands.length - 1]!; }
  set callee(v: Value) { this.operands[this.operands.length - 1] = v; }
  get argCount(): number { return this.operands.length - 1; }
  arg(i: number): Value { return this.operands[i]!; }
  args(): Value[] { return this.operands.slice(0, -1); }
}

export class CallInst extends CallBase {
  readonly op = 'call' as const;
  tail: '' | 'tail' | 'musttail' | 'notail' = '';
}
export class InvokeInst extends CallBase {
  readonly op = 'invoke' as const;
  /** [normal, unwind] */
  successors: BasicBlock[] = [];
}
export class CallBrInst extends CallBase {
  readonly op = 'callbr' as const;
  /** [fallthrough, ...indirect] */
  successors: BasicBlock[] = [];
}

interface MemOrdering {
  volatile: boolean;
  atomic: boolean;
  ordering: Ordering | null;
  syncscope: string | null; // raw quoted text
  align: number | null;
}

export class LoadInst extends InstBase implements MemOrdering {
  readonly op = 'load' as const;
  volatile = false;
  atomic = false;
  ordering: Ordering | null = null;
  syncscope: string | null = null;
  align: number | null = null;
  get ptr(): Value { return this.operands[0]!; }
}
export class StoreInst extends InstBase implements MemOrdering {
  readonly op = 'store' as const;
  volatile = false;
  atomic = false;
  ordering: Ordering | null = null;
  syncscope: string | null = null;
  align: number | null = null;
  get value(): Value { return this.operands[0]!; }
  get ptr(): Value { return this.operands[1]!; }
}
/** `operands` = [] or [arraySize] */
export class AllocaInst extends InstBase {
  readonly op = 'alloca' as const;
  align: number | null = null;
  addrspace: number | null = null;
  inalloca = false;
  swifterror = false;
  constructor(type: Type, public allocated: Type, operands: Value[]) { super(type, operands); }
}
/** `operands` = [pointer, ...indices] */
export class GEPInst extends InstBase {
  readonly op = 'getelementptr' as const;
  constructor(type: Type, public srcType: Type, operands: Value[]) { super(type, operands); }
}
export class FenceInst extends InstBase {
  readonly op = 'fence' as const;
  ordering: Ordering = 'seq_cst';
  syncscope: string | null = null;
}
/** `operands` = [ptr, cmp, new] */
export class CmpXchgInst extends InstBase {
  readonly op = 'cmpxchg' as const;
  weak = false;
  volatile = false;
  success: Ordering = 'seq_cst';
  failure: Ordering = 'seq_cst';
  syncscope: string | null = null;
  align: number | null = null;
}
/** `operands` = [ptr, value] */
export class AtomicRMWInst extends InstBase {
  readonly op = 'atomicrmw' as const;
  volatile = false;
  ordering: Ordering = 'seq_cst';
  syncscope: string | null = null;
  align: number | null = null;
  constructor(type: Type, public rmw: string, operands: Value[]) { super(type, operands); }
}
export class ExtractValueInst extends InstBase {
  readonly op = 'extractvalue' as const;
  constructor(type: Type, agg: Value, public indices: number[]) { super(type, [agg]); }
}
export class InsertValueInst extends InstBase {
  readonly op = 'insertvalue' as const;
  constructor(type: Type, agg: Value, v: Value, public indices: number[]) { super(type, [agg, v]); }
}
export class ExtractElementInst extends InstBase { readonly op = 'extractelement' as const; }
export class InsertElementInst extends InstBase { readonly op = 'insertelement' as const; }
/** `operands` = [a, b, mask]; the mask is a constant. */
export class ShuffleVectorInst extends InstBase { readonly op = 'shufflevector' as const; }
export class VAArgInst extends InstBase { readonly op = 'va_arg' as const; }

/** Clause values in `operands`, their kinds in `clauses` (same index). */
export class LandingPadInst extends InstBase {
  readonly op = 'landingpad' as const;
  cleanup = false;
  clauses: ('catch' | 'filter')[] = [];
}
/** `operands` = [parentPad, ...args] */
export class FuncletPadInst extends InstBase {
  constructor(readonly op: 'catchpad' | 'cleanuppad', type: Type, operands: Value[]) { super(type, operands); }
}
/** `operands` = [parentPad]; `successors` = handlers, then the unwind block if `hasUnwind`. */
export class CatchSwitchInst extends InstBase {
  readonly op = 'catchswitch' as const;
  successors: BasicBlock[] = [];
  hasUnwind = false;
}
export class CatchRetInst extends InstBase {
  readonly op = 'catchret' as const;
  successors: BasicBlock[] = [];
}
/** `successors` = [] (unwind to caller) or [unwind block] */
export class CleanupRetInst extends InstBase {
  readonly op = 'cleanupret' as const;
  successors: BasicBlock[] = [];
}

export class RetInst extends InstBase { readonly op = 'ret' as const; }
/** `operands` = [] or [cond]; `successors` = [dest] or [ifTrue, ifFalse] */
export class BrInst extends InstBase {
  readonly op = 'br' as const;
  successors: BasicBlock[] = [];
}
/** `operands` = [cond, ...caseValues]; `successors` = [default, ...caseDests] */
export class SwitchInst extends InstBase {
  readonly op = 'switch' as const;
  successors: BasicBlock[] = [];
}
export class IndirectBrInst extends InstBase {
  readonly op = 'indirectbr' as const;
  successors: BasicBlock[] = [];
}
export class ResumeInst extends InstBase { readonly op = 'resume' as const; }
export class UnreachableInst extends InstBase { readonly op = 'unreachable' as const; }

export type Terminator =
  | RetInst | BrInst | SwitchInst | IndirectBrInst | InvokeInst | CallBrInst | ResumeInst | UnreachableInst
  | CatchSwitchInst | CatchRetInst | CleanupRetInst;

export type Instruction =
  | UnaryInst | BinaryInst | CastInst | CmpInst | PhiInst | SelectInst | FreezeInst
  | CallInst | LoadInst | StoreInst | AllocaInst | GEPInst | FenceInst | CmpXchgInst | AtomicRMWInst
  | ExtractValueInst | InsertValueInst | ExtractElementInst | InsertElementInst | ShuffleVectorInst
  | VAArgInst | LandingPadInst | FuncletPadInst
  | Terminator;

export type Opcode = Instruction['op'];

/**
 * Whether `op` ends a block. A `switch` over the opcode strings (interned, so each case is a
 * pointer comparison) rather than a Set lookup: the parser, the verifier and the CFG code ask
 * this of every instruction.
 */
export function isTerminatorOp(op: string): boolean {
  switch (op) {
    case 'ret': case 'br': case 'switch': case 'indirectbr': case 'invoke': case 'callbr': case 'resume':
    case 'unreachable': case 'catchswitch': case 'catchret': case 'cleanupret':
      return true;
    default:
      return false;
  }
}
export function isTerminator(i: Instruction): i is Terminator { return isTerminatorOp(i.op); }

/** Successor blocks of a terminator (empty for other instructions). */
export function successors(i: Instruction): readonly BasicBlock[] {
  switch (i.op) {
    case 'br': case 'switch': case 'indirectbr': case 'invoke': case 'callbr':
    case 'catchswitch': case 'catchret': case 'cleanupret':
      return i.successors;
    default:
      return [];
  }
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify((x as { op?: string })?.op ?? x)}`);
}
