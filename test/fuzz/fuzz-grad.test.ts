// Differential testing on random programs (tools/fuzz-grad, docs/fuzz-grad.md): a small sample
// of the generator's programs, each compiled by clang 14 and 19 at -O0 and -O2, lowered, run, and
// checked against finite differences by its own main. `npm run fuzz-grad` runs thousands; this
// test runs a fixed sample so that CI sees a regression, and checks that the checker can fail.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';
import { CARGO_CACHE, hasRustc } from '../util/rust.js';
import { generateProgram } from '../../tools/fuzz-grad/program.js';
import { fwdChecked, renderProgram } from '../../tools/fuzz-grad/checker.js';
import { programSeed } from '../../tools/fuzz-grad/seed.js';
import { CONFIGS, runConfig } from '../../tools/fuzz-grad/runner.js';
import { FEATURES } from '../../tools/fuzz-grad/features/index.js';

const HAVE = ['clang-14', 'clang-19', 'clang++-14', 'clang++-19', 'lli', 'lli-19'].every(hasTool);
/** The CI sample: 40 programs x 4 configurations (about a minute on two cores), generator 2. */
const SAMPLE_SEED = 1;
const SAMPLE_COUNT = 40;
const SAMPLE_GENERATOR = 2;
/**
 * Programs of the sample that fail because of a filed problem (fixtures/fuzz/NAME). A run of any
 * other program that finds something fails the test; when a fix makes one of these pass, the
 * test says so and the entry can go.
 */
const KNOWN: Record<string, string> = {
};

interface LoggedRun { config: string; outcome: string; code?: string; checked?: number }
interface LoggedProgram { id: string; tags: string[]; results: LoggedRun[] }

describe('fuzz-grad: the generator', () => {
  test('a seed gives the same program every time; different seeds give different programs', () => {
    const a = renderProgram(generateProgram(programSeed(7, 3), '7-3', { weights: {} }));
    const b = renderProgram(generateProgram(programSeed(7, 3), '7-3', { weights: {} }));
    const c = renderProgram(generateProgram(programSeed(7, 4), '7-4', { weights: {} }));
    expect(a).toEqual(b);
    expect(c.test).not.toEqual(a.test);
  });

  test('over 200 programs every feature is used, and weights switch features off', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const t of generateProgram(programSeed(5, i), `5-${i}`, { weights: { rust: 0 } }).tags) seen.add(t);
    for (const f of FEATURES) expect(seen, f.name).toContain(f.name);
    for (const t of ['heap:realloc', 'heap:new', 'recursion:tree', 'loop:while', 'loop:triangular', 'vector:gather', 'mem:memcpy',
      'global:mutable', 'struct:array', 'int:cast', 'kink:fmax', 'call:restrict', 'libm:pow', 'return:early']) expect(seen, t).toContain(t);
    // generator 7 (the default): the forms it adds
    for (const t of ['kink:copysign', 'kink:fmod', 'kink:round', 'kink:trunc', 'kink:ltrunc', 'complex:mul', 'complex:div', 'complex:conj',
      'cppvec:sized', 'cppvec:push', 'loop:size_t', 'loop:size_t-down', 'loop:unsigned', 'loop:long', 'float:itof-unsigned', 'float:itof-long']) expect(seen, t).toContain(t);
    const noLoops = new Set<string>();
    for (let i = 0; i < 50; i++) for (const t of generateProgram(programSeed(5, i), `5-${i}`, { weights: { loop: 0, while: 0, rust: 0 } }).tags) noLoops.add(t);
    expect(noLoops).not.toContain('loop');
    expect(noLoops).not.toContain('while');
  });
});

