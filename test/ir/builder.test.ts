import { fpConstantText, roundToFloatKind } from '../../src/ir/fp.js';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IRBuilder, addFunction, aggregateElementType, castError, constFP, constInt, gepResultType,
  nullValue, eraseFromParent,
} from '../../src/ir/builder.js';
import { ConstantAggregate, ConstantFP, ConstantInt, ConstantNull, ConstantZero } from '../../src/ir/constants.js';
import { F } from '../../src/ir/flags.js';
import type { FloatKind } from '../../src/ir/types.js';
import { fixture, newModule } from './helpers.js';

describe('result types in both pointer dialects', () => {
  it('alloca, load, store, gep with typed pointers', () => {
    const m = newModule('typed');
    const t = m.types;
    const S = t.namedStruct('struct.S');
    S.elems = [t.i32, t.array(4, t.double)];
    S.defined = true;
    const b = new IRBuilder(m);
    const fn = addFunction(m, 'f', t.fn(t.void, [t.typedPtr(S)]), ['s']);
    b.atEnd(b.block(fn, 'entry'));
    const a = b.alloca(t.double, 'a');
    expect(a.type).toBe(t.typedPtr(t.double));
    const g = b.gep(S, fn.args[0]!, [b.i64(0), b.i32(1), b.i64(2)], 'g', true);
    expect(g.type).toBe(t.typedPtr(t.double));
    expect(g.flags).toBe(F.INBOUNDS);
    const l = b.load(t.double, g, 'l');
    expect(l.type).toBe(t.double);
    const st = b.store(l, a);
    expect(st.type).toBe(t.void);
    expect(() => b.load(t.i32, g)).toThrow(/pointee/);
    expect(() => b.store(b.i32(1), a)).toThrow(/pointee/);
    expect(() => b.gep(t.double, fn.args[0]!, [b.i64(0)])).toThrow(/pointee/);
    const f = b.structGep(S, fn.args[0]!, 0, 'f0');
    expect(f.type).toBe(t.typedPtr(t.i32));
    const c = b.cast('bitcast', f, t.typedPtr(t.i8));
    expect(c.type).toBe(t.typedPtr(t.i8));
  });

  it('alloca, load, store, gep with opaque pointers', () => {
    const m = newModule('opaque');
    const t = m.types;
    const b = new IRBuilder(m);
    const fn = addFunction(m, 'f', t.fn(t.void, [t.opaquePtr(), t.opaquePtr(1)]), ['p', 'q']);
    b.atEnd(b.block(fn, 'entry'));
    expect(b.alloca(t.double).type).toBe(t.opaquePtr());
    const g = b.gep(t.array(4, t.double), fn.args[0]!, [b.i64(0), b.i64(3)]);
    expect(g.type).toBe(t.opaquePtr());
    expect(b.gep(t.double, fn.args[1]!, [b.i64(1)]).type).toBe(t.opaquePtr(1));
    expect(b.load(t.i32, g).type).toBe(t.i32); // any type through ptr
    const vi = b.cast('sext', b.undef(t.vector(2, t.i32)), t.vector(2, t.i64));
    expect(b.gep(t.double, fn.args[0]!, [vi]).type).toBe(t.vector(2, t.opaquePtr()));
  });

  it('gepResultType reports invalid index lists', () => {
    const m = newModule('opaque');
    const t = m.types;
    const b = new IRBuilder(m);
    const S = t.struct([t.i32, t.double]);
    const p = nullValue(t.opaquePtr());
    const errors: [string, number][] = [];
    const sink = (msg: string, k: number) => { errors.push([msg, k]); };
    expect(gepResultType(m, S, p.type, [b.i64(0), b.i32(1)])).toBe(t.opaquePtr());
    expect(gepResultType(m, S, p.type, [b.i64(0), b.i64(1)], sink)).toBeNull();
    expect(gepResultType(m, S, p.type, [b.i64(0), b.i32(2)], sink)).toBeNull();
    expect(gepResultType(m, t.double, p.type, [b.i64(0), b.i64(0)], sink)).toBeNull();
    expect(gepResultType(m, t.double, t.double, [b.i64(0)], sink)).toBeNull();
    expect(gepResultType(m, t.namedStruct('opaque.T'), p.type, [b.i64(0)], sink)).toBeNull();
    expect(gepResultType(m, S, p.type, [b.i64(0), b.undef(t.i32)], sink)).toBeNull();
    expect(gepResultType(m, t.double, p.type, [b.fp(t.double, 1)], sink)).toBeNull();
    expect(errors.map((e) => e[1])).toEqual([1, 1, 1, -1, -1, 1, 0]);
    expect(errors[0]![0]).toMatch(/i32/);
    // A splat vector of i32 is a valid struct index.
    const splat = new ConstantAggregate(t.vector(2, t.i32), [b.i32(1), b.i32(1)]);
    expect(gepResultType(m, S, p.type, [b.i64(0), splat])).toBe(t.vector(2, t.opaquePtr()));
  });

  it('aggregateElementType walks structs and arrays only', () => {
    const t = newModule().types;
    const A = t.struct([t.double, t.array(3, t.struct([t.i32, t.f32]))]);
    expect(aggregateElementType(A, [0])).toBe(t.double);
    expect(aggregateElementType(A, [1, 2, 1])).toBe(t.f32);
    const errs: string[] = [];
    expect(aggregateElementType(A, [], (m) => errs.push(m))).toBeNull();
    expect(aggregateElementType(A, [1, 3], (m) => errs.push(m))).toBeNull();
    expect(aggregateElementType(A, [0, 0], (m) => errs.push(m))).toBeNull();
    expect(aggregateElementType(t.vector(2, t.double), [0], (m) => errs.push(m))).toBeNull();
    expect(errs.length).toBe(4);
  });

  it('castError follows castIsValid', () => {
    const t = newModule().types;
    expect(castError('trunc', t.i64, t.i32)).toBeNull();
    expect(castError('trunc', t.i32, t.i64)).not.toBeNull();
    expect(castError('zext', t.vector(2, t.i32), t.vector(2, t.i64))).toBeNull();
    expect(castError('zext', t.vector(2, t.i32), t.vector(4, t.i64))).not.toBeNull();
    expect(castError('fpext', t.f32, t.double)).toBeNull();
    expect(castError('fptrunc', t.float('fp128'), t.float('ppc_fp128'))).not.toBeNull();
    expect(castError('bitcast', t.double, t.i64)).toBeNull();
    expect(castError('bitcast', t.vector(2, t.f32), t.double)).toBeNull();
    expect(castError('bitcast', t.double, t.i32)).not.toBeNull();
    expect(castError('bitcast', t.typedPtr(t.double), t.typedPtr(t.i8))).toBeNull();
    expect(castError('bitcast', t.opaquePtr(), t.opaquePtr(1))).not.toBeNull();
    expect(castError('addrspacecast', t.opaquePtr(), t.opaquePtr(1))).toBeNull();
    expect(castError('ptrtoint', t.opaquePtr(), t.i64)).toBeNull();
    expect(castError('sitofp', t.i32, t.double)).toBeNull();
    expect(castError('fptosi', t.i32, t.double)).not.toBeNull();
  });

  it('comparisons, selects, aggregates, vectors', () => {
    const { m, b, fn, bb } = fixture(['entry']);
    const t = m.types;
    b.atEnd(bb.entry!);
    const x = fn.args[1]!;
    expect(b.fcmp('olt', x, x).type).toBe(t.i1);
    const v = b.undef(t.vector(4, t.f32));
    expect(b.fcmp('oeq', v, v).type).toBe(t.vector(4, t.i1));
    expect(() => b.icmp('olt', x, x)).toThrow(/predicate/);
    expect(() => b.icmp('eq', x, x)).toThrow(/integer or pointer/);
    expect(b.select(fn.args[0]!, x, x).type).toBe(t.double);
    const agg = b.undef(t.struct([t.double, t.array(2, t.i32)]));
    expect(b.extractValue(agg, [1, 0]).type).toBe(t.i32);
    expect(b.insertValue(agg, x, [0]).type).toBe(agg.type);
    expect(() => b.insertValue(agg, x, [1, 0])).toThrow(/wrong type/);
    expect(b.extractElement(v, b.i32(0)).type).toBe(t.f32);
    expect(b.insertElement(v, constFP(t.f32, 2), b.i32(1)).type).toBe(v.type);
    expect(() => b.fadd(x, b.i32(1))).toThrow(/different types/);
    expect(() => b.add(x, x)).toThrow(/integer/);
    expect(b.fneg(x).type).toBe(t.double);
  });
});

