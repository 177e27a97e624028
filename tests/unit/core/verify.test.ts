import { describe, expect, it } from 'vitest';
import { angleDegToCosine, cosineToAngleDeg, identityMeans, nearestIdentities, thresholdAtFar, thresholdOf, verdictOf } from '../../../src/core/verify.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

describe('cosine and angle', () => {
  it('maps cosines to degrees and back, clamping rounding past ±1', () => {
    expect(cosineToAngleDeg(1)).toBe(0);
    expect(cosineToAngleDeg(0)).toBeCloseTo(90, 12);
    expect(cosineToAngleDeg(-1)).toBeCloseTo(180, 12);
    expect(cosineToAngleDeg(0.5)).toBeCloseTo(60, 12);
    expect(cosineToAngleDeg(1.0000001)).toBe(0);
    expect(angleDegToCosine(60)).toBeCloseTo(0.5, 12);
  });
});

describe('verdicts', () => {
  it('accepts at cosine ≥ threshold, with the angle of the pair and of the threshold', () => {
    const a = unit(1, 0);
    const b = unit(1, 1); // 45°
    const same = verdictOf(a, b, Math.cos(Math.PI / 4) - 1e-6);
    expect(same.same).toBe(true);
    expect(same.label).toBe('same person');
    expect(same.angleDeg).toBeCloseTo(45, 4);
    const different = verdictOf(a, b, 0.8);
    expect(different).toMatchObject({ same: false, label: 'different people' });
    expect(different.thresholdAngleDeg).toBeCloseTo(36.8699, 3);
    // +Infinity accepts nothing, even identical embeddings.
    expect(verdictOf(a, a, Infinity)).toMatchObject({ same: false, thresholdAngleDeg: 0 });
    expect(() => verdictOf(a, unit(1, 0, 0), 0.5)).toThrow(/dimension/);
    expect(() => verdictOf(a, b, NaN)).toThrow(/not a number/);
  });

  it('picks the threshold the user chose', () => {
    const t = { eer: 0.3, bestAccuracy: 0.35, tarAtFar: 0.6 };
    expect(thresholdOf('eer', t, 0.1)).toBe(0.3);
    expect(thresholdOf('bestAccuracy', t, 0.1)).toBe(0.35);
    expect(thresholdOf('tarAtFar', t, 0.1)).toBe(0.6);
    expect(thresholdOf('manual', t, 0.1)).toBe(0.1);
  });
});

describe('threshold at a FAR', () => {
  // 4 negatives (FPR steps of 0.25) and 4 positives.
  const roc = {
    fpr: [0, 0, 0, 0.25, 0.25, 0.5, 1],
    tpr: [0, 0.25, 0.5, 0.5, 0.75, 1, 1],
    thresholds: [Infinity, 0.9, 0.8, 0.7, 0.6, 0.4, 0.1],
  };
  it('takes the largest TPR with FPR ≤ FAR, at its highest threshold', () => {
    expect(thresholdAtFar(roc, 1e-3)).toBe(0.8);
    expect(thresholdAtFar(roc, 0.25)).toBe(0.6);
    expect(thresholdAtFar(roc, 0.5)).toBe(0.4);
  });
  it('tolerates float32 rounding of the FPR', () => {
    const f32 = { ...roc, fpr: Float32Array.from([0, 0, 0, 0.1, 0.1, 0.5, 1]) };
    expect(thresholdAtFar(f32, 0.1)).toBe(0.6);
  });
  it('is +Infinity when only the (0, 0) point qualifies, and refuses ragged curves', () => {
    expect(thresholdAtFar({ fpr: [0, 0.5, 1], tpr: [0, 0.5, 1], thresholds: [Infinity, 0.5, 0.1] }, 1e-3)).toBe(Infinity);
    expect(() => thresholdAtFar({ fpr: [], tpr: [], thresholds: [] })).toThrow(/empty/);
    expect(() => thresholdAtFar({ fpr: [0], tpr: [0, 1], thresholds: [Infinity] })).toThrow(/length/);
  });
});

describe('nearest identities by mean embedding', () => {
  // Identity 0 around +x, identity 1 around +y, identity 2 has no images, identity 3 around −x.
  const rows = [unit(1, 0.1), unit(1, -0.1), unit(0.1, 1), unit(-0.1, 1), unit(-1, 0)];
  const embeddings = new Float32Array(rows.flatMap((r) => [...r]));
  const table = identityMeans(embeddings, 2, [0, 0, 1, 1, 3], 4);

  it('averages and normalises each identity, leaving empty ones at zero', () => {
    expect([...table.counts]).toEqual([2, 2, 0, 1]);
    expect(table.means[0]).toBeCloseTo(1, 6);
    expect(table.means[1]).toBeCloseTo(0, 6);
    expect(table.means[3]).toBeCloseTo(1, 6);
    expect([...table.means.subarray(4, 6)]).toEqual([0, 0]);
    expect(() => identityMeans(embeddings, 2, [0, 0, 1, 1, 9], 4)).toThrow(/outside/);
    expect(() => identityMeans(embeddings, 3, [0, 0, 1, 1, 3], 4)).toThrow(/not 5 embeddings/);
  });

  it('ranks identities nearest first with their angles, skipping empty ones', () => {
    const near = nearestIdentities(unit(1, 0.5), table, 5);
    expect(near.map((n) => n.index)).toEqual([0, 1, 3]);
    expect(near[0].angleDeg).toBeCloseTo((Math.atan(0.5) * 180) / Math.PI, 4);
    expect(near[1].angleDeg).toBeCloseTo(90 - (Math.atan(0.5) * 180) / Math.PI, 4);
    expect(near[2].angleDeg).toBeCloseTo(180 - (Math.atan(0.5) * 180) / Math.PI, 4);
    expect(nearestIdentities(unit(1, 0.5), table, 1)).toHaveLength(1);
  });
});
