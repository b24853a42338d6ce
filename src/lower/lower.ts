// `enzyme-ts lower`: Enzyme's C ABI (contract section 7). Every call whose
// callee name contains `__enzyme_autodiff` (or `__enzyme_augmentfwd`,
// `__enzyme_reverse`, `__enzyme_augmentsize`) is replaced by a call to a
// generated derivative, as Enzyme's plugin does:
//
//   __enzyme_autodiff(f, [markers...] args...)
//
// The first argument (after a hidden sret pointer) is the function; the
// others are its arguments, each optionally preceded by a marker that sets its
// activity (`enzyme_dup`, `enzyme_dupnoneed`, `enzyme_out`, `enzyme_const`),
// or by a marker with a value of its own (`enzyme_width, N`,
// `enzyme_allocated, SIZE`, `enzyme_tape, PTR`), or a flag
// (`enzyme_primal_return`, `enzyme_nofree`). A marker is a
// `metadata !"enzyme_x"` operand or a load of a global named `enzyme_x` (C's
// `extern int enzyme_dup;`). Without a marker an argument gets Enzyme's
// default (contract section 5).
//
// Split mode keeps the tape between two calls: `__enzyme_augmentfwd` runs the
// augmented forward sweep and returns (or stores, with `enzyme_allocated` +
// `enzyme_tape`) the tape; `__enzyme_reverse` takes the same arguments, then
// the seed of an active return, then the tape, and returns the gradients.
// The tape enzyme-ts keeps in the user's memory is one pointer to its heap
// tape: `__enzyme_augmentsize` is the size of a pointer.

import type { Module } from '../ir/module.js';
import type { Alias, Function, GlobalVariable } from '../ir/function.js';
import type { CallInst, InvokeInst, Instruction, LoadInst } from '../ir/instructions.js';

type CallBase = CallInst | InvokeInst;
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { SourceFile } from '../diag/source.js';
import { DiagnosticError, diag, type Diagnostic } from '../diag/diagnostic.js';
import type { Code } from '../diag/codes.js';
import { IRBuilder, constInt, eraseFromParent, nullValue } from '../ir/builder.js';
import { ConstantInt, MetadataAsValue } from '../ir/constants.js';
import { findAttr } from '../ir/attributes.js';
import { sourceSpan } from '../ir/verify.js';
import { computeUses, replaceAllUsesWith } from '../ir/uses.js';
import { calledFunction, functionBehind } from '../ad/calls.js';
import { budgetOptions, defaultActivity, gradModule, inheritPersonalities, refuseVarargs, requestHints } from '../ad/grad.js';
import { GradContext, type DiffSig, type SplitPair } from '../ad/context.js';
import { isDiffType } from '../analysis/activity.js';
import { defaultCallRules } from '../ad/registry.js';
import { withHints } from '../ad/custom.js';
import type { ArgActivity, CheckpointPolicy, FwdActivity, FwdRetActivity, GradRequest, RetActivity } from '../ad/api.js';
import { defaultFwdActivity, fwdModule } from '../ad/fwd.js';
import { ForwardContext } from '../ad/forward.js';
import { uniquifyNames } from '../ad/names.js';
import { castArg, fitResult, ones, showType } from './fit.js';
import { withGlobalRestarts } from '../ad/globals.js';

export type Mode = 'autodiff' | 'augmentfwd' | 'reverse' | 'augmentsize' | 'fwddiff';

/** Which Enzyme entry point a callee name is (C++-mangled and suffixed names included). */
export function modeOf(name: string): Mode | 'unsupported' | 'hint' | null {
  if (!name.includes('__enzyme_')) return null;
  // The tool's own helpers (`__enzyme_ts_memcpy_adj_double`...), in a module lowered before.
  if (name.includes('__enzyme_ts_')) return null;
  if (name.includes('__enzyme_autodiff')) return 'autodiff';
  if (name.includes('__enzyme_augmentfwd')) return 'augmentfwd';
  if (name.includes('__enzyme_augmentsize')) return 'augmentsize';
  if (name.includes('__enzyme_reverse')) return 'reverse';
  if (name.includes('__enzyme_fwddiff') || name.includes('__enzyme_fwdsplit')) return 'fwddiff';
  // Enzyme's type annotations (`__enzyme_double(ptr, bytes)`): hints for its type analysis, no code.
  if (/__enzyme_(float|double|integer|pointer)(?![A-Za-z_])/.test(name)) return 'hint';
  // Every other Enzyme entry point (__enzyme_virtualreverse, __enzyme_batch, __enzyme_todense,
  // __enzyme_set_fixed_point...) would be left as an unresolved call: an error at the call.
  return 'unsupported';
}

/** Markers Enzyme knows that enzyme-ts does not implement yet (an error at the call, E0422). */
const UNSUPPORTED_MARKERS = new Set(['enzyme_runtime_activity', 'enzyme_context', 'enzyme_byref', 'enzyme_scalar', 'enzyme_mutable']);

const ACTIVITY_MARKERS: Record<string, ArgActivity> = {
  enzyme_dup: 'dup', enzyme_dupnoneed: 'dupnoneed', enzyme_out: 'active', enzyme_const: 'const',
};
const VALUE_MARKERS = new Set(['enzyme_width', 'enzyme_allocated', 'enzyme_tape']);
const FLAG_MARKERS = new Set(['enzyme_primal_return', 'enzyme_nofree', 'enzyme_const_return', 'enzyme_dup_return']);

