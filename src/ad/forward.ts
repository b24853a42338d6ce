// Forward mode, on the stages reverse mode uses: the facts about the primal
// function (facts.ts) and the forward sweep with shadows (sweep.ts), to which
// this mode adds the tangents (`SweepMode`). Every active value gets its
// tangent right after its primal, one per lane: the rules' per-operand
// partials (src/rules) applied to the operands' tangents (`Linear.jvp`) and
// summed; loads from shadow memory give tangents, stores of active values put
// theirs there; copies and fills of active memory copy and clear the shadow
// memory; calls to module functions become calls of their forward derivative
// (`fwddiffe<g>`, one per signature, recursion included). No tape, no reverse
// sweep: the derivative runs once, alongside the primal.
//
// Width N: one primal sweep, N tangent lanes. A floating tangent at the ABI is
// `[N x T]`, a duplicated pointer has N shadows (contract section 5b).

import { IRBuilder, addFunction, addIncoming, constInt, nullValue, undefValue } from '../ir/builder.js';
import type { BasicBlock, Function } from '../ir/function.js';
import type { CallInst, Instruction, InvokeInst, PhiInst, RetInst } from '../ir/instructions.js';
import { PhiInst as PhiClass } from '../ir/instructions.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { Partials, RuleEnv } from '../rules/api.js';
import { instRule } from '../rules/instructions.js';
import { isDiffType, isMixedAggType, isPtrAggType } from '../analysis/activity.js';
import { Prologue } from '../tape/frame.js';
import type { ArgActivity, FwdActivity } from './api.js';
import { FunctionFacts } from './facts.js';
import { ForwardSweep, toI64At, type SweepMode } from './sweep.js';
import { addValues } from './reverse.js';
import { activePartials, makeRuleEnv } from './ruleenv.js';
import { laneName, lanesType, type DiffContext, type DiffSig } from './signature.js';
import { uniquifyNames } from './names.js';
import { canonicalizeCarriers } from './canonical.js';
import { customForward } from './custom.js';
import { fail } from '../diag/diagnostic.js';
import { sourceSpan } from '../ir/verify.js';
import { BlasCalls, blasForwardMemory, blasForwardResult, blasScalarActive, blasScalars } from './blas.js';
import { dropEmptyPhis } from './invoke.js';
import { zeroImplicitShadows } from './globals.js';
import { rawSliceElemSize } from './standin.js';
import { demangle } from '../demangle/index.js';
import type { VecMemShape } from './vecmem.js';
import { callerArgTypes } from './callfacts.js';
import { forwardRMW, rmwDifferentiable } from './atomics.js';
import type { TypeTree } from '../analysis/types.js';

type CallBase = CallInst | InvokeInst;

/** What a forward derivative is asked for. */
export interface FwdSig {
  fn: Function;
  /** Per parameter: `dup` / `dupnoneed` (a tangent or shadows follow it), `const`. */
  args: readonly FwdActivity[];
  /** The primal result is returned (first). */
  retPrimal: boolean;
  /** The tangent of the result (the shadow of a returned pointer) is returned. */
  retTangent: boolean;
  width: number;
  /** What the caller knows of the pointer arguments (src/ad/callfacts.ts), for callees that copy memory. */
  argTypes?: readonly (TypeTree | null)[];
}

export interface FwdParam { type: Type; name: string | null; primal: number; tangent: boolean; lane: number }

/**
 * The parameters and result of a forward derivative: each primal parameter,
 * followed, when duplicated, by its tangent (`[N x T]` with a width N) or, for
 * a pointer, by its N shadows; the result is `{ primal, tangent }`, the
 * tangent alone, the primal alone, or void.
 */
