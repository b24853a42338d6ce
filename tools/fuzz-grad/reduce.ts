// A simple reducer: deletes statements (and helpers) of a failing program while the same failure
// persists in one configuration, then writes the smallest program found, with its commands.
//   npm run fuzz-grad -- --reduce SEED-INDEX --config clang19-O2 --out DIR
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { countStmts, type Code, type Stmt, type Tok } from './c.js';
import { generateProgram, type Program } from './program.js';
import { renderProgram } from './checker.js';
import { CONFIGS, BUG_OUTCOMES, commands, runConfig, type RunResult } from './runner.js';
import { programSeed } from './seed.js';

export interface ReduceOptions {
  id: string;
  config: string;
  out: string;
  weights: Record<string, number>;
  version: number;
  timeoutMs: number;
  log: (line: string) => void;
}

/** What must stay the same for a smaller program to count: outcome and a normalized code/message. */
export function signature(r: RunResult): string {
  if (r.outcome === 'mismatch') return `mismatch:${r.code ?? 'grad'}`;
  if (r.outcome === 'internal' || r.outcome === 'tool-error' || r.outcome === 'refused') {
    const first = (r.detail ?? '').split('\n').find((l) => /error|Error/.test(l)) ?? '';
    const msg = first.replace(/^.*?error\[E\d+\]: /, '').replace(/%[\w.]+|@[\w.]+|\d+/g, '#');
    return `${r.outcome}:${r.code ?? ''}:${msg.slice(0, 80)}`;
  }
  if (r.outcome === 'invalid') {
    const first = (r.detail ?? '').split('\n').find((l) => /error/.test(l)) ?? '';
    return `invalid:${first.replace(/^.*?error: /, '').replace(/%[\w.]+|@[\w.]+|\d+/g, '#').slice(0, 60)}`;
  }
  return r.outcome;
}

interface Slot { list: Stmt[]; stmt: Stmt }

/** A fixed line, or a group holding one (the return of a function after its cleanup). */
function pinned(st: Stmt): boolean {
  if (st.s === 'line') return !!st.fixed;
  if (st.s === 'group') return st.body.some(pinned);
  return false;
}

/** Statements the reducer may delete: everything but fixed lines and the insides of groups. */
function slots(list: Stmt[], out: Slot[]): void {
  for (const st of list) {
    if (!pinned(st)) out.push({ list, stmt: st });
    if (st.s === 'block') slots(st.body, out);
    else if (st.s === 'if') { slots(st.then, out); if (st.else) slots(st.else, out); }
    else if (st.s === 'group') for (const inner of st.body) {
      if (inner.s === 'block') slots(inner.body, out);
      else if (inner.s === 'if') { slots(inner.then, out); if (inner.else) slots(inner.else, out); }
    }
  }
}

export function reduceProgram(o: ReduceOptions): { program: Program; result: RunResult } | null {
  const m = /^(\d+)-(\d+)$/.exec(o.id);
  if (!m) throw new Error(`--reduce takes a program id SEED-INDEX, not '${o.id}'`);
  const cfg = CONFIGS[o.config];
  if (!cfg) throw new Error(`unknown configuration '${o.config}'`);
  const p = generateProgram(programSeed(Number(m[1]), Number(m[2])), o.id, { weights: o.weights, version: o.version });
  if (p.lang === 'rust') throw new Error(`${o.id} is a Rust program: --reduce deletes statements of C and C++ programs only; keep it (--keep) and reduce prog.rs by hand`);
  const work = join(tmpdir(), `fuzz-grad-reduce-${process.pid}`);
  let attempt = 0;
  const ext = p.lang === 'cpp' ? 'cpp' : 'c';
  const run = (): RunResult => {
    const dir = join(work, String(attempt++));
    mkdirSync(dir, { recursive: true });
    const s = renderProgram(p);
    writeFileSync(join(dir, `prog.${ext}`), s.test);
    writeFileSync(join(dir, `check.${ext}`), s.check);
    const r = runConfig(dir, `prog.${ext}`, p.lang, cfg, o.id, { timeoutMs: o.timeoutMs });
    rmSync(dir, { recursive: true, force: true });
    return r;
  };
  const first = run();
  if (!BUG_OUTCOMES.has(first.outcome)) {
    o.log(`${o.id} ${o.config}: ${first.outcome} ${first.code ?? ''}: nothing to reduce`);
    return null;
  }
  const want = signature(first);
  o.log(`${o.id} ${o.config}: ${want}; ${size(p)} statements`);
  let last = first;
  const same = (): boolean => {
    const r = run();
    if (signature(r) === want) { last = r; return true; }
    return false;
  };
  const bodies = (): Stmt[][] => [p.target.body, ...p.helpers.map((h) => h.body)];
  let changed = true;
  while (changed) {
    changed = false;
    // chunks of top-level statements first (halves, quarters, ...), then single statements anywhere
    for (const body of bodies()) {
      for (let chunk = Math.max(1, Math.floor(body.length / 2)); chunk >= 2; chunk = Math.floor(chunk / 2)) {
        for (let at = 0; at + chunk <= body.length;) {
          if (body.slice(at, at + chunk).some(pinned)) { at += chunk; continue; }
          const removed = body.splice(at, chunk);
          if (same()) { changed = true; o.log(`  -${chunk} statements: ${size(p)} left`); } else { body.splice(at, 0, ...removed); at += chunk; }
        }
      }
    }
    // single statements anywhere; the slots are collected again after every success, so that
    // none belongs to a statement already deleted
    const failed = new Set<Stmt>();
    for (let progress = true; progress;) {
      progress = false;
      const all: Slot[] = [];
      for (const body of bodies()) slots(body, all);
      for (const { list, stmt } of all) {
        const at = list.indexOf(stmt);
        if (at < 0 || failed.has(stmt)) continue;
        list.splice(at, 1);
        if (same()) { progress = changed = true; o.log(`  -1 statement: ${size(p)} left`); break; }
        // an if by one of its branches (a loop by its body would change scoping)
        if (stmt.s === 'if') {
          list.splice(at, 0, ...stmt.then);
          if (same()) { progress = changed = true; o.log(`  if -> then: ${size(p)} left`); break; }
          list.splice(at, stmt.then.length);
          if (stmt.else) {
            list.splice(at, 0, ...stmt.else);
            if (same()) { progress = changed = true; o.log(`  if -> else: ${size(p)} left`); break; }
            list.splice(at, stmt.else.length);
          }
        }
        list.splice(at, 0, stmt);
        failed.add(stmt);
      }
    }
    // helpers nobody calls any more
    for (let i = p.helpers.length - 1; i >= 0; i--) {
      const h = p.helpers[i]!;
      const text = renderProgram(p).test;
      const uses = text.split(`${h.name}(`).length - 1;
      if (uses > 2) continue; // prototype + definition
      p.helpers.splice(i, 1);
      if (same()) { changed = true; o.log(`  -helper ${h.name}`); } else p.helpers.splice(i, 0, h);
    }
  }
  // then expressions: a call or kink by one of its arguments, a comparison by 0 or 1
  const lines: Extract<Stmt, { s: 'line' }>[] = [];
  const collect = (list: Stmt[]): void => {
    for (const st of list) {
      if (st.s === 'line') lines.push(st);
      else if (st.s === 'block' || st.s === 'group') collect(st.body);
      else { collect(st.then); if (st.else) collect(st.else); }
    }
  };
  for (const body of bodies()) collect(body);
  for (const st of lines) {
    for (let more = true; more;) {
      more = false;
      for (const alt of simplifications(st.code)) {
        const old = st.code;
        st.code = alt;
        if (same()) { more = true; o.log('  simpler expression'); break; }
        st.code = old;
      }
    }
  }
  rmSync(work, { recursive: true, force: true });
  o.log(`${o.id} ${o.config}: reduced to ${size(p)} statements in ${attempt} runs`);
  return { program: p, result: last };
}

