/**
 * A run trained outside the browser (a RUN_DIR of `lab export-torch`'s train.py) as a RunRecord: its log's
 * events folded with the very functions live runs use (newRunRecord, applyTrainEvent, truncateRun), so the
 * loss curve, runs table, ROC and histogram treat it exactly like a browser run.
 */
import type { TrainConfig, TrainEvent } from '../../protocol/api.ts';
import { applyTrainEvent, newRunRecord, truncateRun } from './applyEvent.ts';
import type { RunRecord } from './runRecord.ts';

/** What the log does not say about the run. */
export interface ImportedRunInfo {
  /** The id the run is stored under (the log's runId). */
  id: string;
  label: string;
  config: TrainConfig;
  dataLabel: string;
  /** When it was imported (the log carries no start time). */
  startedAt: string;
  /** K, the head's rows (identities.json). */
  classes?: number;
}

/**
 * Folds a log's events into a record. A resumed run appends to the same log: each training call's times count
 * from its own start, so the time before it is carried over at each `done`, and steps that a resume trains again
 * (it restarts at its checkpoint) replace the ones logged after that checkpoint, as a browser resume does.
 */
export function runRecordFromLog(events: readonly TrainEvent[], info: ImportedRunInfo): RunRecord {
  // 'cpu' stands for "not a browser backend": BackendName has no entry for PyTorch, and stored runs are checked against it.
  let run = newRunRecord({ ...info, backend: 'cpu' });
  let before = 0;
  for (const event of events) {
    if (event.type === 'step' && event.points.step.length > 0 && event.points.step[0] < run.step) {
      run = truncateRun(run, event.points.step[0]);
      before = run.seconds;
    }
    run = applyTrainEvent(run, event, before);
    if (event.type === 'done') before = run.seconds;
  }
  // A log that ends without `done` (a run killed mid-way): what was logged, marked as cut off.
  if (run.status === 'running') run = { ...run, status: 'stopped', message: 'the log ends without the end of the run (killed or still training?)' };
  return run;
}
