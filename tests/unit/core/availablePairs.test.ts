/**
 * Pairs from a test set smaller than the count asked for: every balanced pair
 * it gives is used instead of an error, and a set with no pair of one kind is refused for that reason.
 */
import { describe, expect, it } from 'vitest';
import { mostBalancedPairs, pairCapacity, sampleAvailablePairs, sampleBalancedPairs, whyNoPairs } from '../../../src/core/pairs.ts';

/** 12 images of 4 identities × 3: 12 same-identity pairs, 54 different-identity ones. */
const TWELVE = Array.from({ length: 12 }, (_, i) => Math.floor(i / 3));

describe('mostBalancedPairs', () => {
  it('counts every pair of the scarcer kind twice, plus one positive when positives are the more', () => {
    expect(mostBalancedPairs(pairCapacity(TWELVE))).toBe(24);
    expect(mostBalancedPairs({ positives: 10, negatives: 3 })).toBe(7);
    expect(mostBalancedPairs({ positives: 3, negatives: 10 })).toBe(6);
    expect(mostBalancedPairs({ positives: 0, negatives: 10 })).toBe(0);
    // As many as sampleBalancedPairs can draw, and not one more.
    // [0, 0, 0, 0, 1]: 6 positives, 4 negatives → 9.
    expect(sampleBalancedPairs([0, 0, 0, 0, 1], 9, 1)).toHaveLength(9);
    expect(() => sampleBalancedPairs([0, 0, 0, 0, 1], 10, 1)).toThrow(/at most 9 balanced pairs/);
  });
});

describe('sampleAvailablePairs', () => {
  it('uses the 24 balanced pairs of 12 images when 600 are asked for', () => {
    const pairs = sampleAvailablePairs(TWELVE, 600, 1);
    expect(pairs).toHaveLength(24);
    expect(pairs.filter((p) => p.same)).toHaveLength(12);
    for (const p of pairs) expect(p.same).toBe(TWELVE[p.a] === TWELVE[p.b]);
    expect(new Set(pairs.map((p) => `${p.a},${p.b}`)).size).toBe(24);
    // Reproducible, and the same as asking for exactly what exists.
    expect(sampleAvailablePairs(TWELVE, 600, 1)).toEqual(pairs);
    expect(sampleAvailablePairs(TWELVE, 24, 1)).toEqual(sampleBalancedPairs(TWELVE, 24, 1));
  });

  it('draws exactly the count asked for when the set gives that many', () => {
    expect(sampleAvailablePairs(TWELVE, 10, 3)).toEqual(sampleBalancedPairs(TWELVE, 10, 3));
    expect(() => sampleAvailablePairs(TWELVE, -1, 1)).toThrow(/non-negative integer/);
  });

  it('refuses a set with no pair of one kind, saying which kind is missing and why', () => {
    expect(() => sampleAvailablePairs([0, 1, 2, 3], 600, 1)).toThrow(
      '4 images of 4 identities give no same-identity pair (every identity has one image): a test needs at least two identities, one of them with two images or more',
    );
    expect(() => sampleAvailablePairs(['a', 'a', 'a'], 600, 1)).toThrow(/^3 images of 1 identity give no different-identity pair: a test needs/);
    expect(() => sampleAvailablePairs([7], 600, 1)).toThrow(/^1 image of 1 identity gives no same-identity pair and no different-identity pair/);
    expect(() => sampleAvailablePairs([], 600, 1)).toThrow(/^there are no images/);
  });
});

describe('whyNoPairs', () => {
  it('is undefined once there is one pair of each kind', () => {
    expect(whyNoPairs([0, 0, 1])).toBeUndefined();
    expect(whyNoPairs(TWELVE)).toBeUndefined();
    expect(whyNoPairs([0, 0])).toMatch(/no different-identity pair/);
  });
});
