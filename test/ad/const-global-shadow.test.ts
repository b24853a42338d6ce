// A pointer to a constant global (a coefficient table) stored into active memory, reloaded and
// read through (fixtures/fwd/issues/const_table_in_struct.c): its shadow used to be the table
// itself (forward mode: the table's values taken as tangents, a wrong derivative with exit 0;
// reverse mode: adjoints written into read-only memory, a crash). `check` runs the derivative
// under lli and compares it with finite differences, in both modes, both dialects, -O0 and -O2.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'fixtures', 'fwd', 'issues', 'const_table_in_struct.c');
const HAVE = ['clang-14', 'clang-19', 'lli', 'lli-19'].every(hasTool);

function sh(cmd: string, args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe.skipIf(!HAVE)('the shadow of a pointer to a constant global stored into active memory', () => {
  for (const clang of ['clang-14', 'clang-19']) {
    for (const opt of ['-O0', '-O2']) {
      test(`${clang} ${opt}: reverse and forward derivatives agree with finite differences`, () => {
        const tmp = mkdtempSync(join(tmpdir(), 'const-global-'));
        try {
          let r = sh(clang, [opt, '-S', '-emit-llvm', SRC, '-o', 't.ll'], tmp);
          expect(r.code, r.out).toBe(0);
          for (const mode of [[], ['--forward']]) {
            r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'check', ...mode, 't.ll', '-f', 'f', '--args', 'dup', '--len', '3', '--seed', '3'], tmp);
            expect(r.out, `${mode.join(' ')}\n${r.out}`).toMatch(/^ok: \d+ values agree/m);
            expect(r.code, r.out).toBe(0);
          }
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }, 180_000);
    }
  }
});
