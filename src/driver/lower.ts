// `enzyme-ts lower`: replaces Enzyme's C ABI calls (`__enzyme_autodiff`, split
// mode) by calls to generated derivatives; see src/lower/lower.ts.
import { writeModule, printFunction } from '../print/printer.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError, diag } from '../diag/diagnostic.js';
import { renderAll } from '../diag/render.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import { lowerModule, type LowerResult } from '../lower/lower.js';
import { loadModuleWithSource } from './load.js';
import { writeOutputStream } from './io.js';
import { debugFromEnv, parseCheckpoint, parseTapeBudget, type DebugSwitches } from './grad.js';
import { parseCustomSpec } from '../ad/custom.js';

export interface LowerCliOptions extends DebugSwitches {
  input: string;
  output?: string | undefined;
  checkpoint?: string | undefined;
  tapeBudget?: string | undefined;
  verbose?: boolean;
  custom?: string[] | undefined;
  inactive?: string[] | undefined;
}

/** Lowers every `__enzyme_*` call of `m` and checks the result with the verifier. */
export function lowerAndVerify(m: Module, file: SourceFile | null,
  dbg: DebugSwitches & { checkpoint?: string | undefined; tapeBudget?: string | undefined; looseTypes?: boolean; custom?: string[] | undefined; inactive?: string[] | undefined } = {}): LowerResult {
  const r = lowerModule(m, file, {
    ...(dbg.checkpoint !== undefined ? { checkpoint: parseCheckpoint(dbg.checkpoint) } : {}),
    ...(dbg.tapeBudget !== undefined ? { tapeBudget: parseTapeBudget(dbg.tapeBudget) } : {}),
    looseTypes: !!dbg.looseTypes,
    ...(dbg.custom?.length ? { custom: dbg.custom.map(parseCustomSpec) } : {}),
    ...(dbg.inactive?.length ? { inactive: dbg.inactive.map((n) => n.trim().replace(/^@/, '')) } : {}),
  });
  if (r.warnings.length) process.stderr.write(renderAll(r.warnings, { color: !!process.stderr.isTTY && !process.env.NO_COLOR }));
  if (dbg.printPerf) process.stderr.write(r.perf.map((l) => `perf: ${l}\n`).join(''));
  if (dbg.print) {
    for (const f of m.functions) {
      if (/^(diffe|augmented_|reverse_|__enzyme_ts_)/.test(f.name ?? '') && !f.isDeclaration) process.stderr.write(printFunction(f, m) + '\n');
    }
  }
  const problems = verifyModule(m, null);
  if (problems.length) {
    throw new DiagnosticError([diag('E0999', `internal error: the lowered module is invalid IR: ${problems[0]!.message}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
  }
  return r;
}

export function runLower(opts: LowerCliOptions): void {
  const { module: m, file } = loadModuleWithSource(opts.input);
  const dbg = debugFromEnv(opts);
  const r = lowerAndVerify(m, file, { ...dbg, checkpoint: dbg.checkpoint, tapeBudget: opts.tapeBudget, custom: opts.custom, inactive: opts.inactive });
  if (opts.verbose) process.stderr.write(r.calls.map((c) => `lowered: ${c}\n`).join(''));
  writeOutputStream(opts.output, (write) => writeModule(m, write));
}
