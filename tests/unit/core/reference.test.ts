/** The reference model's pure arithmetic: face-api's descriptor box and padding, the threshold's angle, and the baseline's pairs. */
import { describe, expect, it } from 'vitest';
import type { Point } from '../../../src/core/align/affine.ts';
import { pairCosines, pairImages, pairsWithFaces } from '../../../src/core/reference/baseline.ts';
import {
  centredSquarePadding,
  chordToAngleDeg,
  faceApiDescriptorBox,
  FACE_API_DESCRIPTOR_NORM,
  FACE_API_DISTANCE_THRESHOLD,
  normalizeRows,
  REFERENCE_THRESHOLD_DEG,
} from '../../../src/core/reference/faceApiReference.ts';

/** 68 landmarks with both eyes' points at the given centres and the mouth's at its centre (the rest anywhere). */
function landmarks(leftEye: Point, rightEye: Point, mouth: Point): Point[] {
  const points: Point[] = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
  for (let i = 36; i < 42; i++) points[i] = { x: leftEye.x + (i % 2 ? 1 : -1), y: leftEye.y };
  for (let i = 42; i < 48; i++) points[i] = { x: rightEye.x + (i % 2 ? 1 : -1), y: rightEye.y };
  for (let i = 48; i < 68; i++) points[i] = { x: mouth.x + (i % 2 ? 2 : -2), y: mouth.y };
  return points;
}

describe('face-api’s descriptor crop', () => {
  it('places a square from the eyes and mouth as face-api’s alignDlib does', () => {
    // Eyes 40 px apart, mouth 60 px below their middle: eye–mouth distance √(20² + 60²) = 63.25, side ⌊63.25 / 0.45⌋ = 140.
    const box = faceApiDescriptorBox(landmarks({ x: 180, y: 200 }, { x: 220, y: 200 }, { x: 200, y: 260 }), 1000, 1000);
    // Reference point: the centre of the three, (200, 220); corner at (200 − 0.5·140, 220 − 0.43·140) = (130, 159.8) → floored.
    expect(box).toEqual({ x: 130, y: 159, width: 140, height: 140 });
  });

  it('keeps the corner inside the image and cuts what lies past the right and bottom edges', () => {
    const nearTopLeft = faceApiDescriptorBox(landmarks({ x: 10, y: 20 }, { x: 50, y: 20 }, { x: 30, y: 80 }), 1000, 1000);
    expect(nearTopLeft).toEqual({ x: 0, y: 0, width: 140, height: 140 });
    const nearBottomRight = faceApiDescriptorBox(landmarks({ x: 180, y: 200 }, { x: 220, y: 200 }, { x: 200, y: 260 }), 250, 280);
    expect(nearBottomRight).toEqual({ x: 130, y: 159, width: 120, height: 121 });
    expect(() => faceApiDescriptorBox([], 10, 10)).toThrow(/68 landmarks/);
  });

  it('pads a cut box to a centred square, the larger half after', () => {
    expect(centredSquarePadding(120, 121)).toEqual({ axis: 'x', before: 0, after: 1 });
    expect(centredSquarePadding(120, 125)).toEqual({ axis: 'x', before: 2, after: 3 });
    expect(centredSquarePadding(130, 100)).toEqual({ axis: 'y', before: 15, after: 15 });
    expect(centredSquarePadding(64, 64)).toEqual({ axis: 'none', before: 0, after: 0 });
  });
});

describe('the reference threshold', () => {
  it('is face-api’s distance 0.6 as the angle it spans at the descriptors’ norm', () => {
    expect(chordToAngleDeg(Math.SQRT2, 1)).toBeCloseTo(90, 10);
    expect(chordToAngleDeg(2, 1)).toBeCloseTo(180, 10);
    expect(REFERENCE_THRESHOLD_DEG).toBeCloseTo(chordToAngleDeg(FACE_API_DISTANCE_THRESHOLD, FACE_API_DESCRIPTOR_NORM), 12);
    // Two vectors of that norm at that angle lie 0.6 apart.
    const r = FACE_API_DESCRIPTOR_NORM;
    const t = (REFERENCE_THRESHOLD_DEG * Math.PI) / 180;
    expect(Math.hypot(r - r * Math.cos(t), r * Math.sin(t))).toBeCloseTo(0.6, 10);
  });

  it('normalises rows and keeps their norms; a zero row stays zero', () => {
    const { unit, norms } = normalizeRows(Float32Array.from([3, 4, 0, 0]), 2);
    expect(Array.from(unit)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
    expect(Array.from(norms)).toEqual([5, 0]);
    expect(() => normalizeRows(new Float32Array(3), 2)).toThrow(/not rows of 2/);
  });
});

describe('the baseline’s pairs', () => {
  const identities = [
    { key: 'ana', files: ['t/ana/1.png', 't/ana/2.png'] },
    { key: 'bo', files: ['t/bo/1.png', 't/bo/2.png', 't/bo/3.png'] },
  ];
  const ref = (identity: string, index: number) => ({ identity, index });

  it('lists each image the pairs use once and indexes the pairs into that list', () => {
    const { paths, pairs } = pairImages(
      [
        { a: ref('ana', 1), b: ref('ana', 2), same: true },
        { a: ref('ana', 2), b: ref('bo', 3), same: false },
        { a: ref('bo', 3), b: ref('bo', 1), same: true },
      ],
      identities,
    );
    expect(paths).toEqual(['t/ana/1.png', 't/ana/2.png', 't/bo/3.png', 't/bo/1.png']);
    expect(pairs).toEqual([
      { a: 0, b: 1, same: true },
      { a: 1, b: 2, same: false },
      { a: 2, b: 3, same: true },
    ]);
    expect(() => pairImages([{ a: ref('ana', 3), b: ref('bo', 1), same: false }], identities)).toThrow(/image 3 of 'ana'/);
  });

  it('leaves out the pairs with an image without a face, counting each kind, and scores the rest', () => {
    const pairs = [
      { a: 0, b: 1, same: true },
      { a: 1, b: 2, same: false },
      { a: 2, b: 3, same: true },
      { a: 0, b: 3, same: false },
    ];
    const { kept, leftOut } = pairsWithFaces(pairs, (item) => item !== 2);
    expect(kept).toEqual([pairs[0], pairs[3]]);
    expect(leftOut).toEqual({ positives: 1, negatives: 1 });
    const rowOf = Int32Array.from([0, 1, -1, 2]);
    const embeddings = Float32Array.from([1, 0, 0.6, 0.8, 0, 1]);
    expect(Array.from(pairCosines(embeddings, 2, rowOf, kept))).toEqual([Math.fround(0.6), 0]);
    expect(() => pairCosines(embeddings, 2, rowOf, pairs)).toThrow(/pair 2 uses an image without an embedding/);
  });
});
