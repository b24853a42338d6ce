// A hand-written scanner following LLVM's LLLexer. It produces Chevrotain
// tokens; it is several times faster than a regex-per-token lexer on
// multi-megabyte modules, which is where the tool's speed budget goes.
import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { fail } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';

/** A token; its image is sliced from the source on demand (most tokens are never asked for theirs). */
export class Tok implements IToken {
  constructor(
    public tokenType: TokenType,
    public tokenTypeIdx: number,
    public src: string,
    public startOffset: number,
    public endOffset: number,
  ) {}
  get image(): string { return this.src.slice(this.startOffset, this.endOffset + 1); }
}

/**
 * The decimal number after a token's first character (`%12`, `@3`, `!7`, `i32`), read from the
 * source without slicing a string out of it.
 */
export function sigilNumber(t: IToken): number {
  const s = (t as Tok).src;
  let n = 0;
  for (let k = t.startOffset + 1; k <= t.endOffset!; k++) n = n * 10 + (s.charCodeAt(k) - 48);
  return n;
}

/** The raw name after a token's sigil, sliced once from the source: `%x` -> `x`, `%"a b"` -> `a b` (raw), `%12` -> `12`. */
export function sigilName(t: IToken): string {
  const s = (t as Tok).src;
  return s.charCodeAt(t.startOffset + 1) === 0x22 ? s.slice(t.startOffset + 2, t.endOffset!) : s.slice(t.startOffset + 1, t.endOffset! + 1);
}

/**
 * Token objects recycled from one chunk to the next (parse.ts lexes and parses a module in
 * chunks and drops each chunk's tokens before lexing the next): a multi-megabyte module then
 * allocates a few thousand tokens instead of millions. Whoever passes a pool must not keep a
 * token of one chunk once the next chunk is lexed.
 */
export class TokenPool {
  readonly toks: Tok[] = [];
  /** Tokens of the current chunk (the first `count` of `toks`). */
  count = 0;
  /** Appends a token the source spells at [from, to) (for tokens made without lexing, see lazy.ts). */
  push(tt: TokenType, src: string, from: number, to: number): void {
    const t = this.toks[this.count];
    if (t === undefined) this.toks.push(new Tok(tt, tt.tokenTypeIdx!, src, from, to - 1));
    else { t.tokenType = tt; t.tokenTypeIdx = tt.tokenTypeIdx!; t.src = src; t.startOffset = from; t.endOffset = to - 1; }
    this.count++;
  }
  /** This chunk's tokens (a fresh array of the pooled objects). */
  tokens(): Tok[] { return this.toks.slice(0, this.count); }
}

export interface LexResult {
  tokens: Tok[];
  /** `ptr` appeared: the module uses opaque pointers (typed `T*` then also means `ptr`, as in LLVM >= 15). */
  sawPtrKeyword: boolean;
}

// Character classes.
const C_LABEL = 1; // [-a-zA-Z$._0-9]
const C_WORD = 2; // [a-zA-Z0-9_]
const C_DIGIT = 4;
const C_HEX = 8;
const C_SPACE = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let k = 0;
  if (/[-a-zA-Z$._0-9]/.test(ch)) k |= C_LABEL;
  if (/[a-zA-Z0-9_]/.test(ch)) k |= C_WORD;
  if (/[0-9]/.test(ch)) k |= C_DIGIT;
  if (/[0-9a-fA-F]/.test(ch)) k |= C_HEX;
  if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') k |= C_SPACE;
  CLASS[c] = k;
}
const cls = (c: number): number => (c < 128 ? CLASS[c]! : 0);

const PUNCT: Record<number, TokenType> = {
  0x3d: T.Equals, 0x2c: T.Comma, 0x2a: T.Star, 0x5b: T.LBracket, 0x5d: T.RBracket, 0x7b: T.LBrace,
  0x7d: T.RBrace, 0x28: T.LParen, 0x29: T.RParen, 0x3c: T.Less, 0x3e: T.Greater, 0x7c: T.Pipe, 0x3a: T.Colon,
};

/**
 * Keywords by a hash of their characters, so that a word is looked up without slicing it out:
 * an open-addressing table of (hash, word, type) with linear probing, a few times the size
 * of the keyword list.
 */
