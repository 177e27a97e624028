import { describe, expect, it } from 'vitest';
import { farResolutionProblem, farResolvable, negativesNeededForFar, resolvedTar } from '../../../src/core/farResolution.ts';
import { rocCurve, tarAtFar } from '../../../src/core/metrics.ts';

describe('farResolvable', () => {
  it('needs at least 1/FAR negatives, exact at the boundary despite float products', () => {
    expect(farResolvable(20, 1e-3)).toBe(false);
    expect(farResolvable(999, 1e-3)).toBe(false);
    expect(farResolvable(1000, 1e-3)).toBe(true);
    expect(farResolvable(100, 0.01)).toBe(true);
    expect(farResolvable(10000, 1e-4)).toBe(true);
    expect(farResolvable(9999, 1e-4)).toBe(false);
    expect(farResolvable(10, 0.1)).toBe(true);
    expect(farResolvable(Number.NaN, 0.1)).toBe(false);
    expect(negativesNeededForFar(1e-3)).toBe(1000);
    expect(negativesNeededForFar(0.1)).toBe(10);
  });

  it('says why, and only when it cannot', () => {
    expect(farResolutionProblem(20, 1e-3)).toMatch(/^20 different-person pairs cannot measure a false accept rate of 0\.001: that needs at least 1000/);
    expect(farResolutionProblem(5000, 1e-3)).toBeUndefined();
  });

  it('withholds the TAR that metrics.ts reports at FAR 0 for 20 negatives', () => {
    // 20 negatives, 20 positives: no FAR step below 1/20, so the "1e-3" TAR is the TAR at zero false accepts.
    const labels = [...Array(20).fill(1), ...Array(20).fill(0)];
    const scores = labels.map((l, i) => (l ? 0.9 - i * 0.01 : 0.87 - i * 0.01));
    const tar = tarAtFar(rocCurve(labels, scores));
    expect(tar['0.001']).toBeGreaterThan(0);
    const metrics = { negatives: 20, tarAtFar: tar };
    expect(resolvedTar(metrics, '0.001')).toEqual({ problem: farResolutionProblem(20, 1e-3) });
    expect(resolvedTar(metrics, '0.1')).toEqual({ value: tar['0.1'] });
    expect(resolvedTar(metrics, '0.5')).toEqual({});
  });
});
