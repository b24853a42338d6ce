// The IR verifier: what LLVM's Verifier checks that this tool relies on
// (block structure, phis, operand types, SSA dominance, resolved references),
// reported as diagnostics rather than thrown, so that one run shows every
// problem. Instructions the transform created have no source position: they
// are reported at their `origin`, the primal instruction they stand for.
//
// Dominance is checked only when the block structure is sound; on a broken
// CFG it would only add noise.

import type { SourceFile } from '../diag/source.js';
import { diag, DiagnosticError, type Diagnostic } from '../diag/diagnostic.js';
import type { Code } from '../diag/codes.js';
import type { Module } from './module.js';
import { Argument, type BasicBlock, type Function } from './function.js';
import type { RefValue, Value } from './value.js';
import {
  ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt, BlockAddress, DSOLocalEquivalent, NoCFI, type Constant,
} from './constants.js';
import {
  assertNever, isTerminator, FCMP_PREDS, ICMP_PREDS,
  type BinaryOp, type CallBase, type CastOp, type Instruction, type OperandBundle,
} from './instructions.js';
import { isInt, scalarOf, type Type } from './types.js';
import { CFG } from './cfg.js';
import { DominatorTree } from './dominators.js';
import { aggregateElementType, castError, gepShape, isSized } from './builder.js';
import { callAttrProblems, functionAttrProblems, orderingProblem } from './verify-attrs.js';

// ---------------------------------------------------------------------------
// Locations and names for messages

export interface Span {
  start: number;
  end: number;
}

/** Where to report a value: its own source span, else its origin's (created instructions), else nowhere (-1). */
export function sourceSpan(v: Value): Span {
  let cur: Value | null = v;
  for (let guard = 0; cur && guard < 64; guard++) {
    if (cur.pos >= 0) return { start: cur.pos, end: Math.max(cur.end, cur.pos) };
    cur = cur.vk === 'inst' ? (cur as Instruction).origin : null;
  }
  return { start: -1, end: -1 };
}

const BARE_NAME = /^[-a-zA-Z$._][-a-zA-Z$._0-9]*$/;

function sigilName(sigil: '%' | '@', name: string): string {
  return sigil + (BARE_NAME.test(name) || /^[0-9]+$/.test(name) ? name : `"${name}"`);
}

/** LLVM's spelling of a type, for messages. */
export function typeText(t: Type, depth = 0): string {
  if (depth > 8) return '...';
  const sub = (x: Type): string => typeText(x, depth + 1);
  switch (t.kind) {
    case 'void': case 'label': case 'metadata': case 'token': case 'x86_mmx': case 'x86_amx':
      return t.kind;
    case 'int': return `i${t.bits}`;
    case 'float': return t.fk;
    case 'pointer': {
      const as = t.addrspace !== 0 ? ` addrspace(${t.addrspace})` : '';
      return t.pointee === null ? `ptr${as}` : `${sub(t.pointee)}${as}*`;
    }
    case 'array': return `[${t.count} x ${sub(t.elem)}]`;
    case 'vector': return `<${t.scalable ? 'vscale x ' : ''}${t.count} x ${sub(t.elem)}>`;
    case 'struct': {
      if (t.name !== null) return sigilName('%', t.name);
      const body = (t.elems ?? []).map(sub).join(', ');
      const inner = body ? `{ ${body} }` : '{}';
      return t.packed ? `<${inner}>` : inner;
    }
    case 'function':
      return `${sub(t.ret)} (${[...t.params.map(sub), ...(t.vararg ? ['...'] : [])].join(', ')})`;
    case 'target':
      return `target("${t.name}"${t.types.map((x) => ', ' + sub(x)).join('')}${t.ints.map((n) => ', ' + n).join('')})`;
  }
}

/** Names values as the printer will (`%x`, `%3`, `@g`); slots are numbered on first need. */
export class ValueNamer {
  private slots: Map<Value, number> | null = null;
  constructor(readonly fn: Function | null) {}

  private slot(v: Value): number | undefined {
    if (!this.slots) {
      const m = new Map<Value, number>();
      let n = 0;
      const fn = this.fn;
      if (fn) {
        for (const a of fn.args) if (a.name === null) m.set(a, n++);
        for (const b of fn.blocks) {
          if (b.name === null) m.set(b, n++);
          for (const i of b.instructions) if (i.name === null && i.type.kind !== 'void') m.set(i, n++);
        }
      }
      this.slots = m;
    }
    return this.slots.get(v);
  }

  name(v: Value): string {
    switch (v.vk) {
      case 'global': case 'function': case 'alias': case 'ifunc':
        return v.name !== null ? sigilName('@', v.name) : '@<unnamed>';
      case 'argument': case 'block': case 'inst': {
        if (v.name !== null) return sigilName('%', v.name);
        const s = this.slot(v);
        return s === undefined ? '%<unnamed>' : `%${s}`;
      }
      case 'ref': {
        const r = v as RefValue;
        return sigilName(r.scope === 'local' ? '%' : '@', r.ref);
      }
      case 'const': {
        const c = v as Constant;
        if (c instanceof ConstantInt) return `${typeText(c.type)} ${c.value}`;
        if (c instanceof ConstantFP) return `${typeText(c.type)} ${c.text}`;
        return `a ${c.ck} constant`;
      }
      case 'asm': return 'inline asm';
      case 'metadata': return 'a metadata operand';
    }
  }
}