/**
 * The marker name an operand stands for, if it is one: `metadata !"enzyme_x"`, a load of a
 * global named `enzyme_x` (C's `extern int enzyme_dup;`), or the address of such a global
 * (`ptr @enzyme_dup`, as rustc's autodiff lowering and the Rust attribute pass them), possibly
 * behind pointer casts.
 */
export function markerName(v: Value): string | null {
  if (v instanceof MetadataAsValue) {
    const md = v.md;
    if (md.mk === 'string' && md.text.startsWith('enzyme_')) return md.text;
    return null;
  }
  if (v.vk === 'inst' && (v as Instruction).op === 'load') return markerGlobal((v as LoadInst).ptr);
  if (v.type.kind === 'pointer') return markerGlobal(v);
  return null;
}

/** The name of the `enzyme_*` global variable `p` points to, looking through pointer casts. */
function markerGlobal(p: Value): string | null {
  for (let k = 0; k < 3 && p.vk === 'const'; k++) {
    const e = p as unknown as { ck: string; op?: string; operands: Value[] };
    if (e.ck === 'expr' && (e.op === 'bitcast' || e.op === 'addrspacecast')) p = e.operands[0]!; else break;
  }
  if (p.vk === 'global') {
    const name = (p as unknown as { name: string | null }).name;
    if (name !== null && name.startsWith('enzyme_')) return name;
  }
  return null;
}

export interface LowerOptions {
  checkpoint?: CheckpointPolicy;
  looseTypes?: boolean;
  /** `--tape-budget` (null: never checkpoint) and `--checkpoint-every` (src/tape/checkpoint.ts). */
  tapeBudget?: number | null;
  checkpointEvery?: number;
  /** `--custom FN=AUG,REV` and `--inactive FN`, added to what the module registers (docs/custom.md). */
  custom?: GradRequest['custom'];
  inactive?: string[];
  /** Called before each call is lowered (a progress line on a terminal). */
  onCall?: (k: number, n: number, fn: string) => void;
}

export interface LowerResult {
  /** One line per rewritten call: where, what, which derivative. */
  calls: string[];
  perf: string[];
  warnings: Diagnostic[];
}

/** One parsed `__enzyme_*` call. */
interface Parsed {
  call: CallBase;
  mode: Mode;
  fn: Function;
  /** The hidden struct-return pointer, when the call returns through one. */
  sret: { ptr: Value; type: Type } | null;
  acts: ArgActivity[];
  /** Per parameter: the primal value, then its shadows. */
  values: Value[][];
  width: number;
  primalReturn: boolean;
  nofree: boolean;
  allocated: Value | null;
  tape: Value | null;
  /** reverse: the seeds of an active return, one per lane. */
  seeds: Value[];
  /** reverse: the tape argument after the seed (no enzyme_tape marker). */
  tapeArg: Value | null;
  /** augmentsize: markers only. */
  markerOnly: boolean;
  /** fwddiff: `enzyme_const_return` (false) / `enzyme_dup_return` (true); null: Enzyme's default for the return type. */
  retDup: boolean | null;
}

class Lowering {
  private readonly ctx: GradContext;
  private readonly derivs = new Map<string, Function>();
  private fwdCtx: ForwardContext | null = null;
  /** Each rewritten call: where (line:col is computed only if asked, see lowerModule) and what. */
  readonly calls: { at: Value; text: string }[] = [];
  get perf(): string[] { return this.ctx.perf; }
  get warnings(): Diagnostic[] { return this.ctx.warnings; }

  constructor(readonly m: Module, readonly file: SourceFile | null, readonly opts: LowerOptions) {
    // Custom derivatives and hints the module registers (docs/custom.md) apply to every call site.
    const hints = requestHints(m, { ...(opts.custom ? { custom: opts.custom } : {}), ...(opts.inactive ? { inactive: opts.inactive } : {}) }, file);
    this.ctx = new GradContext(m, withHints(defaultCallRules(), hints, m), { checkpoint: opts.checkpoint ?? 'auto', looseTypes: !!opts.looseTypes, ...budgetOptions(opts) }, file);
  }

  private error(code: Code, message: string, at: Value | null, notes?: string[]): never {
    const span = at ? sourceSpan(at) : { start: -1, end: -1 };
    throw new DiagnosticError([diag(code, message, this.file, span.start, span.end, notes)]);
  }

  where(v: Value): string {
    const span = sourceSpan(v);
    if (!this.file || span.start < 0) return '';
    const lc = this.file.position(span.start);
    return `${this.file.name}:${lc.line}:${lc.col}`;
  }

