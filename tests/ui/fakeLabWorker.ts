/**
 * A fake lab worker for page-level jsdom tests (vi.mock of src/ui/worker/labBridge.ts): runs that finish at once
 * with a step batch, one evaluation and `done`, and an API that answers every call it was not given with "nothing
 * here" (checkpoints, saved models, the data sub-API).
 */
import type { EvalEvent, RunResult, StepPoints, TrainEventHandler } from '../../src/protocol/api.ts';
import { emptyHistory } from '../../src/ui/runs/applyEvent.ts';

/** What a finished fake run measured: every step's training accuracy and images/s, and the evaluation's AUC. */
export interface FakeRun {
  steps?: number;
  auc: number;
  accuracy?: number;
  imagesPerSec?: number;
}

/** An evaluation of 4 pairs at `step` with the given AUC (the other metrics fixed), as the fake workers send it. */
export function fakeEval(runId: string, step: number, auc: number): EvalEvent {
  return {
    type: 'eval',
    runId,
    step,
    metrics: {
      pairs: 4,
      positives: 2,
      negatives: 2,
      auc,
      eer: 0.3,
      eerThreshold: 0.5,
      tarAtFar: { '0.001': 0.1 },
      bestAccuracy: 0.7,
      bestThreshold: 0.5,
      tenFoldMean: 0.7,
      tenFoldStd: 0.1,
    },
    flipEval: false,
    seconds: 0,
    roc: { fpr: new Float32Array([0, 1]), tpr: new Float32Array([0, 1]), thresholds: new Float32Array([Infinity, 0]) },
    angles: { binDeg: 90, positives: new Float32Array([1, 1]), negatives: new Float32Array([1, 1]) },
  };
}

/** Sends a finished run's events (10 steps of falling loss, one evaluation, done) and returns its result. */
export function finishRun(runId: string, onEvent: TrainEventHandler, run: FakeRun): RunResult {
  const steps = run.steps ?? 10;
  const points = Object.fromEntries(Object.keys(emptyHistory()).map((k) => [k, new Float32Array(steps)])) as unknown as StepPoints;
  for (let i = 0; i < steps; i++) {
    points.step[i] = i;
    points.loss[i] = 5 - i / 4;
    points.accuracy[i] = run.accuracy ?? 0;
    points.imagesPerSec[i] = run.imagesPerSec ?? 0;
  }
  onEvent({ type: 'step', runId, points });
  onEvent(fakeEval(runId, steps, run.auc));
  onEvent({ type: 'done', runId, reason: 'completed', step: steps, seconds: 1 });
  return { runId, reason: 'completed', step: steps };
}

/** The labBridge module with a worker whose API has `known`'s methods, an `init` on cpu, and "nothing" for the rest. */
export function fakeLabBridge(known: Record<string, unknown>) {
  // Stores with nothing refused unless a test says otherwise (listRefusedRecords: src/ui/runs/RefusedRecords.tsx).
  // No built-in reference model either (describeReference: src/ui/verify), unless a test gives one: "nothing here"'s
  // empty list would read as a model without a threshold.
  const methods: Record<string, unknown> = {
    init: async () => ({ backend: 'cpu', attempts: [], tfjsVersion: 'test' }),
    listRefusedRecords: async () => [],
    describeReference: async () => {
      throw new Error('this fake worker has no reference model');
    },
    ...known,
  };
  const nothing = (): unknown => new Proxy(() => Promise.resolve([]), { get: (_t, key) => (key === 'then' ? undefined : nothing()) });
  const api = new Proxy({}, { get: (_t, key) => (typeof key === 'string' && key in methods ? methods[key] : key === 'then' ? undefined : nothing()) });
  return { startLabWorker: () => ({ api, failed: new Promise(() => undefined), terminate: () => undefined }) };
}
