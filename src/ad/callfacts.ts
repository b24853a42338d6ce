// What a caller knows of the pointers it passes, handed to the callee's derivative: a callee that
// copies memory with `memcpy` may know nothing of what it copies (an -O0 copy constructor with
// opaque pointers, rustc's -O0 iterator adapters moved by `Iterator::map`), while its caller's
// type analysis does. Shared by reverse mode's split pairs and forward mode's callees.
import type { Function } from '../ir/function.js';
import type { CallBase, CallInst, Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import type { DataLayout } from '../ir/layout.js';
import { ConstantInt } from '../ir/constants.js';
import { rustShimName } from '../analysis/mangled.js';
import { underlyingObjects } from '../analysis/memory.js';
import { TypeTree } from '../analysis/types.js';
import { aggregateType, flatten, type LayoutField } from './memkind.js';
import type { FunctionFacts } from './facts.js';

/**
 * What the caller `f` knows of each pointer argument of call `i` (its type tree, with the
 * object's declared struct layout where the tree says nothing), when `callee` copies memory or
 * reads integers through pointers (needsCallerFacts);
 * null when it does neither (the callee's derivative then needs nothing from the caller).
 */
export function callerArgTypes(f: FunctionFacts, i: CallBase, callee: Function, dl: DataLayout): (TypeTree | null)[] | null {
  if (!needsCallerFacts(callee)) return null;
  const ta = f.types();
  return i.args().map((a) => (a.type.kind === 'pointer' ? withDeclaredLayout(ta.tree(a), declaredObjectType(a, f.prim), dl) : null));
}

const copying = new WeakMap<Function, boolean>();
/**
 * Whether `fn`, or a function it calls (directly, a few levels down), calls `llvm.memcpy` /
 * `llvm.memmove` or reallocates (the copies whose memory only a caller knows), or loads or
 * stores an integer through memory that is not its own stack (rustc's -O0 iterator adapters
 * read their integer fields, `Windows`' size, `StepBy`'s step, through `&mut self`; what they
 * hold only the caller that built the adapter knows).
 */
function needsCallerFacts(fn: Function, depth = 0, visiting = new Set<Function>()): boolean {
  const have = copying.get(fn);
  if (have !== undefined) return have;
  if (fn.isDeclaration || visiting.has(fn)) return false;
  if (depth > 6) return true;
  visiting.add(fn);
  let r = false;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if ((i.op === 'load' || i.op === 'store') && integerThroughPointer(i)) { r = true; break; }
      if (i.op !== 'call' && i.op !== 'invoke') continue;
      const c = (i as CallInst).callee;
      if (c.vk !== 'function') continue;
      const cf = c as Function;
      // A reallocation moves memory as a copy does (RawVec's `finish_grow` reallocates a Vec's buffer).
      const name = cf.name ?? '';
      if (/^llvm\.mem(cpy|move)\./.test(name) || name === 'realloc' || rustShimName(name) === '__rust_realloc' || needsCallerFacts(cf, depth + 1, visiting)) { r = true; break; }
    }
    if (r) break;
  }
  visiting.delete(fn);
  if (depth === 0 || r) copying.set(fn, r);
  return r;
}

/** An integer load or store (16 bits or more) whose address is not a stack slot of its own function. */
function integerThroughPointer(i: Instruction): boolean {
  const t = i.op === 'load' ? i.type : (i as Instruction & { op: 'store' }).value.type;
  const st = t.kind === 'vector' ? t.elem : t;
  if (st.kind !== 'int' || st.bits < 16) return false;
  const roots = underlyingObjects(i.operands[i.op === 'load' ? 0 : 1]!);
  return !roots || [...roots].some((r) => !(r.vk === 'inst' && (r as Instruction).op === 'alloca'));
}

/**
 * The struct type the IR gives the object `p` points to the start of: its alloca's, a GEP's
 * with constant indices (the field it selects), or the source type of a GEP of `fn` that takes
 * `p` as the base of that struct. null when nothing says.
 */
function declaredObjectType(p: Value, fn: Function): Type | null {
  const isStruct = (t: Type | null | undefined): t is Type => !!t && t.kind === 'struct' && !!t.elems?.length;
  const own = aggregateType(p);
  if (own && isStruct(own)) return own;
  if (p.vk === 'inst' && (p as Instruction).op === 'getelementptr') {
    const g = p as Instruction & { srcType: Type };
    const idx = g.operands.slice(1);
    if (idx.length >= 2 && idx.every((x) => x instanceof ConstantInt) && (idx[0] as ConstantInt).value === 0n) {
      let t: Type | null = g.srcType;
      for (const x of idx.slice(1)) {
        const k = Number((x as ConstantInt).value);
        t = t && t.kind === 'struct' ? t.elems?.[k] ?? null : t && (t.kind === 'array' || t.kind === 'vector') ? t.elem : null;
      }
      if (isStruct(t)) return t;
    }
  }
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'getelementptr' || i.operands[0] !== p || !isStruct(i.srcType)) continue;
      const first = i.operands[1];
      if (first instanceof ConstantInt && first.value === 0n) return i.srcType;
    }
  }
  return null;
}

/**
 * A copy of `tree` (a pointer's) with the object's declared layout added where the tree says
 * nothing: its pointer fields, and its integer fields and padding as integers (the bytes a copy
 * constructor's `memcpy` moves beside a pointer: empty members, tail padding).
 */
function withDeclaredLayout(tree: TypeTree, t: Type | null, dl: DataLayout): TypeTree {
  const out = new TypeTree();
  for (const e of tree.under([])) out.insert(e.rest, e.s);
  for (const x of tree.stridesUnder([])) out.setStride(x.rest, x.stride);
  if (!t) return out;
  const fields: LayoutField[] = [];
  if (!flatten(t, 0, fields, dl)) return out;
  const size = dl.allocSize(t);
  if (size > 4096) return out;
  const covered = new Uint8Array(size);
  for (const fl of fields) {
    const w = fl.kind === 'double' ? 8 : fl.kind === 'float' ? 4 : fl.kind === 'half' ? 2 : dl.pointerBytes;
    covered.fill(1, fl.offset, Math.min(size, fl.offset + w));
    if (fl.kind === 'pointer' && out.get([0, fl.offset]) === null) out.insert([0, fl.offset], 'pointer');
  }
  for (let o = 0; o < size; o++) if (!covered[o] && out.get([0, o]) === null) out.insert([0, o], 'integer');
  return out;
}