const hashStep = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0;
const KW_SLOTS = 1024;
const kwHash = new Int32Array(KW_SLOTS);
const kwWord: (string | undefined)[] = new Array<string | undefined>(KW_SLOTS).fill(undefined);
const kwType: (TokenType | undefined)[] = new Array<TokenType | undefined>(KW_SLOTS).fill(undefined);
for (const [w, tt] of T.KW) {
  let h = 0;
  for (let k = 0; k < w.length; k++) h = hashStep(h, w.charCodeAt(k));
  let slot = h & (KW_SLOTS - 1);
  while (kwWord[slot] !== undefined) slot = (slot + 1) & (KW_SLOTS - 1);
  kwHash[slot] = h;
  kwWord[slot] = w;
  kwType[slot] = tt;
}
if (T.KW.size * 3 > KW_SLOTS) throw new Error('keyword table too small');

/** The keyword type of `s[i, e)` whose hash is `h`, or Word. */
function keyword(s: string, i: number, e: number, h: number): TokenType {
  for (let slot = h & (KW_SLOTS - 1); ; slot = (slot + 1) & (KW_SLOTS - 1)) {
    const w = kwWord[slot];
    if (w === undefined) return T.Word;
    if (kwHash[slot] === h && w.length === e - i && s.startsWith(w, i)) return kwType[slot]!;
  }
}
const PTR = T.K('ptr');

/**
 * Lexes `file.text[start, end)`; token offsets are absolute. With a `pool`, token objects
 * of the previous call are reused (see TokenPool).
 */
export function lex(file: SourceFile, start = 0, end = file.text.length, pool?: TokenPool): LexResult {
  const p = pool ?? new TokenPool();
  p.count = 0;
  const sawPtr = lexInto(file, start, end, p);
  return { tokens: pool ? p.tokens() : p.toks, sawPtrKeyword: sawPtr };
}

/**
 * Lexes `file.text[start, end)`, appending the tokens to `pool` after its first `pool.count`
 * (whose objects it reuses); returns whether a `ptr` keyword was seen.
 */