// ---------------------------------------------------------------------------
// The verifier

function isInstValue(v: Value): v is Instruction { return v.vk === 'inst'; }

function operandText(k: number, bundle: OperandBundle | null): string {
  return bundle ? `bundle ${bundle.tag} input` : `operand ${k}`;
}

const ICMP_PRED_SET: ReadonlySet<string> = new Set(ICMP_PREDS);
const FCMP_PRED_SET: ReadonlySet<string> = new Set(FCMP_PREDS);

const operandsOf = (op: string): string => `operands of '${op}'`;
const resultAndOperandTypesOf = (op: string): string => `result and operand types of '${op}'`;
const resultAndReturnTypesOf = (op: string): string => `'${op}' result and return types`;

/** The instruction class of an opcode. */
type Op<K extends Instruction['op']> = Extract<Instruction, { op: K }>;

/**
 * Value identity, with constants compared by content: LLVM uniques
 * constants, this IR does not, so two `i32 0` objects are the same value.
 */
function sameValue(a: Value, b: Value, depth: number): boolean {
  if (a === b) return true;
  if (a.vk !== 'const' || b.vk !== 'const' || a.type !== b.type || depth > 16) return false;
  const x = a as Constant;
  const y = b as Constant;
  if (x.ck !== y.ck) return false;
  if (x instanceof ConstantInt) return y instanceof ConstantInt && x.value === y.value;
  if (x instanceof ConstantFP) return y instanceof ConstantFP && x.text === y.text;
  if (x instanceof ConstantAggregate) {
    return y instanceof ConstantAggregate && x.splat === y.splat && x.elems.length === y.elems.length
      && x.elems.every((e, k) => sameValue(e, y.elems[k]!, depth + 1));
  }
  if (x instanceof ConstantExpr) {
    return y instanceof ConstantExpr && x.op === y.op && x.flags === y.flags && x.srcType === y.srcType && x.pred === y.pred
      && String(x.indices) === String(y.indices) && x.operands.length === y.operands.length
      && x.operands.every((e, k) => sameValue(e, y.operands[k]!, depth + 1));
  }
  return x.ck === 'null' || x.ck === 'undef' || x.ck === 'poison' || x.ck === 'zero' || x.ck === 'none';
}

class FunctionVerifier {
  readonly out: Diagnostic[] = [];
  private readonly namer: ValueNamer;
  /** Constants already searched for unresolved references. */
  private readonly cleanConstants = new Set<Value>();
  private structural = false;

  constructor(readonly fn: Function, readonly file: SourceFile | null, readonly module: Module | null = null) {
    this.namer = new ValueNamer(fn);
  }

  private report(code: Code, at: Value, message: string, into: Diagnostic[] = this.out, extra?: string[]): void {
    let span = sourceSpan(at);
    const notes = at.pos < 0 && span.start >= 0 ? ['in code generated for the instruction shown', ...(extra ?? [])] : extra;
    if (span.start < 0 && at.vk === 'inst' && (at as Instruction).parent) span = sourceSpan((at as Instruction).parent!);
    if (span.start < 0) span = sourceSpan(this.fn);
    into.push(diag(code, message, this.file, span.start, span.end, notes));
  }
  private n(v: Value): string { return this.namer.name(v); }
  private t(t: Type): string { return `'${typeText(t)}'`; }

  /** Arguments, blocks and instructions share one namespace: a name given twice is text LLVM refuses. */
  private checkLocalNames(): void {
    const seen = new Set<string>();
    const see = (v: Value & { name: string | null }): void => {
      if (v.name === null) return;
      if (seen.has(v.name)) this.report('E0306', v, `%${v.name} is defined twice in ${this.n(this.fn)}`);
      seen.add(v.name);
    };
    for (const a of this.fn.args) see(a);
    for (const b of this.fn.blocks) {
      see(b);
      for (const i of b.instructions) see(i);
    }
  }

  run(): Diagnostic[] {
    const fn = this.fn;
    for (const p of functionAttrProblems(fn, this.module)) this.report('E0308', fn, `${this.n(fn)}: ${p}`);
    if (fn.isDeclaration) {
      if (fn.blocks.length > 0) this.report('E0306', fn, `declaration ${this.n(fn)} has a body`);
      return this.out;
    }
    if (fn.blocks.length === 0) {
      this.report('E0306', fn, `function ${this.n(fn)} has no blocks`);
      return this.out;
    }
    for (let k = 0; k < fn.args.length; k++) {
      const a = fn.args[k]!;
      if (a.parent !== fn || a.index !== k) this.report('E0306', fn, `argument ${k} of ${this.n(fn)} does not record its function and position`);
      if (a.type !== fn.fnType.params[k]) this.report('E0306', fn, `argument ${k} of ${this.n(fn)} does not have the parameter's type`);
    }
    if (fn.args.length !== fn.fnType.params.length) this.report('E0306', fn, `${this.n(fn)} has ${fn.args.length} arguments for ${fn.fnType.params.length} parameters`);

    this.checkStructure();
    this.checkLocalNames();
    const cfg = new CFG(fn);
    for (const e of cfg.foreignEdges) {
      this.report('E0306', e.from.terminator ?? e.from, `branch to ${this.n(e.to)}, which is not a block of ${this.n(fn)}`);
      this.structural = true;
    }
    const entry = fn.blocks[0]!;
    if (cfg.predEdgeCount(entry) > 0) {
      this.report('E0306', entry, `the entry block ${this.n(entry)} must not have predecessors`);
      this.structural = true;
    }
    this.checkPhiEntries(cfg);
    this.checkExceptionHandling();
    this.checkInstructions(this.structural ? null : new DominatorTree(cfg));
    return this.out;
  }

