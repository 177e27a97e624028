import type { BackendName, BackendProbe, BackendReport, InitOptions } from './backend.ts';
import type { TrainConfig, TrainConfigInput } from '../core/trainConfig.ts';
import type { SynthSplitOverrides } from '../core/synth/dataset.ts';
import type { KernelProfileSummary } from '../core/kernelProfile.ts';
import type { DoneReason, EvalEvent, LiveChange, LiveParams, StepPoints, TrainEventHandler } from './events.ts';
import type { DataApi } from './data.ts';
import type { ModelsApi } from './models.ts';
import type { ReferenceApi } from './reference.ts';

export type * from './backend.ts';
export type * from './events.ts';
export type * from './models.ts';
export type * from './reference.ts';
export type {
  BackboneId,
  ConstantSchedule,
  CosineSchedule,
  LossConfig,
  LrSchedule,
  ModelConfig,
  OptimizerConfig,
  StepSchedule,
  TrainConfig,
  TrainConfigInput,
} from '../core/trainConfig.ts';

/** Overrides of the built-in synthetic data (src/core/synth BUILTIN_DATA); images are rendered at the model's input size. */
export type BuiltinSplitOverrides = SynthSplitOverrides;

/** The built-in synthetic faces: a training set and a test set of unseen people. */
export interface BuiltinDataSpec {
  kind: 'builtin';
  train?: BuiltinSplitOverrides;
  test?: BuiltinSplitOverrides;
}

/**
 * The folders the user loaded through `api.data` (src/protocol/data.ts): the training folder is
 * required; evaluation pairs come from the test folder, or, without one, from pairs sampled among
 * the training folder's held-out validation images (src/ml/data/folderData.ts says how many are
 * needed). Images are decoded again at the run's model.inputSize when the folder was read at
 * another size. The pixels stay in the worker: a checkpoint of a folder run can only be resumed
 * while the same folders are loaded.
 */
export interface FolderDataSpec {
  kind: 'folder';
  /**
   * Where the evaluation pairs come from: 'test-folder' (the loaded test folder's pairs) or
   * 'validation' (pairs over the held-out validation images of the training identities).
   * Absent: the test folder when one with pairs is loaded, else the validation split.
   */
  test?: 'test-folder' | 'validation';
  /** What the user picked, in words (e.g. "folder 'faces': 700 identities, 9,800 images"), for messages. */
  label?: string;
}

/** What to train on: the built-in synthetic faces, or the folders loaded through `api.data`. */
export type DataSpec = BuiltinDataSpec | FolderDataSpec;

/** What loadData found. */
export interface DataSummary {
  kind: DataSpec['kind'];
  /** K, the number of training identities (classes). */
  trainIdentities: number;
  trainImages: number;
  testIdentities: number;
  testImages: number;
}

/** How a train/resumeRun call ended. */
export interface RunResult {
  runId: string;
  /** 'error' when the run threw (an error event was sent first). */
  reason: DoneReason | 'error';
  /** Steps done. */
  step: number;
  message?: string;
}

/** A stored checkpoint, as listed (the weights stay in storage). */
export interface CheckpointSummary {
  runId: string;
  /** Steps done at the checkpoint. */
  step: number;
  /** Steps the run was configured for. */
  steps: number;
  /** ISO time it was written. */
  savedAt: string;
  backbone: TrainConfig['model']['backbone'];
  lossKind: TrainConfig['loss']['kind'];
  /** Weights and optimiser state, bytes. */
  bytes: number;
  /** Training time up to the checkpoint over all of the run's calls, seconds (absent in checkpoints stored before it was kept). */
  seconds?: number;
}

/**
 * A record in the worker's IndexedDB stores that listings leave out because it is corrupt or foreign (cut short by a
 * crash, written by another app or lab version), with the reason: the page names it so nothing vanishes silently.
 */
