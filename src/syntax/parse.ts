// Text -> resolved Module. The single parser instance is the one piece of
// module-level state in the project: building Chevrotain's grammar analysis
// costs far more than parsing a typical module.
import type { IRecognitionException } from 'chevrotain';
import { IRParser } from './parser.js';
import { lexInChunks, usesOpaquePointers } from './lexer.js';
import { ParseState } from './state.js';
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
  /** Called after each chunk with the characters parsed so far and the total (progress on a terminal). */
  onProgress?: (done: number, total: number) => void;
}

export function parseModule(file: SourceFile, opts: ParseOptions = {}): Module {
  if (file.text.indexOf('\0') >= 0) fail('E0005', 'input contains NUL bytes: is this bitcode? Use llvm-dis first', file, file.text.indexOf('\0'));
  const p = getParser();
  const st = new ParseState(file, usesOpaquePointers(file.text));
  st.resolveBodies = !opts.noResolve;
  p.st = st;
  // each chunk is parsed as soon as it is lexed; the parse state keeps offsets, never tokens
  try {
    lexInChunks(file, (tokens, end) => {
      p.input = tokens;
      p.module();
      opts.onProgress?.(end, file.text.length);
      const errors: IRecognitionException[] = p.errors;
      if (errors.length) throw new DiagnosticError(errors.slice(0, 1).map((e) => {
        const t = e.token;
        const start = Number.isFinite(t.startOffset) ? t.startOffset : end;
        return diag('E0001', e.message, file, start, start + (t.image?.length ?? 0));
      }));
    });
  } catch (e) {
    // a type or constant nested thousands deep (no compiler emits one) exhausts the stack
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      fail('E0001', 'input nests too deeply to parse (types, constants or metadata nested thousands of levels deep)', file, 0);
    }
    throw e;
  } finally {
    // the single parser instance must not keep this module's tokens and parse tables alive
    p.input = [];
    p.st = undefined as unknown as ParseState;
  }
  if (!opts.noResolve) st.resolver.finish(st.blockAddresses);
  return st.m;
}

export function parseText(text: string, name = '<input>', opts: ParseOptions = {}): Module {
  return parseModule(new SourceFile(name, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), opts);
}
