// `check` end to end with hand-written derivatives standing in for the
// transform: the machinery (points, driver, lli, comparison) must accept a
// right derivative, reject a wrong one, and explain what it cannot run.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ArgActivity, GradResult, RetActivity } from '../../src/ad/api.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import type { Module } from '../../src/ir/module.js';
import { registerCheckCommand, runCheck, type CheckOptions, type DerivativeProvider } from '../../src/driver/check.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { DIFFE_EXAMPLE_DOT, DOT_OPAQUE, GATHER_OPAQUE, POLY, SQUARE_TYPED_FLOAT } from './fixtures.js';

const LLI14 = hasTool('lli-14') || hasTool('lli');
const LLI19 = hasTool('lli-19');

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-check-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** A provider returning an already written function of the module as "the derivative". */
function handWritten(name: string, args: ArgActivity[], ret: RetActivity): DerivativeProvider {
  return (m: Module): GradResult => {
    const fn = m.getFunction(name);
    if (!fn) throw new Error(`test fixture lacks @${name}`);
    return { fn, args, ret, perf: [] };
  };
}

interface Outcome { code: number; out: string }

async function check(opts: Omit<CheckOptions, 'out'>): Promise<Outcome> {
  let out = '';
  const code = await runCheck({ ...opts, out: (s) => { out += s; } });
  return { code, out };
}

/** The diagnostic `runCheck` throws (fails the test when it does not throw one). */
async function diagnostic(opts: Omit<CheckOptions, 'out'>): Promise<DiagnosticError> {
  try {
    await runCheck({ ...opts, out: () => {} });
  } catch (e) {
    if (e instanceof DiagnosticError) return e;
    throw e;
  }
  throw new Error('runCheck did not fail');
}

const rowOf = (out: string, label: string): string => {
  const line = out.split('\n').find((l) => l.startsWith(label + ' '));
  if (!line) throw new Error(`no row ${label} in:\n${out}`);
  return line;
};

describe('scalars', () => {
  test('a right derivative passes, with one row per active parameter and the primal', async () => {
    const r = await check({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('diffef', ['active', 'active'], 'active') });
    expect(r.code, r.out).toBe(0);
    expect(rowOf(r.out, '%x')).toMatch(/ ok$/);
    expect(rowOf(r.out, '%y')).toMatch(/ ok$/);
    expect(rowOf(r.out, 'return (primal)')).toMatch(/ ok$/);
    expect(r.out).toMatch(/^ok: 3 values agree/m);
  });

  test('at a given point the gradient is seed_r * (2x, 3)', async () => {
    const r = await check({ input: file('poly.ll', POLY), fn: 'f', at: '1.5, -2', derivative: handWritten('diffef', ['active', 'active'], 'active') });
    expect(r.code, r.out).toBe(0);
    const seedLine = /seeds: return (\S+)/.exec(r.out);
    const seed = Number(seedLine![1]);
    const analytic = (label: string): number => Number(rowOf(r.out, label).split(/\s+/)[1]);
    expect(analytic('%x')).toBeCloseTo(3 * seed, 9);
    expect(analytic('%y')).toBeCloseTo(3 * seed, 9);
    expect(r.out).toContain("point: --at '1.5,-2'");
  });

  test('a wrong derivative is a MISMATCH and exit 1', async () => {
    const r = await check({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('wrongf', ['active', 'active'], 'active') });
    expect(r.code).toBe(1);
    expect(rowOf(r.out, '%x')).toMatch(/ ok$/);
    expect(rowOf(r.out, '%y')).toMatch(/MISMATCH$/);
    expect(r.out).toMatch(/^FAILED: 1 of 3 values differ/m);
  });

  test('a wrong primal return is a MISMATCH', async () => {
    const r = await check({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('badprimalf', ['active', 'active'], 'active') });
    expect(r.code).toBe(1);
    expect(rowOf(r.out, 'return (primal)')).toMatch(/MISMATCH$/);
  });

  test('a function that is NaN at the point fails', async () => {
    const r = await check({ input: file('poly.ll', POLY), fn: 'root', at: '-1', derivative: handWritten('diffeRoot', ['active'], 'active') });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/the loss is nan at this point/);
  });

  test('the same seed gives the same point; another seed another one', async () => {
    const opts = { input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('diffef', ['active', 'active'], 'active') };
    const a = await check({ ...opts, seed: 7 });
    const b = await check({ ...opts, seed: '7' });
    const c = await check({ ...opts, seed: 8 });
    const point = (o: Outcome): string => /point: (.*)/.exec(o.out)![1]!;
    expect(point(a)).toBe(point(b));
    expect(point(a)).not.toBe(point(c));
    for (const v of /--at '([^']*)'/.exec(a.out)![1]!.split(',')) {
      expect(Math.abs(Number(v))).toBeGreaterThanOrEqual(0.1);
      expect(Math.abs(Number(v))).toBeLessThanOrEqual(1.5);
    }
  });
});

