// Text -> resolved Module. The single parser instance is the one piece of
// module-level state in the project: building Chevrotain's grammar analysis
// costs far more than parsing a typical module.
import type { IRecognitionException } from 'chevrotain';
import { IRParser } from './parser.js';
import { lexInChunks, usesOpaquePointers, type Tok } from './lexer.js';
import { ParseState } from './state.js';
import { LazyLoader, type LazyOptions } from './lazy.js';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import { SourceFile } from '../diag/source.js';
import type { Module } from '../ir/module.js';

export type { LazyOptions, LazyStats } from './lazy.js';

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
  /**
   * Keep function bodies and metadata definitions as text until first read (lazy.ts). The
   * module's functions then carry `deferred` bodies; `parseModuleLazy` returns the loader too.
   */
  lazy?: LazyOptions;
}

/**
 * Runs the parser over one chunk's tokens with `st` as its state, turning recognition errors into
 * diagnostics; the parser is released afterwards (it must not keep a module's tokens alive).
 */
function runChunk(file: SourceFile, st: ParseState, tokens: Tok[], end: number): void {
  const p = getParser();
  if (p.st !== undefined) throw new Error('the parser is already reading (a deferred body was read while parsing)');
  p.st = st;
  try {
    p.input = tokens;
    p.module();
    const errors: IRecognitionException[] = p.errors;
    if (errors.length) throw new DiagnosticError(errors.slice(0, 1).map((e) => {
      const t = e.token;
      const start = Number.isFinite(t.startOffset) ? t.startOffset : end;
      return diag('E0001', e.message, file, start, start + (t.image?.length ?? 0));
    }));
  } catch (e) {
    // a type or constant nested thousands deep (no compiler emits one) exhausts the stack
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      fail('E0001', 'input nests too deeply to parse (types, constants or metadata nested thousands of levels deep)', file, 0);
    }
    throw e;
  } finally {
    p.input = [];
    p.st = undefined as unknown as ParseState;
  }
}

function checkText(file: SourceFile): void {
  if (file.text.indexOf('\0') >= 0) fail('E0005', 'input contains NUL bytes: is this bitcode? Use llvm-dis first', file, file.text.indexOf('\0'));
}

export function parseModule(file: SourceFile, opts: ParseOptions = {}): Module {
  return opts.lazy ? parseModuleLazy(file, opts.lazy).module : parseEager(file, opts);
}

function parseEager(file: SourceFile, opts: ParseOptions): Module {
  checkText(file);
  const st = new ParseState(file, usesOpaquePointers(file.text));
  st.resolveBodies = !opts.noResolve;
  // each chunk is parsed as soon as it is lexed; the parse state keeps offsets, never tokens
  lexInChunks(file, (tokens, end) => {
    runChunk(file, st, tokens, end);
    opts.onProgress?.(end, file.text.length);
  });
  if (!opts.noResolve) st.resolver.finish(st.blockAddresses);
  return st.m;
}

/** Parses with function bodies and metadata definitions deferred (see lazy.ts). */
export function parseModuleLazy(file: SourceFile, opts: LazyOptions = {}): { module: Module; loader: LazyLoader } {
  checkText(file);
  const st = new ParseState(file, usesOpaquePointers(file.text));
  const loader = new LazyLoader(file, st, (tokens, end) => runChunk(file, st, tokens, end), opts);
  loader.parse();
  st.resolver.finish(st.blockAddresses);
  return { module: st.m, loader };
}

export function parseText(text: string, name = '<input>', opts: ParseOptions = {}): Module {
  return parseModule(new SourceFile(name, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), opts);
}
