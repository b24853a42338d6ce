// Cargo's probe of the target (`rustc - --crate-name ___ --print=...`) reads an empty program
// from /dev/null. Where /dev/null is a regular file (some containers, this project's CI among
// them), it holds what was last written there, and the probe failed. The wrappers hand the
// probe an empty input and leave every other rustc call's standard input alone.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_WRAPPER } from '../../src/driver/cargo.js';

describe('the rustc wrapper and cargo\'s probe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enzyme-probe-'));
  const wrapper = join(dir, 'wrapper');
  writeFileSync(wrapper, PROBE_WRAPPER);
  chmodSync(wrapper, 0o755);
  // A stand-in for rustc that reports how many bytes its standard input held.
  const fake = join(dir, 'rustc');
  writeFileSync(fake, '#!/bin/sh\nprintf "%s" "$(wc -c | tr -d " ")"\n');
  chmodSync(fake, 0o755);
  const junk = join(dir, 'junk');
  writeFileSync(junk, Buffer.from([0x42, 0x43, 0xc0, 0xde, 0x35, 0x14])); // LLVM bitcode's start

  function bytesSeen(args: string[]): string {
    const fd = openSync(junk, 'r');
    try {
      const r = spawnSync(wrapper, [fake, ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    } finally {
      closeSync(fd);
    }
  }

  test('the probe reads an empty input whatever standard input holds', () => {
    expect(bytesSeen(['-', '--crate-name', '___', '--print=file-names', '--crate-type', 'bin'])).toBe('0');
  });

  test('any other rustc call keeps its standard input', () => {
    expect(bytesSeen(['-', '--crate-name', 'main', '--crate-type', 'bin'])).toBe('6');
  });
});
