// Rust symbol names: the legacy scheme (Itanium-shaped `_ZN...17h<hash>E` with `$LT$`-style
// escapes) and v0 (`_R...`, RFC 2603). Written from the RFC's grammar; the output follows GNU
// c++filt's Rust printing (`crate[hash]::path`, `::<...>` in value paths, `3: usize` for
// constants) when `rustHash` is set, and leaves out crate hashes and the legacy `::h...` hash
// otherwise, for readable diagnostics. Names it cannot read give null.

class Fail extends Error {}

// -- legacy ---------------------------------------------------------------------

const LEGACY_ESCAPES: Record<string, string> = {
  SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',',
};

function legacyComponent(raw: string): string {
  let s = raw;
  if (s.startsWith('_$')) s = s.slice(1);
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '$') {
      const end = s.indexOf('$', i + 1);
      if (end < 0) throw new Fail();
      const code = s.slice(i + 1, end);
      const esc = LEGACY_ESCAPES[code];
      if (esc !== undefined) out += esc;
      else if (/^u[0-9a-f]{1,6}$/.test(code)) out += String.fromCodePoint(parseInt(code.slice(1), 16));
      else throw new Fail();
      i = end + 1;
    } else if (c === '.' && s[i + 1] === '.') {
      out += '::';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function demangleLegacy(name: string, keepHash: boolean): string | null {
  const s = name.startsWith('__ZN') ? name.slice(1) : name;
  if (!s.startsWith('_ZN')) return null;
  let pos = 3;
  const parts: string[] = [];
  while (pos < s.length && s[pos] !== 'E') {
    const m = /^\d+/.exec(s.slice(pos));
    if (!m) return null;
    const len = Number(m[0]);
    pos += m[0].length;
    if (len === 0 || pos + len > s.length) return null;
    parts.push(s.slice(pos, pos + len));
    pos += len;
  }
  if (s[pos] !== 'E' || parts.length < 2) return null;
  const rest = s.slice(pos + 1);
  if (rest !== '' && !/^\.[A-Za-z0-9._$]*$/.test(rest)) return null;
  const hash = parts[parts.length - 1]!;
  if (!/^h[0-9a-f]{16}$/.test(hash)) return null;
  // every component must be made of characters a Rust legacy name uses
  for (const p of parts) if (!/^[A-Za-z0-9_$.]+$/.test(p)) return null;
  try {
    const shown = parts.slice(0, keepHash ? parts.length : parts.length - 1).map(legacyComponent);
    return shown.join('::');
  } catch (e) {
    if (e instanceof Fail) return null;
    throw e;
  }
}

// -- v0 -------------------------------------------------------------------------

const BASIC: Record<string, string> = {
  a: 'i8', b: 'bool', c: 'char', d: 'f64', e: 'str', f: 'f32', h: 'u8', i: 'isize', j: 'usize',
  l: 'i32', m: 'u32', n: 'i128', o: 'u128', s: 'i16', t: 'u16', u: '()', v: '...', x: 'i64',
  y: 'u64', z: '!', p: '_',
};

/** RFC 3492 punycode, as Rust uses it for non-ASCII identifiers (`_` separates the basic code points). */
function punycode(input: string): string {
  const sep = input.lastIndexOf('_');
  const out: number[] = sep >= 0 ? [...input.slice(0, sep)].map((c) => c.codePointAt(0)!) : [];
  const rest = sep >= 0 ? input.slice(sep + 1) : input;
  let n = 128, i = 0, bias = 72, k = 0;
  const digit = (c: string): number => {
    if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 97;
    if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48 + 26;
    throw new Fail();
  };
  while (k < rest.length) {
    const oldi = i;
    let w = 1;
    for (let t = 36; ; t += 36) {
      if (k >= rest.length) throw new Fail();
      const d = digit(rest[k++]!);
      i += d * w;
      const th = t <= bias ? 1 : t >= bias + 26 ? 26 : t - bias;
      if (d < th) break;
      w *= 36 - th;
      if (w > 1e12) throw new Fail();
    }
    const len = out.length + 1;
    let delta = oldi === 0 ? Math.floor((i - oldi) / 700) : Math.floor((i - oldi) / 2);
    delta += Math.floor(delta / len);
    let kk = 0;
    while (delta > 455) { delta = Math.floor(delta / 35); kk += 36; }
    bias = kk + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff) throw new Fail();
    out.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...out);
}

class V0 {
  pos = 0;
  /** Lifetimes bound by `for<...>` binders currently open. */
  private boundLifetimes = 0;
  /** Parse steps left (back references can revisit parts of the name): proportional to its length. */
  private budget: number;
  constructor(readonly s: string, readonly verbose: boolean) { this.budget = 64 + 32 * s.length; }

  peek(): string { return this.s[this.pos] ?? ''; }
  eat(c: string): boolean { if (this.s[this.pos] === c) { this.pos++; return true; } return false; }
  next(): string { const c = this.s[this.pos]; if (c === undefined) throw new Fail(); this.pos++; return c; }
  guard(): void { if (--this.budget < 0) throw new Fail(); }

