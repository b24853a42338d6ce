import { describe, expect, test } from 'vitest';
import { IRParser } from '../../src/syntax/parser.js';
import { lex } from '../../src/syntax/lexer.js';
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
});
