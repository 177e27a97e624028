import { describe, expect, it } from 'vitest';
import { pairCapacity, sampleBalancedPairs, type Pair } from '../../../src/core/pairs.ts';

/** Checks every invariant the sampler promises (one assertion, so 20k pairs stay fast); returns the positive count. */
function checkInvariants(pairs: Pair[], identities: ArrayLike<number | string>): number {
  const seen = new Set<string>();
  const problems: string[] = [];
  let positives = 0;
  for (const { a, b, same } of pairs) {
    const key = `${a},${b}`;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b >= identities.length) problems.push(`${key}: index out of range`);
    if (!(a < b)) problems.push(`${key}: not a < b (self-pair or unordered)`);
    if (same !== (identities[a] === identities[b])) problems.push(`${key}: same=${same} but identities ${identities[a]}, ${identities[b]}`);
    if (seen.has(key)) problems.push(`${key}: duplicate`);
    seen.add(key);
    if (same) positives++;
  }
  expect(problems.slice(0, 5)).toEqual([]);
  return positives;
}

/** 2,000 identities × 10 images, as in the benchmark, plus 300 single-image identities. */
function largeSet(): Uint32Array {
  const ids = new Uint32Array(20_300);
  for (let i = 0; i < 20_000; i++) ids[i] = Math.floor(i / 10);
  for (let i = 20_000; i < ids.length; i++) ids[i] = i; // singletons
  return ids;
}

describe('sampleBalancedPairs', () => {
  it('draws ceil(N/2) positives and floor(N/2) negatives with no self or duplicate pairs', () => {
    const ids = largeSet();
    const pairs = sampleBalancedPairs(ids, 21_797, 1);
    expect(pairs.length).toBe(21_797);
    expect(checkInvariants(pairs, ids)).toBe(10_899);
  });

  it('never makes a positive from a single-image identity', () => {
    const ids = largeSet();
    for (const p of sampleBalancedPairs(ids, 5_000, 2)) {
      if (p.same) expect(p.a).toBeLessThan(20_000);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    const ids = largeSet();
    expect(sampleBalancedPairs(ids, 1_000, 3)).toEqual(sampleBalancedPairs(ids, 1_000, 3));
    expect(sampleBalancedPairs(ids, 1_000, 3)).not.toEqual(sampleBalancedPairs(ids, 1_000, 4));
  });

  it('interleaves positives and negatives (shuffled output order)', () => {
    const pairs = sampleBalancedPairs(largeSet(), 1_000, 5);
    expect(pairs.slice(0, 500).filter((p) => p.same).length).toBeGreaterThan(200);
    expect(pairs.slice(0, 500).filter((p) => p.same).length).toBeLessThan(300);
  });

  it('accepts string identities and can take every possible pair (enumeration path)', () => {
    const ids = ['ana', 'ana', 'ana', 'bo', 'bo', '李', '😀'];
    const capacity = pairCapacity(ids);
    expect(capacity).toEqual({ positives: 4, negatives: 17 }); // C(3,2)+C(2,2); C(7,2) − 4
    const pairs = sampleBalancedPairs(ids, 8, 6);
    expect(checkInvariants(pairs, ids)).toBe(4);
    const allPositives = pairs
      .filter((p) => p.same)
      .map((p) => `${p.a},${p.b}`)
      .sort();
    expect(allPositives).toEqual(['0,1', '0,2', '1,2', '3,4']);
  });

  it('can take every negative pair when one identity dominates', () => {
    const ids = [0, 0, 0, 0, 0, 0, 1, 2]; // negatives: 6·2 + 1 = 13
    const pairs = sampleBalancedPairs(ids, 26, 7);
    expect(checkInvariants(pairs, ids)).toBe(13);
  });

  it('samples positive and negative pairs uniformly (weights by C(k,2) and by other-identity images)', () => {
    // Positives: {0,1},{0,2},{1,2},{3,4}; negatives: 6 pairs. One of each per draw, 4,000 seeds.
    const ids = [0, 0, 0, 1, 1];
    const positiveCounts = new Map<string, number>();
    const negativeCounts = new Map<string, number>();
    for (let seed = 0; seed < 4_000; seed++) {
      for (const p of sampleBalancedPairs(ids, 2, seed)) {
        const counts = p.same ? positiveCounts : negativeCounts;
        counts.set(`${p.a},${p.b}`, (counts.get(`${p.a},${p.b}`) ?? 0) + 1);
      }
    }
    expect(positiveCounts.size).toBe(4);
    expect(negativeCounts.size).toBe(6);
    for (const c of positiveCounts.values()) expect(Math.abs(c - 1_000)).toBeLessThan(150);
    for (const c of negativeCounts.values()) expect(Math.abs(c - 4_000 / 6)).toBeLessThan(120);
  });

  it('throws, saying how many are possible, when the data cannot supply enough pairs', () => {
    const ids = [0, 0, 1, 2, 3]; // 1 positive, 9 negatives possible
    expect(() => sampleBalancedPairs(ids, 4, 1)).toThrow(/2 positive pairs wanted but only 1 distinct same-identity pairs are possible.*at most 2 balanced pairs/);
    expect(() => sampleBalancedPairs([0, 0, 0, 0, 1], 10, 1)).toThrow(/5 negative pairs wanted but only 4 distinct different-identity/);
    expect(() => sampleBalancedPairs([0, 1, 2], 2, 1)).toThrow(/only 0 distinct same-identity/);
    expect(() => sampleBalancedPairs([0, 0], 1.5, 1)).toThrow(/non-negative integer/);
    expect(sampleBalancedPairs([0, 1], 0, 1)).toEqual([]);
  });
});
