// A demangler for the Itanium C++ ABI (`_Z...`, what clang and gcc emit on every platform
// but Windows), written from the ABI's grammar. The output follows GNU c++filt's spelling
// (`double const*`, `std::vector<int, std::allocator<int> >`, `[abi:cxx11]`,
// `{lambda(int)#1}`, ` [clone .cold]`), since that is what users compare with; the tests
// check it against c++filt. Names it cannot read give null, never an exception.

/** The parsed form of a name or type; printing follows declarator rules (pointers to functions, arrays). */
type Node =
  | { k: 'str'; s: string }
  | { k: 'nested'; q: Node; n: Node }
  | { k: 'tmpl'; n: Node; args: Node[] }
  | { k: 'ctor' | 'dtor'; n: Node }
  | { k: 'cv'; t: Node; q: string }
  | { k: 'ptr' | 'lref' | 'rref'; t: Node }
  | { k: 'fn'; ret: Node | null; params: Node[]; quals: string; ref: string; ex: string }
  | { k: 'array'; t: Node; dim: string }
  | { k: 'vector'; t: Node; dim: string }
  | { k: 'pm'; cls: Node; t: Node }
  | { k: 'enc'; name: Node; fn: Node | null }
  | { k: 'special'; text: string; n: Node; more?: Node }
  | { k: 'pack'; elems: Node[] }
  | { k: 'expand'; t: Node }
  | { k: 'local'; fn: Node; ent: Node }
  | { k: 'abi'; n: Node; tag: string }
  | { k: 'conv'; t: Node }
  | { k: 'vendorq'; t: Node; q: string }
  | { k: 'clone'; n: Node; suffix: string }
  | { k: 'tparam'; idx: number; fallback: Node | null };

class Fail extends Error {}

const BUILTIN: Record<string, string> = {
  v: 'void', w: 'wchar_t', b: 'bool', c: 'char', a: 'signed char', h: 'unsigned char', s: 'short',
  t: 'unsigned short', i: 'int', j: 'unsigned int', l: 'long', m: 'unsigned long', x: 'long long',
  y: 'unsigned long long', n: '__int128', o: 'unsigned __int128', f: 'float', d: 'double',
  e: 'long double', g: '__float128', z: '...',
};
const BUILTIN_D: Record<string, string> = {
  d: 'decimal64', e: 'decimal128', f: 'decimal32', h: 'half', i: 'char32_t', s: 'char16_t', u: 'char8_t',
  a: 'auto', c: 'decltype(auto)', n: 'decltype(nullptr)',
};

/** Operator encodings: spelling and arity (for expressions). */
const OPERATORS: Record<string, [string, number]> = {
  nw: ['new', 1], na: ['new[]', 1], dl: ['delete', 1], da: ['delete[]', 1], ps: ['+', 1], ng: ['-', 1],
  ad: ['&', 1], de: ['*', 1], co: ['~', 1], pl: ['+', 2], mi: ['-', 2], ml: ['*', 2], dv: ['/', 2],
  rm: ['%', 2], an: ['&', 2], or: ['|', 2], eo: ['^', 2], aS: ['=', 2], pL: ['+=', 2], mI: ['-=', 2],
  mL: ['*=', 2], dV: ['/=', 2], rM: ['%=', 2], aN: ['&=', 2], oR: ['|=', 2], eO: ['^=', 2], ls: ['<<', 2],
  rs: ['>>', 2], lS: ['<<=', 2], rS: ['>>=', 2], eq: ['==', 2], ne: ['!=', 2], lt: ['<', 2], gt: ['>', 2],
  le: ['<=', 2], ge: ['>=', 2], ss: ['<=>', 2], nt: ['!', 1], aa: ['&&', 2], oo: ['||', 2], pp: ['++', 1],
  mm: ['--', 1], cm: [',', 2], pm: ['->*', 2], pt: ['->', 2], cl: ['()', 2], ix: ['[]', 2], qu: ['?', 3],
  st: ['sizeof ', 1], sz: ['sizeof ', 1], at: ['alignof ', 1], az: ['alignof ', 1],
};

const STD_SUBS: Record<string, [string, string | null, string | null]> = {
  // abbreviation: [short spelling, unused, the class template named before a constructor/destructor]
  t: ['std', null, null],
  a: ['std::allocator', null, null],
  b: ['std::basic_string', null, null],
  s: ['std::string', null, 'basic_string'],
  i: ['std::istream', null, 'basic_istream'],
  o: ['std::ostream', null, 'basic_ostream'],
  d: ['std::iostream', null, 'basic_iostream'],
};

const str = (s: string): Node => ({ k: 'str', s });

class Parser {
  pos = 0;
  readonly subs: Node[] = [];
  /** The template arguments that `T_` refers to. */
  params: Node[] = [];
  /** Parse steps left: a budget proportional to the name, so a hostile name cannot make the parser run away. */
  private budget: number;

  constructor(readonly s: string) { this.budget = 64 + 32 * s.length; }

  peek(k = 0): string { return this.s[this.pos + k] ?? ''; }
  eat(c: string): boolean {
    if (this.s.startsWith(c, this.pos)) { this.pos += c.length; return true; }
    return false;
  }
  need(c: string): void { if (!this.eat(c)) throw new Fail(); }
  guard(): void { if (--this.budget < 0) throw new Fail(); }

  number(): number {
    let neg = false;
    if (this.peek() === 'n') { neg = true; this.pos++; }
    const m = /^\d+/.exec(this.s.slice(this.pos));
    if (!m) throw new Fail();
    this.pos += m[0].length;
    const v = Number(m[0]);
    return neg ? -v : v;
  }

  /** `_` = 0, `<digits>_` = n + 1 (seq-ids are base 36 elsewhere). */
  discriminatorIndex(): number {
    if (this.eat('_')) return 0;
    const n = this.number();
    this.need('_');
    return n + 1;
  }

  seqId(): number {
    // <seq-id> ::= <0-9A-Z>+ (base 36), then '_'; no seq-id means 0
    if (this.eat('_')) return 0;
    const m = /^[0-9A-Z]+/.exec(this.s.slice(this.pos));
    if (!m) throw new Fail();
    this.pos += m[0].length;
    this.need('_');
    return parseInt(m[0], 36) + 1;
  }

  // -- encodings -------------------------------------------------------------

  encoding(): Node {
    this.guard();
    const c = this.peek();
    if (c === 'T' || (c === 'G' && this.peek(1) !== '')) {
      const sp = this.specialName();
      if (sp) return sp;
    }
    const name = this.name();
    if (this.pos >= this.s.length || this.peek() === 'E' || this.peek() === '.') return { k: 'enc', name, fn: null };
    // A function: template functions (except constructors, destructors, conversions) encode their return type first.
    const hasRet = endsWithTemplate(name) && !isCtorDtorConv(name);
    const saved = this.params;
    const ret = hasRet ? this.type() : null;
    const params = this.bareParams();
    this.params = saved;
    const quals = takeQuals(name);
    return { k: 'enc', name: quals.name, fn: { k: 'fn', ret, params, quals: quals.q, ref: quals.ref, ex: '' } };
  }

