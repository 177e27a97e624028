/**
 * Shape checks on run records read back from IndexedDB. The runs database holds what this page wrote,
 * but a record can be cut short by a browser crash, written by another app or lab version, or edited by hand in
 * DevTools; one such record must not break the runs table, the plots or the exports that read every run. Pure:
 * no DOM or storage, so the checks run in Node tests as they run on the page.
 */
import type { RunRecord } from './runRecord.ts';
import { STEP_COLUMN_NAMES } from './applyEvent.ts';

const STATUSES: ReadonlySet<string> = new Set(['running', 'paused', 'completed', 'stopped', 'diverged', 'error']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Whether `value` is a Float32Array. By its class tag rather than instanceof: IndexedDB's structured clone may
 * build its typed arrays in another realm (fake-indexeddb under jsdom), where instanceof fails on a good array.
 */
const isFloat32Array = (value: unknown): value is Float32Array => Object.prototype.toString.call(value) === '[object Float32Array]';

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Why a stored record is not a RunRecord the page can show, or undefined when it is one. Checks what the runs
 * table, plots and exports read without guarding (config sections, the step history's columns, evaluations);
 * optional fields added over time (number, name, classes, liveChanges) may be absent.
 */
export function runRecordProblem(record: unknown): string | undefined {
  if (!isObject(record)) return 'the record is not an object';
  for (const key of ['id', 'label', 'dataLabel', 'backend', 'startedAt'] as const) {
    if (typeof record[key] !== 'string') return `its ${key} is not text`;
  }
  if (typeof record.status !== 'string' || !STATUSES.has(record.status)) return `its status ${JSON.stringify(record.status)} is not a run status`;
  if (!isCount(record.step)) return 'its step count is not a whole number';
  if (typeof record.seconds !== 'number') return 'its training time is not a number';
  const config = record.config;
  if (!isObject(config) || !isObject(config.model) || !isObject(config.loss) || !isObject(config.optimizer) || !isCount(config.steps)) {
    return 'its config lacks the model, loss, optimiser or step count';
  }
  const history = record.history;
  if (!isObject(history)) return 'it has no step history';
  let length: number | undefined;
  for (const column of STEP_COLUMN_NAMES) {
    const values = history[column];
    if (!isFloat32Array(values)) return `its step history has no '${column}' column`;
    length ??= values.length;
    if (values.length !== length) return `its step history's '${column}' column holds ${values.length} points, not ${length}`;
  }
  if (!Array.isArray(record.evals) || !record.evals.every((e) => isObject(e) && isCount(e.step) && isObject(e.metrics))) return 'its evaluations are not a list of measured steps';
  if (!Array.isArray(record.warnings)) return 'its warnings are not a list';
  return undefined;
}

/** A stored run left out of the runs list, and why. */
export interface RefusedRun {
  /** The record's key in the store (its id, when it has one). */
  key: string;
  reason: string;
}

/** Splits stored records into the runs the page can show and the refused ones with their reasons. */
export function checkRunRecords(keys: readonly IDBValidKey[], records: readonly unknown[]): { runs: RunRecord[]; refused: RefusedRun[] } {
  const runs: RunRecord[] = [];
  const refused: RefusedRun[] = [];
  records.forEach((record, i) => {
    const reason = runRecordProblem(record);
    if (reason) refused.push({ key: String(keys[i]), reason });
    else runs.push(record as RunRecord);
  });
  return { runs, refused };
}
