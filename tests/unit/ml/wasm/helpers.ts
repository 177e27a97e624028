/** Shared fixtures of the wasm kernel tests: deterministic values, and one kernel run on cpu and on wasm. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../../src/ml/wasmKernels.ts';

/** Explicit NHWC paddings as tfjs takes them. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** A 2-D convolution's geometry: input shape, filter shape (HWIO), strides and padding. */
export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | ExplicitPadding;
}

/** Starts the wasm backend (single-threaded, as the lab runs it) with the lab's training kernels. */
export async function startWasm(): Promise<void> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmTrainingKernels();
  // In Node the wasm backend finds its .wasm files next to its own package (no setWasmPaths needed).
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
}

/** Deterministic values in [-0.5, 0.5) (a small LCG, so that both backends get the same numbers). */
export function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** A tensor of `shape` filled with values(…, seed). */
export function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** The output shape of case `c`'s convolution (computed by tfjs on the current backend). */
export function convOutShape(c: ConvCase): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as 'same');
  return info.outShape;
}

/** max |actual − expected| / max |expected|. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

/** Runs `compute` on `backend` and reads its result back (values and shape), freeing every tensor it made. */
export async function resultOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(compute);
  const result = { values: (await out.data()) as Float32Array, shape: out.shape };
  out.dispose();
  if (tf.memory().numTensors !== before) throw new Error(`${backend}: ${tf.memory().numTensors - before} tensors left behind`);
  return result;
}
