/**
 * Balanced verification pairs from a labelled image set: half same-identity (positive) pairs,
 * half different-identity (negative) pairs, drawn uniformly without replacement and reproducibly.
 *
 * Sampling is exact and never enumerates all n² pairs when the data are large:
 * - a positive is drawn by choosing identity g with probability ∝ C(k_g, 2) and then two distinct
 *   images of g, which makes every positive pair equally likely;
 * - a negative is drawn by choosing image a with probability ∝ (n − k_a) and then b uniformly
 *   among the n − k_a images of other identities; each negative pair {a, b} then has probability
 *   2 / Σ(n − k_i), again uniform;
 * - duplicates are rejected with a hash set. Rejection is used only while at most half of the
 *   possible pairs are wanted (≤ 2 draws per pair on average); beyond that the possible pairs are
 *   listed (there are then at most twice as many as wanted) and a prefix of a shuffle is taken.
 */
import { createRng, type Rng } from './prng.ts';

/** One verification pair: indices into the item list, a < b; same = same identity. */
export interface Pair {
  a: number;
  b: number;
  same: boolean;
}

/** How many distinct pairs of each kind a set of identities can supply. */
export interface PairCapacity {
  readonly positives: number;
  readonly negatives: number;
}

/** Items grouped by identity: group g owns members[starts[g] .. starts[g+1]). */
interface IdentityGroups {
  readonly members: Uint32Array;
  readonly starts: Uint32Array;
  readonly groupOf: Uint32Array;
  readonly count: number;
}

function groupByIdentity(identities: ArrayLike<number> | readonly string[]): IdentityGroups {
  const n = identities.length;
  const ids = new Map<number | string, number>();
  const groupOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = identities[i];
    let g = ids.get(key);
    if (g === undefined) {
      g = ids.size;
      ids.set(key, g);
    }
    groupOf[i] = g;
  }
  const count = ids.size;
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i < n; i++) starts[groupOf[i] + 1]++;
  for (let g = 0; g < count; g++) starts[g + 1] += starts[g];
  const fill = starts.slice(0, count);
  const members = new Uint32Array(n);
  for (let i = 0; i < n; i++) members[fill[groupOf[i]]++] = i;
  return { members, starts, groupOf, count };
}

const choose2 = (k: number): number => (k * (k - 1)) / 2;

/** Distinct positive and negative pairs the identities (one label per item) can supply. */
export function pairCapacity(identities: ArrayLike<number> | readonly string[]): PairCapacity {
  const groups = groupByIdentity(identities);
  let positives = 0;
  for (let g = 0; g < groups.count; g++) positives += choose2(groups.starts[g + 1] - groups.starts[g]);
  return { positives, negatives: choose2(identities.length) - positives };
}

/**
 * Most balanced pairs a capacity allows, as sampleBalancedPairs counts them: as many positives as
 * negatives, plus one positive more when positives are the more plentiful kind (an odd count gives
 * its extra pair to the positives).
 */
export function mostBalancedPairs({ positives, negatives }: PairCapacity): number {
  return 2 * Math.min(positives, negatives) + (positives > negatives ? 1 : 0);
}

/** Index of the first cumulative weight > x (cumulative is non-decreasing, x < its last entry). */
function pickWeighted(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Uniform float in [0, total) with 53 bits, so large weight totals keep full resolution. */
function uniformBelow(rng: Rng, total: number): number {
  const x = ((rng.nextUint32() * 2 ** 21 + (rng.nextUint32() >>> 11)) / 2 ** 53) * total;
  return x < total ? x : 0; // the product can round up to total (odds 2^-53); keep it in range
}

function makePair(x: number, y: number, same: boolean): Pair {
  return x < y ? { a: x, b: y, same } : { a: y, b: x, same };
}

/** Draws `wanted` distinct pairs with `draw` (rejecting repeats); n bounds the indices for the key. */
function drawDistinct(wanted: number, n: number, draw: () => [number, number], same: boolean): Pair[] {
  const seen = new Set<number>();
  const pairs: Pair[] = [];
  while (pairs.length < wanted) {
    const pair = makePair(...draw(), same);
    const key = pair.a * n + pair.b;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push(pair);
  }
  return pairs;
}

/** The first `wanted` of all listed pairs after a partial Fisher–Yates shuffle. */
function takeRandom(all: Pair[], wanted: number, rng: Rng): Pair[] {
  for (let i = 0; i < wanted; i++) {
    const j = i + rng.int(all.length - i);
    const tmp = all[i];
    all[i] = all[j];
    all[j] = tmp;
  }
  return all.slice(0, wanted);
}

function samplePositives(groups: IdentityGroups, n: number, wanted: number, possible: number, rng: Rng): Pair[] {
  const { members, starts, count } = groups;
  if (wanted === 0) return [];
  if (2 * wanted > possible) {
    const all: Pair[] = [];
    for (let g = 0; g < count; g++) {
      for (let x = starts[g]; x < starts[g + 1]; x++) {
        for (let y = x + 1; y < starts[g + 1]; y++) all.push(makePair(members[x], members[y], true));
      }
    }
    return takeRandom(all, wanted, rng);
  }
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let g = 0; g < count; g++) cumulative[g] = total += choose2(starts[g + 1] - starts[g]);
  return drawDistinct(
    wanted,
    n,
    () => {
      const g = pickWeighted(cumulative, uniformBelow(rng, total));
      const size = starts[g + 1] - starts[g];
      const x = rng.int(size);
      const y = (x + 1 + rng.int(size - 1)) % size; // any member but x
      return [members[starts[g] + x], members[starts[g] + y]];
    },
    true,
  );
}

