/**
 * Fast paths for the broadcasts that tfjs-core runs as Tile, for tf.where with a uniform condition, and
 * for copies: the Identity that tf.where makes of operands that need no broadcast, and the Cast to float32 of a
 * float32 tensor in every ReLU gradient.
 *
 * wasm 4.22's Tile writes element by element (about 46 ns an element in Node 20) and tfjs-core calls
 * it where a broadcast would do:
 * - the batch-norm gradient (tfjs-core's FusedBatchNorm gradient) tiles 1/√(var + ε) from [1, 1, 1, C]
 *   to the whole activation, once per batch-norm layer and step: 207 ms of a 2.9 s ResNet18 step at
 *   64 px, batch 16, when the lab's batch norms trained through it. They now have their own gradient
 *   (src/ml/models/batchNorm.ts), which tiles nothing; a stock batch norm (a model read back with
 *   tf.loadLayersModel) still meets it;
 * - tf.where broadcasts its condition with Tile (broadcastTo), and the lab's masked optimiser runs
 *   tf.where(apply, next, variable) with a scalar `apply` on every variable every step.
 * A Tile that is a broadcast (every tiled axis of the input has size 1) becomes Fill + a broadcasting
 * Add (XNNPACK): 0.9 ms against 80 ms for [1, 1, 1, 64] → [16, 32, 32, 64]. A one-element input becomes
 * a Fill, and the tensor it makes is remembered as uniform, so that Select with it as condition returns
 * t or e as they are (a Reshape, which shares data) instead of reading three tensors.
 */
import * as tf from '@tensorflow/tfjs';

/** Condition tensors made by the one-element Tile fast path, with their value, by data id. */
const uniformConditions = new WeakMap<tf.DataId, boolean>();

function runKernel(kernelName: string, backend: tf.KernelBackend, backendName: string, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo {
  const config = tf.getKernel(kernelName, backendName);
  if (!config) throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}'`);
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** Whether tiling `shape` by `reps` only repeats axes of size 1 (a broadcast). */
export function isBroadcastTile(shape: readonly number[], reps: readonly number[]): boolean {
  return shape.every((size, i) => size === 1 || reps[i] === 1);
}

/**
 * Wraps the backend's Tile kernel: one-element inputs become Fill (remembered as uniform when bool),
 * float32 and int32 broadcasts become Fill(0) + Add (+0 in place of −0 is the only difference from
 * copying), anything else goes to the stock kernel.
 */
export function broadcastTileKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = stock;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const backend = args.backend as tf.KernelBackend;
      const { reps } = args.attrs as unknown as tf.TileAttrs;
      const shape = x.shape.map((size, i) => size * reps[i]);
      if (x.dtype === 'string' || x.dtype === 'complex64' || !isBroadcastTile(x.shape, reps)) return stock.kernelFunc(args);
      if (tf.util.sizeFromShape(x.shape) === 1) {
        // One element read from the backend's memory (a heap read on wasm).
        const value = Number((backend.readSync(x.dataId) as ArrayLike<number>)[0]);
        const out = runKernel(tf.Fill, backend, backendName, {}, { shape, value, dtype: x.dtype });
        if (x.dtype === 'bool') uniformConditions.set(out.dataId, value !== 0);
        return out;
      }
      if (x.dtype === 'bool') return stock.kernelFunc(args);
      const zeros = runKernel(tf.Fill, backend, backendName, {}, { shape, value: 0, dtype: x.dtype });
      try {
        return runKernel(tf.Add, backend, backendName, { a: zeros, b: x }, {});
      } finally {
        backend.disposeData(zeros.dataId);
      }
    },
  };
}

/**
 * Wraps the backend's Select kernel: a condition made by the one-element Tile fast path selects t or e
 * whole, returned as a Reshape that shares its data (the stock kernel reads three tensors and writes a
 * fourth: 52 ms of a ResNet18 step at 64 px, batch 16, for the optimiser's masked updates).
 */
export function uniformSelectKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = stock;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { condition, t, e } = args.inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
      const value = uniformConditions.get(condition.dataId);
      if (value === undefined || !tf.util.arraysEqual(t.shape, e.shape) || t.dtype !== e.dtype) return stock.kernelFunc(args);
      const chosen = value ? t : e;
      return runKernel(tf.Reshape, args.backend as tf.KernelBackend, backendName, { x: chosen }, { shape: chosen.shape });
    },
  };
}

/**
 * Wraps the backend's Identity kernel so that it shares its input's data (a Reshape to the same shape,
 * which raises the data's reference count), as tfjs's cpu backend does; wasm 4.22 copies. tf.where
 * clones its operands through Identity whenever they need no broadcast (tfjs-core broadcastTo), so the
 * masked optimiser copied every variable and its update each step: 31 ms (1044 calls) of a 2.7 s ResNet18
 * step at 64 px, batch 16. Tensor data is never written after its kernel made it, so sharing it is safe.
 */
export function sharingIdentityKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = stock;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === 'string') return stock.kernelFunc(args);
      return runKernel(tf.Reshape, args.backend as tf.KernelBackend, backendName, { x }, { shape: x.shape });
    },
  };
}

/**
 * Wraps the backend's Cast so that a cast to the dtype the tensor already has shares its data, as Identity above does;
 * wasm 4.22 copies it through JavaScript views of the heap. tfjs-core's ReLU gradient (dy · cast(step(x), 'float32'))
 * casts a float32 tensor to float32 on every ReLU. Cast took 19 ms (95 calls, the 50 ReLU gradients among them) of a
 * 3.1 s ResNet50 step at 112 px, batch 16; with this it is off the profile's top 15 (under 11 ms). Casts between
 * dtypes, whose heap layouts differ, go to the stock kernel.
 */
export function sharingCastKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = stock;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      if (x.dtype !== dtype || x.dtype === 'string' || x.dtype === 'complex64') return stock.kernelFunc(args);
      return runKernel(tf.Reshape, args.backend as tf.KernelBackend, backendName, { x }, { shape: x.shape });
    },
  };
}
