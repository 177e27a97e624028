/**
 * Conv2DBackpropFilter (the filter gradient of a 2-D convolution), which tfjs-backend-wasm 4.22 lacks,
 * as one forward convolution. The filter gradient of an NHWC convolution with stride s and top/left
 * padding (p_h, p_w) is
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oy, ox} x[n, s·oy + kh − p_h, s·ox + kw − p_w, ci] · dy[n, oy, ox, co]
 *
 * Read with ci as the batch, (kh, kw) as output pixels and n as the input channels, that is a
 * stride-1 convolution of x' = x transposed to [Cin, H, W, N] with the "filter" dy' = dy transposed to
 * [OH, OW, N, Cout] at dilation s, zero padded like the forward convolution; its output
 * [Cin, KH, KW, Cout] transposed is dW. So XNNPACK runs it (the registered Conv2D), with no im2col
 * copies, and its scratch memory is x', dy' and XNNPACK's packed copy of dy', all freed on return.
 *
 * Measured against the im2col products this replaced (strided slices of x stacked, times dy; Node 20,
 * batch 16, one thread, best of 5 on a shared machine): ResNet18 at 64 px 3×3/2 9 ms against 32,
 * 1×1/2 3 against 9, 7×7/2 conv1 25 against 41, 3×3/1 within ±20 % either way; ResNet50 at 112 px
 * conv1 116 against 325, 1×1/2 55–67 against 163–199. An im2col with wider rows (x transposed first)
 * was no faster than this convolution on any ResNet shape. The old products also left XNNPACK's
 * packed copy of dy cached until dy was freed (see pointwiseFilterGradient), which ran ResNet50 at
 * 112 px, batch 16, out of wasm memory.
 */
import * as tf from '@tensorflow/tfjs';
import { filterMatrixFilterGradient, prefersFilterMatrix } from './filterMatrix.ts';
import { type KernelRunner, ownCopy, pair, spatialWindow, strideSample } from './scratch.ts';

/** The backend these kernels are registered for. */
export const WASM_BACKEND_NAME = 'wasm';

/**
 * Computes the filter gradient of an NHWC 2-D convolution with registered kernels of one backend
 * (Transpose, Slice, PadV2, Conv2D). Dilations other than 1 are refused, as tfjs refuses them in the
 * conv2d gradient itself; so is NCHW.
 */
export function conv2dFilterGradient(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] },
  run: KernelRunner,
): tf.TensorInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter on ${WASM_BACKEND_NAME}: only NHWC is supported, got ${attrs.dataFormat}`);
  }
  const [dilationH, dilationW] = pair(attrs.dilations, 1);
  if (dilationH !== 1 || dilationW !== 1) {
    throw new Error(`Conv2DBackpropFilter on ${WASM_BACKEND_NAME}: dilations must be 1, got [${dilationH}, ${dilationW}]`);
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`Conv2DBackpropFilter: x and dy must be rank 4, got [${x.shape}] and [${dy.shape}]`);
  }
  const filterShape = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const [kernelH, kernelW, , outChannels] = filterShape;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  if (dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], the convolution gives [${batchSize},${outHeight},${outWidth},${outChannels}]`);
  }
  if ((kernelH > 1 || kernelW > 1) && prefersFilterMatrix(filterShape, batchSize * outHeight * outWidth)) return filterMatrixFilterGradient(x, dy, info, run);
  if (kernelH === 1 && kernelW === 1 && padInfo.top === 0 && padInfo.left === 0) {
    // The pixels it reads, x[n, s_h·i, s_w·j, c]: the dilated convolution below would transpose all of x first and read a
    // quarter of it at stride 2 (ResNet50's projection shortcut at 112 px, 256 → 512 channels from 28×28: 73 ms against 38).
    return pointwiseFilterGradient(strideSample(x, [strideHeight, strideWidth], [outHeight, outWidth], run), dy, run);
  }
  // Rows of the padded input that some output reads: the last output's window ends at
  // s·(OH − 1) + KH − 1. Padding past it is dropped, rows of x past it are cut off (a 'valid'
  // stride that does not divide), since XNNPACK takes the output size from the padded input size.
  const spanH = strideHeight * (outHeight - 1) + kernelH;
  const spanW = strideWidth * (outWidth - 1) + kernelW;
  const rowsRead = Math.min(inHeight, spanH - padInfo.top);
  const colsRead = Math.min(inWidth, spanW - padInfo.left);
  let input = x;
  if (rowsRead < inHeight || colsRead < inWidth || padInfo.top < 0 || padInfo.left < 0) {
    input = spatialWindow(x, 0, 0, rowsRead, colsRead, run);
  }
  const xT = run(tf.Transpose, { x: input }, { perm: [3, 1, 2, 0] });
  const dyT = run(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
  const pad = [
    [0, 0],
    [padInfo.top, spanH - padInfo.top - rowsRead],
    [padInfo.left, spanW - padInfo.left - colsRead],
    [0, 0],
  ];
  const product = run(tf.Conv2D, { x: xT, filter: dyT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] });
  // [Cin, KH, KW, Cout] → [KH, KW, Cin, Cout]
  return run(tf.Transpose, { x: product }, { perm: [1, 2, 0, 3] });
}

/**
 * The filter gradient of a 1×1 convolution at stride 1 without padding (at other strides: of the pixels it reads):
 * xᵀ[Cin, P] · dy[P, Cout] for the P = N·H·W positions, one matrix product. As a convolution (above) it reads only
 * N = batch channels per tap, and took 11.7 ms against 4.6 ms as a product (ResNet50 at 112 px, batch 16, 64 → 64
 * channels).
 *
 * wasm's BatchMatMul runs XNNPACK only without transposed operands, so one operand is transposed, and
 * XNNPACK packs operand b (a copy in its own layout) and keeps that until b's data is freed. x and dy
 * live until the whole backward pass ends, so b is a copy made and freed here: that cached packing of
 * dy in every layer at once ran ResNet50 at 112 px, batch 16, out of wasm memory. Packing costs more
 * an element than transposing, so the operand with fewer channels is packed: dWᵀ = dyᵀ · x when
 * Cout > Cin (22 ms against 41 ms for 64 → 256 channels over 12 544 positions; 21 against 31 the
 * other way round, Node 20).
 */
function pointwiseFilterGradient(x: tf.TensorInfo, dy: tf.TensorInfo, run: KernelRunner): tf.TensorInfo {
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = dy.shape[3];
  const positions = batch * height * width;
  const xRows = run(tf.Reshape, { x }, { shape: [positions, inChannels] });
  const dyRows = run(tf.Reshape, { x: dy }, { shape: [positions, outChannels] });
  const packDy = outChannels <= inChannels;
  const [streamed, packed] = packDy ? [xRows, dyRows] : [dyRows, xRows];
  const streamedT = run(tf.Transpose, { x: streamed }, { perm: [1, 0] });
  const packedCopy = ownCopy(packed, run);
  const product = run(tf.BatchMatMul, { a: streamedT, b: packedCopy }, { transposeA: false, transposeB: false });
  const dw = packDy ? product : run(tf.Transpose, { x: product }, { perm: [1, 0] });
  return run(tf.Reshape, { x: dw }, { shape: [1, 1, inChannels, outChannels] });
}
