// The tape's loop buffers (ad/transform.ts growBuffers, tape/trip.ts): counted
// loops with run-time trip counts reserved at entry with no check in the loop,
// nested counts multiplied at the outer entry, a triangular nest, a bound that
// changes inside the loop (growth), an early exit (estimate + check), counting
// down, an unsigned `!=` loop. Every derivative is compared with central finite
// differences under lli, for sizes 0 to 40 in one process (the buffers are
// reserved, reused across calls of different sizes and freed), in both pointer
// dialects, at -O2 (SSA loops: trip counts) and -O0 (bounds in memory: growth).
// --print-perf must say which scheme each loop got.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList } from '../../src/driver/grad.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'ad', 'programs');
const FNS: [string, string][] = [
  ['counted', 'dup,dup,const'], ['nest', 'dup,dup,dup,const,const'], ['tri', 'dup,dup,const'],
  ['modbound', 'dup,dup,const'], ['early', 'dup,dup,const'], ['down', 'dup,dup,const'], ['uns', 'dup,dup,const'],
];

/** Differentiates every function of tape.c; returns the module text and the perf lines per function. */
function build(clang: string, opt: 'O0' | 'O2'): { text: string; perf: Map<string, string[]> } {
  const flags = opt === 'O0' ? ['-O0', '-Xclang', '-disable-O0-optnone'] : ['-O2'];
  const ll = execFileSync(clang, [...flags, '-S', '-emit-llvm', join(SRC, 'tape.c'), '-o', '-'], { encoding: 'utf8' });
  const m = parseText(ll, 'tape.ll');
  const perf = new Map<string, string[]>();
  for (const [fn, args] of FNS) perf.set(fn, gradModule(m, { fn, args: parseArgList(args) }, null).perf);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), perf };
}

function runLli(v: number, text: string): string {
  const suffix = v === 14 ? '' : `-${v}`;
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-tape-'));
  try {
    writeFileSync(join(dir, 't.ll'), text);
    execFileSync(`clang-${v}`, ['-S', '-emit-llvm', join(SRC, 'tape_main.c'), '-o', join(dir, 'main.ll')]);
    execFileSync(`llvm-link${suffix}`, [join(dir, 't.ll'), join(dir, 'main.ll'), '-S', '-o', join(dir, 'all.ll')]);
    const r = spawnSync(`lli${suffix}`, [join(dir, 'all.ll')], { encoding: 'utf8' });
    return `${r.stdout}${r.status === 0 ? '' : `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 300)}`}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const buffers = (lines: string[]): string[] => lines.filter((l) => l.includes(': buffers of the loop'));

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`lli${suffix}`) || !hasTool(`llvm-link${suffix}`))(`loop buffers, clang-${v}`, () => {
    it('-O2: counted loops are reserved at entry, every derivative matches finite differences', () => {
      const { text, perf } = build(`clang-${v}`, 'O2');
      const out = runLli(v, text);
      expect(out.trim()).toBe('all ok');
      // Counted loops with run-time bounds: exact counts, no check in the loop.
      for (const fn of ['counted', 'nest', 'uns']) {
        const b = buffers(perf.get(fn)!);
        expect(b.length, fn).toBeGreaterThan(0);
        for (const l of b) expect(l, fn).toContain('reserved from its trip count at its entry');
        for (const l of b) expect(l, fn).toContain('no check in the loop');
      }
      // The inner loops of the matrix-vector nest: counts multiplied at the outer loop's entry.
      expect(buffers(perf.get('nest')!).some((l) => /2 counts multiplied at the entry of the loop/.test(l))).toBe(true);
      // Triangular: the inner count depends on the outer index, nothing is hoisted.
      for (const l of buffers(perf.get('tri')!)) expect(l).not.toContain('multiplied');
      // A bound modified in the loop: no count, growth.
      const mod = buffers(perf.get('modbound')!);
      expect(mod.length).toBeGreaterThan(0);
      for (const l of mod) expect(l).toContain('grow while it runs');
      // An early exit: an estimate, and the check stays.
      const early = buffers(perf.get('early')!);
      expect(early.length).toBeGreaterThan(0);
      for (const l of early) expect(l).toContain('checked at each iteration');
      // The down-counting loop is exact too.
      expect(buffers(perf.get('down')!).some((l) => l.includes('no check in the loop'))).toBe(true);
      // The frame line still counts the bytes per iteration of each loop with buffers.
      for (const [fn, lines] of perf) {
        const frame = lines.find((l) => l.includes(': frame '))!;
        for (const l of buffers(lines)) {
          const loop = /buffers of the loop (.*?) (reserved|grow)/.exec(l)![1]!;
          expect(frame, fn).toMatch(new RegExp(`\\d+ bytes per iteration of the loop ${loop.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}(,|$)`));
        }
      }
    }, 120_000);

    it('-O0: bounds live in memory, the buffers grow, every derivative matches finite differences', () => {
      const { text, perf } = build(`clang-${v}`, 'O0');
      expect(runLli(v, text).trim()).toBe('all ok');
      for (const [fn, lines] of perf) for (const l of buffers(lines)) expect(l, fn).toContain('grow while it runs');
    }, 120_000);
  });
}

// Natively with AddressSanitizer (typed-pointer module, clang 14): no tape access
// outside its buffers, for every size the driver uses.
/** Whether clang 14 links a program with AddressSanitizer here (the runtime is a separate package on some systems). */
function hasAsan(): boolean {
  if (!hasTool('clang-14')) return false;
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-asan-probe-'));
  try {
    writeFileSync(join(dir, 'p.c'), 'int main(void) { return 0; }\n');
    const exe = join(dir, 'p');
    return spawnSync('clang-14', ['-fsanitize=address', join(dir, 'p.c'), '-o', exe]).status === 0 && spawnSync(exe, []).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasAsan())('loop buffers under AddressSanitizer', () => {
  it('no out-of-bounds access to the tape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-tape-asan-'));
    try {
      writeFileSync(join(dir, 't.ll'), build('clang-14', 'O2').text);
      const exe = join(dir, 'asan');
      execFileSync('clang-14', ['-fsanitize=address', '-O1', '-w', join(dir, 't.ll'), join(SRC, 'tape_main.c'), '-lm', '-o', exe]);
      const r = spawnSync(exe, [], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`.trim()).toBe('all ok');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