/** A width-2 derivative of POLY's @f: right, or (lane1Seed0) lane 1 computed with lane 0's seed. */
const POLY_W2 = (lane1Seed0: boolean): string => `
define { double, [2 x double], [2 x double] } @diffef2(double %x, double %y, [2 x double] %seed) {
entry:
  %r = call double @f(double %x, double %y)
  %s0 = extractvalue [2 x double] %seed, 0
  %s1 = extractvalue [2 x double] %seed, ${lane1Seed0 ? 0 : 1}
  %x2 = fmul double %x, 2.0
  %dx0 = fmul double %x2, %s0
  %dx1 = fmul double %x2, %s1
  %dy0 = fmul double %s0, 3.0
  %dy1 = fmul double %s1, 3.0
  %gx0 = insertvalue [2 x double] undef, double %dx0, 0
  %gx = insertvalue [2 x double] %gx0, double %dx1, 1
  %gy0 = insertvalue [2 x double] undef, double %dy0, 0
  %gy = insertvalue [2 x double] %gy0, double %dy1, 1
  %a0 = insertvalue { double, [2 x double], [2 x double] } undef, double %r, 0
  %a1 = insertvalue { double, [2 x double], [2 x double] } %a0, [2 x double] %gx, 1
  %a2 = insertvalue { double, [2 x double], [2 x double] } %a1, [2 x double] %gy, 2
  ret { double, [2 x double], [2 x double] } %a2
}
`;

describe('--width N', () => {
  test('each lane is checked against its own loss; a lane computed with another lane\'s seed is a MISMATCH', async () => {
    const d = handWritten('diffef2', ['active', 'active'], 'active');
    const good = await check({ input: file('poly-w2.ll', POLY + POLY_W2(false)), fn: 'f', width: 2, derivative: d });
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(/^seeds of lane 0: return \S+$/m);
    expect(good.out).toMatch(/^seeds of lane 1: return \S+$/m);
    for (const l of ['%x lane 0', '%y lane 0', '%x lane 1', '%y lane 1']) expect(rowOf(good.out, l)).toMatch(/ ok$/);
    // lane 0 sees the seeds a width-1 check sees
    const one = await check({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('diffef', ['active', 'active'], 'active') });
    expect(/seeds of lane 0: return (\S+)/.exec(good.out)![1]).toBe(/seeds: return (\S+)/.exec(one.out)![1]);
    expect(rowOf(good.out, '%x lane 0').split(/\s+/)[3]).toBe(rowOf(one.out, '%x').split(/\s+/)[1]);

    const bad = await check({ input: file('poly-w2-bad.ll', POLY + POLY_W2(true)), fn: 'f', width: 2, derivative: d });
    expect(bad.code).toBe(1);
    expect(rowOf(bad.out, '%x lane 0')).toMatch(/ ok$/);
    expect(rowOf(bad.out, '%x lane 1')).toMatch(/MISMATCH$/);
    expect(rowOf(bad.out, '%y lane 1')).toMatch(/MISMATCH$/);
  });
  test('a bad width is a usage error', async () => {
    for (const w of ['0', 'two']) {
      const e = await diagnostic({ input: file('poly.ll', POLY), fn: 'f', width: w });
      expect(e.exitCode).toBe(2);
      expect(e.diagnostics[0]!.message).toContain(`--width: '${w}' is not a batch width`);
    }
  });
});

