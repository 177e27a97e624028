import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { axisPhases } from '../../../../src/ml/wasm/inputGradient.ts';
import { CONV_CASES, type ConvCase, convCase, convOutShape, maxRelativeError, resultOn, seeded, startWasm } from './helpers.ts';

function inputGradient(c: ConvCase, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): tf.Tensor {
  const dyShape = convOutShape(c);
  const inputShape = dataFormat === 'NHWC' ? c.x : [c.x[0], c.x[3], c.x[1], c.x[2]];
  const dy = dataFormat === 'NHWC' ? seeded(dyShape, 2) : tf.transpose(seeded(dyShape, 2), [0, 3, 1, 2]);
  const filter = seeded(c.filter, 1);
  return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: c.strides, pad: c.pad, dataFormat, inputShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

beforeAll(startWasm);

describe('Conv2DBackpropInput on wasm', () => {
  it.each(CONV_CASES)('matches the cpu kernel: $name', async (c) => {
    const expected = await resultOn('cpu', () => inputGradient(c));
    const actual = await resultOn('wasm', () => inputGradient(c));
    expect(expected.shape).toEqual(c.x);
    expect(actual.shape).toEqual(c.x);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });

  it('leaves NCHW to the stock kernel, which matches the cpu kernel', async () => {
    const c = convCase("3×3 stride 2 'same', odd size");
    const expected = await resultOn('cpu', () => inputGradient(c, 'NCHW'));
    const actual = await resultOn('wasm', () => inputGradient(c, 'NCHW'));
    expect(actual.shape).toEqual([2, 4, 9, 9]);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });

  it('frees every intermediate buffer', async () => {
    await tf.setBackend('wasm');
    const c = convCase("7×7 stride 2 'valid' on a 3-pixel padded input (ResNet conv1 as built)");
    const dy = seeded(convOutShape(c), 2);
    const filter = seeded(c.filter, 1);
    const buffersBefore = tf.backend().numDataIds();
    const tensorsBefore = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const dx = tf
        .engine()
        .runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      await dx.data();
      expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
      dx.dispose();
    }
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose([dy, filter]);
  });

  it('gives a fused convolution (bias, ReLU) the same input and filter gradients as the cpu backend', async () => {
    const c = convCase("3×3 stride 2 'same', odd size");
    const gradients = () => {
      const x = seeded(c.x, 3) as tf.Tensor4D;
      const filter = seeded(c.filter, 4) as tf.Tensor4D;
      const bias = seeded([c.filter[3]], 5) as tf.Tensor1D;
      const weights = seeded(convOutShape(c), 6);
      const f = (xv: tf.Tensor, fv: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.conv2d({ x: xv as tf.Tensor4D, filter: fv as tf.Tensor4D, bias, strides: 2, pad: 'same', activation: 'relu' }), weights));
      const [dx, dw] = tf.grads(f)([x, filter]);
      return tf.concat([dx.flatten(), dw.flatten()]);
    };
    const expected = await resultOn('cpu', gradients);
    const actual = await resultOn('wasm', gradients);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThan(1e-5);
  });
});

describe('axisPhases', () => {
  it('splits a 3-tap stride-2 axis into a 2-tap and a 1-tap phase', () => {
    // dx[2q] = dy[q]·w[0] + dy[q−1]·w[2]; dx[2q + 1] = dy[q]·w[1] (8 input rows, 4 output rows, no top padding).
    expect(axisPhases(3, 2, 0, 8, 4)).toEqual({
      rows: 4,
      phases: [
        { taps: 2, first: 0, padBefore: 1, padAfter: 0 },
        { taps: 1, first: 1, padBefore: 0, padAfter: 0 },
      ],
    });
  });

  it('gives a 1×1 stride-2 axis one phase of zeros, and stride 1 one phase padded like the forward convolution', () => {
    expect(axisPhases(1, 2, 0, 9, 5).phases.map((p) => p.taps)).toEqual([1, 0]);
    expect(axisPhases(3, 1, 1, 7, 7)).toEqual({ rows: 7, phases: [{ taps: 3, first: 0, padBefore: 1, padAfter: 1 }] });
  });
});