export function lexInto(file: SourceFile, start: number, end: number, pool: TokenPool): boolean {
  const s = file.text;
  const n = end;
  let sawPtr = false;
  let i = start;
  // tokens are written by index into the pool's array, reusing the objects already there
  const toks = pool.toks;
  let count = pool.count;
  const push = (tt: TokenType, from: number, to: number): void => {
    const t = toks[count];
    if (t === undefined) {
      toks.push(new Tok(tt, tt.tokenTypeIdx!, s, from, to - 1));
    } else {
      t.tokenType = tt;
      t.tokenTypeIdx = tt.tokenTypeIdx!;
      t.src = s;
      t.startOffset = from;
      t.endOffset = to - 1;
    }
    count++;
  };
  /** Index just past the closing quote of a string starting at `q` (the opening quote). */
  const endOfString = (q: number): number => {
    const e = s.indexOf('"', q + 1);
    if (e < 0 || e >= n) fail('E0003', 'unterminated string constant', file, q, q + 1);
    return e + 1;
  };
  /** End of a `[-a-zA-Z$._0-9]*` run. */
  const labelRun = (p: number): number => {
    while (p < n && cls(s.charCodeAt(p)) & C_LABEL) p++;
    return p;
  };
  /** Whether the last name() was a number. */
  let numbered = false;
  /** After a sigil: the end of a quoted name, a number, or a plain name (sets `numbered`), or -1. */
  const name = (p: number): number => {
    const c = s.charCodeAt(p);
    numbered = false;
    if (c === 0x22) return endOfString(p);
    if (cls(c) & C_DIGIT) {
      let e = p;
      while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
      numbered = true;
      return e;
    }
    if (cls(c) & C_LABEL) return labelRun(p);
    return -1;
  };

  while (i < n) {
    let c = s.charCodeAt(i);
    // spaces come in runs (indentation, one between tokens)
    while (c === 0x20 && ++i < n) c = s.charCodeAt(i);
    if (i >= n) break;
    if (c < 128 && CLASS[c]! & C_SPACE) { i++; continue; }
    const start = i;
    switch (c) {
      case 0x3b: { // ; comment
        const e = s.indexOf('\n', i);
        i = e < 0 || e >= n ? n : e + 1;
        continue;
      }
      case 0x25: case 0x40: { // % @
        const e = name(i + 1);
        if (e < 0) fail('E0002', `expected a name after '${s[i]}'`, file, i, i + 1);
        const tt = c === 0x25 ? (numbered ? T.LocalId : T.LocalVar) : numbered ? T.GlobalId : T.GlobalVar;
        push(tt, start, e);
        i = e;
        continue;
      }
      case 0x21: { // !
        const d = s.charCodeAt(i + 1);
        if (cls(d) & C_DIGIT) {
          let e = i + 1;
          while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
          push(T.MetadataId, start, e);
          i = e;
        } else if ((cls(d) & C_LABEL) || d === 0x5c) {
          let e = i + 1;
          while (e < n && (cls(s.charCodeAt(e)) & C_LABEL || s.charCodeAt(e) === 0x5c)) e++;
          push(T.MetadataVar, start, e);
          i = e;
        } else {
          push(T.Exclaim, start, i + 1);
          i++;
        }
        continue;
      }
      case 0x23: { // # attribute group or debug record
        if (s.startsWith('dbg_', i + 1)) {
          let e = i + 1;
          while (e < n && cls(s.charCodeAt(e)) & C_WORD) e++;
          push(T.DbgRecord, start, e);
          i = e;
          continue;
        }
        let e = i + 1;
        while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
        if (e === i + 1) fail('E0002', "expected an attribute group number after '#'", file, i, i + 1);
        push(T.AttrGrpId, start, e);
        i = e;
        continue;
      }
      case 0x24: { // $ comdat (or a label starting with $)
        const e = name(i + 1);
        if (e < 0) fail('E0002', "expected a comdat name after '$'", file, i, i + 1);
        if (s.charCodeAt(e) === 0x3a) { push(T.LabelStr, start, e + 1); i = e + 1; continue; }
        push(T.ComdatVar, start, e);
        i = e;
        continue;
      }
      case 0x5e: { // ^ summary id
        let e = i + 1;
        while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
        if (e === i + 1) fail('E0002', "expected a number after '^'", file, i, i + 1);
        push(T.SummaryId, start, e);
        i = e;
        continue;
      }
      case 0x22: { // "string" or "label":
        const e = endOfString(i);
        if (s.charCodeAt(e) === 0x3a) { push(T.LabelStr, start, e + 1); i = e + 1; continue; }
        push(T.StringConstant, start, e);
        i = e;
        continue;
      }
      case 0x2e: { // ... or a label starting with '.'
        if (s.startsWith('...', i)) { push(T.DotDotDot, start, i + 3); i += 3; continue; }
        const e = labelRun(i);
        if (s.charCodeAt(e) === 0x3a) { push(T.LabelStr, start, e + 1); i = e + 1; continue; }
        fail('E0002', `unexpected '${s.slice(i, Math.max(e, i + 1))}'`, file, i, Math.max(e, i + 1));
      }
    }
    const p = PUNCT[c];
    if (p) { push(p, start, start + 1); i++; continue; }

    if (cls(c) & C_DIGIT || ((c === 0x2d || c === 0x2b) && cls(s.charCodeAt(i + 1)) & C_DIGIT)) {
      // 0x hex floating constants, including 0xK (x86_fp80), 0xL (fp128), 0xM (ppc_fp128), 0xH (half), 0xR (bfloat)
      if (c === 0x30 && (s.charCodeAt(i + 1) === 0x78)) {
        let e = i + 2;
        const k = s.charCodeAt(e);
        // at most this many digits per form: 0x double bits 16, 0xK x86_fp80 20, 0xL fp128 32,
        // 0xM ppc_fp128 32, 0xH half 4, 0xR bfloat 4. LLVM's printer drops leading zeros of the
        // 0x form (0x10000000000000 is DBL_MIN) and its lexer takes fewer digits for every form
        // (canonicalHexFP gives them their meaning); leading zeros beyond the limit are harmless.
        let want = 16;
        if (k === 0x4b) want = 20; else if (k === 0x4c || k === 0x4d) want = 32; else if (k === 0x48 || k === 0x52) want = 4;
        if (want !== 16) e++;
        const hs = e;
        while (e < n && cls(s.charCodeAt(e)) & C_HEX) e++;
        let z = hs;
        if (want === 16 || want === 4) while (z < e - 1 && s.charCodeAt(z) === 0x30) z++;
        if (e === hs || e - z > want) {
          fail('E0004', `hexadecimal floating-point constant ${s.slice(i, e)} needs ${e === hs ? 'hex digits' : `at most ${want} hex digits`} after ${s.slice(i, hs)}`, file, i, e);
        }
        push(T.FPLit, start, e);
        i = e;
        continue;
      }
      let e = i + 1;
      while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
      if (s.charCodeAt(e) === 0x2e) {
        e++;
        while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
        const x = s.charCodeAt(e);
        if (x === 0x65 || x === 0x45) {
          let f = e + 1;
          const sg = s.charCodeAt(f);
          if (sg === 0x2b || sg === 0x2d) f++;
          if (cls(s.charCodeAt(f)) & C_DIGIT) {
            while (f < n && cls(s.charCodeAt(f)) & C_DIGIT) f++;
            e = f;
          }
        }
        push(T.FPLit, start, e);
        i = e;
        continue;
      }
      // A label such as `12:` or `1.i:`.
      const le = labelRun(e);
      if (s.charCodeAt(le) === 0x3a && c !== 0x2b) { push(T.LabelStr, start, le + 1); i = le + 1; continue; }
      if (le !== e) fail('E0004', `invalid number '${s.slice(i, le)}'`, file, i, le);
      push(T.IntLit, start, e);
      i = e;
      continue;
    }

    if (cls(c) & C_LABEL) { // words, keywords, labels, iN, c"..", u0x..
      if (c === 0x63 && s.charCodeAt(i + 1) === 0x22) { // c"..."
        const e = endOfString(i + 1);
        push(T.CString, start, e);
        i = e;
        continue;
      }
      // one pass: the end of the label run, whether it is all word characters, whether the
      // characters after the first are all digits (iN), and the keyword hash
      let e = i;
      let h = 0;
      let allWord = true;
      let digitsAfterFirst = true;
      for (; e < n; e++) {
        const d = s.charCodeAt(e);
        const k = cls(d);
        if (!(k & C_LABEL)) break;
        if (!(k & C_WORD)) allWord = false;
        if (e > i && !(k & C_DIGIT)) digitsAfterFirst = false;
        h = hashStep(h, d);
      }
      if (s.charCodeAt(e) === 0x3a) { push(T.LabelStr, start, e + 1); i = e + 1; continue; }
      if (!allWord || !(cls(c) & C_WORD) || (cls(c) & C_DIGIT)) {
        fail('E0002', `unexpected '${s.slice(i, e)}'`, file, i, e);
      }
      if (c === 0x69 && e > i + 1 && digitsAfterFirst) { push(T.IntType, start, e); i = e; continue; } // iN
      if ((c === 0x75 || c === 0x73) && s.charCodeAt(i + 1) === 0x30 && s.charCodeAt(i + 2) === 0x78) {
        for (let k = i + 3; k < e; k++) {
          if (!(cls(s.charCodeAt(k)) & C_HEX)) fail('E0004', `invalid hexadecimal integer '${s.slice(i, e)}'`, file, i, e);
        }
        if (e === i + 3) fail('E0004', `invalid hexadecimal integer '${s.slice(i, e)}'`, file, i, e);
        push(T.HexInt, start, e);
        i = e;
        continue;
      }
      const tt = keyword(s, i, e, h);
      if (tt === PTR) sawPtr = true;
      push(tt, start, e);
      i = e;
      continue;
    }
    const shown = c < 32 || c > 126 ? `\\u${c.toString(16).padStart(4, '0')}` : s[i];
    fail('E0002', `unexpected character '${shown}'`, file, i, i + 1);
  }
  pool.count = count;
  return sawPtr;
}

