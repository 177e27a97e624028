/**
 * BatchMatMul with a transposed operand, as a transpose and XNNPACK's product.
 *
 * wasm 4.22 runs BatchMatMul through XNNPACK only when neither operand is transposed; with transposeA or
 * transposeB it falls back to a plain C++ loop nest, 10–20× slower. Training meets transposed operands in
 * every matrix product: the head's cosines (features · Wᵀ, Wᵀ being K × 512 rows for K identities) and the
 * gradients of every product (dA = dC · Bᵀ, dB = Aᵀ · dC). Measured in Node 20, ms per call, stock against a
 * Transpose and the untransposed product:
 *
 * | product (M × K × N) | transposeA | transposeB |
 * | --- | --- | --- |
 * | 32 × 512 × 512 | 18.8 against 1.0 | 11.8 against 3.7 |
 * | 512 × 32 × 512 | 18.9 against 0.8 | 11.9 against 0.9 |
 * | 32 × 512 × 100 | 2.1 against 0.3 | 3.1 against 1.1 |
 *
 * The product then sums in XNNPACK's order instead of the loop nest's, so results differ in the last bits.
 * wasm takes XNNPACK only for unbatched products (one matrix each side after the reshape to rank 3), so batched
 * ones are left to the stock kernel. XNNPACK keeps its packed copy of operand b until b's data is freed; b is
 * always a copy made here (transposed, or `ownCopy`) and freed on return, so no packed copy outlives the call.
 */
import * as tf from '@tensorflow/tfjs';
import { ownCopy, withScratch } from './scratch.ts';

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Whether a rank ≥ 2 operand holds one matrix (every axis before the last two of size 1). */
function isSingleMatrix(shape: readonly number[]): boolean {
  return shape.slice(0, -2).every((size) => size === 1);
}

/**
 * Wraps the backend's stock BatchMatMul: unbatched float32 products with a transposed operand transpose it first
 * and run the stock kernel untransposed (XNNPACK); anything else goes to the stock kernel as it is.
 */
export function transposingMatMulKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      const fast = (transposeA || transposeB) && a.dtype === 'float32' && b.dtype === 'float32' && isSingleMatrix(a.shape) && isSingleMatrix(b.shape);
      if (!fast) return stock.kernelFunc(args);
      return withScratch(args.backend as tf.KernelBackend, stock.backendName, (run) => {
        const left = transposeA ? run(tf.Transpose, { x: a }, { perm: swapLastTwoAxes(a.shape.length) }) : a;
        const right = transposeB ? run(tf.Transpose, { x: b }, { perm: swapLastTwoAxes(b.shape.length) }) : ownCopy(b, run);
        const attrs = { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap;
        return stock.kernelFunc({ inputs: { a: left, b: right }, backend: args.backend, attrs }) as tf.TensorInfo;
      });
    },
  };
}
