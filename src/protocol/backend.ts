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
}

/** Options for init. */
export interface InitOptions {
  /** Backends to try, in order; defaults to webgpu → webgl → wasm → cpu. */
  preferred?: readonly BackendName[];
}
