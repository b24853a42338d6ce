// Shadows of mutable globals (docs/ad.md, "Globals"). A global whose memory carries a
// derivative (a callee stores `x * x` into `state`, the caller reads `state` back) needs
// shadow memory like any active array, as in Enzyme:
//
//   - a shadow the user names, with Enzyme's metadata on the global:
//       @state = global double 0.0, !enzyme_shadow !{ptr @dstate}
//     (with a batch width N: `!{[N x ptr] [ptr @d0, ..., ptr @dN-1]}`); the derivative
//     accumulates into it, as into the shadow of a `dup` argument;
//   - otherwise an implicit one: an internal zero-initialized copy (`@"state'"`) that the
//     derivative uses and that the reverse sweep leaves zeroed when it ends (its floating
//     contents; pointers stored in it are kept), so every gradient call starts from zero;
//   - a global the user declares inactive (`__enzyme_inactive_global`, `!enzyme_inactive`)
//     never gets one: data stored there is a constant output.
//
// Which globals carry derivatives is found by the activity analysis of the functions
// being differentiated: a store of active data into a global (directly, or through a
// pointer the global is the object of), an active callee given its address, or a pointer
// into it returned where the caller needs its shadow (an arena allocator's block). Found
// late (in a callee), the derivative is started over with the global active everywhere
// (withGlobalRestarts). Active data stored into memory *reached through a pointer held
// in a global* (`table->buf[i] = x`) has no shadow the tool can know: error E0409, naming
// the global.

import type { Function, GlobalVariable } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Instruction } from '../ir/instructions.js';
import type { Value } from '../ir/value.js';
import type { Type } from '../ir/types.js';
import type { Metadata } from '../ir/metadata.js';
import { ConstantAggregate, ConstantExpr } from '../ir/constants.js';
import { GlobalVariable as GlobalVariableClass } from '../ir/function.js';
import { IRBuilder, constInt, nullValue } from '../ir/builder.js';
import { DataLayout } from '../ir/layout.js';
import { sourceSpan } from '../ir/verify.js';
import { fail } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { ActivityAnalysis } from '../analysis/activity.js';
import type { GlobalShadows, ModuleFacts } from '../analysis/facts.js';
import type { DiffContext as GradContext } from './signature.js';
import { addressesHeld } from '../analysis/targets.js';

/** Thrown when the derivative being generated found globals that must get shadows: it is started over. */
export class NeedGlobalShadows extends Error {
  constructor(readonly globals: GlobalVariable[]) {
    super(`globals need shadows: ${globals.map((g) => `@${g.name ?? '?'}`).join(', ')}`);
  }
}

type Shadows = GlobalShadows;

function shadowTable(facts: ModuleFacts): Map<GlobalVariable, Shadows> { return facts.globalShadows; }

function mdNode(m: Module, md: Metadata | null | undefined): Metadata | null {
  for (let guard = 0; md && md.mk === 'ref' && guard < 8; guard++) {
    const id: number = md.id;
    md = m.metadata.find((d) => d.id === id)?.node ?? null;
  }
  return md ?? null;
}

function stripCasts(v: Value): Value {
  let cur = v;
  for (let k = 0; k < 8 && cur instanceof ConstantExpr && (cur.op === 'bitcast' || cur.op === 'addrspacecast'); k++) cur = cur.operands[0]!;
  return cur;
}

/** The user-named shadows of `g` (`!enzyme_shadow !{ptr @dg}`, or an array of N for a width N), or null. */
export function namedShadows(m: Module, g: GlobalVariable): Value[] | null {
  const att = g.attachments.find((a) => a.kind === 'enzyme_shadow' || a.kind === '!enzyme_shadow');
  if (!att) return null;
  const t = mdNode(m, att.md);
  const e = t && t.mk === 'tuple' ? mdNode(m, t.elems[0]) : null;
  if (!e || e.mk !== 'value') return [];
  const v = stripCasts(e.value);
  if (v instanceof ConstantAggregate) return v.elems.map(stripCasts);
  return [v];
}

