// The AD benchmark section of `npm run bench`: the public AD benchmark problems
// (GradBench / ADBench: GMM, bundle adjustment, LSTM, the RK4 ODE, log-sum-exp,
// determinant by minors, k-means; bench/ad/), each written in C from its public
// description with a hand-written gradient of the same algorithm. For each:
//
//   clang -O2 -S -emit-llvm NAME.c   ->  `lower` (in process)  ->  clang -O2 with NAME_main.c
//
// then the binary checks enzyme-ts's gradient against the hand-written one and
// against finite differences, counts what one gradient call allocates (the link
// wraps malloc/calloc/realloc/free), and times primal, hand-written and
// enzyme-ts gradients interleaved; separate runs give each one's peak RSS.
// Printed as gradient / primal ratios beside GradBench's published Enzyme
// ratios. Reports, asserts nothing (docs/benchmarks.md, "AD benchmarks").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseText } from '../src/syntax/parse.js';
import { printModule } from '../src/print/printer.js';
import { lowerModule } from '../src/lower/lower.js';
import { verifyModule } from '../src/ir/verify.js';
import { DiagnosticError } from '../src/diag/diagnostic.js';
import type { CheckpointPolicy } from '../src/ad/api.js';
import { commandOutput, sig3, table } from './util.js';

// bench/ (run from the sources, as the tests do) or dist/bench/ (compiled).
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = existsSync(join(HERE, '..', 'package.json')) ? resolve(HERE, '..') : resolve(HERE, '../..');
const AD = join(ROOT, 'bench/ad');

export interface Instance {
  /** Shown in the table. */
  label: string;
  /** The kernel's arguments (see each NAME_main.c). */
  args: number[];
  /** Gradient / primal of Enzyme as GradBench publishes it for this instance (null: not published). */
  gradbench: number | null;
  /** Gradient / primal of Enzyme 0.0.79 (LLVM 19 plugin) measured on these machines in issue 11 (null: not measured). */
  plugin: number | null;
  /** Skipped by --quick. */
  big?: boolean;
}

export interface AdKernel {
  name: string;
  what: string;
  /** A small instance whose gradient is checked (the timed instances may have many zero entries: the ODE). */
  check: number[];
  instances: Instance[];
  /** What GradBench times as "gradient" when it is not this gradient. */
  note?: string;
}

export const AD_KERNELS: AdKernel[] = [
  {
    name: 'gmm', what: 'GMM objective, d.o.f. alphas, means, icf', check: [3, 4, 20],
    instances: [
      { label: 'd=10 k=25 n=1000', args: [10, 25, 1000], gradbench: 12.8, plugin: 18.6 },
      { label: 'd=64 k=100 n=1000', args: [64, 100, 1000], gradbench: 9.1, plugin: 28.0, big: true },
    ],
  },
  {
    name: 'ba', what: 'bundle adjustment Jacobian (2 reverse sweeps per observation)', check: [3, 7, 20],
    instances: [{ label: 'n=21 m=11315 p=36455', args: [21, 11315, 36455], gradbench: 9.7, plugin: 11.2 }],
    note: 'published figures: ba3',
  },
  {
    name: 'lstm', what: 'LSTM objective, d.o.f. main and extra parameters', check: [2, 6, 5],
    instances: [{ label: 'l=4 c=1024 b=14', args: [4, 1024, 14], gradbench: 2.6, plugin: 6.0 }],
  },
  {
    name: 'ode', what: 'RK4 ODE (an_ode), gradient of the last element', check: [20, 10],
    instances: [
      { label: 'n=10000 s=10', args: [10000, 10], gradbench: 4.9, plugin: 3.0 },
      { label: 'n=100000 s=1', args: [100000, 1], gradbench: 0.6, plugin: 3.2 },
    ],
    note: 'at these sizes the last element depends on the last 4s entries of x only: the other entries of the gradient are exactly 0, hence the small check instance',
  },
  {
    name: 'lse', what: 'log-sum-exp', check: [100],
    instances: [{ label: 'n=160000', args: [160000], gradbench: 2.1, plugin: 2.1 }],
  },
  {
    name: 'det', what: 'determinant by minors (recursive)', check: [5],
    instances: [
      { label: 'ell=7', args: [7], gradbench: 14.7, plugin: 22.4 },
      { label: 'ell=9', args: [9], gradbench: 29.0, plugin: 77.1, big: true },
    ],
  },
  {
    name: 'kmeans', what: 'k-means cost, gradient w.r.t. the centroids', check: [50, 5, 3],
    instances: [{ label: 'n=10000 k=100 d=8', args: [10000, 100, 8], gradbench: null, plugin: null }],
    note: 'GradBench times a Newton direction (gradient and Hessian diagonal): no published gradient figure',
  },
];

