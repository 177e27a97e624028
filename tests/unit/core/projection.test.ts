import { describe, expect, it } from 'vitest';
import { capOutline, lambertHemisphere, pcaBasis, projectRows } from '../../../src/core/projection.ts';

describe('PCA', () => {
  it('finds the axes of a stretched, rotated cloud with their variances', () => {
    // Points ±a along u and ±b along v, u ⟂ v in 4-D, shifted by an offset; a = 3, b = 1.
    const u = [1, 1, 0, 0].map((x) => x / Math.SQRT2);
    const v = [0, 0, 1, -1].map((x) => x / Math.SQRT2);
    const offset = [5, -2, 1, 0];
    const rows: number[] = [];
    for (const [s, t] of [
      [3, 0],
      [-3, 0],
      [0, 1],
      [0, -1],
    ])
      rows.push(...offset.map((o, k) => o + s * u[k] + t * v[k]));
    const basis = pcaBasis(rows, 4, 2);
    expect(Array.from(basis.mean)).toEqual(offset.map((o) => expect.closeTo(o, 12)));
    expect(basis.variances[0]).toBeCloseTo(18 / 4, 9);
    expect(basis.variances[1]).toBeCloseTo(2 / 4, 9);
    expect(basis.explained[0]).toBeCloseTo(0.9, 9);
    // Sign convention: the largest coordinate is positive.
    expect(Array.from(basis.components[0])).toEqual(u.map((x) => expect.closeTo(x, 9)));
    expect(Array.from(basis.components[1]).map(Math.abs)).toEqual(v.map((x) => expect.closeTo(Math.abs(x), 9)));
    const projected = projectRows(rows, 4, basis);
    expect(Array.from(projected.slice(0, 2))).toEqual([expect.closeTo(3, 5), expect.closeTo(0, 5)]);
  });

  it('copes with points that do not vary along the second axis', () => {
    const basis = pcaBasis([0, 0, 0, 2, 0, 0], 3, 2);
    expect(basis.variances[0]).toBeCloseTo(1, 9);
    expect(basis.variances[1]).toBeCloseTo(0, 12);
    expect(Math.abs(basis.components[0].reduce((s, x, k) => s + x * basis.components[1][k], 0))).toBeLessThan(1e-9);
    expect(() => pcaBasis([1, 2, 3], 2)).toThrow(/rows of dim/);
  });
});

describe('Lambert equal-area hemispheres', () => {
  it('puts the poles at the centres and the equator on the rims', () => {
    expect(lambertHemisphere(0, 0, 2)).toEqual({ hemisphere: 'upper', u: 0, v: 0 });
    expect(lambertHemisphere(0, 0, -1)).toEqual({ hemisphere: 'lower', u: 0, v: 0 });
    const rim = lambertHemisphere(0, 1, 0);
    expect(rim.hemisphere).toBe('upper');
    expect(rim.u).toBeCloseTo(0, 12);
    expect(rim.v).toBeCloseTo(1, 12);
  });

  it('keeps area: a cap of polar angle θ covers 1 − cos θ of its disc', () => {
    for (const thetaDeg of [10, 45, 60, 89]) {
      const t = (thetaDeg * Math.PI) / 180;
      const p = lambertHemisphere(Math.sin(t), 0, Math.cos(t));
      expect(Math.hypot(p.u, p.v) ** 2).toBeCloseTo(1 - Math.cos(t), 12);
      const q = lambertHemisphere(0, Math.sin(t), -Math.cos(t));
      expect(q.hemisphere).toBe('lower');
      expect(q.v).toBeCloseTo(Math.sqrt(1 - Math.cos(t)), 12);
    }
    expect(() => lambertHemisphere(0, 0, 0)).toThrow(/zero vector/);
  });

  it('draws a cap outline at the asked angle from its centre', () => {
    const centre: [number, number, number] = [1, 2, 2];
    const outline = capOutline(centre, 30, 12);
    expect(outline).toHaveLength(12);
    for (const p of outline) {
      expect(Math.hypot(...p)).toBeCloseTo(1, 12);
      const cos = (p[0] * 1 + p[1] * 2 + p[2] * 2) / 3;
      expect((Math.acos(cos) * 180) / Math.PI).toBeCloseTo(30, 9);
    }
  });
});
