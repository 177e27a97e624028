/**
 * Tensors ↔ checkpoint records. Reading uses `await data()` (never a synchronous read: it breaks WebGPU
 * in a worker); writing uses `assign`, so variables keep their identity and the optimiser keeps working.
 */
import * as tf from '@tensorflow/tfjs';
import { mapStepColumns, STEP_COLUMNS, type StepColumn, type StepPoint } from '../../core/stepColumns.ts';
import type { TensorRecord } from '../../protocol/api.ts';

/** A tensor's bytes as a record (a fresh ArrayBuffer of exactly its data). */
export async function tensorRecord(name: string, t: tf.Tensor): Promise<TensorRecord> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint: ${name} has dtype ${t.dtype}, expected float32 or int32`);
  const values = (await t.data()) as Float32Array | Int32Array;
  const copy = values.slice();
  return { name, shape: [...t.shape], dtype: t.dtype, data: copy.buffer as ArrayBuffer };
}

/** Writes `record` into `variable`, checking the shape. */
export function assignRecord(variable: tf.Variable, record: TensorRecord): void {
  if (!tf.util.arraysEqual(variable.shape, record.shape)) {
    throw new Error(`checkpoint: ${record.name} has shape [${record.shape}] but the model's variable has [${variable.shape}]`);
  }
  if (variable.dtype !== record.dtype) throw new Error(`checkpoint: ${record.name} is ${record.dtype}, the variable ${variable.dtype}`);
  const values = record.dtype === 'float32' ? new Float32Array(record.data) : new Int32Array(record.data);
  tf.tidy(() => variable.assign(tf.tensor(values, record.shape, record.dtype)));
}

/** Total bytes of records. */
export function recordBytes(records: readonly TensorRecord[]): number {
  return records.reduce((sum, r) => sum + r.data.byteLength, 0);
}

/** History points → one Float32Array buffer per column. */
export function historyRecord(points: readonly StepPoint[]): Record<StepColumn, ArrayBuffer> {
  return mapStepColumns((name) => Float32Array.from(points, (p) => p[name]).buffer as ArrayBuffer);
}

/** One Float32Array buffer per column → history points (columns of unequal length are an error). */
export function historyPoints(history: Record<StepColumn, ArrayBuffer>): StepPoint[] {
  const columns = mapStepColumns((name) => new Float32Array(history[name]));
  const n = columns.step.length;
  if (STEP_COLUMNS.some((name) => columns[name].length !== n)) throw new Error('checkpoint: history columns differ in length');
  return Array.from({ length: n }, (_, i) => mapStepColumns((name) => columns[name][i]));
}