  bareParams(): Node[] {
    const params: Node[] = [];
    while (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') {
      params.push(this.type());
    }
    if (!params.length) throw new Fail();
    return params;
  }

  specialName(): Node | null {
    const two = this.s.slice(this.pos, this.pos + 2);
    const simple: Record<string, string> = {
      TV: 'vtable for ', TT: 'VTT for ', TI: 'typeinfo for ', TS: 'typeinfo name for ',
      TH: 'TLS init function for ', TW: 'TLS wrapper function for ', GV: 'guard variable for ',
      TA: 'template parameter object for ',
    };
    if (simple[two]) {
      this.pos += 2;
      const n = two === 'TV' || two === 'TT' || two === 'TI' || two === 'TS' ? this.type() : two === 'TA' ? this.templateArg() : this.name();
      return { k: 'special', text: simple[two]!, n };
    }
    if (two === 'Th' || two === 'Tv') {
      this.pos += 2;
      if (two === 'Th') { this.number(); this.need('_'); } else { this.number(); this.need('_'); this.number(); this.need('_'); }
      return { k: 'special', text: two === 'Th' ? 'non-virtual thunk to ' : 'virtual thunk to ', n: this.encoding() };
    }
    if (two === 'Tc') {
      this.pos += 2;
      for (let k = 0; k < 2; k++) {
        if (this.eat('h')) { this.number(); this.need('_'); } else if (this.eat('v')) { this.number(); this.need('_'); this.number(); this.need('_'); } else throw new Fail();
      }
      return { k: 'special', text: 'covariant return thunk to ', n: this.encoding() };
    }
    if (two === 'TC') {
      this.pos += 2;
      const derived = this.type();
      this.number();
      this.need('_');
      const base = this.type();
      return { k: 'special', text: 'construction vtable for ', n: base, more: derived };
    }
    if (two === 'GR') {
      this.pos += 2;
      const n = this.name();
      let idx = 0;
      if (this.peek() !== '') { idx = this.seqIdOptional(); }
      return { k: 'special', text: `reference temporary #${idx} for `, n };
    }
    if (this.s.startsWith('GTt', this.pos) || this.s.startsWith('GTn', this.pos)) {
      this.pos += 3;
      return { k: 'special', text: this.s[this.pos - 1] === 't' ? 'transaction clone for ' : 'non-transaction clone for ', n: this.encoding() };
    }
    return null;
  }

  seqIdOptional(): number {
    if (this.eat('_')) return 0;
    const m = /^[0-9A-Z]+/.exec(this.s.slice(this.pos));
    if (!m) return 0;
    this.pos += m[0].length;
    this.need('_');
    return parseInt(m[0], 36) + 1;
  }

  // -- names -----------------------------------------------------------------

  name(): Node {
    this.guard();
    const c = this.peek();
    if (c === 'N') return this.nestedName();
    if (c === 'Z') return this.localName();
    if (c === 'S' && this.peek(1) !== 't') {
      // a substitution followed by template args (an unscoped template name)
      const sub = this.substitution();
      if (this.peek() !== 'I') throw new Fail();
      const args = this.templateArgs(true);
      return { k: 'tmpl', n: sub, args };
    }
    let n: Node;
    if (c === 'S' && this.peek(1) === 't') {
      this.pos += 2;
      n = { k: 'nested', q: str('std'), n: this.unqualifiedName(null) };
    } else {
      n = this.unqualifiedName(null);
    }
    if (this.peek() === 'I') {
      this.subs.push(n);
      const args = this.templateArgs(true);
      n = { k: 'tmpl', n, args };
    }
    return n;
  }

