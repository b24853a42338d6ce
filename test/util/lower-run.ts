// Test helper: lower a hand-written module whose @main prints numbers and run it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SourceFile } from '../../src/diag/source.js';
import { verifyModule } from '../../src/ir/verify.js';
import { lowerModule } from '../../src/lower/lower.js';
import { printModule } from '../../src/print/printer.js';
import { parseModule } from '../../src/syntax/parse.js';

/** Lowers `text` (its __enzyme_* calls), checks the result with the verifier, runs it with `lli` from a file in `dir`, returns what it printed. */
export function lowerAndRun(text: string, lli: string, dir: string): string {
  const file = new SourceFile('t.ll', text);
  const m = parseModule(file);
  lowerModule(m, file);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  const out = join(dir, `m${Math.random().toString(36).slice(2)}.ll`);
  writeFileSync(out, printModule(m));
  return execFileSync(lli, [out], { encoding: 'utf8' });
}
