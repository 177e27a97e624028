import { describe, expect, it } from 'vitest';
import { applyAffine, composeAffine, IDENTITY_AFFINE, invertAffine, samplingTransform, toCanvasConvention, type Affine, type Point } from '../../../src/core/align/affine.ts';
import { fitSimilarity, similarityAffine } from '../../../src/core/align/similarity.ts';
import { alignmentFit, ARCFACE_TEMPLATE_112, eyeErrors, fivePointsFrom68, largestFaceIndex, templateForSize } from '../../../src/core/align/template.ts';
import { checkAlignOptions, DEFAULT_ALIGN_OPTIONS } from '../../../src/core/align/options.ts';
import { createRng } from '../../../src/core/prng.ts';

const closeAffine = (actual: Affine, expected: Affine, digits = 9) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));

/** n points scattered over a 600-px photo. */
function scatter(n: number, seed: number): Point[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => ({ x: rng.next() * 600, y: rng.next() * 400 }));
}

/** Σ‖T(sᵢ) − tᵢ‖², the quantity the fit minimises. */
function sumSquared(transform: Affine, source: readonly Point[], target: readonly Point[]): number {
  return source.reduce((sum, p, i) => {
    const m = applyAffine(transform, p);
    return sum + (m.x - target[i].x) ** 2 + (m.y - target[i].y) ** 2;
  }, 0);
}

describe('affine helpers', () => {
  it('inverts and composes back to the identity', () => {
    const a: Affine = [1.3, -0.4, 12, 0.2, 0.9, -7];
    closeAffine(composeAffine(a, invertAffine(a)), IDENTITY_AFFINE, 12);
    closeAffine(composeAffine(invertAffine(a), a), IDENTITY_AFFINE, 12);
    const p = applyAffine(composeAffine(a, [2, 0, 1, 0, 2, 3]), { x: 5, y: -2 });
    const q = applyAffine(a, { x: 11, y: -1 });
    expect(p.x).toBeCloseTo(q.x, 12);
    expect(p.y).toBeCloseTo(q.y, 12);
  });

  it('refuses a singular map', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(/not invertible/);
  });

  it('gives tf.image.transform the output → source map', () => {
    const forward = similarityAffine(0.25, 0.3, -40, 15);
    const [a0, a1, a2, b0, b1, b2, c0, c1] = samplingTransform(forward);
    expect([c0, c1]).toEqual([0, 0]);
    const source = { x: 321, y: 123 };
    const out = applyAffine(forward, source);
    expect(a0 * out.x + a1 * out.y + a2).toBeCloseTo(source.x, 9);
    expect(b0 * out.x + b1 * out.y + b2).toBeCloseTo(source.y, 9);
  });

  it('moves a map to the canvas convention (pixel centres at +½)', () => {
    const forward = similarityAffine(0.5, -0.2, 3, 4);
    const canvas = toCanvasConvention(forward);
    const p = applyAffine(forward, { x: 10, y: 20 });
    const c = applyAffine(canvas, { x: 10.5, y: 20.5 });
    expect(c.x).toBeCloseTo(p.x + 0.5, 12);
    expect(c.y).toBeCloseTo(p.y + 0.5, 12);
  });
});

describe('fitSimilarity', () => {
  const cases = [
    { name: 'pure rotation', scale: 1, rotation: 0.7, tx: 0, ty: 0 },
    { name: 'pure scale', scale: 0.18, rotation: 0, tx: 0, ty: 0 },
    { name: 'pure translation', scale: 1, rotation: 0, tx: -250.5, ty: 37.25 },
    { name: 'all three, upside down', scale: 2.5, rotation: -3, tx: 90, ty: -410 },
  ];
  for (const c of cases) {
    it(`recovers a ${c.name} exactly`, () => {
      const truth = similarityAffine(c.scale, c.rotation, c.tx, c.ty);
      const source = scatter(7, 11);
      const fit = fitSimilarity(
        source,
        source.map((p) => applyAffine(truth, p)),
      );
      closeAffine(fit.transform, truth, 9);
      expect(fit.scale).toBeCloseTo(c.scale, 12);
      expect(fit.rotation).toBeCloseTo(c.rotation, 12);
      expect(fit.tx).toBeCloseTo(c.tx, 8);
      expect(fit.ty).toBeCloseTo(c.ty, 8);
      expect(fit.rmsError).toBeLessThan(1e-9);
    });
  }

  it('recovers a transform from two points (the minimum)', () => {
    const truth = similarityAffine(0.6, 1.1, 5, 6);
    const source = [
      { x: 0, y: 0 },
      { x: 10, y: 3 },
    ];
    closeAffine(
      fitSimilarity(
        source,
        source.map((p) => applyAffine(truth, p)),
      ).transform,
      truth,
      12,
    );
  });

  it('is the least-squares fit on noisy points: no small change of its 4 parameters lowers the error', () => {
    const rng = createRng(5);
    const truth = similarityAffine(0.2, 0.15, -20, 30);
    const source = scatter(5, 3);
    const target = source.map((p) => {
      const m = applyAffine(truth, p);
      return { x: m.x + rng.normal() * 2, y: m.y + rng.normal() * 2 };
    });
    const fit = fitSimilarity(source, target);
    const best = sumSquared(fit.transform, source, target);
    expect(best).toBeLessThan(sumSquared(truth, source, target));
    expect(fit.rmsError).toBeCloseTo(Math.sqrt(best / source.length), 12);
    expect(fit.rmsError).toBeGreaterThan(0.5);
    const [p, , tx, q, , ty] = fit.transform;
    for (const [dp, dq, dx, dy] of [
      [1e-4, 0, 0, 0],
      [0, 1e-4, 0, 0],
      [0, 0, 1e-2, 0],
      [0, 0, 0, 1e-2],
    ]) {
      for (const sign of [1, -1]) {
        const moved: Affine = [p + sign * dp, -(q + sign * dq), tx + sign * dx, q + sign * dq, p + sign * dp, ty + sign * dy];
        expect(sumSquared(moved, source, target)).toBeGreaterThan(best);
      }
    }
  });

  it('never reflects: a mirrored target gives a rotation, not a flip', () => {
    const source = scatter(6, 8);
    const fit = fitSimilarity(
      source,
      source.map((p) => ({ x: -p.x, y: p.y })),
    );
    const [a, b, , d, e] = fit.transform;
    expect(a * e - b * d).toBeGreaterThanOrEqual(0);
    expect(fit.rmsError).toBeGreaterThan(1);
  });

  it('rejects unusable inputs', () => {
    expect(() => fitSimilarity([{ x: 1, y: 1 }], [{ x: 1, y: 1 }])).toThrow(/at least 2/);
    expect(() =>
      fitSimilarity(
        [
          { x: 1, y: 1 },
          { x: 1, y: 1 },
        ],
        [
          { x: 0, y: 0 },
          { x: 5, y: 5 },
        ],
      ),
    ).toThrow(/coincide/);
    expect(() => fitSimilarity(scatter(3, 1), scatter(4, 1))).toThrow(/differ in size/);
  });
});

