// The `lower` proof corpus (fixtures/lower/): self-checking C programs written against Enzyme's
// C ABI, compiled by clang 14 (typed pointers) and clang 19 (opaque pointers) at -O0 and -O2
// (fixtures/lower/regen.sh). Each module is read lazily and lowered in this process (what
// `enzyme-ts lower` runs), checked with the verifier, run by the lli of the same LLVM, and must exit 0 after
// printing `ok`: every program compares its gradients with finite differences or a closed
// form. ENZYME_TS_LOWER_FILTER=REGEX keeps only the modules whose name matches.
import { describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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
import { readFileSync } from 'node:fs';

const DIR = join(ROOT, 'fixtures', 'lower');
const FILTER = process.env.ENZYME_TS_LOWER_FILTER ? new RegExp(process.env.ENZYME_TS_LOWER_FILTER) : null;
const TMP = mkdtempSync(join(tmpdir(), 'enzyme-ts-lower-'));
const LLI = { clang14: hasTool('lli') ? 'lli' : null, clang19: hasTool('lli-19') ? 'lli-19' : null } as const;
const POOL = 3;
// Programs named blas_* call BLAS: lli loads the system's libblas.so.3 (Debian: libblas3 / libblas-dev).
const LIBBLAS = ['/usr/lib/x86_64-linux-gnu/libblas.so.3', '/usr/lib/libblas.so.3'].find((p) => existsSync(p)) ?? null;
function blasFlags(f: string): string[] | null {
  if (!f.startsWith('blas_')) return [];
  return LIBBLAS ? [`-load=${LIBBLAS}`] : null;
}
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try { return await fn(); } finally { running--; waiting.shift()?.(); }
}

function lli(cmd: string, file: string, flags: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, [...flags, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

/**
 * Lowers a module file; the printed result, or the rendered diagnostics as an Error. The module
 * is read lazily, as `enzyme-ts lower` reads it (bodies no call reaches stay text).
 */
export function lowerFile(path: string, targetLLVM: number | null = null): string {
  const file = new SourceFile(path.slice(ROOT.length + 1), readFileSync(path, 'utf8'));
  const m = parseModuleLazy(file, { verify: (f) => verifyFunction(f, file) }).module;
  try {
    lowerModule(m, file);
  } catch (e) {
    if (e instanceof DiagnosticError) throw new Error(renderAll(e.diagnostics, { color: false }));
    throw e;
  }
  const problems = verifyModule(m, null);
  if (problems.length) throw new Error(`invalid IR after lowering: ${problems[0]!.message}`);
  return printModule(m, { targetLLVM, file });
}

describe('the corpus is well formed', () => {
  test('every C / C++ program has its modules (O0 and O2, or its `// levels:`) for both compilers, and there are at least 30 programs', () => {
    const srcs = readdirSync(join(DIR, 'src')).filter((f) => /\.(c|cpp)$/.test(f));
    expect(srcs.length).toBeGreaterThanOrEqual(30);
    for (const s of srcs) {
      const name = s.replace(/\.(c|cpp)$/, '');
      // A `// levels:` line (as regen.sh reads it) replaces O0 and O2.
      const levels = /^\/\/ levels: (.+)$/m.exec(readFileSync(join(DIR, 'src', s), 'utf8'))?.[1]!.trim().split(/\s+/) ?? ['O0', 'O2'];
      for (const c of ['clang14', 'clang19']) for (const o of levels) expect(existsSync(join(DIR, c, `${name}.${o}.ll`)), `${c}/${name}.${o}`).toBe(true);
    }
  });
});

for (const config of ['clang14', 'clang19'] as const) {
  const cmd = LLI[config];
  describe.skipIf(!cmd).concurrent(`lowered ${config} programs run and check themselves`, () => {
    const dir = join(DIR, config);
    for (const f of existsSync(dir) ? readdirSync(dir).filter((x) => x.endsWith('.ll')).sort() : []) {
      const name = `${config}/${f}`;
      if (FILTER && !FILTER.test(name)) continue;
      test.skipIf(blasFlags(f) === null)(name, async () => {
        const text = lowerFile(join(dir, f));
        expect(text).not.toMatch(/@__enzyme_(autodiff|augmentfwd|reverse|augmentsize|fwddiff)/);
        const out = join(TMP, `${config}.${f}`);
        writeFileSync(out, text);
        const r = await withSlot(() => lli(cmd!, out, blasFlags(f) ?? []));
        expect(r.out, r.out).toMatch(/^ok$/m);
        expect(r.code).toBe(0);
      }, 600_000); // includes the wait for a free slot of the pool
    }
  });
}

// `--target-llvm 14`: the clang 19 programs (opaque pointers, LLVM 19 syntax), lowered and
// written for LLVM 14, run under LLVM 14's lli (with -opaque-pointers, as the warning E0121 says).
describe.skipIf(!LLI.clang14).concurrent('lowered clang19 programs written for LLVM 14 run under LLVM 14', () => {
  const dir = join(DIR, 'clang19');
  for (const f of existsSync(dir) ? readdirSync(dir).filter((x) => x.endsWith('.O2.ll')).sort() : []) {
    const name = `clang19/${f} for LLVM 14`;
    if (FILTER && !FILTER.test(name)) continue;
    test.skipIf(blasFlags(f) === null)(name, async () => {
      const out = join(TMP, `clang19-for14.${f}`);
      writeFileSync(out, lowerFile(join(dir, f), 14));
      const r = await withSlot(() => lli(LLI.clang14!, out, ['-opaque-pointers', ...(blasFlags(f) ?? [])]));
      expect(r.out, r.out).toMatch(/^ok$/m);
      expect(r.code).toBe(0);
    }, 600_000); // includes the wait for a free slot of the pool
  }
});
