// Every opcode of the IR is accounted for: differentiable by a rule, handled
// by the transform, zero-derivative, or reported as unsupported (DESIGN.md,
// convention 1). And the generated docs table is current.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_INST_RULES, TRANSFORM_OWNED, ZERO_DERIVATIVE } from '../../src/rules/instructions.js';
import { instructionsDoc } from '../../src/rules/doc.js';
import type { Opcode } from '../../src/ir/instructions.js';
import { ROOT } from '../util/llvm.js';

const ALL_OPCODES: Record<Opcode, true> = {
  fneg: true, add: true, sub: true, mul: true, udiv: true, sdiv: true, urem: true, srem: true, shl: true, lshr: true,
  ashr: true, and: true, or: true, xor: true, fadd: true, fsub: true, fmul: true, fdiv: true, frem: true,
  trunc: true, zext: true, sext: true, fptrunc: true, fpext: true, fptoui: true, fptosi: true, uitofp: true, sitofp: true,
  ptrtoint: true, inttoptr: true, bitcast: true, addrspacecast: true, icmp: true, fcmp: true, phi: true, select: true,
  freeze: true, call: true, load: true, store: true, alloca: true, getelementptr: true, fence: true, cmpxchg: true,
  atomicrmw: true, extractvalue: true, insertvalue: true, extractelement: true, insertelement: true, shufflevector: true,
  va_arg: true, landingpad: true, catchpad: true, cleanuppad: true, ret: true, br: true, switch: true, indirectbr: true,
  invoke: true, callbr: true, resume: true, unreachable: true, catchswitch: true, catchret: true, cleanupret: true,
};

/** Never active: they produce no floating value and move no floating data. */
const NEVER_ACTIVE = ['va_arg', 'landingpad', 'catchpad', 'cleanuppad', 'indirectbr', 'resume', 'catchswitch', 'catchret', 'cleanupret', 'cmpxchg', 'invoke', 'callbr'];

describe('rule coverage', () => {
  it('every opcode is differentiable, handled, zero, or never active', () => {
    const known = new Set<string>([
      ...ALL_INST_RULES.map((r) => r.op),
      ...TRANSFORM_OWNED.flatMap(([op]) => op.split(' / ')),
      ...ZERO_DERIVATIVE,
      ...NEVER_ACTIVE,
    ]);
    const missing = Object.keys(ALL_OPCODES).filter((op) => !known.has(op));
    expect(missing).toEqual([]);
  });
  it('docs/instructions.md is generated from the registry (npm run docs)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'instructions.md'), 'utf8')).toBe(instructionsDoc());
  });
});
