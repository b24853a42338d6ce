// The Rust toolchain from tests: whether one is here, and the LLVM helper of `enzyme-ts cargo`,
// built once per test run into a cache under .tmp/ that every test file shares.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './llvm.js';
import { ensureHelper, findToolchain, type Toolchain } from '../../src/driver/cargo-toolchain.js';

/** The cache directory the Rust tests use (XDG_CACHE_HOME for `enzyme-ts cargo`). */
export const CARGO_CACHE = join(ROOT, '.tmp', 'cargo-cache');

export function hasRustc(plus = ''): boolean {
  const r = spawnSync('rustc', [...(plus ? [plus] : []), '-vV'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The default toolchain and its helper (built on first use). */
export function stableHelper(): { tc: Toolchain; helper: string } {
  const prev = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = CARGO_CACHE;
  try {
    const tc = findToolchain(null);
    return { tc, helper: ensureHelper(tc, () => {}) };
  } finally {
    if (prev === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = prev;
  }
}
