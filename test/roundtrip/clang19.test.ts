import { describe, test } from 'vitest';
import { corpusFiles, hasTool, tool } from '../util/llvm.js';
import { checkSemanticRoundTrip } from './roundtrip.js';

const files = corpusFiles((c) => c.startsWith('clang19'));

describe.skipIf(!hasTool(tool('opt', 19)))('round trip of clang-19 output through LLVM 19', () => {
  test.concurrent.each(files.map((f) => [`${f.config}/${f.name}`, f] as const))('%s', async (_n, f) => {
    await checkSemanticRoundTrip(f, 19);
  }, 120_000);
});
