/**
 * The runs table's storage: every RunRecord in IndexedDB (database 'margin-lab', object store 'runs', keyed
 * by id), so runs survive a reload. Structured clone keeps the Float32Array histories as they are.
 *
 * The engine keeps its checkpoints (weights, optimiser state) in a database of its own, named by
 * ENGINE_CHECKPOINT_DB_NAME, in the worker: two databases never block each other's upgrades.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord } from './runRecord.ts';
import { checkRunRecords, type RefusedRun } from './runRecordCheck.ts';

/** The UI's database. */
export const RUNS_DB_NAME = 'margin-lab';
/** The database name the engine's checkpoint store must use (not this one). */
export const ENGINE_CHECKPOINT_DB_NAME = 'margin-lab-checkpoints';
/** Schema version of RUNS_DB_NAME: bump it, with a migration in `upgrade`, when the stores change. */
export const RUNS_DB_VERSION = 1;
const STORE = 'runs';

interface RunsDb extends DBSchema {
  runs: { key: string; value: RunRecord };
}

/** Why the store cannot work, for the UI to show. */
export type RunsStoreErrorCode = 'unavailable' | 'blocked' | 'quota' | 'failed';

/** A storage failure with a sentence the UI can show as it is. */
export class RunsStoreError extends Error {
  override readonly name = 'RunsStoreError';

  constructor(
    /** 'unavailable': no IndexedDB (private window, disabled storage); 'blocked': another tab holds an older or newer version
     * open; 'quota': the browser's storage is full; 'failed': anything else. */
    readonly code: RunsStoreErrorCode,
    /** One sentence for the user, saying what still works. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

/** The saved runs. Every call opens the database again if the browser closed it meanwhile. */
export interface RunsStore {
  /** Every saved run whose record is whole, newest first (by startedAt, then id). */
  list(): Promise<RunRecord[]>;
  /** `list`'s runs, and the stored records it leaves out (corrupt or foreign) with the reason each was refused. */
  listChecked(): Promise<{ runs: RunRecord[]; refused: RefusedRun[] }>;
  /** Saves or replaces a run: one transaction, cheap enough for every evaluation. */
  put(run: RunRecord): Promise<void>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
  /** Closes the connection (later calls reopen it). */
  close(): void;
}

/** Options for tests: another database name so tests do not share state. */
export interface OpenRunsStoreOptions {
  name?: string;
}

const UNAVAILABLE = 'This browser does not let the page store data (a private window, or storage is turned off): runs will be lost on reload.';

function toStoreError(err: unknown, action: string): RunsStoreError {
  if (err instanceof RunsStoreError) return err;
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  const detail = err instanceof Error ? err.message : String(err);
  if (name === 'QuotaExceededError') {
    return new RunsStoreError('quota', `The browser's storage is full, so the run could not be ${action}: delete old runs to make room.`, { cause: err });
  }
  if (name === 'SecurityError' || name === 'InvalidStateError') return new RunsStoreError('unavailable', UNAVAILABLE, { cause: err });
  if (name === 'VersionError') {
    return new RunsStoreError('blocked', 'A newer version of the lab changed the saved runs in another tab: reload this page.', { cause: err });
  }
  return new RunsStoreError('failed', `Runs could not be ${action} (${detail || name || 'unknown error'}).`, { cause: err });
}

async function connect(name: string, onLost: () => void): Promise<IDBPDatabase<RunsDb>> {
  if (typeof indexedDB === 'undefined' || indexedDB === null) throw new RunsStoreError('unavailable', UNAVAILABLE);
  let reportBlocked: (err: RunsStoreError) => void = () => undefined;
  const blockedSignal = new Promise<never>((_resolve, reject) => (reportBlocked = reject));
  let opening: Promise<IDBPDatabase<RunsDb>> | undefined;
  try {
    opening = openDB<RunsDb>(name, RUNS_DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: 'id' });
      },
      // An older tab keeps the database open: the open request would wait for it indefinitely.
      blocked() {
        reportBlocked(new RunsStoreError('blocked', 'Another tab of the lab holds an older version of the saved runs open: close it and reload.'));
      },
      // Another tab wants a newer schema: let it have the database, reopen on the next call.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase).close();
        onLost();
      },
      terminated: onLost,
    });
    return await Promise.race([opening, blockedSignal]);
  } catch (err) {
    // If the blocked request still succeeds later, nobody holds that connection: close it.
    void opening?.then(
      (db) => db.close(),
      () => undefined,
    );
    throw toStoreError(err, 'opened');
  }
}

/**
 * Opens (creating on first use) the runs database. Rejects with a RunsStoreError when IndexedDB is missing
 * or refuses (private mode); later calls reject with RunsStoreError too, never with a bare DOMException.
 */
export async function openRunsStore(options: OpenRunsStoreOptions = {}): Promise<RunsStore> {
  const name = options.name ?? RUNS_DB_NAME;
  let db: Promise<IDBPDatabase<RunsDb>> | undefined;
  const lost = () => {
    db = undefined;
  };
  const database = () =>
    (db ??= connect(name, lost).catch((err: unknown) => {
      db = undefined;
      throw err;
    }));
  await database();

  const run = async <T>(action: string, body: (d: IDBPDatabase<RunsDb>) => Promise<T>): Promise<T> => {
    try {
      return await body(await database());
    } catch (err) {
      throw toStoreError(err, action);
    }
  };

  const listChecked = () =>
    run('read', async (d) => {
      const tx = d.transaction(STORE, 'readonly');
      const [keys, records] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
      // One corrupt record is refused with its reason; the rest of the runs still load.
      const { runs, refused } = checkRunRecords(keys, records);
      // Sorted here rather than through an index. ISO times compare as plain strings (code units, not locale collation).
      const key = (r: RunRecord) => `${r.startedAt}\u0000${r.id}`;
      return { runs: runs.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0)), refused };
    });

  return {
    list: async () => (await listChecked()).runs,
    listChecked,
    put: (record) => run('saved', async (d) => void (await d.put(STORE, record))),
    delete: (id) => run('deleted', (d) => d.delete(STORE, id)),
    clear: () => run('cleared', (d) => d.clear(STORE)),
    close: () => {
      const current = db;
      db = undefined;
      void current?.then(
        (d) => d.close(),
        () => undefined,
      );
    },
  };
}