/** Each way of replacing one token of `code` by something simpler, outermost first. */
export function simplifications(code: Code): Code[] {
  const out: Code[] = [];
  code.forEach((part, i) => {
    if (typeof part === 'string') return;
    const put = (repl: Code): void => { out.push([...code.slice(0, i), '(', ...repl, ')', ...code.slice(i + 1)]); };
    const inner = (args: Code[], make: (a: Code[]) => Tok): void => {
      args.forEach((a, j) => { for (const alt of simplifications(a)) out.push([...code.slice(0, i), make(args.map((x, k) => (k === j ? alt : x))), ...code.slice(i + 1)]); });
    };
    switch (part.t) {
      case 'math': part.args.forEach((a) => put(a)); inner(part.args, (a) => ({ ...part, args: a })); break;
      case 'kink':
        if (part.fn === 'toint') put(['0']); else part.args.forEach((a) => put(a));
        inner(part.args, (a) => ({ ...part, args: a }));
        break;
      case 'cmp':
        put(['1']); put(['0']);
        for (const alt of simplifications(part.a)) out.push([...code.slice(0, i), { ...part, a: alt }, ...code.slice(i + 1)]);
        for (const alt of simplifications(part.b)) out.push([...code.slice(0, i), { ...part, b: alt }, ...code.slice(i + 1)]);
        break;
      default: break;
    }
  });
  return out;
}

function size(p: Program): number {
  return countStmts(p.target.body) + p.helpers.reduce((a, h) => a + countStmts(h.body), 0);
}

/** Writes the reduced program and how to run it into `dir`. */
export function writeReduced(dir: string, p: Program, config: string, r: RunResult): void {
  mkdirSync(dir, { recursive: true });
  const ext = p.lang === 'cpp' ? 'cpp' : 'c';
  const s = renderProgram(p);
  writeFileSync(join(dir, `prog.${ext}`), s.test);
  writeFileSync(join(dir, `check.${ext}`), s.check);
  const cfg = CONFIGS[config]!;
  const lines = [
    `# fuzz-grad program ${p.id}, reduced; ${config}: ${r.outcome} ${r.code ?? ''}`,
    ...commands(cfg, p.lang),
    '',
    ...(r.detail ?? '').split('\n').filter(Boolean).map((l) => `#   ${l}`),
  ];
  writeFileSync(join(dir, 'cmd.txt'), lines.join('\n') + '\n');
  // memcheck of the program without the derivative: the reduced program must still be valid C
  const vg = spawnSync('sh', ['-c', 'command -v valgrind'], { encoding: 'utf8' });
  if (vg.status === 0) {
    const cc = `${ext === 'cpp' ? 'clang++' : 'clang'}-19`;
    const b = spawnSync(cc, ['-O0', '-g', '-gdwarf-4', '-w', '-DFZ_NO_AD', `prog.${ext}`, `check.${ext}`, '-lm', '-o', 'noad.bin'], { cwd: dir, encoding: 'utf8' });
    if (b.status === 0) {
      const v = spawnSync('valgrind', ['-q', '--error-exitcode=9', './noad.bin'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
      writeFileSync(join(dir, 'memcheck.txt'), `valgrind on the program without the derivative: exit ${v.status}\n${v.stderr}`);
    }
    rmSync(join(dir, 'noad.bin'), { force: true });
  }
}
