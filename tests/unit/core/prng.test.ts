import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from '../../../src/core/prng.ts';

const take = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = take(100, a.next);
    expect(take(100, b.next)).toEqual(seqA);
    expect(take(100, c.next)).not.toEqual(seqA);
  });

  it('keeps the sfc32 sequence stable across versions (regression values)', () => {
    // Recorded from this implementation; a change here changes every seeded experiment.
    const rng = createRng(1);
    expect(take(3, rng.nextUint32)).toEqual(REGRESSION_SEED_1);
  });

  it('next() stays in [0, 1) with a mean near 1/2', () => {
    const rng = createRng(7);
    const xs = take(50_000, rng.next);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 2);
  });

  it('int(n) covers [0, n) evenly (chi-square well under the 0.1% critical value)', () => {
    const rng = createRng(3);
    const n = 10;
    const draws = 100_000;
    const counts = new Array(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // χ²(9 dof) at p = 0.001
    expect(() => rng.int(0)).toThrow();
    expect(() => rng.int(1.5)).toThrow();
    expect(rng.int(1)).toBe(0);
    const big = rng.int(2 ** 32);
    expect(big).toBeGreaterThanOrEqual(0);
    expect(big).toBeLessThan(2 ** 32);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1', () => {
    const rng = createRng(5);
    const xs = take(100_000, rng.normal);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('shuffle() permutes in place, deterministically, for arrays and typed arrays', () => {
    const base = Array.from({ length: 50 }, (_, i) => i);
    const a = createRng(9).shuffle([...base]);
    const b = createRng(9).shuffle(Float64Array.from(base));
    expect([...a].sort((x, y) => x - y)).toEqual(base);
    expect([...b]).toEqual(a);
    expect(a).not.toEqual(base);
  });

  it('shuffle() makes every permutation of 3 items about equally likely', () => {
    const rng = createRng(11);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = rng.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('fork(label) depends on the parent seed and label only, not on draws', () => {
    const parent = createRng(21);
    const before = take(5, parent.fork('pairs').next);
    take(1000, parent.next);
    expect(take(5, parent.fork('pairs').next)).toEqual(before);
    expect(take(5, parent.fork('other').next)).not.toEqual(before);
    expect(take(5, parent.fork(1).next)).not.toEqual(take(5, parent.fork(2).next));
    expect(take(5, parent.fork('pairs').next)).not.toEqual(take(5, createRng(21).next));
    expect(take(5, createRng(22).fork('pairs').next)).not.toEqual(before);
  });

  it('accepts string seeds through hashSeed', () => {
    expect(hashSeed('run-1')).toBe(hashSeed('run-1'));
    expect(hashSeed('run-1')).not.toBe(hashSeed('run-2'));
    expect(Number.isInteger(hashSeed('日本語'))).toBe(true);
    expect(take(3, createRng('run-1').next)).toEqual(take(3, createRng(hashSeed('run-1')).next));
  });
});

const REGRESSION_SEED_1 = [1235322124, 80454549, 756047286];
