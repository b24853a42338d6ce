// Spelling of floating constants the tool creates. LLVM reads half, bfloat,
// float and double constants written as the 16 hex digits of a double
// (`0x3FF0000000000000`) as long as the value is exact in the target type, so
// the value is first rounded to that type. The wider types have their own
// prefixes: `0xK` (x86_fp80: 4 digits sign+exponent, 16 digits mantissa with
// the explicit integer bit), `0xL` (fp128: low 64 bits first, then high), `0xM`
// (ppc_fp128: the high double then the low double).

import type { FloatKind, FloatType } from './types.js';

const HEX16 = '0000000000000000';

function hex(n: bigint, digits: number): string {
  const s = n.toString(16).toUpperCase();
  return s.length >= digits ? s : HEX16.repeat(Math.ceil(digits / 16)).slice(0, digits - s.length) + s;
}

function doubleBits(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}

/** Rounds to nearest-even in a binary format with `p` significand bits, minimum normal exponent `emin`, maximum `emax`. */
function roundTo(x: number, p: number, emin: number, emax: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, emin) - (p - 1));
  const q = a / ulp; // exact: division by a power of two
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  const v = r * ulp;
  const max = (2 - 2 ** (1 - p)) * 2 ** emax;
  const res = v > max ? Infinity : v;
  return x < 0 ? -res : res;
}

/** The value as the given type can hold it (round to nearest even). */
export function roundToFloatKind(value: number, fk: FloatKind): number {
  switch (fk) {
    case 'half': return roundTo(value, 11, -14, 15);
    case 'bfloat': return roundTo(value, 8, -126, 127);
    case 'float': return Math.fround(value);
    case 'double': case 'x86_fp80': case 'fp128': case 'ppc_fp128': return value;
  }
}

/**
 * LLVM's spelling of `value` as a constant of the given floating type: for
 * half, bfloat, float and double the `0x` + 16 hex digits of the double
 * (after rounding the value to the type); `0xK`, `0xL`, `0xM` for x86_fp80,
 * fp128 and ppc_fp128 (exact, from the double).
 */
export function fpConstantText(value: number, type: FloatType | FloatKind): string {
  const fk = typeof type === 'string' ? type : type.fk;
  const v = roundToFloatKind(value, fk);
  const bits = doubleBits(v);
  switch (fk) {
    case 'half': case 'bfloat': case 'float': case 'double':
      return '0x' + hex(bits, 16);
    case 'ppc_fp128':
      return '0xM' + hex(bits, 16) + HEX16;
    case 'x86_fp80': {
      const [sign, exp, mant] = extended(bits, 15, 64, true);
      return '0xK' + hex((sign << 15n) | exp, 4) + hex(mant, 16);
    }
    case 'fp128': {
      const [sign, exp, mant] = extended(bits, 15, 112, false);
      const all = (sign << 127n) | (exp << 112n) | mant;
      return '0xL' + hex(all & 0xFFFFFFFFFFFFFFFFn, 16) + hex(all >> 64n, 16);
    }
  }
}

/**
 * Re-encodes a double exactly in a wider binary format with `expBits`
 * exponent bits and `mantBits` mantissa bits (including the integer bit when
 * `explicitOne`, as x86_fp80 has). Returns [sign, biased exponent, mantissa].
 */
function extended(bits: bigint, expBits: number, mantBits: number, explicitOne: boolean): [bigint, bigint, bigint] {
  const sign = bits >> 63n;
  const e = Number((bits >> 52n) & 0x7FFn);
  let frac = bits & 0xFFFFFFFFFFFFFn;
  const expMax = (1n << BigInt(expBits)) - 1n;
  const bias = (1 << (expBits - 1)) - 1;
  const fracBits = explicitOne ? mantBits - 1 : mantBits; // stored fraction bits below the integer bit
  const one = explicitOne ? 1n << BigInt(mantBits - 1) : 0n;
  if (e === 0x7FF) {
    // Inf, or NaN (keeps the quiet bit and payload, left-aligned).
    const m = frac << BigInt(fracBits - 52);
    return [sign, expMax, one | m];
  }
  if (e === 0 && frac === 0n) return [sign, 0n, 0n];
  let exp = e - 1023;
  if (e === 0) {
    // Double subnormal: normal in the wider format.
    exp = -1022;
    while ((frac & (1n << 52n)) === 0n) { frac <<= 1n; exp--; }
    frac &= 0xFFFFFFFFFFFFFn;
  }
  return [sign, BigInt(exp + bias), one | (frac << BigInt(fracBits - 52))];
}