  /**
   * Operands, types and (given a dominator tree) dominance, in one walk over
   * the instructions: it is the verifier's largest cost. Dominance problems
   * are reported after all others, as if by a second walk.
   */
  private checkInstructions(dt: DominatorTree | null): void {
    const dominance: Diagnostic[] = [];
    for (const b of this.fn.blocks) {
      for (const i of b.instructions) {
        this.checkInstruction(i);
        if (dt) this.checkUses(dt, i, dominance);
      }
    }
    for (const d of dominance) this.out.push(d);
  }

  private checkStructure(): void {
    const fn = this.fn;
    for (const b of fn.blocks) {
      if (b.parent !== fn) { this.report('E0306', b, `block ${this.n(b)} belongs to another function`); this.structural = true; }
      const list = b.instructions;
      if (list.length === 0) {
        this.report('E0301', b, `block ${this.n(b)} is empty: it needs a terminator`);
        this.structural = true;
        continue;
      }
      let seenNonPhi = false;
      for (let k = 0; k < list.length; k++) {
        const i = list[k]!;
        if (i.parent !== b) {
          this.report('E0306', i, i.parent === null
            ? `instruction ${this.n(i)} has no parent block set`
            : `instruction ${this.n(i)} records ${this.n(i.parent)} as its block instead of ${this.n(b)}`);
          this.structural = true;
        }
        if (i.op === 'phi') {
          if (seenNonPhi) this.report('E0303', i, `phi ${this.n(i)} is not at the start of block ${this.n(b)}`);
        } else {
          seenNonPhi = true;
        }
        if (k < list.length - 1 && isTerminator(i)) {
          this.report('E0305', i, `terminator '${i.op}' in the middle of block ${this.n(b)}`);
          this.structural = true;
        }
      }
      const last = list[list.length - 1]!;
      if (!isTerminator(last)) {
        this.report('E0301', last, `block ${this.n(b)} does not end with a terminator`);
        this.structural = true;
      }
    }
  }

  /**
   * LLVM's rules for exception handling beyond those of checkEHPad / checkCallSite (a
   * personality, a landingpad first in its block, an invoke unwinding to an EH pad): the
   * other EH pads are the first non-phi of their block too, and a landingpad block is
   * entered only by unwind edges of invokes.
   */
  private checkExceptionHandling(): void {
    const fn = this.fn;
    const firstNonPhi = (b: BasicBlock): Instruction | undefined => b.instructions.find((i) => i.op !== 'phi');
    for (const b of fn.blocks) {
      const first = firstNonPhi(b);
      for (const i of b.instructions) {
        const op = i.op;
        const pad = op === 'landingpad' || op === 'catchpad' || op === 'cleanuppad' || op === 'catchswitch';
        if (pad && op !== 'landingpad' && i !== first) this.report('E0310', i, `'${op}' must be the first non-phi instruction of block ${this.n(b)}`);
      }
      const term = b.terminator;
      if (!term) continue;
      const succ = (term as { successors?: BasicBlock[] }).successors ?? [];
      succ.forEach((s, k) => {
        if (firstNonPhi(s)?.op !== 'landingpad') return;
        if (term.op !== 'invoke' || k !== 1) {
          this.report('E0310', term, `block ${this.n(s)} starts with a landingpad: it may only be entered by the unwind edge of an invoke`);
        }
      });
    }
  }

  /** One entry per incoming edge (LLVM counts a block once per edge), same value for repeated blocks. */
  private checkPhiEntries(cfg: CFG): void {
    for (const b of this.fn.blocks) {
      if (b.instructions[0]?.op !== 'phi') continue;
      const edges = new Map<BasicBlock, number>();
      for (const p of cfg.predEdges(b)) edges.set(p, (edges.get(p) ?? 0) + 1);
      for (const i of b.instructions) {
        if (i.op !== 'phi') continue;
        if (i.blocks.length !== i.operands.length) {
          this.report('E0303', i, `phi ${this.n(i)} has ${i.operands.length} values for ${i.blocks.length} blocks`);
          continue;
        }
        if (i.operands.length === 0) {
          this.report('E0303', i, `phi ${this.n(i)} has no incoming values`);
          continue;
        }
        const count = new Map<BasicBlock, number>();
        const value = new Map<BasicBlock, Value>();
        for (let k = 0; k < i.blocks.length; k++) {
          const ib = i.blocks[k]!;
          const v = i.operands[k]!;
          count.set(ib, (count.get(ib) ?? 0) + 1);
          const prev = value.get(ib);
          if (prev === undefined) value.set(ib, v);
          else if (!sameValue(prev, v, 0)) this.report('E0303', i, `phi ${this.n(i)} has different values for the same block ${this.n(ib)}`);
        }
        for (const [ib, c] of count) {
          const e = edges.get(ib);
          if (e === undefined) this.report('E0303', i, `phi ${this.n(i)} has an entry for ${this.n(ib)}, which is not a predecessor of ${this.n(b)}`);
          else if (e !== c) this.report('E0303', i, `phi ${this.n(i)} has ${c} entries for ${this.n(ib)}, which branches to ${this.n(b)} ${e} times`);
        }
        for (const p of edges.keys()) {
          if (!count.has(p)) this.report('E0303', i, `phi ${this.n(i)} has no entry for the predecessor ${this.n(p)}`);
        }
      }
    }
  }

