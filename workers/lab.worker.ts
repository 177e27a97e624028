/// <reference lib="webworker" />
/**
 * The lab's training worker: a thin entry that exposes the engine (workers/labApi.ts) through comlink.
 * Events cross to the UI with their Float32Array buffers transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi, LabWorkerFatal, LabWorkerName, LabWorkerTestHooks, TrainEventHandler } from '../src/protocol/api.ts';
import { selectBackend } from './backend.ts';
import { openCheckpointStore } from './checkpointStore.ts';
import { createDataApi } from './data/dataApi.ts';
import { createDeviceLossWatch } from './deviceLoss.ts';
import { createLabApi, eventTransferables } from './labApi.ts';

// A lost WebGPU device ends this worker for the page (src/ui/worker/labBridge.ts replaces it and the run resumes from
// its checkpoint): tfjs cannot go on without one, and a worker that kept answering would train on garbage.
const gpu = createDeviceLossWatch((reason) => self.postMessage({ marginLabFatal: reason } satisfies LabWorkerFatal));

const engine = createLabApi({
  selectBackend: async (options) => {
    const report = await selectBackend(options);
    gpu.watch(report);
    return report;
  },
  openStore: async () => {
    const store = await openCheckpointStore();
    return {
      ...store,
      // Weights read back after the loss may be garbage: never let them replace the last good checkpoint.
      async put(checkpoint) {
        if (gpu.lost) throw new Error(`${gpu.lost}: the checkpoint at step ${checkpoint.step} was not stored`);
        await store.put(checkpoint);
      },
    };
  },
  deliver: (onEvent, event) => gpu.deliver(event, () => onEvent(Comlink.transfer(event, eventTransferables(event)))),
});

/** Runs `call`, then releases the page's event callback (each comlink proxy holds a message channel open). */
async function releasingCallback<T>(onEvent: TrainEventHandler, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } finally {
    (onEvent as Partial<Comlink.Remote<TrainEventHandler>>)[Comlink.releaseProxy]?.();
  }
}

const api = {
  ...engine,
  train: (config, onEvent) => releasingCallback(onEvent, () => engine.train(config, onEvent)),
  resumeRun: (runId, onEvent) => releasingCallback(onEvent, () => engine.resumeRun(runId, onEvent)),
  data: createDataApi(),
} satisfies LabWorkerApi;

/** Fault injection for browser tests, exposed only when the page started this worker for `?test-hooks`. */
const testHooks: LabWorkerTestHooks = {
  loseGpuDevice: async () => gpu.destroy(),
};

Comlink.expose(self.name === ('margin-lab+test-hooks' satisfies LabWorkerName) ? { ...api, ...testHooks } : api);
