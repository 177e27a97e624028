/**
 * MaxPoolGrad (the input gradient of 2-D max pooling) as MaxPoolWithArgmax and one ScatterNd.
 *
 * tfjs-backend-wasm 4.22's MaxPoolGrad (src/cc/kernels/MaxPoolGrad.cc) finds every window's maximum, then for every
 * input element loops over the windows that hold it; both loops walk the NHWC data one channel at a time. On ResNet50's
 * pool1 at 112 px, batch 16 ([16, 58, 58, 64] → [16, 28, 28, 64]) that is 98–107 ms. Here MaxPoolWithArgmax (the same
 * window scan) takes 38 ms and the ScatterNd that adds each dy into its window's argmax 4; with the mask that keeps the
 * stock quirk below (five passes over dy's size), 56 ms in all against the stock 107 in the same run (ResNet18's pool
 * at 64 px: 17 against 32; Node 20, one thread). In Chromium's threaded build the stock kernel took 117 ms of a 4.8 s
 * ResNet50 step, on one thread.
 *
 * The gradient is the stock kernel's bit for bit (tested): both kernels pick a window's argmax with the same scan (ties
 * go to the last maximum), and an input element receives the dy of the windows whose argmax it is, summed in window
 * order in both: ScatterNd adds its updates in order, the stock kernel sums dy·1 and dy·0 over the windows that hold the
 * element, and adding ±0 changes no sum. (For finite dy: the stock kernel's dy·0 spreads an infinite or NaN dy to
 * every element of its window, this one to the argmax and x's first element.)
 *
 * One stock quirk is kept on purpose, since the gradient must stay tfjs's: both scans start from (FLT_MIN, offset 0),
 * so a window with no element ≥ FLT_MIN (all zeros, common after ReLU) has argmax 0, x's first element. The stock
 * kernel then adds that window's dy to x's first element only if the window holds it; MaxPoolWithArgmax reports index 0
 * for every such window, so the updates of index-0 windows are zeroed unless the window holds x's first element.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelRunner, type MultiOutputKernelRunner, withScratch } from './scratch.ts';

/** The range [first, last] of output rows (or columns) whose window holds input row (column) 0; null if none. */
export function windowsHoldingFirstRow(outSize: number, stride: number, padBefore: number, effectiveFilterSize: number): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let out = 0; out < outSize; out++) {
    const corner = out * stride - padBefore;
    if (corner > 0) break;
    if (corner + effectiveFilterSize > 0) {
      if (first < 0) first = out;
      last = out;
    }
  }
  return first < 0 ? null : [first, last];
}

/**
 * The input gradient of a max pooling of `input` ([N, H, W, C], float32) whose output gradient is `dy`, from
 * registered kernels of one backend (MaxPoolWithArgmax, NotEqual, Cast, Fill, PadV2, Maximum, Multiply, Reshape,
 * ScatterNd): see the module comment.
 */
export function maxPoolInputGradient(dy: tf.TensorInfo, input: tf.TensorInfo, attrs: tf.MaxPoolGradAttrs, run: KernelRunner, runMany: MultiOutputKernelRunner): tf.TensorInfo {
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad);
  const { batchSize, inChannels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth, padInfo } = info;
  const outShape = [batchSize, outHeight, outWidth, inChannels];
  if (dy.shape.length !== 4 || dy.shape.some((size, axis) => size !== outShape[axis])) {
    throw new Error(`MaxPoolGrad: dy has shape [${dy.shape}], the pooling gives [${outShape}]`);
  }
  const [, indexes] = runMany(tf.MaxPoolWithArgmax, { x: input }, { filterSize: attrs.filterSize, strides: attrs.strides, pad: attrs.pad, includeBatchInIndex: true });
  const zeroIndex = run(tf.Fill, {}, { shape: [], value: 0, dtype: 'int32' });
  let keep = run(tf.Cast, { x: run(tf.NotEqual, { a: indexes, b: zeroIndex }) }, { dtype: 'float32' });
  const rows = windowsHoldingFirstRow(outHeight, strideHeight, padInfo.top, effectiveFilterHeight);
  const cols = windowsHoldingFirstRow(outWidth, strideWidth, padInfo.left, effectiveFilterWidth);
  if (rows && cols) {
    // The windows of image 0, channel 0 that hold x's first element keep their index-0 updates.
    const block = run(tf.Fill, {}, { shape: [1, rows[1] - rows[0] + 1, cols[1] - cols[0] + 1, 1], value: 1, dtype: 'float32' });
    const paddings = [
      [0, batchSize - 1],
      [rows[0], outHeight - 1 - rows[1]],
      [cols[0], outWidth - 1 - cols[1]],
      [0, inChannels - 1],
    ];
    keep = run(tf.Maximum, { a: keep, b: run(tf.PadV2, { x: block }, { paddings, constantValue: 0 }) });
  }
  const updates = run(tf.Reshape, { x: run(tf.Multiply, { a: dy, b: keep }) }, { shape: [dy.shape.reduce((a, b) => a * b, 1)] });
  const indices = run(tf.Reshape, { x: indexes }, { shape: [updates.shape[0], 1] });
  const inputSize = input.shape.reduce((a, b) => a * b, 1);
  const dx = run(tf.ScatterNd, { indices, updates }, { shape: [inputSize] });
  return run(tf.Reshape, { x: dx }, { shape: input.shape });
}

/**
 * Wraps the backend's stock MaxPoolGrad: float32 rank-4 inputs with 'same' or 'valid' padding and no dimRoundingMode
 * (which MaxPoolWithArgmax does not take) go through maxPoolInputGradient, anything else to the stock kernel. Numeric
 * paddings stay stock: tfjs 4.22 sizes those pools with the row stride on both axes, and wasm's MaxPool then writes past
 * its output (a 3×2 window at strides [2, 1] and padding 1 corrupted the heap here); the lab's pools are 'valid'.
 */
export function argmaxMaxPoolGradKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
      const supported =
        (attrs.pad === 'same' || attrs.pad === 'valid') && attrs.dimRoundingMode === undefined && input.shape.length === 4 && input.dtype === 'float32' && dy.dtype === 'float32';
      if (!supported || !tf.getKernel(tf.MaxPoolWithArgmax, stock.backendName) || !tf.getKernel(tf.ScatterNd, stock.backendName)) {
        return stock.kernelFunc(args);
      }
      return withScratch(args.backend as tf.KernelBackend, stock.backendName, (run, runMany) => maxPoolInputGradient(dy, input, attrs, run, runMany));
    },
  };
}