  // -- operands and types -----------------------------------------------------

  /** Finds a RefValue inside a (constant) operand. */
  private findRef(v: Value, depth = 0): Value | null {
    if (v.vk === 'ref') return v;
    if (v.vk !== 'const' || depth > 64) return null;
    let inner: readonly Value[];
    switch ((v as Constant).ck) {
      case 'expr': inner = (v as ConstantExpr).operands; break;
      case 'aggregate': inner = (v as ConstantAggregate).elems; break;
      case 'blockaddress': inner = [(v as BlockAddress).fn, (v as BlockAddress).block]; break;
      case 'dso_local_equivalent': case 'no_cfi': inner = [(v as DSOLocalEquivalent | NoCFI).target]; break;
      // Leaves (the bulk of constant operands) hold no reference: nothing to search or remember.
      default: return null;
    }
    if (this.cleanConstants.has(v)) return null;
    for (const x of inner) {
      const r = this.findRef(x, depth + 1);
      if (r) return r;
    }
    this.cleanConstants.add(v);
    return null;
  }

  /**
   * Checks operand `k` of `i` (or, with `bundle`, an input of that operand
   * bundle). The operand's description is built only for a diagnostic: this
   * runs for every operand of the module.
   */
  private checkOperandValue(i: Instruction, v: Value | undefined, k: number, bundle: OperandBundle | null): boolean {
    if (v === undefined || v === null) {
      this.report('E0304', i, `${operandText(k, bundle)} of '${i.op}' is missing`);
      return false;
    }
    const vk = v.vk;
    const ref = vk === 'ref' || vk === 'const' ? this.findRef(v) : null;
    if (ref) {
      this.report('E0304', i, `unresolved reference ${this.n(ref)} in ${operandText(k, bundle)} of '${i.op}'`);
      return false;
    }
    if (v.type.kind === 'void') {
      this.report('E0304', i, `${operandText(k, bundle)} of '${i.op}' is ${this.n(v)}, which has no value (void)`);
      return false;
    }
    if (vk === 'inst') {
      const d = v as Instruction;
      if (!d.parent || d.parent.parent !== this.fn) {
        this.report('E0304', i, `${operandText(k, bundle)} of '${i.op}' is ${this.n(d)}, an instruction ${d.parent ? 'of another function' : 'that is in no block'}`);
        return false;
      }
    } else if (vk === 'argument') {
      if ((v as Argument).parent !== this.fn) {
        this.report('E0304', i, `${operandText(k, bundle)} of '${i.op}' is an argument of another function`);
        return false;
      }
    } else if (vk === 'block') {
      this.report('E0304', i, `${operandText(k, bundle)} of '${i.op}' is a block, which is not a value`);
      return false;
    }
    return true;
  }

  private arity(i: Instruction, min: number, max = min): boolean {
    const n = i.operands.length;
    if (n >= min && n <= max) return true;
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    this.report('E0304', i, `'${i.op}' needs ${want} operand${want === '1' ? '' : 's'}, it has ${n}`);
    return false;
  }

  /** `what` names the pair; a function of the opcode when it mentions it (so that no string is built unless reporting). */
  private sameType(i: Instruction, a: Type, b: Type, what: string | ((op: string) => string)): boolean {
    if (a === b) return true;
    this.report('E0304', i, `${typeof what === 'string' ? what : what(i.op)}: ${this.t(a)} and ${this.t(b)} differ`);
    return false;
  }

  private needPointer(i: Instruction, v: Value, what: string): Type | null {
    if (v.type.kind === 'pointer') return v.type;
    this.report('E0304', i, `${what} of '${i.op}' must be a pointer, not ${this.t(v.type)}`);
    return null;
  }