  run(): void {
    const found: { call: CallBase; mode: Mode; callee: Function }[] = [];
    const hints: CallBase[] = [];
    const entries = this.entryPoints();
    for (const f of [...this.m.functions]) {
      // a body kept as text (lazy loading) is read only when it names an entry point
      if (f.deferred !== null && !entries.some((g) => f.deferred!.mentionsGlobal(g))) continue;
      for (const b of f.blocks) {
        for (const i of b.instructions) {
          if (i.op !== 'call' && i.op !== 'invoke') continue;
          const callee = calledFunction(i);
          if (!callee || callee.name === null) continue;
          const mode = modeOf(callee.name);
          if (mode === null) continue;
          if (mode === 'unsupported') this.error('E0422', `@${callee.name} is not supported by enzyme-ts`, i, ['enzyme-ts lowers __enzyme_autodiff, __enzyme_augmentfwd, __enzyme_reverse, __enzyme_augmentsize and __enzyme_fwddiff (and removes the type hints __enzyme_float, __enzyme_double, __enzyme_integer, __enzyme_pointer)']);
          if (mode === 'hint') { hints.push(i); continue; }
          if (mode === 'fwddiff' && callee.name.includes('__enzyme_fwdsplit')) this.error('E0422', `forward split mode (@${callee.name}) is not supported`, i, ['use __enzyme_fwddiff']);
          found.push({ call: i, mode, callee });
        }
      }
    }
    // Type hints go first: the functions they sit in may be differentiated below.
    for (const h of hints) {
      if (h.type.kind !== 'void' && callHasUses(h)) this.error('E0421', `${calledName(h)} is one of Enzyme's type hints: it returns nothing`, h, ['declare it returning void']);
      this.remove(h);
    }
    const touched = new Set<Function>();
    const ordered = nestedFirst(found);
    for (const [k, c] of ordered.entries()) {
      this.opts.onCall?.(k + 1, ordered.length, calledName(c.call));
      touched.add(c.call.parent!.parent!);
      this.lowerCall(this.parse(c.call, c.mode));
    }
    this.cleanup([...found.map((c) => c.callee), ...hints.map((h) => calledFunction(h)!)]);
    for (const f of touched) uniquifyNames(f);
    inheritPersonalities(this.m);
  }

  /** The globals a lowered call can name as its callee: `__enzyme_*` functions and aliases of them. */
  private entryPoints(): (Function | Alias)[] {
    const out: (Function | Alias)[] = this.m.functions.filter((f) => f.name !== null && modeOf(f.name) !== null);
    for (const a of this.m.aliases) {
      const f = functionBehind(a);
      if (f && f.name !== null && modeOf(f.name) !== null) out.push(a);
    }
    return out;
  }

