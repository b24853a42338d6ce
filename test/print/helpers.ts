// Small conveniences to build modules programmatically in printer tests, and
// to feed the printed text to the LLVM assemblers.

import { spawnSync } from 'node:child_process';
import { Module, type PointerDialect } from '../../src/ir/module.js';
import type { FunctionType, Type } from '../../src/ir/types.js';
import { Argument, BasicBlock, Function, GlobalVariable } from '../../src/ir/function.js';
import type { Instruction } from '../../src/ir/instructions.js';
import { ConstantInt } from '../../src/ir/constants.js';
import { MDRaw } from '../../src/ir/metadata.js';
import type { Attr } from '../../src/ir/attributes.js';

export function newModule(dialect: PointerDialect): Module {
  const m = new Module();
  m.dialect = dialect;
  return m;
}

export function fn(
  m: Module, name: string | null, ret: Type, params: Type[],
  opts: { vararg?: boolean; decl?: boolean; argNames?: (string | null)[] } = {},
): Function {
  const fty: FunctionType = m.types.fn(ret, params, opts.vararg ?? false);
  const f = new Function(m.ptrTo(fty), fty);
  f.name = name;
  f.isDeclaration = opts.decl ?? false;
  params.forEach((p, i) => {
    const a = new Argument(p, f, i);
    a.name = opts.argNames?.[i] ?? null;
    f.args.push(a);
  });
  m.functions.push(f);
  m.invalidateSymbols();
  return f;
}

export function block(f: Function, name: string | null, m: Module): BasicBlock {
  const b = new BasicBlock(m.types.label, f);
  b.name = name;
  f.blocks.push(b);
  return b;
}

export function add<I extends Instruction>(b: BasicBlock, i: I, name: string | null = null): I {
  i.name = name;
  b.append(i);
  return i;
}

export function gvar(m: Module, name: string | null, valueType: Type, init: GlobalVariable['init'] = null): GlobalVariable {
  const g = new GlobalVariable(m.ptrTo(valueType), valueType);
  g.name = name;
  g.init = init;
  m.globals.push(g);
  m.invalidateSymbols();
  return g;
}

export const i32c = (m: Module, v: number | bigint): ConstantInt => new ConstantInt(m.types.i32, BigInt(v));
export const i64c = (m: Module, v: number | bigint): ConstantInt => new ConstantInt(m.types.i64, BigInt(v));
export const raw = (text: string): MDRaw => new MDRaw(text);
export const word = (name: string, arg: string | null = null, paren = false): Attr => ({ k: 'word', name, arg, paren });

export interface AsmResult { ok: boolean; stderr: string }

const have = (tool: string): boolean => spawnSync('which', [tool]).status === 0;
export const HAVE_LLVM14 = have('llvm-as');
export const HAVE_LLVM19 = have('llvm-as-19');

/** Assembles the text with LLVM 14 (typed pointers) or LLVM 19 (opaque; LLVM 14 with -opaque-pointers if 19 is missing). */
export function llvmAs(text: string, dialect: PointerDialect): AsmResult {
  let tool = 'llvm-as';
  const args = ['--disable-output', '-'];
  if (dialect === 'opaque') {
    if (HAVE_LLVM19) tool = 'llvm-as-19';
    else args.unshift('-opaque-pointers');
  }
  const r = spawnSync(tool, args, { input: text, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr ?? String(r.error) };
}

/** Round trip through the assembler and disassembler of the given LLVM (for semantic comparisons). */
export function llvmDis(text: string, version: 14 | 19): string {
  const sfx = version === 19 ? '-19' : '';
  const as = spawnSync('llvm-as' + sfx, ['-o', '-', '-'], { input: text });
  if (as.status !== 0) throw new Error(String(as.stderr));
  const dis = spawnSync('llvm-dis' + sfx, ['-o', '-', '-'], { input: as.stdout, encoding: 'utf8' });
  if (dis.status !== 0) throw new Error(dis.stderr);
  return dis.stdout;
}

export const HAVE_OPT19 = have('opt-19');

/** `opt-19 -S -passes=PASSES` over the text. */
export function opt19(text: string, passes: string): string {
  const r = spawnSync('opt-19', ['-S', '-passes=' + passes, '-o', '-', '-'], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