  private checkInstruction(i: Instruction): void {
    // Instructions come in many classes: reading their fields is a slow
    // (megamorphic) property access, so each is read once.
    const op = i.op;
    const ops = i.operands;
    let ok = true;
    for (let k = 0; k < ops.length; k++) ok = this.checkOperandValue(i, ops[k], k, null) && ok;
    if (op === 'call' || op === 'invoke' || op === 'callbr') {
      for (const b of i.bundles ?? []) for (const v of b.inputs) ok = this.checkOperandValue(i, v, -1, b) && ok;
    }
    if (!ok) return;
    switch (op) {
      // The most frequent instructions first: a switch on strings is a chain of comparisons.
      case 'br':
        this.checkBr(i, ops);
        return;
      case 'getelementptr':
        this.checkGep(i, ops);
        return;
      case 'load':
        this.checkLoad(i, ops);
        return;
      case 'icmp': case 'fcmp':
        this.checkCmp(i, ops);
        return;
      case 'store':
        this.checkStore(i, ops);
        return;
      case 'call': case 'invoke': case 'callbr':
        this.checkCallSite(i);
        for (const p of callAttrProblems(i, this.module)) this.report('E0308', i, `'${op}': ${p}`);
        return;
      case 'phi':
        this.checkPhiTypes(i, ops);
        return;
      case 'add': case 'sub': case 'mul': case 'udiv': case 'sdiv': case 'urem': case 'srem':
      case 'shl': case 'lshr': case 'ashr': case 'and': case 'or': case 'xor':
      case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'frem':
        this.checkBinary(i, ops);
        return;
      case 'trunc': case 'zext': case 'sext': case 'fptrunc': case 'fpext': case 'fptoui': case 'fptosi':
      case 'uitofp': case 'sitofp': case 'ptrtoint': case 'inttoptr': case 'bitcast': case 'addrspacecast':
        this.checkCast(i, ops);
        return;
      case 'ret':
        this.checkRet(i, ops);
        return;
      case 'select':
        this.checkSelect(i, ops);
        return;
      case 'switch':
        this.checkSwitch(i, ops);
        return;
      case 'alloca':
        this.checkAlloca(i, ops);
        return;
      case 'fneg':
        if (!this.arity(i, 1)) return;
        if (scalarOf(ops[0]!.type).kind !== 'float') this.report('E0304', i, `fneg needs a floating operand, not ${this.t(ops[0]!.type)}`);
        this.sameType(i, ops[0]!.type, i.type, 'fneg result and operand types');
        return;
      case 'freeze':
        if (this.arity(i, 1)) this.sameType(i, i.type, ops[0]!.type, 'freeze result and operand types');
        return;
      case 'fence':
        this.checkAtomic(i);
        this.arity(i, 0);
        return;
      case 'cmpxchg':
        this.checkCmpXchg(i, ops);
        return;
      case 'atomicrmw':
        this.checkAtomicRMW(i, ops);
        return;
      case 'extractvalue':
        this.checkExtractValue(i, ops);
        return;
      case 'insertvalue':
        this.checkInsertValue(i, ops);
        return;
      case 'extractelement':
        this.checkExtractElement(i, ops);
        return;
      case 'insertelement':
        this.checkInsertElement(i, ops);
        return;
      case 'shufflevector':
        this.checkShuffleVector(i, ops);
        return;
      case 'va_arg':
        if (this.arity(i, 1)) this.needPointer(i, ops[0]!, 'the va_list');
        return;
      case 'landingpad': case 'catchpad': case 'cleanuppad': case 'catchswitch':
        this.checkEHPad(i);
        return;
      case 'catchret': case 'cleanupret':
        return;
      case 'indirectbr':
        if (this.arity(i, 1)) this.needPointer(i, ops[0]!, 'the address');
        return;
      case 'resume':
        if (!this.fn.personality) this.report('E0310', i, `'resume' in ${this.n(this.fn)}, which has no personality function`, undefined, ['add `personality ptr @__gxx_personality_v0` (or the one the code was compiled with) after the parameter list']);
        this.arity(i, 1);
        return;
      case 'unreachable':
        this.arity(i, 0);
        return;
      default:
        assertNever(i, 'instruction');
    }
  }

  private checkBr(i: Op<'br'>, ops: readonly Value[]): void {
    if (i.successors.length === 1) {
      this.arity(i, 0);
    } else if (i.successors.length === 2) {
      if (this.arity(i, 1) && !isInt(ops[0]!.type, 1)) this.report('E0304', i, `branch condition must be i1, not ${this.t(ops[0]!.type)}`);
    } else {
      this.report('E0304', i, `'br' needs one or two destinations, it has ${i.successors.length}`);
    }
  }

  private checkGep(i: Op<'getelementptr'>, ops: readonly Value[]): void {
    if (!this.arity(i, 1, Infinity)) return;
    let why = '';
    const s = gepShape(i.srcType, ops[0]!.type, ops.slice(1), (m) => { why = m; });
    if (!s) { this.report('E0304', i, `invalid getelementptr: ${why}`); return; }
    let rt = i.type;
    let okShape = true;
    if (s.vecCount >= 0) {
      if (rt.kind !== 'vector' || rt.count !== s.vecCount || rt.scalable !== s.scalable) okShape = false;
      else rt = rt.elem;
    }
    if (!okShape || rt.kind !== 'pointer' || rt.addrspace !== s.ptr.addrspace
      || (s.ptr.pointee === null ? rt.pointee !== null : rt.pointee !== s.elem)) {
      this.report('E0304', i, `getelementptr result type ${this.t(i.type)} does not match its indices (they reach ${this.t(s.elem)})`);
    }
  }

  private checkAtomic(i: Instruction): void {
    const p = orderingProblem(i);
    if (p) this.report('E0309', i, p);
  }

  private checkLoad(i: Op<'load'>, ops: readonly Value[]): void {
    if (i.atomic) this.checkAtomic(i);
    if (!this.arity(i, 1)) return;
    const pt = this.needPointer(i, ops[0]!, 'the address');
    if (pt && pt.kind === 'pointer' && pt.pointee !== null) this.sameType(i, i.type, pt.pointee, 'load type and pointee type');
    if (!isSized(i.type)) this.report('E0304', i, `load of unsized type ${this.t(i.type)}`);
  }

