// Custom derivatives and activity hints, as Enzyme reads them (contract section 7;
// docs/custom.md). Functions the transform must never look inside are registered
//
//   - by magic globals (their names contain the marker, their initializers list functions):
//       @__enzyme_register_gradient_X = { fn, augmented_forward, reverse }
//       @__enzyme_function_like_X     = { fn, "log1p" }     calls to fn are calls to log1p
//       @__enzyme_inactivefn_X        = { fn }              calls to fn carry no derivative
//   - by what Enzyme's preprocessing turns those globals into, which other front ends emit
//     directly: `!enzyme_augment !{fn aug}` and `!enzyme_gradient !{fn rev}` attachments on
//     fn, the function attributes "enzyme_inactive" and "enzyme_math"="log1p", and the call
//     site attribute "enzyme_inactive";
//   - on the command line: `--custom FN=AUG,REV`, `--inactive FN` (GradRequest.custom/inactive).
//
// A registered pair is used through thin generated adapters with the transform's own
// split convention (GradContext.split), so the rest of the transform cannot tell a
// custom derivative from a generated one. Enzyme's convention for the user's functions:
//
//   augmented forward: the primal parameters, each non-floating one (pointer, integer)
//     followed by a second copy (its shadow); floating ones once. Returns one of: the
//     primal result (same type as fn's), { tape, result, shadow result }, { result,
//     shadow result } (both of fn's type), { tape, result }, anything else non-void (the
//     tape alone), or void.
//   reverse: the same parameters, then the adjoint of the result when fn returns a
//     floating value, then the tape when it takes one more parameter. Returns the
//     gradients of the floating parameters, in order: a struct, the value itself when
//     there is one, void when there is none.

