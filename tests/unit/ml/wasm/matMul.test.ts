import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { swapLastTwoAxes, transposingMatMulKernel } from '../../../../src/ml/wasm/matMul.ts';
import { maxRelativeError, resultOn, seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

/** a · b with the given transposes, operands stored as the transposes say (a as K × M when transposeA, …). */
function product(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.matMul(seeded(aShape, 1), seeded(bShape, 2), transposeA, transposeB);
}

describe('BatchMatMul with a transposed operand on wasm', () => {
  it('swaps the last two axes of any rank', () => {
    expect(swapLastTwoAxes(2)).toEqual([1, 0]);
    expect(swapLastTwoAxes(3)).toEqual([0, 2, 1]);
    expect(swapLastTwoAxes(4)).toEqual([0, 1, 3, 2]);
  });

  it.each([
    // The head's cosines (features · Wᵀ) and the products' gradients, and batched and broadcast products.
    { name: 'transposeB, head cosines', a: [32, 64], b: [100, 64], transposeA: false, transposeB: true, out: [32, 100] },
    { name: 'transposeA, weight gradient', a: [32, 48], b: [32, 40], transposeA: true, transposeB: false, out: [48, 40] },
    { name: 'both transposed', a: [7, 5], b: [9, 7], transposeA: true, transposeB: true, out: [5, 9] },
    { name: 'batched, transposeB', a: [3, 4, 6], b: [3, 5, 6], transposeA: false, transposeB: true, out: [3, 4, 5] },
    { name: 'batch broadcast, transposeA', a: [1, 6, 4], b: [3, 6, 5], transposeA: true, transposeB: false, out: [3, 4, 5] },
    { name: 'untransposed (the stock kernel)', a: [4, 6], b: [6, 5], transposeA: false, transposeB: false, out: [4, 5] },
  ])('matches the cpu kernel: $name', async ({ a, b, transposeA, transposeB, out }) => {
    const expected = await resultOn('cpu', () => product(a, b, transposeA, transposeB));
    const actual = await resultOn('wasm', () => product(a, b, transposeA, transposeB));
    expect(expected.shape).toEqual(out);
    expect(actual.shape).toEqual(out);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });

  it('leaves other dtypes to the stock kernel, which refuses them as before', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const b = tf.tensor2d([1, 0, 2, 1, 1, 3], [3, 2], 'int32');
    expect(() => tf.matMul(a, b, true, false)).toThrow(/BatchMatMul for non non-float32 tensors not yet supported/);
    tf.dispose([a, b]);
  });

  it('hands the stock kernel untransposed single matrices, and batched products as they are', async () => {
    await tf.setBackend('wasm');
    const registered = tf.getKernel(tf.BatchMatMul, 'wasm')!;
    const seen: { shapes: number[][]; transposeA: boolean; transposeB: boolean }[] = [];
    const spied: tf.KernelConfig = {
      ...registered,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
        const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
        seen.push({ shapes: [a.shape, b.shape], transposeA, transposeB });
        return registered.kernelFunc(args);
      },
    };
    const wrapped = transposingMatMulKernel(spied);
    const call = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
      tf.engine().makeTensorFromTensorInfo(wrapped.kernelFunc({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA, transposeB } }) as tf.TensorInfo);
    const [a, bT, aT3, b3] = [seeded([4, 6], 1), seeded([5, 6], 2), seeded([2, 6, 4], 3), seeded([2, 6, 5], 4)];
    const single = call(a, bT, false, true);
    const batched = call(aT3, b3, true, false);
    expect(seen).toEqual([
      {
        shapes: [
          [4, 6],
          [6, 5],
        ],
        transposeA: false,
        transposeB: false,
      },
      {
        shapes: [
          [2, 6, 4],
          [2, 6, 5],
        ],
        transposeA: true,
        transposeB: false,
      },
    ]);
    expect(maxRelativeError(await single.data(), await tf.matMul(a, bT, false, true).data())).toBeLessThan(1e-6);
    expect(batched.shape).toEqual([2, 4, 5]);
    tf.dispose([a, bT, aT3, b3, single, batched]);
  });

  it('frees its transposed copies', async () => {
    await tf.setBackend('wasm');
    const a = seeded([16, 24], 3);
    const b = seeded([20, 24], 4);
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const c = tf.matMul(a, b, false, true);
      await c.data();
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      c.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([a, b]);
  });
});
