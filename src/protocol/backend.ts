import type { BackendChoiceSource, BackendProbe, ProbeBackendName } from '../core/backendProbe.ts';
import type { TrainConfigInput } from '../core/trainConfig.ts';

export type { BackendChoiceSource, BackendProbe } from '../core/backendProbe.ts';

/** tfjs backends the lab can run on, in the order init tries them when it does not measure (webgpu first). */
export type BackendName = ProbeBackendName;

/** What the WebGPU adapter says about itself (GPUAdapterInfo), so users see which GPU — or SwiftShader — trains. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader: expect ~0.3 GFLOP/s. */
  isFallbackAdapter: boolean;
}

/** One backend tried during init, and why it was not used when it was not. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

/** The answer to init: the backend actually in use and the path that led there. */
export interface BackendReport {
  backend: BackendName;
  /** Present when backend is 'webgpu'. */
  adapter?: AdapterInfo;
  /** Every backend tried, in order; the last ok one is in use. */
  attempts: BackendAttempt[];
  tfjsVersion: string;
  /** Threads the wasm backend computes on (1 unless the page is cross-origin isolated); present when backend is 'wasm'. */
  wasmThreads?: number;
  /**
   * How the backend was chosen: 'measured' (probed for a run's model just now), 'cached' (an earlier probe of the same
   * model shape in this browser), 'forced' (InitOptions.preferred: the user's choice, or a sweep worker following the
   * main one); absent: the first backend that initialised, before any run measured one.
   */
  choice?: BackendChoiceSource;
  /** Each backend's probe for the run's model (measured or cached), in the order probed. */
  probes?: BackendProbe[];
  /** When the probes were measured (ISO time). */
  measuredAt?: string;
}

/** A run's model and data size, for the probe that times each backend on it (InitOptions.probe). */
export interface ProbeRequest {
  config: TrainConfigInput;
  /** Classes of the run's data (the head's rows). */
  numIdentities: number;
}

/** Options for init. */
export interface InitOptions {
  /**
   * Backends to try, in order (the first that starts is used); defaults to webgpu → webgl → wasm → cpu. Given, it
   * pins the worker: its runs train on that backend, unmeasured (a backend the user forced, a sweep worker).
   * Without it (and without `probe`) the worker is in auto mode: runs measure the backends and train on the fastest.
   */
  preferred?: readonly BackendName[];
  /**
   * Auto mode: time a few training steps of this model on every backend that initialises and switch to the fastest
   * (a cached probe of the same shape in this browser is used instead). Ignored while the worker is pinned.
   */
  probe?: ProbeRequest;
  /** Answer with the backend in use, changing nothing (the page refreshes its status after a run's own probe). */
  current?: boolean;
  /**
   * Threads the wasm backend may use when the page is cross-origin isolated (a sweep worker gets its share of the
   * cores); defaults to every core but the page's (workers/wasmSetup.ts defaultWasmThreads), at most 8.
   */
  wasmThreads?: number;
}

/**
 * The lab worker's name, set by the page that starts it (src/ui/worker/labBridge.ts). 'margin-lab+test-hooks'
 * starts it for a page opened with `?test-hooks`: only then does it expose LabWorkerTestHooks.
 */
export type LabWorkerName = 'margin-lab' | 'margin-lab+test-hooks';

/** Fault hooks a lab worker started as 'margin-lab+test-hooks' exposes next to LabWorkerApi's methods. */
export interface LabWorkerTestHooks {
  /** Destroys the WebGPU device tfjs trains on, as a driver reset would; false when the worker is not on WebGPU. */
  loseGpuDevice(): Promise<boolean>;
}

/**
 * What the lab worker posts on its own (outside comlink, which ignores messages without an id) when it cannot go
 * on, e.g. its GPU device was lost: the page then treats it as dead and replaces it.
 */
export interface LabWorkerFatal {
  marginLabFatal: string;
}
