import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormGradients } from '../../../../src/ml/models/batchNorm.ts';
import { foldBatchNorm, MAX_FOLDED_MEAN_RATIO } from '../../../../src/ml/wasm/batchNorm.ts';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { countKernelCalls, maxRelativeError, resultOn, seeded, startWasm, values } from './helpers.ts';

beforeAll(startWasm);

type BatchNormInputs = { x: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; offset?: tf.Tensor; scale?: tf.Tensor };

/** Batch-norm parameters over `channels` channels: μ near the data, σ² in [0.5, 1.5), γ near 1, β near 0. */
function parameters(channels: number, seed: number): Omit<BatchNormInputs, 'x'> {
  return {
    mean: tf.tensor1d(values(channels, seed)),
    variance: tf.tensor1d(values(channels, seed + 1).map((v) => v + 1)),
    offset: tf.tensor1d(values(channels, seed + 2)),
    scale: tf.tensor1d(values(channels, seed + 3).map((v) => v + 1)),
  };
}

/**
 * The registered (wrapped) FusedBatchNorm and the stock kernel on the same inputs, and how many Multiplys the wrapped
 * kernel ran (1 on the fast path, 0 where it handed the call to the stock kernel).
 */
async function bothBatchNorms(inputs: BatchNormInputs, varianceEpsilon: number): Promise<{ wrapped: Float32Array; stock: Float32Array; multiplies: number }> {
  const attrs = { varianceEpsilon };
  let wrapped: Float32Array = new Float32Array(0);
  const multiplies = await countKernelCalls(tf.Multiply, async () => {
    const out = tf.engine().runKernel(tf.FusedBatchNorm, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
    expect(out.shape).toEqual(inputs.x.shape);
    wrapped = out.dataSync() as Float32Array;
    out.dispose();
  });
  const stockInfo = stockWasmKernel(tf.FusedBatchNorm)!.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorMap, backend: tf.backend(), attrs });
  const stock = tf.engine().makeTensorFromTensorInfo(stockInfo as tf.TensorInfo);
  const result = { wrapped, stock: stock.dataSync() as Float32Array, multiplies };
  stock.dispose();
  return result;
}

/** x·a + b in float32 arithmetic (one rounding after the product, one after the sum), per channel. */
function multiplyAdd(x: Float32Array, multiplier: Float32Array, shift: Float32Array): Float32Array {
  return x.map((v, i) => Math.fround(Math.fround(v * multiplier[i % multiplier.length]) + shift[i % shift.length]));
}

/** foldBatchNorm of the parameters as the tensors hold them (float32). */
function foldTensors(channels: number, p: Omit<BatchNormInputs, 'x'>, epsilon: number) {
  const read = (t: tf.Tensor | undefined) => (t === undefined ? undefined : t.dataSync());
  return foldBatchNorm(channels, { mean: p.mean.dataSync(), variance: p.variance.dataSync(), offset: read(p.offset), scale: read(p.scale), epsilon });
}

describe('foldBatchNorm', () => {
  it('folds γ/√(σ² + ε) and β − μ·a per channel, a single value applying to every channel', () => {
    const folded = foldBatchNorm(3, { mean: [1, -2, 0.5], variance: [3], offset: [0.25], scale: [2, 1, -1], epsilon: 1 })!;
    // √(3 + 1) = 2 for every channel.
    expect(Array.from(folded.multiplier)).toEqual([1, 0.5, -0.5]);
    expect(Array.from(folded.shift)).toEqual([0.25 - 1, 0.25 + 1, 0.25 + 0.25]);
  });

  it('reads an absent γ as 1 and an absent β as 0', () => {
    const folded = foldBatchNorm(2, { mean: [2, 4], variance: [0, 3], epsilon: 1 })!;
    expect(Array.from(folded.multiplier)).toEqual([1, 0.5]);
    expect(Array.from(folded.shift)).toEqual([-2, -2]);
  });

  it('refuses a mean further out than MAX_FOLDED_MEAN_RATIO deviations, a zero deviation and NaN', () => {
    const epsilon = 0;
    expect(foldBatchNorm(1, { mean: [MAX_FOLDED_MEAN_RATIO], variance: [1], epsilon })).not.toBeNull();
    expect(foldBatchNorm(1, { mean: [-MAX_FOLDED_MEAN_RATIO * 1.01], variance: [1], epsilon })).toBeNull();
    expect(foldBatchNorm(2, { mean: [0, 0], variance: [1, 0], epsilon })).toBeNull();
    expect(foldBatchNorm(1, { mean: [NaN], variance: [1], epsilon })).toBeNull();
    expect(foldBatchNorm(1, { mean: [0], variance: [NaN], epsilon })).toBeNull();
  });
});

