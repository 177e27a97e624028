/**
 * Building blocks shared by the backbones: seeded initializers and the conv → batch-norm → ReLU
 * pattern, so that every backbone is deterministic for a seed and named the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { withAnalyticGradient } from './batchNorm.ts';

/** Keras ResNet50 defaults (keras_applications 1.0.x), also used by the smaller backbones. */
export const BATCH_NORM_DEFAULTS = Object.freeze({ momentum: 0.99, epsilon: 1e-3 });

/**
 * Hands out one initializer seed per layer, derived from the model seed. tfjs draws a fresh
 * unseeded random seed when given 0 or nothing (tfjs-core rand_util falls back to the global generator),
 * so the derived seeds are never 0; they are mixed (a 32-bit integer hash) so that layers of the
 * same shape do not start from the same values and nearby model seeds do not share layer seeds.
 */
export class LayerSeeds {
  private index = 0;

  constructor(private readonly modelSeed: number) {
    if (!Number.isInteger(modelSeed)) throw new Error(`seed must be an integer, got ${modelSeed}`);
  }

  /** The next layer's seed: a positive 31-bit integer. */
  next(): number {
    return deriveSeed(this.modelSeed, this.index++);
  }
}

/** A deterministic, non-zero 31-bit seed for stream `index` of `seed` (murmur3's 32-bit finaliser). */
export function deriveSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1 || 1;
}

/** Options of one convolution in a backbone. */
export interface ConvOptions {
  name: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: 'valid' | 'same';
  /** Keras ResNet50 convolutions carry a bias; the others do not (batch norm makes it redundant). */
  useBias: boolean;
  /** The convolution reads the model's input (the image), whose gradient no one needs: see withoutInputGradient. */
  readsImage?: boolean;
}

/** A He-normal (Keras VarianceScaling scale 2, fan_in) convolution with a seeded kernel. */
export function conv(x: tf.SymbolicTensor, options: ConvOptions, seeds: LayerSeeds): tf.SymbolicTensor {
  const layer = tf.layers.conv2d({
    name: options.name,
    filters: options.filters,
    kernelSize: options.kernelSize,
    strides: options.strides ?? 1,
    padding: options.padding ?? 'valid',
    useBias: options.useBias,
    kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
    biasInitializer: 'zeros',
  });
  if (options.readsImage) withoutInputGradient(layer);
  return layer.apply(x) as tf.SymbolicTensor;
}

/**
 * Makes `layer` (a stock Keras Conv2D: same class, config and weights, so it saves and loads as one) call the
 * unfused tf.conv2d. A Conv2D layer calls tfjs's fused conv2d, whose gradient computes the input gradient along
 * with the filter's, eagerly; on the image that gradient is thrown away. The unfused op's gradient is computed per
 * input and only for inputs that lead to a trained variable, so the image's is skipped: on wasm that was 46 ms of
 * a 1.05 s ResNet18@64 training step (batch 16) and 4.4 of 70 ms of the tiny CNN's (width 32, 32 px, batch 32).
 * Without a bias (tiny, ResNet18) the output is bit for bit the fused layer's, and so is training; with one
 * (ResNet50's conv1) the bias is added after the convolution rather than inside it, which rounds differently.
 */
export function withoutInputGradient(layer: tf.layers.Layer): void {
  const { strides, padding, useBias } = layer.getConfig() as { strides: [number, number]; padding: 'valid' | 'same'; useBias: boolean };
  layer.call = (inputs) =>
    tf.tidy(() => {
      const image = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      // `weights`, not `trainableWeights`, which is empty once the layer is frozen.
      const [kernel, bias] = layer.weights.map((weight) => weight.read());
      const output = tf.conv2d(image, kernel as tf.Tensor4D, strides, padding);
      return useBias ? tf.add(output, bias) : output;
    });
}

/**
 * Batch normalisation over the channel axis with the Keras ResNet50 momentum and epsilon, trained with its analytic
 * gradient (withAnalyticGradient).
 */
export function batchNorm(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return withAnalyticGradient(tf.layers.batchNormalization({ name, axis: -1, ...BATCH_NORM_DEFAULTS })).apply(x) as tf.SymbolicTensor;
}

/** A ReLU activation layer. */
export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ name, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
}

/** Element-wise sum of a residual branch and its shortcut. */
export function add(a: tf.SymbolicTensor, b: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.add({ name }).apply([a, b]) as tf.SymbolicTensor;
}

/**
 * The ResNet stem shared by ResNet50 and ResNet18: 3-pixel zero padding, 7×7/2 convolution,
 * batch norm, ReLU, 1-pixel zero padding, 3×3/2 max pooling (input size / 4 on each side).
 * Layer names are the Keras ResNet50 ones (conv1_pad, conv1, bn_conv1, pool1_pad).
 */
export function resnetStem(input: tf.SymbolicTensor, filters: number, useBias: boolean, seeds: LayerSeeds): tf.SymbolicTensor {
  let x = tf.layers
    .zeroPadding2d({
      name: 'conv1_pad',
      padding: [
        [3, 3],
        [3, 3],
      ],
    })
    .apply(input) as tf.SymbolicTensor;
  x = conv(x, { name: 'conv1', filters, kernelSize: 7, strides: 2, useBias, readsImage: true }, seeds);
  x = relu(batchNorm(x, 'bn_conv1'), 'conv1_relu');
  x = tf.layers
    .zeroPadding2d({
      name: 'pool1_pad',
      padding: [
        [1, 1],
        [1, 1],
      ],
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers.maxPooling2d({ name: 'pool1', poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
}

/** The Keras block suffix for block `index` of a stage: 0 → 'a', 1 → 'b', … */
export function blockLetter(index: number): string {
  return String.fromCharCode(97 + index);
}
