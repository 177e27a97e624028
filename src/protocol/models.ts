/**
 * Saved models and face-pair verification: what the worker stores for a model, what its
 * exported .zip's run.json holds, and what verifying an image returns. Types only: both threads
 * import this file.
 */
import type { TrainConfig } from '../core/trainConfig.ts';
import type { AlphaBackground } from './data.ts';
import type { EvalEvent, EvalMetrics } from './events.ts';

/**
 * How an image becomes the model's input, recorded with every model and checked before an image is
 * verified with it: decoding (size, centre crop, alpha background, face alignment) and the
 * per-backbone normalisation (src/ml/preprocess.ts PREPROCESSING).
 */
export interface ModelPreprocessing {
  backbone: TrainConfig['model']['backbone'];
  /** 'symmetric': x/127.5 − 1; 'caffe': RGB → BGR minus the ImageNet means. */
  normalization: 'symmetric' | 'caffe';
  /** Side of the square input, px. */
  inputSize: number;
  /** Centred square crop before resizing (as the test folder was decoded). */
  centreCrop: boolean;
  background: AlphaBackground;
  /** Whether faces were aligned (landmarks) before cropping. */
  aligned: boolean;
  /** Whether embeddings average the image and its mirror image (config.flipEval). */
  flipEval: boolean;
}

/**
 * Cosine thresholds of a model's latest evaluation (accept when cosine ≥ threshold). `tarAtFar` is
 * the threshold of the largest TAR at FAR ≤ `far`: +Infinity when no threshold reaches that FAR with
 * any accept (few test pairs), null when the evaluation's ROC was not kept (a restored checkpoint).
 */
export interface ModelThresholds {
  eer: number;
  bestAccuracy: number;
  tarAtFar: number | null;
  /** The FAR of `tarAtFar` (1e-3). */
  far: number;
}

/** A model's latest evaluation, as kept with it (enough for the verdicts and the angle histogram). */
export interface ModelEvaluation {
  /** Training steps done when evaluated. */
  step: number;
  metrics: EvalMetrics;
  /** Pair angle histograms over 0–180° (counts of positive and negative pairs per bin). */
  angles: { binDeg: number; positives: number[]; negatives: number[] } | null;
  flipEval: boolean;
}

/** Everything about a model except its weights: the exported zip's run.json. */
export interface ModelRunInfo {
  format: 'margin-lab-model';
  version: 1;
  /** The training run the model came from. */
  runId: string;
  /** Human name (the run's label, or the imported file's name). */
  label: string;
  /** ISO time the model was saved. */
  savedAt: string;
  /** Steps trained. */
  step: number;
  /** The full run config. */
  config: TrainConfig;
  preprocessing: ModelPreprocessing;
  /** K, the identities the model was trained on. */
  identities: number;
  /** What it trained on, in words. */
  dataLabel: string;
  /** The latest evaluation; null when the model was never evaluated. */
  evaluation: ModelEvaluation | null;
  /** Thresholds of that evaluation; null with it. */
  thresholds: ModelThresholds | null;
}

/** A saved model as listed (the weights stay in storage). */
export interface SavedModelSummary {
  /** Storage key. */
  id: string;
  label: string;
  /** 'run': saved from a training run in this browser; 'imported': from a .zip file. */
  source: 'run' | 'imported';
  savedAt: string;
  runId: string;
  backbone: TrainConfig['model']['backbone'];
  inputSize: number;
  /** AUC of its latest evaluation, null when never evaluated. */
  auc: number | null;
  step: number;
  /** Size of the stored zip, bytes. */
  bytes: number;
}

/** Which model verifies: the worker's current one (the run just trained or restored), or a saved/imported one. */
export type ModelChoice = { kind: 'current' } | { kind: 'saved'; id: string };

/** How a verify image is prepared. */
export interface VerifyOptions {
  /** Align the face before cropping (refused where alignment is not available). */
  align?: boolean;
}

