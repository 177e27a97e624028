/**
 * Saved models in IndexedDB (database MODELS_DB): the listing and the model zips in two object
 * stores, so listing reads summaries only (a ResNet50 zip is about 100 MB). A model is stored as the
 * very .zip it exports (src/ml/modelIo.ts), so export is a read and import is a checked write.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SavedModelSummary } from '../../src/protocol/models.ts';
import type { ModelStore } from '../../src/ml/verify/modelsApi.ts';
import { checkRecords, isQuotaError, savedModelProblem, STORAGE_FULL_MESSAGE } from '../../src/core/storedRecords.ts';

/** Database name and version (bump the version, with a migration, when the stores change). */
export const MODELS_DB = 'margin-lab-models';
export const MODELS_DB_VERSION = 1;

interface ModelsSchema extends DBSchema {
  summaries: { key: string; value: SavedModelSummary };
  zips: { key: string; value: ArrayBuffer };
}

/** Opens (creating when needed) the model store in the global indexedDB (fake-indexeddb in Node tests). */
export async function openModelStore(name = MODELS_DB): Promise<ModelStore> {
  const db: IDBPDatabase<ModelsSchema> = await openDB<ModelsSchema>(name, MODELS_DB_VERSION, {
    // A newer lab in another tab needs this connection closed to upgrade: close it rather than stall that tab
    // (this tab's later calls then fail with a clear error and a reload picks up the new version).
    blocking() {
      db.close();
    },
    upgrade(database) {
      if (!database.objectStoreNames.contains('summaries')) database.createObjectStore('summaries', { keyPath: 'id' });
      if (!database.objectStoreNames.contains('zips')) database.createObjectStore('zips');
    },
  });
  const checked = async () => {
    const tx = db.transaction('summaries', 'readonly');
    const [keys, records] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
    return checkRecords<SavedModelSummary>(keys, records, savedModelProblem);
  };
  return {
    async put(summary, zip) {
      const tx = db.transaction(['summaries', 'zips'], 'readwrite');
      // A copy of exactly the zip's bytes (the view may sit in a larger buffer). Summary and zip commit together
      // or not at all (a quota error aborts both).
      try {
        await Promise.all([tx.objectStore('summaries').put(summary), tx.objectStore('zips').put(zip.slice().buffer, summary.id), tx.done]);
      } catch (err) {
        if (isQuotaError(err)) throw new Error(STORAGE_FULL_MESSAGE, { cause: err });
        throw err;
      }
    },
    async list() {
      return (await checked()).good.sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.id.localeCompare(b.id));
    },
    refused: async () => (await checked()).refused,
    summary: (id) => db.get('summaries', id),
    async zip(id) {
      const buffer: unknown = await db.get('zips', id);
      if (buffer === undefined) return undefined;
      // A foreign value is refused here; broken zip bytes are refused with their reason by loadModelZip.
      if (!(buffer instanceof ArrayBuffer)) throw new Error(`the saved model '${id}' is not stored as zip bytes: delete it and save or import it again`);
      return new Uint8Array(buffer);
    },
    async delete(id) {
      const tx = db.transaction(['summaries', 'zips'], 'readwrite');
      await Promise.all([tx.objectStore('summaries').delete(id), tx.objectStore('zips').delete(id), tx.done]);
    },
    close: () => db.close(),
  };
}
