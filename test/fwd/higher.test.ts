// Higher order on the tool's own output, checked against finite differences of the first derivative:
// - forward over reverse: `fwd` of a generated `@diffe<f>` (a Hessian-vector product in the tangent
//   of the gradient), checked with `check --forward` (the tangents of the gradient against
//   differences of the gradient along the direction);
// - reverse over forward: `grad` of a generated `@fwddiffe<f>` (returning the tangent alone),
//   checked with `check` (the gradient of the directional derivative against its differences);
// - forward over forward: `fwd` of a generated `@fwddiffe<f>`.
// Functions from fixtures/fwd and fixtures/grad, clang 14 -O2 (typed pointers) and clang 19 -O0.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModule } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { gradModule } from '../../src/ad/grad.js';
import { fwdModule } from '../../src/ad/fwd.js';
import type { ArgActivity, FwdActivity } from '../../src/ad/api.js';
import { runFwdCheck } from '../../src/driver/check-fwd.js';
import { runCheck } from '../../src/driver/check.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { pool } from './util.js';

const withSlot = pool(3);
let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-higher-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

interface Case { corpus: 'fwd' | 'grad'; src: string; fn: string; rev: ArgActivity[]; at: string[] }
// Points where the functions are smooth (the `--at` of their CHECK lines); arrays as `[..]` items.
const CASES: Case[] = [
  { corpus: 'fwd', src: 'straight', fn: 'libm_mix', rev: ['active', 'active'], at: ['0.6', '1.7'] },
  { corpus: 'fwd', src: 'loops', fn: 'count_down', rev: ['dup', 'const'], at: ['[0.5 -1 2 0.25 1.5]', '5'] },
  { corpus: 'fwd', src: 'loops', fn: 'nested_tri', rev: ['dup', 'const'], at: ['[0.5 -1 2 0.25 1.5 0.3]', '6'] },
  { corpus: 'fwd', src: 'loops', fn: 'while_newton', rev: ['active'], at: ['2.5'] },
  { corpus: 'fwd', src: 'heap', fn: 'calloc_acc', rev: ['dup', 'const'], at: ['[0.5 -1 2 0.25 1.5 0.3]', '6'] },
  { corpus: 'fwd', src: 'recursion', fn: 'tree_sum', rev: ['dup', 'const', 'const'], at: ['[0.5 -1 2 0.25 1.5 0.3 0.7]', '0', '7'] },
  { corpus: 'fwd', src: 'helpers', fn: 'use_helpers', rev: ['dup', 'const'], at: ['[0.5 -1 2 0.25 1.5]', '5'] },
  { corpus: 'fwd', src: 'vec_kernels', fn: 'vdot_sq', rev: ['dup', 'dup', 'const'], at: ['[0.5 -1 2 0.25 1.5 0.3 0.7 -0.2]', '[1 2 3 4 5 6 7 8]', '8'] },
  { corpus: 'grad', src: 'logsumexp', fn: 'logsumexp', rev: ['dup', 'const'], at: ['[1 -0.5 0.75 0.25 0.1]', '5'] },
];

/** A direction for an item: the same shape with other numbers. */
function other(item: string): string {
  return item.startsWith('[') ? `[${item.slice(1, -1).trim().split(/\s+/).map((_, k) => ((k % 3) - 1) * 0.5 + 0.25).join(' ')}]` : '0.375';
}

/** `--at` of the reverse derivative `diffe<f>`: each parameter, its shadow after a dup one, the seed (1) of an active floating return. */
function atOfReverse(c: Case, retActive: boolean): string {
  const items: string[] = [];
  c.at.forEach((a, k) => { items.push(a); if (c.rev[k] === 'dup' || c.rev[k] === 'dupnoneed') items.push(other(a)); });
  if (retActive) items.push('1');
  return items.join(',');
}

/** `--at` of the forward derivative `fwddiffe<f>`: each parameter, then its tangent (a number or an array) when not const. */
function atOfForward(c: Case): string {
  const items: string[] = [];
  c.at.forEach((a, k) => { items.push(a); if (c.rev[k] !== 'const') items.push(other(a)); });
  return items.join(',');
}

const CONFIGS = [['clang14', 'O2', hasTool('lli')], ['clang19', 'O0', hasTool('lli-19')]] as const;

function load(path: string): { m: ReturnType<typeof parseModule>; file: SourceFile } {
  const file = new SourceFile(path.slice(ROOT.length + 1), readFileSync(path, 'utf8'));
  return { m: parseModule(file), file };
}

/** Writes the module (checked by the verifier) and returns its path. */
function save(m: ReturnType<typeof parseModule>, name: string): string {
  const problems = verifyModule(m, null);
  if (problems.length) throw new Error(`invalid IR: ${problems[0]!.message}`);
  const p = join(tmp, name);
  writeFileSync(p, printModule(m));
  return p;
}

async function outcome(run: (out: (s: string) => void) => Promise<number>): Promise<{ code: number; text: string }> {
  return withSlot(async () => {
    let text = '';
    try {
      const code = await run((s) => { text += s; });
      return { code, text };
    } catch (e) {
      if (e instanceof DiagnosticError) return { code: e.exitCode, text: text + renderAll(e.diagnostics, { color: false }) };
      throw e;
    }
  });
}

const fwdOf = (rev: ArgActivity[]): FwdActivity[] => rev.map((a) => (a === 'active' ? 'dup' : a === 'dupnoneed' ? 'dup' : a));

// CI: each case at one of the two configurations (alternating); ENZYME_TS_FWD_ALL=1: both.
const ALL = !!process.env.ENZYME_TS_FWD_ALL;
for (const [ci, [config, opt, lli]] of CONFIGS.entries()) {
  describe.skipIf(!lli).concurrent(`higher order on ${config} -${opt}`, () => {
    for (const [k, c] of CASES.entries()) {
      if (!ALL && k % 2 !== ci) continue;
      const path = join(ROOT, 'fixtures', c.corpus, config, `${c.src}.${opt}.ll`);
      test(`forward over reverse: fwd of @diffe${c.fn}`, async () => {
        const { m, file } = load(path);
        const g = gradModule(m, { fn: c.fn, args: c.rev }, file);
        const p = save(m, `${config}.${opt}.fr.${c.fn}.ll`);
        const retActive = g.ret === 'active' || g.ret === 'activeonly';
        const r = await outcome((out) => runFwdCheck({ input: p, fn: g.fn.name!, at: atOfReverse(c, retActive), out }));
        expect(r.code, r.text).toBe(0);
      }, 180_000);
      test(`reverse over forward: grad of @fwddiffe${c.fn}`, async () => {
        const { m, file } = load(path);
        const f = fwdModule(m, { fn: c.fn, args: fwdOf(c.rev), ret: 'dupnoneed' }, file);
        const p = save(m, `${config}.${opt}.rf.${c.fn}.ll`);
        const r = await outcome((out) => runCheck({ input: p, fn: f.fn.name!, at: atOfForward(c), out }));
        expect(r.code, r.text).toBe(0);
      }, 180_000);
      test(`forward over forward: fwd of @fwddiffe${c.fn}`, async () => {
        const { m, file } = load(path);
        const f = fwdModule(m, { fn: c.fn, args: fwdOf(c.rev), ret: 'dupnoneed' }, file);
        const p = save(m, `${config}.${opt}.ff.${c.fn}.ll`);
        const r = await outcome((out) => runFwdCheck({ input: p, fn: f.fn.name!, at: atOfForward(c), out }));
        expect(r.code, r.text).toBe(0);
      }, 180_000);
    }
  });
}
