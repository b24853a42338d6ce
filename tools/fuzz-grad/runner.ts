// The pipeline for one program and one configuration: clang -S -emit-llvm, `enzyme-ts lower`
// (in this process, exactly what the CLI runs; or the CLI itself with `cli`), clang on the
// lowered module, run, and classify what happened.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { loadModuleWithSource } from '../../src/driver/load.js';
import { lowerAndVerify } from '../../src/driver/lower.js';
import { printModule } from '../../src/print/printer.js';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

export interface Config {
  name: string;
  llvm: 14 | 19;
  flags: string[];
  /** Also run the lowered module under lli (a sample). */
  lli?: boolean;
  /** `enzyme-ts lower --checkpoint POLICY` (default: the tool's own, auto). */
  checkpoint?: 'cache' | 'recompute';
}

const mk = (llvm: 14 | 19, name: string, flags: string[], checkpoint?: 'cache' | 'recompute'): Config =>
  ({ name: `clang${llvm}-${name}${checkpoint ? `-${checkpoint}` : ''}`, llvm, flags, ...(checkpoint ? { checkpoint } : {}) });

/** Every configuration `--configs` knows. */
export const CONFIGS: Record<string, Config> = Object.fromEntries([
  mk(14, 'O0', ['-O0']), mk(14, 'O2', ['-O2']), mk(19, 'O0', ['-O0']), mk(19, 'O2', ['-O2']),
  mk(14, 'O1', ['-O1']), mk(19, 'O1', ['-O1']), mk(14, 'O3', ['-O3']), mk(19, 'O3', ['-O3']),
  mk(14, 'O3-native', ['-O3', '-march=native']), mk(19, 'O3-native', ['-O3', '-march=native']),
  mk(14, 'O2-fastmath', ['-O2', '-ffast-math']), mk(19, 'O2-fastmath', ['-O2', '-ffast-math']),
  mk(19, 'O3-native-fastmath', ['-O3', '-march=native', '-ffast-math']),
  mk(14, 'Os', ['-Os']), mk(19, 'Os', ['-Os']),
  mk(14, 'O0', ['-O0'], 'cache'), mk(19, 'O2', ['-O2'], 'recompute'), mk(14, 'O2', ['-O2'], 'cache'), mk(19, 'O0', ['-O0'], 'recompute'),
].map((c) => [c.name, c]));

export const DEFAULT_CONFIGS = ['clang14-O0', 'clang14-O2', 'clang19-O0', 'clang19-O2'];
/** One of these is added per program with `--extra` (rotating through them by program index). */
export const EXTRA_CONFIGS = ['clang19-O3-native', 'clang14-O2-fastmath', 'clang19-O2-fastmath', 'clang14-O3-native',
  'clang19-O1', 'clang14-O3', 'clang19-O3-native-fastmath', 'clang19-Os', 'clang19-O2-recompute', 'clang14-O0-cache'];

/**
 * ok / skip: the program checked itself (skip: it found no point far enough from a kink, or f
 * disagreed with its twin: a limit of the checker, not a finding).
 * mismatch: a gradient (or a primal output of the derivative) is wrong.
 * ad-crash / ad-hang: the derivative call crashed or did not finish.
 * refused: `lower` stopped with a located E04xx error (acceptable, counted per code).
 * internal: E0999 or an exception inside enzyme-ts (a bug). tool-error: another diagnostic on
 * clang's own output (the front end refused valid IR: a bug). invalid: clang rejected the
 * lowered module (a bug). gen-error: the generated program itself did not compile or run (a bug
 * of the generator).
 */
export type Outcome = 'ok' | 'skip' | 'mismatch' | 'ad-crash' | 'ad-hang' | 'refused' | 'internal' | 'tool-error' | 'invalid' | 'gen-error';
export const BUG_OUTCOMES: ReadonlySet<Outcome> = new Set(['mismatch', 'ad-crash', 'ad-hang', 'internal', 'tool-error', 'invalid', 'gen-error']);

export interface RunResult {
  id: string;
  config: string;
  outcome: Outcome;
  /** Diagnostic code (refused, internal, tool-error), skip reason, or first line of the problem. */
  code?: string;
  detail?: string;
  maxratio?: number;
  checked?: number;
  coords?: number;
  ms: number;
}

export interface RunOptions {
  /** Run the CLI binary instead of lowering in this process. */
  cli?: boolean;
  timeoutMs?: number;
}

