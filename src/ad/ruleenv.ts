// The rules' view of the function being generated (src/rules/api.ts), the same
// for both modes: the mode decides where primal values come from.

import { constFP, type IRBuilder } from '../ir/builder.js';
import type { Value } from '../ir/value.js';
import type { Partials, RuleEnv } from '../rules/api.js';
import { overloadedName } from '../rules/calls.js';
import type { DiffContext } from './signature.js';

export function makeRuleEnv(ctx: DiffContext, b: IRBuilder, primal: (v: Value) => Value, active: (v: Value) => boolean, afterBlock = false): RuleEnv {
  return {
    b, module: ctx.module, primal, active, afterBlock,
    fp: (t, x) => constFP(t, x),
    callMath: (name, args, ret) => {
      const rt = ret ?? args[0]!.type;
      const full = overloadedName(name, args);
      const f = ctx.declare(full, rt, args.map((a) => a.type));
      return b.call(f, args, null, f.fnType);
    },
  };
}

/** The active operands of `operands` with their partials, in operand order. */
export function activePartials(partials: Partials, operands: readonly Value[], active: (v: Value) => boolean): { k: number; v: Value; p: NonNullable<Partials[number]> }[] {
  const out: { k: number; v: Value; p: NonNullable<Partials[number]> }[] = [];
  operands.forEach((v, k) => {
    const p = partials[k];
    if (p && active(v)) out.push({ k, v, p });
  });
  return out;
}
