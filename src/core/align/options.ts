/**
 * What the user chooses about face alignment: which detector finds faces and how sure it must be.
 * Shared by the browser worker, the UI and `lab align`.
 */

/** The face-api detectors the lab ships: the tiny YOLO-style detector (193 KB) or SSD MobileNet v1 (5.6 MB). */
export type FaceDetectorName = 'tiny' | 'ssd';

/** Settings of the "Align faces" step. */
export interface AlignOptions {
  readonly detector: FaceDetectorName;
  /** Detections scoring below this (in [0, 1]) are ignored; an image with none left is skipped as 'no-face'. */
  readonly scoreThreshold: number;
}

/**
 * Defaults: the tiny detector (on CPU the SSD one took about 15 s per 960-px photo on a 2-core machine) at
 * face-api's own default threshold of 0.5.
 */
export const DEFAULT_ALIGN_OPTIONS: AlignOptions = Object.freeze({ detector: 'tiny', scoreThreshold: 0.5 });

/** Input side the tiny detector resizes images to (face-api's choices are multiples of 32; 416 is its default). */
export const TINY_DETECTOR_INPUT_SIZE = 416;

/** Checks user-given options; returns them or throws a RangeError saying what is wrong. */
export function checkAlignOptions(options: AlignOptions): AlignOptions {
  if (options.detector !== 'tiny' && options.detector !== 'ssd') throw new RangeError(`detector must be 'tiny' or 'ssd', got '${String(options.detector)}'`);
  if (!(options.scoreThreshold >= 0 && options.scoreThreshold <= 1)) throw new RangeError(`score threshold must be in [0, 1], got ${options.scoreThreshold}`);
  return options;
}
