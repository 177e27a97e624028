import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig, type TrainConfig } from '../../../src/core/trainConfig.ts';
import { noiseBatchSource } from '../../../src/ml/train/data.ts';
import { TrainingSession } from '../../../src/ml/train/session.ts';
import { registerWasmTrainingKernels } from '../../../src/ml/wasmKernels.ts';
import { MICRO_IDENTITIES, microConfig, microSource, stepLosses } from './trainHelpers.ts';

type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface FilterCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Padding;
}

const FILTER_CASES: FilterCase[] = [
  { name: "7×7 stride 2 'same' (ResNet conv1 without its zero-padding layer)", x: [2, 32, 32, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'same' },
  { name: "7×7 stride 2 'valid' on a 3-pixel padded input (ResNet conv1 as built)", x: [2, 38, 38, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'valid' },
  { name: "1×1 stride 2 'valid' (ResNet projection shortcut)", x: [2, 9, 9, 16], filter: [1, 1, 16, 12], strides: 2, pad: 'valid' },
  { name: "1×1 stride 1 'valid' (bottleneck)", x: [3, 5, 5, 8], filter: [1, 1, 8, 6], strides: 1, pad: 'valid' },
  { name: "3×3 stride 1 'same'", x: [2, 8, 8, 4], filter: [3, 3, 4, 6], strides: 1, pad: 'same' },
  { name: "3×3 stride 2 'same' on an odd size (tiny CNN block)", x: [2, 9, 9, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' },
  { name: "2×2 stride 2 'valid' leaving a row and column unread", x: [1, 13, 13, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'valid' },
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
  { name: 'numeric padding 1, stride 3', x: [1, 10, 11, 4], filter: [3, 3, 4, 3], strides: 3, pad: 1 },
  { name: "stride [2, 1] 'same'", x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: [2, 1], pad: 'same' },
];

/** Deterministic values in [-0.5, 0.5) (a small LCG, so that both backends get the same numbers). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, c: FilterCase, extra: Record<string, unknown> = {}): tf.Tensor4D {
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, ...extra };
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The filter gradient of case `c` on `backend`, from the same x and dy values on every backend. */
async function filterGradientOn(backend: 'cpu' | 'wasm', c: FilterCase): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(
    values(
      c.x.reduce((a, b) => a * b),
      1,
    ),
    c.x,
  );
  const outShape = tf.conv2d(x, tf.zeros(c.filter), c.strides, c.pad).shape;
  const dy = tf.tensor4d(
    values(
      outShape.reduce((a, b) => a * b),
      2,
    ),
    outShape,
  );
  const dw = filterGradient(x, dy, c);
  const result = { values: (await dw.data()) as Float32Array, shape: dw.shape };
  tf.dispose([x, dy, dw]);
  return result;
}

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

async function trainLosses(backend: 'cpu' | 'wasm', config: TrainConfig, numIdentities: number, source = microSource()): Promise<number[]> {
  await tf.setBackend(backend);
  const session = await TrainingSession.create(config, numIdentities, { runId: `wasm-test-${backend}` });
  const events: Parameters<Parameters<TrainingSession['run']>[1]>[0][] = [];
  try {
    await session.run(source, (e) => events.push(e), {});
  } finally {
    session.dispose();
  }
  return stepLosses(events).losses;
}

beforeAll(async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmTrainingKernels();
  // In Node the wasm backend finds its .wasm files next to its own package (no setWasmPaths needed).
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('Conv2DBackpropFilter on wasm', () => {
  it('is missing from stock tfjs-backend-wasm 4.22 and registered by registerWasmTrainingKernels', () => {
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc).toBeTypeOf('function');
    // Registered once, however many times registerWasmTrainingKernels runs.
    expect(tf.getKernelsForBackend('wasm').filter((k) => k.kernelName === tf.Conv2DBackpropFilter)).toHaveLength(1);
  });

  it.each(FILTER_CASES)('matches the cpu kernel: $name', async (c) => {
    const expected = await filterGradientOn('cpu', c);
    const actual = await filterGradientOn('wasm', c);
    expect(actual.shape).toEqual(c.filter);
    expect(expected.shape).toEqual(c.filter);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-4);
  });

  it('frees every intermediate buffer', async () => {
    await tf.setBackend('wasm');
    const c = FILTER_CASES[0];
    const x = tf.tensor4d(
      values(
        c.x.reduce((a, b) => a * b),
        3,
      ),
      c.x,
    );
    const dy = tf.ones([2, 16, 16, 8]) as tf.Tensor4D;
    const buffersBefore = tf.backend().numDataIds();
    const dw = filterGradient(x, dy, c);
    await dw.data();
    expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
    dw.dispose();
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([x, dy]);
  });

  it('refuses dilations other than 1 and NCHW with a clear message', async () => {
    await tf.setBackend('wasm');
    const c = FILTER_CASES[4];
    const x = tf.zeros(c.x) as tf.Tensor4D;
    const dy = tf.zeros([2, 8, 8, 6]) as tf.Tensor4D;
    expect(() => filterGradient(x, dy, c, { dilations: 2 })).toThrow(/dilations must be 1, got \[2, 2\]/);
    expect(() => filterGradient(x, dy, c, { dataFormat: 'NCHW' })).toThrow(/only NHWC/);
    tf.dispose([x, dy]);
  });
});

describe('Tile on wasm', () => {
  it('broadcasts a one-element tensor (tf.where with a scalar condition) to the same values', async () => {
    await tf.setBackend('wasm');
    expect(Array.from(await tf.tile(tf.tensor2d([[2.5]]), [2, 3]).data())).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    const next = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const current = tf.tensor2d([
      [5, 6],
      [7, 8],
    ]);
    expect(Array.from(await tf.where(tf.scalar(true, 'bool'), next, current).data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await tf.where(tf.scalar(false, 'bool'), next, current).data())).toEqual([5, 6, 7, 8]);
    expect(tf.tile(tf.tensor1d([3], 'int32'), [4]).dtype).toBe('int32');
  });

  it('still tiles larger tensors with the stock kernel, and registering twice changes nothing', async () => {
    await tf.setBackend('wasm');
    const tile = tf.getKernel(tf.Tile, 'wasm');
    registerWasmTrainingKernels();
    expect(tf.getKernel(tf.Tile, 'wasm')).toBe(tile);
    expect(Array.from(await tf.tile(tf.tensor2d([[1, 2]]), [2, 2]).data())).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });
});

describe('training on wasm', () => {
  it('gives the tiny CNN the same losses as the cpu backend over 4 steps', async () => {
    const config = microConfig({ steps: 4 });
    const cpu = await trainLosses('cpu', config, MICRO_IDENTITIES);
    const wasm = await trainLosses('wasm', config, MICRO_IDENTITIES);
    expect(cpu).toHaveLength(4);
    expect(wasm).toHaveLength(4);
    // The losses move (the updates are real), and the two backends agree to 1e-3 relative.
    expect(Math.abs(cpu[3] - cpu[0])).toBeGreaterThan(1e-2);
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i])).toBeLessThan(1e-3 * Math.abs(cpu[i])));
  });

  it('gives a width-4 ResNet18 the same losses as the cpu backend over 2 steps', async () => {
    const config = microConfig({ steps: 2, batchSize: 8, model: { backbone: 'resnet18', width: 4 } });
    const cpu = await trainLosses('cpu', config, MICRO_IDENTITIES);
    const wasm = await trainLosses('wasm', config, MICRO_IDENTITIES);
    expect(wasm).toHaveLength(2);
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i])).toBeLessThan(1e-3 * Math.abs(cpu[i])));
  });

  it('trains a full-width ResNet50 at 32 px for 2 steps with finite losses', async () => {
    // The cpu backend needs minutes for this; the wasm step runs in seconds.
    const config = parseTrainConfig({
      ...microConfig(),
      model: { backbone: 'resnet50', pretrained: 'none', inputSize: 32, embeddingDim: 16 },
      steps: 2,
      batchSize: 2,
    });
    const losses = await trainLosses('wasm', config, 4, noiseBatchSource(4, 32));
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
  });
});
