// Property test of the front end's robustness: mutants of real compiler output
// either parse (and then print) or fail with well-formed diagnostics; never a
// raw exception, never a hang. Fixed seeds keep CI deterministic.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { statSync } from 'node:fs';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { CODES } from '../../src/diag/codes.js';
import { corpusFiles, type CorpusFile } from '../util/llvm.js';

const MAX_BYTES = 40 * 1024;
/** A hang detector, not a performance test. */
const BUDGET_MS = 5000;
/** Diagnostics allowed without a location: they concern the whole file. */
const FILE_LEVEL = new Set<string>(['E0005', 'E0901']);

/** ~20 small modules: one or two per configuration, both pointer dialects, C and Rust. */
function pickFiles(): CorpusFile[] {
  const byConfig = new Map<string, CorpusFile[]>();
  for (const f of corpusFiles(() => true)) {
    if (statSync(f.path).size >= MAX_BYTES) continue;
    const list = byConfig.get(f.config) ?? [];
    list.push(f);
    byConfig.set(f.config, list);
  }
  const out: CorpusFile[] = [];
  for (const [, list] of [...byConfig].sort(([a], [b]) => a.localeCompare(b))) {
    const take = list.length >= 50 ? 2 : 1;
    for (let k = 1; k <= take; k++) out.push(list[Math.floor((list.length * k) / (take + 1))]!);
  }
  return out;
}

const FILES = pickFiles();
const TEXTS = FILES.map((f) => f.text());

interface Mutant { text: string; what: string }

/** The span of the token-ish word at or after `off` (whitespace and punctuation delimit). */
function tokenSpan(s: string, off: number): [number, number] {
  let a = off;
  while (a < s.length && /\s/.test(s[a]!)) a++;
  let b = a;
  if (b < s.length && /[,()[\]{}=*<>]/.test(s[b]!)) return [a, b + 1];
  while (b < s.length && !/[\s,()[\]{}=*<>]/.test(s[b]!)) b++;
  return [a, Math.max(b, Math.min(a + 1, s.length))];
}

const CHARS = [
  '"', '%', '!', '{', '}', '(', ')', '[', ']', '<', '>', ',', '=', '@', '#', '$', '^', '*', '\\', ':', ';', '.', '-',
  '0', '1', '7', '9', 'x', 'c', 'e', 'i', ' ', '\t', '\n', '\r', '\0', 'é', '\u00a0', '\u2028', '😀', '\ud800', '\u{7f}',
];

const ofs = fc.integer({ min: 0, max: 0x7fffffff });
const file = fc.integer({ min: 0, max: FILES.length - 1 });
const len = fc.integer({ min: 1, max: 24 });
const ch = fc.constantFrom(...CHARS);

const MUTATIONS: Record<string, fc.Arbitrary<Mutant>> = {
  truncate: fc.tuple(file, ofs).map(([f, o]) => {
    const s = TEXTS[f]!; const at = o % (s.length + 1);
    return { text: s.slice(0, at), what: `${FILES[f]!.path}: truncate at ${at}` };
  }),
  deleteToken: fc.tuple(file, ofs, fc.integer({ min: 1, max: 3 })).map(([f, o, n]) => {
    const s = TEXTS[f]!; const at = o % s.length;
    let [a, b] = tokenSpan(s, at);
    for (let k = 1; k < n; k++) b = tokenSpan(s, b)[1];
    return { text: s.slice(0, a) + s.slice(b), what: `${FILES[f]!.path}: delete [${a},${b})` };
  }),
  deleteSpan: fc.tuple(file, ofs, len).map(([f, o, n]) => {
    const s = TEXTS[f]!; const a = o % s.length; const b = Math.min(s.length, a + n);
    return { text: s.slice(0, a) + s.slice(b), what: `${FILES[f]!.path}: delete [${a},${b})` };
  }),
  duplicateSpan: fc.tuple(file, ofs, len, ofs).map(([f, o, n, p]) => {
    const s = TEXTS[f]!; const a = o % s.length; const b = Math.min(s.length, a + n); const at = p % (s.length + 1);
    return { text: s.slice(0, at) + s.slice(a, b) + s.slice(at), what: `${FILES[f]!.path}: copy [${a},${b}) to ${at}` };
  }),
  swapSpans: fc.tuple(file, ofs, len, ofs, len).map(([f, o1, n1, o2, n2]) => {
    const s = TEXTS[f]!;
    let a1 = o1 % s.length, a2 = o2 % s.length;
    if (a2 < a1) [a1, a2] = [a2, a1];
    const b1 = Math.min(a1 + n1, a2); const b2 = Math.min(s.length, a2 + n2);
    const text = s.slice(0, a1) + s.slice(a2, b2) + s.slice(b1, a2) + s.slice(a1, b1) + s.slice(b2);
    return { text, what: `${FILES[f]!.path}: swap [${a1},${b1}) and [${a2},${b2})` };
  }),
  replaceChar: fc.tuple(file, ofs, ch).map(([f, o, c]) => {
    const s = TEXTS[f]!; const at = o % s.length;
    return { text: s.slice(0, at) + c + s.slice(at + 1), what: `${FILES[f]!.path}: replace ${at} by ${JSON.stringify(c)}` };
  }),
  insertChar: fc.tuple(file, ofs, ch).map(([f, o, c]) => {
    const s = TEXTS[f]!; const at = o % (s.length + 1);
    return { text: s.slice(0, at) + c + s.slice(at), what: `${FILES[f]!.path}: insert ${JSON.stringify(c)} at ${at}` };
  }),
  insertCharInToken: fc.tuple(file, ofs, ch).map(([f, o, c]) => {
    // Aim inside identifiers, numbers and strings rather than whitespace.
    const s = TEXTS[f]!; const [a, b] = tokenSpan(s, o % s.length); const at = Math.min(s.length, a + ((o >> 8) % Math.max(1, b - a)));
    return { text: s.slice(0, at) + c + s.slice(at), what: `${FILES[f]!.path}: insert ${JSON.stringify(c)} at ${at}` };
  }),
};

