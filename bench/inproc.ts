// Child process of bench.ts (forked with --expose-gc and an IPC channel).
// It holds one input in memory and times the in-process phases when asked,
// one repetition per request, so that the parent can interleave them with the
// CLI and the native tools run by run while this process stays warm. A child
// per input keeps one input's heap from inflating the next one's numbers and
// gives a per-input maxRSS.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SourceFile } from '../src/diag/source.js';
import { parseModule, parseText } from '../src/syntax/parse.js';
import { printModule } from '../src/print/printer.js';
import type { Module } from '../src/ir/module.js';
import { lexChunks, recognizeOnly } from './floor.js';

export type Request = { type: 'rep' } | { type: 'done' };
export type Reply =
  | { type: 'ready'; grammarMs: number; /** warm-up module + one parse of the input */ warmMs: number; warmFile: string | null; verifier: boolean }
  | { type: 'rep'; lexMs: number; /** lex + a build-nothing Chevrotain recognizer (floor.ts) */ floorMs: number; parseNoResolveMs: number; parseMs: number; verifyMs: number; printMs: number;
      tokens: number; outChars: number; fmtFaults: number; verifyProblems: number;
      /** User+system CPU ms of the same phases (includes V8's GC helper threads). */
      cpu: { lex: number; parseNoResolve: number; parse: number; fmt: number } }
  | { type: 'done'; maxRssKB: number }
  | { type: 'error'; message: string };

const [file, warmFile] = process.argv.slice(2);

// `fmt` verifies between parsing and printing. Loaded by a computed path so the
// benchmark still builds and runs (without that phase) if the verifier moves.
type Verify = (m: Module, f: SourceFile | null) => unknown[];
const VERIFY_JS = '../src/ir/verify.js';
let verify: Verify | null = null;
try {
  verify = ((await import(VERIFY_JS)) as { verifyModule?: Verify }).verifyModule ?? null;
} catch { /* no verifier in this build */ }
// Collecting the previous phase's garbage before each timed phase keeps one
// phase's GC debt out of the next one's time. Without --expose-gc: no-op.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function send(r: Reply): void {
  process.send!(r);
}

function load(path: string): SourceFile {
  let text = readFileSync(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(path, text);
}

function errorText(e: unknown): string {
  const d = (e as { diagnostics?: { message?: string }[] }).diagnostics;
  const msg = d?.[0]?.message ?? (e instanceof Error ? e.message : String(e));
  return msg.length > 300 ? `${msg.slice(0, 300)}...` : msg;
}

let src: SourceFile;
let warm: SourceFile | null = null;
try {
  src = load(file!);
  // Warm-up, not timed below: grammar construction (the first parse), one
  // small real module of the same dialect through every phase, then one parse
  // of the input itself. The first multi-megabyte parse in a process runs ~1.5x
  // slower than the next ones (heap growth, page faults, optimizing compiles of
  // the large-input paths); without this, whichever phase ran first in
  // repetition 1 would look slow.
  const t0 = performance.now();
  printModule(parseText('', '<empty>'));
  const t1 = performance.now();
  if (warmFile) {
    warm = load(warmFile);
    lexChunks(warm);
    recognizeOnly(warm);
    parseModule(warm, { noResolve: true });
    const wm = parseModule(warm);
    verify?.(wm, warm);
    printModule(wm);
  }
  parseModule(src, { noResolve: true });
  const t2 = performance.now();
  send({ type: 'ready', grammarMs: t1 - t0, warmMs: t2 - t1, warmFile: warmFile || null, verifier: verify !== null });
} catch (e) {
  send({ type: 'error', message: errorText(e) });
  process.exit(1);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function rep(): Reply {
  // Phase order matters to V8's heap sizing: a parse timed right after the
  // lexer (or after a gc() that follows it) pays an extra mark-compact and read
  // 10-20% slower than the same parse timed after another parse. An untimed
  // small parse first puts every repetition's first phase on the same footing.
  if (warm) parseModule(warm, { noResolve: true });
  gc();
  let c = process.cpuUsage();
  const t0 = performance.now();
  parseModule(src, { noResolve: true });
  const t1 = performance.now();
  const cParse0 = cpuMs(c);
  gc();
  const f2 = process.resourceUsage().minorPageFault;
  c = process.cpuUsage();
  const t2 = performance.now();
  const m = parseModule(src);
  const t3 = performance.now();
  const cParse = cpuMs(c);
  const verifyProblems = verify ? verify(m, src).length : 0;
  const t3v = performance.now();
  const out = printModule(m);
  const t4 = performance.now();
  const cFmt = cpuMs(c);
  const fmtFaults = process.resourceUsage().minorPageFault - f2;
  gc();
  c = process.cpuUsage();
  const t5 = performance.now();
  const tokens = lexChunks(src);
  const t6 = performance.now();
  const cLex = cpuMs(c);
  gc();
  const t7 = performance.now();
  recognizeOnly(src);
  const t8 = performance.now();
  return { type: 'rep', lexMs: t6 - t5, floorMs: t8 - t7, parseNoResolveMs: t1 - t0, parseMs: t3 - t2, verifyMs: t3v - t3, printMs: t4 - t3v,
    tokens, outChars: out.length, fmtFaults, verifyProblems,
    cpu: { lex: cLex, parseNoResolve: cParse0, parse: cParse, fmt: cFmt } };
}

process.on('message', (req: Request) => {
  if (req.type === 'rep') {
    try {
      send(rep());
    } catch (e) {
      send({ type: 'error', message: errorText(e) });
    }
  } else {
    send({ type: 'done', maxRssKB: process.resourceUsage().maxRSS });
    process.disconnect();
  }
});
// The parent went away (Ctrl-C, crash): do not linger holding a large heap.
process.on('disconnect', () => process.exit(0));
