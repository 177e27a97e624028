/**
 * The training run's configuration: typed interfaces, frozen defaults and validation. Configs arrive
 * from JSON files (`lab train --config`), the UI and stored checkpoints, so `parseTrainConfig` merges any
 * subset over the defaults and rejects unknown keys by their dotted path.
 */
import { DEFAULT_LOSS_CONFIG, validateLossConfig, type LossConfig } from './lossConfig.ts';
import { validateSchedule, type LrSchedule } from './schedule.ts';
import { isPlainObject } from './plainObject.ts';
import { deepFreeze } from './deepFreeze.ts';

export type { LossConfig } from './lossConfig.ts';
export type { LrSchedule, ConstantSchedule, StepSchedule, CosineSchedule } from './schedule.ts';

/** Backbones (the same names as src/ml/models/embedding.ts BackboneName). */
export type BackboneId = 'resnet50' | 'resnet18' | 'tiny';

/** Every backbone, smallest first (the command lines list them in this order). */
export const BACKBONE_IDS: readonly BackboneId[] = Object.freeze(['tiny', 'resnet18', 'resnet50']);

/** The embedding network. */
export interface ModelConfig {
  backbone: BackboneId;
  /** 'imagenet' loads the Keras ResNet50 ImageNet weights (resnet50 only); 'none' trains from scratch. */
  pretrained: 'imagenet' | 'none';
  /** Side of the square input in pixels (≥ 32). */
  inputSize: number;
  /** Embedding dimension D. */
  embeddingDim: number;
  /** L2 factor λ on the embedding kernel (a model regulariser: λ·Σw² joins the objective). */
  l2: number;
  /** Base channel count of tiny/resnet18 (micro models for tests); omit for the backbone's default. */
  width?: number;
  /**
   * 'batchnorm' adds a batch normalisation after the dense embedding layer, as the
   * ArcFace/insightface output block does: it centres the features over each batch, so they cannot all drift
   * into one cap of the sphere. Absent or 'none': the dense layer's output is the feature (the report's layout).
   */
  embeddingNorm?: EmbeddingNorm;
}

/** What follows the dense embedding layer (see ModelConfig.embeddingNorm). */
export type EmbeddingNorm = 'none' | 'batchnorm';

/** The optimiser and its schedule. */
export interface OptimizerConfig {
  /** 'sgd' is SGD with (heavy-ball) momentum; 'adam' is Adam with bias correction. */
  kind: 'sgd' | 'adam';
  /** Base learning rate (the schedule multiplies it). */
  lr: number;
  /** SGD momentum μ (v ← μv + g); for Adam it is β1. */
  momentum: number;
  /**
   * Decoupled weight decay factor (Loshchilov & Hutter, "AdamW"): after each update w ← w − lr·wd·w, on
   * conv/dense kernels and the class head only (not on biases or batch-norm parameters). Decoupled rather
   * than an L2 term so Adam's per-parameter scaling does not weaken it.
   */
  weightDecay: number;
  schedule: LrSchedule;
}

/** Everything that defines a training run (data aside). */
export interface TrainConfig {
  model: ModelConfig;
  loss: LossConfig;
  optimizer: OptimizerConfig;
  batchSize: number;
  /** Number of optimiser updates. */
  steps: number;
  /** Evaluate on the test pairs every this many steps (0 = only at the end). */
  evalEvery: number;
  /** Number of test pairs (half same identity, half different). */
  evalPairs: number;
  /** Random horizontal flip of training images (seeded). */
  flipAugment: boolean;
  /** Average each test embedding with that of the flipped image, as insightface does. */
  flipEval: boolean;
  /** Ramp the margin in linearly over this many steps, starting from plain softmax (0 = off). */
  marginWarmupSteps: number;
  /** Seeds the weights, the data order and the augmentation. */
  seed: number;
  /** Save a checkpoint every this many steps (0 = only when stopped). */
  checkpointEvery: number;
}

/** A partial config as read from JSON: any subset, nested objects partial too. */
export interface TrainConfigInput {
  model?: Partial<ModelConfig>;
  loss?: Partial<LossConfig>;
  optimizer?: Partial<OptimizerConfig>;
  batchSize?: number;
  steps?: number;
  evalEvery?: number;
  evalPairs?: number;
  flipAugment?: boolean;
  flipEval?: boolean;
  marginWarmupSteps?: number;
  seed?: number;
  checkpointEvery?: number;
}

