import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  printModule, printType, printFunction, printInstruction, printValue, printMetadata,
  fpConstantText, InstructionPrinter, isBareName, nameText, Printer, writeModule,
} from '../../src/print/printer.js';
import type { Module } from '../../src/ir/module.js';
import type { Type } from '../../src/ir/types.js';
import {
  ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt, ConstantNull, ConstantPoison, ConstantString,
  ConstantUndef, ConstantZero, ConstantNone, BlockAddress, InlineAsm, MetadataAsValue, ConstantRaw,
  DSOLocalEquivalent, NoCFI,
} from '../../src/ir/constants.js';
import {
  AllocaInst, AtomicRMWInst, BinaryInst, BrInst, CallBrInst, CallInst, CastInst, CatchRetInst, CatchSwitchInst,
  CleanupRetInst, CmpInst, CmpXchgInst, ExtractElementInst, ExtractValueInst, FenceInst, FreezeInst, FuncletPadInst,
  GEPInst, IndirectBrInst, InsertElementInst, InsertValueInst, InvokeInst, LandingPadInst, LoadInst, PhiInst,
  ResumeInst, RetInst, SelectInst, ShuffleVectorInst, StoreInst, SwitchInst, UnaryInst, UnreachableInst, VAArgInst,
} from '../../src/ir/instructions.js';
import { F, FMF_ALL } from '../../src/ir/flags.js';
import { Alias, IFunc, type Function } from '../../src/ir/function.js';
import { MDRef, MDSpecial, MDString, MDTuple, MDValue, type Metadata } from '../../src/ir/metadata.js';
import {
  add, block, fn, gvar, i32c, i64c, llvmAs, newModule, raw, word, HAVE_LLVM14, HAVE_LLVM19, HAVE_OPT19, opt19,
} from './helpers.js';

function expectAccepted(text: string, m: Module): void {
  const r = llvmAs(text, m.dialect);
  if (!r.ok) throw new Error(`llvm-as rejected the output:\n${r.stderr}\n--- text ---\n${text}`);
}

function call(m: Module, f: Function, args: import('../../src/ir/value.js').Value[], name: string | null = null): CallInst {
  const c = new CallInst(f.fnType.ret, [...args, f]);
  c.fnType = f.fnType;
  c.name = name;
  return c;
}

/** Debug-info metadata shared by both dialects' big modules (ids 0..9). */
function debugInfo(m: Module, moduleFlagBehavior: number): void {
  const sp = (id: number, node: Metadata): void => { m.metadata.push({ id, node, pos: -1 }); };
  m.namedMetadata.push({ name: 'llvm.dbg.cu', elems: [new MDRef(0)] });
  m.namedMetadata.push({ name: 'llvm.module.flags', elems: [new MDRef(2), new MDRef(3)] });
  sp(0, new MDSpecial(true, 'DICompileUnit', [
    { key: 'language', value: raw('DW_LANG_C99') }, { key: 'file', value: new MDRef(1) },
    { key: 'producer', value: raw('"clang"') }, { key: 'isOptimized', value: raw('false') },
    { key: 'runtimeVersion', value: raw('0') }, { key: 'emissionKind', value: raw('FullDebug') },
  ]));
  sp(1, new MDSpecial(false, 'DIFile', [{ key: 'filename', value: raw('"t.c"') }, { key: 'directory', value: raw('"/tmp"') }]));
  const flag = (n: string, v: number): MDTuple =>
    new MDTuple(false, [new MDValue(i32c(m, moduleFlagBehavior)), new MDString(n), new MDValue(i32c(m, v))]);
  sp(2, flag('Dwarf Version', 4));
  sp(3, flag('Debug Info Version', 3));
  sp(4, new MDSpecial(true, 'DISubprogram', [
    { key: 'name', value: raw('"f"') }, { key: 'scope', value: new MDRef(1) }, { key: 'file', value: new MDRef(1) },
    { key: 'line', value: raw('1') }, { key: 'type', value: new MDRef(5) }, { key: 'scopeLine', value: raw('1') },
    { key: 'spFlags', value: raw('DISPFlagDefinition') }, { key: 'unit', value: new MDRef(0) },
  ]));
  sp(5, new MDSpecial(false, 'DISubroutineType', [{ key: 'types', value: new MDRef(6) }]));
  sp(6, new MDTuple(false, [null]));
  sp(7, new MDSpecial(false, 'DILocalVariable', [
    { key: 'name', value: raw('"a"') }, { key: 'arg', value: raw('1') }, { key: 'scope', value: new MDRef(4) },
    { key: 'file', value: new MDRef(1) }, { key: 'line', value: raw('1') }, { key: 'type', value: new MDRef(8) },
  ]));
  sp(8, new MDSpecial(false, 'DIBasicType', [
    { key: 'name', value: raw('"int"') }, { key: 'size', value: raw('32') }, { key: 'encoding', value: raw('DW_ATE_signed') },
  ]));
  sp(9, new MDSpecial(false, 'DILocation', [{ key: 'line', value: raw('1') }, { key: 'column', value: raw('3') }, { key: 'scope', value: new MDRef(4) }]));
}

const DEBUG_INFO_TEXT = (behavior: number): string => `!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}

!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "t.c", directory: "/tmp")
!2 = !{i32 ${behavior}, !"Dwarf Version", i32 4}
!3 = !{i32 ${behavior}, !"Debug Info Version", i32 3}
!4 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !5, scopeLine: 1, spFlags: DISPFlagDefinition, unit: !0)
!5 = !DISubroutineType(types: !6)
!6 = !{null}
!7 = !DILocalVariable(name: "a", arg: 1, scope: !4, file: !1, line: 1, type: !8)
!8 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!9 = !DILocation(line: 1, column: 3, scope: !4)
`;

// ---------------------------------------------------------------------------------------------