import type { Module } from '../ir/module.js';
import type { Function, GlobalVariable } from '../ir/function.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import { isFloatOrFloatVector } from '../ir/types.js';
import type { Attr, AttrList } from '../ir/attributes.js';
import type { Metadata } from '../ir/metadata.js';
import type { CallBase } from '../ir/instructions.js';
import { ConstantInt, type ConstantAggregate, type ConstantExpr, type ConstantString } from '../ir/constants.js';
import { IRBuilder, constInt, nullValue, undefValue } from '../ir/builder.js';
import { sourceSpan, typeText } from '../ir/verify.js';
import { fail, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { CallRules } from './calls.js';
import type { DiffContext as GradContext, DiffSig, SplitPair } from './signature.js';
import { activeGradTypes, signatureParams } from './signature.js';
import { ModuleFacts } from '../analysis/facts.js';
import { seedGlobalFacts } from './globals.js';

/** `--custom FN=AUG,REV`: names without `@`. */
export interface CustomSpec { fn: string; aug: string; rev: string }

export interface CustomGradient {
  fn: Function;
  aug: Function;
  rev: Function;
  /** How it was registered, for messages: `@__enzyme_register_gradient_sq`, `!enzyme_augment`, `--custom`. */
  via: string;
  /** Where problems with it are reported (the global, the function carrying the attachment); null: --custom. */
  at: Value | null;
}

/** Everything the transform must know about functions it must not look inside. */
export interface CustomHints {
  readonly gradients: Map<Function, CustomGradient>;
  /** Calls are kept and carry no derivative (Enzyme's `__enzyme_inactivefn`, "enzyme_inactive"). */
  readonly inactive: Set<Function>;
  /** Calls are treated as calls to the named math function (`__enzyme_function_like`, "enzyme_math"). */
  readonly like: Map<Function, string>;
  /**
   * Whether a call site carries "enzyme_inactive" (directly or in an attribute group). Asked of
   * each call the transform meets rather than collected from every body up front: bodies no
   * derivative reaches need not be read (lazy loading), and copies of a call keep the answer.
   */
  readonly inactiveCall: (call: CallBase) => boolean;
  /** Forward-mode derivatives (Enzyme's `__enzyme_register_derivative`, `!enzyme_derivative`): src/ad/forward.ts. */
  readonly derivatives: Map<Function, CustomDerivative>;
  /** Globals registered inactive (`__enzyme_inactive_global`): never shadowed (src/ad/globals.ts). */
  readonly inactiveGlobals: Set<GlobalVariable>;
  /** Allocators registered with `__enzyme_allocation_like`: calls are allocations, their shadows come from the same pair. */
  readonly allocLike: Map<Function, AllocLike>;
  /** The deallocators of those pairs: calls are frees of the argument at `ptrArg`. */
  readonly freeLike: Map<Function, { ptrArg: number; alloc: AllocLike }>;
}

/** A registered forward-mode derivative: `fwd` takes each parameter followed by its shadow and returns `{ primal, tangent }` (void for a void fn). */
export interface CustomDerivative {
  fn: Function;
  fwd: Function;
  via: string;
  at: Value | null;
}

/**
 * Enzyme's `__enzyme_allocation_like = { alloc_fn, size_arg, "dealloc indices", free_fn }`:
 * `alloc_fn` allocates `size_arg`'s bytes; the shadow of a block is allocated by calling it
 * again with the same arguments (and zeroed), and freed by calling `free_fn` with, for each of
 * its parameters, the block (`-1`) or the allocation call's argument of that index.
 */
export interface AllocLike {
  alloc: Function;
  sizeArg: number;
  dealloc: number[];
  free: Function;
  via: string;
}

export function emptyHints(m: Module | null = null): CustomHints {
  return {
    gradients: new Map(), inactive: new Set(), like: new Map(), inactiveCall: (call) => callSiteInactive(m, call), derivatives: new Map(),
    inactiveGlobals: new Set(), allocLike: new Map(), freeLike: new Map(),
  };
}

/** The call rules with the hints (and, given the module, the run's shared module facts) attached: what classifyCall and GradContext.split consult. */
export function withHints(rules: CallRules, hints: CustomHints, m?: Module): CallRules {
  let facts = rules.facts;
  if (m) {
    facts = new ModuleFacts(m);
    seedGlobalFacts(m, facts, hints.inactiveGlobals);
  }
  return { lookup: (n) => rules.lookup(n), hints, ...(facts ? { facts } : {}) };
}

// -- discovery ----------------------------------------------------------------

const CODE = 'E0408' as const;

function where(v: Value | null): [number, number] {
  if (!v) return [-1, -1];
  const s = sourceSpan(v);
  return [s.start, s.end];
}

function bad(file: SourceFile | null, at: Value | null, message: string, notes?: string[]): never {
  const [s, e] = where(at);
  fail(CODE, message, file, s, e, notes);
}

/** The value under pointer casts, GEPs to the start, aliases and (Enzyme's leniency) first elements of aggregates. */
function strip(v: Value | null | undefined, intoAggregates: boolean): Value | null {
  let cur: Value | null = v ?? null;
  for (let guard = 0; cur && guard < 32; guard++) {
    if (cur.vk === 'alias') { cur = (cur as unknown as { aliasee: Value }).aliasee; continue; }
    if (cur.vk !== 'const') return cur;
    const ck = (cur as unknown as { ck: string }).ck;
    if (ck === 'expr') { cur = (cur as ConstantExpr).operands[0] ?? null; continue; }
    if (ck === 'aggregate' && intoAggregates) { cur = (cur as ConstantAggregate).elems[0] ?? null; continue; }
    return cur;
  }
  return cur;
}

/** The elements of a registration global's initializer: an array or struct constant, or a single value. */
function initElems(g: GlobalVariable): Value[] | null {
  const init = strip(g.init, false);
  if (!init) return null;
  if (init.vk === 'const' && (init as unknown as { ck: string }).ck === 'aggregate') return (init as ConstantAggregate).elems;
  return [init];
}

/** The C string a constant global holds (`c"log1p\00"`), or null. */
function cString(v: Value | null): string | null {
  if (!v || v.vk !== 'global') return null;
  const init = (v as GlobalVariable).init;
  if (!init || init.vk !== 'const' || (init as unknown as { ck: string }).ck !== 'string') return null;
  const raw = (init as ConstantString).text;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      const c = parseInt(raw.slice(i + 1, i + 3), 16);
      if (c === 0) break;
      out += String.fromCharCode(c);
      i += 2;
    } else if (raw[i] === '\\' && raw[i + 1] === '\\') { out += '\\'; i++; } else out += raw[i];
  }
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** String attributes of a list, attribute groups expanded: key -> value (null for `"key"` alone). */
function stringAttrs(m: Module, list: AttrList): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const visit = (l: readonly Attr[]): void => {
    for (const a of l) {
      if (a.k === 'str') out.set(unquote(a.key), a.value === null ? null : unquote(a.value));
      else if (a.k === 'group') { const g = m.attrGroups.get(a.id); if (g) visit(g.attrs); }
    }
  };
  visit(list);
  return out;
}

/** Whether a call site carries Enzyme's "enzyme_inactive" attribute. */
export function callSiteInactive(m: Module | null, call: CallBase): boolean {
  if (!call.fnAttrs.length) return false;
  if (m) return stringAttrs(m, call.fnAttrs).has('enzyme_inactive');
  return call.fnAttrs.some((a) => a.k === 'str' && unquote(a.key) === 'enzyme_inactive');
}

/** `!{ptr @aug}` of a function attachment, resolved to the function. */
function attachedFunction(m: Module, f: Function, kind: string): Function | null | undefined {
  const att = f.attachments.find((a) => a.kind === kind || a.kind === `!${kind}`);
  if (!att) return undefined;
  let md: Metadata | null = att.md;
  for (let guard = 0; md && md.mk === 'ref' && guard < 8; guard++) {
    const id: number = md.id;
    md = m.metadataNode(id) ?? null;
  }
  if (!md || md.mk !== 'tuple') return null;
  const e = md.elems[0];
  if (!e || e.mk !== 'value') return null;
  const v = strip(e.value, true);
  return v && v.vk === 'function' ? (v as Function) : null;
}

function fnName(f: Function): string { return `@${f.name ?? '?'}`; }