  nestedName(): Node {
    this.need('N');
    let quals = '';
    for (;;) {
      if (this.eat('r')) quals += ' restrict';
      else if (this.eat('V')) quals += ' volatile';
      else if (this.eat('K')) quals += ' const';
      else break;
    }
    quals = orderQuals(quals);
    let ref = '';
    if (this.eat('R')) ref = ' &'; else if (this.eat('O')) ref = ' &&';
    let cur: Node | null = null;
    for (;;) {
      this.guard();
      const c = this.peek();
      if (c === 'E') { this.pos++; break; }
      if (c === '') throw new Fail();
      let comp: Node;
      if (c === 'S') {
        comp = this.substitution();
        cur = cur ? { k: 'nested', q: cur, n: comp } : comp;
        if (this.peek() === 'E') throw new Fail();
        continue;
      } else if (c === 'I') {
        if (!cur) throw new Fail();
        cur = { k: 'tmpl', n: cur, args: this.templateArgs(true) };
      } else if (c === 'T') {
        comp = this.templateParam();
        cur = cur ? { k: 'nested', q: cur, n: comp } : comp;
      } else if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) {
        comp = this.type();
        cur = cur ? { k: 'nested', q: cur, n: comp } : comp;
      } else if (c === 'M') {
        // initializer scope of a lambda in a data member
        this.pos++;
        continue;
      } else {
        comp = this.unqualifiedName(cur);
        cur = cur ? { k: 'nested', q: cur, n: comp } : comp;
      }
      if (this.peek() !== 'E') this.subs.push(cur);
    }
    if (!cur) throw new Fail();
    if (quals || ref) return { k: 'cv', t: cur, q: `${quals}${ref}` };
    return cur;
  }

  localName(): Node {
    this.need('Z');
    const enc = this.encoding();
    // the enclosing function is shown without its return type, as c++filt does
    const fn: Node = enc.k === 'enc' && enc.fn && enc.fn.k === 'fn' ? { ...enc, fn: { ...enc.fn, ret: null } } : enc;
    this.need('E');
    if (this.eat('s')) {
      this.discriminatorOpt();
      return { k: 'local', fn, ent: str('string literal') };
    }
    if (this.eat('d')) {
      // default argument scope: Z <encoding> E d [<number>] _ <name>
      const n = this.peek() !== '_' ? this.number() + 2 : 1;
      this.need('_');
      const ent = this.name();
      return { k: 'local', fn: { k: 'local', fn, ent: str(`{default arg#${n}}`) }, ent };
    }
    const ent = this.name();
    this.discriminatorOpt();
    return { k: 'local', fn, ent };
  }

  /** `_<digit>` or `__<number>_`; a lone `_` is not one (it may be a seq-id that follows). */
  discriminatorOpt(): void {
    if (this.peek() !== '_') return;
    if (/\d/.test(this.peek(1))) { this.pos += 2; return; }
    if (this.peek(1) === '_' && /\d/.test(this.peek(2))) { this.pos += 2; this.number(); this.need('_'); }
  }

  /** The last source name of a prefix, for constructor and destructor names. */
  private ctorName(prefix: Node | null): Node {
    let cur = prefix;
    for (let guard = 0; cur && guard < 64; guard++) {
      switch (cur.k) {
        // an unnamed type or closure has no name of its own: c++filt names the constructor after the enclosing class
        case 'nested': cur = cur.n.k === 'str' && cur.n.s.startsWith('{') ? cur.q : cur.n; continue;
        case 'tmpl': cur = cur.n; continue;
        case 'abi': cur = cur.n; continue;
        // std::allocator, std::basic_string (abbreviations): the class's own name
        case 'str': return str(cur.s.slice(cur.s.lastIndexOf('::') + 1 || 0).replace(/^:/, ''));
        default: return cur;
      }
    }
    throw new Fail();
  }

  unqualifiedName(prefix: Node | null): Node {
    this.guard();
    const c = this.peek();
    let n: Node;
    if (/\d/.test(c)) n = this.sourceName();
    else if (c === 'C' && /[1-5I]/.test(this.peek(1))) {
      this.pos++;
      if (this.eat('I')) { this.pos++; this.type(); } else this.pos++;
      n = { k: 'ctor', n: this.ctorName(prefix) };
    } else if (c === 'D' && /[0-5]/.test(this.peek(1))) {
      this.pos += 2;
      n = { k: 'dtor', n: this.ctorName(prefix) };
    } else if (c === 'U') {
      n = this.unnamedTypeName();
    } else if (c === 'L') {
      // internal linkage name (gcc)
      this.pos++;
      n = this.sourceName();
      this.discriminatorOpt();
    } else if (c === 'D' && this.peek(1) === 'C') {
      // structured binding: DC <source-name>+ E
      this.pos += 2;
      const names: string[] = [];
      while (!this.eat('E')) names.push(printNode(this.sourceName()));
      n = str(`[${names.join(', ')}]`);
    } else {
      n = this.operatorName();
    }
    while (this.peek() === 'B') {
      this.pos++;
      const tag = this.sourceName();
      n = { k: 'abi', n, tag: printNode(tag) };
    }
    return n;
  }

  sourceName(): Node {
    const len = this.number();
    if (len <= 0 || this.pos + len > this.s.length) throw new Fail();
    const id = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    if (/^_GLOBAL_[._$]N/.test(id)) return str('(anonymous namespace)');
    return str(id);
  }

  unnamedTypeName(): Node {
    if (this.eat('Ut')) {
      const idx = this.discriminatorIndex();
      return str(`{unnamed type#${idx + 1}}`);
    }
    if (this.eat('Ul')) {
      const params: Node[] = [];
      while (this.peek() !== 'E') params.push(this.type());
      this.need('E');
      const idx = this.discriminatorIndex();
      // a generic lambda's parameters name its own template parameters: c++filt shows them as auto:N
      const list = printParams(params, 'auto').slice(1, -1);
      return str(`{lambda(${list})#${idx + 1}}`);
    }
    throw new Fail();
  }

  operatorName(): Node {
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two === 'cv') {
      this.pos += 2;
      return { k: 'conv', t: this.type() };
    }
    if (two === 'li') {
      this.pos += 2;
      return str(`operator"" ${printNode(this.sourceName())}`);
    }
    if (/^v\d/.test(two)) {
      this.pos += 2;
      return str(`operator ${printNode(this.sourceName())}`);
    }
    const op = OPERATORS[two];
    if (!op) throw new Fail();
    this.pos += 2;
    const sp = op[0].trimEnd();
    return str(/^[a-z]/.test(sp) ? `operator ${sp}` : `operator${sp}`);
  }

  /** `S...`: an earlier component, or one of the standard abbreviations. */
  substitution(): Node {
    this.need('S');
    const c = this.peek();
    const std = STD_SUBS[c];
    if (std && c !== '_' && !/[0-9A-Z]/.test(c)) {
      this.pos++;
      if (std[2]) {
        // c++filt spells these in full (it demangles verbosely), not as std::string
        const args = [str('char'), str('std::char_traits<char>')];
        if (c === 's') args.push(str('std::allocator<char>'));
        return { k: 'nested', q: str('std'), n: { k: 'tmpl', n: str(std[2]), args } };
      }
      return str(std[0]);
    }
    const idx = this.seqId();
    const n = this.subs[idx];
    if (!n) throw new Fail();
    return n;
  }

  templateParam(): Node {
    this.need('T');
    const idx = this.seqIdOrZero();
    return { k: 'tparam', idx, fallback: this.params[idx] ?? null };
  }

  seqIdOrZero(): number {
    if (this.eat('_')) return 0;
    const n = this.number();
    this.need('_');
    return n + 1;
  }

  templateArgs(setParams: boolean): Node[] {
    this.need('I');
    const args: Node[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) throw new Fail();
      args.push(this.templateArg());
    }
    if (setParams) this.params = args;
    return args;
  }

  templateArg(): Node {
    this.guard();
    const c = this.peek();
    if (c === 'X') {
      this.pos++;
      const e = this.expression();
      this.need('E');
      return str(e);
    }
    if (c === 'L') return str(this.exprPrimary());
    if (c === 'J') {
      this.pos++;
      const elems: Node[] = [];
      while (!this.eat('E')) elems.push(this.templateArg());
      return { k: 'pack', elems };
    }
    return this.type();
  }

  // -- types -----------------------------------------------------------------

  /**
   * A type. Template arguments met inside it do not change what `T_` means afterwards: only
   * those of the name being encoded do.
   */
  type(): Node {
    const saved = this.params;
    try {
      return this.typeInner();
    } finally {
      this.params = saved;
    }
  }

  private typeInner(): Node {
    this.guard();
    const c = this.peek();
    const b = BUILTIN[c];
    if (b) { this.pos++; return str(b); }
    if (c === 'u') {
      this.pos++;
      const n = this.sourceName();
      const t = this.peek() === 'I' ? { k: 'tmpl' as const, n, args: this.templateArgs(false) } : n;
      this.subs.push(t);
      return t;
    }
    if (c === 'D') {
      const d = this.peek(1);
      if (BUILTIN_D[d]) { this.pos += 2; return str(BUILTIN_D[d]!); }
      if (d === 'F') {
        this.pos += 2;
        const bits = this.number();
        const x = this.eat('x');
        this.need('_');
        return str(`_Float${bits}${x ? 'x' : ''}`);
      }
      if (d === 'B' || d === 'U') {
        this.pos += 2;
        const sz = /\d/.test(this.peek()) ? String(this.number()) : this.expression();
        this.need('_');
        return str(`${d === 'U' ? 'unsigned ' : ''}_BitInt(${sz})`);
      }
    }
    let t: Node;
    switch (c) {
      case 'P': this.pos++; t = { k: 'ptr', t: this.type() }; break;
      case 'R': this.pos++; t = { k: 'lref', t: this.type() }; break;
      case 'O': this.pos++; t = { k: 'rref', t: this.type() }; break;
      case 'C': this.pos++; t = { k: 'vendorq', t: this.type(), q: ' _Complex' }; break;
      case 'G': this.pos++; t = { k: 'vendorq', t: this.type(), q: ' _Imaginary' }; break;
      case 'r': case 'V': case 'K': {
        let q = '';
        for (;;) {
          if (this.eat('r')) q += ' restrict';
          else if (this.eat('V')) q += ' volatile';
          else if (this.eat('K')) q += ' const';
          else break;
        }
        // qualifiers before a function type apply to `this`: the unqualified function type is not a substitution candidate
        if (this.peek() === 'F') {
          const fn = this.functionType();
          t = fn.k === 'fn' ? { ...fn, quals: orderQuals(fn.quals + q) } : fn;
          break;
        }
        const inner = this.type();
        if (inner.k === 'fn') t = { ...inner, quals: orderQuals(inner.quals + q) };
        else t = { k: 'cv', t: inner, q: orderQuals(q) };
        break;
      }
      case 'U': {
        this.pos++;
        const q = printNode(this.sourceName());
        if (this.peek() === 'I') this.templateArgs(false);
        t = { k: 'vendorq', t: this.type(), q: ` ${q}` };
        break;
      }
      case 'F': t = this.functionType(); break;
      case 'A': t = this.arrayType(); break;
      case 'M': {
        this.pos++;
        const cls = this.type();
        const mem = this.type();
        t = { k: 'pm', cls, t: mem };
        break;
      }
      case 'T': {
        t = this.templateParam();
        if (this.peek() === 'I') {
          this.subs.push(t);
          const args = this.templateArgs(false);
          t = { k: 'tmpl', n: t, args };
        }
        break;
      }
      case 'S': {
        if (this.peek(1) === 't') {
          const n = this.name();
          this.subs.push(n);
          return n;
        }
        const sub = this.substitution();
        if (this.peek() === 'I') {
          t = { k: 'tmpl', n: sub, args: this.templateArgs(false) };
          break;
        }
        return sub;
      }
      case 'D': {
        const d = this.peek(1);
        if (d === 'p') {
          this.pos += 2;
          t = { k: 'expand', t: this.type() };
          break;
        }
        if (d === 't' || d === 'T') {
          this.pos += 2;
          const e = this.expression();
          this.need('E');
          t = str(`decltype (${e})`);
          break;
        }
        if (d === 'v') {
          this.pos += 2;
          let dim: string;
          if (this.eat('_')) dim = this.expression();
          else dim = String(this.number());
          this.need('_');
          t = { k: 'vector', t: this.type(), dim };
          break;
        }
        if (d === 'a' || d === 'c') throw new Fail();
        // Do / DO / Dw: exception specifications on a function type
        if (d === 'o' || d === 'O' || d === 'w' || d === 'x') {
          t = this.functionType();
          break;
        }
        throw new Fail();
      }
      case 'N': case 'Z': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
        t = this.name();
        if (t.k === 'cv') throw new Fail();
        break;
      }
      default:
        throw new Fail();
    }
    this.subs.push(t);
    return t;
  }

  functionType(): Node {
    let ex = '';
    if (this.eat('Do')) ex = ' noexcept';
    else if (this.eat('DO')) { ex = ` noexcept(${this.expression()})`; this.need('E'); }
    else if (this.eat('Dw')) {
      const ts: string[] = [];
      while (!this.eat('E')) ts.push(printNode(this.type()));
      ex = ` throw(${ts.join(', ')})`;
    } else if (this.eat('Dx')) ex = '';
    this.need('F');
    this.eat('Y');
    const ret = this.type();
    const params: Node[] = [];
    let ref = '';
    for (;;) {
      if (this.eat('E')) break;
      if (this.peek() === 'R' && this.peek(1) === 'E') { this.pos += 2; ref = ' &'; break; }
      if (this.peek() === 'O' && this.peek(1) === 'E') { this.pos += 2; ref = ' &&'; break; }
      if (this.pos >= this.s.length) throw new Fail();
      params.push(this.type());
    }
    return { k: 'fn', ret, params, quals: '', ref, ex };
  }

  arrayType(): Node {
    this.need('A');
    let dim = '';
    if (/\d/.test(this.peek())) dim = String(this.number());
    else if (this.peek() !== '_') dim = this.expression();
    this.need('_');
    return { k: 'array', t: this.type(), dim };
  }

  // -- expressions (template arguments, decltype) -----------------------------

  exprPrimary(): string {
    this.need('L');
    if (this.peek() === '_' && this.peek(1) === 'Z') {
      this.pos += 2;
      const e = this.encoding();
      this.need('E');
      return printNode(e);
    }
    if (this.peek() === 'Z') {
      this.pos++;
      const e = this.encoding();
      this.need('E');
      return printNode(e);
    }
    const t = this.type();
    const tn = printNode(t);
    if (this.peek() === 'E') {
      this.pos++;
      if (tn === 'decltype(nullptr)') return 'nullptr';
      return `(${tn})`;
    }
    let neg = false;
    if (this.eat('n')) neg = true;
    const start = this.pos;
    while (this.pos < this.s.length && this.peek() !== 'E') this.pos++;
    const digits = this.s.slice(start, this.pos);
    this.need('E');
    const v = `${neg ? '-' : ''}${digits}`;
    switch (tn) {
      case 'int': return v;
      case 'unsigned int': return `${v}u`;
      case 'long': return `${v}l`;
      case 'unsigned long': return `${v}ul`;
      case 'long long': return `${v}ll`;
      case 'unsigned long long': return `${v}ull`;
      case 'bool': return digits === '0' ? 'false' : digits === '1' ? 'true' : `(bool)${v}`;
      case 'decltype(nullptr)': return 'nullptr';
      default:
        if (t.k === 'str' && /^(float|double|long double|__float128)$/.test(tn)) return `(${tn})[${v}]`;
        return `(${tn})${v}`;
    }
  }

  /** Template parameter used inside an expression: its argument, as GNU prints it. */
  private exprParam(): string {
    const p = this.templateParam();
    return printNode(p);
  }

  /** Whether the last expression parsed is one c++filt prints without parentheses as an operand (a name, a qualified name, a parameter, a braced list). */
  simple = false;
  /** Numbers the expressions being parsed; a simple one marks its own number in `simpleFor`. */
  private exprCount = 0;
  private simpleFor = -1;
  private exprId = 0;

  expression(): string {
    const id = ++this.exprCount;
    const outer = this.exprId;
    this.exprId = id;
    try {
      const e = this.exprInner();
      this.simple = this.simpleFor === id;
      return e;
    } finally {
      this.exprId = outer;
    }
  }

  /** Marks the expression being parsed as simple (set after its operands are parsed). */
  private markSimple(yes: boolean): void {
    if (yes) this.simpleFor = this.exprId;
  }

  /** An operand: parenthesized unless simple. */
  subExpr(): string {
    const e = this.expression();
    return this.simple ? e : `(${e})`;
  }

  private exprInner(): string {
    this.guard();
    const c = this.peek();
    const two = this.s.slice(this.pos, this.pos + 2);
    if (c === 'L') return this.exprPrimary();
    if (c === 'T') return this.exprParam();
    if (two === 'fp' || (two === 'fL' && /\d/.test(this.peek(2)))) {
      this.pos += 2;
      if (two === 'fL') { this.number(); this.need('p'); }
      this.cvQualsOpt();
      let idx = 1;
      if (!this.eat('_')) { idx = this.number() + 2; this.need('_'); }
      this.markSimple(true);
      return `{parm#${idx}}`;
    }
    if (two === 'sr') {
      this.pos += 2;
      const n = this.scopedUnresolvedName();
      // a qualified name is printed bare, unless it ends with template arguments
      this.markSimple(!n.endsWith('>'));
      return n;
    }
    if (two === 'gs') {
      this.pos += 2;
      return `::${this.expression()}`;
    }
    if (two === 'st') { this.pos += 2; return `sizeof (${printNode(this.type())})`; }
    if (two === 'at') { this.pos += 2; return `alignof (${printNode(this.type())})`; }
    if (two === 'sz') { this.pos += 2; return `sizeof (${this.expression()})`; }
    if (two === 'az') { this.pos += 2; return `alignof (${this.expression()})`; }
    if (two === 'sZ') {
      this.pos += 2;
      if (this.peek() === 'T') {
        const p = this.templateParam();
        const a = p.k === 'tparam' ? p.fallback : p;
        return `sizeof...(${a && a.k === 'pack' ? a.elems.map((e) => printNode(e)).join(', ') : printNode(p)})`;
      }
      return `sizeof...(${this.expression()})`;
    }
    if (two === 'sP') {
      this.pos += 2;
      const args: string[] = [];
      while (!this.eat('E')) args.push(printNode(this.templateArg()));
      return `sizeof...(${args.join(', ')})`;
    }
    if (two === 'sp') { this.pos += 2; return `${this.expression()}...`; }
    if (two === 'tw') { this.pos += 2; return `throw ${this.expression()}`; }
    if (two === 'tr') { this.pos += 2; return 'throw'; }
    if (two === 'nx') { this.pos += 2; return `noexcept (${this.expression()})`; }
    if (two === 'te') { this.pos += 2; return `typeid (${this.expression()})`; }
    if (two === 'ti') { this.pos += 2; return `typeid (${printNode(this.type())})`; }
    if (two === 'cv') {
      this.pos += 2;
      const t = printNode(this.type());
      if (this.eat('_')) {
        const es: string[] = [];
        while (!this.eat('E')) es.push(this.expression());
        return `(${t})(${es.join(', ')})`;
      }
      return `(${t})(${this.expression()})`;
    }
    if (two === 'tl') {
      this.pos += 2;
      const t = printNode(this.type());
      const es: string[] = [];
      while (!this.eat('E')) es.push(this.bracedExpr());
      return `${t}{${es.join(', ')}}`;
    }
    if (two === 'il') {
      this.pos += 2;
      const es: string[] = [];
      while (!this.eat('E')) es.push(this.bracedExpr());
      this.markSimple(true);
      return `{${es.join(', ')}}`;
    }
    if (two === 'dc' || two === 'sc' || two === 'cc' || two === 'rc') {
      this.pos += 2;
      const kind = { dc: 'dynamic_cast', sc: 'static_cast', cc: 'const_cast', rc: 'reinterpret_cast' }[two];
      const t = printNode(this.type());
      return `${kind}<${t}>(${this.expression()})`;
    }
    if (two === 'dt' || two === 'pt') {
      this.pos += 2;
      const obj = this.subExpr();
      const member = this.unresolvedName();
      return `${obj}${two === 'dt' ? '.' : '->'}${member}`;
    }
    if (two === 'ds') {
      this.pos += 2;
      const a = this.subExpr();
      const b = this.subExpr();
      return `${a}.*${b}`;
    }
    if (two === 'cl') {
      this.pos += 2;
      const fn = this.subExpr();
      const args: string[] = [];
      while (!this.eat('E')) args.push(this.expression());
      return `${fn}(${args.join(', ')})`;
    }
    if (two === 'nw' || two === 'na' || (two === 'gs' && /n[wa]/.test(this.s.slice(this.pos + 2, this.pos + 4)))) {
      throw new Fail();
    }
    if (two === 'pp' || two === 'mm') {
      this.pos += 2;
      if (this.eat('_')) return `${OPERATORS[two]![0]}${this.subExpr()}`;
      return `${this.subExpr()}${OPERATORS[two]![0]}`;
    }
    if (two === 'fl' || two === 'fr' || two === 'fL' || two === 'fR') {
      this.pos += 2;
      const op = this.s.slice(this.pos, this.pos + 2);
      const o = OPERATORS[op];
      if (!o) throw new Fail();
      this.pos += 2;
      if (two === 'fl') return `(...${o[0]}${this.subExpr()})`;
      if (two === 'fr') return `(${this.subExpr()}${o[0]}...)`;
      const a = this.subExpr();
      const b = this.subExpr();
      return two === 'fL' ? `(${a}${o[0]}...${o[0]}${b})` : `(${a}${o[0]}...${o[0]}${b})`;
    }
    if (two === 'ad' && (this.s.startsWith('L_Z', this.pos + 2) || this.s.startsWith('LZ', this.pos + 2))) {
      // the address of a function: its name without the parameter list
      this.pos += this.s.startsWith('L_Z', this.pos + 2) ? 5 : 4;
      const e = this.encoding();
      this.need('E');
      if (e.k === 'enc' && e.fn && e.fn.k === 'fn' && !e.fn.quals && !e.fn.ref && e.name.k === 'nested') return `&${printNode(e.name)}`;
      return `&(${printNode(e)})`;
    }
    const op = OPERATORS[two];
    if (op) {
      this.pos += 2;
      if (op[1] === 1) {
        const a = this.subExpr();
        return `${op[0]}${a}`;
      }
      if (op[1] === 2) {
        const a = this.subExpr();
        const bRaw = this.expression(); const bSimple = this.simple; const b = bSimple ? bRaw : `(${bRaw})`;
        if (two === 'ix') return `${a}[${bRaw}]`;
        const sp = op[0];
        const expr = `${a}${sp}${b}`;
        return sp === '>' || sp === '>>' || sp === '>=' || sp === '>>=' ? `(${expr})` : expr;
      }
      const a = this.subExpr();
      const b = this.subExpr();
      const d = this.subExpr();
      return `${a}?${b} : ${d}`;
    }
    if (/\d/.test(c) || two === 'on' || two === 'dn' || c === 'S' || c === 'N') {
      const n = this.unresolvedName();
      this.markSimple(/^[A-Za-z_$][\w$]*$/.test(n) || c === 'N');
      return n;
    }
    throw new Fail();
  }

  bracedExpr(): string {
    if (this.eat('di')) { const n = printNode(this.sourceName()); return `.${n} = ${this.bracedExpr()}`; }
    if (this.eat('dx')) { const i = this.expression(); return `[${i}] = ${this.bracedExpr()}`; }
    if (this.eat('dX')) { const a = this.expression(); const b = this.expression(); return `[${a} ... ${b}] = ${this.bracedExpr()}`; }
    return this.expression();
  }

  cvQualsOpt(): void { while (/[rVK]/.test(this.peek())) this.pos++; }

  /** After `sr`: `N <type> <level>+ E <base>`, `<type> <base>` or `<level>+ E <base>`. */
  scopedUnresolvedName(): string {
    const parts: string[] = [];
    if (this.eat('N')) {
      parts.push(printNode(this.unresolvedType()));
      while (!this.eat('E')) parts.push(this.simpleId());
    } else if (this.peek() === 'T' || this.peek() === 'D' || this.peek() === 'S') {
      parts.push(printNode(this.unresolvedType()));
    } else {
      do parts.push(this.simpleId()); while (!this.eat('E'));
    }
    parts.push(this.unresolvedName());
    return parts.join('::');
  }

  unresolvedType(): Node {
    if (this.peek() === 'T') {
      let t = this.templateParam();
      this.subs.push(t);
      if (this.peek() === 'I') { t = { k: 'tmpl', n: t, args: this.templateArgs(false) }; this.subs.push(t); }
      return t;
    }
    if (this.peek() === 'S' && this.peek(1) !== 't') {
      const sub = this.substitution();
      if (this.peek() === 'I') return { k: 'tmpl', n: sub, args: this.templateArgs(false) };
      return sub;
    }
    return this.type();
  }

  unresolvedName(): string {
    // a name in an expression: [<prefix>::] <simple-id> | operator | destructor
    if (this.eat('on')) {
      const o = this.operatorName();
      const n = printNode(o);
      return this.peek() === 'I' ? `${n}${printArgs(this.templateArgs(false), null)}` : n;
    }
    if (this.eat('dn')) {
      if (/\d/.test(this.peek())) return `~${printNode(this.sourceName())}`;
      return `~${printNode(this.type())}`;
    }
    if (this.eat('N')) {
      const parts: string[] = [];
      if (this.peek() === 'T' || this.peek() === 'D' || this.peek() === 'S') {
        const t = this.type();
        parts.push(printNode(t));
      }
      while (!this.eat('E')) parts.push(this.simpleId());
      return `${parts.join('::')}::${this.unresolvedName()}`;
    }
    if (this.peek() === 'T' || this.peek() === 'D' || this.peek() === 'S') {
      const t = printNode(this.type());
      return `${t}::${this.unresolvedName()}`;
    }
    return this.simpleId();
  }

  simpleId(): string {
    const n = printNode(this.sourceName());
    if (this.peek() === 'I') return `${n}${printArgs(this.templateArgs(false), null)}`;
    return n;
  }
}


