/**
 * One image to one aligned face: detect every face, keep the largest, take its 5 points from the
 * 68 landmarks and fit the similarity onto the ArcFace template (src/core/align). The fit is
 * returned for the 112 template; `cropTransform` rescales it for any crop size, so a cached fit
 * serves every image size without detecting again.
 */
import type * as tf from '@tensorflow/tfjs';
import { composeAffine, scaling, type Affine, type Point } from '../../core/align/affine.ts';
import type { AlignOptions } from '../../core/align/options.ts';
import { alignmentFit, eyeErrors, fivePointsFrom68, largestFaceIndex, TEMPLATE_SIZE, type FaceBox } from '../../core/align/template.ts';
import { detectFaces, type FaceApiModule } from './faceApi.ts';

/** Where the chosen face is and how it maps onto the template. */
export interface FaceFit {
  /** Faces found at or above the threshold (the largest was chosen). */
  readonly faces: number;
  readonly box: FaceBox;
  readonly score: number;
  /** The five alignment points in image pixels (template order). */
  readonly fivePoints: readonly Point[];
  /** Image → 112×112 template crop. */
  readonly transform: Affine;
  /** RMS distance of the five mapped points from the template, in 112-crop pixels (how far the face is from the template's shape). */
  readonly rmsError: number;
  /** Distances of the mapped eye centres from their template places, in 112-crop pixels. */
  readonly eyeErrors: readonly [number, number];
}

/** The outcome for one image: a fit, or no face at or above the threshold. */
export type FaceFitResult = { readonly found: true; readonly fit: FaceFit } | { readonly found: false; readonly faces: 0 };

/** Fit the largest detected face of an image to the template (scale = 1 for the image as given). */
export function fitLargestFace(faces: readonly { box: FaceBox; score: number; landmarks: readonly Point[] }[], imageScale = 1): FaceFitResult {
  const chosen = largestFaceIndex(faces.map((f) => f.box));
  if (chosen < 0) return { found: false, faces: 0 };
  const face = faces[chosen];
  // Detection may run on a downscaled copy: points go back to the original image's pixels.
  const fivePoints = fivePointsFrom68(face.landmarks).map((p) => ({ x: p.x / imageScale, y: p.y / imageScale }));
  const fit = alignmentFit(fivePoints, TEMPLATE_SIZE);
  const box = { x: face.box.x / imageScale, y: face.box.y / imageScale, width: face.box.width / imageScale, height: face.box.height / imageScale };
  return {
    found: true,
    fit: { faces: faces.length, box, score: face.score, fivePoints, transform: fit.transform, rmsError: fit.rmsError, eyeErrors: eyeErrors(fit.transform, fivePoints) },
  };
}

/** Detect and fit in one go (models loaded with loadFaceModels). `imageScale`: detection image pixels per original pixel. */
export async function locateFace(faceapi: FaceApiModule, image: tf.Tensor3D, options: AlignOptions, imageScale = 1): Promise<FaceFitResult> {
  return fitLargestFace(await detectFaces(faceapi, image, options), imageScale);
}

/** The image → crop map for a `size`² crop from a fit to the 112 template. */
export function cropTransform(templateTransform: Affine, size: number): Affine {
  return size === TEMPLATE_SIZE ? templateTransform : composeAffine(scaling(size / TEMPLATE_SIZE), templateTransform);
}