/** A small constant integer given as a pointer (`(void*)1`: `inttoptr (i64 1 to ptr)`, `null` for 0). */
function constIndex(v: Value | null): number | null {
  let cur: Value | null = v;
  for (let k = 0; cur && k < 4; k++) {
    if (cur instanceof ConstantInt) return Number(cur.value);
    if (cur.vk !== 'const') return null;
    const ck = (cur as unknown as { ck: string }).ck;
    if (ck === 'null' || ck === 'zero') return 0;
    if (ck !== 'expr') return null;
    cur = (cur as ConstantExpr).operands[0] ?? null;
  }
  return null;
}

function registerAllocLike(h: CustomHints, a: AllocLike): void {
  h.allocLike.set(a.alloc, a);
  h.freeLike.set(a.free, { ptrArg: a.dealloc.indexOf(-1), alloc: a });
}

/**
 * The shadow of a block allocated by a registered allocator: the same allocator called
 * again with the same arguments (`args`, already in the derivative), zeroed over its size.
 */
export function allocLikeShadow(ctx: GradContext, b: IRBuilder, a: AllocLike, args: Value[], name: string | null): Value {
  const t = ctx.module.types;
  const s = b.call(a.alloc, args.map((v, k) => b.bitcastIfNeeded(v, a.alloc.fnType.params[k]!)), name);
  let n = args[a.sizeArg]!;
  if (n.type !== t.i64 && n.type.kind === 'int') n = b.cast(n.type.bits < 64 ? 'zext' : 'trunc', n, t.i64);
  const bytes = b.bitcastIfNeeded(s, ctx.module.ptrTo(t.i8));
  b.call(ctx.memIntrinsic('memset'), [bytes, constInt(t.i8, 0), n, constInt(t.i1, 0)]);
  return s;
}

/** Frees a shadow block with the registered deallocator: the block for -1, the allocation call's argument k for k. */
export function allocLikeFree(b: IRBuilder, a: AllocLike, shadow: Value, allocArgs: Value[]): void {
  const args = a.dealloc.map((d, k) => b.bitcastIfNeeded(d === -1 ? shadow : allocArgs[d]!, a.free.fnType.params[k]!));
  b.call(a.free, args);
}