export function fwdSignature(m: Module, sig: Omit<FwdSig, 'fn'> & { fn: Function }): { params: FwdParam[]; pos: number[]; ret: Type } {
  const { fn, args, width } = sig;
  const params: FwdParam[] = [];
  const pos: number[] = [];
  fn.args.forEach((a, i) => {
    pos.push(params.length);
    params.push({ type: a.type, name: a.name, primal: i, tangent: false, lane: 0 });
    if (args[i] !== 'dup' && args[i] !== 'dupnoneed') return;
    const tn = a.name !== null ? `${a.name}'` : null;
    if (isShadowType(a.type)) {
      for (let k = 0; k < width; k++) params.push({ type: a.type, name: laneName(tn, width, k), primal: i, tangent: true, lane: k });
    } else {
      params.push({ type: lanesType(m, a.type, width), name: tn, primal: i, tangent: true, lane: -1 });
    }
  });
  const R = fn.fnType.ret;
  const t = m.types;
  let ret: Type = t.void;
  if (R.kind !== 'void') {
    const TR = lanesType(m, R, width);
    if (sig.retPrimal && sig.retTangent) ret = t.struct([R, TR]);
    else if (sig.retTangent) ret = TR;
    else if (sig.retPrimal) ret = R;
  }
  return { params, pos, ret };
}

/** The activities reverse mode's analyses understand: a duplicated floating value is `active` (it carries a tangent). */
export function analysisActivities(fn: Function, args: readonly FwdActivity[]): ArgActivity[] {
  return args.map((a, k) => (a === 'const' ? 'const' : isShadowType(fn.args[k]!.type) ? a : 'active'));
}

/** The DiffSig the shared stages (facts, sweep, activity) see for a forward derivative. */
export function analysisSig(sig: FwdSig): DiffSig {
  const R = sig.fn.fnType.ret;
  const s: DiffSig = {
    fn: sig.fn,
    args: analysisActivities(sig.fn, sig.args),
    retActive: sig.retTangent && (carriesTangent(R) || R.kind === 'int'),
    retPrimal: sig.retPrimal,
    retShadow: sig.retTangent && isShadowType(R),
  };
  if (sig.width !== 1) s.width = sig.width;
  if (sig.argTypes) s.argTypes = sig.argTypes;
  return s;
}

/** Pointers and fat pointers (aggregates of pointers and integers): their derivative is their shadow. */
function isShadowType(t: Type): boolean { return t.kind === 'pointer' || isPtrAggType(t); }

/** Floating values and aggregates of floats and pointers: their derivative is a value of the same type (a tangent; shadows in pointer fields). */
export function carriesTangent(t: Type): boolean { return isDiffType(t) || isMixedAggType(t); }

/** Run-wide state of forward mode: the forward derivatives of callees generated so far, one per signature. */
export class ForwardContext {
  private readonly fns = new Map<string, Function>();
  constructor(readonly ctx: DiffContext) {}

  /** The forward derivative `fwddiffe<g>` of a callee, generated on first request (recursion-safe). */
  callee(sig: FwdSig): Function {
    const key = `${sig.fn.name}|${sig.args.join(',')}|${sig.retPrimal}|${sig.retTangent}|w${sig.width}${sig.argTypes ? `|t:${sig.argTypes.map((t) => t?.key() ?? '').join(',')}` : ''}`;
    const have = this.fns.get(key);
    // (A derivative started over (globals.ts) dropped the functions generated since.)
    if (have && this.ctx.module.functions.includes(have)) return have;
    const m = this.ctx.module;
    const { params, ret } = fwdSignature(m, sig);
    const out = addFunction(m, this.ctx.freshName(`fwddiffe${sig.width > 1 ? sig.width : ''}${sig.fn.name ?? 'f'}`),
      m.types.fn(ret, params.map((p) => p.type)), params.map((p) => p.name));
    out.linkage = 'internal';
    this.fns.set(key, out);
    this.generate(sig, out);
    return out;
  }

  /** Fills `out` (already declared with `fwdSignature`'s type): a registered derivative's adapter, or the generated derivative. */
  generate(sig: FwdSig, out: Function, topLevel = false): void {
    const custom = this.ctx.rules.hints?.derivatives.get(sig.fn);
    if (custom && customForward(this.ctx, sig, custom, out, fwdSignature(this.ctx.module, sig).pos)) return;
    if (sig.fn.isDeclaration || !sig.fn.blocks.length) {
      const at = sig.fn;
      fail('E0402', `cannot differentiate @${sig.fn.name ?? '?'}: it is only declared, its body is not in the module`, this.ctx.file, sourceSpan(at).start, sourceSpan(at).end,
        ['define it in the module, or register a forward derivative (__enzyme_register_derivative, docs/custom.md)']);
    }
    const guard = { activity: { args: analysisActivities(sig.fn, sig.args), retActive: sig.retTangent && (carriesTangent(sig.fn.fnType.ret) || sig.fn.fnType.ret.kind === 'int'), rules: this.ctx.rules }, file: this.ctx.file, ...(sig.argTypes ? { argTypes: sig.argTypes } : {}) };
    const fn = canonicalizeCarriers(this.ctx.module, sig.fn, guard).fn;
    new ForwardGenerator(this, { ...sig, fn }, out, topLevel).run();
  }
}

