// The AD benchmark problems of `npm run bench` (bench/ad, bench/adbench.ts):
// each kernel is compiled with clang 19 -O2, its __enzyme_autodiff call lowered
// in process, linked with its hand-written gradient, and run on the small check
// instance: enzyme-ts's gradient must equal the hand-written one (relative to
// its largest entry) and Richardson-extrapolated central differences. No timing.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AD_KERNELS, adBenchOptions, buildAdKernel } from '../../bench/adbench.js';
import { hasTool } from '../util/llvm.js';

describe.skipIf(!hasTool('clang-19'))('AD benchmark kernels: enzyme-ts gradient = hand-written = finite differences', () => {
  for (const k of AD_KERNELS) {
    it(`${k.name} (${k.what}), instance ${k.check.join(' ')}`, () => {
      const dir = mkdtempSync(join(tmpdir(), `enzyme-ts-adbench-${k.name}-`));
      try {
        const { exe } = buildAdKernel(k.name, dir, adBenchOptions(true));
        const r = spawnSync(exe, ['all', '0', '0', ...k.check.map(String)], { encoding: 'utf8', timeout: 120_000 });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
        const kv = new Map([...r.stdout.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, Number(m[2])]));
        expect(kv.get('hand_diff'), r.stdout).toBeLessThanOrEqual(1e-9);
        expect(kv.get('fd_relerr'), r.stdout).toBeLessThanOrEqual(1e-5);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
