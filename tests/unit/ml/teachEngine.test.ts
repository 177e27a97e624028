/**
 * The engine side of the teaching views: live changes of margin and learning rate between
 * steps (recorded in history and checkpoint), and the geometry/angle statistics of an evaluation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { angleToCentres } from '../../../src/core/angleStats.ts';
import { createSynthDataset } from '../../../src/core/synth/index.ts';
import type { TrainCheckpoint } from '../../../src/protocol/api.ts';
import type { TrainEvent } from '../../../src/protocol/events.ts';
import { TrainControl } from '../../../src/ml/train/control.ts';
import { makeTestSet } from '../../../src/ml/train/data.ts';
import { probeShape, synthProbe } from '../../../src/ml/train/geometry.ts';
import { TrainingSession } from '../../../src/ml/train/session.ts';
import { MICRO_IDENTITIES, microConfig, microSource, observedSource, stepLosses, useCpu } from './trainHelpers.ts';

beforeAll(useCpu);

describe('live changes', () => {
  it('apply from the next step dispatched, are reported, recorded and kept in the checkpoint', async () => {
    const config = microConfig({ steps: 5, loss: { kind: 'arcface', marginDeg: 5 }, optimizer: { lr: 0.05, schedule: { kind: 'constant' } } });
    const unchanged = await TrainingSession.create(config, MICRO_IDENTITIES);
    const plainEvents: TrainEvent[] = [];
    await unchanged.run(microSource(), (e) => plainEvents.push(e), {});
    unchanged.dispose();

    const session = await TrainingSession.create(config, MICRO_IDENTITIES);
    const control = new TrainControl();
    const events: TrainEvent[] = [];
    const saved: TrainCheckpoint[] = [];
    // Asked for while step 3's batch is drawn: it applies to step 3, the next step dispatched.
    const source = observedSource(microSource(), (step) => step === 3 && control.setLive({ marginDeg: 50, lr: 0.01 }));
    await session.run(source, (e) => events.push(e), { control, saveCheckpoint: async (c) => void saved.push(structuredClone(c)) });

    const live = events.filter((e) => e.type === 'live');
    expect(live).toEqual([{ type: 'live', runId: session.runId, step: 3, params: { marginDeg: 50, lr: 0.01 }, loss: { ...config.loss, marginDeg: 50 }, lr: 0.01 }]);
    expect(session.history.map((p) => p.lr)).toEqual([0.05, 0.05, 0.05, 0.01, 0.01].map((v) => expect.closeTo(v, 7)));
    // Same steps before the change, a larger loss at the step the 50° margin first applies to.
    const plain = stepLosses(plainEvents).losses;
    const changed = stepLosses(events).losses;
    expect(changed.slice(0, 3)).toEqual(plain.slice(0, 3));
    expect(changed[3]).toBeGreaterThan(plain[3] + 0.5);
    expect(session.liveChanges).toEqual([{ step: 3, params: { marginDeg: 50, lr: 0.01 } }]);
    expect(saved.at(-1)?.liveChanges).toEqual([{ step: 3, params: { marginDeg: 50, lr: 0.01 } }]);
    const restored = await TrainingSession.fromCheckpoint(saved.at(-1)!);
    expect(restored.liveValues()).toEqual({ loss: { ...config.loss, marginDeg: 50 }, lr: 0.01 });
    restored.dispose();
    session.dispose();
  });

  it('are checked against the run’s loss before they are queued', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 1 }), MICRO_IDENTITIES);
    expect(() => session.checkLive({ marginDeg: 30 })).toThrow(/this softmax run has no marginDeg/);
    expect(() => session.checkLive({ lr: -1 })).toThrow(/lr must be/);
    expect(() => session.checkLive({ lr: 0.2 })).not.toThrow();
    session.dispose();
  });
});

describe('evaluation geometry', () => {
  const trainSpec = { seed: 5, identities: MICRO_IDENTITIES, imagesPerIdentity: 8, size: 32, familySize: 1 };
  const test = () => ({
    ...makeTestSet(createSynthDataset({ seed: 6, identities: 6, imagesPerIdentity: 4, size: 32, familySize: 1 }), 40, 1),
    probe: synthProbe(createSynthDataset(trainSpec).spec),
  });

  it('draws held-out photos of the training people: new pixels, every identity, the documented count', () => {
    const probe = synthProbe(createSynthDataset(trainSpec).spec);
    const { perIdentity } = probeShape(MICRO_IDENTITIES);
    expect(probe.images.count).toBe(MICRO_IDENTITIES * perIdentity);
    expect(new Set(Array.from({ length: probe.images.count }, (_, i) => probe.images.itemIdentity(i)))).toEqual(new Set([...Array(MICRO_IDENTITIES).keys()]));
    const train = createSynthDataset(trainSpec);
    const firstProbe = Buffer.from(probe.images.render(0) as Uint8Array).toString('base64');
    const trainImages = Array.from({ length: 8 }, (_, i) => Buffer.from(train.render(i)).toString('base64'));
    expect(trainImages).not.toContain(firstProbe);
    expect(probeShape(300)).toEqual({ identities: 50, perIdentity: 3 });
  });

  it('sends unit 2-D embeddings with their centres, and angle statistics that agree with them', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 2, model: { embeddingDim: 2 } }), MICRO_IDENTITIES);
    const event = await session.evaluate(test());
    const g = event.geometry!;
    expect(g).toMatchObject({ space: 'embedding', dim: 2, embeddingDim: 2 });
    expect(g.identities.length).toBe(g.points.length / 2);
    expect(Array.from(g.centreIds)).toEqual([...Array(MICRO_IDENTITIES).keys()]);
    for (let i = 0; i < g.identities.length; i++) expect(Math.hypot(g.points[2 * i], g.points[2 * i + 1])).toBeCloseTo(1, 5);
    const intra = angleToCentres(g.points, g.identities, g.centres, 2);
    const stats = event.angleStats!;
    expect(stats.intraMeanDeg).toBeCloseTo(intra.reduce((s, a) => s + a, 0) / intra.length, 3);
    expect(g.thetaY.counts.reduce((s, c) => s + c, 0)).toBe(g.identities.length);
    for (const value of Object.values(stats)) expect(Number.isFinite(value)).toBe(true);
    expect(stats.interMinDeg).toBeLessThanOrEqual(stats.interMeanDeg);
    expect(session.evals.at(-1)?.angleStats).toEqual(stats);
    session.dispose();
  });

  it('projects 16-d runs to 2-D by PCA and says so', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 2 }), MICRO_IDENTITIES);
    const event = await session.evaluate(test());
    expect(event.geometry).toMatchObject({ space: 'pca', dim: 2, embeddingDim: 16 });
    expect(event.geometry!.points.length).toBe(2 * event.geometry!.identities.length);
    expect(event.geometry!.explained![0]).toBeGreaterThanOrEqual(event.geometry!.explained![1]);
    // Without a probe: pair statistics and inter-class angles only, no figure.
    const bare = await session.evaluate(makeTestSet(createSynthDataset({ seed: 6, identities: 6, imagesPerIdentity: 4, size: 32, familySize: 1 }), 40, 1));
    expect(bare.geometry).toBeUndefined();
    expect(bare.angleStats!.intraMeanDeg).toBeNaN();
    expect(Number.isFinite(bare.angleStats!.negativeMeanDeg)).toBe(true);
    session.dispose();
  });
});