  /** `<base-62-number>`: `_` is 0, `<digits>_` is the value + 1 (crate hashes need 64 bits). */
  base62Big(): bigint {
    if (this.eat('_')) return 0n;
    let v = 0n;
    for (;;) {
      const c = this.next();
      if (c === '_') return v + 1n;
      let d: number;
      if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
      else if (c >= 'a' && c <= 'z') d = c.charCodeAt(0) - 97 + 10;
      else if (c >= 'A' && c <= 'Z') d = c.charCodeAt(0) - 65 + 36;
      else throw new Fail();
      v = v * 62n + BigInt(d);
      if (v > 1n << 70n) throw new Fail();
    }
  }

  /** A base-62 number used as a position or an index. */
  base62(): number {
    const v = this.base62Big();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Fail();
    return Number(v);
  }

  /** `s<base-62-number>`: the disambiguator (0 when absent), kept to 64 bits as c++filt does. */
  disambiguator(): bigint {
    return this.eat('s') ? (this.base62Big() + 1n) & ((1n << 64n) - 1n) : 0n;
  }

  decimal(): number {
    const m = /^(0|[1-9]\d*)/.exec(this.s.slice(this.pos));
    if (!m) throw new Fail();
    this.pos += m[0].length;
    return Number(m[0]);
  }

  ident(): { name: string; dis: bigint } {
    const dis = this.disambiguator();
    return { name: this.undisambiguatedIdent(), dis };
  }

  undisambiguatedIdent(): string {
    const puny = this.eat('u');
    const len = this.decimal();
    this.eat('_');
    if (this.pos + len > this.s.length) throw new Fail();
    const raw = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    return puny ? punycode(raw) : raw;
  }

  /** Runs `f` at a back-referenced position, then returns here. */
  backref<T>(f: () => T): T {
    const start = this.pos - 1;
    const target = this.base62();
    if (target >= start) throw new Fail();
    const saved = this.pos;
    this.pos = target;
    try {
      return f();
    } finally {
      this.pos = saved;
    }
  }

  path(inValue: boolean): string {
    this.guard();
    const c = this.next();
    switch (c) {
      case 'C': {
        const { name, dis } = this.ident();
        return this.verbose ? `${name}[${dis.toString(16)}]` : name;
      }
      case 'N': {
        const ns = this.next();
        const parent = this.path(inValue);
        const { name, dis } = this.ident();
        if (ns >= 'a' && ns <= 'z') return name ? `${parent}::${name}` : parent;
        if (!(ns >= 'A' && ns <= 'Z')) throw new Fail();
        const kind = ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns;
        return `${parent}::{${kind}${name ? `:${name}` : ''}#${dis}}`;
      }
      case 'M': {
        this.disambiguator();
        this.skipPath();
        return `<${this.type()}>`;
      }
      case 'X': {
        this.disambiguator();
        this.skipPath();
        const t = this.type();
        return `<${t} as ${this.path(false)}>`;
      }
      case 'Y': {
        const t = this.type();
        return `<${t} as ${this.path(false)}>`;
      }
      case 'I': {
        const p = this.path(inValue);
        const args: string[] = [];
        while (!this.eat('E')) args.push(this.genericArg());
        return `${p}${inValue ? '::' : ''}<${args.join(', ')}>`;
      }
      case 'B': return this.backref(() => this.path(inValue));
      default: throw new Fail();
    }
  }

  /** An impl path is not printed: it only disambiguates. */
  skipPath(): void {
    const saved = this.verbose;
    void saved;
    this.path(false);
  }

  genericArg(): string {
    if (this.eat('L')) return this.lifetime(this.base62());
    if (this.eat('K')) return this.constant();
    return this.type();
  }

  lifetime(idx: number): string {
    if (idx === 0) return "'_";
    const depth = this.boundLifetimes - idx;
    if (depth < 0) return `'_${-depth >>> 0}`;
    return depth < 26 ? `'${String.fromCharCode(97 + depth)}` : `'_${depth}`;
  }

  binder(): number {
    if (!this.eat('G')) return 0;
    return this.base62() + 1;
  }

  withBinder(count: number, f: (names: string[]) => string): string {
    const names: string[] = [];
    for (let k = 0; k < count; k++) {
      this.boundLifetimes++;
      names.push(this.lifetime(1));
    }
    try {
      return f(names);
    } finally {
      this.boundLifetimes -= count;
    }
  }

