/**
 * Seeded pseudo-random numbers for everything in the lab that must be reproducible
 * (pair sampling, synthetic data, shuffles, weight init seeds). The global unseeded generator is banned by lint.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "small fast counting" generator from PractRand).
 * Why sfc32 rather than mulberry32: mulberry32 has a single 32-bit state word, so its period is
 * only 2^32 and forked streams would overlap quickly; sfc32 keeps 128 bits of state, passes
 * PractRand and BigCrush, and its built-in counter guarantees a period of at least 2^32 for every
 * seed (2^127 on average), while still being four 32-bit adds/xors/rotates per number.
 * The 128-bit state is expanded from a 32-bit seed with splitmix32, and the first 12 outputs are
 * discarded so that similar seeds do not start with similar numbers.
 */

/** A deterministic random stream. Same seed → same sequence, on every JS engine. */
export interface Rng {
  /** The 32-bit seed this stream was created from (forks derive theirs from it). */
  readonly seed: number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** Unbiased uniform integer in [0, n) for an integer 1 <= n <= 2^32 (rejection sampling, no modulo bias). */
  int(n: number): number;
  /** Standard normal N(0, 1) by the Box–Muller transform (the second value of each pair is cached). */
  normal(): number;
  /** Shuffles `array` in place (Fisher–Yates, every permutation equally likely) and returns it. */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A;
  /**
   * An independent child stream named by `label`. It depends only on this stream's seed and the
   * label, not on how many numbers were drawn, so adding draws elsewhere never shifts a fork.
   */
  fork(label: string | number): Rng;
}

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a well-mixed 32-bit value from a counter (used to expand seeds). */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes a string to a 32-bit seed: FNV-1a over the UTF-16 code units, then the Murmur3 finaliser
 * (plain FNV-1a mixes its last characters poorly, so "run-1" and "run-2" would give close seeds).
 */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Any finite number (or string) to a 32-bit seed; integers in [0, 2^32) map to themselves. */
function toSeed(seed: number | string): number {
  if (typeof seed === 'string') return hashSeed(seed);
  if (!Number.isFinite(seed)) throw new Error(`PRNG seed must be a finite number, got ${seed}`);
  if (Number.isInteger(seed) && seed >= 0 && seed < TWO_POW_32) return seed;
  return hashSeed(String(seed));
}

/** Creates an sfc32 stream from a seed (a 32-bit integer; other numbers and strings are hashed). */
export function createRng(seed: number | string): Rng {
  const rootSeed = toSeed(seed);
  let a = splitmix32(rootSeed);
  let b = splitmix32(a ^ 0x6a09e667);
  let c = splitmix32(b ^ 0xbb67ae85);
  let d = 1; // sfc32's counter word; starting it at 1 follows the reference seeding.
  let spareNormal: number | undefined;

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / TWO_POW_32;

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new Error(`rng.int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    // Accept only draws below the largest multiple of n that fits in 32 bits: no modulo bias.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return x % n;
  };

  const normal = (): number => {
    if (spareNormal !== undefined) {
      const z = spareNormal;
      spareNormal = undefined;
      return z;
    }
    const u1 = 1 - next(); // in (0, 1]: log(0) would be -Infinity
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };

  const rng: Rng = {
    seed: rootSeed,
    next,
    nextUint32,
    int,
    normal,
    shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    fork(label: string | number): Rng {
      const labelHash = typeof label === 'string' ? hashSeed(label) : fmix32(toSeed(label) ^ 0x3c6ef372);
      return createRng(fmix32(((rootSeed ^ Math.imul(labelHash, 0x9e3779b1)) + 0x7f4a7c15) >>> 0));
    },
  };
  return rng;
}
