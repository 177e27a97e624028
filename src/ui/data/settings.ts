import type { AlphaBackground, FaceDetectorName, FolderOptions } from '../../protocol/data.ts';

/** The data panel's form: what the user sets before (re)loading folders. Blank counts mean "all". */
export interface DataSettings {
  readonly seed: number;
  /** Identities to sample for training; undefined = all. */
  readonly identities?: number;
  readonly minImages: number;
  /** Cap per identity; undefined = no cap. */
  readonly maxImages?: number;
  /** Held-out validation share in percent (0–99). */
  readonly validationPercent: number;
  /** Balanced test pairs to sample when the test folder has no pairs.txt. */
  readonly testPairs: number;
  readonly memoryBudgetMiB: number;
  readonly imageSize: number;
  readonly centreCrop: boolean;
  readonly background: AlphaBackground;
  /** "Align faces": detect and warp each face onto the ArcFace template (replaces the centre crop). */
  readonly alignFaces: boolean;
  readonly faceDetector: FaceDetectorName;
  /** Detector score threshold in [0, 1]. */
  readonly faceScoreThreshold: number;
}

/**
 * Defaults: the paper's 112×112 input, a 256 MiB pixel budget (≈ 7,000 images at 37,632 B each),
 * 10 % validation, 600 test pairs (LFW's view 2 has 6,000; 600 suits small folders).
 */
export const DEFAULT_DATA_SETTINGS: DataSettings = Object.freeze({
  seed: 1,
  minImages: 1,
  validationPercent: 10,
  testPairs: 600,
  memoryBudgetMiB: 256,
  imageSize: 112,
  centreCrop: true,
  background: 'black',
  // Alignment off by default: it costs a detection per image. Tiny detector at face-api's 0.5 (src/core/align/options.ts).
  alignFaces: false,
  faceDetector: 'tiny',
  faceScoreThreshold: 0.5,
});

/** The worker's load options for the form's settings. */
export function folderOptionsOf(settings: DataSettings): Omit<FolderOptions, 'role'> {
  return {
    seed: settings.seed,
    identities: settings.identities,
    minImages: settings.minImages,
    maxImages: settings.maxImages,
    validationFraction: settings.validationPercent / 100,
    testPairs: settings.testPairs,
    memoryBudgetBytes: settings.memoryBudgetMiB * 2 ** 20,
    imageSize: settings.imageSize,
    centreCrop: settings.centreCrop,
    background: settings.background,
    ...(settings.alignFaces ? { align: { detector: settings.faceDetector, scoreThreshold: settings.faceScoreThreshold } } : {}),
  };
}
