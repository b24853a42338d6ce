// The real binary, as a user runs it: exit codes, streams, files, colors
// (contract sections 3, 4 and 8). Needs dist/ (`npm test` builds it first).
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool, run, tool } from '../util/llvm.js';

const BIN = join(ROOT, 'bin', 'enzyme-ts.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const CLANG14 = 'fixtures/corpus/clang14-O2/c-integrate.ll';
const CLANG19 = 'fixtures/corpus/clang19-O2/c-atomics.ll';
const BAD = 'fixtures/errors/undefined-local.ll';
const BAD_SYNTAX = 'fixtures/errors/syntax-missing-operand.ll';

interface Result { code: number | null; stdout: string; stderr: string }

/** Every stderr seen, checked at the end for stack traces too. */
const allStderr: string[] = [];

function cli(args: string[], opts: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Result {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ENZYME_TS_TRACE: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, input: opts.input ?? '', encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000,
  });
  if (r.error) throw r.error;
  allStderr.push(r.stderr);
  expect(r.stderr, 'a stack trace reached the user').not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `fmt CLANG14` on stdout, computed once: the reference for the stdin and -o tests. */
let reference: string | null = null;
function referenceOutput(): string {
  if (reference === null) {
    const r = cli(['fmt', CLANG14]);
    expect(r.code).toBe(0);
    reference = r.stdout;
  }
  return reference;
}

const ANSI = /\x1b\[/;
const LOCATED = (file: string): RegExp => new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error\\[E0\\d{3}\\]: `, 'm');

// Each test spawns the binary a few times; on a loaded 2-core machine one spawn can take seconds.
vi.setConfig({ testTimeout: 180_000 });

let tmp: string;
beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')), 'build first: npx tsc -p .').toBe(true);
  tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-cli-'));
});
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('version and help', () => {
  test('--version prints the package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
      expect(r.stderr).toBe('');
    }
  });

  test('fmt --help shows the options and an example', () => {
    const r = cli(['fmt', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: enzyme-ts fmt/);
    expect(r.stdout).toMatch(/-o, --output/);
    expect(r.stdout).toMatch(/Example/);
    expect(r.stdout).toMatch(/^\s+enzyme-ts fmt \S+/m);
  });

  test('--help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: enzyme-ts/);
    expect(r.stdout).toMatch(/\bfmt\b/);
  });

  // contract 4: "--help on every command shows its options with one example each"
  test('--help shows an example', () => {
    const r = cli(['--help']);
    expect(r.stdout).toMatch(/Example/);
  });

  test('no arguments: usage on stdout, exit 2', () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Usage: enzyme-ts/);
  });
});

describe('usage errors exit 2 with E0903', () => {
  test.each([
    ['unknown command', ['frobnicate', 'x.ll']],
    ['unknown option', ['fmt', '--bogus', CLANG14]],
    ['unknown global option', ['--bogus']],
    ['missing argument', ['fmt']],
    ['missing option value', ['fmt', CLANG14, '-o']],
  ])('%s', (_n, args) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^enzyme-ts: error\[E0903\]: /m);
    expect(r.stdout).toBe('');
  });
});

describe('fmt', () => {
  test('a clang-14 module to stdout, accepted by llvm-as 14', async () => {
    const r = cli(['fmt', CLANG14]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    reference ??= r.stdout;
    expect(r.stdout).toMatch(/define dso_local double @trapezoid\(/);
    if (hasTool(tool('llvm-as', 14))) {
      const as = await run(tool('llvm-as', 14), ['-', '--disable-output'], r.stdout);
      expect(as.stderr).toBe('');
      expect(as.code).toBe(0);
    }
  });

  test('a clang-19 module to stdout, accepted by llvm-as 19', async () => {
    const r = cli(['fmt', CLANG19]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    if (hasTool(tool('llvm-as', 19))) {
      const as = await run(tool('llvm-as', 19), ['-', '--disable-output'], r.stdout);
      expect(as.stderr).toBe('');
      expect(as.code).toBe(0);
    }
  });

  test('- reads standard input and gives the same output', () => {
    const fromStdin = cli(['fmt', '-'], { input: readFileSync(join(ROOT, CLANG14), 'utf8') });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.stdout).toBe(referenceOutput());
  });

  test('-o writes the file, nothing on stdout', () => {
    const out = join(tmp, 'ok.ll');
    const r = cli(['fmt', CLANG14, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(referenceOutput());
    const r2 = cli(['fmt', CLANG14, '--output', join(tmp, 'ok2.ll')]);
    expect(r2.code).toBe(0);
    expect(readFileSync(join(tmp, 'ok2.ll'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  test('-o replaces an existing file', () => {
    const out = join(tmp, 'replace.ll');
    writeFileSync(out, 'old contents\n');
    expect(cli(['fmt', CLANG14, '-o', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/@trapezoid/);
  });

  test('output is deterministic: two runs are byte-identical', () => {
    const again = cli(['fmt', CLANG14]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(referenceOutput());
    const a = cli(['fmt', CLANG19]);
    const b = cli(['fmt', CLANG19]);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('bad input exits 1 with a located diagnostic', () => {
  test.each([BAD, BAD_SYNTAX])('%s', (file) => {
    const r = cli(['fmt', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(LOCATED(file));
    // The source line and a caret follow the header.
    const lines = r.stderr.split('\n');
    const head = lines.findIndex((l) => LOCATED(file).test(l));
    expect(lines[head + 2]).toMatch(/^\s*\^~*$/);
  });

  test('bad input on stdin is named <stdin>', () => {
    const r = cli(['fmt', '-'], { input: readFileSync(join(ROOT, BAD), 'utf8') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:3:20: error\[E0101\]: /m);
  });

  test('-o leaves no file behind', () => {
    const dir = join(tmp, 'nofile');
    mkdirSync(dir);
    const out = join(dir, 'out.ll');
    const r = cli(['fmt', BAD, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(LOCATED(BAD));
    expect(readdirSync(dir)).toEqual([]); // neither OUT nor a temporary file
  });

  test('-o does not clobber an existing file', () => {
    const dir = join(tmp, 'keep');
    mkdirSync(dir);
    const out = join(dir, 'out.ll');
    writeFileSync(out, 'precious\n');
    const r = cli(['fmt', BAD_SYNTAX, '-o', out]);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    expect(readdirSync(dir)).toEqual(['out.ll']);
  });

  test('a missing input file exits 1 with E0901', () => {
    const r = cli(['fmt', 'no/such/file.ll']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[E0901\]: .*no\/such\/file\.ll/);
  });

  test('a directory as input exits 1 with E0901', () => {
    const r = cli(['fmt', tmp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0901\]/);
  });

  test('an unwritable output exits 1 with E0902', () => {
    const r = cli(['fmt', CLANG14, '-o', join(tmp, 'no', 'such', 'dir', 'out.ll')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0902\]/);
    expect(r.stdout).toBe('');
  });

  test('bitcode-like input (NUL bytes) exits 1 with E0005', () => {
    const f = join(tmp, 'bitcode.bc');
    writeFileSync(f, Buffer.from([0x42, 0x43, 0xc0, 0xde, 0x35, 0x14, 0x00, 0x00, 0x05, 0x00]));
    const r = cli(['fmt', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0005\]/);
  });
});

describe('colors', () => {
  test('no ANSI escapes when stderr is not a terminal', () => {
    const r = cli(['fmt', BAD]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(ANSI);
    const u = cli(['fmt', '--bogus', BAD]);
    expect(u.stderr).not.toMatch(ANSI);
  });

  // `script` gives the child a pseudo-terminal, where colors are on unless NO_COLOR is set.
  describe.skipIf(!hasTool('script'))('on a terminal', () => {
    function onTty(env: Record<string, string | undefined>): string {
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} fmt ${BAD}`;
      const full: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env };
      for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
      const r = spawnSync('script', ['-qec', cmd, join(tmpdir(), `enzyme-ts-script.${process.pid}.log`)], { cwd: ROOT, env: full as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout).toMatch(/error\[E0101\]/);
      expect(r.stdout).not.toMatch(/^\s+at /m);
      return r.stdout;
    }
    test('colored by default', () => { expect(onTty({})).toMatch(ANSI); });
    test('NO_COLOR turns colors off', () => { expect(onTty({ NO_COLOR: '1' })).not.toMatch(ANSI); });
  });
});

test('no stack trace in any stderr above', () => {
  expect(allStderr.length).toBeGreaterThan(10);
  for (const s of allStderr) expect(s).not.toMatch(/^\s+at /m);
});
