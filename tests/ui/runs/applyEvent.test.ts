import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { StepPoints, TrainConfig } from '../../../src/protocol/api.ts';
import { applyTrainEvent, emptyHistory, newRunRecord } from '../../../src/ui/runs/applyEvent.ts';

const config = structuredClone(DEFAULT_TRAIN_CONFIG) as TrainConfig;
const start = () => newRunRecord({ id: 'r1', label: 'test', config, dataLabel: 'built-in', backend: 'cpu', startedAt: '2026-01-01T00:00:00Z' });

function points(steps: number[], loss: number[]): StepPoints {
  const h = emptyHistory();
  const out = {} as Record<keyof StepPoints, Float32Array>;
  for (const k of Object.keys(h) as (keyof StepPoints)[]) out[k] = new Float32Array(steps.length);
  out.step = Float32Array.from(steps);
  out.loss = Float32Array.from(loss);
  return out;
}

describe('applyTrainEvent', () => {
  it('appends only the new step points, in order', () => {
    let run = applyTrainEvent(start(), { type: 'step', runId: 'r1', points: points([0, 1], [5, 4]) });
    run = applyTrainEvent(run, { type: 'step', runId: 'r1', points: points([2], [3]) });
    expect(Array.from(run.history.step)).toEqual([0, 1, 2]);
    expect(Array.from(run.history.loss)).toEqual([5, 4, 3]);
    expect(run.step).toBe(3);
  });

  it('keeps every evaluation and the latest in full', () => {
    const metrics = {
      pairs: 4,
      positives: 2,
      negatives: 2,
      auc: 0.75,
      eer: 0.5,
      eerThreshold: 0.3,
      tarAtFar: {},
      bestAccuracy: 0.75,
      bestThreshold: 0.3,
      tenFoldMean: 0.7,
      tenFoldStd: 0.1,
    };
    const roc = { fpr: new Float32Array([0, 1]), tpr: new Float32Array([0, 1]), thresholds: new Float32Array([Infinity, 0]) };
    const angles = { binDeg: 90, positives: new Float32Array([2, 0]), negatives: new Float32Array([0, 2]) };
    let run = applyTrainEvent(start(), { type: 'eval', runId: 'r1', step: 10, metrics, roc, angles, flipEval: false, seconds: 1 });
    run = applyTrainEvent(run, { type: 'eval', runId: 'r1', step: 20, metrics: { ...metrics, auc: 0.9 }, roc, angles, flipEval: false, seconds: 1 });
    expect(run.evals.map((e) => [e.step, e.metrics.auc])).toEqual([
      [10, 0.75],
      [20, 0.9],
    ]);
    expect(run.lastEval?.step).toBe(20);
    expect(run.lastEval?.metrics.auc).toBe(0.9);
  });

  it('records warnings, divergence, errors and how the run ended', () => {
    const warned = applyTrainEvent(start(), { type: 'warning', runId: 'r1', step: 300, code: 'collapse', message: 'accuracy near chance' });
    expect(warned.warnings).toEqual([{ step: 300, code: 'collapse', message: 'accuracy near chance' }]);
    expect(applyTrainEvent(warned, { type: 'done', runId: 'r1', reason: 'stopped', step: 310, seconds: 12 })).toMatchObject({ status: 'stopped', step: 310, seconds: 12 });
    expect(applyTrainEvent(start(), { type: 'diverged', runId: 'r1', step: 7, lastGoodStep: 7, loss: NaN, message: 'NaN loss' })).toMatchObject({
      status: 'diverged',
      message: 'NaN loss',
    });
    expect(applyTrainEvent(start(), { type: 'error', runId: 'r1', message: 'no kernel' })).toMatchObject({ status: 'error', message: 'no kernel' });
  });

  it("keeps the run's time at every checkpoint and evaluation, on top of the time before a resume", () => {
    // A run resumed after 30 s of training: its events report the new call's own time.
    const resumed = { ...start(), seconds: 30 };
    const checkpointed = applyTrainEvent(resumed, { type: 'checkpoint', runId: 'r1', step: 15, bytes: 1, elapsed: 4 }, 30);
    expect(checkpointed.seconds).toBe(34);
    const evaluated = applyTrainEvent(
      checkpointed,
      {
        type: 'eval',
        runId: 'r1',
        step: 20,
        metrics: {} as never,
        flipEval: false,
        seconds: 1,
        elapsed: 6,
        roc: { fpr: new Float32Array(0), tpr: new Float32Array(0), thresholds: new Float32Array(0) },
        angles: { binDeg: 1, positives: new Float32Array(0), negatives: new Float32Array(0) },
      },
      30,
    );
    expect(evaluated.seconds).toBe(36);
    // The end counts from the resume too, not from the last checkpoint's figure.
    expect(applyTrainEvent(evaluated, { type: 'done', runId: 'r1', reason: 'completed', step: 40, seconds: 9 }, 30).seconds).toBe(39);
  });
});

