import type { BackendReport, InitOptions } from './backend.ts';

export type * from './backend.ts';

/**
 * The lab worker's API, as the UI sees it through comlink. The worker entry `satisfies` this interface,
 * so the two sides cannot drift apart.
 */
export interface LabWorkerApi {
  /** Initialise tfjs on the best available backend and report which one is in use and why. */
  init(options?: InitOptions): Promise<BackendReport>;
}