function orderQuals(q: string): string {
  // c++filt prints restrict, volatile, const in that order when written r V K
  const has = (w: string): boolean => q.includes(w);
  return `${has(' restrict') ? ' restrict' : ''}${has(' volatile') ? ' volatile' : ''}${has(' const') ? ' const' : ''}`;
}

function endsWithTemplate(n: Node): boolean {
  switch (n.k) {
    case 'tmpl': return true;
    case 'cv': return endsWithTemplate(n.t);
    case 'local': return endsWithTemplate(n.ent);
    case 'abi': return false;
    default: return false;
  }
}

function isCtorDtorConv(n: Node): boolean {
  switch (n.k) {
    case 'ctor': case 'dtor': case 'conv': return true;
    case 'nested': return isCtorDtorConv(n.n);
    case 'tmpl': return isCtorDtorConv(n.n);
    case 'cv': return isCtorDtorConv(n.t);
    case 'local': return isCtorDtorConv(n.ent);
    case 'abi': return isCtorDtorConv(n.n);
    default: return false;
  }
}

/** Member function qualifiers written on a nested name (`NK...E`) move to the function type. */
function takeQuals(n: Node): { name: Node; q: string; ref: string } {
  if (n.k === 'local' && n.ent.k === 'cv') {
    const inner = takeQuals(n.ent);
    return { name: { k: 'local', fn: n.fn, ent: inner.name }, q: inner.q, ref: inner.ref };
  }
  if (n.k === 'cv') {
    const m = /^((?: restrict| volatile| const)*)( &&?)?$/.exec(n.q);
    return { name: n.t, q: m?.[1] ?? '', ref: m?.[2] ?? '' };
  }
  return { name: n, q: '', ref: '' };
}

