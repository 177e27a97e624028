/// <reference lib="webworker" />
/**
 * The lab's training worker: a thin entry that exposes the engine (workers/labApi.ts) through comlink.
 * Events cross to the UI with their Float32Array buffers transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi, TrainEventHandler } from '../src/protocol/api.ts';
import { selectBackend } from './backend.ts';
import { openCheckpointStore } from './checkpointStore.ts';
import { createDataApi } from './data/dataApi.ts';
import { createLabApi, eventTransferables } from './labApi.ts';

const engine = createLabApi({
  selectBackend,
  openStore: () => openCheckpointStore(),
  deliver: (onEvent, event) => onEvent(Comlink.transfer(event, eventTransferables(event))),
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

Comlink.expose(api);
