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

/**
 * The convolution geometries both gradient kernels are checked on: the lab's layers (ResNet stems, bottlenecks,
 * projection shortcuts, down-sampling) and the edges of tfjs's padding arithmetic.
 */
export const CONV_CASES: readonly ConvCase[] = [
  { name: "3×3 stride 1 'same', even size", x: [2, 8, 8, 4], filter: [3, 3, 4, 6], strides: 1, pad: 'same' },
  { name: "3×3 stride 1 'same', odd sizes", x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { name: "3×3 stride 1 'valid'", x: [2, 9, 8, 4], filter: [3, 3, 4, 6], strides: 1, pad: 'valid' },
  { name: "3×3 stride 2 'same', even size (ResNet18 down-sampling)", x: [2, 8, 8, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' },
  { name: "3×3 stride 2 'same', odd size", x: [2, 9, 9, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' },
  { name: "3×3 stride 2 'valid', odd and even sizes", x: [1, 11, 10, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'valid' },
  { name: "1×1 stride 1 'valid' (bottleneck)", x: [3, 5, 5, 8], filter: [1, 1, 8, 6], strides: 1, pad: 'valid' },
  { name: "1×1 stride 1 'valid', more output than input channels", x: [2, 4, 5, 3], filter: [1, 1, 3, 7], strides: 1, pad: 'valid' },
  { name: "1×1 stride 2 'valid', odd size (ResNet50 projection shortcut)", x: [2, 9, 9, 16], filter: [1, 1, 16, 12], strides: 2, pad: 'valid' },
  { name: "1×1 stride 2 'same', even size", x: [2, 8, 6, 5], filter: [1, 1, 5, 7], strides: 2, pad: 'same' },
  { name: "7×7 stride 2 'same' (ResNet conv1 without its zero-padding layer)", x: [2, 32, 32, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'same' },
  { name: "7×7 stride 2 'valid' on a 3-pixel padded input (ResNet conv1 as built)", x: [2, 38, 38, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'valid' },
  { name: "7×7 stride 1 'same', odd width", x: [1, 12, 11, 2], filter: [7, 7, 2, 3], strides: 1, pad: 'same' },
  { name: "2×2 stride 2 'valid' leaving a row and column unread", x: [1, 13, 13, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: 'numeric padding 1, stride 3', x: [1, 10, 11, 4], filter: [3, 3, 4, 3], strides: 3, pad: 1 },
  { name: "stride [2, 1] 'same'", x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: [2, 1], pad: 'same' },
  {
    name: 'explicit asymmetric padding, 3×2 kernel',
    x: [1, 10, 11, 4],
    filter: [3, 2, 4, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    name: 'explicit padding wider than a 1×1 kernel (dy rows that reach no input)',
    x: [2, 5, 6, 3],
    filter: [1, 1, 3, 4],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    name: '1×1 stride 2, explicit padding before (only odd rows and columns read)',
    x: [2, 7, 8, 3],
    filter: [1, 1, 3, 4],
    strides: 2,
    pad: [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ],
  },
  {
    name: 'explicit padding 2 on a 3×3 kernel at stride 2',
    x: [1, 9, 8, 3],
    filter: [3, 3, 3, 4],
    strides: 2,
    pad: [
      [0, 0],
      [2, 2],
      [2, 1],
      [0, 0],
    ],
  },
];

/** The case named `name` (tests pick cases by name, not by position). */
export function convCase(name: string): ConvCase {
  const found = CONV_CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no convolution case named ${JSON.stringify(name)}`);
  return found;
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

/**
 * Runs `compute` with the registered wasm kernel `kernelName` wrapped in a counter (the registration restored after);
 * returns how many times the kernel ran: which route a fast path took.
 */
export async function countKernelCalls(kernelName: string, compute: () => Promise<void>): Promise<number> {
  const registered = tf.getKernel(kernelName, 'wasm');
  if (!registered) throw new Error(`no wasm kernel ${kernelName}`);
  let calls = 0;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...registered,
    kernelFunc: (args) => {
      calls++;
      return registered.kernelFunc(args);
    },
  });
  try {
    await compute();
  } finally {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(registered);
  }
  return calls;
}