/** The registrations and hints written in the module (globals, metadata, attributes). */
export function moduleHints(m: Module, file: SourceFile | null): CustomHints {
  const h = emptyHints(m);
  for (const g of m.globals) {
    const name = g.name ?? '';
    const isGrad = name.includes('__enzyme_register_gradient');
    const isLike = name.includes('__enzyme_function_like');
    const isInactive = name.includes('__enzyme_inactivefn');
    if (name.includes('__enzyme_allocation_like')) {
      if (!g.init) continue;
      const elems = initElems(g) ?? [];
      const notes = ['the registration lists { allocation function, index of its size argument, "deallocation indices" (e.g. "-1"), deallocation function }'];
      if (elems.length !== 4) bad(file, g, `@${name} must list 4 elements, it has ${elems.length}`, notes);
      const alloc = strip(elems[0], true);
      const free = strip(elems[3], true);
      if (!alloc || alloc.vk !== 'function') bad(file, g, `@${name}: element 1 (the allocation function) must be a function`, notes);
      if (!free || free.vk !== 'function') bad(file, g, `@${name}: element 4 (the deallocation function) must be a function`, notes);
      const sizeArg = constIndex(elems[1] ?? null);
      if (sizeArg === null || sizeArg >= (alloc as Function).args.length) bad(file, g, `@${name}: element 2 must be the index of the size argument of @${alloc!.name ?? '?'} (a small integer, e.g. (void*)0)`, notes);
      const text = cString(strip(elems[2], false));
      const dealloc = text === null ? null : text.split(',').map((x) => Number(x.trim()));
      const nFree = (free as Function).args.length;
      if (!dealloc || dealloc.some((d) => !Number.isInteger(d) || d < -1 || d >= (alloc as Function).args.length) || dealloc.length !== nFree || !dealloc.includes(-1)) {
        bad(file, g, `@${name}: element 3 must be a C string of ${nFree} comma-separated indices for the parameters of @${free!.name ?? '?'}: -1 for the block, k for argument k of the allocation call`, notes);
      }
      registerAllocLike(h, { alloc: alloc as Function, sizeArg: sizeArg!, dealloc: dealloc!, free: free as Function, via: `@${name}` });
      continue;
    }
    if (name.includes('__enzyme_inactive_global')) {
      const v = g.init ? strip(g.init, true) : null;
      if (g.init && (!v || v.vk !== 'global')) bad(file, g, `@${name} must hold the address of a global variable (the one to treat as inactive)`);
      if (v) h.inactiveGlobals.add(v as GlobalVariable);
      continue;
    }
    const isDeriv = name.includes('__enzyme_register_derivative');
    if (!isGrad && !isLike && !isInactive && !isDeriv) continue;
    if (!g.init) continue; // a declaration: nothing registered here
    const elems = initElems(g) ?? [];
    const fnAt = (k: number, what: string): Function => {
      const v = strip(elems[k], true);
      if (!v || v.vk !== 'function') {
        bad(file, g, `@${name}: element ${k + 1} (${what}) must be a function`,
          [isGrad ? 'the registration lists { function, augmented forward pass, reverse pass }' : isDeriv ? 'the registration lists { function, forward derivative }' : isLike ? 'the registration lists { function, "math function name" }' : 'the registration lists the function']);
      }
      return v as Function;
    };
    if (isGrad) {
      if (elems.length < 3) bad(file, g, `@${name} must list 3 functions { function, augmented forward pass, reverse pass }, it has ${elems.length}`);
      const fn = fnAt(0, 'the function'); const aug = fnAt(1, 'the augmented forward pass'); const rev = fnAt(2, 'the reverse pass');
      if (elems.length > 3) bad(file, g, `@${name}: extra elements after the reverse pass (Enzyme's "byref_N" markers) are not supported`);
      h.gradients.set(fn, { fn, aug, rev, via: `@${name}`, at: g });
    } else if (isDeriv) {
      if (elems.length !== 2) bad(file, g, `@${name} must list 2 functions { function, forward derivative }, it has ${elems.length}`);
      const fn = fnAt(0, 'the function'); const fwd = fnAt(1, 'the forward derivative');
      h.derivatives.set(fn, { fn, fwd, via: `@${name}`, at: g });
    } else if (isLike) {
      if (elems.length < 2) bad(file, g, `@${name} must list { function, "math function name" }, it has ${elems.length} element${elems.length === 1 ? '' : 's'}`);
      const fn = fnAt(0, 'the function');
      const like = cString(strip(elems[1], false));
      if (!like) bad(file, g, `@${name}: element 2 must be a constant C string naming a math function (e.g. "log1p")`);
      h.like.set(fn, like);
    } else {
      if (elems.length < 1) bad(file, g, `@${name} must name the inactive function`);
      h.inactive.add(fnAt(0, 'the function'));
    }
  }
  for (const f of m.functions) {
    const aug = attachedFunction(m, f, 'enzyme_augment');
    const rev = attachedFunction(m, f, 'enzyme_gradient');
    if (aug !== undefined || rev !== undefined) {
      if (!aug || !rev) {
        bad(file, f, `${fnName(f)}: a custom derivative needs both !enzyme_augment and !enzyme_gradient, each a tuple holding a function`,
          ['e.g. define double @f(double %x) !enzyme_augment !1 !enzyme_gradient !2 ... !1 = !{ptr @aug_f} !2 = !{ptr @rev_f}']);
      }
      if (!h.gradients.has(f)) h.gradients.set(f, { fn: f, aug, rev, via: '!enzyme_augment / !enzyme_gradient', at: f });
    }
    const fwd = attachedFunction(m, f, 'enzyme_derivative');
    if (fwd !== undefined) {
      if (!fwd) bad(file, f, `${fnName(f)}: !enzyme_derivative must be a tuple holding a function`, ['e.g. define double @f(double %x) !enzyme_derivative !1 ... !1 = !{ptr @df}']);
      if (!h.derivatives.has(f)) h.derivatives.set(f, { fn: f, fwd, via: '!enzyme_derivative', at: f });
    }
    if (!f.fnAttrs.length) continue;
    const attrs = stringAttrs(m, f.fnAttrs);
    if (attrs.has('enzyme_inactive')) h.inactive.add(f);
    // What Enzyme's preprocessing makes of __enzyme_allocation_like (other front ends emit it).
    const allocator = attrs.get('enzyme_allocator');
    if (allocator !== undefined && !h.allocLike.has(f)) {
      const free = attachedFunction(m, f, 'enzyme_deallocator_fn');
      const dealloc = (attrs.get('enzyme_deallocator') ?? '').split(',').map((x) => Number(x.trim()));
      if (!free || allocator === null || !Number.isInteger(Number(allocator)) || dealloc.some((d) => !Number.isInteger(d)) || !dealloc.includes(-1)) {
        bad(file, f, `${fnName(f)}: "enzyme_allocator" needs a size argument index, "enzyme_deallocator" the deallocation indices (with -1 for the block) and !enzyme_deallocator_fn the deallocation function`);
      }
      registerAllocLike(h, { alloc: f, sizeArg: Number(allocator), dealloc, free, via: '"enzyme_allocator"' });
    }
    const math = attrs.get('enzyme_math');
    if (math && !h.like.has(f)) h.like.set(f, math);
  }
  return h;
}

/** Adds the command-line registrations; unknown names are usage errors (E0405) naming every one. */
export function addCommandLineHints(m: Module, h: CustomHints, custom: readonly CustomSpec[] = [], inactive: readonly string[] = [], fwd: readonly FwdCustomSpec[] = []): void {
  const missing: string[] = [];
  const get = (n: string): Function | null => {
    const name = n.replace(/^@/, '');
    const f = m.getFunction(name);
    if (!f) { if (!missing.includes(`@${name}`)) missing.push(`@${name}`); return null; }
    return f;
  };
  const pending: (() => void)[] = [];
  for (const c of custom) {
    const fn = get(c.fn); const aug = get(c.aug); const rev = get(c.rev);
    if (fn && aug && rev) pending.push(() => h.gradients.set(fn, { fn, aug, rev, via: '--custom', at: null }));
  }
  for (const c of fwd) {
    const fn = get(c.fn); const df = get(c.fwd);
    if (fn && df) pending.push(() => h.derivatives.set(fn, { fn, fwd: df, via: '--custom', at: null }));
  }
  for (const n of inactive) {
    const f = get(n);
    if (f) pending.push(() => h.inactive.add(f));
  }
  if (missing.length) {
    const anyCustom = custom.length + fwd.length > 0;
    const opt = anyCustom && inactive.length ? '--custom / --inactive' : anyCustom ? '--custom' : '--inactive';
    fail('E0405', `${opt}: no function ${missing.join(', ')} in the module`, null);
  }
  for (const p of pending) p();
}

