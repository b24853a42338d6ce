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
