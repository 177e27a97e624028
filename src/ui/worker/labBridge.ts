/**
 * The one place that owns the lab worker: it starts the module worker and wraps it with comlink.
 * The rest of the UI calls the typed LabWorkerApi and never sees postMessage.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../../protocol/api.ts';

/** A started worker with its typed remote API; terminate() is the hard stop when a graceful stop is not enough. */
export interface LabWorkerHandle {
  api: Comlink.Remote<LabWorkerApi>;
  /**
   * Rejects when the worker dies or its script cannot load (comlink calls would then wait forever): race long
   * calls against it.
   */
  failed: Promise<never>;
  terminate(): void;
}

/** Start a fresh lab worker. */
export function startLabWorker(): LabWorkerHandle {
  const worker = new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module', name: 'margin-lab' });
  const api = Comlink.wrap<LabWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`the training worker stopped: ${event.message || 'it could not start or crashed (out of memory?)'}`));
    });
  });
  failed.catch(() => undefined); // observed by whoever races against it; never an unhandled rejection
  return {
    api,
    failed,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
