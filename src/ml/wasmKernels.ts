/**
 * Kernels that tfjs-backend-wasm 4.22 lacks (or runs too slowly) for training, built from kernels it has.
 *
 * The wasm backend has no `Conv2DBackpropFilter`, so the gradient of every convolution fails there
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). The filter gradient of an
 * NHWC convolution is a correlation of the input with the output gradient:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oy, ox} xPadded[n, oy·sh + kh, ox·sw + kw, ci] · dy[n, oy, ox, co]
 *
 * so the input sample under each kernel offset (kh, kw), flattened to Cin × P (P = N·OH·OW
 * positions), times dy flattened to P × Cout is dW[kh, kw]. The offsets are stacked (im2col, in
 * blocks of bounded memory) so that a 7×7 kernel over 3 channels makes one large matrix product
 * instead of 49 thin ones. See conv2dFilterGradient for the layout.
 *
 * Every other kernel that the lab's backbones (tiny, ResNet18, ResNet50: batch norm, max pooling,
 * zero padding, ReLU, residual adds) and losses need for training exists on wasm 4.22: checked by
 * training each backbone on wasm (tests/unit/ml/wasmKernels.test.ts). One is too slow for
 * training: Tile of a one-element tensor, which every tf.where with a scalar condition runs, gets a
 * fast path (scalarTileKernel).
 *
 * Written against the kernel registry only (no wasm internals), so the same code would serve any
 * backend whose kernels are registered under the given backend name.
 */
import * as tf from '@tensorflow/tfjs';

/** The backend these kernels are registered for. */
export const WASM_BACKEND_NAME = 'wasm';

/** Kernels that registerWasmTrainingKernels adds (Conv2DBackpropFilter) or wraps (Tile). */
export const WASM_TRAINING_KERNEL_NAMES: readonly string[] = Object.freeze([tf.Conv2DBackpropFilter, tf.Tile]);

/**
 * Largest im2col block, in float32 elements (16 MB): bounds the scratch memory of one filter
 * gradient (ResNet50's 7×7 conv1 at 112 px, batch 8, needs 25 088 × 147 ≈ 3.7 M elements in all).
 */
export const IM2COL_MAX_ELEMENTS = 1 << 22;

/** Runs one registered kernel of the backend being extended. */
type KernelRunner = (kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs?: object) => tf.TensorInfo;

/** Calls registered kernels of `backendName` directly and remembers their outputs for disposal. */
class KernelScratch {
  private readonly outputs: tf.TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs `kernelName` on this backend; its output is freed by `disposeAllBut` unless kept. */
  readonly run: KernelRunner = (kernelName, inputs, attrs = {}) => {
    const config = tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    const output = config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
    if (Array.isArray(output)) throw new Error(`kernel '${kernelName}' returned several outputs where one was expected`);
    this.outputs.push(output);
    return output;
  };

  /**
   * Frees every output except `kept`. Reshape shares its input's data and raises its reference
   * count, so freeing both the reshaped and the original output is what the backend expects.
   */
  disposeAllBut(kept: tf.TensorInfo): void {
    for (const output of this.outputs) if (output !== kept) this.backend.disposeData(output.dataId);
    this.outputs.length = 0;
  }

  /** Frees every output (on error). */
  disposeAll(): void {
    for (const output of this.outputs) this.backend.disposeData(output.dataId);
    this.outputs.length = 0;
  }
}

/** Reads a [h, w] pair from a tfjs attribute that may be a single number. */
function pair(value: number | [number, number] | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  return typeof value === 'number' ? [value, value] : value;
}

