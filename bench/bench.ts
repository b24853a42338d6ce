// `npm run bench`: enzyme-ts's front end against LLVM's own tools on the same
// files in the same run (DESIGN.md item 9). Reports numbers, asserts nothing.
// See docs/benchmarks.md for what each column means.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, availableParallelism, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply, Request } from './inproc.js';
import { gradBenchOptions, runGradBench, type GradBenchResult } from './grad.js';
import { adBenchOptions, runAdBench, type AdBenchResult } from './adbench.js';
import { HAVE_TIME, TIME_BIN, commandOutput, detectDialect, max, median, ratioText, runTimed, sig3, table, type Run } from './util.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'bin/enzyme-ts.js');
const INPROC = join(ROOT, 'dist/bench/inproc.js');
const STARTUP = join(ROOT, 'dist/bench/startup.js');
const DATA = join(ROOT, 'bench/data');
const DATA_FILES = ['sqlite3-clang14-O0.ll', 'sqlite3-clang14-O2.ll', 'sqlite3-clang19-O2.ll'];
const QUICK_FILE = 'sqlite3-clang19-O2.ll';
const CORPUS = join(ROOT, 'fixtures/corpus');
// A small real module per dialect warms the JIT in the in-process child.
const WARM = { typed: 'clang14-O2/lua-lstrlib.ll', opaque: 'clang19-O2/lua-lstrlib.ll' };
const MB = 1e6;

const USAGE = `usage: npm run bench -- [options] [FILE.ll ...]

Times enzyme-ts (lex, parse, fmt in a warm process; the fmt CLI end to end)
against llvm-as and opt -S on the same files, interleaved run by run.
Without FILEs: bench/data/sqlite3-*.ll (built by bench/make-input.sh when missing).

  --quick        one input (${QUICK_FILE} or the first FILE), one repetition
  --reps N       repetitions per input, median reported (default 3); an explicit
                 --reps turns the time budget off unless --budget is also given
  --budget SEC   cut repetitions (never below 1) so the measurements take about
                 SEC seconds (default 150; 0 = no limit)
  --json OUT     also write the raw measurements as JSON
  --grad-only    only the gradient section: C kernels differentiated, then
                 primal and derivative timed natively (bench/grad.ts)
  --no-grad      skip the gradient sections (kernels and AD benchmarks)
  --ad-only      only the AD benchmark problems (bench/adbench.ts: GMM, BA, LSTM,
                 ODE, log-sum-exp, determinant, k-means against hand-written gradients)
  -h, --help     this text`;

interface Options { files: string[]; quick: boolean; reps: number; budgetS: number; json: string | null; grad: 'also' | 'only' | 'skip' | 'ad' }

