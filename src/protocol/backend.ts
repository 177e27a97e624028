/** tfjs backends the lab can run on, in the order it tries them by default (fastest first). */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

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
}

/** Options for init. */
export interface InitOptions {
  /** Backends to try, in order; defaults to webgpu → webgl → wasm → cpu. */
  preferred?: readonly BackendName[];
  /**
   * Threads the wasm backend may use when the page is cross-origin isolated (a sweep worker gets its share of the
   * cores); defaults to navigator.hardwareConcurrency.
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
