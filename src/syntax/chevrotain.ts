// Chevrotain's package entry (lib/src/api.js) loads several hundred lodash-es
// files: about 1.4 s of start-up measured here. The package also ships its
// single-file bundle (lib/chevrotain.mjs, the same version), which loads in
// well under 0.1 s; it is not in the package's "exports", so it is imported
// by path. Should a future version drop it, the regular entry is used.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href)) as typeof Chevrotain;
  } catch {
    return import('chevrotain');
  }
}

const chevrotain = await load();
export const { createToken, Lexer, EmbeddedActionsParser, EOF, LLkLookaheadStrategy, getLookaheadPaths, tokenMatcher } = chevrotain;
