/**
 * A tiny CNN for live demos and tests: four 3×3 stride-2 conv → batch norm → ReLU blocks with
 * widths w, 2w, 4w, 4w (w = 16 by default: about 61 thousand parameters). Each block halves the
 * image, so it runs from 32 px (2×2 final map) to 112 px (7×7). Stride-2 convolutions instead of
 * pooling keep the FLOPs low enough for SwiftShader WebGPU (~0.3 GFLOP/s) at 32 px.
 */
import type * as tf from '@tensorflow/tfjs';
import { batchNorm, conv, relu, type LayerSeeds } from './layers.ts';

/** Default base width (channels of the first block). */
export const TINY_DEFAULT_WIDTH = 16;

/** Width multiplier per block. */
const BLOCK_MULTIPLIERS = Object.freeze([1, 2, 4, 4]);

/** Applies the tiny CNN to `input` (N×H×W×3) and returns its last feature map (N×⌈H/16⌉×⌈W/16⌉×4w). */
export function tinyFeatures(input: tf.SymbolicTensor, width: number, seeds: LayerSeeds): tf.SymbolicTensor {
  let x = input;
  BLOCK_MULTIPLIERS.forEach((multiplier, i) => {
    const id = `block${i + 1}`;
    x = conv(x, { name: `${id}_conv`, filters: width * multiplier, kernelSize: 3, strides: 2, padding: 'same', useBias: false, readsImage: i === 0 }, seeds);
    x = relu(batchNorm(x, `${id}_bn`), `${id}_relu`);
  });
  return x;
}