describe('insertion point and origin', () => {
  it('inserts before, after, at the first insertion point, before the terminator', () => {
    const { m, b, fn, bb } = fixture(['entry', 'next']);
    const d = m.types.double;
    const x = fn.args[1]!;
    b.atEnd(bb.entry!);
    const a1 = b.fadd(x, x, 'a1');
    const br = b.br(bb.next!);
    b.before(br);
    const a2 = b.fadd(a1, x, 'a2');
    const a3 = b.fadd(a2, x, 'a3');
    b.after(a1);
    const a4 = b.fmul(a1, x, 'a4');
    expect(bb.entry!.instructions).toEqual([a1, a4, a2, a3, br]);
    b.beforeTerminator(bb.entry!);
    const a5 = b.fsub(a3, x, 'a5');
    expect(bb.entry!.instructions.at(-2)).toBe(a5);
    b.atEnd(bb.next!);
    const ret = b.ret();
    b.atFirstInsertionPoint(bb.next!);
    const p = b.phi(d, [[a5, bb.entry!]], 'p');
    expect(bb.next!.instructions).toEqual([p, ret]);
    b.atFirstInsertionPoint(bb.next!);
    const after = b.fneg(p, 'n');
    expect(bb.next!.instructions).toEqual([p, after, ret]);
    for (const blk of fn.blocks) for (const i of blk.instructions) expect(i.parent).toBe(blk);
    // The anchor moved by someone else: the builder finds it again.
    const saved = b.before(a3).insertPoint;
    bb.entry!.instructions.splice(0, 1);
    bb.entry!.instructions.push(a1);
    b.setInsertPoint(saved);
    const a6 = b.fadd(x, x, 'a6');
    const list = bb.entry!.instructions;
    expect(list.indexOf(a6) + 1).toBe(list.indexOf(a3));
    eraseFromParent(a6);
    expect(list.includes(a6)).toBe(false);
    expect(a6.parent).toBeNull();
  });

  it('stamps created instructions with the current origin', () => {
    const { b, fn, bb } = fixture(['entry']);
    const x = fn.args[1]!;
    b.atEnd(bb.entry!);
    const primal = b.fmul(x, x, 'y');
    primal.pos = 10;
    expect(primal.origin).toBeNull();
    b.origin = primal;
    const d1 = b.fmul(x, x);
    const d2 = b.withOrigin(null, () => b.fadd(x, x));
    const d3 = b.fadd(d1, d1);
    b.origin = null;
    expect(d1.origin).toBe(primal);
    expect(d2.origin).toBeNull();
    expect(d3.origin).toBe(primal);
    expect(d1.pos).toBe(-1);
  });

  it('fast-math flags default to the builder setting on floating operations', () => {
    const { b, fn, bb } = fixture(['entry']);
    b.atEnd(bb.entry!);
    b.fastMath = F.NSZ | F.CONTRACT;
    const x = fn.args[1]!;
    expect(b.fadd(x, x).flags).toBe(F.NSZ | F.CONTRACT);
    expect(b.binop('fmul', x, x, null, 0).flags).toBe(0);
    expect(b.fcmp('olt', x, x).flags).toBe(F.NSZ | F.CONTRACT);
    expect(b.icmp('eq', fn.args[0]!, fn.args[0]!).flags).toBe(0);
  });

  it('calls and invokes take their type from the callee', () => {
    const { m, b, fn, bb } = fixture(['entry', 'ok', 'bad']);
    const t = m.types;
    const g = addFunction(m, 'g', t.fn(t.double, [t.double]));
    const pf = addFunction(m, 'printf', t.fn(t.i32, [t.opaquePtr()], true));
    b.atEnd(bb.entry!);
    const c = b.call(g, [fn.args[1]!], 'c');
    expect(c.type).toBe(t.double);
    expect(c.fnType).toBe(g.fnType);
    expect(c.callee).toBe(g);
    expect(c.args()).toEqual([fn.args[1]]);
    const v = b.call(pf, [nullValue(t.opaquePtr()), c]);
    expect(v.explicitFnType).toBe(true);
    expect(() => b.call(g, [])).toThrow(/arguments/);
    expect(() => b.call(g, [b.i32(0)])).toThrow(/wrong type/);
    expect(() => b.call(nullValue(t.opaquePtr()), [])).toThrow(/function type/);
    const ind = b.call(nullValue(t.opaquePtr()), [], null, t.fn(t.void, []));
    expect(ind.type).toBe(t.void);
    const inv = b.invoke(g, [c], bb.ok!, bb.bad!, 'i');
    expect(inv.successors).toEqual([bb.ok, bb.bad]);
    expect(inv.type).toBe(t.double);
  });
});

