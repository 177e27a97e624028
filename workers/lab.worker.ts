/// <reference lib="webworker" />
/**
 * The lab's training worker: a thin entry that picks the tfjs backend and exposes the engine through comlink.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../src/protocol/api.ts';
import { selectBackend } from './backend.ts';

const api = {
  init: (options) => selectBackend(options),
} satisfies LabWorkerApi;

Comlink.expose(api);
