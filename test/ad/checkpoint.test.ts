// Loop checkpointing (src/tape/checkpoint.ts, docs/ad.md "Loop checkpointing"):
// the functions of programs/ckpt.c are differentiated with checkpoints every
// k = 1, 2, 3, 7 iterations (--checkpoint-every) and with a budget of 0 bytes
// (k = ceil(sqrt(n * state / tape)) at run time), built with clang -O2 and run:
// every derivative against central finite differences for trip counts 0, 1, ...,
// 1001 (multiples of k and not). Loops that cannot be checkpointed (inner loops,
// a loop containing one, an early exit, stores) keep their whole tape and stay
// right; --print-perf says which is which. One build runs under valgrind.
// The state in memory (programs/ckpt_mem.c, ckpt_mem_width.c): arrays updated in place and heap
// scratch, clang 14 and 19 at -O0 to -O3, k = 1, 2, 7 and the square-root rule, array sizes 0 to 17
// and 0 to 23 steps, at width 2 too: derivatives against finite differences, and the arrays after
// the derivative against what the primal leaves; a loop whose extent cannot be bounded keeps its
// tape and says why; one build under valgrind.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList, parseTapeBudget } from '../../src/driver/grad.js';
import { verifyModule } from '../../src/ir/verify.js';
import { ROOT, hasTool } from '../util/llvm.js';

const SRC = join(ROOT, 'test', 'ad', 'programs');
const FNS: [string, string][] = [
  ['osc', 'active,const,active,const'], ['series', 'dup,active,const'], ['logistic', 'active,active,const'],
  ['nest', 'active,active,const,const'], ['early', 'active,active,const'], ['store', 'active,dup,const'],
  ['twoloops', 'active,active,const'],
];

interface Built { text: string; perf: Map<string, string[]> }

function build(clang: string, flags: string[], opts: { checkpointEvery?: number; tapeBudget?: number | null }): Built {
  const ll = execFileSync(clang, [...flags, '-S', '-emit-llvm', join(SRC, 'ckpt.c'), '-o', '-'], { encoding: 'utf8' });
  const m = parseText(ll, 'ckpt.ll');
  const perf = new Map<string, string[]>();
  for (const [fn, args] of FNS) perf.set(fn, gradModule(m, { fn, args: parseArgList(args), ret: 'activeonly', ...opts }, null).perf);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), perf };
}