export interface RefusedStoredRecord {
  /** Which store it is in: a run's checkpoint, or a saved model's summary. */
  store: 'checkpoint' | 'saved model';
  /** Its key there (a run id, or a saved model's id). */
  key: string;
  reason: string;
}

/** One tensor of a checkpoint, as raw little-endian bytes. */
export interface TensorRecord {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: ArrayBuffer;
}

/** A one-off evaluation's eval event (like the run's). */
export type EvaluationResult = EvalEvent;

/**
 * Everything needed to continue a run exactly: weights (model, including batch-norm statistics, and
 * class head), optimiser state, config, metrics history and data position. Plain data (ArrayBuffers
 * and JSON values): it goes into IndexedDB or through postMessage as it is.
 */
export interface TrainCheckpoint {
  format: 'margin-lab-checkpoint';
  version: 1;
  runId: string;
  savedAt: string;
  config: TrainConfig;
  /** K, the rows of the class head. */
  numIdentities: number;
  /** The data the run trained on (so a resumed run reloads the same images). */
  data: DataSpec | null;
  /**
   * Data position: steps done. Batches depend only on (config.seed, step), so the step is the whole
   * random-number state of the data order and augmentation.
   */
  step: number;
  /** Model weights in model.weights order (trainable and batch-norm statistics). */
  model: TensorRecord[];
  head: TensorRecord;
  optimizer: { kind: 'sgd' | 'adam'; slots: TensorRecord[] };
  /** Every step point so far, as Float32Array buffers per StepPoints column. */
  history: Record<keyof StepPoints, ArrayBuffer>;
  /** Every evaluation so far (step, summary numbers and, when measured, angle statistics). */
  evals: { step: number; metrics: EvalEvent['metrics']; angleStats?: EvalEvent['angleStats'] }[];
  /** Set when the run had diverged (it cannot be resumed past that step). */
  diverged: boolean;
  /** Live changes of loss/optimiser values made while it trained, in step order (absent: none). */
  liveChanges?: LiveChange[];
  /** Training time up to this checkpoint over all of the run's calls, seconds (absent in checkpoints stored before it was kept). */
  seconds?: number;
}

/** One sample of the bench page's soak (`npm run bench -- --soak`), read by the CLI from `window.soak`. */
export interface SoakSample {
  /** Steps done. */
  step: number;
  /** Median step time since the previous sample, ms (NaN when no step ended since). */
  stepMs: number;
  /** tfjs tensors alive in the worker, and the bytes they hold. */
  numTensors: number;
  numBytes: number;
}

/** Options of the worker's benchmark: N steps of the real training step on noise images. */
export interface BenchOptions {
  backbone: TrainConfig['model']['backbone'];
  batchSize: number;
  steps: number;
  inputSize: number;
  /** Backend to run on (init's preferred order with only this one). */
  backend?: BackendName;
  /** Classes of the random labels (default 64); with data 'builtin', the synthetic identities. */
  numIdentities?: number;
  /** 'noise' (default): random pixels and labels; 'builtin': a small synthetic face set (a tiny overfit task). */
  data?: 'noise' | 'builtin';
  /** Base width of tiny/resnet18 (micro models for browser tests). */
  width?: number;
  /** Threads of the wasm backend in a cross-origin-isolated page (InitOptions.wasmThreads); the worker's default otherwise. */
  wasmThreads?: number;
  /** After the timed steps, profile the kernels of a step in runs of their own (`BenchResult.profile`). */
  profile?: boolean;
}

