import { describe, expect, it } from 'vitest';
import { appendColumns, emptyColumns, smoothSeries } from '../../../src/core/series.ts';

describe('appendColumns', () => {
  it('appends every column and leaves the inputs alone', () => {
    const base = { step: new Float32Array([0, 1]), loss: new Float32Array([5, 4]) };
    const more = { step: new Float32Array([2]), loss: new Float32Array([3]) };
    const joined = appendColumns(base, more);
    expect(Array.from(joined.step)).toEqual([0, 1, 2]);
    expect(Array.from(joined.loss)).toEqual([5, 4, 3]);
    expect(Array.from(base.step)).toEqual([0, 1]);
  });

  it('starts from empty columns', () => {
    const joined = appendColumns(emptyColumns(['a', 'b'] as const), { a: new Float32Array([1]), b: new Float32Array([2]) });
    expect(Array.from(joined.a)).toEqual([1]);
    expect(Array.from(joined.b)).toEqual([2]);
  });
});

describe('smoothSeries', () => {
  it('is the identity with no smoothing', () => {
    expect(Array.from(smoothSeries([3, 1, 2], 0))).toEqual([3, 1, 2]);
  });

  it('debiases the start and averages exponentially', () => {
    // s1 = x1; s2 = (0.5·0.5·4 + 0.5·2) / (1 − 0.25) = (1 + 1) / 0.75
    const out = smoothSeries([4, 2], 0.5);
    expect(out[0]).toBeCloseTo(4, 6);
    expect(out[1]).toBeCloseTo(2 / 0.75, 5);
  });

  it('a constant series stays constant and NaN does not poison later points', () => {
    expect(Array.from(smoothSeries([2, 2, 2], 0.9)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([2, 2, 2]);
    const out = smoothSeries([1, Number.NaN, 1], 0.6);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(1, 6);
  });

  it('rejects a smoothing factor outside [0, 1)', () => {
    expect(() => smoothSeries([1], 1)).toThrow(/smoothing/);
  });
});
