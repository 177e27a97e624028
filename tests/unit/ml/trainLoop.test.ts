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
    await session.run(source, () => {}, { unreadSteps: 1 });
    session.dispose();
    expect(counts).toHaveLength(50);
    // After the first step (which makes nothing lasting either, but let warm-up be free): all equal.
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(counts[49]).toBe(counts[2]);
  });

  it('leaves no tensor behind once a session that trained is disposed', async () => {
    const before = tf.memory().numTensors;
    const session = await TrainingSession.create(microConfig({ steps: 3, batchSize: 4, model: { width: 2 } }), 8);
    await session.run(noiseBatchSource(8, 32), () => {}, {});
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throttles step events without losing a step', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 12, batchSize: 4, model: { width: 2 } }), 8);
    const events: TrainEvent[] = [];
    await session.run(noiseBatchSource(8, 32), (e) => events.push(e), { stepEventIntervalMs: 60_000 });
    session.dispose();
    const stepEvents = events.filter((e) => e.type === 'step');
    expect(stepEvents.length).toBeLessThan(12);
    expect(stepEvents.length).toBeGreaterThan(0);
    expect(stepLosses(events).steps).toEqual([...Array(12).keys()]);
    for (const e of stepEvents) if (e.type === 'step') expect(e.points.loss).toBeInstanceOf(Float32Array);
  });

  // 0: every step read as soon as it is dispatched (CPU, wasm); 1: the step before, while this one runs (WebGPU).
  it.each([0, 1])('pauses, resumes and stops after the step in flight, with progress at most %i step behind', async (unreadSteps) => {
    const session = await TrainingSession.create(microConfig({ steps: 20, batchSize: 4, model: { width: 2 } }), 8);
    const control = new TrainControl();
    const requested: number[] = [];
    const shownAtRequest: number[] = [];
    const source = observedSource(noiseBatchSource(8, 32), (step) => {
      requested.push(step);
      shownAtRequest.push(session.step);
      if (step === 2) control.pause();
      if (step === 6) control.stop();
    });
    const events: TrainEvent[] = [];
    const running = session.run(source, (e) => events.push(e), { control, unreadSteps });
    await expect.poll(() => control.pauseRequested).toBe(true);
    await control.settled();
    expect(control.isParked).toBe(true);
    expect(requested).toEqual([0, 1, 2]);
    // Parked: the step in flight when the pause came was read back and shown, nothing more is asked for.
    expect(session.step).toBe(3);
    expect(stepLosses(events).steps).toEqual([0, 1, 2]);
    control.resume();
    const result = await running;
    session.dispose();
    expect(requested).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result).toMatchObject({ reason: 'stopped', step: 7 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'stopped', step: 7 });
    expect(stepLosses(events).steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // When step k's batch is asked for, at least k − unreadSteps steps are read and shown (the one before may be in flight).
    shownAtRequest.forEach((shown, i) => expect(shown).toBeGreaterThanOrEqual(requested[i] - unreadSteps));
  });

  it('takes a stop sent as a message (a later task, as the worker receives it) after the step in flight', async () => {
    // Every await of a CPU run settles as a microtask: without a yield to the event loop per step, a message-borne
    // stop would wait for the whole run.
    const session = await TrainingSession.create(microConfig({ steps: 200, batchSize: 4, model: { width: 2 } }), 8);
    const control = new TrainControl();
    let stepAtStop = -1;
    const result = await session.run(
      noiseBatchSource(8, 32),
      (e) => {
        if (e.type !== 'step' || stepAtStop >= 0) return;
        stepAtStop = e.points.step[e.points.step.length - 1] + 1;
        setTimeout(() => control.stop(), 0);
      },
      { control, stepEventIntervalMs: 0 },
    );
    session.dispose();
    expect(result.reason).toBe('stopped');
    expect(result.step - stepAtStop).toBeLessThanOrEqual(1);
  });

  it('counts paused time out of the run time and keeps the total in its checkpoints', async () => {
    const session = await TrainingSession.create(microConfig({ steps: 4, batchSize: 4, model: { width: 2 }, checkpointEvery: 2 }), 8);
    const control = new TrainControl();
    const source = observedSource(noiseBatchSource(8, 32), (step) => {
      if (step === 1) control.pause();
    });
    const events: TrainEvent[] = [];
    const saved: number[] = [];
    const started = performance.now();
    const running = session.run(source, (e) => events.push(e), { control, saveCheckpoint: async (c) => void saved.push(c.seconds ?? NaN) });
    await expect.poll(() => control.pauseRequested).toBe(true);
    await control.settled();
    await new Promise((r) => setTimeout(r, 400));
    control.resume();
    await running;
    const wall = (performance.now() - started) / 1000;
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done event');
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.map((e) => e.step)).toEqual([2, 4]);
    // The last checkpoint is written at the end of the run: its time is the run's whole time so far.
    expect(saved).toHaveLength(2);
    expect(saved[1]).toBeGreaterThanOrEqual(saved[0]);
    expect(session.seconds).toBeCloseTo(done.seconds, 1);
    // The 0.4 s pause is not in it.
    expect(done.seconds).toBeLessThan(wall - 0.35);
    for (const e of checkpoints) if (e.type === 'checkpoint') expect(e.elapsed).toBeGreaterThan(0);
    session.dispose();
  });
});
