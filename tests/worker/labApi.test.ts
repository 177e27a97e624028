import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mapStepColumns, STEP_COLUMNS } from '../../src/core/stepColumns.ts';
import { BUILTIN_DATA } from '../../src/core/synth/index.ts';
import type { BackendReport } from '../../src/protocol/api.ts';
import type { TrainEvent } from '../../src/protocol/events.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi, eventTransferables } from '../../workers/labApi.ts';
import type { RunLocks } from '../../workers/runLock.ts';

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

/** The Web Locks of one origin, as far as acquireRunLock uses them: exclusive, `ifAvailable` answered at once. */
function sharedLocks(): RunLocks {
  const held = new Set<string>();
  const request = async (name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) => {
    if (!options.ifAvailable) throw new Error('only ifAvailable requests are modelled');
    if (held.has(name)) return callback(null);
    held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      held.delete(name);
    }
  };
  return { request: request as RunLocks['request'] };
}

const DATA = { kind: 'builtin', train: { identities: 8, imagesPerIdentity: 6, familySize: 1 }, test: { identities: 6, imagesPerIdentity: 4 } } as const;
const CONFIG = {
  model: { width: 4, embeddingDim: 16 },
  loss: { scale: 16 },
  optimizer: { lr: 0.05 },
  batchSize: 8,
  steps: 6,
  evalEvery: 0,
  evalPairs: 30,
  checkpointEvery: 0,
};

