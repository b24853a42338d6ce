// Instruction / constant-expression flags as one bit set.

export const F = {
  NUW: 1 << 0,
  NSW: 1 << 1,
  EXACT: 1 << 2,
  DISJOINT: 1 << 3,
  NNEG: 1 << 4,
  SAMESIGN: 1 << 5,
  INBOUNDS: 1 << 6,
  NUSW: 1 << 7,
  // fast-math flags
  REASSOC: 1 << 10,
  NNAN: 1 << 11,
  NINF: 1 << 12,
  NSZ: 1 << 13,
  ARCP: 1 << 14,
  CONTRACT: 1 << 15,
  AFN: 1 << 16,
} as const;

export const FMF_ALL = F.REASSOC | F.NNAN | F.NINF | F.NSZ | F.ARCP | F.CONTRACT | F.AFN;

/** Flag words in the order LLVM prints them. `fast` means all fast-math flags. */
export const FLAG_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['inbounds', F.INBOUNDS], ['nusw', F.NUSW],
  ['nuw', F.NUW], ['nsw', F.NSW], ['exact', F.EXACT], ['disjoint', F.DISJOINT], ['nneg', F.NNEG],
  ['samesign', F.SAMESIGN],
  ['reassoc', F.REASSOC], ['nnan', F.NNAN], ['ninf', F.NINF], ['nsz', F.NSZ], ['arcp', F.ARCP],
  ['contract', F.CONTRACT], ['afn', F.AFN],
];

export const FLAG_BY_WORD: ReadonlyMap<string, number> = new Map<string, number>([
  ...FLAG_WORDS,
  ['fast', FMF_ALL],
]);

const WRAP = F.NUW | F.NSW;
const GEP = F.INBOUNDS | F.NUSW | F.NUW;

/**
 * The flags an opcode admits in any LLVM version from 14 to 22 (instructions and constant
 * expressions alike). A call, phi or select admits fast-math flags only on a floating-point
 * result, which its builder checks (floatingResult).
 */
export function allowedFlags(op: string): number {
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'shl': case 'trunc': return WRAP;
    case 'udiv': case 'sdiv': case 'lshr': case 'ashr': return F.EXACT;
    case 'or': return F.DISJOINT;
    case 'zext': case 'uitofp': return F.NNEG;
    case 'icmp': return F.SAMESIGN;
    case 'getelementptr': return GEP;
    case 'fadd': case 'fsub': case 'fmul': case 'fdiv': case 'frem': case 'fneg': case 'fcmp':
    case 'phi': case 'select': case 'call': case 'fptrunc': case 'fpext':
      return FMF_ALL;
    default: return 0;
  }
}
