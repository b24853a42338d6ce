// The gradient section of `npm run bench`: how much slower the derivatives
// enzyme-ts writes run than the functions they differentiate, natively, and how
// long the tool takes to write them. C kernels in bench/kernels/ go through
// clang -O2 -> `grad` -> clang -O2 with a C timing harness; the harness also
// checks each derivative against central finite differences so that a wrong
// derivative shows up in the table instead of a fast one. Reports, asserts
// nothing. See docs/benchmarks.md, "Gradient cost".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseText } from '../src/syntax/parse.js';
import { printModule } from '../src/print/printer.js';
import { gradModule } from '../src/ad/grad.js';
import { parseArgList } from '../src/driver/grad.js';
import { verifyModule } from '../src/ir/verify.js';
import { DiagnosticError } from '../src/diag/diagnostic.js';
import { HAVE_TIME, TIME_BIN, commandOutput, median, sig3, table } from './util.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KERNELS = join(ROOT, 'bench/kernels');

interface KernelSpec {
  /** Base name of bench/kernels/NAME.c and NAME_main.c. */
  name: string;
  fn: string;
  args: string;
  /** Passed to the driver's setup(); its meaning is the driver's. */
  size: number;
  shape: string;
}

// Activities are arrays dup, sizes const, return active, so that every
// derivative returns `{ double }` or void, which C declares exactly.
const SPECS: KernelSpec[] = [
  { name: 'dot', fn: 'dot', args: 'dup,dup,const', size: 1000, shape: 'n = 1000' },
  { name: 'matvec', fn: 'matvec', args: 'dup,dup,dup,const,const', size: 100, shape: '100x100 matrix, into y' },
  { name: 'matmul', fn: 'matmul', args: 'dup,dup,dup,const', size: 32, shape: '32x32 matrices, into C' },
  { name: 'mlp', fn: 'mlp', args: 'dup,dup,dup,dup,const,const,const,const,const', size: 64, shape: '128-64(tanh)-10, squared error' },
  { name: 'lse', fn: 'lse', args: 'dup,const', size: 1000, shape: 'log-sum-exp, n = 1000' },
  { name: 'euler', fn: 'euler', args: 'dup,dup,const,const', size: 32, shape: '32 coupled pendulums, 100 steps' },
  { name: 'sinexp', fn: 'sinexp', args: 'dup,const', size: 1000, shape: 'sum sin(x)+exp(x), n = 1000' },
];
const NORMALIZE: KernelSpec = { name: 'normalize', fn: 'normalize', args: 'dup,dup,const', size: 0, shape: 'out[i] = x[i] / norm(x, n)' };

// glibc gives freed memory at the top of the heap back to the kernel once more
// than 128 KB is free, so a tape that is freed at the end of every call is
// page-faulted in again by the next one. These settings keep it in the heap;
// the difference between the two gradient columns is that cost.
const KEEP_HEAP: Record<string, string> = { MALLOC_TRIM_THRESHOLD_: '1000000000', MALLOC_MMAP_THRESHOLD_: '33554432' };

export interface GradBenchOptions {
  /** Seconds each native measurement runs at least. */
  minS: number;
  /** Primal/gradient measurement pairs per run; the median is reported. */
  rounds: number;
  /** Normalize sizes. */
  normalizeSizes: number[];
  /** A native run taking longer is stopped (what it printed so far is kept). */
  timeoutS: number;
}

export function gradBenchOptions(quick: boolean): GradBenchOptions {
  return quick
    ? { minS: 0.1, rounds: 1, normalizeSizes: [1e3, 1e4], timeoutS: 60 }
    : { minS: 0.2, rounds: 3, normalizeSizes: [1e3, 1e4, 1e5], timeoutS: 60 };
}

interface Native {
  primalNs: number;
  gradNs: number;
  fdRelErr: number;
  fdProbes: number;
  maxRssMB: number;
  error?: string;
}

interface ToolTime { gradMs: number; parseMs: number; reps: number; perf: string[]; looseTypes: boolean }