// -- printing ------------------------------------------------------------------

/**
 * The template arguments `T_` means while a part of the name is printed: those of the function
 * whose signature is being printed. A substitution can repeat a `T_` seen in another function
 * (a lambda's enclosing function); it then means that function's parameter, as in c++filt.
 */
type Ctx = Node[] | null | 'auto';

function resolveParam(n: { idx: number; fallback: Node | null }, ctx: Ctx): Node {
  if (ctx === 'auto') return str(`auto:${n.idx + 1}`);
  const a = ctx?.[n.idx] ?? n.fallback;
  if (!a) throw new Fail();
  return a;
}

/**
 * Items joined as c++filt joins argument lists, which it builds as right-nested pairs: each
 * ", rest" is taken back when the rest printed nothing. So empty packs at the end vanish, an
 * empty one in the middle leaves `a, , b`, and the last character written (which decides
 * whether `> >` gets its space) is the ' ' of a ", " taken back.
 */
function joinGnu(pieces: { text: string; last: string }[]): { text: string; last: string } {
  let lastNonEmpty = -1;
  pieces.forEach((p, k) => { if (p.text !== '') lastNonEmpty = k; });
  let text = '';
  let last = '';
  for (let k = 0; k < pieces.length; k++) {
    if (k > 0) {
      last = ' ';
      if (k > lastNonEmpty) break;
      text += ', ';
    }
    text += pieces[k]!.text;
    if (pieces[k]!.last) last = pieces[k]!.last;
  }
  return { text, last };
}

