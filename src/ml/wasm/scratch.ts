/**
 * Plumbing shared by the training kernels of src/ml/wasm/: they are built from other kernels registered
 * for the same backend, called directly through the kernel registry (no wasm internals), and every
 * intermediate they make is freed before they return.
 */
import * as tf from '@tensorflow/tfjs';

/** Runs one registered kernel of the backend being extended. */
export type KernelRunner = (kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs?: object) => tf.TensorInfo;

/** Runs one registered kernel that has several outputs (MaxPoolWithArgmax: values and indices). */
export type MultiOutputKernelRunner = (kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs?: object) => tf.TensorInfo[];

/** Calls registered kernels of `backendName` directly and remembers their outputs for disposal. */
export class KernelScratch {
  private readonly outputs: tf.TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs `kernelName` on this backend; its output is freed by `disposeAllBut` unless kept. */
  readonly run: KernelRunner = (kernelName, inputs, attrs = {}) => {
    const output = this.call(kernelName, inputs, attrs);
    if (Array.isArray(output)) throw new Error(`kernel '${kernelName}' returned several outputs where one was expected`);
    this.outputs.push(output);
    return output;
  };

  /** Runs `kernelName`, which returns several outputs; each is freed by `disposeAllBut` unless kept. */
  readonly runMany: MultiOutputKernelRunner = (kernelName, inputs, attrs = {}) => {
    const output = this.call(kernelName, inputs, attrs);
    const outputs = Array.isArray(output) ? output : [output];
    this.outputs.push(...outputs);
    return outputs;
  };

  private call(kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: object): tf.TensorInfo | tf.TensorInfo[] {
    const config = tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    return config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
  }

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

/**
 * Runs `compute` with a KernelScratch of `backend` and frees every intermediate it made, keeping
 * only the returned tensor (and everything, should it throw).
 */
export function withScratch(backend: tf.KernelBackend, backendName: string, compute: (run: KernelRunner, runMany: MultiOutputKernelRunner) => tf.TensorInfo): tf.TensorInfo {
  const scratch = new KernelScratch(backend, backendName);
  try {
    const result = compute(scratch.run, scratch.runMany);
    scratch.disposeAllBut(result);
    return result;
  } catch (err) {
    scratch.disposeAll();
    throw err;
  }
}

/**
 * A float32 copy of `x` with data of its own (Reshape and, once registerWasmTrainingKernels has run, Identity share
 * their input's): for an operand b of wasm's BatchMatMul, of which XNNPACK keeps a packed copy until b's data is
 * freed. Multiplying by 1 is exact for every float, −0 and NaN included.
 */
export function ownCopy(x: tf.TensorInfo, run: KernelRunner): tf.TensorInfo {
  return run(tf.Multiply, { a: x, b: run(tf.Fill, {}, { shape: [], value: 1, dtype: 'float32' }) });
}

/** Reads a [h, w] pair from a tfjs attribute that may be a single number. */
export function pair(value: number | [number, number] | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  return typeof value === 'number' ? [value, value] : value;
}

/**
 * A 4-D window of `x` on its two spatial axes (1 and 2): rows [top, top + height) and columns
 * [left, left + width), where rows and columns outside x read as zeros. One Slice for the part inside
 * x and one PadV2 for the rest; a window equal to x returns x itself.
 */
export function spatialWindow(x: tf.TensorInfo, top: number, left: number, height: number, width: number, run: KernelRunner): tf.TensorInfo {
  const [batch, rows, cols, channels] = x.shape;
  const rowBegin = Math.min(Math.max(top, 0), rows);
  const rowEnd = Math.max(Math.min(top + height, rows), rowBegin);
  const colBegin = Math.min(Math.max(left, 0), cols);
  const colEnd = Math.max(Math.min(left + width, cols), colBegin);
  let inside = x;
  if (rowBegin > 0 || colBegin > 0 || rowEnd < rows || colEnd < cols) {
    inside = run(tf.Slice, { x }, { begin: [0, rowBegin, colBegin, 0], size: [batch, rowEnd - rowBegin, colEnd - colBegin, channels] });
  }
  const padTop = rowBegin - top;
  const padLeft = colBegin - left;
  const padBottom = height - padTop - (rowEnd - rowBegin);
  const padRight = width - padLeft - (colEnd - colBegin);
  if (padTop === 0 && padLeft === 0 && padBottom === 0 && padRight === 0) return inside;
  const paddings = [
    [0, 0],
    [padTop, padBottom],
    [padLeft, padRight],
    [0, 0],
  ];
  return run(tf.PadV2, { x: inside }, { paddings, constantValue: 0 });
}

/**
 * `x` ([N, Q, Q', C]) spread at strides (s_h, s_w): out[n, s_h·i + r_h, s_w·j + r_w, c] = x[n, i, j, c], zeros elsewhere,
 * [N, s_h·Q, s_w·Q', C]. Read as [N·Q, s_h, Q', s_w·C], the output is x padded by r_h rows before and s_h − 1 − r_h after
 * on axis 1, and by r_w·C and (s_w − 1 − r_w)·C values on axis 3: one PadV2 (x itself at stride 1).
 */
export function strideSpread(x: tf.TensorInfo, [strideH, strideW]: [number, number], [rowPhase, colPhase]: [number, number], run: KernelRunner): tf.TensorInfo {
  if (strideH === 1 && strideW === 1) return x;
  const [batch, rows, cols, channels] = x.shape;
  const blocks = run(tf.Reshape, { x }, { shape: [batch * rows, 1, cols, channels] });
  const paddings = [
    [0, 0],
    [rowPhase, strideH - 1 - rowPhase],
    [0, 0],
    [colPhase * channels, (strideW - 1 - colPhase) * channels],
  ];
  const padded = run(tf.PadV2, { x: blocks }, { paddings, constantValue: 0 });
  return run(tf.Reshape, { x: padded }, { shape: [batch, rows * strideH, cols * strideW, channels] });
}

/**
 * Every s-th pixel of `x` from its first: out[n, i, j, c] = x[n, s_h·i, s_w·j, c] for i < outHeight, j < outWidth (rows
 * and columns past x read as zeros; x itself at stride 1 when it has that size). x, cropped or zero padded at the
 * bottom and right to s_h·outHeight × s_w·outWidth and read as [N·outHeight, s_h, outWidth, s_w·C], holds those pixels
 * at [:, 0, :, 0:C]: one Slice whose rows are whole pixels (strideSpread's inverse).
 */
export function strideSample(x: tf.TensorInfo, [strideH, strideW]: [number, number], [outHeight, outWidth]: [number, number], run: KernelRunner): tf.TensorInfo {
  const covered = spatialWindow(x, 0, 0, strideH * outHeight, strideW * outWidth, run);
  if (strideH === 1 && strideW === 1) return covered;
  const [batch, , , channels] = x.shape;
  const blocks = run(tf.Reshape, { x: covered }, { shape: [batch * outHeight, strideH, outWidth, strideW * channels] });
  const picked = run(tf.Slice, { x: blocks }, { begin: [0, 0, 0, 0], size: [batch * outHeight, 1, outWidth, channels] });
  return run(tf.Reshape, { x: picked }, { shape: [batch, outHeight, outWidth, channels] });
}