  /** Reads a call's operands: function, markers, values. */
  private parse(call: CallBase, mode: Mode): Parsed {
    const ops = call.args();
    const cname = `@${calledFunction(call)!.name}`;
    let k = 0;
    let sret: Parsed['sret'] = null;
    const sa = findAttr(call.argAttrs[0], 'sret') ?? findAttr(calledFunction(call)!.args[0]?.attrs ?? null, 'sret');
    if (sa && sa.k === 'type') { sret = { ptr: ops[0]!, type: sa.type }; k = 1; }
    const fv = ops[k++];
    if (!fv) this.error('E0421', `${cname} needs the function to differentiate as its first argument`, call);
    const fn = functionBehind(fv);
    if (!fn) this.error('E0421', `the first argument of ${cname} must be a function of this module, known at compile time`, call,
      ['pass the function itself, e.g. __enzyme_autodiff((void*)f, ...), not a pointer loaded at run time']);
    if (fn.isDeclaration) this.error('E0421', `@${fn.name} is only declared in this module: its body is needed to differentiate it`, call,
      ['compile the file that defines it into the same module (e.g. llvm-link) before lowering']);
    const p: Parsed = {
      call, mode, fn, sret, acts: [], values: [], width: 1, primalReturn: false, nofree: false,
      allocated: null, tape: null, seeds: [], tapeArg: null, markerOnly: mode === 'augmentsize', retDup: null,
    };
    const fwd = mode === 'fwddiff';
    const nparams = fn.args.length;
    // Forward mode of a function returning through a hidden pointer: the call's own result memory
    // receives it (Enzyme's convention), so its first parameter is not among the call's arguments.
    const fnSret = fwd ? findAttr(fn.args[0]?.attrs ?? null, 'sret') : null;
    if (fnSret && !sret) this.error('E0421', `${cname}: @${fn.name} returns a struct through a hidden pointer; declare ${cname} returning a struct that holds the result (and its tangents)`, call);
    let pending: { act: ArgActivity; marker: string } | null = null;
    const take = (what: string): Value => {
      const v = ops[k++];
      if (v === undefined) this.error('E0421', `${cname}: ${what} is missing (the call ends early)`, call);
      return v;
    };
    const readMarkers = (): void => {
      for (;;) {
        const v = ops[k];
        if (v === undefined) return;
        const name = markerName(v);
        if (name === null) return;
        k++;
        if (name in ACTIVITY_MARKERS) {
          if (fwd && name === 'enzyme_out') this.error('E0421', `${cname}: enzyme_out is reverse mode's marker; in forward mode a floating argument takes enzyme_dup followed by its tangent`, call);
          if (pending) this.error('E0421', `${cname}: ${pending.marker} is followed by another activity marker (${name}) instead of an argument`, call);
          pending = { act: ACTIVITY_MARKERS[name]!, marker: name };
          // __enzyme_augmentsize takes markers only: one activity marker per parameter.
          if (p.markerOnly) return;
        } else if (name === 'enzyme_width') {
          const n = take('the number after enzyme_width');
          if (!(n instanceof ConstantInt) || n.value < 1n || n.value > 64n) this.error('E0421', `${cname}: enzyme_width must be followed by a constant integer between 1 and 64`, call);
          if (p.values.length > 0) this.error('E0421', `${cname}: enzyme_width must come before the arguments`, call);
          p.width = Number(n.value);
        } else if (name === 'enzyme_allocated') {
          const n = take('the size after enzyme_allocated');
          if (n.type.kind !== 'int') this.error('E0421', `${cname}: enzyme_allocated must be followed by an integer size`, call);
          p.allocated = n;
        } else if (name === 'enzyme_tape') {
          const t = take('the tape after enzyme_tape');
          if (t.type.kind !== 'pointer') this.error('E0421', `${cname}: enzyme_tape must be followed by a pointer to the tape memory, found ${showType(t.type)}`, call);
          p.tape = t;
        } else if (name === 'enzyme_primal_return') {
          p.primalReturn = true;
        } else if (name === 'enzyme_nofree') {
          p.nofree = true;
        } else if ((name === 'enzyme_const_return' || name === 'enzyme_dup_return') && fwd) {
          p.retDup = name === 'enzyme_dup_return';
        } else if (UNSUPPORTED_MARKERS.has(name)) {
          this.error('E0422', `${cname}: the marker ${name} is not supported by enzyme-ts yet`, call, [
            `supported markers: ${[...Object.keys(ACTIVITY_MARKERS), ...VALUE_MARKERS, ...FLAG_MARKERS].join(', ')}`]);
        } else {
          this.error('E0421', `${cname}: unknown marker ${name}`, call, [
            `known markers: ${[...Object.keys(ACTIVITY_MARKERS), ...VALUE_MARKERS, ...FLAG_MARKERS].join(', ')}`]);
        }
      }
    };
    for (let i = 0; i < nparams; i++) {
      const param = fn.args[i]!;
      if (i === 0 && fnSret) { p.acts.push('dup'); p.values.push([]); continue; }
      const what = `parameter ${i + 1}${param.name !== null ? ` (%${param.name})` : ''} of @${fn.name}`;
      readMarkers();
      if (p.markerOnly) {
        const pd = pending as { act: ArgActivity; marker: string } | null;
        p.acts.push(pd ? pd.act : defaultActivity(param.type));
        p.values.push([]);
        pending = null;
        continue;
      }
      const pd = pending as { act: ArgActivity; marker: string } | null;
      const act = pd ? pd.act : fwd ? defaultFwdActivity(param.type) : defaultActivity(param.type);
      pending = null;
      if (k >= ops.length) {
        this.error('E0421', `${cname}: too few arguments: @${fn.name} has ${nparams} parameter${nparams === 1 ? '' : 's'}, the call gives values for ${i}`, call);
      }
      if (act === 'active' && !isDiffType(param.type)) this.error('E0421', `${cname}: ${what} is ${showType(param.type)}, not a floating value: it cannot be enzyme_out${param.type.kind === 'pointer' ? ' (use enzyme_dup)' : ''}`, call);
      if (fwd && (act === 'dup' || act === 'dupnoneed') && param.type.kind !== 'pointer' && !isDiffType(param.type)) this.error('E0421', `${cname}: ${what} is ${showType(param.type)}, neither floating nor a pointer: it has no tangent (use enzyme_const)`, call);
      if (!fwd && (act === 'dup' || act === 'dupnoneed') && param.type.kind !== 'pointer') this.error('E0421', `${cname}: ${what} is ${showType(param.type)}, not a pointer: it cannot be ${pd?.marker ?? 'duplicated'}${isDiffType(param.type) ? ' (use enzyme_out)' : ''}`, call);
      const vals = [this.arg(take(what), param.type, `${what}`, call)];
      if (act === 'dup' || act === 'dupnoneed') {
        for (let w = 0; w < p.width; w++) {
          const next = ops[k];
          const shadow = param.type.kind === 'pointer' ? 'shadow' : 'tangent';
          if (next !== undefined && markerName(next) !== null) this.error('E0421', `${cname}: the ${shadow} of ${what} is missing (found the marker ${markerName(next)})`, call);
          vals.push(this.arg(take(`the ${shadow} of ${what}`), param.type, `the ${shadow}${p.width > 1 ? ` ${w + 1}` : ''} of ${what}`, call));
        }
      }
      p.acts.push(act);
      p.values.push(vals);
    }
    readMarkers();
    if (pending) this.error('E0421', `${cname}: ${(pending as { marker: string }).marker} is not followed by an argument (@${fn.name} has ${nparams} parameter${nparams === 1 ? '' : 's'})`, call);
    if (mode === 'reverse') {
      const rt = fn.fnType.ret;
      if (isDiffType(rt)) {
        // One seed per lane: N values with enzyme_width, N.
        for (let w = 0; w < p.width; w++) {
          const s = ops[k++];
          if (s === undefined || markerName(s) !== null) this.error('E0421', `${cname}: the seed${p.width > 1 ? ` of lane ${w + 1}` : ''} of @${fn.name}'s ${showType(rt)} return is missing after the arguments`, call);
          p.seeds.push(s);
        }
      }
      if (!p.tape) {
        const t = ops[k++];
        if (t === undefined) this.error('E0421', `${cname}: the tape is missing (pass the value __enzyme_augmentfwd returned, or enzyme_tape)`, call);
        p.tapeArg = t;
      }
      readMarkers();
    }
    if (k < ops.length) {
      this.error('E0421', `${cname}: too many arguments: @${fn.name} has ${nparams} parameter${nparams === 1 ? '' : 's'} and the call has ${ops.length - k} more value${ops.length - k === 1 ? '' : 's'} than they take`, call);
    }
    return p;
  }

