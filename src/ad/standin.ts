// Zeroed stand-in shadows for const slices whose memory the derivative needs a shadow for.
//
// rustc's -O0 output builds `a.iter().zip(b.iter())` by storing both slice iterators into one
// `Zip` adapter; when `a` is duplicated, the adapter's memory has a shadow, and the iterator of
// a const `b` stored there needs one too (Enzyme stops there with a mismatched-activity error
// unless runtime activity is on). A shadow that is the primal `b` would receive adjoints. The
// entry instead gives such an argument a zeroed buffer of its own extent as its shadow: the
// derivative is generated as if `b` were duplicated, and a wrapper with the requested signature
// allocates the buffer (`calloc(len, size of an element)`), calls it and frees the buffer. Loads
// through it read zero tangents; adjoints added into it are dropped, as a const argument's are.
//
// Only where the extent is known: a reference parameter (`align N`) followed by a usize (Rust's
// `&[T]` as rustc passes it: `ptr align 8 %b.0, i64 %b.1`), whose element size the IR states by a
// `getelementptr T, ptr, len` (the slice's end, as `Iter::new` computes it) in the function or in
// the callees the pair is passed to. A slice built inside from a raw pointer gets its stand-in at
// the call that builds it instead (rawSliceElemSize; the sweeps' rawSliceStandIn).

import type { Function } from '../ir/function.js';
import { InsertValueInst, type GEPInst } from '../ir/instructions.js';
import { ConstantInt } from '../ir/constants.js';
import { demangle } from '../demangle/index.js';
import type { Value } from '../ir/value.js';
import { IRBuilder, addBlock, constInt } from '../ir/builder.js';
import { hasAttr } from '../ir/attributes.js';
import { ActivityAnalysis } from '../analysis/activity.js';
import { calledFunction, type CallRules } from './calls.js';
import type { ArgActivity } from './api.js';
import type { DiffContext } from './signature.js';
import { DiagnosticError } from '../diag/diagnostic.js';

/** A const slice parameter given a zeroed shadow: its pointer's index, and the size of an element. */
export interface StandIn { arg: number; elemSize: number }

/**
 * The element size of the slice passed as parameters `p` (pointer) and `n` (length) of `f`,
 * from a `getelementptr T, p, n` in `f` or in a callee the pair is passed to; null if none.
 */
function sliceElemSize(ctx: DiffContext, f: Function, p: number, n: number, depth: number, seen: Set<Function>): number | null {
  if (depth > 6 || seen.has(f) || f.isDeclaration) return null;
  seen.add(f);
  const P = f.args[p]!;
  const N = f.args[n]!;
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'getelementptr' && i.operands.length === 2 && i.operands[0] === P && i.operands[1] === N) {
        const size = ctx.dl.allocSize((i as GEPInst).srcType);
        if (size > 0) return size;
      }
      if (i.op !== 'call' && i.op !== 'invoke') continue;
      const g = calledFunction(i);
      if (!g || g.isDeclaration) continue;
      const args = i.args();
      for (let k = 0; k + 1 < args.length && k + 1 < g.args.length; k++) {
        if (args[k] !== P || args[k + 1] !== N) continue;
        const r = sliceElemSize(ctx, g, k, k + 1, depth + 1, seen);
        if (r !== null) return r;
      }
    }
  }
  return null;
}

/**
 * The const slice parameters of `f` that the activity analysis asked a shadow for, with a known
 * element size. `acts` are the activities the analysis sees (reverse mode's words).
 */
export function constSliceStandIns(ctx: DiffContext, f: Function, acts: readonly ArgActivity[], retActive: boolean, rules: CallRules): StandIn[] {
  const aa = new ActivityAnalysis({ fn: f, args: acts, retActive, rules });
  const out: StandIn[] = [];
  f.args.forEach((a, k) => {
    const len = f.args[k + 1];
    // A reference (rustc gives every `&T` / `&[T]` an `align`; a raw pointer has none) followed by
    // a usize: a slice, whose length is its whole extent.
    if (acts[k] !== 'const' || a.type.kind !== 'pointer' || !hasAttr(a.attrs, 'align') || !len || len.type.kind !== 'int'
      || len.type.bits !== ctx.dl.pointerBytes * 8 || !aa.constArgsWanted.has(a)) return;
    const elemSize = sliceElemSize(ctx, f, k, k + 1, 0, new Set());
    if (elemSize !== null) out.push({ arg: k, elemSize });
  });
  return out;
}

/** Whether an error is one a stand-in may cure: E0401, a shadow needed where there is none. */
export function needsShadowError(e: unknown): boolean {
  return e instanceof DiagnosticError && e.diagnostics.some((d) => d.code === 'E0401');
}

/**
 * Fills `out` (the derivative with the requested activities) with a call of `inner` (the same
 * derivative with the stand-in slices duplicated): each gets `width` zeroed shadows, freed after
 * the call. Both signatures put a duplicated pointer's shadows right after it.
 */
