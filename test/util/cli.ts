// The built CLI (dist/, via bin/enzyme-ts.js) run as a user runs it, for tests of its output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './llvm.js';

export const BIN = join(ROOT, 'bin', 'enzyme-ts.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/**
 * `enzyme-ts ARGS` from the repository root without colors, `input` on standard input, `env`
 * added to the environment. Fails the test if a stack trace reached the user.
 */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', input: opts.input ?? '', env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  expect(r.stderr, 'a stack trace reached the user').not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