function sh(cmd: string, args: string[], timeoutMs: number, cwd?: string): { code: number | null; signal: string | null; out: string; err: string; timedOut: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, ...(cwd ? { cwd } : {}), killSignal: 'SIGKILL' });
  const timedOut = !!r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { code: r.status, signal: r.signal, out: r.stdout ?? '', err: (r.stderr ?? '') + (r.error && !timedOut ? String(r.error) : ''), timedOut };
}

export function compilerFor(cfg: Config, lang: 'c' | 'cpp'): string {
  return `${lang === 'cpp' ? 'clang++' : 'clang'}-${cfg.llvm}`;
}

/** The checker is compiled once per program, by this compiler, without the configuration's flags. */
export const CHECK_CFG: Config = { name: 'check', llvm: 19, flags: ['-O1'] };

/** The shell commands of the pipeline, for a README or a reproducer. */
export function commands(cfg: Config, lang: 'c' | 'cpp'): string[] {
  const cc = compilerFor(cfg, lang);
  const ext = lang === 'cpp' ? 'cpp' : 'c';
  const f = cfg.flags.join(' ');
  const lowerCmd = `enzyme-ts lower${cfg.checkpoint ? ` --checkpoint ${cfg.checkpoint}` : ''} prog.ll -o prog.ad.ll`;
  if (cfg.lli) {
    return [
      `${cc} ${f} -S -emit-llvm prog.${ext} -o prog.ll`,
      lowerCmd,
      `${cc} -O1 -S -emit-llvm check.${ext} -o check.ll`,
      `${cfg.llvm === 14 ? 'lli' : 'lli-19'} -extra-module=check.ll prog.ad.ll`,
    ];
  }
  return [
    `${compilerFor(CHECK_CFG, lang)} ${CHECK_CFG.flags.join(' ')} -c check.${ext} -o check.o`,
    `${cc} ${f} -S -emit-llvm prog.${ext} -o prog.ll`,
    lowerCmd,
    `${cc} ${f} prog.ad.ll check.o -lm -o prog && ./prog`,
  ];
}

/** `enzyme-ts lower IN -o OUT`: null on success, else the outcome. */
function lower(inPath: string, outPath: string, opts: RunOptions, cfg: Config): { outcome: Outcome; code: string; detail: string } | null {
  if (opts.cli) {
    const r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', ...(cfg.checkpoint ? ['--checkpoint', cfg.checkpoint] : []), inPath, '-o', outPath], opts.timeoutMs ?? 120_000);
    if (r.code === 0) return null;
    if (r.timedOut) return { outcome: 'internal', code: 'hang', detail: 'enzyme-ts lower did not finish' };
    return classifyDiag(r.err, r.code ?? 3);
  }
  try {
    const { module: m, file } = loadModuleWithSource(inPath);
    lowerAndVerify(m, file, cfg.checkpoint ? { checkpoint: cfg.checkpoint } : {});
    writeFileSync(outPath, printModule(m));
    return null;
  } catch (e) {
    if (e instanceof DiagnosticError) return classifyDiag(renderAll(e.diagnostics, { color: false }), e.exitCode);
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { outcome: 'internal', code: 'exception', detail: `${what}\n${e instanceof Error ? e.stack ?? '' : ''}` };
  }
}

function classifyDiag(text: string, exit: number): { outcome: Outcome; code: string; detail: string } {
  const m = /error\[(E\d{4})\]/.exec(text);
  const code = m ? m[1]! : `exit${exit}`;
  const first = text.split('\n').find((l) => l.includes('error')) ?? text.split('\n')[0] ?? '';
  if (code === 'E0999' || exit === 3) return { outcome: 'internal', code, detail: text };
  if (/^E04\d\d$/.test(code)) return { outcome: 'refused', code, detail: first.length < text.length ? text : first };
  return { outcome: 'tool-error', code, detail: text };
}