/** Chunks of at least this many characters are lexed (and parsed) at a time. */
export const CHUNK = 1 << 16;

/**
 * Lexes `file` a chunk at a time (chunks start where top-level entities do, see topLevelCuts),
 * recycling token objects: `use` gets each non-empty chunk's tokens and the offset where the
 * chunk ends, and must be done with the tokens when it returns. Tokens of one chunk die young,
 * which keeps the garbage collector cheap on multi-megabyte modules.
 */
export function lexInChunks(file: SourceFile, use: (tokens: Tok[], end: number) => void): void {
  const cuts = topLevelCuts(file.text, CHUNK);
  cuts.push(file.text.length);
  const pool = new TokenPool();
  for (let k = 0; k + 1 < cuts.length; k++) {
    const { tokens } = lex(file, cuts[k]!, cuts[k + 1]!, pool);
    if (tokens.length > 0) use(tokens, cuts[k + 1]!);
  }
}

/**
 * Offsets where top-level entities start (outside function bodies), used to
 * parse a module in chunks: tokens of one chunk die young, which keeps the
 * garbage collector cheap on multi-megabyte modules. A body starts at a line
 * beginning with `define` and ends at a line that is `}`.
 */
export function topLevelCuts(text: string, minChunk: number, from = 0, to = text.length): number[] {
  const cuts = [from];
  let last = from;
  let inBody = false;
  let i = from;
  const n = to;
  while (i < n) {
    const nl = text.indexOf('\n', i);
    const eol = nl < 0 || nl > n ? n : nl;
    const c = text.charCodeAt(i);
    if (inBody) {
      if (c === 0x7d && (eol === i + 1 || text.charCodeAt(i + 1) === 0x0d || text.charCodeAt(i + 1) === 0x20)) inBody = false;
    } else if (c === 0x64 && text.startsWith('define', i)) {
      if (i - last >= minChunk) { cuts.push(i); last = i; }
      // a body opens on this line unless the header ends without '{' (never in printed IR)
      inBody = text.lastIndexOf('{', eol) > i;
    } else if (i - last >= minChunk && startsEntity(text, i, eol)) {
      cuts.push(i);
      last = i;
    }
    i = eol + 1;
  }
  return cuts;
}