/** A template argument list (`printArgs` adds the brackets). */
function printList(args: Node[], ctx: Ctx): { text: string; last: string } {
  return joinGnu(args.map((a0) => {
    const a = a0.k === 'tparam' ? resolveParam(a0, ctx) : a0;
    const inner = a0.k === 'tparam' ? null : ctx;
    if (a.k === 'pack') return printList(a.elems, inner);
    const text = printNode(a, inner);
    return { text, last: text.slice(-1) };
  }));
}

function printArgs(args: Node[], ctx: Ctx): string {
  const { text, last } = printList(args, ctx);
  return `<${text}${last === '>' ? ' ' : ''}>`;
}

/** Parameter lists, with packs expanded and `(void)` printed as `()`. */
function printParams(params: Node[], ctx: Ctx): string {
  const out: string[] = [];
  for (const p0 of params) {
    const p = p0.k === 'tparam' ? resolveParam(p0, ctx) : p0;
    if (p.k === 'expand') { out.push(expandPack(p.t, p0.k === 'tparam' ? null : ctx).join(', ')); continue; }
    if (p.k === 'pack') { out.push(printList(p.elems, null).text); continue; }
    out.push(printNode(p, p0.k === 'tparam' ? null : ctx));
  }
  if (out.length === 1 && out[0] === 'void') return '()';
  return `(${joinGnu(out.map((text) => ({ text, last: '' }))).text})`;
}

