// `enzyme-ts cargo`'s errors: no toolchain (E0460), a toolchain without its LLVM library
// (E0461), and a derivative enzyme-ts cannot generate, reported with its code and location in
// the program's IR rather than linked (E0402). A crate built without enzyme-ts fails to link
// with a symbol naming the fix: rust/enzyme-autodiff/tests/ui.rs checks that.
import { describe, expect, test } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../util/llvm.js';
import { runCli } from '../util/cli.js';
import { CARGO_CACHE, hasRustc } from '../util/rust.js';

describe('enzyme-ts cargo errors', () => {
  test('no Rust toolchain on PATH', () => {
    const empty = mkdtempSync(join(tmpdir(), 'enzyme-ts-empty-path-'));
    const r = runCli(['cargo', 'build'], { env: { PATH: empty, RUSTC: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0460\]: no Rust toolchain: 'rustc' was not found on PATH/);
    expect(r.stderr).toMatch(/rustup/);
  });

  test('a toolchain without its LLVM library', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-fake-rustc-'));
    const sysroot = join(dir, 'sysroot');
    mkdirSync(join(sysroot, 'lib'), { recursive: true });
    const rustc = join(dir, 'rustc');
    writeFileSync(rustc, `#!/bin/sh
case "$*" in
  *-vV*) printf 'rustc 1.80.0 (distro)\\nbinary: rustc\\nhost: x86_64-unknown-linux-gnu\\nrelease: 1.80.0\\nLLVM version: 18.1.0\\n' ;;
  *sysroot*) echo '${sysroot}' ;;
esac
`);
    chmodSync(rustc, 0o755);
    const r = runCli(['cargo', 'build'], { env: { RUSTC: rustc, XDG_CACHE_HOME: join(dir, 'cache') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0461\]: the Rust toolchain at .*sysroot \(rustc 1\.80\.0\) has no LLVM shared library \(lib\/libLLVM\*\.so\)/);
    expect(r.stderr).toMatch(/rustup/);
  });

  test.skipIf(!hasRustc())('a derivative that cannot be generated stops the build with a located error', () => {
    const r = runCli(['cargo', 'build', '--release', '-q', '--manifest-path', 'fixtures/cargo/unsupported/Cargo.toml'], {
      env: { XDG_CACHE_HOME: CARGO_CACHE, CARGO_TARGET_DIR: join(ROOT, '.tmp', 'unsupported-target'), CARGO_NET_OFFLINE: 'true' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/enzyme-ts: the link step reported:\n.*unsupported-[0-9a-f]+\.ll:\d+:\d+: error\[E0402\]: cannot differentiate .*inline assembly touches active data/);
  }, 20 * 60_000);
});
