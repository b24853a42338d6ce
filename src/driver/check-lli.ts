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
export function findLli(dialect: PointerDialect, env: NodeJS.ProcessEnv = process.env, producer: number | null = null, minVersion = 0): Lli | string {
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
  const need = Math.max(minVersion, producer ?? 0);
  // Typed modules: an LLVM 17 or newer last (it reads typed pointers too, upgraded), for syntax
  // that LLVM 14 does not know when no LLVM 15 or 16 is installed.
  const candidates = dialect === 'typed' && need < 17
    ? ['lli-14', 'lli-15', 'lli-16', 'lli', 'lli-13', 'lli-19', 'lli-20', 'lli-21', 'lli-22', 'lli-23', 'lli-18', 'lli-17']
    : ['lli-19', 'lli-20', 'lli-21', 'lli-22', 'lli-23', 'lli-18', 'lli-17', 'lli', 'lli-16', 'lli-15', 'lli-14'];
  const modern = need >= 17;
  if (modern) candidates.unshift(`lli-${need}`, 'lli-19', 'lli-20', 'lli-21', 'lli-22', 'lli-23');
  const seen: string[] = [];
  const runnable: Lli[] = [];
  for (const cmd of candidates) {
    if (seen.some((s) => s.startsWith(`${cmd} `))) continue;
    const v = llvmVersion(cmd);
    if (v === undefined) continue;
    seen.push(`${cmd} (LLVM ${v ?? '?'})`);
    // LLVM 17 and newer read both dialects (typed pointers are upgraded).
    const ok = modern ? v === null || v >= 17 : reads(dialect, v) || (v !== null && v >= 17);
    const lli = { cmd, flags: flagsFor(dialect, v), version: v };
    if (ok && (v === null || v >= need)) return lli;
    if (ok || (modern && v !== null && reads(dialect, v))) runnable.push(lli);
  }
  // None is new enough: the newest one that reads the dialect, so that the caller can say which LLVM is missing.
  if (runnable.length) return runnable.reduce((a, b) => ((b.version ?? 0) > (a.version ?? 0) ? b : a));
  const want = dialect === 'typed' ? 'LLVM 14, 15 or 16 (typed pointers)' : 'LLVM 14 or newer';
  return `no lli for ${want} on the PATH${seen.length ? `; found ${seen.join(', ')}` : ''}; set ENZYME_TS_LLI`;
}

/** Syntax that an LLVM older than `llvm` rejects, as it appears in printed IR (outside strings and comments). */
const NEWER_SYNTAX: readonly { llvm: number; what: string; re: RegExp }[] = [
  { llvm: 22, what: 'the nocreateundeforpoison attribute', re: /(?<![%@$.\w-])nocreateundeforpoison\b/ },
  { llvm: 22, what: 'target_mem in memory(...)', re: /(?<![%@$.\w-])target_mem\d+:/ },
  { llvm: 22, what: 'llvm.lifetime markers without a size', re: /@llvm\.lifetime\.(?:start|end)\.p0\(ptr\b/ },
  { llvm: 21, what: 'the captures(...) attribute', re: /(?<![%@$.\w-])captures\(/ },
  { llvm: 21, what: 'errnomem in memory(...)', re: /(?<![%@$.\w-])errnomem:/ },
  { llvm: 20, what: 'the samesign flag of icmp', re: /(?<![%@$.\w-])icmp samesign\b/ },
  { llvm: 19, what: 'debug records (#dbg_...)', re: /^\s*#dbg_\w+\(/ },
  { llvm: 19, what: 'getelementptr nuw / nusw', re: /(?<![%@$.\w-])getelementptr (?:inbounds )?(?:nuw|nusw)\b/ },
  { llvm: 19, what: 'trunc nuw / nsw', re: /(?<![%@$.\w-])trunc (?:nuw|nsw)\b/ },
  { llvm: 19, what: 'splat (...) constants', re: /(?<![%@$.\w-])splat \(/ },
  { llvm: 19, what: 'the initializes attribute', re: /(?<![%@$.\w-])initializes\(\(/ },
  { llvm: 19, what: 'the range(...) attribute', re: /(?<![%@$.\w-])range\(i\d+ / },
  { llvm: 18, what: 'the nneg flag', re: /\b(?:zext|uitofp) nneg\b/ },
  { llvm: 18, what: 'the disjoint flag of or', re: /(?<![%@$.\w-])or disjoint\b/ },
  { llvm: 18, what: 'the writable / dead_on_unwind attributes', re: /\b(?:writable|dead_on_unwind)\b/ },
  { llvm: 17, what: 'the nofpclass attribute', re: /(?<![%@$.\w-])nofpclass\(/ },
  { llvm: 16, what: 'the memory(...) attribute', re: /(?<![%@$.\w-])memory\((?:none|read|write|readwrite|argmem|inaccessiblemem)/ },
  { llvm: 15, what: 'the allockind attribute', re: /(?<![%@$.\w-])allockind\("/ },
  { llvm: 15, what: 'module flag behaviour 8 (Min)', re: /^!\d+ = !\{i32 8, !"/ },
];

/** A line without its comment and string contents (quotes kept), so that syntax is not matched inside text. */
function codeOf(line: string): string {
  let out = '';
  let inStr = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k]!;
    if (inStr) { if (c === '"') { inStr = false; out += c; } continue; }
    if (c === '"') { inStr = true; out += c; continue; }
    if (c === ';') break;
    out += c;
  }
  return out;
}

export interface NewSyntax {
  /** The oldest LLVM that reads all of the module. */
  llvm: number;
  /** What needs it, for messages. */
  what: string;
  /** The line of `text` where it first appears (1-based). */
  line: number;
}

/** The newest syntax `text` (printed IR) uses, or null when LLVM 14 reads all of it. */
export function requiredLlvm(text: string): NewSyntax | null {
  let best: NewSyntax | null = null;
  const lines = text.split('\n');
  const quick = /nocreateundef|target_mem|lifetime|captures|errnomem|samesign|#dbg_|nuw|nusw|nsw|splat|initializes|range\(|nneg|disjoint|writable|dead_on_unwind|nofpclass|memory\(|allockind|i32 8,/;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (!quick.test(raw)) continue;
    const line = codeOf(raw);
    for (const f of NEWER_SYNTAX) {
      if (best && f.llvm <= best.llvm) break;
      if (f.re.test(line)) { best = { llvm: f.llvm, what: f.what, line: n + 1 }; break; }
    }
  }
  return best;
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
