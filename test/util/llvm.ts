// Running LLVM's own tools from tests: the reference the project is checked against.
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = join(ROOT, 'fixtures', 'corpus');

export type LLVMVersion = 14 | 19;

export function tool(name: string, v: LLVMVersion): string {
  return v === 14 ? name : `${name}-19`;
}

export function hasTool(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs a command with `input` on stdin (no shell). */
export function run(cmd: string, args: string[], input: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin!.on('error', () => { /* tool exited early: its stderr says why */ });
    child.stdin!.end(input);
  });
}

/** LLVM's canonical text for a module: `opt -S` reads, verifies and prints it (like llvm-as | llvm-dis). */
export async function canonical(text: string, v: LLVMVersion): Promise<RunResult> {
  return run(tool('opt', v), ['-S', '-o', '-'], text);
}

export interface CorpusFile { config: string; name: string; path: string; text: () => string }

export function corpusFiles(filter: (config: string) => boolean): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const config of readdirSync(CORPUS).sort()) {
    if (config.includes('.') || !filter(config)) continue;
    for (const name of readdirSync(join(CORPUS, config)).sort()) {
      if (!name.endsWith('.ll')) continue;
      const path = join(CORPUS, config, name);
      out.push({ config, name, path, text: () => readFileSync(path, 'utf8') });
    }
  }
  return out;
}
