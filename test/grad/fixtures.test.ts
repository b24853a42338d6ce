// The gradient proof corpus (fixtures/grad/): every module clang 14 and clang 19 made from
// fixtures/grad/src/*.c, checked with `enzyme-ts check` at each `// CHECK:` line of its source
// (the derivative against central finite differences, run by lli). Needs dist/ (`npm test`
// builds it first) and lli / lli-19; clang 19 modules are skipped without lli-19.
// About 650 checks, three at a time by default: ENZYME_TS_GRAD_JOBS=N runs N at once (vitest's
// maxConcurrency caps it), ENZYME_TS_GRAD_FILTER=REGEX keeps only the checks whose name
// (`clang19/dot.O2.ll: -f dot --args ...`) matches.
import { describe, expect, test } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/driver/check.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { shellSplit } from '../util/shell.js';

const GRAD = join(ROOT, 'fixtures', 'grad');
const SRC = join(GRAD, 'src');
/** Checks running at once (each runs one lli process). */
const POOL = Math.max(1, Number(process.env.ENZYME_TS_GRAD_JOBS ?? '3') || 3);
const FILTER = process.env.ENZYME_TS_GRAD_FILTER ? new RegExp(process.env.ENZYME_TS_GRAD_FILTER) : null;
const TIMEOUT = 180_000;

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

/**
 * `enzyme-ts check` in this process (runCheck is what the CLI calls): a node
 * process per check would cost more than the check itself. lli runs are
 * asynchronous, so POOL checks overlap.
 */
function cli(args: string[]): Promise<Result> {
  return withSlot(async () => {
    const [cmd, input, ...rest] = args;
    if (cmd !== 'check' || input === undefined) throw new Error(`not a check: ${args.join(' ')}`);
    const opts: CheckOptions = { input: join(ROOT, input), fn: '' };
    for (let k = 0; k < rest.length; k += 2) {
      const flag = rest[k]!;
      const v = rest[k + 1];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      switch (flag) {
        case '-f': case '--fn': opts.fn = v; break;
        case '--args': opts.args = v; break;
        case '--ret': opts.ret = v; break;
        case '--at': opts.at = v; break;
        case '--seed': opts.seed = v; break;
        case '--tol': opts.tol = v; break;
        case '--len': opts.len = v; break;
        default: throw new Error(`unknown check option ${flag}`);
      }
    }
    let stdout = '';
    opts.out = (t) => { stdout += t; };
    try {
      const code = await runCheck(opts);
      return { code, signal: null, stdout, stderr: '' };
    } catch (e) {
      if (e instanceof DiagnosticError) return { code: e.exitCode, signal: null, stdout, stderr: renderAll(e.diagnostics, { color: false }) };
      return { code: 3, signal: null, stdout, stderr: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  });
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
