// `npm run check-corpus`: runs `enzyme-ts check` on the corpus of fixtures/check (code written
// by others, the AD benchmark problems, float and double, globals, structs; see its README)
// and on rustc's modules of fixtures/grad/rust, and counts the outcomes.
//
//   npm run check-corpus [-- --filter REGEX] [--jobs N] [--mutate] [--base DIR] [--verbose]
//
// --mutate   for every check that passes, corrupts the generated derivative (one floating
//            operation of its reverse sweep: fadd <-> fsub, or a result scaled by 1.01) at up to
//            three sites and counts how many corruptions that change the derivative's numbers
//            `check` catches. A corruption that changes nothing it prints is not counted.
// --base DIR runs the `check` of another build (DIR/dist/src/driver/check.js, e.g. a checkout
//            of an older commit) on the same corpus, for before/after numbers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gradModule } from '../src/ad/grad.js';
import type { GradResult } from '../src/ad/api.js';
import { DiagnosticError } from '../src/diag/diagnostic.js';
import { IRBuilder, constFP } from '../src/ir/builder.js';
import { BinaryInst, type Instruction } from '../src/ir/instructions.js';
import { replaceAllUsesWith } from '../src/ir/uses.js';
import type { CheckOptions, DerivativeProvider } from '../src/driver/check.js';

/** The repository: the nearest folder above this file with a package.json (from bench/ or dist/bench/). */
const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();

interface Check { module: string; path: string; line: string; args: string[]; expect: string }

/** Splits a CHECK line into words like a POSIX shell (quotes, backslashes; no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') { if (inWord) { words.push(cur); cur = ''; inWord = false; } continue; }
    inWord = true;
    if (c === "'") { const end = line.indexOf("'", i + 1); cur += line.slice(i + 1, end); i = end; continue; }
    if (c === '"') { let j = i + 1; for (; line[j] !== '"'; j++) { if (line[j] === '\\') j++; cur += line[j]; } i = j; continue; }
    if (c === '\\') { cur += line[++i] ?? ''; continue; }
    cur += c;
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * `// CHECK: args` (expected to pass), `// CHECK(E0440): args` (expected to stop with that
 * code), or per optimization level `// CHECK(O0:FAILED O2:E0403): args` (levels not named: ok).
 */
export function checkLines(source: string): { line: string; args: string[]; expect: string }[] {
  const out: { line: string; args: string[]; expect: string }[] = [];
  for (const m of source.matchAll(/^\/\/ CHECK(?:\(([^)]*)\))?: (.*)$/gm)) {
    out.push({ line: m[2]!.trim(), args: shellWords(m[2]!.trim()), expect: m[1] ?? 'ok' });
  }
  return out;
}

/** The outcome a CHECK line expects on a module of optimization level `level` (O0, O2, O2fm). */
export function expectedOn(expect: string, level: string): string {
  if (!expect.includes(':')) return expect;
  for (const part of expect.split(/\s+/)) {
    const [lvl, outcome] = part.split(':');
    if (lvl === level) return outcome!;
  }
  return 'ok';
}

export function corpus(root = ROOT): Check[] {
  const out: Check[] = [];
  const base = join(root, 'fixtures', 'check');
  for (const config of ['clang14', 'clang19']) {
    const dir = join(base, config);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      const name = file.replace(/\.O\w+\.ll$/, '');
      const src = ['c', 'cpp'].map((e) => join(base, 'src', `${name}.${e}`)).find(existsSync);
      if (!src) continue;
      const level = /\.(O\w+)\.ll$/.exec(file)?.[1] ?? '';
      for (const c of checkLines(readFileSync(src, 'utf8'))) out.push({ module: `${config}/${file}`, path: join(dir, file), ...c, expect: expectedOn(c.expect, level) });
    }
  }
  // rustc 1.95's LLVM 22 output as it is: runs where an lli of LLVM 22 is installed, refused clearly elsewhere.
  const rust = join(root, 'fixtures', 'grad', 'rust');
  const rs = join(rust, 'ad.rs');
  if (existsSync(rs)) {
    for (const lvl of ['O3']) {
      for (const c of checkLines(readFileSync(rs, 'utf8'))) out.push({ module: `rust/ad.${lvl}.ll`, path: join(rust, `ad.${lvl}.ll`), ...c, expect: 'ok|E0441' });
    }
  }
  return out;
}

