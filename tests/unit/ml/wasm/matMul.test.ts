import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { swapLastTwoAxes } from '../../../../src/ml/wasm/matMul.ts';
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
