// Reading only what is needed (docs/architecture.md, "Lazy loading"). For the commands that add
// derivatives to a module, function bodies and numbered metadata definitions stay source text
// until something reads them. The loader finds them by the layout LLVM prints: a body runs from a
// `define` line that ends with `{` to the next line that is `}`; a metadata definition is one
// `!N = ...` line. The parser sees only the braces of such a body (so every header is parsed and
// every global known); the function gets a DeferredBody that parses the text the first time its
// `blocks` are read, and the metadata definition a node that parses on first read. What nothing
// reads is printed back as written.
import { DiagnosticError, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { DeferredBody, DeferredInit, DeferredText, Function, GlobalValue, GlobalVariable } from '../ir/function.js';
import type { Value } from '../ir/value.js';
import type { Metadata, MetadataDef } from '../ir/metadata.js';
import { CHUNK, TokenPool, lexInto, topLevelCuts, type Tok } from './lexer.js';
import type { ParseState } from './state.js';
import * as T from './tokens.js';

export interface LazyOptions {
  /** Checks a body once it is read (the driver passes the verifier); its problems are thrown. */
  verify?: (f: Function) => Diagnostic[];
  /** Called after each chunk of the first pass with the characters read so far and the total (progress on a terminal). */
  onProgress?: (done: number, total: number) => void;
}

/** How much of the module was kept as text, and how much of that was read since. */
export interface LazyStats {
  bodies: number;
  bodiesRead: number;
  inits: number;
  initsRead: number;
  metadata: number;
  metadataRead: number;
}

// Deferrable entities found by `plan`, five numbers each.
const EV_BODY = 0; // [EV_BODY, start of `define`, offset of `{`, offset of `}`, 0]
const EV_MD = 1; // [EV_MD, start of `!N`, end of the line (trailing blanks excluded), N, end of `!N`]
const EV_INIT = 2; // [EV_INIT, start of `@g`, start of the initializer, its end, end of the line]
const STRIDE = 5;

const ZERO = T.K('zeroinitializer');
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The `}` of a body whose `{` ends the line before `from`: the next line that is `}` alone. */
function bodyEnd(text: string, from: number): number {
  for (let k = text.indexOf('\n}', from - 1); k >= 0; k = text.indexOf('\n}', k + 2)) {
    const after = k + 2 < text.length ? text.charCodeAt(k + 2) : 0x0a;
    if (after === 0x0a || isBlank(after)) return k + 1;
  }
  return -1;
}

/**
 * Whether the line at `j` starts a new top-level entity (or is blank, a comment, the end): what
 * must follow a one-line metadata definition for it to be complete.
 */
function startsEntityLine(text: string, j: number): boolean {
  if (j >= text.length) return true;
  switch (text.charCodeAt(j)) {
    case 0x21: case 0x40: case 0x25: case 0x24: case 0x5e: // ! @ % $ ^
    case 0x3b: case 0x0a: case 0x0d: // ; and blank lines
      return true;
    case 0x64: return text.startsWith('define', j) || text.startsWith('declare', j);
    case 0x61: return text.startsWith('attributes', j);
    case 0x75: return text.startsWith('uselistorder', j);
    default: return false;
  }
}

/** A growable array of small integers (offsets, ids): a JS array of a million numbers costs far more. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push5(a: number, b: number, c: number, d: number, e: number): void {
    if (this.length + 5 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const x = this.data;
    const k = this.length;
    x[k] = a; x[k + 1] = b; x[k + 2] = c; x[k + 3] = d; x[k + 4] = e;
    this.length = k + 5;
  }
}

/** Initializers shorter than this are parsed at once: deferring them would cost more than reading them. */
const MIN_DEFERRED_INIT = 24;

/** After an opening bracket at `i`: the index just past its match ([]{}<>() nest; strings skipped), or -1. */
function matchBracket(text: string, i: number, end: number): number {
  let depth = 0;
  for (let k = i; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x22) { k = text.indexOf('"', k + 1); if (k < 0 || k >= end) return -1; continue; }
    if (c === 0x5b || c === 0x7b || c === 0x3c || c === 0x28) depth++;
    else if (c === 0x5d || c === 0x7d || c === 0x3e || c === 0x29) { if (--depth === 0) return k + 1; }
    else if (c === 0x3b) return -1; // a comment: not the layout LLVM prints
  }
  return -1;
}

const isNameChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x24 || c === 0x2e || c === 0x5f;

/** End of the type written at `i` (`i32`, `ptr addrspace(1)`, `[4 x i8]`, `%T`, `i8*`, `void (i8*)*`...), or -1. */
function typeEnd(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  let e: number;
  if (c === 0x5b || c === 0x7b || c === 0x3c) e = matchBracket(text, i, end);
  else if (c === 0x25) { // %T or %"T"
    if (text.charCodeAt(i + 1) === 0x22) { const q = text.indexOf('"', i + 2); e = q < 0 || q >= end ? -1 : q + 1; } else { e = i + 1; while (e < end && isNameChar(text.charCodeAt(e))) e++; }
  } else {
    e = i;
    while (e < end && isNameChar(text.charCodeAt(e))) e++;
    if (e === i) return -1;
    if (text.startsWith('(', e)) e = matchBracket(text, e, end); // target("...")
  }
  while (e > 0 && e < end) {
    if (text.charCodeAt(e) === 0x2a) { e++; continue; } // typed pointer
    if (text.startsWith(' addrspace(', e)) { e = matchBracket(text, e + 10, end); continue; }
    if (text.startsWith(' (', e)) { // a function type: only as the pointee of a typed pointer
      const f = matchBracket(text, e + 1, end);
      if (f > 0 && text.charCodeAt(f) === 0x2a) { e = f; continue; }
    }
    break;
  }
  return e;
}

/**
 * The initializer of a global variable definition on the line [i, nl) as LLVM prints one
 * (`@g = [words] global|constant TYPE INIT[, ...]`): [start, end), or null when there is none or
 * the line does not have that shape.
 */
function initializerRange(text: string, i: number, nl: number): [number, number] | null {
  let k = i + 1;
  if (text.charCodeAt(k) === 0x22) { k = text.indexOf('"', k + 1) + 1; if (k <= 0 || k >= nl) return null; } else while (k < nl && isNameChar(text.charCodeAt(k))) k++;
  if (!text.startsWith(' = ', k)) return null;
  k += 3;
  for (;;) { // linkage, visibility, thread_local(...), addrspace(N) ... up to `global` / `constant`
    let w = k;
    while (w < nl && text.charCodeAt(w) !== 0x20) w++;
    const word = text.slice(k, w);
    if (w >= nl || word === 'external' || word === 'extern_weak' || word === 'alias' || word === 'ifunc' || word.includes('"')) return null;
    k = w + 1;
    if (word === 'global' || word === 'constant') break;
  }
  const te = typeEnd(text, k, nl);
  if (te < 0 || text.charCodeAt(te) !== 0x20) return null;
  const from = te + 1;
  let e = from;
  for (; e < nl; e++) { // to the first `,` or ` #` outside brackets and strings
    const c = text.charCodeAt(e);
    if (c === 0x2c || c === 0x23 || c === 0x3b) break;
    if (c === 0x22) { e = text.indexOf('"', e + 1); if (e < 0 || e >= nl) return null; continue; }
    if (c === 0x5b || c === 0x7b || c === 0x3c || c === 0x28) { e = matchBracket(text, e, nl) - 1; if (e < 0) return null; }
  }
  if (text.charCodeAt(e) === 0x3b) return null;
  let to = e;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return to - from >= MIN_DEFERRED_INIT ? [from, to] : null;
}

