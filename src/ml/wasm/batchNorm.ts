/**
 * FusedBatchNorm as a per-channel multiply-add.
 *
 * tfjs-backend-wasm 4.22's FusedBatchNorm is a scalar C++ loop on one thread that divides every element by its
 * channel's normaliser in double: 9.7 ms for a [16, 28, 28, 256] activation in the lab's worker (threaded SIMD build,
 * 2 threads), 138 ms (53 calls) of a 3.1 s ResNet50 training step at 112 px, batch 16. With, per channel,
 *
 *   a = γ / √(σ² + ε),   b = β − μ·a
 *
 * (folded in double, rounded once) the output is x·a + b: a broadcasting Multiply and Add, XNNPACK's threaded SIMD
 * kernels, 0.7 ms for the same activation. PyTorch's CPU batch norm computes its output the same way (alpha and beta
 * per channel, then x·alpha + beta). A 1×1 depthwise convolution with filter a and bias b does it in one pass (0.55 ms)
 * but turns NaN into −∞: XNNPACK clamps its output to [−∞, ∞] with wasm's pseudo-min and -max, which return the bound
 * for NaN, and a ReLU after it would then hide a diverged activation as 0. Multiply and Add keep NaN, as the stock
 * kernel does.
 *
 * Folding μ into b is exact algebra but not exact arithmetic: x·a and b are rounded separately, an error of about
 * 2⁻²⁴·(|x| + |μ|)·|a|, which for x near μ is 2⁻²³·|μ|/√(σ² + ε) in units of γ. The fold is taken only while that
 * ratio is at most MAX_FOLDED_MEAN_RATIO (an error under 2⁻¹⁵ ≈ 3·10⁻⁵ of γ); a channel whose mean lies further out
 * than that, in standard deviations, sends the call to the stock kernel, which subtracts μ first. The lab's batch-norm
 * gradient (src/ml/models/batchNorm.ts) also calls this kernel, for dx, with the mean of dy as μ and x's variance as
 * σ²; there the ratio is not one of standard deviations and the rounding is that of the formula it replaced, but a
 * channel with σ² near 0 and a mean gradient past 256·√ε (8 at Keras's ε = 10⁻³; gradients of a mean loss are far
 * smaller) would take the stock kernel's slow path.
 */
import * as tf from '@tensorflow/tfjs';
import { withScratch } from './scratch.ts';

/** Largest |μ|/√(σ² + ε) of any channel for which the output is computed as x·a + b (module comment). */
export const MAX_FOLDED_MEAN_RATIO = 256;

/** Per-channel multiplier a and shift b of a batch norm's output x·a + b. */
export interface FoldedBatchNorm {
  multiplier: Float32Array;
  shift: Float32Array;
}

/** Batch-norm parameters as the stock kernel reads them: one value for all channels, or one per channel. */
export interface BatchNormParameters {
  mean: ArrayLike<number>;
  variance: ArrayLike<number>;
  /** β; absent reads as 0. */
  offset?: ArrayLike<number>;
  /** γ; absent reads as 1. */
  scale?: ArrayLike<number>;
  epsilon: number;
}

/**
 * a = γ/√(σ² + ε) and b = β − μ·a for each of `channels` channels (a parameter of one value applies to all), or null
 * when some channel's |μ|/√(σ² + ε) exceeds MAX_FOLDED_MEAN_RATIO (or is not a number). √(σ² + ε) is rounded to float
 * as the stock kernel rounds it; the rest is computed in double and rounded once.
 */
export function foldBatchNorm(channels: number, { mean, variance, offset, scale, epsilon }: BatchNormParameters): FoldedBatchNorm | null {
  const at = (values: ArrayLike<number> | undefined, c: number, absent: number) => (values === undefined ? absent : values[values.length === 1 ? 0 : c]);
  const folded: FoldedBatchNorm = { multiplier: new Float32Array(channels), shift: new Float32Array(channels) };
  for (let c = 0; c < channels; c++) {
    const deviation = Math.fround(Math.sqrt(Math.fround(at(variance, c, 0) + Math.fround(epsilon))));
    const mu = at(mean, c, 0);
    // Also refuses a zero deviation, and NaN anywhere, which the stock kernel propagates element by element.
    if (!(deviation > 0 && Math.abs(mu) <= MAX_FOLDED_MEAN_RATIO * deviation)) return null;
    const a = at(scale, c, 1) / deviation;
    folded.multiplier[c] = a;
    folded.shift[c] = at(offset, c, 0) - mu * a;
  }
  return folded;
}

/**
 * Wraps the backend's stock FusedBatchNorm: a float32 input whose parameters each hold one value or one per channel
 * (its last axis) is normalised as x·a + b by a broadcasting Multiply and Add; other inputs, and means too far out for
 * the fold (foldBatchNorm), go to the stock kernel.
 */
export function channelAffineBatchNormKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x, mean, variance, offset, scale } = args.inputs as Record<'x' | 'mean' | 'variance', tf.TensorInfo> & Partial<Record<'offset' | 'scale', tf.TensorInfo | null>>;
      const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
      const backend = args.backend as tf.KernelBackend;
      const channels = x.shape[x.shape.length - 1];
      const perChannel = (t: tf.TensorInfo) => t.dtype === 'float32' && [1, channels].includes(tf.util.sizeFromShape(t.shape));
      const fits = [mean, variance].every((t) => t != null && perChannel(t)) && [offset, scale].every((t) => t == null || perChannel(t));
      if (x.dtype !== 'float32' || x.shape.length === 0 || tf.util.sizeFromShape(x.shape) === 0 || !fits) return stock.kernelFunc(args);
      // A few values per channel, read out of the heap.
      const read = (t: tf.TensorInfo | null | undefined) => (t == null ? undefined : (backend.readSync(t.dataId) as Float32Array));
      const folded = foldBatchNorm(channels, { mean: read(mean)!, variance: read(variance)!, offset: read(offset), scale: read(scale), epsilon: varianceEpsilon });
      if (folded === null) return stock.kernelFunc(args);
      const constant = (values: Float32Array): tf.TensorInfo => ({ dataId: backend.write(values, [channels], 'float32'), shape: [channels], dtype: 'float32' });
      const [multiplier, shift] = [constant(folded.multiplier), constant(folded.shift)];
      try {
        return withScratch(backend, stock.backendName, (run) => run(tf.Add, { a: run(tf.Multiply, { a: x, b: multiplier }), b: shift }));
      } finally {
        backend.disposeData(multiplier.dataId);
        backend.disposeData(shift.dataId);
      }
    },
  };
}
