/**
 * Checkpoints in IndexedDB (through `idb`): one record per run, the latest, keyed by runId, so a page
 * reload can list them and resume. Records are TrainCheckpoint objects as they are (ArrayBuffers and
 * JSON values clone into IndexedDB without conversion).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CheckpointSummary, TrainCheckpoint } from '../src/protocol/api.ts';
import { checkpointProblem, checkRecords, isQuotaError, STORAGE_FULL_MESSAGE, type RefusedRecord } from '../src/core/storedRecords.ts';

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
  /** Stores (or replaces) a run's checkpoint in one transaction: a failed write leaves the previous one whole. */
  put(checkpoint: TrainCheckpoint): Promise<void>;
  /** The run's checkpoint; throws with the reason when the stored record is corrupt or foreign. */
  get(runId: string): Promise<TrainCheckpoint | undefined>;
  /** Newest first; corrupt or foreign records are left out (see `refused`). */
  list(): Promise<CheckpointSummary[]>;
  /** The records `list` leaves out, with the reason each was refused. */
  refused(): Promise<RefusedRecord[]>;
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
  /** Every record, checked: one bad record is refused with its reason, the others still list. */
  const checked = async () => {
    // Reads whole records: fine for a handful of runs; a summary index can come when runs pile up.
    const tx = db.transaction(STORE, 'readonly');
    const [keys, records] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
    return checkRecords<TrainCheckpoint>(keys, records, checkpointProblem);
  };
  return {
    async put(checkpoint) {
      // One put in one readwrite transaction (idb awaits its commit): a quota error or a crash mid-write aborts
      // it whole, so the previous checkpoint stays and no half-written one is ever read back.
      try {
        await db.put(STORE, checkpoint);
      } catch (err) {
        if (isQuotaError(err)) throw new Error(STORAGE_FULL_MESSAGE, { cause: err });
        throw err;
      }
    },
    async get(runId) {
      const record: unknown = await db.get(STORE, runId);
      if (record === undefined) return undefined;
      const problem = checkpointProblem(record);
      if (problem) throw new Error(`the stored checkpoint of run '${runId}' cannot be used: ${problem}`);
      return record as TrainCheckpoint;
    },
    async list() {
      return (await checked()).good.map(summarize).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    refused: async () => (await checked()).refused,
    async delete(runId) {
      await db.delete(STORE, runId);
    },
    close: () => db.close(),
  };
}