/** `--custom FN=DF` of forward mode: names without `@`. */
export interface FwdCustomSpec { fn: string; fwd: string }

/** Parses forward mode's `FN=DF` (a usage error otherwise). */
export function parseFwdCustomSpec(text: string): FwdCustomSpec {
  const m = /^\s*@?([^=,\s]+)\s*=\s*@?([^=,\s]+)\s*$/.exec(text);
  if (!m) fail('E0903', `--custom: '${text}' is not FN=DF (the function and its forward derivative)`, null);
  return { fn: m[1]!, fwd: m[2]! };
}

/** Parses `FN=AUG,REV` (a usage error otherwise). */
export function parseCustomSpec(text: string): CustomSpec {
  const m = /^\s*@?([^=,\s]+)\s*=\s*@?([^=,\s]+)\s*,\s*@?([^=,\s]+)\s*$/.exec(text);
  if (!m) fail('E0903', `--custom: '${text}' is not FN=AUG,REV (the function, its augmented forward pass and its reverse pass)`, null);
  return { fn: m[1]!, aug: m[2]!, rev: m[3]! };
}

// -- adapters -----------------------------------------------------------------

/** Floating scalars and vectors: passed once, with a gradient (Enzyme's isFPOrFPVectorTy). */
function isFP(t: Type): boolean { return isFloatOrFloatVector(t); }

function sameType(a: Type, b: Type): boolean {
  return a === b || (a.kind === 'pointer' && b.kind === 'pointer');
}

function listText(ts: readonly Type[]): string { return `(${ts.map((t) => typeText(t)).join(', ')})`; }

interface UserShape {
  /** Parameter types the user's functions take before the return adjoint. */
  params: Type[];
  tapeType: Type | null;
  /** Where the aug's result holds each part (-1: the whole result; null: absent). */
  tapeAt: number | null;
  primalAt: number | null;
  shadowAt: number | null;
  revTakesTape: boolean;
  /** Positions of the floating parameters (the reverse returns their gradients, in this order). */
  fpParams: number[];
}

/** Checks the user's pair against Enzyme's convention for fn; says what was expected when it does not fit. */
function shapeOf(ctx: GradContext, cg: CustomGradient, needShadow: boolean): UserShape {
  const file = ctx.file;
  const { fn, aug, rev } = cg;
  const fty = fn.fnType;
  const R = fty.ret;
  const params: Type[] = [];
  const fpParams: number[] = [];
  fty.params.forEach((t, i) => {
    params.push(t);
    if (isFP(t)) fpParams.push(i); else params.push(t);
  });
  const reg = `registered for ${fnName(fn)} by ${cg.via}`;
  const fail1 = (which: Function, msg: string, notes: string[]): never =>
    bad(file, cg.at ?? which, `${fnName(which)}, the ${which === aug ? 'augmented forward pass' : 'reverse pass'} ${reg}, does not fit Enzyme's convention: ${msg}`, notes);
  const paramNote = 'parameters: those of the function, each non-floating one (pointer, integer) followed by its shadow';
  const aty = aug.fnType;
  if (aty.vararg || aty.params.length !== params.length || !aty.params.every((t, k) => sameType(t, params[k]!))) {
    fail1(aug, `it takes ${listText(aty.params)}, expected ${listText(params)}`, [paramNote,
      `returns: void, the tape, ${R.kind === 'void' ? '' : `the result (${typeText(R)}), { tape, ${typeText(R)} }, `}or { tape, result, shadow result }`]);
  }
  // What the augmented forward pass returns.
  const A = aty.ret;
  let tapeAt: number | null = null; let primalAt: number | null = null; let shadowAt: number | null = null;
  let tapeType: Type | null = null;
  if (A.kind === 'void') { /* nothing */ } else if (R.kind !== 'void' && A === R) primalAt = -1;
  else if (R.kind !== 'void' && A.kind === 'struct' && A.elems && A.elems.length === 3) {
    tapeAt = 0; primalAt = 1; shadowAt = 2; tapeType = A.elems[0]!;
    if (!sameType(A.elems[1]!, R) || !sameType(A.elems[2]!, R)) {
      fail1(aug, `it returns ${typeText(A)}; a 3-element result is { tape, ${typeText(R)}, ${typeText(R)} }`, []);
    }
  } else if (R.kind !== 'void' && A.kind === 'struct' && A.elems && A.elems.length === 2 && A.elems[0] === A.elems[1] && sameType(A.elems[0]!, R)) {
    primalAt = 0; shadowAt = 1;
  } else if (R.kind !== 'void' && A.kind === 'struct' && A.elems && A.elems.length === 2 && sameType(A.elems[1]!, R)) {
    tapeAt = 0; primalAt = 1; tapeType = A.elems[0]!;
  } else { tapeAt = -1; tapeType = A; }
  if (needShadow && shadowAt === null) {
    fail1(aug, `the call needs the shadow of the returned pointer, but it returns ${typeText(A)}`,
      [`return { tape, ${typeText(R)}, ${typeText(R)} } or { ${typeText(R)}, ${typeText(R)} } (the result, then its shadow)`]);
  }
  // The reverse pass.
  const rty = rev.fnType;
  const revParams = [...params];
  if (isFP(R)) revParams.push(R);
  let revTakesTape = false;
  const revNote = [`${paramNote}${isFP(R) ? `, then the adjoint of the result (${typeText(R)})` : ''}, then the tape if the augmented forward pass returns one`];
  if (rty.vararg || (rty.params.length !== revParams.length && rty.params.length !== revParams.length + 1)
    || !revParams.every((t, k) => sameType(rty.params[k]!, t))) {
    fail1(rev, `it takes ${listText(rty.params)}, expected ${listText(revParams)}${tapeType ? ` followed by the tape (${typeText(tapeType)})` : ''}`, revNote);
  }
  if (rty.params.length === revParams.length + 1) {
    revTakesTape = true;
    const tt = rty.params[revParams.length]!;
    if (!tapeType) return fail1(rev, `it takes a tape (${typeText(tt)}) but ${fnName(aug)} returns none (${typeText(A)})`, revNote);
    if (!sameType(tt, tapeType)) fail1(rev, `its tape parameter is ${typeText(tt)} but ${fnName(aug)} returns a tape of type ${typeText(tapeType)}`, revNote);
  }
  const G = rty.ret;
  const grads = fpParams.map((i) => fty.params[i]!);
  const retOk = grads.length === 0 ? G.kind === 'void' || (G.kind === 'struct' && (G.elems?.length ?? 0) === 0)
    : (G.kind === 'struct' && G.elems !== null && G.elems.length === grads.length && G.elems.every((e, k) => e === grads[k]))
      || (grads.length === 1 && G === grads[0]);
  if (!retOk) {
    fail1(rev, `it returns ${typeText(G)}, expected ${grads.length === 0 ? 'void' : grads.length === 1 ? `${typeText(grads[0]!)} or { ${typeText(grads[0]!)} }` : `{ ${grads.map((g) => typeText(g)).join(', ')} }`}`,
      ['returns: the gradients of the floating parameters, in order (a struct, the value itself when there is one, void when there is none)']);
  }
  return { params, tapeType, tapeAt, primalAt, shadowAt, revTakesTape, fpParams };
}

