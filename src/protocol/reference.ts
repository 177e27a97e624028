/**
 * The built-in reference model (face-api's pretrained recognition network, src/ml/reference) as the lab worker
 * offers it: verifying an image with it before any training, and its baseline on the loaded test folder. Types
 * only: both threads import this file.
 */
import type { AlignOptions } from '../core/align/options.ts';
import type { EvalEvent } from './events.ts';
import type { ModelEvaluation, ModelThresholds, VerifiedImage } from './models.ts';

/** What the lab says about the reference model. */
export interface ReferenceModelInfo {
  /** REFERENCE_MODEL_ID: the `model.runId` of the images it verifies, and the baseline run's id. */
  id: string;
  /** "Reference: face-api (128-d)". */
  label: string;
  /** Descriptor dimension (128). */
  dim: number;
  /** Side of the face crop it sees (150). */
  inputSize: number;
  /** The documented threshold as an angle, degrees (REFERENCE_THRESHOLD_DEG). */
  thresholdDeg: number;
  /** Where that number comes from, in words. */
  thresholdSource: string;
  /** The detector that finds faces for it (the loaded folders' "Align faces" settings, else the defaults). */
  detector: AlignOptions;
  /** Its latest baseline on a test folder, when one was computed: histogram and thresholds on that data. */
  evaluation: ModelEvaluation | null;
  thresholds: ModelThresholds | null;
  /** The test folder that baseline used, in words. */
  evaluatedOn: string | null;
}

/** Progress of a baseline: the test images described so far, and how many had no face. */
export interface ReferenceProgress {
  done: number;
  total: number;
  noFace: number;
}

/**
 * Called before the first image and after each one; returning (or resolving to) `false` cancels the baseline (it
 * rejects). Across the worker boundary it must be a comlink proxy (src/ui/worker/remoteCallback.ts).
 */
export type ReferenceProgressCallback = (progress: ReferenceProgress) => boolean | void | Promise<boolean | void>;

/** The reference model's evaluation on the loaded test folder's pairs. */
export interface ReferenceBaseline {
  /** The evaluation as a run's eval event (run id REFERENCE_MODEL_ID, step 0): ROC, metrics, angle histograms. */
  evaluation: EvalEvent;
  /** The test folder, in words ("test folder 'lfw': 600 pairs"). */
  testLabel: string;
  /** Images the pairs use, and those where the detector found no face (left out, with the reason). */
  images: number;
  noFace: { path: string; reason: string }[];
  /** Pairs of the folder, and those left out because an image of theirs had no face. */
  pairs: number;
  leftOut: { positives: number; negatives: number };
  detector: AlignOptions;
}

/** The reference part of the lab worker's API (joined into LabWorkerApi). */
export interface ReferenceApi {
  /** The reference model's description, with its latest baseline's evaluation if any. */
  describeReference(): Promise<ReferenceModelInfo>;
  /**
   * One image through the reference model: detect the largest face, crop it as face-api does (150²), describe it;
   * the embedding is the unit descriptor and `pixels` the crop. Rejects, saying why, when no face is found or the
   * file is no decodable image.
   */
  verifyReference(image: Blob): Promise<VerifiedImage>;
  /**
   * The reference model on the loaded test folder's pairs: every image the pairs use, from its original file, and
   * the pairs' ROC and metrics; pairs with an image without a face are left out and counted. Rejects when no test
   * folder with pairs is loaded, or when too few pairs remain.
   */
  referenceBaseline(onProgress?: ReferenceProgressCallback): Promise<ReferenceBaseline>;
}
