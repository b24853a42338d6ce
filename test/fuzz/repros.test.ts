// The findings of fuzz-grad (fixtures/fuzz/NAME): each reproducer is a self-checking C program
// (it prints `ok` and exits 0 when the derivative is right). Each is compiled by clang, lowered by
// enzyme-ts, compiled again and run, in the configurations where it used to fail.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { CARGO_CACHE, hasRustc } from '../util/rust.js';
import { rustToolchain, type RustToolchain } from '../../tools/fuzz-grad/runner.js';

const HAVE = ['clang-14', 'clang-19', 'llvm-as', 'llvm-as-19'].every(hasTool);
const AVX = (() => { try { return /\bavx\b/.test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { return false; } })();

/** `dir` is a folder of fixtures/fuzz, or `../wrong` for programs of fixtures/wrong. */
interface Case { dir: string; file: string; clang: 'clang-14' | 'clang-19'; flags: string[]; needs?: 'avx' }

const CASES: Case[] = [];
const add = (dir: string, file: string, configs: [Case['clang'], string[]][], needs?: 'avx'): void => {
  for (const [clang, flags] of configs) CASES.push({ dir, file, clang, flags, ...(needs ? { needs } : {}) });
};
const ALL: [Case['clang'], string[]][] = [['clang-14', ['-O0']], ['clang-14', ['-O2']], ['clang-19', ['-O0']], ['clang-19', ['-O2']]];
add('const-arg-shadow-O0', 'repro.c', ALL);
add('memmove-overlap', 'repro.c', [['clang-14', ['-O0']], ['clang-14', ['-O2']], ['clang-19', ['-O0']]]);
add('memmove-overlap', 'repro2.c', [['clang-14', ['-O0']], ['clang-14', ['-O2']]]);
add('const-table-phi', 'repro.c', ALL);
add('memset-part-of-dup', 'repro.c', ALL);
add('byval-callee-writes', 'repro.c', [...ALL, ['clang-19', ['-Os']]]);
add('join-select-struct-copy', 'repro.c', ALL);
add('global-joined-with-dup', 'repro.c', ALL);
add('global-pointer-table', 'repro.c', ALL);
add('global-pointer-table', 'repro2.c', ALL);
add('recursion-mixed-activity-O0', 'repro.c', ALL);
add('struct-copy-mixed-types', 'repro.c', ALL);
add('struct-copy-mixed-types', 'repro2.c', [...ALL, ['clang-14', ['-O2', '-ffast-math']]]);
add('struct-copy-mixed-types', 'repro3.c', ALL);
add('tape-vector-alignment-avx', 'repro.c', [['clang-14', ['-O2', '-mavx']], ['clang-19', ['-O2', '-mavx']], ['clang-19', ['-O3', '-mavx2', '-mfma']]], 'avx');
// Structs of floats and an int by value: `{ double, i32 }` and `{ <2 x float>, i32 }` at every
// level, and a `struct { float; int; float }` packed into an i64 with its float (clang -O1 and up).
for (const clang of ['clang-14', 'clang-19'] as const) {
  add('struct-float-int-byval', 'repro.c', [[clang, ['-O0']], [clang, ['-O1']], [clang, ['-O2']], [clang, ['-O3']], [clang, ['-O3', '-march=native']]]);
  // -O0 moves the packed structs through stack slots (memcpy, `load i64`, `store { i64, double }`).
  add('struct-float-int-byval', 'repro4.c', [[clang, ['-O0']]]);
  for (const f of ['repro2.c', 'repro3.c']) add('struct-float-int-byval', f, [[clang, ['-O0']], [clang, ['-O1']], [clang, ['-O2']], [clang, ['-O3']]]);
}
// fuzz-11011-39: memmove of two floats, a load i64 / store i64 at -O2 (was E0403).
add('float-pair-integer-copy', 'repro.c', [...ALL, ['clang-19', ['-O3', '-march=native']], ['clang-14', ['-O2', '-ffast-math']]]);
// fuzz-23232-328: a local table of the addresses of a global that carries derivatives, copied from
// a constant at -O0 (repro.c), and the same table static (repro2.c): reads through it were constants.
add('local-copy-of-address-table', 'repro.c', [...ALL, ['clang-14', ['-O1']], ['clang-19', ['-O1']]]);
add('local-copy-of-address-table', 'repro2.c', ALL);
add('select-const-and-loaded-pointer', 'repro.c', [['clang-14', ['-O0']], ['clang-19', ['-O0']]]);
// fuzz-19191-16: a constant vector with a poison lane (clang 19's SLP vectorizer) multiplied into
// the reverse: the poison reached the adjoint of the splatted value (was a wrong derivative).
add('vector-poison-lane', 'repro.c', [['clang-19', ['-O2']], ['clang-19', ['-O3']], ['clang-14', ['-O2']], ['clang-19', ['-O3', '-march=native']]]);
// fuzz-11011-163: the shadow of an `alloca <4 x double>, align 16` zeroed by a store without align (32 assumed).
add('shadow-alloca-vector-align', 'repro.c', [['clang-14', ['-O3', '-march=native']], ['clang-14', ['-O2', '-mavx']], ['clang-19', ['-O3', '-march=native']], ['clang-19', ['-O0']]], 'avx');
add('../wrong', 'split_tape_avx.c', [['clang-14', ['-O0', '-mavx']], ['clang-14', ['-O2', '-mavx']], ['clang-19', ['-O0', '-mavx']], ['clang-19', ['-O2', '-mavx']]], 'avx');

function sh(cmd: string, args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.signal ? ` (signal ${r.signal})` : ''}` };
}

describe.skipIf(!HAVE)('fuzz-grad findings (fixtures/fuzz) and fixtures/wrong: the reproducers now pass', () => {
  for (const c of CASES) {
    test.skipIf(c.needs === 'avx' && !AVX)(`${c.dir}/${c.file} ${c.clang} ${c.flags.join(' ')}`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'fuzz-repro-'));
      try {
        const src = join(ROOT, 'fixtures', 'fuzz', c.dir, c.file);
        let r = sh(c.clang, [...c.flags, '-S', '-emit-llvm', src, '-o', 'p.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', 'p.ll', '-o', 'p.ad.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(c.clang === 'clang-14' ? 'llvm-as' : 'llvm-as-19', ['p.ad.ll', '--disable-output'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(c.clang, [...c.flags, '-Wno-override-module', 'p.ad.ll', '-lm', '-o', 'p'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(join(tmp, 'p'), [], tmp);
        expect(r.out).toMatch(/: ok\n?$/);
        expect(r.code, r.out).toBe(0);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }, 180_000);
  }
});

// Findings that gave a wrong derivative with exit 0 and are now refused with a located error:
// lowering must stop with that code at the line of the construct (and write nothing).
interface Refused { dir: string; file: string; clang: 'clang-14' | 'clang-19'; flags: string[]; code: string; at: RegExp }
const REFUSED: Refused[] = [];
// repro4.c at -O2: @fb adds 1 to the int half of a packed `{ int, float }` with `add i64` and masks
// the float half away afterwards; the float bits meet integer arithmetic: refused at the packing.
for (const clang of ['clang-14', 'clang-19'] as const) {
  REFUSED.push({ dir: 'struct-float-int-byval', file: 'repro4.c', clang, flags: ['-O2'], code: 'E0403', at: /= insertvalue \{ i64, double \} (poison|undef), i64 %\d+, 0/ });
}
// (Was refused here: repro.c at -O0, E0403 at the memcpy of the packed struct, and fuzz-8383-26.cpp
// at -O0, E0403 at its load of `{ i64, <2 x float> }`; both are now differentiated, tested above
// and below.)

// fuzz-8383-26: a struct of four floats returned as { i64, <2 x float> } and loaded from its stack
// slot at -O0 (two floats in the i64): a wrong derivative once, then E0403; now the i64 is loaded
// as its two floats, and the generated checker (finite differences, both modes) agrees.
describe.skipIf(!HAVE || !hasTool('clang++-14') || !hasTool('clang++-19'))('fuzz-8383-26 at -O0 (two floats in an i64 through memory)', () => {
  for (const v of ['14', '19'] as const) {
    test(`clang ${v} -O0`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'fuzz-8383-'));
      try {
        const dir = join(ROOT, 'fixtures', 'fuzz', 'struct-float-int-byval');
        let r = sh(`clang++-${v}`, ['-O0', '-S', '-emit-llvm', join(dir, 'fuzz-8383-26.cpp'), '-o', 'p.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', 'p.ll', '-o', 'p.ad.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(v === '14' ? 'llvm-as' : 'llvm-as-19', ['p.ad.ll', '--disable-output'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(`clang++-${v}`, ['-O1', '-c', join(dir, 'fuzz-8383-26.check.cpp'), '-o', 'check.o'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(`clang++-${v}`, ['-Wno-override-module', 'p.ad.ll', 'check.o', '-lm', '-o', 'p'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(join(tmp, 'p'), [], tmp);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toMatch(/^FZ RESULT ok /m);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }, 180_000);
  }
});

// fuzz-12121-150: struct { int k; float x; float y; } returned by value at -O0: the return slot is
// `{ i64, float }` filled by a memcpy, so its i64 holds x (was a wrong derivative, d/dx = 0).
for (const clang of ['clang-14', 'clang-19'] as const) {
  REFUSED.push({ dir: 'struct-int-float-return-O0', file: 'repro.c', clang, flags: ['-O0'], code: 'E0403', at: /= load \{ i64, float \}, (ptr|\{ i64, float \}\*) %\d+, align 8|= call \{ i64, float \} @hv\(i64 %\d+, float %\d+\)/ });
}
// ... and right at -O2, where the packing is followed.
add('struct-int-float-return-O0', 'repro.c', [['clang-14', ['-O2']], ['clang-19', ['-O2']]]);

// fuzz-15151-597: two floats memcpy'd as one `load i64` whose first float is taken out by `trunc`
// + `bitcast` (clang -O1 and up): the trunc was taken as proof of an integer (was a wrong derivative
// at clang 19 -O2 and -Os, d/dm[1] = 1 for 3). E0403 where nothing tells the second float; right at -O0.
for (const [clang, flags] of [['clang-14', ['-O2']], ['clang-19', ['-O2']], ['clang-19', ['-Os']]] as const) {
  REFUSED.push({ dir: 'float-pair-load-truncated', file: 'repro.c', clang, flags: [...flags], code: 'E0403', at: /= load i64, (ptr|i64\*) %\d+, align 4/ });
}
add('float-pair-load-truncated', 'repro.c', [['clang-14', ['-O0']], ['clang-19', ['-O0']]]);

// fuzz-16161-148: memcpy of n floats out of a struct whose doubles follow the copied bytes (clang 19
// -O1 and up: an i8 GEP, nothing typed at the copy's start): the copy was taken as doubles (was a
// wrong derivative, d/dm2 = 0 for 1). E0403 at the memcpy; right with clang 14 and at -O0.
for (const flags of [['-O1'], ['-O2']]) {
  REFUSED.push({ dir: 'memcpy-variable-length-kind', file: 'repro.c', clang: 'clang-19', flags, code: 'E0403', at: /call void @llvm\.memcpy\.p0\.p0\.i64\(ptr align 4 %\d+, ptr (nonnull )?align 8 %\d+, i64 %\d+, i1 false\)/ });
}
// fuzz-23232-126: a select of a const argument and a pointer loaded from a duplicated struct, the
// same loaded pointer read for the return (was a wrong derivative, d/dv[0] = 0 for 1, at -O2).
for (const clang of ['clang-14', 'clang-19'] as const) {
  for (const flags of [['-O2'], ['-O3', '-march=native', '-ffast-math']]) {
    REFUSED.push({ dir: 'select-const-and-loaded-pointer', file: 'repro.c', clang, flags, code: 'E0401', at: /= load double, (ptr|double\*) %\d+, align 8/ });
  }
}
add('memcpy-variable-length-kind', 'repro.c', [['clang-14', ['-O0']], ['clang-14', ['-O2']], ['clang-19', ['-O0']]]);

describe.skipIf(!HAVE)('fuzz-grad findings now refused (fixtures/fuzz): a located error instead of a wrong number', () => {
  for (const c of REFUSED) {
    test(`${c.dir}/${c.file} ${c.clang} ${c.flags.join(' ')}: ${c.code}`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'fuzz-refused-'));
      try {
        const src = join(ROOT, 'fixtures', 'fuzz', c.dir, c.file);
        let r = sh(c.clang, [...c.flags, '-S', '-emit-llvm', src, '-o', 'p.ll'], tmp);
        expect(r.code, r.out).toBe(0);
        r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', 'p.ll', '-o', 'p.ad.ll'], tmp);
        expect(r.code, r.out).toBe(1);
        const m = new RegExp(`^p\\.ll:(\\d+):\\d+: error\\[${c.code}\\]`, 'm').exec(r.out);
        expect(m, r.out).not.toBeNull();
        const line = readFileSync(join(tmp, 'p.ll'), 'utf8').split('\n')[Number(m![1]) - 1] ?? '';
        expect(line).toMatch(c.at);
        expect(existsSync(join(tmp, 'p.ad.ll'))).toBe(false);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }, 180_000);
  }
});

// Findings on Rust programs (generator 6): `repro.rs` is a library crate with a `main` of the C
// ABI, compiled as fuzz-grad does it: rustc --crate-type=lib --emit=llvm-ir, enzyme-ts lower, the
// LLVM helper of `enzyme-ts cargo` (rustc's own LLVM: the IR is LLVM 22) to an object, linked by
// clang with Rust's std (an empty crate built as a staticlib) and run.
const RUST_CASES: { dir: string; opts: number[]; panic: ('abort' | 'unwind')[] }[] = [
  { dir: 'rust-alloc-shim', opts: [2, 3], panic: ['abort', 'unwind'] },
  { dir: 'rust-marker-null-check', opts: [0, 2], panic: ['abort', 'unwind'] },
  { dir: 'rust-vec-drop-unwind', opts: [2, 3], panic: ['unwind'] },
];

describe.skipIf(!hasRustc() || !hasTool('clang-19'))('fuzz-grad findings on Rust programs: the reproducers now pass', () => {
  const tc = ((): RustToolchain | { error: string } => {
    const prev = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = CARGO_CACHE;
    try { return rustToolchain(); } finally { if (prev === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = prev; }
  })();
  test('the Rust toolchain and its LLVM helper are usable', () => { expect('error' in tc ? tc.error : '').toBe(''); });
  for (const c of RUST_CASES) {
    for (const o of c.opts) {
      for (const panic of c.panic) {
        test.skipIf('error' in tc)(`${c.dir}/repro.rs rustc -C opt-level=${o} -C panic=${panic}`, () => {
          if ('error' in tc) return;
          const tmp = mkdtempSync(join(tmpdir(), 'fuzz-repro-rs-'));
          try {
            let r = sh(tc.rustc[0]!, [...tc.rustc.slice(1), '--crate-type=lib', '--emit=llvm-ir', '-C', `opt-level=${o}`, '-C', `panic=${panic}`,
              join(ROOT, 'fixtures', 'fuzz', c.dir, 'repro.rs'), '-o', 'p.ll'], tmp);
            expect(r.code, r.out).toBe(0);
            r = sh(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'lower', 'p.ll', '-o', 'p.ad.ll'], tmp);
            expect(r.code, r.out).toBe(0);
            r = sh(tc.helper, ['p.ad.ll', '--emit', 'obj', '--opt', String(o), '-o', 'p.o'], tmp);
            expect(r.code, r.out).toBe(0);
            r = sh('clang-19', ['p.o', tc.runtime(panic), '-lm', '-lpthread', '-ldl', '-o', 'p'], tmp);
            expect(r.code, r.out).toBe(0);
            r = sh(join(tmp, 'p'), [], tmp);
            expect(r.out).toMatch(/: ok\n?$/);
            expect(r.code, r.out).toBe(0);
          } finally {
            rmSync(tmp, { recursive: true, force: true });
          }
        }, 240_000);
      }
    }
  }
});