/**
 * The split pair (the transform's convention, see GradContext.split) of a function with a
 * registered derivative: adapters around the user's augmented forward and reverse passes.
 */
export function customSplit(ctx: GradContext, sig: DiffSig, cg: CustomGradient): SplitPair {
  const m = ctx.module;
  const t = m.types;
  const fn = sig.fn;
  const file = ctx.file;
  const width = sig.width ?? 1;
  if (width !== 1) {
    bad(file, cg.at ?? fn, `${fnName(fn)} has a custom derivative (${cg.via}): a batch width other than 1 is not supported with custom derivatives yet`);
  }
  sig.args.forEach((a, i) => {
    const pt = fn.args[i]!.type;
    if (a === 'active' && !isFP(pt)) {
      bad(file, cg.at ?? fn, `${fnName(fn)} has a custom derivative (${cg.via}): its parameter ${i + 1} (${typeText(pt)}) is active, but Enzyme's convention passes only floating scalars and vectors as active values`);
    }
  });
  if (sig.retActive && !isFP(fn.fnType.ret)) {
    bad(file, cg.at ?? fn, `${fnName(fn)} has a custom derivative (${cg.via}) and an active ${typeText(fn.fnType.ret)} result: Enzyme's convention passes the adjoint of floating scalar and vector results only`);
  }
  const shape = shapeOf(ctx, cg, sig.retShadow);
  const { params } = signatureParams(m, fn, sig.args);
  const pos = signatureParams(m, fn, sig.args).pos;
  const bytePtr = m.ptrTo(t.i8);
  const R = fn.fnType.ret;
  const { aug, rev } = ctx.declarePair(sig);
  const augTy = aug.fnType;
  const revTy = rev.fnType;

  // Const pointer arguments: Enzyme passes the primal pointer as its own shadow.
  sig.args.forEach((a, i) => {
    if (a === 'const' && fn.args[i]!.type.kind === 'pointer') {
      const [s, e] = where(cg.at ?? fn);
      const w: Diagnostic = {
        code: CODE, severity: 'warning', file, start: s, end: e,
        message: `${fnName(fn)} (custom derivative, ${cg.via}) is called with a constant pointer as parameter ${i + 1}: as in Enzyme, the primal pointer is passed as its shadow, so the reverse pass must not accumulate into it`,
      };
      if (!ctx.warnings.some((x) => x.message === w.message)) ctx.warnings.push(w);
    }
  });

  /** The arguments of the user's functions, from the adapter's parameters. */
  const userArgs = (b: IRBuilder, f: Function, target: Function): Value[] => {
    const out: Value[] = [];
    fn.args.forEach((a, i) => {
      const p = f.args[pos[i]!]!;
      const dup = sig.args[i] === 'dup' || sig.args[i] === 'dupnoneed';
      out.push(p);
      if (!isFP(a.type)) out.push(dup ? f.args[pos[i]! + 1]! : p);
    });
    return out.map((v, k) => b.bitcastIfNeeded(v, target.fnType.params[k]!));
  };
  const boxed = shape.tapeType !== null && shape.tapeType.kind !== 'pointer';
  const malloc = (): Function => ctx.declare('malloc', bytePtr, [t.i64]);
  const free = (): Function => ctx.declare('free', t.void, [bytePtr]);

  // augmented_<fn>: the user's augmented pass, its result sorted into { tape, result, [shadow] }.
  {
    const b = new IRBuilder(m).atEnd(b0(m, aug));
    const r = b.call(cg.aug, userArgs(b, aug, cg.aug), cg.aug.fnType.ret.kind === 'void' ? null : 'custom_aug');
    const part = (at: number | null): Value | null => at === null ? null : at === -1 ? r : b.extractValue(r, [at]);
    let tape: Value = nullValue(bytePtr);
    const tv = part(shape.tapeAt);
    if (tv) {
      if (boxed) {
        const box = b.call(malloc(), [constInt(t.i64, Math.max(1, ctx.dl.allocSize(tv.type)))], 'tape_box');
        b.store(tv, b.bitcastIfNeeded(box, m.ptrTo(tv.type)));
        tape = box;
      } else tape = b.bitcastIfNeeded(tv, bytePtr);
    }
    let res: Value = undefValue(augTy.ret);
    res = b.insertValue(res, tape, [0]);
    if (R.kind !== 'void') {
      let pv = part(shape.primalAt);
      // Enzyme needs the augmented pass to return the result; without it, the function itself computes it.
      pv ??= b.call(fn, aug.args.filter((_, k) => !params[k]!.shadow), 'primal');
      res = b.insertValue(res, b.bitcastIfNeeded(pv, R), [1]);
    }
    if (sig.retShadow) res = b.insertValue(res, b.bitcastIfNeeded(part(shape.shadowAt)!, R), [2]);
    b.ret(res);
  }

  // reverse_<fn>: the user's reverse pass, the active arguments' gradients picked from its result.
  {
    const b = new IRBuilder(m).atEnd(b0(m, rev));
    const args = userArgs(b, rev, cg.rev);
    if (isFP(R)) args.push(sig.retActive ? rev.args[params.length]! : nullValue(R));
    const tapeArg = rev.args[rev.args.length - 1]!;
    let boxToFree: Value | null = null;
    if (shape.revTakesTape) {
      const tt = cg.rev.fnType.params[args.length]!;
      if (boxed) {
        args.push(b.load(tt, b.bitcastIfNeeded(tapeArg, m.ptrTo(tt)), 'tape'));
        boxToFree = tapeArg;
      } else args.push(b.bitcastIfNeeded(tapeArg, tt));
    } else if (boxed) boxToFree = tapeArg;
    const G = cg.rev.fnType.ret;
    const r = b.call(cg.rev, args, G.kind === 'void' ? null : 'custom_grads');
    // With `nofree` (lower's enzyme_nofree) the reverse pass may run again on the same tape.
    if (boxToFree && !sig.nofree) b.call(free(), [boxToFree]);
    const gradOf = (k: number): Value => G.kind === 'struct' ? b.extractValue(r, [k]) : r;
    const out: Value[] = [];
    shape.fpParams.forEach((i, k) => { if (sig.args[i] === 'active') out.push(gradOf(k)); });
    if (revTy.ret.kind === 'void') b.ret();
    else {
      let res: Value = undefValue(revTy.ret);
      out.forEach((v, k) => { res = b.insertValue(res, v, [k]); });
      b.ret(res);
    }
  }
  return { sig, aug, rev };
}