/** llvm-as, then clang -O2 with the driver, then the program (under valgrind when asked). */
function runNative(v: number, text: string, valgrind = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-ckpt-'));
  try {
    writeFileSync(join(dir, 'g.ll'), text);
    execFileSync(v === 14 ? 'llvm-as' : `llvm-as-${v}`, [join(dir, 'g.ll'), '-o', join(dir, 'g.bc')]);
    execFileSync(`clang-${v}`, ['-O2', '-w', join(dir, 'g.bc'), join(SRC, 'ckpt_main.c'), '-lm', '-o', join(dir, 'prog')]);
    const r = valgrind
      ? spawnSync('valgrind', ['--leak-check=full', '--errors-for-leak-kinds=all', '--error-exitcode=9', '-q', join(dir, 'prog')], { encoding: 'utf8' })
      : spawnSync(join(dir, 'prog'), [], { encoding: 'utf8' });
    return `${r.stdout}${r.status === 0 ? '' : `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 600)}`}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (b: Built, fn: string, re: RegExp): string[] => b.perf.get(fn)!.filter((l) => re.test(l));

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`llvm-as${suffix}`))(`loop checkpointing, clang-${v} -O2`, () => {
    for (const k of [1, 2, 3, 7]) {
      it(`every ${k} iterations: derivatives match finite differences`, () => {
        const b = build(`clang-${v}`, ['-O2'], { checkpointEvery: k });
        expect(runNative(v, b.text).trim()).toBe('all ok');
        // State in registers: checkpointed (each loop of the function that has a tape).
        for (const fn of ['osc', 'series', 'logistic', 'twoloops']) {
          const c = lines(b, fn, /checkpointed every/);
          expect(c.length, fn).toBeGreaterThan(0);
          for (const l of c) expect(l).toContain(`checkpointed every ${k} iterations (--checkpoint-every); state `);
          expect(lines(b, fn, /not checkpointed|tape kept whole/), fn).toEqual([]);
        }
        // A loop inside: its counter is part of the state, its tape holds one segment.
        expect(lines(b, 'nest', new RegExp(`checkpointed every ${k} iterations \\(--checkpoint-every\\); state \\d+ bytes \\(2 header phis, \\d+ counters of loops inside\\); the tapes of \\d+ loops inside hold one segment too`)).length).toBe(1);
        expect(lines(b, 'nest', /is not checkpointed/)).toEqual([]);
        // The others keep their tape, and say why.
        expect(lines(b, 'early', /is not checkpointed/).length).toBeGreaterThan(0);
        expect(lines(b, 'store', /is not checkpointed: it writes memory whose extent cannot be bounded at its entry/).length).toBeGreaterThan(0);
        for (const fn of ['early', 'store']) expect(lines(b, fn, /checkpointed every/), fn).toEqual([]);
      }, 120_000);
    }

    it('a budget of 0 bytes: k = ceil(sqrt(n * state / tape)), derivatives match', () => {
      const b = build(`clang-${v}`, ['-O2'], { tapeBudget: 0 });
      expect(runNative(v, b.text).trim()).toBe('all ok');
      expect(lines(b, 'osc', /checkpointed when its tape \(\d+ bytes per iteration\) exceeds 0 bytes, every k = ceil\(sqrt\(n \* \d+ \/ \d+\)\)/).length).toBeGreaterThan(0);
    }, 120_000);

    it('the default budget: the same code, nothing re-run for small loops, derivatives match', () => {
      const b = build(`clang-${v}`, ['-O2'], {});
      expect(runNative(v, b.text).trim()).toBe('all ok');
      expect(lines(b, 'osc', /exceeds 268435456 bytes/).length).toBeGreaterThan(0);
      // Unasked, loops that cannot be checkpointed are not reported (the report is about the tape).
      expect(lines(b, 'nest', /not checkpointed/)).toEqual([]);
      // The loop inside a checkpointable one keeps its block for the next call (src/tape/keep.ts),
      // at the block's whole size: a 26 MB k-means tape was malloc'd, grown and page-faulted in on
      // every call (14x the primal against 2x).
      const at = b.text.search(/^define .*@diffenest\(/m);
      expect(at).toBeGreaterThanOrEqual(0);
      const body = b.text.slice(at, b.text.indexOf('\n}\n', at));
      expect(body).toMatch(/call (ptr|i8\*) @__enzyme_ts_tape_take\(/);
      expect(body).toMatch(/call i64 @__enzyme_ts_tape_size\(/);
    }, 120_000);

    it('--tape-budget none: no checkpointing code at all', () => {
      const b = build(`clang-${v}`, ['-O2'], { tapeBudget: null });
      expect(runNative(v, b.text).trim()).toBe('all ok');
      for (const [, ls] of b.perf) expect(ls.filter((l) => /checkpoint/.test(l))).toEqual([]);
      expect(b.text).not.toContain('.replay');
    }, 120_000);
  });
}

describe.skipIf(!hasTool('clang-14'))('loop checkpointing at --width 2', () => {
  it('every 1 and 3 iterations: both lanes match finite differences', () => {
    const ll = execFileSync('clang-14', ['-O2', '-S', '-emit-llvm', join(SRC, 'ckpt_width.c'), '-o', '-'], { encoding: 'utf8' });
    for (const k of [1, 3]) {
      const m = parseText(ll, 'ckpt_width.ll');
      const perf = gradModule(m, { fn: 'oscp', args: parseArgList('dup,dup,const'), width: 2, checkpointEvery: k }, null).perf;
      expect(perf.filter((l) => l.includes(`checkpointed every ${k} iterations`)).length).toBe(1);
      expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-ckpt-w-'));
      try {
        writeFileSync(join(dir, 'g.ll'), printModule(m));
        execFileSync('llvm-as', [join(dir, 'g.ll'), '-o', join(dir, 'g.bc')]);
        execFileSync('clang-14', ['-O2', '-w', join(dir, 'g.bc'), join(SRC, 'ckpt_width_main.c'), '-lm', '-o', join(dir, 'prog')]);
        expect(spawnSync(join(dir, 'prog'), [], { encoding: 'utf8' }).stdout.trim(), `k=${k}`).toBe('all ok');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

describe.skipIf(!hasTool('clang-14') || !hasTool('valgrind'))('loop checkpointing under valgrind', () => {
  it('every 3 iterations: no invalid access, no leak (tape and checkpoints freed)', () => {
    const b = build('clang-14', ['-O2'], { checkpointEvery: 3 });
    expect(runNative(14, b.text, true).trim()).toBe('all ok');
  }, 300_000);
});

// rustc's own output (its LLVM is newer than 19: the derivative is written for LLVM 19 and built by clang-19).
describe.skipIf(!hasTool('rustc') || !hasTool('clang-19'))('loop checkpointing on rustc -O output', () => {
  it('every 3 iterations and a budget of 0 bytes: derivatives match finite differences', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-ckpt-rs-'));
    try {
      execFileSync('rustc', ['-O', '--crate-type=lib', '--emit=llvm-ir', join(SRC, 'ckpt.rs'), '-o', join(dir, 'osc.ll')]);
      for (const extra of [['--checkpoint-every', '3'], ['--tape-budget', '0']]) {
        const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'enzyme-ts.js'), 'grad', join(dir, 'osc.ll'), '-f', 'osc', '--args', 'active,active,const',
          '--ret', 'activeonly', ...extra, '--print-perf', '--target-llvm', '19', '-o', join(dir, 'g.ll')], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/perf: @osc: the loop %\S+: checkpointed /);
        execFileSync('clang-19', ['-O2', '-w', join(dir, 'g.ll'), join(SRC, 'ckpt_rs_main.c'), '-lm', '-o', join(dir, 'prog')]);
        expect(spawnSync(join(dir, 'prog'), [], { encoding: 'utf8' }).stdout.trim(), extra.join(' ')).toBe('all ok');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

// The loop's state in memory (src/tape/extent.ts): arrays updated in place, heap scratch freed after the loop.
const MEM_FNS: [string, string][] = [['rk4', 'dup,dup,const,const'], ['heat', 'dup,active,const,const'], ['lorenz', 'dup,active,const'], ['twice', 'dup,active,const,const']];

function buildMem(clang: string, flags: string[], opts: { checkpointEvery?: number; tapeBudget?: number | null; width?: number }): Built {
  const ll = execFileSync(clang, [...flags, '-S', '-emit-llvm', join(SRC, 'ckpt_mem.c'), '-o', '-'], { encoding: 'utf8' });
  const m = parseText(ll, 'ckpt_mem.ll');
  const perf = new Map<string, string[]>();
  for (const [fn, args] of MEM_FNS) perf.set(fn, gradModule(m, { fn, args: parseArgList(args), ret: 'activeonly', ...opts }, null).perf);
  expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
  return { text: printModule(m), perf };
}

function runMem(v: number, text: string, valgrind = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-ckpt-mem-'));
  try {
    writeFileSync(join(dir, 'g.ll'), text);
    execFileSync(v === 14 ? 'llvm-as' : `llvm-as-${v}`, [join(dir, 'g.ll'), '-o', join(dir, 'g.bc')]);
    execFileSync(`clang-${v}`, ['-O2', '-w', join(dir, 'g.bc'), join(SRC, 'ckpt_mem_main.c'), '-lm', '-o', join(dir, 'prog')]);
    const r = valgrind
      ? spawnSync('valgrind', ['--leak-check=full', '--errors-for-leak-kinds=all', '--error-exitcode=9', '-q', join(dir, 'prog')], { encoding: 'utf8' })
      : spawnSync(join(dir, 'prog'), [], { encoding: 'utf8' });
    return `${r.stdout.split('\n').slice(0, 12).join('\n')}${r.status === 0 ? '' : `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 600)}`}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const v of [14, 19]) {
  const suffix = v === 14 ? '' : `-${v}`;
  describe.skipIf(!hasTool(`clang-${v}`) || !hasTool(`llvm-as${suffix}`))(`loop checkpointing with the state in memory, clang-${v}`, () => {
    for (const k of [1, 2, 7]) {
      it(`-O2, every ${k} iterations: derivatives match finite differences, the arrays end as the primal leaves them`, () => {
        const b = buildMem(`clang-${v}`, ['-O2'], { checkpointEvery: k });
        expect(runMem(v, b.text).trim()).toBe('all ok');
        // In-place arrays and heap scratch: checkpointed with their memory; the frees of the scratch wait for the reverse.
        // (clang 14 unrolls the remainder of the vectorized loops over y: a path-dependent epilogue, y keeps its tape.)
        const rk = lines(b, 'rk4', /checkpointed/);
        if (v === 19) {
          expect(rk[0]).toMatch(new RegExp(`checkpointed every ${k} iterations \\(--checkpoint-every\\); state \\d+ bytes \\(\\d+ header phis, \\d+ counters of loops inside\\) and 6 memory ranges \\(argument 2, `));
          expect(rk[0]).toContain('5 frees of that memory deferred to the end of the reverse sweep');
        } else expect(rk[0]).toMatch(/is not checkpointed: its accesses through a pointer have no exact upper bound at its entry/);
        expect(lines(b, 'heat', new RegExp(`checkpointed every ${k} iterations .* and 2 memory ranges \\(argument 1, `)).length).toBe(1);
        // Two loops on the same array: the first keeps its memory in checkpoints, the second its tape.
        expect(lines(b, 'twice', /checkpointed every .* and 1 memory ranges/).length).toBe(1);
        expect(lines(b, 'twice', /is not checkpointed: another loop of the function is checkpointed with its memory/).length).toBe(1);
        // A loop whose accesses follow its own iteration (the sums after the time loops): not checkpointed, and why.
        expect(lines(b, 'heat', /is not checkpointed: it reads memory the function may overwrite, whose extent cannot be bounded at its entry/).length).toBeGreaterThan(0);
        expect(lines(b, 'lorenz', /checkpointed every/).length).toBe(1);
      }, 180_000);
    }
    it('-O2, a budget of 0 bytes: k from the state and tape sizes at run time, derivatives match', () => {
      const b = buildMem(`clang-${v}`, ['-O2'], { tapeBudget: 0 });
      expect(runMem(v, b.text).trim()).toBe('all ok');
      expect(lines(b, 'heat', /checkpointed when its tape \(\d+ bytes per iteration and the tapes of the loops inside, estimated at its entry\) exceeds 0 bytes, every k = ceil\(sqrt\(n \* S \/ T\)\)/).length).toBe(1);
    }, 180_000);
    for (const o of ['-O0', '-O1', '-O3']) {
      it(`${o}, every 3 iterations: derivatives match (checkpointed or not, with the reason)`, () => {
        const b = buildMem(`clang-${v}`, [o], { checkpointEvery: 3 });
        expect(runMem(v, b.text).trim()).toBe('all ok');
        for (const [fn] of MEM_FNS) {
          const ls = b.perf.get(fn)!.filter((l) => /checkpointed/.test(l));
          expect(ls.length, fn).toBeGreaterThan(0);
          if (o === '-O0') for (const l of ls) expect(l, fn).toMatch(/is not checkpointed: /);
        }
      }, 180_000);
    }
  });
}