  private checkCmp(i: Op<'icmp' | 'fcmp'>, ops: readonly Value[]): void {
    if (!this.arity(i, 2)) return;
    const a = ops[0]!, b = ops[1]!;
    const preds = i.op === 'icmp' ? ICMP_PRED_SET : FCMP_PRED_SET;
    if (!preds.has(i.pred)) this.report('E0304', i, `unknown ${i.op} predicate '${i.pred}'`);
    if (!this.sameType(i, a.type, b.type, operandsOf)) return;
    const k = scalarOf(a.type).kind;
    if (i.op === 'icmp' ? k !== 'int' && k !== 'pointer' : k !== 'float') {
      this.report('E0304', i, `'${i.op}' cannot compare ${this.t(a.type)}`);
      return;
    }
    const rt = i.type;
    const wantVec = a.type.kind === 'vector' ? a.type : null;
    const good = wantVec
      ? rt.kind === 'vector' && isInt(rt.elem, 1) && rt.count === wantVec.count && rt.scalable === wantVec.scalable
      : isInt(rt, 1);
    if (!good) this.report('E0304', i, `'${i.op}' of ${this.t(a.type)} cannot have type ${this.t(rt)}`);
  }

  private checkStore(i: Op<'store'>, ops: readonly Value[]): void {
    if (i.atomic) this.checkAtomic(i);
    if (!this.arity(i, 2)) return;
    const pt = this.needPointer(i, ops[1]!, 'the address');
    if (pt && pt.kind === 'pointer' && pt.pointee !== null) this.sameType(i, ops[0]!.type, pt.pointee, 'stored value type and pointee type');
    if (!isSized(ops[0]!.type)) this.report('E0304', i, `store of unsized type ${this.t(ops[0]!.type)}`);
  }

  /** An exception-handling pad: the function has a personality; a landingpad is its block's first non-phi. */
  private checkEHPad(i: Instruction): void {
    if (!this.fn.personality) {
      this.report('E0310', i, `'${i.op}' in ${this.n(this.fn)}, which has no personality function`, undefined,
        ['add `personality ptr @__gxx_personality_v0` (or the one the code was compiled with) after the parameter list']);
    }
    if (i.op !== 'landingpad') return;
    const b = i.parent;
    if (b && b.instructions.find((x) => x.op !== 'phi') !== i) this.report('E0310', i, `landingpad is not the first non-phi instruction of ${this.n(b)}`);
    if (!i.cleanup && i.clauses.length === 0) this.report('E0310', i, 'landingpad needs a clause (catch, filter) or cleanup');
  }

  private checkCallSite(i: Op<'call' | 'invoke' | 'callbr'>): void {
    this.checkCall(i);
    if (i.op === 'invoke' && i.successors.length === 2) {
      const u = i.successors[1]!;
      const first = u.instructions.find((x) => x.op !== 'phi');
      if (first && first.op !== 'landingpad' && first.op !== 'catchswitch' && first.op !== 'cleanuppad' && first.op !== 'catchpad') {
        this.report('E0310', i, `the unwind destination ${this.n(u)} of 'invoke' does not start with an exception-handling instruction (landingpad)`);
      }
    }
    if (i.op === 'invoke' && i.successors.length !== 2) this.report('E0304', i, `invoke needs a normal and an unwind destination`);
    if (i.op === 'callbr' && i.successors.length < 1) this.report('E0304', i, `callbr needs a fallthrough destination`);
  }

  private checkPhiTypes(i: Op<'phi'>, ops: readonly Value[]): void {
    for (let k = 0; k < ops.length; k++) {
      if (ops[k]!.type !== i.type) {
        this.report('E0304', i, `phi incoming value ${k} has type ${this.t(ops[k]!.type)}, the phi ${this.t(i.type)}`);
      }
    }
  }

  private checkBinary(i: Op<BinaryOp>, ops: readonly Value[]): void {
    if (!this.arity(i, 2)) return;
    const a = ops[0]!, b = ops[1]!;
    if (!this.sameType(i, a.type, b.type, operandsOf)) return;
    const fpOp = i.op.startsWith('f');
    if (scalarOf(a.type).kind !== (fpOp ? 'float' : 'int')) {
      this.report('E0304', i, `'${i.op}' needs ${fpOp ? 'floating' : 'integer'} operands, not ${this.t(a.type)}`);
    }
    this.sameType(i, i.type, a.type, resultAndOperandTypesOf);
  }

  private checkCast(i: Op<CastOp>, ops: readonly Value[]): void {
    if (!this.arity(i, 1)) return;
    const e = castError(i.op, ops[0]!.type, i.type);
    if (e) this.report('E0304', i, `invalid cast from ${this.t(ops[0]!.type)} to ${this.t(i.type)}: ${e}`);
  }

  private checkRet(i: Op<'ret'>, ops: readonly Value[]): void {
    const rt = this.fn.fnType.ret;
    if (rt.kind === 'void') {
      if (ops.length !== 0) this.report('E0304', i, `${this.n(this.fn)} returns void: 'ret' cannot have a value`);
    } else if (ops.length !== 1) {
      this.report('E0304', i, `${this.n(this.fn)} returns ${this.t(rt)}: 'ret' needs a value`);
    } else if (ops[0]!.type !== rt) {
      this.report('E0304', i, `'ret' of ${this.t(ops[0]!.type)} in ${this.n(this.fn)}, which returns ${this.t(rt)}`);
    }
  }

  private checkSelect(i: Op<'select'>, ops: readonly Value[]): void {
    if (!this.arity(i, 3)) return;
    const c = ops[0]!, a = ops[1]!, b = ops[2]!;
    const ct = c.type;
    const shapeOk = ct.kind !== 'vector' || (a.type.kind === 'vector' && a.type.count === ct.count && a.type.scalable === ct.scalable);
    if (!isInt(scalarOf(ct), 1) || !shapeOk) this.report('E0304', i, `select condition must be i1 (or a matching vector of i1), not ${this.t(ct)}`);
    if (this.sameType(i, a.type, b.type, 'select arms')) this.sameType(i, i.type, a.type, 'select result and arm types');
  }

