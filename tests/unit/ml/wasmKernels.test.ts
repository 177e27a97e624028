import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig, type TrainConfig } from '../../../src/core/trainConfig.ts';
import { noiseBatchSource } from '../../../src/ml/train/data.ts';
import { TrainingSession } from '../../../src/ml/train/session.ts';
import { withScratch } from '../../../src/ml/wasm/scratch.ts';
import { conv2dFilterGradient, registerWasmTrainingKernels, WASM_TRAINING_KERNEL_NAMES } from '../../../src/ml/wasmKernels.ts';
import { MICRO_IDENTITIES, microConfig, microSource, stepLosses } from './trainHelpers.ts';
import { CONV_CASES, type ConvCase, convCase, convOutShape, maxRelativeError, resultOn, seeded, startWasm, values } from './wasm/helpers.ts';

function filterGradient(x: tf.Tensor, dy: tf.Tensor, c: ConvCase, extra: Record<string, unknown> = {}): tf.Tensor4D {
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, ...extra };
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The filter gradient of case `c`, from the same x and dy values on every backend. */
const caseFilterGradient = (c: ConvCase) => () => filterGradient(seeded(c.x, 1), seeded(convOutShape(c), 2), c);

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

beforeAll(startWasm);

describe('Conv2DBackpropFilter on wasm', () => {
  it('is missing from stock tfjs-backend-wasm 4.22 and registered by registerWasmTrainingKernels', () => {
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc).toBeTypeOf('function');
    // Registered once, however many times registerWasmTrainingKernels runs.
    expect(tf.getKernelsForBackend('wasm').filter((k) => k.kernelName === tf.Conv2DBackpropFilter)).toHaveLength(1);
  });

  it.each(CONV_CASES)('matches the cpu kernel: $name', async (c) => {
    const expected = await resultOn('cpu', caseFilterGradient(c));
    const actual = await resultOn('wasm', caseFilterGradient(c));
    expect(actual.shape).toEqual(c.filter);
    expect(expected.shape).toEqual(c.filter);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });

  it.each(
    ["7×7 stride 2 'same' (ResNet conv1 without its zero-padding layer)", "1×1 stride 1 'valid' (bottleneck)", "1×1 stride 1 'valid', more output than input channels"].map(
      convCase,
    ),
  )('frees every intermediate buffer: $name', async (c) => {
    await tf.setBackend('wasm');
    const x = seeded(c.x, 3);
    const dy = seeded(convOutShape(c), 4);
    const buffersBefore = tf.backend().numDataIds();
    const tensorsBefore = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const dw = filterGradient(x, dy, c);
      await dw.data();
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      dw.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose([x, dy]);
  });

  it.each(CONV_CASES)('hands XNNPACK only its own scratch tensors as weights: $name', async (c) => {
    // XNNPACK keeps a packed copy of a matrix product's b and a convolution's filter until that data is
    // freed; x and dy live until the backward pass ends, so neither (nor a view of either) may be one.
    await tf.setBackend('wasm');
    const x = seeded(c.x, 1);
    const dy = seeded(convOutShape(c), 2);
    const weights: tf.DataId[] = [];
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter } as unknown as tf.Conv2DBackpropFilterAttrs;
    const info = withScratch(tf.backend(), 'wasm', (run) =>
      conv2dFilterGradient(x, dy, attrs, (name, inputs, kernelAttrs) => {
        const named = inputs as Record<string, tf.TensorInfo>;
        if (name === tf.BatchMatMul) weights.push(named.b.dataId);
        if (name === tf.Conv2D) weights.push(named.filter.dataId);
        return run(name, inputs, kernelAttrs);
      }),
    );
    tf.engine().makeTensorFromTensorInfo(info).dispose();
    expect(weights).toHaveLength(1);
    expect(weights[0]).not.toBe(x.dataId);
    expect(weights[0]).not.toBe(dy.dataId);
    tf.dispose([x, dy]);
  });

  it('refuses dilations other than 1 and NCHW with a clear message', async () => {
    await tf.setBackend('wasm');
    const c = convCase("3×3 stride 1 'same', even size");
    const x = tf.zeros(c.x) as tf.Tensor4D;
    const dy = tf.zeros(convOutShape(c));
    expect(() => filterGradient(x, dy, c, { dilations: 2 })).toThrow(/dilations must be 1, got \[2, 2\]/);
    expect(() => filterGradient(x, dy, c, { dataFormat: 'NCHW' })).toThrow(/only NHWC/);
    tf.dispose([x, dy]);
  });
});

