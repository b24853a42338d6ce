import { printFunction } from '../print/printer.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { ArgActivity, CheckpointPolicy, GradRequest, GradResult, RetActivity } from '../ad/api.js';
import { MAX_WIDTH, findFunction, gradModule } from '../ad/grad.js';
import { TypeAnalysis } from '../analysis/types.js';
import { loadModuleWithSource } from './load.js';
import { quietSession, type Session } from './session.js';
import { cInterface, parseAbi, writeHeader } from './cinterface.js';
import { describeReverse } from '../abi/describe.js';
import { lazyReport } from './load.js';
import { parseTarget, writeModuleFor } from './target.js';
import { activityReport } from './activity.js';
import { parseCustomSpec } from '../ad/custom.js';

const ARG_WORDS: Record<string, ArgActivity> = {
  active: 'active', out: 'active',
  dup: 'dup', duplicated: 'dup',
  dupnoneed: 'dupnoneed', duplicatednoneed: 'dupnoneed', duplicatedonly: 'dupnoneed',
  const: 'const', constant: 'const',
};
const RET_WORDS: Record<string, RetActivity> = {
  active: 'active', activeonly: 'activeonly', noneed: 'activeonly', const: 'const', none: 'none',
};

/** `active,dup,const` (case-insensitive, with the contract's aliases). */
export function parseArgList(list: string): ArgActivity[] {
  if (list.trim() === '') return [];
  return list.split(',').map((w, k) => {
    const a = ARG_WORDS[w.trim().toLowerCase()];
    if (!a) fail('E0903', `--args: '${w.trim()}' (item ${k + 1}) is not an activity; use active, dup, dupnoneed or const`, null);
    return a;
  });
}

export function parseRet(word: string): RetActivity {
  const r = RET_WORDS[word.trim().toLowerCase()];
  if (!r) fail('E0903', `--ret: '${word}' is not a return activity; use active, activeonly, const or none`, null);
  return r;
}

export function parseCheckpoint(word: string): CheckpointPolicy {
  const w = word.trim().toLowerCase();
  if (w !== 'cache' && w !== 'recompute' && w !== 'auto') fail('E0903', `--checkpoint: '${word}' is not a policy; use cache, recompute or auto`, null);
  return w;
}

/**
 * `--tape-budget BYTES` (or ENZYME_TS_TAPE_BUDGET): bytes, with an optional K, M or G suffix
 * (powers of 1024); `none` never checkpoints. undefined: not given (the default budget).
 */
export function parseTapeBudget(word: string | undefined): number | null | undefined {
  if (word === undefined || word.trim() === '') return undefined;
  const w = word.trim().toLowerCase();
  if (w === 'none') return null;
  const m = /^(\d+)\s*([kmg]?)b?$/.exec(w);
  if (!m) fail('E0903', `--tape-budget: '${word}' is not a number of bytes; use e.g. 268435456, 256M or none`, null);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2] as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * scale;
}

/** `--checkpoint-every K`: a positive integer. */
export function parseCheckpointEvery(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const w = word.trim();
  if (!/^\d+$/.test(w) || Number(w) < 1 || Number(w) > 2 ** 40) fail('E0903', `--checkpoint-every: '${word}' is not a positive integer`, null);
  return Number(w);
}

/** The checkpointing options of a command line: flags first, then ENZYME_TS_TAPE_BUDGET. */
export function budgetFrom(opts: { tapeBudget?: string | undefined; checkpointEvery?: string | undefined }): { tapeBudget?: number | null; checkpointEvery?: number } {
  const tapeBudget = parseTapeBudget(opts.tapeBudget ?? process.env.ENZYME_TS_TAPE_BUDGET);
  const checkpointEvery = parseCheckpointEvery(opts.checkpointEvery);
  return { ...(tapeBudget !== undefined ? { tapeBudget } : {}), ...(checkpointEvery !== undefined ? { checkpointEvery } : {}) };
}

/** `--width N`: an integer from 1 to MAX_WIDTH (contract section 6). */
export function parseWidth(word: string): number {
  const w = word.trim();
  const n = /^\d+$/.test(w) ? Number(w) : NaN;
  if (!(n >= 1 && n <= MAX_WIDTH)) fail('E0903', `--width: '${word}' is not a batch width; use an integer from 1 to ${MAX_WIDTH}`, null);
  return n;
}

export interface DebugSwitches {
  printActivity?: boolean;
  printTypes?: boolean;
  printPerf?: boolean;
  print?: boolean;
}

/** Flags or their Enzyme environment variables (contract section 9). */
export function debugFromEnv(opts: DebugSwitches & { looseTypes?: boolean; checkpoint?: string }): DebugSwitches & { looseTypes: boolean; checkpoint: string | undefined } {
  const env = process.env;
  const on = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0';
  let checkpoint = opts.checkpoint;
  if (!checkpoint && on(env.ENZYME_CACHE_ALWAYS)) checkpoint = 'cache';
  if (!checkpoint && on(env.ENZYME_CACHE_NEVER)) checkpoint = 'recompute';
  return {
    printActivity: !!opts.printActivity || on(env.ENZYME_PRINT_AA),
    printTypes: !!opts.printTypes || on(env.ENZYME_PRINT_TA),
    printPerf: !!opts.printPerf || on(env.ENZYME_PRINT_PERF),
    print: !!opts.print || on(env.ENZYME_PRINT),
    looseTypes: !!opts.looseTypes || on(env.ENZYME_LOOSE_TYPES),
    checkpoint,
  };
}

