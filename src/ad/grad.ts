import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import type { SourceFile } from '../diag/source.js';
import { fail } from '../diag/diagnostic.js';
import { sourceSpan } from '../ir/verify.js';
import { addFunction } from '../ir/builder.js';
import type { ArgActivity, GradRequest, GradResult, RetActivity } from './api.js';
import { isDiffType } from '../analysis/activity.js';
import { GradContext } from './context.js';
import { ReverseGenerator } from './generator.js';
import { activeGradTypes, lanesType, signatureParams, type DiffSig } from './signature.js';
import type { CallRules } from './calls.js';
import { defaultCallRules } from './registry.js';
import { addCommandLineHints, customCombined, moduleHints, withHints, type CustomHints } from './custom.js';
import { canonicalizeCarriers } from './canonical.js';
import { withGlobalRestarts } from './globals.js';
import { closestNames } from '../demangle/suggest.js';
import { constSliceStandIns, describeStandIns, emitStandInWrapper, needsShadowError } from './standin.js';

/** Whether a typed pointee holds floating data somewhere (Enzyme's default for pointer arguments). */
function holdsFloat(t: Type, depth = 0): boolean {
  if (depth > 8) return false;
  switch (t.kind) {
    case 'float': return true;
    case 'vector': case 'array': return holdsFloat(t.elem, depth + 1);
    case 'struct': return !!t.elems && t.elems.some((e) => holdsFloat(e, depth + 1));
    case 'pointer': return t.pointee ? holdsFloat(t.pointee, depth + 1) : true;
    default: return false;
  }
}

export function defaultActivity(t: Type): ArgActivity {
  if (isDiffType(t)) return 'active';
  if (t.kind === 'pointer') return t.pointee === null || holdsFloat(t.pointee) ? 'dup' : 'const';
  return 'const';
}

/** The largest batch width accepted (each lane repeats the reverse sweep's code). */
export const MAX_WIDTH = 64;

/** Finds the function to differentiate, or a usage error naming what exists. */
export function findFunction(m: Module, name: string): Function {
  const f = m.getFunction(name.replace(/^@/, ''));
  if (!f) {
    const defined = m.functions.filter((g) => !g.isDeclaration && g.name !== null).map((g) => g.name!);
    const near = closestNames(name, defined);
    const notes: string[] = near.length
      ? [`did you mean ${near.map((s) => `@${s.name}`).join(', ')}?`]
      : defined.length ? [`defined functions: ${defined.slice(0, 12).map((n) => `@${n}`).join(', ')}${defined.length > 12 ? ', ...' : ''}`] : [];
    fail('E0405', `no function @${name.replace(/^@/, '')} in the module`, null, -1, -1, notes.length ? notes : undefined);
  }
  if (f.isDeclaration) fail('E0405', `@${f.name} is only declared in this module: its body is needed to differentiate it`, null);
  return f;
}

export function resolveActivities(f: Function, args: readonly ArgActivity[] | undefined, ret: RetActivity | undefined): { args: ArgActivity[]; ret: RetActivity } {
  const params = f.args;
  let acts: ArgActivity[];
  if (args) {
    if (args.length !== params.length) {
      fail('E0404', `@${f.name} has ${params.length} parameter${params.length === 1 ? '' : 's'} but --args lists ${args.length} activit${args.length === 1 ? 'y' : 'ies'}`, null);
    }
    acts = [...args];
  } else {
    acts = params.map((p) => defaultActivity(p.type));
  }
  acts.forEach((a, k) => {
    const p = params[k]!;
    const what = `parameter ${k + 1}${p.name !== null ? ` (%${p.name})` : ''} of @${f.name}`;
    if (a === 'active' && !isDiffType(p.type)) {
      fail('E0404', `${what} is not a floating value: it cannot be 'active'${p.type.kind === 'pointer' ? " (use 'dup' for a pointer)" : ''}`, null);
    }
    if ((a === 'dup' || a === 'dupnoneed') && p.type.kind !== 'pointer') {
      fail('E0404', `${what} is not a pointer: it cannot be '${a}'${isDiffType(p.type) ? " (use 'active' for a floating value)" : ''}`, null);
    }
  });
  const rt = f.fnType.ret;
  let r: RetActivity = ret ?? (isDiffType(rt) ? 'active' : rt.kind === 'void' ? 'none' : 'const');
  if ((r === 'active' || r === 'activeonly') && !isDiffType(rt)) {
    fail('E0404', `the return value of @${f.name} is not floating: --ret ${r} needs a floating return (use const or none)`, null);
  }
  if (rt.kind === 'void' && r === 'const') r = 'none';
  return { args: acts, ret: r };
}

