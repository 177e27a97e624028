/**
 * Conv2DBackpropInput (the input gradient of a 2-D convolution) as forward convolutions.
 *
 * tfjs-backend-wasm 4.22 computes it with a plain C++ loop nest (src/cc/kernels/Conv2DBackpropInput.cc),
 * while its forward Conv2D runs XNNPACK. The input gradient of an NHWC convolution with stride s and
 * top padding p is, along each spatial axis,
 *
 *   dx[i] = Σ_{o, k : o·s + k − p = i} dy[o] · w[k]
 *
 * Split the rows of dx by phase r = i mod s (i = s·q + r): the taps that reach phase r are
 * k = c + s·m with c = (r + p) mod s, and then o = q + d − m with d = ⌊(r + p)/s⌋. So each phase is a
 * stride-1 convolution of dy (zero padded by M − 1 − d before) with the sub-filter of taps
 * c, c + s, …, spatially flipped and with its in/out channels swapped; the s_h·s_w phase results
 * interleave into dx. This does exactly the arithmetic of the convolution, and with stride 1 it is the
 * single textbook convolution of dy with the flipped filter. A 1×1 filter at stride 1 is a plain matrix
 * product, which XNNPACK's convolution already runs as one GEMM. Each phase's sub-filter is one selection
 * product (phaseFilter). Zeros inserted into dy (one stride-1 convolution with the whole flipped filter)
 * were used for small maps while sub-filters were gathered with a Slice per tap; with the selection product
 * the phases win there too (tiny CNN, 3×3/2 from 2×2 to 4×4 at batch 32: 4.0 ms against 6.2, Node 20).
 *
 * The stock kernel stays in use for what this does not cover: NCHW, and dilations other than 1
 * (tfjs's conv2d gradient refuses those itself, and the stock kernel ignores them).
 */
import * as tf from '@tensorflow/tfjs';
import { filterMatrixInputGradient, prefersFilterMatrix } from './filterMatrix.ts';
import { type KernelRunner, pair, spatialWindow, strideSpread, withScratch } from './scratch.ts';

/** How one stride phase of one spatial axis of dx is computed. */
export interface AxisPhase {
  /** Taps of the sub-filter (0: no tap reaches this phase, its rows of dx are zero). */
  taps: number;
  /** Index of the sub-filter's first tap in the flipped filter (taps at first, first + s, …). */
  first: number;
  /** Zero rows of dy before (negative: rows of dy dropped) the convolution's input. */
  padBefore: number;
  /** Zero rows of dy after it (negative: rows dropped), so that the phase has `rows` outputs. */
  padAfter: number;
}

/**
 * The phases of one spatial axis: kernel size `kernel`, stride `stride`, top (left) padding
 * `padBefore` as computeConv2DInfo gives it, `inSize` rows of x and `outSize` rows of dy. Every phase
 * has ⌈inSize/stride⌉ output rows; the last rows of some phases fall past x and are cut off.
 */
export function axisPhases(kernel: number, stride: number, padBefore: number, inSize: number, outSize: number): { rows: number; phases: AxisPhase[] } {
  const rows = Math.ceil(inSize / stride);
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const c = (r + padBefore) % stride;
    const d = Math.floor((r + padBefore) / stride);
    const taps = c < kernel ? Math.ceil((kernel - c) / stride) : 0;
    // Tap m of the phase is filter index c + s·m, i.e. flipped index K − 1 − c − s·m; in the order of
    // the convolution (m from taps − 1 down to 0) those are first, first + s, … in the flipped filter.
    phases.push({ taps, first: kernel - 1 - c - stride * (taps - 1), padBefore: taps - 1 - d, padAfter: rows - outSize + d });
  }
  return { rows, phases };
}

/**
 * The input gradient of an NHWC 2-D convolution with dilation 1, from registered kernels of one backend
 * (Reshape, Transpose, FlipLeftRight, Range, OneHot, Multiply, Cast, BatchMatMul, Slice, PadV2, Fill, Concat,
 * Conv2D): see the module comment.
 */
