import { describe, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasTool, tool } from '../util/llvm.js';
import { checkSemanticRoundTrip } from './roundtrip.js';

const dir = join(ROOT, 'fixtures', 'handwritten');
const file = (name: string) => ({ config: 'handwritten', name, path: join(dir, name), text: () => readFileSync(join(dir, name), 'utf8') });

describe('hand-written modules with constructs the corpus lacks', () => {
  test.skipIf(!hasTool(tool('opt', 14)))('rare-typed.ll through LLVM 14', async () => {
    await checkSemanticRoundTrip(file('rare-typed.ll'), 14);
  });
  test.skipIf(!hasTool(tool('opt', 19)))('rare-opaque.ll through LLVM 19', async () => {
    await checkSemanticRoundTrip(file('rare-opaque.ll'), 19);
  });
});
