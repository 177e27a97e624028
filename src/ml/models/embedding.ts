/**
 * The embedding model factory: backbone → global average pooling → dense(D) with bias and an L2
 * kernel regulariser. The features are not normalised here: normalisation and scaling belong to
 * the loss (src/ml/losses.ts). The K×D class head is a separate variable owned by the training
 * loop; `createHead` makes one with seeded values.
 */
import * as tf from '@tensorflow/tfjs';
import type { EmbeddingNorm, ModelConfig } from '../../core/trainConfig.ts';
import { batchNorm, deriveSeed, LayerSeeds } from './layers.ts';
import { resnet18Features, RESNET18_DEFAULT_WIDTH } from './resnet18.ts';
import { resnet50Features } from './resnet50.ts';
import { tinyFeatures, TINY_DEFAULT_WIDTH } from './tiny.ts';

/** The backbones the lab can build. */
export type BackboneName = 'resnet50' | 'resnet18' | 'tiny';

/** What the UI shows about a backbone. */
export interface BackboneInfo {
  /** Display name. */
  readonly label: string;
  /** One line for the UI. */
  readonly description: string;
  /** Whether ImageNet weights exist for it (loadImageNetWeights). */
  readonly imagenet: boolean;
  /** Base channel count used when the spec gives no width; null where the width is fixed. */
  readonly defaultWidth: number | null;
}

/** Every backbone with its one-line description (frozen: the UI reads it, nobody writes it). */
export const BACKBONES: Readonly<Record<BackboneName, BackboneInfo>> = Object.freeze({
  resnet50: Object.freeze({
    label: 'ResNet50',
    description: 'Keras ResNet50 bottleneck layout, 23.6 M parameters, ImageNet weights available (Caffe preprocessing).',
    imagenet: true,
    defaultWidth: null,
  }),
  resnet18: Object.freeze({
    label: 'ResNet18',
    description: 'Basic-block ResNet [2, 2, 2, 2], 64–512 channels, 11.2 M parameters, trained from scratch.',
    imagenet: false,
    defaultWidth: RESNET18_DEFAULT_WIDTH,
  }),
  tiny: Object.freeze({
    label: 'Tiny CNN',
    description: 'Four stride-2 conv-bn-relu blocks, about 61 k parameters: live demos at 32–112 px.',
    imagenet: false,
    defaultWidth: TINY_DEFAULT_WIDTH,
  }),
});

/** What to build. */
export interface EmbeddingModelSpec {
  backbone: BackboneName;
  /** Side of the square RGB input in pixels (32 or more). */
  inputSize: number;
  /** Output dimension D of the dense embedding layer. */
  embeddingDim: number;
  /** L2 regularisation factor λ on the embedding kernel (λ·Σw², 0 disables it). */
  l2: number;
  /** Seed of every initializer; the same seed gives identical initial weights. Default DEFAULT_SEED. */
  seed?: number;
  /** Base channel count of resnet18 / tiny (micro models for browser tests); resnet50 is fixed. */
  width?: number;
  /** 'batchnorm': batch normalisation after the dense layer ('embedding_bn'). Default 'none'. */
  embeddingNorm?: EmbeddingNorm;
}

/** The spec of a run's model section (TrainConfig.model), seeded with the run's seed. */
export function modelSpecOf(m: ModelConfig, seed: number): EmbeddingModelSpec {
  return {
    backbone: m.backbone,
    inputSize: m.inputSize,
    embeddingDim: m.embeddingDim,
    l2: m.l2,
    seed,
    ...(m.width === undefined ? {} : { width: m.width }),
    ...(m.embeddingNorm === undefined ? {} : { embeddingNorm: m.embeddingNorm }),
  };
}

/** Seed used when the spec gives none, so an unseeded model is still reproducible. */
export const DEFAULT_SEED = 1;

/** Name of the global-average-pooling layer (the Keras ResNet50 name). */
export const POOL_LAYER = 'avg_pool';

/** Name of the dense embedding layer. */
export const EMBEDDING_LAYER = 'embedding';

/** Name of the optional batch normalisation after it. */
export const EMBEDDING_NORM_LAYER = 'embedding_bn';

/** Smallest input side accepted: the five stride-2 steps of a ResNet leave a 1×1 map at 32 px. */
export const MIN_INPUT_SIZE = 32;

/** Seed stream of the embedding model's dense layer, apart from the per-layer backbone streams. */
const DENSE_SEED_STREAM = 0x7fff;
/** Seed stream of createHead. */
const HEAD_SEED_STREAM = 0x7ffe;

