// The cost of generated gradients (docs/benchmarks.md, "Checkpoint-ready loops in two versions,
// sibling math calls, merged increments"): test/tape/programs/gradcost.c and gradcost_inc.ll are
// lowered, checked for the structural property each change is about, and run against central
// finite differences (gradcost_main.c), with the loops checkpointed or not.
//   - A checkpoint-ready loop has a second forward version (blocks `*.nockpt`), run when the loop is
//     not checkpointed in this call, that neither moves the segment base nor saves a checkpoint.
//   - sin's derivative reuses the primal cos of the same angle and cos's the primal sin: one call of
//     each in the derivative, not two.
//   - A loop whose increment is a phi of `i + 1` on two paths has a trip count at its entry: its
//     buffers are reserved there (it is even checkpoint-ready), instead of growing while it runs.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { lowerModule } from '../../src/lower/lower.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'tape', 'programs');

/** The text of `define ... @name(` up to its closing brace. */
function fnText(text: string, name: string): string {
  const at = text.search(new RegExp(`^define [^\\n]*@${name.replace('.', '\\.')}\\(`, 'm'));
  expect(at, `no function @${name}`).toBeGreaterThanOrEqual(0);
  return text.slice(at, text.indexOf('\n}\n', at) + 2);
}

/** Its blocks: label -> text. */
function blocks(fn: string): Map<string, string> {
  const out = new Map<string, string>();
  let label = 'entry';
  let body: string[] = [];
  for (const line of fn.split('\n').slice(1)) {
    const m = /^([-\w.$]+):/.exec(line);
    if (m) { out.set(label, body.join('\n')); label = m[1]!; body = []; } else body.push(line);
  }
  out.set(label, body.join('\n'));
  return out;
}

describe.skipIf(!hasTool('clang-19') || !hasTool('llvm-as-19'))('the cost of generated gradients, clang-19', () => {
  for (const opt of ['-O1', '-O2']) {
    for (const every of [null, 3]) {
      it(`${opt}${every ? `, checkpointed every ${every}` : ''}: structure, and gradients match finite differences`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-gradcost-'));
        try {
          const opts = { looseTypes: false, ...(every ? { checkpointEvery: every } : {}) };
          const ll = execFileSync('clang-19', [opt, '-S', '-emit-llvm', join(SRC, 'gradcost.c'), '-o', '-'], { encoding: 'utf8' });
          const m = parseText(ll, 'gradcost.ll');
          lowerModule(m, null, opts);
          expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
          const text = printModule(m);
          const inc = parseText(readFileSync(join(SRC, 'gradcost_inc.ll'), 'utf8'), 'gradcost_inc.ll');
          const ri = lowerModule(inc, null, opts);
          expect(verifyModule(inc, null).map((d) => d.message)).toEqual([]);
          const itext = printModule(inc);

          // Two forward versions of each checkpoint-ready loop; the copy keeps no segment.
          for (const fn of ['diffelse', 'differecur', 'diffesumsq_or_twice']) {
            const bl = blocks(fnText(fn === 'diffesumsq_or_twice' ? itext : text, fn));
            const copies = [...bl].filter(([l]) => l.includes('.nockpt'));
            expect(copies.length, `${fn}: no copy of a checkpoint-ready loop`).toBeGreaterThan(0);
            for (const [l, body] of copies) {
              expect(body, `${fn}, ${l}`).not.toMatch(/store i64 [^\n]*, ptr %ckpt\.base/);
              expect(body, `${fn}, ${l}`).not.toMatch(/ckpt\.records/);
            }
          }
          // One sin and one cos in the derivative of rot.
          const rot = fnText(text, 'differot');
          expect(rot.match(/call [^\n]*@sin\(/g)?.length ?? 0).toBe(1);
          expect(rot.match(/call [^\n]*@cos\(/g)?.length ?? 0).toBe(1);
          // The merged increment: a trip count at the loop's entry.
          expect(ri.perf.some((l) => l.includes('grow while it runs')), ri.perf.join('\n')).toBe(false);

          writeFileSync(join(dir, 'a.ll'), text);
          writeFileSync(join(dir, 'b.ll'), itext);
          for (const f of ['a', 'b']) execFileSync('llvm-as-19', ['--disable-output', join(dir, `${f}.ll`)]);
          execFileSync('clang-19', ['-O2', '-w', join(dir, 'a.ll'), join(dir, 'b.ll'), join(SRC, 'gradcost_main.c'), '-lm', '-o', join(dir, 'gc')]);
          const run = spawnSync(join(dir, 'gc'), [], { encoding: 'utf8' });
          expect(`${run.stdout}${run.status === 0 ? '' : `exit ${run.status} ${run.signal ?? ''}`}`.trim()).toBe('all ok');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }, 120_000);
    }
  }
});