/**
 * The custom derivatives and hints that apply to a request: those the module registers
 * (globals, metadata, attributes) and those of the command line (unknown names: E0405).
 */
export function requestHints(m: Module, req: Pick<GradRequest, 'custom' | 'inactive'>, file: SourceFile | null): CustomHints {
  const h = moduleHints(m, file);
  addCommandLineHints(m, h, req.custom ?? [], req.inactive ?? []);
  return h;
}

/**
 * A variadic function that reads its variable arguments (`llvm.va_start`) cannot be
 * differentiated: the derivative has a fixed signature (contract section 6), and a copy of
 * `va_start` in it would be invalid IR.
 */
export function refuseVarargs(f: Function, file: SourceFile | null): void {
  if (!f.fnType.vararg) return;
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      if (i.op !== 'call' || !((i.callee as { name?: string | null }).name ?? '').startsWith('llvm.va_start')) continue;
      const s = sourceSpan(i);
      fail('E0401', `cannot differentiate @${f.name}: a variadic function that reads its variable arguments (va_start)`, file, s.start, s.end,
        ['differentiate a function with fixed parameters that the variadic one calls, or pass the values in an array']);
    }
  }
}

/** Differentiates `req.fn` in `m`, adding the derivative (and the helpers it needs) to `m`. */
export function gradModule(m: Module, req: GradRequest, file: SourceFile | null, rules: CallRules = defaultCallRules(), shared?: GradContext): GradResult {
  const f = findFunction(m, req.fn);
  const { args, ret } = resolveActivities(f, req.args, req.ret);
  refuseVarargs(f, file);
  const width = req.width ?? 1;
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    fail('E0903', `--width: ${width} is not an integer from 1 to ${MAX_WIDTH}`, null);
  }
  rules = withHints(rules, requestHints(m, req, file), m);
  // `lower` shares one context between its calls, so callees are differentiated once.
  const ctx = shared ?? new GradContext(m, rules, { checkpoint: req.checkpoint ?? 'auto', looseTypes: !!req.looseTypes, ...budgetOptions(req) }, file);
  const perfStart = ctx.perf.length;
  const warnStart = ctx.warnings.length;
  const sig: DiffSig = {
    fn: f, args,
    retActive: ret === 'active' || ret === 'activeonly',
    retPrimal: ret === 'active' || ret === 'const',
    retShadow: false,
  };
  if (width !== 1) sig.width = width;
  const t = m.types;
  const { params } = signatureParams(m, f, args, width);
  const ptypes = params.map((p) => p.type);
  const names = params.map((p) => p.name);
  const rt = f.fnType.ret;
  if (sig.retActive) { ptypes.push(lanesType(m, rt, width)); names.push('differeturn'); }
  const parts: Type[] = [];
  if (sig.retPrimal && rt.kind !== 'void') parts.push(rt);
  parts.push(...activeGradTypes(m, f, args, width));
  const name = req.name ?? ctx.freshName(`diffe${f.name}`);
  if (req.name && m.getGlobal(req.name)) fail('E0903', `--name ${req.name}: a global of that name already exists`, null);
  const firstNew = m.functions.length;
  const out = addFunction(m, name, t.fn(parts.length ? t.struct(parts) : t.void, ptypes), names);
  // A function with a registered derivative is not looked inside, at top level either.
  if (ctx.rules.hints?.gradients.has(f)) customCombined(ctx, sig, out);
  else {
    const generate = (into: Function, s: DiffSig): void => {
      // Integer copies of floating data become floating copies (on a private copy of f, see canonical.ts).
      const fn = canonicalizeCarriers(m, f, { activity: { args: s.args, retActive: s.retActive, retShadow: s.retShadow, rules: ctx.rules }, file: ctx.file }).fn;
      // Started over (without the old body) when it finds globals that need shadows (globals.ts).
      withGlobalRestarts(ctx, () => {
        into.blocks = [];
        new ReverseGenerator(ctx, { ...s, fn }, into, into).run();
      });
    };
    const mark = ctx.mark();
    try {
      generate(out, sig);
    } catch (e) {
      // A const slice whose memory needs a shadow (rustc -O0's zip of a const and a dup slice):
      // generated with a zeroed stand-in shadow, behind a wrapper of the requested signature (standin.ts).
      if (!needsShadowError(e)) throw e;
      const standIns = constSliceStandIns(ctx, f, args, sig.retActive, ctx.rules);
      if (!standIns.length) throw e;
      ctx.rollback(mark);
      const acts = args.map((a, k): ArgActivity => (standIns.some((s) => s.arg === k) ? 'dup' : a));
      const inner = addFunction(m, ctx.freshName(`${name}.standin`), t.fn(out.fnType.ret, [
        ...signatureParams(m, f, acts, width).params.map((p) => p.type), ...(sig.retActive ? [lanesType(m, rt, width)] : [])]));
      inner.linkage = 'internal';
      try {
        generate(inner, { ...sig, args: acts });
      } catch {
        throw e;
      }
      out.blocks = [];
      emitStandInWrapper(ctx, f, args, width, standIns, out, inner);
      ctx.perf.push(`${name}: zeroed stand-in shadows for the const slices ${describeStandIns(f, standIns)}`);
    }
  }
  inheritPersonalities(m, firstNew);
  return { fn: out, args, ret, perf: ctx.perf.slice(perfStart), warnings: ctx.warnings.slice(warnStart) };
}

