// The proc-macro crate's own tests (rust/enzyme-autodiff): `cargo test --offline` runs the
// expansion and error unit tests (src/tests.rs), the signature checks (tests/signatures.rs),
// the compile-fail tests with their spans (tests/ui.rs, tests/ui/*.rs) and the link error of a
// program built without enzyme-ts (tests/ui/link).
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_WRAPPER } from '../../src/driver/cargo.js';
import { ROOT } from '../util/llvm.js';
import { hasRustc } from '../util/rust.js';

describe.skipIf(!hasRustc())('rust/enzyme-autodiff', () => {
  test('cargo test --offline', () => {
    // Plain cargo, with the wrapper that gives cargo's probe of rustc an empty input: on a
    // machine whose /dev/null is a regular file, other tests' output there breaks the probe.
    const dir = join(ROOT, '.tmp', 'macro-target');
    mkdirSync(dir, { recursive: true });
    const wrapper = join(dir, 'rustc-probe-wrapper');
    writeFileSync(wrapper, PROBE_WRAPPER);
    chmodSync(wrapper, 0o755);
    const r = spawnSync('cargo', ['test', '--offline', '-q'], {
      cwd: join(ROOT, 'rust', 'enzyme-autodiff'), encoding: 'utf8',
      env: { ...process.env, CARGO_TARGET_DIR: dir, RUSTC_WRAPPER: wrapper },
    });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    const passed = [...out.matchAll(/test result: ok\. (\d+) passed/g)].reduce((s, m) => s + Number(m[1]), 0);
    console.log(`enzyme-autodiff: ${passed} Rust tests passed`);
    expect(passed).toBeGreaterThanOrEqual(15);
  }, 15 * 60_000);
});
