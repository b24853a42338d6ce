// Memory of derivatives (fixtures/leaks/): self-checking C and C++ programs that take a gradient
// hundreds of times through `__enzyme_autodiff` / `__enzyme_augmentfwd` + `__enzyme_reverse`,
// over functions that allocate heap memory (malloc, realloc, operator new, std::vector,
// allocation in one function and free in another, linked lists, batched lanes). Each is compiled
// by clang 14 and 19 at -O0 and -O2, lowered in this process, built natively and run under
// valgrind: it must print `ok` (gradients against finite differences), report no invalid access,
// and end with every heap block freed (the shadows and tapes of every call included).
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, hasTool } from '../util/llvm.js';
import { parseModuleLazy } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { verifyFunction, verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import { lowerModule } from '../../src/lower/lower.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';

const DIR = join(ROOT, 'fixtures', 'leaks');
const TMP = mkdtempSync(join(tmpdir(), 'enzyme-ts-leaks-'));
const VERSIONS = [14, 19].filter((v) => hasTool(`clang-${v}`) && hasTool(`clang++-${v}`));
const HAVE_VALGRIND = hasTool('valgrind');
const POOL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try { return await fn(); } finally { running--; waiting.shift()?.(); }
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 300_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

function lower(path: string): string {
  const file = new SourceFile(path, readFileSync(path, 'utf8'));
  const m = parseModuleLazy(file, { verify: (f) => verifyFunction(f, file) }).module;
  try {
    lowerModule(m, file);
  } catch (e) {
    if (e instanceof DiagnosticError) throw new Error(renderAll(e.diagnostics, { color: false }));
    throw e;
  }
  const problems = verifyModule(m, null);
  if (problems.length) throw new Error(`invalid IR after lowering: ${problems[0]!.message}`);
  return printModule(m, { file });
}

const sources = readdirSync(DIR).filter((f) => /\.(c|cpp)$/.test(f)).sort();
// CI: every program at -O2 with both compilers, at -O0 with one of them (alternating);
// ENZYME_TS_LEAKS_ALL=1 runs every combination.
const ALL = process.env.ENZYME_TS_LEAKS_ALL === '1';

describe('the leak corpus', () => {
  test('has C and C++ programs', () => {
    expect(sources.filter((s) => s.endsWith('.c')).length).toBeGreaterThanOrEqual(4);
    expect(sources.filter((s) => s.endsWith('.cpp')).length).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(!HAVE_VALGRIND || !VERSIONS.length).concurrent('derivatives free every shadow and tape (valgrind)', () => {
  sources.forEach((src, n) => {
    const cpp = src.endsWith('.cpp');
    for (const v of VERSIONS) {
      for (const o of ['O0', 'O2']) {
        if (!ALL && o === 'O0' && VERSIONS.length > 1 && v !== VERSIONS[n % VERSIONS.length]) continue;
        test(`${src} clang ${v} -${o}`, async () => {
          await withSlot(async () => {
            const base = join(TMP, `${src.replace(/\./g, '_')}.${v}.${o}`);
            const cc = cpp ? `clang++-${v}` : `clang-${v}`;
            // C++: exceptions off until invoke in the active path is differentiated.
            const flags = cpp ? ['-fno-exceptions'] : [];
            const c = await run(cc, ['-S', '-emit-llvm', `-${o}`, ...flags, join(DIR, src), '-o', `${base}.ll`]);
            expect(c.code, c.err).toBe(0);
            writeFileSync(`${base}.low.ll`, lower(`${base}.ll`));
            const l = await run(cc, ['-O1', `${base}.low.ll`, '-o', `${base}.bin`, '-lm']);
            expect(l.code, l.err).toBe(0);
            const r = await run('valgrind', ['--leak-check=full', '--errors-for-leak-kinds=all', '--error-exitcode=9', base + '.bin']);
            expect(r.out, r.err).toContain('ok');
            expect(r.err).not.toMatch(/Invalid (read|write|free)|uninitialised/);
            expect(r.err, r.err).toMatch(/All heap blocks were freed|in use at exit: 0 bytes in 0 blocks/);
            expect(r.code, r.err).toBe(0);
          });
        }, 600_000);
      }
    }
  });
});
