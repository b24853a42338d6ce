// Examples in the docs come from real runs. A block written as
//
//     <!-- run: examples -->
//     ```console
//     $ enzyme-ts grad dot.ll -f dot --args dup,dup
//     (output, filled in)
//     ```
//
// is re-run by `npm run docs`: its `$` commands run in a copy of the named folder (or of an
// example of the diagnostics table: `table:E0402#0`), and the block is rewritten with what
// they printed. `enzyme-ts` commands run in this process (fast: no Node start-up per
// command); anything else (`cat`, `clang`, pipes) in bash, where `enzyme-ts` runs
// bin/enzyme-ts.js. test/docs/examples.test.ts fails when a block no longer matches.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODE_DOCS, type CodeExample } from '../diag/explain.js';
import type { Code } from '../diag/codes.js';
import { main } from '../cli/main.js';

export interface Block {
  /** Where the marker line starts and the closing fence ends, in the markdown text. */
  start: number;
  end: number;
  where: string;
  commands: string[];
  text: string;
}

const MARKER = /^<!-- run: (\S+) -->\n```console\n([\s\S]*?)^```$/gm;

export function findBlocks(md: string): Block[] {
  const out: Block[] = [];
  for (const m of md.matchAll(MARKER)) {
    const commands = m[2]!.split('\n').filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
    out.push({ start: m.index!, end: m.index! + m[0].length, where: m[1]!, commands, text: m[0] });
  }
  return out;
}

export function renderBlock(where: string, console: string): string {
  return `<!-- run: ${where} -->\n\`\`\`console\n${console}\`\`\``;
}

/** The example `k` of a diagnostic code: `table:E0402#1`. */
export function tableExample(where: string): CodeExample | null {
  const m = /^table:(E\d{4})#(\d+)$/.exec(where);
  if (!m) return null;
  return CODE_DOCS[m[1] as Code]?.examples?.[Number(m[2])] ?? null;
}

/** The text of a file named by an example: inline, a file of the repository, or `table:CODE:name` (a file of another example). */
function exampleFile(root: string, v: string | { from: string }): string {
  if (typeof v === 'string') return v;
  const t = /^table:(E\d{4}):(.+)$/.exec(v.from);
  if (t) {
    for (const ex of CODE_DOCS[t[1] as Code]?.examples ?? []) {
      const f = ex.files[t[2]!];
      if (typeof f === 'string') return f;
    }
    throw new Error(`docs: no file ${v.from}`);
  }
  return readFileSync(join(root, v.from), 'utf8');
}

/** A folder holding what the block's commands need: a copy of a repository folder, or an example's files. */
function prepare(root: string, where: string, into: string): void {
  const ex = tableExample(where);
  if (ex) {
    for (const [name, v] of Object.entries(ex.files)) writeFileSync(join(into, name), exampleFile(root, v));
    return;
  }
  if (where === '.') return;
  const src = join(root, where);
  if (!statSync(src).isDirectory()) throw new Error(`docs: ${where} is not a folder`);
  cpSync(src, into, { recursive: true });
}

/** `a 'b c' "d"` -> words; null when the command needs a shell (pipes, redirections, substitutions). */
function words(cmd: string): string[] | null {
  if (/[|<>;&`]|\$\(|\$\w|\*|\?/.test(cmd.replace(/'[^']*'/g, "''").replace(/"[^"$`]*"/g, '""'))) return null;
  const out: string[] = [];
  let cur = '';
  let any = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === "'") { const j = cmd.indexOf("'", i + 1); if (j < 0) return null; cur += cmd.slice(i + 1, j); i = j; any = true; continue; }
    if (c === '"') { const j = cmd.indexOf('"', i + 1); if (j < 0) return null; cur += cmd.slice(i + 1, j); i = j; any = true; continue; }
    if (c === '\\') { cur += cmd[i + 1] ?? ''; i++; any = true; continue; }
    if (c === ' ') { if (any) { out.push(cur); cur = ''; any = false; } continue; }
    cur += c;
    any = true;
  }
  if (any) out.push(cur);
  return out;
}

/** The variables a run sees: no colors, no terminal, none of the tool's switches from the caller's shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(ENZYME_|FORCE_COLOR$|NO_COLOR$|npm_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `enzyme-ts ARGS` in this process with `env`, in `cwd`; returns what it printed (stdout and stderr in order) and its exit code. */
async function runInProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ out: string; code: number }> {
  let out = '';
  const saved = { cwd: process.cwd(), env: process.env, out: process.stdout.write, err: process.stderr.write };
  const capture = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown): boolean => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  process.chdir(cwd);
  process.env = env;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    const code = await main(['node', 'enzyme-ts', ...args]);
    return { out, code };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.env = saved.env;
    process.chdir(saved.cwd);
  }
}

export interface Runner {
  root: string;
  /** A folder with an `enzyme-ts` command for bash. */
  bin: string;
  dispose(): void;
}

export function makeRunner(root: string): Runner {
  const bin = mkdtempSync(join(tmpdir(), 'enzyme-ts-docs-bin-'));
  writeFileSync(join(bin, 'enzyme-ts'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'bin', 'enzyme-ts.js')}" "$@"\n`);
  chmodSync(join(bin, 'enzyme-ts'), 0o755);
  return { root, bin, dispose: () => rmSync(bin, { recursive: true, force: true }) };
}

/** Runs a block's commands and returns the console text: each `$ command`, then what it printed. */
export async function runBlock(r: Runner, where: string, commands: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-docs-'));
  try {
    prepare(r.root, where, dir);
    let text = '';
    let last = 0;
    for (const cmd of commands) {
      text += `$ ${cmd}\n`;
      let out: string;
      if (cmd === 'echo $?') {
        out = `${last}\n`;
      } else {
        const w = words(cmd);
        const assigns: Record<string, string> = { NO_COLOR: '1' };
        let k = 0;
        while (w && k < w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[k]!)) { const [n, ...v] = w[k]!.split('='); assigns[n!] = v.join('='); k++; }
        if (w && w[k] === 'enzyme-ts') {
          const res = await runInProcess(w.slice(k + 1), dir, cleanEnv(assigns));
          out = res.out;
          last = res.code;
        } else {
          const env = cleanEnv({ NO_COLOR: '1', PATH: `${r.bin}:${process.env.PATH ?? ''}` });
          const res = spawnSync('bash', ['-c', `(${cmd}) 2>&1`], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
          out = res.stdout ?? '';
          last = res.status ?? 1;
        }
      }
      text += out.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').replace(/\n*$/, '\n').replace(/^\n$/, '');
    }
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The markdown with every run block re-run; `changed` lists the blocks whose text differs. */
export async function refresh(r: Runner, md: string): Promise<{ text: string; changed: { where: string; commands: string[]; was: string; now: string }[] }> {
  const blocks = findBlocks(md);
  let text = '';
  let at = 0;
  const changed: { where: string; commands: string[]; was: string; now: string }[] = [];
  for (const b of blocks) {
    const now = renderBlock(b.where, await runBlock(r, b.where, b.commands));
    text += md.slice(at, b.start) + now;
    at = b.end;
    if (now !== b.text) changed.push({ where: b.where, commands: b.commands, was: b.text, now });
  }
  text += md.slice(at);
  return { text, changed };
}

export function ensureDir(p: string): void {
  mkdirSync(dirname(p), { recursive: true });
}
