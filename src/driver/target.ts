// `--target-llvm N` on the commands that print IR (contract section 4): the printer writes the
// syntax LLVM N reads (src/print/target.ts); this checks the option and says what LLVM N needs.
import { fail, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { Module } from '../ir/module.js';
import { OPAQUE_DEFAULT_SINCE, TARGET_MAX, TARGET_MIN } from '../print/target.js';
import { writeModuleOutput } from './output.js';
import { quietSession, type Session } from './session.js';

/** `--target-llvm N`: an LLVM major version from TARGET_MIN to TARGET_MAX, or null when absent. */
export function parseTarget(word: string | undefined): number | null {
  if (word === undefined) return null;
  const w = word.trim();
  const n = /^\d+$/.test(w) ? Number(w) : NaN;
  if (!(n >= TARGET_MIN && n <= TARGET_MAX)) {
    fail('E0903', `--target-llvm: '${word}' is not an LLVM version this tool writes; use ${TARGET_MIN} to ${TARGET_MAX}`, null);
  }
  return n;
}

/** What the user must know to feed the output to LLVM `v` (a warning each), if anything. */
export function targetWarnings(m: Module, v: number | null): Diagnostic[] {
  if (v === null || v >= OPAQUE_DEFAULT_SINCE || m.dialect !== 'opaque') return [];
  return [{
    code: 'E0121', severity: 'warning', file: null, start: -1, end: -1,
    message: `the module uses opaque pointers (ptr), which LLVM ${v} reads only when asked to`,
    notes: [`pass -opaque-pointers to llvm-as, opt, llc and lli ${v} (clang-${v}: -mllvm -opaque-pointers); the tool does not rewrite opaque pointers into typed ones`],
  }];
}

/** Prints `m` to `output` (standard output when absent) for `--target-llvm` `target`. */
export function writeModuleFor(m: Module, file: SourceFile | null, output: string | undefined, target: string | undefined, session: Session = quietSession()): void {
  const v = parseTarget(target);
  const warnings = targetWarnings(m, v);
  if (warnings.length) session.report(warnings);
  writeModuleOutput(m, output, session, { targetLLVM: v, file });
}
