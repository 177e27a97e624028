/** The runs store on fake-indexeddb: round trip with typed arrays, order, replace, delete, and failures. */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGINE_CHECKPOINT_DB_NAME, RUNS_DB_NAME, RunsStoreError, openRunsStore, type RunsStore } from '../../../src/ui/runs/runsStore.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import type { StepPoints } from '../../../src/protocol/events.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { STEP_COLUMNS } from '../../../src/core/stepColumns.ts';

const COLUMNS = STEP_COLUMNS;

function history(n: number): StepPoints {
  const out = {} as StepPoints;
  COLUMNS.forEach((name, c) => (out[name] = Float32Array.from({ length: n }, (_, i) => i + c / 10)));
  return out;
}

function makeRun(id: string, startedAt: string, step = 10): RunRecord {
  const metrics = {
    pairs: 100,
    positives: 50,
    negatives: 50,
    auc: 0.9123,
    eer: 0.15,
    eerThreshold: 0.3,
    tarAtFar: { '0.001': 0.4 },
    bestAccuracy: 0.86,
    bestThreshold: 0.31,
    tenFoldMean: 0.85,
    tenFoldStd: 0.02,
  };
  return {
    id,
    label: `run ${id}`,
    config: parseTrainConfig({}),
    dataLabel: 'built-in synthetic faces',
    backend: 'webgpu',
    startedAt,
    seconds: 12.5,
    status: 'completed',
    step,
    history: history(step),
    evals: [{ step, metrics }],
    lastEval: {
      step,
      metrics,
      roc: { fpr: new Float32Array([0, 0.5, 1]), tpr: new Float32Array([0, 0.9, 1]), thresholds: new Float32Array([Infinity, 0.3, -1]) },
      angles: { binDeg: 90, positives: new Float32Array([40, 10]), negatives: new Float32Array([5, 45]) },
    },
    warnings: [{ step: 5, code: 'collapse', message: 'accuracy near chance' }],
  };
}

/**
 * The class tag of a value. IndexedDB's structured clone makes its typed arrays in Node's realm while jsdom
 * tests see another realm's Float32Array, so instanceof and toEqual would fail on equal arrays; the tag does not.
 */
const tag = (value: unknown) => Object.prototype.toString.call(value);

/** A deep copy with every typed array replaced by its tag and values, for realm-independent comparison. */
function tagged(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return { [tag(value)]: Array.from(value as Float32Array) };
  if (Array.isArray(value)) return value.map(tagged);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tagged(v)]));
  return value;
}

let dbCount = 0;
const freshName = () => `margin-lab-test-${++dbCount}`;
const stores: RunsStore[] = [];
async function open(name = freshName()): Promise<RunsStore> {
  const store = await openRunsStore({ name });
  stores.push(store);
  return store;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  while (stores.length) stores.pop()!.close();
});

