import { describe, expect, it } from 'vitest';
import { isFlat, linearTrend } from '../../../src/core/trend.ts';
import { createRng } from '../../../src/core/prng.ts';

describe('linearTrend', () => {
  it('recovers a line exactly and fits noise around a known slope within its standard error', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    expect(
      linearTrend(
        xs,
        xs.map((x) => 3 + 2 * x),
      ),
    ).toMatchObject({ slope: 2, intercept: 3, slopeStdErr: 0, n: 6 });
    const rng = createRng(7);
    const many = Array.from({ length: 200 }, (_, i) => i);
    const noisy = many.map((x) => 10 + 0.5 * x + (rng.next() - 0.5) * 4);
    const trend = linearTrend(many, noisy);
    expect(Math.abs(trend.slope - 0.5)).toBeLessThan(3 * trend.slopeStdErr);
    expect(trend.slopeStdErr).toBeGreaterThan(0);
  });

  it('calls a constant or noise-only series flat and a leak not flat', () => {
    const xs = Array.from({ length: 60 }, (_, i) => i);
    expect(
      isFlat(
        linearTrend(
          xs,
          xs.map(() => 512),
        ),
      ),
    ).toBe(true);
    const rng = createRng(3);
    expect(
      isFlat(
        linearTrend(
          xs,
          xs.map(() => 100 + rng.next()),
        ),
      ),
    ).toBe(true);
    // A leak of one tensor a minute over an hour is far outside the noise of the same size.
    expect(
      isFlat(
        linearTrend(
          xs,
          xs.map((x) => 100 + x + rng.next()),
        ),
      ),
    ).toBe(false);
    // Two samples fit any line: never evidence of flatness.
    expect(isFlat(linearTrend([0, 1], [5, 6]))).toBe(false);
  });

  it('refuses mismatched or degenerate input', () => {
    expect(() => linearTrend([1, 2], [1])).toThrow(/2 xs but 1 ys/);
    expect(() => linearTrend([1, 1, 1], [1, 2, 3])).toThrow(/two distinct x/);
  });
});