/**
 * A generated function that kept a landing pad of its primal (an inactive `invoke`: a C++
 * cleanup, the abort-on-unwind pad rustc puts in `extern "C"` functions) needs the primal's
 * personality function, or LLVM rejects the module. Looks at the functions from `from` on.
 */
export function inheritPersonalities(m: Module, from = 0): void {
  let only: Value | null | undefined;
  for (const f of m.functions.slice(from)) {
    // (A body still kept as text (lazy loading) is copied as written: the tool added nothing to it.)
    if (f.personality || f.isDeclaration || f.deferred !== null) continue;
    const pads = f.blocks.flatMap((b) => b.instructions.filter((i) => i.op === 'landingpad'));
    if (!pads.length) continue;
    const own = pads.map((p) => p.origin?.parent?.parent?.personality).find((p) => p);
    if (own) { f.personality = own; continue; }
    if (only === undefined) {
      const all = new Set(m.functions.map((g) => g.personality).filter((p): p is Value => !!p));
      only = all.size === 1 ? [...all][0]! : null;
    }
    if (only) f.personality = only;
  }
}

/** The checkpointing options of a request, for the transform's options (absent when not given). */
export function budgetOptions(req: { tapeBudget?: number | null | undefined; checkpointEvery?: number | null | undefined }): { tapeBudget?: number | null; checkpointEvery?: number | null } {
  return {
    ...(req.tapeBudget !== undefined ? { tapeBudget: req.tapeBudget } : {}),
    ...(req.checkpointEvery !== undefined && req.checkpointEvery !== null ? { checkpointEvery: req.checkpointEvery } : {}),
  };
}
