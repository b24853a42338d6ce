// `--target-llvm N` (src/print/target.ts): the printer writes what LLVM N reads. Each rule is
// checked on a small module (the exact text, and the assembler of that version accepts it),
// then on real output: clang 19 and rustc (LLVM 22) modules written for older versions are
// accepted by those versions, writing for the producer's own version changes nothing, and
// (test/lower/programs.test.ts) clang 19 programs written for LLVM 14 run under LLVM 14.
import { describe, expect, test } from 'vitest';
import { parseModule, parseModuleLazy, parseText } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { printModule } from '../../src/print/printer.js';
import { lowerMemory, needlesFor, TARGET_MAX } from '../../src/print/target.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { corpusFiles, hasTool, run } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

/** The assembler of LLVM `v`, with the flag LLVM 14 needs for opaque pointers. */
function assembler(v: number): [string, string[]] | null {
  const cmd = v === 14 ? 'llvm-as' : `llvm-as-${v}`;
  return hasTool(cmd) ? [cmd, v === 14 ? ['-opaque-pointers'] : []] : null;
}
async function accepts(v: number, text: string): Promise<string> {
  const a = assembler(v);
  if (!a) return '';
  const r = await run(a[0], [...a[1], '--disable-output', '-'], text);
  return r.code === 0 ? '' : r.stderr;
}
const print = (text: string, v: number): string => printModule(parseText(text), { targetLLVM: v });

describe('memory(...)', () => {
  const cases: [string, number, string][] = [
    ['errnomem: write', 19, 'memory(write)'],
    ['read, inaccessiblemem: none, target_mem0: none, target_mem1: none', 19, 'memory(read, inaccessiblemem: none)'],
    ['argmem: read, errnomem: write', 19, 'memory(write, argmem: read)'],
    ['readwrite, target_mem0: none, target_mem1: none', 21, 'memory(readwrite)'],
    ['argmem: readwrite', 19, 'memory(argmem: readwrite)'],
    ['none', 15, 'readnone'],
    ['read', 15, 'readonly'],
    ['write', 15, 'writeonly'],
    ['readwrite', 15, ''],
    ['argmem: read', 15, 'argmemonly readonly'],
    ['argmem: readwrite', 15, 'argmemonly'],
    ['inaccessiblemem: write', 15, 'inaccessiblememonly writeonly'],
    ['argmem: readwrite, inaccessiblemem: write', 15, 'inaccessiblemem_or_argmemonly'],
    ['read, argmem: readwrite', 15, ''],
    ['errnomem: write', 15, 'writeonly'],
  ];
  for (const [arg, v, want] of cases) {
    test(`memory(${arg}) for LLVM ${v}: ${want || '(nothing)'}`, async () => {
      const r = lowerMemory(arg, v);
      const got = 'arg' in r ? `memory(${r.arg})` : r.words.join(' ');
      expect(got).toBe(want);
      if (want) expect(await accepts(v === 21 ? 19 : v, `declare void @f(ptr) ${want}`)).toBe('');
    });
  }
});

