// Source positions from debug info: the `!dbg` DILocation of an instruction, the file of its
// scope, the function it belongs to, and the chain of call sites it was inlined into
// (`inlinedAt`). The one place where a diagnostic that points at an instruction gets the
// user's line: `sourceLocator` finds the instruction under a diagnostic's offset
// (instructions the transform creates carry the primal's span, so they are found too); the
// loader hangs it on the SourceFile, and the renderer asks it.
import type { SourceLocation } from '../diag/diagnostic.js';
import type { Metadata, MDSpecial } from './metadata.js';
import type { Module } from './module.js';
import type { Instruction } from './instructions.js';
import type { Function } from './function.js';
import type { Value } from './value.js';

/** The text of a quoted metadata field (`"norm.c"`), with LLVM's `\XX` escapes decoded. */
export function unquoteField(raw: string): string {
  if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') return raw;
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch === 0x5c && i + 2 < body.length && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === 0x5c && body[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else {
      for (const b of Buffer.from(body[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Reads DILocations of one module; metadata nodes are looked up by number once per instance. */
export class DebugLocations {
  private nodes: Map<number, Metadata> | null = null;
  constructor(private readonly m: Module) {}

  private node(md: Metadata | undefined | null): MDSpecial | null {
    let cur: Metadata | undefined | null = md;
    for (let guard = 0; cur && cur.mk === 'ref' && guard < 8; guard++) {
      if (!this.nodes) {
        this.nodes = new Map();
        for (const d of this.m.metadata) this.nodes.set(d.id, d.node);
      }
      cur = this.nodes.get(cur.id);
    }
    return cur && cur.mk === 'special' ? cur : null;
  }

  private text(n: MDSpecial, key: string): string | null {
    const v = n.field(key);
    if (!v) return null;
    if (v.mk === 'raw') return unquoteField(v.text);
    if (v.mk === 'string') return unquoteField(`"${v.text}"`);
    return null;
  }

  private int(n: MDSpecial, key: string): number {
    const t = this.text(n, key);
    const v = t === null ? NaN : Number(t);
    return Number.isFinite(v) ? v : 0;
  }

  /** The file and the enclosing subprogram of a scope (lexical block, block file, subprogram...). */
  private scopeInfo(scope: Metadata | undefined): { file: string; directory: string | null; function: string | null } {
    let file: { file: string; directory: string | null } | null = null;
    let fn: string | null = null;
    let cur = this.node(scope);
    for (let guard = 0; cur && guard < 64; guard++) {
      if (!file) {
        const f = cur.name === 'DIFile' ? cur : this.node(cur.field('file'));
        if (f && f.name === 'DIFile') file = { file: this.text(f, 'filename') ?? '<unknown>', directory: this.text(f, 'directory') };
      }
      if (cur.name === 'DISubprogram') {
        fn = this.text(cur, 'linkageName') ?? this.text(cur, 'name');
        break;
      }
      cur = this.node(cur.field('scope'));
    }
    return { file: file?.file ?? '<unknown>', directory: file?.directory ?? null, function: fn };
  }

  /** A DILocation and its inlined-at chain, innermost first; empty when `md` is not a DILocation. */
  chain(md: Metadata | undefined | null): SourceLocation[] {
    const out: SourceLocation[] = [];
    let loc = this.node(md);
    for (let guard = 0; loc && loc.name === 'DILocation' && guard < 256; guard++) {
      const s = this.scopeInfo(loc.field('scope'));
      out.push({ file: s.file, directory: s.directory, line: this.int(loc, 'line'), column: this.int(loc, 'column'), function: s.function });
      loc = this.node(loc.field('inlinedAt'));
    }
    return out;
  }

  /**
   * Where `v` came from in the source: the `!dbg` of the instruction (or of the primal
   * instruction a generated one stands for), or, for a function, its subprogram's line.
   */
  of(v: Value): SourceLocation[] {
    let cur: Value | null = v;
    for (let guard = 0; cur && guard < 64; guard++) {
      if (cur.vk === 'inst') {
        const i = cur as Instruction;
        const dbg = i.attachments?.find((a) => a.kind === 'dbg');
        if (dbg) {
          const c = this.chain(dbg.md);
          // line 0: compiler-generated code with no source line of its own
          if (c.length && c[0]!.line > 0) return c;
        }
        cur = i.origin;
        continue;
      }
      if (cur.vk === 'function') {
        const sp = this.node((cur as Function).attachments?.find((a) => a.kind === 'dbg')?.md);
        if (sp && sp.name === 'DISubprogram' && this.int(sp, 'line') > 0) {
          const s = this.scopeInfo(sp);
          return [{ file: s.file, directory: s.directory, line: this.int(sp, 'line'), column: 0, function: s.function }];
        }
      }
      break;
    }
    return [];
  }
}

/** Instructions (and function headers) of a module sorted by source offset, to find what a diagnostic points at. */
class SpanIndex {
  private readonly starts: number[] = [];
  private readonly values: Value[] = [];
  constructor(m: Module) {
    const items: Value[] = [];
    for (const f of m.functions) {
      if (f.pos >= 0) items.push(f);
      for (const b of f.blocks) for (const i of b.instructions) if (i.pos >= 0) items.push(i);
    }
    items.sort((a, b) => a.pos - b.pos);
    for (const v of items) { this.starts.push(v.pos); this.values.push(v); }
  }

  /** The instruction whose text holds `offset`, else a function whose header starts there. */
  at(offset: number): Value | null {
    let lo = 0, hi = this.starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // several values may share a start (a generated copy keeps its primal's span): take an instruction with !dbg first
    let best: Value | null = null;
    for (let k = found; k >= 0 && this.starts[k] === this.starts[found]; k--) {
      const v = this.values[k]!;
      const inside = offset < Math.max(v.end, v.pos + 1) || (v.vk === 'function' && offset === v.pos);
      if (!inside) continue;
      if (!best || (v.vk === 'inst' && (v as Instruction).attachments?.some((a) => a.kind === 'dbg'))) best = v;
    }
    return best;
  }
}

/**
 * The `!dbg` source position of whatever a diagnostic offset points at in `m` (an instruction,
 * or a function header), for `SourceFile.debugLocator`. The index is built on the first call,
 * that is only when a diagnostic is shown.
 */
export function sourceLocator(m: Module): (offset: number) => SourceLocation[] {
  let index: SpanIndex | null = null;
  let locs: DebugLocations | null = null;
  return (offset) => {
    if (offset < 0) return [];
    index ??= new SpanIndex(m);
    const v = index.at(offset);
    if (!v) return [];
    locs ??= new DebugLocations(m);
    return locs.of(v);
  };
}
