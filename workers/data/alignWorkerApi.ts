/**
 * What the align worker (workers/align.worker.ts) answers on its comlink endpoint. Types only, in a
 * file of their own: the lab worker's side (align.ts) imports them without type-checking the
 * worker entry, whose `?url` wasm imports only Vite understands.
 */
import type { AlignOptions } from '../../src/core/align/options.ts';
import type { FaceFitResult } from '../../src/ml/align/align.ts';
import type { ReferenceFace } from '../../src/ml/reference/referenceNet.ts';

/** RGB pixels of the (possibly downscaled) photo to search, row-major HWC, with its size. */
export interface LocateImage {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Detection-image pixels per original pixel (fits come back in the original's pixels). */
  readonly scale: number;
}

/** The align worker's API. */
export interface AlignWorkerApi {
  /** Start tfjs and load the models for `options.detector`; resolves with the backend in use. */
  ready(options: AlignOptions): Promise<{ backend: string; tfjs: string }>;
  /** The largest face's fit (in the original image's pixels), or no face at the threshold. */
  locate(image: LocateImage, options: AlignOptions): Promise<FaceFitResult>;
  /**
   * The reference model (face-api's recognition network) on the largest face: its 150² crop and unit descriptor,
   * or no face at the threshold. The crop's box is in the pixels of the image as sent.
   */
  describeReference(image: LocateImage, options: AlignOptions): Promise<ReferenceFace>;
}