export function optionsOf(c: Check): CheckOptions {
  const o: CheckOptions = { input: c.path, fn: '' };
  for (let k = 0; k < c.args.length; k += 2) {
    const v = c.args[k + 1]!;
    switch (c.args[k]) {
      case '-f': o.fn = v; break;
      case '--args': o.args = v; break;
      case '--ret': o.ret = v; break;
      case '--at': o.at = v; break;
      case '--seed': o.seed = v; break;
      case '--len': o.len = v; break;
      case '--tol': o.tol = v; break;
      default: throw new Error(`unknown option ${c.args[k]} in ${c.line}`);
    }
  }
  return o;
}

export type Outcome = 'ok' | 'FAILED' | 'INCONCLUSIVE' | string;

export interface Run { outcome: Outcome; text: string }

type RunCheck = (o: CheckOptions) => Promise<number>;

export async function runOne(run: RunCheck, opts: CheckOptions): Promise<Run> {
  let text = '';
  try {
    const code = await run({ ...opts, out: (t) => { text += t; } });
    if (code === 0) return { outcome: 'ok', text };
    return { outcome: /^INCONCLUSIVE/m.test(text) ? 'INCONCLUSIVE' : 'FAILED', text };
  } catch (e) {
    if (e instanceof Error && 'diagnostics' in e) {
      const d = (e as DiagnosticError).diagnostics[0]!;
      return { outcome: d.code, text: `${text}${d.code}: ${d.message}\n${(d.notes ?? []).join('\n')}` };
    }
    return { outcome: 'crash', text: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}

/** The analytic column of a report, by row label (and the fd error column in `fdErrors`). */
export function analyticColumn(text: string, fdErrors?: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  let trailing = 0;
  for (const line of text.split('\n')) {
    // label... analytic numeric rel fd [tolerance] verdict
    if (line.startsWith('parameter ')) { trailing = line.includes('tolerance') ? 6 : 5; continue; }
    if (!trailing) continue;
    if (line.trim() === '') break;
    const w = line.trim().split(/\s+/);
    const label = w.slice(0, w.length - trailing).join(' ');
    out.set(label, Number(w[w.length - trailing]));
    fdErrors?.set(label, Number(w[w.length - trailing + 3]));
  }
  return out;
}

/**
 * Whether a corrupted derivative changed the numbers it gives by more than rounding: relative
 * changes above 1e-4 for float code (whose derivative rounds at 1e-6 or so), 1e-6 for double.
 * Smaller changes are below what any finite-difference check can tell from rounding; so are
 * changes of values below 1% of the largest, and changes within four times the error of the
 * differences of that value (check marks those ok* or ok within their error bar).
 */
export function effective(report: string, mutated: string): boolean {
  const fd = new Map<string, number>();
  const before = analyticColumn(report, fd);
  const after = analyticColumn(mutated);
  const rel = /double twin/.test(report) ? 1e-4 : 1e-6;
  const big = Math.max(1e-300, ...[...before.values()].map((v) => Math.abs(v)).filter(Number.isFinite));
  return [...before].some(([k, v]) => {
    const w = after.get(k);
    if (w === undefined || !Number.isFinite(w)) return true;
    // beyond rounding, and beyond what the differences resolve for that value (its fd error)
    return Math.abs(w - v) > Math.max(rel * Math.max(Math.abs(v), 1e-2 * big), 4 * (fd.get(k) ?? 0));
  });
}

/**
 * A provider that differentiates as `grad` does, then corrupts one floating operation of the
 * reverse sweep (blocks named `invert...`): site `site` among them, fadd <-> fsub when `kind`
 * is 0, the result scaled by 1.01 when 1. Returns null through `hit` when there is no such site.
 */
export function mutating(site: number, kind: 0 | 1, hit: { found: boolean }): DerivativeProvider {
  return (m, req, file): GradResult => {
    const r = gradModule(m, req, file);
    const sites: Instruction[] = [];
    for (const b of r.fn.blocks) {
      if (!(b.name ?? '').startsWith('invert')) continue;
      for (const i of b.instructions) if (i.op === 'fadd' || i.op === 'fsub' || i.op === 'fmul') sites.push(i);
    }
    const i = sites[site];
    hit.found = i !== undefined;
    if (!i) return r;
    if (kind === 0 && (i.op === 'fadd' || i.op === 'fsub')) {
      const n = new BinaryInst(i.op === 'fadd' ? 'fsub' : 'fadd', i.type, i.operands[0]!, i.operands[1]!);
      n.flags = i.flags;
      i.parent!.insertBefore(n, i);
      replaceAllUsesWith(r.fn, i, n);
      i.parent!.instructions.splice(i.parent!.instructions.indexOf(i), 1);
    } else {
      const b = new IRBuilder(m).after(i);
      const scaled = b.fmul(i, constFP(i.type, 1.01));
      replaceAllUsesWith(r.fn, i, scaled);
      (scaled as BinaryInst).operands[0] = i;
    }
    return r;
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | null => { const k = argv.indexOf(name); return k >= 0 ? argv[k + 1] ?? '' : null; };
  const filter = flag('--filter');
  const jobs = Number(flag('--jobs') ?? '2') || 2;
  const mutate = argv.includes('--mutate');
  const verbose = argv.includes('--verbose');
  const baseDir = flag('--base');
  const mod = await import(baseDir ? pathToFileURL(join(resolve(baseDir), 'dist', 'src', 'driver', 'check.js')).href : '../src/driver/check.js') as { runCheck: RunCheck };
  const checks = corpus().filter((c) => !filter || new RegExp(filter).test(`${c.module}: ${c.line}`));
  const counts = new Map<string, number>();
  const unexpected: string[] = [];
  let caught = 0, escaped = 0, equivalent = 0;
  const escapes: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const c = checks[next++]!;
      const opts = optionsOf(c);
      const r = await runOne(mod.runCheck, opts);
      counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      const name = `${c.module}: ${c.line}`;
      const expected = c.expect.split('|').includes(r.outcome);
      if (!expected) unexpected.push(`${name}\n  expected ${c.expect}, got ${r.outcome}\n${r.text.split('\n').filter((l) => /MISMATCH|NOISY|^E\d|^FAILED|^INCONCL|lli said|^  /.test(l)).slice(0, 8).map((l) => `    ${l}`).join('\n')}`);
      if (verbose) process.stdout.write(`${r.outcome.padEnd(12)} ${name}\n`);
      if (mutate && r.outcome === 'ok') {
        for (let site = 0, tried = 0; tried < 3 && site < 40; site += 3) {
          for (const kind of [0, 1] as const) {
            const hit = { found: false };
            const mr = await runOne(mod.runCheck, { ...opts, derivative: mutating(site, kind, hit) });
            if (!hit.found) { site = 99; break; }
            tried++;
            const changed = effective(r.text, mr.text);
            if (!changed) { equivalent++; continue; }
            if (mr.outcome === 'ok') { escaped++; escapes.push(`${name} (site ${site}, ${kind === 0 ? 'fadd<->fsub' : 'x1.01'})`); } else caught++;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const total = checks.length;
  process.stdout.write(`\n${total} checks on ${new Set(checks.map((c) => c.module)).size} modules\n`);
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${k.padEnd(13)} ${v}\n`);
  process.stdout.write(`as expected: ${total - unexpected.length} of ${total}\n`);
  if (unexpected.length) process.stdout.write(`\nnot as expected:\n${unexpected.join('\n')}\n`);
  if (mutate) {
    process.stdout.write(`\nmutations that change the derivative: ${caught + escaped}, caught ${caught}, escaped ${escaped} (${equivalent} changed nothing check prints)\n`);
    if (escapes.length) process.stdout.write(escapes.map((e) => `  escaped: ${e}`).join('\n') + '\n');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1); });
}
