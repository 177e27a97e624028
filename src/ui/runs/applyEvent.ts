/**
 * Folds the engine's events into a RunRecord. Pure: returns a new record (or the same one when nothing
 * changed), so React state and the IndexedDB copy stay simple values.
 */
import { appendColumns } from '../../core/series.ts';
import { mapStepColumns, STEP_COLUMNS } from '../../core/stepColumns.ts';
import type { BackendName, StepPoints, TrainConfig, TrainEvent } from '../../protocol/api.ts';
import type { RunRecord, RunStatus } from './runRecord.ts';

/** The step columns in the engine's order, from their one definition (src/core/stepColumns.ts). */
export const STEP_COLUMN_NAMES = STEP_COLUMNS;

/** An empty step history. */
export function emptyHistory(): StepPoints {
  return mapStepColumns(() => new Float32Array(0));
}

/** A run record for a run that is about to start. */
export function newRunRecord(init: {
  id: string;
  label: string;
  presetId?: string;
  config: TrainConfig;
  dataLabel: string;
  backend: BackendName;
  startedAt: string;
  classes?: number;
}): RunRecord {
  // No `presetId: undefined` (or `classes`) key for custom runs: stored records and exports stay as they were.
  const { presetId, classes, ...rest } = init;
  return {
    ...rest,
    ...(presetId === undefined ? {} : { presetId }),
    ...(classes === undefined ? {} : { classes }),
    seconds: 0,
    status: 'running',
    step: 0,
    history: emptyHistory(),
    evals: [],
    warnings: [],
  };
}

const DONE_STATUS: Record<string, RunStatus> = { completed: 'completed', stopped: 'stopped', diverged: 'diverged' };

/**
 * The record after one event. `secondsBefore` is the record's training time when this training call began (a
 * resumed run's time so far): evaluations, checkpoints and the end report the call's own time on top of it.
 */
export function applyTrainEvent(run: RunRecord, event: TrainEvent, secondsBefore = run.seconds): RunRecord {
  switch (event.type) {
    case 'step': {
      const history = appendColumns(run.history, event.points);
      const n = event.points.step.length;
      return n === 0 ? run : { ...run, history, step: event.points.step[n - 1] + 1 };
    }
    case 'eval':
      return {
        ...run,
        ...(event.elapsed === undefined ? {} : { seconds: secondsBefore + event.elapsed }),
        evals: [...run.evals, { step: event.step, metrics: event.metrics, ...(event.angleStats ? { angleStats: event.angleStats } : {}) }],
        lastEval: {
          step: event.step,
          metrics: event.metrics,
          roc: event.roc,
          angles: event.angles,
          ...(event.angleStats ? { angleStats: event.angleStats } : {}),
          ...(event.geometry ? { geometry: event.geometry } : {}),
        },
      };
    case 'live':
      return {
        ...run,
        liveChanges: [...(run.liveChanges ?? []), { step: event.step, params: event.params, loss: event.loss, lr: event.lr }],
        changedMidRun: true,
      };
    case 'warning':
      return { ...run, warnings: [...run.warnings, { step: event.step, code: event.code, message: event.message }] };
    case 'diverged':
      return { ...run, status: 'diverged', message: event.message, step: event.lastGoodStep };
    case 'checkpoint':
      return { ...run, seconds: secondsBefore + event.elapsed };
    case 'done':
      return { ...run, status: DONE_STATUS[event.reason] ?? run.status, step: event.step, seconds: secondsBefore + event.seconds };
    case 'error':
      return { ...run, status: 'error', message: event.message };
  }
}

/**
 * `run` as it was after `steps` steps: later step points and evaluations are dropped (a resume sends them again),
 * and its time becomes `seconds`, the training time up to that step when known (a checkpoint's).
 */
export function truncateRun(run: RunRecord, steps: number, seconds?: number): RunRecord {
  const keep = run.history.step.findIndex((s) => s >= steps);
  const cut = keep < 0 ? run.history.step.length : keep;
  const history = Object.fromEntries(Object.entries(run.history).map(([k, v]) => [k, (v as Float32Array).slice(0, cut)])) as unknown as StepPoints;
  const evals = run.evals.filter((e) => e.step <= steps);
  const lastEval = run.lastEval && run.lastEval.step <= steps ? run.lastEval : undefined;
  return { ...run, history, evals, lastEval, step: Math.min(run.step, steps), ...(seconds === undefined ? {} : { seconds }) };
}

/**
 * `run` resumed from its checkpoint at step `checkpointStep` after `reason` cut it off: truncated there (the resumed
 * run sends the later steps again) and the interruption kept, so the loss curve can show the steps trained twice.
 */
export function resumeFromCheckpoint(run: RunRecord, checkpointStep: number, reason: string, seconds?: number): RunRecord {
  const interruption = { atStep: Math.max(run.step, checkpointStep), resumedFrom: checkpointStep, reason };
  return { ...truncateRun(run, checkpointStep, seconds), interruptions: [...(run.interruptions ?? []), interruption] };
}
