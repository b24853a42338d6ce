// A small seeded PRNG (xoshiro128**, seeded through splitmix32): the same seed gives the same
// program on every machine and Node version, which `--seed S` promises.

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit hash of a string, to derive the seed of one program from the run's seed and its index. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st); this.b = splitmix32(st); this.c = splitmix32(st); this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t; this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number { return this.u32() / 4294967296; }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }

  /** Uniform in [lo, hi). */
  real(lo: number, hi: number): number { return lo + this.next() * (hi - lo); }

  chance(p: number): boolean { return this.next() < p; }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of `items`, with probability proportional to its weight (weights <= 0 never chosen). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) if (w > 0) total += w;
    if (total <= 0) throw new Error('weighted pick with no positive weight');
    let r = this.next() * total;
    for (const [x, w] of items) {
      if (w <= 0) continue;
      r -= w;
      if (r < 0) return x;
    }
    for (let i = items.length - 1; i >= 0; i--) if (items[i]![1] > 0) return items[i]![0];
    throw new Error('unreachable');
  }

  /** A value with a few significant digits, so that the C source stays readable. */
  nice(lo: number, hi: number): number {
    const v = this.real(lo, hi);
    return Math.round(v * 1000) / 1000;
  }

  /** An independent generator for a sub-task (keeps other choices stable when one changes). */
  fork(): Rng { return new Rng(this.u32()); }
}

function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }
