// The public entry of forward mode: what `fwd`, `check` and `lower` call
// (src/ad/grad.ts is reverse mode's).
import type { Module } from '../ir/module.js';
import type { Function } from '../ir/function.js';
import type { Type } from '../ir/types.js';
import type { SourceFile } from '../diag/source.js';
import { fail } from '../diag/diagnostic.js';
import { addFunction } from '../ir/builder.js';
import { isDiffType } from '../analysis/activity.js';
import type { FwdActivity, FwdRequest, FwdResult, FwdRetActivity } from './api.js';
import type { CallRules } from './calls.js';
import { defaultCallRules } from './registry.js';
import { GradContext } from './context.js';
import { addCommandLineHints, moduleHints, withHints, type CustomHints } from './custom.js';
import { MAX_WIDTH, defaultActivity, findFunction } from './grad.js';
import { withGlobalRestarts } from './globals.js';
import { ForwardContext, analysisActivities, carriesTangent, fwdSignature, type FwdSig } from './forward.js';
import { constSliceStandIns, describeStandIns, emitStandInWrapper, needsShadowError } from './standin.js';

/** Enzyme's default forward activity: a floating value carries a tangent, a pointer as in reverse mode, the rest is const. */
export function defaultFwdActivity(t: Type): FwdActivity {
  if (isDiffType(t)) return 'dup';
  return defaultActivity(t) === 'dup' ? 'dup' : 'const';
}

/** Forward activities with defaults filled in, checked against the parameter types (usage errors, E0404). */
export function resolveFwdActivities(f: Function, args: readonly FwdActivity[] | undefined, ret: FwdRetActivity | undefined): { args: FwdActivity[]; ret: FwdRetActivity } {
  const params = f.args;
  if (args && args.length !== params.length) {
    fail('E0404', `@${f.name} has ${params.length} parameter${params.length === 1 ? '' : 's'} but --args lists ${args.length} activit${args.length === 1 ? 'y' : 'ies'}`, null);
  }
  const acts = args ? [...args] : params.map((p) => defaultFwdActivity(p.type));
  acts.forEach((a, k) => {
    const p = params[k]!;
    if (a !== 'const' && !isDiffType(p.type) && p.type.kind !== 'pointer') {
      fail('E0404', `parameter ${k + 1}${p.name !== null ? ` (%${p.name})` : ''} of @${f.name} is neither floating nor a pointer: it cannot be '${a}' (use const)`, null);
    }
  });
  const rt = f.fnType.ret;
  const carries = carriesTangent(rt) || rt.kind === 'pointer';
  let r: FwdRetActivity = ret ?? (isDiffType(rt) ? 'dup' : rt.kind === 'void' ? 'none' : 'const');
  if ((r === 'dup' || r === 'dupnoneed') && !carries) {
    fail('E0404', `the return value of @${f.name} is ${rt.kind === 'void' ? 'void' : 'neither floating nor a pointer'}: --ret ${r} needs a floating or pointer return (use ${rt.kind === 'void' ? 'none' : 'const or none'})`, null);
  }
  if (rt.kind === 'void' && r === 'const') r = 'none';
  return { args: acts, ret: r };
}

/** The hints of a forward request: the module's registrations and the command line's (`--custom FN=DF`, `--inactive FN`). */
export function fwdRequestHints(m: Module, req: Pick<FwdRequest, 'custom' | 'inactive'>, file: SourceFile | null): CustomHints {
  const h = moduleHints(m, file);
  addCommandLineHints(m, h, [], req.inactive ?? [], req.custom ?? []);
  return h;
}

/** The state `fwdModule` shares between the calls of one run (`lower`): callees differentiated once. */
export interface FwdShared { grad: GradContext; fwd: ForwardContext }

/** Differentiates `req.fn` in forward mode, adding `@fwddiffe<fn>` (and the helpers it needs) to `m`. */
export function fwdModule(m: Module, req: FwdRequest, file: SourceFile | null, rules: CallRules = defaultCallRules(), shared?: FwdShared): FwdResult {
  const f = findFunction(m, req.fn);
  const { args, ret } = resolveFwdActivities(f, req.args, req.ret);
  const width = req.width ?? 1;
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    fail('E0903', `--width: ${width} is not an integer from 1 to ${MAX_WIDTH}`, null);
  }
  let fc: ForwardContext;
  if (shared) fc = shared.fwd;
  else {
    const ctx = new GradContext(m, withHints(rules, fwdRequestHints(m, req, file), m), { checkpoint: 'auto', looseTypes: !!req.looseTypes }, file);
    fc = new ForwardContext(ctx);
  }
  const ctx = fc.ctx;
  const perfStart = ctx.perf.length;
  const warnStart = ctx.warnings.length;
  const sig: FwdSig = { fn: f, args, retPrimal: ret === 'dup' || ret === 'const', retTangent: ret === 'dup' || ret === 'dupnoneed', width };
  const { params, ret: rt } = fwdSignature(m, sig);
  if (req.name && m.getGlobal(req.name)) fail('E0903', `--name ${req.name}: a global of that name already exists`, null);
  const name = req.name ?? ctx.freshName(`fwddiffe${f.name}`);
  const out = addFunction(m, name, m.types.fn(rt, params.map((p) => p.type)), params.map((p) => p.name));
  const generate = (into: Function, s: FwdSig): void => {
    // Started over (without the old body) when it finds globals that need shadows (globals.ts).
    withGlobalRestarts(ctx, () => {
      into.blocks = [];
      fc.generate(s, into, true);
    });
  };
  const mark = ctx.mark();
  try {
    generate(out, sig);
  } catch (e) {
    // A const slice whose memory needs a shadow: a zeroed stand-in (src/ad/standin.ts).
    if (!needsShadowError(e)) throw e;
    const standIns = constSliceStandIns(ctx, f, analysisActivities(f, args), sig.retTangent && carriesTangent(f.fnType.ret), ctx.rules);
    if (!standIns.length) throw e;
    ctx.rollback(mark);
    const acts = args.map((a, k): FwdActivity => (standIns.some((s) => s.arg === k) ? 'dup' : a));
    const sig2: FwdSig = { ...sig, args: acts };
    const inner = addFunction(m, ctx.freshName(`${name}.standin`), m.types.fn(rt, fwdSignature(m, sig2).params.map((p) => p.type)));
    inner.linkage = 'internal';
    try {
      generate(inner, sig2);
    } catch {
      throw e;
    }
    out.blocks = [];
    emitStandInWrapper(ctx, f, args, width, standIns, out, inner);
    ctx.perf.push(`${name}: zeroed stand-in shadows for the const slices ${describeStandIns(f, standIns)}`);
  }
  return { fn: out, args, ret, perf: ctx.perf.slice(perfStart), warnings: ctx.warnings.slice(warnStart) };
}
