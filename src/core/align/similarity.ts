/**
 * Least-squares similarity transform between two point sets (rotation, uniform scale and
 * translation; no reflection, no shear), as in Umeyama (1991) restricted to 2-D, which is what
 * insightface's `estimate_norm` (skimage SimilarityTransform) fits for the ArcFace crop.
 *
 * In 2-D a similarity is linear in its four parameters: x' = p·x − q·y + tx, y' = q·x + p·y + ty
 * (p = s·cos θ, q = s·sin θ). Minimising Σ‖T(srcᵢ) − dstᵢ‖² over (p, q, tx, ty) is therefore an
 * ordinary least-squares problem with a closed form: with both sets centred on their means
 * (x̃, ỹ) and (ũ, ṽ),
 *   p = Σ(x̃ũ + ỹṽ) / Σ(x̃² + ỹ²),   q = Σ(x̃ṽ − ỹũ) / Σ(x̃² + ỹ²),
 * and the translation carries the source mean onto the target mean. That is exactly Umeyama's
 * answer for rotations (det > 0), which a similarity of a face can always reach.
 */
import type { Affine, Point } from './affine.ts';

/** A fitted similarity and how well it fits. */
export interface SimilarityFit {
  /** Source → target map. */
  readonly transform: Affine;
  /** Uniform scale s > 0. */
  readonly scale: number;
  /** Rotation θ in radians, in (−π, π] (counter-clockwise in x-right, y-up axes; clockwise on screen). */
  readonly rotation: number;
  readonly tx: number;
  readonly ty: number;
  /** Root-mean-square distance between the mapped source points and the targets. */
  readonly rmsError: number;
}

/** The similarity with scale `scale`, rotation `rotation` (radians) and translation (tx, ty). */
export function similarityAffine(scale: number, rotation: number, tx: number, ty: number): Affine {
  const p = scale * Math.cos(rotation);
  const q = scale * Math.sin(rotation);
  return [p, -q, tx, q, p, ty];
}

/**
 * The least-squares similarity carrying `source[i]` onto `target[i]`. Needs at least two
 * distinct source points (one point fixes no scale or rotation).
 */
export function fitSimilarity(source: readonly Point[], target: readonly Point[]): SimilarityFit {
  if (source.length !== target.length) throw new RangeError(`point sets differ in size: ${source.length} source, ${target.length} target`);
  if (source.length < 2) throw new RangeError(`a similarity needs at least 2 point pairs, got ${source.length}`);
  const n = source.length;
  let sx = 0,
    sy = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < n; i++) {
    sx += source[i].x;
    sy += source[i].y;
    tx += target[i].x;
    ty += target[i].y;
  }
  sx /= n;
  sy /= n;
  tx /= n;
  ty /= n;
  let spread = 0,
    dot = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const x = source[i].x - sx,
      y = source[i].y - sy;
    const u = target[i].x - tx,
      v = target[i].y - ty;
    spread += x * x + y * y;
    dot += x * u + y * v;
    cross += x * v - y * u;
  }
  if (!(spread > 1e-12)) throw new RangeError('source points all coincide: no scale or rotation can be fitted');
  const p = dot / spread;
  const q = cross / spread;
  const transform: Affine = [p, -q, tx - (p * sx - q * sy), q, p, ty - (q * sx + p * sy)];
  let squared = 0;
  for (let i = 0; i < n; i++) {
    const mx = transform[0] * source[i].x + transform[1] * source[i].y + transform[2];
    const my = transform[3] * source[i].x + transform[4] * source[i].y + transform[5];
    squared += (mx - target[i].x) ** 2 + (my - target[i].y) ** 2;
  }
  return {
    transform,
    scale: Math.hypot(p, q),
    rotation: Math.atan2(q, p),
    tx: transform[2],
    ty: transform[5],
    rmsError: Math.sqrt(squared / n),
  };
}
