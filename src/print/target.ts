// `--target-llvm N`: the spellings of newer LLVM versions, and what LLVM N reads instead
// (docs/syntax.md, "Writing for an older LLVM"). The printer asks these tables; what a rule
// cannot express in LLVM N is dropped when it is only a hint or a promise (an attribute, a
// flag), and refused (E0120) when dropping it would change what the module computes.
//
// Versions are the first LLVM release that reads a spelling. Those newer than LLVM 19 (the
// newest LLVM on the machines this is tested on) follow LLVM's release notes, rounded to the
// later release when in doubt: writing an older spelling is always safe, since newer LLVMs read
// (and upgrade) the older ones.
import { F } from '../ir/flags.js';

/** The LLVM versions `--target-llvm` accepts: what the tool reads (contract section 2). */
export const TARGET_MIN = 14;
export const TARGET_MAX = 22;

/**
 * Attributes (function, parameter, return, call site) by the version that introduced them; below
 * it they are dropped. All are optimization hints or promises the program keeps without them.
 * `captures` and `memory` are rewritten rather than dropped (lowerAttribute).
 */
export const ATTR_SINCE: ReadonlyMap<string, number> = new Map([
  ['allockind', 15], ['allocptr', 15], ['allocalign', 15], ['presplitcoroutine', 15], ['fn_ret_thunk_extern', 15],
  ['nosanitize_bounds', 15],
  ['skipprofile', 16],
  ['nofpclass', 17],
  ['dead_on_unwind', 18], ['writable', 18], ['optdebug', 18],
  ['initializes', 19], ['range', 19], ['hybrid_patchable', 19], ['sanitize_numerical_stability', 19],
  ['noext', 20], ['coro_elide_safe', 20], ['sanitize_realtime', 20], ['sanitize_realtime_blocking', 20],
  ['sanitize_type', 20],
  ['dead_on_return', 21], ['nodivergencesource', 21],
  ['nocreateundeforpoison', 22], ['denormal_fpenv', 22],
]);

/** `captures(...)` replaced `nocapture` (LLVM 21; the attribute itself appeared in 20). */
export const CAPTURES_SINCE = 21;
/** `memory(...)` replaced readnone / readonly / argmemonly ... (LLVM 16). */
export const MEMORY_SINCE = 16;
/** Memory locations of `memory(...)` newer than argmem and inaccessiblemem. */
const NEW_LOCATIONS: ReadonlyMap<string, number> = new Map([['errnomem', 22], ['target_mem0', 22], ['target_mem1', 22]]);
/** `uwtable(sync)` / `uwtable(async)`: before 15 only `uwtable`. */
export const UWTABLE_KIND_SINCE = 15;
/** The one-operand `llvm.lifetime.*` (the size operand was removed in LLVM 22). */
export const LIFETIME_SIZELESS_SINCE = 22;
/** `llvm.stacksave.p0` / `llvm.stackrestore.p0`: overloaded on the address space since LLVM 18 (before: `llvm.stacksave`). */
export const STACKSAVE_OVERLOADED_SINCE = 18;
/** `splat (T v)` constants, `#dbg_*` records, `inrange(a, b)` after GEP flags (LLVM 19). */
export const SPLAT_SINCE = 19;
export const DEBUG_RECORDS_SINCE = 19;
export const NEW_INRANGE_SINCE = 19;
/** `llvm.dbg.assign` and `!DIAssignID` (assignment tracking, LLVM 16). */
export const ASSIGN_TRACKING_SINCE = 16;
/** Module flag behaviour 8 (Min) is LLVM 15's; LLVM 14 wrote such flags (PIC Level) with 7 (Max). */
export const MODULE_FLAG_MIN_SINCE = 15;
/** `!{!"branch_weights", !"expected", ...}`: weights from `__builtin_expect` tagged so (LLVM 19). */
export const EXPECTED_WEIGHTS_SINCE = 19;
/** A static data member as `DIDerivedType(tag: DW_TAG_variable, ...)` (LLVM 18; before: DW_TAG_member). */
export const STATIC_MEMBER_VARIABLE_SINCE = 18;
/** `DIGlobalVariable` without a `name:` (string literals' debug variables; read since LLVM 15). */
export const NAMELESS_GLOBAL_VARIABLE_SINCE = 15;
/** `target("...")` types (LLVM 16). */
export const TARGET_TYPES_SINCE = 16;
/** LLVM 14 reads opaque pointers only with -opaque-pointers; 15 reads them by default. */
export const OPAQUE_DEFAULT_SINCE = 15;

/** atomicrmw operations by the version that introduced them (LLVM refuses an unknown one). */
export const RMW_SINCE: ReadonlyMap<string, number> = new Map([
  ['fmax', 15], ['fmin', 15], ['uinc_wrap', 16], ['udec_wrap', 16],
  ['usub_cond', 20], ['usub_sat', 20], ['fmaximum', 20], ['fminimum', 20],
]);