/** The benchmark's figures (field names are a CLI contract: add, never rename). */
export interface BenchResult {
  backend: BackendName;
  model: TrainConfig['model']['backbone'];
  batch: number;
  size: number;
  steps: number;
  /** Mean wall time per step after the first, ms. */
  stepMs: number;
  imgPerSec: number;
  /** The first step (shader compilation, weight upload), ms. */
  firstStepMs: number;
  /** tf.memory().numTensors after the last step. */
  numTensors: number;
  /** Loss of the first and the last step. */
  firstLoss: number;
  lastLoss: number;
  /** Loss of every step. */
  losses: number[];
  /** Step events the run sent (one per step: the benchmark reads every step). */
  stepEvents: number;
  /** Global gradient norm of every step, in order. */
  gradNorms: number[];
  /** Threads the wasm backend computed on (wasm only). */
  wasmThreads?: number;
  /** With no backend asked (`--backend auto`): what the probe measured on each backend, the chosen one first. */
  probes?: BackendProbe[];
  /** With `profile`: the kernels of a step from the second on, as tf.profile timed them in runs apart from the timed one. */
  profile?: KernelProfileSummary;
}

/**
 * The lab worker's API, as the UI sees it through comlink. The worker entry `satisfies` this interface,
 * so the two sides cannot drift apart. Callbacks (`onEvent`) are wrapped with Comlink.proxy by the
 * caller; large arrays in events arrive as transferred Float32Arrays. Saved models and verification: ModelsApi
 * (src/protocol/models.ts); the built-in reference model: ReferenceApi (src/protocol/reference.ts).
 */
export interface LabWorkerApi extends ModelsApi, ReferenceApi {
  /** Initialise tfjs on the best available backend and report which one is in use and why. */
  init(options?: InitOptions): Promise<BackendReport>;
  /** Prepare the data the next run trains and evaluates on (synthetic images render lazily). */
  loadData(spec: DataSpec): Promise<DataSummary>;
  /**
   * Train a new run with `config` (any subset, merged over the defaults) on the loaded data; events go
   * to `onEvent`. Resolves when the run ends (completed, stopped, diverged, or error).
   */
  train(config: TrainConfigInput, onEvent: TrainEventHandler): Promise<RunResult>;
  /** Pause the running run between batches (no-op when none runs). */
  pause(): Promise<void>;
  /** Continue a paused run. */
  resume(): Promise<void>;
  /** Stop gracefully: the current batch finishes, a checkpoint is stored, a done event (reason 'stopped') follows. */
  stop(): Promise<void>;
  /**
   * Change the running run's margin, α or base learning rate; the change applies from the next step
   * dispatched and is reported as a 'live' event. Throws when no run trains or the values do not fit
   * its loss (e.g. a margin for a softmax run).
   */
  setLive(params: LiveParams): Promise<void>;
  /** Evaluate the current model on the loaded test pairs. */
  evaluate(): Promise<EvaluationResult>;
  /** Embeddings (L2-normalised, [count, D] row-major) of `count` RGB images at the model's input size. */
  embed(images: Uint8Array, count: number, flip?: boolean): Promise<Float32Array>;
  /** Store a checkpoint of the current model now (not while a run is training). */
  saveCheckpoint(): Promise<CheckpointSummary>;
  /** Stored checkpoints, newest first (one per run: the latest). */
  listCheckpoints(): Promise<CheckpointSummary[]>;
  /** Load a stored checkpoint as the current model (for evaluate/embed), without training. */
  restoreCheckpoint(runId: string): Promise<CheckpointSummary>;
  /** Continue run `runId` from its stored checkpoint (e.g. after a page reload), reloading its data. */
  resumeRun(runId: string, onEvent: TrainEventHandler): Promise<RunResult>;
  /** Remove a stored checkpoint. */
  deleteCheckpoint(runId: string): Promise<void>;
  /** Stored checkpoints and saved models that listings leave out as corrupt or foreign, each with its reason. */
  listRefusedRecords(): Promise<RefusedStoredRecord[]>;
  /** Time the training step on noise images (npm run bench). */
  bench(options: BenchOptions): Promise<BenchResult>;
  /** tfjs's memory in the worker now: tensors alive and the bytes they hold (sampled by `npm run bench -- --soak`). */
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  /** Local folders: loading, skipped-files report, gallery, pairs.txt (src/protocol/data.ts). */
  data: DataApi;
}