export function conv2dInputGradient(dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: tf.Conv2DBackpropInputAttrs, run: KernelRunner): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  if (dy.shape.length !== 4 || dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(`Conv2DBackpropInput: dy has shape [${dy.shape}], the convolution gives [${batchSize},${outHeight},${outWidth},${outChannels}]`);
  }
  if (prefersFilterMatrix(filter.shape, batchSize * outHeight * outWidth)) return filterMatrixInputGradient(dy, filter, info, run);
  // Tap matrices with in/out channels swapped: swapped[t, co, ci] = w[t, ci, co], t = kh·KW + kw.
  const tapMatrices = run(tf.Reshape, { x: filter }, { shape: [filterHeight * filterWidth, inChannels, outChannels] });
  const swapped = run(tf.Transpose, { x: tapMatrices }, { perm: [0, 2, 1] });
  // The whole filter flipped in both spatial axes: reversing the flattened KH·KW axis reverses both.
  // FlipLeftRight reverses the taps of a [1, 1, KH·KW, Cout·Cin] "image" with memory copies; wasm's Reverse
  // moves element by element (64 ms against 2.5 ms for a 3×3×512×512 filter, Node 20). Made once, when needed.
  let flipped: tf.TensorInfo | undefined;
  const wholeFlipped = (): tf.TensorInfo => {
    if (!flipped) {
      const taps = run(tf.Reshape, { x: swapped }, { shape: [1, 1, filterHeight * filterWidth, outChannels * inChannels] });
      flipped = run(tf.Reshape, { x: run(tf.FlipLeftRight, { image: taps }) }, { shape: [filterHeight, filterWidth, outChannels, inChannels] });
    }
    return flipped;
  };
  if (strideHeight === 1 && strideWidth === 1) {
    // One convolution with the whole flipped filter.
    const rowPhase = axisPhases(filterHeight, 1, padInfo.top, inHeight, outHeight).phases[0];
    const colPhase = axisPhases(filterWidth, 1, padInfo.left, inWidth, outWidth).phases[0];
    return phaseGradient(dy, wholeFlipped(), rowPhase, colPhase, run);
  }
  const vertical = axisPhases(filterHeight, strideHeight, padInfo.top, inHeight, outHeight);
  const horizontal = axisPhases(filterWidth, strideWidth, padInfo.left, inWidth, outWidth);
  const liveRows = vertical.phases.filter((phase) => phase.taps > 0);
  const liveCols = horizontal.phases.filter((phase) => phase.taps > 0);
  if (liveRows.length === 1 && liveCols.length === 1) {
    // One phase per axis has taps (a 1×1 filter at a stride; then every tap is in it), the others are zeros: the
    // phase spread by one PadV2 (strideSpread), where filling the zero phases and concatenating all of them took 2.5×
    // as long (ResNet50's 1×1/2 projections at 112 px).
    const rowPhase = vertical.phases.indexOf(liveRows[0]);
    const colPhase = horizontal.phases.indexOf(liveCols[0]);
    const phase = phaseGradient(dy, wholeFlipped(), liveRows[0], liveCols[0], run);
    return spatialWindow(strideSpread(phase, [strideHeight, strideWidth], [rowPhase, colPhase], run), 0, 0, inHeight, inWidth, run);
  }
  const phaseShape = [batchSize, vertical.rows, horizontal.rows, inChannels];
  const rowsOfPhases = vertical.phases.map((rowPhase) => {
    const phases = horizontal.phases.map((colPhase) => {
      if (rowPhase.taps === 0 || colPhase.taps === 0) return run(tf.Fill, {}, { shape: phaseShape, value: 0, dtype: 'float32' });
      // A phase with every tap (a 1×1 filter at a stride) takes the whole flipped filter, no selection.
      const wholeFilter = rowPhase.taps === filterHeight && colPhase.taps === filterWidth;
      const subFilter = wholeFilter ? wholeFlipped() : phaseFilter(swapped, [filterHeight, filterWidth], rowPhase, colPhase, [strideHeight, strideWidth], run);
      return phaseGradient(dy, subFilter, rowPhase, colPhase, run);
    });
    if (phases.length === 1) return phases[0];
    // Concatenating the column phases along channels and reading [Qw, sw·C] as [Qw·sw, C] interleaves them.
    const joined = run(tf.Concat, phases, { axis: 3 });
    return run(tf.Reshape, { x: joined }, { shape: [batchSize, vertical.rows, horizontal.rows * strideWidth, inChannels] });
  });
  let dx = rowsOfPhases[0];
  if (rowsOfPhases.length > 1) {
    // Likewise the row phases along the (interleaved) columns: [Qh, sh·W'] read as [Qh·sh, W'].
    const joined = run(tf.Concat, rowsOfPhases, { axis: 2 });
    dx = run(tf.Reshape, { x: joined }, { shape: [batchSize, vertical.rows * strideHeight, horizontal.rows * strideWidth, inChannels] });
  }
  return dx.shape[1] === inHeight && dx.shape[2] === inWidth ? dx : run(tf.Slice, { x: dx }, { begin: [0, 0, 0, 0], size: [batchSize, inHeight, inWidth, inChannels] });
}