/** A typed-pointer (LLVM 14) module using most of the language. */
function buildTyped(): Module {
  const m = newModule('typed');
  const t = m.types;
  m.sourceFilename = '"t.c"';
  m.datalayout = '"e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"';
  m.triple = '"x86_64-pc-linux-gnu"';
  m.moduleAsm.push('"nop"');
  const ptr = (x: Type, as = 0): Type => m.ptrTo(x, as);

  const S = t.namedStruct('struct.S'); S.elems = [t.i32, ptr(t.double)]; S.defined = true; t.namedOrder.push(S);
  const O = t.namedStruct('struct.O'); O.defined = true; t.namedOrder.push(O);
  const AB = t.namedStruct('struct.a b'); AB.elems = [t.i8, t.i32]; AB.packed = true; AB.defined = true; t.namedOrder.push(AB);
  const N0 = t.namedStruct('0'); N0.elems = []; N0.numbered = true; N0.defined = true; t.namedOrder.push(N0);
  m.comdats.push({ name: 'c', kind: 'any' });

  const i8p = ptr(t.i8);
  const g = gvar(m, 'g', t.i32, i32c(m, 0)); g.preemption = 'dso_local'; g.align = 4;
  const str = gvar(m, '.str', t.array(4, t.i8), new ConstantString(t.array(4, t.i8), 'ab\\0A\\00'));
  str.linkage = 'private'; str.unnamedAddr = 'unnamed_addr'; str.isConstant = true; str.align = 1;
  const ext = gvar(m, 'ext', S);
  const n0 = gvar(m, '0', N0, new ConstantZero(N0)); n0.numbered = true; n0.linkage = 'internal';
  n0.threadLocal = 'thread_local(initialexec)';
  const cg = gvar(m, 'cg', t.i32, i32c(m, 1)); cg.linkage = 'linkonce_odr'; cg.comdat = { name: 'c' };
  cg.section = '".data.cg"';
  gvar(m, 'arr', t.array(2, ptr(t.i32)), new ConstantAggregate(t.array(2, ptr(t.i32)), [g, new ConstantNull(ptr(t.i32))]));
  gvar(m, 'st', S, new ConstantAggregate(S, [i32c(m, 1), new ConstantNull(ptr(t.double))]));
  gvar(m, 'pk', AB, new ConstantAggregate(AB, [new ConstantInt(t.i8, 1n), i32c(m, -2)]));
  const strGep = new ConstantExpr(i8p, 'getelementptr', [str, i64c(m, 0), i64c(m, 1)], F.INBOUNDS);
  strGep.srcType = t.array(4, t.i8);
  gvar(m, 'p', i8p, strGep);
  gvar(m, 'bc', ptr(t.i32), new ConstantExpr(ptr(t.i32), 'bitcast', [ext], 0));
  const v4f = t.vector(4, t.f32);
  gvar(m, 'vec', v4f, new ConstantAggregate(v4f, [
    new ConstantFP(t.f32, '1.000000e+00'), new ConstantFP(t.f32, fpConstantText(0.1, 'float')),
    new ConstantUndef(t.f32), new ConstantPoison(t.f32),
  ]));
  const baGlobal = gvar(m, 'ba', i8p, null);
  gvar(m, 'fp80', t.float('x86_fp80'), new ConstantFP(t.float('x86_fp80'), fpConstantText(1.5, 'x86_fp80')));
  const ew = gvar(m, 'weak', t.i32); ew.linkage = 'extern_weak';
  const tl = gvar(m, 'as1', t.i32, i32c(m, 0)); tl.addrspace = 1; tl.type = ptr(t.i32, 1);
  tl.externallyInitialized = true;
  const cexpr = new ConstantExpr(t.i64, 'add', [new ConstantExpr(t.i64, 'ptrtoint', [g]), i64c(m, 8)], F.NUW | F.NSW);
  gvar(m, 'ce', t.i64, cexpr);
  const cmpE = new ConstantExpr(t.i1, 'icmp', [g, new ConstantNull(ptr(t.i32))]); cmpE.pred = 'eq';
  gvar(m, 'cmp', t.i1, cmpE);

  const al = new Alias(ptr(t.i32), t.i32, g); al.name = 'al'; m.aliases.push(al);
  const al2 = new Alias(i8p, t.i8, new ConstantExpr(i8p, 'bitcast', [g])); al2.name = 'al2'; al2.linkage = 'internal';
  m.aliases.push(al2);

  // declarations
  const printf = fn(m, 'printf', t.i32, [i8p], { vararg: true, decl: true });
  printf.args[0]!.attrs = [word('noundef')];
  const may = fn(m, 'may', t.void, [], { decl: true });
  const pers = fn(m, '__gxx_personality_v0', t.i32, [], { vararg: true, decl: true });
  const cxx = fn(m, '__CxxFrameHandler3', t.i32, [], { vararg: true, decl: true });
  const dbgValue = fn(m, 'llvm.dbg.value', t.void, [t.metadata, t.metadata, t.metadata], { decl: true });
  dbgValue.fnAttrs = [{ k: 'group', id: 1 }];
  const sadd = fn(m, 'llvm.sadd.with.overflow.i32', t.struct([t.i32, t.i1]), [t.i32, t.i32], { decl: true });
  const vaStart = fn(m, 'llvm.va_start', t.void, [i8p], { decl: true });
  const vaEnd = fn(m, 'llvm.va_end', t.void, [i8p], { decl: true });
  const named = fn(m, 'named.decl', t.i32, [t.i32, i8p], { decl: true, argNames: ['x', null] });
  named.linkage = 'extern_weak';
  named.args[1]!.attrs = [word('nocapture'), word('dereferenceable', '8', true), word('align', '4')];
  named.retAttrs = [word('signext')];

  // the resolver and ifunc
  const resolverTy = t.fn(ptr(t.fn(t.void, [])), []);
  const resolver = fn(m, 'resolver', resolverTy.ret, []);
  resolver.linkage = 'internal';
  add(block(resolver, null, m), new RetInst(t.void, [new ConstantNull(resolverTy.ret)]));
  const ifn = new IFunc(ptr(t.fn(t.void, [])), t.fn(t.void, []), resolver); ifn.name = 'if'; m.ifuncs.push(ifn);

  // @f: most instructions
  const f = fn(m, 'f', t.i32, [t.i32, ptr(t.double), t.i32], { argNames: ['a', 'p', null] });
  f.preemption = 'dso_local';
  f.fnAttrs = [{ k: 'group', id: 0 }];
  f.args[0]!.attrs = [word('noundef')];
  f.args[1]!.attrs = [word('nocapture'), word('readonly')];
  f.attachments = [{ kind: 'dbg', md: new MDRef(4) }];
  const [a, p, u] = f.args as [typeof f.args[0], typeof f.args[0], typeof f.args[0]];
  const entry = block(f, null, m);
  const b30 = block(f, null, m);
  const other = block(f, 'other', m);
  const exit = block(f, 'exit', m);
  const v2 = add(entry, new BinaryInst('add', t.i32, a!, u!)); v2.flags = F.NSW;
  const dv = add(entry, call(m, dbgValue, [
    new MetadataAsValue(t.metadata, new MDValue(a!)), new MetadataAsValue(t.metadata, new MDRef(7)),
    new MetadataAsValue(t.metadata, new MDSpecial(false, 'DIExpression', [])),
  ]));
  dv.attachments = [{ kind: 'dbg', md: new MDRef(9) }];
  const v3 = add(entry, new LoadInst(t.double, [p!])); v3.volatile = true; v3.align = 8;
  const v4 = add(entry, new BinaryInst('fadd', t.double, v3, new ConstantFP(t.double, '0x3FF0000000000000')));
  v4.flags = FMF_ALL;
  const v5 = add(entry, new BinaryInst('fmul', t.double, v4, v4)); v5.flags = F.REASSOC | F.NSZ;
  const v6 = add(entry, new UnaryInst(t.double, [v5]));
  const v7 = add(entry, new CmpInst('fcmp', 'olt', t.i1, v6, v3)); v7.flags = F.NNAN;
  const v8 = add(entry, new CmpInst('icmp', 'eq', t.i1, v2, i32c(m, 7)));
  const v9 = add(entry, new SelectInst(t.i32, [v8, v2, i32c(m, 0)]));
  const v10 = add(entry, new CastInst('sext', t.i64, v9));
  const v11 = add(entry, new GEPInst(ptr(t.double), t.double, [p!, v10])); v11.flags = F.INBOUNDS;
  const st = add(entry, new StoreInst(t.void, [v6, v11])); st.align = 8;
  const v12 = add(entry, new AllocaInst(ptr(S), S, [])); v12.align = 8;
  const v13 = add(entry, new AllocaInst(ptr(t.i32), t.i32, [i32c(m, 4)])); v13.align = 4;
  const v14 = add(entry, new GEPInst(ptr(ptr(t.double)), S, [v12, i64c(m, 0), i32c(m, 1)])); v14.flags = F.INBOUNDS;
  const v15 = add(entry, new CastInst('bitcast', i8p, v12));
  const strGep0 = new ConstantExpr(i8p, 'getelementptr', [str, i64c(m, 0), i64c(m, 0)], F.INBOUNDS);
  strGep0.srcType = t.array(4, t.i8);
  const v16 = add(entry, call(m, printf, [strGep0, v2]));
  v16.explicitFnType = true; v16.argAttrs = [[word('noundef')]]; v16.fnAttrs = [{ k: 'group', id: 1 }];
  v16.tail = 'tail';
  const v17 = add(entry, call(m, sadd, [v2, i32c(m, 1)]));
  const v18 = add(entry, new ExtractValueInst(t.i32, v17, [0]));
  add(entry, new InsertValueInst(v17.type, v17, v18, [0]));
  const v20 = add(entry, new InsertElementInst(v4f, [new ConstantUndef(v4f), new ConstantFP(t.f32, '1.000000e+00'), i32c(m, 0)]));
  add(entry, new ExtractElementInst(t.f32, [v20, i32c(m, 1)]));
  const mask = new ConstantAggregate(t.vector(4, t.i32), [i32c(m, 0), i32c(m, 0), i32c(m, 1), new ConstantUndef(t.i32)]);
  add(entry, new ShuffleVectorInst(v4f, [v20, new ConstantUndef(v4f), mask]));
  add(entry, new FreezeInst(t.i32, [v2]));
  const rmw = add(entry, new AtomicRMWInst(t.i32, 'add', [v13, i32c(m, 1)]));
  rmw.volatile = true; rmw.syncscope = '"singlethread"'; rmw.align = 4;
  const cx = add(entry, new CmpXchgInst(t.struct([t.i32, t.i1]), [v13, i32c(m, 0), i32c(m, 1)]));
  cx.weak = true; cx.volatile = true; cx.success = 'acq_rel'; cx.failure = 'monotonic'; cx.align = 4;
  const fe = add(entry, new FenceInst(t.void, [])); fe.ordering = 'acquire'; fe.syncscope = '"singlethread"';
  const v26 = add(entry, new LoadInst(t.i32, [v13])); v26.atomic = true; v26.ordering = 'monotonic'; v26.align = 4;
  v26.attachments = [{ kind: 'range', md: new MDRef(10) }];
  const sa = add(entry, new StoreInst(t.void, [v26, v13]));
  sa.atomic = true; sa.volatile = true; sa.ordering = 'release'; sa.align = 4;
  const v27 = add(entry, new CastInst('ptrtoint', t.i64, v15));
  const v28 = add(entry, new BinaryInst('udiv', t.i64, v27, i64c(m, 8))); v28.flags = F.EXACT;
  add(entry, new BinaryInst('lshr', t.i64, v28, i64c(m, 1))).flags = F.EXACT;
  const asm = new InlineAsm(ptr(t.fn(t.void, [])), 'nop', '~{memory},~{dirflag}', true, false, false, false);
  const ac = add(entry, new CallInst(t.void, [asm])); ac.fnType = t.fn(t.void, []);
  ac.fnAttrs = [{ k: 'group', id: 2 }]; ac.attachments = [{ kind: 'srcloc', md: new MDRef(11) }];
  const sw = add(entry, new SwitchInst(t.void, [v2, i32c(m, 0), i32c(m, 5)]));
  sw.successors = [other, b30, exit];
  const v31 = add(b30, new PhiInst(t.i32, [v2], [entry]));
  add(b30, new BrInst(t.void, [v8])).successors = [other, exit];
  const v32 = add(other, new PhiInst(t.i32, [v2, v31], [entry, b30]));
  const ib = add(other, new IndirectBrInst(t.void, [new BlockAddress(i8p, f, exit)]));
  ib.successors = [exit];
  const v33 = add(exit, new PhiInst(t.i32, [v2, v31, v32], [entry, b30, other]));
  add(exit, new RetInst(t.void, [v33]));
  baGlobal.init = new BlockAddress(i8p, f, other);

  // @va: va_arg and musttail forwarding
  const va = fn(m, 'va', t.void, [t.i32], { vararg: true, argNames: ['n'] });
  const vb = block(va, 'entry', m);
  const ap = add(vb, new AllocaInst(ptr(i8p), i8p, []), 'ap'); ap.align = 8;
  const ap1 = add(vb, new CastInst('bitcast', i8p, ap), 'ap1');
  add(vb, call(m, vaStart, [ap1]));
  add(vb, new VAArgInst(t.i32, [ap]), 'v');
  add(vb, call(m, vaEnd, [ap1]));
  const mt = add(vb, call(m, va, [va.args[0]!])); mt.tail = 'musttail'; mt.explicitFnType = true;
  add(vb, new RetInst(t.void, []));

  // @eh: invoke, landingpad, resume (Itanium)
  const eh = fn(m, 'eh', t.void, []);
  eh.personality = new ConstantExpr(i8p, 'bitcast', [pers]);
  const e0 = block(eh, null, m); const ok = block(eh, 'ok', m); const lp = block(eh, 'lp', m);
  const inv = add(e0, new InvokeInst(t.void, [may])); inv.fnType = may.fnType; inv.successors = [ok, lp];
  add(ok, new RetInst(t.void, []));
  const lpad = add(lp, new LandingPadInst(t.struct([i8p, t.i32]), [new ConstantNull(i8p), new ConstantZero(t.array(0, i8p))]));
  lpad.cleanup = true; lpad.clauses = ['catch', 'filter'];
  add(lp, new ResumeInst(t.void, [lpad]));

  // @weh: funclets (Windows EH)
  const weh = fn(m, 'weh', t.void, []);
  weh.personality = cxx;
  const we = block(weh, 'entry', m); const cs1 = block(weh, 'cs1', m); const h1 = block(weh, 'h1', m);
  const cl = block(weh, 'cl', m); const cs = block(weh, 'cs', m); const h = block(weh, 'h', m);
  const cont = block(weh, 'cont', m); const done = block(weh, 'done', m);
  const i1 = add(we, new InvokeInst(t.void, [may])); i1.fnType = may.fnType; i1.successors = [cont, cs1];
  const sw1 = add(cs1, new CatchSwitchInst(t.token, [new ConstantNone(t.token)]), 'sw1');
  sw1.successors = [h1, cl]; sw1.hasUnwind = true;
  const cp1 = add(h1, new FuncletPadInst('catchpad', t.token, [sw1, new ConstantNull(i8p), i32c(m, 64), new ConstantNull(i8p)]), 'cp1');
  add(h1, new CatchRetInst(t.void, [cp1])).successors = [cont];
  const cu = add(cl, new FuncletPadInst('cleanuppad', t.token, [new ConstantNone(t.token)]), 'cu');
  const fc = add(cl, call(m, may, [])); fc.bundles = [{ tag: '"funclet"', inputs: [cu] }];
  add(cl, new CleanupRetInst(t.void, [cu])).successors = [cs];
  const sw2 = add(cs, new CatchSwitchInst(t.token, [new ConstantNone(t.token)]), 'sw');
  sw2.successors = [h];
  const cp = add(h, new FuncletPadInst('catchpad', t.token, [sw2]), 'cp');
  add(h, new CatchRetInst(t.void, [cp])).successors = [done];
  const i2 = add(cont, new InvokeInst(t.void, [may])); i2.fnType = may.fnType; i2.successors = [done, cl];
  add(done, new RetInst(t.void, []));

  // @cb: callbr (LLVM 14 form: blockaddress arguments for the indirect targets)
  const cb = fn(m, 'cb', t.void, [t.i32], { argNames: ['x'] });
  const c0 = block(cb, null, m); const ca = block(cb, 'a', m); const cbb = block(cb, 'b', m);
  const cbAsm = new InlineAsm(ptr(t.fn(t.void, [t.i32, i8p])), '', 'r,X', false, false, false, false);
  const br = add(c0, new CallBrInst(t.void, [cb.args[0]!, new BlockAddress(i8p, cb, cbb), cbAsm]));
  br.fnType = t.fn(t.void, [t.i32, i8p]); br.successors = [ca, cbb];
  add(ca, new RetInst(t.void, []));
  add(cbb, new UnreachableInst(t.void, []));

  m.attrGroups.set(1, { id: 1, attrs: [word('nounwind'), word('readnone')] });
  m.attrGroups.set(0, { id: 0, attrs: [word('noinline'), word('nounwind'), word('uwtable'), { k: 'str', key: '"frame-pointer"', value: '"all"' }] });
  m.attrGroups.set(2, { id: 2, attrs: [word('nounwind')] });
  debugInfo(m, 2);
  m.metadata.push({ id: 10, node: new MDTuple(false, [new MDValue(i32c(m, 0)), new MDValue(i32c(m, 10))]), pos: -1 });
  m.metadata.push({ id: 11, node: new MDTuple(false, [new MDValue(i64c(m, 42))]), pos: -1 });
  return m;
}

