// The linker shim of `enzyme-ts cargo` (src/driver/cargo-link.ts) on its own: what it passes
// through untouched, what it refuses, and the Rust names it puts in notes.
import { afterEach, describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demangleRust, linkStep } from '../../src/driver/cargo-link.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { ENV } from '../../src/driver/cargo.js';

const saved = { ...process.env };
afterEach(() => { process.env = { ...saved }; });

/** A fake linker that records its arguments. */
function fakeLinker(dir: string): { path: string; log: string } {
  const log = join(dir, 'linker.log');
  const path = join(dir, 'ld.sh');
  writeFileSync(path, `#!/bin/sh\necho "$@" > '${log}'\n`, { mode: 0o755 });
  return { path, log };
}

describe('linker shim', () => {
  test('links unchanged when there is no whole-program IR next to the output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-shim-'));
    const ld = fakeLinker(dir);
    process.env[ENV.realLinker] = ld.path;
    process.env[ENV.helper] = '/nonexistent/helper';
    expect(linkStep(['-m64', join(dir, 'a.rcgu.o'), '-o', join(dir, 'prog')])).toBe(0);
  });

  test('links unchanged when the program calls no __enzyme_ function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-shim-'));
    const ld = fakeLinker(dir);
    process.env[ENV.realLinker] = ld.path;
    process.env[ENV.helper] = '/nonexistent/helper';
    writeFileSync(join(dir, 'prog.ll'), 'define i32 @main() {\n  ret i32 0\n}\n');
    expect(linkStep([join(dir, 'a.rcgu.o'), '-o', join(dir, 'prog')])).toBe(0);
  });

  test('refuses a link without exactly one LTO object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-shim-'));
    process.env[ENV.realLinker] = fakeLinker(dir).path;
    process.env[ENV.helper] = '/nonexistent/helper';
    writeFileSync(join(dir, 'prog.ll'), 'declare void @__enzyme_autodiff(ptr, ...)\n');
    let err: unknown = null;
    try { linkStep([join(dir, 'a.rcgu.o'), join(dir, 'b.rcgu.o'), '-o', join(dir, 'prog')]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).diagnostics[0]!.code).toBe('E0464');
    expect((err as DiagnosticError).message).toMatch(/exactly one object file .* found 2/);
  });

  test('Rust symbols are named in notes', () => {
    expect(demangleRust('_ZN11unsupported19__enzyme_ts_shim_df17h1019dc0246c11d60E')).toBe('unsupported::__enzyme_ts_shim_df');
    expect(demangleRust('_ZN93_$LT$core..slice..iter..Chunks$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4next17hccc4c498a25a699bE'))
      .toBe('<core::slice::iter::Chunks<T> as core::iter::traits::iterator::Iterator>::next');
    expect(demangleRust('main')).toBeNull();
  });
});
