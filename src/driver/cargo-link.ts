// The linker shim of `enzyme-ts cargo` (cargo.ts): rustc calls it in place of the linker for a
// binary or test built with fat LTO and `--emit=llvm-ir`, so `<output>.ll` holds the whole
// program after LTO. When that module calls `__enzyme_*`:
//
//   1. debug builds (opt-level 0): the helper first simplifies the functions those calls
//      differentiate, and what they reach (SROA, instcombine, inlining: what rustc's -O0 output
//      needs before enzyme-ts can read its derivative); the rest of the program stays as built;
//   2. `lower` replaces the calls by calls to generated derivatives (in this process);
//   3. the helper compiles the result with the toolchain's LLVM, optimizing only the generated
//      and rewritten functions (rustc already optimized the rest), into an object file;
//   4. the real linker runs with that object in place of the one rustc made.
//
// Anything else is passed to the real linker unchanged.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import { renderAll } from '../diag/render.js';
import { SourceFile } from '../diag/source.js';
import { verifyModule } from '../ir/verify.js';
import { parseModule } from '../syntax/parse.js';
import { lowerAndVerify } from './lower.js';
import { debugFromEnv } from './grad.js';
import { calledFunction } from '../ad/calls.js';
import { writeModule } from '../print/printer.js';
import { writeOutputStream } from './io.js';
import { ENV } from './cargo.js';

/** What debug builds run on the differentiated functions before lowering. */
export const PREPARE_PIPELINE = 'cgscc(devirt<4>(inline,function-attrs,function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,jump-threading,correlated-propagation,instcombine<no-verify-fixpoint>,simplifycfg))),'
  + 'function(sroa,early-cse,gvn,jump-threading,instcombine<no-verify-fixpoint>,simplifycfg)';

function helperRun(helper: string, args: string[], what: string): void {
  const r = spawnSync(helper, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    const msg = (r.error?.message ?? r.stderr).trim().split('\n').slice(0, 6).join('\n');
    fail('E0464', `${what} failed: ${msg || `exit status ${r.status}`}`, null, -1, -1,
      ['this is a bug in enzyme-ts when the message is about invalid IR; please report it with the crate']);
  }
}

function passthrough(linker: string, args: string[]): number {
  const r = spawnSync(linker, args, { stdio: 'inherit' });
  if (r.error) fail('E0464', `cannot run the linker '${linker}': ${r.error.message}`, null);
  return r.status ?? 1;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The shim's work; returns the linker's exit code. */
export function linkStep(args: string[]): number {
  const linker = process.env[ENV.realLinker] || 'cc';
  const helper = process.env[ENV.helper];
  const o = args.indexOf('-o');
  const out = o >= 0 ? args[o + 1] : undefined;
  const llPath = out ? `${out}.ll` : '';
  if (!out || !helper || !existsSync(llPath)) return passthrough(linker, args);
  const text = readFileSync(llPath, 'utf8');
  if (!text.includes('__enzyme_')) return passthrough(linker, args);

  const objs = args.map((a, i) => ({ a, i })).filter((x) => /\.rcgu\.o$/.test(x.a));
  if (objs.length !== 1) {
    fail('E0464', `expected rustc to link exactly one object file (the fat-LTO module), found ${objs.length}: ${objs.map((x) => x.a).join(' ')}`, null, -1, -1,
      ['enzyme-ts cargo sets lto = "fat" for the dev and release profiles; a profile of your own needs lto = "fat" too']);
  }
  const keep = process.env[ENV.keep] === '1';
  const times: string[] = [];
  let t0 = Date.now();
  const lap = (what: string): void => { const t = Date.now(); times.push(`${what} ${((t - t0) / 1000).toFixed(1)} s`); t0 = t; };
  const opt = optLevel(process.env[ENV.optLevel]);
  const temps: string[] = [];
  try {
    let source = llPath;
    if (opt === 0) {
      source = `${out}.enzyme-ts.pre.ll`;
      temps.push(source);
      helperRun(helper, [llPath, '--prepare-ad', '--passes', PREPARE_PIPELINE, '--opt', '0', '--emit', 'll', '-o', source],
        'simplifying the differentiated functions of the debug build');
      lap('prepare');
    }
    const file = new SourceFile(shown(source), source === llPath ? text : readFileSync(source, 'utf8'));
    const m = parseModule(file);
    const problems = verifyModule(m, file);
    if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
    lap(`read ${(file.text.length / 1e6).toFixed(1)} MB`);
    const before = new Set(m.functions);
    const touched = new Set<string>();
    for (const f of m.functions) {
      if (f.isDeclaration) continue;
      for (const b of f.blocks) for (const i of b.instructions) {
        if ((i.op === 'call' || i.op === 'invoke') && /__enzyme_/.test(calledFunction(i)?.name ?? '')) touched.add(f.name ?? '');
      }
    }
    // Enzyme's environment variables (ENZYME_LOOSE_TYPES, ENZYME_PRINT_PERF, ...) apply as to `lower`.
    const dbg = debugFromEnv({});
    const r = lowerAndVerify(m, file, { ...dbg, checkpoint: dbg.checkpoint });
    lap(`lower ${r.calls.length} call${r.calls.length === 1 ? '' : 's'}`);
    for (const f of m.functions) {
      if (!before.has(f) && !f.isDeclaration) {
        // Generated derivatives are private to the program: the optimizer may inline and drop them.
        f.linkage = 'internal';
        f.visibility = null;
        f.preemption = null;
        touched.add(f.name ?? '');
      }
    }
    const lowered = `${out}.enzyme-ts.ll`;
    const names = `${out}.enzyme-ts.only`;
    const obj = `${out}.enzyme-ts.o`;
    if (!keep) temps.push(lowered);
    temps.push(names, obj);
    writeOutputStream(lowered, (w) => writeModule(m, w));
    writeFileSync(names, [...touched].filter((n) => n).join('\n') + '\n');
    lap('write');
    const cpu = process.env[ENV.targetCpu];
    const compile = [lowered, '--emit', 'obj', '-o', obj, '--opt', String(opt), ...(cpu ? ['--cpu', cpu] : [])];
    if (opt > 0) compile.push('--passes', `default<O${Math.min(opt, 3)}>`, '--only', names);
    helperRun(helper, compile, 'compiling the differentiated program with the toolchain\'s LLVM');
    lap('compile');
    const linkArgs = [...args];
    linkArgs[objs[0]!.i] = obj;
    const status = passthrough(linker, linkArgs);
    lap('link');
    const report = process.env[ENV.report];
    if (report) try { appendFileSync(report, `enzyme-ts: ${basename(out)}: ${times.join(', ')}\n`); } catch { /* informational */ }
    return status;
  } finally {
    if (!keep) for (const t of temps) rmSync(t, { force: true });
  }
}

/** `-C opt-level`: 0-3 as given, `s`/`z` as 2. */
function optLevel(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 3) : 2;
}

