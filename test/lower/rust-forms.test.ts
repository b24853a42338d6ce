// The forms of Enzyme calls Rust produces (test/lower/inputs/rust_forms.ll explains each):
// markers passed by address, `enzyme_primal_return` first, a `{}` result, and small structs
// returned in the C ABI's coercions (`{ float, float }` as `double` or `<2 x float>`,
// `{ float, float, float }` as `{ double, float }`), which must be copied bytewise: reading the
// double as one widened float gave wrong gradients with exit code 0.
import { describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { parseModule } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { lowerModule } from '../../src/lower/lower.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';

describe('Rust call forms', () => {
  test.skipIf(!hasTool('lli-19'))('lowered module runs under lli-19 and every value is right', () => {
    const path = join(ROOT, 'test', 'lower', 'inputs', 'rust_forms.ll');
    const file = new SourceFile('rust_forms.ll', readFileSync(path, 'utf8'));
    const m = parseModule(file);
    const r = lowerModule(m, file);
    expect(r.calls).toHaveLength(5);
    expect(verifyModule(m, null)).toEqual([]);
    const text = printModule(m);
    expect(text).not.toMatch(/@enzyme_(out|dup|const|primal_return)\b|__enzyme_autodiff/);
    const out = join(mkdtempSync(join(tmpdir(), 'enzyme-ts-rust-forms-')), 'm.ll');
    writeFileSync(out, text);
    execFileSync('llvm-as-19', [out, '--disable-output']);
    const run = spawnSync('lli-19', [out], { encoding: 'utf8' });
    expect(run.status, `${run.stderr}\n(exit code = number of wrong values)`).toBe(0);
  });
});
