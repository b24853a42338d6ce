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
  if (inst && (code === 'E0401' || code === 'E0402' || code === 'E0403') && vectorized(inst)) {
    extra.push('this is vectorized code: compiling with -fno-vectorize -fno-slp-vectorize keeps it scalar');
  }
  // --loose-types is an option of grad and lower (check does not take it): say where it applies
  const own = (notes ?? []).map((n) => n.replace(/^pass --loose-types to treat it as non-differentiable \(with a warning\)$/,
    'pass --loose-types to grad or lower (or set ENZYME_LOOSE_TYPES=1) to treat it as non-differentiable, with a warning'));
  if (!extra.length) return notes ? own : undefined;
  return [...extra, ...own];
}
