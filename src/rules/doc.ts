// docs/instructions.md, generated from the rule registries (`npm run docs`);
// a test fails when the committed file is out of date.
import { ALL_INST_RULES, TRANSFORM_OWNED, ZERO_DERIVATIVE } from './instructions.js';
import { callRulesTable } from './calls.js';

export const UNSUPPORTED_IN_ACTIVE_CODE: ReadonlyArray<readonly [string, string]> = [
  ['atomicrmw, cmpxchg on active data', 'E0401: the reverse of an atomic update is not generated'],
  ['invoke / landingpad / callbr in the active path', 'E0401: compile with -fno-exceptions, or mark the callee inactive'],
  ['va_arg', 'never active (varargs carry no derivatives)'],
  ['inline asm touching active values', 'E0402: make its arguments const or keep it out of the differentiated function'],
  ['calls to external functions with no rule', 'E0402: make its arguments const or keep it out of the differentiated function'],
  ['floating data reached through an inttoptr of an integer from no single pointer', 'E0401'],
  ['loads / stores through a pointer that joins a dup and a const pointer (select, phi)', 'E0401: make the const argument dup'],
  ['integer arithmetic on the bits of an active float (bitcast back to floating)', 'E0403: register a custom derivative (docs/custom.md)'],
  ['variable-sized alloca of active memory', 'E0401'],
  ['pointers to active memory inside aggregates (`{ ptr, i64 }`, Rust slices at -O0)', 'E0401'],
  ['integer-typed loads / stores of floating data (`load i64` of a double, `<2 x i64>`, `i32` of a float), their phis, selects, shuffles, sign-bit `xor` / `and`', 'retyped to the floating type when the type analysis proves it, then differentiated ([ad.md](ad.md#integer-copies-of-floating-data)); otherwise E0403 (with --loose-types: a warning when the IR does not say what the memory holds)'],
  ['memcpy / memmove of memory whose element type cannot be deduced', 'E0403 (with --loose-types: a warning, the copy carries no derivative)'],
];

/** What forward mode does with the instructions the transform handles itself (the docs' forward column). */
const FORWARD_OWNED: Readonly<Record<string, string>> = {
  phi: 'a phi of the incoming values\' tangents',
  load: 't = shadow[p]',
  store: 'shadow[p] = tv (0 for a value without derivative)',
  call: 'math functions: rule registry; defined functions: their forward derivative `{ primal, tangent }`; memcpy/memmove: the shadow copied (or cleared); memset: the shadow cleared; malloc/calloc: a zeroed shadow; realloc/free: the shadow moved / freed',
  alloca: 'a zeroed shadow allocation',
  getelementptr: 'the same address computation on the shadow',
  inttoptr: 'as in reverse mode',
  'br / switch / ret': 'kept; `ret` returns the primal and / or the tangent',
  unreachable: 'kept',
};

export function instructionsDoc(): string {
  const out: string[] = [
    '# Supported instructions and functions',
    '',
    'Generated from the rule registries in `src/rules` by `npm run docs`; do not edit by hand.',
    'Each rule states its per-operand partials once (`src/rules/api.ts`): forward mode (`fwd`) applies',
    'them to the operands\' tangents and sums, reverse mode (`grad`) applies their transposes to the',
    'result\'s adjoint. In the tables, `t` is the tangent of the result and `ta` that of operand `a`;',
    '`d` is the adjoint of the result and `da += ...` accumulates into the adjoint of operand `a`.',
    '',
    '## Instructions with a derivative rule',
    '',
    '| instruction | forward | reverse |',
    '|---|---|---|',
    ...ALL_INST_RULES.map((r) => `| \`${r.op}\` | ${r.fwdDoc ?? 'the partials applied to the tangents'} | ${r.doc} |`),
    '',
    '## Handled by the transform itself',
    '',
    '| instruction | forward | reverse |',
    '|---|---|---|',
    ...TRANSFORM_OWNED.map(([op, doc]) => `| \`${op}\` | ${FORWARD_OWNED[op] ?? ''} | ${doc} |`),
    '',
    '## Zero derivative (kept in the forward sweep only)',
    '',
    ZERO_DERIVATIVE.map((o) => `\`${o}\``).join(', '),
    '',
    '## Not differentiable when active',
    '',
    '| construct | result |',
    '|---|---|',
    ...UNSUPPORTED_IN_ACTIVE_CODE.map(([c, r]) => `| ${c} | ${r} |`),
    '',
    '## Calls',
    '',
    'Looked up by callee name; intrinsic type suffixes (`.f64`, `.v4f64`, `.p0i8`) are ignored.',
    '`rule`: differentiated; `zero`: result has no derivative; `inactive`: no effect on derivatives.',
    'The derivative column holds for both modes: forward mode multiplies each argument\'s tangent by',
    'its partial and sums (`t = f\'(x) tx`), reverse mode multiplies the result\'s adjoint by the same',
    'partial and accumulates it into the argument (`dx += f\'(x) d`).',
    'Functions defined in the module are differentiated recursively (reverse mode: augmented forward +',
    'reverse; forward mode: their forward derivative);',
    '`malloc`, `calloc`, `realloc`, `free`, `memcpy`, `memmove` and `memset` get shadow-memory treatment (`realloc` of active memory: the shadow moves with it; the old shadow\'s size is `malloc_usable_size`).',
    '',
    callRulesTable().trimEnd(),
    '',
  ];
  return out.join('\n');
}
