// `npm run fuzz-grad -- --count N --seed S [--jobs J] [--keep DIR] ...`: differential testing of
// enzyme-ts on random numerical C/C++ programs (README.md in this folder).
import { Worker } from 'node:worker_threads';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { programSeed } from './seed.js';
import { reduceProgram, writeReduced } from './reduce.js';
import { GENERATOR_VERSION } from './program.js';
import { BUG_OUTCOMES, CONFIGS, DEFAULT_CONFIGS, EXTRA_CONFIGS, RUST_CONFIGS, RUST_DEFAULT_CONFIGS, RUST_EXTRA_CONFIGS, type Outcome, type RunResult } from './runner.js';
import type { Task, WorkerMsg } from './worker.js';

export interface FuzzOptions {
  count: number;
  seed: number;
  start: number;
  jobs: number;
  configs: string[];
  /** The configurations of Rust programs (generator 6). */
  rustConfigs: string[];
  extra: boolean;
  lliEvery: number;
  keep: string | null;
  keepRefused: boolean;
  log: string | null;
  weights: Record<string, number>;
  /** Generator version (default the newest): older ones reproduce the programs of older runs. */
  version: number;
  cli: boolean;
  timeoutMs: number;
  quiet: boolean;
  /** --reduce ID: reduce that program for --config into --out instead of fuzzing. */
  reduce: string | null;
  config: string | null;
  out: string | null;
  /** --summarize FILE...: print the table of earlier runs' --log files instead of fuzzing. */
  summarize: string[];
}

export interface ProgramSummary { id: string; tags: string[]; lang: string; hasFloat: boolean; kept: string | null; results: RunResult[] }

export interface FuzzReport { options: FuzzOptions; programs: ProgramSummary[]; seconds: number }

export { programSeed };

export function taskFor(o: FuzzOptions, index: number): Task {
  const id = `${o.seed}-${index}`;
  const configs = [...o.configs];
  if (o.extra) {
    const x = EXTRA_CONFIGS[index % EXTRA_CONFIGS.length]!;
    if (!configs.includes(x)) configs.push(x);
  }
  const rustConfigs = [...o.rustConfigs];
  if (o.extra) {
    const x = RUST_EXTRA_CONFIGS[index % RUST_EXTRA_CONFIGS.length]!;
    if (!rustConfigs.includes(x)) rustConfigs.push(x);
  }
  const lli = o.lliEvery > 0 && index % o.lliEvery === 0 ? [o.configs[Math.floor(index / o.lliEvery) % o.configs.length]!] : [];
  return { id, seed: programSeed(o.seed, index), configs, rustConfigs, lli, keep: o.keep, keepRefused: o.keepRefused, weights: o.weights, version: o.version, cli: o.cli, timeoutMs: o.timeoutMs };
}