/** `Dp T`: the pattern T once per element of the pack it contains. */
function expandPack(t: Node, ctx: Ctx): string[] {
  const pack = findPack(t, ctx);
  if (!pack) return [`${printNode(t, ctx)}...`];
  return pack.elems.map((e) => printNode(replacePack(t, pack, e, ctx), ctx));
}

function findPack(t: Node, ctx: Ctx): { k: 'pack'; elems: Node[] } | null {
  switch (t.k) {
    case 'pack': return t;
    case 'tparam': { if (ctx === 'auto') return null; const a = ctx?.[t.idx] ?? t.fallback; return a && a.k === 'pack' ? a : null; }
    case 'cv': case 'ptr': case 'lref': case 'rref': case 'vendorq': case 'array': case 'vector': case 'expand': return findPack(t.t, ctx);
    case 'tmpl': { for (const a of t.args) { const p = findPack(a, ctx); if (p) return p; } return findPack(t.n, ctx); }
    case 'nested': return findPack(t.q, ctx) ?? findPack(t.n, ctx);
    case 'fn': { if (t.ret) { const p = findPack(t.ret, ctx); if (p) return p; } for (const a of t.params) { const p = findPack(a, ctx); if (p) return p; } return null; }
    case 'pm': return findPack(t.cls, ctx) ?? findPack(t.t, ctx);
    default: return null;
  }
}

function replacePack(t: Node, pack: Node, e: Node, ctx: Ctx): Node {
  if (t === pack) return e;
  const r = (x: Node): Node => replacePack(x, pack, e, ctx);
  switch (t.k) {
    case 'tparam': return ctx !== 'auto' && (ctx?.[t.idx] ?? t.fallback) === pack ? e : t;
    case 'cv': return { ...t, t: r(t.t) };
    case 'ptr': case 'lref': case 'rref': return { k: t.k, t: r(t.t) };
    case 'vendorq': return { ...t, t: r(t.t) };
    case 'array': return { ...t, t: r(t.t) };
    case 'vector': return { ...t, t: r(t.t) };
    case 'tmpl': return { k: 'tmpl', n: r(t.n), args: t.args.map(r) };
    case 'nested': return { k: 'nested', q: r(t.q), n: r(t.n) };
    case 'fn': return { ...t, ret: t.ret ? r(t.ret) : null, params: t.params.map(r) };
    case 'pm': return { k: 'pm', cls: r(t.cls), t: r(t.t) };
    default: return t;
  }
}

/**
 * A type as C++ spells it: modifiers (pointer, reference, cv, pointer-to-member) wrap the
 * declarator, so a pointer to a function reads `void (*)(int)` and a reference to an array
 * `int (&) [3]`.
 */
function printType(t: Node, ctx: Ctx): string {
  // collect modifiers from the outside in, down to a function, an array or a plain type;
  // a template parameter is looked through (its argument is printed in the enclosing context)
  const mods: Node[] = [];
  let cur: Node = t;
  let curCtx = ctx;
  for (let guard = 0; guard < 256; guard++) {
    if (cur.k === 'ptr' || cur.k === 'lref' || cur.k === 'rref' || cur.k === 'cv' || cur.k === 'vendorq') { mods.push(cur); cur = cur.t; continue; }
    if (cur.k === 'pm') { mods.push(cur); cur = cur.t; continue; }
    if (cur.k === 'tparam') { cur = resolveParam(cur, curCtx); curCtx = null; continue; }
    break;
  }
  // qualifiers on an array type belong to its elements: `char const (&) [32]`
  if (cur.k === 'array') {
    let q = '';
    while (mods.length && mods[mods.length - 1]!.k === 'cv') q += (mods.pop() as { q: string }).q;
    if (q) cur = { k: 'array', t: { k: 'cv', t: cur.t, q: orderQuals(q) }, dim: cur.dim };
  }
  // reference collapsing as c++filt does it: & & -> &, && & -> &, & && -> &, && && -> &&;
  // qualifiers met twice (a const parameter that is already const) are written once
  const collapsed: Node[] = [];
  for (const m of mods) {
    const prev = collapsed[collapsed.length - 1];
    if (prev && prev.k === 'cv' && m.k === 'cv') {
      collapsed[collapsed.length - 1] = { k: 'cv', t: m.t, q: orderQuals(prev.q + m.q) };
      continue;
    }
    const last = collapsed[collapsed.length - 1];
    if (last && (last.k === 'lref' || last.k === 'rref') && (m.k === 'lref' || m.k === 'rref')) {
      if (m.k === 'lref') collapsed[collapsed.length - 1] = m;
      continue;
    }
    collapsed.push(m);
  }
  let inner = '';
  for (let k = collapsed.length - 1; k >= 0; k--) {
    const m = collapsed[k]!;
    switch (m.k) {
      case 'ptr': inner += '*'; break;
      case 'lref': inner += '&'; break;
      case 'rref': inner += '&&'; break;
      case 'cv': inner += m.q; break;
      case 'vendorq': inner += m.q; break;
      case 'pm': inner += `${inner && !/[*&]$/.test(inner) ? ' ' : ''}${printNode(m.cls, ctx)}::*`; break;
      default: break;
    }
  }
  if (cur.k === 'fn') {
    const params = `${printParams(cur.params, curCtx)}${cur.quals}${cur.ref}${cur.ex}`;
    const decl = inner ? `(${inner.replace(/^ /, '')})` : '';
    if (cur.ret && returnsDeclarator(cur.ret)) {
      // a function returning a pointer to a function: the declarator goes inside the returned one's
      const full = printType(cur.ret, curCtx);
      const mark = full.indexOf(' (');
      const close = mark >= 0 ? full.indexOf(')', mark) : -1;
      if (close >= 0) return `${full.slice(0, close)}${decl}${params}${full.slice(close)}`;
    }
    const ret = cur.ret ? printType(cur.ret, curCtx) : '';
    return `${ret} ${decl}${params}`;
  }
  if (cur.k === 'array') {
    const decl = inner ? ` (${inner.replace(/^ /, '')})` : '';
    // an array of arrays reads `int [2][3]`
    let dims = `[${cur.dim}]`;
    let elem = cur.t;
    for (let guard = 0; elem.k === 'array' && guard < 64; guard++) { dims += `[${elem.dim}]`; elem = elem.t; }
    return `${printType(elem, curCtx)}${decl} ${dims}`;
  }
  const base = printNode(cur, curCtx);
  // pointer-to-member of a non-function: `int Foo::*`
  const pmFirst = collapsed.length && collapsed[collapsed.length - 1]!.k === 'pm';
  return `${base}${pmFirst ? ' ' : ''}${inner}`;
}

