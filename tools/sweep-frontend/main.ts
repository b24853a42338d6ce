// `npm run sweep-frontend`: the front end against everything real compilers print.
//
// Compiles C, C++ and Rust (the repository's sources, the sweep's programs,
// Debian source packages) with clang 13, 14, 15, 16 and 19 at many flag sets
// and with rustc stable and nightly, then checks each module:
//   - LLVM of the producing version accepts it (`opt-N -S`), else it is skipped;
//   - enzyme-ts parses and verifies it (a refusal is a failure: valid IR refused);
//   - LLVM accepts what enzyme-ts prints and normalizes it to the same text as the input.
// rustc prints LLVM 22, which no LLVM tool here reads: its modules must print as a fixed
// point and, after the LLVM 22 spellings are rewritten, match the input under LLVM 19.
// With --grad, a few functions of every module are differentiated (default activities)
// and the output must pass the tool's verifier and LLVM's assembler.
//
// Compiled modules are cached (see --cache); a second run only re-checks.
// Usage: npm run sweep-frontend -- [--jobs N] [--only REGEX] [--configs REGEX]
//        [--full] [--no-debian] [--grad] [--grad-fns N] [--cache DIR] [--fresh]
// `--scale [--only SHAPE] [--scale-factor F]` instead times every stage on
// generated functions of growing size (scale.ts); `--mutate [--count N] [--seed S]`
// compares the front end with llvm-as on mutants of corpus modules (mutate.ts).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModule } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { SourceFile } from '../../src/diag/source.js';
import { gradModule } from '../../src/ad/grad.js';
import type { Module } from '../../src/ir/module.js';
import type { Function } from '../../src/ir/function.js';
import { configs, ownSources, type Config, type Source } from './matrix.js';
import { debianSources } from './debian.js';
import { toLLVM19 } from '../../test/util/llvm22.js';
import { runScale } from './scale.js';
import { runMutate } from './mutate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Options {
  jobs: number; only: RegExp | null; configs: RegExp | null; full: boolean; debian: boolean;
  grad: boolean; gradFns: number; cache: string; fresh: boolean; scale: boolean; scaleFactor: number;
  mutate: boolean; count: number; seed: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    jobs: 2, only: null, configs: null, full: false, debian: true, grad: false, gradFns: 3,
    cache: join(tmpdir(), 'enzyme-ts-sweep'), fresh: false, scale: false, scaleFactor: 1,
    mutate: false, count: 2000, seed: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => { const v = argv[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    switch (a) {
      case '--jobs': o.jobs = Math.max(1, Number(next())); break;
      case '--only': o.only = new RegExp(next()); break;
      case '--configs': o.configs = new RegExp(next()); break;
      case '--full': o.full = true; break;
      case '--no-debian': o.debian = false; break;
      case '--grad': o.grad = true; break;
      case '--grad-fns': o.gradFns = Number(next()); break;
      case '--cache': o.cache = next(); break;
      case '--fresh': o.fresh = true; break;
      case '--scale': o.scale = true; break;
      case '--scale-factor': o.scaleFactor = Number(next()); break;
      case '--mutate': o.mutate = true; break;
      case '--count': o.count = Number(next()); break;
      case '--seed': o.seed = Number(next()); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

interface Run { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, maxBuffer: 1 << 30, encoding: 'utf8', timeout: 600_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin!.on('error', () => { /* the tool exited early; stderr says why */ });
    child.stdin!.end(opts.input ?? '');
  });
}

/** A tiny job pool: at most `n` promises in flight. */
async function pool<T>(items: T[], n: number, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) await work(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

type Outcome =
  | 'ok' | 'compile-failed' | 'llvm-rejects-input'
  | 'refused' | 'crash' | 'printed-rejected' | 'printed-differs' | 'not-fixed-point';
const FAILURES: ReadonlySet<Outcome> = new Set(['refused', 'crash', 'printed-rejected', 'printed-differs', 'not-fixed-point']);

type GradOutcome = 'ok' | 'refused' | 'internal' | 'invalid-caught' | 'output-rejected';
const GRAD_FAILURES: ReadonlySet<GradOutcome> = new Set(['internal', 'invalid-caught', 'output-rejected']);

interface Result { config: string; source: string; path: string; outcome: Outcome; detail: string; bytes: number }
interface GradResultRow { config: string; source: string; fn: string; outcome: GradOutcome; detail: string }

function firstDiff(a: string, b: string): string {
  const x = a.split('\n'); const y = b.split('\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return `line ${i + 1}: input: ${x[i] ?? '<end>'} | printed: ${y[i] ?? '<end>'}`;
}

function describe(e: unknown): { outcome: 'refused' | 'crash'; detail: string } {
  if (e instanceof DiagnosticError) {
    return { outcome: e.exitCode === 3 ? 'crash' : 'refused', detail: renderAll(e.diagnostics.slice(0, 1), { color: false }).split('\n').slice(0, 2).join(' | ') };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { outcome: 'crash', detail: `${err.name}: ${err.message} ${(err.stack ?? '').split('\n').slice(1, 4).join(' ').replace(/\s+/g, ' ')}` };
}

function load(text: string, name: string): Module {
  const m = parseModule(new SourceFile(name, text));
  const problems = verifyModule(m, null);
  if (problems.length) throw new DiagnosticError(problems.slice(0, 1));
  return m;
}

function llvmVersion(c: Config): number { return c.compiler.kind === 'clang' ? c.compiler.version : 19; }
const opt = (v: number): string => `opt-${v}`;
const llvmAs = (v: number): string => `llvm-as-${v}`;

async function compile(src: Source, cfg: Config, out: string): Promise<Run> {
  mkdirSync(dirname(out), { recursive: true });
  if (cfg.compiler.kind === 'rustc') {
    return run('rustc', [`+${cfg.compiler.toolchain}`, '--crate-type=lib', '--emit=llvm-ir', '-C', 'codegen-units=1', ...cfg.flags, src.path, '-o', out],
      { cwd: dirname(out) });
  }
  const v = cfg.compiler.version;
  const cc = src.lang === 'cpp' ? `clang++-${v}` : `clang-${v}`;
  const flags = src.flags.map((f) => f.replace('{V}', String(v)));
  return run(cc, [...cfg.flags, ...flags, '-S', '-emit-llvm', '-fdebug-compilation-dir=.', '-w', src.path, '-o', out], { cwd: src.cwd });
}

async function checkModule(cfg: Config, text: string, name: string): Promise<{ outcome: Outcome; detail: string }> {
  const v = llvmVersion(cfg);
  const rust = cfg.compiler.kind === 'rustc';
  const original = rust ? toLLVM19(text) : text;
  const a = await run(opt(v), ['-S', '-o', '-'], { input: original });
  if (a.code !== 0) return { outcome: 'llvm-rejects-input', detail: a.stderr.split('\n')[0] ?? '' };
  let printed: string;
  try {
    printed = printModule(load(text, name));
  } catch (e) {
    return describe(e);
  }
  if (rust) {
    try {
      const again = printModule(load(printed, `${name} (printed)`));
      if (again !== printed) return { outcome: 'not-fixed-point', detail: firstDiff(printed, again) };
    } catch (e) {
      const d = describe(e);
      return { outcome: 'not-fixed-point', detail: `printed module refused: ${d.detail}` };
    }
  }
  const b = await run(opt(v), ['-S', '-o', '-'], { input: rust ? toLLVM19(printed) : printed });
  if (b.code !== 0) return { outcome: 'printed-rejected', detail: b.stderr.split('\n').slice(0, 3).join(' | ') };
  if (a.stdout !== b.stdout) return { outcome: 'printed-differs', detail: firstDiff(a.stdout, b.stdout) };
  return { outcome: 'ok', detail: '' };
}

/** Functions worth differentiating: defined, with a floating or pointer parameter; the largest few under a size cap. */
function gradCandidates(m: Module, n: number): Function[] {
  const ok = m.functions.filter((f) => !f.isDeclaration && f.name !== null && !f.name.startsWith('llvm.') &&
    f.args.some((a) => a.type.kind === 'float' || a.type.kind === 'pointer' || a.type.kind === 'vector'));
  const size = (f: Function): number => f.blocks.reduce((s, b) => s + b.instructions.length, 0);
  return ok.filter((f) => size(f) <= 3000).sort((x, y) => size(y) - size(x) || (x.name! < y.name! ? -1 : 1)).slice(0, n);
}

async function gradCheck(cfg: Config, text: string, name: string, fns: number): Promise<GradResultRow[]> {
  const rows: GradResultRow[] = [];
  let names: string[];
  try {
    names = gradCandidates(load(text, name), fns).map((f) => f.name!);
  } catch {
    return rows;
  }
  const v = llvmVersion(cfg);
  for (const fn of names) {
    const row = (outcome: GradOutcome, detail: string): void => { rows.push({ config: cfg.name, source: name, fn, outcome, detail }); };
    let printed: string;
    try {
      const file = new SourceFile(name, text);
      const m = parseModule(file);
      gradModule(m, { fn }, file);
      const problems = verifyModule(m, null);
      if (problems.length) { row('invalid-caught', problems[0]!.message); continue; }
      printed = printModule(m);
    } catch (e) {
      if (e instanceof DiagnosticError && e.exitCode !== 3) { row('refused', e.diagnostics[0]?.code ?? ''); continue; }
      row('internal', describe(e).detail);
      continue;
    }
    const r = await run(llvmAs(v), ['--disable-output', '-'], { input: cfg.compiler.kind === 'rustc' ? toLLVM19(printed) : printed });
    if (r.code !== 0) row('output-rejected', r.stderr.split('\n').slice(0, 3).join(' | '));
    else row('ok', '');
  }
  return rows;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.mutate) {
    process.exitCode = await runMutate(ROOT, o.count, o.seed, join(o.cache, 'mutants'), o.jobs) ? 0 : 1;
    return;
  }
  if (o.scale) {
    process.exitCode = runScale(o.only, o.scaleFactor) ? 0 : 1;
    return;
  }
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  let sources = ownSources(ROOT);
  if (o.debian) sources = sources.concat(debianSources(o.cache, join(ROOT, 'tools', 'sweep-frontend', 'programs'), log));
  if (o.only) sources = sources.filter((s) => o.only!.test(s.id));
  const cfgs = configs().filter((c) => (!o.configs || o.configs.test(c.name)));
  const work: { src: Source; cfg: Config }[] = [];
  for (const cfg of cfgs) {
    for (const src of sources) {
      if ((src.lang === 'rust') !== (cfg.compiler.kind === 'rustc')) continue;
      if (!o.full && cfg.tier > src.tier) continue;
      work.push({ src, cfg });
    }
  }
  // tier by tier, so that an interrupted run has seen every source at every version
  work.sort((a, b) => a.cfg.tier - b.cfg.tier);
  log(`sweep: ${sources.length} sources, ${cfgs.length} configs, ${work.length} modules; cache ${o.cache}`);
  const results: Result[] = [];
  const grads: GradResultRow[] = [];
  const t0 = Date.now();
  let done = 0;
  await pool(work, o.jobs, async ({ src, cfg }) => {
    const out = join(o.cache, 'll', cfg.name, `${src.id.replace(/\//g, '__')}.ll`);
    const rec = (outcome: Outcome, detail: string, bytes = 0): void => {
      results.push({ config: cfg.name, source: src.id, path: out, outcome, detail, bytes });
      if (++done % 50 === 0) log(`  ${done}/${work.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    };
    const failedMark = `${out}.failed`;
    const fresh = existsSync(out) && statSync(out).mtimeMs >= statSync(src.path).mtimeMs;
    if (!o.fresh && !fresh && existsSync(failedMark) && statSync(failedMark).mtimeMs >= statSync(src.path).mtimeMs) { rec('compile-failed', 'cached'); return; }
    if (o.fresh || !fresh) {
      const c = await compile(src, cfg, out);
      if (c.code !== 0 || !existsSync(out)) {
        writeFileSync(failedMark, c.stderr);
        rec('compile-failed', c.stderr.split('\n').find((l) => /error/.test(l)) ?? c.stderr.split('\n')[0] ?? '');
        return;
      }
    }
    const text = readFileSync(out, 'utf8');
    const r = await checkModule(cfg, text, out);
    rec(r.outcome, r.detail, text.length);
    if (FAILURES.has(r.outcome)) log(`FAIL ${r.outcome} ${cfg.name} ${src.id}: ${r.detail}`);
    if (o.grad && r.outcome === 'ok' && text.length < 2_000_000) {
      const rows = await gradCheck(cfg, text, out, o.gradFns);
      for (const g of rows) if (GRAD_FAILURES.has(g.outcome)) log(`GRAD ${g.outcome} ${cfg.name} ${src.id} -f ${g.fn}: ${g.detail}`);
      grads.push(...rows);
    }
  });

  // ------------------------------------------------------------------ report
  const lines: string[] = [];
  const byCfg = new Map<string, Map<Outcome, number>>();
  for (const r of results) {
    const m = byCfg.get(r.config) ?? new Map<Outcome, number>();
    m.set(r.outcome, (m.get(r.outcome) ?? 0) + 1);
    byCfg.set(r.config, m);
  }
  const cols: Outcome[] = ['ok', 'refused', 'crash', 'printed-rejected', 'printed-differs', 'not-fixed-point', 'llvm-rejects-input', 'compile-failed'];
  lines.push(['config'.padEnd(24), ...cols.map((c) => c.padStart(9))].join(' '));
  for (const [cfg, m] of [...byCfg].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push([cfg.padEnd(24), ...cols.map((c) => String(m.get(c) ?? 0).padStart(9))].join(' '));
  }
  const total = (oc: Outcome): number => results.filter((r) => r.outcome === oc).length;
  const bytes = results.filter((r) => r.outcome === 'ok').reduce((s, r) => s + r.bytes, 0);
  lines.push(`modules: ${results.length}; ok ${total('ok')} (${(bytes / 1e6).toFixed(1)} MB); failures ${results.filter((r) => FAILURES.has(r.outcome)).length}; ` +
    `skipped: compile-failed ${total('compile-failed')}, llvm-rejects-input ${total('llvm-rejects-input')}`);
  const fails = results.filter((r) => FAILURES.has(r.outcome)).sort((a, b) => a.path.localeCompare(b.path));
  for (const f of fails) lines.push(`FAIL ${f.outcome} ${f.config} ${f.source}\n     ${f.path}\n     ${f.detail}`);
  if (o.grad) {
    const by = new Map<string, number>();
    for (const g of grads) {
      const k = g.outcome === 'refused' ? `refused ${g.detail}` : g.outcome;
      by.set(k, (by.get(k) ?? 0) + 1);
    }
    lines.push(`grad: ${grads.length} functions: ${[...by].sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    for (const g of grads.filter((x) => GRAD_FAILURES.has(x.outcome))) {
      lines.push(`GRAD ${g.outcome} ${g.config} ${g.source} -f ${g.fn}\n     ${g.detail}`);
    }
  }
  lines.push(`time: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const report = lines.join('\n') + '\n';
  mkdirSync(o.cache, { recursive: true });
  writeFileSync(join(o.cache, 'report.txt'), report);
  process.stdout.write(report);
  process.stdout.write(`(report written to ${join(o.cache, 'report.txt')})\n`);
  const gradFails = grads.filter((x) => GRAD_FAILURES.has(x.outcome)).length;
  process.exitCode = fails.length || gradFails ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`sweep-frontend: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
