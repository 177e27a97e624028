/**
 * Slice as copies within the wasm heap.
 *
 * tfjs-backend-wasm 4.22's Slice (src/kernels/Slice.ts, JavaScript) first reads x with backend.readSync, which copies
 * all of x out of the heap (HEAPU8.slice), then copies the window back in with one `set` per innermost row. With the
 * threaded build the heap is a SharedArrayBuffer, and Chromium copies out of one at 6–8 ns a byte: reading 1.7M
 * floats back took 42–59 ms in the lab's worker (2 threads), where filling as many takes 1. Every crop that the lab's
 * kernels make (./scratch.ts: spatialWindow, strideSample; the tap rows of ./filterMatrix.ts) paid for a copy of its
 * whole input: the nine tap slices of ResNet50's input gradient on 4×4 maps took 148 of its 185 ms there (29 ms with
 * this kernel). In Node the heap is not shared, but the stock kernel's `set` per innermost row still costs: cropping
 * [16, 58, 58, 64] to 56 × 56 took 18.6 ms against 0.7 here.
 *
 * Here the window is copied heap to heap with copyWithin on one byte view of the heap, in as few runs as the slice
 * allows (sliceRuns): the trailing axes taken whole merge with the innermost partial axis into one run. The bytes
 * are copied as they are, so the output is the stock kernel's bit for bit, for every dtype it stores in the heap.
 *
 * Unlike the other kernels of src/ml/wasm/, this one reaches past the kernel registry into the backend, through two
 * public methods of BackendWasm: makeOutput (allocates the output in the heap) and typedArrayFromHeap (a view of a
 * tensor's bytes there).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A slice as runs of contiguous elements: run r copies `runLength` elements from `starts[r]` to r · runLength. */
export interface SliceRuns {
  runLength: number;
  /** Each run's first element in x, in output order. */
  starts: number[];
}

/**
 * The runs that copy the window [begin, begin + size) of a row-major tensor of `shape`. The axes after the innermost
 * one that the slice cuts (size below the axis's) are whole, so each value of the axes before it starts one run of
 * size[axis] · (product of the later axes' sizes) elements. An empty slice has no runs.
 */
export function sliceRuns(shape: readonly number[], begin: readonly number[], size: readonly number[]): SliceRuns {
  const rank = shape.length;
  if (size.some((n) => n === 0)) return { runLength: 0, starts: [] };
  if (rank === 0) return { runLength: 1, starts: [0] };
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let axis = rank - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * shape[axis + 1];
  let cut = rank - 1;
  while (cut > 0 && size[cut] === shape[cut]) cut--;
  const runLength = size[cut] * strides[cut];
  // An odometer over the axes before `cut`, each from its begin to begin + size.
  const starts: number[] = [];
  const index = begin.slice(0, cut);
  let offset = begin.reduce((sum, b, axis) => sum + b * strides[axis], 0);
  for (;;) {
    starts.push(offset);
    let axis = cut - 1;
    while (axis >= 0 && index[axis] === begin[axis] + size[axis] - 1) {
      offset -= (size[axis] - 1) * strides[axis];
      index[axis] = begin[axis];
      axis--;
    }
    if (axis < 0) return { runLength, starts };
    index[axis]++;
    offset += strides[axis];
  }
}

/**
 * Wraps wasm's stock Slice: tensors stored in the heap (every dtype but string and complex64) are sliced by copies within
 * the heap (see the module comment); the others go to the stock kernel.
 */
export function heapSliceKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === 'string' || x.dtype === 'complex64') return stock.kernelFunc(args);
      const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
      const backend = args.backend as unknown as BackendWasm;
      const [sliceBegin, sliceSize] = tf.slice_util.parseSliceParams(x, begin, size);
      const out = backend.makeOutput(sliceSize, x.dtype);
      const { runLength, starts } = sliceRuns(x.shape, sliceBegin, sliceSize);
      if (starts.length === 0) return out;
      // Views taken after makeOutput, which may grow (and so replace) the heap's buffer.
      const source = backend.typedArrayFromHeap(x);
      const target = backend.typedArrayFromHeap(out);
      const heap = new Uint8Array(target.buffer);
      const bytes = target.BYTES_PER_ELEMENT;
      const runBytes = runLength * bytes;
      for (let run = 0; run < starts.length; run++) {
        const from = source.byteOffset + starts[run] * bytes;
        heap.copyWithin(target.byteOffset + run * runBytes, from, from + runBytes);
      }
      return out;
    },
  };
}