  private arg(v: Value, to: Type, what: string, call: CallBase): Value {
    const b = new IRBuilder(this.m).before(call);
    const r = castArg(b, v, to);
    if (!r) this.error('E0421', `${what} is ${showType(to)} but the call passes ${showType(v.type)}: converting would lose data`, call);
    return r;
  }

  private retActivity(p: Parsed): RetActivity {
    const rt = p.fn.fnType.ret;
    if (isDiffType(rt)) return p.primalReturn ? 'active' : 'activeonly';
    if (rt.kind === 'void') return 'none';
    return p.primalReturn ? 'const' : 'none';
  }

  private lowerCall(p: Parsed): void {
    switch (p.mode) {
      case 'autodiff': return this.lowerAutodiff(p);
      case 'augmentsize': return this.lowerSize(p);
      case 'augmentfwd': return this.lowerAugment(p);
      case 'reverse': return this.lowerReverse(p);
      case 'fwddiff': return this.lowerFwd(p);
      default: this.error('E0422', `mode ${p.mode} is not supported`, p.call);
    }
  }

  private derivative(p: Parsed, ret: RetActivity): Function {
    const key = `${p.fn.name}|${p.acts.join(',')}|${ret}|${p.width}`;
    const have = this.derivs.get(key);
    if (have) return have;
    const r = gradModule(this.m, { fn: p.fn.name!, args: p.acts, ret, width: p.width, checkpoint: this.opts.checkpoint ?? 'auto', looseTypes: !!this.opts.looseTypes,
      ...(this.opts.custom ? { custom: this.opts.custom } : {}), ...(this.opts.inactive ? { inactive: this.opts.inactive } : {}) }, this.file, this.ctx.rules, this.ctx);
    this.derivs.set(key, r.fn);
    return r.fn;
  }