export interface AdBenchOptions {
  minS: number;
  rounds: number;
  quick: boolean;
  clang: string;
  only: string[];
  checkpoint?: CheckpointPolicy;
  timeoutS: number;
}

export function adBenchOptions(quick: boolean): AdBenchOptions {
  return quick
    ? { minS: 0.1, rounds: 1, quick, clang: 'clang-19', only: [], timeoutS: 300 }
    : { minS: 0.25, rounds: 3, quick, clang: 'clang-19', only: [], timeoutS: 600 };
}

type KV = Map<string, number>;

export interface AdRow {
  kernel: string;
  instance: string;
  gradbench: number | null;
  plugin: number | null;
  lowerMs?: number;
  check?: KV;
  run?: KV;
  rssMB?: { none: number; primal: number; hand: number; enzyme: number };
  perf?: string[];
  error?: string;
}

const say = (s = '') => console.log(s);

function errorText(e: unknown): string {
  const msg = e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') : e instanceof Error ? e.message : String(e);
  const one = msg.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 300)}...` : one;
}

function run(cmd: string, args: string[], timeoutS: number): { ok: boolean; stdout: string; error: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20, timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
  const ok = !r.error && r.status === 0;
  const error = ok ? '' : r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : (r.stderr ?? '').trim().split('\n').slice(0, 3).join(' / ') || `exit status ${r.status}`;
  return { ok, stdout: r.stdout ?? '', error };
}

function keyValues(text: string): KV {
  const kv: KV = new Map();
  for (const line of text.split('\n')) {
    for (const m of line.trim().matchAll(/(\w+)=(\S+)/g)) {
      if (m[1] !== 'round') kv.set(m[1]!, Number(m[2]));
    }
  }
  return kv;
}

/** Lowers the kernel's module in process; returns the lowered text, the time of the lowering and the perf report. */
function lowerKernel(text: string, name: string, o: AdBenchOptions): { text: string; ms: number; perf: string[] } {
  const m = parseText(text, `${name}.ll`);
  const t0 = performance.now();
  const r = lowerModule(m, null, {
    looseTypes: false,
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  });
  const ms = performance.now() - t0;
  const problems = verifyModule(m, null);
  if (problems.length) throw new Error(`the lowered module does not verify: ${problems[0]!.message}`);
  return { text: printModule(m), ms, perf: r.perf };
}

/** Builds bench/ad/NAME: the executable's path. */
export function buildAdKernel(name: string, dir: string, o: AdBenchOptions): { exe: string; ms: number; perf: string[] } {
  const ll = join(dir, `${name}.ll`);
  const cc = run(o.clang, ['-O2', '-S', '-emit-llvm', join(AD, `${name}.c`), '-o', ll], 120);
  if (!cc.ok) throw new Error(`${o.clang} -O2 -S -emit-llvm: ${cc.error}`);
  const low = lowerKernel(readFileSync(ll, 'utf8'), name, o);
  const adll = join(dir, `${name}.ad.ll`);
  writeFileSync(adll, low.text);
  const exe = join(dir, `${name}.exe`);
  const wrap = '-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free';
  const ld = run(o.clang, ['-O2', '-w', adll, join(AD, `${name}_main.c`), '-lm', wrap, '-o', exe], 120);
  if (!ld.ok) throw new Error(`${o.clang} (link with the harness): ${ld.error}`);
  return { exe, ms: low.ms, perf: low.perf };
}

function measure(k: AdKernel, o: AdBenchOptions, tmp: string): AdRow[] {
  const instances = k.instances.filter((i) => !o.quick || !i.big);
  const rows: AdRow[] = instances.map((i) => ({ kernel: k.name, instance: i.label, gradbench: i.gradbench, plugin: i.plugin }));
  const dir = mkdtempSync(join(tmp, `${k.name}-`));
  try {
    const { exe, ms, perf } = buildAdKernel(k.name, dir, o);
    const chk = run(exe, ['all', '0', '0', ...k.check.map(String)], o.timeoutS);
    if (!chk.ok) throw new Error(`check instance: ${chk.error}`);
    const check = keyValues(chk.stdout);
    instances.forEach((inst, n) => {
      const row = rows[n]!;
      row.lowerMs = ms;
      row.perf = perf;
      row.check = check;
      const args = inst.args.map(String);
      const r = run(exe, ['all', String(o.minS), String(o.rounds), ...args], o.timeoutS);
      row.run = keyValues(r.stdout);
      if (!r.ok) row.error = r.error;
      const rss = (what: string): number => {
        const m = run(exe, [`mem-${what}`, '0', '0', ...args], o.timeoutS);
        return m.ok ? (keyValues(m.stdout).get('maxrss_kb') ?? NaN) / 1024 : NaN;
      };
      row.rssMB = { none: rss('none'), primal: rss('primal'), hand: rss('hand'), enzyme: rss('enzyme') };
      const v = row.run;
      say(`   ${k.name} ${inst.label}: primal ${timeText(v.get('primal_min_s'))}, hand ${ratio(v.get('hand_min_s'), v.get('primal_min_s'))}, enzyme-ts ${ratio(v.get('enzyme_min_s'), v.get('primal_min_s'))}${row.error ? `; ${row.error}` : ''}`);
    });
  } catch (e) {
    for (const r of rows) r.error = errorText(e);
    say(`   ${k.name}: FAILED: ${rows[0]!.error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function timeText(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return 'n/a';
  if (s >= 1) return `${sig3(s)} s`;
  if (s >= 1e-3) return `${sig3(s * 1e3)} ms`;
  if (s >= 1e-6) return `${sig3(s * 1e6)} us`;
  return `${sig3(s * 1e9)} ns`;
}
function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${sig3(a / b)}x` : 'n/a';
}
function bytesText(b: number | undefined): string {
  if (b === undefined || !Number.isFinite(b)) return 'n/a';
  if (b >= 1e6) return `${sig3(b / 1e6)} MB`;
  if (b >= 1e3) return `${sig3(b / 1e3)} kB`;
  return `${b} B`;
}
function checkText(kv: KV | undefined): string {
  if (!kv) return 'n/a';
  const hd = kv.get('hand_diff'), fd = kv.get('fd_relerr');
  if (hd === undefined || fd === undefined) return 'n/a';
  const ok = hd <= 1e-9 && fd <= 1e-5;
  return `${ok ? 'ok' : 'MISMATCH'} ${hd.toExponential(0)} / ${fd.toExponential(0)}`;
}

export interface AdBenchResult { options: AdBenchOptions; clang: string | null; rows: AdRow[] }

export function runAdBench(o: AdBenchOptions): AdBenchResult {
  const version = commandOutput(o.clang, ['--version']);
  const clang = version ? (/clang version ([\d.]+)/.exec(version)?.[1] ?? 'unknown') : null;
  say(`\n== AD benchmarks (bench/ad): ${o.clang} ${clang ?? 'MISSING: section skipped'}; each timing >= ${o.minS} s, best of ${o.rounds} rounds${o.checkpoint ? `; --checkpoint ${o.checkpoint}` : ''}`);
  if (!clang) return { options: o, clang, rows: [] };
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-bench-ad-'));
  const rows: AdRow[] = [];
  try {
    for (const k of AD_KERNELS) if (!o.only.length || o.only.includes(k.name)) rows.push(...measure(k, o, tmp));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (rows.length) reportAd(rows, o);
  if (!o.only.length || o.only.includes('checkpoint')) { runCheckpointBench(o); runCheckpointOdeBench(o); }
  return { options: o, clang, rows };
}

/**
 * Loop checkpointing (docs/ad.md, "Loop checkpointing"): bench/ad/duffing.c, an RK4
 * time-stepping loop of 1e6 steps whose state lives in registers, lowered with
 * `--tape-budget none` (the whole tape, no checkpointing code), with the default budget (not
 * reached: the whole tape, the cost of the code that would checkpoint) and with a budget of 1 MB
 * (checkpointed every ~sqrt(n) steps), each run in its own process: best gradient time and peak RSS.
 */
export function runCheckpointBench(o: AdBenchOptions): void {
  const steps = o.quick ? 100_000 : 1_000_000;
  say(`\n### Loop checkpointing: RK4 Duffing oscillator, ${steps} steps (bench/ad/duffing.c, ${o.clang} -O2)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-bench-ckpt-'));
  try {
    const ll = join(dir, 'duffing.ll');
    const cc = run(o.clang, ['-O2', '-S', '-emit-llvm', join(AD, 'duffing.c'), '-o', ll], 120);
    if (!cc.ok) { say(`FAILED: ${cc.error}`); return; }
    const text = readFileSync(ll, 'utf8');
    const variants: { label: string; budget?: number | null }[] = [
      { label: 'cache everything (--tape-budget none)', budget: null },
      { label: 'default budget (256M, not reached: whole tape)' },
      { label: 'checkpointed (--tape-budget 1M)', budget: 2 ** 20 },
    ];
    const primalKV = new Map<string, number>();
    const rows: string[][] = [];
    const perfs: string[] = [];
    for (const v of variants) {
      const m = parseText(text, 'duffing.ll');
      const r = lowerModule(m, null, { looseTypes: false, ...(v.budget !== undefined ? { tapeBudget: v.budget } : {}) });
      perfs.push(...r.perf.filter((l) => /checkpointed|per iteration/.test(l)).map((l) => `${v.label}: ${l}`));
      const adll = join(dir, `d${rows.length}.ll`);
      writeFileSync(adll, printModule(m));
      const exe = join(dir, `d${rows.length}`);
      const ld = run(o.clang, ['-O2', '-w', adll, join(AD, 'duffing_main.c'), '-lm', '-o', exe], 120);
      if (!ld.ok) { rows.push([v.label, 'FAILED', ld.error, '', '', '']); continue; }
      if (!primalKV.size) {
        const p = run(exe, ['primal', String(steps), String(Math.max(3, o.rounds))], o.timeoutS);
        for (const [k, x] of keyValues(p.stdout)) primalKV.set(k, x);
      }
      const g = keyValues(run(exe, ['grad', String(steps), String(Math.max(3, o.rounds))], o.timeoutS).stdout);
      const chk = keyValues(run(exe, ['check', String(Math.min(steps, 200_000))], o.timeoutS).stdout).get('fd_relerr');
      rows.push([v.label, timeText(g.get('time_s')), ratio(g.get('time_s'), primalKV.get('time_s')),
        sig3((g.get('maxrss_kb') ?? NaN) / 1024), sig3((primalKV.get('maxrss_kb') ?? NaN) / 1024),
        chk === undefined ? 'n/a' : `${chk <= 1e-5 ? 'ok' : 'MISMATCH'} ${chk.toExponential(0)}`]);
    }
    say(table(['variant', 'gradient time', 'gradient / primal', 'peak RSS MB: gradient', 'primal', 'check: fin. diff.'], rows, ['l']));
    say('\nbest of the rounds; peak RSS (VmHWM) of a process that runs the gradient (or the primal) only. check: the');
    say('largest relative difference to central differences over the 5 inputs, at up to 200000 steps.');
    for (const l of perfs) say(`    perf: ${l}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loop checkpointing with the state in memory (docs/ad.md, "Loop checkpointing"): the RK4 ODE of
 * bench/ad/ode.c (y[0..n) updated in place at every step, heap scratch k1..k4, t), n = 10, 1e6
 * steps: the whole tape (`--tape-budget none`), the default budget (256M: exceeded, checkpointed)
 * and a budget of 1 MB, each in its own process: best gradient time of 3 rounds, peak RSS of a
 * process that runs the gradient once, and the check against the hand-written gradient and
 * finite differences (the harness's `all` mode).
 */
export function runCheckpointOdeBench(o: AdBenchOptions): void {
  const n = 10;
  const steps = o.quick ? 100_000 : 1_000_000;
  say(`\n### Loop checkpointing, state in memory: RK4 ODE, n=${n}, ${steps} steps (bench/ad/ode.c, ${o.clang} -O2)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-bench-ckpt-ode-'));
  try {
    const ll = join(dir, 'ode.ll');
    const cc = run(o.clang, ['-O2', '-S', '-emit-llvm', join(AD, 'ode.c'), '-o', ll], 120);
    if (!cc.ok) { say(`FAILED: ${cc.error}`); return; }
    const text = readFileSync(ll, 'utf8');
    const variants: { label: string; budget?: number | null }[] = [
      { label: 'cache everything (--tape-budget none)', budget: null },
      { label: 'default budget (256M: exceeded, checkpointed)' },
      { label: 'checkpointed (--tape-budget 1M)', budget: 2 ** 20 },
    ];
    const rows: string[][] = [];
    const perfs: string[] = [];
    let primal: KV | null = null;
    for (const v of variants) {
      const m = parseText(text, 'ode.ll');
      const r = lowerModule(m, null, { looseTypes: false, ...(v.budget !== undefined ? { tapeBudget: v.budget } : {}) });
      perfs.push(...r.perf.filter((l) => /checkpointed:|checkpointed when|checkpointed every/.test(l)).map((l) => `${v.label}: ${l}`));
      const adll = join(dir, `o${rows.length}.ll`);
      writeFileSync(adll, printModule(m));
      const exe = join(dir, `o${rows.length}`);
      const wrap = '-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free';
      const ld = run(o.clang, ['-O2', '-w', adll, join(AD, 'ode_main.c'), '-lm', wrap, '-o', exe], 120);
      if (!ld.ok) { rows.push([v.label, 'FAILED', ld.error, '', '', '', '']); continue; }
      primal ??= keyValues(run(exe, ['mem-primal', '0', '0', String(n), String(steps)], o.timeoutS).stdout);
      const mem = keyValues(run(exe, ['mem-enzyme', '0', '0', String(n), String(steps)], o.timeoutS).stdout);
      const all = keyValues(run(exe, ['all', '0', '3', String(n), String(steps)], o.timeoutS).stdout);
      const ok = (all.get('hand_diff') ?? NaN) <= 1e-9 && (all.get('fd_relerr') ?? NaN) <= 1e-5;
      rows.push([v.label, timeText(all.get('enzyme_min_s')), ratio(all.get('enzyme_min_s'), all.get('primal_min_s')),
        sig3((mem.get('maxrss_kb') ?? NaN) / 1024), sig3((primal.get('maxrss_kb') ?? NaN) / 1024), bytesText(all.get('enzyme_peak_bytes')),
        `${ok ? 'ok' : 'MISMATCH'} ${(all.get('hand_diff') ?? NaN).toExponential(0)} / ${(all.get('fd_relerr') ?? NaN).toExponential(0)}`]);
    }
    say(table(['variant', 'gradient time', 'gradient / primal', 'peak RSS MB: gradient', 'primal', 'heap peak', 'check: hand / fin. diff.'], rows, ['l']));
    say('\nbest of 3 rounds; peak RSS (VmHWM) of a process that runs the gradient (or the primal) once; heap peak: the most');
    say('bytes one gradient call held from malloc (tape, checkpoints, shadows of the scratch arrays).');
    for (const l of perfs) say(`    perf: ${l}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function reportAd(rows: AdRow[], o: AdBenchOptions): void {
  say(`\n### AD benchmarks: gradient / primal (${o.clang} -O2; best of ${o.rounds} rounds of >= ${o.minS} s)\n`);
  say(table(['kernel', 'instance', 'primal', 'hand-written', 'enzyme-ts', 'enzyme-ts / hand', 'Enzyme, GradBench', 'Enzyme plugin (issue 11)', 'check: hand / fin. diff.'],
    rows.map((r) => {
      const v = r.run;
      if (!v || r.error && !v.get('enzyme_min_s')) return [r.kernel, r.instance, 'FAILED', '', '', '', '', '', ''];
      const p = v.get('primal_min_s'), h = v.get('hand_min_s'), e = v.get('enzyme_min_s');
      return [r.kernel, r.instance, timeText(p), ratio(h, p), ratio(e, p), ratio(e, h),
        r.gradbench === null ? 'n/a' : `${r.gradbench}x`, r.plugin === null ? 'n/a' : `${r.plugin}x`, checkText(r.check)];
    }), ['l', 'l']));
  say('\nprimal: seconds per call; the others: gradient time / primal time (best of the rounds; medians in --json). enzyme-ts:');
  say('the __enzyme_autodiff call of bench/ad/NAME.c, lowered, then compiled with clang -O2 like the primal. check: the largest');
  say('difference between enzyme-ts\'s and the hand-written gradient relative to its largest entry, then the largest relative');
  say('difference to Richardson-extrapolated central differences on 12 entries, on a small instance; ok below 1e-9 / 1e-5.');
  say('\n### Tape and memory: one gradient call\n');
  say(table(['kernel', 'instance', 'heap peak: enzyme-ts', 'hand-written', 'mallocs: enzyme-ts', 'hand-written', 'peak RSS MB: primal', 'hand-written', 'enzyme-ts', 'lower ms'],
    rows.map((r) => {
      const v = r.run, m = r.rssMB;
      const rss = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : sig3(x));
      return [r.kernel, r.instance, bytesText(v?.get('enzyme_peak_bytes')), bytesText(v?.get('hand_peak_bytes')),
        String(v?.get('enzyme_mallocs') ?? 'n/a'), String(v?.get('hand_mallocs') ?? 'n/a'),
        rss(m?.primal), rss(m?.hand), rss(m?.enzyme), r.lowerMs === undefined ? 'n/a' : sig3(r.lowerMs)];
    }), ['l', 'l']));
  say('\nheap peak: the most bytes the call held at once from malloc/calloc/realloc (tape, loop buffers, shadows of scratch');
  say('memory), counted by wrapping the allocator; mallocs: allocations per call. peak RSS: of a process that sets the inputs up');
  say('and runs the function once. lower ms: `lowerModule` on the kernel\'s module, in process.');
  for (const k of AD_KERNELS) {
    const mine = rows.filter((r) => r.kernel === k.name);
    if (mine.length && k.note) say(`\n${k.name}: ${k.note}.`);
    for (const r of mine) if (r.error) say(`\n${r.kernel} ${r.instance}: ${r.error}`);
  }
}

// `node dist/bench/adbench.js [--quick] [--only a,b] [--checkpoint P] [--rounds N] [--min-s S] [--clang BIN] [--perf]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const o = adBenchOptions(argv.includes('--quick'));
  let perf = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--checkpoint') o.checkpoint = argv[++i] as CheckpointPolicy;
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--min-s') o.minS = Number(argv[++i]);
    else if (a === '--clang') o.clang = argv[++i]!;
    else if (a === '--perf') perf = true;
    else if (a !== '--quick') { console.error(`adbench: unknown option ${a}`); process.exit(2); }
  }
  if (!existsSync(AD)) { console.error('adbench: bench/ad is missing'); process.exit(2); }
  const r = runAdBench(o);
  if (perf) for (const row of r.rows) if (row.perf) say(`\n${row.kernel}:\n${row.perf.map((l) => `    perf: ${l}`).join('\n')}`);
}