  type(): string {
    this.guard();
    const c = this.next();
    const b = BASIC[c];
    if (b) return b;
    switch (c) {
      case 'R': case 'Q': {
        let lt = '';
        if (this.eat('L')) {
          const idx = this.base62();
          if (idx !== 0) lt = `${this.lifetime(idx)} `;
        }
        return `&${lt}${c === 'Q' ? 'mut ' : ''}${this.type()}`;
      }
      case 'P': return `*const ${this.type()}`;
      case 'O': return `*mut ${this.type()}`;
      case 'A': {
        const t = this.type();
        return `[${t}; ${this.constant()}]`;
      }
      case 'S': return `[${this.type()}]`;
      case 'T': {
        const ts: string[] = [];
        while (!this.eat('E')) ts.push(this.type());
        return ts.length === 1 ? `(${ts[0]},)` : `(${ts.join(', ')})`;
      }
      case 'F': {
        const count = this.binder();
        return this.withBinder(count, (names) => {
          let out = names.length ? `for<${names.join(', ')}> ` : '';
          if (this.eat('U')) out += 'unsafe ';
          if (this.eat('K')) {
            let abi: string;
            if (this.eat('C')) abi = 'C';
            else abi = this.undisambiguatedIdent().replace(/_/g, '-');
            out += `extern "${abi}" `;
          }
          const args: string[] = [];
          while (!this.eat('E')) args.push(this.type());
          const ret = this.type();
          return `${out}fn(${args.join(', ')})${ret === '()' ? '' : ` -> ${ret}`}`;
        });
      }
      case 'D': {
        const count = this.binder();
        const traits = this.withBinder(count, (names) => {
          const bounds: string[] = [];
          while (!this.eat('E')) bounds.push(this.dynTrait());
          return `${names.length ? `for<${names.join(', ')}> ` : ''}${bounds.join(' + ')}`;
        });
        if (!this.eat('L')) throw new Fail();
        const idx = this.base62();
        return `dyn ${traits}${idx !== 0 ? ` + ${this.lifetime(idx)}` : ''}`;
      }
      case 'B': return this.backref(() => this.type());
      default: {
        this.pos--;
        return this.path(false);
      }
    }
  }

  /** A trait in `dyn`, with its associated type bindings merged into its generic arguments. */
  dynTrait(): string {
    let p = this.dynTraitPath();
    const binds: string[] = [];
    while (this.eat('p')) {
      const name = this.undisambiguatedIdent();
      binds.push(`${name} = ${this.type()}`);
    }
    if (binds.length) {
      if (p.endsWith('>')) p = `${p.slice(0, -1)}, ${binds.join(', ')}>`;
      else p = `${p}<${binds.join(', ')}>`;
    }
    return p;
  }

  dynTraitPath(): string {
    // like a type-position path; generic arguments print as `<...>`
    return this.path(false);
  }

  constant(): string {
    this.guard();
    if (this.eat('p')) return '_';
    if (this.eat('B')) return this.backref(() => this.constant());
    const tc = this.next();
    const t = BASIC[tc];
    if (!t) throw new Fail();
    const neg = this.eat('n');
    const start = this.pos;
    while (this.peek() !== '_') { if (!/[0-9a-f]/.test(this.next())) throw new Fail(); }
    const hex = this.s.slice(start, this.pos);
    this.pos++;
    const value = hex === '' ? 0n : BigInt(`0x${hex}`);
    let text: string;
    if (t === 'bool') {
      if (value > 1n) throw new Fail();
      text = value === 1n ? 'true' : 'false';
    } else if (t === 'char') {
      const cp = Number(value);
      if (cp > 0x10ffff) throw new Fail();
      const ch = String.fromCodePoint(cp);
      text = `'${ch === "'" ? "\\'" : ch === '\\' ? '\\\\' : cp < 0x20 || cp === 0x7f ? `\\u{${cp.toString(16)}}` : ch}'`;
    } else {
      text = `${neg ? '-' : ''}${value.toString()}`;
    }
    return this.verbose ? `${text}: ${t}` : text;
  }
}

function demangleV0(name: string, verbose: boolean): string | null {
  let s = name;
  if (s.startsWith('__R')) s = s.slice(1);
  if (!s.startsWith('_R')) return null;
  let body = s.slice(2);
  // an LLVM suffix (`.llvm.1234`) or a clone suffix follows the name
  let suffix = '';
  const dot = body.indexOf('.');
  if (dot >= 0) { suffix = body.slice(dot); body = body.slice(0, dot); }
  if (!/^[A-Za-z0-9_]+$/.test(body)) return null;
  const p = new V0(body, verbose);
  try {
    if (/\d/.test(p.peek())) p.decimal(); // encoding version
    const out = p.path(true);
    // the instantiating crate, when present, is a path too (not shown)
    if (p.pos < body.length) p.path(false);
    if (p.pos !== body.length) return null;
    void suffix; // c++filt shows neither `.llvm.N` nor `.N` suffixes
    return out.length > 65536 ? null : out;
  } catch (e) {
    if (e instanceof Fail || e instanceof RangeError || e instanceof SyntaxError) return null;
    throw e;
  }
}

/**
 * A Rust symbol name demangled, or null. `rustHash` keeps what c++filt keeps (crate
 * disambiguators `[...]`, the legacy `::h...` hash, constant types); without it the names are
 * shortened for people.
 */
export function demangleRust(name: string, opts: { rustHash?: boolean }): string | null {
  const verbose = !!opts.rustHash;
  if (name.startsWith('_R') || name.startsWith('__R')) return demangleV0(name, verbose);
  return demangleLegacy(name, verbose);
}
