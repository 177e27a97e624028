/**
 * Transpose in two cache-friendly passes.
 *
 * tfjs-backend-wasm 4.22's Transpose (src/cc/transpose_impl.cc) is a plain loop over one side in order and the
 * other at a stride, on one thread. When the innermost axis moves, every element read or written lands on another
 * cache line: 14.2 ms for a [4608, 512] matrix in the lab's worker (Chromium, 6 ns an element). Training transposes
 * filters (the input gradient's flipped filter, the filter matrix's Wᵀ) and activations (the filter gradient's
 * products) in every layer: in a ResNet18 step at 64 px, the transpose loop was the main thread's busiest function
 * after XNNPACK's products (17 % of its samples; 13 % with the passes below, wasm's Conv2D reordering each new filter
 * with the same loop included).
 *
 * With the tensor's axes merged where the permutation keeps them together (collapseTranspose), a permutation that
 * moves the innermost axis, of size C = C1 · B, is run as
 *   1. the same permutation applied to [..., C1] with blocks of B = 8 values carried along as the innermost axis
 *      (contiguous 32-byte moves), then
 *   2. each block's B values moved from the innermost place to just after C1's: a transpose whose innermost axis has
 *      only B values, so the lines it reads stay in cache while it writes in order.
 * In the lab's worker, ms against the stock loop: [4608, 512] 4.1 against 14.2, [12544, 256] 5.5 against 13.3,
 * [2048, 512] 1.7 against 9.4, a 3×3×512×512 filter's channels swapped 3.2 against 13.8; a ResNet18 training step at
 * 64 px 615 against 665 ms, ResNet50's at 112 px 3080 against 3620 (batch 16, 2 threads). Both passes are stock Transposes
 * of rank at most 4 (its loop-nest cases; rank 5 and up use a per-element index computation), so only tensors that
 * collapse to rank 3 or less take this route. Values are copied, so the output is the stock kernel's bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { withScratch } from './scratch.ts';

/** Values moved together in the first pass: 8 floats, 32 bytes (16 was faster on some shapes, 3× slower on [2048, 512]). */
export const TRANSPOSE_BLOCK = 8;

/** Below this many elements the tensor fits in cache and the stock loop is as fast. */
const MIN_BLOCKED_TRANSPOSE_SIZE = 2 ** 16;

/**
 * The same transpose on fewer axes: axes of size 1 dropped, and runs of input axes that stay adjacent and in order
 * in the output merged into one. Returns the merged input shape and the permutation of it.
 */
export function collapseTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Groups of input axes, in output order: a new group starts wherever the next output axis is not the next input axis.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const inputOrder = groups.map((_, i) => i).sort((a, b) => groups[a][0] - groups[b][0]);
  return {
    shape: inputOrder.map((g) => groups[g].reduce((size, axis) => size * shape[axis], 1)),
    perm: groups.map((_, g) => inputOrder.indexOf(g)),
  };
}

/** The two passes for a collapsed transpose (see the module comment), or null where the stock loop is used. */
export function blockedTransposePlan(shape: readonly number[], perm: readonly number[]): { blocked: number[]; first: number[]; second: number[] } | null {
  const rank = shape.length;
  const inner = shape[rank - 1];
  if (rank < 2 || rank > 3 || perm[rank - 1] === rank - 1 || inner % TRANSPOSE_BLOCK !== 0 || inner < 2 * TRANSPOSE_BLOCK) return null;
  if (shape.reduce((a, b) => a * b, 1) < MIN_BLOCKED_TRANSPOSE_SIZE) return null;
  // Axes of the blocked input: the collapsed axes, the innermost one now counting blocks (rank − 1), then the block (rank).
  const blocked = [...shape.slice(0, -1), inner / TRANSPOSE_BLOCK, TRANSPOSE_BLOCK];
  const target = perm.flatMap((axis) => (axis === rank - 1 ? [rank - 1, rank] : [axis]));
  const first = [...target.filter((axis) => axis !== rank), rank];
  const second = target.map((axis) => first.indexOf(axis));
  return { blocked, first, second };
}

/**
 * Wraps wasm's stock Transpose: float32 tensors of 2^16 elements and up whose permutation moves the innermost axis take
 * the two passes of the module comment; anything else goes to the stock kernel. The passes run through the registered
 * Transpose (this wrapper), which sends both to the stock kernel: the first keeps its innermost axis in place, the
 * second moves an innermost axis of only TRANSPOSE_BLOCK values.
 */
export function blockedTransposeKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { perm } = args.attrs as unknown as tf.TransposeAttrs;
      if (x.dtype !== 'float32') return stock.kernelFunc(args);
      const collapsed = collapseTranspose(x.shape, perm);
      const plan = blockedTransposePlan(collapsed.shape, collapsed.perm);
      if (!plan) return stock.kernelFunc(args);
      return withScratch(args.backend as tf.KernelBackend, stock.backendName, (run) => {
        const blocks = run(tf.Reshape, { x }, { shape: plan.blocked });
        const moved = run(tf.Transpose, { x: blocks }, { perm: plan.first });
        const out = run(tf.Transpose, { x: moved }, { perm: plan.second });
        return run(tf.Reshape, { x: out }, { shape: perm.map((axis) => x.shape[axis]) });
      });
    },
  };
}
