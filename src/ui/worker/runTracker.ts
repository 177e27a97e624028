/**
 * Folds one training call's events into its RunRecord and decides when the record is worth storing. Shared by
 * the main worker's training (useTraining) and the parallel sweep workers (sweepPool), so a run trained either
 * way is recorded, stored and shown exactly alike.
 */
import type { BackendName, RunResult, TrainConfig, TrainEvent } from '../../protocol/api.ts';
import { applyTrainEvent, newRunRecord } from '../runs/applyEvent.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/** What a run is, before its first event gives it an id. */
export interface RunInfo {
  config: TrainConfig;
  label: string;
  dataLabel: string;
  /** The preset whose settings these are (absent: custom settings). */
  presetId?: string;
}

/** One run's record as its events arrive. */
export interface RunTracker {
  /** The record so far: undefined until the first event (unless the run continues an earlier record). */
  readonly record: RunRecord | undefined;
  /**
   * Fold in one event; evaluations, checkpoints and the end of the run are stored (a run cut off by a reload is listed,
   * with its time, up to its newest checkpoint), steps only update the record.
   */
  onEvent(event: TrainEvent): RunRecord;
  /** The training call resolved: a run that ended in error without an error event is marked so (and stored). */
  finish(result: RunResult): RunRecord | undefined;
  /** The call threw or the worker died: the run (a placeholder one if no event came) is an error, stored. */
  fail(err: unknown): RunRecord;
  /** The data are loaded: K, the identities the run trains on, is kept with its record (the findings read 1/K). */
  noteClasses(classes: number): void;
  /** The worker chose the backend the run trains on (auto mode measures it when the run starts): the record names it. */
  noteBackend(backend: BackendName): void;
}

// Placeholder ids of runs that failed before their first event: unique even when parallel workers fail at once.
let failures = 0;

/**
 * Track a run of `info` on `backend`; `save` gets the record at the moments worth storing. `initial` is the record
 * a resumed run continues.
 */
export function trackRun(info: RunInfo, backendAtStart: BackendName, save: (run: RunRecord) => void, initial?: RunRecord): RunTracker {
  let record = initial;
  let backend = backendAtStart;
  let classes = initial?.classes;
  // The time a resumed run had trained before this call: the events report this call's time.
  const secondsBefore = initial?.seconds ?? 0;
  const fresh = (id: string) =>
    newRunRecord({ id, label: info.label, presetId: info.presetId, config: info.config, dataLabel: info.dataLabel, backend, startedAt: new Date().toISOString(), classes });
  return {
    get record() {
      return record;
    },
    onEvent(event) {
      record = applyTrainEvent(record ?? fresh(event.runId), event, secondsBefore);
      if (event.type !== 'step') save(record);
      return record;
    },
    finish(result) {
      if (record && result.reason === 'error' && record.status !== 'error') {
        record = { ...record, status: 'error', message: result.message };
        save(record);
      }
      return record;
    },
    noteBackend(b) {
      backend = b;
      if (record) record = { ...record, backend: b };
    },
    noteClasses(k) {
      classes = k;
      if (record) record = { ...record, classes: k };
    },
    fail(err) {
      const message = err instanceof Error ? err.message : String(err);
      record = { ...(record ?? fresh(`failed-${Date.now()}-${++failures}`)), status: 'error', message };
      save(record);
      return record;
    },
  };
}