/**
 * Whether the line at `i` starts a top-level entity as LLVM prints them:
 * `@g = `, `%T = type`, `!0 = `, `!name = `, `$c = comdat`, `declare`, `attributes #`.
 * (A hand-formatted continuation line never has ` = ` right after its first word.)
 */
function startsEntity(text: string, i: number, eol: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 0x64) return text.startsWith('declare ', i);
  if (c === 0x61) return text.startsWith('attributes #', i);
  if (c !== 0x40 && c !== 0x21 && c !== 0x25 && c !== 0x24) return false;
  const sp = text.indexOf(' ', i);
  return sp > i && sp < eol && text.startsWith(' = ', sp) && text.charCodeAt(i + 1) !== 0x22;
}

/** `\s` of a regular expression. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Whether the module uses opaque pointers: a `ptr` keyword outside comments, strings and names,
 * i.e. preceded by a line start, a space or one of `(<[{,` and followed by a line end, a space or
 * one of `,)>]}*`. A typed-pointer module has no such word, so the whole text is searched:
 * `indexOf` rather than a regular expression, which took ~40 ms on an 18 MB module.
 */
export function usesOpaquePointers(text: string): boolean {
  const n = text.length;
  for (let at = text.indexOf('ptr'); at >= 0; at = text.indexOf('ptr', at + 3)) {
    const b = at === 0 ? 0x0a : text.charCodeAt(at - 1);
    if (!(isSpace(b) || b === 0x28 || b === 0x3c || b === 0x5b || b === 0x7b || b === 0x2c)) continue;
    const a = at + 3 >= n ? 0x0a : text.charCodeAt(at + 3);
    if (!(isSpace(a) || a === 0x2c || a === 0x29 || a === 0x3e || a === 0x5d || a === 0x7d || a === 0x2a)) continue;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let quotes = 0;
    let comment = false;
    for (let k = lineStart; k < at; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x3b) { comment = true; break; }
      if (c === 0x22) quotes++;
    }
    if (!comment && quotes % 2 === 0) return true;
  }
  return false;
}