export function emitStandInWrapper(ctx: DiffContext, f: Function, acts: readonly string[], width: number, standIns: readonly StandIn[], out: Function, inner: Function): void {
  const m = ctx.module;
  const t = m.types;
  const bp = m.ptrTo(t.i8);
  const calloc = ctx.declare('calloc', bp, [t.i64, t.i64]);
  const free = ctx.declare('free', t.void, [bp]);
  const b = new IRBuilder(m);
  b.atEnd(addBlock(m, out, 'entry'));
  const callArgs: Value[] = [];
  const buffers: Value[] = [];
  let k = 0;
  f.args.forEach((a, i) => {
    callArgs.push(out.args[k++]!);
    if (acts[i] === 'dup' || acts[i] === 'dupnoneed') {
      for (let l = 0; l < width; l++) callArgs.push(out.args[k++]!);
      return;
    }
    const s = standIns.find((x) => x.arg === i);
    if (!s) return;
    const len: Value = out.args[k]!; // the length parameter that follows (a usize)
    for (let l = 0; l < width; l++) {
      const buf = b.call(calloc, [len, constInt(t.i64, s.elemSize)], `${a.name ?? 'arg'}.standin${width > 1 ? l : ''}`);
      buffers.push(buf);
      callArgs.push(b.bitcastIfNeeded(buf, a.type));
    }
  });
  while (k < out.args.length) callArgs.push(out.args[k++]!);
  const r = b.call(inner, callArgs, inner.fnType.ret.kind === 'void' ? null : 'r');
  for (const buf of buffers) b.call(free, [buf]);
  if (inner.fnType.ret.kind === 'void') b.ret(); else b.ret(r);
}

/** The stand-ins for --print-perf: `%b.0 (8-byte elements)`. */
export function describeStandIns(f: Function, standIns: readonly StandIn[]): string {
  return standIns.map((s) => `%${f.args[s.arg]!.name ?? s.arg} (${s.elemSize}-byte elements)`).join(', ');
}

/**
 * The element size of the slice that `fn` builds, when `fn` is Rust's
 * `core::slice::raw::from_raw_parts(data, len)` (or `from_raw_parts_mut`) as rustc compiles it with
 * debug assertions (opt-level 0): every return gives `{ data, len }`, and the function checks its
 * precondition with `(data, size_of::<T>(), align_of::<T>(), len)`, whose second argument is the
 * size. null otherwise (no such check: the size is not known, and nothing is assumed).
 *
 * A const raw pointer made into a slice this way has no extent the entry can see (the length is
 * computed inside the function): the call site gives the slice a zeroed stand-in shadow of
 * `len * size` bytes instead (reverse mode: from the derivative's arena; forward mode: calloc'd,
 * freed when the derivative returns).
 */
export function rawSliceElemSize(fn: Function): number | null {
  const cached = rawSliceSizes.get(fn);
  if (cached !== undefined) return cached;
  const r = rawSliceSize(fn);
  rawSliceSizes.set(fn, r);
  return r;
}
const rawSliceSizes = new WeakMap<Function, number | null>();

function rawSliceSize(fn: Function): number | null {
  if (fn.isDeclaration || fn.args.length < 2) return null;
  const name = demangle(fn.name ?? '');
  if (name !== 'core::slice::raw::from_raw_parts' && name !== 'core::slice::raw::from_raw_parts_mut') return null;
  const [data, len] = [fn.args[0]!, fn.args[1]!];
  const rt = fn.fnType.ret;
  if (data.type.kind !== 'pointer' || len.type.kind !== 'int' || rt.kind !== 'struct' || rt.elems?.length !== 2
    || rt.elems[0]!.kind !== 'pointer' || rt.elems[1] !== len.type) return null;
  // Every return: insertvalue (insertvalue (_, data, 0), len, 1).
  const packs = (v: Value | undefined): boolean => {
    if (!(v instanceof InsertValueInst) || v.indices.length !== 1 || v.indices[0] !== 1 || v.operands[1] !== len) return false;
    const inner = v.operands[0];
    return inner instanceof InsertValueInst && inner.indices.length === 1 && inner.indices[0] === 0 && inner.operands[1] === data;
  };
  let size: number | null = null;
  let rets = 0;
  for (const b of fn.blocks) {
    for (const i of b.instructions) {
      if (i.op === 'ret') { if (!packs(i.operands[0])) return null; rets++; continue; }
      if (i.op !== 'call' && i.op !== 'invoke') continue;
      const args = i.args();
      const s = args[1], a = args[2];
      if (args.length >= 4 && args[0] === data && args[3] === len && s instanceof ConstantInt && a instanceof ConstantInt
        && s.value > 0n && s.value < 1n << 32n) size = Number(s.value);
    }
  }
  return rets > 0 ? size : null;
}