const TYPED_TEXT = `source_filename = "t.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

module asm "nop"

%struct.S = type { i32, double* }
%struct.O = type opaque
%"struct.a b" = type <{ i8, i32 }>
%0 = type {}

$c = comdat any

@g = dso_local global i32 0, align 4
@.str = private unnamed_addr constant [4 x i8] c"ab\\0A\\00", align 1
@ext = external global %struct.S
@0 = internal thread_local(initialexec) global %0 zeroinitializer
@cg = linkonce_odr global i32 1, section ".data.cg", comdat($c)
@arr = global [2 x i32*] [i32* @g, i32* null]
@st = global %struct.S { i32 1, double* null }
@pk = global %"struct.a b" <{ i8 1, i32 -2 }>
@p = global i8* getelementptr inbounds ([4 x i8], [4 x i8]* @.str, i64 0, i64 1)
@bc = global i32* bitcast (%struct.S* @ext to i32*)
@vec = global <4 x float> <float 1.000000e+00, float 0x3FB99999A0000000, float undef, float poison>
@ba = global i8* blockaddress(@f, %other)
@fp80 = global x86_fp80 0xK3FFFC000000000000000
@weak = extern_weak global i32
@as1 = addrspace(1) externally_initialized global i32 0
@ce = global i64 add nuw nsw (i64 ptrtoint (i32* @g to i64), i64 8)
@cmp = global i1 icmp eq (i32* @g, i32* null)

@al = alias i32, i32* @g
@al2 = internal alias i8, bitcast (i32* @g to i8*)
@if = ifunc void (), void ()* ()* @resolver

declare i32 @printf(i8* noundef, ...)

declare void @may()

declare i32 @__gxx_personality_v0(...)

declare i32 @__CxxFrameHandler3(...)

declare void @llvm.dbg.value(metadata, metadata, metadata) #1

declare { i32, i1 } @llvm.sadd.with.overflow.i32(i32, i32)

declare void @llvm.va_start(i8*)

declare void @llvm.va_end(i8*)

declare extern_weak signext i32 @named.decl(i32 %x, i8* nocapture dereferenceable(8) align 4)

define internal void ()* @resolver() {
  ret void ()* null
}

define dso_local i32 @f(i32 noundef %a, double* nocapture readonly %p, i32) #0 !dbg !4 {
  %2 = add nsw i32 %a, %0
  call void @llvm.dbg.value(metadata i32 %a, metadata !7, metadata !DIExpression()), !dbg !9
  %3 = load volatile double, double* %p, align 8
  %4 = fadd fast double %3, 0x3FF0000000000000
  %5 = fmul reassoc nsz double %4, %4
  %6 = fneg double %5
  %7 = fcmp nnan olt double %6, %3
  %8 = icmp eq i32 %2, 7
  %9 = select i1 %8, i32 %2, i32 0
  %10 = sext i32 %9 to i64
  %11 = getelementptr inbounds double, double* %p, i64 %10
  store double %6, double* %11, align 8
  %12 = alloca %struct.S, align 8
  %13 = alloca i32, i32 4, align 4
  %14 = getelementptr inbounds %struct.S, %struct.S* %12, i64 0, i32 1
  %15 = bitcast %struct.S* %12 to i8*
  %16 = tail call i32 (i8*, ...) @printf(i8* noundef getelementptr inbounds ([4 x i8], [4 x i8]* @.str, i64 0, i64 0), i32 %2) #1
  %17 = call { i32, i1 } @llvm.sadd.with.overflow.i32(i32 %2, i32 1)
  %18 = extractvalue { i32, i1 } %17, 0
  %19 = insertvalue { i32, i1 } %17, i32 %18, 0
  %20 = insertelement <4 x float> undef, float 1.000000e+00, i32 0
  %21 = extractelement <4 x float> %20, i32 1
  %22 = shufflevector <4 x float> %20, <4 x float> undef, <4 x i32> <i32 0, i32 0, i32 1, i32 undef>
  %23 = freeze i32 %2
  %24 = atomicrmw volatile add i32* %13, i32 1 syncscope("singlethread") seq_cst, align 4
  %25 = cmpxchg weak volatile i32* %13, i32 0, i32 1 acq_rel monotonic, align 4
  fence syncscope("singlethread") acquire
  %26 = load atomic i32, i32* %13 monotonic, align 4, !range !10
  store atomic volatile i32 %26, i32* %13 release, align 4
  %27 = ptrtoint i8* %15 to i64
  %28 = udiv exact i64 %27, 8
  %29 = lshr exact i64 %28, 1
  call void asm sideeffect "nop", "~{memory},~{dirflag}"() #2, !srcloc !11
  switch i32 %2, label %other [
    i32 0, label %30
    i32 5, label %exit
  ]

30:
  %31 = phi i32 [ %2, %1 ]
  br i1 %8, label %other, label %exit

other:
  %32 = phi i32 [ %2, %1 ], [ %31, %30 ]
  indirectbr i8* blockaddress(@f, %exit), [label %exit]

exit:
  %33 = phi i32 [ %2, %1 ], [ %31, %30 ], [ %32, %other ]
  ret i32 %33
}

define void @va(i32 %n, ...) {
entry:
  %ap = alloca i8*, align 8
  %ap1 = bitcast i8** %ap to i8*
  call void @llvm.va_start(i8* %ap1)
  %v = va_arg i8** %ap, i32
  call void @llvm.va_end(i8* %ap1)
  musttail call void (i32, ...) @va(i32 %n, ...)
  ret void
}

define void @eh() personality i8* bitcast (i32 (...)* @__gxx_personality_v0 to i8*) {
  invoke void @may()
          to label %ok unwind label %lp

ok:
  ret void

lp:
  %1 = landingpad { i8*, i32 }
          cleanup
          catch i8* null
          filter [0 x i8*] zeroinitializer
  resume { i8*, i32 } %1
}

define void @weh() personality i32 (...)* @__CxxFrameHandler3 {
entry:
  invoke void @may()
          to label %cont unwind label %cs1

cs1:
  %sw1 = catchswitch within none [label %h1] unwind label %cl

h1:
  %cp1 = catchpad within %sw1 [i8* null, i32 64, i8* null]
  catchret from %cp1 to label %cont

cl:
  %cu = cleanuppad within none []
  call void @may() [ "funclet"(token %cu) ]
  cleanupret from %cu unwind label %cs

cs:
  %sw = catchswitch within none [label %h] unwind to caller

h:
  %cp = catchpad within %sw []
  catchret from %cp to label %done

cont:
  invoke void @may()
          to label %done unwind label %cl

done:
  ret void
}

define void @cb(i32 %x) {
  callbr void asm "", "r,X"(i32 %x, i8* blockaddress(@cb, %b))
          to label %a [label %b]

a:
  ret void

b:
  unreachable
}

attributes #0 = { noinline nounwind uwtable "frame-pointer"="all" }
attributes #1 = { nounwind readnone }
attributes #2 = { nounwind }

${DEBUG_INFO_TEXT(2)}!10 = !{i32 0, i32 10}
!11 = !{i64 42}
`;