function b0(m: Module, f: Function): import('../ir/function.js').BasicBlock {
  return new IRBuilder(m).block(f, 'entry');
}

/**
 * The body of the combined derivative (`diffe<fn>`, already created with the
 * contract's signature) of a function that itself has a custom derivative:
 * the augmented pass, then the reverse pass with the seed, as Enzyme does.
 */
export function customCombined(ctx: GradContext, sig: DiffSig, out: Function): void {
  const m = ctx.module;
  const fn = sig.fn;
  const pair = ctx.split({ ...sig, retShadow: false });
  const b = new IRBuilder(m).atEnd(b0(m, out));
  const nParams = pair.aug.fnType.params.length;
  const params = out.args.slice(0, nParams);
  const r = b.call(pair.aug, params, 'augmented');
  const tape = b.extractValue(r, [0], 'tape');
  const R = fn.fnType.ret;
  const primal = R.kind !== 'void' ? b.extractValue(r, [1], 'primal') : null;
  const revArgs: Value[] = [...params];
  if (sig.retActive) revArgs.push(out.args[nParams]!);
  revArgs.push(tape);
  const g = b.call(pair.rev, revArgs, pair.rev.fnType.ret.kind === 'void' ? null : 'grads');
  const parts: Value[] = [];
  if (sig.retPrimal && primal) parts.push(primal);
  const nGrads = activeGradTypes(m, fn, sig.args).length;
  for (let k = 0; k < nGrads; k++) parts.push(b.extractValue(g, [k]));
  const RT = out.fnType.ret;
  if (RT.kind === 'void') { b.ret(); return; }
  let res: Value = undefValue(RT);
  parts.forEach((v, k) => { res = b.insertValue(res, v, [k]); });
  b.ret(res);
}