describe('lab worker API (object factory, run in Node on the CPU backend)', () => {
  it('trains, stops on request with a checkpoint in IndexedDB, resumes it to the end, embeds and evaluates', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-lab-api') });
    expect((await api.init()).backend).toBe('cpu');
    await expect(api.train(CONFIG, () => {})).rejects.toThrow(/loadData/);
    expect(await api.loadData(DATA)).toEqual({ kind: 'builtin', trainIdentities: 8, trainImages: 48, testIdentities: 6, testImages: 24 });

    const events: TrainEvent[] = [];
    const first = await api.train(CONFIG, (e) => {
      events.push(e);
      if (e.type === 'step') void api.stop();
    });
    // The stop comes with step 0's point: the run ends after the step in flight (none more on the CPU, which reads
    // each step as it is dispatched), is evaluated (a stopped run is evaluated too) and checkpointed.
    expect(first).toMatchObject({ reason: 'stopped', step: 1 });
    expect(events.map((e) => e.type)).toEqual(['step', 'eval', 'checkpoint', 'done']);
    expect(events[1]).toMatchObject({ type: 'eval', step: 1, metrics: { pairs: 30 } });
    expect(events.flatMap((e) => (e.type === 'step' ? [...e.points.step] : []))).toEqual([0]);
    const listed = await api.listCheckpoints();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ runId: first.runId, step: 1, steps: 6, backbone: 'tiny', lossKind: 'softmax' });
    expect(listed[0].seconds).toBeGreaterThan(0);

    const resumedEvents: TrainEvent[] = [];
    const resumed = await api.resumeRun(first.runId, (e) => resumedEvents.push(e));
    expect(resumed).toMatchObject({ runId: first.runId, reason: 'completed', step: 6 });
    const steps = resumedEvents.flatMap((e) => (e.type === 'step' ? [...e.points.step] : []));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    const evalEvent = resumedEvents.find((e) => e.type === 'eval');
    expect(evalEvent?.type === 'eval' && evalEvent.metrics.pairs).toBe(30);
    expect((await api.listCheckpoints())[0].step).toBe(6);

    const images = new Uint8Array(3 * 32 * 32 * 3).map((_, i) => (i * 7) % 256);
    const embeddings = await api.embed(images, 3);
    expect(embeddings).toHaveLength(3 * 16);
    for (let r = 0; r < 3; r++) {
      const row = embeddings.subarray(r * 16, r * 16 + 16);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    const again = await api.evaluate();
    expect(again.metrics.auc).toBeCloseTo(evalEvent?.type === 'eval' ? evalEvent.metrics.auc : NaN, 6);

    await api.deleteCheckpoint(first.runId);
    expect(await api.listCheckpoints()).toEqual([]);
    await expect(api.resumeRun(first.runId, () => {})).rejects.toThrow(/no checkpoint/);
  });

  it('pins the built-in faces a run trains on, and resumes a checkpoint written before runs pinned them on the faces of its day', async () => {
    const store = await openCheckpointStore('test-lab-api-legacy');
    const api = createLabApi({ selectBackend: cpuBackend, openStore: async () => store });
    await api.init();
    await api.loadData(DATA);
    const first = await api.train(CONFIG, (e) => {
      if (e.type === 'step') void api.stop();
    });
    // As a run of the day stored it: the default built-in data, no identity count (DATA's other fields kept so
    // the set stays small; the count is what the default changed).
    const stored = (await store.get(first.runId))!;
    expect(stored.numIdentities).toBe(8);
    // A run of today names all of its faces (pinned when the data was loaded).
    expect(stored.data).toEqual({
      kind: 'builtin',
      train: { identities: 8, imagesPerIdentity: 6, familySize: 1, difficulty: BUILTIN_DATA.train.difficulty },
      test: { identities: 6, imagesPerIdentity: 4, familySize: BUILTIN_DATA.test.familySize, difficulty: BUILTIN_DATA.test.difficulty },
    });
    await store.put({ ...stored, data: { kind: 'builtin', train: { imagesPerIdentity: 6, familySize: 1 }, test: DATA.test } });
    const resumed = await api.resumeRun(first.runId, () => {});
    expect(resumed).toMatchObject({ reason: 'completed', step: 6 });
    // The resumed run trained on the faces of its day: the head's 8 people, and the test split's look-alike
    // families and difficulty as the defaults held them (the checkpoint's own train fields kept).
    expect((await store.get(first.runId))!.data).toEqual({
      kind: 'builtin',
      train: { identities: 8, imagesPerIdentity: 6, familySize: 1, difficulty: 0.5 },
      test: { identities: 6, imagesPerIdentity: 4, familySize: 3, difficulty: 0.5 },
    });
  });

  it('lets one tab train a run: another tab cannot resume it while it trains (Web Lock), and can once it ended', async () => {
    // Two tabs: two worker APIs on one checkpoint database and one origin's locks.
    const locks = sharedLocks();
    const tab = () => createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-lab-api-lock'), runLocks: locks });
    const [first, second] = [tab(), tab()];
    await Promise.all([first.init(), second.init()]);
    await Promise.all([first.loadData(DATA), second.loadData(DATA)]);
    let elsewhere: Promise<unknown> | undefined;
    const running = first.train({ ...CONFIG, steps: 40, checkpointEvery: 2 }, (e) => {
      if (e.type !== 'checkpoint' || elsewhere) return;
      elsewhere = second.resumeRun(e.runId, () => {}).finally(() => void first.stop());
    });
    await expect.poll(() => elsewhere !== undefined, { timeout: 30_000 }).toBe(true);
    await expect(elsewhere).rejects.toThrow(/training in another tab/);
    const ended = await running;
    expect(ended.reason).toBe('stopped');
    // The first tab's run has ended, and its lock with it: the second tab resumes it to the end.
    expect(await second.resumeRun(ended.runId, () => {})).toMatchObject({ reason: 'completed', step: 40 });
  });

  it('answers pause once the run is parked, with every step done by then reported', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-lab-api-pause') });
    await api.init();
    await api.loadData(DATA);
    const steps: number[] = [];
    let shownWhenPaused: number[] | undefined;
    let pausing: Promise<void> | undefined;
    const running = api.train({ ...CONFIG, steps: 40 }, (e) => {
      if (e.type !== 'step') return;
      steps.push(...e.points.step);
      pausing ??= api.pause().then(() => void (shownWhenPaused = [...steps]));
    });
    await expect.poll(() => shownWhenPaused, { timeout: 30_000 }).toBeDefined();
    // Parked right after the step in flight, and nothing trains while parked.
    expect(shownWhenPaused).toEqual([0]);
    await new Promise((r) => setTimeout(r, 100));
    expect(steps).toEqual([0]);
    await api.stop();
    expect(await running).toMatchObject({ reason: 'stopped', step: 1 });
  });

  it('lists the buffers of step and eval events for transfer', () => {
    const points = mapStepColumns(() => new Float32Array(2));
    expect(eventTransferables({ type: 'step', runId: 'r', points })).toHaveLength(STEP_COLUMNS.length);
    expect(eventTransferables({ type: 'done', runId: 'r', reason: 'completed', step: 1, seconds: 1 })).toEqual([]);
  });

  it('reports a bench result on the requested backend', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-lab-bench') });
    const result = await api.bench({ backbone: 'tiny', batchSize: 2, steps: 2, inputSize: 32, backend: 'cpu' });
    expect(result).toMatchObject({ backend: 'cpu', model: 'tiny', batch: 2, size: 32, steps: 2 });
    expect(result.stepMs).toBeGreaterThan(0);
    expect(Number.isFinite(result.lastLoss)).toBe(true);
    expect(result.profile).toBeUndefined();
  });

  it('profiles the kernels of a step from the second on when asked (bench --profile)', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-lab-bench-profile') });
    const result = await api.bench({ backbone: 'tiny', batchSize: 2, steps: 2, inputSize: 32, backend: 'cpu', profile: true });
    const calls = Object.fromEntries(result.profile!.kernels.map((k) => [k.name, k.callsPerStep]));
    // The tiny CNN has 4 convolutions: a filter gradient each, an input gradient for all but the one on the image.
    expect(calls).toMatchObject({ Conv2DBackpropFilter: 4, Conv2DBackpropInput: 3 });
    // Only kernels: not the scopes tf.profile records around custom-gradient ops (the analytic batch norm's).
    for (const { name } of result.profile!.kernels) expect(tf.getKernel(name, 'cpu'), name).toBeDefined();
    expect(result.profile!.kernels.length).toBeLessThanOrEqual(15);
    expect(result.profile!.kernelMsPerStep).toBeGreaterThan(0);
    expect(result.profile!.untimedCalls).toBe(0);
    // The timed run is the bench's as without --profile.
    expect(result.steps).toBe(2);
  });
});
