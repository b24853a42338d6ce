// The Rust examples (examples/rust): each program differentiates with #[autodiff] and compares
// every gradient with finite differences, exiting non-zero on a mismatch. They are built and run
// offline through `enzyme-ts cargo run`, release for all of them and debug (opt-level 0: the
// differentiated functions are simplified by the toolchain's LLVM first) for a sample, plus the
// seed example's unit test through `enzyme-ts cargo test`. ENZYME_TS_RUST_ALL=1 runs every
// example in both profiles. The LLVM helper is built once per run into .tmp/cargo-cache; the
// examples share one target directory under .tmp.
import { beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { ROOT } from '../util/llvm.js';
import { runCli } from '../util/cli.js';
import { CARGO_CACHE, hasRustc } from '../util/rust.js';

const NAMES = ['seed', 'training', 'batch', 'slices', 'structs', 'float32', 'idioms', 'forward'];
const ALL = process.env.ENZYME_TS_RUST_ALL === '1';
const DEBUG = ALL ? NAMES : ['slices', 'idioms'];
const MANIFEST = join('examples', 'rust', 'Cargo.toml');
const ENV = { XDG_CACHE_HOME: CARGO_CACHE, CARGO_TARGET_DIR: join(ROOT, '.tmp', 'examples-target'), CARGO_NET_OFFLINE: 'true' };
const MINUTES = 60_000;

function cargo(args: string[]): { code: number | null; stdout: string; stderr: string; seconds: number } {
  const t0 = Date.now();
  const r = runCli(['cargo', ...args, '--manifest-path', MANIFEST], { env: ENV });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

describe.skipIf(!hasRustc())('examples/rust through enzyme-ts cargo', () => {
  beforeAll(() => {
    // One cargo invocation per profile builds every example (links run in parallel).
    const rel = cargo(['build', '--release', '--workspace', '-q']);
    console.log(`release build of ${NAMES.length} examples: ${rel.seconds.toFixed(1)} s`);
    expect(rel.code, rel.stderr).toBe(0);
    const dbg = cargo(['build', '-q', ...DEBUG.flatMap((n) => ['-p', n])]);
    console.log(`debug build of ${DEBUG.length} examples: ${dbg.seconds.toFixed(1)} s`);
    expect(dbg.code, dbg.stderr).toBe(0);
  }, 40 * MINUTES);

  test.each(NAMES)('%s (release)', (name) => {
    const r = cargo(['run', '--release', '-q', '-p', name]);
    expect(r.stdout).toMatch(/^ok: \d+ values of .* agree$/m);
    expect(r.stdout).not.toMatch(/MISMATCH/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 10 * MINUTES);

  test('seed: cargo test (debug)', () => {
    const r = cargo(['test', '-q', '-p', 'seed']);
    expect(r.stdout).toMatch(/test tests::gradient_of_the_seed_example \.\.\. ok|1 passed/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 15 * MINUTES);

  test.each(DEBUG)('%s (debug)', (name) => {
    const r = cargo(['run', '-q', '-p', name]);
    expect(r.stdout).toMatch(/^ok: \d+ values of .* agree$/m);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 10 * MINUTES);
});
