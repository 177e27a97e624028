/**
 * Faults through the lab worker API, in Node on the CPU backend with fake-indexeddb: a corrupt or foreign
 * checkpoint or saved model in IndexedDB is refused with a reason while the rest still lists; a full disk on a
 * checkpoint write is a warning, training goes on, and the previous checkpoint stays whole; a NaN batch and a far
 * too high learning rate stop the run with the last good weights.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendReport, TrainCheckpoint } from '../../src/protocol/api.ts';
import type { TrainEvent } from '../../src/protocol/events.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { openModelStore } from '../../workers/models/modelStore.ts';
import { MAX_MODEL_ZIP_BYTES } from '../../src/ml/modelZipChecks.ts';
import type * as Preprocess from '../../src/ml/preprocess.ts';

/** Which training batch (counted from the arming) gets NaN pixels; -1: none. */
const poison = vi.hoisted(() => ({ at: -1, seen: 0, batchSize: 8 }));

// Pixels are bytes, so a NaN batch cannot come from data: it is made where the batch becomes a float tensor.
vi.mock('../../src/ml/preprocess.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof Preprocess>();
  const tfjs = await import('@tensorflow/tfjs');
  return {
    ...actual,
    preprocessFor: ((backbone, images) => {
      const out = actual.preprocessFor(backbone, images);
      if (poison.at < 0 || images.rank !== 4 || images.shape[0] !== poison.batchSize) return out;
      return poison.seen++ === poison.at ? tfjs.add(out, tfjs.scalar(Number.NaN)) : out;
    }) as typeof actual.preprocessFor,
  };
});

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

const DATA = { kind: 'builtin', train: { identities: 8, imagesPerIdentity: 6, familySize: 1 }, test: { identities: 6, imagesPerIdentity: 4 } } as const;
/** A constant learning rate, so a run cut at step k has the weights of a run of k steps. */
const CONFIG = {
  model: { width: 4, embeddingDim: 16 },
  loss: { kind: 'softmax', scale: 16 },
  optimizer: { kind: 'sgd', lr: 0.05, schedule: { kind: 'constant' } },
  batchSize: 8,
  steps: 8,
  evalEvery: 0,
  evalPairs: 30,
  checkpointEvery: 0,
} as const;

/** Deterministic probe images (5 × 32 px). */
const probe = Uint8Array.from({ length: 5 * 32 * 32 * 3 }, (_, i) => (i * 53 + (i >> 5)) % 256);

let dbCount = 0;
async function labApi(openModelStoreName?: string) {
  const name = `faults-${++dbCount}`;
  const api = createLabApi({
    selectBackend: cpuBackend,
    openStore: () => openCheckpointStore(name),
    ...(openModelStoreName ? { openModelStore: () => openModelStore(openModelStoreName) } : {}),
  });
  await api.init();
  await api.loadData(DATA);
  return { api, name };
}

/** Trains `config` and returns the result with every event. */
async function train(api: Awaited<ReturnType<typeof labApi>>['api'], config: object) {
  const events: TrainEvent[] = [];
  const result = await api.train(config, (e) => void events.push(e));
  return { result, events };
}

/** Embeddings of the probe images by a fresh run of exactly `steps` steps (the weights "after step steps − 1"). */
async function referenceEmbedding(config: object, steps: number): Promise<Float32Array> {
  const { api } = await labApi();
  const { result } = await train(api, { ...config, steps });
  expect(result).toMatchObject({ reason: 'completed', step: steps });
  return api.embed(probe, 5);
}

afterEach(() => {
  poison.at = -1;
  poison.seen = 0;
  vi.restoreAllMocks();
});