/** Runs the programs on `jobs` worker threads; resolves with every result. */
export function fuzz(o: FuzzOptions, onProgram?: (p: ProgramSummary, done: number) => void): Promise<FuzzReport> {
  const t0 = Date.now();
  if (o.keep) mkdirSync(o.keep, { recursive: true });
  const workerUrl = new URL('./worker.js', import.meta.url);
  const programs: ProgramSummary[] = [];
  let next = 0;
  return new Promise((resolveAll) => {
    let active = 0;
    const startWorker = (): void => {
      if (next >= o.count) {
        if (active === 0) resolveAll({ options: o, programs: programs.sort((a, b) => idNum(a.id) - idNum(b.id)), seconds: (Date.now() - t0) / 1000 });
        return;
      }
      active++;
      const w = new Worker(fileURLToPath(workerUrl));
      let current: { task: Task; results: RunResult[]; timer: NodeJS.Timeout } | null = null;
      const finishProgram = (sum: ProgramSummary): void => {
        programs.push(sum);
        if (o.log) appendFileSync(o.log, JSON.stringify(sum) + '\n');
        onProgram?.(sum, programs.length);
      };
      const feed = (): void => {
        if (next >= o.count) { void w.terminate(); return; }
        const task = taskFor(o, o.start + next++);
        const budget = o.timeoutMs * 3 * (task.configs.length + task.lli.length) + 60_000;
        const timer = setTimeout(() => {
          // the tool itself hung (the runs have their own timeouts): count it, start a new worker
          const results = current!.results;
          const seen = new Set(results.map((r) => r.config));
          for (const c of task.configs) if (!seen.has(c)) { results.push({ id: task.id, config: c, outcome: 'internal', code: 'worker-timeout', detail: 'no result within the time budget (enzyme-ts lower hung?)', ms: budget }); break; }
          finishProgram({ id: task.id, tags: [], lang: '?', hasFloat: false, kept: null, results });
          current = null;
          void w.terminate();
        }, budget);
        current = { task, results: [], timer };
        w.postMessage(task);
      };
      w.on('message', (m: WorkerMsg) => {
        if (!current || m.id !== current.task.id) return;
        if (m.kind === 'result') { current.results.push(m.result); return; }
        clearTimeout(current.timer);
        if (m.kind === 'error') {
          current.results.push({ id: m.id, config: '-', outcome: 'gen-error', code: 'generator', detail: m.message, ms: 0 });
          finishProgram({ id: m.id, tags: [], lang: '?', hasFloat: false, kept: null, results: current.results });
        } else {
          finishProgram({ id: m.id, tags: m.tags, lang: m.lang, hasFloat: m.hasFloat, kept: m.kept, results: current.results });
        }
        current = null;
        feed();
      });
      w.on('error', (e) => {
        if (current) {
          clearTimeout(current.timer);
          current.results.push({ id: current.task.id, config: '-', outcome: 'internal', code: 'worker-crash', detail: String(e), ms: 0 });
          finishProgram({ id: current.task.id, tags: [], lang: '?', hasFloat: false, kept: null, results: current.results });
          current = null;
        }
      });
      w.on('exit', () => {
        active--;
        startWorker();
      });
      feed();
    };
    for (let j = 0; j < Math.max(1, o.jobs); j++) startWorker();
  });
}

function idNum(id: string): number { return Number(id.split('-').pop()); }

const OUTCOMES: Outcome[] = ['ok', 'skip', 'mismatch', 'ad-crash', 'ad-hang', 'refused', 'internal', 'tool-error', 'invalid', 'gen-error'];

/** The summary table: one row per configuration, one column per outcome, then the codes. */
export function summarize(r: FuzzReport, source?: string): string {
  const rows = new Map<string, Map<Outcome, number>>();
  const codes = new Map<string, Map<string, number>>();
  for (const p of r.programs) {
    for (const x of p.results) {
      const row = rows.get(x.config) ?? new Map<Outcome, number>();
      row.set(x.outcome, (row.get(x.outcome) ?? 0) + 1);
      rows.set(x.config, row);
      if (x.outcome !== 'ok' && x.outcome !== 'mismatch') {
        const key = x.outcome;
        const m = codes.get(key) ?? new Map<string, number>();
        m.set(x.code ?? '?', (m.get(x.code ?? '?') ?? 0) + 1);
        codes.set(key, m);
      }
    }
  }
  const order = [...Object.keys(CONFIGS), ...Object.keys(CONFIGS).map((c) => `${c}+lli`), '-'];
  const configs = [...rows.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const head = ['config', 'runs', ...OUTCOMES];
  const table: string[][] = [head];
  const total = new Map<Outcome, number>();
  for (const c of configs) {
    const row = rows.get(c)!;
    const runs = [...row.values()].reduce((a, b) => a + b, 0);
    table.push([c, String(runs), ...OUTCOMES.map((k) => String(row.get(k) ?? 0))]);
    for (const [k, v] of row) total.set(k, (total.get(k) ?? 0) + v);
  }
  table.push(['total', String([...total.values()].reduce((a, b) => a + b, 0)), ...OUTCOMES.map((k) => String(total.get(k) ?? 0))]);
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const o = r.options;
  const head0 = source
    ? `fuzz-grad: ${r.programs.length} programs from ${source}`
    : `fuzz-grad: ${r.programs.length} programs (generator ${o.version}, seed ${o.seed}, programs ${o.start}..${o.start + o.count - 1}), ${r.seconds.toFixed(0)} s, ${o.jobs} jobs`;
  const out = [head0, ...lines];
  for (const [k, m] of [...codes].sort()) out.push(`${k} by code: ${[...m].sort((a, b) => b[1] - a[1]).map(([c, v]) => `${c} ${v}`).join(', ')}`);
  const bugs = r.programs.flatMap((p) => p.results.filter((x) => BUG_OUTCOMES.has(x.outcome)).map((x) => ({ p, x })));
  if (bugs.length) {
    out.push(`bugs (${bugs.length} runs):`);
    for (const { p, x } of bugs.slice(0, 200)) out.push(`  ${x.id} ${x.config}: ${x.outcome} ${x.code ?? ''}${p.kept ? `  (kept in ${p.kept})` : ''}`);
  }
  const ratios = r.programs.flatMap((p) => p.results.filter((x) => x.outcome === 'ok' && x.maxratio !== undefined).map((x) => x.maxratio!));
  if (ratios.length) {
    ratios.sort((a, b) => a - b);
    const q = (f: number): string => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))]!.toExponential(1);
    out.push(`error/tolerance on passing runs: median ${q(0.5)}, 99% ${q(0.99)}, max ${q(1)}`);
  }
  // how far above the tolerance the failing gradients are (a value near 1 would deserve a look)
  const bad = r.programs.flatMap((p) => p.results.filter((x) => x.outcome === 'mismatch' && x.code === 'grad' && x.maxratio !== undefined).map((x) => x.maxratio!));
  if (bad.length) out.push(`error/tolerance on gradient mismatches: min ${Math.min(...bad).toExponential(1)}, median ${bad.sort((a, b) => a - b)[Math.floor(bad.length / 2)]!.toExponential(1)}`);
  return out.join('\n');
}

