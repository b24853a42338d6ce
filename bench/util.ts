// Helpers for bench.ts: timing external processes, statistics, formatting.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const TIME_BIN = '/usr/bin/time';
export const HAVE_TIME = existsSync(TIME_BIN);

export interface Run {
  ms: number;
  ok: boolean;
  /** Peak resident set size in KB (GNU time %M); null when not measurable. */
  rssKB: number | null;
  /** Minor (reclaiming) page faults (GNU time %R); null when not measurable. */
  minorFaults: number | null;
  /** User + system CPU time in ms (GNU time %U + %S, 10 ms resolution); null when not measurable. */
  cpuMs: number | null;
  /** First lines of stderr when the command failed. */
  error?: string;
  stdout?: string;
}

let tmpSeq = 0;

/**
 * Runs a command to completion and measures its wall time from the parent.
 * Standard output goes to /dev/null unless `captureStdout`. When GNU time is
 * installed the command runs under it (it adds one fork+exec, ~1 ms) so that
 * the child's RSS high-water mark can be read back.
 */
export function runTimed(cmd: string, args: string[], opts: { tmpDir: string; captureStdout?: boolean; measureRss?: boolean }): Run {
  const useTime = HAVE_TIME && opts.measureRss !== false;
  const rssFile = join(opts.tmpDir, `rss-${process.pid}-${tmpSeq++}.txt`);
  const argv = useTime ? ['-f', '%M %R %U %S', '-o', rssFile, cmd, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(useTime ? TIME_BIN : cmd, argv, {
    stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 15 * 60_000,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKB: number | null = null, minorFaults: number | null = null, cpuMs: number | null = null;
  if (useTime && existsSync(rssFile)) {
    // On failure GNU time writes "Command exited with non-zero status N" first.
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [m, f, u, sy] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    if (Number.isFinite(m) && m! > 0) rssKB = m!;
    if (Number.isFinite(f)) minorFaults = f!;
    if (Number.isFinite(u) && Number.isFinite(sy)) cpuMs = (u! + sy!) * 1000;
    rmSync(rssFile, { force: true });
  }
  const ok = !r.error && r.status === 0;
  const run: Run = { ms, ok, rssKB, minorFaults, cpuMs };
  if (!ok) {
    const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').slice(0, 2).join(' / ') || `exit status ${r.status}`;
    run.error = why.length > 200 ? `${why.slice(0, 200)}...` : why;
  }
  if (opts.captureStdout) run.stdout = r.stdout ?? '';
  return run;
}

/** First line of `cmd --version`-like output, or null when the command is missing. */
export function commandOutput(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function max(xs: number[]): number {
  return xs.length ? Math.max(...xs) : NaN;
}

/** Three significant digits, without exponent notation. */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** "12.3x slower" / "1.5x faster" for a time ratio ours/theirs. */
export function ratioText(ours: number, theirs: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || ours <= 0 || theirs <= 0) return 'n/a';
  const r = ours / theirs;
  return r >= 1 ? `${sig3(r)}x slower` : `${sig3(1 / r)}x faster`;
}

/** A Markdown pipe table, padded so that it also reads well in a terminal. */
export function table(head: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const w = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number) => (align[i] === 'l' ? s.padEnd(w[i]!) : s.padStart(w[i]!));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${w.map((n, i) => (align[i] === 'l' ? ` ${'-'.repeat(n)} ` : ` ${'-'.repeat(n - 1)}: `)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/**
 * Which LLVM can read a module: typed-pointer IR (`i8*`) is LLVM 14's dialect,
 * opaque `ptr` IR needs LLVM 19. Strings and comments are blanked first so that
 * C string contents such as "ptr" or "*" do not count.
 */
export function detectDialect(text: string): 'typed' | 'opaque' | 'none' {
  const code = text.replace(/"[^"\n]*"/g, '""').replace(/;[^\n]*/g, '');
  const typed = /[\w\]}>)]\*+[\s,)\]}>]/.test(code);
  if (typed) return 'typed';
  return /[\s(,[{<]ptr[\s,)\]}>]/.test(code) ? 'opaque' : 'none';
}