  private checkSwitch(i: Op<'switch'>, ops: readonly Value[]): void {
    if (!this.arity(i, 1, Infinity)) return;
    if (i.successors.length !== ops.length) {
      this.report('E0304', i, `switch has ${ops.length - 1} case values for ${i.successors.length - 1} case destinations`);
      return;
    }
    const ct = ops[0]!.type;
    if (!isInt(ct)) { this.report('E0304', i, `switch condition must be an integer, not ${this.t(ct)}`); return; }
    const seen = new Set<bigint>();
    for (let k = 1; k < ops.length; k++) {
      const c = ops[k]!;
      if (!(c instanceof ConstantInt) || c.type !== ct) {
        this.report('E0304', i, `switch case ${k - 1} must be a ${this.t(ct)} integer constant`);
        continue;
      }
      const v = BigInt.asUintN(ct.bits, c.value);
      if (seen.has(v)) this.report('E0304', i, `duplicate switch case value ${c.value}`);
      seen.add(v);
    }
  }

  private checkAlloca(i: Op<'alloca'>, ops: readonly Value[]): void {
    if (!this.arity(i, 0, 1)) return;
    if (ops.length === 1 && !isInt(ops[0]!.type)) this.report('E0304', i, `alloca size must be an integer, not ${this.t(ops[0]!.type)}`);
    if (!isSized(i.allocated)) this.report('E0304', i, `alloca of unsized type ${this.t(i.allocated)}`);
    const rt = i.type;
    if (rt.kind !== 'pointer') this.report('E0304', i, `alloca must have a pointer type, not ${this.t(rt)}`);
    else if (rt.pointee !== null && rt.pointee !== i.allocated) this.report('E0304', i, `alloca of ${this.t(i.allocated)} cannot have type ${this.t(rt)}`);
  }

  private checkCmpXchg(i: Op<'cmpxchg'>, ops: readonly Value[]): void {
    this.checkAtomic(i);
    if (!this.arity(i, 3)) return;
    this.needPointer(i, ops[0]!, 'the address');
    if (!this.sameType(i, ops[1]!.type, ops[2]!.type, 'cmpxchg compare and new values')) return;
    const rt = i.type;
    if (rt.kind !== 'struct' || rt.elems === null || rt.elems.length !== 2 || rt.elems[0] !== ops[1]!.type || !isInt(rt.elems[1]!, 1)) {
      this.report('E0304', i, `cmpxchg of ${this.t(ops[1]!.type)} must have type { ${typeText(ops[1]!.type)}, i1 }, not ${this.t(rt)}`);
    }
  }

  private checkAtomicRMW(i: Op<'atomicrmw'>, ops: readonly Value[]): void {
    this.checkAtomic(i);
    if (!this.arity(i, 2)) return;
    this.needPointer(i, ops[0]!, 'the address');
    this.sameType(i, i.type, ops[1]!.type, 'atomicrmw result and value types');
  }

  private checkExtractValue(i: Op<'extractvalue'>, ops: readonly Value[]): void {
    if (!this.arity(i, 1)) return;
    let why = '';
    const t = aggregateElementType(ops[0]!.type, i.indices, (m) => { why = m; });
    if (!t) this.report('E0304', i, `invalid extractvalue of ${this.t(ops[0]!.type)}: ${why}`);
    else this.sameType(i, i.type, t, 'extractvalue result and element types');
  }

  private checkInsertValue(i: Op<'insertvalue'>, ops: readonly Value[]): void {
    if (!this.arity(i, 2)) return;
    let why = '';
    const t = aggregateElementType(ops[0]!.type, i.indices, (m) => { why = m; });
    if (!t) this.report('E0304', i, `invalid insertvalue into ${this.t(ops[0]!.type)}: ${why}`);
    else this.sameType(i, ops[1]!.type, t, 'inserted value and element types');
    this.sameType(i, i.type, ops[0]!.type, 'insertvalue result and aggregate types');
  }

  private checkExtractElement(i: Op<'extractelement'>, ops: readonly Value[]): void {
    if (!this.arity(i, 2)) return;
    const vt = ops[0]!.type;
    if (vt.kind !== 'vector') { this.report('E0304', i, `extractelement needs a vector, not ${this.t(vt)}`); return; }
    if (!isInt(ops[1]!.type)) this.report('E0304', i, `extractelement index must be an integer`);
    this.sameType(i, i.type, vt.elem, 'extractelement result and element types');
  }

  private checkInsertElement(i: Op<'insertelement'>, ops: readonly Value[]): void {
    if (!this.arity(i, 3)) return;
    const vt = ops[0]!.type;
    if (vt.kind !== 'vector') { this.report('E0304', i, `insertelement needs a vector, not ${this.t(vt)}`); return; }
    this.sameType(i, ops[1]!.type, vt.elem, 'inserted element and vector element types');
    if (!isInt(ops[2]!.type)) this.report('E0304', i, `insertelement index must be an integer`);
    this.sameType(i, i.type, vt, 'insertelement result and vector types');
  }

