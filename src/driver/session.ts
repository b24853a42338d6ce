// What every command shares about its own output on standard error: how diagnostics are
// rendered (text or JSON, colored or not), the progress line on a terminal, and the time
// report of `--time`. The CLI builds one Session per run from the options and the
// environment; drivers called without one (tests, the docs tool) get a quiet default.
import type { Diagnostic } from '../diag/diagnostic.js';
import { renderAll, type DiagnosticsFormat } from '../diag/render.js';
import { safeLines, safeText } from '../diag/safe.js';

export type ColorWhen = 'auto' | 'always' | 'never';

export interface OutputSettings {
  color: boolean;
  format: DiagnosticsFormat;
}

/** Whether `FORCE_COLOR` asks for color: set and not `0` / `false` (Node's and chalk's reading). */
function forced(env: NodeJS.ProcessEnv): boolean | null {
  const v = env.FORCE_COLOR;
  if (v === undefined) return null;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/**
 * Color of diagnostics: `--color=always|never` wins; with `auto` (the default) `FORCE_COLOR`
 * decides when it is set (`0` or `false`: no color), then a non-empty `NO_COLOR` turns color
 * off, and otherwise standard error being a terminal turns it on. A terminal that calls
 * itself `dumb` gets no color.
 */
export function colorEnabled(when: ColorWhen, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  const f = forced(env);
  if (f !== null) return f;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** Elapsed wall time per stage, for `--time` (the way `clang -ftime-report` prints it). */
export class StageTimer {
  private readonly stages: { name: string; ms: number }[] = [];
  private readonly t0 = performance.now();
  add(name: string, ms: number): void {
    const s = this.stages.find((x) => x.name === name);
    if (s) s.ms += ms; else this.stages.push({ name, ms });
  }
  report(): string {
    const total = performance.now() - this.t0;
    const rows = this.stages.map((s) => {
      const pct = total > 0 ? (100 * s.ms) / total : 0;
      return `  ${(s.ms / 1000).toFixed(4).padStart(9)} s  ${pct.toFixed(1).padStart(5)}%  ${s.name}`;
    });
    const other = Math.max(0, total - this.stages.reduce((a, s) => a + s.ms, 0));
    rows.push(`  ${(other / 1000).toFixed(4).padStart(9)} s  ${(total > 0 ? (100 * other) / total : 0).toFixed(1).padStart(5)}%  (start-up, option parsing, other)`);
    return ['===--- enzyme-ts time report (wall clock) ---===', ...rows, `  ${(total / 1000).toFixed(4).padStart(9)} s  100.0%  total`, ''].join('\n');
  }
}

/**
 * A one-line status on standard error (`enzyme-ts: parsing big.ll: 4.1 of 15.8 MB`) shown
 * only on a terminal, only once the run has taken more than a second, at most ten times a
 * second, and erased before anything else is written.
 */
export class Progress {
  private shown = false;
  private lastDraw = 0;
  private readonly t0 = performance.now();
  constructor(private readonly enabled: boolean, private readonly write: (s: string) => void, private readonly delayMs = 1000, private readonly intervalMs = 100) {}

  update(text: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.t0 < this.delayMs || (this.shown && now - this.lastDraw < this.intervalMs)) return;
    this.lastDraw = now;
    const cols = process.stderr.columns ?? 80;
    const line = `enzyme-ts: ${safeText(text)}`;
    this.write(`\r${line.length >= cols ? line.slice(0, Math.max(1, cols - 1)) : line}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[K');
    this.shown = false;
  }
}

function megabytes(n: number): string {
  return (n / 1e6).toFixed(1);
}

export interface SessionOptions extends OutputSettings {
  quiet?: boolean;
  time?: boolean;
  /** Standard error is a terminal (progress is shown only there). */
  tty?: boolean;
  /** Where status, warnings and reports go (standard error). */
  write?: (s: string) => void;
  /** How long a run goes before the progress line appears (default one second), and at most how often it is redrawn (default 100 ms). */
  progressDelayMs?: number;
  progressIntervalMs?: number;
}

export class Session {
  readonly color: boolean;
  readonly format: DiagnosticsFormat;
  readonly timer: StageTimer | null;
  readonly progress: Progress;
  private readonly write: (s: string) => void;

  constructor(o: SessionOptions) {
    this.color = o.color;
    this.format = o.format;
    this.write = o.write ?? ((s) => { process.stderr.write(s); });
    this.timer = o.time ? new StageTimer() : null;
    this.progress = new Progress(!!o.tty && !o.quiet && o.format === 'text', this.write, o.progressDelayMs ?? 1000, o.progressIntervalMs ?? 100);
  }

  /** Runs one stage of the command: shows its label on the progress line, times it for `--time`. */
  stage<T>(name: string, label: string, run: () => T): T {
    if (label) this.progress.update(label);
    const t = performance.now();
    try {
      return run();
    } finally {
      this.timer?.add(name, performance.now() - t);
    }
  }

  /** A progress callback for parsing `name` (`done` of `total` characters). */
  parseProgress(name: string): (done: number, total: number) => void {
    return (done, total) => this.progress.update(`parsing ${name}: ${megabytes(done)} of ${megabytes(total)} MB`);
  }

  /** Writes text to standard error (perf and debug reports), below any progress line; what comes from the input is shown escaped. */
  stderr(text: string): void {
    this.progress.clear();
    this.write(safeLines(text));
  }

  /** Renders diagnostics (warnings, or the errors that end the run). */
  report(ds: readonly Diagnostic[]): void {
    if (!ds.length) return;
    this.stderr(renderAll(ds, { color: this.color, format: this.format }));
  }

  /** Erases the progress line and prints the time report, at the end of the run. */
  finish(): void {
    this.progress.clear();
    if (this.timer) this.write(this.timer.report());
  }
}

/** The session of a driver called without one: plain text, no color, no progress. */
export function quietSession(): Session {
  return new Session({ color: false, format: 'text', quiet: true });
}