describe('resuming an interrupted run', () => {
  it('truncateRun drops the points and evaluations after the checkpoint step', async () => {
    const { truncateRun } = await import('../../../src/ui/runs/applyEvent.ts');
    const { makeRun } = await import('../fixtures.ts');
    const run = makeRun('r', { steps: 6, auc: 0.9 }); // evaluated at step 6
    const cut = truncateRun(run, 4);
    expect(Array.from(cut.history.step)).toEqual([0, 1, 2, 3]);
    expect(Array.from(cut.history.loss)).toEqual([5, 4, 3, 2]);
    expect(cut.evals).toEqual([]);
    expect(cut.lastEval).toBeUndefined();
    expect(cut.step).toBe(4);
    expect(truncateRun(run, 6).evals).toHaveLength(1);
    // The checkpoint's own training time replaces the record's, when the checkpoint kept one.
    expect(truncateRun({ ...run, seconds: 50 }, 4, 31).seconds).toBe(31);
    expect(truncateRun({ ...run, seconds: 50 }, 4).seconds).toBe(50);
  });

  it('resumeFromCheckpoint truncates at the checkpoint and keeps each interruption for the loss curve', async () => {
    const { resumeFromCheckpoint } = await import('../../../src/ui/runs/applyEvent.ts');
    const { makeRun } = await import('../fixtures.ts');
    const run = makeRun('r', { steps: 6 });
    const once = resumeFromCheckpoint(run, 4, 'the worker stopped', 31);
    expect(Array.from(once.history.step)).toEqual([0, 1, 2, 3]);
    expect(once.seconds).toBe(31);
    expect(once.interruptions).toEqual([{ atStep: 6, resumedFrom: 4, reason: 'the worker stopped' }]);
    // A second interruption later in the run is added after the first.
    const twice = resumeFromCheckpoint({ ...once, step: 9 }, 8, 'the page was reloaded or closed');
    expect(twice.interruptions?.map((i) => [i.resumedFrom, i.atStep])).toEqual([
      [4, 6],
      [8, 9],
    ]);
  });

  it('offers the newest unfinished run that has a checkpoint', async () => {
    const { resumableRun } = await import('../../../src/ui/runs/InterruptedRun.tsx');
    const { makeRun } = await import('../fixtures.ts');
    const stopped = { ...makeRun('a', { steps: 4, config: { steps: 100 } }), status: 'stopped' as const };
    const done = { ...makeRun('b', { steps: 4, config: { steps: 4 } }), status: 'completed' as const };
    const checkpoint = (runId: string, step: number, steps: number) => ({ runId, step, steps, savedAt: '', backbone: 'tiny' as const, lossKind: 'softmax' as const, bytes: 1 });
    expect(resumableRun([done, stopped], [checkpoint('b', 4, 4), checkpoint('a', 3, 100)])).toMatchObject({ run: { id: 'a' }, checkpoint: { step: 3 } });
    expect(resumableRun([stopped], [])).toBeUndefined();
    expect(resumableRun([done], [checkpoint('b', 4, 4)])).toBeUndefined();
    // Not a run that is training in another tab (its Web Lock is held): an older one, if any, is offered instead.
    const older = { ...makeRun('c', { steps: 2, config: { steps: 100 } }), status: 'stopped' as const };
    const checkpoints = [checkpoint('a', 3, 100), checkpoint('c', 2, 100)];
    expect(resumableRun([stopped, older], checkpoints, new Set(['a']))).toMatchObject({ run: { id: 'c' } });
    expect(resumableRun([stopped], checkpoints, new Set(['a']))).toBeUndefined();
  });
});
