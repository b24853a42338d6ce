// The plain-TypeScript half of `check`: `--at` syntax, the seeded generator,
// and the element type found behind pointer parameters.
import { describe, expect, test } from 'vitest';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { parseText } from '../../src/syntax/parse.js';
import { Rng, atText, inferElemType, parseAt } from '../../src/driver/check-points.js';

describe('--at', () => {
  test('scalars and arrays, with spaces, semicolons or commas inside brackets', () => {
    expect(parseAt('1.5, [1 2 -3], 4')).toEqual([
      { kind: 'scalar', value: 1.5, text: '1.5' },
      { kind: 'array', values: [1, 2, -3], elem: null, text: '[1 2 -3]' },
      { kind: 'scalar', value: 4, text: '4' },
    ]);
    expect(parseAt('[1;2; 3],[4, 5]').map((i) => i.kind === 'array' && i.values)).toEqual([[1, 2, 3], [4, 5]]);
    expect(parseAt('-1e-3,inf,nan').map((i) => i.kind === 'scalar' && i.value)).toEqual([-1e-3, Infinity, NaN]);
  });

  test('an element type before the bracket', () => {
    expect(parseAt('float[1 2]')[0]).toMatchObject({ elem: { kind: 'float', fk: 'float' } });
    expect(parseAt('i32[0 1]')[0]).toMatchObject({ elem: { kind: 'int', bits: 32 } });
  });

  for (const [bad, msg] of [['1,,2', /empty value/], ['[1 [2]]', /nested/], ['1]', /without/], ['q[1]', /unknown element type/], ['[]', /empty array/], ['1 2', /not a number/]] as const) {
    test(`refuses ${bad}`, () => {
      try { parseAt(bad); } catch (e) {
        expect(e).toBeInstanceOf(DiagnosticError);
        expect((e as DiagnosticError).diagnostics[0]!.code).toBe('E0903');
        expect((e as DiagnosticError).message).toMatch(msg);
        return;
      }
      throw new Error('accepted');
    });
  }

  test('atText spells a point so that --at reads it back', () => {
    const text = atText([{ kind: 'float', fk: 'double', value: 0.1 + 0.2 }, { kind: 'array', elem: { kind: 'float', fk: 'double' }, values: [1, -2.5] }, { kind: 'int', bits: 64, value: 2 }]);
    expect(text).toBe('0.30000000000000004,[1 -2.5],2');
    expect(parseAt(text).map((i) => i.kind === 'scalar' ? i.value : i.values)).toEqual([0.1 + 0.2, [1, -2.5], 2]);
  });
});

describe('Rng', () => {
  test('deterministic, magnitudes in [0.1, 1.5], both signs, floats exact in float', () => {
    const a = new Rng(42), b = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => a.value('double'));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.value('double')));
    for (const x of xs) { expect(Math.abs(x)).toBeGreaterThanOrEqual(0.1); expect(Math.abs(x)).toBeLessThanOrEqual(1.5); }
    expect(xs.some((x) => x < 0) && xs.some((x) => x > 0)).toBe(true);
    const f = new Rng(1).value('float');
    expect(Math.fround(f)).toBe(f);
  });
});

describe('element type behind a pointer', () => {
  const fnOf = (text: string, name: string) => parseText(text).getFunction(name)!;

  test('typed pointers name it', () => {
    const f = fnOf('define void @f(float* %a, [4 x double]* %b, i32* %c) {\nentry:\n  ret void\n}\n', 'f');
    expect(inferElemType(f, 0)).toEqual({ kind: 'float', fk: 'float' });
    expect(inferElemType(f, 1)).toEqual({ kind: 'float', fk: 'double' });
    expect(inferElemType(f, 2)).toEqual({ kind: 'int', bits: 32 });
  });

  test('i8* and opaque pointers: the accesses tell, through GEPs, casts and phis', () => {
    const typed = fnOf(`define void @f(i8* %a) {
entry:
  %p = bitcast i8* %a to float*
  ret void
}
`, 'f');
    expect(inferElemType(typed, 0)).toEqual({ kind: 'float', fk: 'float' });
    const opaque = fnOf(`define float @g(ptr %a, ptr %b, ptr %c, i1 %k) {
entry:
  %q = getelementptr i8, ptr %a, i64 8
  br label %next
next:
  %p = phi ptr [ %q, %entry ]
  %v = load float, ptr %p
  %w = load i64, ptr %b
  %b2 = getelementptr inbounds double, ptr %b, i64 1
  ret float %v
}
`, 'g');
    expect(inferElemType(opaque, 0)).toEqual({ kind: 'float', fk: 'float' });
    // an i64 copy and a double GEP: the floating type wins
    expect(inferElemType(opaque, 1)).toEqual({ kind: 'float', fk: 'double' });
    // never accessed: double
    expect(inferElemType(opaque, 2)).toEqual({ kind: 'float', fk: 'double' });
  });
});
