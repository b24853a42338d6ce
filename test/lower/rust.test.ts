// A whole Rust program after fat LTO (fixtures/lower/rust/whole_program.rs: ~16 MB of IR, std
// included) lowered as `enzyme-ts lower` does it. Lazy loading reads a handful of its bodies and
// copies every other one through byte for byte; written for LLVM 19 (rustc prints LLVM 22, which
// nothing here reads), the program is accepted by llvm-as-19 and runs under lli-19, where it
// compares its gradient with the closed form and prints `ok`.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const SRC = join(ROOT, 'fixtures', 'lower', 'rust', 'whole_program.rs');

/** The bodies of `text` by function name: each `define` line ending in `{` through the next line `}`. */
function bodies(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^define [^\n]*?@("[^"]*"|[-\w$.]+)\([^\n]*\{$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = text.indexOf('\n}\n', open);
    out.set(m[1]!.replace(/^"(.*)"$/, '$1'), text.slice(open, close + 2)); // a name may print quoted or bare
  }
  return out;
}

describe.skipIf(!hasTool('rustc') || !hasTool('lli-19') || !hasTool('llvm-as-19'))('a whole Rust program', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-rust-whole-'));
  const ll = join(tmp, 'whole_program.ll');

  test('rustc writes the whole program as one module', () => {
    const r = spawnSync('rustc', ['-O', '-C', 'lto=fat', '--emit=llvm-ir,link', '-C', 'linker=true', SRC, '-o', join(tmp, 'whole_program')],
      { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(ll, 'utf8').length).toBeGreaterThan(5e6);
  }, 300_000);

  test('lower reads a few bodies and copies every other one as written', () => {
    const out = join(tmp, 'lowered.ll');
    const r = runCli(['lower', ll, '-o', out, '--print-perf']);
    expect(r.code, r.stderr).toBe(0);
    const m = /read (\d+) of (\d+) deferred function bodies/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const [read, total] = [Number(m![1]), Number(m![2])];
    expect(total).toBeGreaterThan(100);
    expect(read).toBeLessThanOrEqual(4); // main, energy and what lowering touches
    const before = bodies(readFileSync(ll, 'utf8'));
    const after = bodies(readFileSync(out, 'utf8'));
    let same = 0;
    for (const [name, body] of before) if (after.get(name) === body) same++;
    expect(same).toBeGreaterThanOrEqual(total - read);
  }, 300_000);

  test('written for LLVM 19, the program runs under lli-19 and its gradient is right', () => {
    const out = join(tmp, 'lowered19.ll');
    const r = runCli(['lower', ll, '--target-llvm', '19', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const as = spawnSync('llvm-as-19', [out, '-o', join(tmp, 'lowered19.bc')], { encoding: 'utf8' });
    expect(as.stderr).toBe('');
    const run = spawnSync('lli-19', [join(tmp, 'lowered19.bc')], { encoding: 'utf8', timeout: 240_000 });
    expect(run.stdout + run.stderr).toMatch(/^ok$/m);
    expect(run.status).toBe(0);
  }, 300_000);

  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});
