import { describe, expect, test } from 'vitest';
import { IRParser } from '../../src/syntax/parser.js';
import fc from 'fast-check';
import { TokenPool, lex, usesOpaquePointers } from '../../src/syntax/lexer.js';
import { SourceFile } from '../../src/diag/source.js';

describe('grammar', () => {
  // The CLI builds the parser without Chevrotain's validations (start-up time);
  // this is where they run: any ambiguity or left recursion fails here.
  test('passes Chevrotain validations (no ambiguity, no left recursion)', () => {
    expect(() => new IRParser({ validate: true })).not.toThrow();
  });
});

describe('lexer', () => {
  const kinds = (text: string): string[] => lex(new SourceFile('t', text)).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

  test('names, numbers, labels and quoted forms', () => {
    expect(kinds('%x %12 @"a b" @0 !dbg !12 #3 $c ^0 x: 12: "q r":')).toEqual([
      'LocalVar:%x', 'LocalId:%12', 'GlobalVar:@"a b"', 'GlobalId:@0', 'MetadataVar:!dbg', 'MetadataId:!12',
      'AttrGrpId:#3', 'ComdatVar:$c', 'SummaryId:^0', 'LabelStr:x:', 'LabelStr:12:', 'LabelStr:"q r":',
    ]);
  });
  test('floating spellings and integers', () => {
    expect(kinds('1.0 -2.5e-3 0x3FF0000000000000 0xK4000C000000000000000 0xH3C00 -7 u0x1F s0xFF')).toEqual([
      'FPLit:1.0', 'FPLit:-2.5e-3', 'FPLit:0x3FF0000000000000', 'FPLit:0xK4000C000000000000000', 'FPLit:0xH3C00',
      'IntLit:-7', 'HexInt:u0x1F', 'HexInt:s0xFF',
    ]);
  });
  test('keywords, integer types, c-strings, debug records, comments', () => {
    expect(kinds('define i32 c"a\\00" #dbg_value ; comment\n...')).toEqual([
      'K_define:define', 'IntType:i32', 'CString:c"a\\00"', 'DbgRecord:#dbg_value', 'DotDotDot:...',
    ]);
  });
  test('words it does not know stay words (kept verbatim as attributes)', () => {
    expect(kinds('nocreateundeforpoison captures')).toEqual(['Word:nocreateundeforpoison', 'Word:captures']);
  });
  test('offsets are absolute when lexing a slice', () => {
    const toks = lex(new SourceFile('t', 'abc %x'), 4, 6).tokens;
    expect(toks.map((t) => [t.image, t.startOffset])).toEqual([['%x', 4]]);
  });
  test('a token pool gives the same tokens as fresh objects, chunk after chunk', () => {
    const text = 'define i32 @f(i32 %x) {\n  %y = add nsw i32 %x, 1\n  ret i32 %y\n}\n';
    const f = new SourceFile('t', text + text);
    const pool = new TokenPool();
    const show = (ts: { tokenType: { name: string }; image: string; startOffset: number }[]) => ts.map((t) => `${t.tokenType.name}:${t.image}@${t.startOffset}`);
    const first = show(lex(f, 0, text.length, pool).tokens);
    const second = show(lex(f, text.length, 2 * text.length, pool).tokens);
    expect(first).toEqual(show(lex(f, 0, text.length).tokens));
    expect(second).toEqual(show(lex(f, text.length, 2 * text.length).tokens));
    expect(pool.toks.length).toBe(first.length);
  });
});

describe('pointer dialect detection', () => {
  // The specification: the regular expression the scanner replaced.
  const reference = (text: string): boolean => {
    const re = /(^|[\s(<[{,])ptr(?=[\s,)>\]}*]|$)/gm;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const at = m.index + m[1]!.length;
      const before = text.slice(text.lastIndexOf('\n', at) + 1, at);
      if (before.includes(';')) continue;
      let quotes = 0;
      for (let k = 0; k < before.length; k++) if (before.charCodeAt(k) === 0x22) quotes++;
      if (quotes % 2 === 0) return true;
    }
    return false;
  };
  test('agrees with the reference on random text', () => {
    const piece = fc.constantFrom('ptr', 'ptr', ' ', '\n', '\t', '(', ')', '<', '>', '[', ']', '{', '}', ',', '*', ';', '"', 'x', '%', '@p', 'i8', '\u00a0');
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (ps) => {
      const t = ps.join('');
      expect(usesOpaquePointers(t)).toBe(reference(t));
    }), { numRuns: 3000, seed: 11 });
  });
  test('typed and opaque modules', () => {
    expect(usesOpaquePointers('define void @f(i8* %p) {\n  ret void\n}\n; ptr in a comment\n@s = constant [4 x i8] c"ptr "')).toBe(false);
    expect(usesOpaquePointers('define void @f(ptr %p) {\n  ret void\n}\n')).toBe(true);
  });
});