describe.skipIf(!LLI19)('dup arrays, opaque pointers (LLVM 19)', () => {
  test('dot product: every element of both shadows agrees', async () => {
    const r = await check({ input: file('dot.ll', DOT_OPAQUE), fn: 'dot', derivative: handWritten('diffedot', ['dup', 'dup', 'const'], 'active') });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^%a\[7\] /m);
    expect(r.out).toMatch(/^%b\[7\] /m);
    expect(r.out).not.toMatch(/^%a\[8\] /m);
    // the integer parameter received the array length
    expect(r.out).toMatch(/--at '\[[^\]]*\],\[[^\]]*\],8'/);
    expect(r.out).toMatch(/with lli-19/);
  });

  test('--len and --at arrays', async () => {
    const input = file('dot.ll', DOT_OPAQUE);
    const d = handWritten('diffedot', ['dup', 'dup', 'const'], 'active');
    const r1 = await check({ input, fn: 'dot', len: 3, derivative: d });
    expect(r1.code, r1.out).toBe(0);
    expect(r1.out).toMatch(/^%a\[2\] /m);
    expect(r1.out).not.toMatch(/^%a\[3\] /m);
    const r2 = await check({ input, fn: 'dot', at: '[1 2;3], [4, 5 6], 3', derivative: d });
    expect(r2.code, r2.out).toBe(0);
    expect(r2.out).toContain("--at '[1 2 3],[4 5 6],3'");
  });

  test('a derivative that overwrites instead of accumulating is caught (shadows are seeded)', async () => {
    const r = await check({ input: file('dot.ll', DOT_OPAQUE), fn: 'dot', derivative: handWritten('noaccdot', ['dup', 'dup', 'const'], 'active') });
    expect(r.code).toBe(1);
    expect(rowOf(r.out, '%a[0]')).toMatch(/MISMATCH$/);
    expect(rowOf(r.out, '%b[0]')).toMatch(/ ok$/);
  });

  test('an index table behind a const pointer gets 0, 1, ..., n-1 (or the --at integers)', async () => {
    const input = file('gather.ll', GATHER_OPAQUE);
    const d = handWritten('diffegather', ['dup', 'const', 'const'], 'active');
    const r1 = await check({ input, fn: 'gather', len: 4, derivative: d });
    expect(r1.code, r1.out).toBe(0);
    expect(r1.out).toMatch(/,\[0 1 2 3\],4'/);
    // repeated indices: x[1] is read twice, x[3] never; L also holds seed_x . x (x is read-only)
    const r2 = await check({ input, fn: 'gather', at: '[1 2 3 4], i32[1 1 0 2], 4', derivative: d });
    expect(r2.code, r2.out).toBe(0);
    const seed = Number(/seeds: return ([^,\s]+)/.exec(r2.out)![1]);
    const sx = /%x \[([^\]]*)\]/.exec(r2.out)![1]!.split(' ').map(Number);
    expect(Number(rowOf(r2.out, '%x[1]').split(/\s+/)[1])).toBeCloseTo(sx[1]! + 2 * seed, 10);
    expect(Number(rowOf(r2.out, '%x[3]').split(/\s+/)[1])).toBeCloseTo(sx[3]!, 10);
    const e = await diagnostic({ input, fn: 'gather', at: '[1 2], [0.5 1], 2', derivative: d });
    expect(e.diagnostics[0]!.message).toMatch(/parameter %idx points to i32: give integers/);
  });

  test('a real clang 19 -O2 module (unrolled loop, fmuladd, attributes, metadata), --len 11 to reach the unrolled remainder', async () => {
    const input = file('example-dot.ll', readFileSync(join(ROOT, 'examples', 'dot.ll'), 'utf8') + DIFFE_EXAMPLE_DOT);
    const r = await check({ input, fn: 'dot', len: 11, derivative: handWritten('diffedot', ['dup', 'dup', 'const'], 'active') });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^%y\[10\] .* ok$/m);
  });

  test('dupnoneed is checked like dup', async () => {
    const r = await check({ input: file('dot.ll', DOT_OPAQUE), fn: 'dot', derivative: handWritten('diffedot', ['dupnoneed', 'dup', 'const'], 'active') });
    expect(r.code, r.out).toBe(0);
  });
});

describe.skipIf(!LLI14)('overwritten float arrays, typed pointers (LLVM 14)', () => {
  test('in-place square: the shadow seed of an overwritten element is consumed', async () => {
    const r = await check({ input: file('square.ll', SQUARE_TYPED_FLOAT), fn: 'square', derivative: handWritten('diffesquare', ['dup', 'const'], 'none') });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/relative tolerance (\S+ to )?0\.001/);
    expect(r.out).toMatch(/ with lli(-14)?$/m);
    expect(r.out).toMatch(/^%a\[7\] /m);
  });
});