/** Compiles, lowers, builds and runs `src` (prog.c and check.c written in `dir`) for one configuration. */
export function runConfig(dir: string, srcName: string, lang: 'c' | 'cpp', cfg: Config, id: string, opts: RunOptions = {}): RunResult {
  const t0 = Date.now();
  // messages name files relative to the program's folder (no temporary paths in kept findings)
  const done = (r: Omit<RunResult, 'id' | 'config' | 'ms'>): RunResult => ({
    id, config: cfg.name + (cfg.lli ? '+lli' : ''), ms: Date.now() - t0, ...r,
    ...(r.detail !== undefined ? { detail: r.detail.split(`${dir}/`).join('') } : {}),
  });
  const cc = compilerFor(cfg, lang);
  const ext = lang === 'cpp' ? 'cpp' : 'c';
  // the IR from clang is shared by the configurations that differ only in enzyme-ts's options
  const ll = join(dir, `${cfg.checkpoint ? cfg.name.slice(0, -cfg.checkpoint.length - 1) : cfg.name}.ll`);
  const ad = join(dir, `${cfg.name}.ad.ll`), bin = join(dir, `${cfg.name}.bin`);
  const timeout = opts.timeoutMs ?? 120_000;
  // the checker: an object for native runs, IR of the same LLVM for lli
  const checkObj = join(dir, 'check.o'), checkLl = join(dir, `check${cfg.llvm}.ll`);
  if (!cfg.lli && !existsSync(checkObj)) {
    const c0 = sh(compilerFor(CHECK_CFG, lang), [...CHECK_CFG.flags, '-w', '-c', join(dir, `check.${ext}`), '-o', checkObj], timeout);
    if (c0.code !== 0) return done({ outcome: 'gen-error', code: 'cc-check', detail: c0.err.slice(0, 4000) });
  }
  if (cfg.lli && !existsSync(checkLl)) {
    const c0 = sh(cc, ['-O1', '-w', '-S', '-emit-llvm', join(dir, `check.${ext}`), '-o', checkLl], timeout);
    if (c0.code !== 0) return done({ outcome: 'gen-error', code: 'cc-check', detail: c0.err.slice(0, 4000) });
  }
  if (!existsSync(ll)) {
    const c1 = sh(cc, [...cfg.flags, '-S', '-emit-llvm', '-w', join(dir, srcName), '-o', ll], timeout);
    if (c1.code !== 0) return done({ outcome: 'gen-error', code: 'cc', detail: c1.err.slice(0, 4000) });
  }
  if (!existsSync(ad)) {
    const lr = lower(ll, ad, opts, cfg);
    if (lr) return done(lr);
  }
  let runCmd: string[];
  if (cfg.lli) {
    runCmd = [cfg.llvm === 14 ? 'lli' : 'lli-19', `-extra-module=${checkLl}`, ad];
  } else {
    const c2 = sh(cc, [...cfg.flags, '-w', ad, checkObj, '-lm', '-o', bin], timeout);
    if (c2.code !== 0) return done({ outcome: 'invalid', code: 'cc', detail: c2.err.slice(0, 4000) });
    runCmd = [bin];
  }
  const r = sh(runCmd[0]!, runCmd.slice(1), opts.timeoutMs ?? 60_000, dir);
  writeFileSync(join(dir, `${cfg.name}${cfg.lli ? '.lli' : ''}.out`), r.out + (r.err ? `\n--- stderr\n${r.err}` : ''));
  return done(classifyRun(r.out, r.err, r.code, r.signal, r.timedOut));
}

export function classifyRun(out: string, err: string, code: number | null, signal: string | null, timedOut: boolean): Omit<RunResult, 'id' | 'config' | 'ms'> {
  const lines = out.split('\n');
  const res = lines.find((l) => l.startsWith('FZ RESULT '));
  const skip = lines.find((l) => l.startsWith('FZ SKIP '));
  const stages = lines.filter((l) => l.startsWith('FZ STAGE ')).map((l) => l.slice(9).trim());
  const stage = stages[stages.length - 1] ?? 'start';
  if (res && code === 0) {
    const m = /FZ RESULT (\w+) coords=(\d+) checked=(\d+) maxratio=(\S+)/.exec(res);
    const bad = lines.filter((l) => l.startsWith('FZ BAD')).slice(0, 6).join('\n');
    return {
      outcome: m?.[1] === 'ok' ? 'ok' : 'mismatch', ...(m ? { coords: Number(m[2]), checked: Number(m[3]), maxratio: Number(m[4]) } : {}),
      ...(bad ? { detail: bad, code: /FZ BAD (\S+)/.exec(bad)?.[1] ?? 'grad' } : {}),
    };
  }
  if (skip && code === 0) return { outcome: 'skip', code: skip.split(' ')[2] ?? 'skip' };
  const how = timedOut ? 'timeout' : signal ? signal : `exit ${code}`;
  if (stage === 'ad' || stage === 'check') {
    return { outcome: timedOut ? 'ad-hang' : 'ad-crash', code: how, detail: `${how} in stage ${stage}\n${err.slice(0, 2000)}` };
  }
  return { outcome: 'gen-error', code: `run:${stage}`, detail: `${how} in stage ${stage}\n${out.slice(-1000)}\n${err.slice(0, 2000)}` };
}

export function ensureDir(d: string): string { mkdirSync(d, { recursive: true }); return d; }
export function readText(p: string): string { return readFileSync(p, 'utf8'); }
