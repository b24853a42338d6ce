// What a gradient call allocates when the same gradient was taken before (src/tape/keep.ts,
// src/tape/checkpoint.ts, src/ad/reverse.ts keptShadow; docs/ad.md "The tape, and checkpointing"):
// test/tape/programs/kept.c steps an array in place with three malloc'd scratch arrays, the shape
// of the RK4 ODE benchmark (a loop checkpointable with its state in memory at clang 19, tapes in
// the loops inside it, shadows of heap memory freed by the reverse). Lowered from clang 14 and 19 at -O2 with
// the default tape budget (checkpointable, not reached: one segment), a budget of 1 byte
// (checkpointed at run time) and no budget (no checkpointing code), the gradient is checked
// against central finite differences and against the memory the primal leaves, for sizes that
// grow and shrink from call to call; then the same gradient is taken again and must allocate
// only what the primal allocates (its three scratch arrays): the loop tapes, the checkpoints and
// the shadows come from blocks kept from the previous call. Before, a call below the budget
// malloc'd its checkpoint records, grew the tapes of the inner loops step by step, and calloc'd
// the shadows (up to 31 mallocs and 3 callocs here). One build runs under valgrind (no leak: the
// kept blocks are freed at exit).
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
const WRAP = '-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free';

const BUDGETS: { label: string; tapeBudget?: number | null }[] = [
  { label: 'default budget (not reached)' },
  { label: 'budget of 1 byte (checkpointed)', tapeBudget: 1 },
  { label: 'no budget (whole tape)', tapeBudget: null },
];

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`llvm-as${suffix}`))(`blocks kept between gradient calls, clang-${v} -O2`, () => {
    BUDGETS.forEach(({ label, tapeBudget }, bi) => {
      const valgrind = v === 19 && bi === 0 && hasTool('valgrind');
      it(`${label}: right, and a gradient taken again allocates only the primal's memory${valgrind ? ' (and under valgrind)' : ''}`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-kept-'));
        try {
          const ll = execFileSync(`clang-${v}`, ['-O2', '-S', '-emit-llvm', join(SRC, 'kept.c'), '-o', '-'], { encoding: 'utf8' });
          const m = parseText(ll, 'kept.ll');
          const r = lowerModule(m, null, { looseTypes: false, ...(tapeBudget !== undefined ? { tapeBudget } : {}) });
          expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
          // clang 19's loop is checkpointable with its state in memory; clang 14's is not (a load whose
          // extent src/tape/extent.ts cannot bound: its tape is kept whole, and its blocks kept too).
          const ckpt = r.perf.some((l) => /@march: the loop .*: checkpointed when its tape/.test(l));
          expect(ckpt, r.perf.join('\n')).toBe(v === 19 && tapeBudget !== null);
          writeFileSync(join(dir, 'k.ll'), printModule(m));
          execFileSync(`llvm-as${suffix}`, [join(dir, 'k.ll'), '-o', join(dir, 'k.bc')]);
          execFileSync(`clang-${v}`, ['-O2', '-w', join(dir, 'k.bc'), join(SRC, 'kept_main.c'), '-lm', WRAP, '-o', join(dir, 'kept')]);
          const run = spawnSync(join(dir, 'kept'), [], { encoding: 'utf8' });
          const out = `${run.stdout}${run.status === 0 ? '' : `exit ${run.status} ${run.signal ?? ''}`}`.trim();
          expect(out.split('\n').filter((l) => !l.startsWith('steady ')).join('\n')).toBe('all ok');
          const steady = out.split('\n').filter((l) => l.startsWith('steady '));
          expect(steady.length).toBe(6);
          for (const l of steady) expect(l).toMatch(/ mallocs=3 callocs=0 reallocs=0$/);
          if (valgrind) {
            // The first four sizes (the largest, 20000 x 4 steps, included).
            const vg = spawnSync('valgrind', ['--leak-check=full', '--errors-for-leak-kinds=all', '--error-exitcode=9', '-q', join(dir, 'kept'), '4'], { encoding: 'utf8' });
            expect(`${vg.stdout}${vg.status === 0 ? '' : `exit ${vg.status} ${vg.stderr.slice(0, 800)}`}`.trim().split('\n').pop()).toBe('all ok');
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }, 300_000);
    });
  });
}
