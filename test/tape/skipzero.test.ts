// The reverse of an inner loop skipped when the adjoints of its results are zero (src/ad/reverse.ts,
// skippableLoop): test/tape/programs/skipzero.c has three functions whose inner loop's result
// reaches the output through a choice (a running minimum, a branch, a clamp), so that the skip is
// taken for some executions of the loop and not for others. Each is lowered from clang 14 and 19
// output at -O1 and -O2 (one loop, or -O2's unrolled loop and its remainder), also with the outer
// loops checkpointed every 4 iterations (the skipped loop then sits in a re-run segment), and run
// against central finite differences. Without the counter reset of the skip, branchy_rows fails.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { lowerModule } from '../../src/lower/lower.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'tape', 'programs');

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`llvm-as${suffix}`))(`skipped loop reverses, clang-${v}`, () => {
    for (const opt of ['-O1', '-O2']) {
      for (const every of [null, 4]) {
        it(`${opt}${every ? `, checkpointed every ${every}` : ''}: gradients match finite differences`, () => {
          const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-skipzero-'));
          try {
            const ll = execFileSync(`clang-${v}`, [opt, '-S', '-emit-llvm', join(SRC, 'skipzero.c'), '-o', '-'], { encoding: 'utf8' });
            const m = parseText(ll, 'skipzero.ll');
            const r = lowerModule(m, null, { looseTypes: false, ...(every ? { checkpointEvery: every } : {}) });
            expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
            // Every function has a loop whose reverse may be skipped.
            for (const fn of ['nearest', 'branchy_rows', 'clamped']) {
              expect(r.perf.some((l) => l.startsWith(`@${fn}: the reverse of the loop`) && l.includes('is skipped when the adjoint')), `${fn}\n${r.perf.join('\n')}`).toBe(true);
            }
            writeFileSync(join(dir, 't.ll'), printModule(m));
            execFileSync(`llvm-as${suffix}`, [join(dir, 't.ll'), '-o', join(dir, 't.bc')]);
            execFileSync(`clang-${v}`, ['-O2', '-w', join(dir, 't.bc'), join(SRC, 'skipzero_main.c'), '-lm', '-o', join(dir, 'sz')]);
            const run = spawnSync(join(dir, 'sz'), [], { encoding: 'utf8' });
            expect(`${run.stdout}${run.status === 0 ? '' : `exit ${run.status} ${run.signal ?? ''}`}`.trim()).toBe('all ok');
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }, 120_000);
      }
    }
  });
}