/** The deferrable bodies and metadata definitions of `text`, in source order (see EV_BODY, EV_MD). */
export function plan(text: string): IntList {
  const ev = new IntList();
  const n = text.length;
  let i = 0;
  while (i < n) {
    let nl = text.indexOf('\n', i);
    if (nl < 0) nl = n;
    const c = text.charCodeAt(i);
    if (c === 0x64 && text.startsWith('define', i)) {
      let e = nl;
      while (e > i && isBlank(text.charCodeAt(e - 1))) e--;
      if (text.charCodeAt(e - 1) === 0x7b) {
        const close = bodyEnd(text, nl + 1);
        if (close >= 0) {
          ev.push5(EV_BODY, i, e - 1, close, 0);
          const after = text.indexOf('\n', close);
          i = after < 0 ? n : after + 1;
          continue;
        }
      }
    } else if (c === 0x40) {
      const r = initializerRange(text, i, nl);
      if (r) ev.push5(EV_INIT, i, r[0], r[1], nl);
    } else if (c === 0x21 && isDigit(text.charCodeAt(i + 1))) {
      let k = i + 1;
      let id = 0;
      while (k < nl && isDigit(text.charCodeAt(k))) id = id * 10 + text.charCodeAt(k++) - 0x30;
      if (k - i < 10 && text.startsWith(' = ', k)) {
        let e = nl;
        while (e > k && isBlank(text.charCodeAt(e - 1))) e--;
        const last = text.charCodeAt(e - 1);
        if ((last === 0x7d || last === 0x29 || last === 0x22) && startsEntityLine(text, nl + 1)) ev.push5(EV_MD, i, e, id, k);
      }
    }
    i = nl + 1;
  }
  return ev;
}

const BARE = /^[-a-zA-Z$._][-a-zA-Z$._0-9]*$/;

/** A range of the source, searched by the loader's occurrence index. */
class SourceText implements DeferredText {
  /** `region`: the kind of entity (EV_BODY, EV_MD, EV_INIT), whose stretch of source is searched. */
  constructor(protected readonly loader: LazyLoader, readonly from: number, readonly to: number, private readonly region: number) {}
  get source(): string { return this.loader.file.text; }
  text(): string { return this.loader.file.text.slice(this.from, this.to); }
  mentions(needle: string): boolean { return this.loader.occursIn(needle, this.from, this.to, false, this.region); }
  mentionsGlobal(g: GlobalValue): boolean {
    const s = this.loader.spelling(g);
    if (s === null) return false;
    // a name that could be written bare may still be quoted (rustc quotes names with `$`)
    return (s.bare !== null && this.loader.occursIn(s.bare, this.from, this.to, true, this.region)) ||
      (s.quoted !== null && this.loader.occursIn(s.quoted, this.from, this.to, false, this.region));
  }
}

class LazyBody extends SourceText implements DeferredBody {
  /** `from`..`to` is the body from `{` through `}`; `start` is where its `define` begins. */
  constructor(loader: LazyLoader, readonly start: number, open: number, close: number) { super(loader, open, close + 1, EV_BODY); }
  materialize(f: Function): void { this.loader.readBody(f, this); }
}

/** A metadata definition kept as its line of text (`from`..`to`) until its node is read. */
class LazyMetadataDef extends SourceText implements MetadataDef {
  private parsed: Metadata | null = null;
  constructor(loader: LazyLoader, readonly id: number, from: number, to: number) { super(loader, from, to, EV_MD); }
  get pos(): number { return this.from; }
  get deferred(): DeferredText | null { return this.parsed === null ? this : null; }
  get node(): Metadata {
    this.parsed ??= this.loader.readMetadata(this.id, this.from, this.to);
    return this.parsed;
  }
}

/** A global variable's initializer kept as text (`from`..`to`); the line it is on starts at `start`. */
class LazyInit extends SourceText implements DeferredInit {
  constructor(loader: LazyLoader, readonly start: number, from: number, to: number, readonly lineEnd: number) { super(loader, from, to, EV_INIT); }
  materialize(g: GlobalVariable): Value { return this.loader.readInit(g, this); }
}

/**
 * Runs the parser over one chunk of tokens (parse.ts owns the single parser; it sets the parse
 * state, turns recognition errors into diagnostics and releases the parser afterwards).
 */
export type ChunkRunner = (tokens: Tok[], end: number) => void;

/** Defers the bodies and metadata of one module while it is parsed, and reads them on demand. */
export class LazyLoader {
  readonly stats: LazyStats = { bodies: 0, bodiesRead: 0, inits: 0, initsRead: 0, metadata: 0, metadataRead: 0 };
  private readonly bodyAt = new Map<number, LazyBody>();
  /** Deferred initializers by the offset of their global's name, until the globals exist. */
  private readonly initAt = new Map<number, LazyInit>();
  private readonly globalAt = new Map<number, GlobalVariable>();
  private readonly index: Map<string, number[]>[] = [];
  private readonly spellings = new Map<GlobalValue, { bare: string | null; quoted: string | null } | null>();
  /**
   * Stretches of the source that hold every deferred entity of one kind (bodies, initializers,
   * metadata): a text is searched within the stretch of its kind, not the whole source.
   */
  private readonly regions: [number, number][] = [[-1, -1], [-1, -1], [-1, -1]];

