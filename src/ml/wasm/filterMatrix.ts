/**
 * Convolutions and both their gradients for few positions and a large filter, as matrix products with the filter read
 * as the [KH·KW·Cin, Cout] matrix its HWIO data already is.
 *
 * The convolution routes (./inputGradient.ts, ./filterGradient.ts) move the filter around: the input gradient hands
 * XNNPACK the filter flipped with its channels swapped (transposed and flipped there, transposed again inside wasm's
 * Conv2D to XNNPACK's layout, and packed: about 10 ns a weight on one thread), and the filter gradient comes out of its
 * convolution as [Cin, KH, KW, Cout], transposed back. Those costs follow the filter's size, whatever the number of
 * positions P = N·OH·OW the products run over; on ResNet18's last stage at 64 px (2×2 maps, batch 16: P = 64, 3×3×512×512
 * filters) they are most of both gradients. Here:
 * - input gradient: G[(kh, kw, ci), p] = Σ_co w[kh, kw, ci, co] · dy[p, co], one product (XNNPACK packs only dyᵀ, P·Cout
 *   values), then dx sums G's tap rows back where the forward convolution read them (col2im):
 *   dx[n, s_h·oy + kh − p_top, s_w·ox + kw − p_left, ci] += G[(kh, kw, ci), (n, oy, ox)], KH·KW shifted [N, OH, OW, Cin]
 *   blocks, spread with zeros at a stride. For a 1×1 filter that is the convolution's own product: the same numbers.
 * - filter gradient: dW[(kh, kw, ci), co] = Σ_p cols[p, (kh, kw, ci)] · dy[p, co] with cols the input pixels each tap
 *   reads (im2col, KH·KW·Cin·P values): colsᵀ · dy, already in HWIO order;
 * - the convolution: yᵀ = Wᵀ · colsᵀ (filterMatrixConvolution).
 *
 * Measured (Node 20, one thread, ms, convolution route against this one). Input gradient: ResNet18 at 64 px, 3×3 512 → 512
 * on 2×2 maps 32.8 against 14.8, 3×3/2 256 → 512 25.6 against 7.1; ResNet50 at 112 px on 4×4 maps, 3×3 512 → 512 61.6
 * against 51.1, 1×1 2048 → 512 31.8 against 22.2, 1×1/2 1024 → 2048 71.9 against 39.8. Filter gradient: ResNet18's
 * 3×3 512 → 512 on 2×2 16.5 against 11.8, ResNet50's on 4×4 59.1 against 46.4. With more positions the col2im costs more
 * than the filter's rearrangement saves: ResNet50's 3×3 256 on 7×7 maps (P = 784) 34.5 against 46.6, ResNet18's 3×3 128
 * on 8×8 (P = 1024) 10.4 against 21.6 (input gradients); hence prefersFilterMatrix. The same choices hold in the lab's
 * worker (Chromium, 2 threads, a fresh filter each call as in training; ms, convolution route against this one):
 * ResNet18's 2×2 maps forward 82 against 23, input gradient 41 against 10; ResNet50's 4×4 maps input gradient 56 against
 * 29 (3×3), 40 against 16–18 (1×1), while its 3×3 forward with the bias added after stays faster stock (41 against 58).
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelRunner, ownCopy, pair, spatialWindow, strideSample, strideSpread, withScratch } from './scratch.ts';

/**
 * Filters from 2^20 weights up (about 10 ms of rearrangement a call on the convolution route), at most half as many
 * positions as output channels (then G, KH·KW·Cin·P values, is at most half the filter). Smaller filters gain a few ms
 * at most: the tiny CNN's are all below, so its training keeps the convolution routes' numbers.
 */
export function prefersFilterMatrix(filterShape: readonly number[], positions: number): boolean {
  const [filterHeight, filterWidth, inChannels, outChannels] = filterShape;
  return filterHeight * filterWidth * inChannels * outChannels >= 2 ** 20 && 2 * positions <= outChannels;
}

/** The input gradient of an NHWC convolution with dilation 1 (geometry `info`) by the filter matrix: see the module comment. */
export function filterMatrixInputGradient(dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, run: KernelRunner): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const positions = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth;
  const filterRows = run(tf.Reshape, { x: filter }, { shape: [taps * inChannels, outChannels] });
  // dyᵀ is this call's own copy: XNNPACK keeps its packing of operand b until b's data is freed (./matMul.ts).
  const dyT = run(tf.Transpose, { x: run(tf.Reshape, { x: dy }, { shape: [positions, outChannels] }) }, { perm: [1, 0] });
  const product = run(tf.BatchMatMul, { a: filterRows, b: dyT }, { transposeA: false, transposeB: false });
  const byPosition = run(tf.Reshape, { x: run(tf.Transpose, { x: product }, { perm: [1, 0] }) }, { shape: [positions, taps, inChannels] });
  const placed: tf.TensorInfo[] = [];
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const tap = taps === 1 ? byPosition : run(tf.Slice, { x: byPosition }, { begin: [0, kh * filterWidth + kw, 0], size: [positions, 1, inChannels] });
      const block = run(tf.Reshape, { x: tap }, { shape: [batchSize, outHeight, outWidth, inChannels] });
      const spread = strideSpread(block, [strideHeight, strideWidth], [0, 0], run);
      placed.push(spatialWindow(spread, padInfo.top - kh, padInfo.left - kw, inHeight, inWidth, run));
    }
  }
  return placed.length === 1 ? placed[0] : run(tf.AddN, placed);
}