describe('FusedBatchNorm on wasm', () => {
  it.each([
    { name: 'a feature map', shape: [2, 5, 4, 6] },
    { name: 'embeddings', shape: [16, 8] },
    { name: 'one channel', shape: [3, 4, 1] },
  ])('normalises $name as x·a + b with the folded a and b, within float rounding of the stock kernel', async ({ shape }) => {
    const channels = shape[shape.length - 1];
    const x = tf.tidy(() => seeded(shape, 7).mul(4));
    const p = parameters(channels, 20);
    const epsilon = 1e-3;
    const { wrapped, stock, multiplies } = await bothBatchNorms({ x, ...p }, epsilon);
    expect(multiplies).toBe(1);
    const folded = foldTensors(channels, p, epsilon)!;
    expect(wrapped).toEqual(multiplyAdd(x.dataSync() as Float32Array, folded.multiplier, folded.shift));
    expect(maxRelativeError(wrapped, stock)).toBeLessThan(4e-7);
    tf.dispose([x, ...Object.values(p)]);
  });

  it('takes one-value parameters and absent γ and β as the stock kernel does', async () => {
    const x = seeded([2, 3, 3, 4], 8);
    const p = { mean: tf.tensor1d([0.1]), variance: tf.tensor1d([0.7]) };
    const { wrapped, stock, multiplies } = await bothBatchNorms({ x, ...p }, 1e-3);
    expect(multiplies).toBe(1);
    const folded = foldTensors(4, p, 1e-3)!;
    expect(wrapped).toEqual(multiplyAdd(x.dataSync() as Float32Array, folded.multiplier, folded.shift));
    expect(maxRelativeError(wrapped, stock)).toBeLessThan(4e-7);
    tf.dispose([x, p.mean, p.variance]);
  });

  it('keeps NaN and infinities where the stock kernel does', async () => {
    const x = tf.tensor2d([NaN, 1, Infinity, -Infinity, 0.5, NaN], [3, 2]);
    const p = { mean: tf.tensor1d([0.1, -0.2]), variance: tf.tensor1d([0.5, 2]), scale: tf.tensor1d([1.5, -0.5]) };
    const { wrapped, stock, multiplies } = await bothBatchNorms({ x, ...p }, 1e-3);
    expect(multiplies).toBe(1);
    expect(Array.from(wrapped.slice(0, 4))).toEqual([NaN, expect.any(Number), Infinity, Infinity]);
    expect(wrapped.map((v, i) => (Number.isFinite(stock[i]) ? 0 : v))).toEqual(stock.map((v) => (Number.isFinite(v) ? 0 : v)));
    tf.dispose([x, ...Object.values(p)]);
  });

  it('leaves a mean far out in standard deviations to the stock kernel, which subtracts it first (bit for bit)', async () => {
    // Values near 1000 with a spread of 0.1: folded, x·a and μ·a would each round at 2⁻²⁴·10⁴ of the output's unit.
    const x = tf.tidy(() => seeded([2, 4, 4, 3], 9).mul(0.2).add(1000));
    const p = { mean: tf.tensor1d([1000, 1000, 1000]), variance: tf.tensor1d([0.01, 0.01, 0.01]) };
    const { wrapped, stock, multiplies } = await bothBatchNorms({ x, ...p }, 0);
    expect(multiplies).toBe(0);
    expect(wrapped).toEqual(stock);
    tf.dispose([x, p.mean, p.variance]);
  });

  it('leaves parameters that are neither one value nor one per channel to the stock kernel', async () => {
    const x = seeded([2, 2, 2, 4], 10);
    // Eight values for four channels: the stock kernel cycles through them element by element.
    const mean = seeded([8], 11);
    const variance = tf.tidy(() => seeded([8], 12).add(1));
    const { wrapped, stock, multiplies } = await bothBatchNorms({ x, mean, variance }, 1e-3);
    expect(multiplies).toBe(0);
    expect(wrapped).toEqual(stock);
    tf.dispose([x, mean, variance]);
  });

  it('frees its folded constants and its product', () => {
    const x = seeded([2, 4, 4, 3], 13);
    const p = parameters(3, 30);
    const folded = foldTensors(3, p, 1e-3)!;
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const y = tf.batchNorm(x, p.mean, p.variance, p.offset, p.scale, 1e-3);
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      expect(y.dataSync()).toEqual(multiplyAdd(x.dataSync() as Float32Array, folded.multiplier, folded.shift));
      y.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([x, ...Object.values(p)]);
  });

  it('gives the lab’s batch-norm gradient (dx through this kernel) the cpu backend’s values', async () => {
    const gradients = () => {
      const x = seeded([2, 3, 5, 4], 40);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const gamma = tf.add(seeded([4], 41), 1);
      const [dx, dGamma, dBeta] = batchNormGradients(seeded(x.shape, 42), tf.sub(x, mean), variance, gamma, 1e-3);
      return tf.concat([dx.flatten(), dGamma, dBeta]);
    };
    const expected = await resultOn('cpu', gradients);
    const counted: { values: Float32Array }[] = [];
    expect(await countKernelCalls(tf.FusedBatchNorm, async () => void counted.push(await resultOn('wasm', gradients)))).toBe(1);
    expect(maxRelativeError(counted[0].values, expected.values)).toBeLessThan(1e-5);
  });
});

describe('Cast on wasm', () => {
  it('shares the data of a cast to the same dtype, and the copy outlives its original', () => {
    const x = seeded([3, 4], 14);
    const expected = Array.from(x.dataSync());
    const buffersBefore = tf.backend().numDataIds();
    const y = tf.cast(x, 'float32');
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(expected);
    y.dispose();
    expect(tf.backend().numDataIds()).toBe(buffersBefore - 1);
  });

  it('converts between dtypes with the stock kernel, into data of their own', () => {
    const floats = tf.tensor1d([1.75, -2.5, 0, 3]);
    const buffersBefore = tf.backend().numDataIds();
    const ints = tf.cast(floats, 'int32');
    const back = tf.cast(ints, 'float32');
    expect(tf.backend().numDataIds()).toBe(buffersBefore + 2);
    expect([ints.dtype, back.dtype]).toEqual(['int32', 'float32']);
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 0, 3]);
    expect(Array.from(back.dataSync())).toEqual([1, -2, 0, 3]);
    tf.dispose([floats, ints, back]);
  });
});