describe('fuzz-grad: generator 7', () => {
  test('what it adds is off in generator 6, and its programs compile (C, C++) with clang 14 and 19', () => {
    for (let i = 0; i < 40; i++) {
      const tags = generateProgram(programSeed(5, i), `5-${i}`, { weights: { rust: 0 }, version: 6 }).tags;
      for (const t of tags) expect(t).not.toMatch(/^(view2d|complex|cppvec|kink:(copysign|fmod|round|trunc|ltrunc)|loop:(size_t|unsigned|long)|float:itof)/);
    }
    if (!['clang-14', 'clang-19', 'clang++-14', 'clang++-19'].every(hasTool)) return;
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-g7-'));
    try {
      const weights = { rust: 0, cpp: 3, view2d: 3, complex: 3, cppvec: 3, 'expr:copysign': 3, 'expr:fmod': 3, 'expr:round': 3, 'expr:itof': 3 };
      for (let i = 0; i < 6; i++) {
        const p = generateProgram(programSeed(17, i), `17-${i}`, { weights });
        const s = renderProgram(p);
        const ext = p.lang === 'cpp' ? 'cpp' : 'c';
        for (const [name, text] of [['prog', s.test], ['check', s.check]] as const) {
          writeFileSync(join(dir, `${name}.${ext}`), text);
          for (const cc of ext === 'cpp' ? ['clang++-14', 'clang++-19'] : ['clang-14', 'clang-19']) {
            const r = spawnSync(cc, ['-fsyntax-only', '-Werror=implicit-function-declaration', join(dir, `${name}.${ext}`)], { encoding: 'utf8' });
            expect(r.status, `${p.id} ${name} ${cc}: ${r.stderr}`).toBe(0);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!HAVE)('fuzz-grad: random programs', () => {
  test(`${SAMPLE_COUNT} programs (seed ${SAMPLE_SEED}) x clang 14/19 x -O0/-O2: derivatives agree with finite differences`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-test-'));
    const log = join(dir, 'log.jsonl');
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', 'fuzz-grad', 'main.js'), '--count', String(SAMPLE_COUNT),
        '--seed', String(SAMPLE_SEED), '--generator', String(SAMPLE_GENERATOR), '--jobs', '2', '--no-extra', '--lli-every', '20', '--log', log, '--quiet'], { encoding: 'utf8', timeout: 900_000 });
      const programs = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LoggedProgram);
      const runs = programs.flatMap((p) => p.results);
      const isBug = (x: LoggedRun): boolean => !['ok', 'skip', 'refused'].includes(x.outcome);
      const unknown = programs.filter((p) => !KNOWN[p.id]).flatMap((p) => p.results.filter(isBug).map((x) => `${p.id} ${x.config}: ${x.outcome} ${x.code ?? ''}`));
      expect(unknown, r.stdout).toEqual([]);
      const fixed = Object.keys(KNOWN).filter((id) => programs.find((p) => p.id === id)?.results.every((x) => !isBug(x)));
      if (fixed.length) console.log(`fuzz-grad: now passing, remove from KNOWN: ${fixed.map((id) => `${id} (${KNOWN[id]})`).join(', ')}`);
      expect([0, 1], r.stderr).toContain(r.status);
      expect(programs.length).toBe(SAMPLE_COUNT);
      // the sample really checks derivatives: most runs pass with entries compared
      const ok = runs.filter((x) => x.outcome === 'ok');
      expect(ok.length).toBeGreaterThan(0.75 * runs.length);
      expect(ok.reduce((a, x) => a + (x.checked ?? 0), 0)).toBeGreaterThan(5 * ok.length);
      expect(r.stdout).toMatch(/^config +runs +ok +skip +mismatch/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);

  test('the checker reports a mismatch when the derivative is of a slightly different function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-mutant-'));
    try {
      let tried = 0;
      for (let i = 0; tried < 4; i++) {
        const p = generateProgram(programSeed(3, i), `3-${i}`, { weights: { cpp: 0, rust: 0 } });
        const s = renderProgram(p, { mutant: true });
        if (!s.test.includes('fz_mutant(')) continue;
        const d = join(dir, String(i));
        spawnSync('mkdir', ['-p', d]);
        writeFileSync(join(d, 'prog.c'), s.test);
        writeFileSync(join(d, 'check.c'), s.check);
        const cfg = CONFIGS[tried % 2 ? 'clang19-O2' : 'clang14-O0']!;
        const r = runConfig(d, 'prog.c', 'c', cfg, p.id);
        if (r.outcome === 'refused' || r.outcome === 'skip') continue;
        tried++;
        expect(r.outcome, `${p.id} ${cfg.name}: ${r.detail ?? ''}`).toBe('mismatch');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  test('forward mode (generator 5): the checker reports a mismatch when only __enzyme_fwddiff differentiates a slightly different function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-mutant-fwd-'));
    try {
      let tried = 0;
      for (let i = 0; tried < 3 && i < 60; i++) {
        const p = generateProgram(programSeed(3, i), `3-${i}`, { weights: { cpp: 0, rust: 0 } });
        if (!fwdChecked(p)) continue;
        const s = renderProgram(p, { mutant: 'fwd' });
        if (!s.test.includes('fz_mutant(')) continue;
        const d = join(dir, String(i));
        spawnSync('mkdir', ['-p', d]);
        writeFileSync(join(d, 'prog.c'), s.test);
        writeFileSync(join(d, 'check.c'), s.check);
        const cfg = CONFIGS[tried % 2 ? 'clang19-O2' : 'clang14-O0']!;
        const r = runConfig(d, 'prog.c', 'c', cfg, p.id);
        // the forward check runs when every coordinate has a finite difference
        if (r.outcome === 'refused' || r.outcome === 'skip' || r.checked !== r.coords) continue;
        tried++;
        expect(r.outcome, `${p.id} ${cfg.name}: ${r.detail ?? ''}`).toBe('mismatch');
        expect(r.detail ?? '').toMatch(/FZ BAD fwd tangent/);
      }
      expect(tried).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

describe.skipIf(!HAVE)('fuzz-grad: split mode (generator 8)', () => {
  test('the C programs of generator 8 are those of generator 7 but for how the gradient is taken; split mode runs and a mutant is caught', () => {
    let split = 0;
    for (let i = 0; i < 40; i++) {
      const p8 = generateProgram(programSeed(5, i), `5-${i}`, { weights: { rust: 0 } });
      const p7 = generateProgram(programSeed(5, i), `5-${i}`, { weights: { rust: 0 }, version: 7 });
      expect(p7.mode).toBe('autodiff');
      if (p8.mode === 'autodiff') expect(renderProgram(p8).check.replace('generator 8', 'generator 7')).toEqual(renderProgram(p7).check);
      else split++;
    }
    expect(split).toBeGreaterThan(5);
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-split-'));
    try {
      const seen = new Set<string>();
      let mutants = 0;
      let allocatedWithReturn = 0;
      for (let i = 0; (seen.size < 2 || mutants < 2 || allocatedWithReturn < 1) && i < 60; i++) {
        const p = generateProgram(programSeed(8, i), `8-${i}`, { weights: { cpp: 0, rust: 0, split: 3, allocated: 3 } });
        if (p.mode === 'autodiff') continue;
        const cfg = CONFIGS[i % 2 ? 'clang19-O2' : 'clang14-O0']!;
        for (const mutant of [false, true]) {
          const s = renderProgram(p, { mutant });
          if (mutant && !s.test.includes('fz_mutant(')) continue;
          expect(s.test).toContain('__enzyme_reverse(');
          const d = join(dir, `${i}${mutant ? 'm' : ''}`);
          spawnSync('mkdir', ['-p', d]);
          writeFileSync(join(d, 'prog.c'), s.test);
          writeFileSync(join(d, 'check.c'), s.check);
          const r = runConfig(d, 'prog.c', 'c', cfg, p.id);
          // a refusal of the C ABI call itself (E0421) is the generator's fault, never a way out
          expect(r.code, `${p.id} ${cfg.name}: ${r.detail ?? ''}`).not.toBe('E0421');
          if (r.outcome === 'refused' || r.outcome === 'skip') break;
          expect(r.outcome, `${p.id} ${cfg.name}${mutant ? ' (mutant)' : ''}: ${r.detail ?? ''}`).toBe(mutant ? 'mismatch' : 'ok');
          if (p.mode === 'allocated' && p.ret) allocatedWithReturn++;
          if (mutant) mutants++; else seen.add(p.mode!);
        }
      }
      expect([...seen].sort()).toEqual(['allocated', 'split']);
      expect(mutants).toBeGreaterThanOrEqual(2);
      expect(allocatedWithReturn).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

// Rust programs (generator 6): the generator's output compiles with rustc, a small sample runs
// through rustc -O0 (unwinding) and -O2 (panic=abort), and the checker catches a mutant there too.
const RUST_SAMPLE = { seed: 11, count: 4 };

describe('fuzz-grad: Rust programs (generator 6)', () => {
  test('ids keep naming the same programs: the C programs of generator 6 are those of generator 5', () => {
    let rust = 0;
    for (let i = 0; i < 30; i++) {
      const p6 = generateProgram(programSeed(5, i), `5-${i}`, { weights: {}, version: 6 });
      if (p6.lang === 'rust') { rust++; continue; }
      expect(renderProgram(p6).test.replace('generator 6', 'generator 5')).toEqual(renderProgram(generateProgram(programSeed(5, i), `5-${i}`, { weights: {}, version: 5 })).test);
    }
    expect(rust).toBeGreaterThan(3);
    const a = renderProgram(generateProgram(programSeed(7, 3), '7-3', { weights: { rust: 100 } }));
    expect(a).toEqual(renderProgram(generateProgram(programSeed(7, 3), '7-3', { weights: { rust: 100 } })));
    expect(a.glue).toBeDefined();
  });

  test('over 60 programs the Rust idioms all appear', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) for (const t of generateProgram(programSeed(5, i), `5-${i}`, { weights: { rust: 100 } }).tags) seen.add(t);
    for (const t of ['iter:map-sum', 'iter:zip-fold', 'iter:windows', 'iter:chunks', 'iter:enumerate', 'iter:max-fold', 'range-adapters', 'closure',
      'struct-impl', 'struct-method', 'helper', 'helper-mut', 'vec:collect', 'vec:push', 'vec:zeros', 'vec:array', 'iter_mut', 'zip_mut',
      'for:rev', 'for:step', 'for:tri', 'while', 'subslice', 'gather', 'kink', 'closure:dyn', 'closure:box', 'closure:fnptr', 'closure:fn-table']) expect(seen, t).toContain(t);
  });

  test.skipIf(!hasRustc() || !hasTool('clang-19'))('every program of a sample compiles with rustc, its checker and glue with clang', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-rs-'));
    try {
      for (let i = 0; i < 12; i++) {
        const p = generateProgram(programSeed(13, i), `13-${i}`, { weights: { rust: 100 } });
        const s = renderProgram(p);
        writeFileSync(join(dir, 'prog.rs'), s.test);
        writeFileSync(join(dir, 'check.c'), s.check);
        writeFileSync(join(dir, 'glue.c'), s.glue!);
        const r = spawnSync('rustc', ['--crate-type=lib', '--emit=metadata', '-o', join(dir, 'p.rmeta'), join(dir, 'prog.rs')], { encoding: 'utf8' });
        expect(r.status, `${p.id}: ${r.stderr}`).toBe(0);
        for (const c of ['check.c', 'glue.c']) {
          const cc = spawnSync('clang-19', ['-fsyntax-only', '-Werror=implicit-function-declaration', join(dir, c)], { encoding: 'utf8' });
          expect(cc.status, `${p.id} ${c}: ${cc.stderr}`).toBe(0);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  test.skipIf(!hasRustc() || !hasTool('clang-19'))(`${RUST_SAMPLE.count} programs x rustc -O0 (unwind) / -O2 (abort): derivatives agree with finite differences`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-rs-test-'));
    const log = join(dir, 'log.jsonl');
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', 'fuzz-grad', 'main.js'), '--count', String(RUST_SAMPLE.count),
        '--seed', String(RUST_SAMPLE.seed), '--weight', 'rust=100', '--rust-configs', 'rust-O0-unwind,rust-O2-abort', '--jobs', '1', '--no-extra',
        '--log', log, '--quiet'], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, XDG_CACHE_HOME: CARGO_CACHE } });
      const programs = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LoggedProgram);
      const runs = programs.flatMap((p) => p.results);
      expect(runs.filter((x) => !['ok', 'skip', 'refused'].includes(x.outcome)).map((x) => `${x.config}: ${x.outcome} ${x.code ?? ''}`), r.stdout).toEqual([]);
      expect(programs.length).toBe(RUST_SAMPLE.count);
      const ok = runs.filter((x) => x.outcome === 'ok');
      // every -O2 run checks derivatives; -O0 refuses what docs/rust.md lists (Vec allocation, ...)
      expect(ok.filter((x) => x.config === 'rust-O2-abort').length, r.stdout).toBe(RUST_SAMPLE.count);
      expect(ok.reduce((a, x) => a + (x.checked ?? 0), 0)).toBeGreaterThan(3 * ok.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);

  test.skipIf(!hasRustc() || !hasTool('clang-19'))('the checker reports a mismatch when the derivative (reverse, then forward) is of a slightly different function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-grad-rs-mutant-'));
    const prev = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = CARGO_CACHE;
    try {
      let tried = 0;
      for (let i = 0; tried < 2 && i < 30; i++) {
        const p = generateProgram(programSeed(3, i), `3-${i}`, { weights: { rust: 100 } });
        const mode = tried === 0 ? true : 'fwd' as const;
        const s = renderProgram(p, { mutant: mode });
        if (!s.test.includes('fz_mutant(')) continue;
        const d = join(dir, String(i));
        spawnSync('mkdir', ['-p', d]);
        writeFileSync(join(d, 'prog.rs'), s.test);
        writeFileSync(join(d, 'check.c'), s.check);
        writeFileSync(join(d, 'glue.c'), s.glue!);
        const r = runConfig(d, 'prog.rs', 'rust', CONFIGS['rust-O2-abort']!, p.id);
        if (r.outcome === 'refused' || r.outcome === 'skip' || r.checked !== r.coords) continue;
        tried++;
        expect(r.outcome, `${p.id}: ${r.detail ?? ''}`).toBe('mismatch');
        if (mode === 'fwd') expect(r.detail ?? '').toMatch(/FZ BAD fwd tangent/);
      }
      expect(tried).toBe(2);
    } finally {
      if (prev === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = prev;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