/** Marks the globals the module says things about: `!enzyme_shadow` (active), `!enzyme_inactive` (never). */
export function seedGlobalFacts(m: Module, facts: ModuleFacts, inactive: Iterable<GlobalVariable> = []): void {
  for (const g of inactive) facts.inactiveGlobals.add(g);
  const active: GlobalVariable[] = [];
  for (const g of m.globals) {
    if (g.attachments.some((a) => a.kind === 'enzyme_inactive' || a.kind === '!enzyme_inactive')) facts.inactiveGlobals.add(g);
    else if (namedShadows(m, g) !== null) active.push(g);
  }
  if (active.length) facts.activate(active);
}

/** Whether the tool may give `g` an implicit shadow. */
function eligible(facts: ModuleFacts, g: GlobalVariable): boolean {
  const name = g.name ?? '';
  return !g.isConstant && !facts.inactiveGlobals.has(g) && !name.startsWith('enzyme_') && !name.startsWith('__enzyme') && !name.startsWith('llvm.');
}

function globalName(g: GlobalVariable): string { return `@${g.name ?? '?'}`; }

/**
 * The shadow of a global, or of a constant address computed from one (`getelementptr
 * (@g, 0, 2)` becomes the same expression on the shadow), in lane `lane`; null when `v`
 * is not (computed from) an active global.
 */
export function globalShadowOf(ctx: GradContext, v: Value, lane: number, width: number, at: Value | null): Value | null {
  const facts = ctx.rules.facts;
  if (!facts || !facts.activeGlobals.size) return null;
  if (v.vk === 'global') {
    const g = v as GlobalVariable;
    if (!facts.activeGlobals.has(g)) return null;
    return shadowsOf(ctx, facts, g, width, at).lanes[lane] ?? null;
  }
  if (v instanceof ConstantExpr && (v.op === 'getelementptr' || v.op === 'bitcast' || v.op === 'addrspacecast')) {
    const base = globalShadowOf(ctx, v.operands[0]!, lane, width, at);
    return base && rebased(v, base);
  }
  return null;
}

/** The address expression `v` (a getelementptr or cast of a global) over another base: the shadow's. */
function rebased(v: ConstantExpr, base: Value): ConstantExpr {
  const c = new ConstantExpr(v.type, v.op, [base, ...v.operands.slice(1)], v.flags);
  c.srcType = v.srcType;
  c.indices = v.indices;
  c.inrange = v.inrange;
  c.inrangeIndex = v.inrangeIndex;
  return c;
}

function shadowsOf(ctx: GradContext, facts: ModuleFacts, g: GlobalVariable, width: number, at: Value | null): Shadows {
  const table = shadowTable(facts);
  let s = table.get(g);
  if (s && s.lanes.length >= width) return s;
  const m = ctx.module;
  const named = namedShadows(m, g);
  if (named !== null) {
    const ok = named.length === width && named.every((x) => x.vk === 'global' && x.type.kind === 'pointer');
    if (!ok) {
      failAt(ctx.file, at ?? g, `${globalName(g)}: its !enzyme_shadow must name ${width === 1 ? 'one global' : `${width} globals (an array, one per lane of the batch width)`}, it names ${named.length}`,
        [`e.g. ${globalName(g)} = global double 0.0, !enzyme_shadow !{ptr @d${g.name ?? 'g'}}`]);
    }
    s = { lanes: named, implicit: false };
  } else {
    const t = g.valueType;
    if (!isSizedType(t)) {
      failAt(ctx.file, at ?? g, `cannot differentiate: active data is stored into the global ${globalName(g)}, whose type is not known here, so it cannot get a shadow`,
        [`name its shadow: ${globalName(g)} ... !enzyme_shadow !{ptr @shadow}`, 'or declare it inactive (__enzyme_inactive_global), or pass the memory as a dup argument']);
    }
    const lanes: Value[] = s ? [...s.lanes] : [];
    for (let k = lanes.length; k < width; k++) {
      const base = `${g.name ?? 'g'}'${width === 1 ? '' : k}`;
      const sg = new GlobalVariableClass(g.type, t);
      sg.name = ctx.freshName(base);
      sg.linkage = 'internal';
      // Pointers in the global's initializer (`struct { double *c; int n; } S = {data, 5}`)
      // are shadowed in its shadow: a pointer loaded from the shadow is the shadow of the
      // pointer loaded from the global, never null.
      sg.init = g.init && addressesHeld(g).length ? tableShadowInit(ctx, g, k, width, at, (h) => implicitStandIn(ctx, h, k, width, at)) : nullValue(t);
      sg.align = g.align;
      sg.addrspace = g.addrspace;
      sg.threadLocal = g.threadLocal;
      m.globals.push(sg);
      m.invalidateSymbols();
      lanes.push(sg);
    }
    s = { lanes, implicit: true };
  }
  table.set(g, s);
  return s;
}

