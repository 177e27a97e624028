import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

/** The bits of a float32 tensor's values. */
function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}

/** The registered (wrapped) Reverse and the stock kernel on the same input, as raw bits. */
function bothReverses(x: tf.Tensor, dims: number | number[]): { wrapped: Uint32Array; stock: Uint32Array; changed: boolean } {
  const wrapped = tf.engine().runKernel(tf.Reverse, { x }, { dims }) as tf.Tensor;
  const stock = tf.engine().makeTensorFromTensorInfo(stockWasmKernel(tf.Reverse)!.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs: { dims } }) as tf.TensorInfo);
  expect(wrapped.shape).toEqual(x.shape);
  const [wrappedBits, inputBits] = [bits(wrapped), bits(x)];
  const result = { wrapped: wrappedBits, stock: bits(stock), changed: wrappedBits.some((v, i) => v !== inputBits[i]) };
  tf.dispose([wrapped, stock]);
  return result;
}

describe('Reverse on wasm', () => {
  it.each([
    { name: 'the channels of an image batch (BGR)', shape: [2, 5, 4, 3], dims: -1 },
    { name: 'the width of an image batch (test-time flip)', shape: [2, 5, 4, 3], dims: 2 },
    { name: 'two axes at once', shape: [3, 4, 5], dims: [0, 2] },
    { name: 'an axis of size 1 beside another', shape: [4, 1, 6], dims: [2, 1] },
    { name: 'a vector', shape: [7], dims: 0 },
  ])('reverses $name exactly as the stock kernel', ({ shape, dims }) => {
    const x = seeded(shape, 5);
    const { wrapped, stock, changed } = bothReverses(x, dims);
    expect(changed).toBe(true);
    expect(wrapped).toEqual(stock);
    x.dispose();
  });

  it('reverses an axis given twice twice (no change), as the stock kernel does', () => {
    const x = seeded([4, 1, 6], 3);
    const { wrapped, stock, changed } = bothReverses(x, [2, -1, 0]);
    expect(changed).toBe(true);
    expect(wrapped).toEqual(stock);
    expect(Array.from(tf.reverse(x, [2, -1]).dataSync())).toEqual(Array.from(x.dataSync()));
    x.dispose();
  });

  it('leaves int32 tensors and axes of size 1 to the stock kernel, which reverses them as before', () => {
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    expect(Array.from(tf.reverse(ints, 1).dataSync())).toEqual([3, 2, 1, 6, 5, 4]);
    const column = seeded([3, 1], 2);
    expect(Array.from(tf.reverse(column, 1).dataSync())).toEqual(Array.from(column.dataSync()));
    tf.dispose([ints, column]);
  });

  it('frees its reshaped views and flips', () => {
    const x = seeded([2, 6, 6, 3], 9);
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const y = tf.reverse(x, [1, 3]);
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      y.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    x.dispose();
  });
});