/** The options `grad` and `fwd` share (each command's own: `GradOptions`, `FwdOptions`). */
export interface DeriveOptions extends DebugSwitches {
  input: string;
  output?: string | undefined;
  fn: string;
  args?: string | undefined;
  ret?: string | undefined;
  name?: string | undefined;
  width?: string | undefined;
  looseTypes?: boolean;
  /** `--custom`, repeatable (`FN=AUG,REV` for `grad`, `FN=DF` for `fwd`). */
  custom?: string[] | undefined;
  /** `--inactive FN`, repeatable. */
  inactive?: string[] | undefined;
  /** Rendering of diagnostics, progress and `--time` (default: plain, quiet). */
  session?: Session | undefined;
  /** `--abi c|ir`. */
  abi?: string | undefined;
  /** `--header FILE`. */
  header?: string | undefined;
  /** The command line (for the header's comment). */
  commandLine?: string | undefined;
  /** `--verify-all`: parse and verify every function body, not only those the derivative reads. */
  verifyAll?: boolean;
  /** `--target-llvm N`: write the syntax LLVM N reads. */
  targetLlvm?: string | undefined;
}

export interface GradOptions extends DeriveOptions {
  checkpoint?: string | undefined;
  /** `--tape-budget BYTES`. */
  tapeBudget?: string | undefined;
  /** `--checkpoint-every K`. */
  checkpointEvery?: string | undefined;
}

/** `--inactive` names without their `@`. */
export function inactiveNames(opts: { inactive?: string[] | undefined }): string[] | undefined {
  return opts.inactive?.length ? opts.inactive.map((n) => n.trim().replace(/^@/, '')) : undefined;
}

export function requestFrom(opts: Omit<GradOptions, 'input' | 'output'>): GradRequest {
  const dbg = debugFromEnv(opts);
  const req: GradRequest = { fn: opts.fn, looseTypes: dbg.looseTypes };
  if (opts.args !== undefined) req.args = parseArgList(opts.args);
  if (opts.ret !== undefined) req.ret = parseRet(opts.ret);
  if (opts.name !== undefined) req.name = opts.name;
  if (dbg.checkpoint !== undefined) req.checkpoint = parseCheckpoint(dbg.checkpoint);
  Object.assign(req, budgetFrom(opts));
  if (opts.custom?.length) req.custom = opts.custom.map(parseCustomSpec);
  const inactive = inactiveNames(opts);
  if (inactive) req.inactive = inactive;
  if (opts.width !== undefined) req.width = parseWidth(opts.width);
  return req;
}

/** Differentiates and checks the result with the verifier (a failure there is a bug of the tool). */
export function differentiate(m: Module, req: GradRequest, file: import('../diag/source.js').SourceFile | null, dbg: DebugSwitches = {},
  session: Session = quietSession()): GradResult {
  const r = session.stage('differentiate', `differentiating @${req.fn}`, () => gradModule(m, req, file));
  if (r.warnings?.length) session.report(r.warnings);
  if (dbg.printPerf) session.stderr(r.perf.map((l) => `perf: ${l}\n`).join(''));
  if (dbg.print) for (const f of m.functions) if (f === r.fn || (f.linkage === 'internal' && /^(augmented_|reverse_|__enzyme_ts_)/.test(f.name ?? ''))) session.stderr(printFunction(f, m) + '\n');
  const problems = session.stage('verify output', 'verifying the derivative', () => verifyModule(m, null));
  if (problems.length) {
    throw new DiagnosticError([diag('E0999', `internal error: the generated derivative of @${req.fn} is invalid IR: ${problems[0]!.message}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
  }
  return r;
}

/** `enzyme-ts grad`. */
export function runGrad(opts: GradOptions): void {
  parseTarget(opts.targetLlvm); // a usage error before any reading
  const session = opts.session ?? quietSession();
  const req = requestFrom(opts);
  const { module: m, file, stats } = loadModuleWithSource(opts.input, session, { lazy: !opts.verifyAll });
  const dbg = debugFromEnv(opts);
  if (dbg.printActivity) session.stderr(activityReport(m, req, file).join('\n') + '\n');
  if (dbg.printTypes) {
    const ta = new TypeAnalysis(m, findFunction(m, req.fn));
    session.stderr([`types of @${req.fn}:`, ...ta.report(file)].join('\n') + '\n');
  }
  const abi = parseAbi(opts.abi);
  const r = differentiate(m, req, file, dbg, session);
  const desc = describeReverse(findFunction(m, req.fn), r.fn, r.args, r.ret, req.width ?? 1);
  const header = cInterface(m, [desc], { abi, header: opts.header, madeBy: opts.commandLine ?? 'enzyme-ts grad' }, session);
  writeModuleFor(m, file, opts.output, opts.targetLlvm, session);
  writeHeader(opts.header, header);
  // after printing, which reads what must print differently than written (renumbered globals)
  const lazy = lazyReport(stats);
  if (dbg.printPerf && lazy) session.stderr(`perf: ${lazy}\n`);
}
