/**
 * 2-D affine maps for face alignment, in the pixel-index convention of OpenCV's warpAffine and
 * tf.image.transform: the centre of pixel (column i, row j) is the point (i, j).
 *
 * An Affine [a, b, c, d, e, f] maps (x, y) to (a·x + b·y + c, d·x + e·y + f).
 */

/** A point in pixel-index coordinates (x = column, y = row). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number];

/** The map that leaves every point where it is. */
export const IDENTITY_AFFINE: Affine = Object.freeze([1, 0, 0, 0, 1, 0] as const);

/** Where `affine` sends `point`. */
export function applyAffine(affine: Affine, point: Point): Point {
  const [a, b, c, d, e, f] = affine;
  return { x: a * point.x + b * point.y + c, y: d * point.x + e * point.y + f };
}

/** `outer ∘ inner`: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = outer;
  const [a2, b2, c2, d2, e2, f2] = inner;
  return [a1 * a2 + b1 * d2, a1 * b2 + b1 * e2, a1 * c2 + b1 * f2 + c1, d1 * a2 + e1 * d2, d1 * b2 + e1 * e2, d1 * c2 + e1 * f2 + f1];
}

/** The inverse map; throws when the linear part is singular (all points collapse onto a line). */
export function invertAffine(affine: Affine): Affine {
  const [a, b, c, d, e, f] = affine;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new RangeError(`affine map is not invertible (determinant ${det})`);
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** A pure translation by (dx, dy). */
export function translation(dx: number, dy: number): Affine {
  return [1, 0, dx, 0, 1, dy];
}

/** Uniform scaling about the origin. */
export function scaling(factor: number): Affine {
  return [factor, 0, 0, 0, factor, 0];
}

/**
 * The same map in the canvas convention, where the centre of pixel (i, j) is (i + ½, j + ½):
 * shift by −½, apply, shift by +½. A canvas `setTransform` needs this for crops to land where
 * tf.image.transform puts them.
 */
export function toCanvasConvention(affine: Affine): Affine {
  return composeAffine(translation(0.5, 0.5), composeAffine(affine, translation(-0.5, -0.5)));
}

/**
 * The 8 numbers tf.image.transform takes for the warp whose forward map (source → output) is
 * `forward`: it wants, for every output pixel, where to sample the source, i.e. the inverse map
 * [a0, a1, a2, b0, b1, b2, c0, c1] with no projective part (c0 = c1 = 0).
 */
export function samplingTransform(forward: Affine): [number, number, number, number, number, number, number, number] {
  const [a, b, c, d, e, f] = invertAffine(forward);
  return [a, b, c, d, e, f, 0, 0];
}
