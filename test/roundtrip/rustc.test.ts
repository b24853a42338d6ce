import { describe, expect, test } from 'vitest';
import { canonical, corpusFiles, hasTool, tool } from '../util/llvm.js';
import { toLLVM19 } from '../util/llvm22.js';
import { checkFixedPoint } from './roundtrip.js';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';

const files = corpusFiles((c) => c.startsWith('rustc')).map((f) => [`${f.config}/${f.name}`, f] as const);

describe('rustc (LLVM 22) output', () => {
  // No LLVM 22 assembler exists here: print . parse must be a fixed point ...
  test.each(files)('%s: print . parse is a fixed point', (_n, f) => {
    checkFixedPoint(f);
  });
  // ... and, once the few LLVM 22 spellings are rewritten for LLVM 19 in both, input and output mean the same.
  test.skipIf(!hasTool(tool('opt', 19))).concurrent.each(files)('%s: same module as the input for LLVM 19', async (_n, f) => {
    const input = f.text();
    const printed = printModule(parseText(input, f.path));
    const [a, b] = await Promise.all([canonical(toLLVM19(input), 19), canonical(toLLVM19(printed), 19)]);
    expect(a.code, `LLVM 19 rejects the rewritten fixture: ${a.stderr}`).toBe(0);
    expect(b.code === 0 ? '' : b.stderr).toBe('');
    expect(b.stdout === a.stdout, 'printed module differs from the input after LLVM normalizes both').toBe(true);
  }, 120_000);
});