  constructor(
    readonly file: SourceFile,
    private readonly st: ParseState,
    private readonly run: ChunkRunner,
    private readonly opts: LazyOptions,
  ) {
    st.onGlobalVar = (g) => { if (this.initAt.has(g.pos)) this.globalAt.set(g.pos, g); };
    st.deferBody = (f, close) => {
      const b = this.bodyAt.get(close);
      if (b === undefined) return false;
      f.deferred = b;
      this.stats.bodies++;
      return true;
    };
  }

  /**
   * Lexes and parses the module chunk by chunk (as lexInChunks does), skipping what `plan`
   * finds: the parser gets a skipped body's braces, a skipped metadata line nothing at all.
   */
  parse(): void {
    const { file } = this;
    const text = file.text;
    const { data: ev, length: evLength } = plan(text);
    for (let e = 0; e < evLength; e += STRIDE) {
      const kind = ev[e]!;
      const r = this.regions[kind]!;
      if (r[0] < 0) r[0] = ev[e + 1]!;
      r[1] = kind === EV_BODY ? ev[e + 3]! + 1 : kind === EV_MD ? ev[e + 2]! : ev[e + 3]!;
    }
    const pool = new TokenPool();
    let pos = 0;
    let lexed = 0;
    const flush = (at: number): void => {
      if (pool.count > 0) this.run(pool.tokens(), at);
      this.opts.onProgress?.(at, text.length);
      pool.count = 0;
      lexed = 0;
    };
    /** Lexes [a, b), parsing a chunk whenever enough is lexed at an entity boundary. */
    const eager = (a: number, b: number, endIsBoundary: boolean): void => {
      // between two deferred lines there is usually only a line break
      while (a < b && text.charCodeAt(a) <= 0x20) a++;
      if (b <= a) return;
      const cuts = b - a > CHUNK ? topLevelCuts(text, CHUNK, a, b) : [a];
      cuts.push(b);
      for (let k = 0; k + 1 < cuts.length; k++) {
        lexInto(file, cuts[k]!, cuts[k + 1]!, pool);
        lexed += cuts[k + 1]! - cuts[k]!;
        if (lexed >= CHUNK && (k + 2 < cuts.length || endIsBoundary)) flush(cuts[k + 1]!);
      }
    };
    for (let e = 0; e < evLength; e += STRIDE) {
      const start = ev[e + 1]!;
      if (ev[e] === EV_BODY) {
        const open = ev[e + 2]!;
        const close = ev[e + 3]!;
        eager(pos, open, false);
        this.bodyAt.set(close, new LazyBody(this, start, open, close));
        pool.push(T.LBrace, text, open, open + 1);
        pool.push(T.RBrace, text, close, close + 1);
        pos = close + 1;
        lexed += 64;
        if (lexed >= CHUNK) flush(pos);
      } else if (ev[e] === EV_INIT) {
        // the parser reads `zeroinitializer` in its place; the text is attached once the global exists
        const from = ev[e + 2]!;
        const to = ev[e + 3]!;
        eager(pos, from, false);
        this.initAt.set(start, new LazyInit(this, start, from, to, ev[e + 4]!));
        pool.push(ZERO, text, from, to);
        pos = to;
      } else {
        if (start - pos > 1 || text.charCodeAt(pos) > 0x20) eager(pos, start, true);
        const end = ev[e + 2]!;
        this.st.addDeferredMetadata(new LazyMetadataDef(this, ev[e + 3]!, start, end), ev[e + 4]!);
        this.stats.metadata++;
        pos = end;
      }
    }
    eager(pos, text.length, true);
    flush(text.length);
    this.bodyAt.clear();
    for (const [at, init] of this.initAt) {
      const g = this.globalAt.get(at);
      if (g !== undefined) { g.deferredInit = init; this.stats.inits++; }
    }
    this.initAt.clear();
    this.globalAt.clear();
    // deferred definitions were registered as lexed, ahead of the parsed ones of their chunk
    const defs = this.st.m.metadata;
    for (let k = 1; k < defs.length; k++) {
      if (defs[k]!.pos < defs[k - 1]!.pos) { defs.sort((a, b) => a.pos - b.pos); break; }
    }
  }

