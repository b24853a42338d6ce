// `check`: finding and running LLVM's interpreter / JIT. The module is run by
// an `lli` that reads its pointer dialect: LLVM <= 16 for typed pointers
// (`double*`), LLVM >= 15 for opaque ones (`ptr`), or LLVM 14 with
// `-opaque-pointers`. ENZYME_TS_LLI names the program to use instead.
import { spawn, spawnSync } from 'node:child_process';
import type { Module, PointerDialect } from '../ir/module.js';
import { MDString, MDTuple, type Metadata } from '../ir/metadata.js';

export interface Lli {
  cmd: string;
  /** Flags the dialect needs (`-opaque-pointers` for LLVM 14). */
  flags: string[];
  /** Major version, or null when `--version` did not say. */
  version: number | null;
}

const versionCache = new Map<string, number | null | undefined>();

/** Major LLVM version of `cmd`; undefined when it does not run at all. */
function llvmVersion(cmd: string): number | null | undefined {
  if (versionCache.has(cmd)) return versionCache.get(cmd);
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  let v: number | null | undefined;
  if (r.error) v = undefined;
  else {
    const m = /LLVM version (\d+)/.exec(`${r.stdout}${r.stderr}`);
    v = m ? Number(m[1]) : null;
  }
  versionCache.set(cmd, v);
  return v;
}

function flagsFor(dialect: PointerDialect, version: number | null): string[] {
  return dialect === 'opaque' && version === 14 ? ['-opaque-pointers'] : [];
}

/** Whether an `lli` of this version reads the dialect (unknown versions are given the benefit of the doubt). */
function reads(dialect: PointerDialect, version: number | null): boolean {
  if (version === null) return true;
  return dialect === 'typed' ? version <= 16 : version >= 14;
}

/**
 * The `lli` for a module of this dialect, or a description of what was tried.
 * Typed modules prefer LLVM 14 (the typed-pointer compilers of the corpus);
 * opaque modules prefer LLVM 19, then any newer, then an older one with the flag.
 */
export function findLli(dialect: PointerDialect, env: NodeJS.ProcessEnv = process.env, producer: number | null = null): Lli | string {
  const override = env.ENZYME_TS_LLI;
  if (override) {
    const v = llvmVersion(override);
    if (v === undefined) return `ENZYME_TS_LLI='${override}' does not run`;
    if (!reads(dialect, v)) return `ENZYME_TS_LLI='${override}' is LLVM ${v}, which cannot read ${dialect}-pointer IR`;
    return { cmd: override, flags: flagsFor(dialect, v), version: v };
  }
  // The LLVM of the compiler that produced the module reads its attributes
  // and spellings; a module of a newer compiler may use syntax LLVM 14 rejects
  // even when it has no pointers to tell its dialect by.
  const candidates = dialect === 'typed'
    ? ['lli-14', 'lli-15', 'lli-16', 'lli', 'lli-13']
    : ['lli-19', 'lli-20', 'lli-21', 'lli-22', 'lli-18', 'lli-17', 'lli', 'lli-16', 'lli-15', 'lli-14'];
  const modern = producer !== null && producer >= 17;
  if (modern) candidates.unshift(`lli-${producer}`, 'lli-19', 'lli-20', 'lli-21', 'lli-22');
  const seen: string[] = [];
  for (const cmd of candidates) {
    const v = llvmVersion(cmd);
    if (v === undefined) continue;
    seen.push(`${cmd} (LLVM ${v ?? '?'})`);
    // LLVM 17 and newer read both dialects (typed pointers are upgraded).
    const ok = modern ? v === null || v >= 17 : reads(dialect, v);
    if (ok) return { cmd, flags: flagsFor(dialect, v), version: v };
  }
  const want = dialect === 'typed' ? 'LLVM 14, 15 or 16 (typed pointers)' : 'LLVM 14 or newer';
  return `no lli for ${want} on the PATH${seen.length ? `; found ${seen.join(', ')}` : ''}; set ENZYME_TS_LLI`;
}

/** The major version of the clang that produced the module (`!llvm.ident`), if it says. */
export function producerVersion(m: Module): number | null {
  for (const d of m.metadata) {
    const walk = (md: Metadata): number | null => {
      if (md instanceof MDString) { const r = /clang version (\d+)/.exec(md.text); return r ? Number(r[1]) : null; }
      if (md instanceof MDTuple) for (const e of md.elems) { if (e) { const v = walk(e); if (v !== null) return v; } }
      return null;
    };
    const v = walk(d.node);
    if (v !== null) return v;
  }
  return null;
}

export interface LliRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Spawn failure or timeout. */
  error: string | null;
}

/** Runs `text` (a whole module) under `lli`, starting at `entry`. Asynchronous, so that several checks can run at once in one process. */
export function runLli(lli: Lli, text: string, entry: string, timeoutMs: number): Promise<LliRun> {
  return new Promise((resolve) => {
    const child = spawn(lli.cmd, [...lli.flags, `--entry-function=${entry}`, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: string | null = null;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.on('error', () => { /* lli exited early: its stderr says why */ });
    child.on('error', (e) => { spawnError = e.message; });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({
        status, signal, stdout, stderr,
        error: timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : spawnError,
      });
    });
    child.stdin.end(text);
  });
}
