// rustc's own autodiff lowering (nightly, -Zautodiff=Enable): fixtures/rust-nightly/*.ll are the
// modules it writes for src/*.rs before Enzyme runs (gen.sh), with `__enzyme_autodiff<mangled>`
// calls whose markers are marker globals passed by address and `enzyme_primal_return` first.
// Each is lowered by enzyme-ts, compiled by the toolchain's LLVM (which verifies it) and, when
// the nightly that made the fixtures is installed, linked against its libstd and run: every
// program checks its gradients against closed forms and prints `ok`.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../util/llvm.js';
import { runCli } from '../util/cli.js';
import { hasRustc, stableHelper } from '../util/rust.js';

const DIR = join(ROOT, 'fixtures', 'rust-nightly');
const TMP = join(ROOT, '.tmp', 'nightly-form');
const names = readdirSync(DIR).filter((f) => f.endsWith('.ll')).map((f) => f.slice(0, -3)).sort();

function nightly(): { ok: boolean; why: string; libdir: string; libstd: string } {
  const none = { ok: false, why: '', libdir: '', libstd: '' };
  const v = spawnSync('rustc', ['+nightly', '-vV'], { encoding: 'utf8' });
  if (v.status !== 0) return { ...none, why: 'no nightly toolchain' };
  if (v.stdout !== readFileSync(join(DIR, 'VERSION'), 'utf8')) return { ...none, why: 'the installed nightly is not the one that made the fixtures (fixtures/rust-nightly/gen.sh)' };
  const sys = spawnSync('rustc', ['+nightly', '--print', 'sysroot'], { encoding: 'utf8' }).stdout.trim();
  const host = /^host: (.*)$/m.exec(v.stdout)![1]!;
  const libdir = join(sys, 'lib', 'rustlib', host, 'lib');
  const libstd = readdirSync(libdir).find((f) => /^libstd-.*\.so$/.test(f));
  if (!libstd) return { ...none, why: 'the nightly has no libstd-*.so' };
  return { ok: true, why: '', libdir, libstd: libstd.slice(3, -3) };
}

/**
 * The allocator entry points libstd.so keeps hidden (`__rdl_alloc` & co.), which the module of a
 * binary calls: defined on malloc so the fixture links against the shared libstd.
 */
function allocatorShim(lowered: string): string {
  const names = [...new Set(lowered.match(/_RNv\w*___rdl_\w+/g) ?? [])];
  const def = (n: string): string => {
    if (n.endsWith('_rdl_alloc')) return `void *${n}(size_t n, size_t a) { return aligned_alloc(A(a), up(n, A(a))); }`;
    if (n.endsWith('_rdl_alloc_zeroed')) return `void *${n}(size_t n, size_t a) { void *p = aligned_alloc(A(a), up(n, A(a))); if (p) memset(p, 0, n); return p; }`;
    if (n.endsWith('_rdl_dealloc')) return `void ${n}(void *p, size_t n, size_t a) { free(p); }`;
    if (n.endsWith('_rdl_realloc')) return `void *${n}(void *p, size_t o, size_t a, size_t n) { void *q = aligned_alloc(A(a), up(n, A(a))); if (q && p) { memcpy(q, p, o < n ? o : n); free(p); } return q; }`;
    return '';
  };
  return ['#include <stdlib.h>', '#include <string.h>',
    'static size_t A(size_t a) { return a < 16 ? 16 : a; }', 'static size_t up(size_t n, size_t a) { return ((n ? n : 1) + a - 1) / a * a; }',
    ...names.map(def)].join('\n') + '\n';
}

describe.skipIf(!hasRustc())('rustc nightly autodiff form', () => {
  const nt = nightly();
  test('there are fixtures', () => {
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const n of names) expect(readFileSync(join(DIR, `${n}.ll`), 'utf8')).toMatch(/call .*@__enzyme_autodiff_\w+\(ptr nonnull @\w+, ptr nonnull @enzyme_/);
  });

  test.each(names)('%s: lowered, compiled by rustc\'s LLVM, run', (name) => {
    mkdirSync(TMP, { recursive: true });
    const out = join(TMP, `${name}.lowered.ll`);
    const r = runCli(['lower', '-v', `fixtures/rust-nightly/${name}.ll`, '-o', out]);
    expect(r.stderr).toMatch(/lowered: /);
    expect(r.code, r.stderr).toBe(0);
    const lowered = readFileSync(out, 'utf8');
    expect(lowered).not.toMatch(/__enzyme_autodiff|@enzyme_(dup|out|const|primal_return)\b/);
    const { helper } = stableHelper();
    const obj = join(TMP, `${name}.o`);
    const c = spawnSync(helper, [out, '--emit', 'obj', '-o', obj, '--passes', 'default<O2>'], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    if (!nt.ok) {
      console.log(`${name}: lowered and verified by LLVM; not run: ${nt.why}`);
      return;
    }
    const shim = join(TMP, `${name}.alloc.c`);
    writeFileSync(shim, allocatorShim(lowered));
    const exe = join(TMP, name);
    const l = spawnSync('cc', [obj, shim, '-o', exe, `-L${nt.libdir}`, `-l${nt.libstd}`, `-Wl,-rpath,${nt.libdir}`, '-lm'], { encoding: 'utf8' });
    expect(l.status, l.stderr).toBe(0);
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^ok$/m);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
