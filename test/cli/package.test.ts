// The package as users get it: `npm pack`, installed into a fresh prefix without dev
// dependencies, and a real derivative computed through the installed command, compiled
// with clang and run. Uses the dist/ that `npm test` built (packing without scripts),
// so it takes seconds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasTool } from '../util/llvm.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NPM = 'npm';

let tmp: string;
let tarball: string;
let files: string[];
let prefix: string;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 170_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The environment of the test minus what `npm test` sets for its own run (npm_config_*, npm_lifecycle_*). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_(config|lifecycle|package)_/i.test(k)) env[k] = v;
  return env;
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')), 'build first: npx tsc -p .').toBe(true);
  tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-pack-'));
  const r = sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT, cleanEnv());
  expect(r.code, r.stderr).toBe(0);
  const info = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(tmp, info[0]!.filename);
  files = info[0]!.files.map((f) => f.path);
  prefix = join(tmp, 'prefix');
  const inst = sh(NPM, ['install', '--global', '--prefix', prefix, tarball, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], tmp, cleanEnv());
  expect(inst.code, inst.stderr).toBe(0);
}, 180_000);
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('npm pack', () => {
  test('holds what the tool needs to run and nothing else', () => {
    for (const f of ['package.json', 'README.md', 'bin/enzyme-ts.js', 'dist/src/cli/main.js', 'docs/cli.md', 'docs/diagnostics.md', 'examples/dot.ll']) {
      expect(files, f).toContain(f);
    }
    for (const f of files) {
      expect(f, 'fixtures, tests, TypeScript sources and benchmarks stay out').not.toMatch(/^(fixtures|test|src|bench|grammar|scripts|dist\/bench)\/|\.map$|\.ts$/);
    }
    if (existsSync(join(ROOT, 'rust'))) expect(files.some((f) => f.startsWith('rust/'))).toBe(true);
    expect(files.length).toBeLessThan(300);
  });
});

describe('the installed command', () => {
  const bin = (): string => join(prefix, 'bin', 'enzyme-ts');

  test('--version, without dev dependencies', () => {
    const r = sh(bin(), ['--version'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    const mods = readdirSync(join(prefix, 'lib', 'node_modules', 'enzyme-ts', 'node_modules'));
    expect(mods).toContain('chevrotain');
    for (const dev of ['typescript', 'vitest', 'fast-check']) expect(mods).not.toContain(dev);
  });

  test.runIf(hasTool('clang-19'))('grad of the shipped example, compiled and run: the gradient of a dot product', () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'enzyme-ts');
    const out = join(tmp, 'dot.grad.ll');
    const g = sh(bin(), ['grad', join(pkg, 'examples', 'dot.ll'), '-f', 'dot', '--args', 'dup,dup,const', '-o', out], tmp);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toBe('');
    writeFileSync(join(tmp, 'main.c'), `#include <stdio.h>
struct r { double primal; };
struct r diffedot(const double *x, double *dx, const double *y, double *dy, int n, double seed);
int main(void) {
  double x[3] = {1, 2, 3}, y[3] = {4, -5, 6}, dx[3] = {0}, dy[3] = {0};
  struct r v = diffedot(x, dx, y, dy, 3, 2.0);
  printf("%g %g %g %g %g %g %g\\n", v.primal, dx[0], dx[1], dx[2], dy[0], dy[1], dy[2]);
  return 0;
}
`);
    const exe = join(tmp, 'dot');
    const c = sh('clang-19', ['-O1', out, join(tmp, 'main.c'), '-o', exe], tmp);
    expect(c.code, c.stderr).toBe(0);
    const run = sh(exe, [], tmp);
    // dot = 4 - 10 + 18 = 12; with seed 2, d/dx = 2y and d/dy = 2x.
    expect(run.stdout.trim()).toBe('12 8 -10 12 2 4 6');
  });
});

describe('from a clone that was never built', () => {
  test('one clear line, no stack trace', () => {
    const fake = join(tmp, 'clone');
    mkdirSync(join(fake, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'enzyme-ts.js'), join(fake, 'bin', 'enzyme-ts.js'));
    writeFileSync(join(fake, 'package.json'), '{"type":"module"}\n');
    const r = sh(process.execPath, [join(fake, 'bin', 'enzyme-ts.js'), '--version'], tmp);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^enzyme-ts: error: not built: run 'npm ci && npm run build' in /);
  });
});
