import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { filterMatrixConvolution, filterMatrixFilterGradient, filterMatrixInputGradient, prefersFilterMatrix } from '../../../../src/ml/wasm/filterMatrix.ts';
import { withScratch } from '../../../../src/ml/wasm/scratch.ts';
import { CONV_CASES, type ConvCase, convCase, convOutShape, countKernelCalls, maxRelativeError, resultOn, seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

/** The registered kernel's input gradient of case `c` (dy and filter seeded alike on every backend). */
function inputGradient(c: ConvCase): tf.Tensor {
  const inputs = { dy: seeded(convOutShape(c), 2), filter: seeded(c.filter, 1) };
  return tf.engine().runKernel(tf.Conv2DBackpropInput, inputs, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** The registered kernel's filter gradient of case `c`. */
function filterGradient(c: ConvCase): tf.Tensor {
  const inputs = { x: seeded(c.x, 1), dy: seeded(convOutShape(c), 2) };
  return tf
    .engine()
    .runKernel(tf.Conv2DBackpropFilter, inputs, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

function info(c: ConvCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as 'same');
}

describe('convolution gradients as products with the filter matrix (few positions, large filters)', () => {
  it.each(CONV_CASES)('give the cpu kernels’ convolution, input and filter gradients: $name', async (c) => {
    const expectedDx = await resultOn('cpu', () => inputGradient(c));
    const expectedDw = await resultOn('cpu', () => filterGradient(c));
    const dx = await resultOn('wasm', () =>
      tf.engine().makeTensorFromTensorInfo(withScratch(tf.backend(), 'wasm', (run) => filterMatrixInputGradient(seeded(convOutShape(c), 2), seeded(c.filter, 1), info(c), run))),
    );
    const dw = await resultOn('wasm', () =>
      tf.engine().makeTensorFromTensorInfo(withScratch(tf.backend(), 'wasm', (run) => filterMatrixFilterGradient(seeded(c.x, 1), seeded(convOutShape(c), 2), info(c), run))),
    );
    const expectedY = await resultOn('cpu', () => tf.conv2d(seeded(c.x, 1) as tf.Tensor4D, seeded(c.filter, 2) as tf.Tensor4D, c.strides, c.pad));
    const y = await resultOn('wasm', () =>
      tf.engine().makeTensorFromTensorInfo(withScratch(tf.backend(), 'wasm', (run) => filterMatrixConvolution(seeded(c.x, 1), seeded(c.filter, 2), info(c), run))),
    );
    expect(y.shape).toEqual(expectedY.shape);
    expect(maxRelativeError(y.values, expectedY.values)).toBeLessThan(1e-5);
    expect(dx.shape).toEqual(c.x);
    expect(dw.shape).toEqual(c.filter);
    expect(maxRelativeError(dx.values, expectedDx.values)).toBeLessThan(1e-5);
    expect(maxRelativeError(dw.values, expectedDw.values)).toBeLessThan(1e-5);
  });

  it('are chosen from 2^20 weights and at most half as many positions as output channels', () => {
    // ResNet18 at 64 px, last stage (2×2 maps, batch 16); ResNet50 at 112 px on 4×4 maps.
    expect(prefersFilterMatrix([3, 3, 512, 512], 64)).toBe(true);
    expect(prefersFilterMatrix([1, 1, 2048, 512], 256)).toBe(true);
    // ResNet50's 7×7 maps: more positions; the tiny CNN's last block (batch 32): a smaller filter.
    expect(prefersFilterMatrix([3, 3, 256, 256], 784)).toBe(false);
    expect(prefersFilterMatrix([3, 3, 128, 256], 128)).toBe(false);
  });

  it('are what the registered kernels run for such a convolution (no Conv2D), and match the cpu kernels there', async () => {
    const large: ConvCase = { name: 'large filter, 2×2 map', x: [1, 4, 4, 128], filter: [3, 3, 128, 1024], strides: 2, pad: 'same' };
    expect(prefersFilterMatrix(large.filter, 4)).toBe(true);
    const expectedDx = await resultOn('cpu', () => inputGradient(large));
    const expectedDw = await resultOn('cpu', () => filterGradient(large));
    const convolutions = await countKernelCalls(tf.Conv2D, async () => {
      const dx = await resultOn('wasm', () => inputGradient(large));
      const dw = await resultOn('wasm', () => filterGradient(large));
      expect(maxRelativeError(dx.values, expectedDx.values)).toBeLessThan(1e-5);
      expect(maxRelativeError(dw.values, expectedDw.values)).toBeLessThan(1e-5);
    });
    expect(convolutions).toBe(0);
    // A small filter keeps the convolution routes (one Conv2D a stride phase of dx, one for dW).
    const small = convCase("3×3 stride 2 'same', odd size");
    const smallConvolutions = await countKernelCalls(tf.Conv2D, async () => {
      await resultOn('wasm', () => inputGradient(small));
      await resultOn('wasm', () => filterGradient(small));
    });
    expect(smallConvolutions).toBe(5);
  });

  it('run a fused convolution without bias or activation of such a filter (one product), and leave biased ones to the stock kernel', async () => {
    const x = () => seeded([2, 2, 2, 128], 1) as tf.Tensor4D;
    const filter = () => seeded([3, 3, 128, 1024], 2) as tf.Tensor4D;
    const bias = () => seeded([1024], 3) as tf.Tensor1D;
    const plain = () => tf.fused.conv2d({ x: x(), filter: filter(), strides: 1, pad: 'same' });
    const biased = () => tf.fused.conv2d({ x: x(), filter: filter(), bias: bias(), strides: 1, pad: 'same', activation: 'relu' });
    const expectedPlain = await resultOn('cpu', plain);
    const expectedBiased = await resultOn('cpu', biased);
    let actualPlain = expectedPlain;
    expect(
      await countKernelCalls(tf.BatchMatMul, async () => {
        actualPlain = await resultOn('wasm', plain);
      }),
    ).toBe(1);
    let actualBiased = expectedBiased;
    expect(
      await countKernelCalls(tf.BatchMatMul, async () => {
        actualBiased = await resultOn('wasm', biased);
      }),
    ).toBe(0);
    expect(maxRelativeError(actualPlain.values, expectedPlain.values)).toBeLessThan(1e-5);
    expect(maxRelativeError(actualBiased.values, expectedBiased.values)).toBeLessThan(1e-5);
  });
});
