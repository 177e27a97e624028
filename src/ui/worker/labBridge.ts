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

/** What a page opened with `?test-hooks` offers browser tests on `window.__marginLab`. */
export interface LabTestHooks {
  /** Kills the current lab worker as a crash would (its `failed` rejects), to test the page's recovery. */
  terminateWorker(): void;
}

declare global {
  interface Window {
    __marginLab?: LabTestHooks;
  }
}

/** Whether the page was opened for a browser test (`?test-hooks`): only then are fault hooks installed. */
const testHooksWanted = () => typeof window !== 'undefined' && new URLSearchParams(window.location.search).has('test-hooks');

/** Start a fresh lab worker. */
export function startLabWorker(): LabWorkerHandle {
  const worker = new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module', name: 'margin-lab' });
  const api = Comlink.wrap<LabWorkerApi>(worker);
  let die: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    die = reject;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`the training worker stopped: ${event.message || 'it could not start or crashed (out of memory?)'}`));
    });
  });
  // Observed by whoever races against it; never an unhandled rejection.
  let dead = false;
  failed.catch(() => (dead = true));
  const terminate = () => {
    // A dead worker's proxy is left unreleased: panels still holding it until the page re-renders would otherwise
    // throw ("Proxy has been released") in the middle of React's commit; their calls just never answer, as any
    // call to a dead worker.
    if (!dead) api[Comlink.releaseProxy]();
    worker.terminate();
  };
  // A test kills the worker the way a crash ends it for the page: gone, and `failed` says so. Never installed in
  // normal use, so no page script can end a user's run through it.
  if (testHooksWanted()) {
    window.__marginLab = {
      terminateWorker() {
        worker.terminate();
        die(new Error('the training worker stopped: it was terminated'));
      },
    };
  }
  return { api, failed, terminate };
}
