// The state shared by one run of the transform (`grad`, one `lower` of a whole
// module): the split pairs generated so far (so each callee is differentiated
// once per signature, recursion included), helper declarations, the perf report.

import { addFunction } from '../ir/builder.js';
import { MDRef, MDString, MDTuple } from '../ir/metadata.js';
import { declareWithSignature } from './declare.js';
import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import { DataLayout } from '../ir/layout.js';
import { forgetDroppedAtExit } from '../tape/arena.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { CallRules } from './calls.js';
import { customSplit } from './custom.js';
import { canonicalizeCarriers } from './canonical.js';
import { ReverseGenerator } from './generator.js';
import type { FateCache } from './release.js';
import { activeGradTypes, lanesType, signatureParams, type ContextMark, type DiffContext, type DiffSig, type SplitPair, type TransformOptions } from './signature.js';

export type { DiffSig, SplitPair, TransformOptions } from './signature.js';

/** Shared state of one `grad` run: generated callees, helper declarations, the perf report. */
export class GradContext implements DiffContext {
  readonly dl: DataLayout;
  readonly perf: string[] = [];
  /** Warnings to show the user (`--loose-types` decisions). */
  readonly warnings: Diagnostic[] = [];
  readonly fates: FateCache = new Map();
  private readonly pairs = new Map<string, SplitPair>();
  private tapeList: MDRef | null = null;

  constructor(
    readonly module: Module,
    readonly rules: CallRules,
    readonly opts: TransformOptions,
    readonly file: SourceFile | null,
  ) {
    this.dl = DataLayout.of(module);
  }

  /** An existing function of that name and type, a new declaration, or an adapter when the module declares it with another type (declare.ts). */
  declare(name: string, ret: Type, params: Type[]): Function {
    return declareWithSignature(this.module, name, ret, params);
  }

  tapeAliasList(): MDRef {
    if (this.tapeList) return new MDRef(this.tapeList.id);
    const m = this.module;
    const d = m.nextMetadataId();
    m.metadata.push({ id: d, node: new MDTuple(true, [new MDRef(d), new MDString('enzyme-ts tape')]), pos: -1 });
    m.metadata.push({ id: d + 1, node: new MDTuple(true, [new MDRef(d + 1), new MDRef(d), new MDString('enzyme-ts loop buffers')]), pos: -1 });
    m.metadata.push({ id: d + 2, node: new MDTuple(false, [new MDRef(d + 1)]), pos: -1 });
    this.tapeList = new MDRef(d + 2);
    return new MDRef(d + 2);
  }

  /** The state to return to if the derivative being generated must be started over (src/ad/globals.ts). */
  mark(): ContextMark {
    const m = this.module;
    return { functions: m.functions.length, globals: m.globals.length, types: m.types.namedOrder.length, pairs: this.pairs.size, perf: this.perf.length, warnings: this.warnings.length };
  }

  /** Drops everything generated since `k` (functions, globals, tape types, cached pairs). */
  rollback(k: ContextMark): void {
    const m = this.module;
    m.functions.length = k.functions;
    m.globals.length = k.globals;
    for (const t of m.types.namedOrder.splice(k.types)) if (t.name !== null) m.types.named.delete(t.name);
    m.invalidateSymbols();
    forgetDroppedAtExit(m);
    [...this.pairs.keys()].slice(k.pairs).forEach((key) => this.pairs.delete(key));
    this.perf.length = k.perf;
    this.warnings.length = k.warnings;
  }

  /** `llvm.memcpy` / `llvm.memset` on byte pointers, spelled for the module's pointer dialect. */
  memIntrinsic(which: 'memcpy' | 'memset'): Function {
    const t = this.module.types;
    const bp = this.module.ptrTo(t.i8);
    const opaque = this.module.dialect === 'opaque';
    return which === 'memcpy'
      ? this.declare(opaque ? 'llvm.memcpy.p0.p0.i64' : 'llvm.memcpy.p0i8.p0i8.i64', t.void, [bp, bp, t.i64, t.i1])
      : this.declare(opaque ? 'llvm.memset.p0.i64' : 'llvm.memset.p0i8.i64', t.void, [bp, t.i8, t.i64, t.i1]);
  }

