import type { SourceFile } from './source.js';
import { CODES, type Code, type Severity } from './codes.js';

/**
 * A position in the user's own source (C, C++, Rust...) that an instruction came from, read
 * from its `!dbg` location (a DILocation and the DIFile of its scope).
 */
export interface SourceLocation {
  /** The file name as the compiler recorded it (usually as it was given on its command line). */
  file: string;
  /** The compilation directory, when the debug info names one. */
  directory: string | null;
  line: number;
  /** 0 when the location has no column. */
  column: number;
  /** The source-level name of the function (the subprogram's mangled linkage name when there is one). */
  function: string | null;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  /** Null for diagnostics without a location (usage, I/O). */
  file: SourceFile | null;
  start: number;
  end: number;
  /** Extra lines shown after the snippet ("note: ..."). */
  notes?: string[];
  /**
   * Where the instruction at `start` came from in the user's source: the location first, then
   * each call site it was inlined into (`inlinedAt`), outermost last. When absent, the
   * renderer asks the file's `debugLocator` (set by the loader from `!dbg`).
   */
  source?: SourceLocation[];
}

/** Thrown by any layer to abort with one or more diagnostics; the CLI renders them. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'DiagnosticError';
  }
  get exitCode(): 1 | 2 | 3 {
    let code: 1 | 2 | 3 = 1;
    for (const d of this.diagnostics) if (d.severity === 'error' && CODES[d.code].exit > code) code = CODES[d.code].exit;
    return code;
  }
}

export function diag(
  code: Code, message: string, file: SourceFile | null, start = -1, end = start, notes?: string[],
): Diagnostic {
  return { code, severity: 'error', message, file, start, end: Math.max(end, start), ...(notes ? { notes } : {}) };
}

export function fail(code: Code, message: string, file: SourceFile | null, start = -1, end = start, notes?: string[]): never {
  throw new DiagnosticError([diag(code, message, file, start, end, notes)]);
}