describe('whole modules', () => {
  it('prints a typed-pointer module in canonical order, accepted by LLVM 14', () => {
    const m = buildTyped();
    const text = printModule(m);
    expect(text).toBe(TYPED_TEXT);
    if (HAVE_LLVM14) expectAccepted(text, m);
  });

  it('is deterministic', () => {
    const m = buildTyped();
    expect(printModule(m)).toBe(printModule(m));
  });

  it('streams the same text in pieces (long functions are split)', () => {
    const m = buildTyped();
    const t = m.types;
    const f = fn(m, 'long', t.i32, [t.i32], { argNames: ['x'] });
    const b = block(f, null, m);
    let v: import('../../src/ir/value.js').Value = f.args[0]!;
    for (let k = 0; k < 1000; k++) v = add(b, new BinaryInst('add', t.i32, v, i32c(m, k)));
    add(b, new RetInst(t.void, [v]));
    const pieces: string[] = [];
    writeModule(m, (c) => { pieces.push(c); });
    expect(pieces.length).toBeGreaterThan(m.functions.length + 3);
    const text = pieces.join('');
    expect(text).toBe(printModule(m));
    expect(text).toContain('  %1000 = add i32 %999, 999\n  ret i32 %1000\n}\n');
    expectAccepted(text, m);
  });
});

// ---------------------------------------------------------------------------------------------