/**
 * The body of a forward derivative `out` (src/ad/forward.ts's convention,
 * parameter `k` at `pos[k]`, its tangent or shadow right after it) of a
 * function with a registered forward derivative. Enzyme's convention for the
 * user's function: every parameter followed by its shadow (a constant floating
 * one by zero, a constant integer by itself), returning `{ primal, tangent }`
 * (void for a void function). False when that convention cannot express the
 * call (a constant pointer parameter has no shadow) and the function has a
 * body to differentiate instead, as Enzyme does.
 */
export function customForward(ctx: GradContext, sig: { fn: Function; args: readonly string[]; retPrimal: boolean; retTangent: boolean; width: number },
  cd: CustomDerivative, out: Function, pos: readonly number[]): boolean {
  const m = ctx.module;
  const { fn, fwd } = cd;
  const file = ctx.file;
  const reg = `registered for ${fnName(fn)} by ${cd.via}`;
  const constPtr = fn.args.findIndex((a, k) => a.type.kind === 'pointer' && sig.args[k] === 'const');
  if (constPtr >= 0) {
    if (!fn.isDeclaration) {
      const [s, e] = where(cd.at ?? fn);
      const message = `${fnName(fn)} is called with a constant pointer as parameter ${constPtr + 1}: the forward derivative ${fnName(fwd)} ${reg} needs a shadow for it, so the body of ${fnName(fn)} is differentiated instead (as Enzyme does)`;
      if (!ctx.warnings.some((x) => x.message === message)) ctx.warnings.push({ code: CODE, severity: 'warning', file, start: s, end: e, message });
      return false;
    }
    bad(file, cd.at ?? fn, `${fnName(fn)} is called with a constant pointer as parameter ${constPtr + 1}, but its forward derivative ${fnName(fwd)} (${cd.via}) needs a shadow for every pointer and ${fnName(fn)} has no body to differentiate instead`,
      ['pass a shadow (enzyme_dup) for that pointer']);
  }
  if (sig.width !== 1) {
    bad(file, cd.at ?? fn, `${fnName(fn)} has a custom forward derivative (${cd.via}): a batch width other than 1 is not supported with custom derivatives yet`);
  }
  const R = fn.fnType.ret;
  const want: Type[] = fn.fnType.params.flatMap((t) => [t, t]);
  const fty = fwd.fnType;
  const wantRet = R.kind === 'void' ? 'void' : `{ ${typeText(R)}, ${typeText(R)} }`;
  const notes = ['parameters: those of the function, each followed by its shadow (tangent); returns { primal, tangent }, void for a void function'];
  if (fty.vararg || fty.params.length !== want.length || !fty.params.every((t, k) => sameType(t, want[k]!))) {
    bad(file, cd.at ?? fwd, `${fnName(fwd)}, the forward derivative ${reg}, does not fit Enzyme's convention: it takes ${listText(fty.params)}, expected ${listText(want)}`, notes);
  }
  const FR = fty.ret;
  const retOk = R.kind === 'void' ? FR.kind === 'void'
    : FR.kind === 'struct' && FR.elems !== null && FR.elems.length === 2 && sameType(FR.elems[0]!, R) && sameType(FR.elems[1]!, R);
  if (!retOk) bad(file, cd.at ?? fwd, `${fnName(fwd)}, the forward derivative ${reg}, does not fit Enzyme's convention: it returns ${typeText(FR)}, expected ${wantRet}`, notes);
  const b = new IRBuilder(m).atEnd(b0(m, out));
  const args: Value[] = [];
  fn.args.forEach((a, k) => {
    const p = out.args[pos[k]!]!;
    args.push(p);
    const dup = sig.args[k] === 'dup' || sig.args[k] === 'dupnoneed';
    if (dup) args.push(out.args[pos[k]! + 1]!);
    else args.push(a.type.kind === 'int' ? p : nullValue(a.type));
  });
  const r = b.call(fwd, args.map((v, k) => b.bitcastIfNeeded(v, fty.params[k]!)), FR.kind === 'void' ? null : 'custom_fwd');
  const RT = out.fnType.ret;
  if (RT.kind === 'void') { b.ret(); return true; }
  const primal = b.bitcastIfNeeded(b.extractValue(r, [0]), R);
  const tangent = b.bitcastIfNeeded(b.extractValue(r, [1]), R);
  if (sig.retPrimal && sig.retTangent) {
    let agg: Value = undefValue(RT);
    agg = b.insertValue(agg, primal, [0]);
    agg = b.insertValue(agg, tangent, [1]);
    b.ret(agg);
  } else b.ret(sig.retTangent ? tangent : primal);
  return true;
}
