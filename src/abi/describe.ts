// What a generated function is, in terms a C declaration needs: each parameter with its role
// (a primal value, a shadow of parameter k, the seed, a tangent), and the members of the
// literal struct it returns. `grad` describes `@diffe<FN>` here from the signature rules of
// docs/cli.md ("The generated function"); forward mode will describe `@fwddiffe<FN>` the same
// way. The header and the C-ABI wrapper read only this description, never the transform.
import type { Function } from '../ir/function.js';
import type { Type } from '../ir/types.js';
import type { ArgActivity, RetActivity } from '../ad/api.js';
import { DiagnosticError, diag } from '../diag/diagnostic.js';

export type ParamRole = 'primal' | 'shadow' | 'seed' | 'tangent';

export interface GeneratedParam {
  type: Type;
  role: ParamRole;
  /** The original parameter it belongs to (index into the primal's parameters); null for the seed. */
  of: number | null;
  /** Lane of a shadow or tangent with a batch width, else null. */
  lane: number | null;
  /** For a pointer: what it points to, when known (the C declaration then says `double *`). */
  pointee?: Type | null;
  /** For a pointer the function only reads through (the C declaration says `const`). */
  readonly?: boolean;
}

export type MemberRole = 'primal' | 'gradient' | 'tangent';

export interface GeneratedMember {
  type: Type;
  role: MemberRole;
  /** The original parameter a gradient belongs to; null for the primal or the tangent of the return. */
  of: number | null;
}

export interface GeneratedFunction {
  /** The function in the module. */
  fn: Function;
  /** The function it was generated from. */
  primal: Function;
  mode: 'reverse' | 'forward';
  width: number;
  params: GeneratedParam[];
  /**
   * What it returns: null for `void`; else the members, returned as one literal struct when
   * `wrapped` (reverse mode always wraps, even one member) or as a single value.
   */
  result: { members: GeneratedMember[]; wrapped: boolean } | null;
  /** Activity of each primal parameter and of the return, for the header's comment. */
  activities: { args: readonly string[]; ret: string };
}

function internal(what: string): never {
  throw new DiagnosticError([diag('E0999', `internal error: ${what}`, null, -1, -1,
    ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
}

/** `@diffe<FN>` of `grad` (reverse mode), described from its activities. */
export function describeReverse(primal: Function, fn: Function, args: readonly ArgActivity[], ret: RetActivity, width: number): GeneratedFunction {
  const params: GeneratedParam[] = [];
  primal.args.forEach((a, k) => {
    params.push({ type: a.type, role: 'primal', of: k, lane: null });
    if (args[k] === 'dup' || args[k] === 'dupnoneed') {
      for (let lane = 0; lane < width; lane++) params.push({ type: a.type, role: 'shadow', of: k, lane: width > 1 ? lane : null });
    }
  });
  if (ret === 'active' || ret === 'activeonly') params.push({ type: fn.args[params.length]?.type ?? primal.fnType.ret, role: 'seed', of: null, lane: null });
  const members: GeneratedMember[] = [];
  const rt = fn.fnType.ret;
  const elems = rt.kind === 'struct' && rt.elems ? rt.elems : [];
  let e = 0;
  if ((ret === 'active' || ret === 'const') && primal.fnType.ret.kind !== 'void') members.push({ type: elems[e++] ?? primal.fnType.ret, role: 'primal', of: null });
  primal.args.forEach((_, k) => {
    if (args[k] === 'active') members.push({ type: elems[e++] ?? primal.args[k]!.type, role: 'gradient', of: k });
  });
  // the description must be the function's own signature
  if (params.length !== fn.args.length || params.some((p, k) => p.type !== fn.args[k]!.type)) {
    internal(`the signature of @${fn.name} does not follow its activities`);
  }
  if (members.length ? rt.kind !== 'struct' || elems.length !== members.length : rt.kind !== 'void') {
    internal(`the result of @${fn.name} does not follow its activities`);
  }
  return {
    fn, primal, mode: 'reverse', width, params,
    result: members.length ? { members, wrapped: true } : null,
    activities: { args: [...args], ret },
  };
}

/** Forward-mode activities (docs/cli.md, forward mode): a tangent follows a `dup`/`dupnoneed` parameter. */
export type ForwardActivity = 'dup' | 'dupnoneed' | 'const';

/**
 * `@fwddiffe<FN>` (forward mode), described from its activities: each `dup` / `dupnoneed`
 * parameter is followed by its tangent (one per lane, or one `[N x T]`), and the result is the
 * primal and the tangent of the return (`dup`, a struct of both), the tangent alone
 * (`dupnoneed`) or the primal alone (`const`). Checked against the function's own signature.
 */
export function describeForward(primal: Function, fn: Function, args: readonly ForwardActivity[], ret: ForwardActivity, width: number): GeneratedFunction {
  const params: GeneratedParam[] = [];
  let at = 0;
  primal.args.forEach((a, k) => {
    params.push({ type: a.type, role: 'primal', of: k, lane: null });
    at++;
    if (args[k] === 'dup' || args[k] === 'dupnoneed') {
      const next = fn.args[at]?.type;
      if (width > 1 && next && next !== a.type) {
        params.push({ type: next, role: 'tangent', of: k, lane: null });
        at++;
      } else {
        for (let lane = 0; lane < width; lane++, at++) params.push({ type: fn.args[at]?.type ?? a.type, role: 'tangent', of: k, lane: width > 1 ? lane : null });
      }
    }
  });
  const rt = fn.fnType.ret;
  let result: GeneratedFunction['result'] = null;
  if (primal.fnType.ret.kind !== 'void') {
    if (ret === 'dup') {
      const elems = rt.kind === 'struct' && rt.elems && rt.elems.length === 2 ? rt.elems : null;
      if (!elems) internal(`the result of @${fn.name} does not follow its activities`);
      result = { members: [{ type: elems[0]!, role: 'primal', of: null }, { type: elems[1]!, role: 'tangent', of: null }], wrapped: true };
    } else if (rt.kind !== 'void') {
      result = { members: [{ type: rt, role: ret === 'dupnoneed' ? 'tangent' : 'primal', of: null }], wrapped: false };
    }
  }
  if (params.length !== fn.args.length || params.some((p, k) => p.type !== fn.args[k]!.type)) {
    internal(`the signature of @${fn.name} does not follow its activities`);
  }
  return { fn, primal, mode: 'forward', width, params, result, activities: { args: [...args], ret } };
}
