import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sliceRuns } from '../../../../src/ml/wasm/slice.ts';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { countKernelCalls, seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

describe('sliceRuns', () => {
  it('merges the whole trailing axes with the innermost cut axis into one run per outer index', () => {
    // Rows 1–2 of a [2, 3, 4]: the last axis is whole, so each batch entry is one run of 2 · 4 values.
    expect(sliceRuns([2, 3, 4], [0, 1, 0], [2, 2, 4])).toEqual({ runLength: 8, starts: [4, 16] });
    // A crop on both spatial axes of an NHWC batch (ZeroPadding2D's gradient): one run per kept row.
    const crop = sliceRuns([2, 5, 5, 3], [0, 1, 1, 0], [2, 3, 3, 3]);
    expect(crop.runLength).toBe(9);
    expect(crop.starts).toEqual([18, 33, 48, 93, 108, 123]);
  });

  it('cuts the innermost axis into runs of its kept length', () => {
    expect(sliceRuns([2, 3, 4], [1, 0, 1], [1, 3, 2])).toEqual({ runLength: 2, starts: [13, 17, 21] });
  });

  it('copies a slice that is contiguous in one run, and an empty slice in none', () => {
    expect(sliceRuns([4, 3, 2], [1, 0, 0], [2, 3, 2])).toEqual({ runLength: 12, starts: [6] });
    expect(sliceRuns([4, 3, 2], [0, 0, 0], [4, 3, 2])).toEqual({ runLength: 24, starts: [0] });
    expect(sliceRuns([4, 3, 2], [1, 0, 0], [0, 3, 2]).starts).toEqual([]);
    expect(sliceRuns([], [], [])).toEqual({ runLength: 1, starts: [0] });
  });

  it('visits the outer axes in row-major order, each from its begin', () => {
    const { runLength, starts } = sliceRuns([3, 4, 5, 6], [1, 2, 1, 2], [2, 2, 3, 3]);
    expect(runLength).toBe(3);
    const expected: number[] = [];
    for (let a = 1; a < 3; a++) for (let b = 2; b < 4; b++) for (let c = 1; c < 4; c++) expected.push(((a * 4 + b) * 5 + c) * 6 + 2);
    expect(starts).toEqual(expected);
  });
});

/** The raw bytes of a tensor's values (float32 and int32 as 32-bit words, bool as bytes). */
function rawValues(t: tf.Tensor): number[] {
  const data = t.dataSync();
  return Array.from(t.dtype === 'float32' ? new Uint32Array(new Float32Array(data).buffer) : data);
}

/** The registered (wrapped) Slice and the stock kernel on the same input, as raw values. */
function bothSlices(x: tf.Tensor, begin: number[], size: number[]): { wrapped: number[]; stock: number[]; shape: number[] } {
  const wrapped = tf.engine().runKernel(tf.Slice, { x }, { begin, size }) as tf.Tensor;
  const stockInfo = stockWasmKernel(tf.Slice)!.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs: { begin, size } }) as tf.TensorInfo;
  const stock = tf.engine().makeTensorFromTensorInfo(stockInfo);
  expect(wrapped.shape).toEqual(stock.shape);
  expect(wrapped.dtype).toBe(x.dtype);
  const result = { wrapped: rawValues(wrapped), stock: rawValues(stock), shape: wrapped.shape };
  tf.dispose([wrapped, stock]);
  return result;
}

describe('Slice on wasm', () => {
  it.each([
    { name: 'a spatial crop of an NHWC batch', shape: [2, 6, 5, 3], begin: [0, 1, 1, 0], size: [2, 4, 3, 3] },
    { name: 'a channel range', shape: [2, 3, 4, 6], begin: [0, 0, 0, 2], size: [-1, -1, -1, 3] },
    { name: 'one tap row of a [P, taps, C] matrix', shape: [5, 9, 4], begin: [0, 4, 0], size: [5, 1, 4] },
    { name: 'a batch range (contiguous)', shape: [4, 3, 2, 2], begin: [1, 0, 0, 0], size: [2, 3, 2, 2] },
    { name: 'rank 5', shape: [2, 3, 2, 3, 2], begin: [1, 1, 0, 1, 0], size: [1, 2, 2, 2, 1] },
    { name: 'a vector', shape: [11], begin: [3], size: [5] },
    { name: 'an empty window', shape: [3, 4], begin: [1, 2], size: [0, 2] },
  ])('copies $name exactly as the stock kernel (float32)', ({ shape, begin, size }) => {
    const x = seeded(shape, 7);
    const { wrapped, stock } = bothSlices(x, begin, size);
    expect(wrapped).toEqual(stock);
    x.dispose();
  });

  it('copies the bits of NaN, infinities and −0, and int32 and bool tensors, as the stock kernel', () => {
    const specials = tf.tensor2d([NaN, -0, Infinity, -Infinity, 1.5, -2, 3e-39, 7], [2, 4]);
    const ints = tf.tensor3d([1, -2, 3, 2147483647, -2147483648, 6, 7, 8], [2, 2, 2], 'int32');
    const flags = tf.tensor2d([true, false, true, true, false, false], [3, 2], 'bool');
    for (const [x, begin, size] of [
      [specials, [0, 1], [2, 2]],
      [ints, [0, 1, 1], [2, 1, 1]],
      [flags, [1, 1], [2, 1]],
    ] as const) {
      const { wrapped, stock } = bothSlices(x, [...begin], [...size]);
      expect(wrapped).toEqual(stock);
      expect(wrapped.length).toBe(size.reduce((a: number, b: number) => a * b, 1));
    }
    const negativeZero = tf.slice(specials, [0, 1], [1, 1]);
    expect(Array.from(negativeZero.dataSync())).toEqual([-0]);
    tf.dispose([specials, ints, flags, negativeZero]);
  });

  it('is what the gradient of a zero padding runs (one Slice of dy)', async () => {
    const x = seeded([2, 4, 4, 3], 3);
    const calls = await countKernelCalls(tf.Slice, async () => {
      const dx = tf.grad((input: tf.Tensor) =>
        tf
          .pad(input, [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ])
          .square()
          .sum(),
      )(x);
      // d/dx Σ pad(x)² = 2x.
      const twice = x.mul(2);
      expect(Array.from(dx.dataSync())).toEqual(Array.from(twice.dataSync()));
      tf.dispose([dx, twice]);
    });
    expect(calls).toBe(1);
    x.dispose();
  });

  it('allocates only its output', () => {
    const x = seeded([2, 6, 6, 4], 1);
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const y = tf.slice(x, [0, 1, 2, 0], [2, 4, 3, 4]);
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      y.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    x.dispose();
  });
});
