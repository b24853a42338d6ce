// A worker thread: generates one program at a time and runs it through every configuration.
import { parentPort } from 'node:worker_threads';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { generateProgram } from './program.js';
import { renderProgram } from './checker.js';
import { CONFIGS, BUG_OUTCOMES, commands, ensureDir, runConfig, rustToolchain, type Config, type RunResult, type RustToolchain } from './runner.js';

export interface Task {
  id: string;
  seed: number;
  configs: string[];
  /** The configurations of a Rust program (generator 6). */
  rustConfigs: string[];
  /** Names of configurations also run under lli. */
  lli: string[];
  keep: string | null;
  keepRefused: boolean;
  weights: Record<string, number>;
  version: number;
  cli: boolean;
  timeoutMs: number;
}

export type WorkerMsg =
  | { kind: 'result'; id: string; result: RunResult }
  | { kind: 'done'; id: string; tags: string[]; lang: string; hasFloat: boolean; kept: string | null }
  | { kind: 'error'; id: string; message: string };

const base = ensureDir(join(tmpdir(), `fuzz-grad-${process.pid}`));

/** What a worker finds once: the Rust toolchain. */
export interface WorkerEnv { rust?: RustToolchain | { error: string } }

export function runTask(t: Task, post: (m: WorkerMsg) => void, env: WorkerEnv = {}): void {
  const p = generateProgram(t.seed, t.id, { weights: t.weights, version: t.version });
  const dir = ensureDir(join(base, t.id));
  const rust = p.lang === 'rust';
  const ext = p.lang === 'cpp' ? 'cpp' : p.lang === 'rust' ? 'rs' : 'c';
  const src = `prog.${ext}`;
  const srcs = renderProgram(p);
  writeFileSync(join(dir, src), srcs.test);
  writeFileSync(join(dir, `check.${rust ? 'c' : ext}`), srcs.check);
  if (srcs.glue) writeFileSync(join(dir, 'glue.c'), srcs.glue);
  if (rust && !env.rust) env.rust = rustToolchain();
  let keepIt = false;
  const lines: string[] = [];
  const runs: [Config, RunResult][] = [];
  for (const name of rust ? t.rustConfigs : t.configs) {
    const cfg = CONFIGS[name]!;
    const r = runConfig(dir, src, p.lang, cfg, t.id, { cli: t.cli, timeoutMs: t.timeoutMs, ...(env.rust ? { rust: env.rust } : {}) });
    runs.push([cfg, r]);
    post({ kind: 'result', id: t.id, result: r });
    if (!rust && t.lli.includes(name) && r.outcome !== 'refused' && r.outcome !== 'gen-error' && r.outcome !== 'internal' && r.outcome !== 'tool-error') {
      const lcfg = { ...cfg, lli: true };
      const r2 = runConfig(dir, src, p.lang, lcfg, t.id, { cli: t.cli, timeoutMs: t.timeoutMs });
      runs.push([lcfg, r2]);
      post({ kind: 'result', id: t.id, result: r2 });
    }
  }
  for (const [cfg, r] of runs) {
    if (BUG_OUTCOMES.has(r.outcome) || (t.keepRefused && r.outcome === 'refused')) {
      keepIt = true;
      lines.push(`# ${cfg.name}${cfg.lli ? ' (lli)' : ''}: ${r.outcome} ${r.code ?? ''}`, ...commands(cfg, p.lang), '', ...(r.detail ? [r.detail.split('\n').map((l) => `#   ${l}`).join('\n'), ''] : []));
    }
  }
  let kept: string | null = null;
  if (keepIt && t.keep) {
    kept = join(t.keep, t.id);
    writeFileSync(join(dir, 'cmd.txt'), `# fuzz-grad program ${t.id} (generator ${t.version}, seed ${t.seed}); tags: ${p.tags.join(' ')}\n${lines.join('\n')}\n`);
    cpSync(dir, kept, { recursive: true });
  }
  rmSync(dir, { recursive: true, force: true });
  post({ kind: 'done', id: t.id, tags: p.tags, lang: p.lang, hasFloat: p.hasFloat, kept });
}

if (parentPort) {
  const port = parentPort;
  const env: WorkerEnv = {};
  port.on('message', (t: Task) => {
    try {
      runTask(t, (m) => port.postMessage(m), env);
    } catch (e) {
      port.postMessage({ kind: 'error', id: t.id, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) } satisfies WorkerMsg);
    }
  });
}