function isSizedType(t: Type): boolean {
  switch (t.kind) {
    case 'struct': return t.elems !== null && t.elems.every(isSizedType);
    case 'array': case 'vector': return isSizedType(t.elem);
    case 'void': case 'function': case 'label': case 'metadata': case 'token': return false;
    default: return true;
  }
}

function failAt(file: SourceFile | null, at: Value, message: string, notes: string[]): never {
  const o = (at as Instruction).origin ?? at;
  const s = sourceSpan(o);
  fail('E0409', message, file, s.start, s.end, notes);
}

/**
 * After the activity analysis of a function: the globals active data is stored into
 * (directly, or by an active callee given their address) that have no shadow yet make the
 * derivative start over with them active; active data stored into memory reached through
 * a pointer held in a global is E0409.
 */
export function checkGlobalStores(ctx: GradContext, aa: ActivityAnalysis, fnName: string): void {
  const facts = ctx.rules.facts;
  if (!facts) return;
  const want = new Set<GlobalVariable>();
  const consider = (p: Value, at: Instruction, what: string): void => {
    const by = aa.blockedBy(p);
    let direct = false;
    for (const [o, how] of by) {
      if (o.vk !== 'global' || how !== 'direct') continue;
      const g = o as GlobalVariable;
      if (!eligible(facts, g)) continue;
      direct = true;
      if (!facts.activeGlobals.has(g)) want.add(g);
    }
    if (direct || what === 'call') return;
    for (const [o, how] of by) {
      if (o.vk !== 'global' || how !== 'deep' || !eligible(facts, o as GlobalVariable)) continue;
      failAt(ctx.file, at, `cannot differentiate ${fnName}: active data is ${what} memory reached through a pointer held in the global ${globalName(o as GlobalVariable)}, whose shadow is unknown`,
        [`pass that memory as a dup argument, or give ${globalName(o as GlobalVariable)} a shadow holding the shadow pointer (!enzyme_shadow !{ptr @shadow})`]);
    }
  };
  for (const b of aa.fn.blocks) {
    for (const i of b.instructions) {
      // A pointer that a select or phi makes point either into a mutable global or into duplicated
      // memory (`p = k ? &G[4] : &y[2]`): the global gets a shadow too, so that loads and stores
      // through the join have one whichever memory it is (otherwise E0401 at the access).
      if ((i.op === 'load' || i.op === 'store') && aa.mixed(i.ptr)) consider(i.ptr, i, 'call');
      // A pointer into a global returned where the caller needs its shadow (an arena allocator).
      if (i.op === 'ret' && aa.input.retShadow && i.operands[0] && aa.blocked(i.operands[0])) consider(i.operands[0], i, 'call');
      if (i.op === 'store') {
        if ((aa.varied.has(i.value) || aa.shadowed(i.value)) && aa.blocked(i.ptr)) consider(i.ptr, i, 'stored into');
        // The address of a global stored into shadow memory (`double *rows[] = {G0, x}`): the shadow
        // memory holds the global's shadow.
        else if (i.value.type.kind === 'pointer' && aa.shadowed(i.ptr) && aa.blocked(i.value)) consider(i.value, i, 'call');
      } else if (i.op === 'call' || i.op === 'invoke') {
        const k = aa.callKind(i);
        if ((k.k === 'memcpy' || k.k === 'memmove') && aa.shadowed(i.arg(1)) && aa.blocked(i.arg(0))) consider(i.arg(0), i, 'copied into');
        else if (k.k === 'defined' && aa.callTouchesActive(i)) {
          for (const a of i.args()) if (a.type.kind === 'pointer' && aa.blocked(a)) consider(a, i, 'call');
        }
      }
    }
  }
  if (want.size) throw new NeedGlobalShadows([...want]);
}

