// Where `-o` writes. A regular file is replaced atomically (temp file + rename);
// anything else must be written in place: renaming over /dev/null as root would
// replace the device. A FIFO stands in for a device here, harmlessly.
import { describe, expect, test } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, statSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutput } from '../../src/driver/io.js';

describe('writeOutput', () => {
  test('writes into a FIFO in place instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-out-'));
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => { got += d.toString(); });
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    writeOutput(fifo, 'hello\n');
    await done;
    expect(got).toBe('hello\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  test('-o /dev/null throws the output away and leaves /dev/null as it was', () => {
    // In some containers /dev/null is a regular file: replacing it, or filling it, breaks the
    // next program that reads its input from there.
    const before = statSync(devNull);
    writeOutput(devNull, 'x'.repeat(1000));
    const after = statSync(devNull);
    expect(after.ino).toBe(before.ino);
    expect(after.mode).toBe(before.mode);
  });

  test('writes through a symlink to a regular file and keeps the link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-out-'));
    writeFileSync(join(dir, 'real.ll'), 'old');
    symlinkSync(join(dir, 'real.ll'), join(dir, 'link.ll'));
    writeOutput(join(dir, 'link.ll'), 'new');
    expect(lstatSync(join(dir, 'link.ll')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.ll'), 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.ll', 'real.ll']);
  });
});
