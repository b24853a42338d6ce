// Lazy loading (src/syntax/lazy.ts, docs/architecture.md "Lazy loading"): `grad` and `lower`
// keep function bodies and metadata definitions as text until something reads them. These tests
// prove that (1) on real compiler output every body and metadata line is deferred, and what is
// never read prints back as the same module while what is read is the same IR as eager parsing;
// (2) a body read on demand gets exactly the diagnostics eager loading gives; (3) the cases
// where text printed as written would be wrong (renumbered globals, block addresses, lowered
// declarations) are handled; (4) hand-formatted text the layout scan does not recognize is
// parsed eagerly instead.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModule, parseModuleLazy } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { printModule } from '../../src/print/printer.js';
import { verifyFunction, verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import type { Module } from '../../src/ir/module.js';
import { ROOT, corpusFiles, hasTool, run } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

function lazy(text: string, name = 'in.ll'): ReturnType<typeof parseModuleLazy> {
  const file = new SourceFile(name, text);
  return parseModuleLazy(file, { verify: (f) => verifyFunction(f, file) });
}
const eagerPrint = (text: string, name = 'in.ll'): string => printModule(parseModule(new SourceFile(name, text)));
function readAll(m: Module): void {
  for (const f of m.functions) f.materialize();
  for (const d of m.metadata) void d.node;
  for (const g of m.globals) void g.init;
}
const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;

// Every 4th corpus module (all of them with LAZY_CORPUS_ALL=1), and every rustc module.
const ALL = !!process.env.LAZY_CORPUS_ALL;
const SAMPLE = corpusFiles(() => true).filter((f, k) => ALL || k % 4 === 0 || f.config.startsWith('rustc'));

describe('on compiler output', () => {
  test('the sample covers every producer', () => {
    expect(new Set(SAMPLE.map((f) => f.config.replace(/-.*/, '')))).toEqual(new Set(['clang14', 'clang19', 'rustc']));
  });
  for (const f of SAMPLE) {
    test(`${f.config}/${f.name}`, () => {
      const text = f.text();
      const { module: m, loader } = lazy(text, f.path);
      // every body and every numbered metadata definition is kept as text
      expect(loader.stats.bodies).toBe(count(text, /^define /gm));
      expect(loader.stats.metadata).toBe(count(text, /^![0-9]+ = /gm));
      const eager = eagerPrint(text, f.path);
      // unread text printed as written is the same module ...
      const out = printModule(m);
      for (const g of m.functions) if (g.deferred) expect(out).toContain(g.deferred.text());
      expect(eagerPrint(out, `${f.path} (lazy)`) === eager, 'print(parse(lazy print)) differs from the eager print').toBe(true);
      // ... and read, it is the same IR as eager parsing gives
      readAll(m);
      expect(loader.stats.bodiesRead).toBe(loader.stats.bodies);
      expect(printModule(m) === eager, 'the lazily read module prints differently').toBe(true);
    });
  }
});

describe('diagnostics of a body read on demand', () => {
  const dir = join(ROOT, 'fixtures', 'errors');
  const first = (fn: () => void): string => {
    try { fn(); return 'ok'; } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      const d = e.diagnostics[0]!;
      return `${d.code} at ${d.start}-${d.end}: ${d.message}`;
    }
  };
  const files = readdirSync(dir).filter((x) => x.endsWith('.ll')).sort();
  test('there are error fixtures', () => { expect(files.length).toBeGreaterThan(50); });
  for (const name of files) {
    test(name, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const eager = first(() => {
        const file = new SourceFile(name, text);
        const ds = verifyModule(parseModule(file), file);
        if (ds.length) throw new DiagnosticError(ds);
      });
      const onDemand = first(() => {
        const { module: m } = lazy(text, name);
        const ds = verifyModule(m, null);
        if (ds.length) throw new DiagnosticError(ds);
        readAll(m);
      });
      expect(onDemand).toBe(eager);
    });
  }
});

