// How the tool reports, as a user sees it: colors (--color, FORCE_COLOR, NO_COLOR), JSON
// diagnostics, `explain`, the user's source line from !dbg (with inlined-at chains and
// demangled C++ names), untrusted input shown safely, the time report and the progress line.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../util/cli.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { CODES, type Code } from '../../src/diag/codes.js';
import { explainText } from '../../src/cli/explain.js';
import { Session, colorEnabled } from '../../src/driver/session.js';
import { safeLine, safeText } from '../../src/diag/safe.js';

interface R { code: number | null; stdout: string; stderr: string }

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-report-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

/** The CLI with a clean environment (no color variables) plus `env`. */
function cli(args: string[], env: Record<string, string> = {}, cwd = tmp): R {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(NO_COLOR|FORCE_COLOR|ENZYME_)/.test(k)) base[k] = v;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr, 'a stack trace reached the user').not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ANSI = /\x1b\[/;
const BAD = join(ROOT, 'docs', 'examples', 'bad.ll');

describe('color', () => {
  test('the rules: --color wins, then FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    expect(colorEnabled('always', { NO_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('never', { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled('auto', { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('auto', { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled('auto', { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(colorEnabled('auto', { FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled('auto', { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled('auto', { TERM: 'dumb' }, true)).toBe(false);
    expect(colorEnabled('auto', {}, false)).toBe(false);
  });

  test('--color=always, FORCE_COLOR on a pipe; --color=never; before or after the command', () => {
    expect(cli(['fmt', BAD, '--color=always']).stderr).toMatch(ANSI);
    expect(cli(['--color', 'always', 'fmt', BAD]).stderr).toMatch(ANSI);
    expect(cli(['fmt', BAD], { FORCE_COLOR: '1' }).stderr).toMatch(ANSI);
    expect(cli(['fmt', BAD], { FORCE_COLOR: '1', NO_COLOR: '1' }).stderr).toMatch(ANSI);
    expect(cli(['fmt', BAD, '--color=never'], { FORCE_COLOR: '1' }).stderr).not.toMatch(ANSI);
    expect(cli(['fmt', BAD]).stderr).not.toMatch(ANSI);
  });

  test('a bad --color or --diagnostics-format value is a usage error', () => {
    const r = cli(['fmt', BAD, '--color=sometimes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("enzyme-ts: error[E0903]: --color: 'sometimes' is not auto, always or never\n");
    const j = cli(['fmt', BAD, '--diagnostics-format', 'xml']);
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/--diagnostics-format: 'xml' is not text or json/);
  });

  describe.skipIf(!hasTool('script'))('on a terminal', () => {
    function onTty(args: string, env: Record<string, string> = {}): string {
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}`;
      const base: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(NO_COLOR|FORCE_COLOR|ENZYME_)/.test(k)) base[k] = v;
      const r = spawnSync('script', ['-qec', cmd, join(tmpdir(), `enzyme-ts-script.${process.pid}.log`)], { cwd: ROOT, env: { ...base, TERM: 'xterm', ...env }, encoding: 'utf8', timeout: 60_000 });
      return r.stdout;
    }
    test('FORCE_COLOR=0 and --color=never turn colors off', () => {
      expect(onTty(`fmt ${BAD}`)).toMatch(ANSI);
      expect(onTty(`fmt ${BAD}`, { FORCE_COLOR: '0' })).not.toMatch(ANSI);
      expect(onTty(`fmt ${BAD} --color=never`)).not.toMatch(ANSI);
    });
  });
});

describe('JSON diagnostics', () => {
  test('one object per line with code, severity, position, notes', () => {
    const r = cli(['fmt', BAD, '--diagnostics-format=json']);
    expect(r.code).toBe(1);
    const objs = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs).toHaveLength(2);
    expect(objs[0]).toEqual({
      code: 'E0101', severity: 'error', title: 'undefined value', message: 'undefined value %y',
      file: BAD, line: 3, column: 24, endLine: 3, endColumn: 26, source: null, notes: [],
    });
  });
  test('usage errors and warnings too', () => {
    const u = cli(['fmt', '--bogus', BAD, '--diagnostics-format', 'json']);
    expect(u.code).toBe(2);
    const o = JSON.parse(u.stderr.trim().split('\n')[0]!) as { code: string; file: unknown; line: unknown };
    expect(o.code).toBe('E0903');
    expect(o.file).toBeNull();
    expect(o.line).toBeNull();
    writeFileSync(join(tmp, 'copy.ll'), 'declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)\ndefine void @copy(ptr %d, ptr %s) {\n  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 16, i1 false)\n  ret void\n}\n');
    const w = cli(['grad', 'copy.ll', '-f', 'copy', '--args', 'dup,dup', '--loose-types', '-o', 'copy.out.ll', '--diagnostics-format=json']);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stderr.trim()) as { severity: string; code: string }).toMatchObject({ severity: 'warning', code: 'E0403', line: 3 });
  });
});

describe('explain', () => {
  test('every code has a long explanation that renders', () => {
    for (const c of Object.keys(CODES) as Code[]) {
      const t = explainText(c);
      expect(t.startsWith(`${c}: ${CODES[c].title}`), c).toBe(true);
      expect(t).toMatch(new RegExp(`docs/diagnostics\\.md#${c.toLowerCase()}`));
    }
  });
  test('E0402, 402 and e402 are one code; the list; an unknown code is a usage error', () => {
    const a = cli(['explain', 'E0402']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^E0402: no derivative for an external function \(exit 1: bad input\)/);
    expect(a.stdout).toMatch(/\$ enzyme-ts grad mystery\.ll -f f/);
    expect(cli(['explain', '402']).stdout).toBe(a.stdout);
    expect(cli(['explain', 'e402']).stdout).toBe(a.stdout);
    const all = cli(['explain']);
    expect(all.stdout.trim().split('\n').length).toBe(Object.keys(CODES).length + 1);
    const bad = cli(['explain', 'E9999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error\[E0903\]: explain: 'E9999' is not a diagnostic code of enzyme-ts/);
  });
});

describe('untrusted input is shown safely', () => {
  test('escape sequences and bidi overrides in the echoed line, the message and the file name', () => {
    const name = 'evil\x1b[2J.ll';
    writeFileSync(join(tmp, name), 'define double @f(double %x) {\n  %y = fmul double %x, %x \x1b[2J\x1b]0;title\x07 \u202e\n  ret double %y\n}\n');
    const r = cli(['fmt', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(r.stderr).toMatch(/^evil\\x1B\[2J\.ll:2:27: error\[E0002\]/m);
    expect(r.stderr).toMatch(/%x \\x1B\[2J\\x1B\]0;title\\x07 \\u\{202E\}/);
    // the caret is under the escaped character
    const lines = r.stderr.split('\n');
    const k = lines.findIndex((l) => l.includes('\\x1B[2J\\x1B]'));
    expect(lines[k]!.indexOf('\\x1B')).toBe(lines[k + 1]!.indexOf('^'));
  });
  test('a name holding an escape character, in a message', () => {
    writeFileSync(join(tmp, 'name.ll'), 'define double @"f\x1b[31m"(double %x) {\n  %y = call double @g(double %x)\n  ret double %y\n}\ndeclare double @g(double)\n');
    const r = cli(['grad', 'name.ll', '-f', 'f\x1b[31m']);
    expect(r.stderr).not.toMatch(/\x1b/);
    expect(r.stderr).toMatch(/\\x1B\[31m/);
  });
  test('bitcode, an ELF file: refused before a byte of them is shown', () => {
    writeFileSync(join(tmp, 'x.bc'), Buffer.from([0x42, 0x43, 0xc0, 0xde, 0x35, 0x14, 0x00, 0x00, 0x05, 0x1b, 0x5b, 0x32, 0x4a, 0xff]));
    const b = cli(['fmt', 'x.bc']);
    expect(b.code).toBe(1);
    expect(b.stderr).toBe("enzyme-ts: error[E0005]: x.bc is LLVM bitcode, not textual IR\nnote: convert it with the llvm-dis of the LLVM that wrote it: llvm-dis x.bc -o x.ll\n");
    copyFileSync(process.execPath, join(tmp, 'node.bin'));
    const e = cli(['fmt', 'node.bin']);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^enzyme-ts: error\[E0005\]: node\.bin is not a text file \(an ELF object or executable\): it holds a NUL byte at byte \d+$/m);
    expect(e.stderr).not.toMatch(/[^\x09\x0a\x20-\x7e]/);
  });
  test('safeText and safeLine', () => {
    expect(safeText('a\x1bb\u202ec\u0085d\td')).toBe('a\\x1Bb\\u{202E}c\\x85d\\td');
    expect(safeText('é 😀 ok')).toBe('é 😀 ok');
    expect(safeText('\ud800x')).toBe('\\u{D800}x');
    const l = safeLine('a\tb\x1bc');
    expect(l.text).toBe('a b\\x1Bc');
    expect(l.column(3)).toBe(3);
    expect(l.column(4)).toBe(7);
  });
});

describe.runIf(hasTool('clang-19') && hasTool('clang++-19'))('the user\'s source line', () => {
  test('C with -g: the source position, the inlined-at chain, the .ll line as a note; JSON has them too', () => {
    writeFileSync(join(tmp, 'norm.c'), 'double mystery(double);\nstatic double sq(double v) {\n  return mystery(v) * v;\n}\ndouble norm(const double *x, int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++)\n    s += sq(x[i]);\n  return s;\n}\n');
    const c = spawnSync('clang-19', ['-O2', '-g', '-fdebug-prefix-map=' + tmp + '=.', '-S', '-emit-llvm', 'norm.c', '-o', 'norm.ll'], { cwd: tmp, encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const r = cli(['grad', 'norm.ll', '-f', 'norm', '--args', 'dup,const', '-o', 'norm.grad.ll']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('norm.c:3:10: error[E0402]: cannot differentiate @norm: @mystery touches active data and has no known derivative');
    expect(lines[1]).toBe('norm.c:8:10: note: sq inlined into norm here');
    expect(lines[2]).toMatch(/^norm\.ll:\d+:3: note: in the IR$/);
    expect(lines[3]).toMatch(/call double @mystery\(double noundef %\d+\).*!dbg !\d+$/);
    const j = cli(['grad', 'norm.ll', '-f', 'norm', '--args', 'dup,const', '-o', 'norm.grad.ll', '--diagnostics-format', 'json']);
    const o = JSON.parse(j.stderr.trim()) as { source: { file: string; directory: string; line: number; column: number; function: string; inlinedAt: { line: number; function: string }[] } };
    expect(o.source).toMatchObject({ file: 'norm.c', directory: '.', line: 3, column: 10, function: 'sq' });
    expect(o.source.inlinedAt).toEqual([{ file: 'norm.c', directory: '.', line: 8, column: 10, function: 'norm' }]);
  });

  test('C++: mangled names demangled in the message and in the inlined-at note', () => {
    writeFileSync(join(tmp, 'geo.cc'), 'double mystery(double);\nnamespace geo {\nstruct V { double x; double len() const { return mystery(x) * x; } };\ndouble norm(const V *v, int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++) s += v[i].len();\n  return s;\n}\n}\n');
    const c = spawnSync('clang++-19', ['-O2', '-g', '-S', '-emit-llvm', 'geo.cc', '-o', 'geo.ll'], { cwd: tmp, encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const r = cli(['grad', 'geo.ll', '-f', '_ZN3geo4normEPKNS_1VEi', '--args', 'dup,const', '-o', 'geo.grad.ll']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^geo\.cc:3:\d+: error\[E0402\]: cannot differentiate @_ZN3geo4normEPKNS_1VEi \(geo::norm\(geo::V const\*, int\)\): @_Z7mysteryd \(mystery\(double\)\) touches active data/m);
    expect(r.stderr).toMatch(/^geo\.cc:6:\d+: note: geo::V::len\(\) const inlined into geo::norm\(geo::V const\*, int\) here$/m);
  });

  test('lower: a bad __enzyme_autodiff call is reported at its C line', () => {
    writeFileSync(join(tmp, 'use.c'), 'double __enzyme_autodiff(void *, ...);\ndouble sq(double x) { return x * x; }\ndouble use(void) {\n  return __enzyme_autodiff((void *)sq, 1.0, 2.0);\n}\n');
    const c = spawnSync('clang-19', ['-O1', '-g', '-S', '-emit-llvm', 'use.c', '-o', 'use.ll'], { cwd: tmp, encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const r = cli(['lower', 'use.ll', '-o', 'use.out.ll']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^use\.c:4:10: error\[E0421\]/);
  });
});

describe('time and progress', () => {
  test('--time names each stage and the total, on standard error', () => {
    const r = cli(['grad', join(ROOT, 'examples', 'dot.ll'), '-f', 'dot', '--args', 'dup,dup,const', '--time', '-o', join(tmp, 'dot.ll')]);
    expect(r.code).toBe(0);
    for (const s of ['read', 'parse', 'verify', 'differentiate', 'verify output', 'print', 'total']) expect(r.stderr).toMatch(new RegExp(`\\d+\\.\\d{4} s +\\d+\\.\\d%  ${s}$`, 'm'));
  });
  test('the progress line: only on a terminal, not with --quiet, erased before other output and at the end', () => {
    const out: string[] = [];
    const s = new Session({ color: false, format: 'text', tty: true, write: (x) => out.push(x), progressDelayMs: 0 });
    s.stage('parse', 'parsing big.ll', () => undefined);
    expect(out.join('')).toBe('\renzyme-ts: parsing big.ll\x1b[K');
    s.stderr('perf: x\n');
    expect(out.slice(1).join('')).toBe('\r\x1b[Kperf: x\n');
    s.progress.update('differentiating @f\x1b[2J');
    s.finish();
    expect(out.join('')).toMatch(/differentiating @f\\x1B\[2J\x1b\[K\r\x1b\[K$/);
    for (const o of [{ tty: false }, { tty: true, quiet: true }, { tty: true, format: 'json' as const }]) {
      const quiet: string[] = [];
      const q = new Session({ color: false, format: 'text', ...o, write: (x) => quiet.push(x), progressDelayMs: 0 });
      q.stage('parse', 'parsing', () => undefined);
      q.finish();
      expect(quiet).toEqual([]);
    }
  });
});
