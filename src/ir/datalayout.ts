// The syntax of a data layout string (LangRef "Data Layout"), checked as LLVM's
// DataLayout parser checks it when it reads `target datalayout = "..."`: a
// malformed string makes llvm-as fail, so the tool refuses it too (E0205).
// Messages are LLVM's own. Interpretation lives in layout.ts.

export interface LayoutProblem {
  message: string;
  /** Offset of the offending component in the string, and its length. */
  at: number;
  len: number;
}

class Bad extends Error {
  constructor(message: string, readonly at: number, readonly len: number) { super(message); }
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0 && Number.isInteger(n);

/** Returns null for a valid data layout string (its content, without quotes). */
export function dataLayoutProblem(s: string): LayoutProblem | null {
  try {
    check(s);
    return null;
  } catch (e) {
    if (e instanceof Bad) return { message: e.message, at: e.at, len: Math.max(1, e.len) };
    throw e;
  }
}

/** A piece of the string with its offset. */
interface Piece { text: string; at: number }

/** LLVM's `split`: the part before the first separator and the rest; an empty part on either side is an error. */
function split(p: Piece, sep: string): [Piece, Piece] {
  const k = p.text.indexOf(sep);
  const first = { text: k < 0 ? p.text : p.text.slice(0, k), at: p.at };
  const rest = { text: k < 0 ? '' : p.text.slice(k + 1), at: p.at + k + 1 };
  if (k >= 0 && rest.text === '') throw new Bad('Trailing separator in datalayout string', p.at + k, 1);
  if (k >= 0 && first.text === '') throw new Bad('Expected token before separator in datalayout string', p.at + k, 1);
  return [first, rest];
}

function int(p: Piece): number {
  if (!/^[0-9]+$/.test(p.text) || Number(p.text) > 0xffffffff) throw new Bad('not a number, or does not fit in an unsigned int', p.at, p.text.length);
  return Number(p.text);
}

/** A 64-bit alignment in bits (`S`, `F`): 0 or a power of two number of bytes. */
function alignment64(p: Piece, fail: (m: string) => never): void {
  if (!/^[0-9]+$/.test(p.text) || BigInt(p.text) >= 2n ** 64n) throw new Bad('not a number, or does not fit in an unsigned int', p.at, p.text.length);
  const n = BigInt(p.text);
  if (n % 8n) throw new Bad('number of bits must be a byte width multiple', p.at, p.text.length);
  const b = n / 8n;
  if (b !== 0n && (b & (b - 1n)) !== 0n) fail('Alignment is neither 0 nor a power of 2');
}

function bytes(p: Piece): number {
  const n = int(p);
  if (n % 8) throw new Bad('number of bits must be a byte width multiple', p.at, p.text.length);
  return n / 8;
}

function addrSpace(p: Piece): number {
  const n = int(p);
  if (n >= 2 ** 24) throw new Bad('Invalid address space, must be a 24-bit integer', p.at, p.text.length);
  return n;
}

function check(s: string): void {
  let desc: Piece = { text: s, at: 0 };
  while (desc.text !== '') {
    const [spec, after] = split(desc, '-');
    desc = after;
    let [tok, rest] = split(spec, ':');
    const whole = (): Bad => new Bad('', spec.at, spec.text.length);
    const fail = (msg: string): never => { const w = whole(); throw new Bad(msg, w.at, w.len); };
    const next = (): Piece => { const [a, b] = split(rest, ':'); rest = b; return a; };
    if (tok.text === 'ni') {
      do {
        const as = int(next());
        if (as === 0) fail('Address space 0 can never be non-integral');
      } while (rest.text !== '');
      continue;
    }
    const c = tok.text[0]!;
    tok = { text: tok.text.slice(1), at: tok.at + 1 };
    switch (c) {
      case 's': break; // deprecated, ignored
      case 'E': case 'e': break;
      case 'p': {
        if (tok.text !== '') addrSpace(tok);
        if (rest.text === '') fail('Missing size specification for pointer in datalayout string');
        const size = int(next()); // bits (LLVM 19 on; LLVM 14 wanted whole bytes)
        if (!size) fail('Invalid pointer size of 0 bytes');
        if (rest.text === '') fail('Missing alignment specification for pointer in datalayout string');
        const abi = bytes(next());
        if (!isPow2(abi)) fail('Pointer ABI alignment must be a power of 2');
        let pref = abi;
        let index = size;
        if (rest.text !== '') {
          pref = bytes(next());
          if (!isPow2(pref)) fail('Pointer preferred alignment must be a power of 2');
          if (rest.text !== '') {
            index = int(next());
            if (!index) fail('Invalid index size of 0 bytes');
          }
        }
        if (pref < abi) fail('Preferred alignment cannot be less than the ABI alignment');
        if (index > size) fail('Index width cannot be larger than pointer width');
        break;
      }
      case 'i': case 'v': case 'f': case 'a': {
        const size = tok.text !== '' ? int(tok) : 0;
        if (c === 'a' && size !== 0) fail('Sized aggregate specification in datalayout string');
        if (rest.text === '') fail('Missing alignment specification in datalayout string');
        const abi = bytes(next());
        if (c !== 'a' && !abi) fail('ABI alignment specification must be >0 for non-aggregate types');
        if (abi >= 2 ** 16) fail('Invalid ABI alignment, must be a 16bit integer');
        if (abi !== 0 && !isPow2(abi)) fail('Invalid ABI alignment, must be a power of 2');
        if (c === 'i' && size === 8 && abi !== 1) fail('Invalid ABI alignment, i8 must be naturally aligned');
        let pref = abi;
        if (rest.text !== '') pref = bytes(next());
        if (pref >= 2 ** 16) fail('Invalid preferred alignment, must be a 16bit integer');
        if (pref !== 0 && !isPow2(pref)) fail('Invalid preferred alignment, must be a power of 2');
        if (size >= 2 ** 24) fail('Invalid bit width, must be a 24-bit integer');
        // an alignment of 0 means 1
        if (Math.max(pref, 1) < Math.max(abi, 1)) fail('Preferred alignment cannot be less than the ABI alignment');
        break;
      }
      case 'n':
        for (;;) {
          if (int(tok) === 0) fail('Zero width native integer type in datalayout string');
          if (rest.text === '') break;
          tok = next();
        }
        break;
      case 'S':
        alignment64(tok, fail);
        break;
      case 'F': {
        const kind = tok.text[0];
        if (kind !== 'i' && kind !== 'n') fail('Unknown function pointer alignment type in datalayout string');
        alignment64({ text: tok.text.slice(1), at: tok.at + 1 }, fail);
        break;
      }
      case 'P': case 'A': case 'G': addrSpace(tok); break;
      case 'm':
        if (tok.text !== '') fail('Unexpected trailing characters after mangling specifier in datalayout string');
        if (rest.text === '') fail('Expected mangling specifier in datalayout string');
        if (rest.text.length > 1) fail('Unknown mangling specifier in datalayout string');
        if (!'elomwxa'.includes(rest.text)) fail('Unknown mangling in datalayout string');
        break;
      default:
        fail('Unknown specifier in datalayout string');
    }
  }
}
