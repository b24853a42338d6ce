// `npm run sweep-frontend -- --scale`: every stage of the tool on generated
// functions of growing size (tools/sweep-frontend/shapes.ts), in this process,
// timed in CPU milliseconds. A stage must finish at every size (no stack
// overflow) in time roughly linear in the size; what `grad` writes must pass the
// verifier and `llvm-as-19`. Prints one table per shape with the growth
// exponent of each stage (time ~ size^k between the smallest and largest size).
import { spawnSync } from 'node:child_process';
import { parseModule } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { SourceFile } from '../../src/diag/source.js';
import { computeCFG } from '../../src/ir/cfg.js';
import { DominatorTree, PostDominatorTree } from '../../src/ir/dominators.js';
import { computeLoops } from '../../src/ir/loops.js';
import { computeUses } from '../../src/ir/uses.js';
import { TypeAnalysis } from '../../src/analysis/types.js';
import { gradModule } from '../../src/ad/grad.js';
import { activityReport } from '../../src/driver/activity.js';
import { parseArgList } from '../../src/driver/grad.js';
import type { GradRequest } from '../../src/ad/api.js';
import type { Module } from '../../src/ir/module.js';
import { SHAPES, type Shape } from './shapes.js';

type Stage = 'parse' | 'print' | 'cfg/dom/loops/uses' | 'types' | 'activity' | 'grad' | 'grad output';
const STAGES: Stage[] = ['parse', 'print', 'cfg/dom/loops/uses', 'types', 'activity', 'grad', 'grad output'];

interface Cell { ms: number; error: string | null }

function cpuMs(): number { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }

function what(e: unknown): string {
  if (e instanceof DiagnosticError) return `${e.diagnostics[0]?.code ?? '?'} ${e.diagnostics[0]?.message ?? ''}`.slice(0, 120);
  if (e instanceof RangeError) {
    const at = (e.stack ?? '').split('\n').find((l) => /\bat\b/.test(l))?.trim() ?? '';
    return `STACK ${e.message} ${at}`.slice(0, 160);
  }
  return e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 160) : String(e);
}

function timed(f: () => void): Cell {
  const t = cpuMs();
  try {
    f();
    return { ms: cpuMs() - t, error: null };
  } catch (e) {
    return { ms: cpuMs() - t, error: what(e) };
  }
}

function request(s: Shape): GradRequest {
  const r: GradRequest = { fn: 'f' };
  if (s.args) r.args = parseArgList(s.args);
  if (s.inactive) r.inactive = s.inactive;
  return r;
}

export function runScale(only: RegExp | null, factor: number): boolean {
  let ok = true;
  for (const s of SHAPES) {
    if (only && !only.test(s.name)) continue;
    const sizes = s.sizes.map((n) => Math.max(1, Math.round(n * factor)));
    const rows = new Map<Stage, Cell[]>(STAGES.map((st) => [st, []]));
    // the first size twice: the first run warms up the JIT and is not reported
    for (const [round, n] of [sizes[0]!, ...sizes].entries()) {
      if (round === 1) for (const r of rows.values()) r.length = 0;
      const text = s.gen(n);
      const file = new SourceFile(`${s.name}-${n}.ll`, text);
      let m: Module | null = null;
      rows.get('parse')!.push(timed(() => {
        m = parseModule(file);
        const v = verifyModule(m, file);
        if (v.length) throw new DiagnosticError(v.slice(0, 1));
      }));
      const mod = m as Module | null;
      const skip: Cell = { ms: NaN, error: 'not run (parse failed)' };
      if (!mod) { for (const st of STAGES.slice(1)) rows.get(st)!.push(skip); continue; }
      rows.get('print')!.push(timed(() => { printModule(mod); }));
      rows.get('cfg/dom/loops/uses')!.push(timed(() => {
        for (const f of mod.functions) {
          if (f.isDeclaration) continue;
          computeCFG(f);
          const dt = new DominatorTree(f);
          new PostDominatorTree(f);
          computeLoops(dt);
          computeUses(f);
        }
      }));
      const fn = mod.getFunction('f')!;
      rows.get('types')!.push(timed(() => { new TypeAnalysis(mod, fn).report(file); }));
      rows.get('activity')!.push(timed(() => { activityReport(mod, request(s), file); }));
      let printed = '';
      rows.get('grad')!.push(timed(() => {
        const g = parseModule(file);
        gradModule(g, request(s), file);
        const v = verifyModule(g, null);
        if (v.length) throw new Error(`the verifier rejects the derivative: ${v[0]!.message}`);
        printed = printModule(g);
      }));
      if (printed) {
        const r = spawnSync('llvm-as-19', ['--disable-output', '-'], { input: printed, encoding: 'utf8', maxBuffer: 1 << 30 });
        rows.get('grad output')!.push({ ms: NaN, error: r.status === 0 ? null : `llvm-as-19: ${r.stderr.split('\n')[0]}` });
      } else {
        rows.get('grad output')!.push({ ms: NaN, error: 'no output' });
      }
    }
    process.stdout.write(`\n${s.name}: ${s.what} (n = ${sizes.join(', ')})\n`);
    for (const st of STAGES) {
      const cells = rows.get(st)!;
      const times = cells.map((c) => (Number.isNaN(c.ms) ? '' : `${c.ms.toFixed(0)} ms`).padStart(10)).join('');
      const a = cells[0]!; const b = cells[cells.length - 1]!;
      let growth = '';
      if (!a.error && !b.error && a.ms > 20 && !Number.isNaN(a.ms)) {
        const k = Math.log(b.ms / a.ms) / Math.log(sizes[sizes.length - 1]! / sizes[0]!);
        growth = `size^${k.toFixed(2)}${k > 1.35 ? '  SUPERLINEAR' : ''}`;
      }
      const err = cells.map((c, i) => (c.error ? `[n=${sizes[i]}] ${c.error}` : '')).filter(Boolean)[0] ?? '';
      if (err && !err.startsWith('E04') && !err.includes('not run')) ok = false;
      process.stdout.write(`  ${st.padEnd(20)}${times}  ${growth}${err ? `  ${err}` : ''}\n`);
    }
  }
  return ok;
}
