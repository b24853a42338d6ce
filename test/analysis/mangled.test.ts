// Facts from C++ mangled names: pointer / reference parameters to double or float.
import { describe, expect, test } from 'vitest';
import { parseText } from '../../src/syntax/parse.js';
import { namedPointees } from '../../src/analysis/mangled.js';
import { TypeAnalysis } from '../../src/analysis/types.js';

function parsed(src: string, name: string): { m: import('../../src/ir/module.js').Module; f: import('../../src/ir/function.js').Function } {
  const m = parseText(src, 't.ll');
  return { m, f: m.getFunction(name)! };
}
const fn = (src: string, name: string): import('../../src/ir/function.js').Function => parsed(src, name).f;

describe('namedPointees', () => {
  test('std::__relocate_a_1<double, double>(double*, double*, double*, std::allocator<double>&)', () => {
    const name = '_ZSt14__relocate_a_1IddENSt9enable_ifIXsr3std24__is_bitwise_relocatableIT_EE5valueEPS1_E4typeES2_S2_S2_RSaIT0_E';
    const f = fn(`define ptr @${name}(ptr %0, ptr %1, ptr %2, ptr %3) {\n  ret ptr %0\n}\n`, name);
    expect(namedPointees(f)).toEqual(['double', 'double', 'double', null]);
  });
  test('a member function: this is skipped; const float& and int* are told apart', () => {
    // S::g(float const&, int*, double)
    const name = '_ZN1S1gERKfPid';
    const f = fn(`define void @${name}(ptr %this, ptr %a, ptr %b, double %c) {\n  ret void\n}\n`, name);
    expect(namedPointees(f)).toEqual([null, 'float', null, null]);
  });
  test('C names and unknown shapes say nothing', () => {
    expect(namedPointees(fn('define void @f(ptr %p) {\n  ret void\n}\n', 'f'))).toBeNull();
    // a mismatch between the source and IR parameter counts: no guess
    const name = '_Z1hPd';
    expect(namedPointees(fn(`define void @${name}(ptr %a, ptr %b, ptr %c) {\n  ret void\n}\n`, name))).toBeNull();
  });
  test('type analysis uses them: memory behind an opaque double* parameter holds doubles', () => {
    const name = '_Z4copyPdPKdm';
    const { m, f } = parsed(`define void @${name}(ptr %d, ptr %s, i64 %n) {\n  call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)\n  ret void\n}\ndeclare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)\n`, name);
    const ta = new TypeAnalysis(m, f);
    expect(ta.memoryAt(f.args[0]!, 0)).toBe('double');
    expect(ta.memoryAt(f.args[1]!, 0)).toBe('double');
  });
});
