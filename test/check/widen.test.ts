// The double twin of float code (check-widen.ts) and the pruning of the module handed to lli
// (check-prune.ts), on real compiler output: every module they produce is valid IR for the LLVM
// of the compiler (llvm-as), and a twin computes the same function more precisely.
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule } from '../../src/print/printer.js';
import { widenFloat } from '../../src/driver/check-widen.js';
import { mutableGlobals, pruneModule, reachable } from '../../src/driver/check-prune.js';
import { addFunction } from '../../src/ir/builder.js';
import { IRBuilder } from '../../src/ir/builder.js';
import { ROOT, hasTool, run } from '../util/llvm.js';

const DIR = join(ROOT, 'fixtures', 'check');
const FLOAT = ['musl_float', 'adbench_gmm_float', 'adbench_ba_float', 'adbench_lstm_float', 'gradbench_kmeans_float', 'opus_celt_float', 'cminpack_enorm_float', 'args_structs', 'state_globals'];

function namer(): (base: string) => string {
  let k = 0;
  return (base) => `__test.${base}.${k++}`;
}

describe.skipIf(!hasTool('llvm-as') || !hasTool('llvm-as-19'))('every twin of float code is valid IR', () => {
  for (const config of ['clang14', 'clang19'] as const) {
    for (const file of readdirSync(join(DIR, config)).filter((f) => FLOAT.some((n) => f.startsWith(`${n}.`)))) {
      test(`${config}/${file}`, async () => {
        const m = parseText(readFileSync(join(DIR, config, file), 'utf8'), file);
        let twins = 0;
        const fresh = namer();
        for (const f of [...m.functions]) {
          if (f.isDeclaration || (f.name ?? '').startsWith('__test.')) continue;
          if (widenFloat(m, f, fresh)) twins++;
        }
        expect(twins).toBeGreaterThan(0);
        const as = await run(config === 'clang14' ? 'llvm-as' : 'llvm-as-19', ['--disable-output', '-'], printModule(m));
        expect(as.stderr).toBe('');
        expect(as.code).toBe(0);
      });
    }
  }
});

const MIXED = `
declare float @llvm.sin.f32(float)
define float @k(float %x, float %y) {
entry:
  %s = alloca float
  store float %x, float* %s
  %a = load float, float* %s
  %b = call float @llvm.sin.f32(float %a)
  %c = fmul float %b, %y
  %d = fdiv float %c, 3.0
  ret float %d
}
`;

describe.skipIf(!hasTool('lli'))('a twin computes the function in double', () => {
  test('the -O0 slot is widened, sin becomes the double one, the result is the double computation', async () => {
    const m = parseText(MIXED, 'k.ll');
    const k = m.getFunction('k')!;
    const t = widenFloat(m, k, namer())!;
    expect(t.roundings).toEqual([]);
    expect(t.floatStores).toBe(0);
    // a main printing the twin at (0.7, 1.3) with full precision
    const main = addFunction(m, 'main', m.types.fn(m.types.i32, []));
    const b = new IRBuilder(m);
    b.atEnd(b.block(main, 'entry'));
    const r = b.call(t.fn, [b.fp(m.types.double, 0.7), b.fp(m.types.double, 1.3)]);
    const bits = b.cast('bitcast', r, m.types.i64);
    const hi = b.cast('trunc', b.binop('lshr', bits, b.i64(32)), m.types.i32);
    b.ret(hi);
    const out = await run('lli', ['-'], printModule(m));
    // lli returns main's value as the exit status (low 8 bits of the high word of the double)
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, Math.sin(0.7) * 1.3 / 3);
    expect(out.code).toBe(dv.getUint32(0) & 0xff);
    // the float function rounds: its result differs from the double one
    expect(Math.fround(Math.fround(Math.fround(Math.sin(0.7)) * Math.fround(1.3)) / 3)).not.toBe(Math.sin(0.7) * 1.3 / 3);
  });
});

describe('pruning', () => {
  const TEXT = `
@used = global double 1.0
@unused = global double 2.0
@konst = constant double 3.0
@llvm.used = appending global [1 x i8*] [i8* bitcast (double (double)* @other to i8*)], section "llvm.metadata"
declare double @nowhere(double)
define double @f(double %x) {
entry:
  %u = load double, double* @used
  %k = load double, double* @konst
  %y = fmul double %x, %u
  %z = fadd double %y, %k
  store double %z, double* @used
  ret double %z
}
define double @other(double %x) {
entry:
  %y = call double @nowhere(double %x)
  %z = load double, double* @unused
  %w = fadd double %y, %z
  ret double %w
}
!named = !{!0}
!0 = !{double (double)* @other}
`;
  test('keeps what the entry reaches, turns what metadata names into declarations, drops the rest', async () => {
    const m = parseText(TEXT, 'p.ll');
    const f = m.getFunction('f')!;
    expect(mutableGlobals(m).filter((g) => reachable(m, [f]).has(g)).map((g) => g.name)).toEqual(['used']);
    const r = pruneModule(m, f);
    expect(r.dropped).toBe(2);
    expect(m.functions.map((x) => `${x.name}:${x.isDeclaration ? 'declare' : 'define'}`).sort()).toEqual(['f:define', 'other:declare']);
    expect(m.globals.map((g) => g.name).sort()).toEqual(['konst', 'used']);
    if (hasTool('llvm-as')) {
      const as = await run('llvm-as', ['--disable-output', '-'], printModule(m));
      expect(as.stderr).toBe('');
    }
  });
});