  freshName(base: string): string {
    let name = base;
    for (let k = 1; this.module.getGlobal(name); k++) name = `${base}.${k}`;
    return name;
  }

  /**
   * The empty `augmented_<f>` / `reverse_<f>` functions of a split pair: aug takes
   * the parameters (shadows after duplicated ones) and returns `{ tape, result,
   * returned shadows }`; rev takes the same, then the return's adjoint, then the
   * tape, and returns the active parameters' gradients.
   */
  declarePair(sig: DiffSig): { aug: Function; rev: Function } {
    const width = sig.width ?? 1;
    const m = this.module;
    const t = m.types;
    const { params } = signatureParams(m, sig.fn, sig.args, width);
    const bytePtr = m.ptrTo(t.i8);
    const primRet = sig.fn.fnType.ret;
    const augElems: Type[] = [bytePtr];
    if (primRet.kind !== 'void') augElems.push(primRet);
    // One returned shadow per lane.
    if (sig.retShadow) for (let k = 0; k < width; k++) augElems.push(primRet);
    const augParams = params.map((p) => p.type);
    if (sig.arena) augParams.push(bytePtr);
    const augTy = t.fn(t.struct(augElems), augParams);
    const revParams = params.map((p) => p.type);
    if (sig.retActive) revParams.push(lanesType(m, primRet, width));
    revParams.push(bytePtr);
    if (sig.arena) revParams.push(bytePtr);
    const grads = activeGradTypes(m, sig.fn, sig.args, width);
    const revTy = t.fn(grads.length ? t.struct(grads) : t.void, revParams);
    const base = sig.fn.name ?? 'f';
    const aug = addFunction(m, this.freshName(`augmented_${base}`), augTy, [...params.map((p) => p.name), ...(sig.arena ? ['arena'] : [])]);
    aug.linkage = 'internal';
    const revNames = params.map((p) => p.name);
    if (sig.retActive) revNames.push('differeturn');
    revNames.push('tapeArg');
    if (sig.arena) revNames.push('arena');
    const rev = addFunction(m, this.freshName(`reverse_${base}`), revTy, revNames);
    rev.linkage = 'internal';
    return { aug, rev };
  }

  /** The augmented forward / reverse pair of a callee, generated on first request (recursion-safe). */
  split(sig: DiffSig): SplitPair {
    const width = sig.width ?? 1;
    const key = `${sig.fn.name}|${sig.args.join(',')}|${sig.retActive}|${sig.retShadow}|${(sig.unchanging ?? []).map((u) => (u ? 1 : 0)).join('')}${sig.nofree ? '|nofree' : ''}${width !== 1 ? `|w${width}` : ''}${sig.topLevel ? '|top' : ''}${sig.arena ? '|arena' : ''}${sig.argTypes ? `|t:${sig.argTypes.map((t) => t?.key() ?? '').join(',')}` : ''}`;
    const have = this.pairs.get(key);
    if (have) return have;
    const custom = this.rules.hints?.gradients.get(sig.fn);
    if (custom) { const p = customSplit(this, sig, custom); this.pairs.set(key, p); return p; }
    const { aug, rev } = this.declarePair(sig);
    const pair: SplitPair = { sig, aug, rev };
    this.pairs.set(key, pair);
    const guard = { activity: { args: sig.args, retActive: sig.retActive, retShadow: sig.retShadow, rules: this.rules }, file: this.file, ...(sig.argTypes ? { argTypes: sig.argTypes } : {}) };
    new ReverseGenerator(this, { ...sig, fn: canonicalizeCarriers(this.module, sig.fn, guard).fn }, aug, rev).run();
    return pair;
  }
}
