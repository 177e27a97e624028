/**
 * The backend probe's real half in Node on the CPU backend: measureTrainingSpeed times real training steps of a
 * model shape within the time box, and the lab worker's API asks for the probe when a run starts (auto mode) and
 * for `bench` without a backend, and refuses to switch backends under a training run.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_BUDGET } from '../../src/core/backendProbe.ts';
import { parseTrainConfig } from '../../src/core/trainConfig.ts';
import type { BackendReport, InitOptions } from '../../src/protocol/api.ts';
import { measureTrainingSpeed, probeShapeOf } from '../../src/ml/train/probe.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi } from '../../workers/labApi.ts';

const MICRO = parseTrainConfig({ model: { width: 4, embeddingDim: 16 }, batchSize: 8, steps: 100, evalEvery: 0, evalPairs: 30, checkpointEvery: 0 });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measureTrainingSpeed (CPU backend in Node)', () => {
  it('times a warm-up and the timed steps at the run batch, leaving no tensors behind', async () => {
    const budget = { ...DEFAULT_PROBE_BUDGET, budgetMs: 60_000 };
    const probe = await measureTrainingSpeed(MICRO, 8, undefined, budget);
    expect(probe).toMatchObject({ batch: 8, steps: DEFAULT_PROBE_BUDGET.timedSteps });
    expect(probe.stopped).toBeUndefined();
    expect(probe.imgPerSec).toBeGreaterThan(0);
    // Each of the probe's two sessions (scout, full batch) leaves one tensor behind: TrainingSession.create + dispose
    // does so on its own, without a step (measured here, a defect of the session); the probe's steps add none.
    const before = tf.memory().numTensors;
    await measureTrainingSpeed(MICRO, 8, undefined, budget);
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2);
  });

  it('stops after the scout steps when the backend cannot beat the best so far', async () => {
    const probe = await measureTrainingSpeed(MICRO, 8, 1e9);
    expect(probe).toMatchObject({ batch: DEFAULT_PROBE_BUDGET.scoutBatch, steps: 1, stopped: expect.stringMatching(/^clearly slower/) });
  });

  it('stops after the first timed step when it is clearly slower, or out of time', async () => {
    let t = 0;
    // A fake clock that advances 1 s per reading, one reading after each step (batch 2 needs no scout): the box starts
    // after the warm-up, and the first timed step ends 1 s into a 1 s box: another would overrun it.
    const two = parseTrainConfig({ batchSize: 2 }, MICRO);
    const probe = await measureTrainingSpeed(two, 8, undefined, { ...DEFAULT_PROBE_BUDGET, budgetMs: 1000 }, () => (t += 1000));
    expect(probe).toMatchObject({ batch: 2, steps: 1, stopped: expect.stringMatching(/out of the probe's 1 s after 1 timed step/) });
    // Clearly slower: any measured rate is far below a best of 1e9 img/s.
    const slower = await measureTrainingSpeed(two, 8, 1e9);
    expect(slower).toMatchObject({ batch: 2, steps: 1, stopped: expect.stringMatching(/^clearly slower than the best/) });
  });

  it('keys the cache by what sets a step’s cost', () => {
    expect(probeShapeOf(MICRO, 8)).toEqual({
      backbone: 'tiny',
      width: 4,
      inputSize: 32,
      embeddingDim: 16,
      embeddingNorm: MICRO.model.embeddingNorm,
      batchSize: 8,
      numIdentities: 8,
      optimizer: MICRO.optimizer.kind,
    });
  });
});

describe('the lab worker asks for the probe', () => {
  const DATA = { kind: 'builtin', train: { identities: 8, imagesPerIdentity: 6, familySize: 1 }, test: { identities: 6, imagesPerIdentity: 4 } } as const;
  const CONFIG = { model: { width: 4, embeddingDim: 16 }, loss: { scale: 16 }, batchSize: 8, steps: 2, evalEvery: 0, evalPairs: 30, checkpointEvery: 0 };

  function recordingApi() {
    const calls: (InitOptions | undefined)[] = [];
    const selectBackend = async (options?: InitOptions): Promise<BackendReport> => {
      calls.push(options);
      await tf.setBackend('cpu');
      const probes = options?.probe ? [{ backend: 'cpu' as const, imgPerSec: 1, batch: 8, steps: 3 }] : undefined;
      return { backend: 'cpu', attempts: [], tfjsVersion: tf.version.tfjs, ...(probes ? { probes, choice: 'measured' as const } : {}) };
    };
    return { calls, api: createLabApi({ selectBackend, openStore: () => openCheckpointStore('test-backend-probe') }) };
  }

  it('when a run starts, with the run’s config and its data’s identities, and refuses a switch while it trains', async () => {
    const { api, calls } = recordingApi();
    await api.loadData(DATA);
    let refusal: Promise<unknown> | undefined;
    await api.train(CONFIG, (e) => {
      if (e.type === 'step' && !refusal) refusal = api.init({ preferred: ['wasm'] }).catch((err: Error) => err.message);
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.probe?.numIdentities).toBe(8);
    expect(parseTrainConfig(calls[0]?.probe?.config)).toMatchObject({ batchSize: 8, model: { width: 4, embeddingDim: 16 } });
    expect(await refusal).toMatch(/a run is training: change the backend when it has ended/);
    expect(calls).toHaveLength(1); // the refused init never reached the backend
  });

  it('for `bench` without a backend, and reports the probes with the result; a named backend pins it', async () => {
    const { api, calls } = recordingApi();
    const auto = await api.bench({ backbone: 'tiny', batchSize: 4, steps: 2, inputSize: 32, width: 4 });
    expect(calls[0]?.probe).toMatchObject({ numIdentities: 64, config: { batchSize: 4 } });
    expect(auto).toMatchObject({ backend: 'cpu', steps: 2, probes: [{ backend: 'cpu', imgPerSec: 1 }] });
    const pinned = await api.bench({ backbone: 'tiny', batchSize: 4, steps: 2, inputSize: 32, width: 4, backend: 'cpu' });
    expect(calls[1]).toEqual({ preferred: ['cpu'] });
    expect(pinned).not.toHaveProperty('probes');
  });
});