/** An opaque-pointer (LLVM 19) module with the newer spellings. */
function buildOpaque(): Module {
  const m = newModule('opaque');
  const t = m.types;
  const ptr = t.opaquePtr();
  m.triple = '"x86_64-unknown-linux-gnu"';
  const T = t.namedStruct('T'); T.elems = [t.i32, ptr]; T.defined = true; t.namedOrder.push(T);
  const RS = t.namedStruct("core::fmt::Argument<'_>"); RS.elems = [ptr, ptr]; RS.defined = true; t.namedOrder.push(RS);
  m.comdats.push({ name: 'f', kind: 'any' });

  const g = gvar(m, 'g', t.array(4, t.i32), new ConstantZero(t.array(4, t.i32)));
  g.align = 16;
  const h = fn(m, 'h', t.void, [], { decl: true });
  const te = fn(m, 'te', t.void, [t.target('spirv.Image', [t.i32], [0]), t.vector(2, t.i64, true)], { decl: true });
  void te;
  gvar(m, 'pa', ptr, new ConstantRaw(ptr, 'ptrauth (ptr @g, i32 0)'));
  gvar(m, 'dle', ptr, new DSOLocalEquivalent(ptr, h));
  gvar(m, 'nc', ptr, new NoCFI(ptr, h));
  const gi = new ConstantExpr(ptr, 'getelementptr', [g, i64c(m, 8)], F.INBOUNDS | F.NUW);
  gi.srcType = t.i8; gi.inrange = 'inrange(-8, 16)';
  gvar(m, 'gi', ptr, gi);
  const v2d = t.vector(2, t.double);
  gvar(m, 'sp', v2d, new ConstantAggregate(v2d, [new ConstantFP(t.double, '1.0')], true));
  const cm = gvar(m, 'cm', t.i32, i32c(m, 1));
  cm.partition = '"p"'; cm.codeModel = '"large"'; cm.sanitizer = ['no_sanitize_address', 'sanitize_memtag'];
  cm.attachments = [{ kind: 'type', md: new MDRef(10) }]; cm.attrs = [{ k: 'group', id: 3 }];
  const rs = gvar(m, 'rs', RS, new ConstantAggregate(RS, [g, new ConstantNull(ptr)]));
  rs.linkage = 'private'; rs.isConstant = true; rs.unnamedAddr = 'unnamed_addr';
  const s = gvar(m, 'str', t.array(3, t.i8), new ConstantString(t.array(3, t.i8), 'hi\\00'));
  s.visibility = 'protected'; s.dllStorage = 'dllexport'; s.isConstant = true;
  const q = gvar(m, 'q"x', t.i8, new ConstantInt(t.i8, 0n)); q.name = 'q\\22x';

  const al = new Alias(ptr, t.array(4, t.i32), g); al.name = 'al'; al.partition = '"p"'; al.visibility = 'protected';
  m.aliases.push(al);

  const resolver = fn(m, 'resolver', ptr, []);
  resolver.linkage = 'internal';
  add(block(resolver, null, m), new RetInst(t.void, [h]));
  const ifn = new IFunc(ptr, t.fn(t.void, []), resolver); ifn.name = 'if'; m.ifuncs.push(ifn);

  const exitDecl = fn(m, 'exit', t.void, [t.i32], { decl: true });
  exitDecl.attachments = [{ kind: 'dbg', md: new MDRef(13) }];
  exitDecl.args[0]!.attrs = [word('noundef')];
  const pers = fn(m, 'rust_eh_personality', t.i32, [], { vararg: true, decl: true });
  const fabs = fn(m, 'llvm.fabs.f64', t.double, [t.double], { decl: true });
  const sret = fn(m, 'mk', t.void, [ptr, ptr], { decl: true });
  sret.args[0]!.attrs = [word('dead_on_unwind'), word('writable'), { k: 'type', name: 'sret', type: T }, word('align', '8')];
  sret.args[1]!.attrs = [{ k: 'type', name: 'byval', type: T }];
  sret.fnAttrs = [word('memory', 'argmem: readwrite', true), word('nounwind')];
  const rng = fn(m, 'rng', t.i32, [t.i32], { decl: true });
  rng.retAttrs = [word('range', 'i32 0, 10', true), word('noundef')];
  rng.cconv = 'fastcc';

  // @f: the LLVM 19 flags, debug records, calls with attributes
  const f = fn(m, 'f', t.i32, [t.i32, ptr, t.double], { argNames: [null, 'p', 'x'] });
  f.unnamedAddr = 'local_unnamed_addr'; f.section = '".text.f"'; f.comdat = { name: null }; f.align = 16;
  f.fnAttrs = [{ k: 'group', id: 0 }]; f.attachments = [{ kind: 'dbg', md: new MDRef(4) }];
  f.personality = pers; f.gc = '"statepoint-example"';
  f.prefix = i32c(m, 7);
  const a0 = f.args[0]!; const p = f.args[1]!; const x = f.args[2]!;
  const entry = block(f, 'start', m);
  const loop = block(f, null, m);
  const done = block(f, 'done', m);
  const tr = add(entry, new CastInst('trunc', t.i8, a0)); tr.flags = F.NUW | F.NSW;
  tr.dbg = [{ kind: 'dbg_value', args: [new MDValue(a0), new MDRef(7), new MDSpecial(false, 'DIExpression', []), new MDRef(9)], pos: -1 }];
  tr.dbg.push({ kind: 'value', args: [new MDValue(new ConstantPoison(t.i32)), new MDRef(7),
    new MDSpecial(false, 'DIExpression', [{ key: null, value: raw('DW_OP_LLVM_fragment') }, { key: null, value: raw('0') },
      { key: null, value: raw('16') }]), new MDRef(9)], pos: -1 });
  tr.attachments = [{ kind: 'dbg', md: new MDRef(9) }];
  const or = add(entry, new BinaryInst('or', t.i32, a0, i32c(m, 1))); or.flags = F.DISJOINT;
  const ze = add(entry, new CastInst('zext', t.i64, or)); ze.flags = F.NNEG;
  const ui = add(entry, new CastInst('uitofp', t.double, or)); ui.flags = F.NNEG;
  const gep = add(entry, new GEPInst(ptr, t.i8, [p, ze])); gep.flags = F.INBOUNDS | F.NUW;
  const gep2 = add(entry, new GEPInst(ptr, T, [gep, i64c(m, 0), i32c(m, 1)])); gep2.flags = F.NUSW;
  const ld = add(entry, new LoadInst(t.double, [gep2]), 'ld'); ld.align = 8;
  ld.attachments = [{ kind: 'my.md', md: new MDTuple(false, [new MDString('x')]) }, { kind: 'noundef', md: new MDTuple(false, []) }];
  const ab = add(entry, call(m, fabs, [ld]), 'ab'); ab.flags = F.NSZ | F.CONTRACT; ab.tail = 'tail';
  const sum = add(entry, new BinaryInst('fadd', t.double, ab, ui)); sum.flags = FMF_ALL;
  const sel = add(entry, new SelectInst(t.double, [new ConstantInt(t.i1, 1n), sum, x])); sel.flags = F.NNAN | F.NINF;
  const fc = add(entry, new CmpInst('fcmp', 'ugt', t.i1, sel, new ConstantFP(t.double, '0.000000e+00'))); fc.flags = FMF_ALL;
  const tmp = add(entry, new AllocaInst(ptr, T, []), 'tmp'); tmp.align = 8;
  const mk = add(entry, call(m, sret, [tmp, tmp]));
  mk.argAttrs = [[{ k: 'type', name: 'sret', type: T }], [{ k: 'type', name: 'byval', type: T }]];
  mk.attachments = [{ kind: 'dbg', md: new MDRef(9) }];
  const r = add(entry, call(m, rng, [a0]));
  r.cconv = 'fastcc'; r.retAttrs = [word('noundef')]; r.tail = 'notail';
  const tc = add(entry, new CallInst(t.void, [h])); tc.fnType = h.fnType;
  tc.bundles = [{ tag: '"deopt"', inputs: [i32c(m, 1), r] }, { tag: '"cold"', inputs: [] }];
  tc.fnAttrs = [word('cold')]; tc.attachments = [{ kind: 'dbg', md: new MDRef(9) }];
  add(entry, new BrInst(t.void, [fc])).successors = [loop, done];
  const phi = add(loop, new PhiInst(t.double, [sum, new ConstantFP(t.double, fpConstantText(0.5, 'double'))], [entry, loop]));
  phi.flags = FMF_ALL;
  const ne = add(loop, new UnaryInst(t.double, [phi])); ne.flags = F.NNAN;
  const cont = add(loop, new CmpInst('fcmp', 'olt', t.i1, ne, x));
  const lb = add(loop, new BrInst(t.void, [cont])); lb.successors = [loop, done];
  lb.attachments = [{ kind: 'llvm.loop', md: new MDRef(11) }];
  const sv = add(done, new StoreInst(t.void, [new ConstantAggregate(v2d, [new ConstantFP(t.double, '1.0')], true), p]));
  sv.align = 16;
  const ud = add(done, new BinaryInst('udiv', t.i32, a0, i32c(m, 4))); ud.flags = F.EXACT;
  const swi = add(done, new SwitchInst(t.void, [ud]));
  const last = block(f, null, m);
  swi.successors = [last];
  swi.attachments = [{ kind: 'prof', md: new MDTuple(false, [new MDString('branch_weights'), new MDValue(i32c(m, 1))]) }];
  add(last, new RetInst(t.void, [ud]));

  // callbr, LLVM >= 15 form
  const cb = fn(m, 'cb', t.void, [t.i32], { argNames: ['x'] });
  const c0 = block(cb, null, m); const ca = block(cb, 'a', m); const cbb = block(cb, 'b', m);
  const asm = new InlineAsm(ptr, '', 'r,!i', false, true, true, false);
  const br = add(c0, new CallBrInst(t.void, [cb.args[0]!, asm])); br.fnType = t.fn(t.void, [t.i32]);
  br.successors = [ca, cbb];
  add(ca, new RetInst(t.void, []));
  add(cbb, new UnreachableInst(t.void, []));

  m.attrGroups.set(0, { id: 0, attrs: [word('nounwind'), word('memory', 'read, inaccessiblemem: none', true),
    word('uwtable', 'sync', true), { k: 'str', key: '"target-cpu"', value: '"x86-64"' }, { k: 'str', key: '"no-builtins"', value: null }] });
  m.attrGroups.set(3, { id: 3, attrs: [{ k: 'str', key: '"bss-section"', value: '"b"' }] });
  debugInfo(m, 7);
  m.metadata.push({ id: 10, node: new MDTuple(false, [new MDValue(i64c(m, 0)), new MDString('t')]), pos: -1 });
  m.metadata.push({ id: 11, node: new MDTuple(true, [new MDRef(11), new MDRef(12)]), pos: -1 });
  m.metadata.push({ id: 12, node: new MDTuple(false, [new MDString('llvm.loop.mustprogress')]), pos: -1 });
  m.metadata.push({ id: 13, node: new MDSpecial(false, 'DISubprogram', [{ key: 'name', value: raw('"exit"') },
    { key: 'scope', value: new MDRef(1) }, { key: 'file', value: new MDRef(1) }, { key: 'type', value: new MDRef(5) },
    { key: 'spFlags', value: raw('DISPFlagOptimized') }]), pos: -1 });
  m.summaries.push({ text: '^0 = module: (path: "x", hash: (0, 0, 0, 0, 0))', pos: -1 });
  return m;
}

const OPAQUE_TEXT = `target triple = "x86_64-unknown-linux-gnu"

%T = type { i32, ptr }
%"core::fmt::Argument<'_>" = type { ptr, ptr }

$f = comdat any

@g = global [4 x i32] zeroinitializer, align 16
@pa = global ptr ptrauth (ptr @g, i32 0)
@dle = global ptr dso_local_equivalent @h
@nc = global ptr no_cfi @h
@gi = global ptr getelementptr inbounds nuw inrange(-8, 16) (i8, ptr @g, i64 8)
@sp = global <2 x double> splat (double 1.0)
@cm = global i32 1, partition "p", code_model "large", no_sanitize_address, sanitize_memtag, !type !10 #3
@rs = private unnamed_addr constant %"core::fmt::Argument<'_>" { ptr @g, ptr null }
@str = protected dllexport constant [3 x i8] c"hi\\00"
@"q\\22x" = global i8 0

@al = protected alias [4 x i32], ptr @g, partition "p"
@if = ifunc void (), ptr @resolver

declare void @h()

declare void @te(target("spirv.Image", i32, 0), <vscale x 2 x i64>)

define internal ptr @resolver() {
  ret ptr @h
}

declare !dbg !13 void @exit(i32 noundef)

declare i32 @rust_eh_personality(...)

declare double @llvm.fabs.f64(double)

declare void @mk(ptr dead_on_unwind writable sret(%T) align 8, ptr byval(%T)) memory(argmem: readwrite) nounwind

declare fastcc range(i32 0, 10) noundef i32 @rng(i32)

define i32 @f(i32, ptr %p, double %x) local_unnamed_addr #0 section ".text.f" comdat align 16 gc "statepoint-example" prefix i32 7 personality ptr @rust_eh_personality !dbg !4 {
start:
    #dbg_value(i32 %0, !7, !DIExpression(), !9)
    #dbg_value(i32 poison, !7, !DIExpression(DW_OP_LLVM_fragment, 0, 16), !9)
  %1 = trunc nuw nsw i32 %0 to i8, !dbg !9
  %2 = or disjoint i32 %0, 1
  %3 = zext nneg i32 %2 to i64
  %4 = uitofp nneg i32 %2 to double
  %5 = getelementptr inbounds nuw i8, ptr %p, i64 %3
  %6 = getelementptr nusw %T, ptr %5, i64 0, i32 1
  %ld = load double, ptr %6, align 8, !my.md !{!"x"}, !noundef !{}
  %ab = tail call nsz contract double @llvm.fabs.f64(double %ld)
  %7 = fadd fast double %ab, %4
  %8 = select nnan ninf i1 true, double %7, double %x
  %9 = fcmp fast ugt double %8, 0.000000e+00
  %tmp = alloca %T, align 8
  call void @mk(ptr sret(%T) %tmp, ptr byval(%T) %tmp), !dbg !9
  %10 = notail call fastcc noundef i32 @rng(i32 %0)
  call void @h() cold [ "deopt"(i32 1, i32 %10), "cold"() ], !dbg !9
  br i1 %9, label %11, label %done

11:
  %12 = phi fast double [ %7, %start ], [ 0x3FE0000000000000, %11 ]
  %13 = fneg nnan double %12
  %14 = fcmp olt double %13, %x
  br i1 %14, label %11, label %done, !llvm.loop !11

done:
  store <2 x double> splat (double 1.0), ptr %p, align 16
  %15 = udiv exact i32 %0, 4
  switch i32 %15, label %16 [
  ], !prof !{!"branch_weights", i32 1}

16:
  ret i32 %15
}

define void @cb(i32 %x) {
  callbr void asm alignstack inteldialect "", "r,!i"(i32 %x)
          to label %a [label %b]

a:
  ret void

b:
  unreachable
}

attributes #0 = { nounwind memory(read, inaccessiblemem: none) uwtable(sync) "target-cpu"="x86-64" "no-builtins" }
attributes #3 = { "bss-section"="b" }

${DEBUG_INFO_TEXT(7)}!10 = !{i64 0, !"t"}
!11 = distinct !{!11, !12}
!12 = !{!"llvm.loop.mustprogress"}
!13 = !DISubprogram(name: "exit", scope: !1, file: !1, type: !5, spFlags: DISPFlagOptimized)

^0 = module: (path: "x", hash: (0, 0, 0, 0, 0))
`;

