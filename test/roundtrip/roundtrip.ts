// Shared body of the round-trip tests: parse + print a real module, then
// LLVM (of the version that produced it) must accept the output and give
// exactly the module it gives for the input.
import { expect } from 'vitest';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { verifyModule } from '../../src/ir/verify.js';
import { canonical, type CorpusFile, type LLVMVersion } from '../util/llvm.js';

export async function checkSemanticRoundTrip(f: CorpusFile, v: LLVMVersion): Promise<void> {
  const input = f.text();
  const m = parseText(input, f.path);
  expect(verifyModule(m, null).map((d) => d.message), 'the verifier accepts what LLVM accepts').toEqual([]);
  const printed = printModule(m);
  const [a, b] = await Promise.all([canonical(input, v), canonical(printed, v)]);
  expect(a.code, `LLVM ${v} rejects the fixture itself: ${a.stderr}`).toBe(0);
  expect(b.code === 0 ? '' : b.stderr, 'LLVM rejects the printed module').toBe('');
  if (a.stdout !== b.stdout) {
    const x = a.stdout.split('\n'); const y = b.stdout.split('\n');
    let i = 0;
    while (i < x.length && x[i] === y[i]) i++;
    expect(`line ${i + 1}: ${y[i] ?? '<end>'}`, 'printed module differs from the input after LLVM normalizes both')
      .toBe(`line ${i + 1}: ${x[i] ?? '<end>'}`);
  }
}

/** For IR newer than any LLVM here (rustc's LLVM 22): printing is a fixed point of parse + print. */
export function checkFixedPoint(f: CorpusFile): void {
  const once = printModule(parseText(f.text(), f.path));
  const twice = printModule(parseText(once, `${f.path} (printed)`));
  expect(twice === once, 'print(parse(print(parse(x)))) differs from print(parse(x))').toBe(true);
}
