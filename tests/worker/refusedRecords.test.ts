/**
 * The worker API names the records its stores refuse: a foreign checkpoint and a foreign saved-model
 * summary come back from listRefusedRecords with their store, key and reason, while the good ones still list.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../../src/protocol/api.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { openModelStore } from '../../workers/models/modelStore.ts';

const cpu = async (): Promise<BackendReport> => ({ backend: 'cpu', attempts: [], tfjsVersion: 'test' });

/** Puts `value` into `store` of database `name` as it is, past the lab's own stores. */
function writeRaw(name: string, store: string, value: unknown) {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction(store, 'readwrite');
      tx.objectStore(store).put(value);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

describe('listRefusedRecords', () => {
  it('names refused checkpoints and saved models with their reasons, and nothing when all are whole', async () => {
    const [checkpoints, models] = ['refused-checkpoints', 'refused-models'];
    // Create both databases with their stores.
    (await openCheckpointStore(checkpoints)).close();
    (await openModelStore(models)).close();
    const api = createLabApi({ selectBackend: cpu, openStore: () => openCheckpointStore(checkpoints), openModelStore: () => openModelStore(models) });
    expect(await api.listRefusedRecords()).toEqual([]);

    await writeRaw(checkpoints, 'checkpoints', { runId: 'foreign-run', hello: 'from another app' });
    await writeRaw(models, 'summaries', { id: 'foreign-model', something: 'else' });
    expect(await api.listRefusedRecords()).toEqual([
      { store: 'checkpoint', key: 'foreign-run', reason: 'it is not a Margin Lab checkpoint (format undefined, version undefined)' },
      { store: 'saved model', key: 'foreign-model', reason: 'its label is not text' },
    ]);
    expect(await api.listCheckpoints()).toEqual([]);
    expect(await api.listModels()).toEqual([]);
  });
});