describe('each rule, on a small module', () => {
  const rules: { what: string; v: number; input: string; want: RegExp[]; not?: RegExp[] }[] = [
    {
      what: 'captures(none) is nocapture, other captures are dropped', v: 19,
      input: 'declare void @f(ptr captures(none), ptr captures(address) %q, ptr captures(address, read_provenance))\n',
      want: [/declare void @f\(ptr nocapture, ptr %q, ptr\)/],
    },
    {
      what: 'attributes newer than the target are dropped', v: 16,
      input: 'declare nofpclass(nan) double @f(ptr dead_on_unwind writable initializes((0, 8)) %p, i32 range(i32 0, 4) %n) nocreateundeforpoison\n',
      want: [/declare double @f\(ptr %p, i32 %n\)\n/],
    },
    {
      what: 'an attribute group left empty keeps a mark', v: 19,
      input: 'declare void @f() #0\n\nattributes #0 = { nocreateundeforpoison }\n',
      want: [/attributes #0 = \{ "target-llvm-dropped" \}/],
    },
    {
      what: 'instruction flags newer than the target', v: 16,
      input: 'define i64 @f(i32 %a, ptr %p) {\n  %c = icmp samesign ult i32 %a, 3\n  %t = trunc nuw nsw i32 %a to i8\n' +
        '  %z = zext nneg i32 %a to i64\n  %u = uitofp nneg i32 %a to double\n  %o = or disjoint i32 %a, 1\n' +
        '  %g = getelementptr inbounds nuw i8, ptr %p, i64 %z\n  %h = getelementptr nusw i8, ptr %p, i64 1\n  %k = add nuw i64 %z, 1\n  ret i64 %k\n}\n',
      want: [/icmp ult i32/, /trunc i32 %a to i8/, /zext i32 %a to i64/, /uitofp i32 %a to double/, /or i32 %a, 1/,
        /getelementptr inbounds i8, ptr %p/, /getelementptr i8, ptr %p, i64 1/, /add nuw i64/],
    },
    {
      what: 'samesign stays for LLVM 20 and newer', v: 20,
      input: 'define i1 @f(i32 %a) {\n  %c = icmp samesign ult i32 %a, 3\n  ret i1 %c\n}\n',
      want: [/icmp samesign ult/],
    },
    {
      what: 'splat constants become vectors', v: 16,
      input: 'define <2 x double> @f(<2 x double> %x) {\n  %y = fmul <2 x double> %x, splat (double 2.000000e+00)\n  ret <2 x double> %y\n}\n',
      want: [/fmul <2 x double> %x, <double 2.000000e\+00, double 2.000000e\+00>/],
    },
    {
      what: 'the one-operand lifetime markers get their size operand', v: 19,
      input: 'define void @f() {\n  %a = alloca [4 x double], align 8\n  %b = alloca i32, i64 4\n' +
        '  call void @llvm.lifetime.start.p0(ptr %a)\n  call void @llvm.lifetime.start.p0(ptr %b)\n  call void @llvm.lifetime.end.p0(ptr %a)\n  ret void\n}\n\n' +
        'declare void @llvm.lifetime.start.p0(ptr captures(none))\ndeclare void @llvm.lifetime.end.p0(ptr captures(none))\n',
      want: [/call void @llvm\.lifetime\.start\.p0\(i64 32, ptr %a\)/, /call void @llvm\.lifetime\.start\.p0\(i64 -1, ptr %b\)/,
        /declare void @llvm\.lifetime\.start\.p0\(i64 immarg, ptr nocapture\)/],
    },
    {
      what: 'debug records are intrinsic calls before LLVM 19', v: 16,
      input: 'define void @f(i32 %a) !dbg !5 {\n    #dbg_value(i32 %a, !6, !DIExpression(), !7)\n  ret void, !dbg !7\n}\n\n' +
        '!llvm.dbg.cu = !{!0}\n!llvm.module.flags = !{!3}\n' +
        '!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, emissionKind: FullDebug)\n!1 = !DIFile(filename: "a.c", directory: "/")\n' +
        '!3 = !{i32 2, !"Debug Info Version", i32 3}\n' +
        '!5 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !8, unit: !0, spFlags: DISPFlagDefinition)\n' +
        '!6 = !DILocalVariable(name: "a", scope: !5, file: !1, line: 1, type: !9)\n!7 = !DILocation(line: 1, scope: !5)\n' +
        '!8 = !DISubroutineType(types: !{null})\n!9 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)\n',
      want: [/ {2}call void @llvm\.dbg\.value\(metadata i32 %a, metadata !6, metadata !DIExpression\(\)\), !dbg !7\n {2}ret void/,
        /declare void @llvm\.dbg\.value\(metadata, metadata, metadata\)/],
    },
    {
      what: 'module flag behaviour 8 is 7 for LLVM 14', v: 14,
      input: '!llvm.module.flags = !{!0, !1}\n!0 = !{i32 8, !"PIC Level", i32 2}\n!1 = !{i32 7, !"PIE Level", i32 2}\n',
      want: [/!0 = !\{i32 7, !"PIC Level", i32 2\}/, /!1 = !\{i32 7, !"PIE Level", i32 2\}/],
    },
    {
      what: '"expected" branch weights lose their tag before LLVM 19', v: 16,
      input: 'define void @f(i1 %c) {\n  br i1 %c, label %a, label %b, !prof !0\n\na:\n  ret void\n\nb:\n  ret void\n}\n\n!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}\n',
      want: [/!0 = !\{!"branch_weights", i32 1, i32 2000\}/],
    },
  ];
  for (const r of rules) {
    test(`${r.what} (LLVM ${r.v})`, async () => {
      const out = print(r.input, r.v);
      for (const w of r.want) expect(out).toMatch(w);
      if (r.v < 20) expect(await accepts(r.v, out)).toBe('');
      // what the input's own version reads is printed as before
      expect(print(r.input, TARGET_MAX)).toBe(printModule(parseText(r.input)));
    });
  }

  test('what cannot be written for the target is an error at its place (E0120)', () => {
    const text = 'define i32 @f(ptr %p) {\n  %o = atomicrmw usub_sat ptr %p, i32 1 seq_cst\n  ret i32 %o\n}\n';
    let err: DiagnosticError | null = null;
    try { printModule(parseModule(new SourceFile('rmw.ll', text)), { targetLLVM: 19, file: new SourceFile('rmw.ll', text) }); } catch (e) {
      if (e instanceof DiagnosticError) err = e; else throw e;
    }
    expect(err?.diagnostics[0]?.code).toBe('E0120');
    expect(err?.diagnostics[0]?.message).toBe('atomicrmw usub_sat cannot be written for LLVM 19');
    expect(err?.diagnostics[0]?.notes).toEqual(['LLVM 19 has no equivalent; --target-llvm 20 or newer writes it as it is']);
    expect(err?.diagnostics[0]?.start).toBe(text.indexOf('%o'));
    expect(print(text, 20)).toContain('atomicrmw usub_sat');
  });

  test('text kept as written (lazy loading) that needs rewriting is read first', () => {
    const text = 'define void @g(ptr captures(none) %p) {\n  call void @h(ptr captures(none) %p)\n  ret void\n}\n\ndeclare void @h(ptr)\n\n' +
      'define void @k() {\n  ret void\n}\n';
    const { module: m } = parseModuleLazy(new SourceFile('in.ll', text));
    const out = printModule(m, { targetLLVM: 19 });
    expect(out).toContain('call void @h(ptr nocapture %p)');
    expect(m.functions.find((f) => f.name === 'g')!.deferred).toBeNull();
    expect(m.functions.find((f) => f.name === 'k')!.deferred).not.toBeNull();
    expect(needlesFor(19)).toContain('captures(');
  });
});

describe.concurrent('real compiler output', () => {
  const all = corpusFiles(() => true);
  const clang19 = all.filter((f, k) => f.config.startsWith('clang19') && k % 4 === 0);
  const clang14 = all.filter((f, k) => f.config.startsWith('clang14') && k % 5 === 0);
  const rustc = all.filter((f) => f.config.startsWith('rustc'));
  test('the samples are not empty', () => { expect([clang19.length > 40, clang14.length > 20, rustc.length > 20]).toEqual([true, true, true]); });

  for (const f of clang19) {
    test(`${f.config}/${f.name}: LLVM 14 and 16 read it; for 19 nothing changes`, async () => {
      const m = parseText(f.text(), f.path);
      const plain = printModule(m);
      expect(printModule(m, { targetLLVM: 19 }) === plain).toBe(true);
      for (const v of [14, 16]) expect(await accepts(v, printModule(m, { targetLLVM: v })), `LLVM ${v}`).toBe('');
    }, 60_000);
  }
  for (const f of clang14) {
    test(`${f.config}/${f.name}: for LLVM 14 nothing changes`, () => {
      const m = parseText(f.text(), f.path);
      expect(printModule(m, { targetLLVM: 14 }) === printModule(m)).toBe(true);
    });
  }
  for (const f of rustc) {
    test(`${f.config}/${f.name}: LLVM 19, 16 and 14 read it; for 22 nothing changes`, async () => {
      const m = parseText(f.text(), f.path);
      expect(printModule(m, { targetLLVM: 22 }) === printModule(m)).toBe(true);
      for (const v of [19, 16, 14]) expect(await accepts(v, printModule(m, { targetLLVM: v })), `LLVM ${v}`).toBe('');
    }, 60_000);
  }
});

describe('the option', () => {
  test('every command that prints IR takes it; a version out of range is a usage error', () => {
    for (const cmd of ['fmt', 'grad', 'lower']) expect(runCli([cmd, '--help']).stdout).toContain('--target-llvm <N>');
    const r = runCli(['fmt', '-', '--target-llvm', '12'], { input: 'declare void @f()\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[E0903\]: --target-llvm: '12' is not an LLVM version this tool writes; use 14 to 22/);
  });
  test('opaque pointers for LLVM 14: a warning with the flag to pass', () => {
    const r = runCli(['fmt', '-', '--target-llvm', '14'], { input: 'declare void @f(ptr)\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning\[E0121\]: the module uses opaque pointers \(ptr\), which LLVM 14 reads only when asked to/);
    expect(r.stderr).toMatch(/-opaque-pointers/);
  });
});
