// The pipeline for one program and one configuration: clang -S -emit-llvm, `enzyme-ts lower`
// (in this process, exactly what the CLI runs; or the CLI itself with `cli`), clang on the
// lowered module, run, and classify what happened.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { loadModuleWithSource } from '../../src/driver/load.js';
import { lowerAndVerify } from '../../src/driver/lower.js';
import { printModule } from '../../src/print/printer.js';
import { cacheDir, ensureHelper, findToolchain } from '../../src/driver/cargo-toolchain.js';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

export interface Config {
  name: string;
  llvm: 14 | 19;
  flags: string[];
  /** Also run the lowered module under lli (a sample). */
  lli?: boolean;
  /** `enzyme-ts lower --checkpoint POLICY` (default: the tool's own, auto). */
  checkpoint?: 'cache' | 'recompute';
  /** A configuration of Rust programs: rustc's options (the C sides are built by clang 19 -O1). */
  rust?: RustOpts;
}
export interface RustOpts { opt: 0 | 1 | 2 | 3; panic: 'abort' | 'unwind'; debug: boolean }

const rk = (opt: 0 | 1 | 2 | 3, panic: 'abort' | 'unwind', debug = false): Config =>
  ({ name: `rust-O${opt}-${panic}${debug ? '-g' : ''}`, llvm: 19, flags: [], rust: { opt, panic, debug } });
/** The configurations of Rust programs (generator 6). */
export const RUST_CONFIGS: Record<string, Config> = Object.fromEntries([
  rk(0, 'abort'), rk(2, 'abort'), rk(0, 'unwind'), rk(3, 'unwind'), rk(1, 'abort'), rk(2, 'unwind', true), rk(3, 'abort', true),
  rk(0, 'abort', true), rk(1, 'unwind'), rk(3, 'abort'), rk(2, 'unwind'), rk(1, 'abort', true),
].map((c) => [c.name, c]));
export const RUST_DEFAULT_CONFIGS = ['rust-O0-abort', 'rust-O2-abort', 'rust-O0-unwind', 'rust-O3-unwind'];
export const RUST_EXTRA_CONFIGS = ['rust-O1-abort', 'rust-O2-unwind-g', 'rust-O3-abort-g', 'rust-O0-abort-g', 'rust-O1-unwind', 'rust-O3-abort', 'rust-O2-unwind', 'rust-O1-abort-g'];

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
].map((c) => [c.name, c]).concat(Object.entries(RUST_CONFIGS)));

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
  /** The Rust toolchain (found once per worker). */
  rust?: RustToolchain | { error: string };
}

