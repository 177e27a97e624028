import { describe, expect, it } from 'vitest';
import { angleDegrees, angleHistograms, histogram } from '../../../src/core/histogram.ts';

describe('histogram', () => {
  it('counts values into equal-width bins, max in the last bin, outside values apart', () => {
    const h = histogram([0, 1, 9.99, 10, 180, -0.5, 181], { bins: 18, min: 0, max: 180 });
    expect(h.counts.length).toBe(18);
    expect(h.counts[0]).toBe(3); // 0, 1, 9.99
    expect(h.counts[1]).toBe(1); // 10 starts bin 1
    expect(h.counts[17]).toBe(1); // 180 = max
    expect(h.underflow).toBe(1);
    expect(h.overflow).toBe(1);
    expect(h.total).toBe(5);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[1]).toBe(10);
    expect(h.edges[18]).toBe(180);
  });

  it('puts every value of a grid exactly on a bin edge into the bin it starts', () => {
    const values = Array.from({ length: 100 }, (_, i) => i * 0.1); // 0.1 steps, not exact in binary
    const h = histogram(values, { bins: 100, min: 0, max: 10 });
    expect([...h.counts].every((c) => c === 1)).toBe(true);
  });

  it('rejects bad options and NaN', () => {
    expect(() => histogram([1], { bins: 0, min: 0, max: 1 })).toThrow(/bins/);
    expect(() => histogram([1], { bins: 2, min: 1, max: 1 })).toThrow(/range/);
    expect(() => histogram([NaN], { bins: 2, min: 0, max: 1 })).toThrow(/NaN/);
  });
});

describe('angle histograms', () => {
  it('maps cosine to degrees and clamps outside [-1, 1]', () => {
    expect(angleDegrees(1)).toBe(0);
    expect(angleDegrees(0)).toBe(90);
    expect(angleDegrees(-1)).toBe(180);
    expect(angleDegrees(0.5)).toBeCloseTo(60, 12);
    expect(angleDegrees(1.0000001)).toBe(0);
    expect(angleDegrees(-1.5)).toBe(180);
  });

  it('splits by label and bins over 0–180°', () => {
    // positives at 0°, 60°, 60°; negatives at 90°, 180°
    const { positives, negatives } = angleHistograms([1, 1, 1, 0, 0], [1, 0.5, 0.5, 0, -1], 6);
    expect([...positives.counts]).toEqual([1, 0, 2, 0, 0, 0]);
    expect([...negatives.counts]).toEqual([0, 0, 0, 1, 0, 1]);
    expect(positives.edges[1]).toBe(30);
  });
});
