/**
 * How the wasm backend is prepared before tfjs starts it: which .wasm builds it may load, how many threads it may use,
 * and the training kernels that wasm 4.22 lacks. Kept apart from the backend choice (./backend.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // importing it registers the wasm backend
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
// The two classic scripts a wasm thread loads, served as files of the app (vite.config.ts, TFJS_THREAD_SCRIPTS).
import threadGlueUrl from 'margin-lab:tfjs-wasm-thread-glue?url';
import threadWorkerUrl from 'margin-lab:tfjs-wasm-thread-worker?url';
import { registerWasmTrainingKernels } from '../src/ml/wasmKernels.ts';

/** Options of prepareWasmBackend. */
export interface WasmSetupOptions {
  /** Threads the threaded build may use (InitOptions.wasmThreads); defaultWasmThreads when absent. */
  threads?: number;
}

/**
 * Threads when the page names none: every core but one, which the page keeps (its plots redraw while a run trains),
 * as src/ui/worker/sweepPool.ts keeps it from the sweep. tfjs' thread pool splits each kernel evenly over its
 * threads, so one busy core stalls every kernel: on this project's 2-core machines, with other work on the cores,
 * two threads trained the tiny model 1.5–2.5× slower than one and ResNet18 no faster (measured 2026-12-01; not
 * measured on more cores: none here).
 */
export function defaultWasmThreads(cores: number | undefined): number {
  return Math.max(1, Math.floor(cores ?? 1) - 1);
}

/**
 * Prepares the wasm backend; call before tf.setBackend('wasm'). In a cross-origin-isolated page (SharedArrayBuffer)
 * tfjs picks its threaded SIMD build, whose thread pool then computes each kernel on `threads` cores (at most 8, its
 * prebuilt pool); one thread takes the plain SIMD build: as fast as the threaded build on one thread (measured), and
 * without its pool of 8 idle thread workers. tfjs starts the module once per worker: the first call decides.
 */
export function prepareWasmBackend({ threads = defaultWasmThreads(globalThis.navigator?.hardwareConcurrency) }: WasmSetupOptions = {}): void {
  if (threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else setThreadsCount(Math.floor(threads));
  const paths: Record<string, string> = {
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    // Not names setWasmPaths knows: the patched tfjs (vite.config.ts, TFJS_WASM_PATCHES) reads them from its map
    // instead of making blob: scripts, one of which the minified bundle broke.
    'tfjs-backend-wasm-threaded-simd.js': absolute(threadGlueUrl),
    'tfjs-backend-wasm-threaded-simd.worker.js': absolute(threadWorkerUrl),
  };
  setWasmPaths(paths);
  registerWasmTrainingKernels(); // wasm 4.22 lacks Conv2DBackpropFilter (src/ml/wasmKernels.ts)
}

/** A thread resolves the glue's URL against its own script's, and its script's against the lab worker's: made absolute. */
function absolute(url: string): string {
  // Node (tests, the CLI) has no location, and no threads either (tfjs turns them off there).
  return typeof location === 'undefined' ? url : new URL(url, location.href).href;
}