describe('faults through the lab worker API', () => {
  it('a NaN batch stops the run at that step with the weights of the step before', async () => {
    const { api } = await labApi();
    poison.at = 3;
    const { result, events } = await train(api, CONFIG);
    poison.at = -1;
    expect(result).toMatchObject({ reason: 'diverged', step: 3 });
    const diverged = events.find((e) => e.type === 'diverged');
    expect(diverged).toMatchObject({ step: 3, lastGoodStep: 3 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'diverged', step: 3 });
    const embedded = await api.embed(probe, 5);
    expect(embedded.every(Number.isFinite)).toBe(true);
    expect(embedded).toEqual(await referenceEmbedding(CONFIG, 3));
  });

  it('a far too high learning rate stops the run at the first non-finite step with the weights of the step before', async () => {
    const { api, name } = await labApi();
    const wild = { ...CONFIG, optimizer: { ...CONFIG.optimizer, lr: 1e30 } };
    const { result, events } = await train(api, wild);
    expect(result.reason).toBe('diverged');
    const diverged = events.find((e) => e.type === 'diverged');
    expect(diverged?.type === 'diverged' && diverged.message).toMatch(/training stopped, the weights are those after step/);
    const step = result.step;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(CONFIG.steps);
    // The weights kept are finite and exactly those of a run of `step` steps (read back through a checkpoint).
    const weightsOf = async (lab: { api: typeof api; name: string }) => {
      await lab.api.saveCheckpoint();
      const store = await openCheckpointStore(lab.name);
      const [summary] = await store.list();
      const checkpoint = (await store.get(summary.runId))!;
      store.close();
      return checkpoint.model.map((r) => new Float32Array(r.data));
    };
    const kept = await weightsOf({ api, name });
    expect(kept.every((w) => w.every(Number.isFinite))).toBe(true);
    const reference = await labApi();
    // Its closing evaluation fails, saying why (the kept weights are finite but so large that embeddings overflow),
    // which leaves the weights of its `step` steps in place to compare.
    const ref = await train(reference.api, { ...wild, steps: step });
    expect(ref.result.step).toBe(step);
    const failure = ref.events.find((e) => e.type === 'error');
    expect(failure?.type === 'error' && failure.message).toMatch(/embedding of test image \d+ is not finite: its weights have overflowed/);
    expect(kept).toEqual(await weightsOf(reference));
  });

  it('a full disk on a checkpoint write warns, training goes on, and the previous checkpoint is read back whole', async () => {
    const { api, name } = await labApi();
    const config = { ...CONFIG, checkpointEvery: 2, steps: 6 };
    // The second checkpoint write (step 4) finds the disk full, as a browser reports it.
    const put = IDBObjectStore.prototype.put;
    let puts = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'checkpoints' && ++puts === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    const { result, events } = await train(api, config);
    vi.restoreAllMocks();
    expect(result).toMatchObject({ reason: 'completed', step: 6 });
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'checkpoint',
        step: 4,
        message: expect.stringMatching(/^checkpoint not stored: the browser's storage for this site is full \(QuotaExceededError\)/),
      }),
    ]);
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.step)).toEqual([2, 6]);
    // What is read back is a whole checkpoint: the last one stored, never the refused write.
    const store = await openCheckpointStore(name);
    const stored = (await store.get(result.runId))!;
    expect(stored.step).toBe(6);
    expect(await store.refused()).toEqual([]);
    store.close();
  });

  it('a full disk during a write leaves the previous checkpoint whole (the write is one transaction)', async () => {
    const { api, name } = await labApi();
    const first = await train(api, { ...CONFIG, steps: 2, checkpointEvery: 2 });
    const store = await openCheckpointStore(name);
    const before = (await store.get(first.result.runId))!;
    // A write that fails inside its transaction, after its put was queued: the transaction aborts whole.
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      this.transaction.abort();
      return request;
    });
    await expect(store.put({ ...before, step: 99, model: before.model.slice(0, 1) })).rejects.toThrow();
    vi.restoreAllMocks();
    const after = (await store.get(first.result.runId))!;
    expect(after.step).toBe(before.step);
    expect(after.model.length).toBe(before.model.length);
    store.close();
  });

  it('a corrupt or foreign checkpoint is refused with a reason while the other runs still list and resume', async () => {
    const { api, name } = await labApi();
    const good = await train(api, { ...CONFIG, steps: 2, checkpointEvery: 2 });
    const store = await openCheckpointStore(name);
    const record = (await store.get(good.result.runId))!;
    const raw = (db: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(db);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const db = await raw(name);
    const write = (value: unknown) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('checkpoints', 'readwrite');
        tx.objectStore('checkpoints').put(value);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    const broken: [string, unknown, RegExp][] = [
      ['foreign', { runId: 'foreign', hello: 'from another app' }, /not a Margin Lab checkpoint/],
      ['truncated', { ...record, runId: 'truncated', model: record.model.map((r, i) => (i === 2 ? { ...r, data: r.data.slice(0, 8) } : r)) }, /model tensor 2 holds 8 bytes/],
      ['bad-config', { ...record, runId: 'bad-config', config: { ...record.config, batchSize: -1 } }, /config is invalid/],
      ['no-head', { ...record, runId: 'no-head', head: null } as unknown as TrainCheckpoint, /class head is not a tensor record/],
    ];
    for (const [, value] of broken) await write(value);
    db.close();

    const listed = await api.listCheckpoints();
    expect(listed.map((c) => c.runId)).toEqual([good.result.runId]);
    const refused = await store.refused();
    for (const [runId, , reason] of broken) {
      expect(refused.find((r) => r.key === runId)?.reason).toMatch(reason);
      await expect(api.resumeRun(runId, () => {})).rejects.toThrow(new RegExp(`stored checkpoint of run '${runId}' cannot be used: .*${reason.source}`));
    }
    // The good run still resumes to its end.
    const resumed = await api.resumeRun(good.result.runId, () => {});
    expect(resumed).toMatchObject({ reason: 'completed', step: 2 });
    store.close();
  });

  it('a corrupt saved model is refused with a reason while the others still list and load; an oversized import is not read', async () => {
    const modelsDb = `faults-models-${++dbCount}`;
    const { api } = await labApi(modelsDb);
    await train(api, { ...CONFIG, steps: 2 });
    const saved = await api.saveModel('good');
    const models = await openModelStore(modelsDb);
    const zip = (await models.zip(saved.id))!;
    // A summary with a foreign shape, and a model whose zip bytes are garbage.
    await models.put({ ...saved, id: 'garbage', label: 'garbage' }, new Uint8Array([80, 75, 5, 6, 1, 2, 3]));
    const raw = await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open(modelsDb);
      request.onsuccess = () => resolve(request.result);
    });
    await new Promise<void>((resolve) => {
      const tx = raw.transaction(['summaries', 'zips'], 'readwrite');
      tx.objectStore('summaries').put({ id: 'foreign', something: 'else' });
      tx.objectStore('zips').put('not bytes', 'not-bytes');
      tx.objectStore('summaries').put({ ...saved, id: 'not-bytes' });
      tx.oncomplete = () => resolve();
    });
    raw.close();

    expect((await api.listModels()).map((m) => m.id).sort()).toEqual(['garbage', 'not-bytes', saved.id].sort());
    expect(await models.refused()).toEqual([{ key: 'foreign', reason: 'its label is not text' }]);
    await expect(api.describeModel({ kind: 'saved', id: 'garbage' })).rejects.toThrow(/^not a Margin Lab model: the file is not a readable \.zip/);
    await expect(api.describeModel({ kind: 'saved', id: 'not-bytes' })).rejects.toThrow(/is not stored as zip bytes/);
    expect((await api.describeModel({ kind: 'saved', id: saved.id })).label).toBe('good');
    expect(zip.byteLength).toBe(saved.bytes);

    // An import larger than any model zip is refused by its size, before it is read into memory.
    class HugeFile extends Blob {
      override get size() {
        return MAX_MODEL_ZIP_BYTES + 1;
      }
      override arrayBuffer(): Promise<ArrayBuffer> {
        throw new Error('read into memory');
      }
    }
    await expect(api.importModel(new HugeFile(['x']), 'huge.zip')).rejects.toThrow(/^not a Margin Lab model: the file is \d+ MiB, more than the \d+ MiB a model zip may be/);
    models.close();
  });
});
