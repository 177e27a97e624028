/**
 * The reference model in the lab worker: src/ml/reference/referenceApi.ts over the worker's loaded folders, with
 * the model run in the align worker (./align.ts describeReferenceFace): face-api reads its results with dataSync,
 * which the lab worker's WebGPU cannot serve. Loaded on first use, like "Align faces".
 */
import type { AlignOptions } from '../../src/core/align/options.ts';
import type { DataStore } from '../../src/ml/data/dataStore.ts';
import { createReferenceApi, type ReferenceDeps } from '../../src/ml/reference/referenceApi.ts';
import type { ReferenceApi } from '../../src/protocol/reference.ts';

/** The reference API over `store`; `describe` replaces the align worker (Node tests pass face-api's Node build). */
export function createWorkerReferenceApi(store: Pick<DataStore, 'folder'>, describe?: ReferenceDeps['describe']): ReferenceApi {
  return createReferenceApi({
    store,
    describe: describe ?? (async (file: Blob, options: AlignOptions) => (await import('./align.ts')).describeReferenceFace(file, options)),
  });
}