describe('ArcFace 5-point alignment', () => {
  /** 68 landmarks whose eyes, nose tip and mouth corners sit on `five`, other points far away. */
  function landmarksAround(five: readonly Point[]): Point[] {
    const points: Point[] = Array.from({ length: 68 }, (_, i) => ({ x: 1000 + i, y: -1000 }));
    // Eye outlines: six points symmetric about the centre, so their mean is the centre.
    const ring = [
      [-6, 0],
      [-3, -2],
      [3, -2],
      [6, 0],
      [3, 2],
      [-3, 2],
    ];
    ring.forEach(([dx, dy], k) => {
      points[36 + k] = { x: five[0].x + dx, y: five[0].y + dy };
      points[42 + k] = { x: five[1].x + dx, y: five[1].y + dy };
    });
    points[30] = five[2];
    points[48] = five[3];
    points[54] = five[4];
    return points;
  }

  it('takes eye centres from 36–41 and 42–47, the nose tip from 30, mouth corners from 48 and 54', () => {
    const five = [
      { x: 100, y: 120 },
      { x: 160, y: 118 },
      { x: 131, y: 150 },
      { x: 108, y: 185 },
      { x: 152, y: 183 },
    ];
    const got = fivePointsFrom68(landmarksAround(five));
    got.forEach((p, i) => {
      expect(p.x).toBeCloseTo(five[i].x, 12);
      expect(p.y).toBeCloseTo(five[i].y, 12);
    });
    expect(() => fivePointsFrom68(five)).toThrow(/68 landmarks/);
  });

  it('maps a face that is a rotated, scaled, shifted template exactly onto the template', () => {
    const placed = similarityAffine(4.2, 0.35, 700, 260);
    const five = ARCFACE_TEMPLATE_112.map((p) => applyAffine(placed, p));
    const fit = alignmentFit(fivePointsFrom68(landmarksAround(five)));
    closeAffine(fit.transform, invertAffine(placed), 9);
    const [left, right] = eyeErrors(fit.transform, five);
    expect(left).toBeLessThan(1e-9);
    expect(right).toBeLessThan(1e-9);
    expect(fit.scale).toBeCloseTo(1 / 4.2, 12);
  });

  it('scales the template with the crop size', () => {
    expect(templateForSize(224)[0]).toEqual({ x: 38.2946 * 2, y: 51.6963 * 2 });
    expect(templateForSize(112)).toEqual(ARCFACE_TEMPLATE_112);
    const five = ARCFACE_TEMPLATE_112.map((p) => ({ x: p.x * 3, y: p.y * 3 }));
    expect(alignmentFit(five, 56).scale).toBeCloseTo(1 / 6, 12);
  });

  it('picks the largest face', () => {
    expect(largestFaceIndex([])).toBe(-1);
    expect(
      largestFaceIndex([
        { x: 0, y: 0, width: 10, height: 10 },
        { x: 5, y: 5, width: 30, height: 5 },
        { x: 0, y: 0, width: 11, height: 11 },
      ]),
    ).toBe(1);
  });

  it('checks alignment options', () => {
    expect(checkAlignOptions(DEFAULT_ALIGN_OPTIONS)).toEqual({ detector: 'tiny', scoreThreshold: 0.5 });
    expect(() => checkAlignOptions({ detector: 'ssd', scoreThreshold: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => checkAlignOptions({ detector: 'mtcnn' as 'ssd', scoreThreshold: 0.5 })).toThrow(/detector/);
  });
});
