// Every module of the fixture corpus was accepted by LLVM's verifier: ours
// must agree (no false positives), and the analyses must run on real CFGs.
// Parsing dominates the cost, so by default a fixed sample runs (every third
// module under 40 kB: all compilers and levels, 2 MB); IR_CORPUS_ALL=1 runs
// all of it (52 MB).
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSource } from '../../src/driver/io.js';
import { parseModule } from '../../src/syntax/parse.js';
import { verifyModule } from '../../src/ir/verify.js';
import { LoopInfo } from '../../src/ir/loops.js';
import { PostDominatorTree } from '../../src/ir/dominators.js';
import { renderAll } from '../../src/diag/render.js';

function llFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...llFiles(p));
    else if (p.endsWith('.ll')) out.push(p);
  }
  return out.sort();
}

describe('fixture corpus', () => {
  it('every module verifies cleanly and its analyses run', () => {
    const all = !!process.env.IR_CORPUS_ALL;
    const files = all ? llFiles('fixtures/corpus')
      : llFiles('fixtures/corpus').filter((f) => statSync(f).size < 40_000).filter((_, k) => k % 3 === 0);
    let fns = 0;
    const bad: string[] = [];
    let tp = 0;
    let tv = 0;
    let skipped = 0;
    for (const f of files) {
      const file = readSource(f);
      let m;
      let t = performance.now();
      try { m = parseModule(file); } catch { skipped++; continue; } // the parser's own tests cover these
      tp += performance.now() - t;
      t = performance.now();
      const ds = verifyModule(m, file);
      if (ds.length) bad.push(renderAll(ds.slice(0, 3), { color: false }));
      for (const fn of m.functions) {
        if (fn.isDeclaration) continue;
        fns++;
        LoopInfo.of(fn);
        PostDominatorTree.of(fn);
      }
      tv += performance.now() - t;
    }
    if (all) {
      console.log(`${files.length} files (${skipped} not parsed), ${fns} functions; parse ${tp.toFixed(0)} ms, verify + analyses ${tv.toFixed(0)} ms`);
    }
    expect(fns).toBeGreaterThan(0);
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
