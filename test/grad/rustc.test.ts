// rustc's output (LLVM 22, opaque pointers) differentiated and checked like the C corpus.
// No LLVM 22 runs here, so the module is first rewritten into LLVM 19 spellings
// (test/util/llvm22.ts, the same rewrite the round-trip tests use) and run by lli-19.
// At opt-level 0 rustc builds slices as `{ ptr, i64 }` aggregates, which have shadow aggregates
// (docs/ad.md, "Fat pointers"); `zip` works too.
// test/rust/o0.test.ts covers opt-level 0 in more shapes.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckOptions } from '../../src/driver/check.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { toLLVM19 } from '../util/llvm22.js';
import { ROOT, hasTool } from '../util/llvm.js';

const DIR = join(ROOT, 'fixtures', 'grad', 'rust');

interface Check { fn: string; args: string; at: string }
const CHECKS: Check[] = readFileSync(join(DIR, 'ad.rs'), 'utf8').split('\n')
  .map((l) => /^\/\/ CHECK: -f (\S+) --args (\S+) --at '?([^']*)'?$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ fn: m[1]!, args: m[2]!, at: m[3]! }));

async function check(file: string, c: Check): Promise<{ code: number; out: string }> {
  let out = '';
  const opts: CheckOptions = { input: file, fn: c.fn, args: c.args, at: c.at, out: (t) => { out += t; } };
  try {
    return { code: await runCheck(opts), out };
  } catch (e) {
    if (e instanceof DiagnosticError) return { code: e.exitCode, out: out + e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n') };
    throw e;
  }
}

describe.skipIf(!hasTool('lli-19'))('rustc output', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-rust-'));
  const files: Record<string, string> = {};
  for (const o of ['O0', 'O3']) {
    const f = join(tmp, `ad.${o}.ll`);
    writeFileSync(f, toLLVM19(readFileSync(join(DIR, `ad.${o}.ll`), 'utf8')));
    files[o] = f;
  }
  test('there are checks', () => { expect(CHECKS.length).toBe(4); });
  for (const c of CHECKS) {
    test(`opt-level 3: ${c.fn}`, async () => {
      const r = await check(files.O3!, c);
      expect(r.code, r.out).toBe(0);
    }, 60_000);
    test(`opt-level 0: ${c.fn}`, async () => {
      const r = await check(files.O0!, c);
      // rs_dot (a zip) included: the copy in Iterator::map is typed by its caller's facts, and
      // Zip::size_hint's untyped i64 loads are only subtracted.
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/^ok: \d+ values agree/m);
    }, 60_000);
  }
  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});
