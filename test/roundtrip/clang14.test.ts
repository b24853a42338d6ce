import { describe, test } from 'vitest';
import { corpusFiles, hasTool, tool } from '../util/llvm.js';
import { checkSemanticRoundTrip } from './roundtrip.js';

const files = corpusFiles((c) => c.startsWith('clang14'));

describe.skipIf(!hasTool(tool('opt', 14)))('round trip of clang-14 output through LLVM 14', () => {
  test.concurrent.each(files.map((f) => [`${f.config}/${f.name}`, f] as const))('%s', async (_n, f) => {
    await checkSemanticRoundTrip(f, 14);
  }, 120_000);
});
