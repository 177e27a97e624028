import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockedTransposePlan, collapseTranspose, TRANSPOSE_BLOCK } from '../../../../src/ml/wasm/transpose.ts';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { countKernelCalls, seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

describe('collapseTranspose', () => {
  it('merges input axes that stay adjacent and in order, and drops axes of size 1', () => {
    // The filter gradient's x' = x transposed [3, 1, 2, 0]: H and W travel together.
    expect(collapseTranspose([16, 28, 28, 64], [3, 1, 2, 0])).toEqual({ shape: [16, 784, 64], perm: [2, 1, 0] });
    // Swapping a filter's channels: the two spatial axes merge.
    expect(collapseTranspose([3, 3, 256, 128], [0, 1, 3, 2])).toEqual({ shape: [9, 256, 128], perm: [0, 2, 1] });
    expect(collapseTranspose([4, 1, 5], [2, 1, 0])).toEqual({ shape: [4, 5], perm: [1, 0] });
    expect(collapseTranspose([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
    expect(collapseTranspose([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
  });
});

describe('blockedTransposePlan', () => {
  it('carries blocks of the innermost axis first, then moves each block after its block count', () => {
    expect(blockedTransposePlan([4608, 512], [1, 0])).toEqual({ blocked: [4608, 512 / TRANSPOSE_BLOCK, TRANSPOSE_BLOCK], first: [1, 0, 2], second: [0, 2, 1] });
    // [A, B, C] → [C, A, B]
    expect(blockedTransposePlan([64, 32, 256], [2, 0, 1])).toEqual({ blocked: [64, 32, 32, 8], first: [2, 0, 1, 3], second: [0, 3, 1, 2] });
    // [A, B, C] → [A, C, B]
    expect(blockedTransposePlan([9, 512, 512], [0, 2, 1])).toEqual({ blocked: [9, 512, 64, 8], first: [0, 2, 1, 3], second: [0, 1, 3, 2] });
  });

  it('leaves small tensors, a fixed innermost axis, ragged or short blocks and rank 4 to the stock loop', () => {
    expect(blockedTransposePlan([64, 64], [1, 0])).toBeNull();
    expect(blockedTransposePlan([512, 64, 8], [1, 0, 2])).toBeNull();
    expect(blockedTransposePlan([4096, 100], [1, 0])).toBeNull();
    expect(blockedTransposePlan([65536, 8], [1, 0])).toBeNull();
    expect(blockedTransposePlan([8, 16, 32, 64], [3, 2, 1, 0])).toBeNull();
  });
});

/** The raw bits of a float32 tensor's values. */
function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}

describe('Transpose on wasm', () => {
  it.each([
    { name: 'a matrix (the filter matrix Wᵀ, an activation as rows)', shape: [512, 256], perm: [1, 0] },
    { name: "a filter's channels swapped", shape: [3, 3, 96, 128], perm: [0, 1, 3, 2] },
    { name: 'channels to the front of an activation', shape: [4, 16, 16, 64], perm: [3, 1, 2, 0] },
    { name: 'three collapsed axes rotated', shape: [32, 24, 128], perm: [2, 0, 1] },
  ])('moves $name in two passes, exactly as the stock kernel', async ({ shape, perm }) => {
    const x = seeded(shape, 11);
    let wrapped: tf.Tensor | undefined;
    const calls = await countKernelCalls(tf.Transpose, async () => {
      wrapped = tf.transpose(x, perm);
    });
    expect(calls).toBe(3);
    const stock = tf.engine().makeTensorFromTensorInfo(stockWasmKernel(tf.Transpose)!.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs: { perm } }) as tf.TensorInfo);
    expect(wrapped!.shape).toEqual(perm.map((axis) => shape[axis]));
    expect(bits(wrapped!)).toEqual(bits(stock));
    tf.dispose([x, wrapped!, stock]);
  });

  it('copies NaN and −0 as they are', () => {
    const values = new Float32Array(256 * 256).map((_, i) => (i % 3 === 0 ? NaN : i % 3 === 1 ? -0 : i));
    const x = tf.tensor2d(values, [256, 256]);
    const y = tf.transpose(x);
    const back = tf.transpose(y);
    expect(Object.is(y.dataSync()[256], -0)).toBe(true);
    expect(bits(back)).toEqual(bits(x));
    tf.dispose([x, y, back]);
  });

  it('leaves small, int32 and fixed-innermost transposes to the stock kernel in one call', async () => {
    const small = seeded([16, 32], 2);
    const ints = tf.range(0, 512 * 256, 1, 'int32').reshape([512, 256]);
    const rows = seeded([256, 64, 8], 4);
    const calls = await countKernelCalls(tf.Transpose, async () => {
      tf.dispose([tf.transpose(small), tf.transpose(ints), tf.transpose(rows, [1, 0, 2])]);
    });
    expect(calls).toBe(3);
    const secondColumn = tf.tidy(() => tf.transpose(ints).slice([1, 0], [1, 3]));
    expect(Array.from(secondColumn.dataSync())).toEqual([1, 257, 513]);
    tf.dispose([small, ints, rows, secondColumn]);
  });

  it('allocates only its output', () => {
    const x = seeded([300, 256], 1);
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      const y = tf.transpose(x);
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      y.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    x.dispose();
  });
});
