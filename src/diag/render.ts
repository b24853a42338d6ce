// Rendering of diagnostics. Text, clang style: `FILE:LINE:COL: error[E0001]: message`, the
// source line and a caret under the span; when the instruction has a `!dbg` location, the
// user's source position comes first, each inlined-at call site as a note, and the `.ll`
// position as the next line. JSON: one object per line, for editors and CI. Chalk lives only
// here. Everything that comes from the input is shown through `safeText` / `safeLine`.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnostic, SourceLocation } from './diagnostic.js';
import { CODES } from './codes.js';
import { safeLine, safeText } from './safe.js';
import { demangle } from '../demangle/index.js';

export type DiagnosticsFormat = 'text' | 'json';

export interface RenderOptions {
  color: boolean;
  /** `text` (default) or `json` (one object per diagnostic and line). */
  format?: DiagnosticsFormat;
}

const MAX_LINE = 200;

/** `@name` and `@"quoted name"` in a message, for demangling. */
const GLOBAL_REF = /@(?:"((?:[^"\\]|\\.)*)"|([-a-zA-Z$._0-9]+))/g;

/**
 * The message with every mangled C++ or Rust function name followed by its demangled form:
 * `@_Z4normPKdi (norm(double const*, int))`.
 */
export function withDemangledNames(message: string): string {
  return message.replace(GLOBAL_REF, (whole: string, quoted: string | undefined, bare: string | undefined, offset: number, all: string) => {
    const name = quoted ?? bare ?? '';
    if (all.startsWith(' (', offset + whole.length)) return whole;
    const d = demangle(name);
    return d !== null && d !== name ? `${whole} (${d})` : whole;
  });
}

function sourceText(s: SourceLocation): string {
  return `${safeText(s.file)}:${s.line}:${s.column > 0 ? `${s.column}:` : ''}`;
}

function functionText(s: SourceLocation): string {
  if (s.function === null) return 'a function';
  const d = demangle(s.function);
  return safeText(d ?? s.function);
}

/** The quoted line and the caret under [start, end) of `d.file`. */
function snippet(d: Diagnostic, c: ChalkInstance): string[] {
  const file = d.file!;
  const { line, col } = file.position(d.start);
  const safe = safeLine(file.lineText(line));
  let text = safe.text;
  let caretCol = safe.column(col - 1);
  const endPos = file.position(Math.max(d.end, d.start));
  let width = endPos.line === line ? Math.max(1, safe.column(endPos.col - 1) - caretCol) : Math.max(1, text.length - caretCol);
  if (text.length > MAX_LINE) {
    const from = Math.max(0, Math.min(caretCol - 40, text.length - MAX_LINE));
    text = (from > 0 ? '...' : '') + text.slice(from, from + MAX_LINE) + (from + MAX_LINE < text.length ? '...' : '');
    caretCol = caretCol - from + (from > 0 ? 3 : 0);
  }
  width = Math.min(width, MAX_LINE);
  return [text, ' '.repeat(Math.max(0, caretCol)) + c.green('^' + '~'.repeat(Math.max(0, width - 1)))];
}

/** The user's source position of a diagnostic: given, or found through the file's `!dbg` locator. */
export function sourceOf(d: Diagnostic): SourceLocation[] {
  if (d.source) return d.source;
  if (d.file?.debugLocator && d.start >= 0) return d.file.debugLocator(d.start);
  return [];
}

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  if (opts.format === 'json') return renderJson(d);
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const sevColor = d.severity === 'error' ? c.red.bold : d.severity === 'warning' ? c.magenta.bold : c.cyan.bold;
  const note = c.cyan.bold('note');
  const head = `${sevColor(`${d.severity}[${d.code}]`)}${c.bold(`: ${safeText(withDemangledNames(d.message))}`)}`;
  const out: string[] = [];
  const located = d.file !== null && d.start >= 0;
  const source = sourceOf(d);
  const irWhere = (): string => {
    const { line, col } = d.file!.position(d.start);
    return `${safeText(d.file!.name)}:${line}:${col}:`;
  };
  if (source.length) {
    out.push(`${c.bold(sourceText(source[0]!))} ${head}`);
    for (let k = 1; k < source.length; k++) {
      out.push(`${c.bold(sourceText(source[k]!))} ${note}: ${functionText(source[k - 1]!)} inlined into ${functionText(source[k]!)} here`);
    }
    if (located) {
      out.push(`${c.bold(irWhere())} ${note}: in the IR`);
      out.push(...snippet(d, c));
    }
  } else if (located) {
    out.push(`${c.bold(irWhere())} ${head}`);
    out.push(...snippet(d, c));
  } else if (d.file) {
    out.push(`${c.bold(`${safeText(d.file.name)}:`)} ${head}`);
  } else {
    out.push(`enzyme-ts: ${head}`);
  }
  for (const n of d.notes ?? []) out.push(`${note}: ${safeText(withDemangledNames(n))}`);
  return out.join('\n');
}

/** Characters JSON.stringify leaves as they are but a terminal would act on (C1 controls, DEL, bidi, line separators). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function jsonLocation(s: SourceLocation): Record<string, unknown> {
  return { file: s.file, directory: s.directory, line: s.line, column: s.column, function: s.function, ...(s.function && demangle(s.function) ? { demangled: demangle(s.function) } : {}) };
}

/**
 * One diagnostic as one line of JSON: code, severity, title, message, file / line / column
 * (and the end of the span) in the `.ll`, `source` (the `!dbg` position, with the inlined-at
 * chain) and notes. Positions are 1-based; absent ones are null.
 */
export function renderJson(d: Diagnostic): string {
  const located = d.file !== null && d.start >= 0;
  const p = located ? d.file!.position(d.start) : null;
  const e = located ? d.file!.position(Math.max(d.end, d.start)) : null;
  const source = sourceOf(d);
  const src = source.length ? { ...jsonLocation(source[0]!), inlinedAt: source.slice(1).map(jsonLocation) } : null;
  const obj = {
    code: d.code,
    severity: d.severity,
    title: CODES[d.code].title,
    message: withDemangledNames(d.message),
    file: d.file ? d.file.name : null,
    line: p ? p.line : null,
    column: p ? p.col : null,
    endLine: e ? e.line : null,
    endColumn: e ? e.col : null,
    source: src,
    notes: (d.notes ?? []).map(withDemangledNames),
  };
  return JSON.stringify(obj).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderAll(ds: readonly Diagnostic[], opts: RenderOptions): string {
  return ds.map((d) => renderDiagnostic(d, opts)).join('\n') + (ds.length ? '\n' : '');
}
