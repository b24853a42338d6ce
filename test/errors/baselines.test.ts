// Error baselines: each fixtures/errors/NAME.ll is a small module that LLVM
// rejects; NAME.err is the exact colorless rendering of the diagnostics loading
// it must produce (the parser's, or when it parses, the verifier's).
// `UPDATE_BASELINES=1 npx vitest run test/errors` rewrites the .err files
// (review the diff by eye: caret on the right token, message helpful).
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../../src/syntax/parse.js';
import { verifyModule } from '../../src/ir/verify.js';
import { SourceFile } from '../../src/diag/source.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { CODES } from '../../src/diag/codes.js';
import { ROOT } from '../util/llvm.js';

const DIR = join(ROOT, 'fixtures', 'errors');
const UPDATE = process.env.UPDATE_BASELINES === '1';

/**
 * Inputs that LLVM rejects but enzyme-ts accepts today (missing checks in src).
 * They have no .err file; each test is expected to fail until src gains the
 * check, at which point remove the name here and run with UPDATE_BASELINES=1.
 */
// Inputs LLVM rejects that enzyme-ts accepts: a check is missing (each runs as an expected failure).
const KNOWN_MISSING = new Set<string>([]);

const names = readdirSync(DIR).filter((f) => f.endsWith('.ll')).map((f) => f.slice(0, -3)).sort();

/** What loading the module reports: the parser's errors, else the verifier's (as every command loads it). */
function diagnose(name: string): DiagnosticError {
  const rel = `fixtures/errors/${name}.ll`;
  const text = readFileSync(join(ROOT, rel), 'utf8');
  try {
    const file = new SourceFile(rel, text);
    const problems = verifyModule(parseModule(file), file);
    if (problems.length) return new DiagnosticError(problems.slice(0, 20));
  } catch (e) {
    if (e instanceof DiagnosticError) return e;
    throw e;
  }
  throw new Error(`${rel} was accepted, but it is malformed`);
}

describe('error baselines', () => {
  test('there are enough of them', () => {
    expect(names.length - KNOWN_MISSING.size).toBeGreaterThanOrEqual(30);
    for (const n of KNOWN_MISSING) expect(names).toContain(n);
  });

  test.each(names.filter((n) => !KNOWN_MISSING.has(n)))('%s', (name) => {
    const e = diagnose(name);
    const text = readFileSync(join(DIR, `${name}.ll`), 'utf8');
    for (const d of e.diagnostics) {
      expect(CODES).toHaveProperty(d.code);
      expect(d.start).toBeGreaterThanOrEqual(0); // every input diagnostic has a location
      expect(d.start).toBeLessThanOrEqual(text.length);
      expect(d.end).toBeGreaterThanOrEqual(d.start);
      expect(d.end).toBeLessThanOrEqual(text.length);
    }
    expect(e.exitCode).toBe(1);
    const got = renderAll(e.diagnostics, { color: false });
    const errPath = join(DIR, `${name}.err`);
    if (UPDATE) {
      writeFileSync(errPath, got);
      return;
    }
    expect(existsSync(errPath), `${name}.err is missing: run with UPDATE_BASELINES=1`).toBe(true);
    expect(got).toBe(readFileSync(errPath, 'utf8'));
  });

  test.fails.each([...KNOWN_MISSING])('%s (known missing check)', (name) => {
    diagnose(name);
  });

  test('no stale .err files', () => {
    const errs = readdirSync(DIR).filter((f) => f.endsWith('.err')).map((f) => f.slice(0, -4));
    for (const n of errs) expect(names.filter((x) => !KNOWN_MISSING.has(x))).toContain(n);
  });
});
