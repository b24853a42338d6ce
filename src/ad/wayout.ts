// The notes of a "cannot differentiate" error that name the real way out, from what the
// instruction is (Transform.error passes every error through here): a declared function may
// be defined in another module (llvm-link it in), vectorized code can be compiled scalar.
import type { Code } from '../diag/codes.js';
import type { Value } from '../ir/value.js';
import type { Instruction } from '../ir/instructions.js';
import { calledFunction } from './calls.js';

function isVector(v: Value): boolean {
  return v.type.kind === 'vector';
}

/** Whether the instruction is vectorized code: a vector result or operand, or a vector intrinsic. */
function vectorized(i: Instruction): boolean {
  if (i.op === 'shufflevector' || i.op === 'extractelement' || i.op === 'insertelement') return true;
  if (isVector(i) || i.operands.some(isVector)) return true;
  if (i.op === 'call' || i.op === 'invoke') {
    const name = calledFunction(i)?.name ?? '';
    return /^llvm\.(vector\.|masked\.|vp\.|experimental\.vector)/.test(name);
  }
  return false;
}

/** Rust's `Vec` allocation code (`alloc::raw_vec`, legacy or v0 mangling), where the error is or what it calls. */
function rustVecCode(i: Instruction): boolean {
  const names = [i.parent?.parent?.name ?? ''];
  if (i.op === 'call' || i.op === 'invoke') names.push(calledFunction(i)?.name ?? '');
  return names.some((n) => /^(_ZN|_R).*(7raw_vec|alloc\.\.vec\.\.|5alloc3vec)/.test(n));
}

const RUST_VEC_NOTE = 'this is Rust\'s Vec allocation code (alloc::raw_vec): a Vec created or grown inside the differentiated function. '
  + 'In the IR of a library crate std\'s allocator is only declared: build the program with `enzyme-ts cargo` (fat LTO puts it in the module). '
  + 'Or pass the buffer in as a Duplicated &mut [f64]';

/**
 * The notes of an error at `at` (the primal instruction or a copy of it), with the way out
 * that applies to this instruction added first.
 */
export function wayOutNotes(code: Code, at: Value | null, notes: readonly string[] | undefined, fileName?: string): string[] | undefined {
  const extra: string[] = [];
  const inst = at && at.vk === 'inst' ? ((at as Instruction).origin ?? (at as Instruction)) : null;
  if (inst && code === 'E0402' && (inst.op === 'call' || inst.op === 'invoke')) {
    const fn = calledFunction(inst);
    if (fn && fn.isDeclaration && fn.name !== null && !fn.name.startsWith('llvm.')) {
      extra.push(`@${fn.name} is only declared in this module: if another file defines it, link the two first (llvm-link ${fileName && fileName !== '<stdin>' ? fileName : 'this.ll'} other.ll -S -o linked.ll) and differentiate the linked module`);
    }
  }
  if (inst && (code === 'E0401' || code === 'E0402' || code === 'E0403') && rustVecCode(inst)) {
    extra.push(RUST_VEC_NOTE);
  }
  if (inst && (code === 'E0401' || code === 'E0402' || code === 'E0403') && vectorized(inst)) {
    extra.push('this is vectorized code: compiling with -fno-vectorize -fno-slp-vectorize keeps it scalar');
  }
  // --loose-types is an option of grad and lower (check does not take it): say where it applies
  const own = (notes ?? []).map((n) => n.replace(/^pass --loose-types to treat it as non-differentiable \(with a warning\)$/,
    'pass --loose-types to grad or lower (or set ENZYME_LOOSE_TYPES=1) to treat it as non-differentiable, with a warning'));
  if (!extra.length) return notes ? own : undefined;
  return [...extra, ...own];
}
