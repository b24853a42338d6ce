// Stack slots that hold nothing but pointers: what clang -O0 makes of pointer arguments and
// locals (`%p.addr = alloca ptr`, a store of the argument, loads wherever it is used). Both the
// activity analysis and the release of shadows see through them: a pointer loaded from such a
// slot is one of the pointers stored into it.
import type { Function } from '../ir/function.js';
import type { Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';

/**
 * The allocas whose every use is a load from them or a store into them of a value `isPointer`
 * accepts (lifetime and debug intrinsics aside), each with the values stored; a slot stored
 * into nothing is kept, with none.
 */
export function pointerSpillSlots(fn: Function, isPointer: (v: Value) => boolean): Map<Value, Value[]> {
  const slots = new Map<Value, Value[]>();
  const bad = new Set<Value>();
  for (const b of fn.blocks) for (const i of b.instructions) if (i.op === 'alloca') slots.set(i, []);
  if (!slots.size) return slots;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'load') continue;
      if (i.op === 'store' && slots.has(i.operands[1]!) && i.operands[0] !== i.operands[1]) {
        const v = i.operands[0]!;
        if (isPointer(v)) slots.get(i.operands[1]!)!.push(v); else bad.add(i.operands[1]!);
        if (slots.has(v)) bad.add(v);
        continue;
      }
      if (isMarker(i)) continue;
      for (const o of i.operands) if (slots.has(o)) bad.add(o);
    }
  }
  for (const s of bad) slots.delete(s);
  return slots;
}

/** `llvm.lifetime.*` and `llvm.dbg.*` calls: they neither read nor write the slot's contents. */
function isMarker(i: Instruction): boolean {
  if (i.op !== 'call') return false;
  const name = i.callee.name ?? '';
  return name.startsWith('llvm.lifetime.') || name.startsWith('llvm.dbg.');
}
