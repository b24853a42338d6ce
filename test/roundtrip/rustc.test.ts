import { describe, test } from 'vitest';
import { corpusFiles } from '../util/llvm.js';
import { checkFixedPoint } from './roundtrip.js';

// No LLVM 22 assembler exists here: rustc's output must at least be a fixed point.
describe('rustc (LLVM 22) output: print . parse is a fixed point', () => {
  test.each(corpusFiles((c) => c.startsWith('rustc')).map((f) => [`${f.config}/${f.name}`, f] as const))('%s', (_n, f) => {
    checkFixedPoint(f);
  });
});
