// `check --forward` on float functions (issue 10): the finite differences are taken on the double
// twin of the float computation with Ridders' extrapolation, as reverse mode's check does, so a
// right float tangent passes where differences taken in float with one coarse step reported a
// false MISMATCH, and a float tangent 0.3% off is still caught.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFwdCheck, type FwdCheckOptions } from '../../src/driver/check-fwd.js';
import { hasTool } from '../util/llvm.js';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'enzyme-ts-fwd-float-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function check(opts: Omit<FwdCheckOptions, 'out'>): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runFwdCheck({ ...opts, out: (s) => { out += s; } });
  return { code, out };
}

// s = sum_i a[i]^2 i + 1000 cos(a[i]) in float: at a = [100 200 0.5 3] a step of 1e-2 of the largest
// entry (2.0) is far too coarse for cos, and differences in float drown in rounding.
const FSUM = `
declare float @llvm.cos.f32(float)
define float @fsum(float* %a, i32 %n) {
entry:
  %z = icmp sgt i32 %n, 0
  br i1 %z, label %loop, label %exit
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %s = phi float [ 0.0, %entry ], [ %s1, %loop ]
  %p = getelementptr float, float* %a, i32 %i
  %x = load float, float* %p
  %xx = fmul float %x, %x
  %fi = sitofp i32 %i to float
  %t = fmul float %xx, %fi
  %c = call float @llvm.cos.f32(float %x)
  %c1 = fmul float %c, 1000.0
  %u = fadd float %t, %c1
  %s1 = fadd float %s, %u
  %i1 = add i32 %i, 1
  %more = icmp slt i32 %i1, %n
  br i1 %more, label %loop, label %exit
exit:
  %r = phi float [ 0.0, %entry ], [ %s1, %loop ]
  ret float %r
}
`;

// w(x, a) = k(x) * x, a[i] = a[i] * k(x) + x: float scalar and float array outputs; k(x) = sin(3x) x
// with a hand-written forward derivative `dk`, right or scaled by SCALE (0.3% off).
const W = (scale: string): string => `
declare float @llvm.sin.f32(float)
declare float @llvm.cos.f32(float)
define float @k(float %x) {
entry:
  %x3 = fmul float %x, 3.0
  %s = call float @llvm.sin.f32(float %x3)
  %r = fmul float %s, %x
  ret float %r
}
define { float, float } @dk(float %x, float %dx) {
entry:
  %r = call float @k(float %x)
  %x3 = fmul float %x, 3.0
  %s = call float @llvm.sin.f32(float %x3)
  %c = call float @llvm.cos.f32(float %x3)
  %c3 = fmul float %c, 3.0
  %c3x = fmul float %c3, %x
  %d0 = fadd float %c3x, %s
  %d1 = fmul float %d0, ${scale}
  %d = fmul float %d1, %dx
  %p0 = insertvalue { float, float } undef, float %r, 0
  %p1 = insertvalue { float, float } %p0, float %d, 1
  ret { float, float } %p1
}
define float @w(float %x, float* %a, i32 %n) {
entry:
  %kx = call float @k(float %x)
  %z = icmp sgt i32 %n, 0
  br i1 %z, label %loop, label %exit
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr float, float* %a, i32 %i
  %v = load float, float* %p
  %m = fmul float %v, %kx
  %m1 = fadd float %m, %x
  store float %m1, float* %p
  %i1 = add i32 %i, 1
  %more = icmp slt i32 %i1, %n
  br i1 %more, label %loop, label %exit
exit:
  %r = fmul float %kx, %x
  ret float %r
}
`;

describe.skipIf(!hasTool('lli'))('check --forward on float functions', () => {
  test('no false MISMATCH where the entries differ in scale (the differences are taken in double, step by step)', async () => {
    const input = file('fsum.ll', FSUM);
    const r = await check({ input, fn: 'fsum', args: 'dup,const', at: '[100 200 0.5 3],4' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/finite differences: on a double twin of the float computation/);
    expect(r.out).toMatch(/^return +\S+ +\S+ +\S+ +ok$/m);
    for (const seed of [1, 2, 3]) {
      const s = await check({ input, fn: 'fsum', args: 'dup,const', seed, len: 6 });
      expect(s.code, s.out).toBe(0);
    }
  });

  test('float scalar and float array outputs: a right tangent passes at several points', async () => {
    const input = file('w.ll', W('1.0'));
    for (const seed of [1, 2, 3, 4]) {
      const r = await check({ input, fn: 'w', args: 'dup,dup,const', seed, len: 5, custom: ['k=dk'] });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/relative tolerance 0\.001/);
    }
    // The custom derivative is right: the same check differentiating k's body agrees too.
    const b = await check({ input, fn: 'w', args: 'dup,dup,const', seed: 5, len: 5 });
    expect(b.code, b.out).toBe(0);
  });

  test('a float tangent 0.3% off is a MISMATCH (it passed the old 1% tolerance)', async () => {
    const input = file('w-off.ll', W('0x3FF00C49C0000000'));
    for (const seed of [1, 2]) {
      const r = await check({ input, fn: 'w', args: 'dup,dup,const', seed, len: 5, custom: ['k=dk'] });
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/^return .*MISMATCH$/m);
      expect(r.out).toMatch(/^%a\[\d\] .*MISMATCH$/m);
    }
  });
});
