// Text -> resolved Module. The single parser instance is the one piece of
// module-level state in the project: building Chevrotain's grammar analysis
// costs far more than parsing a typical module.
import type { IRecognitionException } from 'chevrotain';
import { IRParser } from './parser.js';
import { lex } from './lexer.js';
import { ParseState } from './state.js';
import { resolveModule } from '../resolve/resolve.js';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import { SourceFile } from '../diag/source.js';
import type { Module } from '../ir/module.js';

let parser: IRParser | null = null;

function getParser(): IRParser {
  parser ??= new IRParser();
  return parser;
}

export interface ParseOptions {
  /** Skip binding references (for measuring the parser alone). */
  noResolve?: boolean;
}

export function parseModule(file: SourceFile, opts: ParseOptions = {}): Module {
  if (file.text.indexOf('\0') >= 0) fail('E0005', 'input contains NUL bytes: is this bitcode? Use llvm-dis first', file, file.text.indexOf('\0'));
  const { tokens, sawPtrKeyword } = lex(file);
  const p = getParser();
  const st = new ParseState(file, sawPtrKeyword);
  p.st = st;
  p.input = tokens;
  let errors: IRecognitionException[];
  try {
    p.module();
    errors = p.errors;
  } finally {
    p.input = [];
  }
  if (errors.length) throw new DiagnosticError(errors.slice(0, 1).map((e: IRecognitionException) => {
    const t = e.token;
    const start = Number.isFinite(t.startOffset) ? t.startOffset : file.text.length;
    return diag('E0001', e.message, file, start, start + (t.image?.length ?? 0));
  }));
  if (!opts.noResolve) resolveModule({ m: st.m, file, scopes: st.scopes, blockAddresses: st.blockAddresses, typeStr: (t) => st.typeStr(t) });
  return st.m;
}

export function parseText(text: string, name = '<input>', opts: ParseOptions = {}): Module {
  return parseModule(new SourceFile(name, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), opts);
}
