// Every diagnostic code, in one table. Codes are stable: never renumber, only add.

export type Severity = 'error' | 'warning' | 'note';

export interface CodeInfo {
  readonly title: string;
  /** Exit code when this diagnostic is an error: 1 bad input, 2 bad usage, 3 internal. */
  readonly exit: 1 | 2 | 3;
}

export const CODES = {
  // 0xxx: lexical and syntax
  E0001: { title: 'syntax error', exit: 1 },
  E0002: { title: 'invalid character', exit: 1 },
  E0003: { title: 'unterminated string', exit: 1 },
  E0004: { title: 'invalid number', exit: 1 },
  E0005: { title: 'input is not text', exit: 1 },
  // 01xx: names and references
  E0101: { title: 'undefined value', exit: 1 },
  E0102: { title: 'redefinition', exit: 1 },
  E0103: { title: 'numbering out of order', exit: 1 },
  E0104: { title: 'undefined type', exit: 1 },
  E0105: { title: 'undefined block', exit: 1 },
  E0106: { title: 'undefined metadata', exit: 1 },
  E0107: { title: 'undefined attribute group', exit: 1 },
  E0108: { title: 'undefined comdat', exit: 1 },
  E0109: { title: 'invalid use-list order', exit: 1 },
  // 012x: writing for another LLVM version (`--target-llvm`)
  E0120: { title: 'not expressible in the target LLVM version', exit: 1 },
  E0121: { title: 'the target LLVM needs a flag to read the output', exit: 1 },
  // 02xx: types
  E0201: { title: 'type mismatch', exit: 1 },
  E0202: { title: 'invalid type', exit: 1 },
  E0203: { title: 'invalid index', exit: 1 },
  E0204: { title: 'invalid constant', exit: 1 },
  E0205: { title: 'invalid data layout', exit: 1 },
  E0206: { title: 'invalid flag', exit: 1 },
  // 03xx: structure (verifier)
  E0301: { title: 'missing terminator', exit: 1 },
  E0302: { title: 'instruction does not dominate its use', exit: 1 },
  E0303: { title: 'invalid phi', exit: 1 },
  E0304: { title: 'invalid operand', exit: 1 },
  E0305: { title: 'terminator in the middle of a block', exit: 1 },
  E0306: { title: 'invalid function', exit: 1 },
  E0307: { title: 'irreducible control flow', exit: 1 },
  E0308: { title: 'invalid attribute', exit: 1 },
  E0309: { title: 'invalid atomic access', exit: 1 },
  E0310: { title: 'invalid exception handling', exit: 1 },
  E0311: { title: 'invalid metadata attachment', exit: 1 },
  // 04xx: differentiation
  E0401: { title: 'cannot differentiate this construct', exit: 1 },
  E0402: { title: 'no derivative for an external function', exit: 1 },
  E0403: { title: 'cannot deduce the type of memory', exit: 1 },
  E0404: { title: 'activity does not fit the parameter', exit: 2 },
  E0405: { title: 'no such function', exit: 2 },
  E0406: { title: 'derivative check failed', exit: 1 },
  E0407: { title: 'cannot run the derivative', exit: 1 },
  E0408: { title: 'custom derivative does not fit', exit: 1 },
  E0409: { title: 'active data in a global without a shadow', exit: 1 },
  // 042x: Enzyme's C ABI (`lower`)
  E0421: { title: 'invalid __enzyme call', exit: 1 },
  E0422: { title: 'unsupported Enzyme entry point', exit: 1 },
  E0423: { title: 'tape memory too small', exit: 1 },
  // 044x: `check`
  E0440: { title: 'check cannot drive this parameter', exit: 1 },
  E0441: { title: 'lli is older than the module', exit: 1 },
  // 046x: `enzyme-ts cargo` (Rust toolchain, LLVM helper, link step)
  E0460: { title: 'no Rust toolchain', exit: 1 },
  E0461: { title: 'the toolchain has no LLVM library', exit: 1 },
  E0462: { title: 'cannot build the LLVM helper', exit: 1 },
  E0463: { title: 'cannot run cargo', exit: 1 },
  E0464: { title: 'cannot link the differentiated program', exit: 1 },
  // 047x: derivatives that would be silently wrong (refused instead)
  E0470: { title: 'active data written into const memory and read back', exit: 1 },
  // 09xx: files and usage
  E0901: { title: 'cannot read input', exit: 1 },
  E0902: { title: 'cannot write output', exit: 1 },
  E0903: { title: 'invalid usage', exit: 2 },
  E0904: { title: 'no C type for this value', exit: 1 },
  E0905: { title: 'derivative cannot be called from C as it is', exit: 2 },
  E0906: { title: 'C calling convention of the target not supported', exit: 1 },
  // 099x: internal
  E0999: { title: 'internal error', exit: 3 },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
