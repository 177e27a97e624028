/**
 * Checkpoints in IndexedDB (through `idb`): one record per run, the latest, keyed by runId, so a page
 * reload can list them and resume. Records are TrainCheckpoint objects as they are (ArrayBuffers and
 * JSON values clone into IndexedDB without conversion).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CheckpointSummary, TrainCheckpoint } from '../src/protocol/api.ts';

/** Database and store names (bump the version when the record shape changes). */
export const CHECKPOINT_DB = 'margin-lab-checkpoints';
export const CHECKPOINT_DB_VERSION = 1;
const STORE = 'checkpoints';

interface CheckpointSchema extends DBSchema {
  checkpoints: { key: string; value: TrainCheckpoint };
}

/** Bytes of weights and optimiser state in a checkpoint. */
export function checkpointBytes(c: TrainCheckpoint): number {
  return [...c.model, c.head, ...c.optimizer.slots].reduce((sum, r) => sum + r.data.byteLength, 0);
}

/** The listing of a checkpoint. */
export function summarize(c: TrainCheckpoint): CheckpointSummary {
  return {
    runId: c.runId,
    step: c.step,
    steps: c.config.steps,
    savedAt: c.savedAt,
    backbone: c.config.model.backbone,
    lossKind: c.config.loss.kind,
    bytes: checkpointBytes(c),
    ...(c.seconds === undefined ? {} : { seconds: c.seconds }),
  };
}

/** The operations the worker needs. */
export interface CheckpointStore {
  put(checkpoint: TrainCheckpoint): Promise<void>;
  get(runId: string): Promise<TrainCheckpoint | undefined>;
  /** Newest first. */
  list(): Promise<CheckpointSummary[]>;
  delete(runId: string): Promise<void>;
  close(): void;
}

/** Opens (creating when needed) the checkpoint store in the global indexedDB (fake-indexeddb in Node tests). */
export async function openCheckpointStore(name = CHECKPOINT_DB): Promise<CheckpointStore> {
  const db: IDBPDatabase<CheckpointSchema> = await openDB<CheckpointSchema>(name, CHECKPOINT_DB_VERSION, {
    // A newer lab in another tab needs this connection closed to upgrade: close it rather than stall that tab
    // (this tab's later calls then fail with a clear error and a reload picks up the new version).
    blocking() {
      db.close();
    },
    upgrade(database) {
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE, { keyPath: 'runId' });
    },
  });
  return {
    async put(checkpoint) {
      await db.put(STORE, checkpoint);
    },
    get: (runId) => db.get(STORE, runId),
    async list() {
      // Reads whole records: fine for a handful of runs; a summary index can come when runs pile up.
      const all = await db.getAll(STORE);
      return all.map(summarize).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    async delete(runId) {
      await db.delete(STORE, runId);
    },
    close: () => db.close(),
  };
}