function parseArgs(argv: string[]): FuzzOptions {
  const o: FuzzOptions = {
    count: 20, seed: 1, start: 0, jobs: 2, configs: DEFAULT_CONFIGS, rustConfigs: RUST_DEFAULT_CONFIGS, extra: true, lliEvery: 20, keep: null, keepRefused: false,
    log: null, weights: {}, version: GENERATOR_VERSION, cli: false, timeoutMs: 60_000, quiet: false, reduce: null, config: null, out: null, summarize: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = val();
      if (!/^\d+$/.test(v)) throw new Error(`${a} needs a non-negative integer, not '${v}'`);
      return Number(v);
    };
    switch (a) {
      case '--count': o.count = int(); break;
      case '--seed': o.seed = int(); break;
      case '--start': o.start = int(); break;
      case '--jobs': case '-j': o.jobs = Math.max(1, int()); break;
      case '--configs': {
        o.configs = val().split(',').map((s) => s.trim()).filter(Boolean);
        for (const c of o.configs) if (!CONFIGS[c]) throw new Error(`unknown configuration '${c}' (known: ${Object.keys(CONFIGS).join(', ')})`);
        break;
      }
      case '--rust-configs': {
        o.rustConfigs = val().split(',').map((s) => s.trim()).filter(Boolean);
        for (const c of o.rustConfigs) if (!RUST_CONFIGS[c]) throw new Error(`unknown Rust configuration '${c}' (known: ${Object.keys(RUST_CONFIGS).join(', ')})`);
        break;
      }
      case '--no-extra': o.extra = false; break;
      case '--lli-every': o.lliEvery = int(); break;
      case '--keep': o.keep = resolve(val()); break;
      case '--keep-refused': o.keepRefused = true; break;
      case '--log': o.log = resolve(val()); break;
      case '--weight': {
        const m = /^([\w:]+)=([\d.]+)$/.exec(val());
        if (!m) throw new Error('--weight takes NAME=NUMBER');
        o.weights[m[1]!] = Number(m[2]);
        break;
      }
      case '--cli': o.cli = true; break;
      case '--generator': {
        o.version = int();
        if (o.version < 1 || o.version > GENERATOR_VERSION) throw new Error(`--generator takes 1..${GENERATOR_VERSION}`);
        break;
      }
      case '--timeout': o.timeoutMs = int() * 1000; break;
      case '--quiet': case '-q': o.quiet = true; break;
      case '--reduce': o.reduce = val(); break;
      case '--config': o.config = val(); break;
      case '--out': o.out = resolve(val()); break;
      case '--summarize': while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) o.summarize.push(resolve(argv[++i]!)); break;
      case '--help': case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      default: throw new Error(`unknown option '${a}' (see --help)`);
    }
  }
  return o;
}