/**
 * Defaults: a tiny CNN at 32 px for a live demo; SGD 0.1 with momentum 0.9 and weight decay 5e-4 (the
 * ArcFace/insightface recipe), cosine schedule; batch 32; evaluation on 1000 pairs every 100 steps.
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = deepFreeze({
  model: { backbone: 'tiny', pretrained: 'none', inputSize: 32, embeddingDim: 64, l2: 5e-4 },
  loss: { ...DEFAULT_LOSS_CONFIG },
  optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4, schedule: { kind: 'cosine', warmupSteps: 0 } },
  batchSize: 32,
  steps: 500,
  evalEvery: 100,
  evalPairs: 1000,
  flipAugment: true,
  flipEval: true,
  marginWarmupSteps: 0,
  seed: 1,
  checkpointEvery: 100,
} satisfies TrainConfig);

const TOP_KEYS: readonly (keyof TrainConfig)[] = Object.freeze([
  'model',
  'loss',
  'optimizer',
  'batchSize',
  'steps',
  'evalEvery',
  'evalPairs',
  'flipAugment',
  'flipEval',
  'marginWarmupSteps',
  'seed',
  'checkpointEvery',
] as const);
const MODEL_KEYS: readonly (keyof ModelConfig)[] = Object.freeze(['backbone', 'pretrained', 'inputSize', 'embeddingDim', 'l2', 'width', 'embeddingNorm'] as const);
const OPTIMIZER_KEYS: readonly (keyof OptimizerConfig)[] = Object.freeze(['kind', 'lr', 'momentum', 'weightDecay', 'schedule'] as const);
const LOSS_KEYS: readonly (keyof LossConfig)[] = Object.freeze(['kind', 'scale', 'alpha', 'marginDeg', 'cosineMargin', 'angleFactor', 'fallback'] as const);
const SCHEDULE_KEYS = Object.freeze(['kind', 'warmupSteps', 'milestones', 'gamma', 'minFactor']);

function checkKeys(value: unknown, allowed: readonly string[], path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${path || 'config'} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`unknown config key '${path ? `${path}.` : ''}${key}' (allowed: ${allowed.join(', ')})`);
  }
  return value;
}

function requireInt(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
}

function requireNumber(name: string, value: unknown, ok: (v: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new Error(`${name} must be ${rule} (got ${String(value)})`);
}

/** Throws an Error naming the first invalid field of a complete config. */
export function validateTrainConfig(config: TrainConfig): void {
  const { model, optimizer } = config;
  if (!BACKBONE_IDS.includes(model.backbone)) throw new Error(`model.backbone must be resnet50, resnet18 or tiny (got ${String(model.backbone)})`);
  if (model.pretrained !== 'imagenet' && model.pretrained !== 'none') throw new Error(`model.pretrained must be 'imagenet' or 'none' (got ${String(model.pretrained)})`);
  if (model.pretrained === 'imagenet' && model.backbone !== 'resnet50') throw new Error('model.pretrained imagenet exists only for backbone resnet50');
  requireInt('model.inputSize', model.inputSize, 32);
  requireInt('model.embeddingDim', model.embeddingDim, 2);
  requireNumber('model.l2', model.l2, (v) => v >= 0, 'a finite number ≥ 0');
  if (model.width !== undefined) requireInt('model.width', model.width, 1);
  if (model.embeddingNorm !== undefined && model.embeddingNorm !== 'none' && model.embeddingNorm !== 'batchnorm') {
    throw new Error(`model.embeddingNorm must be 'none' or 'batchnorm' (got ${String(model.embeddingNorm)})`);
  }
  validateLossConfig(config.loss);
  if (optimizer.kind !== 'sgd' && optimizer.kind !== 'adam') throw new Error(`optimizer.kind must be 'sgd' or 'adam' (got ${String(optimizer.kind)})`);
  requireNumber('optimizer.lr', optimizer.lr, (v) => v > 0, 'a finite number > 0');
  requireNumber('optimizer.momentum', optimizer.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
  requireNumber('optimizer.weightDecay', optimizer.weightDecay, (v) => v >= 0, 'a finite number ≥ 0');
  validateSchedule(optimizer.schedule);
  requireInt('batchSize', config.batchSize, 2);
  requireInt('steps', config.steps, 1);
  requireInt('evalEvery', config.evalEvery, 0);
  requireInt('evalPairs', config.evalPairs, 20);
  if (typeof config.flipAugment !== 'boolean') throw new Error('flipAugment must be true or false');
  if (typeof config.flipEval !== 'boolean') throw new Error('flipEval must be true or false');
  requireInt('marginWarmupSteps', config.marginWarmupSteps, 0);
  requireInt('seed', config.seed, 0);
  requireInt('checkpointEvery', config.checkpointEvery, 0);
}

/**
 * Any subset of a TrainConfig (parsed JSON) merged over `base` (default DEFAULT_TRAIN_CONFIG) and validated.
 * Nested objects merge key by key, except `optimizer.schedule`, which replaces the base schedule whole (its
 * fields depend on its kind). A `loss` of another kind keeps only the base scale. Throws on unknown keys
 * (named by dotted path) and invalid values. Returns a fresh, unfrozen object.
 */
export function parseTrainConfig(input: unknown, base: Readonly<TrainConfig> = DEFAULT_TRAIN_CONFIG): TrainConfig {
  const raw = checkKeys(input ?? {}, TOP_KEYS, '') as TrainConfigInput;
  const model = raw.model === undefined ? {} : checkKeys(raw.model, MODEL_KEYS, 'model');
  const optimizer = raw.optimizer === undefined ? {} : checkKeys(raw.optimizer, OPTIMIZER_KEYS, 'optimizer');
  const loss = raw.loss === undefined ? undefined : (checkKeys(raw.loss, LOSS_KEYS, 'loss') as Partial<LossConfig>);
  if (optimizer.schedule !== undefined) checkKeys(optimizer.schedule, SCHEDULE_KEYS, 'optimizer.schedule');
  const baseLoss: LossConfig = loss?.kind !== undefined && loss.kind !== base.loss.kind ? { kind: loss.kind, scale: base.loss.scale } : { ...base.loss };
  const merged: TrainConfig = {
    ...structuredCloneConfig(base),
    ...(raw as Omit<TrainConfigInput, 'model' | 'loss' | 'optimizer'>),
    model: { ...base.model, ...(model as Partial<ModelConfig>) },
    loss: { ...baseLoss, ...(loss ?? {}) },
    optimizer: {
      ...base.optimizer,
      ...(optimizer as Partial<OptimizerConfig>),
      schedule: structuredCloneConfig((optimizer as Partial<OptimizerConfig>).schedule ?? base.optimizer.schedule),
    },
  };
  validateTrainConfig(merged);
  return merged;
}

/** A deep, unfrozen copy of plain JSON data. */
function structuredCloneConfig<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
