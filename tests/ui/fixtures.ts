/** Run records for UI tests, built through the same reducer the app uses. */
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig } from '../../src/core/trainConfig.ts';
import type { StepPoints, TrainConfigInput } from '../../src/protocol/api.ts';
import { applyTrainEvent, emptyHistory, newRunRecord } from '../../src/ui/runs/applyEvent.ts';
import type { RunRecord } from '../../src/ui/runs/runRecord.ts';

/** A run with `steps` step points (loss falling from 5), and one evaluation when `auc` is given. */
export function makeRun(id: string, options: { steps?: number; auc?: number; config?: TrainConfigInput; label?: string } = {}): RunRecord {
  const config = parseTrainConfig(options.config ?? {}, DEFAULT_TRAIN_CONFIG);
  let run = newRunRecord({ id, label: options.label ?? id, config, dataLabel: 'built-in', backend: 'webgpu', startedAt: '2026-11-29T10:00:00.000Z' });
  const n = options.steps ?? 4;
  const points = Object.fromEntries(Object.keys(emptyHistory()).map((k) => [k, new Float32Array(n)])) as unknown as StepPoints;
  for (let i = 0; i < n; i++) {
    points.step[i] = i;
    points.loss[i] = 5 - i;
    points.crossEntropy[i] = 5 - i;
    points.accuracy[i] = i / 10;
    points.thetaDeg[i] = 90 - i;
    points.imagesPerSec[i] = 100;
  }
  run = applyTrainEvent(run, { type: 'step', runId: id, points });
  if (options.auc !== undefined) {
    const metrics = {
      pairs: 4,
      positives: 2,
      negatives: 2,
      auc: options.auc,
      eer: 0.25,
      eerThreshold: 0.5,
      tarAtFar: { '0.001': 0.5 },
      bestAccuracy: 0.75,
      bestThreshold: 0.5,
      tenFoldMean: 0.7,
      tenFoldStd: 0.1,
    };
    run = applyTrainEvent(run, {
      type: 'eval',
      runId: id,
      step: n,
      metrics,
      flipEval: false,
      seconds: 1,
      roc: { fpr: new Float32Array([0, 0, 0.5, 1]), tpr: new Float32Array([0, 0.5, 1, 1]), thresholds: new Float32Array([Infinity, 0.9, 0.5, 0.1]) },
      angles: { binDeg: 60, positives: new Float32Array([2, 0, 0]), negatives: new Float32Array([0, 1, 1]) },
    });
  }
  return run;
}
