// Starts of inner loops computed by the reverse from their trip counts (src/tape/plan.ts,
// revStartLoop) inside outer loops that may be checkpointed (src/tape/checkpoint.ts): they were
// taped (8 bytes per execution of the inner loop) whenever the outer loop was checkpoint-ready,
// which k-means's outer loop is. test/tape/programs/revstart.c has four such nests (k-means, a
// triangular nest, a three-deep nest with a bound read from memory, an inner loop run only on some
// outer iterations); each is lowered from clang 14 and 19 output at -O1 and -O2, as is and with its
// outer loop checkpointed every 1 and 3 iterations (the inner loops then run again in re-run
// segments), and run against central finite differences.
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

const SRC = join(ROOT, 'test', 'tape', 'programs', 'revstart.c');

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`llvm-as${suffix}`))(`inner loop starts inside checkpointable loops, clang-${v}`, () => {
    for (const opt of ['-O1', '-O2']) {
      for (const every of [null, 1, 3]) {
        it(`${opt}${every ? `, checkpointed every ${every}` : ''}: no start taped; gradients match finite differences`, () => {
          const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-revstart-'));
          try {
            const ll = execFileSync(`clang-${v}`, [opt, '-S', '-emit-llvm', SRC, '-o', '-'], { encoding: 'utf8' });
            const m = parseText(ll, 'revstart.ll');
            const r = lowerModule(m, null, { looseTypes: false, ...(every ? { checkpointEvery: every } : {}) });
            expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
            // The outer loops are checkpoint-ready (or checkpointed), and no inner loop's start is on the tape.
            expect(r.perf.some((l) => l.startsWith('@nearest: the loop') && l.includes('checkpointed')), r.perf.join('\n')).toBe(true);
            expect(r.perf.filter((l) => l.includes('cache %loop.start')), r.perf.join('\n')).toEqual([]);
            writeFileSync(join(dir, 't.ll'), printModule(m));
            execFileSync(`llvm-as${suffix}`, ['--disable-output', join(dir, 't.ll')]);
            execFileSync(`clang-${v}`, ['-O2', '-w', join(dir, 't.ll'), '-lm', '-o', join(dir, 'rs')]);
            const run = spawnSync(join(dir, 'rs'), [], { encoding: 'utf8' });
            expect(`${run.stdout}${run.status === 0 ? '' : `exit ${run.status} ${run.signal ?? ''}`}`.trim()).toBe('all ok');
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }, 120_000);
      }
    }
  });
}
