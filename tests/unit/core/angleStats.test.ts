import { describe, expect, it } from 'vitest';
import { angleFromCosine, angleStatistics, angleToCentres, centreAngles, pairAngleStats } from '../../../src/core/angleStats.ts';

const deg = (d: number) => (d * Math.PI) / 180;
/** A 2-D point at angle `d` degrees, of length `r`. */
const at = (d: number, r = 1) => [r * Math.cos(deg(d)), r * Math.sin(deg(d))];

describe('angle statistics on hand-made embeddings', () => {
  // Three class centres at 0°, 90° and 200° (head rows of any length), two embeddings per class.
  const centres = [...at(0, 3), ...at(90, 0.5), ...at(200, 2)];
  const embeddings = [...at(10), ...at(-20, 4), ...at(95), ...at(75), ...at(200), ...at(170, 0.1)];
  const labels = [0, 0, 1, 1, 2, 2];

  it('measures each embedding against its own centre, whatever the lengths', () => {
    const angles = angleToCentres(embeddings, labels, centres, 2);
    expect(Array.from(angles).map((a) => Number(a.toFixed(6)))).toEqual([10, 20, 5, 15, 0, 30]);
  });

  it('takes inter-class angles over distinct centre pairs (the short way round)', () => {
    // 0°–90°: 90, 0°–200°: 160, 90°–200°: 110.
    const all = centreAngles(centres, 2);
    expect(all.meanDeg).toBeCloseTo(120, 9);
    expect(all.minDeg).toBeCloseTo(90, 9);
    const some = centreAngles(centres, 2, [0, 2]);
    expect(some.meanDeg).toBeCloseTo(160, 9);
    expect(centreAngles(centres, 2, [1]).meanDeg).toBeNaN();
  });

  it('summarises positive and negative pairs from their cosine scores', () => {
    const stats = pairAngleStats([1, 1, 0, 0, 0], [Math.cos(deg(20)), Math.cos(deg(40)), Math.cos(deg(80)), 0, -1]);
    expect(stats.positiveMeanDeg).toBeCloseTo(30, 9);
    expect(stats.positiveMinDeg).toBeCloseTo(20, 9);
    expect(stats.negativeMeanDeg).toBeCloseTo((80 + 90 + 180) / 3, 9);
    expect(stats.negativeMinDeg).toBeCloseTo(80, 9);
    expect(pairAngleStats([0], [0.5]).positiveMeanDeg).toBeNaN();
  });

  it('combines them, with intra NaN when there are no held-out embeddings', () => {
    const stats = angleStatistics({ dim: 2, embeddings, labels, centres, pairLabels: [1, 0], pairScores: [1, -1] });
    expect(stats.intraMeanDeg).toBeCloseTo(80 / 6, 9);
    expect(stats.interMeanDeg).toBeCloseTo(120, 9);
    expect(stats.interMinDeg).toBeCloseTo(90, 9);
    expect(stats.positiveMeanDeg).toBeCloseTo(0, 9);
    expect(stats.negativeMinDeg).toBeCloseTo(180, 9);
    const none = angleStatistics({ dim: 2, embeddings: [], labels: [], centres, pairLabels: [1, 0], pairScores: [1, -1] });
    expect(none.intraMeanDeg).toBeNaN();
  });

  it('clamps cosines that rounding pushed past ±1 and rejects bad shapes', () => {
    expect(angleFromCosine(1.0000001)).toBe(0);
    expect(angleFromCosine(-1.0000001)).toBe(180);
    expect(() => angleToCentres([1, 0, 0], [0], centres, 2)).toThrow(/multiple of dim/);
    expect(() => angleToCentres([1, 0], [3], centres, 2)).toThrow(/not a centre row/);
  });
});