describe.skipIf(!hasTool('clang-14'))('loop checkpointing with the state in memory at --width 2', () => {
  it('every 1 and 3 iterations: both lanes match finite differences, u ends as the primal leaves it', () => {
    const ll = execFileSync('clang-14', ['-O2', '-S', '-emit-llvm', join(SRC, 'ckpt_mem_width.c'), '-o', '-'], { encoding: 'utf8' });
    for (const k of [1, 3]) {
      const m = parseText(ll, 'ckpt_mem_width.ll');
      const perf = gradModule(m, { fn: 'diffuse', args: parseArgList('dup,dup,const,const'), width: 2, checkpointEvery: k }, null).perf;
      expect(perf.filter((l) => l.includes(`checkpointed every ${k} iterations`) && l.includes('and 2 memory ranges (argument 2, ')).length).toBe(1);
      expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-ckpt-mw-'));
      try {
        writeFileSync(join(dir, 'g.ll'), printModule(m));
        execFileSync('llvm-as', [join(dir, 'g.ll'), '-o', join(dir, 'g.bc')]);
        execFileSync('clang-14', ['-O2', '-w', join(dir, 'g.bc'), join(SRC, 'ckpt_mem_width_main.c'), '-lm', '-o', join(dir, 'prog')]);
        expect(spawnSync(join(dir, 'prog'), [], { encoding: 'utf8' }).stdout.trim(), `k=${k}`).toBe('all ok');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

describe.skipIf(!hasTool('clang-19') || !hasTool('valgrind'))('loop checkpointing with the state in memory under valgrind', () => {
  it('every 3 iterations: no invalid access, no leak (deferred frees, checkpoints of memory)', () => {
    const b = buildMem('clang-19', ['-O2'], { checkpointEvery: 3 });
    expect(runMem(19, b.text, true).trim()).toBe('all ok');
  }, 600_000);
});

describe('--tape-budget words', () => {
  it('bytes, K/M/G suffixes, none', () => {
    expect(parseTapeBudget('1000')).toBe(1000);
    expect(parseTapeBudget('64K')).toBe(65536);
    expect(parseTapeBudget('256M')).toBe(256 * 2 ** 20);
    expect(parseTapeBudget('2g')).toBe(2 * 2 ** 30);
    expect(parseTapeBudget('none')).toBe(null);
    expect(parseTapeBudget(undefined)).toBe(undefined);
    expect(() => parseTapeBudget('lots')).toThrow(/E0903|not a number of bytes/);
  });
});