  private checkShuffleVector(i: Op<'shufflevector'>, ops: readonly Value[]): void {
    if (!this.arity(i, 3)) return;
    const a = ops[0]!, b = ops[1]!, mask = ops[2]!;
    if (a.type.kind !== 'vector') { this.report('E0304', i, `shufflevector needs vectors, not ${this.t(a.type)}`); return; }
    if (!this.sameType(i, a.type, b.type, 'shufflevector operands')) return;
    const rt = i.type;
    const mt = mask.type;
    if (rt.kind !== 'vector' || rt.elem !== a.type.elem || (mt.kind === 'vector' && (rt.count !== mt.count || rt.scalable !== mt.scalable))) {
      this.report('E0304', i, `shufflevector result type ${this.t(rt)} does not match its operands and mask`);
    }
  }

  private checkCall(i: CallBase): void {
    if (!this.arity(i as Instruction, 1, Infinity)) return;
    const ft = i.fnType as CallBase['fnType'] | undefined;
    const inst = i as Instruction;
    if (!ft) { this.report('E0304', inst, `'${inst.op}' has no function type`); return; }
    const callee = i.callee;
    if (callee.vk !== 'asm' && callee.type.kind !== 'pointer') this.report('E0304', inst, `callee ${this.n(callee)} is not a pointer`);
    if (!this.fn.fnType.vararg && (callee as { name?: string | null }).name?.startsWith('llvm.va_start') && callee.vk === 'function') {
      this.report('E0304', inst, `va_start in ${this.n(this.fn)}, which is not variadic`);
    }
    // Typed pointers: the call's function type is the callee's pointee (LLVM <= 16 reads it from there).
    const pointee = callee.vk !== 'asm' && callee.type.kind === 'pointer' ? callee.type.pointee : null;
    if (pointee !== null && pointee !== ft) {
      this.report('E0304', inst, `callee ${this.n(callee)} has type ${this.t(callee.type)}, not a pointer to the call's function type ${this.t(ft)}`);
    }
    const n = ft.params.length;
    const got = i.argCount;
    if (ft.vararg ? got < n : got !== n) {
      this.report('E0304', inst, `'${inst.op}' passes ${got} argument${got === 1 ? '' : 's'} to a function of type ${this.t(ft)}`);
      return;
    }
    for (let k = 0; k < n; k++) {
      const a = i.arg(k);
      if (a.type !== ft.params[k]) this.report('E0304', inst, `argument ${k} of '${inst.op}' has type ${this.t(a.type)}, the parameter ${this.t(ft.params[k]!)}`);
    }
    this.sameType(inst, inst.type, ft.ret, resultAndReturnTypesOf);
  }

  // -- dominance ------------------------------------------------------------

  /** Whether each operand (and bundle input) of `i` is available where `i` uses it. */
  private checkUses(dt: DominatorTree, i: Instruction, into: Diagnostic[]): void {
    const ops = i.operands;
    for (let k = 0; k < ops.length; k++) this.checkUse(dt, i, ops[k]!, k, into);
    const op = i.op;
    if (op === 'call' || op === 'invoke' || op === 'callbr') {
      for (const bd of i.bundles ?? []) for (const v of bd.inputs) this.checkUse(dt, i, v, -1, into);
    }
  }

  private checkUse(dt: DominatorTree, user: Instruction, v: Value, index: number, into: Diagnostic[]): void {
    if (!isInstValue(v)) return;
    const defBB = v.parent;
    if (!defBB || defBB.parent !== this.fn) return; // reported as an invalid operand
    if (v === user && user.op !== 'phi') {
      this.report('E0302', user, `instruction ${this.n(user)} uses its own value (only a phi may)`, into);
      return;
    }
    if (dt.dominatesUse(v, user, index)) return;
    const where = user.op === 'phi' && index >= 0 && user.blocks[index]
      ? ` (incoming from ${this.n(user.blocks[index]!)})` : '';
    this.report('E0302', user, `${this.n(v)} does not dominate this use${where}`, into);
  }
}

/** All problems of one function, in block order (empty when it is valid). */
export function verifyFunction(fn: Function, file: SourceFile | null, m: Module | null = null): Diagnostic[] {
  return new FunctionVerifier(fn, file, m).run();
}

/** All problems of a module: every function read so far, and unresolved references in global initializers. */
export function verifyModule(m: Module, file: SourceFile | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  const namer = new ValueNamer(null);
  for (const g of m.globals) {
    if (g.deferredInit === null && g.init && containsRef(g.init, 0)) {
      const s = sourceSpan(g);
      out.push(diag('E0304', `unresolved reference in the initializer of ${namer.name(g)}`, file, s.start, s.end));
    }
  }
  // a deferred body (lazy loading) is verified when it is read
  for (const f of m.functions) if (f.deferred === null) out.push(...verifyFunction(f, file, m));
  return out;
}

function containsRef(v: Value, depth: number): boolean {
  if (v.vk === 'ref') return true;
  if (v.vk !== 'const' || depth > 64) return false;
  if (v instanceof ConstantExpr) return v.operands.some((x) => containsRef(x, depth + 1));
  if (v instanceof ConstantAggregate) return v.elems.some((x) => containsRef(x, depth + 1));
  return false;
}

/** Throws a DiagnosticError carrying every problem, if there is any. */
export function assertValid(target: Function | Module, file: SourceFile | null): void {
  const ds = 'vk' in target ? verifyFunction(target, file) : verifyModule(target, file);
  if (ds.length > 0) throw new DiagnosticError(ds);
}