/**
 * The spelling with the full digit count of its form, as LLVM's lexer reads a shorter one:
 * `0x` (double bits) and `0xH` / `0xR` are numbers (zero-padded on the left); `0xK` takes up
 * to 4 digits of sign and exponent, then up to 16 of mantissa; `0xL` and `0xM` take 16 digits
 * for the first 64-bit half when there are that many, then up to 16 for the second. A full-length spelling (what
 * printers write, except LLVM's for doubles with leading zero digits) is returned as it is.
 */
export function canonicalHexFP(text: string): string {
  if (text.length < 3 || text.charCodeAt(0) !== 0x30 || (text.charCodeAt(1) | 0x20) !== 0x78) return text;
  const k = text[2]!;
  const pad = (d: string, n: number): string => (d.length >= n ? d.slice(d.length - n) : '0'.repeat(n - d.length) + d);
  switch (k) {
    case 'K': {
      const d = text.slice(3);
      return d.length === 20 ? text : `0xK${pad(d.slice(0, 4), 4)}${pad(d.slice(4), 16)}`;
    }
    case 'L': case 'M': {
      // fewer than 16 digits are all the second half (LLLexer::HexToIntPair)
      const d = text.slice(3);
      if (d.length === 32) return text;
      return d.length < 16 ? `0x${k}${'0'.repeat(16)}${pad(d, 16)}` : `0x${k}${d.slice(0, 16)}${pad(d.slice(16), 16)}`;
    }
    case 'H': case 'R': {
      const d = text.slice(3);
      return d.length === 4 ? text : `0x${k}${pad(d, 4)}`;
    }
    default: {
      const d = text.slice(2);
      return d.length === 16 ? text : `0x${pad(d, 16)}`;
    }
  }
}

const PREFIX_KIND: Record<string, FloatKind> = { K: 'x86_fp80', L: 'fp128', M: 'ppc_fp128', H: 'half', R: 'bfloat' };
/** Mantissa bits of the narrow kinds that a double's 52 do not fit in. */
const DROPPED_BITS: Partial<Record<FloatKind, bigint>> = { half: 42n, bfloat: 45n, float: 29n };

/**
 * Why LLVM refuses a floating literal (its canonical spelling, see canonicalHexFP) for a
 * type (a phrase to follow the literal in a message), or null. `0xK`, `0xL`, `0xM`, `0xH`, `0xR` belong to one type each; a decimal or a
 * `0x` double spelling is read as a double, so it only fits half, bfloat, float and double,
 * and only a value the type holds exactly (a NaN: a payload the type keeps).
 */
export function fpLiteralProblem(text: string, fk: FloatKind): string | null {
  const hex = text.length > 2 && text.charCodeAt(0) === 0x30 && (text.charCodeAt(1) | 0x20) === 0x78;
  const own = hex ? PREFIX_KIND[text[2]!] : undefined;
  if (own !== undefined || fk === 'x86_fp80' || fk === 'fp128' || fk === 'ppc_fp128') {
    return own === fk ? null : `does not have type ${fk}`;
  }
  const dropped = DROPPED_BITS[fk];
  if (dropped === undefined) return null;
  let x: number;
  if (hex) {
    const bits = BigInt(text);
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, bits);
    x = dv.getFloat64(0);
    if (Number.isNaN(x)) return (bits & ((1n << dropped) - 1n)) === 0n ? null : `is a NaN whose payload does not fit in ${fk}`;
  } else {
    x = Number(text);
  }
  return Object.is(roundToFloatKind(x, fk), x) ? null : `is not exact in ${fk}`;
}
