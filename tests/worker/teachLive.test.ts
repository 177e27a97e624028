/** The worker API side of the teaching views: setLive on a running run, and eval events with angle statistics and geometry. */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../../src/protocol/api.ts';
import type { TrainEvent } from '../../src/protocol/events.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi, eventTransferables } from '../../workers/labApi.ts';

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

const DATA = { kind: 'builtin', train: { identities: 6, imagesPerIdentity: 6, familySize: 1 }, test: { identities: 6, imagesPerIdentity: 4 } } as const;
const CONFIG = {
  model: { width: 4, embeddingDim: 3 },
  loss: { kind: 'arcface', scale: 16, marginDeg: 20 },
  optimizer: { lr: 0.05 },
  batchSize: 8,
  steps: 6,
  evalEvery: 0,
  evalPairs: 30,
  flipEval: false,
  checkpointEvery: 0,
} as const;

describe('lab worker API: live changes and geometry', () => {
  it('queues a checked live change for the running run and sends 3-D geometry with the evaluation', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-teach-live') });
    await api.init();
    await expect(api.setLive({ marginDeg: 30 })).rejects.toThrow(/no run is training/);
    await api.loadData(DATA);
    const events: TrainEvent[] = [];
    const refusals: string[] = [];
    let asked = false;
    const result = await api.train(CONFIG, (e) => {
      events.push(e);
      if (e.type === 'step' && !asked) {
        asked = true;
        void api.setLive({ alpha: 2 }).catch((err: Error) => refusals.push(err.message));
        void api.setLive({ marginDeg: 35 });
      }
    });
    expect(result.reason).toBe('completed');
    expect(refusals).toEqual(['this arcface run has no alpha to change (it reads marginDeg, lr)']);
    const live = events.filter((e) => e.type === 'live');
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ params: { marginDeg: 35 }, loss: { kind: 'arcface', marginDeg: 35 }, lr: 0.05 });
    const evaluation = events.find((e) => e.type === 'eval');
    if (evaluation?.type !== 'eval') throw new Error('no eval event');
    expect(evaluation.geometry).toMatchObject({ space: 'embedding', dim: 3, embeddingDim: 3 });
    // Held-out photos of all 6 training people (probeShape: 16 each).
    expect(evaluation.geometry!.identities.length).toBe(6 * 16);
    expect(Array.from(evaluation.geometry!.centreIds)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Number.isFinite(evaluation.angleStats!.intraMeanDeg)).toBe(true);
    // Every array of the event is transferred, none twice.
    const buffers = eventTransferables(evaluation);
    expect(buffers).toHaveLength(10);
    expect(buffers).toContain(evaluation.geometry!.points.buffer);
  });
});