describe('opaque-pointer modules', () => {
  it('prints LLVM 19 spellings, accepted by llvm-as-19', () => {
    const m = buildOpaque();
    const text = printModule(m);
    expect(text).toBe(OPAQUE_TEXT);
    if (HAVE_LLVM19) expectAccepted(text, m);
  });
});

// ---------------------------------------------------------------------------------------------

describe('types', () => {
  it('spells every kind of type in both dialects', () => {
    const m = newModule('typed');
    const t = m.types;
    const cases: [Type, string][] = [
      [t.void, 'void'], [t.label, 'label'], [t.metadata, 'metadata'], [t.token, 'token'],
      [t.x86mmx, 'x86_mmx'], [t.x86amx, 'x86_amx'], [t.int(1), 'i1'], [t.int(128), 'i128'],
      [t.float('half'), 'half'], [t.float('bfloat'), 'bfloat'], [t.f32, 'float'], [t.double, 'double'],
      [t.float('x86_fp80'), 'x86_fp80'], [t.float('fp128'), 'fp128'], [t.float('ppc_fp128'), 'ppc_fp128'],
      [t.typedPtr(t.i8), 'i8*'], [t.typedPtr(t.typedPtr(t.i8)), 'i8**'], [t.typedPtr(t.f32, 1), 'float addrspace(1)*'],
      [t.typedPtr(t.fn(t.i32, [t.typedPtr(t.i8)])), 'i32 (i8*)*'],
      [t.opaquePtr(), 'ptr'], [t.opaquePtr(3), 'ptr addrspace(3)'],
      [t.fn(t.void, [t.i32], true), 'void (i32, ...)'], [t.fn(t.void, [], true), 'void (...)'], [t.fn(t.void, []), 'void ()'],
      [t.vector(4, t.double), '<4 x double>'], [t.vector(2, t.i64, true), '<vscale x 2 x i64>'],
      [t.array(4, t.i8), '[4 x i8]'], [t.array(0, t.array(2, t.i32)), '[0 x [2 x i32]]'],
      [t.struct([t.i32, t.opaquePtr()]), '{ i32, ptr }'], [t.struct([t.i8, t.i32], true), '<{ i8, i32 }>'],
      [t.struct([]), '{}'], [t.struct([], true), '<{}>'],
      [t.target('spirv.Image', [t.i32], [1, 0]), 'target("spirv.Image", i32, 1, 0)'],
      [t.target('"x"', [], []), 'target("x")'],
      [t.namedStruct('struct.S'), '%struct.S'], [t.namedStruct('a b'), '%"a b"'], [t.namedStruct('7up'), '%"7up"'],
    ];
    const numbered = t.namedStruct('3'); numbered.numbered = true;
    cases.push([numbered, '%3']);
    for (const [ty, s] of cases) expect(printType(ty)).toBe(s);
  });

  it('prints identified struct definitions, opaque and packed', () => {
    const m = newModule('opaque');
    const t = m.types;
    const a = t.namedStruct('A'); a.elems = [t.i32, t.namedStruct('B')]; t.namedOrder.push(a);
    const b = t.namedStruct('B'); t.namedOrder.push(b);
    const c = t.freshNamedStruct('A', [t.i8], true);
    const e = t.freshNamedStruct('E', []);
    void c; void e;
    const text = printModule(m);
    expect(text).toBe('\n%A = type { i32, %B }\n%B = type opaque\n%A.1 = type <{ i8 }>\n%E = type {}\n');
    expectAccepted(text, m);
  });
});

describe('names', () => {
  it('prints names bare only when they are identifiers', () => {
    for (const s of ['a', 'x.y', '-a', '$b', '_1', 'a.0-9$']) expect(isBareName(s)).toBe(true);
    for (const s of ['', '1', '0x', 'a b', "x'", 'é', 'a\\20', 'a"b']) expect(isBareName(s)).toBe(false);
    expect(nameText('x\'')).toBe('"x\'"');
    expect(nameText('\\01foo')).toBe('"\\01foo"');
  });

  it('numbers unnamed arguments, the entry block and non-void instructions in order', () => {
    const m = newModule('opaque');
    const t = m.types;
    const callee = fn(m, 'use', t.void, [t.i32], { decl: true });
    const f = fn(m, 'f', t.i32, [t.i32, t.i32, t.i32], { argNames: [null, 'named', null] });
    const e = block(f, null, m); const b1 = block(f, null, m); const b2 = block(f, 'named.bb', m); const b3 = block(f, null, m);
    const x = add(e, new BinaryInst('add', t.i32, f.args[0]!, f.args[2]!));
    add(e, call(m, callee, [x]));
    const y = add(e, new BinaryInst('mul', t.i32, x, f.args[1]!), 'y');
    add(e, new BrInst(t.void, [])).successors = [b1];
    const z = add(b1, new BinaryInst('sub', t.i32, y, x));
    add(b1, new BrInst(t.void, [])).successors = [b2];
    add(b2, new BrInst(t.void, [])).successors = [b3];
    add(b3, new RetInst(t.void, [z]));
    const text = printModule(m);
    expect(text).toBe(`
declare void @use(i32)

define i32 @f(i32, i32 %named, i32) {
  %3 = add i32 %0, %1
  call void @use(i32 %3)
  %y = mul i32 %3, %named
  br label %4

4:
  %5 = sub i32 %y, %3
  br label %named.bb

named.bb:
  br label %6

6:
  ret i32 %5
}
`);
    expectAccepted(text, m);
    // single instructions, with the numbering of their function
    const ip = new InstructionPrinter(f, m);
    expect(ip.print(z)).toBe('%5 = sub i32 %y, %3');
    expect(ip.typed(f.args[2]!)).toBe('i32 %1');
    expect(ip.ref(b3)).toBe('%6');
    expect(printInstruction(x)).toBe('%3 = add i32 %0, %1');
    expect(printValue(z)).toBe('i32 %5');
    expect(printValue(y, null, false)).toBe('%y');
    // a new instruction is numbered after refresh()
    const w = new BinaryInst('add', t.i32, z, z);
    b3.insertBefore(w, b3.instructions[0]!);
    expect(ip.print(w)).toBe('%<badref> = add i32 %5, %5');
    ip.refresh();
    expect(ip.print(w)).toBe('%7 = add i32 %5, %5');
    expect(ip.ref(b3)).toBe('%6');
  });

  it('renumbers numbered and unnamed globals in print order', () => {
    const m = newModule('opaque');
    const t = m.types;
    // the source had `define void @0()` before `@1 = global i32 0`; printing globals first needs @0 for the variable
    const f0 = fn(m, '0', t.void, []); f0.numbered = true;
    const g1 = gvar(m, '1', t.i32, i32c(m, 0)); g1.numbered = true;
    const g2 = gvar(m, null, t.opaquePtr(), f0);
    void g2;
    add(block(f0, null, m), new StoreInst(t.void, [i32c(m, 1), g1]));
    f0.blocks[0]!.instructions[0]!.parent = f0.blocks[0]!;
    add(f0.blocks[0]!, new RetInst(t.void, []));
    const text = printModule(m);
    expect(text).toBe(`
@0 = global i32 0
@1 = global ptr @2

define void @2() {
  store i32 1, ptr @0
  ret void
}
`);
    expectAccepted(text, m);
  });

  it('prints quoted names with their raw escapes', () => {
    const m = newModule('opaque');
    const t = m.types;
    const f = fn(m, '\\01foo', t.void, [t.opaquePtr()], { argNames: ["x'"] });
    const b = block(f, 'a b', m);
    add(b, new LoadInst(t.i8, [f.args[0]!]), 'v"');
    add(b, new RetInst(t.void, []));
    f.blocks[0]!.instructions[0]!.name = 'v\\22';
    const text = printModule(m);
    expect(text).toBe(`
define void @"\\01foo"(ptr %"x'") {
"a b":
  %"v\\22" = load i8, ptr %"x'"
  ret void
}
`);
    expectAccepted(text, m);
  });
});