  private lowerAutodiff(p: Parsed): void {
    const ret = this.retActivity(p);
    const d = this.derivative(p, ret);
    const b = new IRBuilder(this.m).before(p.call);
    const args = p.values.flat();
    if (ret === 'active' || ret === 'activeonly') {
      const seedTy = d.fnType.params[d.fnType.params.length - 1]!;
      args.push(ones(seedTy));
    }
    const r = b.call(d, args, d.fnType.ret.kind === 'void' ? null : 'grad');
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> @${d.name}` });
    this.finishCall(p, b, d.fnType.ret.kind === 'void' ? null : r);
  }

  /**
   * `__enzyme_fwddiff(f, args...)`: a call of f's forward derivative. Enzyme's
   * result: the tangent of the return (`[N x T]` with a width), `{ primal,
   * tangent }` with enzyme_primal_return, the primal alone with
   * enzyme_const_return and enzyme_primal_return.
   */
  private lowerFwd(p: Parsed): void {
    if (p.allocated || p.tape) this.error('E0421', `${calledName(p.call)}: enzyme_allocated and enzyme_tape belong to split mode, not to forward mode`, p.call);
    const fnSret = findAttr(p.fn.args[0]?.attrs ?? null, 'sret');
    if (fnSret && fnSret.k === 'type' && p.sret) return this.lowerFwdSret(p, fnSret.type, p.sret);
    const rt = p.fn.fnType.ret;
    if (p.primalReturn && rt.kind === 'void') this.error('E0421', `${calledName(p.call)}: enzyme_primal_return asks for the result of @${p.fn.name}, which returns void`, p.call);
    const carries = isDiffType(rt) || (rt.kind === 'pointer' && defaultActivity(rt) === 'dup');
    const tangent = rt.kind !== 'void' && (p.retDup ?? carries);
    if (tangent && !isDiffType(rt) && rt.kind !== 'pointer') this.error('E0421', `${calledName(p.call)}: enzyme_dup_return needs a floating or pointer return, @${p.fn.name} returns ${showType(rt)}`, p.call);
    const ret: FwdRetActivity = tangent ? (p.primalReturn ? 'dup' : 'dupnoneed') : p.primalReturn ? 'const' : 'none';
    const d = this.fwdDerivative(p, p.acts as FwdActivity[], ret);
    const b = new IRBuilder(this.m).before(p.call);
    const args = this.fwdArgs(p, b);
    const r = b.call(d, args, d.fnType.ret.kind === 'void' ? null : 'fwd');
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> @${d.name}` });
    this.finishCall(p, b, d.fnType.ret.kind === 'void' ? null : r);
  }

  private fwdDerivative(p: Parsed, acts: FwdActivity[], ret: FwdRetActivity): Function {
    const key = `fwd|${p.fn.name}|${acts.join(',')}|${ret}|${p.width}`;
    let d = this.derivs.get(key);
    if (!d) {
      this.fwdCtx ??= new ForwardContext(this.ctx);
      d = fwdModule(this.m, { fn: p.fn.name!, args: acts, ret, width: p.width, looseTypes: !!this.opts.looseTypes }, this.file, this.ctx.rules, { grad: this.ctx, fwd: this.fwdCtx }).fn;
      this.derivs.set(key, d);
    }
    return d;
  }

  /** The derivative's arguments: each primal, then its shadows (pointers) or its tangent (`[N x T]` with a width). */
  private fwdArgs(p: Parsed, b: IRBuilder): Value[] {
    const args: Value[] = [];
    p.values.forEach((vals, k) => {
      args.push(vals[0]!);
      if (vals.length === 1) return;
      if (p.fn.args[k]!.type.kind === 'pointer' || p.width === 1) { args.push(...vals.slice(1)); return; }
      let agg: Value = nullValue(this.m.types.array(p.width, p.fn.args[k]!.type));
      vals.slice(1).forEach((v, w) => { agg = b.insertValue(agg, v, [w]); });
      args.push(agg);
    });
    return args;
  }

  /**
   * Forward mode of a function returning a struct S through its first (sret) parameter: the call's
   * result memory holds [primal S,] tangent S of lane 0, ..., of lane N-1 (Enzyme's layout).
   */
  private lowerFwdSret(p: Parsed, S: Type, out: { ptr: Value; type: Type }): void {
    const b = new IRBuilder(this.m).before(p.call);
    const tangent = p.retDup ?? true;
    const count = (tangent ? p.width : 0) + (p.primalReturn ? 1 : 0);
    const size = this.ctx.dl.allocSize(S);
    if (this.ctx.dl.allocSize(out.type) < count * size) {
      this.error('E0421', `${calledName(p.call)}: the result ${showType(out.type)} (${this.ctx.dl.allocSize(out.type)} bytes) cannot hold ${count} value${count === 1 ? '' : 's'} of ${showType(S)} (${size} bytes each)`, p.call,
        [`declare it returning ${p.primalReturn ? 'the primal, then ' : ''}${p.width > 1 ? `${p.width} tangents` : 'the tangent'} of ${showType(S)}`]);
    }
    const base = b.bitcastIfNeeded(out.ptr, this.m.ptrTo(S));
    const at = (k: number): Value => b.bitcastIfNeeded(b.gep(S, base, [constInt(this.m.types.i64, k)], null, true), p.fn.args[0]!.type);
    let primal: Value;
    if (p.primalReturn) primal = at(0);
    else {
      const fnOf = p.call.parent!.parent!;
      const slot = new IRBuilder(this.m).atFirstInsertionPoint(fnOf.blocks[0]!).alloca(S, 'fwd.sret');
      primal = b.bitcastIfNeeded(slot, p.fn.args[0]!.type);
    }
    p.values[0] = tangent ? [primal, ...Array.from({ length: p.width }, (_, k) => at(k + (p.primalReturn ? 1 : 0)))] : [primal];
    const acts = [...p.acts] as FwdActivity[];
    acts[0] = tangent ? 'dup' : 'const';
    const d = this.fwdDerivative(p, acts, 'none');
    b.call(d, this.fwdArgs(p, b));
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> @${d.name}` });
    this.remove(p.call);
  }

  /** Fits a result to the call's declared return (or sret pointer) and removes the call. */
  private finishCall(p: Parsed, b: IRBuilder, result: Value | null): void {
    const call = p.call;
    const declared = p.sret ? p.sret.type : call.type;
    if (declared.kind !== 'void') {
      if (!result) {
        if (p.sret || callHasUses(call)) this.error('E0421', `${calledName(call)} is declared to return ${showType(declared)} but the derivative of @${p.fn.name} returns nothing (no active argument${p.mode === 'autodiff' ? ', no primal return asked' : ''})`, call,
          ['declare it returning void']);
      } else {
        const caller = call.parent!.parent!;
        const v = fitResult(b, result, declared, {
          size: (t) => this.ctx.dl.allocSize(t),
          slot: (t) => new IRBuilder(this.m).before(caller.entry!.instructions[0]!).alloca(t, 'abi.coerce'),
        });
        if (!v) this.error('E0421', `cannot fit the result ${showType(result.type)} into the declared return type ${showType(declared)}`, call,
          ['declare the call returning the same layout (a struct with the primal return first when asked, then one field per enzyme_out argument), or the type of its first element']);
        if (p.sret) b.store(v, p.sret.ptr);
        else replaceAllUsesWith(call.parent!.parent!, call, v);
      }
    }
    this.remove(call);
  }

  /**
   * Removes a lowered call. An `invoke` (C++ with exceptions: clang uses one for
   * `__enzyme_autodiff` whenever the caller has cleanups, e.g. a std::vector)
   * becomes a branch to its normal destination; its unwind destination loses
   * this predecessor (the derivative is a plain call, as Enzyme makes it).
   */
  private remove(call: CallBase): void {
    if (call.op === 'invoke') {
      const blk = call.parent!;
      const [normal, unwind] = call.successors;
      if (unwind && unwind !== normal) {
        for (const phi of unwind.instructions) {
          if (phi.op !== 'phi') break;
          for (let k = phi.blocks.length - 1; k >= 0; k--) {
            if (phi.blocks[k] === blk) { phi.blocks.splice(k, 1); phi.operands.splice(k, 1); }
          }
        }
      }
      eraseFromParent(call);
      new IRBuilder(this.m).atEnd(blk).br(normal!);
      return;
    }
    eraseFromParent(call);
  }

  private lowerSize(p: Parsed): void {
    const b = new IRBuilder(this.m).before(p.call);
    const bytes = this.ctx.dl.allocSize(this.m.ptrTo(this.m.types.i8));
    const t = p.call.type;
    if (t.kind !== 'int') this.error('E0421', `${calledName(p.call)} must be declared to return an integer (the tape size in bytes)`, p.call);
    replaceAllUsesWith(p.call.parent!.parent!, p.call, constInt(t, bytes));
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> tape size ${bytes} bytes` });
    void b;
    this.remove(p.call);
  }

  private pair(p: Parsed): SplitPair {
    const rt = p.fn.fnType.ret;
    const sig: DiffSig = {
      fn: p.fn, args: p.acts,
      retActive: isDiffType(rt),
      retPrimal: true,
      retShadow: false,
      ...(p.nofree ? { nofree: true } : {}),
      ...(p.width !== 1 ? { width: p.width } : {}),
      topLevel: true,
    };
    refuseVarargs(p.fn, this.file);
    return withGlobalRestarts(this.ctx, () => this.ctx.split(sig));
  }

  /** The user's tape memory must hold the pointer to enzyme-ts's tape. */
  private checkAllocated(p: Parsed): void {
    const bytes = this.ctx.dl.allocSize(this.m.ptrTo(this.m.types.i8));
    if (p.allocated instanceof ConstantInt && p.allocated.value < BigInt(bytes)) {
      this.error('E0423', `enzyme_allocated gives ${p.allocated.value} byte${p.allocated.value === 1n ? '' : 's'} of tape memory but the tape of @${p.fn.name} needs ${bytes}`, p.call,
        ['allocate __enzyme_augmentsize(f, <same markers>) bytes']);
    }
  }

  private lowerAugment(p: Parsed): void {
    const pair = this.pair(p);
    const b = new IRBuilder(this.m).before(p.call);
    const r = b.call(pair.aug, p.values.flat(), 'augmented');
    const tape = b.extractValue(r, [0], 'tape');
    let rest: Value | null = r;
    if (p.allocated || p.tape) {
      if (!p.tape) this.error('E0421', `${calledName(p.call)}: enzyme_allocated needs enzyme_tape, the memory the tape is stored into`, p.call);
      this.checkAllocated(p);
      const bp = this.m.ptrTo(this.m.types.i8);
      b.store(tape, b.bitcastIfNeeded(p.tape, this.m.ptrTo(bp)));
      // The result without the tape: the primal return, when there is one.
      const elems = (r.type as { elems: Type[] }).elems.slice(1);
      if (elems.length === 0) rest = null;
      else {
        let agg: Value = nullValue(this.m.types.struct(elems));
        elems.forEach((_, i) => { agg = b.insertValue(agg, b.extractValue(r, [i + 1]), [i]); });
        rest = agg;
      }
    }
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> @${pair.aug.name}` });
    this.finishCall(p, b, rest);
  }

  private lowerReverse(p: Parsed): void {
    const pair = this.pair(p);
    const b = new IRBuilder(this.m).before(p.call);
    const args = p.values.flat();
    const rt = p.fn.fnType.ret;
    if (p.seeds.length) {
      const seeds = p.seeds.map((seed) => {
        const s = castArg(b, seed, rt);
        if (!s) this.error('E0421', `${calledName(p.call)}: the seed is ${showType(seed.type)} but @${p.fn.name} returns ${showType(rt)}`, p.call);
        return s;
      });
      if (p.width === 1) args.push(seeds[0]!);
      else {
        let agg: Value = nullValue(this.m.types.array(p.width, rt));
        seeds.forEach((s, w) => { agg = b.insertValue(agg, s, [w]); });
        args.push(agg);
      }
    }
    const bp = this.m.ptrTo(this.m.types.i8);
    let tape: Value;
    if (p.tape) {
      this.checkAllocated(p);
      tape = b.load(bp, b.bitcastIfNeeded(p.tape, this.m.ptrTo(bp)), 'tape');
    } else {
      const t = p.tapeArg!;
      if (t.type.kind !== 'pointer') this.error('E0421', `${calledName(p.call)}: the tape argument is ${showType(t.type)}, not the pointer __enzyme_augmentfwd returned`, p.call);
      tape = b.bitcastIfNeeded(t, bp);
    }
    args.push(tape);
    const r = b.call(pair.rev, args, pair.rev.fnType.ret.kind === 'void' ? null : 'grad');
    this.calls.push({ at: p.call, text: `@${p.fn.name} -> @${pair.rev.name}` });
    this.finishCall(p, b, pair.rev.fnType.ret.kind === 'void' ? null : r);
  }

  /** Removes marker loads, `__enzyme_*` declarations and `enzyme_*` global declarations that nothing uses any more. */
  private cleanup(callees: Function[]): void {
    const used = new Set<Value>();
    const note = (v: Value): void => { used.add(v); };
    // bodies and initializers kept as text (lazy loading) hold no lowered call; they count as uses of what they name
    const read = this.m.functions.filter((f) => f.deferred === null);
    const deferred = this.m.functions.filter((f) => f.deferred !== null);
    const deferredInits = this.m.globals.filter((g) => g.deferredInit !== null);
    const mentioned = (g: Function | GlobalVariable): boolean =>
      deferred.some((f) => f.deferred!.mentionsGlobal(g)) || deferredInits.some((v) => v.deferredInit!.mentionsGlobal(g));
    for (const f of read) {
      const uses = computeUses(f);
      for (const b of f.blocks) {
        for (const i of [...b.instructions]) if (i.op === 'load' && markerName(i) !== null && !uses.hasUses(i)) eraseFromParent(i);
      }
    }
    for (const f of read) for (const b of f.blocks) for (const i of b.instructions) for (const o of i.operands) collect(o, note);
    for (const g of this.m.globals) if (g.deferredInit === null && g.init) collect(g.init, note);
    const drop = new Set<Value>();
    for (const c of new Set(callees)) if (c.isDeclaration && !used.has(c) && !mentioned(c)) drop.add(c);
    for (const g of this.m.globals) if (g.name?.startsWith('enzyme_') && g.init === null && !used.has(g) && !mentioned(g)) drop.add(g);
    // A marker declaration still used after lowering (rustc -O0 checks that the address of an
    // `extern static enzyme_dup: i32` is not null before reading it) would be an undefined symbol
    // at link time: nothing defines Enzyme's markers but the plugin's users. It becomes a weak,
    // zero-initialized definition, which a definition elsewhere overrides.
    for (const g of this.m.globals) {
      if (g.name?.startsWith('enzyme_') && g.init === null && !drop.has(g) && this.calls.length > 0 && (g.linkage === null || g.linkage === 'external' || g.linkage === 'extern_weak')) {
        g.linkage = 'weak';
        g.init = nullValue(g.valueType);
      }
    }
    if (drop.size) {
      this.m.functions = this.m.functions.filter((f) => !drop.has(f));
      this.m.globals = this.m.globals.filter((g) => !drop.has(g));
      this.m.invalidateSymbols();
    }
  }
}

function collect(v: Value, note: (v: Value) => void, depth = 0): void {
  note(v);
  if (depth > 16) return;
  if (v.vk === 'const') {
    const c = v as unknown as { ck: string; operands?: Value[]; elems?: Value[] };
    for (const o of c.operands ?? []) collect(o, note, depth + 1);
    for (const o of c.elems ?? []) collect(o, note, depth + 1);
  }
  if (v instanceof MetadataAsValue && v.md.mk === 'value') collect(v.md.value, note, depth + 1);
}

/**
 * The calls in an order where a call inside a function that another call
 * differentiates comes first (higher order: `__enzyme_fwddiff` of a function
 * that calls `__enzyme_autodiff` differentiates the lowered body). Calls whose
 * order cannot be settled (mutual nesting) keep their place.
 */
function nestedFirst<T extends { call: CallBase }>(found: T[]): T[] {
  const reachCache = new Map<Function, Set<Function>>();
  const reach = (f: Function): Set<Function> => {
    let r = reachCache.get(f);
    if (r) return r;
    r = new Set([f]);
    const work = [f];
    while (work.length) {
      const g = work.pop()!;
      for (const b of g.blocks) for (const i of b.instructions) {
        if (i.op !== 'call' && i.op !== 'invoke') continue;
        const h = calledFunction(i);
        if (h && !r.has(h)) { r.add(h); work.push(h); }
      }
    }
    reachCache.set(f, r);
    return r;
  };
  const target = (c: CallBase): Function | null => {
    for (const a of c.args().slice(0, 2)) { const f = functionBehind(a); if (f && !f.isDeclaration) return f; }
    return null;
  };
  const pending = [...found];
  const out: T[] = [];
  while (pending.length) {
    const k = pending.findIndex((c) => {
      const t = target(c.call);
      return !t || !pending.some((d) => d !== c && reach(t).has(d.call.parent!.parent!));
    });
    out.push(...pending.splice(k < 0 ? 0 : k, 1));
  }
  return out;
}

function calledName(call: CallBase): string { return `@${calledFunction(call)?.name ?? '?'}`; }

function callHasUses(call: CallBase): boolean { return computeUses(call.parent!.parent!).hasUses(call); }

/** Rewrites every `__enzyme_*` call of `m` in place. */
export function lowerModule(m: Module, file: SourceFile | null, opts: LowerOptions = {}): LowerResult {
  const l = new Lowering(m, file, opts);
  l.run();
  let calls: string[] | null = null;
  // `file:line:col` needs the line table of the whole file: only built when someone reads `calls`
  return {
    get calls(): string[] { return calls ??= l.calls.map((c) => `${l.where(c.at)} ${c.text}`); },
    perf: l.perf, warnings: l.warnings,
  };
}