/** One image as the model saw it, and its embedding. */
export interface VerifiedImage {
  /** L2-normalised embedding (flip-averaged when the model's evaluation was). */
  embedding: Float32Array;
  /** The decoded RGB pixels the model saw (size × size × 3, row-major). */
  pixels: Uint8Array;
  size: number;
  /** The model that embedded it (run, label and training step), so stale results can be told apart. */
  model: { runId: string; label: string; step: number };
}

/** A test identity near a face. */
export interface NearestIdentity {
  name: string;
  cosine: number;
  angleDeg: number;
  /** Test images averaged into the identity's mean embedding. */
  images: number;
}

/** The five (or k) nearest test identities of one face. */
export interface NearestIdentitiesResult {
  image: VerifiedImage;
  matches: NearestIdentity[];
  /** Identities searched. */
  identities: number;
  /** Which test set, in words. */
  testSet: string;
}

/** Progress of the first nearest-identities search with a model: its test images being embedded. */
export interface NearestProgress {
  /** Test images embedded so far. */
  done: number;
  /** Test images to embed (the identity means are cached afterwards, so later searches skip this). */
  total: number;
}

/**
 * Called with the progress before the first test image and after each batch. Returning (or resolving to)
 * `false` cancels the search: it rejects and nothing is cached. Across the worker boundary it must be a
 * comlink proxy (src/ui/worker/remoteCallback.ts); the worker awaits each call.
 */
export type NearestProgressCallback = (progress: NearestProgress) => boolean | void | Promise<boolean | void>;

/**
 * A RUN_DIR of `lab export-torch`'s train.py as the page read and checked it: the worker checks the
 * weights against the rest and stores the model as an imported one.
 */
export interface TorchRunImport {
  /** The log's run id (the stored model's and run's id derive from it). */
  runId: string;
  label: string;
  /** config.json. */
  config: TrainConfig;
  /** model.safetensors as read. */
  weights: Uint8Array;
  /** Steps the log says the run trained (the weights must be of that step). */
  step: number;
  /** Identities listed in identities.json, when the folder has it. */
  classes?: number;
  /** The log's last evaluation (thresholds and angle histogram of the stored model). */
  evaluation?: EvalEvent;
}

/** The models part of the lab worker's API (joined into LabWorkerApi). */
export interface ModelsApi {
  /** Run info of a model (config, preprocessing, latest evaluation and thresholds). */
  describeModel(choice: ModelChoice): Promise<ModelRunInfo>;
  /** Store the current model (weights, config, evaluation, thresholds) in IndexedDB. */
  saveModel(label?: string): Promise<SavedModelSummary>;
  /** Saved models, newest first. */
  listModels(): Promise<SavedModelSummary[]>;
  deleteModel(id: string): Promise<void>;
  /** The model as one .zip: model.json + group1-shard1of1.bin (a TF.js layers model) + run.json. */
  exportModel(choice: ModelChoice): Promise<Uint8Array>;
  /** Store a .zip made by exportModel; rejects, with the reason, anything that is not one. */
  importModel(file: Blob, fileName?: string): Promise<SavedModelSummary>;
  /** Store the model of a torch RUN_DIR; rejects, with the reason, weights that do not fit its config, log or identities. */
  importTorchRun(run: TorchRunImport): Promise<SavedModelSummary>;
  /** init.safetensors for `config` (`lab export-torch`'s): the seeded initial weights, ImageNet ones when pretrained. */
  initialWeights(config: TrainConfig): Promise<Uint8Array>;
  /** Decode one image exactly like the test set for the model, and embed it. */
  verifyImage(choice: ModelChoice, image: Blob, options?: VerifyOptions): Promise<VerifiedImage>;
  /**
   * One image's k (default 5) nearest test identities by mean embedding. The first search with a model embeds
   * the whole test set (seconds to tens of seconds): `onProgress` follows it and can cancel it.
   */
  nearestIdentities(choice: ModelChoice, image: Blob, k?: number, options?: VerifyOptions, onProgress?: NearestProgressCallback): Promise<NearestIdentitiesResult>;
}
