/**
 * Backend selection for worker entries: try each backend in order and report why each one that
 * was skipped failed. tfjs quietly stays on another backend when setBackend fails (setBackend('webgpu')
 * returns false without an adapter and logs only a TypeError), so every attempt is checked against tf.getBackend().
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { prepareWasmBackend } from './wasmSetup.ts';
import type { AdapterInfo, BackendAttempt, BackendName, BackendReport, InitOptions } from '../src/protocol/api.ts';

export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = Object.freeze(['webgpu', 'webgl', 'wasm', 'cpu']);

/** Why WebGPU cannot be used here, or its adapter when it can. */
async function probeWebGpu(): Promise<{ adapter: AdapterInfo } | { reason: string }> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { reason: 'no WebGPU adapter (requestAdapter returned null: GPU blocklisted or disabled)' };
  const info = adapter.info;
  return {
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    },
  };
}

async function trySetBackend(name: BackendName, options: InitOptions): Promise<string | undefined> {
  if (name === 'wasm') prepareWasmBackend({ threads: options.wasmThreads });
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return `tfjs could not initialise the ${name} backend`;
    return undefined;
  } catch (err) {
    return `${name} failed to initialise: ${(err as Error).message}`;
  }
}

/** Pick the first backend that works, in the preferred order. */
export async function selectBackend(options: InitOptions = {}): Promise<BackendReport> {
  const attempts: BackendAttempt[] = [];
  let adapter: AdapterInfo | undefined;
  for (const backend of options.preferred ?? DEFAULT_BACKEND_ORDER) {
    if (backend === 'webgpu') {
      const probe = await probeWebGpu();
      if ('reason' in probe) {
        attempts.push({ backend, ok: false, reason: probe.reason });
        continue;
      }
      adapter = probe.adapter;
    }
    const reason = await trySetBackend(backend, options);
    attempts.push(reason ? { backend, ok: false, reason } : { backend, ok: true });
    if (!reason) return { backend, adapter: backend === 'webgpu' ? adapter : undefined, attempts, tfjsVersion: tf.version.tfjs };
  }
  throw new Error(`no tfjs backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}