/** StridedSlice attributes for a plain begin/end/strides slice (no masks). */
function sliceAttrs(begin: number[], end: number[], strides: number[]) {
  return { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
}

/**
 * Computes the filter gradient of an NHWC 2-D convolution with registered kernels of one backend
 * (PadV2, Slice, StridedSlice, Transpose, Concat, Reshape, BatchMatMul). Dilations other than 1
 * are refused, as tfjs refuses them in the conv2d gradient itself.
 *
 * Layout, chosen by measurement on wasm 4.22 (Node 20, batch 8, ResNet18 shapes):
 * - the padded input is split once into its stride phases, channels first
 *   ([sh·sw·Cin, N, H/sh, W/sw], one Transpose), so that every kernel offset is a unit-stride
 *   slice whose rows are OW floats long. Strided NHWC slices with 3 input channels copy element by
 *   element: ResNet's 7×7/2 conv1 took 124–170 ms that way and 23 ms this way;
 * - the slices stack along the first axis (plain copies) into im2colᵀ [KH·KW·Cin, P], and
 *   im2colᵀ · dy[P, Cout] is dW[KH·KW·Cin, Cout] with no transposed operand: wasm's BatchMatMul
 *   with transposeA took 209 ms for a [25088 × 147]ᵀ × [25088 × 64] product that takes 17 ms
 *   untransposed;
 * - a 1×1 kernel first takes its strided sample of the input, so that no unused phase is moved.
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
  const [kernelH, kernelW, inChannels, outChannels] = filterShape;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  let { strideHeight, strideWidth } = info;
  if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], the convolution gives [${batchSize},${outHeight},${outWidth},${outChannels}]`);
  }
  const positions = batchSize * outHeight * outWidth;

  // Rows and columns of each stride phase that the slices reach: output position o of offset k
  // reads padded row o·s + k, which is row o + ⌊k/s⌋ of phase k mod s.
  let phaseRows = outHeight + Math.floor((kernelH - 1) / strideHeight);
  let phaseCols = outWidth + Math.floor((kernelW - 1) / strideWidth);
  const padBottom = Math.max(0, phaseRows * strideHeight - inHeight - padInfo.top);
  const padRight = Math.max(0, phaseCols * strideWidth - inWidth - padInfo.left);
  let input =
    padInfo.top || padBottom || padInfo.left || padRight
      ? run(
          tf.PadV2,
          { x },
          {
            paddings: [
              [0, 0],
              [padInfo.top, padBottom],
              [padInfo.left, padRight],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : x;
  if (input.shape[1] > phaseRows * strideHeight || input.shape[2] > phaseCols * strideWidth) {
    // Rows or columns past the last output's window (a 'valid' stride that does not divide).
    input = run(tf.Slice, { x: input }, { begin: [0, 0, 0, 0], size: [batchSize, phaseRows * strideHeight, phaseCols * strideWidth, inChannels] });
  }
  if (kernelH === 1 && kernelW === 1 && (strideHeight > 1 || strideWidth > 1)) {
    input = run(tf.StridedSlice, { x: input }, sliceAttrs([0, 0, 0, 0], input.shape, [1, strideHeight, strideWidth, 1]));
    [phaseRows, phaseCols, strideHeight, strideWidth] = [outHeight, outWidth, 1, 1];
  }
  const split = run(tf.Reshape, { x: input }, { shape: [batchSize * phaseRows, strideHeight, phaseCols, strideWidth, inChannels] });
  const phasesFirst = run(tf.Transpose, { x: split }, { perm: [1, 3, 4, 0, 2] });
  const phases = run(tf.Reshape, { x: phasesFirst }, { shape: [strideHeight * strideWidth * inChannels, batchSize, phaseRows, phaseCols] });
  const dyRows = run(tf.Reshape, { x: dy }, { shape: [positions, outChannels] });

  const offsets: Array<[number, number]> = [];
  for (let kh = 0; kh < kernelH; kh++) for (let kw = 0; kw < kernelW; kw++) offsets.push([kh, kw]);
  const offsetsPerBlock = Math.max(1, Math.floor(IM2COL_MAX_ELEMENTS / (positions * inChannels)));
  const blockProducts: tf.TensorInfo[] = [];
  for (let start = 0; start < offsets.length; start += offsetsPerBlock) {
    const slices = offsets.slice(start, start + offsetsPerBlock).map(([kh, kw]) => {
      const phase = (kh % strideHeight) * strideWidth + (kw % strideWidth);
      const row = Math.floor(kh / strideHeight);
      const col = Math.floor(kw / strideWidth);
      const begin = [phase * inChannels, 0, row, col];
      return run(tf.StridedSlice, { x: phases }, sliceAttrs(begin, [begin[0] + inChannels, batchSize, row + outHeight, col + outWidth], [1, 1, 1, 1]));
    });
    const block = slices.length === 1 ? slices[0] : run(tf.Concat, slices, { axis: 0 });
    const columnsT = run(tf.Reshape, { x: block }, { shape: [slices.length * inChannels, positions] });
    // [offsets·Cin × P] · [P × Cout] → [offsets·Cin × Cout]
    blockProducts.push(run(tf.BatchMatMul, { a: columnsT, b: dyRows }, { transposeA: false, transposeB: false }));
  }
  const product = blockProducts.length === 1 ? blockProducts[0] : run(tf.Concat, blockProducts, { axis: 0 });
  return run(tf.Reshape, { x: product }, { shape: [kernelH, kernelW, inChannels, outChannels] });
}

/** A Conv2DBackpropFilter kernel for `backendName` built on that backend's other kernels. */
export function conv2dBackpropFilterKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const scratch = new KernelScratch(backend as tf.KernelBackend, backendName);
      try {
        const result = conv2dFilterGradient(x, dy, attrs as unknown as tf.Conv2DBackpropFilterAttrs, scratch.run);
        scratch.disposeAllBut(result);
        return result;
      } catch (err) {
        scratch.disposeAll();
        throw err;
      }
    },
  };
}

