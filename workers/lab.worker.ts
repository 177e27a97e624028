/// <reference lib="webworker" />
/**
 * The lab's training worker: a thin entry that exposes the engine (workers/labApi.ts) through comlink.
 * Events cross to the UI with their Float32Array buffers transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../src/protocol/api.ts';
import { selectBackend } from './backend.ts';
import { openCheckpointStore } from './checkpointStore.ts';
import { createDataApi } from './data/dataApi.ts';
import { createLabApi, eventTransferables } from './labApi.ts';

const api = {
  ...createLabApi({
    selectBackend,
    openStore: () => openCheckpointStore(),
    deliver: (onEvent, event) => onEvent(Comlink.transfer(event, eventTransferables(event))),
  }),
  data: createDataApi(),
} satisfies LabWorkerApi;

Comlink.expose(api);