describe('through the CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-lazy-'));
  const put = (name: string, text: string): string => { const p = join(tmp, name); writeFileSync(p, text); return p; };
  const square = 'define double @h(double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n';

  test('an invalid body no derivative reaches is copied through; --verify-all reads it', () => {
    const junk = 'define void @junk() {\n  %q = add i32 1, 2\n  ret i32 %q\n}\n';
    const p = put('junk.ll', `${square}\n${junk}`);
    const r = runCli(['grad', p, '-f', 'h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(junk.slice(junk.indexOf('{')));
    const all = runCli(['grad', p, '-f', 'h', '--verify-all']);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/junk\.ll:8:3: error\[E0201\]: return type i32 does not match the function's void/);
  });

  test('an invalid body a derivative reaches is reported where it is', () => {
    const p = put('callee.ll', 'define double @h(double %x) {\n  %z = call double @k(double %x)\n  ret double %z\n}\n\n' +
      'define double @k(double %a) {\n  %b = fadd double %a, %nope\n  ret double %b\n}\n');
    const r = runCli(['grad', p, '-f', 'h']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/callee\.ll:7:24: error\[E0101\]: undefined value %nope/);
  });

  test('numbered globals the printer renumbers: text that names them is read and printed with the new numbers', async () => {
    // LLVM numbers in print order (variables before functions): @0 the function becomes @1
    const p = put('renum.ll', 'define void @0() {\n  ret void\n}\n\n@1 = global ptr @0\n\n' +
      'define void @g() {\n  call void @0()\n  %p = load ptr, ptr @1\n  ret void\n}\n\n' + square);
    const r = runCli(['grad', p, '-f', 'h', '--print-perf']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/define void @g\(\) \{\n {2}call void @1\(\)\n {2}%p = load ptr, ptr @0\n/);
    expect(r.stderr).toMatch(/read 2 of 3 deferred function bodies/);
    if (hasTool('llvm-as-19')) expect((await run('llvm-as-19', ['--disable-output', '-'], r.stdout)).stderr).toBe('');
  });

  test('a block address names a block of a deferred body', async () => {
    const p = put('ba.ll', '@tbl = global ptr blockaddress(@f, %bb)\n\ndefine void @f(ptr %p) {\nentry:\n  indirectbr ptr %p, [label %bb]\n\nbb:\n  ret void\n}\n\n' + square);
    const r = runCli(['grad', p, '-f', 'h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('@tbl = global ptr blockaddress(@f, %bb)');
    if (hasTool('llvm-as-19')) expect((await run('llvm-as-19', ['--disable-output', '-'], r.stdout)).stderr).toBe('');
  });

  test('an initializer is read only when asked for; an invalid one nothing reads is copied through', () => {
    const table = '@table = internal constant [3 x double] [double 1.0, double 2.0]\n';
    const p = put('init.ll', `${table}\n${square}`);
    const r = runCli(['grad', p, '-f', 'h', '--print-perf']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(table);
    expect(r.stderr).toMatch(/, 0 of 1 global initializers,/);
    const all = runCli(['grad', p, '-f', 'h', '--verify-all']);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/init\.ll:1:41: error\[E0204\]: array constant has 2 elements but type \[3 x double\] has 3/);
  });

  test('lower keeps a marker global that only an unread body names, bare or quoted', () => {
    for (const spelled of ['@enzyme_dup', '@"enzyme_dup"']) {
      const p = put('marker.ll', '@enzyme_dup = external global i32\n\n' +
        `define void @peek(ptr %out) {\n  %v = load i32, ptr ${spelled}\n  store i32 %v, ptr %out\n  ret void\n}\n\n` + square);
      const r = runCli(['lower', p]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('@enzyme_dup = external global i32');
      expect(r.stdout).toContain(`load i32, ptr ${spelled}`);
    }
  });

  test('CRLF line ends: bodies are kept with theirs', () => {
    const p = put('crlf.ll', (square + '\ndefine void @g() {\n  ret void\n}\n!0 = !{i32 1}\n!1 = !{!0}\n').replace(/\n/g, '\r\n'));
    const r = runCli(['grad', p, '-f', 'h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('define void @g() {\r\n  ret void\r\n}');
    expect(r.stdout).toContain('!1 = !{!0}');
  });

  test('clean up', () => { rmSync(tmp, { recursive: true, force: true }); });
});

describe('text the layout scan does not recognize is parsed as it comes', () => {
  const cases: Record<string, string> = {
    'metadata over two lines': 'define void @f() {\n  ret void, !dbg !0\n}\n!0 = !{i32 1,\n  i32 2}\n!1 = !{!0}\n',
    'a brace on the next line': 'define void @f()\n{\n  ret void\n}\n\ndefine void @g() {\n  ret void\n}\n',
    'a comment after the brace': 'define void @f() { ; entry\n  ret void\n}\n',
    'a closing brace that is not alone': 'define void @f() {\n  ret void\n} ; end\n!0 = !{}\n',
  };
  for (const [what, text] of Object.entries(cases)) {
    test(what, () => {
      const { module: m } = lazy(text);
      const out = printModule(m);
      expect(eagerPrint(out)).toBe(eagerPrint(text));
      readAll(m);
      expect(printModule(m)).toBe(eagerPrint(text));
    });
  }
});