// 8 kinds x 55 = 440 mutants; FUZZ_RUNS and FUZZ_SEED explore further by hand.
const RUNS_PER_KIND = Number(process.env.FUZZ_RUNS ?? 55);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const seen = { module: 0, diagnostics: 0 };

/** The property: a module that prints, or well-formed diagnostics; in bounded time. */
function check(m: Mutant): void {
  const t0 = performance.now();
  let outcome: 'module' | 'diagnostics' = 'module';
  try {
    const mod = parseText(m.text, 'mutant.ll');
    const printed = printModule(mod);
    expect(typeof printed).toBe('string');
  } catch (e) {
    if (!(e instanceof DiagnosticError)) {
      throw new Error(`${m.what}: not a DiagnosticError: ${e instanceof Error ? e.stack : String(e)}`);
    }
    outcome = 'diagnostics';
    expect(e.diagnostics.length, m.what).toBeGreaterThan(0);
    for (const d of e.diagnostics) {
      const where = `${m.what}: ${d.code} ${d.message} @${d.start}`;
      expect(Object.prototype.hasOwnProperty.call(CODES, d.code), where).toBe(true);
      if (d.start === -1) {
        expect(FILE_LEVEL.has(d.code), `${where}: unlocated diagnostic`).toBe(true);
      } else {
        expect(Number.isInteger(d.start) && d.start >= 0 && d.start <= m.text.length, where).toBe(true);
        expect(d.end >= d.start && d.end <= m.text.length, `${where}: end ${d.end}`).toBe(true);
      }
    }
    expect(() => renderAll(e.diagnostics, { color: false }), m.what).not.toThrow();
  }
  seen[outcome]++;
  const ms = performance.now() - t0;
  if (ms > BUDGET_MS) throw new Error(`${m.what}: ${outcome} after ${ms.toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
}

describe('mutated corpus modules', () => {
  test('the sample covers both dialects and several producers', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(18);
    expect(TEXTS.some((t) => / ptr[ ,)]/.test(t))).toBe(true);
    expect(TEXTS.some((t) => /\w\*[ ,)]/.test(t))).toBe(true);
    expect(new Set(FILES.map((f) => f.config.split('-')[0])).size).toBeGreaterThanOrEqual(3);
    for (const t of TEXTS) expect(t.length).toBeLessThan(MAX_BYTES);
  });

  test('the unmutated modules parse and print', () => {
    for (let i = 0; i < FILES.length; i++) check({ text: TEXTS[i]!, what: FILES[i]!.path });
  });

  let seed = SEED;
  for (const [kind, arb] of Object.entries(MUTATIONS)) {
    const s = seed++;
    test(kind, () => {
      fc.assert(fc.property(arb, (m) => { check(m); }), { seed: s, numRuns: RUNS_PER_KIND, endOnFailure: false });
    }, 60_000);
  }

  test('the mutants exercise both outcomes', () => {
    const total = seen.module + seen.diagnostics;
    expect(seen.diagnostics).toBeGreaterThan(total * 0.3);
    expect(seen.module).toBeGreaterThan(total * 0.05);
  });

  test('the shared parser recovers: the originals still parse after the mutants', () => {
    for (let i = 0; i < FILES.length; i++) expect(() => parseText(TEXTS[i]!, FILES[i]!.path), FILES[i]!.path).not.toThrow();
  });
});