describe('floating constants', () => {
  it('spells created constants as LLVM does', () => {
    expect(fpConstantText(1, 'double')).toBe('0x3FF0000000000000');
    expect(fpConstantText(-0, 'double')).toBe('0x8000000000000000');
    expect(fpConstantText(0.1, 'float')).toBe('0x3FB99999A0000000');
    expect(fpConstantText(0.1, 'half')).toBe('0x3FB9980000000000');
    expect(fpConstantText(0.1, 'bfloat')).toBe('0x3FB9A00000000000');
    expect(fpConstantText(Infinity, 'float')).toBe('0x7FF0000000000000');
    expect(fpConstantText(70000, 'half')).toBe('0x7FF0000000000000');
    expect(fpConstantText(NaN, 'double')).toBe('0x7FF8000000000000');
    expect(fpConstantText(1.5, 'x86_fp80')).toBe('0xK3FFFC000000000000000');
    expect(fpConstantText(1.5, 'fp128')).toBe('0xL00000000000000003FFF800000000000');
    expect(fpConstantText(1.5, 'ppc_fp128')).toBe('0xM3FF80000000000000000000000000000');
    expect(fpConstantText(0, 'x86_fp80')).toBe('0xK00000000000000000000');
    const m = newModule('opaque');
    expect(fpConstantText(2, m.types.double)).toBe('0x4000000000000000');
  });

  it('gives values LLVM reads back exactly, as LLVM itself rounds them', () => {
    if (!HAVE_OPT19) return;
    const samples = fc.sample(fc.oneof(
      fc.double({ noNaN: true }),
      fc.double({ min: -70000, max: 70000, noNaN: true }),
      fc.double({ min: -1e-5, max: 1e-5, noNaN: true }),
      fc.constantFrom(5e-324, -2.2250738585072014e-308, 65504, 65519.99, 65520, 5.960464477539063e-8, 2.9802322387695312e-8,
        3.4028235677973366e38, 1.401298464324817e-45, 1.0000000596046448, Infinity, -Infinity, 0, -0),
    ), { numRuns: 150, seed: 42 });
    // LLVM folds `fptrunc double X to T` / `fpext` with round-to-nearest-even: compare with our constants.
    const kinds = ['half', 'bfloat', 'float', 'x86_fp80', 'fp128', 'ppc_fp128'] as const;
    let ours = ''; let theirs = '';
    samples.forEach((d, i) => {
      const dt = fpConstantText(d, 'double');
      for (const k of kinds) {
        ours += `define ${k} @${k}${i}() {\n  ret ${k} ${fpConstantText(d, k)}\n}\n`;
        const op = k === 'half' || k === 'bfloat' || k === 'float' ? 'fptrunc' : 'fpext';
        theirs += `define ${k} @${k}${i}() {\n  %r = ${op} double ${dt} to ${k}\n  ret ${k} %r\n}\n`;
      }
    });
    const fold = (s: string): string[] => opt19(s, 'instsimplify').split('\n').filter((l) => l.includes('ret '));
    const a = fold(ours); const b = fold(theirs);
    expect(a.length).toBe(samples.length * kinds.length);
    expect(a).toEqual(b);
  });
});

describe('constants', () => {
  it('prints each kind of constant', () => {
    const m = newModule('typed');
    const t = m.types;
    const p = new Printer(m);
    const g = gvar(m, 'g', t.i32, i32c(m, 0));
    const i8p = t.typedPtr(t.i8);
    expect(p.ref(new ConstantInt(t.i1, 1n))).toBe('true');
    expect(p.ref(new ConstantInt(t.i1, -1n))).toBe('true');
    expect(p.ref(new ConstantInt(t.i1, 0n))).toBe('false');
    expect(p.ref(new ConstantInt(t.i64, -9223372036854775808n))).toBe('-9223372036854775808');
    expect(p.ref(new ConstantNone(t.token))).toBe('none');
    expect(p.ref(new ConstantAggregate(t.struct([]), []))).toBe('{}');
    expect(p.ref(new ConstantAggregate(t.struct([], true), []))).toBe('<{}>');
    expect(p.ref(new ConstantAggregate(t.array(0, t.i8), []))).toBe('[]');
    const v2 = t.vector(2, t.i32);
    expect(p.ref(new ConstantAggregate(v2, [i32c(m, 3)], true))).toBe('splat (i32 3)');
    const agg = t.struct([t.i32, t.f32]);
    const ev = new ConstantExpr(t.i32, 'extractvalue', [new ConstantAggregate(agg, [i32c(m, 1), new ConstantFP(t.f32, '2.0')])]);
    ev.indices = [0];
    expect(p.ref(ev)).toBe('extractvalue ({ i32, float } { i32 1, float 2.0 }, 0)');
    const sel = new ConstantExpr(t.i32, 'select', [new ConstantInt(t.i1, 1n), i32c(m, 1), i32c(m, 2)]);
    expect(p.ref(sel)).toBe('select (i1 true, i32 1, i32 2)');
    expect(p.ref(new ConstantExpr(t.f32, 'fneg', [new ConstantFP(t.f32, '1.0')]))).toBe('fneg (float 1.0)');
    const fcmp = new ConstantExpr(t.i1, 'fcmp', [new ConstantFP(t.f32, '1.0'), new ConstantFP(t.f32, '2.0')]);
    fcmp.pred = 'olt';
    expect(p.ref(fcmp)).toBe('fcmp olt (float 1.0, float 2.0)');
    const as = new ConstantExpr(t.typedPtr(t.i32, 1), 'addrspacecast', [g]);
    expect(p.typed(as)).toBe('i32 addrspace(1)* addrspacecast (i32* @g to i32 addrspace(1)*)');
    const asm = new InlineAsm(t.typedPtr(t.fn(t.void, [])), 'mov \\22x\\22', '=r,~{dirflag}', true, true, true, true);
    expect(p.ref(asm)).toBe('asm sideeffect alignstack inteldialect unwind "mov \\22x\\22", "=r,~{dirflag}"');
    expect(p.typed(new MetadataAsValue(t.metadata, new MDString('enzyme_dup')))).toBe('metadata !"enzyme_dup"');
    expect(p.typed(new ConstantNull(i8p))).toBe('i8* null');
  });

  it('prints LLVM 14 constant expressions llvm-as 14 accepts (inrange index, extractvalue, icmp)', () => {
    const m = newModule('typed');
    const t = m.types;
    const i8p = t.typedPtr(t.i8);
    const vtT = t.struct([t.array(4, i8p)]);
    const vt = gvar(m, 'vt', vtT, new ConstantZero(vtT)); vt.isConstant = true;
    const gep = new ConstantExpr(t.typedPtr(i8p), 'getelementptr', [vt, i32c(m, 0), i32c(m, 0), i32c(m, 2)], F.INBOUNDS);
    gep.srcType = vtT; gep.inrangeIndex = 2;
    gvar(m, 'p', t.typedPtr(i8p), gep);
    const ev = new ConstantExpr(t.i32, 'extractvalue', [new ConstantAggregate(t.struct([t.i32]), [i32c(m, 5)])]);
    ev.indices = [0];
    gvar(m, 'e', t.i32, ev);
    const z = new ConstantExpr(t.i64, 'zext', [new ConstantExpr(t.i1, 'icmp', [vt, new ConstantNull(vt.type)])]);
    (z.operands[0] as ConstantExpr).pred = 'ne';
    gvar(m, 'z', t.i64, z);
    const text = printModule(m);
    expect(text).toBe(`
@vt = constant { [4 x i8*] } zeroinitializer
@p = global i8** getelementptr inbounds ({ [4 x i8*] }, { [4 x i8*] }* @vt, i32 0, inrange i32 0, i32 2)
@e = global i32 extractvalue ({ i32 } { i32 5 }, 0)
@z = global i64 zext (i1 icmp ne ({ [4 x i8*] }* @vt, { [4 x i8*] }* null) to i64)
`);
    expectAccepted(text, m);
  });

  it('writes aliasees of the four pointer constant expressions without their type', () => {
    const m = newModule('opaque');
    const t = m.types;
    const ptr = t.opaquePtr();
    const g = gvar(m, 'g', t.array(2, t.i32), new ConstantZero(t.array(2, t.i32)));
    const gep = new ConstantExpr(ptr, 'getelementptr', [g, i64c(m, 4)], F.INBOUNDS); gep.srcType = t.i8;
    const a = new Alias(ptr, t.i32, gep); a.name = 'a'; m.aliases.push(a);
    const b = new Alias(ptr, t.i32, g); b.name = 'b'; b.linkage = 'weak'; b.threadLocal = null; b.unnamedAddr = 'unnamed_addr';
    m.aliases.push(b);
    const text = printModule(m);
    expect(text).toBe(`
@g = global [2 x i32] zeroinitializer

@a = alias i32, getelementptr inbounds (i8, ptr @g, i64 4)
@b = weak unnamed_addr alias i32, ptr @g
`);
    expectAccepted(text, m);
  });
});