const HELP = `usage: npm run fuzz-grad -- [options]

Generates random numerical C/C++ programs that differentiate themselves through Enzyme's C ABI
and check every gradient entry against finite differences; runs each through clang 14 and 19,
enzyme-ts lower, clang again, and the program; prints a table of outcomes per configuration.

  --count N          programs to run (default 20)
  --seed S           run seed (default 1); program i has id S-i and is reproduced by --seed S --start i --count 1
  --start I          index of the first program (default 0)
  --jobs J           programs in parallel (default 2)
  --configs LIST     comma-separated configurations (default ${DEFAULT_CONFIGS.join(',')})
                     known: ${Object.keys(CONFIGS).join(', ')}
  --rust-configs LIST  configurations of the Rust programs of generator 6 (default ${RUST_DEFAULT_CONFIGS.join(',')})
                     known: ${Object.keys(RUST_CONFIGS).join(', ')}; --weight rust=W scales their share (0.3 x W, 0: none)
  --no-extra         do not add one rotating extra configuration per program (-O3 -march=native, -ffast-math, ...)
  --lli-every K      also run the lowered module of one configuration under lli for every K-th program (default 20, 0: never)
  --keep DIR         keep every program with a finding (sources, IR, output, cmd.txt) in DIR/ID
  --keep-refused     keep programs that enzyme-ts refused (E04xx) too
  --log FILE         append one JSON line per program
  --weight NAME=W    weight of a feature (decl assign store loop while break if return call recursion heap
                     realloc stack memops vector int toint inplace structcopy matrix byval pingpong), an expression form (expr:NAME)
                     or a program-level choice (float cpp globals structs restrict vla split allocated); 0 disables it
  --generator V      generator version (default ${GENERATOR_VERSION}, the newest): reproduces programs of runs made by older versions
  --cli              run the enzyme-ts CLI for lowering instead of the same code in-process
  --timeout SEC      time limit of each compiler / program run (default 60)
  -q, --quiet        no progress lines
  --summarize LOG... print the table of the programs recorded in --log files (several runs together)
  --reduce ID --config NAME --out DIR
                     delete statements of program ID while its failure in configuration NAME persists;
                     write the smallest program found (prog, check, cmd.txt, memcheck.txt) to DIR

Exit status: 0 when no run found a bug (mismatch, crash, internal error, invalid output, generator error), 1 otherwise.
`;

async function cli(): Promise<number> {
  let o: FuzzOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz-grad: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.summarize.length) {
    const programs: ProgramSummary[] = [];
    for (const f of o.summarize) {
      for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) programs.push(JSON.parse(l) as ProgramSummary);
    }
    process.stdout.write(summarize({ options: { ...o, count: programs.length }, programs, seconds: 0 }, o.summarize.map((f) => basename(f)).join(' ')) + '\n');
    return 0;
  }
  if (o.reduce) {
    if (!o.config || !o.out) { process.stderr.write('fuzz-grad: --reduce needs --config and --out\n'); return 2; }
    const r = reduceProgram({ id: o.reduce, config: o.config, out: o.out, weights: o.weights, version: o.version, timeoutMs: Math.min(o.timeoutMs, 30_000), log: (l) => process.stderr.write(l + '\n') });
    if (!r) return 0;
    writeReduced(o.out, r.program, o.config, r.result);
    process.stdout.write(`reduced program written to ${o.out}\n`);
    return 1;
  }
  const report = await fuzz(o, (p, done) => {
    if (o.quiet) return;
    const bad = p.results.filter((x) => BUG_OUTCOMES.has(x.outcome));
    const tag = bad.length ? ` BUG: ${bad.map((x) => `${x.config} ${x.outcome} ${x.code ?? ''}`).join('; ')}` : '';
    process.stderr.write(`[${done}/${o.count}] ${p.id} ${p.results.map((x) => x.outcome).join(' ')}${tag}\n`);
  });
  process.stdout.write(summarize(report) + '\n');
  return report.programs.some((p) => p.results.some((x) => BUG_OUTCOMES.has(x.outcome))) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  cli().then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`fuzz-grad: ${String(e)}\n`); process.exitCode = 3; });
}