/**
 * The sub-filter of one stride phase, flipped and with in/out channels swapped: [rowTaps, colTaps, Cout, Cin], tap
 * (i, j) the flipped filter's (first_h + s_h·i, first_w + s_w·j), i.e. w's (KH − 1 − first_h − s_h·i, …).
 * It is one matrix product of a 0/1 selection matrix [rowTaps·colTaps, KH·KW] (one 1 a row, so every finite
 * weight is copied exactly) with the tap matrices. Per-tap Slices copied the whole filter once a tap (wasm's Slice
 * reads its whole input: 7.4 ms a tap for 3×3×512×512, so about 67 ms for the nine), StridedSlice and Gather move element
 * by element (about 40 ns an element); the four selection products of that filter take 12 ms (Node 20).
 */
function phaseFilter(
  swapped: tf.TensorInfo,
  [filterHeight, filterWidth]: [number, number],
  rowPhase: AxisPhase,
  colPhase: AxisPhase,
  [strideHeight, strideWidth]: [number, number],
  run: KernelRunner,
): tf.TensorInfo {
  const [, outChannels, inChannels] = swapped.shape;
  const axisSelection = (phase: AxisPhase, kernel: number, stride: number, shape: number[]) => {
    const start = kernel - 1 - phase.first;
    const taps = run(tf.Range, {}, { start, stop: start - stride * phase.taps, step: -stride, dtype: 'int32' });
    // int32: wasm's OneHot writes integers whatever dtype it is given (a float32 output reads as denormal zeros).
    const oneHot = run(tf.OneHot, { indices: taps }, { depth: kernel, onValue: 1, offValue: 0, dtype: 'int32' });
    return run(tf.Reshape, { x: oneHot }, { shape });
  };
  const rows = axisSelection(rowPhase, filterHeight, strideHeight, [rowPhase.taps, 1, filterHeight, 1]);
  const cols = axisSelection(colPhase, filterWidth, strideWidth, [1, colPhase.taps, 1, filterWidth]);
  const selection = run(
    tf.Reshape,
    { x: run(tf.Cast, { x: run(tf.Multiply, { a: rows, b: cols }) }, { dtype: 'float32' }) },
    { shape: [1, rowPhase.taps * colPhase.taps, filterHeight * filterWidth] },
  );
  const tapRows = run(tf.Reshape, { x: swapped }, { shape: [1, filterHeight * filterWidth, outChannels * inChannels] });
  const selected = run(tf.BatchMatMul, { a: selection, b: tapRows }, { transposeA: false, transposeB: false });
  return run(tf.Reshape, { x: selected }, { shape: [rowPhase.taps, colPhase.taps, outChannels, inChannels] });
}

/** One (row phase, column phase) block of dx: a stride-1 convolution of dy with a sub-filter. */
function phaseGradient(dy: tf.TensorInfo, subFilter: tf.TensorInfo, rowPhase: AxisPhase, colPhase: AxisPhase, run: KernelRunner): tf.TensorInfo {
  // Negative padding (explicit paddings wider than the kernel) drops rows of dy instead: XNNPACK
  // pads only with zeros.
  let input = dy;
  const [, outHeight, outWidth] = dy.shape;
  const dropTop = Math.max(0, -rowPhase.padBefore);
  const dropLeft = Math.max(0, -colPhase.padBefore);
  const dropBottom = Math.max(0, -rowPhase.padAfter);
  const dropRight = Math.max(0, -colPhase.padAfter);
  if (dropTop || dropLeft || dropBottom || dropRight) {
    input = spatialWindow(dy, dropTop, dropLeft, Math.max(0, outHeight - dropTop - dropBottom), Math.max(0, outWidth - dropLeft - dropRight), run);
  }
  const paddings = [
    [0, 0],
    [Math.max(0, rowPhase.padBefore), Math.max(0, rowPhase.padAfter)],
    [Math.max(0, colPhase.padBefore), Math.max(0, colPhase.padAfter)],
    [0, 0],
  ];
  return run(tf.Conv2D, { x: input, filter: subFilter }, { strides: [1, 1], pad: paddings, dataFormat: 'NHWC', dilations: [1, 1] });
}

/**
 * Wraps the backend's stock Conv2DBackpropInput: NHWC with dilation 1 goes through conv2dInputGradient,
 * anything else to the stock kernel.
 */
export function conv2dBackpropInputKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };
      const [dilationH, dilationW] = pair(attrs.dilations, 1);
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      if ((attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') || dilationH !== 1 || dilationW !== 1 || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
        return stock.kernelFunc(args);
      }
      return withScratch(args.backend as tf.KernelBackend, stock.backendName, (run) => conv2dInputGradient(dy, filter, attrs, run));
    },
  };
}
