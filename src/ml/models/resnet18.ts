/**
 * ResNet18 backbone (He et al. 2016, table 1): the ResNet stem, then four stages of two basic
 * blocks (3×3 → 3×3) with widths w, 2w, 4w, 8w (w = 64 by default: 64–512 channels). A smaller
 * `width` makes micro models for browser tests. Layers follow the Keras ResNet50 naming
 * (conv1, bn_conv1, res2a_branch2a, bn2a_branch2a, res3a_branch1, …). Convolutions have no bias
 * (batch norm follows each one), as in the reference ResNet18. Output: N×⌈H/32⌉×⌈W/32⌉×8w.
 */
import type * as tf from '@tensorflow/tfjs';
import { add, batchNorm, blockLetter, conv, relu, resnetStem, type LayerSeeds } from './layers.ts';

/** Default base width: the 64 channels of the reference ResNet18. */
export const RESNET18_DEFAULT_WIDTH = 64;

/** Stage numbers as in the Keras names, with width multiplier and first-block stride. */
const STAGES = Object.freeze([
  { stage: 2, multiplier: 1, stride: 1 },
  { stage: 3, multiplier: 2, stride: 2 },
  { stage: 4, multiplier: 4, stride: 2 },
  { stage: 5, multiplier: 8, stride: 2 },
] as const);

/** Basic blocks per stage. */
const BLOCKS_PER_STAGE = 2;

/** One basic block: 3×3 (stride) → 3×3, shortcut projected by a 1×1 conv when the shape changes. */
function basicBlock(x: tf.SymbolicTensor, id: string, filters: number, stride: number, seeds: LayerSeeds): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = conv(x, { name: `res${id}_branch2a`, filters, kernelSize: 3, strides: stride, padding: 'same', useBias: false }, seeds);
  y = relu(batchNorm(y, `bn${id}_branch2a`), `res${id}_branch2a_relu`);
  y = conv(y, { name: `res${id}_branch2b`, filters, kernelSize: 3, padding: 'same', useBias: false }, seeds);
  y = batchNorm(y, `bn${id}_branch2b`);
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = conv(x, { name: `res${id}_branch1`, filters, kernelSize: 1, strides: stride, useBias: false }, seeds);
    shortcut = batchNorm(shortcut, `bn${id}_branch1`);
  }
  return relu(add(y, shortcut, `res${id}_add`), `res${id}_relu`);
}

/** Applies the ResNet18 feature extractor to `input` (N×H×W×3) and returns its last feature map. */
export function resnet18Features(input: tf.SymbolicTensor, width: number, seeds: LayerSeeds): tf.SymbolicTensor {
  let x = resnetStem(input, width, false, seeds);
  for (const { stage, multiplier, stride } of STAGES) {
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      x = basicBlock(x, `${stage}${blockLetter(b)}`, width * multiplier, b === 0 ? stride : 1, seeds);
    }
  }
  return x;
}
