/** The engine's side of the step columns: the metrics vector, step points, events and checkpoint history all follow the table. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_STEP_COLUMNS, mapStepColumns, STEP_COLUMNS, type StepPoint } from '../../../src/core/stepColumns.ts';
import type { StepEvent, TrainEvent } from '../../../src/protocol/events.ts';
import { historyPoints, historyRecord } from '../../../src/ml/train/checkpoint.ts';
import { TrainingSession } from '../../../src/ml/train/session.ts';
import { packPoints, StepEventBuffer } from '../../../src/ml/train/stepBuffer.ts';
import { STEP_METRIC_COUNT, STEP_METRICS, stepPointOf } from '../../../src/ml/train/trainStep.ts';
import { MICRO_IDENTITIES, microConfig, microSource, useCpu } from './trainHelpers.ts';

beforeAll(useCpu);

/** Distinct values per column, so a column read from the wrong place shows. */
const point = (offset: number): StepPoint => mapStepColumns((name) => offset + STEP_COLUMNS.indexOf(name) / 16);

describe('step columns in the engine', () => {
  it('places the device columns in table order in the metrics vector, then the health flag', () => {
    expect(DEVICE_STEP_COLUMNS.map((name) => STEP_METRICS[name])).toEqual(DEVICE_STEP_COLUMNS.map((_, i) => i));
    expect(STEP_METRICS.healthy).toBe(DEVICE_STEP_COLUMNS.length);
    expect(STEP_METRIC_COUNT).toBe(DEVICE_STEP_COLUMNS.length + 1);
  });

  it('builds a step point from the metrics row and the loop values', () => {
    const row = Float32Array.from({ length: STEP_METRIC_COUNT }, (_, i) => 100 + i);
    const got = stepPointOf(row, { step: 7, lr: 0.5, marginRamp: 0.25, imagesPerSec: 42 });
    expect(Object.keys(got)).toEqual(STEP_COLUMNS);
    expect(got).toMatchObject({ step: 7, lr: 0.5, marginRamp: 0.25, imagesPerSec: 42 });
    for (const name of DEVICE_STEP_COLUMNS) expect(got[name], name).toBe(100 + STEP_METRICS[name]);
  });

  it('packs every column into step events and checkpoint history, and reads the history back', () => {
    const points = [point(0), point(1), point(2)];
    const packed = packPoints(points);
    expect(Object.keys(packed)).toEqual(STEP_COLUMNS);
    for (const name of STEP_COLUMNS) expect(Array.from(packed[name]), name).toEqual(points.map((p) => Math.fround(p[name])));
    const events: StepEvent[] = [];
    const buffer = new StepEventBuffer(
      'r',
      (e) => events.push(e),
      1000,
      () => 0,
    );
    points.forEach((p) => buffer.add(p));
    buffer.flush();
    expect(events.map((e) => e.points.step.length)).toEqual([1, 2]);
    const record = historyRecord(points);
    expect(Object.keys(record)).toEqual(STEP_COLUMNS);
    expect(historyPoints(record)).toEqual(points.map((p) => mapStepColumns((name) => Math.fround(p[name]))));
    expect(() => historyPoints({ ...record, lr: new Float32Array(2).buffer })).toThrow(/differ in length/);
  });

  it('fills each column with its own quantity in a real run (intra loss)', async () => {
    const config = microConfig({ steps: 2, batchSize: 8, model: { width: 2 }, loss: { kind: 'intra', alpha: 1 } });
    const session = await TrainingSession.create(config, MICRO_IDENTITIES);
    const events: TrainEvent[] = [];
    await session.run(microSource(), (e) => events.push(e), { stepEventIntervalMs: 0 });
    session.dispose();
    const steps = events.filter((e): e is StepEvent => e.type === 'step').map((e) => e.points);
    expect(steps.length).toBeGreaterThan(0);
    for (const p of steps) {
      for (let i = 0; i < p.step.length; i++) {
        expect(p.loss[i]).toBeCloseTo(p.crossEntropy[i] + p.intraPenalty[i] + p.regularization[i], 4);
        // α/(πN)·Σθ_y with α = 1 is the mean θ_y in half-turns: ties the penalty and θ_y columns to their quantities.
        expect(p.intraPenalty[i]).toBeCloseTo(p.thetaDeg[i] / 180, 3);
        expect(p.regularization[i]).toBeGreaterThan(0);
        expect(p.accuracy[i]).toBeGreaterThanOrEqual(0);
        expect(p.accuracy[i]).toBeLessThanOrEqual(1);
        expect(p.thetaDeg[i]).toBeGreaterThan(1);
        expect(p.thetaDeg[i]).toBeLessThan(180);
        expect(p.lr[i]).toBeCloseTo(config.optimizer.lr, 6);
        expect(p.gradNorm[i]).toBeGreaterThan(0);
      }
    }
    expect(steps.flatMap((p) => Array.from(p.step))).toEqual([0, 1]);
  });
});