  /** Parses `[from, to)` (one whole entity) with the parse state completing `remat`. */
  private reparse(from: number, to: number, remat: NonNullable<ParseState['remat']>): void {
    const pool = new TokenPool();
    lexInto(this.file, from, to, pool);
    const types = this.st.m.types.named.size;
    this.st.remat = remat;
    try {
      this.run(pool.tokens(), to);
    } finally {
      this.st.remat = null;
    }
    this.st.resolver.checkLateTypes(types);
  }

  /** Reads a deferred body into `f`: parse (header again, into a shell), bind, verify. */
  readBody(f: Function, b: LazyBody): void {
    const st = this.st;
    const mark = st.blockAddresses.length;
    this.reparse(b.start, b.to, { fn: f });
    this.stats.bodiesRead++;
    for (const ba of st.blockAddresses.splice(mark)) st.resolver.bindBlockAddress(ba);
    const problems = this.opts.verify?.(f) ?? [];
    if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
  }

  /** Reads a deferred initializer: the global's line again, into a shell; the initializer is bound. */
  readInit(g: GlobalVariable, d: LazyInit): Value {
    let shell: GlobalVariable | null = null;
    const st = this.st;
    const mark = st.blockAddresses.length;
    this.reparse(d.start, d.lineEnd, { global: (s) => { shell = s; } });
    const init = (shell as GlobalVariable | null)?.init;
    if (!init) throw new Error(`lazy loading: the initializer of @${g.name ?? '?'} did not parse`);
    const bound = st.resolver.bindLateValue(init);
    for (const ba of st.blockAddresses.splice(mark)) st.resolver.bindBlockAddress(ba);
    this.stats.initsRead++;
    return bound;
  }

  /** Reads a deferred metadata definition. */
  readMetadata(id: number, from: number, to: number): Metadata {
    let node: Metadata | null = null;
    this.reparse(from, to, { md: (n) => { node = n; } });
    if (node === null) throw new Error(`lazy loading: !${id} did not parse to a node`);
    this.st.resolver.bindLate(node);
    this.stats.metadataRead++;
    return node;
  }

  /**
   * How a global may be spelled in the source: `@name` when the name allows it, `@"name"` (any
   * name; `@"12"` is a name, not the number 12), `@12` for a numbered one; cached per global.
   */
  spelling(g: GlobalValue): { bare: string | null; quoted: string | null } | null {
    let s = this.spellings.get(g);
    if (s === undefined) {
      const name = g.name;
      s = name === null ? null : g.numbered ? { bare: '@' + name, quoted: null } : { bare: BARE.test(name) ? '@' + name : null, quoted: '@"' + name + '"' };
      this.spellings.set(g, s);
    }
    return s;
  }

  /**
   * Sorted offsets of `needle` in the stretch of source that holds the deferred entities of kind
   * `region` (computed once per needle and region): a body is searched among the bodies only.
   */
  private occurrences(needle: string, region: number): number[] {
    let byNeedle = this.index[region];
    if (byNeedle === undefined) byNeedle = this.index[region] = new Map();
    let at = byNeedle.get(needle);
    if (at === undefined) {
      at = [];
      const [lo, hi] = this.regions[region]!;
      const text = this.file.text.slice(lo, hi);
      for (let k = text.indexOf(needle); k >= 0; k = text.indexOf(needle, k + 1)) at.push(lo + k);
      byNeedle.set(needle, at);
    }
    return at;
  }

  /** Whether `needle` occurs within [from, to) of region `region`; `whole`: not followed by a name character. */
  occursIn(needle: string, from: number, to: number, whole: boolean, region: number): boolean {
    const at = this.occurrences(needle, region);
    let lo = 0, hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < from) lo = mid + 1; else hi = mid;
    }
    const text = this.file.text;
    for (let k = lo; k < at.length && at[k]! + needle.length <= to; k++) {
      if (!whole) return true;
      const next = text.charCodeAt(at[k]! + needle.length);
      if (Number.isNaN(next) || !isNameChar(next)) return true;
    }
    return false;
  }
}
