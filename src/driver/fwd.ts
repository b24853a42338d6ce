// `enzyme-ts fwd`: the forward-mode derivative of a function (contract section 5b).
import { printFunction } from '../print/printer.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import type { FwdActivity, FwdRequest, FwdResult, FwdRetActivity } from '../ad/api.js';
import { fwdModule } from '../ad/fwd.js';
import { parseFwdCustomSpec } from '../ad/custom.js';
import { lazyReport, loadModuleWithSource } from './load.js';
import { parseTarget, writeModuleFor } from './target.js';
import { quietSession, type Session } from './session.js';
import { fwdActivityReport } from './activity.js';
import { debugFromEnv, inactiveNames, parseWidth, type DebugSwitches, type DeriveOptions } from './grad.js';
import { cInterface, parseAbi, writeHeader } from './cinterface.js';
import { describeForward } from '../abi/describe.js';
import { findFunction } from '../ad/grad.js';

const ARG_WORDS: Record<string, FwdActivity> = {
  dup: 'dup', dual: 'dup', duplicated: 'dup',
  dupnoneed: 'dupnoneed', dualonly: 'dupnoneed', duplicatednoneed: 'dupnoneed', duplicatedonly: 'dupnoneed',
  const: 'const', constant: 'const',
};
const RET_WORDS: Record<string, FwdRetActivity> = {
  dup: 'dup', dual: 'dup', duplicated: 'dup',
  dupnoneed: 'dupnoneed', dualonly: 'dupnoneed', duplicatednoneed: 'dupnoneed', duplicatedonly: 'dupnoneed',
  const: 'const', constant: 'const', none: 'none',
};

/** `dup,const,dupnoneed` (case-insensitive, with Rust's `Dual` / `DualOnly` as aliases). */
export function parseFwdArgList(list: string): FwdActivity[] {
  if (list.trim() === '') return [];
  return list.split(',').map((w, k) => {
    const word = w.trim().toLowerCase();
    const a = ARG_WORDS[word];
    if (!a) {
      const hint = word === 'active' || word === 'out' ? " ('active' is reverse mode's: a floating value gets its tangent with dup)" : '';
      fail('E0903', `--args: '${w.trim()}' (item ${k + 1}) is not a forward-mode activity; use dup, dupnoneed or const${hint}`, null);
    }
    return a;
  });
}

export function parseFwdRet(word: string): FwdRetActivity {
  const r = RET_WORDS[word.trim().toLowerCase()];
  if (!r) fail('E0903', `--ret: '${word}' is not a forward-mode return activity; use dup, dupnoneed, const or none`, null);
  return r;
}

/** `enzyme-ts fwd`'s options: those of `grad` but `--checkpoint`. */
export type FwdOptions = DeriveOptions;

export function fwdRequestFrom(opts: Omit<FwdOptions, 'input' | 'output'>): FwdRequest {
  const dbg = debugFromEnv(opts);
  const req: FwdRequest = { fn: opts.fn, looseTypes: dbg.looseTypes };
  if (opts.args !== undefined) req.args = parseFwdArgList(opts.args);
  if (opts.ret !== undefined) req.ret = parseFwdRet(opts.ret);
  if (opts.name !== undefined) req.name = opts.name;
  if (opts.width !== undefined) req.width = parseWidth(opts.width);
  if (opts.custom?.length) req.custom = opts.custom.map(parseFwdCustomSpec);
  const inactive = inactiveNames(opts);
  if (inactive) req.inactive = inactive;
  return req;
}

/** Differentiates and checks the result with the verifier (a failure there is a bug of the tool). */
export function fwdDifferentiate(m: Module, req: FwdRequest, file: SourceFile | null, dbg: DebugSwitches = {}, session: Session = quietSession()): FwdResult {
  const r = fwdModule(m, req, file);
  if (r.warnings?.length) session.report(r.warnings);
  if (dbg.printPerf) session.stderr(r.perf.map((l) => `perf: ${l}\n`).join(''));
  if (dbg.print) for (const f of m.functions) if (f === r.fn || (f.linkage === 'internal' && /^(fwddiffe|__enzyme_ts_)/.test(f.name ?? ''))) session.stderr(printFunction(f, m) + '\n');
  const problems = verifyModule(m, null);
  if (problems.length) {
    throw new DiagnosticError([diag('E0999', `internal error: the generated forward derivative of @${req.fn} is invalid IR: ${problems[0]!.message}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
  }
  return r;
}

/** `enzyme-ts fwd`. */
export function runFwd(opts: FwdOptions): void {
  parseTarget(opts.targetLlvm); // a usage error before any reading
  const session = opts.session ?? quietSession();
  const { module: m, file, stats } = loadModuleWithSource(opts.input, session, { lazy: !opts.verifyAll });
  const req = fwdRequestFrom(opts);
  const dbg = debugFromEnv(opts);
  if (dbg.printActivity) session.stderr(fwdActivityReport(m, req, file).join('\n') + '\n');
  const abi = parseAbi(opts.abi);
  const r = session.stage('differentiate', `differentiating @${req.fn} (forward)`, () => fwdDifferentiate(m, req, file, dbg, session));
  const desc = describeForward(findFunction(m, req.fn), r.fn, r.args, r.ret === 'none' ? 'const' : r.ret, req.width ?? 1);
  const header = cInterface(m, [desc], { abi, header: opts.header, madeBy: opts.commandLine ?? 'enzyme-ts fwd' }, session);
  writeModuleFor(m, file, opts.output, opts.targetLlvm, session);
  writeHeader(opts.header, header);
  // after printing, which reads what must print differently than written (renumbered globals)
  const lazy = lazyReport(stats);
  if (dbg.printPerf && lazy) session.stderr(`perf: ${lazy}\n`);
}
