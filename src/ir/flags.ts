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
