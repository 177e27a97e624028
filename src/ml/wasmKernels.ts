/**
 * Training kernels for tfjs-backend-wasm 4.22, which lacks one kernel that training needs and runs
 * others too slowly, built from kernels it has (src/ml/wasm/):
 * - Conv2DBackpropFilter is missing, so the gradient of every convolution fails there ("Kernel
 *   'Conv2DBackpropFilter' not registered for backend 'wasm'"): wasm/filterGradient.ts computes it
 *   as a forward convolution (XNNPACK) or, for 1×1 filters, one matrix product;
 * - Conv2DBackpropInput exists but is a plain loop nest, over half of a ResNet18 training step:
 *   wasm/inputGradient.ts computes it as forward convolutions of dy with the flipped filter, one per
 *   stride phase;
 * - Tile, Select and Identity, for the broadcasts of tf.where and of tfjs-core's batch-norm gradient
 *   (which stock batch norms still run; the lab's have their own, src/ml/models/batchNorm.ts):
 *   wasm/broadcast.ts;
 * - Sum and Mean over batch and space (batch-norm statistics and gradients): wasm/reduce.ts;
 * - BatchMatMul with a transposed operand (the head's cosines, every product's gradient), which wasm runs
 *   with a plain loop nest instead of XNNPACK: wasm/matMul.ts;
 * - MaxPoolGrad (the ResNet stems' pooling), whose stock kernel rescans every window for each input element:
 *   wasm/maxPoolGrad.ts, bit for bit the stock gradient;
 * - Reverse (ImageNet preprocessing's BGR flip, test-time flips), element by element in the stock kernel:
 *   wasm/reverse.ts;
 * - FusedConv2D, and both convolution gradients, for few positions and a large filter (ResNet18's last stage at
 *   64 px, ResNet50's 4×4 maps at 112 px), where moving the filter into XNNPACK's layout costs more than the
 *   product: products with the filter as the matrix it is, wasm/filterMatrix.ts;
 * - Slice (every crop above, and the gradient of each zero padding), which copies all of its input out of the
 *   heap first: a quarter to a third of a ResNet training step in the lab's threaded worker, where the heap is
 *   shared memory and Chromium copies out of it slowly: wasm/slice.ts, copies within the heap;
 * - Transpose (filters and activations in every convolution gradient), a loop that misses the cache on every element
 *   when the innermost axis moves: wasm/transpose.ts, two passes that stay in cache;
 * - FusedBatchNorm (every batch norm's output, and its input gradient in the lab's own gradient), a scalar loop on one
 *   thread that divides in double: wasm/batchNorm.ts, a per-channel multiply-add (XNNPACK's Multiply and Add);
 * - Cast to the dtype a tensor already has (every ReLU gradient), which copies: wasm/broadcast.ts, shares the data.
 *
 * Every other kernel that the lab's backbones (tiny, ResNet18, ResNet50: batch norm, max pooling,
 * zero padding, ReLU, residual adds) and losses need for training exists on wasm 4.22: checked by
 * training each backbone on wasm (tests/unit/ml/wasmKernels.test.ts).
 *
 * Written against the kernel registry only (no wasm internals), so the same code would serve any
 * backend whose kernels are registered under the given backend name. Besides kernels, Tile and FusedBatchNorm read and
 * write a few values with the public KernelBackend methods readSync and write, and Slice uses two public methods of
 * the wasm backend (makeOutput, typedArrayFromHeap) to copy within its heap.
 *
 * What is left, measured in the lab's worker (Chromium, threaded SIMD build, 2 threads, on the project's 2-core
 * machine). XNNPACK's products and convolutions peak at 65–73 GFLOP/s there, PyTorch's convolutions (oneDNN, AVX-512
 * FMA) at about 335 on the same cores: on convolutions alone the lab cannot pass about a fifth of PyTorch's speed. A
 * ResNet50 step at 112 px (batch 16, 97 GFLOP of convolutions and their gradients) runs its forward convolutions at
 * 42–45 GFLOP/s, its input gradients at 44–46 and its filter gradients at 33–36 (two profiled runs). The gap to the
 * peak is work that runs on one thread whatever the thread count: XNNPACK packing operand b of every product anew
 * (4–9 ns a value; tfjs always asks for the transposed-weights packing, and a filter gradient packs P·min(Cin, Cout)
 * values), wasm's Conv2D reordering each new filter with the plain transpose loop (under 1 ns a weight in isolation,
 * 4–9 % of the worker's samples in training). Tried and dropped: the optimiser's update fused into one JavaScript loop
 * over the heap (bit for bit, but 3–4 ns a value: 100 ms a ResNet50 step, where XNNPACK's elementwise kernels on both
 * threads do all eight passes in 90); filter gradients summed over batch chunks (shorter products: at most 20 % faster
 * on 28×28 maps, slower on small ones); 1×1 filter gradients as convolutions, for XNNPACK's cheaper convolution packing
 * (as fast at best, up to 2.3× slower: Conv2D's own transpose of the P-long filter).
 */