/**
 * Runs `generate`, starting it over while it finds globals that must get shadows (each
 * attempt makes at least one more global active; what a failed attempt generated is
 * dropped from the module).
 */
export function withGlobalRestarts<T>(ctx: GradContext, generate: () => T): T {
  const facts = ctx.rules.facts;
  for (let attempt = 0; ; attempt++) {
    const mark = ctx.mark();
    try {
      return generate();
    } catch (e) {
      if (!(e instanceof NeedGlobalShadows) || !facts || attempt > 256) throw e;
      ctx.rollback(mark);
      const table = shadowTable(facts);
      const alive = new Set<Value>(ctx.module.globals);
      for (const [g, s] of table) if (s.implicit && s.lanes.some((l) => !alive.has(l))) table.delete(g);
      facts.activate(e.globals);
    }
  }
}

/**
 * At the end of a top-level reverse sweep: the implicit shadows of the globals `fn`
 * reaches are zeroed (their floating bytes; pointers stored in them are kept), so that the
 * next gradient call starts from zero.
 */
export function zeroImplicitShadows(ctx: GradContext, b: IRBuilder, fn: Function): void {
  const facts = ctx.rules.facts;
  if (!facts || !facts.activeGlobals.size) return;
  const table = shadowTable(facts);
  const dl = DataLayout.of(ctx.module);
  const t = ctx.module.types;
  const bytePtr = ctx.module.ptrTo(t.i8);
  // The implicit shadows of the globals fn reaches, and the shadows and stand-ins their
  // pointers lead to (`S' = { ptr @c', ... }`): the derivative may have added into any of them.
  const implicitLanes = new Set<Value>();
  for (const s of table.values()) if (s.implicit) for (const l of s.lanes) implicitLanes.add(l);
  const work: GlobalVariable[] = [];
  const seen = new Set<GlobalVariable>();
  const visit = (l: Value): void => {
    if (l.vk !== 'global' || seen.has(l as GlobalVariable)) return;
    seen.add(l as GlobalVariable);
    work.push(l as GlobalVariable);
  };
  for (const g of facts.activeGlobalsReached(fn)) {
    const s = table.get(g);
    if (s && s.implicit) for (const lane of s.lanes) visit(lane);
  }
  while (work.length) {
    const sg = work.shift()!;
    for (const [off, size] of nonPointerRanges(dl, sg.valueType)) {
      let p: Value = b.bitcastIfNeeded(sg, bytePtr);
      if (off) p = b.gep(t.i8, p, [constInt(t.i64, off)], null, true);
      b.call(ctx.memIntrinsic('memset'), [p, constInt(t.i8, 0), constInt(t.i64, size), constInt(t.i1, 0)]);
    }
    for (const h of addressesHeld(sg)) {
      if (implicitLanes.has(h) || (!h.isConstant && (h.name ?? '').startsWith('__enzyme_ts_zero.'))) visit(h);
    }
  }
}

/** Byte ranges of a type that hold no pointer (merged when adjacent). */
function nonPointerRanges(dl: DataLayout, t: Type): [number, number][] {
  const out: [number, number][] = [];
  const add = (off: number, size: number): void => {
    if (size <= 0) return;
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === off) last[1] += size; else out.push([off, size]);
  };
  const walk = (ty: Type, off: number, depth: number): void => {
    if (depth > 16) { add(off, dl.allocSize(ty)); return; }
    switch (ty.kind) {
      case 'pointer': return;
      case 'struct':
        if (!ty.elems) return;
        ty.elems.forEach((e, k) => walk(e, off + dl.fieldOffset(ty, k), depth + 1));
        return;
      case 'array': {
        if (!containsPointer(ty.elem)) { add(off, dl.allocSize(ty)); return; }
        const size = dl.allocSize(ty.elem);
        for (let k = 0; k < ty.count; k++) walk(ty.elem, off + k * size, depth + 1);
        return;
      }
      default: add(off, dl.allocSize(ty));
    }
  };
  walk(t, 0, 0);
  return out;
}

/**
 * A zero-initialized stand-in for the shadow of a global nothing writes (`__enzyme_ts_zero.NAME`,
 * per lane for a table of addresses, whose stand-in holds the stand-ins `inner` gives for what it
 * points to). The reverse may add into it; nothing reads it back as a derivative. Forward mode's
 * (`__enzyme_ts_zero_fwd.NAME`) is only read: a constant. One per name, shared by every use.
 */
