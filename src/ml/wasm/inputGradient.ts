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
 * product, which XNNPACK's convolution already runs as one GEMM. Strided gradients over few positions
 * insert zeros into dy instead, one stride-1 convolution with the whole flipped filter
 * (ZERO_INSERTION_POSITIONS_PER_TAP says when).
 *
 * The stock kernel stays in use for what this does not cover: NCHW, and dilations other than 1
 * (tfjs's conv2d gradient refuses those itself, and the stock kernel ignores them).
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelRunner, pair, spatialWindow, withScratch } from './scratch.ts';

/**
 * Strided input gradients with fewer than this many input positions (N·H·W) per filter tap go through
 * zeros inserted into dy instead of stride phases. Each phase needs its own sub-filter, gathered tap by
 * tap with Slice, and wasm's Slice copies its whole input first (about 5.5 ns per filter element and tap,
 * Node 20), while the zeros cost 3 of every 4 products at stride 2 (about 0.08 ns each: XNNPACK runs
 * about 12 GMAC/s on one thread): so phases pay off from N·H·W ≈ 5.5 / (0.75 · 0.08) ≈ 90 per tap on. Measured, 3×3 stride 2 at batch 16: 8×8 → 16×16 and
 * 4×4 → 8×8 gain from phases (7 ms and 15 ms against 70 ms and 79 ms stock), 2×2 → 4×4 with 256 → 512
 * channels loses (97 ms against 62 ms stock).
 */
export const ZERO_INSERTION_POSITIONS_PER_TAP = 90;

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
 * (Reshape, FlipLeftRight, Transpose, Slice, PadV2, Fill, Concat, Conv2D): see the module comment.
 * Strided cases with fewer than `zeroInsertionPositionsPerTap` input positions per filter tap insert
 * zeros into dy instead of splitting into phases (ZERO_INSERTION_POSITIONS_PER_TAP says why).
 */