/** Forward mode, stage by stage: the sweep clones the primal and this mode adds tangents. */
export class ForwardGenerator implements SweepMode {
  private readonly f: FunctionFacts;
  private readonly pro: Prologue;
  private readonly sweep: ForwardSweep;
  /** Per lane: the tangent of each active floating value. */
  private readonly tangents: Map<Value, Value>[];
  private readonly tangentPhis: { prim: PhiInst; phi: PhiInst; lane: number }[] = [];
  private readonly pos: number[];
  private readonly width: number;

  constructor(private readonly fc: ForwardContext, private readonly sig: FwdSig, private readonly out: Function,
    /** The derivative the user calls (not a callee's): it leaves implicit global shadows zeroed (globals.ts). */
    private readonly topLevel = false) {
    const ctx = fc.ctx;
    this.f = new FunctionFacts(ctx, analysisSig(sig), false, true);
    this.width = sig.width;
    this.tangents = Array.from({ length: sig.width }, () => new Map<Value, Value>());
    this.pos = fwdSignature(ctx.module, sig).pos;
    this.pro = new Prologue(ctx.module, out);
    this.sweep = new ForwardSweep(this.f, out, this.pro, this);
    // The clone keeps the primal's landing pads (exceptions on inactive paths): they need its personality.
    out.personality ??= sig.fn.personality;
  }

  run(): void {
    this.sweep.build();
    for (const { prim: p, phi, lane } of this.tangentPhis) {
      p.operands.forEach((v, k) => {
        const nb = this.sweep.fwdBlocks.get(p.blocks[k]!);
        if (nb) addIncoming(phi, this.tangent(v, lane, p), nb);
      });
    }
    // Invokes that became calls (src/ad/invoke.ts): their unwind edges are gone.
    if (this.sweep.cutEdges.length) { this.sweep.dropCutEdges(); dropEmptyPhis(this.out); }
    // The end of the derivative the user calls: implicit shadows of globals go back to zero
    // (once every block is cloned: a return may come before the code that made a shadow).
    if (this.topLevel) {
      for (const blk of this.out.blocks) {
        if (blk.terminator?.op !== 'ret') continue;
        const b = new IRBuilder(this.f.m).beforeTerminator(blk);
        b.origin = blk.terminator.origin;
        zeroImplicitShadows(this.f.ctx, b, this.sig.fn);
        // The stand-in shadows of slices made from pointers without a shadow (rawSliceStandIn).
        if (this.standIns.length) {
          const free = this.f.ctx.declare('free', this.f.m.types.void, [this.f.m.ptrTo(this.f.m.types.i8)]);
          for (const slot of this.standIns) b.call(free, [b.load(this.f.m.ptrTo(this.f.m.types.i8), slot)]);
        }
      }
    }
    this.pro.flush();
    uniquifyNames(this.out);
  }

  // -- tangents ----------------------------------------------------------------------