function sampleNegatives(groups: IdentityGroups, n: number, wanted: number, possible: number, rng: Rng): Pair[] {
  const { members, starts, count } = groups;
  if (wanted === 0) return [];
  if (2 * wanted > possible) {
    // Cross pairs between every two identities: O(possible + identities²) and identities² <= 2·possible.
    const all: Pair[] = [];
    for (let g = 0; g < count; g++) {
      for (let h = g + 1; h < count; h++) {
        for (let x = starts[g]; x < starts[g + 1]; x++) {
          for (let y = starts[h]; y < starts[h + 1]; y++) all.push(makePair(members[x], members[y], false));
        }
      }
    }
    return takeRandom(all, wanted, rng);
  }
  // Identity g is picked with weight k_g·(n − k_g): its images times the images outside it.
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let g = 0; g < count; g++) {
    const size = starts[g + 1] - starts[g];
    cumulative[g] = total += size * (n - size);
  }
  return drawDistinct(
    wanted,
    n,
    () => {
      const g = pickWeighted(cumulative, uniformBelow(rng, total));
      const start = starts[g];
      const size = starts[g + 1] - start;
      const a = members[start + rng.int(size)];
      // Uniform over the n − size members outside g's contiguous block.
      const r = rng.int(n - size);
      const b = members[r < start ? r : r + size];
      return [a, b];
    },
    false,
  );
}

/**
 * Samples `count` verification pairs: ceil(count/2) positives and floor(count/2) negatives (an odd
 * count gives the extra pair to the positives), as indices into the items whose identity labels are
 * `identities`. No self-pairs, no repeated pair, a < b in every pair; an identity with one image
 * never yields a positive. The output order is shuffled (positives and negatives interleaved), so
 * contiguous folds are balanced on average. Same identities, count and seed → same pairs.
 * Throws, saying how many are possible, when the items cannot supply enough distinct pairs.
 */
export function sampleBalancedPairs(identities: ArrayLike<number> | readonly string[], count: number, seed: number): Pair[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`pair count must be a non-negative integer, got ${count}`);
  const n = identities.length;
  const groups = groupByIdentity(identities);
  let possiblePositives = 0;
  for (let g = 0; g < groups.count; g++) possiblePositives += choose2(groups.starts[g + 1] - groups.starts[g]);
  const possibleNegatives = choose2(n) - possiblePositives;
  const wantedPositives = Math.ceil(count / 2);
  const wantedNegatives = count - wantedPositives;
  const shortages: string[] = [];
  if (wantedPositives > possiblePositives) {
    shortages.push(`${wantedPositives} positive pairs wanted but only ${possiblePositives} distinct same-identity pairs are possible`);
  }
  if (wantedNegatives > possibleNegatives) {
    shortages.push(`${wantedNegatives} negative pairs wanted but only ${possibleNegatives} distinct different-identity pairs are possible`);
  }
  if (shortages.length > 0) {
    const most = mostBalancedPairs({ positives: possiblePositives, negatives: possibleNegatives });
    throw new Error(`cannot sample ${count} balanced pairs from ${n} items of ${groups.count} identities: ${shortages.join('; ')} (at most ${most} balanced pairs)`);
  }
  const rng = createRng(seed);
  const pairs = [
    ...samplePositives(groups, n, wantedPositives, possiblePositives, rng.fork('positives')),
    ...sampleNegatives(groups, n, wantedNegatives, possibleNegatives, rng.fork('negatives')),
  ];
  return rng.fork('order').shuffle(pairs);
}

const counted = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Why items with these identity labels give no verification test, or undefined when they give
 * at least one pair of each kind. A test needs both: an AUC or a threshold compares same-identity
 * scores with different-identity ones.
 */
export function whyNoPairs(identities: ArrayLike<number> | readonly string[]): string | undefined {
  const { positives, negatives } = pairCapacity(identities);
  if (positives > 0 && negatives > 0) return undefined;
  const need = 'a test needs at least two identities, one of them with two images or more';
  const n = identities.length;
  if (n === 0) return `there are no images: ${need}`;
  const missing: string[] = [];
  if (positives === 0) missing.push(`no same-identity pair${n > 1 ? ' (every identity has one image)' : ''}`);
  if (negatives === 0) missing.push('no different-identity pair');
  const k = groupByIdentity(identities).count;
  return `${counted(n, 'image', 'images')} of ${counted(k, 'identity', 'identities')} ${n === 1 ? 'gives' : 'give'} ${missing.join(' and ')}: ${need}`;
}

/**
 * Up to `count` balanced pairs (sampleBalancedPairs): `count` when the items supply that many,
 * otherwise the most they can give (mostBalancedPairs: every pair of the scarcer kind), so a small
 * test set is used whole rather than refused; the caller compares the length with `count` to say
 * so. Same identities, count and seed → same pairs.
 * Throws, saying why (whyNoPairs), when the items give no pair of one kind.
 */
export function sampleAvailablePairs(identities: ArrayLike<number> | readonly string[], count: number, seed: number): Pair[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`pair count must be a non-negative integer, got ${count}`);
  const reason = whyNoPairs(identities);
  if (reason !== undefined) throw new Error(reason);
  const most = mostBalancedPairs(pairCapacity(identities));
  return sampleBalancedPairs(identities, Math.min(count, most), seed);
}
