// The demanglers against GNU c++filt: a committed set of real names with what c++filt printed
// for them, then (where the tools exist) names read from this machine's libraries and from a
// program rustc compiles now, demangled by c++filt and by us side by side.
import { describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demangleItanium } from '../../src/demangle/itanium.js';
import { demangleRust } from '../../src/demangle/rust.js';
import { demangle } from '../../src/demangle/index.js';
import { withDemangledNames } from '../../src/diag/render.js';
import { ROOT, hasTool } from '../util/llvm.js';
import fc from 'fast-check';

/** What c++filt prints, our way: Rust with hashes (as c++filt keeps them), else C++. */
function asCxxfilt(name: string): string {
  if (name.startsWith('_R')) return demangleRust(name, { rustHash: true }) ?? name;
  return demangleRust(name, { rustHash: true }) ?? demangleItanium(name) ?? name;
}

function cases(): [string, string][] {
  const lines = readFileSync(join(ROOT, 'test', 'demangle', 'cxxfilt-cases.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const out: [string, string][] = [];
  for (let k = 0; k + 1 < lines.length; k += 2) out.push([lines[k]!, lines[k + 1]!]);
  return out;
}

/** c++filt on many names at once (one process). */
function cxxfilt(names: string[]): string[] {
  return execFileSync('c++filt', [], { input: names.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').slice(0, names.length);
}

describe('committed c++filt output', () => {
  const all = cases();
  test('the set covers C++, Rust v0 and Rust legacy names', () => {
    expect(all.filter(([m]) => m.startsWith('_Z')).length).toBeGreaterThan(800);
    expect(all.filter(([m]) => m.startsWith('_R')).length).toBeGreaterThan(200);
    expect(all.filter(([m]) => /17h[0-9a-f]{16}E$/.test(m)).length).toBeGreaterThan(100);
  });
  test('every name demangles as c++filt printed it', () => {
    const wrong = all.filter(([m, e]) => asCxxfilt(m) !== e).map(([m, e]) => `${m}\n  c++filt: ${e}\n  ours:    ${asCxxfilt(m)}`);
    expect(wrong.slice(0, 5).join('\n')).toBe('');
  });
  test.runIf(hasTool('c++filt'))('the committed output is what this c++filt prints', () => {
    const sample = all.filter((_, k) => k % 7 === 0);
    const now = cxxfilt(sample.map(([m]) => m));
    sample.forEach(([, e], k) => expect(now[k]).toBe(e));
  });
});

describe('C++ details c++filt users know', () => {
  test.each([
    ['_Z4normPKdi', 'norm(double const*, int)'],
    ['_ZNSt6vectorIiSaIiEE9push_backERKi', 'std::vector<int, std::allocator<int> >::push_back(int const&)'],
    ['_ZZ4mainENKUlvE_clEv', 'main::{lambda()#1}::operator()() const'],
    ['_Z3fooPFvvE', 'foo(void (*)())'],
    ['_Z3fooRA3_i', 'foo(int (&) [3])'],
    ['_Z1fM1AKFivE', 'f(int (A::*)() const)'],
    ['_Z3sumIJidEEDaDpT_', 'auto sum<int, double>(int, double)'],
    ['_Z3foov.cold', 'foo() [clone .cold]'],
    ['_Z3foov.constprop.0.isra.0', 'foo() [clone .constprop.0] [clone .isra.0]'],
    ['_ZTV1A', 'vtable for A'],
    ['_ZN12_GLOBAL__N_11fEv', '(anonymous namespace)::f()'],
    ['_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_createERmm', 'std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_create(unsigned long&, unsigned long)'],
  ])('%s', (m, want) => {
    expect(demangleItanium(m)).toBe(want);
  });

  test('not a mangled name, or a broken one: null, never an exception', () => {
    for (const m of ['main', '_Z', '_ZN', '_Z3fo', '_ZN3fooE', '_ZSt', '_Z1fIT_Ev', '_RNv', '_ZN4core3fmt17hXXXXXXXXXXXXXXXXE', '_Z' + 'P'.repeat(5000) + 'i']) {
      expect(() => demangle(m)).not.toThrow();
    }
    expect(demangle('main')).toBeNull();
    expect(demangle('_Z3fo')).toBeNull();
  });
});

describe('hostile names', () => {
  test('random strings of mangling characters: a string or null, never an exception, never an absurd expansion', () => {
    const alphabet = '_ZRNSsIJEKPVOTDdpntilvcfUuXYMBCGHbhjmxyFAkrz0123456789'.split('');
    fc.assert(fc.property(fc.constantFrom('_Z', '_ZN', '_R', '_RN', '_ZZ'), fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }), (head, tail) => {
      const r = demangle(head + tail.join(''), { rustHash: true });
      return r === null || (typeof r === 'string' && r.length <= 65536);
    }), { numRuns: 3000, seed: 14 });
  });
  test('substitutions that double at each step are refused rather than expanded', () => {
    // each template argument list repeats the previous type twice
    let m = '_Z1fI1A';
    for (let k = 0; k < 40; k++) m += 'IS0_S0_E';
    expect(() => demangle(m + 'Ev')).not.toThrow();
  });
});

describe('Rust', () => {
  test('legacy names: the hash is dropped for people, kept for c++filt parity', () => {
    const m = '_ZN58_$LT$alloc..string..String$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE';
    expect(demangle(m)).toBe('<alloc::string::String as core::fmt::Debug>::fmt');
    expect(demangleRust(m, { rustHash: true })).toBe('<alloc::string::String as core::fmt::Debug>::fmt::h0123456789abcdef');
  });
  test('legacy escapes of non-ASCII identifiers are decoded (c++filt 2.40 leaves them)', () => {
    expect(demangle('_ZN2r213gr$uf6$$udf$e17hf5a9b806b1c89f6cE')).toBe('r2::größe');
  });
  test('v0: crate hashes and constant types only in the c++filt form', () => {
    expect(demangle('_RINvCs1234_7mycrate3fooKj3_EB2_')).toBe('mycrate::foo::<3>');
    expect(demangleRust('_RINvCs1234_7mycrate3fooKj3_EB2_', { rustHash: true })).toBe('mycrate[3c1c0]::foo::<3: usize>');
    expect(demangle('_RNvXs_Cs1234_7mycrateNtB4_3FooNtNtCs5678_4core3fmt5Debug3fmt')).toBe('<mycrate::Foo as core::fmt::Debug>::fmt');
  });
});

describe('in diagnostics', () => {
  test('a mangled name in a message is followed by its demangled form, once', () => {
    expect(withDemangledNames('cannot differentiate @_Z4normPKdi: @_Z7mysteryd touches active data'))
      .toBe('cannot differentiate @_Z4normPKdi (norm(double const*, int)): @_Z7mysteryd (mystery(double)) touches active data');
    expect(withDemangledNames('@f and @"_ZN1a1bEv"')).toBe('@f and @"_ZN1a1bEv" (a::b())');
    expect(withDemangledNames('@_Z1fv (f()) already')).toBe('@_Z1fv (f()) already');
  });
});

describe.runIf(hasTool('c++filt') && hasTool('nm'))('this machine\'s libraries, against c++filt', () => {
  test('C++ names of libstdc++ (a sample), as c++filt prints them', () => {
    const lib = ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/aarch64-linux-gnu/libstdc++.so.6'].find((p) => { try { readFileSync(p, { flag: 'r' }).length; return true; } catch { return false; } });
    if (!lib) return;
    const names = [...new Set(execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\n').map((l) => l.split(' ').pop()!.replace(/@.*/, '')).filter((n) => n.startsWith('_Z')))].sort().filter((_, k) => k % 4 === 0);
    expect(names.length).toBeGreaterThan(500);
    const want = cxxfilt(names);
    const wrong = names.filter((n, k) => want[k] !== n && asCxxfilt(n) !== want[k]);
    expect(wrong.length / names.length).toBeLessThan(0.002);
  });

  test.runIf(hasTool('rustc'))('names rustc writes now, legacy and v0, as c++filt prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-demangle-'));
    try {
      writeFileSync(join(dir, 'm.rs'), `use std::collections::HashMap;
pub trait Shape { fn area(&self) -> f64; }
pub struct Sq(pub f64);
impl Shape for Sq { fn area(&self) -> f64 { self.0 * self.0 } }
pub struct Grid<T, const N: usize>(pub [T; N]);
impl<T: Copy + Into<f64>, const N: usize> Grid<T, N> { pub fn total(&self) -> f64 { self.0.iter().map(|&x| x.into()).sum() } }
pub fn apply<F: Fn(f64) -> f64>(f: F, x: f64) -> f64 { f(x) }
pub fn shapes(v: &[Box<dyn Shape + Send>], w: &mut HashMap<String, (u8, char)>) -> f64 { w.clear(); v.iter().map(|s| s.area()).sum() }
fn main() {
  let v: Vec<Box<dyn Shape + Send>> = vec![Box::new(Sq(2.0))];
  let mut w = HashMap::new();
  println!("{} {} {}", shapes(&v, &mut w), apply(|x| x * 2.0, 3.0), Grid::<f32, 3>([1.0, 2.0, 3.0]).total());
}
`);
      const names: string[] = [];
      for (const v of ['legacy', 'v0']) {
        const exe = join(dir, `m-${v}`);
        const args = ['-C', 'opt-level=0', join(dir, 'm.rs'), '-o', exe];
        if (v === 'v0') args.push('-C', 'symbol-mangling-version=v0');
        const r = spawnSync('rustc', args, { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        for (const line of execFileSync('nm', [exe], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n')) {
          const n = line.split(' ').pop()!;
          if (/^_R|^_ZN.*17h[0-9a-f]{16}E/.test(n) && !/\$u[0-9a-f]{2,}\$/.test(n.replace(/\$u(20|22|27|5b|5d|7b|7d|7e)\$/g, ''))) names.push(n);
        }
      }
      expect(names.filter((n) => n.startsWith('_R')).length).toBeGreaterThan(100);
      expect(names.filter((n) => n.startsWith('_ZN')).length).toBeGreaterThan(50);
      const want = cxxfilt(names);
      const wrong = names.filter((n, k) => asCxxfilt(n) !== want[k]).map((n) => `${n}\n  ${want[names.indexOf(n)]}\n  ${asCxxfilt(n)}`);
      expect(wrong.slice(0, 3).join('\n')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
