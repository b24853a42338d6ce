// `grad` and `activity` as a user meets them: options, defaults, and the
// diagnostics for what cannot be differentiated (contract sections 4, 5, 8).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, run } from '../util/llvm.js';
import { runCli, type CliResult } from '../util/cli.js';

const INPUT = 'test/ad/inputs/errors.ll';

const cli = (args: string[], env: Record<string, string> = {}): CliResult => runCli(args, { env });

describe('grad diagnostics', () => {
  it('the fast inverse square root without a registered derivative: E0403, at -O0 (memcpy into an int) and -O2 (bitcasts)', () => {
    const want: Record<string, RegExp> = {
      'clang14-O0': /the bytes of active floating data are copied into integer memory that the function computes on/,
      'clang19-O0': /the bytes of active floating data are copied into integer memory that the function computes on/,
      'clang14-O2': /integer arithmetic on the bits of an active floating value/,
      'clang19-O2': /integer arithmetic on the bits of an active floating value/,
    };
    for (const [cfg, re] of Object.entries(want)) {
      const r = cli(['grad', `fixtures/corpus/${cfg}/c-bittricks.ll`, '-f', 'q_rsqrt_memcpy']);
      expect(r.code, cfg).toBe(1);
      expect(r.stderr, cfg).toMatch(/error\[E0403\]/);
      expect(r.stderr, cfg).toMatch(re);
      expect(r.stderr, cfg).toContain('register a custom derivative');
    }
  });
  it('a select of a dup and a const array pointer, then a load: E0401 at the load; both dup works', () => {
    for (const cfg of ['clang14', 'clang19']) {
      const r = cli(['grad', `fixtures/grad/${cfg}/select_ptr.O2.ll`, '-f', 'blend', '--args', 'dup,const,const,const']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[E0401\]: cannot differentiate @blend: this load may reach duplicated memory or constant memory/);
      expect(r.stderr).toContain('make the const argument dup');
    }
  });
  it('floating data read through an inttoptr of an integer from no pointer: E0401 at the load', () => {
    for (const cfg of ['clang14', 'clang19']) {
      const r = cli(['grad', `fixtures/grad/${cfg}/inttoptr.O2.ll`, '-f', 'from_nowhere', '--args', 'dup,const']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[E0401\]: cannot differentiate @from_nowhere: floating data loaded from memory reached through an inttoptr the tool cannot follow/);
    }
  });
  it('an external function without a derivative on the active path: E0402 at its line, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-ts-grad-'));
    try {
      const out = join(dir, 'out.ll');
      const r = cli(['grad', INPUT, '-f', 'uses_mystery', '-o', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${INPUT}:7:3: error[E0402]: cannot differentiate @uses_mystery: @mystery touches active data`);
      expect(r.stderr).toContain('make its arguments const');
      expect(existsSync(out)).toBe(false);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
  it('an external call on inactive data is kept', () => {
    const r = cli(['grad', INPUT, '-f', 'ignores_mystery']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('define { double, double } @diffeignores_mystery(double %x, double %differeturn)');
  });
  it('inline asm on active data: E0402', () => {
    const r = cli(['grad', INPUT, '-f', 'asm_active']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:18:3: error\[E0402\]: .*inline assembly touches active data/);
  });
  it('an integer copy of memory typed double is differentiated as a copy of doubles (E0403 before type analysis retyped it)', () => {
    const r = cli(['grad', INPUT, '-f', 'intcopy', '--args', 'dup']);
    expect(r.code, r.stderr).toBe(0);
    const body = r.stdout.slice(r.stdout.indexOf('define void @diffeintcopy('));
    // the adjoint of p[1] is read as a double, cleared, and added into the adjoint of p[0]
    expect(body).toMatch(/%v = load double, double\* %\d+/);
    expect(body).toMatch(/store double 0x0000000000000000, double\* %\d+(, !noalias !\d+)?\n/);
    expect(body).toMatch(/fadd double %\d+, %dv/);
    // cases the analysis cannot prove stay E0403: test/ad/intcopy.test.ts
  });
  it('usage errors name the parameter and exit 2', () => {
    let r = cli(['grad', INPUT, '-f', 'two', '--args', 'active,active']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("parameter 1 (%p) of @two is not a floating value: it cannot be 'active' (use 'dup' for a pointer)");
    r = cli(['grad', INPUT, '-f', 'two', '--args', 'dup,dup']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("parameter 2 (%x) of @two is not a pointer: it cannot be 'dup' (use 'active' for a floating value)");
    r = cli(['grad', INPUT, '-f', 'two', '--args', 'dup']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('@two has 2 parameters but --args lists 1 activity');
    r = cli(['grad', INPUT, '-f', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E0405]: no function @nope in the module');
    r = cli(['grad', INPUT, '-f', 'sq', '--args', 'sideways']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--args: 'sideways' (item 1) is not an activity");
    r = cli(['grad', INPUT, '-f', 'sq', '--ret', 'active', '--checkpoint', 'sometimes']);
    expect(r.code).toBe(2);
    r = cli(['grad', INPUT, '-f', 'mystery']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('@mystery is only declared');
  });
  it('defaults follow the contract: floating -> active, pointer -> dup; names, --ret and --name', () => {
    let r = cli(['grad', INPUT, '-f', 'two']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("define { double } @diffetwo(double* %p, double* %\"p'\", double %x)");
    r = cli(['grad', INPUT, '-f', 'sq', '--ret', 'activeonly', '--name', 'dsq']);
    expect(r.stdout).toContain('define { double } @dsq(double %x, double %differeturn)');
    r = cli(['grad', INPUT, '-f', 'sq', '--ret', 'const']);
    expect(r.stdout).toContain('define { double, double } @diffesq(double %x)');
    r = cli(['grad', INPUT, '-f', 'sq', '--ret', 'none', '--args', 'const']);
    expect(r.stdout).toContain('define void @diffesq(double %x)');
  });
  it('--width N: N shadows per dup parameter, [N x T] seed and gradients; bad widths are usage errors', () => {
    let r = cli(['grad', INPUT, '-f', 'two', '--width', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("define { [2 x double] } @diffetwo(double* %p, double* %\"p'0\", double* %\"p'1\", double %x)");
    r = cli(['grad', INPUT, '-f', 'sq', '--width', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('define { double, [3 x double] } @diffesq(double %x, [3 x double] %differeturn)');
    // width 1 is the plain signature, no [1 x T]
    r = cli(['grad', INPUT, '-f', 'sq', '--width', '1']);
    expect(r.stdout).toContain('define { double, double } @diffesq(double %x, double %differeturn)');
    for (const bad of ['0', 'x', '-1', '1.5', '', '65']) {
      r = cli(['grad', INPUT, '-f', 'sq', '--width', bad]);
      expect(r.code, `--width '${bad}'`).toBe(2);
      expect(r.stderr).toContain(`error[E0903]: --width: '${bad}' is not a batch width; use an integer from 1 to 64`);
      expect(r.stdout).toBe('');
    }
  });
  it.skipIf(!hasTool('llvm-as'))('the output assembles', async () => {
    const r = cli(['grad', INPUT, '-f', 'sq']);
    const a = await run('llvm-as', ['--disable-output'], r.stdout);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
  });
  it('debug switches: --print-perf / ENZYME_PRINT_PERF, --print-activity / ENZYME_PRINT_AA, --print', () => {
    let r = cli(['grad', INPUT, '-f', 'sq', '--print-perf', '--print-activity', '--print', '-o', '/dev/null']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('perf: @sq: frame');
    expect(r.stderr).toMatch(/errors\.ll:28:3 {2}%y = call double @llvm\.sqrt\.f64\(double %x\) {2}; value active, inst active/);
    expect(r.stderr).toContain('define { double, double } @diffesq');
    r = cli(['grad', INPUT, '-f', 'two', '--print-types', '-o', '/dev/null']);
    expect(r.stderr).toContain('types of @two:');
    expect(r.stderr).toMatch(/argument double\* %p {2}: \{0:double\}/);
    r = cli(['grad', INPUT, '-f', 'sq', '-o', '/dev/null'], { ENZYME_PRINT_PERF: '1', ENZYME_PRINT_AA: '1', ENZYME_PRINT_TA: '1' });
    expect(r.stderr).toContain('types of @sq:');
    expect(r.stderr).toContain('perf: @sq');
    expect(r.stderr).toContain('activity of @sq');
  });
});

describe('activity', () => {
  it('prints every argument and instruction with line:col', () => {
    const r = cli(['activity', INPUT, '-f', 'ignores_mystery']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      'activity of @ignores_mystery (args: active; ret: active)',
      `  ${INPUT}:11:39  %x: active`,
      `  ${INPUT}:12:3  %unused = call double @mystery(double 2.0)  ; value const, inst const`,
      `  ${INPUT}:13:3  %y = fmul double %x, %unused  ; value active, inst active`,
      `  ${INPUT}:14:3  ret double %y  ; inst const`,
    ]);
  });
});