function checkSpec(spec: EmbeddingModelSpec): void {
  if (!(spec.backbone in BACKBONES)) throw new Error(`unknown backbone '${spec.backbone}' (expected ${Object.keys(BACKBONES).join(', ')})`);
  if (!Number.isInteger(spec.inputSize) || spec.inputSize < MIN_INPUT_SIZE) {
    throw new Error(`inputSize must be an integer ≥ ${MIN_INPUT_SIZE}, got ${spec.inputSize}`);
  }
  if (!Number.isInteger(spec.embeddingDim) || spec.embeddingDim < 1) throw new Error(`embeddingDim must be a positive integer, got ${spec.embeddingDim}`);
  if (!Number.isFinite(spec.l2) || spec.l2 < 0) throw new Error(`l2 must be a finite number ≥ 0, got ${spec.l2}`);
  if (spec.width !== undefined) {
    if (spec.backbone === 'resnet50') throw new Error('resnet50 has a fixed width (it must match the Keras ImageNet weights)');
    if (!Number.isInteger(spec.width) || spec.width < 1) throw new Error(`width must be a positive integer, got ${spec.width}`);
  }
}

/**
 * Builds the embedding model `${backbone}_embedding`: input 'image' (N×S×S×3, preprocessed with
 * preprocessFor) → backbone → 'avg_pool' → 'embedding' dense(D) with bias (→ 'embedding_bn' when asked). Output N×D.
 * Initializers are seeded per layer from `spec.seed`, so the initial weights are deterministic.
 */
export function createEmbeddingModel(spec: EmbeddingModelSpec): tf.LayersModel {
  checkSpec(spec);
  const seed = spec.seed ?? DEFAULT_SEED;
  const seeds = new LayerSeeds(seed);
  const input = tf.input({ shape: [spec.inputSize, spec.inputSize, 3], name: 'image' });
  let features: tf.SymbolicTensor;
  switch (spec.backbone) {
    case 'resnet50':
      features = resnet50Features(input, seeds);
      break;
    case 'resnet18':
      features = resnet18Features(input, spec.width ?? RESNET18_DEFAULT_WIDTH, seeds);
      break;
    case 'tiny':
      features = tinyFeatures(input, spec.width ?? TINY_DEFAULT_WIDTH, seeds);
      break;
  }
  const pooled = tf.layers.globalAveragePooling2d({ name: POOL_LAYER }).apply(features) as tf.SymbolicTensor;
  const embedding = tf.layers
    .dense({
      name: EMBEDDING_LAYER,
      units: spec.embeddingDim,
      useBias: true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, DENSE_SEED_STREAM) }),
      biasInitializer: 'zeros',
      kernelRegularizer: spec.l2 > 0 ? tf.regularizers.l2({ l2: spec.l2 }) : undefined,
    })
    .apply(pooled) as tf.SymbolicTensor;
  // insightface's output block ends in a batch normalisation of the features. (It fixes the scale at 1; tfjs 4.22
  // cannot train a batch norm without a scale, normalizeBatchInTraining reads gamma unconditionally, so it is learned.)
  const output = spec.embeddingNorm === 'batchnorm' ? batchNorm(embedding, EMBEDDING_NORM_LAYER) : embedding;
  return tf.model({ inputs: input, outputs: output, name: `${spec.backbone}_embedding` });
}

/**
 * The K×D class-weight head as a trainable variable, drawn from N(0, 2/(K+D)) (Glorot normal)
 * with a seed, so the head is as reproducible as the model. The caller disposes it.
 */
export function createHead(numClasses: number, embeddingDim: number, seed: number): tf.Variable {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  if (!Number.isInteger(embeddingDim) || embeddingDim < 1) throw new Error(`embeddingDim must be a positive integer, got ${embeddingDim}`);
  const std = Math.sqrt(2 / (numClasses + embeddingDim));
  return tf.tidy(() => tf.variable(tf.randomNormal([numClasses, embeddingDim], 0, std, 'float32', deriveSeed(seed, HEAD_SEED_STREAM)), true));
}

/**
 * The sum of the model's regularisation penalties (the L2 term of the embedding kernel), a
 * scalar to add to the loss inside `optimizer.minimize`: a custom training loop does not get it
 * from tfjs automatically (only `model.fit` adds it). Zero when λ = 0.
 */
export function regularizationLoss(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const penalties = model.calculateLosses();
    return penalties.length === 0 ? tf.scalar(0) : (tf.addN(penalties) as tf.Scalar);
  });
}
