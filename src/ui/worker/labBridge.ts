/**
 * The one place that owns the lab worker: it starts the module worker and wraps it with comlink.
 * The rest of the UI calls the typed LabWorkerApi and never sees postMessage.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi, LabWorkerFatal, LabWorkerName, LabWorkerTestHooks } from '../../protocol/api.ts';

/** A started worker with its typed remote API; terminate() is the hard stop when a graceful stop is not enough. */
export interface LabWorkerHandle {
  api: Comlink.Remote<LabWorkerApi>;
  /**
   * Rejects when the worker dies, its script cannot load, or it says it cannot go on (its GPU device was lost:
   * "the GPU device was lost: …"); comlink calls would then wait forever: race long calls against it.
   */
  failed: Promise<never>;
  terminate(): void;
}

/** What a page opened with `?test-hooks` offers browser tests on `window.__marginLab`. */
export interface LabTestHooks {
  /** Kills the current lab worker as a crash would (its `failed` rejects), to test the page's recovery. */
  terminateWorker(): void;
  /**
   * Destroys the current worker's WebGPU device (`device.destroy()`), as a driver reset would: the worker reports the
   * loss and dies, to test the same recovery. Resolves false when the worker is not on WebGPU.
   */
  loseGpuDevice(): Promise<boolean>;
}

declare global {
  interface Window {
    __marginLab?: LabTestHooks;
  }
}

/** Whether the page was opened for a browser test (`?test-hooks`): only then are fault hooks installed. */
const testHooksWanted = () => typeof window !== 'undefined' && new URLSearchParams(window.location.search).has('test-hooks');

const isFatal = (data: unknown): data is LabWorkerFatal => typeof (data as Partial<LabWorkerFatal> | null)?.marginLabFatal === 'string';

/** Start a fresh lab worker. */
export function startLabWorker(): LabWorkerHandle {
  const hooks = testHooksWanted();
  // The name tells the worker whether to expose its fault hooks (workers/lab.worker.ts): only for a test page.
  const name: LabWorkerName = hooks ? 'margin-lab+test-hooks' : 'margin-lab';
  const worker = new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module', name });
  const remote = Comlink.wrap<LabWorkerApi & LabWorkerTestHooks>(worker);
  const api: Comlink.Remote<LabWorkerApi> = remote;
  let die: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    die = reject;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`the training worker stopped: ${event.message || 'it could not start or crashed (out of memory?)'}`));
    });
    // A worker that cannot go on says why (its GPU device was lost): as good as dead, the page replaces it.
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isFatal(event.data)) reject(new Error(event.data.marginLabFatal));
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
  if (hooks) {
    window.__marginLab = {
      terminateWorker() {
        worker.terminate();
        die(new Error('the training worker stopped: it was terminated'));
      },
      // The worker has this method: it was started with the test-hooks name above.
      loseGpuDevice: () => remote.loseGpuDevice(),
    };
  }
  return { api, failed, terminate };
}
