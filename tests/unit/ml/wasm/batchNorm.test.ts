import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm, MAX_FOLDED_MEAN_RATIO } from '../../../../src/ml/wasm/batchNorm.ts';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { seeded, startWasm, values } from './helpers.ts';

beforeAll(startWasm);

/** Batch-norm inputs over `channels` channels: μ near the data, σ² in [0.5, 1.5), γ near 1, β near 0. */
function parameters(channels: number, seed: number) {
  return {
    mean: tf.tensor1d(values(channels, seed)),
    variance: tf.tensor1d(values(channels, seed + 1).map((v) => v + 1)),
    offset: tf.tensor1d(values(channels, seed + 2)),
    scale: tf.tensor1d(values(channels, seed + 3).map((v) => v + 1)),
  };
}

type BatchNormInputs = { x: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; offset?: tf.Tensor; scale?: tf.Tensor };

/** The registered (wrapped) FusedBatchNorm and the stock kernel on the same inputs. */
function bothBatchNorms(inputs: BatchNormInputs, varianceEpsilon: number): { wrapped: Float32Array; stock: Float32Array } {
  const attrs = { varianceEpsilon };
  const wrapped = tf.engine().runKernel(tf.FusedBatchNorm, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
  const stockInfo = stockWasmKernel(tf.FusedBatchNorm)!.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorMap, backend: tf.backend(), attrs });
  const stock = tf.engine().makeTensorFromTensorInfo(stockInfo as tf.TensorInfo);
  expect(wrapped.shape).toEqual(inputs.x.shape);
  const result = { wrapped: wrapped.dataSync() as Float32Array, stock: stock.dataSync() as Float32Array };
  tf.dispose([wrapped, stock]);
  return result;
}

/** x·a + b in float32 arithmetic (one rounding after the product, one after the sum), per channel. */
function multiplyAdd(x: Float32Array, scale: Float32Array, shift: Float32Array): Float32Array {
  return x.map((v, i) => Math.fround(Math.fround(v * scale[i % scale.length]) + shift[i % shift.length]));
}

describe('foldBatchNorm', () => {
  it('folds γ/√(σ² + ε) and β − μ·a per channel, a single value applying to every channel', () => {
    const folded = foldBatchNorm(3, { mean: [1, -2, 0.5], variance: [3], offset: [0.25], scale: [2, 1, -1], epsilon: 1 })!;
    // √(3 + 1) = 2 for every channel.
    expect(Array.from(folded.scale)).toEqual([1, 0.5, -0.5]);
    expect(Array.from(folded.shift)).toEqual([0.25 - 1, 0.25 + 1, 0.25 + 0.25]);
  });

  it('reads an absent γ as 1 and an absent β as 0', () => {
    const folded = foldBatchNorm(2, { mean: [2, 4], variance: [0, 3], epsilon: 1 })!;
    expect(Array.from(folded.scale)).toEqual([1, 0.5]);
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
  ])('normalises $name as x·a + b with the folded a and b, within float rounding of the stock kernel', ({ shape }) => {
    const channels = shape[shape.length - 1];
    const x = seeded(shape, 7).mul(4);
    const p = parameters(channels, 20);
    const epsilon = 1e-3;
    const { wrapped, stock } = bothBatchNorms({ x, ...p }, epsilon);
    const [mean, variance, offset, scale] = [p.mean, p.variance, p.offset, p.scale].map((t) => t.dataSync());
    const folded = foldBatchNorm(channels, { mean, variance, offset, scale, epsilon })!;
    expect(wrapped).toEqual(multiplyAdd(x.dataSync() as Float32Array, folded.scale, folded.shift));
    const largest = stock.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    const error = wrapped.reduce((max, v, i) => Math.max(max, Math.abs(v - stock[i])), 0);
    expect(error).toBeLessThan(4e-7 * largest);
    tf.dispose([x, ...Object.values(p)]);
  });

  it('takes one-value parameters and absent γ and β as the stock kernel does', () => {
    const x = seeded([2, 3, 3, 4], 8);
    const [mean, variance] = [tf.tensor1d([0.1]), tf.tensor1d([0.7])];
    const { wrapped, stock } = bothBatchNorms({ x, mean, variance }, 1e-3);
    // The values as the tensors hold them (float32).
    const folded = foldBatchNorm(4, { mean: mean.dataSync(), variance: variance.dataSync(), epsilon: 1e-3 })!;
    expect(wrapped).toEqual(multiplyAdd(x.dataSync() as Float32Array, folded.scale, folded.shift));
    for (let i = 0; i < stock.length; i++) expect(wrapped[i]).toBeCloseTo(stock[i], 6);
    tf.dispose([x, mean, variance]);
  });

  it('leaves a mean far out in standard deviations to the stock kernel, which subtracts it first (bit for bit)', () => {
    // Values near 1000 with a spread of 0.1: folded, x·a and μ·a would each round at 2⁻²⁴·10⁴ of the output's unit.
    const x = seeded([2, 4, 4, 3], 9).mul(0.2).add(1000);
    const [mean, variance] = [tf.tensor1d([1000, 1000, 1000]), tf.tensor1d([0.01, 0.01, 0.01])];
    const { wrapped, stock } = bothBatchNorms({ x, mean, variance }, 0);
    expect(wrapped).toEqual(stock);
    // What the fold would have given: off by up to half a float step at 10⁴ (2⁻¹¹), where the outputs are about 1.
    const deviation = Math.fround(Math.sqrt(Math.fround(0.01)));
    const scale = new Float32Array([1 / deviation]);
    const folded = multiplyAdd(x.dataSync() as Float32Array, scale, new Float32Array([-Math.fround(1000) / deviation]));
    expect(folded.reduce((max, v, i) => Math.max(max, Math.abs(v - stock[i])), 0)).toBeGreaterThan(1e-4);
    tf.dispose([x, mean, variance]);
  });

  it('leaves parameters that are neither one value nor one per channel to the stock kernel', () => {
    const x = seeded([2, 2, 2, 4], 10);
    // Eight values for four channels: the stock kernel cycles through them element by element.
    const [mean, variance] = [seeded([8], 11), seeded([8], 12).add(1)];
    const { wrapped, stock } = bothBatchNorms({ x, mean, variance }, 1e-3);
    expect(wrapped).toEqual(stock);
    tf.dispose([x, mean, variance]);
  });

  it('frees its folded constants and views', () => {
    const x = seeded([2, 4, 4, 3], 13);
    const p = parameters(3, 30);
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const y = tf.batchNorm(x, p.mean, p.variance, p.offset, p.scale, 1e-3);
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      y.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([x, ...Object.values(p)]);
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
