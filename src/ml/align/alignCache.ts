/**
 * Alignment results kept per picked file, so that detection runs once per file and settings:
 * a later decode of the same file (the second epoch, a cache miss beyond the pixel budget, a run
 * at another image size) only warps, with the fit found the first time. Keyed by the File object
 * (a WeakMap: a reloaded or dropped folder takes its fits with it), then by detector and threshold.
 * No tfjs here: the scanner imports this module, the heavy face-api side loads only when aligning.
 */
import type { AlignOptions } from '../../protocol/data.ts';
import type { FaceFitResult } from './align.ts';

/** Thrown by the aligned decode when the detector finds no face at the threshold. */
export class NoFaceError extends Error {
  constructor(readonly detail: string) {
    super(`no face found (${detail})`);
    this.name = 'NoFaceError';
  }
}

/**
 * Thrown when alignment cannot run at all: the face detector's worker or its models could not
 * start (e.g. the model files are not served). Not a fault of one image, so the scanner lets it
 * through and the whole load fails with this message instead of every file counting as corrupt.
 */
export class AlignUnavailableError extends Error {
  constructor(reason: string) {
    super(`"Align faces" could not start: ${reason}`);
    this.name = 'AlignUnavailableError';
  }
}

/** "tiny detector, score ≥ 0.5": the detail shown with a 'no-face' skip. */
export function describeAlignOptions(options: AlignOptions): string {
  return `${options.detector} detector, score ≥ ${options.scoreThreshold}`;
}

const settingsKey = (options: AlignOptions): string => `${options.detector}@${options.scoreThreshold}`;

/** Fits of picked files by File and settings. */
export class AlignCache {
  private readonly fits = new WeakMap<Blob, Map<string, FaceFitResult>>();
  private detections = 0;

  /** Number of detections run so far (each is one miss of this cache). */
  get detectionsRun(): number {
    return this.detections;
  }

  /** The fit of `file` under `options`, if detection already ran. */
  get(file: Blob, options: AlignOptions): FaceFitResult | undefined {
    return this.fits.get(file)?.get(settingsKey(options));
  }

  /** Remember a detection's outcome. */
  put(file: Blob, options: AlignOptions, result: FaceFitResult): void {
    let byKey = this.fits.get(file);
    if (!byKey) this.fits.set(file, (byKey = new Map()));
    byKey.set(settingsKey(options), result);
    this.detections++;
  }
}

/** The worker's one cache (the data store and the preview read the same fits). */
export const workerAlignCache = new AlignCache();
