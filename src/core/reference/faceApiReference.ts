/**
 * The built-in reference model, the face recognition network that ships in `@vladmandic/face-api` (a port of
 * dlib's ResNet-29 face descriptor): where it looks in a photo, and the threshold its verdicts use. Pure, so the
 * browser worker and the Node tests share one definition.
 *
 * The crop is face-api's own (`withFaceDescriptors`): `FaceLandmarks.align(null, { useDlibAlignment: true })`, a
 * square, not rotated, placed from the centres of the two eyes and the mouth, clipped to the image, padded to a
 * square with black when the clip cut it (centred), and resized to the network's 150×150. The lab copies it rather
 * than its ArcFace 112 template so that the network sees what it was published with and its documented threshold
 * still means what it says.
 */
import type { Point } from '../align/affine.ts';
import type { FaceBox } from '../align/template.ts';

/** Side of the square face crop the recognition network takes, px (face-api resizes every face to it). */
export const REFERENCE_INPUT_SIZE = 150;

/** Dimension of the network's descriptors. */
export const REFERENCE_DIM = 128;

/** The reference model's id wherever the lab names models and runs. */
export const REFERENCE_MODEL_ID = 'reference-face-api';

/** What the lab calls it. */
export const REFERENCE_LABEL = 'Reference: face-api (128-d)';

/** The name of the baseline run it gives on a test folder. */
export const REFERENCE_RUN_LABEL = 'Reference: face-api (pretrained)';

/** face-api's alignment constants (its `FaceLandmarks.ts`: relX, relY, relScale). */
const REL_X = 0.5;
const REL_Y = 0.43;
const REL_SCALE = 0.45;

/**
 * Euclidean distance below which face-api (and dlib, whose network it ports) calls two descriptors the same person:
 * face-api's README and `FaceMatcher` default, dlib's documented 0.6 (99.38% on LFW with dlib's own face chips).
 */
export const FACE_API_DISTANCE_THRESHOLD = 0.6;

/**
 * The descriptors are not unit vectors: their norm, measured on the 20 faces the tiny detector finds in face-api's
 * demo/sample1–6.jpg (tests/unit/ml/reference.test.ts measures it again), lies in 1.36–1.51, mean 1.46.
 */
export const FACE_API_DESCRIPTOR_NORM = 1.46;

/**
 * The angle between two descriptors of norm `norm` that lie `distance` apart (isosceles triangle: the chord of a
 * circle of radius `norm`).
 */
export function chordToAngleDeg(distance: number, norm: number): number {
  return (2 * Math.asin(Math.min(1, distance / (2 * norm))) * 180) / Math.PI;
}

/**
 * The reference verdict's threshold as an angle: face-api's 0.6 at the descriptors' typical norm, 2·asin(0.3/1.46)
 * ≈ 23.7°. The lab judges every model by the angle between unit embeddings, so the reference is judged the same way;
 * for two descriptors of exactly that norm both rules agree. Measured on the demo photos (tiny detector), the 29
 * pairs of faces found in one photo lie at 22.3°–35.2° (3 below this threshold), and 12 faces against their
 * mirrored, rescaled, brightened JPEG copies at 6°–15° (one at 27°): the network is far from perfect on these
 * photos, and a loaded test folder gives its EER threshold on your data (the baseline run).
 */
export const REFERENCE_THRESHOLD_DEG = chordToAngleDeg(FACE_API_DISTANCE_THRESHOLD, FACE_API_DESCRIPTOR_NORM);

/** Where the reference threshold comes from, in words (shown beside it). */
export const REFERENCE_THRESHOLD_SOURCE = `face-api's distance ${FACE_API_DISTANCE_THRESHOLD} at descriptor norm ${FACE_API_DESCRIPTOR_NORM}`;

function centre(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/**
 * The square face-api crops for its descriptor from 68 landmarks (iBUG order) in image pixels, clipped to a
 * `width`×`height` image as face-api clips it: `alignDlib` floors the side and corner and keeps the corner inside
 * the image, then `clipAtImageBorders` cuts what lies past the right and bottom edges. Integer pixels.
 */
export function faceApiDescriptorBox(landmarks: readonly Point[], width: number, height: number): FaceBox {
  if (landmarks.length !== 68) throw new Error(`expected 68 landmarks, got ${landmarks.length}`);
  const leftEye = centre(landmarks.slice(36, 42));
  const rightEye = centre(landmarks.slice(42, 48));
  const mouth = centre(landmarks.slice(48, 68));
  const toMouth = (p: Point) => Math.hypot(mouth.x - p.x, mouth.y - p.y);
  const size = Math.floor((toMouth(leftEye) + toMouth(rightEye)) / 2 / REL_SCALE);
  const ref = centre([leftEye, rightEye, mouth]);
  const x = Math.floor(Math.max(0, ref.x - REL_X * size));
  const y = Math.floor(Math.max(0, ref.y - REL_Y * size));
  // face-api's Rect(x, y, min(size, imageWidth + x), …) never binds; its clipAtImageBorders then cuts at the edges.
  const right = Math.min(width, x + size);
  const bottom = Math.min(height, y + size);
  return { x: Math.min(x, width), y: Math.min(y, height), width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}

/** The margins face-api's `padToSquare(…, true)` adds to a `width`×`height` crop: before and after, along one axis. */
export function centredSquarePadding(width: number, height: number): { axis: 'x' | 'y' | 'none'; before: number; after: number } {
  if (width === height) return { axis: 'none', before: 0, after: 0 };
  const diff = Math.abs(height - width);
  // face-api appends round(diff / 2) and prepends the rest.
  const after = Math.round(diff * 0.5);
  return { axis: height > width ? 'x' : 'y', before: diff - after, after };
}

/** `rows` vectors of `dim` (row-major) scaled to unit length, and each one's length before (a zero row stays zero). */
export function normalizeRows(values: Float32Array, dim: number): { unit: Float32Array; norms: Float32Array } {
  if (dim <= 0 || values.length % dim !== 0) throw new Error(`${values.length} values are not rows of ${dim}`);
  const rows = values.length / dim;
  const unit = new Float32Array(values.length);
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += values[r * dim + k] ** 2;
    const norm = Math.sqrt(sum);
    norms[r] = norm;
    if (norm === 0) continue;
    for (let k = 0; k < dim; k++) unit[r * dim + k] = values[r * dim + k] / norm;
  }
  return { unit, norms };
}