export function conv2dInputGradient(
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.Conv2DBackpropInputAttrs,
  run: KernelRunner,
  zeroInsertionPositionsPerTap = ZERO_INSERTION_POSITIONS_PER_TAP,
): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  if (dy.shape.length !== 4 || dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(`Conv2DBackpropInput: dy has shape [${dy.shape}], the convolution gives [${batchSize},${outHeight},${outWidth},${outChannels}]`);
  }
  // Flipped in both spatial axes (reversing the flattened KH·KW axis reverses both) and with in/out
  // channels swapped: flipped[a, b, co, ci] = w[KH − 1 − a, KW − 1 − b, ci, co].
  // FlipLeftRight reverses the taps of a [1, 1, KH·KW, Cin·Cout] "image" with memory copies; wasm's Reverse
  // moves element by element (64 ms against 2.5 ms for a 3×3×512×512 filter, Node 20).
  const taps = run(tf.Reshape, { x: filter }, { shape: [1, 1, filterHeight * filterWidth, inChannels * outChannels] });
  const reversed = run(tf.FlipLeftRight, { image: taps });
  const tapMatrices = run(tf.Reshape, { x: reversed }, { shape: [filterHeight * filterWidth, inChannels, outChannels] });
  const swapped = run(tf.Transpose, { x: tapMatrices }, { perm: [0, 2, 1] });
  const flipped = run(tf.Reshape, { x: swapped }, { shape: [filterHeight, filterWidth, outChannels, inChannels] });

  if ((strideHeight > 1 || strideWidth > 1) && filterHeight * filterWidth > 1 && batchSize * inHeight * inWidth < zeroInsertionPositionsPerTap * filterHeight * filterWidth) {
    // dy with s − 1 zeros after every row and column is a stride-1 problem for the whole flipped filter.
    const spread = insertZeros(dy, strideHeight, strideWidth, run);
    const rowPhase = { taps: filterHeight, first: 0, padBefore: filterHeight - 1 - padInfo.top, padAfter: inHeight + padInfo.top - outHeight * strideHeight };
    const colPhase = { taps: filterWidth, first: 0, padBefore: filterWidth - 1 - padInfo.left, padAfter: inWidth + padInfo.left - outWidth * strideWidth };
    return phaseGradient(spread, flipped, rowPhase, colPhase, [1, 1], [batchSize, inHeight, inWidth, inChannels], run);
  }
  const vertical = axisPhases(filterHeight, strideHeight, padInfo.top, inHeight, outHeight);
  const horizontal = axisPhases(filterWidth, strideWidth, padInfo.left, inWidth, outWidth);
  const phaseShape = [batchSize, vertical.rows, horizontal.rows, inChannels];
  const rowsOfPhases = vertical.phases.map((rowPhase) => {
    const phases = horizontal.phases.map((colPhase) => phaseGradient(dy, flipped, rowPhase, colPhase, [strideHeight, strideWidth], phaseShape, run));
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

/** dy [N, OH, OW, C] → [N, OH·sh, OW·sw, C] with dy at rows and columns that are multiples of the strides, zeros elsewhere. */
function insertZeros(dy: tf.TensorInfo, strideHeight: number, strideWidth: number, run: KernelRunner): tf.TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape;
  // Two rank-4 pads (a rank-6 one takes wasm's generic, element-by-element path).
  const rows = run(tf.Reshape, { x: dy }, { shape: [batch * outHeight, 1, outWidth, channels] });
  const rowsSpread = run(
    tf.PadV2,
    { x: rows },
    {
      paddings: [
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const cols = run(tf.Reshape, { x: rowsSpread }, { shape: [batch * outHeight * strideHeight, outWidth, 1, channels] });
  const colsSpread = run(
    tf.PadV2,
    { x: cols },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return run(tf.Reshape, { x: colsSpread }, { shape: [batch, outHeight * strideHeight, outWidth * strideWidth, channels] });
}

/** One (row phase, column phase) block of dx: a stride-1 convolution of dy with a sub-filter. */
function phaseGradient(
  dy: tf.TensorInfo,
  flipped: tf.TensorInfo,
  rowPhase: AxisPhase,
  colPhase: AxisPhase,
  [strideHeight, strideWidth]: [number, number],
  phaseShape: number[],
  run: KernelRunner,
): tf.TensorInfo {
  if (rowPhase.taps === 0 || colPhase.taps === 0) return run(tf.Fill, {}, { shape: phaseShape, value: 0, dtype: 'float32' });
  const [filterHeight, filterWidth, outChannels, inChannels] = flipped.shape;
  let subFilter = flipped;
  if (rowPhase.taps !== filterHeight || colPhase.taps !== filterWidth) {
    // The sub-filter's taps, each a contiguous [Cout·Cin] block, sliced and stacked. wasm's StridedSlice
    // moves element by element (222 ms for the 2×2 taps of one phase of a 3×3×256×512 filter, Node 20);
    // Slice copies its whole input once per tap (about 6 ms each for that filter), which
    // ZERO_INSERTION_POSITIONS_PER_TAP weighs against the zeros.
    const tapRows = run(tf.Reshape, { x: flipped }, { shape: [filterHeight * filterWidth, outChannels * inChannels] });
    const pieces: tf.TensorInfo[] = [];
    for (let i = 0; i < rowPhase.taps; i++) {
      for (let j = 0; j < colPhase.taps; j++) {
        const tap = (rowPhase.first + strideHeight * i) * filterWidth + colPhase.first + strideWidth * j;
        pieces.push(run(tf.Slice, { x: tapRows }, { begin: [tap, 0], size: [1, outChannels * inChannels] }));
      }
    }
    const stacked = pieces.length === 1 ? pieces[0] : run(tf.Concat, pieces, { axis: 0 });
    subFilter = run(tf.Reshape, { x: stacked }, { shape: [rowPhase.taps, colPhase.taps, outChannels, inChannels] });
  }
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
