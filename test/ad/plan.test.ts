// The tape planner (src/tape/plan.ts): a minimum cut over the value graph
// (src/tape/mincut.ts) decides, for every value the reverse sweep reads,
// whether to recompute it, repeat its load, or cache it. The cut itself is
// checked on small graphs whose best answer is known; then each shape of
// test/ad/programs/plan.c is differentiated under every --checkpoint policy
// and every derivative is run (lli, both pointer dialects) against central
// finite differences; --print-perf must show the decisions the shapes call for.
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
import { minCut, type CutNode } from '../../src/tape/mincut.js';
import type { CheckpointPolicy } from '../../src/ad/api.js';
import { ROOT, hasTool } from '../util/llvm.js';

const node = (cache: number, recompute: number, operands: number[], required: boolean): CutNode => ({ cache, recompute, operands, required });

describe('minimum cut', () => {
  it('recomputes what is cheaper to recompute, caches what is not', () => {
    // 0: a call result nobody can recompute, small to keep; 1 = f(0) and 2 = g(1) cheap to recompute; the reverse needs 1 and 2.
    const c = minCut([node(1, Infinity, [], false), node(5, 1, [0], true), node(5, 1, [1], true)]);
    expect(c.how).toEqual(['cache', 'recompute', 'recompute']);
    expect(c.cost).toBe(3);
    // Keeping 0 dear: keep 1 and recompute 2 from it.
    const d = minCut([node(9, Infinity, [], false), node(5, 1, [0], true), node(5, 1, [1], true)]);
    expect(d.how).toEqual(['none', 'cache', 'recompute']);
    expect(d.cost).toBe(6);
  });

  it('caches one shared operand rather than many results', () => {
    // 0 is read by 1, 2, 3 (all needed); each result costs 4 to keep, 1 to recompute; 0 cannot be recomputed.
    const c = minCut([node(4, Infinity, [], false), node(4, 1, [0], true), node(4, 1, [0], true), node(4, 1, [0], true)]);
    expect(c.how).toEqual(['cache', 'recompute', 'recompute', 'recompute']);
    expect(c.cost).toBe(7);
  });

  it('caches the result when recomputing it needs more than it saves', () => {
    // 2 = h(0, 1): keeping 2 (cost 3) beats keeping both operands (2 + 2) and recomputing (1).
    const c = minCut([node(2, Infinity, [], false), node(2, Infinity, [], false), node(3, 1, [0, 1], true)]);
    expect(c.how).toEqual(['none', 'none', 'cache']);
    expect(c.cost).toBe(3);
  });

  it('reports an impossible plan', () => {
    expect(minCut([node(Infinity, Infinity, [], true)]).cost).toBe(Infinity);
  });

  it('agrees with exhaustive search on random graphs', () => {
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rnd() * 7);
      const nodes: CutNode[] = [];
      for (let i = 0; i < n; i++) {
        const ops: number[] = [];
        for (let j = 0; j < i; j++) if (rnd() < 0.4) ops.push(j);
        nodes.push(node(1 + Math.floor(rnd() * 9), rnd() < 0.25 ? Infinity : Math.floor(rnd() * 6), ops, rnd() < 0.5));
      }
      // Exhaustive: each node none / cache / recompute; valid when required nodes are available and recomputations' operands too.
      let best = Infinity;
      for (let code = 0; code < 3 ** n; code++) {
        const how: number[] = [];
        for (let i = 0, c = code; i < n; i++, c = Math.floor(c / 3)) how.push(c % 3);
        let ok = true, cost = 0;
        nodes.forEach((v, i) => {
          if (v.required && how[i] === 0) ok = false;
          if (how[i] === 1) cost += v.cache;
          if (how[i] === 2) { cost += v.recompute; for (const o of v.operands) if (how[o] === 0) ok = false; }
        });
        if (ok && cost < best) best = cost;
      }
      const c = minCut(nodes);
      expect(c.cost).toBe(best);
      // The cut's own answer is valid and costs what it says.
      let cost = 0;
      c.how.forEach((h, i) => {
        const v = nodes[i]!;
        if (v.required) expect(h).not.toBe('none');
        if (h === 'cache') cost += v.cache;
        if (h === 'recompute') { cost += v.recompute; for (const o of v.operands) expect(c.how[o]).not.toBe('none'); }
      });
      if (Number.isFinite(best)) expect(cost).toBe(best);
    }
  });
});

const SRC = join(ROOT, 'test', 'ad', 'programs');
const FNS = ['branchy', 'chain3', 'reload', 'inplace', 'nestbranch'];