/**
 * A Rust symbol in the legacy mangling (`_ZN6crate4func17h0123456789abcdefE`) as a path
 * (`crate::func`), or null.
 */
export function demangleRust(sym: string): string | null {
  const m = /^_ZN(.*)E$/.exec(sym);
  if (!m) return null;
  const parts: string[] = [];
  let rest = m[1]!;
  while (rest.length) {
    const len = /^(\d+)/.exec(rest);
    if (!len) return null;
    const n = Number(len[1]);
    const part = rest.slice(len[1]!.length, len[1]!.length + n);
    rest = rest.slice(len[1]!.length + n);
    if (/^h[0-9a-f]{16}$/.test(part) && !rest.length) break;
    parts.push(part.replace(/^_\$/, '$').replace(/\$(LT|GT|RF|BP|C|SP|u20|u27|u5b|u5d|u7b|u7d|u3b|u2b|u22)\$/g, (_, c: string) =>
      ({ LT: '<', GT: '>', RF: '&', BP: '*', C: ',', SP: '@', u20: ' ', u27: "'", u5b: '[', u5d: ']', u7b: '{', u7d: '}', u3b: ';', u2b: '+', u22: '"' })[c] ?? c).replace(/\.\./g, '::'));
  }
  return parts.join('::');
}

/** Notes that name the Rust functions behind the mangled symbols a diagnostic mentions. */
function rustNotes(message: string): string[] {
  const notes: string[] = [];
  for (const sym of new Set(message.match(/@_ZN\w+E/g) ?? [])) {
    const path = demangleRust(sym.slice(1));
    if (!path) continue;
    const shim = /::__enzyme_ts_shim_(\w+)$/.exec(path);
    notes.push(shim
      ? `${sym} is the wrapper #[autodiff] made for ${path.slice(0, -shim[0].length)}::${shim[1]}: the construct is in the function ${shim[1]} differentiates, inlined into it`
      : `${sym} is the Rust function ${path}`);
  }
  return notes;
}

/** Runs the shim; never throws. Diagnostics also go to the file `enzyme-ts cargo` prints at the end. */
export function linkMain(args: string[]): number {
  try {
    return linkStep(args);
  } catch (e) {
    const ds = e instanceof DiagnosticError ? e.diagnostics.map((d) => {
      const extra = rustNotes(d.message);
      return extra.length ? { ...d, notes: [...extra, ...(d.notes ?? [])] } : d;
    })
      : [diag('E0999', `internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, null, -1, -1,
        ['this is a bug in enzyme-ts; please report it with the crate'])];
    const text = renderAll(ds, { color: false });
    process.stderr.write(text);
    const errFile = process.env[ENV.errors];
    if (errFile) try { appendFileSync(errFile, text); } catch { /* the message is on stderr already */ }
    if (process.env.ENZYME_TS_TRACE && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    return e instanceof DiagnosticError ? 1 : 3;
  }
}