function parseArgs(argv: string[]): Options {
  const o: Options = { files: [], quick: false, reps: 3, budgetS: 150, json: null, grad: 'also' };
  let repsGiven = false, budgetGiven = false;
  const base = process.env.INIT_CWD ?? process.cwd(); // npm runs scripts from the package root
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) die(`${flag} needs an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (a === '--quick') o.quick = true;
    else if (a === '--grad-only') o.grad = 'only';
    else if (a === '--no-grad') o.grad = 'skip';
    else if (a === '--ad-only') o.grad = 'ad';
    else if (a === '--reps') { o.reps = num(a, argv[++i], 1); repsGiven = true; }
    else if (a === '--budget') { o.budgetS = num(a, argv[++i], 0); budgetGiven = true; }
    else if (a === '--json') { const v = argv[++i]; if (!v) die('--json needs a file name'); o.json = resolve(base, v); }
    else if (a.startsWith('-')) die(`unknown option ${a}\n\n${USAGE}`);
    else o.files.push(resolve(base, a));
  }
  if (o.quick && !repsGiven) o.reps = 1;
  if (repsGiven && !budgetGiven) o.budgetS = 0;
  return o;
}

function die(msg: string): never {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const say = (s = '') => console.log(s);
const rel = (p: string) => (p.startsWith(ROOT) ? relative(ROOT, p) : p);

// ---------------------------------------------------------------- inputs

function largestCorpusModules(n: number): string[] {
  if (!existsSync(CORPUS)) return [];
  const all: { p: string; size: number }[] = [];
  for (const cfg of readdirSync(CORPUS)) {
    if (cfg.startsWith('rustc-')) continue; // LLVM 22 IR: no assembler here to compare with
    const dir = join(CORPUS, cfg);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.ll')) all.push({ p: join(dir, f), size: statSync(join(dir, f)).size });
  }
  return all.sort((a, b) => b.size - a.size).slice(0, n).map((x) => x.p);
}

function chooseInputs(o: Options): string[] {
  if (o.files.length) {
    for (const f of o.files) if (!existsSync(f)) die(`no such file: ${f}`);
    return o.quick ? o.files.slice(0, 1) : o.files;
  }
  const paths = DATA_FILES.map((f) => join(DATA, f));
  if (paths.some((p) => !existsSync(p))) {
    say('== bench/data inputs missing: running bench/make-input.sh (clang-14, clang-19, npm registry access)');
    const r = spawnSync('bash', [join(ROOT, 'bench/make-input.sh')], { stdio: 'inherit' });
    if (r.status !== 0) say(`   make-input.sh failed (${r.error?.message ?? `exit status ${r.status}`})`);
  }
  const have = paths.filter((p) => existsSync(p) && statSync(p).size > 0);
  if (have.length === 0) {
    const corpus = largestCorpusModules(5);
    say('!! WARNING: could not build the SQLite benchmark inputs (bench/make-input.sh needs clang-14, clang-19 and');
    say('!! network access to the npm registry). Falling back to the 5 largest clang modules of fixtures/corpus');
    say('!! (rustc ones are LLVM 22 IR, which no LLVM here reads), benchmarked one by one: they are about 1 MB,');
    say('!! so start-up and JIT warm-up weigh much more than on the real inputs.');
    if (corpus.length === 0) die('no fixtures/corpus modules either; pass input files as arguments');
    return o.quick ? corpus.slice(0, 1) : corpus;
  }
  if (have.length < paths.length) say(`!! missing: ${paths.filter((p) => !have.includes(p)).map(rel).join(', ')}; using the others`);
  if (o.quick) return [have.find((p) => p.endsWith(QUICK_FILE)) ?? have[0]!];
  return have;
}

// ---------------------------------------------------------------- environment

interface Llvm { as: string; opt: string; version: string | null }

function llvmFor(bin: string, optBin: string): Llvm {
  const v = commandOutput(bin, ['--version']);
  return { as: bin, opt: optBin, version: v ? (/LLVM version ([\w.~-]+)/.exec(v)?.[1] ?? 'unknown') : null };
}

function environment(llvm14: Llvm, llvm19: Llvm): Record<string, string> {
  const git = commandOutput('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])?.trim() ?? 'unknown';
  const dirty = commandOutput('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'bench'])?.trim();
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: `${git}${dirty ? ' (src/ or bench/ has uncommitted changes)' : ''}`,
    node: `${process.version} (V8 ${process.versions.v8}), ${process.platform} ${process.arch}, kernel ${release()}`,
    cpu: `${cpuModel}, ${cpus().length} cores (availableParallelism ${availableParallelism()})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`,
    'load average': loadavg().map((x) => x.toFixed(2)).join(' ') + ' (1/5/15 min, at start)',
    llvm: `llvm-as/opt ${llvm14.version ?? 'MISSING'}; llvm-as-19/opt-19 ${llvm19.version ?? 'MISSING'}`,
    'peak RSS': HAVE_TIME ? `${TIME_BIN} -f %M` : `${TIME_BIN} MISSING (apt-get install time): CLI and opt peak RSS not measured; in-process maxRSS only`,
  };
}

// ---------------------------------------------------------------- in-process child

class InProc {
  private child: ChildProcess;
  constructor(file: string, warm: string | null) {
    this.child = fork(INPROC, [file, warm ?? ''], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  next(): Promise<Reply> {
    return new Promise((res) => {
      const onMsg = (m: Reply) => { this.child.off('exit', onExit); res(m); };
      const onExit = (code: number | null, sig: string | null) => {
        this.child.off('message', onMsg);
        res({ type: 'error', message: `in-process child died (${sig ?? `exit ${code}`}); out of memory?` });
      };
      this.child.once('message', onMsg);
      this.child.once('exit', onExit);
    });
  }
  ask(req: Request): Promise<Reply> {
    const p = this.next();
    this.child.send(req);
    return p;
  }
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

// ---------------------------------------------------------------- measurements

interface ToolRuns { cmd: string; runs: Run[]; error?: string }
interface InputResult {
  file: string;
  bytes: number;
  dialect: string;
  llvm: string;
  reps: number;
  repsNote?: string;
  tokens?: number;
  outChars?: number;
  warm?: { grammarMs: number; warmMs: number; warmFile: string | null };
  inproc: { lex: number[]; floor: number[]; parseNoResolve: number[]; parse: number[]; verify: number[]; print: number[]; fmt: number[]; fmtFaults: number[] };
  verifier?: boolean;
  verifyProblems?: number;
  inprocCpu: { lex: number[]; parseNoResolve: number[]; parse: number[]; fmt: number[] };
  inprocError?: string;
  inprocMaxRssKB?: number;
  cli: ToolRuns;
  /** `lower` on the same file: lazy loading reads what a derivative needs (none here: no __enzyme calls). */
  lower: ToolRuns;
  llvmAs: ToolRuns;
  optS: ToolRuns;
}

function runTool(t: ToolRuns, cmd: string, args: string[], tmpDir: string): void {
  if (t.error) return; // failed once: do not pay for it again
  const r = runTimed(cmd, args, { tmpDir });
  if (r.ok) t.runs.push(r);
  else t.error = (r.error ?? 'failed').split(`${ROOT}/`).join('');
}

async function benchInput(file: string, o: Options, tmpDir: string, llvm14: Llvm, llvm19: Llvm,
  budget: { start: number; laterBytes: number; laterCount: number }): Promise<InputResult> {
  const bytes = statSync(file).size;
  const dialect = detectDialect(readFileSync(file, 'utf8'));
  const llvm = dialect === 'typed' ? llvm14 : llvm19;
  const warmRel = dialect === 'none' ? null : WARM[dialect];
  const warm = warmRel && existsSync(join(CORPUS, warmRel)) ? join(CORPUS, warmRel) : null;
  const res: InputResult = {
    file, bytes, dialect, llvm: llvm.version ? `${llvm.as} ${llvm.version}` : `${llvm.as} (missing)`, reps: o.reps,
    inproc: { lex: [], floor: [], parseNoResolve: [], parse: [], verify: [], print: [], fmt: [], fmtFaults: [] },
    inprocCpu: { lex: [], parseNoResolve: [], parse: [], fmt: [] },
    cli: { cmd: `node bin/enzyme-ts.js fmt FILE -o - >/dev/null`, runs: [] },
    lower: { cmd: `node bin/enzyme-ts.js lower FILE -o - >/dev/null`, runs: [] },
    llvmAs: { cmd: `${llvm.as} FILE -o out.bc`, runs: [] },
    optS: { cmd: `${llvm.opt} -S FILE -o out.ll`, runs: [] },
  };
  if (!llvm.version) res.llvmAs.error = res.optS.error = `${llvm.as} not installed`;
  say(`== ${rel(file)}: ${(bytes / MB).toFixed(2)} MB, ${dialect === 'typed' ? 'typed pointers' : dialect === 'opaque' ? 'opaque pointers' : 'no pointers'} -> ${llvm.as}/${llvm.opt}`);

  const t0 = Date.now();
  const child = new InProc(file, warm);
  try {
    const ready = await child.next();
    if (ready.type === 'ready') {
      res.warm = { grammarMs: ready.grammarMs, warmMs: ready.warmMs, warmFile: ready.warmFile && rel(ready.warmFile) };
      res.verifier = ready.verifier;
    }
    else res.inprocError = ready.type === 'error' ? ready.message : 'unexpected reply';
    const warmCostMs = Date.now() - t0;

    for (let r = 0; r < res.reps; r++) {
      const repStart = Date.now();
      if (!res.inprocError) {
        const m = await child.ask({ type: 'rep' });
        if (m.type === 'rep') {
          res.inproc.lex.push(m.lexMs);
          res.inproc.floor.push(m.floorMs);
          res.inproc.parseNoResolve.push(m.parseNoResolveMs);
          res.inproc.parse.push(m.parseMs);
          res.inproc.verify.push(m.verifyMs);
          res.inproc.print.push(m.printMs);
          res.inproc.fmt.push(m.parseMs + m.verifyMs + m.printMs);
          res.verifyProblems = m.verifyProblems;
          res.inproc.fmtFaults.push(m.fmtFaults);
          for (const k of ['lex', 'parseNoResolve', 'parse', 'fmt'] as const) res.inprocCpu[k].push(m.cpu[k]);
          res.tokens = m.tokens;
          res.outChars = m.outChars;
        } else res.inprocError = m.type === 'error' ? m.message : 'unexpected reply';
      }
      // Every tool writes its output somewhere real: standard output is thrown away, LLVM's
      // tools write into the scratch folder (in some containers /dev/null is a regular file).
      runTool(res.cli, process.execPath, [CLI, 'fmt', file, '-o', '-'], tmpDir);
      runTool(res.lower, process.execPath, [CLI, 'lower', file, '-o', '-'], tmpDir);
      runTool(res.llvmAs, llvm.as, [file, '-o', join(tmpDir, 'out.bc')], tmpDir);
      runTool(res.optS, llvm.opt, ['-S', file, '-o', join(tmpDir, 'out.ll')], tmpDir);
      const repMs = Date.now() - repStart;
      say(`   rep ${r + 1}/${res.reps}: ${(repMs / 1000).toFixed(1)} s`);

      if (r === 0 && o.budgetS > 0 && res.reps > 1) {
        // Split what is left of the budget over the remaining repetitions of
        // this and the later inputs, assuming time proportional to size.
        const perByte = repMs / bytes;
        const remaining = o.budgetS * 1000 - (Date.now() - budget.start);
        const laterFirstReps = budget.laterBytes * perByte + budget.laterCount * warmCostMs;
        const wantMine = bytes * (res.reps - 1), wantLater = budget.laterBytes * (res.reps - 1);
        const share = (remaining - laterFirstReps) * wantMine / (wantMine + wantLater);
        const extra = Math.max(0, Math.min(res.reps - 1, Math.floor(share / repMs)));
        if (extra < res.reps - 1) {
          res.repsNote = `cut from ${res.reps} to ${extra + 1} to stay within --budget ${o.budgetS}s (rep 1 took ${(repMs / 1000).toFixed(0)} s)`;
          say(`   ${res.repsNote}`);
          res.reps = extra + 1;
        }
      }
    }
    if (!res.inprocError) {
      const d = await child.ask({ type: 'done' });
      if (d.type === 'done') res.inprocMaxRssKB = d.maxRssKB;
    }
  } finally {
    child.kill();
  }
  for (const [name, t] of [['fmt CLI', res.cli], ['lower CLI', res.lower], ['llvm-as', res.llvmAs], ['opt -S', res.optS]] as const) if (t.error) say(`   ${name} failed: ${t.error}`);
  if (res.inprocError) say(`   in-process failed: ${res.inprocError}`);
  return res;
}

interface Startup { reps: number; boot: number[]; import: number[]; firstParse: number[]; probeWall: number[]; cliEmpty: ToolRuns; native: { name: string; bin: string; args: string[]; t: ToolRuns }[] }

function benchStartup(reps: number, tmpDir: string, llvms: Llvm[]): Startup {
  const empty = join(tmpDir, 'empty.ll');
  writeFileSync(empty, '');
  const s: Startup = { reps, boot: [], import: [], firstParse: [], probeWall: [], cliEmpty: { cmd: 'node bin/enzyme-ts.js fmt empty.ll -o -', runs: [] }, native: [] };
  for (const l of llvms) if (l.version) {
    s.native.push({ name: `${l.as} empty.ll`, bin: l.as, args: [empty, '-o', join(tmpDir, 'out.bc')], t: { cmd: `${l.as} empty.ll -o out.bc`, runs: [] } });
    s.native.push({ name: `${l.opt} -S empty.ll`, bin: l.opt, args: ['-S', empty, '-o', join(tmpDir, 'out.ll')], t: { cmd: `${l.opt} -S empty.ll -o out.ll`, runs: [] } });
  }
  for (let r = 0; r < reps; r++) {
    const p = runTimed(process.execPath, [STARTUP], { tmpDir, captureStdout: true, measureRss: false });
    if (p.ok) {
      const j = JSON.parse(p.stdout!) as { bootMs: number; importMs: number; firstParseMs: number };
      s.boot.push(j.bootMs); s.import.push(j.importMs); s.firstParse.push(j.firstParseMs); s.probeWall.push(p.ms);
    }
    runTool(s.cliEmpty, process.execPath, [CLI, 'fmt', empty, '-o', '-'], tmpDir);
    for (const n of s.native) runTool(n.t, n.bin, n.args, tmpDir);
  }
  return s;
}

// ---------------------------------------------------------------- report

const ms = (t: ToolRuns) => median(t.runs.map((r) => r.ms));
const cpu = (t: ToolRuns) => median(t.runs.map((r) => r.cpuMs ?? NaN).filter(Number.isFinite));
const mbps = (bytes: number, m: number) => (Number.isFinite(m) && m > 0 ? sig3(bytes / MB / (m / 1000)) : 'n/a');
const secs = (m: number) => (Number.isFinite(m) ? sig3(m / 1000) : 'n/a');
const rssMB = (t: ToolRuns) => max(t.runs.map((r) => r.rssKB ?? NaN).filter(Number.isFinite)) * 1024 / MB;
const faultsK = (xs: number[]) => (xs.length ? sig3(median(xs) / 1000) : 'n/a');
const toolFaults = (t: ToolRuns) => t.runs.map((r) => r.minorFaults ?? NaN).filter(Number.isFinite);

function report(results: InputResult[], st: Startup): void {
  const name = (r: InputResult) => rel(r.file).replace(/^bench\/data\//, '').replace(/^fixtures\/corpus\//, '');
  const heads = ['input', 'MB', 'N', 'lex', 'lex+parse', 'parse', 'fmt in-proc', 'fmt CLI', 'llvm-as', 'opt -S'];
  const cols = (r: InputResult, f: (m: number) => string) => [
    name(r), (r.bytes / MB).toFixed(2), String(r.inproc.fmt.length || r.cli.runs.length),
    f(median(r.inproc.lex)), f(median(r.inproc.parseNoResolve)), f(median(r.inproc.parse)), f(median(r.inproc.fmt)),
    f(ms(r.cli)), f(ms(r.llvmAs)), f(ms(r.optS)),
  ];
  const al: ('l' | 'r')[] = ['l'];
  say('\n### Throughput, MB/s (median of N; MB = 10^6 bytes; higher is better)\n');
  say(table(heads, results.map((r) => cols(r, (m) => mbps(r.bytes, m))), al));
  say('\n### Wall time, seconds (median of N)\n');
  say(table(heads, results.map((r) => cols(r, secs)), al));
  say('\n### CPU time (user+system), seconds (median of N)\n');
  say(table(heads, results.map((r) => [name(r), (r.bytes / MB).toFixed(2), String(r.inprocCpu.fmt.length || r.cli.runs.length),
    secs(median(r.inprocCpu.lex)), secs(median(r.inprocCpu.parseNoResolve)), secs(median(r.inprocCpu.parse)), secs(median(r.inprocCpu.fmt)),
    secs(cpu(r.cli)), secs(cpu(r.llvmAs)), secs(cpu(r.optS))]), al));
  say(`\nCPU seconds barely depend on how busy the machine is, wall seconds do; Node's CPU time includes V8's GC helper threads.`);
  say(`External tools: ${HAVE_TIME ? 'GNU time %U+%S (10 ms resolution)' : 'not measured (GNU time missing)'}; in-process: process.cpuUsage().`);
  say('\nlex: lex() alone, in the chunks parseModule uses, token objects recycled. lex+parse: parseModule(noResolve). parse: parseModule (lex+parse+resolve).');
  say(`fmt in-proc: parseModule${results.some((r) => r.verifier) ? ' + verifyModule' : ''} + printModule, the fmt pipeline in a warm process without file I/O.`);
  say('fmt CLI: `node bin/enzyme-ts.js fmt FILE -o -` to /dev/null, a fresh process (start-up, grammar, read, parse, verify, print, write).');
  say('llvm-as: parse + verify + write bitcode. opt -S: parse + verify + print. LLVM 14 tools for typed-pointer files, -19 for opaque.');

  say('\n### Ratios (time, enzyme-ts / LLVM)\n');
  const verdict = (r: InputResult) => {
    const a = ms(r.cli), b = ms(r.optS);
    return Number.isFinite(a) && Number.isFinite(b) ? (a <= b ? 'met' : 'NOT met') : 'n/a';
  };
  say(table(['input', 'parse vs llvm-as', 'fmt in-process vs opt -S', 'fmt CLI vs opt -S', 'target: fmt CLI <= opt -S', 'CPU: fmt CLI vs opt -S'],
    results.map((r) => [name(r), ratioText(median(r.inproc.parse), ms(r.llvmAs)), ratioText(median(r.inproc.fmt), ms(r.optS)),
      ratioText(ms(r.cli), ms(r.optS)), verdict(r), ratioText(cpu(r.cli), cpu(r.optS))]), al));
  say('\nAll ratios but the last compare wall times; the last compares CPU seconds.');
  const judged = results.filter((r) => verdict(r) !== 'n/a');
  const met = judged.filter((r) => verdict(r) === 'met').length;
  say(`\nTarget (\`fmt\` no slower than \`opt -S\` on the same file, CLI wall time): ${judged.length === 0 ? 'not measurable' : met === judged.length ? `MET on all ${judged.length} inputs` : `NOT met (${met}/${judged.length} inputs)`}.`);

  say('\n### Lazy loading: `lower` against `fmt` on the same input (median of N)\n');
  say(table(['input', 'fmt CLI s', 'lower CLI s', 'lower / fmt', 'fmt CLI CPU s', 'lower CLI CPU s', 'CPU: lower / fmt'],
    results.map((r) => [name(r), secs(ms(r.cli)), secs(ms(r.lower)), ratioText(ms(r.lower), ms(r.cli)),
      secs(cpu(r.cli)), secs(cpu(r.lower)), ratioText(cpu(r.lower), cpu(r.cli))]), al));
  say('\nlower CLI: `node bin/enzyme-ts.js lower FILE -o -` to /dev/null. With no __enzyme call in the input it reads the');
  say('headers, globals and attribute groups, and copies the bodies, initializers and metadata it keeps as text');
  say('(docs/architecture.md, "Lazy loading"); fmt parses, verifies and prints everything.');

  say('\n### What the parser library costs at least (wall seconds, median of N)\n');
  say(table(['input', 'lex + Chevrotain floor', 'opt -S', 'floor / opt -S', 'fmt in-proc / floor'],
    results.map((r) => [name(r), secs(median(r.inproc.floor)), secs(ms(r.optS)), ratioText(median(r.inproc.floor), ms(r.optS)),
      ratioText(median(r.inproc.fmt), median(r.inproc.floor))]), al));
  say('\nfloor: the same tokens, lexed in the same chunks, through a one-rule Chevrotain grammar MANY(SUBRULE(OR(CONSUME)))');
  say('that builds nothing (bench/floor.ts), in the warm child. Any parser built on Chevrotain, the mandated parser library,');
  say('pays at least this, before building, verifying or printing anything, and before start-up (see below).');

  say('\n### Peak memory (RSS high-water mark)\n');
  const per = (mb: number, r: InputResult) => (Number.isFinite(mb) ? sig3(mb / (r.bytes / MB)) : 'n/a');
  const mbText = (mb: number) => (Number.isFinite(mb) ? sig3(mb) : 'n/a');
  say(table(['input', 'fmt CLI MB', 'per input MB', 'opt -S MB', 'per input MB', 'llvm-as MB', 'in-process child MB',
    'faults: fmt CLI', 'fmt in-proc', 'opt -S'],
    results.map((r) => {
      const c = rssMB(r.cli), p = rssMB(r.optS);
      return [name(r), mbText(c), per(c, r), mbText(p), per(p, r), mbText(rssMB(r.llvmAs)), mbText((r.inprocMaxRssKB ?? NaN) * 1024 / MB),
        faultsK(toolFaults(r.cli)), faultsK(r.inproc.fmtFaults), faultsK(toolFaults(r.optS))];
    }), al));
  say(`\nMB: peak RSS in 10^6 bytes; CLI / opt / llvm-as: max over the runs of ${HAVE_TIME ? '`/usr/bin/time -f %M`' : 'nothing (GNU time missing)'}.`);
  say('In-process child: process.resourceUsage().maxRSS, the high-water mark over warm-up and every phase of every repetition.');
  say('faults: minor page faults in thousands (median; %R of GNU time, or');
  say('resourceUsage().minorPageFault around fmt in the warm child). At ~14 us each on these VMs, 100k faults ~ 1.4 s.');

  say(`\n### Start-up (median of ${st.reps}, milliseconds)\n`);
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
  const rows = [
    ['node boot (process start -> first line of the probe)', f(median(st.boot))],
    ['import enzyme-ts modules (parser, printer, chevrotain)', f(median(st.import))],
    ['first parse+print of an empty module (grammar construction)', f(median(st.firstParse))],
    ['whole probe process, wall', f(median(st.probeWall))],
    ['`enzyme-ts fmt empty.ll`, wall', f(ms(st.cliEmpty))],
    ...st.native.map((n) => [`\`${n.name}\`, wall`, f(ms(n.t))]),
  ];
  say(table(['what', 'ms'], rows, al));

  for (const r of results) {
    const notes = [
      r.repsNote && `N ${r.repsNote}`,
      r.warm && `warm-up: grammar ${r.warm.grammarMs.toFixed(0)} ms, then ${r.warm.warmFile ?? '(no warm-up module)'} and one noResolve parse of the input ${(r.warm.warmMs / 1000).toFixed(1)} s`,
      r.inproc.verify.length && `in-process fmt = parse ${secs(median(r.inproc.parse))} s + verify ${secs(median(r.inproc.verify))} s + print ${secs(median(r.inproc.print))} s`,
      r.verifier === false && 'no verifyModule in this build: fmt in-proc is parse + print only',
      r.verifyProblems && `verifier reported ${r.verifyProblems} problems (the CLI would reject this module)`,
      r.tokens && `${r.tokens} tokens, output ${(r.outChars! / MB).toFixed(2)} M chars (${((r.outChars ?? 0) / r.bytes * 100).toFixed(0)}% of input)`,
      r.inprocError && `in-process FAILED: ${r.inprocError}`,
      r.cli.error && `fmt CLI FAILED: ${r.cli.error}`,
      r.llvmAs.error && `llvm-as FAILED: ${r.llvmAs.error}`,
      r.optS.error && `opt -S FAILED: ${r.optS.error}`,
    ].filter(Boolean);
    say(`\n${name(r)} [${r.llvm}]: ${notes.join('; ')}`);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(INPROC) || !existsSync(join(ROOT, 'dist/src/syntax/parse.js'))) die('dist/ is missing: run `npm run bench` (it compiles first)');
  const llvm14 = llvmFor('llvm-as', 'opt'), llvm19 = llvmFor('llvm-as-19', 'opt-19');
  const wallStart = Date.now();

  say('# enzyme-ts benchmark\n');
  const env = environment(llvm14, llvm19);
  for (const [k, v] of Object.entries(env)) say(`${`${k}:`.padEnd(14)}${v}`);
  const load1 = loadavg()[0]!, ncpu = availableParallelism();
  if (load1 > ncpu) {
    say(`!! The machine is busy (load average ${load1.toFixed(1)} on ${ncpu} cores): every process here gets a fraction of a core,`);
    say('!! so absolute times are inflated and noisy. Ratios between tools run side by side are the more useful numbers.');
  }
  say('');
  if (o.grad === 'only' || o.grad === 'ad') {
    // The front-end inputs are not needed (nor built) for these sections alone.
    const grad = o.grad === 'only' ? runGradBench(gradBenchOptions(o.quick)) : null;
    const ad: AdBenchResult = runAdBench(adBenchOptions(o.quick));
    say(`\nload average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; total ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);
    writeJson(o, { env, loadAtEnd: loadavg(), options: o, grad, ad });
    return;
  }
  const inputs = chooseInputs(o);
  const tmpDir = mkdtempSync(join(tmpdir(), 'enzyme-bench-'));
  const onSignal = () => { rmSync(tmpDir, { recursive: true, force: true }); process.exit(130); };
  process.once('SIGINT', onSignal);
  try {
    const budget = { start: Date.now(), laterBytes: 0, laterCount: 0 };
    say(`== start-up probes`);
    const st = benchStartup(Math.min(o.reps, 3) || 1, tmpDir, [llvm14, llvm19]);
    const sizes = inputs.map((f) => statSync(f).size);
    const results: InputResult[] = [];
    for (let i = 0; i < inputs.length; i++) {
      budget.laterBytes = sizes.slice(i + 1).reduce((a, b) => a + b, 0);
      budget.laterCount = inputs.length - i - 1;
      results.push(await benchInput(inputs[i]!, o, tmpDir, llvm14, llvm19, budget));
    }
    report(results, st);
    // After the front-end tables so that the --budget estimate above is not
    // disturbed; this section's own length does not depend on the inputs.
    const grad: GradBenchResult | null = o.grad === 'skip' ? null : runGradBench(gradBenchOptions(o.quick));
    const ad: AdBenchResult | null = o.grad === 'skip' ? null : runAdBench(adBenchOptions(o.quick));
    say(`\nload average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; total ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);
    writeJson(o, { env, loadAtEnd: loadavg(), options: o, startup: st, results, grad, ad });
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

function writeJson(o: Options, data: object): void {
  if (!o.json) return;
  writeFileSync(o.json, `${JSON.stringify(data, null, 1)}\n`);
  say(`raw measurements: ${o.json}`);
}

await main();