  /** Lane `lane`'s tangent of a floating value: zero for constants and values without derivative. */
  private tangent(v: Value, lane: number, at: Instruction | null): Value {
    if (!this.f.aa.varied.has(v)) return nullValue(v.type);
    const t = this.tangents[lane]!.get(v);
    if (t) return t;
    return this.f.error('E0999', `internal error: forward mode of ${this.f.fnName()} has no tangent for a value it needs`, at,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line']);
  }

  private setTangent(v: Value, lane: number, t: Value): void { this.tangents[lane]!.set(v, t); }

  /** `[N x T]` from one value per lane, or the only value at width 1. */
  private pack(vals: readonly Value[], b: IRBuilder): Value {
    if (this.width === 1) return vals[0]!;
    let agg: Value = undefValue(lanesType(this.f.m, vals[0]!.type, this.width));
    vals.forEach((v, k) => { agg = b.insertValue(agg, v, [k]); });
    return agg;
  }

  private unpack(v: Value, b: IRBuilder, name: string | null): Value[] {
    if (this.width === 1) return [v];
    return Array.from({ length: this.width }, (_, k) => b.extractValue(v, [k], laneName(name, this.width, k)));
  }

  /**
   * The tangent of `i` in every lane: the rule's partials applied to the
   * active operands' tangents and summed (or its whole-instruction tangent).
   * Partials are built once, so what they compute is shared by the lanes.
   */
  private applyRule(i: Instruction, nb: BasicBlock, partials: (e: RuleEnv) => Partials, operands: readonly Value[],
    whole?: (e: RuleEnv, ts: readonly (Value | null)[]) => Value): void {
    const b = this.sweep.fb;
    const aa = this.f.aa;
    const active = (v: Value): boolean => aa.varied.has(v);
    const env = makeRuleEnv(this.f.ctx, b, (v) => this.sweep.mapV(v), active);
    const ps = whole ? null : activePartials(partials(env), operands, active);
    const name = i.name !== null ? `${i.name}'` : null;
    for (let lane = 0; lane < this.width; lane++) {
      const before = nb.instructions.length;
      let t: Value | null = null;
      if (whole) t = whole(env, operands.map((o) => (active(o) ? this.tangent(o, lane, i) : null)));
      else {
        for (const { v, p } of ps!) {
          const c = p.jvp(this.tangent(v, lane, i));
          t = t === null ? c : addValues(b, t, c);
        }
      }
      t ??= nullValue(i.type);
      // Name the lane's tangent when this step created it (not when it is an operand's tangent passed through).
      if (t.vk === 'inst' && nb.instructions.indexOf(t as Instruction, before) >= 0) t.name = laneName(name, this.width, lane);
      this.setTangent(i, lane, t);
    }
  }

  // -- the forward sweep's forward-mode parts (SweepMode) ----------------------------

  paramPositions(): readonly number[] { return this.pos; }

  beforeClone(): void {
    const entry = this.sweep.fwdBlocks.get(this.f.cfg.entry!)!;
    const b = new IRBuilder(this.f.m).atEnd(entry);
    this.sig.fn.args.forEach((a, k) => {
      const act = this.sig.args[k];
      if ((act !== 'dup' && act !== 'dupnoneed') || isShadowType(a.type)) return;
      const param = this.out.args[this.pos[k]! + 1]!;
      this.unpack(param, b, a.name !== null ? `${a.name}'` : null).forEach((t, lane) => this.setTangent(a, lane, t));
    });
  }

  loopHeader(): void { /* no loop counters: nothing is taped */ }

  afterClone(i: Instruction, nb: BasicBlock): void {
    const aa = this.f.aa;
    const b = this.sweep.fb;
    b.origin = i;
    const name = i.name !== null ? `${i.name}'` : null;
    switch (i.op) {
      case 'phi': {
        if (!aa.isActiveValue(i) || !aa.diffValue(i)) return;
        for (let lane = 0; lane < this.width; lane++) {
          const phi = new PhiClass(i.type, [], []);
          phi.name = laneName(name, this.width, lane);
          phi.origin = i;
          b.insert(phi);
          this.setTangent(i, lane, phi);
          this.tangentPhis.push({ prim: i, phi, lane });
        }
        return;
      }
      case 'load': {
        // (An aggregate with pointers gets its tangent whenever it carries one: its shadows may be all that is used.)
        if (!(aa.diffValue(i) ? aa.isActiveValue(i) : isMixedAggType(i.type) && aa.varied.has(i))) return;
        for (let lane = 0; lane < this.width; lane++) {
          this.setTangent(i, lane, b.load(i.type, this.sweep.shadowOf(i.ptr, i, lane), laneName(name, this.width, lane), i.align));
        }
        return;
      }
      case 'store': {
        if (this.f.intStores.has(i)) {
          // A plain integer (checks.ts): the bytes it overwrites have a zero tangent.
          for (let lane = 0; lane < this.width; lane++) b.store(nullValue(i.value.type), this.sweep.shadowOf(i.ptr, i, lane), i.align);
          return;
        }
        if (!carriesTangent(i.value.type) || !aa.shadowed(i.ptr)) return;
        for (let lane = 0; lane < this.width; lane++) {
          b.store(this.tangent(i.value, lane, i), this.sweep.shadowOf(i.ptr, i, lane), i.align);
        }
        return;
      }
      case 'call': case 'invoke': {
        this.afterCall(i, nb);
        return;
      }
      case 'atomicrmw': {
        if (!rmwDifferentiable(i) || !aa.shadowed(i.operands[0]!)) break;
        const v = i.operands[1]!;
        // An add of a constant leaves the tangent memory as it is: only a result that is used needs it read.
        if (!aa.varied.has(v) && i.rmw !== 'xchg' && !aa.isActiveValue(i)) return;
        for (let lane = 0; lane < this.width; lane++) {
          const t = forwardRMW(b, i, this.sweep.shadowOf(i.operands[0]!, i, lane), aa.varied.has(v) ? this.tangent(v, lane, i) : null, laneName(name, this.width, lane));
          if (aa.isActiveValue(i)) this.setTangent(i, lane, t);
        }
        return;
      }
      case 'insertvalue': {
        // An aggregate of floats and pointers: its tangent holds the tangents and the shadows.
        if (!isMixedAggType(i.type) || !aa.varied.has(i)) break;
        const [agg, v] = i.operands;
        for (let lane = 0; lane < this.width; lane++) {
          const tv = v!.type.kind === 'pointer' ? this.sweep.shadowOf(v!, i, lane) : this.tangent(v!, lane, i);
          this.setTangent(i, lane, b.insertValue(this.tangent(agg!, lane, i), tv, i.indices, laneName(name, this.width, lane)));
        }
        return;
      }
      case 'extractvalue': {
        const agg = i.operands[0]!;
        if (!isMixedAggType(agg.type) || i.type.kind === 'pointer' || !aa.varied.has(i)) break;
        for (let lane = 0; lane < this.width; lane++) {
          this.setTangent(i, lane, b.extractValue(this.tangent(agg, lane, i), i.indices, laneName(name, this.width, lane)));
        }
        return;
      }
      default: break;
    }
    if (!aa.isActiveValue(i) || !aa.diffValue(i)) return;
    const rule = instRule(i.op);
    if (!rule) return this.f.error('E0401', `cannot differentiate ${this.f.fnName()}: no derivative rule for '${i.op}'`, i);
    const whole = rule.tangent;
    this.applyRule(i, nb, (e) => rule.partials(e, i), i.operands, whole ? (e, ts) => whole(e, i, ts) : undefined);
  }

  /** A pointer taken out of an aggregate of floats and pointers: its shadow is in the aggregate's tangent. */
  shadowOfPointer(i: Instruction, lane: number): Value | null {
    if (i.op !== 'extractvalue' || !isMixedAggType(i.operands[0]!.type) || !this.f.aa.varied.has(i.operands[0]!)) return null;
    const name = i.name !== null ? `${i.name}'` : null;
    return this.sweep.fb.extractValue(this.tangent(i.operands[0]!, lane, i), i.indices, laneName(name, this.width, lane));
  }

  private afterCall(i: CallBase, nb: BasicBlock): void {
    const aa = this.f.aa;
    const k = aa.callKind(i);
    const b = this.sweep.fb;
    const m = this.f.m;
    const t = m.types;
    const bp = m.ptrTo(t.i8);
    switch (k.k) {
      case 'rule': {
        // Memory the call wrote values without derivative into (modf's integral part): their tangents are zero.
        for (const o of k.rule.outArgs ?? []) {
          if (!o.zeroShadow || !aa.shadowed(i.arg(o.arg))) continue;
          for (let lane = 0; lane < this.width; lane++) b.store(nullValue(i.type), this.sweep.shadowOf(i.arg(o.arg), i, lane));
        }
        if (!aa.isActiveValue(i) || !aa.diffValue(i)) return;
        const args = i.args();
        this.applyRule(i, nb, (e) => k.rule.partials!(e, i as CallInst, args), args);
        return;
      }
      case 'blas': {
        if (!aa.callTouchesActive(i)) return;
        const rule = k.rule;
        const clone = this.sweep.vmap.get(i) as Instruction;
        // Scalars and the tangents of the array written: before the primal call (scal overwrites its x).
        const pre = new IRBuilder(m).before(clone);
        pre.origin = i;
        const mapV = (v: Value): Value => this.sweep.mapV(v);
        const s = blasScalars(pre, this.f.ctx, rule, i, mapV);
        const scalarT = (pos: number | null | undefined, lane: number, ty: Type): Value | null => {
          if (!blasScalarActive(aa, rule, i, pos)) return null;
          const a = i.arg(pos!);
          return rule.abi === 'cblas' ? this.tangent(a, lane, i) : pre.load(ty, pre.bitcastIfNeeded(this.sweep.shadowOf(a, i, lane), m.ptrTo(ty)));
        };
        for (let lane = 0; lane < this.width; lane++) {
          const shadow = (pos: number): Value | null => (aa.shadowed(i.arg(pos)) ? this.sweep.shadowOf(i.arg(pos), i, lane) : null);
          const alphaT = s.alpha ? scalarT(rule.alpha, lane, s.alpha.type) : null;
          const betaT = s.beta ? scalarT(rule.beta, lane, s.beta.type) : null;
          blasForwardMemory(new BlasCalls(this.f.ctx, pre, rule), s, i, { shadow }, alphaT, mapV, betaT);
          if (aa.isActiveValue(i) && aa.diffValue(i)) {
            const t = blasForwardResult(new BlasCalls(this.f.ctx, b, rule), s, i, { shadow }, mapV, b);
            this.setTangent(i, lane, t ?? nullValue(i.type));
          }
        }
        return;
      }
      case 'memcpy': case 'memmove': {
        if (!aa.shadowed(i.arg(0)) || this.f.kinds.memKind(i) === 'pointer') return; // pointers: the sweep copied their shadows
        const srcShadowed = aa.shadowed(i.arg(1));
        for (let lane = 0; lane < this.width; lane++) {
          const dst = this.sweep.shadowOf(i.arg(0), i, lane);
          if (srcShadowed) {
            const c = this.sweep.copyInst(i);
            c.operands[0] = dst;
            c.operands[1] = this.sweep.shadowOf(i.arg(1), i, lane);
            c.name = null;
            b.insert(c);
          } else {
            // Data without derivative copied into active memory: its tangent is zero.
            b.call(this.f.ctx.memIntrinsic('memset'), [b.bitcastIfNeeded(dst, bp), constInt(t.i8, 0), toI64At(this.sweep.mapV(i.arg(2)), b), constInt(t.i1, 0)]);
          }
        }
        return;
      }
      case 'memset': {
        if (!aa.shadowed(i.arg(0))) return;
        // Filled memory holds constants: their tangents (and null shadows of pointers) are zero.
        for (let lane = 0; lane < this.width; lane++) {
          const dst = this.sweep.shadowOf(i.arg(0), i, lane);
          b.call(this.f.ctx.memIntrinsic('memset'), [b.bitcastIfNeeded(dst, bp), constInt(t.i8, 0), toI64At(this.sweep.mapV(i.arg(2)), b), constInt(t.i1, 0)]);
        }
        return;
      }
      case 'free': case 'realloc': {
        // The primal's memory is released: so is its shadow (realloc: the old shadow, copied into the new one by the sweep).
        const at = k.k === 'free' ? k.ptrArg ?? 0 : 0;
        const p = i.arg(at);
        if (!aa.shadowed(p) || (k.k === 'realloc' && !aa.shadowed(i))) return;
        if (k.k === 'free' && k.like) {
          // A registered deallocator (__enzyme_allocation_like): the same call with the shadow block.
          for (let lane = 0; lane < this.width; lane++) {
            const c = this.sweep.copyInst(i);
            c.operands[at] = this.sweep.shadowOf(p, i, lane);
            c.name = null;
            if (c.op === 'invoke') { b.call(c.callee, c.args(), null, c.fnType); continue; }
            b.insert(c);
          }
          return;
        }
        const free = this.f.ctx.declare('free', t.void, [bp]);
        for (let lane = 0; lane < this.width; lane++) b.call(free, [b.bitcastIfNeeded(this.sweep.shadowOf(p, i, lane), bp)]);
        return;
      }
      case 'vecmem': {
        this.vecMemTangent(i, k.shape);
        return;
      }
      default: return;
    }
  }

  /**
   * A vector memory intrinsic (masked / vp load, store, gather, scatter) is linear in the
   * memory it moves: the same call on the shadow addresses moves the tangents. A load from
   * memory without a shadow gives zero tangents (masked-off lanes: the passthru's).
   */
  private vecMemTangent(i: CallBase, sh: VecMemShape): void {
    const aa = this.f.aa;
    const b = this.sweep.fb;
    const ptr = i.arg(sh.ptr);
    const name = i.name !== null ? `${i.name}'` : null;
    if (!sh.store) {
      if (!aa.diffValue(i) || !aa.isActiveValue(i)) return;
      for (let lane = 0; lane < this.width; lane++) {
        const pt = sh.passthru !== null ? this.tangent(i.arg(sh.passthru), lane, i) : null;
        let tv: Value;
        if (aa.shadowed(ptr)) {
          const c = this.sweep.copyInst(i);
          c.operands[sh.ptr] = this.sweep.shadowOf(ptr, i, lane);
          if (sh.passthru !== null) c.operands[sh.passthru] = pt!;
          c.attachments = null;
          c.name = laneName(name, this.width, lane);
          tv = c.op === 'invoke' ? b.call(c.callee, c.args(), c.name, c.fnType) : b.insert(c);
        } else {
          tv = pt ? b.select(this.sweep.mapV(i.arg(sh.mask)), nullValue(i.type), pt, laneName(name, this.width, lane)) : nullValue(i.type);
        }
        this.setTangent(i, lane, tv);
      }
      return;
    }
    const v = i.arg(sh.value!);
    if (!carriesTangent(v.type) || !aa.shadowed(ptr)) return;
    for (let lane = 0; lane < this.width; lane++) {
      const c = this.sweep.copyInst(i);
      c.operands[sh.value!] = this.tangent(v, lane, i);
      c.operands[sh.ptr] = this.sweep.shadowOf(ptr, i, lane);
      c.attachments = null;
      c.name = null;
      if (c.op === 'invoke') b.call(c.callee, c.args(), null, c.fnType); else b.insert(c);
    }
  }

  ret(i: RetInst, nb: BasicBlock): void {
    void nb;
    const b = this.sweep.fb;
    b.origin = i;
    const r = i.operands[0];
    const RT = this.out.fnType.ret;
    if (!r || RT.kind === 'void') { b.ret(); return; }
    const primal = this.sweep.mapV(r);
    const tangent = !this.sig.retTangent ? null : this.pack(Array.from({ length: this.width }, (_, lane) =>
      isShadowType(r.type) ? this.sweep.shadowOf(r, i, lane) : this.tangent(r, lane, i)), b);
    if (this.sig.retPrimal && tangent) {
      let agg: Value = undefValue(RT);
      agg = b.insertValue(agg, primal, [0]);
      agg = b.insertValue(agg, tangent, [1]);
      b.ret(agg);
    } else b.ret(tangent ?? primal);
  }

  /** Slots holding the stand-in shadows to free when the derivative returns (topLevel only). */
  private readonly standIns: Value[] = [];

  /**
   * `slice::from_raw_parts(c, n)` of a pointer without a shadow (a const raw pointer argument)
   * whose slice needs one (rustc -O0 stores it into an iterator adapter beside a duplicated
   * slice's): the primal call, and as the slice's shadow a zeroed block of its size (calloc),
   * freed when the derivative returns (src/ad/standin.ts). Only in the derivative the user calls
   * and outside loops, where one slot per call holds the block until the returns; false
   * otherwise (the callee's derivative is generated as usual, and refuses what it cannot do).
   */
  private rawSliceStandIn(i: CallBase, callee: Function, nb: BasicBlock): boolean {
    const f = this.f;
    const aa = f.aa;
    const args = i.args();
    if (!this.topLevel || !i.parent || f.li.loopFor(i.parent) || !args.length || aa.shadowed(args[0]!) || !aa.shadowed(i)) return false;
    if (args.slice(1).some((a) => aa.varied.has(a) || aa.shadowed(a))) return false;
    const size = rawSliceElemSize(callee);
    if (size === null) return false;
    const sweep = this.sweep;
    const b = sweep.fb.atEnd(nb);
    b.origin = i;
    const m = f.m;
    const t = m.types;
    const bp = m.ptrTo(t.i8);
    const c = b.call(callee, args.map((a) => sweep.mapV(a)), i.name);
    sweep.vmap.set(i, c);
    const len = sweep.mapV(args[1]!);
    const calloc = f.ctx.declare('calloc', bp, [t.i64, t.i64]);
    for (let lane = 0; lane < this.width; lane++) {
      const name = laneName(i.name !== null ? `${i.name}.standin` : 'standin', this.width, lane);
      const slot = new IRBuilder(m).atEnd(this.pro.allocas).alloca(bp, `${name}.slot`);
      new IRBuilder(m).atEnd(this.pro.init).store(nullValue(bp), slot);
      const block = b.call(calloc, [len.type === t.i64 ? len : b.cast('zext', len, t.i64), constInt(t.i64, size)], name);
      b.store(block, slot);
      this.standIns.push(slot);
      let agg: Value = b.insertValue(undefValue(i.type), b.bitcastIfNeeded(block, (i.type as { elems: Type[] }).elems[0]!), [0]);
      agg = b.insertValue(agg, len, [1], laneName(i.name !== null ? `${i.name}'` : null, this.width, lane));
      sweep.shadows[lane]!.set(i, agg);
    }
    f.ctx.perf.push(`${f.fnName()}: a zeroed stand-in shadow (${size}-byte elements, calloc) for the slice ${i.name !== null ? `%${i.name} ` : ''}that ${demangle(callee.name ?? '') ?? callee.name} makes of a pointer without a shadow`);
    return true;
  }

  /** A call to a module function that touches active data: a call of its forward derivative. */
  activeCall(i: CallBase, nb: BasicBlock): void {
    const f = this.f;
    const aa = f.aa;
    const sweep = this.sweep;
    const callee = (aa.callKind(i) as { fn: Function }).fn;
    if (callee.fnType.vararg) {
      f.error('E0401', `cannot differentiate ${f.fnName()}: call to variadic function @${callee.name} with active arguments`, i);
    }
    if (this.rawSliceStandIn(i, callee, nb)) return;
    const args: FwdActivity[] = i.args().map((a) => {
      if ((carriesTangent(a.type) || aa.diffValue(a)) && aa.varied.has(a)) return 'dup';
      if ((a.type.kind === 'pointer' || isPtrAggType(a.type)) && aa.shadowed(a)) return 'dup';
      return 'const';
    });
    const rt = callee.fnType.ret;
    const retTangent = (aa.diffValue(i) && aa.isActiveValue(i)) || (isMixedAggType(rt) && aa.varied.has(i)) || (isShadowType(rt) && aa.shadowed(i));
    const sig: FwdSig = { fn: callee, args, retPrimal: rt.kind !== 'void', retTangent, width: this.width };
    const argTypes = args.includes('dup') ? callerArgTypes(f, i, callee, this.fc.ctx.dl) : null;
    if (argTypes) sig.argTypes = argTypes;
    const df = this.fc.callee(sig);
    const b = sweep.fb.atEnd(nb);
    b.origin = i;
    const callArgs: Value[] = [];
    i.args().forEach((a, k) => {
      callArgs.push(sweep.mapV(a));
      if (args[k] !== 'dup') return;
      if (isShadowType(a.type)) for (let lane = 0; lane < this.width; lane++) callArgs.push(sweep.shadowOf(a, i, lane));
      else callArgs.push(this.pack(Array.from({ length: this.width }, (_, lane) => this.tangent(a, lane, i)), b));
    });
    const r = b.call(df, callArgs, df.fnType.ret.kind === 'void' ? null : i.name !== null ? `${i.name}_fwd` : null);
    if (rt.kind === 'void') return;
    const primal = retTangent ? b.extractValue(r, [0], i.name) : r;
    sweep.vmap.set(i, primal);
    if (!retTangent) return;
    const tn = i.name !== null ? `${i.name}'` : null;
    this.unpack(b.extractValue(r, [1], this.width === 1 ? tn : null), b, tn).forEach((tv, lane) => {
      if (isShadowType(rt)) sweep.shadows[lane]!.set(i, tv);
      else this.setTangent(i, lane, tv);
    });
  }
}
