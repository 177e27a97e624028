/**
 * Sum and Mean over the batch and spatial axes of an NHWC tensor (axes [0, 1, 2], one value per
 * channel): what every batch-norm layer's statistics and gradients reduce, several times per layer
 * and step. wasm 4.22 first transposes the reduced axes innermost (its reduction kernels only reduce
 * the last axis), about 6 ns an element: Sum and Mean took 0.5 s of an 11.8 s ResNet50 step at 112 px,
 * batch 8, 0.08 s with this. Here XNNPACK's average pooling over the whole H×W window reads each element once, and
 * the N per-image means that are left go to the stock kernel: 1.0 ms against 10 ms for
 * [16, 28, 28, 256] (Node 20). The sums are rounded differently (relative differences of a few 1e-6).
 */
import * as tf from '@tensorflow/tfjs';
import { withScratch } from './scratch.ts';

/** Whether `axis` names exactly the axes 0, 1 and 2 of a rank-4 tensor. */
export function isBatchSpatialAxes(axis: number | number[], rank: number): boolean {
  if (rank !== 4) return false;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  return axes.length === 3 && [0, 1, 2].every((a) => axes.includes(a));
}

/**
 * Wraps the backend's Sum or Mean kernel (`stock.kernelName`): float32 rank-4 reductions over axes
 * [0, 1, 2] pool over H×W first; anything else goes to the stock kernel.
 */
export function batchSpatialReduceKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const { backendName, kernelName } = stock;
  const isSum = kernelName === tf.Sum;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      if (x.dtype !== 'float32' || !isBatchSpatialAxes(axis, x.shape.length) || x.shape[1] * x.shape[2] === 1 || tf.util.sizeFromShape(x.shape) === 0) {
        return stock.kernelFunc(args);
      }
      const [batch, height, width, channels] = x.shape;
      return withScratch(args.backend as tf.KernelBackend, backendName, (run) => {
        const pooled = run(tf.AvgPool, { x }, { filterSize: [height, width], strides: [1, 1], pad: 'valid' });
        const perImage = run(tf.Reshape, { x: pooled }, { shape: [batch, channels] });
        // The mean of the per-image means is the mean; the sum of the per-image sums (H·W times the means) is the sum.
        let reduced = run(kernelName, { x: perImage }, { axis: [0], keepDims: false });
        if (isSum) reduced = run(tf.Multiply, { a: reduced, b: run(tf.Fill, {}, { shape: [], value: height * width, dtype: 'float32' }) });
        return keepDims ? run(tf.Reshape, { x: reduced }, { shape: [1, 1, 1, channels] }) : reduced;
      });
    },
  };
}