/** Marks the Tile kernel config installed here, so that registering twice does not wrap it twice. */
const SCALAR_TILE_MARK = Symbol('margin-lab scalar tile');

/**
 * Wraps the backend's Tile kernel with a fast path for one-element inputs: Fill with that value.
 * tf.where broadcasts a scalar condition with Tile (tfjs-core broadcastTo), and the lab's masked
 * optimiser runs tf.where(apply, next, variable) on every variable every step. wasm 4.22's Tile
 * takes ~46 ns an element (109 ms for a 3×3×512×512 kernel, measured in Node 20), so this cost
 * ResNet18 at 64 px about a quarter of its step; Fill writes the same values in a few ms.
 */
export function scalarTileKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const config: tf.KernelConfig & { [SCALAR_TILE_MARK]?: true } = {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const backend = args.backend as tf.KernelBackend;
      const { reps } = args.attrs as unknown as tf.TileAttrs;
      if (tf.util.sizeFromShape(x.shape) !== 1 || x.dtype === 'string' || x.dtype === 'complex64') return stock.kernelFunc(args);
      const fill = tf.getKernel(tf.Fill, stock.backendName);
      if (!fill) return stock.kernelFunc(args);
      // One element read from the backend's memory: a heap read on wasm (this is registered for wasm only).
      const value = Number((backend.readSync(x.dataId) as ArrayLike<number>)[0]);
      const shape = x.shape.map((size, i) => size * reps[i]);
      return fill.kernelFunc({ inputs: {}, backend, attrs: { shape, value, dtype: x.dtype } });
    },
  };
  config[SCALAR_TILE_MARK] = true;
  return config;
}

/**
 * Registers Conv2DBackpropFilter for wasm (the backend lacks it) and wraps wasm's Tile with the
 * one-element fast path. Idempotent. Call it before training on wasm, before or after the backend
 * starts: the kernels only need to exist when a gradient runs (the wrapped Tile keeps the stock
 * setup function, which the backend runs when it starts).
 */
export function registerWasmTrainingKernels(): void {
  for (const config of [conv2dBackpropFilterKernel(WASM_BACKEND_NAME)]) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  const stockTile = tf.getKernel(tf.Tile, WASM_BACKEND_NAME) as (tf.KernelConfig & { [SCALAR_TILE_MARK]?: true }) | undefined;
  if (stockTile && !stockTile[SCALAR_TILE_MARK]) {
    tf.unregisterKernel(tf.Tile, WASM_BACKEND_NAME);
    tf.registerKernel(scalarTileKernel(stockTile));
  }
}
