// Join selects of the tape planner (src/tape/plan.ts, selectRecipe): a phi of a join is
// recomputed in the reverse as a select on the branch taken among its incoming values. The
// recipe is read from the primal phi's incoming values, so it stands for the forward copy of
// that phi only: the shadow phi of a pointer phi has the primal phi as its origin too, and
// recomputed from the primal incoming values it gave the reverse the primal pointers in place of
// the shadows (the derivative's run wrote adjoints into the primal memory: wrong outputs and
// gradient, exit 0; fuzz programs 9797-159 and 9797-284, fixtures/fuzz/join-select-struct-copy).
// test/tape/programs/joinsel.ll has both phis at a join that does not dominate the return; its
// derivative runs under every --checkpoint policy against finite differences and the primal.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList } from '../../src/driver/grad.js';
import { verifyModule } from '../../src/ir/verify.js';
import type { CheckpointPolicy } from '../../src/ad/api.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'tape', 'programs');

function derive(checkpoint: CheckpointPolicy): { text: string; perf: string[] } {
  const m = parseText(readFileSync(join(SRC, 'joinsel.ll'), 'utf8'), 'joinsel.ll');
  const perf = gradModule(m, { fn: 'js', args: parseArgList('dup,dup,const,const,const'), checkpoint }, null).perf;
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), perf };
}

function run(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-joinsel-'));
  try {
    writeFileSync(join(dir, 't.ll'), text);
    execFileSync('llvm-as-19', [join(dir, 't.ll'), '-o', join(dir, 't.bc')]);
    execFileSync('clang-19', ['-O1', join(dir, 't.bc'), join(SRC, 'joinsel_main.c'), '-lm', '-o', join(dir, 'js')]);
    const r = spawnSync(join(dir, 'js'), [], { encoding: 'utf8' });
    return `${r.stdout}${r.status === 0 ? '' : `exit ${r.status} ${r.signal ?? ''}`}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasTool('clang-19') || !hasTool('llvm-as-19'))('join selects', () => {
  for (const policy of ['auto', 'recompute', 'cache'] as const) {
    it(`--checkpoint ${policy}: right primal outputs and gradient on every path`, () => {
      const { text, perf } = derive(policy);
      expect(run(text).trim()).toBe('all ok');
      // The shadow phi is kept (it cannot be recomputed from the primal incoming values).
      expect(perf.some((l) => /cache %p' \(phi\)/.test(l)), perf.join('\n')).toBe(true);
      // The primal phi of two values computed from an argument: a select in the reverse, except under cache.
      expect(perf.some((l) => /cache %t \(phi\)/.test(l)), perf.join('\n')).toBe(policy === 'cache');
    }, 60_000);
  }
});
