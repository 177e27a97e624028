/**
 * The ArcFace 5-point alignment: five landmarks taken from the 68-point (iBUG 300-W) layout are
 * carried by a least-squares similarity onto insightface's 112×112 template, the crop the
 * report's networks (and ArcFace) are trained on.
 */
import { applyAffine, type Affine, type Point } from './affine.ts';
import { fitSimilarity, type SimilarityFit } from './similarity.ts';

/** Side of the square the ArcFace template is defined on. */
export const TEMPLATE_SIZE = 112;

/**
 * insightface's `arcface_dst` (python/insightface/utils/face_align.py) for a 112×112 crop:
 * left eye, right eye (as seen in the image: the subject's right eye is on the left), nose tip,
 * left and right mouth corners.
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = Object.freeze([
  Object.freeze({ x: 38.2946, y: 51.6963 }),
  Object.freeze({ x: 73.5318, y: 51.5014 }),
  Object.freeze({ x: 56.0252, y: 71.7366 }),
  Object.freeze({ x: 41.5493, y: 92.3655 }),
  Object.freeze({ x: 70.7299, y: 92.2041 }),
]);

/** Names of the five points, in template order. */
export const FIVE_POINT_NAMES = Object.freeze(['left eye', 'right eye', 'nose tip', 'left mouth corner', 'right mouth corner'] as const);

/**
 * Indices into the 68-point layout (0-based, iBUG 300-W): 36–41 outline the eye on the image's
 * left, 42–47 the other eye, 30 is the nose tip, 48 and 54 the mouth corners.
 */
export const LANDMARKS_68 = Object.freeze({
  leftEye: Object.freeze([36, 37, 38, 39, 40, 41]),
  rightEye: Object.freeze([42, 43, 44, 45, 46, 47]),
  noseTip: 30,
  leftMouth: 48,
  rightMouth: 54,
});

function mean(points: readonly Point[], indices: readonly number[]): Point {
  let x = 0,
    y = 0;
  for (const i of indices) {
    x += points[i].x;
    y += points[i].y;
  }
  return { x: x / indices.length, y: y / indices.length };
}

/** The five alignment points (template order) from 68 landmarks: eye centres are the means of each eye's six points. */
export function fivePointsFrom68(landmarks: readonly Point[]): Point[] {
  if (landmarks.length !== 68) throw new RangeError(`expected 68 landmarks, got ${landmarks.length}`);
  return [
    mean(landmarks, LANDMARKS_68.leftEye),
    mean(landmarks, LANDMARKS_68.rightEye),
    landmarks[LANDMARKS_68.noseTip],
    landmarks[LANDMARKS_68.leftMouth],
    landmarks[LANDMARKS_68.rightMouth],
  ];
}

/** The template for a crop of side `size` (the 112 template scaled by size/112, as insightface does for other sizes). */
export function templateForSize(size: number): Point[] {
  if (!(size > 0)) throw new RangeError(`crop size must be positive, got ${size}`);
  const k = size / TEMPLATE_SIZE;
  return ARCFACE_TEMPLATE_112.map((p) => ({ x: p.x * k, y: p.y * k }));
}

/** The similarity from image coordinates to a `size`² crop that puts `fivePoints` on the template. */
export function alignmentFit(fivePoints: readonly Point[], size = TEMPLATE_SIZE): SimilarityFit {
  if (fivePoints.length !== 5) throw new RangeError(`expected 5 alignment points, got ${fivePoints.length}`);
  return fitSimilarity(fivePoints, templateForSize(size));
}

/** Distance in pixels from each eye, mapped by `transform`, to its template position (in a `size`² crop). */
export function eyeErrors(transform: Affine, fivePoints: readonly Point[], size = TEMPLATE_SIZE): [number, number] {
  const template = templateForSize(size);
  const dist = (i: number) => {
    const p = applyAffine(transform, fivePoints[i]);
    return Math.hypot(p.x - template[i].x, p.y - template[i].y);
  };
  return [dist(0), dist(1)];
}

/** A detected face's box in image pixels. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Index of the face with the largest box area (the first of equals), or −1 when there is none: "the largest face wins". */
export function largestFaceIndex(boxes: readonly FaceBox[]): number {
  let best = -1;
  let bestArea = -Infinity;
  boxes.forEach((box, i) => {
    const area = Math.max(0, box.width) * Math.max(0, box.height);
    if (area > bestArea) {
      best = i;
      bestArea = area;
    }
  });
  return best;
}
