// End to end, the way the README tells users to work: clang emits IR,
// `enzyme-ts grad` adds derivatives, a C driver compiled separately is linked
// against them and run under lli. The driver compares every gradient entry
// with central finite differences and prints `NAME ok` or `NAME MISMATCH`.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList } from '../../src/driver/grad.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'ad', 'programs');
const KERNELS: [string, string][] = [
  ['wloop', 'dup'], ['nested', 'dup,const,const'], ['inplace', 'dup,const'], ['rec', 'dup,const'],
  ['mal', 'dup,const'], ['cpy', 'dup,const'], ['helper', 'dup,const'], ['sortw', 'dup,const'],
];

const CONFIGS = [
  { v: 14, opt: 'O0', cp: 'auto' }, { v: 14, opt: 'O2', cp: 'auto' }, { v: 19, opt: 'O0', cp: 'auto' }, { v: 19, opt: 'O2', cp: 'auto' },
  { v: 14, opt: 'O0', cp: 'cache' }, { v: 19, opt: 'O2', cp: 'cache' }, { v: 14, opt: 'O2', cp: 'recompute' }, { v: 19, opt: 'O0', cp: 'recompute' },
] as const;

for (const { v, opt, cp } of CONFIGS) {
  const clang = `clang-${v}`;
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(clang) || !hasTool(`lli${suffix}`))(`C kernels, clang-${v} -${opt}, --checkpoint ${cp}`, () => {
    it('every gradient matches finite differences', () => {
      const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-e2e-'));
      try {
        const flags = opt === 'O0' ? ['-O0', '-Xclang', '-disable-O0-optnone'] : [`-${opt}`];
        const ll = execFileSync(clang, [...flags, '-S', '-emit-llvm', join(SRC, 'kernels.c'), '-o', '-'], { encoding: 'utf8' });
        const m = parseText(ll, 'kernels.ll');
        for (const [fn, args] of KERNELS) gradModule(m, { fn, args: parseArgList(args), checkpoint: cp }, null);
        expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
        writeFileSync(join(dir, 'k.ll'), printModule(m));
        execFileSync(clang, ['-S', '-emit-llvm', join(SRC, 'kernels_main.c'), '-o', join(dir, 'main.ll')]);
        execFileSync(`llvm-link${suffix}`, [join(dir, 'k.ll'), join(dir, 'main.ll'), '-S', '-o', join(dir, 'all.ll')]);
        const out = execFileSync(`lli${suffix}`, [join(dir, 'all.ll')], { encoding: 'utf8' });
        const lines = out.trim().split('\n').filter((l) => !l.startsWith('  '));
        expect(lines).toEqual(KERNELS.map(([fn]) => `${fn} ok`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
}