function build(clang: string, checkpoint: CheckpointPolicy): { text: string; perf: Map<string, string[]> } {
  const ll = execFileSync(clang, ['-O2', '-S', '-emit-llvm', join(SRC, 'plan.c'), '-o', '-'], { encoding: 'utf8' });
  const m = parseText(ll, 'plan.ll');
  const perf = new Map<string, string[]>();
  for (const fn of FNS) perf.set(fn, gradModule(m, { fn, args: parseArgList('dup,dup,const'), checkpoint }, null).perf);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), perf };
}

function runLli(v: number, text: string): string {
  const suffix = v === 14 ? '' : `-${v}`;
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-plan-'));
  try {
    writeFileSync(join(dir, 't.ll'), text);
    execFileSync(`llvm-as${suffix}`, [join(dir, 't.ll'), '-o', join(dir, 't.bc')]);
    execFileSync(`clang-${v}`, ['-S', '-emit-llvm', join(SRC, 'plan_main.c'), '-o', join(dir, 'main.ll')]);
    execFileSync(`llvm-link${suffix}`, [join(dir, 't.ll'), join(dir, 'main.ll'), '-S', '-o', join(dir, 'all.ll')]);
    const r = spawnSync(`lli${suffix}`, [join(dir, 'all.ll')], { encoding: 'utf8' });
    return `${r.stdout}${r.status === 0 ? '' : `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 300)}`}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The counts of the plan line: recomputed, loads repeated, induction variables, branch decisions. */
function planCounts(lines: string[]): number[] {
  const l = lines.find((x) => x.includes(': plan ('));
  expect(l).toBeDefined();
  const m = /(\d+) recomputed, (\d+) loads repeated \(memory unchanged\), (\d+) induction variables from the loop counter, (\d+) branch decisions from their condition/.exec(l!);
  expect(m, l).not.toBeNull();
  return m!.slice(1).map(Number);
}

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`lli${suffix}`) || !hasTool(`llvm-link${suffix}`))(`tape plan, clang-${v}`, () => {
    for (const policy of ['auto', 'cache', 'recompute'] as const) {
      it(`--checkpoint ${policy}: every derivative matches finite differences`, () => {
        const { text, perf } = build(`clang-${v}`, policy);
        expect(runLli(v, text).trim()).toBe('all ok');
        if (policy === 'cache') {
          // Nothing recomputed, every value the reverse reads is kept.
          for (const [fn, lines] of perf) expect(planCounts(lines), fn).toEqual([0, 0, 0, 0]);
        } else {
          // A branch decided by one condition is recomputed from it; loads of x repeated in the reverse.
          expect(planCounts(perf.get('branchy')!)[3]).toBeGreaterThan(0);
          expect(planCounts(perf.get('reload')!)[1]).toBeGreaterThan(0);
          expect(planCounts(perf.get('nestbranch')!)[3]).toBeGreaterThan(0);
          // The first loop of inplace loads x before overwriting it: that load is kept, with the reason.
          expect(perf.get('inplace')!.some((l) => /cache .*load.*memory the function may overwrite/.test(l)), perf.get('inplace')!.join('\n')).toBe(true);
        }
      }, 120_000);
    }
  });
}

// Memory the function frees (directly, through a callee, or by realloc) before the reverse sweep
// runs is gone when the reverse would repeat a load of it: those loads are kept on the tape under
// every policy; the same loop without the free repeats its loads.
for (const v of [14, 19]) {
  describe.skipIf(!hasTool(`clang-${v}`))(`tape plan, clang-${v}: loads of freed memory`, () => {
    it('are cached, never repeated', () => {
      const ll = execFileSync(`clang-${v}`, ['-O2', '-S', '-emit-llvm', join(SRC, 'plan_freed.c'), '-o', '-'], { encoding: 'utf8' });
      for (const checkpoint of ['auto', 'recompute'] as const) {
        for (const fn of ['kept', 'freed', 'freed_by_callee', 'reallocated']) {
          const m = parseText(ll, 'plan_freed.ll');
          const perf = gradModule(m, { fn, args: parseArgList('dup,const'), checkpoint }, null).perf.filter((l) => l.startsWith(`@${fn}:`));
          expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
          const repeated = planCounts(perf)[1]!;
          if (fn === 'kept') expect(repeated, `${checkpoint} ${fn}`).toBeGreaterThan(0);
          else {
            expect(repeated, `${checkpoint} ${fn}`).toBe(0);
            expect(perf.some((l) => /cache \(loaded value\).*memory the function may overwrite/.test(l)), perf.join('\n')).toBe(true);
          }
        }
      }
    }, 60_000);
  });
}
