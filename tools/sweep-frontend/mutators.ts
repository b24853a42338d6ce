// Mutations of valid modules that aim at what LLVM's parser and verifier check:
// flags on the wrong opcode, wrong types, wrong numbers, bad attributes,
// malformed datalayout strings, orderings, linkages, moved and renamed values.
// Shared by the differential sweep (mutate.ts) and test/fuzz/mutations.test.ts.

export interface Mutant { text: string; what: string }
export type Rand = () => number;

/** A small deterministic generator (mulberry32). */
export function mulberry(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** All matches of a global regex: [index, text]. */
function matches(s: string, re: RegExp): [number, string][] {
  const out: [number, string][] = [];
  for (const m of s.matchAll(re)) out.push([m.index!, m[0]]);
  return out;
}

/** Replaces one random match of `re` (global) by `f(match)`. */
function replaceOne(s: string, r: Rand, re: RegExp, f: (m: string) => string, what: string): Mutant | null {
  const ms = matches(s, re);
  if (!ms.length) return null;
  const [at, m] = pick(r, ms);
  const rep = f(m);
  if (rep === m) return null;
  return { text: s.slice(0, at) + rep + s.slice(at + m.length), what: `${what}: ${JSON.stringify(m)} -> ${JSON.stringify(rep)} at ${at}` };
}

const FLAGS = ['nuw', 'nsw', 'exact', 'disjoint', 'nneg', 'samesign', 'inbounds', 'nusw', 'fast', 'nnan', 'ninf', 'nsz', 'arcp', 'contract', 'afn', 'reassoc'];
const OPCODES = ['add', 'sub', 'mul', 'shl', 'udiv', 'sdiv', 'lshr', 'ashr', 'and', 'or', 'xor', 'urem', 'srem', 'fadd', 'fsub', 'fmul', 'fdiv', 'frem',
  'icmp', 'fcmp', 'trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'ptrtoint', 'inttoptr', 'bitcast', 'select', 'phi',
  'getelementptr', 'call', 'fneg', 'load', 'store', 'alloca', 'freeze', 'atomicrmw', 'cmpxchg'];
const INT_OPS = ['add', 'sub', 'mul', 'shl', 'udiv', 'sdiv', 'lshr', 'ashr', 'and', 'or', 'xor', 'urem', 'srem'];
const FP_OPS = ['fadd', 'fsub', 'fmul', 'fdiv', 'frem'];
const CASTS = ['trunc', 'zext', 'sext', 'fptrunc', 'fpext', 'fptoui', 'fptosi', 'uitofp', 'sitofp', 'ptrtoint', 'inttoptr', 'bitcast', 'addrspacecast'];
const TYPES = ['i1', 'i8', 'i16', 'i32', 'i64', 'i128', 'half', 'float', 'double', 'x86_fp80', 'ptr', 'i8*', 'double*', 'void', '<2 x double>', '<4 x i32>', '{ i32, i32 }', '[2 x i8]', 'label', 'metadata', 'token'];
const NUMBERS = ['0', '1', '-1', '3', '7', '255', '256', '65536', '4294967296', '9223372036854775808', '-9223372036854775809', '1.5'];
const ICMP = ['eq', 'ne', 'ugt', 'uge', 'ult', 'ule', 'sgt', 'sge', 'slt', 'sle'];
const FCMP = ['oeq', 'ogt', 'oge', 'olt', 'ole', 'one', 'ord', 'ueq', 'ugt', 'uge', 'ult', 'ule', 'une', 'uno', 'true', 'false'];
const ORDERINGS = ['unordered', 'monotonic', 'acquire', 'release', 'acq_rel', 'seq_cst'];
const ATTRS = ['noalias', 'nocapture', 'readonly', 'writeonly', 'readnone', 'nonnull', 'dereferenceable(8)', 'dereferenceable_or_null(4)', 'align 3', 'align 16',
  'sret(i32)', 'byval(i32)', 'inreg', 'zeroext', 'signext', 'returned', 'nest', 'noundef', 'immarg', 'nofree', 'speculatable', 'noinline', 'alwaysinline',
  'cold', 'naked', 'noreturn', 'nounwind', 'allocsize(0)', 'uwtable', 'memory(none)', 'memory(argmem: read)', 'range(i32 0, 10)', 'nofpclass(nan)',
  'noreturn', 'swifterror', 'preallocated(i32)', 'inalloca(i32)', 'elementtype(i32)', 'alignstack(4)', 'vscale_range(1,2)', 'initializes((0, 8))'];
const LINKAGES = ['private', 'internal', 'available_externally', 'linkonce', 'weak', 'common', 'appending', 'extern_weak', 'linkonce_odr', 'weak_odr', 'external'];

export const MUTATORS: Record<string, (s: string, r: Rand) => Mutant | null> = {
  insertFlag: (s, r) => replaceOne(s, r, new RegExp(`= (?:${OPCODES.join('|')}) `, 'g'), (m) => `${m}${pick(r, FLAGS)} `, 'insert flag'),
  replaceFlag: (s, r) => replaceOne(s, r, new RegExp(` (?:${FLAGS.join('|')}) `, 'g'), () => ` ${pick(r, FLAGS)} `, 'replace flag'),
  replaceType: (s, r) => replaceOne(s, r, /(?<=[ (,<[])(?:i1|i8|i16|i32|i64|float|double|ptr|i8\*|double\*|half|x86_fp80)(?=[ ,)>\]*])/g, () => pick(r, TYPES), 'replace type'),
  replaceIntOpcode: (s, r) => replaceOne(s, r, new RegExp(`= (?:${INT_OPS.join('|')}) `, 'g'), () => `= ${pick(r, [...INT_OPS, ...FP_OPS])} `, 'replace opcode'),
  replaceFpOpcode: (s, r) => replaceOne(s, r, new RegExp(`= (?:${FP_OPS.join('|')}) `, 'g'), () => `= ${pick(r, [...INT_OPS, ...FP_OPS])} `, 'replace opcode'),
  replaceCast: (s, r) => replaceOne(s, r, new RegExp(`(?<=[ (])(?:${CASTS.join('|')}) `, 'g'), () => `${pick(r, CASTS)} `, 'replace cast'),
  replacePredicate: (s, r) => replaceOne(s, r, /(?<=[if]cmp (?:[a-z]+ )*)(?:eq|ne|ugt|uge|ult|ule|sgt|sge|slt|sle|oeq|ogt|oge|olt|ole|one|ord|ueq|une|uno) /g,
    () => `${pick(r, [...ICMP, ...FCMP])} `, 'replace predicate'),
  replaceNumber: (s, r) => replaceOne(s, r, /(?<=[ (,[])-?\d+(?=[ ,)\]\n])/g, () => pick(r, NUMBERS), 'replace number'),
  replaceAlign: (s, r) => replaceOne(s, r, /align \d+/g, () => `align ${pick(r, ['0', '1', '3', '6', '64', '1073741824', '4294967296', '8589934592'])}`, 'replace align'),
  replaceOrdering: (s, r) => replaceOne(s, r, new RegExp(` (?:${ORDERINGS.join('|')})(?=[ ,\n])`, 'g'), () => ` ${pick(r, ORDERINGS)}`, 'replace ordering'),
  insertAtomic: (s, r) => replaceOne(s, r, /= load (?!atomic)|(?<=\n {2})store (?!atomic)/g, (m) => `${m}atomic `, 'insert atomic'),
  insertAttribute: (s, r) => replaceOne(s, r, /(?<=\()(?:ptr|i32|i64|double|float|i8\*|double\*|i1|i8)(?= )|(?<=\) )(?=#\d)|(?<=define )(?=\w)/g,
    (m) => (m ? `${m} ${pick(r, ATTRS)}` : `${pick(r, ATTRS)} `), 'insert attribute'),
  replaceLinkage: (s, r) => replaceOne(s, r, /^(?:define|declare|@[\w.]+ = )(?: ?(?:private|internal|external|linkonce_odr|weak|dso_local|unnamed_addr|local_unnamed_addr))* ?/gm,
    (m) => `${m}${pick(r, LINKAGES)} `, 'insert linkage'),
  datalayout: (s, r) => replaceOne(s, r, /(?<=target datalayout = ")[^"]*/g, (dl) => {
    const parts = dl.split('-');
    const k = Math.floor(r() * parts.length);
    switch (Math.floor(r() * 6)) {
      case 0: parts.splice(k, 1); break;
      case 1: parts[k] = parts[k]!.replace(/\d+/, () => pick(r, ['0', '3', '7', '65536', '', 'x'])); break;
      case 2: parts.splice(k, 0, pick(r, ['x', 'p:7:8', 'i64', 'q64', 'e', 'E', 'S7', 'a:0', 'n', 'Fi8', 'Fz8', 'P1', 'A5', 'G1', 'm:q', 'm', 'v8:8:8', 'f80:129', 'p0:64:64:64:32', 'ni:1'])); break;
      case 3: parts[k] = parts[k]!.slice(0, Math.max(1, parts[k]!.length - 1)); break;
      case 4: parts[k] = parts[k]! + pick(r, [':', '::', ':8', 'x']); break;
      default: return parts.join('--');
    }
    return parts.join('-');
  }, 'mutate datalayout'),
  deleteToken: (s, r) => replaceOne(s, r, /(?<=[ (,])[%@!#]?[\w.$]+(?=[ ,)])/g, () => '', 'delete token'),
  duplicateLine: (s, r) => {
    const lines = s.split('\n');
    const k = Math.floor(r() * lines.length);
    if (!/^ {2}\S/.test(lines[k]!)) return null;
    const j = Math.min(lines.length - 1, k + 1 + Math.floor(r() * 5));
    lines.splice(j, 0, lines[k]!);
    return { text: lines.join('\n'), what: `copy line ${k + 1} to ${j + 1}` };
  },
  swapLines: (s, r) => {
    const lines = s.split('\n');
    const k = Math.floor(r() * (lines.length - 1));
    if (!/^ {2}\S/.test(lines[k]!) || !/^ {2}\S/.test(lines[k + 1]!)) return null;
    [lines[k], lines[k + 1]] = [lines[k + 1]!, lines[k]!];
    return { text: lines.join('\n'), what: `swap lines ${k + 1} and ${k + 2}` };
  },
  renameUse: (s, r) => replaceOne(s, r, /(?<=[ ,(\[])%[\w.]+(?=[ ,)\]])/g, () => pick(r, ['%0', '%1', '%2', '%5', '%entry', '%x', '%retval']), 'rename use'),
  intrinsicSuffix: (s, r) => replaceOne(s, r, /@llvm\.[a-z.]+\.(?:f32|f64|i32|i64|p0|v2f64|v4f32)(?=\()/g,
    (m) => m.replace(/\.(?:f32|f64|i32|i64|p0|v2f64|v4f32)$/, `.${pick(r, ['f32', 'f64', 'i32', 'i64', 'p0', 'v2f64'])}`), 'intrinsic suffix'),
  retMismatch: (s, r) => replaceOne(s, r, /ret (?:void|i32 \S+|double \S+|i64 \S+|ptr \S+)(?=\n)/g, () => pick(r, ['ret void', 'ret i32 0', 'ret double 0.0', 'ret ptr null']), 'replace ret'),
  callArgs: (s, r) => replaceOne(s, r, /call [^\n]*?@[\w.]+\([^()\n]*\)/g, (m) => {
    const open = m.lastIndexOf('(');
    const args = m.slice(open + 1, -1);
    const parts = args ? args.split(', ') : [];
    if (r() < 0.5 && parts.length) parts.splice(Math.floor(r() * parts.length), 1);
    else parts.push(pick(r, ['i32 0', 'double 1.0', 'ptr null']));
    return `${m.slice(0, open + 1)}${parts.join(', ')})`;
  }, 'change call arguments'),
  metadataKind: (s, r) => replaceOne(s, r, /, !(?:tbaa|range|nonnull|noundef|prof|llvm\.loop|dbg|noalias|alias\.scope|srcloc|invariant\.load) !\d+/g,
    (m) => m.replace(/!([\w.]+) /, `!${pick(r, ['tbaa', 'range', 'nonnull', 'noundef', 'prof', 'llvm.loop', 'noalias', 'invariant.load', 'align', 'dereferenceable'])} `), 'metadata kind'),
};