describe('globals and function headers', () => {
  it('declares externals, omits a redundant `external`, derives addrspace from the type', () => {
    const m = newModule('typed');
    const t = m.types;
    const a = gvar(m, 'a', t.i32, i32c(m, 1)); a.linkage = 'external';
    const b = gvar(m, 'b', t.i32); b.preemption = 'dso_local'; b.align = 4;
    const c = gvar(m, 'c', t.i32, i32c(m, 2)); c.type = t.typedPtr(t.i32, 2);
    const d = gvar(m, 'd', t.i32, i32c(m, 3)); d.addrspace = 0; d.attachments = [{ kind: 'foo', md: new MDTuple(false, []) }];
    const ew = gvar(m, 'ew', t.i8); ew.linkage = 'extern_weak';
    const text = printModule(m);
    expect(text).toBe(`
@a = global i32 1
@b = external dso_local global i32, align 4
@c = addrspace(2) global i32 2
@d = addrspace(0) global i32 3, !foo !{}
@ew = extern_weak global i8
`);
    expectAccepted(text, m);
  });

  it('prints function headers in LLVM order (LLVM 14)', () => {
    const m = newModule('typed');
    const t = m.types;
    const f = fn(m, 'f', t.typedPtr(t.i8), [t.typedPtr(t.i32), t.i32], { decl: true, argNames: ['p', null] });
    f.linkage = 'extern_weak'; f.visibility = 'hidden'; f.dllStorage = null; f.cconv = 'cc 10';
    f.retAttrs = [word('noalias')]; f.args[0]!.attrs = [word('nonnull'), word('align', '4')];
    f.unnamedAddr = 'unnamed_addr'; f.addrspace = 0; f.fnAttrs = [word('nounwind'), { k: 'str', key: '"a"', value: '"b"' }];
    f.align = 8; f.section = '"s"';
    const g = fn(m, 'g', t.void, [t.i32], { argNames: ['x'] });
    g.linkage = 'internal'; g.cconv = 'fastcc';
    g.prologue = new ConstantAggregate(t.struct([t.i8, t.i8]), [new ConstantInt(t.i8, 235n), new ConstantInt(t.i8, 0n)]);
    g.attachments = [{ kind: 'foo', md: new MDTuple(false, [new MDString('x')]) }];
    add(block(g, null, m), new RetInst(t.void, []));
    const text = printModule(m);
    expect(text).toBe(`
declare extern_weak hidden cc 10 noalias i8* @f(i32* nonnull align 4 %p, i32) unnamed_addr addrspace(0) nounwind "a"="b" section "s" align 8

define internal fastcc void @g(i32 %x) prologue { i8, i8 } { i8 235, i8 0 } !foo !{!"x"} {
  ret void
}
`);
    expectAccepted(text, m);
  });
});

describe('instructions', () => {
  it('prints alloca forms and call address spaces (llvm-as-19 with an alloca address space)', () => {
    const m = newModule('opaque');
    const t = m.types;
    m.datalayout = '"A5"';
    const p5 = t.opaquePtr(5);
    const f = fn(m, 'f', t.void, [t.i32], { argNames: ['n'] });
    const b = block(f, null, m);
    const a1 = add(b, new AllocaInst(p5, t.i32, []), 'a1'); a1.align = 4;
    const a2 = add(b, new AllocaInst(p5, t.i64, [f.args[0]!]), 'a2'); a2.addrspace = 5;
    const a3 = add(b, new AllocaInst(p5, t.opaquePtr(), [i32c(m, 1)]), 'a3'); a3.swifterror = true; a3.align = 8;
    const a4 = add(b, new AllocaInst(p5, t.i8, [i64c(m, 2)]), 'a4'); a4.inalloca = true;
    void a4;
    const ic = add(b, new CallInst(t.void, [new ConstantNull(t.opaquePtr(1))])); ic.fnType = t.fn(t.void, []);
    ic.addrspace = 1;
    add(b, new RetInst(t.void, []));
    const text = printModule(m);
    expect(text).toBe(`target datalayout = "A5"

define void @f(i32 %n) {
  %a1 = alloca i32, align 4, addrspace(5)
  %a2 = alloca i64, i32 %n, addrspace(5)
  %a3 = alloca swifterror ptr, i32 1, align 8, addrspace(5)
  %a4 = alloca inalloca i8, i64 2, addrspace(5)
  call addrspace(1) void null()
  ret void
}
`);
    if (HAVE_LLVM19) expectAccepted(text, m);
  });

  it('prints LLVM 20+ flags (samesign)', () => {
    const m = newModule('opaque');
    const t = m.types;
    const f = fn(m, 'f', t.i1, [t.i32, t.i32]);
    const b = block(f, null, m);
    const c = add(b, new CmpInst('icmp', 'ult', t.i1, f.args[0]!, f.args[1]!)); c.flags = F.SAMESIGN;
    add(b, new RetInst(t.void, [c]));
    expect(printFunction(f)).toBe('define i1 @f(i32, i32) {\n  %3 = icmp samesign ult i32 %0, %1\n  ret i1 %3\n}\n');
  });

  it('always writes the function type of a vararg call, and `...` only for musttail in a vararg caller', () => {
    const m = newModule('opaque');
    const t = m.types;
    const pf = fn(m, 'printf', t.i32, [t.opaquePtr()], { vararg: true, decl: true });
    const f = fn(m, 'f', t.i32, [t.opaquePtr()], { vararg: true, argNames: ['s'] });
    const b = block(f, null, m);
    add(b, call(m, pf, [f.args[0]!]), 'r'); // explicitFnType not set
    const mt = add(b, call(m, f, [f.args[0]!]), 'r2'); mt.tail = 'musttail';
    add(b, new RetInst(t.void, [mt]));
    const g = fn(m, 'g', t.i32, [t.opaquePtr()], { argNames: ['s'] });
    const gb = block(g, null, m);
    const mg = add(gb, call(m, g, [g.args[0]!]), 'r'); mg.tail = 'musttail';
    add(gb, new RetInst(t.void, [mg]));
    const text = printModule(m);
    expect(text).toContain('%r = call i32 (ptr, ...) @printf(ptr %s)\n');
    expect(text).toContain('%r2 = musttail call i32 (ptr, ...) @f(ptr %s, ...)\n');
    expect(text).toContain('%r = musttail call i32 @g(ptr %s)\n');
    expectAccepted(text, m);
  });

  it('prints unresolved references by name (for debugging the resolver)', async () => {
    const { RefValue } = await import('../../src/ir/value.js');
    const m = newModule('opaque');
    const p = new Printer(m);
    expect(p.typed(new RefValue(m.types.i32, 'local', 'x y', false, 0, 0))).toBe('i32 %"x y"');
    expect(p.ref(new RefValue(m.types.opaquePtr(), 'global', '3', true, 0, 0))).toBe('@3');
  });
});

describe('metadata and attributes', () => {
  it('prints every metadata form', () => {
    const m = newModule('opaque');
    const t = m.types;
    const p = new Printer(m);
    expect(p.md(new MDTuple(false, [null, new MDRef(3), new MDString('a\\00')]))).toBe('!{null, !3, !"a\\00"}');
    expect(p.md(new MDTuple(true, []))).toBe('distinct !{}');
    expect(p.md(new MDSpecial(true, 'DIAssignID', []))).toBe('distinct !DIAssignID()');
    expect(p.md(new MDSpecial(false, 'DIArgList', [{ key: null, value: new MDValue(i32c(m, 1)) },
      { key: null, value: new MDValue(new ConstantUndef(t.double)) }]))).toBe('!DIArgList(i32 1, double undef)');
    expect(p.md(new MDSpecial(false, 'DIBasicType', [{ key: 'flags', value: raw('DIFlagPublic | DIFlagPrivate') }])))
      .toBe('!DIBasicType(flags: DIFlagPublic | DIFlagPrivate)');
    expect(printMetadata(new MDValue(new ConstantPoison(t.i8)))).toBe('i8 poison');
    expect(p.dbgRecord({ kind: 'declare', args: [new MDValue(new ConstantNull(t.opaquePtr())), new MDRef(1),
      new MDSpecial(false, 'DIExpression', []), new MDRef(2)], pos: -1 })).toBe('#dbg_declare(ptr null, !1, !DIExpression(), !2)');
    expect(p.dbgRecord({ kind: '#dbg_label', args: [new MDRef(1), new MDRef(2)], pos: -1 })).toBe('#dbg_label(!1, !2)');
  });

  it('prints every attribute form', () => {
    const m = newModule('opaque');
    const p = new Printer(m);
    const T = m.types.namedStruct('T');
    expect(p.attrs([word('align', '8'), word('dereferenceable', '8', true), word('captures', 'address, read_provenance', true),
      { k: 'type', name: 'sret', type: T }, { k: 'type', name: 'elementtype', type: m.types.i32 },
      { k: 'str', key: '"key"', value: '"value"' }, { k: 'str', key: '"flag"', value: null }, { k: 'group', id: 12 },
      word('initializes', '(0, 8)', true)]))
      .toBe('align 8 dereferenceable(8) captures(address, read_provenance) sret(%T) elementtype(i32) "key"="value" "flag" #12 initializes((0, 8))');
  });

  it('puts a declaration\'s attachments right after `declare` (LLVM 14 accepts it too)', () => {
    const m = newModule('typed');
    const t = m.types;
    const d = fn(m, 'd', t.void, [], { decl: true });
    d.attachments = [{ kind: 'foo', md: new MDTuple(false, []) }];
    const text = printModule(m);
    expect(text).toBe('\ndeclare !foo !{} void @d()\n');
    expectAccepted(text, m);
  });
});

describe('harness', () => {
  it('really runs the assemblers (they reject broken text)', () => {
    const m = newModule('typed');
    if (HAVE_LLVM14) expect(llvmAs('define void @f( {', m.dialect).ok).toBe(false);
    if (HAVE_LLVM19) expect(llvmAs('@x = global ptr @nope', 'opaque').ok).toBe(false);
  });
});