/**
 * The input pixels each tap of the convolution `info` reads, as [P, KH·KW·Cin] (im2col, rows in output order, columns in
 * HWI order): per tap a window of x (zeros past its edges) sampled at the strides, the taps stacked.
 */
function tapColumns(x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, run: KernelRunner): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const positions = batchSize * outHeight * outWidth;
  const tapPixels: tf.TensorInfo[] = [];
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const window = spatialWindow(x, kh - padInfo.top, kw - padInfo.left, strideHeight * outHeight, strideWidth * outWidth, run);
      tapPixels.push(run(tf.Reshape, { x: strideSample(window, [strideHeight, strideWidth], [outHeight, outWidth], run) }, { shape: [positions, 1, inChannels] }));
    }
  }
  const stacked = tapPixels.length === 1 ? tapPixels[0] : run(tf.Concat, tapPixels, { axis: 1 });
  return run(tf.Reshape, { x: stacked }, { shape: [positions, filterHeight * filterWidth * inChannels] });
}

/** The filter gradient of an NHWC convolution with dilation 1 (geometry `info`) as colsᵀ · dy: see the module comment. */
export function filterMatrixFilterGradient(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, run: KernelRunner): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const positions = batchSize * outHeight * outWidth;
  const colsT = run(tf.Transpose, { x: tapColumns(x, info, run) }, { perm: [1, 0] });
  // dy lives until the backward pass ends, and XNNPACK keeps its packing of operand b until b's data is freed: a copy.
  const dyRows = ownCopy(run(tf.Reshape, { x: dy }, { shape: [positions, outChannels] }), run);
  const dw = run(tf.BatchMatMul, { a: colsT, b: dyRows }, { transposeA: false, transposeB: false });
  return run(tf.Reshape, { x: dw }, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
}

/**
 * The convolution itself (no bias, no activation) as yᵀ = Wᵀ · colsᵀ: the filter transposed once, to [Cout, KH·KW·Cin],
 * is the product's streamed operand, and XNNPACK packs only colsᵀ (KH·KW·Cin·P values). wasm's Conv2D transposes the
 * filter too, then packs all of it (ResNet18's 3×3 512 → 512 on 2×2 maps, batch 16: 25.7 ms against 19.0, Node 20).
 */
export function filterMatrixConvolution(x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, run: KernelRunner): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const filterT = run(tf.Transpose, { x: run(tf.Reshape, { x: filter }, { shape: [filterHeight * filterWidth * inChannels, outChannels] }) }, { perm: [1, 0] });
  const colsT = run(tf.Transpose, { x: tapColumns(x, info, run) }, { perm: [1, 0] });
  const yT = run(tf.BatchMatMul, { a: filterT, b: colsT }, { transposeA: false, transposeB: false });
  return run(tf.Reshape, { x: run(tf.Transpose, { x: yT }, { perm: [1, 0] }) }, { shape: [batchSize, outHeight, outWidth, outChannels] });
}

/**
 * Wraps the backend's stock FusedConv2D. ResNet18's and the tiny CNN's convolutions have no bias (batch norms follow
 * them); ResNet50's Keras ones carry one and keep the stock kernel, which was faster with the bias (see the module
 * comment). NHWC float32 without bias or activation, at dilation 1, with a filter prefersFilterMatrix picks, goes through
 * filterMatrixConvolution; anything else to the stock kernel.
 */
export function filterMatrixFusedConv2DKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
      const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
      const [dilationH, dilationW] = pair(attrs.dilations, 1);
      // tfjs passes the absent inputs as null or undefined.
      const plain = !bias && !preluActivationWeights && (attrs.activation === undefined || attrs.activation === 'linear');
      const layout = (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC') && dilationH === 1 && dilationW === 1;
      if (!plain || !layout || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return stock.kernelFunc(args);
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      if (!prefersFilterMatrix(filter.shape, info.batchSize * info.outHeight * info.outWidth)) return stock.kernelFunc(args);
      return withScratch(args.backend as tf.KernelBackend, stock.backendName, (run) => filterMatrixConvolution(x, filter, info, run));
    },
  };
}
