// What only the verifier sees (the parser checks each instruction alone):
// every command that loads a module runs it.
import { describe, expect, test } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModule } from '../../src/driver/load.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';

function problems(text: string): { code: string; line: number; col: number; message: string }[] {
  const p = join(mkdtempSync(join(tmpdir(), 'enzyme-verify-')), 'm.ll');
  writeFileSync(p, text);
  try {
    loadModule(p);
    return [];
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    return e.diagnostics.map((d) => ({ code: d.code, message: d.message, ...d.file!.position(d.start) }));
  }
}

describe('verifier diagnostics through loadModule', () => {
  test('a use not dominated by its definition', () => {
    const r = problems('define i32 @f(i32 %x) {\n  %a = add i32 %b, 1\n  %b = add i32 %x, 1\n  ret i32 %a\n}\n');
    expect(r[0]).toMatchObject({ code: 'E0302', line: 2, col: 3 });
  });
  test('a phi without an entry for a predecessor', () => {
    const r = problems([
      'define i32 @f(i1 %c) {', 'entry:', '  br i1 %c, label %a, label %b', 'a:', '  br label %j', 'b:', '  br label %j',
      'j:', '  %p = phi i32 [ 1, %a ]', '  ret i32 %p', '}', '',
    ].join('\n'));
    expect(r[0]).toMatchObject({ code: 'E0303', line: 9 });
  });
  test('a valid module loads', () => {
    expect(problems('define i32 @f(i32 %x) {\n  %a = add i32 %x, 1\n  ret i32 %a\n}\n')).toEqual([]);
  });
});
