// TEMPORARY stand-in until the full registry lands (helper branch `rules`).
import type { CallRule } from './api.js';

const inactive: CallRule = { names: [], doc: 'no derivative', kind: 'inactive' };
export function lookupCallRule(name: string): CallRule | undefined {
  if (name.startsWith('llvm.dbg.') || name.startsWith('llvm.lifetime.') || name === 'printf' || name === 'puts') return inactive;
  if (name.startsWith('llvm.sqrt.') || name === 'sqrt') {
    return {
      names: ['sqrt'], doc: '', kind: 'rule',
      reverse(c, call, args) { const x = args[0]!; c.add(x, c.b.fdiv(c.b.fmul(c.d, c.fp(x.type, 0.5)), c.primal(call))); },
    };
  }
  if (name.startsWith('llvm.fmuladd.') || name.startsWith('llvm.fma.')) {
    return {
      names: ['fmuladd'], doc: '', kind: 'rule',
      reverse(c, _call, args) {
        const [a, b, z] = args;
        if (c.active(a!)) c.add(a!, c.b.fmul(c.d, c.primal(b!)));
        if (c.active(b!)) c.add(b!, c.b.fmul(c.d, c.primal(a!)));
        c.add(z!, c.d);
      },
    };
  }
  return undefined;
}
