// `enzyme-ts lower`: replaces Enzyme's C ABI calls (`__enzyme_autodiff`, split
// mode) by calls to generated derivatives; see src/lower/lower.ts.
import { printFunction } from '../print/printer.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError, diag } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import { lowerModule, type LowerResult } from '../lower/lower.js';
import { lazyReport, loadModuleWithSource } from './load.js';
import { parseTarget, writeModuleFor } from './target.js';
import { budgetFrom, debugFromEnv, parseCheckpoint, type DebugSwitches } from './grad.js';
import { quietSession, type Session } from './session.js';
import { parseCustomSpec } from '../ad/custom.js';

export interface LowerCliOptions extends DebugSwitches {
  input: string;
  output?: string | undefined;
  checkpoint?: string | undefined;
  /** `--tape-budget BYTES` (else ENZYME_TS_TAPE_BUDGET). */
  tapeBudget?: string | undefined;
  /** `--checkpoint-every K`. */
  checkpointEvery?: string | undefined;
  verbose?: boolean;
  custom?: string[] | undefined;
  inactive?: string[] | undefined;
  session?: Session | undefined;
  /** `--verify-all`: parse and verify every function body, not only those the derivatives read. */
  verifyAll?: boolean;
  /** `--target-llvm N`: write the syntax LLVM N reads. */
  targetLlvm?: string | undefined;
}

/** Lowers every `__enzyme_*` call of `m` and checks the result with the verifier. */
export function lowerAndVerify(m: Module, file: SourceFile | null,
  dbg: DebugSwitches & { checkpoint?: string | undefined; looseTypes?: boolean; custom?: string[] | undefined; inactive?: string[] | undefined;
    tapeBudget?: string | undefined; checkpointEvery?: string | undefined } = {},
  session: Session = quietSession()): LowerResult {
  const r = session.stage('differentiate', 'lowering the __enzyme_* calls', () => lowerModule(m, file, {
    ...(dbg.checkpoint !== undefined ? { checkpoint: parseCheckpoint(dbg.checkpoint) } : {}),
    looseTypes: !!dbg.looseTypes,
    ...budgetFrom(dbg),
    ...(dbg.custom?.length ? { custom: dbg.custom.map(parseCustomSpec) } : {}),
    ...(dbg.inactive?.length ? { inactive: dbg.inactive.map((n) => n.trim().replace(/^@/, '')) } : {}),
    onCall: (k, n, callee) => session.progress.update(`lowering call ${k} of ${n} (${callee})`),
  }));
  if (r.warnings.length) session.report(r.warnings);
  if (dbg.printPerf) session.stderr(r.perf.map((l) => `perf: ${l}\n`).join(''));
  if (dbg.print) {
    for (const f of m.functions) {
      if (/^(diffe|augmented_|reverse_|__enzyme_ts_)/.test(f.name ?? '') && !f.isDeclaration) session.stderr(printFunction(f, m) + '\n');
    }
  }
  const problems = session.stage('verify output', 'verifying the lowered module', () => verifyModule(m, null));
  if (problems.length) {
    throw new DiagnosticError([diag('E0999', `internal error: the lowered module is invalid IR: ${problems[0]!.message}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
  }
  return r;
}

export function runLower(opts: LowerCliOptions): void {
  parseTarget(opts.targetLlvm); // a usage error before any reading
  const session = opts.session ?? quietSession();
  const { module: m, file, stats } = loadModuleWithSource(opts.input, session, { lazy: !opts.verifyAll });
  const dbg = debugFromEnv(opts);
  const r = lowerAndVerify(m, file, { ...dbg, checkpoint: dbg.checkpoint, custom: opts.custom, inactive: opts.inactive, tapeBudget: opts.tapeBudget, checkpointEvery: opts.checkpointEvery }, session);
  if (opts.verbose) session.stderr(r.calls.map((c) => `lowered: ${c}\n`).join(''));
  writeModuleFor(m, file, opts.output, opts.targetLlvm, session);
  // after printing, which reads what must print differently than written (renumbered globals)
  const lazy = lazyReport(stats);
  if (dbg.printPerf && lazy) session.stderr(`perf: ${lazy}\n`);
}