describe('constants', () => {
  it('integers are stored in signed form, i1 as 0/1', () => {
    const t = newModule().types;
    expect((constInt(t.i8, 255) as ConstantInt).value).toBe(-1n);
    expect((constInt(t.i32, -1) as ConstantInt).value).toBe(-1n);
    expect((constInt(t.i1, 1) as ConstantInt).value).toBe(1n);
    expect((constInt(t.i64, 2n ** 63n) as ConstantInt).value).toBe(-(2n ** 63n));
    const v = constInt(t.vector(2, t.i32), 7) as ConstantAggregate;
    expect(v.elems.map((e) => (e as ConstantInt).value)).toEqual([7n, 7n]);
    expect(nullValue(t.opaquePtr())).toBeInstanceOf(ConstantNull);
    expect(nullValue(t.struct([t.double]))).toBeInstanceOf(ConstantZero);
    expect((nullValue(t.double) as ConstantFP).text).toBe('0x0000000000000000');
  });

  it('spells floating constants as LLVM does', () => {
    expect(fpConstantText(1, 'double')).toBe('0x3FF0000000000000');
    expect(fpConstantText(-0, 'double')).toBe('0x8000000000000000');
    expect(fpConstantText(NaN, 'double')).toBe('0x7FF8000000000000');
    expect(fpConstantText(0.1, 'float')).toBe('0x3FB99999A0000000');
    expect(fpConstantText(0.1, 'half')).toBe('0x3FB9980000000000');
    expect(fpConstantText(0.1, 'bfloat')).toBe('0x3FB9A00000000000');
    expect(fpConstantText(65520, 'half')).toBe('0x7FF0000000000000'); // rounds up to infinity
    expect(fpConstantText(65519, 'half')).toBe('0x40EFFC0000000000'); // 65504
    expect(fpConstantText(1e-8, 'half')).toBe('0x0000000000000000');
    expect(roundToFloatKind(2 ** -24, 'half')).toBe(2 ** -24);
    expect(roundToFloatKind(3 * 2 ** -25, 'half')).toBe(2 ** -23); // tie to even
    expect(fpConstantText(1, 'x86_fp80')).toBe('0xK3FFF8000000000000000');
    expect(fpConstantText(-2.5, 'x86_fp80')).toBe('0xKC000A000000000000000');
    expect(fpConstantText(1, 'fp128')).toBe('0xL00000000000000003FFF000000000000');
    expect(fpConstantText(1, 'ppc_fp128')).toBe('0xM3FF00000000000000000000000000000');
    expect(fpConstantText(Infinity, 'x86_fp80')).toBe('0xK7FFF8000000000000000');
    expect(fpConstantText(5e-324, 'fp128')).toBe('0xL0000000000000000' + '3BCD000000000000');
  });

  // LLVM itself is the judge of the spellings, when it is installed.
  const llvmAs = ['llvm-as-19', 'llvm-as'].find((tool) => {
    try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
  });
  it.skipIf(!llvmAs)('llvm-as accepts every spelling', () => {
    const kinds: FloatKind[] = ['half', 'bfloat', 'float', 'double', 'x86_fp80', 'fp128', 'ppc_fp128'];
    const values = [0, -0, 1, -2.5, 0.1, 1 / 3, Math.PI, 1e-8, 1e-40, 5e-324, 65519, 65520, 3.4e38, 1e300, Infinity, -Infinity, NaN];
    let text = '';
    let k = 0;
    for (const fk of kinds) {
      if (fk === 'bfloat' && llvmAs === 'llvm-as') continue; // LLVM 14 has bfloat, keep the set version-neutral
      for (const v of values) text += `@g${k++} = global ${fk} ${fpConstantText(v, fk)}\n`;
    }
    const dir = mkdtempSync(join(tmpdir(), 'enzyme-fp-'));
    try {
      writeFileSync(join(dir, 'c.ll'), text);
      execFileSync(llvmAs!, [join(dir, 'c.ll'), '-o', join(dir, 'c.bc')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const c = constFP(newModule().types.f32, 0.1) as ConstantFP;
    expect(c.text).toBe('0x3FB99999A0000000');
  });
});