function sh(cmd: string, args: string[], timeoutMs: number, cwd?: string): { code: number | null; signal: string | null; out: string; err: string; timedOut: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, ...(cwd ? { cwd } : {}), killSignal: 'SIGKILL' });
  return shResult(r);
}
function shResult(r: ReturnType<typeof spawnSync>): { code: number | null; signal: string | null; out: string; err: string; timedOut: boolean } {
  const timedOut = !!r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { code: r.status, signal: r.signal, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') + (r.error && !timedOut ? String(r.error) : ''), timedOut };
}

export function compilerFor(cfg: Config, lang: 'c' | 'cpp' | 'rust'): string {
  return `${lang === 'cpp' ? 'clang++' : 'clang'}-${cfg.llvm}`;
}

/** The checker is compiled once per program, by this compiler, without the configuration's flags. */
export const CHECK_CFG: Config = { name: 'check', llvm: 19, flags: ['-O1'] };

/** The shell commands of the pipeline, for a README or a reproducer. */
export function commands(cfg: Config, lang: 'c' | 'cpp' | 'rust'): string[] {
  if (cfg.rust) return rustCommands(cfg.rust, cfg.checkpoint);
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
export function runConfig(dir: string, srcName: string, lang: 'c' | 'cpp' | 'rust', cfg: Config, id: string, opts: RunOptions = {}): RunResult {
  if (cfg.rust) return runRust(dir, cfg, id, opts);
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

// ---- Rust programs (generator 6)
//
//   rustc --crate-type=lib --emit=llvm-ir -C opt-level=N -C panic=P [-g] prog.rs -o prog.ll
//   enzyme-ts lower prog.ll -o prog.ad.ll
//   enzyme-ts-llvm prog.ad.ll --emit obj --opt N -o prog.o      (rustc's own LLVM: the IR is LLVM 22)
//   clang-19 prog.o glue.o check.o libfzrt-P.a -lm -lpthread -ldl -o prog && ./prog
//
// The module is assembled by the LLVM inside the Rust toolchain through the helper of `enzyme-ts
// cargo` (rust/llvm-helper); libfzrt-P.a is an empty crate built as a staticlib with the same panic
// strategy: Rust's std for the link. Without a rustup toolchain the runs are skipped (`no-rust`).

export interface RustToolchain { rustc: string[]; helper: string; runtime: (panic: 'abort' | 'unwind') => string }

/** The toolchain, its LLVM helper and the runtime libraries, built on first use (null: none here). */
export function rustToolchain(log: (l: string) => void = () => {}): RustToolchain | { error: string } {
  try {
    const tc = findToolchain(null);
    const helper = ensureHelper(tc, log);
    const dir = join(cacheDir(), `fuzz-rt-${createHash('sha256').update(tc.version).update(tc.sysroot).digest('hex').slice(0, 16)}`);
    return {
      rustc: tc.rustc, helper,
      runtime: (panic) => {
        const lib = join(dir, `libfzrt-${panic}.a`);
        if (existsSync(lib)) return lib;
        mkdirSync(dir, { recursive: true });
        const src = join(dir, 'fzrt.rs');
        writeFileSync(src, '// the Rust runtime (std) of the fuzz-grad programs\n');
        const tmp = `${lib}.${process.pid}.tmp`;
        const r = sh(tc.rustc[0]!, [...tc.rustc.slice(1), '--crate-type=staticlib', '--crate-name=fzrt', '-O', '-C', `panic=${panic}`, src, '-o', tmp], 300_000);
        if (r.code !== 0) throw new Error(`cannot build the Rust runtime: ${r.err.slice(0, 2000)}`);
        renameSync(tmp, lib);
        return lib;
      },
    };
  } catch (e) {
    return { error: e instanceof DiagnosticError ? e.diagnostics.map((d) => d.message).join('; ') : e instanceof Error ? e.message : String(e) };
  }
}

function rustFlags(o: RustOpts): string[] {
  return ['--crate-type=lib', '--emit=llvm-ir', '-C', `opt-level=${o.opt}`, '-C', `panic=${o.panic}`, '-C', 'codegen-units=1', ...(o.debug ? ['-g'] : [])];
}

function rustCommands(o: RustOpts, checkpoint?: string): string[] {
  return [
    `${compilerFor(CHECK_CFG, 'c')} ${CHECK_CFG.flags.join(' ')} -c check.c -o check.o && ${compilerFor(CHECK_CFG, 'c')} -O1 -c glue.c -o glue.o`,
    `rustc ${rustFlags(o).join(' ')} prog.rs -o prog.ll`,
    `enzyme-ts lower${checkpoint ? ` --checkpoint ${checkpoint}` : ''} prog.ll -o prog.ad.ll`,
    `enzyme-ts-llvm prog.ad.ll --emit obj --opt ${o.opt} -o prog.o   # the LLVM helper of enzyme-ts cargo, on rustc's LLVM`,
    `clang-19 prog.o glue.o check.o libfzrt-${o.panic}.a -lm -lpthread -ldl -o prog && ./prog   # libfzrt: an empty crate, rustc --crate-type=staticlib -C panic=${o.panic}`,
  ];
}

function runRust(dir: string, cfg: Config, id: string, opts: RunOptions): RunResult {
  const t0 = Date.now();
  const o = cfg.rust!;
  const done = (r: Omit<RunResult, 'id' | 'config' | 'ms'>): RunResult => ({
    id, config: cfg.name, ms: Date.now() - t0, ...r,
    ...(r.detail !== undefined ? { detail: r.detail.split(`${dir}/`).join('') } : {}),
  });
  const tc = opts.rust ?? rustToolchain();
  if ('error' in tc) return done({ outcome: 'skip', code: 'no-rust', detail: tc.error });
  const timeout = opts.timeoutMs ?? 120_000;
  const cc = compilerFor(CHECK_CFG, 'c');
  for (const [src, obj] of [['check.c', 'check.o'], ['glue.c', 'glue.o']] as const) {
    if (existsSync(join(dir, obj))) continue;
    const c0 = sh(cc, [...CHECK_CFG.flags, '-w', '-c', join(dir, src), '-o', join(dir, obj)], timeout);
    if (c0.code !== 0) return done({ outcome: 'gen-error', code: `cc-${src}`, detail: c0.err.slice(0, 4000) });
  }
  const base = cfg.checkpoint ? cfg.name.slice(0, -cfg.checkpoint.length - 1) : cfg.name;
  const ll = join(dir, `${base}.ll`), ad = join(dir, `${cfg.name}.ad.ll`), obj = join(dir, `${cfg.name}.o`), bin = join(dir, `${cfg.name}.bin`);
  if (!existsSync(ll)) {
    const c1 = sh(tc.rustc[0]!, [...tc.rustc.slice(1), ...rustFlags(o), join(dir, 'prog.rs'), '-o', ll], timeout);
    if (c1.code !== 0) return done({ outcome: 'gen-error', code: 'rustc', detail: c1.err.slice(0, 4000) });
  }
  if (!existsSync(ad)) {
    const lr = lower(ll, ad, opts, cfg);
    if (lr) return done(lr);
  }
  const h = sh(tc.helper, [ad, '--emit', 'obj', '--opt', String(o.opt), '-o', obj], timeout);
  if (h.code !== 0) return done({ outcome: 'invalid', code: 'rust-llvm', detail: h.err.slice(0, 4000) });
  let rt: string;
  try { rt = tc.runtime(o.panic); } catch (e) { return done({ outcome: 'skip', code: 'no-rust', detail: String(e) }); }
  const c2 = sh(cc, [obj, join(dir, 'glue.o'), join(dir, 'check.o'), rt, '-lm', '-lpthread', '-ldl', '-o', bin], timeout);
  if (c2.code !== 0) return done({ outcome: 'invalid', code: 'link', detail: c2.err.slice(0, 4000) });
  const r = sh(bin, [], opts.timeoutMs ?? 60_000, dir);
  writeFileSync(join(dir, `${cfg.name}.out`), r.out + (r.err ? `\n--- stderr\n${r.err}` : ''));
  return done(classifyRun(r.out, r.err, r.code, r.signal, r.timedOut));
}
