// A small seeded RNG for the sweep's pure functions. Every random choice a sweep makes is
// drawn from a stream derived from (sweep seed, purpose, run index ...), so a proposal is a
// pure function of its inputs and never depends on how many numbers an earlier call drew.

/** 32-bit integer hash of a list of integers (murmur3-style finaliser per word). */
export function hashInts(...words: number[]): number {
  let h = 0x9e3779b9 ^ words.length;
  for (const w of words) {
    // split floats / large numbers into two 32-bit halves so nothing is silently truncated
    const lo = (w >>> 0) ^ 0;
    const hi = Math.floor(w / 4294967296) | 0;
    for (const part of [lo, hi]) {
      let k = Math.imul(part, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable 32-bit hash of a string (for labelling streams by name). */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** standard normal N(0, 1) */
  normal(): number;
}

/** sfc32 generator seeded from a hash of the given integers. */
export function makeRng(...seedWords: number[]): Rng {
  let a = hashInts(1, ...seedWords);
  let b = hashInts(2, ...seedWords);
  let c = hashInts(3, ...seedWords);
  let d = hashInts(4, ...seedWords) | 1;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextU32(); // warm up
  let spare: number | null = null;
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor(rng.next() * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
  return rng;
}

/** A run seed in RunConfig's range [0, 2^31 - 1], derived from integers. */
export function deriveSeed(...words: number[]): number {
  return hashInts(0x5eed, ...words) & 0x7fffffff;
}
