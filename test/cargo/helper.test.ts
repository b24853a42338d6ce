// The LLVM helper `enzyme-ts cargo` builds once per toolchain into the user's cache. Two runs
// on a fresh cache build it at the same time (test files in parallel here; two terminals for a
// user): each build must have a folder of its own, or rustc's intermediate objects, named after
// the crate, are removed under the other build and its link fails ("undefined symbol: main").
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../util/llvm.js';
import { hasRustc } from '../util/rust.js';

const BUILD = `
import { ensureHelper, findToolchain } from './dist/src/driver/cargo-toolchain.js';
try { process.stdout.write(ensureHelper(findToolchain(null), () => {})); }
catch (e) { process.stdout.write('FAILED ' + (e.message ?? e)); process.exitCode = 1; }
`;

function build(cache: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', BUILD], { cwd: ROOT, env: { ...process.env, XDG_CACHE_HOME: cache } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe.skipIf(!hasRustc())('the LLVM helper', () => {
  test('three builds at once into one fresh cache all succeed and leave one helper', async () => {
    const cache = mkdtempSync(join(ROOT, '.tmp', 'helper-race-'));
    try {
      const runs = await Promise.all([build(cache), build(cache), build(cache)]);
      for (const r of runs) expect(r.code, r.out).toBe(0);
      const exe = runs[0]!.out;
      expect(runs.every((r) => r.out === exe)).toBe(true);
      expect(existsSync(exe)).toBe(true);
      // no build folders or partial outputs are left behind
      expect(readdirSync(join(exe, '..'))).toEqual(['enzyme-ts-llvm']);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 10 * 60_000);
});
