// What the builder makes, LLVM accepts: a function using most builder
// methods, in both pointer dialects, printed and fed to llvm-as (which runs
// LLVM's verifier). Skipped when the LLVM tools are not installed.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declareFunction } from '../../src/ir/builder.js';
import { verifyModule } from '../../src/ir/verify.js';
import { printModule } from '../../src/print/printer.js';
import type { Module, PointerDialect } from '../../src/ir/module.js';
import { fixture } from './helpers.js';

function has(tool: string): boolean {
  try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** llvm-as for each dialect: LLVM 14 reads typed pointers, LLVM 19 opaque ones. */
const assembler: Record<PointerDialect, string[] | null> = {
  typed: has('llvm-as') ? ['llvm-as'] : null,
  opaque: has('llvm-as-19') ? ['llvm-as-19'] : has('llvm-as') ? ['llvm-as', '-opaque-pointers'] : null,
};

function build(dialect: PointerDialect): Module {
  const { m, b, fn, bb } = fixture(['entry', 'oh', 'ih', 'ol', 'exit', 'ok', 'lpad'], {
    dialect, type: (m) => m.types.fn(m.types.double, [m.ptrTo(m.types.double), m.types.i64]),
  });
  const t = m.types;
  fn.personality = declareFunction(m, '__gxx_personality_v0', t.fn(t.i32, [], true));
  const sin = declareFunction(m, 'sin', t.fn(t.double, [t.double]));
  const S = t.freshNamedStruct('struct.S', [t.i32, t.array(4, t.double)]);
  const [ptr, n] = [fn.args[0]!, fn.args[1]!];
  b.atEnd(bb.entry!);
  const acc = b.alloca(t.double, 'acc', null, 8);
  const s = b.alloca(S, 's');
  const f = b.gep(S, s, [b.i64(0), b.i32(1), b.i64(2)], 'f', true);
  b.store(b.fp(t.double, 0.1), f);
  b.store(b.fp(t.double, 0), acc, 8);
  b.br(bb.oh!);
  b.atEnd(bb.oh!);
  const i = b.phi(t.i64, [[b.i64(0), bb.entry!]], 'i');
  b.br(bb.ih!);
  b.atEnd(bb.ih!);
  const j = b.phi(t.i64, [[b.i64(0), bb.oh!]], 'j');
  const v = b.load(t.double, b.gep(t.double, ptr, [j], 'g', true), 'v');
  const c = b.call(sin, [v], 'c');
  b.store(b.fadd(b.load(t.double, acc), b.select(b.fcmp('olt', c, v), c, b.fneg(v))), acc);
  const j1 = b.add(j, b.i64(1), 'j1');
  j.operands.push(j1);
  j.blocks.push(bb.ih!);
  b.condBr(b.icmp('slt', j1, n), bb.ih!, bb.ol!);
  b.atEnd(bb.ol!);
  const i1 = b.add(i, b.i64(1), 'i1');
  // Two switch cases lead to %oh: the phi needs one entry per edge.
  i.operands.push(i1, i1);
  i.blocks.push(bb.ol!, bb.ol!);
  b.switch(b.cast('trunc', i1, t.i32), bb.exit!, [[b.i32(1), bb.oh!], [b.i32(2), bb.oh!]]);
  b.atEnd(bb.exit!);
  const r = b.invoke(sin, [b.load(t.double, acc)], bb.ok!, bb.lpad!, 'r');
  b.atEnd(bb.ok!);
  const h = b.cast('fptrunc', r, t.float('half'));
  const e = b.cast('fpext', b.fadd(h, b.fp(t.float('half'), 0.1)), t.double);
  const vec = b.insertElement(b.undef(t.vector(2, t.double)), e, b.i32(0));
  const agg = b.insertValue(b.undef(t.struct([t.double, t.i32])), b.extractElement(vec, b.i32(0)), [0]);
  b.ret(b.extractValue(agg, [0]));
  b.atEnd(bb.lpad!);
  const lp = b.landingpad(t.struct([m.ptrTo(t.i8), t.i32]), true, 'lp');
  b.resume(lp);
  return m;
}

describe('builder output is valid LLVM IR', () => {
  for (const dialect of ['typed', 'opaque'] as const) {
    const tool = assembler[dialect];
    it.skipIf(!tool)(`${dialect} pointers`, () => {
      const m = build(dialect);
      expect(verifyModule(m, null)).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'enzyme-ir-'));
      try {
        writeFileSync(join(dir, 'm.ll'), printModule(m));
        execFileSync(tool![0]!, [...tool!.slice(1), join(dir, 'm.ll'), '-o', join(dir, 'm.bc')], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