export interface GradRow {
  kernel: string;
  shape: string;
  clang: string;
  size: number;
  tool?: ToolTime;
  native?: Native;
  /** Gradient timed again with glibc keeping freed memory (KEEP_HEAP). */
  keepHeap?: Native;
  error?: string;
  note?: string;
}

const say = (s = '') => console.log(s);

function errorText(e: unknown): string {
  const msg = e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') : e instanceof Error ? e.message : String(e);
  const one = msg.replace(/\s+/g, ' ').trim();
  return one.length > 240 ? `${one.slice(0, 240)}...` : one;
}

/** clang's major version, or null when that clang is not installed. */
function clangVersion(bin: string): string | null {
  const v = commandOutput(bin, ['--version']);
  return v ? (/clang version ([\d.]+)/.exec(v)?.[1] ?? 'unknown') : null;
}

/**
 * `gradModule` on a freshly parsed module per repetition (it adds to the
 * module it is given), timed without the parse. The module of the last
 * repetition is the one printed, so the timed work is the work that is run.
 */
function differentiate(text: string, spec: KernelSpec, outFile: string): ToolTime {
  const args = parseArgList(spec.args);
  let looseTypes = false;
  const once = () => {
    const p0 = performance.now();
    const m = parseText(text, `${spec.name}.ll`);
    const t0 = performance.now();
    const r = gradModule(m, { fn: spec.fn, args, looseTypes }, null);
    return { ms: performance.now() - t0, parseMs: t0 - p0, perf: r.perf, m };
  };
  let last;
  try {
    last = once();
  } catch (e) {
    // Some clang versions turn a copy loop into memcpy of memory whose type
    // the tool cannot deduce; Enzyme has the same escape hatch. Noted per row.
    if (!(e instanceof DiagnosticError) || !e.message.includes('E0403')) throw e;
    looseTypes = true;
    last = once();
  }
  const perf = last.perf;
  // Warm-up: the first calls run in V8's interpreter, and the first kernel
  // measured read 3-5x slower than the same kernel measured later.
  const warm = performance.now();
  for (let i = 0; i < 3 || performance.now() - warm < 300; i++) once();
  const times: number[] = [], parses: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (times.length < 30 && performance.now() - start < 1000)) {
    last = once();
    times.push(last.ms);
    parses.push(last.parseMs);
  }
  const problems = verifyModule(last.m, null);
  if (problems.length) throw new Error(`generated IR does not verify: ${problems[0]!.message}`);
  writeFileSync(outFile, printModule(last.m));
  return { gradMs: median(times), parseMs: median(parses), reps: times.length, perf, looseTypes };
}

function run(cmd: string, args: string[], opts: { cwd?: string; timeoutS?: number; env?: Record<string, string> }): { ok: boolean; stdout: string; error: string; timedOut: boolean } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20,
    timeout: (opts.timeoutS ?? 600) * 1000, killSignal: 'SIGKILL',
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  const timedOut = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  const ok = !r.error && r.status === 0;
  let error = '';
  if (!ok) {
    error = timedOut ? `stopped after ${opts.timeoutS} s`
      : r.error ? r.error.message
      : r.signal ? `killed by ${r.signal}` : (r.stderr ?? '').trim().split('\n').slice(0, 3).join(' / ') || `exit status ${r.status}`;
  }
  return { ok, stdout: r.stdout ?? '', error, timedOut };
}

/** Runs a harness binary under GNU time (for its peak RSS: the tape) and parses its key=value lines. */
function runNative(exe: string, argv: string[], o: GradBenchOptions, tmp: string, env?: Record<string, string>): Native {
  const rssFile = join(tmp, 'rss.txt');
  rmSync(rssFile, { force: true });
  const r = HAVE_TIME
    ? run(TIME_BIN, ['-f', '%M', '-o', rssFile, exe, ...argv], { timeoutS: o.timeoutS, ...(env ? { env } : {}) })
    : run(exe, argv, { timeoutS: o.timeoutS, ...(env ? { env } : {}) });
  const vals = new Map<string, number[]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\w+)=(\S+)$/.exec(line.trim());
    if (m) vals.set(m[1]!, [...(vals.get(m[1]!) ?? []), Number(m[2])]);
  }
  const med = (k: string) => median(vals.get(k) ?? []);
  let maxRssMB = NaN;
  if (HAVE_TIME && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    maxRssMB = Number(lines[lines.length - 1]) * 1024 / 1e6;
  }
  const n: Native = { primalNs: med('primal_s') * 1e9, gradNs: med('grad_s') * 1e9, fdRelErr: med('fd_relerr'), fdProbes: med('fd_probes'), maxRssMB };
  if (!r.ok) n.error = r.error;
  return n;
}

