// The gradient proof corpus (fixtures/grad/): every module clang 14 and clang 19 made from
// fixtures/grad/src/*.c, checked with `enzyme-ts check` at each `// CHECK:` line of its source
// (the derivative against central finite differences, run by lli). Needs dist/ (`npm test`
// builds it first) and lli / lli-19; clang 19 modules are skipped without lli-19.
// About 650 checks, two at a time by default: ENZYME_TS_GRAD_JOBS=N runs N at once (vitest's
// maxConcurrency caps it), ENZYME_TS_GRAD_FILTER=REGEX keeps only the checks whose name
// (`clang19/dot.O2.ll: -f dot --args ...`) matches.
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';

const BIN = join(ROOT, 'bin', 'enzyme-ts.js');
const GRAD = join(ROOT, 'fixtures', 'grad');
const SRC = join(GRAD, 'src');
/** Checks running at once: each one is a node process plus lli runs. */
const POOL = Math.max(1, Number(process.env.ENZYME_TS_GRAD_JOBS ?? '2') || 2);
const FILTER = process.env.ENZYME_TS_GRAD_FILTER ? new RegExp(process.env.ENZYME_TS_GRAD_FILTER) : null;
const TIMEOUT = 180_000;

/** Splits a command line like a POSIX shell does for words: blanks separate words, single
 * quotes keep everything literally, double quotes keep blanks (backslash escapes `"`, `\`, `$`
 * and a backquote), a backslash outside quotes escapes the next character. Adjacent quoted and
 * unquoted parts join into one word. No expansions. */
function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in: ${line}`);
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        cur += line[i];
        i++;
      }
      if (i >= line.length) throw new Error(`unterminated double quote in: ${line}`);
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** `--at` values: top-level comma-separated, arrays in brackets. */
function atValues(at: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of at) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

interface Check { line: string; args: string[]; fn: string }

/** The `// CHECK: ...` lines of a source, as argument vectors for `enzyme-ts check`. */
function checksOf(source: string): Check[] {
  const out: Check[] = [];
  for (const m of readFileSync(join(SRC, source), 'utf8').matchAll(/^\/\/ CHECK: (.*)$/gm)) {
    const line = m[1]!.trim();
    const args = shellSplit(line);
    const f = args.indexOf('-f');
    out.push({ line, args, fn: f >= 0 ? args[f + 1] ?? '' : '' });
  }
  return out;
}

interface Module { config: 'clang14' | 'clang19'; file: string; path: string; source: string }

function modules(): Module[] {
  const out: Module[] = [];
  for (const config of ['clang14', 'clang19'] as const) {
    const dir = join(GRAD, config);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.ll')) continue;
      const name = file.replace(/\.O[0-3]\.ll$/, '');
      out.push({ config, file, path: join(dir, file), source: `${name}.c` });
    }
  }
  return out;
}

// --------------------------------------------------------------- pool ----
let running = 0;
const waiting: (() => void)[] = [];
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

interface Result { code: number | null; signal: string | null; stdout: string; stderr: string }

function cli(args: string[]): Promise<Result> {
  return withSlot(() => new Promise<Result>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, TIMEOUT - 10_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  }));
}

// -------------------------------------------------------------- tests ----
const ALL = modules();
const HAS_LLI: Record<Module['config'], boolean> = { clang14: hasTool('lli'), clang19: hasTool('lli-19') };

describe('the corpus is well formed', () => {
  test('every module has a source with CHECK lines that fit its function', () => {
    expect(ALL.length).toBeGreaterThan(0);
    for (const m of ALL) {
      expect(existsSync(join(SRC, m.source)), `${m.config}/${m.file}: no src/${m.source}`).toBe(true);
      const checks = checksOf(m.source);
      expect(checks.length, `src/${m.source} has no CHECK line`).toBeGreaterThan(0);
      const ir = readFileSync(m.path, 'utf8');
      for (const c of checks) {
        expect(c.fn, `no -f in: ${c.line}`).not.toBe('');
        expect(ir, `${m.config}/${m.file} does not define @${c.fn}`).toMatch(new RegExp(`^define [^\\n]*@${c.fn}\\(`, 'm'));
        const acts = c.args[c.args.indexOf('--args') + 1] ?? '';
        const at = c.args.indexOf('--at');
        if (at >= 0) expect(atValues(c.args[at + 1] ?? '').length, c.line).toBe(acts.split(',').length);
      }
    }
  });

  test('the splitter reads CHECK lines like a shell', () => {
    expect(shellSplit("-f dot --args dup,dup,const --at '[1 2 3 4],[0.5 0.25 1 2],4'"))
      .toEqual(['-f', 'dot', '--args', 'dup,dup,const', '--at', '[1 2 3 4],[0.5 0.25 1 2],4']);
    expect(shellSplit(`a  'b c'd "e \\" f" g\\ h`)).toEqual(['a', 'b cd', 'e " f', 'g h']);
    expect(shellSplit("x ''")).toEqual(['x', '']);
  });
});

for (const config of ['clang14', 'clang19'] as const) {
  const mods = ALL.filter((m) => m.config === config);
  describe.skipIf(!HAS_LLI[config]).concurrent(`enzyme-ts check on ${config} output`, () => {
    for (const m of mods) {
      for (const c of checksOf(m.source)) {
        const name = `${config}/${m.file}: ${c.line}`;
        if (FILTER && !FILTER.test(name)) continue;
        test(name, async () => {
          const rel = `fixtures/grad/${config}/${m.file}`;
          const r = await cli(['check', rel, ...c.args]);
          const shown = `$ enzyme-ts check ${rel} ${c.line}\nexit ${String(r.code)}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
          expect(r.code, shown).toBe(0);
        }, TIMEOUT);
      }
    }
  });
}