describe('Tile, Select and Identity on wasm', () => {
  it('wraps the stock kernels once, however many times registerWasmTrainingKernels runs', () => {
    const configs = WASM_TRAINING_KERNEL_NAMES.map((name) => tf.getKernel(name, 'wasm'));
    registerWasmTrainingKernels();
    expect(WASM_TRAINING_KERNEL_NAMES.map((name) => tf.getKernel(name, 'wasm'))).toEqual(configs);
    for (const name of WASM_TRAINING_KERNEL_NAMES) expect(tf.getKernelsForBackend('wasm').filter((k) => k.kernelName === name)).toHaveLength(1);
  });

  it('tiles like the cpu backend: broadcasts (float32, int32, one element, bool) and general tiles', async () => {
    const tiles = () =>
      tf.concat([
        tf.tile(seeded([1, 1, 1, 5], 7), [2, 3, 4, 1]).flatten(),
        tf.tile(seeded([1, 4, 1], 8), [3, 1, 2]).flatten(),
        tf
          .tile(tf.tensor3d([[[3], [-4]]], [1, 2, 1], 'int32'), [2, 1, 3])
          .flatten()
          .cast('float32'),
        tf.tile(tf.tensor2d([[2.5]]), [2, 3]).flatten(),
        tf
          .tile(tf.tensor2d([[true, false]], [1, 2], 'bool'), [3, 1])
          .flatten()
          .cast('float32'),
        tf.tile(seeded([2, 3], 9), [2, 2]).flatten(),
      ]);
    const expected = await resultOn('cpu', tiles);
    const actual = await resultOn('wasm', tiles);
    expect(actual.shape).toEqual([120 + 24 + 12 + 6 + 6 + 24]);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it('selects t or e whole for a scalar condition, and element by element otherwise, like the cpu backend', async () => {
    const selects = () => {
      const next = seeded([3, 4], 10);
      const current = seeded([3, 4], 11);
      const mask = tf.tensor2d(
        [
          [1, 0, 1, 1],
          [0, 0, 1, 0],
          [1, 1, 1, 0],
        ],
        [3, 4],
        'bool',
      );
      return tf.concat([
        tf.where(tf.scalar(true, 'bool'), next, current).flatten(),
        tf.where(tf.scalar(false, 'bool'), next, current).flatten(),
        tf.where(mask, next, current).flatten(),
        tf.where(tf.tensor1d([true, false, true, true], 'bool'), next, current).flatten(),
      ]);
    };
    const expected = await resultOn('cpu', selects);
    const actual = await resultOn('wasm', selects);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
    // The scalar-condition results are exactly next and then current.
    expect(Array.from(actual.values.slice(0, 12))).toEqual(Array.from(values(12, 10)));
    expect(Array.from(actual.values.slice(12, 24))).toEqual(Array.from(values(12, 11)));
  });

  it('keeps a selected tensor valid after the tensors it came from are freed', async () => {
    await tf.setBackend('wasm');
    const buffersBefore = tf.backend().numDataIds();
    const next = seeded([2, 3], 12);
    const chosen = tf.tidy(() => tf.where(tf.scalar(true, 'bool'), next, tf.zerosLike(next)));
    next.dispose();
    expect(Array.from(await chosen.data())).toEqual(Array.from(values(6, 12)));
    chosen.dispose();
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
  });

  it('clones by sharing data, and a clone outlives its original', async () => {
    await tf.setBackend('wasm');
    const original = seeded([3, 5], 17);
    const buffersBefore = tf.backend().numDataIds();
    const copy = tf.clone(original);
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    original.dispose();
    expect(Array.from(await copy.data())).toEqual(Array.from(values(15, 17)));
    copy.dispose();
    expect(tf.backend().numDataIds()).toBe(buffersBefore - 1);
  });

  it('gives batch normalisation (whose gradient tiles) the same gradients as the cpu backend', async () => {
    const gradients = () => {
      const x = seeded([2, 3, 5, 4], 13);
      const weights = seeded([2, 3, 5, 4], 14);
      const f = (xv: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
        const { mean, variance } = tf.moments(xv, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(xv, mean, variance, offset, scale, 1e-3), weights));
      };
      const grads = tf.grads(f)([x, seeded([4], 15).add(1), seeded([4], 16)]);
      return tf.concat(grads.map((g) => g.flatten()));
    };
    const expected = await resultOn('cpu', gradients);
    const actual = await resultOn('wasm', gradients);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });
});

describe('Sum and Mean on wasm', () => {
  it('reduce over batch and space like the cpu backend (keepDims, negative axes), and over other axes unchanged', async () => {
    const reductions = () => {
      const x = seeded([3, 6, 5, 4], 18);
      return tf.concat([
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2]),
        tf.sum(x, [2, -3, 0], true).flatten(),
        tf.mean(x, [-2, -3, -4], true).flatten(),
        tf.sum(x, [1, 2]).flatten(),
        tf.mean(x, [0, 1, 2, 3]).reshape([1]),
        tf.sum(seeded([7, 1, 1, 3], 19), [0, 1, 2]),
        tf.sum(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1], 'int32'), [0, 1, 2]).cast('float32'),
      ]);
    };
    const expected = await resultOn('cpu', reductions);
    const actual = await resultOn('wasm', reductions);
    expect(actual.shape).toEqual([4 + 4 + 4 + 4 + 12 + 1 + 3 + 1]);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
    expect(actual.values[actual.values.length - 1]).toBe(10);
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
    const left = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const [tensors, buffers] = [tf.memory().numTensors, tf.backend().numDataIds()];
      const losses = await trainLosses(backend, config, MICRO_IDENTITIES);
      return { losses, tensors: tf.memory().numTensors - tensors, buffers: tf.backend().numDataIds() - buffers };
    };
    const cpu = await left('cpu');
    const wasm = await left('wasm');
    expect(wasm.losses).toHaveLength(2);
    wasm.losses.forEach((loss, i) => expect(Math.abs(loss - cpu.losses[i])).toBeLessThan(1e-3 * Math.abs(cpu.losses[i])));
    // A trained and disposed session leaves nothing behind on either backend: no tensor, no wasm buffer.
    expect(wasm.tensors).toBe(0);
    expect(cpu.tensors).toBe(0);
    expect(wasm.buffers).toBe(cpu.buffers);
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