describe('failures to run', () => {
  test('a derivative of the wrong signature is an internal error naming both', async () => {
    const e = await diagnostic({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('shapef', ['active', 'active'], 'active') });
    expect(e.diagnostics[0]!.code).toBe('E0999');
    expect(e.diagnostics[0]!.message).toMatch(/return type \{ double, double \}, expected \{ double, double, double \}/);
  });

  test('a crash under lli is reported with what lli said', async () => {
    const e = await diagnostic({ input: file('poly.ll', POLY), fn: 'f', derivative: handWritten('crashf', ['active', 'active'], 'active') });
    expect(e.diagnostics[0]!.message).toMatch(/(killed by SIG|exited with status)/);
    expect(e.diagnostics[0]!.notes!.join('\n')).toMatch(/ENZYME_TS_CHECK_KEEP/);
  });

  test('ENZYME_TS_LLI that does not run is reported', async () => {
    const e = await diagnostic({ input: file('poly.ll', POLY), fn: 'f', env: { ENZYME_TS_LLI: '/nonexistent/lli' }, derivative: handWritten('diffef', ['active', 'active'], 'active') });
    expect(e.diagnostics[0]!.message).toMatch(/ENZYME_TS_LLI='\/nonexistent\/lli' does not run/);
  });
});

describe('usage errors (E0903, exit 2)', () => {
  const poly = (): string => file('poly.ll', POLY);
  const d = handWritten('diffef', ['active', 'active'], 'active');
  const cases: [string, Omit<CheckOptions, 'out'>, RegExp][] = [
    ['too few --at values', { input: '', fn: 'f', at: '1' }, /--at gives 1 value, @f has 2 parameters/],
    ['an array for a scalar', { input: '', fn: 'f', at: '[1 2],3' }, /parameter %x is double, not a pointer/],
    ['not a number', { input: '', fn: 'f', at: '1,abc' }, /'abc' is not a number/],
    ['unbalanced bracket', { input: '', fn: 'f', at: '[1 2,3' }, /'\[' without '\]'/],
    ['unknown activity', { input: '', fn: 'f', args: 'active,bogus' }, /--args: 'bogus' \(item 2\) is not an activity/],
    ['unknown return activity', { input: '', fn: 'f', ret: 'sometimes' }, /--ret: 'sometimes' is not a return activity/],
    ['bad --len', { input: '', fn: 'f', len: '0' }, /--len: '0' is not an integer/],
    ['bad --tol', { input: '', fn: 'f', tol: 'x' }, /--tol: 'x' is not a tolerance/],
    ['bad --seed', { input: '', fn: 'f', seed: '-1' }, /--seed: '-1' is not a non-negative integer/],
  ];
  for (const [what, opts, msg] of cases) {
    test(what, async () => {
      const e = await diagnostic({ ...opts, input: poly(), derivative: d });
      expect(e.diagnostics[0]!.code).toBe('E0903');
      expect(e.exitCode).toBe(2);
      expect(e.diagnostics[0]!.message).toMatch(msg);
    });
  }

  test('an unknown function is E0405 (exit 2)', async () => {
    const e = await diagnostic({ input: poly(), fn: 'nope', derivative: d });
    expect(e.diagnostics[0]!.code).toBe('E0405');
    expect(e.exitCode).toBe(2);
    expect(e.diagnostics[0]!.message).toMatch(/no function @nope/);
  });

  test('a pointer given a number', async () => {
    const e = await diagnostic({ input: file('dot.ll', DOT_OPAQUE), fn: 'dot', at: '1,[1 2],2', derivative: handWritten('diffedot', ['dup', 'dup', 'const'], 'active') });
    expect(e.diagnostics[0]!.message).toMatch(/parameter %a is a pointer: give an array/);
  });

  test('an unreadable input is E0901', async () => {
    const e = await diagnostic({ input: join(tmp, 'missing.ll'), fn: 'f', derivative: d });
    expect(e.diagnostics[0]!.code).toBe('E0901');
  });
});

describe('the command', () => {
  test('registerCheckCommand parses the options and reports the exit code', async () => {
    const program = new Command('enzyme-ts').exitOverride();
    let exit = -1;
    registerCheckCommand(program, (c) => { exit = c; });
    // no derivative provider here: the real transform differentiates the polynomial
    await program.parseAsync(['node', 'enzyme-ts', 'check', file('poly.ll', POLY), '-f', 'f', '--at', '1,2', '--seed', '3']);
    expect(exit).toBe(0);
    const help = program.commands.find((c) => c.name() === 'check')!.helpInformation();
    for (const flag of ['--fn', '--args', '--ret', '--at', '--seed', '--tol', '--len']) expect(help).toContain(flag);
  });
});
