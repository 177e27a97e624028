/**
 * Events of a training run, from the engine (worker or CLI) to whoever watches it: one tagged union.
 * Step points arrive in batches (at most about ten step events a second), each carrying only the new
 * points as Float32Array columns; the worker transfers those buffers instead of copying them. The CLI
 * prints the same events as JSON lines, with the arrays as plain number arrays.
 */
import type { AngleStats } from '../core/angleStats.ts';
import type { LossConfig } from '../core/lossConfig.ts';
import type { StepColumn } from '../core/stepColumns.ts';

export type { AngleStats } from '../core/angleStats.ts';
export type { StepColumn } from '../core/stepColumns.ts';

/**
 * Per-step training figures: one Float32Array per step column of src/core/stepColumns.ts (names, order, units
 * and meaning are defined there), one entry per step in every column (all columns have the same length).
 */
export type StepPoints = Record<StepColumn, Float32Array>;

/** New training points since the previous step event. */
export interface StepEvent {
  type: 'step';
  runId: string;
  points: StepPoints;
}

/** Summary numbers of one evaluation on the test pairs. */
export interface EvalMetrics {
  pairs: number;
  positives: number;
  negatives: number;
  auc: number;
  eer: number;
  eerThreshold: number;
  /** TAR at each FAR, keyed by String(far): '0.1', '0.01', … */
  tarAtFar: Record<string, number>;
  bestAccuracy: number;
  bestThreshold: number;
  /** LFW-protocol 10-fold accuracy: mean and population standard deviation. */
  tenFoldMean: number;
  tenFoldStd: number;
}

/** An evaluation on the test pairs (every evalEvery steps and at the end). */
export interface EvalEvent {
  type: 'eval';
  runId: string;
  /** Number of training steps done when evaluated. */
  step: number;
  metrics: EvalMetrics;
  /** ROC curve: one point per distinct score (thresholds[0] = +Infinity). */
  roc: { fpr: Float32Array; tpr: Float32Array; thresholds: Float32Array };
  /** Pair angle histograms over 0–180°, equal bins: counts of positive and negative pairs. */
  angles: { binDeg: number; positives: Float32Array; negatives: Float32Array };
  /** Whether embeddings were averaged with the flipped images. */
  flipEval: boolean;
  /** Wall time of the evaluation, seconds. */
  seconds: number;
  /**
   * Training time of this call when evaluated, seconds (pauses excluded; a resumed run counts from its resume):
   * stored with the run, so a run cut off by a reload keeps its time. Absent from evaluations outside a run.
   */
  elapsed?: number;
  /** Angle statistics (src/core/angleStats.ts); intra and inter need held-out images of training identities. */
  angleStats?: AngleStats;
  /** Held-out embeddings of training identities and the class centres, for the "Hypersphere" figure. */
  geometry?: EvalGeometry;
}

/**
 * What the "Hypersphere" figure draws at one evaluation: a sample of held-out images of *training*
 * identities (so each has a class centre, its head row) embedded by the model, and those centres.
 */
export interface EvalGeometry {
  /**
   * 'embedding': the points are the unit embeddings themselves (D = 2 or 3); 'pca': a 2-D principal-
   * component projection of the D-dimensional embeddings and centres (angles are NOT preserved).
   */
  space: 'embedding' | 'pca';
  /** Coordinates per point and centre: D for 'embedding', 2 for 'pca'. */
  dim: number;
  /** The embedding dimension of the model. */
  embeddingDim: number;
  /** The held-out embeddings, [n, dim] row-major. */
  points: Float32Array;
  /** The class (head row) of each point. */
  identities: Int32Array;
  /** The class centres of the drawn identities, [k, dim]: head rows normalised (then projected for 'pca'). */
  centres: Float32Array;
  /** The head row of each centre. */
  centreIds: Int32Array;
  /** For 'pca': the fraction of the variance each drawn axis explains. */
  explained?: number[];
  /** θ_y of the held-out points (angle to their own centre in the full space), counts over 0–180° in equal bins. */
  thetaY: { binDeg: number; counts: Float32Array };
}

/** Loss and optimiser values that may be changed while a run trains (applied between steps). */
export interface LiveParams {
  /** ArcFace m / combined m2, degrees. */
  marginDeg?: number;
  /** CosFace m / combined m3. */
  cosineMargin?: number;
  /** The intra-class penalty weight α ('intra' runs). */
  alpha?: number;
  /** The base learning rate (the schedule still multiplies it). */
  lr?: number;
}

/** A live change, as stored in a run's history and checkpoint. */
export interface LiveChange {
  /** The first step trained with the new values. */
  step: number;
  /** The values changed (the others stay as they were). */
  params: LiveParams;
}

/** Live parameters changed mid-run: from `step` on, the run trains with `loss` and base learning rate `lr`. */
export interface LiveChangeEvent extends LiveChange {
  type: 'live';
  runId: string;
  /** The loss in force from `step` on (before any margin warm-up ramp). */
  loss: LossConfig;
  /** The base learning rate in force from `step` on. */
  lr: number;
}

/** Something the user should know that does not stop the run. */
export interface WarningEvent {
  type: 'warning';
  runId: string;
  step: number;
  /**
   * 'collapse': training accuracy stays near chance long after the start while the loss falls (see
   * src/ml/train/collapse.ts for the exact rule); 'checkpoint': a checkpoint could not be stored.
   */
  code: 'collapse' | 'checkpoint';
  message: string;
}

/** A non-finite loss or gradient: the run stops, the weights stay those after the last good step. */
export interface DivergedEvent {
  type: 'diverged';
  runId: string;
  /** The step whose loss or gradient was not finite (its update was not applied). */
  step: number;
  /** Steps applied before it (= step). */
  lastGoodStep: number;
  /** The loss value of that step (NaN or ±Infinity; null in JSON lines). */
  loss: number;
  message: string;
}

/** A checkpoint was written. */
export interface CheckpointEvent {
  type: 'checkpoint';
  runId: string;
  /** Steps done at the checkpoint (training resumes at this step). */
  step: number;
  /** Size of the weights and optimiser state, bytes. */
  bytes: number;
  /** Training time of this call up to the checkpoint, seconds (as `elapsed` of an eval event). */
  elapsed: number;
}

/** Why a run ended. */
export type DoneReason = 'completed' | 'stopped' | 'diverged';

/** The run ended (always the last event of a run that did not throw). */
export interface DoneEvent {
  type: 'done';
  runId: string;
  reason: DoneReason;
  /** Steps done. */
  step: number;
  /** Training time of this call (a resumed run counts from its resume; pauses excluded), seconds. */
  seconds: number;
}

/** The run failed (an exception, a missing kernel on this backend, …). No done event follows. */
export interface ErrorEvent {
  type: 'error';
  runId: string;
  message: string;
}

/** Every event of a training run. */
export type TrainEvent = StepEvent | EvalEvent | WarningEvent | DivergedEvent | CheckpointEvent | DoneEvent | ErrorEvent | LiveChangeEvent;

/** The callback a run reports to (wrapped with Comlink.proxy on the UI side). */
export type TrainEventHandler = (event: TrainEvent) => void;