import * as tf from '@tensorflow/tfjs';
import { channelAffineBatchNormKernel } from './wasm/batchNorm.ts';
import { broadcastTileKernel, sharingCastKernel, sharingIdentityKernel, uniformSelectKernel } from './wasm/broadcast.ts';
import { conv2dFilterGradient, WASM_BACKEND_NAME } from './wasm/filterGradient.ts';
import { filterMatrixFusedConv2DKernel } from './wasm/filterMatrix.ts';
import { conv2dBackpropInputKernel } from './wasm/inputGradient.ts';
import { transposingMatMulKernel } from './wasm/matMul.ts';
import { argmaxMaxPoolGradKernel } from './wasm/maxPoolGrad.ts';
import { batchSpatialReduceKernel } from './wasm/reduce.ts';
import { flippingReverseKernel } from './wasm/reverse.ts';
import { withScratch } from './wasm/scratch.ts';
import { heapSliceKernel } from './wasm/slice.ts';
import { blockedTransposeKernel } from './wasm/transpose.ts';

export { conv2dFilterGradient, WASM_BACKEND_NAME };

/** Kernels that registerWasmTrainingKernels adds (Conv2DBackpropFilter) or wraps (the others). */
export const WASM_TRAINING_KERNEL_NAMES: readonly string[] = Object.freeze([
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.Tile,
  tf.Select,
  tf.Identity,
  tf.Sum,
  tf.Mean,
  tf.BatchMatMul,
  tf.MaxPoolGrad,
  tf.Reverse,
  tf.FusedConv2D,
  tf.Slice,
  tf.Transpose,
  tf.FusedBatchNorm,
  tf.Cast,
]);

/** A Conv2DBackpropFilter kernel for `backendName` built on that backend's other kernels. */
export function conv2dBackpropFilterKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      return withScratch(backend as tf.KernelBackend, backendName, (run) => conv2dFilterGradient(x, dy, attrs as unknown as tf.Conv2DBackpropFilterAttrs, run));
    },
  };
}

/** Marks the wrappers installed here, so that registering twice does not wrap a kernel twice. */
const FAST_PATH_MARK = Symbol('margin-lab wasm fast path');

/** A kernel config that may carry FAST_PATH_MARK. */
type MarkedKernelConfig = tf.KernelConfig & { [FAST_PATH_MARK]?: true };

/** The stock kernels that wrapStockKernel replaced, by kernel name. */
const stockKernels = new Map<string, tf.KernelConfig>();

/** Replaces the stock wasm kernel `kernelName` by `wrap(stock)`, once (the wrapper keeps the stock setup). */
function wrapStockKernel(kernelName: string, wrap: (stock: tf.KernelConfig) => tf.KernelConfig): void {
  const stock = tf.getKernel(kernelName, WASM_BACKEND_NAME) as MarkedKernelConfig | undefined;
  if (!stock || stock[FAST_PATH_MARK]) return;
  stockKernels.set(kernelName, stock);
  const wrapped: MarkedKernelConfig = { ...wrap(stock), [FAST_PATH_MARK]: true };
  tf.unregisterKernel(kernelName, WASM_BACKEND_NAME);
  tf.registerKernel(wrapped);
}

/**
 * The stock wasm kernel `kernelName` as it was before registerWasmTrainingKernels wrapped it (undefined for kernels it
 * did not wrap): what the fast paths are checked and timed against.
 */
export function stockWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return stockKernels.get(kernelName);
}

/**
 * Registers Conv2DBackpropFilter for wasm (the backend lacks it) and wraps wasm's Conv2DBackpropInput, Tile, Select,
 * Identity, Sum, Mean, BatchMatMul, MaxPoolGrad, Reverse, FusedConv2D, Slice, Transpose, FusedBatchNorm and Cast with
 * their fast paths.
 * Idempotent. Call it before training on wasm, before or after the backend starts: the kernels only need to exist when
 * a gradient runs (the wrapped kernels keep the stock setup functions, which the backend runs when it starts).
 */
export function registerWasmTrainingKernels(): void {
  if (!tf.getKernel(tf.Conv2DBackpropFilter, WASM_BACKEND_NAME)) tf.registerKernel(conv2dBackpropFilterKernel(WASM_BACKEND_NAME));
  wrapStockKernel(tf.Conv2DBackpropInput, conv2dBackpropInputKernel);
  wrapStockKernel(tf.Tile, broadcastTileKernel);
  wrapStockKernel(tf.Select, uniformSelectKernel);
  wrapStockKernel(tf.Identity, sharingIdentityKernel);
  wrapStockKernel(tf.Sum, batchSpatialReduceKernel);
  wrapStockKernel(tf.Mean, batchSpatialReduceKernel);
  wrapStockKernel(tf.BatchMatMul, transposingMatMulKernel);
  wrapStockKernel(tf.MaxPoolGrad, argmaxMaxPoolGradKernel);
  wrapStockKernel(tf.Reverse, flippingReverseKernel);
  wrapStockKernel(tf.FusedConv2D, filterMatrixFusedConv2DKernel);
  wrapStockKernel(tf.Slice, heapSliceKernel);
  wrapStockKernel(tf.Transpose, blockedTransposeKernel);
  wrapStockKernel(tf.FusedBatchNorm, channelAffineBatchNormKernel);
  wrapStockKernel(tf.Cast, sharingCastKernel);
}