describe('runs store', () => {
  it('uses its own database name, not the engine checkpoint database', () => {
    expect(RUNS_DB_NAME).toBe('margin-lab');
    expect(ENGINE_CHECKPOINT_DB_NAME).not.toBe(RUNS_DB_NAME);
  });

  it('round-trips a run with its Float32Array history, ROC and histograms', async () => {
    const store = await open();
    const run = makeRun('a', '2025-01-01T10:00:00.000Z', 7);
    await store.put(run);
    const [back] = await store.list();
    expect(tagged(back)).toEqual(tagged(run));
    expect(tag(back.history.loss)).toBe('[object Float32Array]');
    expect(Array.from(back.history.thetaDeg)).toEqual(Array.from(run.history.thetaDeg));
    expect(back.lastEval!.roc.thresholds[0]).toBe(Infinity);
    expect(tag(back.lastEval!.angles.negatives)).toBe('[object Float32Array]');
  });

  it('lists newest first, ties by id, and put replaces a run with the same id', async () => {
    const store = await open();
    await store.put(makeRun('old', '2025-01-01T09:00:00.000Z'));
    await store.put(makeRun('new', '2025-03-01T09:00:00.000Z'));
    await store.put(makeRun('mid-a', '2025-02-01T09:00:00.000Z'));
    await store.put(makeRun('mid-b', '2025-02-01T09:00:00.000Z'));
    expect((await store.list()).map((r) => r.id)).toEqual(['new', 'mid-b', 'mid-a', 'old']);
    await store.put({ ...makeRun('old', '2025-01-01T09:00:00.000Z', 42), status: 'stopped' });
    const runs = await store.list();
    expect(runs).toHaveLength(4);
    expect(runs[3]).toMatchObject({ id: 'old', step: 42, status: 'stopped' });
    expect(runs[3].history.step).toHaveLength(42);
  });

  it('saves a run in a single transaction', async () => {
    const store = await open();
    await store.list(); // connection open
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await store.put(makeRun('a', '2025-01-01T00:00:00.000Z'));
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(transaction.mock.calls[0][1]).toBe('readwrite');
  });

  it('deletes one run and clears all', async () => {
    const store = await open();
    for (const id of ['a', 'b', 'c']) await store.put(makeRun(id, `2025-01-0${id.charCodeAt(0) - 96}T00:00:00.000Z`));
    await store.delete('b');
    expect((await store.list()).map((r) => r.id)).toEqual(['c', 'a']);
    await store.delete('missing'); // not an error
    await store.clear();
    expect(await store.list()).toEqual([]);
  });

  it('keeps the data across connections and reopens after close', async () => {
    const name = freshName();
    const first = await open(name);
    await first.put(makeRun('kept', '2025-01-01T00:00:00.000Z'));
    first.close();
    expect((await first.list()).map((r) => r.id)).toEqual(['kept']);
    const second = await open(name);
    expect((await second.list()).map((r) => r.id)).toEqual(['kept']);
  });

  it("works while the engine's checkpoint database is open too", async () => {
    const engine = await openDB(ENGINE_CHECKPOINT_DB_NAME, 3, {
      upgrade: (db) => void db.createObjectStore('checkpoints', { keyPath: 'runId' }),
    });
    const store = await openRunsStore(); // the real name
    stores.push(store);
    await store.put(makeRun('x', '2025-01-01T00:00:00.000Z'));
    await engine.put('checkpoints', { runId: 'x', step: 10 });
    expect((await store.list()).map((r) => r.id)).toEqual(['x']);
    expect(await engine.get('checkpoints', 'x')).toEqual({ runId: 'x', step: 10 });
    await store.clear();
    engine.close();
  });

  it('gives way to a newer schema in another tab and then says to reload', async () => {
    const name = freshName();
    const store = await open(name);
    await store.put(makeRun('a', '2025-01-01T00:00:00.000Z'));
    const newer = await openDB(name, 2); // would wait forever if the store did not close its connection
    newer.close();
    const failure = await store.list().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RunsStoreError);
    expect(failure).toMatchObject({ code: 'blocked', userMessage: expect.stringMatching(/reload this page/) });
  });
});

describe('when IndexedDB is unavailable', () => {
  it('rejects with a RunsStoreError the UI can show (no IndexedDB at all)', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const failure = await openRunsStore({ name: freshName() }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RunsStoreError);
    expect(failure).toMatchObject({ code: 'unavailable', userMessage: expect.stringMatching(/private window.*lost on reload/) });
  });

  it('maps a refused open (SecurityError, as in private modes) to unavailable', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    await expect(openRunsStore({ name: freshName() })).rejects.toMatchObject({ name: 'RunsStoreError', code: 'unavailable' });
  });

  it('maps a full disk on put to quota, with a way out in the message', async () => {
    const store = await open();
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const failure = await store.put(makeRun('a', '2025-01-01T00:00:00.000Z')).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'quota', userMessage: expect.stringMatching(/storage is full.*delete old runs/) });
  });
});