/** Flags an opcode takes that LLVM `v` does not read. */
export function droppedFlags(op: string, v: number): number {
  switch (op) {
    case 'icmp': return v < 20 ? F.SAMESIGN : 0;
    case 'getelementptr': return v < 19 ? F.NUW | F.NUSW : 0;
    case 'trunc': return v < 19 ? F.NUW | F.NSW : 0;
    case 'uitofp': return v < 19 ? F.NNEG : 0;
    case 'zext': return v < 18 ? F.NNEG : 0;
    case 'or': return v < 18 ? F.DISJOINT : 0;
    default: return 0;
  }
}

type Access = 0 | 1 | 2 | 3; // none, read, write, readwrite
const ACCESS: Record<string, Access> = { none: 0, read: 1, write: 2, readwrite: 3 };
const ACCESS_WORD = ['none', 'read', 'write', 'readwrite'] as const;

/**
 * `memory(...)` for LLVM `v`: its argument text, or the old attribute words (LLVM < 16), or
 * null when nothing needs saying. Locations LLVM `v` does not know are folded into the default
 * access and into inaccessiblemem (a superset of what they allow, whichever of the two they
 * counted as before). Unknown syntax is returned unchanged.
 */
export function lowerMemory(arg: string, v: number): { arg: string } | { words: string[] } {
  let def: Access = 0;
  const loc = new Map<string, Access>();
  for (const part of arg.split(',')) {
    const p = part.trim();
    const colon = p.indexOf(':');
    const kind = ACCESS[(colon < 0 ? p : p.slice(colon + 1)).trim()];
    if (kind === undefined) return { arg };
    if (colon < 0) def = kind; else loc.set(p.slice(0, colon).trim(), kind);
  }
  let changed = false;
  for (const [name, since] of NEW_LOCATIONS) {
    const x = loc.get(name);
    if (x === undefined || v >= since) continue;
    changed = true;
    loc.delete(name);
    def = (def | x) as Access;
    const inacc = loc.get('inaccessiblemem');
    if (inacc !== undefined) loc.set('inaccessiblemem', (inacc | x) as Access);
  }
  if (v >= MEMORY_SINCE) {
    if (!changed) return { arg };
    const parts: string[] = [ACCESS_WORD[def]];
    for (const [name, x] of loc) if (x !== def) parts.push(`${name}: ${ACCESS_WORD[x]}`);
    return { arg: parts.length > 1 && def === 0 ? parts.slice(1).join(', ') : parts.join(', ') };
  }
  // LLVM < 16: a location restriction and an access kind
  for (const name of loc.keys()) if (name !== 'argmem' && name !== 'inaccessiblemem') return { words: [] };
  const arg0 = loc.get('argmem') ?? def;
  const inacc = loc.get('inaccessiblemem') ?? def;
  const all = (def | arg0 | inacc) as Access;
  if (all === 0) return { words: ['readnone'] };
  const words: string[] = [];
  if (def === 0) {
    if (arg0 !== 0 && inacc !== 0) words.push('inaccessiblemem_or_argmemonly');
    else if (arg0 !== 0) words.push('argmemonly');
    else words.push('inaccessiblememonly');
  }
  if (all === 1) words.push('readonly');
  else if (all === 2) words.push('writeonly');
  return { words };
}

/**
 * Substrings whose presence in text kept as written (lazy loading) means it may need writing
 * differently for LLVM `v`: such text is read and printed through the IR. Spellings as LLVM
 * prints them (a flag right after its opcode), so that common words (`add nuw`) do not match.
 */
export function needlesFor(v: number): string[] {
  const out: string[] = [];
  for (const [w, since] of ATTR_SINCE) if (v < since) out.push(w);
  if (v < CAPTURES_SINCE) out.push('captures(');
  if (v < MEMORY_SINCE) out.push('memory(');
  for (const [w, since] of NEW_LOCATIONS) if (v < since) out.push(w);
  if (v < UWTABLE_KIND_SINCE) out.push('uwtable(');
  if (v < LIFETIME_SIZELESS_SINCE) out.push('@llvm.lifetime.');
  if (v < 20) out.push('icmp samesign');
  if (v < 19) {
    out.push('getelementptr nuw', 'nusw', 'getelementptr inbounds nuw', 'trunc nuw', 'trunc nsw', 'uitofp nneg', 'splat (', '#dbg_');
  }
  if (v < 18) out.push('zext nneg', 'or disjoint');
  if (v < ASSIGN_TRACKING_SINCE) out.push('DIAssignID');
  if (v < EXPECTED_WEIGHTS_SINCE) out.push('!"expected"');
  if (v < STATIC_MEMBER_VARIABLE_SINCE) out.push('DW_TAG_variable');
  if (v < NAMELESS_GLOBAL_VARIABLE_SINCE) out.push('DIGlobalVariable(');
  out.push('inrange');
  for (const [w, since] of RMW_SINCE) if (v < since) out.push(`atomicrmw ${w} `, `atomicrmw volatile ${w} `);
  if (v < TARGET_TYPES_SINCE) out.push('target(');
  return out;
}