export function zeroStandIn(ctx: GradContext, h: GlobalVariable, lane: number, width: number, at: Value | null, forward: boolean,
  inner: (x: GlobalVariable) => Value | null): Value | null {
  if (h.name === null) return null;
  const m = ctx.module;
  const table = addressesHeld(h).length > 0;
  const name = `__enzyme_ts_zero${forward ? '_fwd' : ''}${table && width > 1 ? `.${lane}` : ''}.${h.name}`;
  const have = m.getGlobal(name);
  if (have) return have;
  const init = table ? tableShadowInit(ctx, h, lane, width, at, inner) : nullValue(h.valueType);
  const again = m.getGlobal(name);
  if (again) return again;
  const z = new GlobalVariableClass(h.type, h.valueType);
  z.name = name;
  z.linkage = 'internal';
  z.addrspace = h.addrspace;
  z.init = init;
  z.isConstant = forward;
  z.align = h.align;
  m.globals.push(z);
  m.invalidateSymbols();
  return z;
}

/** The stand-ins an implicit shadow points to (shared by both modes, so never constant). */
function implicitStandIn(ctx: GradContext, h: GlobalVariable, lane: number, width: number, at: Value | null): Value | null {
  return zeroStandIn(ctx, h, lane, width, at, false, (x) => implicitStandIn(ctx, x, lane, width, at));
}

function containsPointer(t: Type): boolean {
  switch (t.kind) {
    case 'pointer': return true;
    case 'struct': return !!t.elems && t.elems.some(containsPointer);
    case 'array': case 'vector': return containsPointer(t.elem);
    default: return false;
  }
}

/**
 * The initializer of the stand-in shadow of a table of addresses that nothing writes
 * (`double *rows[] = {G0, G1}`, a constant struct pointing to a static array), in lane `lane`:
 * where the table holds the address of a global, the stand-in holds that global's shadow (an
 * active global's shadow; for read-only memory, its own stand-in from `standIn`); every other
 * field is zero. A mutable global the table points to gets a shadow (the derivative is started
 * over with it active); one declared inactive cannot be given one (E0409).
 */
export function tableShadowInit(ctx: GradContext, table: GlobalVariable, lane: number, width: number, at: Value | null,
  standIn: (g: GlobalVariable) => Value | null): Value {
  const facts = ctx.rules.facts;
  const t = table.valueType;
  const init = table.init;
  if (!init || !facts) return nullValue(t);
  const want: GlobalVariable[] = [];
  const shadowOfAddress = (v: Value, depth: number): Value | null => {
    if (depth > 16) return null;
    if (v.vk === 'global') {
      const g = v as GlobalVariable;
      if (facts.activeGlobals.has(g)) return globalShadowOf(ctx, g, lane, width, at);
      if (facts.targets.isReadOnly(g)) return standIn(g);
      if (eligible(facts, g)) { want.push(g); return null; }
      failAt(ctx.file, at ?? table, `cannot differentiate: the table ${globalName(table)} holds the address of ${globalName(g)}, which is declared inactive, where the derivative needs its shadow`,
        [`give ${globalName(g)} a shadow (!enzyme_shadow !{ptr @shadow}) instead of declaring it inactive`]);
    }
    if (v instanceof ConstantExpr && (v.op === 'getelementptr' || v.op === 'bitcast' || v.op === 'addrspacecast')) {
      const base = shadowOfAddress(v.operands[0]!, depth + 1);
      return base && rebased(v, base);
    }
    return null;
  };
  const map = (v: Value, depth: number): Value => {
    if (depth > 32 || !containsPointer(v.type)) return nullValue(v.type);
    if (v instanceof ConstantAggregate && !v.splat) return new ConstantAggregate(v.type, v.elems.map((e) => map(e, depth + 1)));
    if (v.type.kind === 'pointer') return shadowOfAddress(v, 0) ?? nullValue(v.type);
    return nullValue(v.type);
  };
  const out = map(init, 0);
  if (want.length) throw new NeedGlobalShadows(want);
  return out;
}
