// Active data written into the memory of a `const` pointer argument and read back (a state
// buffer updated in place): the derivative through it used to be 0 with exit 0. Marked const it
// is a located E0470 that names the argument; marked dup, the gradient matches finite differences.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'fixtures', 'wrong', 'const_state.c');
const CONFIGS: [string, string, string[]][] = [['clang-14', 'llvm-as', ['-O0']], ['clang-14', 'llvm-as', ['-O2']], ['clang-19', 'llvm-as-19', ['-O0']], ['clang-19', 'llvm-as-19', ['-O2']]];
const HAVE = CONFIGS.every(([c, a]) => hasTool(c) && hasTool(a));

function sh(cmd: string, args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.signal ? ` (signal ${r.signal})` : ''}` };
}
const lower = (cwd: string): { code: number | null; out: string } => sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', 'p.ll', '-o', 'p.ad.ll'], cwd);

describe.skipIf(!HAVE)('active data stored into const memory and read back', () => {
  for (const [clang, as, flags] of CONFIGS) {
    test(`${clang} ${flags.join(' ')}: const is E0470 naming the argument, dup is right`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'const-memory-'));
      try {
        let r = sh(clang, [...flags, '-S', '-emit-llvm', SRC, '-o', 'p.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = lower(tmp);
        expect(r.code, r.out).toBe(1);
        expect(r.out).toMatch(/p\.ll:\d+:\d+: error\[E0470\]: cannot differentiate @f: an active value is written into the memory of argument 2 \(%\w+\), which is const/);
        expect(r.out).toMatch(/make argument 2 dup/);
        r = sh(clang, [...flags, '-DSTATE_DUP', '-S', '-emit-llvm', SRC, '-o', 'p.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = lower(tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(as, ['p.ad.ll', '--disable-output'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(clang, [...flags, '-Wno-override-module', 'p.ad.ll', '-lm', '-o', 'p'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(join(tmp, 'p'), [], tmp);
        expect(r.out).toMatch(/\nok\n$/);
        expect(r.code, r.out).toBe(0);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
