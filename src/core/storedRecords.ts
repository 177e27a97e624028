/**
 * Shape checks on records read back from IndexedDB, pure so the stores in workers/ and Node tests share them.
 * The stores hold what this lab wrote, but a record can be foreign (another app, an older or newer lab in another
 * tab), cut short by a browser crash, or edited by hand in DevTools: each is refused with a reason, and one bad
 * record never stops the rest of a list loading. The checks are of shape and size only (cheap enough to run on
 * every listing); a record that passes can still be refused later, for instance by a model that does not match it.
 */
import { parseTrainConfig } from './trainConfig.ts';
import { isPlainObject } from './plainObject.ts';

const isCount = (value: unknown, min = 0): value is number => Number.isSafeInteger(value) && (value as number) >= min;

/** Why `value` is not a tensor record whose bytes fit its shape, or undefined when it is one. */
function tensorProblem(value: unknown, what: string): string | undefined {
  if (!isPlainObject(value)) return `${what} is not a tensor record`;
  if (value.dtype !== 'float32' && value.dtype !== 'int32') return `${what} has dtype ${JSON.stringify(value.dtype)}`;
  if (!Array.isArray(value.shape) || !value.shape.every((d) => isCount(d))) return `${what} has no valid shape`;
  if (!(value.data instanceof ArrayBuffer)) return `${what} holds no bytes`;
  const expected = 4 * (value.shape as number[]).reduce((n, d) => n * d, 1);
  if (value.data.byteLength !== expected) return `${what} holds ${value.data.byteLength} bytes, its shape [${(value.shape as number[]).join(', ')}] needs ${expected}`;
  return undefined;
}

/**
 * Why a stored record is not a whole TrainCheckpoint (src/protocol/api.ts) of this lab, or undefined when it is.
 * A half-written or foreign record fails here rather than deep inside a restore.
 */
export function checkpointProblem(record: unknown): string | undefined {
  if (!isPlainObject(record)) return 'the record is not an object';
  if (record.format !== 'margin-lab-checkpoint' || record.version !== 1)
    return `it is not a Margin Lab checkpoint (format ${JSON.stringify(record.format)}, version ${JSON.stringify(record.version)})`;
  if (typeof record.runId !== 'string' || typeof record.savedAt !== 'string') return 'it lacks its run id or save time';
  if (!isCount(record.step) || !isCount(record.numIdentities, 1)) return 'its step or identity count is not a whole number';
  try {
    parseTrainConfig(record.config);
  } catch (err) {
    return `its config is invalid (${(err as Error).message})`;
  }
  if (!Array.isArray(record.model) || record.model.length === 0) return 'it holds no model weights';
  for (const [i, r] of record.model.entries()) {
    const problem = tensorProblem(r, `model tensor ${i}`);
    if (problem) return problem;
  }
  const head = tensorProblem(record.head, 'the class head');
  if (head) return head;
  const optimizer = record.optimizer;
  if (!isPlainObject(optimizer) || (optimizer.kind !== 'sgd' && optimizer.kind !== 'adam') || !Array.isArray(optimizer.slots)) return 'its optimiser state is missing';
  for (const [i, r] of optimizer.slots.entries()) {
    const problem = tensorProblem(r, `optimiser slot ${i}`);
    if (problem) return problem;
  }
  if (!isPlainObject(record.history) || !Object.values(record.history).every((column) => column instanceof ArrayBuffer)) return 'its step history is not a set of columns';
  if (!Array.isArray(record.evals) || typeof record.diverged !== 'boolean') return 'its evaluations or divergence flag are missing';
  return undefined;
}

/** Why a stored record is not a SavedModelSummary (src/protocol/models.ts), or undefined when it is one. */
export function savedModelProblem(record: unknown): string | undefined {
  if (!isPlainObject(record)) return 'the record is not an object';
  for (const key of ['id', 'label', 'savedAt', 'runId', 'backbone'] as const) {
    if (typeof record[key] !== 'string') return `its ${key} is not text`;
  }
  if (record.source !== 'run' && record.source !== 'imported') return `its source ${JSON.stringify(record.source)} is neither 'run' nor 'imported'`;
  if (!isCount(record.inputSize, 1) || !isCount(record.step) || !isCount(record.bytes)) return 'its input size, step or size is not a whole number';
  if (record.auc !== null && typeof record.auc !== 'number') return 'its AUC is not a number';
  return undefined;
}

/** A stored record that was left out of a listing, and why. */
export interface RefusedRecord {
  key: string;
  reason: string;
}

/** A checked listing: the good records and the refused ones. */
export interface CheckedList<T> {
  good: T[];
  refused: RefusedRecord[];
}

/** Splits `records` (with their store keys) into those `problem` accepts and the refused ones with their reasons. */
export function checkRecords<T>(keys: readonly unknown[], records: readonly unknown[], problem: (record: unknown) => string | undefined): CheckedList<T> {
  const out: CheckedList<T> = { good: [], refused: [] };
  records.forEach((record, i) => {
    const reason = problem(record);
    if (reason) out.refused.push({ key: String(keys[i]), reason });
    else out.good.push(record as T);
  });
  return out;
}

/** Whether `err` is the browser refusing a write for lack of storage (IndexedDB's QuotaExceededError). */
export function isQuotaError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'QuotaExceededError';
}

/** The clear message for a write refused for lack of storage. */
export const STORAGE_FULL_MESSAGE = "the browser's storage for this site is full (QuotaExceededError): delete old runs or saved models to free space";
