// Token types. The lexer (lexer.ts) is hand-written for speed and produces
// Chevrotain token instances of these types; Chevrotain's own lexer is not used
// (patterns are Lexer.NA). Categories group keywords the grammar treats alike.
import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';
import { KEYWORDS } from './keywords.js';

const NA = Lexer.NA;

/** Any token but a parenthesis: the contents of raw `( ... )` groups kept verbatim. */
export const NonParen = createToken({ name: 'NonParen', pattern: NA });
/** Keyword or plain word: atoms of metadata fields and raw attribute arguments. */
export const AnyWord = createToken({ name: 'AnyWord', pattern: NA, categories: [NonParen] });
export const BinaryOpKw = createToken({ name: 'BinaryOpKw', pattern: NA });
export const CastOpKw = createToken({ name: 'CastOpKw', pattern: NA });
export const PredKw = createToken({ name: 'PredKw', pattern: NA });
export const OrderingKw = createToken({ name: 'OrderingKw', pattern: NA });
export const FlagKw = createToken({ name: 'FlagKw', pattern: NA });
export const RmwOpKw = createToken({ name: 'RmwOpKw', pattern: NA });
export const FloatTypeKw = createToken({ name: 'FloatTypeKw', pattern: NA });

function tok(name: string, ...categories: TokenType[]): TokenType {
  return createToken({ name, pattern: NA, categories: [NonParen, ...categories] });
}

export const LocalVar = tok('LocalVar'); // %name, %"quoted"
export const LocalId = tok('LocalId'); // %12
export const GlobalVar = tok('GlobalVar'); // @name
export const GlobalId = tok('GlobalId'); // @3
export const MetadataVar = tok('MetadataVar'); // !dbg, !DILocation, !llvm.module.flags
export const MetadataId = tok('MetadataId'); // !12
export const AttrGrpId = tok('AttrGrpId'); // #0
export const ComdatVar = tok('ComdatVar'); // $name
export const SummaryId = tok('SummaryId'); // ^0
export const StringConstant = tok('StringConstant'); // "..."
export const CString = tok('CString'); // c"..."
export const LabelStr = tok('LabelStr'); // name:  12:  "quoted":
export const IntLit = tok('IntLit');
export const FPLit = tok('FPLit');
export const HexInt = tok('HexInt'); // u0x.. s0x..
export const IntType = tok('IntType'); // i32
export const Word = tok('Word', AnyWord);
export const DbgRecord = tok('DbgRecord'); // #dbg_value
export const Equals = tok('Equals');
export const Comma = tok('Comma');
export const Star = tok('Star');
export const LBracket = tok('LBracket');
export const RBracket = tok('RBracket');
export const LBrace = tok('LBrace');
export const RBrace = tok('RBrace');
export const LParen = createToken({ name: 'LParen', pattern: NA });
export const RParen = createToken({ name: 'RParen', pattern: NA });
export const Less = tok('Less');
export const Greater = tok('Greater');
export const Exclaim = tok('Exclaim');
export const DotDotDot = tok('DotDotDot');
export const Pipe = tok('Pipe');
export const Colon = tok('Colon');

const categoryOf: Record<string, TokenType[]> = {
  binary: [BinaryOpKw],
  cast: [CastOpKw],
  predicates: [PredKw],
  flags: [FlagKw],
  rmw: [RmwOpKw],
};

/** Keyword token types by their text. */
export const KW = new Map<string, TokenType>();
for (const [cat, words] of Object.entries(KEYWORDS)) {
  for (const w of words) {
    if (KW.has(w)) continue;
    const cats: TokenType[] = [AnyWord, ...(categoryOf[cat] ?? [])];
    KW.set(w, tok(`K_${w}`, ...cats));
  }
}
// Words that belong to more than one category.
function kw(w: string): TokenType {
  const t = KW.get(w);
  if (!t) throw new Error(`keyword ${w} missing from keywords.ts`);
  return t;
}
// and/or/xor/add/sub/fadd/fsub... are also atomicrmw operations; true/false also fcmp predicates;
// min/max/fmax/fmin are rmw ops only. Categories must be declared at creation, so rebuild those few.
const EXTRA_CATEGORIES: Array<[string, TokenType]> = [
  ['add', RmwOpKw], ['sub', RmwOpKw], ['and', RmwOpKw], ['or', RmwOpKw], ['xor', RmwOpKw],
  ['fadd', RmwOpKw], ['fsub', RmwOpKw], ['true', PredKw], ['false', PredKw],
];
for (const [w, cat] of EXTRA_CATEGORIES) {
  const t = kw(w);
  const cats = (t.CATEGORIES ?? []).filter((c) => c !== NonParen);
  KW.set(w, tok(`K_${w}`, ...cats, cat));
}
for (const w of KEYWORDS.memory.slice(3, 9)) KW.set(w, tok(`K_${w}`, AnyWord, OrderingKw));
for (const w of ['half', 'bfloat', 'float', 'double', 'x86_fp80', 'fp128', 'ppc_fp128']) {
  KW.set(w, tok(`K_${w}`, AnyWord, FloatTypeKw));
}
export const K = (w: string): TokenType => kw(w);

/**
 * The text of a keyword token as the string constant of keywords.ts, or any other token's image.
 * An opcode, predicate or ordering read through this is an internalized string, so the
 * `switch (i.op)` statements all over the tool compare pointers rather than characters (a
 * token's `image` is a fresh slice of the source).
 */
const KW_TEXT = new Map<TokenType, string>();
for (const [w, t] of KW) KW_TEXT.set(t, w);
export function keywordText(t: IToken): string {
  return KW_TEXT.get(t.tokenType) ?? t.image;
}

export const allTokens: TokenType[] = [
  NonParen, AnyWord, BinaryOpKw, CastOpKw, PredKw, OrderingKw, FlagKw, RmwOpKw, FloatTypeKw,
  LocalVar, LocalId, GlobalVar, GlobalId, MetadataVar, MetadataId, AttrGrpId, ComdatVar, SummaryId,
  StringConstant, CString, LabelStr, IntLit, FPLit, HexInt, IntType, Word, DbgRecord,
  Equals, Comma, Star, LBracket, RBracket, LBrace, RBrace, LParen, RParen, Less, Greater,
  Exclaim, DotDotDot, Pipe, Colon,
  ...new Set(KW.values()),
];
