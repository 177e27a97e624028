/**
 * How the wasm backend is prepared before tfjs starts it: which .wasm builds it may load, whether it may use
 * threads, and the training kernels that wasm 4.22 lacks. Kept apart from the backend choice (./backend.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // importing it registers the wasm backend
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmTrainingKernels } from '../src/ml/wasmKernels.ts';

/** Options of prepareWasmBackend. */
export interface WasmSetupOptions {
  /** Threads the threaded build may use (InitOptions.wasmThreads); ignored while threads are off. */
  threads?: number;
}

/** Prepares the wasm backend; call before tf.setBackend('wasm'). */
export function prepareWasmBackend(_options: WasmSetupOptions = {}): void {
  // Threaded wasm hangs in a minified build (its thread workers throw "e is not defined") and gave no speed-up on 2 cores.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  registerWasmTrainingKernels(); // wasm 4.22 lacks Conv2DBackpropFilter (src/ml/wasmKernels.ts)
}
