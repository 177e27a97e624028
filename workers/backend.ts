/**
 * Backend selection for worker entries. Auto mode (init without `preferred`) starts on the first backend that works
 * and, when a run starts (InitOptions.probe), times that run's model on every backend that initialises and switches
 * to the fastest (src/core/backendProbe.ts; the probe is cached per browser and model shape in IndexedDB). A worker
 * given `preferred` (the user forced a backend, or a sweep worker follows the main one) is pinned: no probe.
 * tfjs quietly stays on another backend when setBackend fails (setBackend('webgpu') returns false without an
 * adapter and logs only a TypeError), so every attempt is checked against tf.getBackend().
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { openDB, type IDBPDatabase } from 'idb';
import { chooseBackend, probeCacheKey, type BackendProbeHost, type ProbeCache, type ProbeEnvironment } from '../src/core/backendProbe.ts';
import { parseTrainConfig } from '../src/core/trainConfig.ts';
import { measureTrainingSpeed, probeShapeOf } from '../src/ml/train/probe.ts';
import { prepareWasmBackend, defaultWasmThreads } from './wasmSetup.ts';
import type { AdapterInfo, BackendAttempt, BackendName, BackendReport, InitOptions, ProbeRequest } from '../src/protocol/api.ts';

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
async function firstWorking(options: InitOptions): Promise<BackendReport> {
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
    if (!reason) return withThreads({ backend, adapter: backend === 'webgpu' ? adapter : undefined, attempts, tfjsVersion: tf.version.tfjs });
  }
  throw new Error(`no tfjs backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}

/** The report with the threads wasm computes on when it is the backend in use (tfjs' count, once initialised). */
function withThreads(report: BackendReport): BackendReport {
  const { wasmThreads: _stale, ...rest } = report;
  return report.backend === 'wasm' ? { ...rest, wasmThreads: getThreadsCount() } : rest;
}

/** The adapter's name for the status ("SwiftShader" rather than "google swiftshader"). */
function adapterName(a: AdapterInfo): string {
  if (/swiftshader/i.test(`${a.architecture} ${a.description}`)) return 'SwiftShader';
  return a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
}

/** Probe records in IndexedDB (the worker has no localStorage): one per key, as parseProbeCacheRecord reads them. */
export const PROBE_DB = 'margin-lab-backend-probes';
const PROBE_STORE = 'probes';

let probeDb: Promise<IDBPDatabase> | undefined;
function probeCache(): ProbeCache | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  const db = () =>
    (probeDb ??= openDB(PROBE_DB, 1, {
      upgrade(database) {
        database.createObjectStore(PROBE_STORE, { keyPath: 'key' });
      },
    }));
  return {
    get: async (key) => (await db()).get(PROBE_STORE, key),
    put: async (record) => void (await (await db()).put(PROBE_STORE, record)),
  };
}

/** The worker's mode: pinned by `preferred`, or auto; the report of the backend in use, and the probe key it answers. */
let pinned = false;
let current: BackendReport | undefined;
let currentKey: string | undefined;

/** Runs the probe for `request` (or takes the cached one) and switches to the fastest backend. */
async function probeAndSwitch(request: ProbeRequest, options: InitOptions, base: BackendReport): Promise<BackendReport> {
  const config = parseTrainConfig(request.config);
  const gpu = await probeWebGpu();
  const adapter = 'adapter' in gpu ? gpu.adapter : undefined;
  const env: ProbeEnvironment = {
    tfjsVersion: tf.version.tfjs,
    userAgent: self.navigator.userAgent,
    adapter: adapter ? [adapter.vendor, adapter.architecture, adapter.device, adapter.description].join('|') : '',
    // Threads count only where the threaded build can run (a cross-origin isolated page): wasm's speed depends on them.
    wasmThreads: self.crossOriginIsolated ? (options.wasmThreads ?? defaultWasmThreads(self.navigator.hardwareConcurrency)) : 1,
  };
  const key = probeCacheKey(probeShapeOf(config, request.numIdentities), env);
  // The same model again in this worker (the page asked before the run, the run asks again): nothing to measure.
  if (key === currentKey && base.probes) return base;
  const attempts: BackendAttempt[] = 'reason' in gpu ? [{ backend: 'webgpu', ok: false, reason: gpu.reason }] : [];
  const host: BackendProbeHost = {
    init: async (backend) => {
      if (backend === 'webgpu' && 'reason' in gpu) return gpu.reason;
      return trySetBackend(backend, options);
    },
    measure: (_backend, best) => measureTrainingSpeed(config, request.numIdentities, best),
    describe: (backend) => (backend === 'webgpu' && adapter ? { adapter: adapterName(adapter), software: adapter.isFallbackAdapter } : {}),
    cache: probeCache(),
  };
  const choice = await chooseBackend({ key }, host);
  currentKey = key;
  for (const p of choice.probes) if (p.error && !attempts.some((a) => a.backend === p.backend)) attempts.push({ backend: p.backend, ok: false, reason: p.error });
  attempts.push({ backend: choice.backend, ok: true });
  return withThreads({
    ...base,
    backend: choice.backend,
    adapter: choice.backend === 'webgpu' ? adapter : undefined,
    attempts,
    choice: choice.source,
    probes: choice.probes,
    ...(choice.measuredAt ? { measuredAt: choice.measuredAt } : {}),
  });
}

/**
 * Init for the lab worker. `preferred` pins the worker to the first of those backends that works; `probe` (auto mode
 * only) measures the run's model and switches to the fastest; `current` answers with the report in use. Without
 * options the worker is in auto mode on the first backend that works, until a run probes.
 */
export async function selectBackend(options: InitOptions = {}): Promise<BackendReport> {
  if (options.current && current) return current;
  if (options.preferred) {
    pinned = true;
    currentKey = undefined;
    current = { ...(await firstWorking(options)), choice: 'forced' };
    return current;
  }
  if (options.probe) {
    if (pinned && current) return current;
    current = await probeAndSwitch(options.probe, options, current ?? (await firstWorking(options)));
    return current;
  }
  // Auto mode: keep a backend chosen automatically (first working or measured); leave one the user forced.
  pinned = false;
  if (!current || current.choice === 'forced') {
    current = await firstWorking(options);
    currentKey = undefined;
  }
  return current;
}