/** Compiles kernel + derivative + driver natively; returns the executable or throws. */
function buildNative(clang: string, gradLl: string, spec: KernelSpec, dir: string): string {
  const exe = join(dir, `${spec.name}.exe`);
  // -w: the derivative module carries clang's own target triple and data
  // layout, but a newer clang may warn about attributes of an older one.
  const r = run(clang, ['-O2', '-w', gradLl, join(KERNELS, `${spec.name}_main.c`), '-lm', '-o', exe], { timeoutS: 120 });
  if (!r.ok) throw new Error(`${clang} (link with harness): ${r.error}`);
  return exe;
}

function measureKernel(clang: string, clangName: string, spec: KernelSpec, sizes: number[], o: GradBenchOptions, tmp: string): GradRow[] {
  const dir = mkdtempSync(join(tmp, `${spec.name}-`));
  const rows: GradRow[] = sizes.map((size) => ({ kernel: spec.name, shape: spec.shape, clang: clangName, size }));
  try {
    const ll = join(dir, `${spec.name}.ll`);
    const cc = run(clang, ['-O2', '-S', '-emit-llvm', join(KERNELS, `${spec.name}.c`), '-o', ll], { timeoutS: 120 });
    if (!cc.ok) throw new Error(`${clang} -O2 -S -emit-llvm: ${cc.error}`);
    const gradLl = join(dir, `${spec.name}.grad.ll`);
    const tool = differentiate(readFileSync(ll, 'utf8'), spec, gradLl);
    const exe = buildNative(clang, gradLl, spec, dir);
    let prev: { size: number; ns: number; rssMB: number } | null = null;
    for (const row of rows) {
      row.tool = tool;
      if (tool.looseTypes) row.note = 'needed --loose-types (clang turned a copy loop into memcpy)';
      // The quadratic kernels: a finite difference costs two primal calls per
      // probe, so large sizes get few probes, and a gradient that the smaller
      // sizes say would outlast the time limit is not started at all.
      const probes = row.size >= 1e5 ? 0 : row.size >= 1e4 ? 2 : 12;
      const rounds = row.size >= 1e4 ? 1 : o.rounds;
      let what = 'both';
      if (prev && Number.isFinite(prev.ns)) {
        const grow = sizes.length > 1 && rows[0]!.native && Number.isFinite(rows[0]!.native.gradNs) && prev.size !== rows[0]!.size
          ? Math.log(prev.ns / rows[0]!.native.gradNs) / Math.log(prev.size / rows[0]!.size) : 2;
        const predictS = prev.ns / 1e9 * (row.size / prev.size) ** grow;
        // One check call + one timed call at least.
        if (2 * predictS > o.timeoutS) {
          what = 'primal';
          const rssGB = prev.rssMB / 1e3 * (row.size / prev.size) ** grow;
          row.note = `gradient not run: ${sig3(predictS)} s per call and ${Number.isFinite(rssGB) ? `~${sig3(rssGB)} GB of peak RSS if memory grows like time` : 'unknown memory'} extrapolated from the smaller sizes (time ~ n^${grow.toFixed(2)}), over the ${o.timeoutS} s limit`;
        }
      }
      const argv = [String(row.size || spec.size), String(o.minS), String(rounds), String(probes), what];
      row.native = runNative(exe, argv, o, dir);
      if (what === 'both' && row.size < 1e4) row.keepHeap = runNative(exe, [argv[0]!, String(o.minS), String(rounds), '0', 'grad'], o, dir, KEEP_HEAP);
      if (Number.isFinite(row.native.gradNs)) prev = { size: row.size || spec.size, ns: row.native.gradNs, rssMB: row.native.maxRssMB };
      const n = row.native;
      say(`   ${spec.name}${row.size ? ` n=${row.size}` : ''} [${clangName}]: grad ${sig3(tool.gradMs)} ms in-process; primal ${nsText(n.primalNs)}, gradient ${nsText(n.gradNs)}${row.keepHeap ? ` (${nsText(row.keepHeap.gradNs)} heap kept)` : ''}, fd ${errText(n)}${n.error ? `; ${n.error}` : ''}`);
    }
  } catch (e) {
    for (const row of rows) row.error = errorText(e);
    say(`   ${spec.name} [${clangName}]: FAILED: ${rows[0]!.error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function nsText(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns >= 1e9) return `${sig3(ns / 1e9)} s`;
  if (ns >= 1e6) return `${sig3(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${sig3(ns / 1e3)} us`;
  return `${sig3(ns)} ns`;
}

// A derivative counts as matching when it agrees with the central difference
// to 1e-4 relative; with h = 1e-6 the difference itself is good to ~1e-8.
function errText(n: Native | undefined): string {
  if (!n || !(n.fdProbes > 0)) return 'n/a';
  return `${n.fdRelErr <= 1e-4 ? 'ok' : 'MISMATCH'} ${n.fdRelErr.toExponential(0)}`;
}

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${sig3(a / b)}x` : 'n/a');

export interface GradBenchResult { options: GradBenchOptions; clangs: Record<string, string | null>; rows: GradRow[] }

export function runGradBench(o: GradBenchOptions): GradBenchResult {
  const clangs: Record<string, string | null> = { 'clang-14': clangVersion('clang-14'), 'clang-19': clangVersion('clang-19') };
  say(`\n== gradient cost: ${Object.entries(clangs).map(([k, v]) => `${k} ${v ?? 'MISSING (column skipped)'}`).join(', ')}; ${HAVE_TIME ? '' : 'no GNU time: peak RSS not measured; '}each native measurement >= ${o.minS} s, median of ${o.rounds}`);
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-bench-grad-'));
  const rows: GradRow[] = [];
  try {
    for (const [bin, version] of Object.entries(clangs)) {
      if (!version) continue;
      const name = `${bin.replace('clang-', 'clang ')}`;
      for (const spec of SPECS) rows.push(...measureKernel(bin, name, spec, [0], o, tmp));
      rows.push(...measureKernel(bin, name, NORMALIZE, o.normalizeSizes, o, tmp));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  report(rows, clangs);
  return { options: o, clangs, rows };
}

function report(rows: GradRow[], clangs: Record<string, string | null>): void {
  const present = Object.keys(clangs).filter((k) => clangs[k]).map((k) => k.replace('clang-', 'clang '));
  const kernels = rows.filter((r) => r.kernel !== NORMALIZE.name);
  say('\n### Gradient cost: derivative / primal, native (clang -O2 on both)\n');
  const names = [...new Set(kernels.map((r) => r.kernel))];
  const head = ['kernel', 'shape'];
  for (const c of present) head.push(`${c}: primal`, 'gradient', 'ratio', 'heap kept', 'ratio', 'vs fin. diff.');
  const cell = (r: GradRow | undefined): string[] => {
    if (!r) return ['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
    if (r.error) return ['FAILED', '', '', '', '', ''];
    const n = r.native!, k = r.keepHeap;
    return [nsText(n.primalNs), nsText(n.gradNs), ratio(n.gradNs, n.primalNs), nsText(k?.gradNs ?? NaN), ratio(k?.gradNs ?? NaN, n.primalNs), errText(n)];
  };
  say(table(head, names.map((k) => {
    const mine = kernels.filter((r) => r.kernel === k);
    return [k, mine[0]!.shape, ...present.flatMap((c) => cell(mine.find((r) => r.clang === c)))];
  }), ['l', 'l']));
  say('\nprimal, gradient: ns/us/ms per call, median of the rounds; one call of the gradient includes zeroing the input');
  say('shadows and setting the output seed (what a caller has to do each time). heap kept: the gradient again with');
  say(`${Object.entries(KEEP_HEAP).map(([k, v]) => `${k}=${v}`).join(' ')}, so that glibc does not return the freed tape to the`);
  say('kernel at the end of each call (and page-fault it back in on the next). vs fin. diff.: largest relative');
  say('difference over 12 entries between the derivative and a central finite difference (h = 1e-6), ok below 1e-4.');

  say('\n### Time to differentiate (in-process `gradModule`, after parsing; milliseconds, median)\n');
  const toolHead = ['kernel', ...present.flatMap((c) => [`${c}: grad ms`, 'parse ms'])];
  say(table(toolHead, [...names, NORMALIZE.name].map((k) => [k, ...present.flatMap((c) => {
    const t = rows.find((x) => x.kernel === k && x.clang === c)?.tool;
    return t ? [sig3(t.gradMs), sig3(t.parseMs)] : ['n/a', 'n/a'];
  })]), ['l']));
  say('\ngrad ms: gradModule alone (activity, tape planning, both sweeps) on a freshly parsed module, median of 5-30 after');
  say('300 ms of warm-up calls. parse ms: parseText of the same clang -O2 module, for scale.');

  const norm = rows.filter((r) => r.kernel === NORMALIZE.name);
  if (norm.length) {
    say('\n### normalize: `for (i) out[i] = x[i] / norm(x, n)`, --args dup,dup,const\n');
    say(table(['clang', 'n', 'primal', 'gradient', 'ratio', 'heap kept', 'vs fin. diff.', 'peak RSS MB', 'gradient growth'],
      norm.map((r, i) => {
        const n = r.native;
        const prev = norm[i - 1];
        const grow = prev && prev.clang === r.clang && prev.native && n ? ratio(n.gradNs, prev.native.gradNs) : '';
        return [r.clang, String(r.size), nsText(n?.primalNs ?? NaN), r.error ? 'FAILED' : nsText(n?.gradNs ?? NaN), ratio(n?.gradNs ?? NaN, n?.primalNs ?? NaN),
          nsText(r.keepHeap?.gradNs ?? NaN), errText(n), n && Number.isFinite(n.maxRssMB) ? sig3(n.maxRssMB) : 'n/a', grow];
      }), ['l']));
    say('\ngradient growth: gradient time at this n over the time at the previous n (10x smaller): ~10 means linear in n,');
    say('~100 quadratic. peak RSS: of the whole harness run (inputs are a few MB; the rest is the tape).');
    for (const c of present) {
      const mine = norm.filter((r) => r.clang === c && r.native);
      const t = (size: number) => mine.find((r) => r.size === size)?.native;
      const a = t(1e3), b = t(1e4), d = t(1e5);
      const verdict = (x: Native | undefined, y: Native | undefined, what: 'gradNs' | 'primalNs') => {
        if (!x || !y || !Number.isFinite(x[what]) || !Number.isFinite(y[what])) return null;
        const g = y[what] / x[what];
        return `${sig3(g)}x per 10x n (${g > 40 ? 'QUADRATIC' : g < 25 ? 'linear' : 'superlinear'})`;
      };
      const gl = verdict(b, d, 'gradNs') ?? verdict(a, b, 'gradNs');
      const pl = verdict(b, d, 'primalNs') ?? verdict(a, b, 'primalNs');
      if (gl) say(`${c}: gradient ${gl}; primal ${pl ?? 'n/a'}.`);
    }
    const perf = norm.find((r) => r.tool)?.tool?.perf;
    if (perf?.length) {
      say(`\n\`--print-perf\` of normalize (${norm.find((r) => r.tool)!.clang}):\n`);
      for (const l of perf) say(`    perf: ${l}`);
    }
    for (const r of norm) if (r.note || r.native?.error) say(`\n${r.clang} n=${r.size}: ${[r.note, r.native?.error && `harness: ${r.native.error}`].filter(Boolean).join('; ')}`);
  }
  for (const r of rows) if (r.error) say(`\n${r.kernel} [${r.clang}] FAILED: ${r.error}`);
  for (const r of kernels) if (r.note) say(`\n${r.kernel} [${r.clang}]: ${r.note}`);
}