/** A pointer, reference or member pointer to a function or array: a type whose declarator wraps what it is applied to. */
function returnsDeclarator(r: Node): boolean {
  if (!(r.k === 'ptr' || r.k === 'lref' || r.k === 'rref' || r.k === 'cv' || r.k === 'pm')) return false;
  let base: Node = r;
  for (let guard = 0; (base.k === 'ptr' || base.k === 'lref' || base.k === 'rref' || base.k === 'cv' || base.k === 'pm') && guard < 64; guard++) base = base.t;
  return base.k === 'fn' || base.k === 'array';
}

/** The template arguments that end a name (those `T_` refers to in its signature). */
function lastArgs(n: Node): Node[] | null {
  switch (n.k) {
    case 'tmpl': return n.args;
    case 'cv': return lastArgs(n.t);
    case 'local': return lastArgs(n.ent);
    default: return null;
  }
}

function printNode(n: Node, ctx: Ctx = null): string {
  switch (n.k) {
    case 'str': return n.s;
    case 'tparam': return printNode(resolveParam(n, ctx), null);
    case 'nested': return `${printNode(n.q, ctx)}::${printNode(n.n, ctx)}`;
    case 'tmpl': {
      const name = printNode(n.n, ctx);
      return `${name}${name.endsWith('<') ? ' ' : ''}${printArgs(n.args, ctx)}`;
    }
    case 'ctor': return printNode(n.n, ctx);
    case 'dtor': return `~${printNode(n.n, ctx)}`;
    case 'abi': return `${printNode(n.n, ctx)}[abi:${n.tag}]`;
    case 'conv': return `operator ${printNode(n.t, ctx)}`;
    case 'local': return `${printNode(n.fn, ctx)}::${printNode(n.ent, ctx)}`;
    case 'pack': return printList(n.elems, ctx).text;
    case 'expand': return expandPack(n.t, ctx).join(', ');
    case 'vector': return `${printNode(n.t, ctx)} __vector(${n.dim})`;
    case 'special':
      if (n.more) return `${n.text}${printNode(n.n, ctx)}-in-${printNode(n.more, ctx)}`;
      return `${n.text}${printNode(n.n, ctx)}`;
    case 'clone': return `${printNode(n.n, ctx)} [clone ${n.suffix}]`;
    case 'enc': {
      if (!n.fn || n.fn.k !== 'fn') return printNode(n.name, ctx);
      const fn = n.fn;
      const name = printNode(n.name, ctx);
      const inner = lastArgs(n.name) ?? ctx;
      const params = printParams(fn.params, inner);
      if (fn.ret) {
        // a return type that is a function pointer or array wraps the declarator
        const r = fn.ret;
        if (r.k === 'ptr' || r.k === 'lref' || r.k === 'rref' || r.k === 'cv' || r.k === 'pm') {
          let base: Node = r;
          while (base.k === 'ptr' || base.k === 'lref' || base.k === 'rref' || base.k === 'cv' || base.k === 'pm') base = base.t;
          if (base.k === 'fn' || base.k === 'array') {
            const full = printType(r, inner);
            const mark = full.indexOf(' (');
            if (mark >= 0) {
              const close = full.indexOf(')', mark);
              return `${full.slice(0, mark + 2)}${full.slice(mark + 2, close)}${name}${params}${fn.quals}${fn.ref}${full.slice(close)}`;
            }
          }
        }
        return `${printType(r, inner)} ${name}${params}${fn.quals}${fn.ref}`;
      }
      return `${name}${params}${fn.quals}${fn.ref}`;
    }
    case 'cv': case 'ptr': case 'lref': case 'rref': case 'fn': case 'array': case 'pm': case 'vendorq':
      return printType(n, ctx);
  }
}

/** `_Z...`: the C++ name c++filt prints, or null when the name is not one this demangler reads. */
export function demangleItanium(mangled: string): string | null {
  let s = mangled;
  if (s.startsWith('__Z')) s = s.slice(1);
  if (!s.startsWith('_Z')) return null;
  // clone suffixes: `.constprop.0`, `.isra.0`, `.cold`, `.llvm.1234`
  let clones = '';
  const body = s.slice(2);
  const p = new Parser(body);
  let node: Node;
  try {
    node = p.encoding();
    while (p.pos < body.length) {
      // clone suffixes follow functions only (c++filt leaves `_ZL1x.0` as it is)
      if (p.peek() !== '.' || node.k !== 'enc' || !node.fn) return null;
      const m = /^\.[A-Za-z_]+(?:\.\d+)*|^(?:\.\d+)+/.exec(body.slice(p.pos));
      if (!m) { clones += ` [clone ${body.slice(p.pos)}]`; p.pos = body.length; break; }
      clones += ` [clone ${m[0]}]`;
      p.pos += m[0].length;
    }
    const out = printNode(node) + clones;
    // substitutions can repeat a large component many times: refuse absurd expansions
    return out.length > 65536 ? null : out;
  } catch (e) {
    if (e instanceof Fail || e instanceof RangeError) return null;
    throw e;
  }
}
