// Bits of an integer value that are known to be zero, from the instructions that compute it
// (what LLVM's computeKnownBits finds for the packing code of the x86-64 ABI: zext, shifts and
// masks by constants, `or`). Used to prove an `or` disjoint (src/analysis/floatbits.ts) and to
// split the derivative of an `or` between its operands (src/rules/instructions.ts).

import { ConstantInt } from './constants.js';
import type { Instruction } from './instructions.js';
import type { Value } from './value.js';

function intBits(v: Value): number { return v.type.kind === 'int' ? v.type.bits : 0; }

/** Bits of `v` known to be zero (a structural look: zext, shl, lshr, and with a constant, or, constants). */
export function knownZeroBits(v: Value, depth = 0): bigint {
  if (v.type.kind !== 'int') return 0n;
  const n = v.type.bits;
  const all = (1n << BigInt(n)) - 1n;
  if (v instanceof ConstantInt) return ~BigInt.asUintN(n, v.value) & all;
  if (v.vk === 'const' && (v as unknown as { ck: string }).ck === 'zero') return all;
  if (v.vk !== 'inst' || depth > 8) return 0n;
  const i = v as Instruction;
  const [a, b] = i.operands;
  switch (i.op) {
    case 'zext': return all & ~((1n << BigInt(intBits(a!))) - 1n) | (knownZeroBits(a!, depth + 1));
    case 'shl': return b instanceof ConstantInt ? ((knownZeroBits(a!, depth + 1) << b.value) | ((1n << b.value) - 1n)) & all : 0n;
    case 'lshr': return b instanceof ConstantInt ? ((knownZeroBits(a!, depth + 1) >> b.value) | (all & ~(all >> b.value))) & all : 0n;
    case 'and': return (knownZeroBits(a!, depth + 1) | knownZeroBits(b!, depth + 1)) & all;
    case 'or': return knownZeroBits(a!, depth + 1) & knownZeroBits(b!, depth + 1);
    case 'freeze': return knownZeroBits(a!, depth + 1);
    case 'select': return knownZeroBits(i.operands[1]!, depth + 1) & knownZeroBits(i.operands[2]!, depth + 1);
    case 'phi': {
      // Every incoming value (a loop's phi meets itself: it adds nothing then).
      let z = all;
      for (const o of i.operands) if (o !== i) z &= knownZeroBits(o, depth + 1);
      return z;
    }
    default: return 0n;
  }
}

