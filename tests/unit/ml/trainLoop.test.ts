import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSynthDataset } from '../../../src/core/synth/index.ts';
import type { TrainEvent } from '../../../src/protocol/events.ts';
import { TrainControl } from '../../../src/ml/train/control.ts';
import { makeTestSet, noiseBatchSource } from '../../../src/ml/train/data.ts';
import { TrainingSession } from '../../../src/ml/train/session.ts';
import { MICRO_IDENTITIES, microConfig, microSource, observedSource, stepLosses, useCpu } from './trainHelpers.ts';

beforeAll(useCpu);

describe('training loop on the tfjs CPU backend', () => {
  it('lowers the loss on the built-in synthetic faces in 30 steps and evaluates at the end', async () => {
    const config = microConfig({ steps: 30 });
    const session = await TrainingSession.create(config, MICRO_IDENTITIES);
    const test = makeTestSet(createSynthDataset({ seed: 6, identities: 8, imagesPerIdentity: 4, size: 32, familySize: 1 }), 40, 1);
    const events: TrainEvent[] = [];
    const result = await session.run(microSource(), (e) => events.push(e), { test });
    session.dispose();
    expect(result).toMatchObject({ reason: 'completed', step: 30 });
    const { steps, losses } = stepLosses(events);
    expect(steps).toEqual([...Array(30).keys()]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Measured: first five ≈ 2.7, last five ≈ 0.9 (ln 8 = 2.08 is chance for 8 classes at s = 16).
    expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 5)));
    const evalEvent = events.find((e) => e.type === 'eval');
    expect(evalEvent?.type === 'eval' && evalEvent.metrics.pairs).toBe(40);
    expect(evalEvent?.type === 'eval' && evalEvent.angles.positives.reduce((a, b) => a + b, 0)).toBe(20);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed', step: 30 });
  });

  it('keeps the tensor count flat over 50 steps', async () => {
    const config = microConfig({ steps: 50, batchSize: 4, model: { width: 2 }, optimizer: { kind: 'adam', lr: 0.001 } });
    const session = await TrainingSession.create(config, 8);
    const counts: number[] = [];
    const source = observedSource(noiseBatchSource(8, 32), () => counts.push(tf.memory().numTensors));
    await session.run(source, () => {}, { readEvery: 1 });
    session.dispose();
    expect(counts).toHaveLength(50);
    // After the first step (which makes nothing lasting either, but let warm-up be free): all equal.
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(counts[49]).toBe(counts[2]);
  });

  it('throttles step events without losing a step', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 12, batchSize: 4, model: { width: 2 } }), 8);
    const events: TrainEvent[] = [];
    await session.run(noiseBatchSource(8, 32), (e) => events.push(e), { stepEventIntervalMs: 60_000, readEvery: 3 });
    session.dispose();
    const stepEvents = events.filter((e) => e.type === 'step');
    expect(stepEvents.length).toBeLessThan(12);
    expect(stepEvents.length).toBeGreaterThan(0);
    expect(stepLosses(events).steps).toEqual([...Array(12).keys()]);
    for (const e of stepEvents) if (e.type === 'step') expect(e.points.loss).toBeInstanceOf(Float32Array);
  });

  it('pauses between batches, resumes, and stops after the current batch', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 20, batchSize: 4, model: { width: 2 } }), 8);
    const control = new TrainControl();
    const requested: number[] = [];
    const source = observedSource(noiseBatchSource(8, 32), (step) => {
      requested.push(step);
      if (step === 2) control.pause();
      if (step === 6) control.stop();
    });
    const events: TrainEvent[] = [];
    const running = session.run(source, (e) => events.push(e), { control, readEvery: 4 });
    for (let i = 0; i < 10_000 && !control.isParked; i++) await new Promise((r) => setTimeout(r, 5));
    expect(control.isParked).toBe(true);
    expect(requested).toEqual([0, 1, 2]);
    // Parked: the steps before the pause were read back, nothing more is asked for.
    expect(session.step).toBe(3);
    control.resume();
    const result = await running;
    session.dispose();
    expect(requested).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result).toMatchObject({ reason: 'stopped', step: 7 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'stopped', step: 7 });
    expect(stepLosses(events).steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
