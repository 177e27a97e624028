/**
 * The per-step training columns, defined once. The step event's `StepPoints` (src/protocol/events.ts), the
 * engine's buffer and checkpoint history, the device's metrics vector, the UI's run history and its CSV
 * export all take their column names and order from this table, so a column added here reaches all of them
 * (and the compiler points at every place that must fill it). The names are a public contract: the CLI
 * prints them as JSON-line keys and PyTorch runs write them, so a rename breaks saved logs.
 */

/**
 * Where a column's value comes from: `device` columns are computed on the accelerator at each step and read
 * back in the metrics vector (in table order); `loop` columns are known to the training loop without a read.
 */
export type StepColumnSource = 'device' | 'loop';

/** One step column: its name (the event field), unit ('' when dimensionless), where it comes from, and meaning. */
export interface StepColumnSpec {
  readonly name: string;
  readonly unit: string;
  readonly source: StepColumnSource;
  readonly doc: string;
}

/** Freezes each row as well as the table, keeping the literal types the column names are derived from. */
function frozenTable<const T extends readonly StepColumnSpec[]>(rows: T): T {
  rows.forEach((row) => Object.freeze(row));
  return Object.freeze(rows);
}

/** The step columns in their fixed order (the engine packs and unpacks in this order; CSV columns follow it). */
export const STEP_COLUMN_TABLE = frozenTable([
  { name: 'step', unit: '', source: 'loop', doc: 'Step number (0-based update index); exact in float32 up to 2^24.' },
  { name: 'loss', unit: '', source: 'device', doc: 'Total objective: crossEntropy + intraPenalty + regularization.' },
  { name: 'crossEntropy', unit: 'nats', source: 'device', doc: 'Softmax cross-entropy on the margin logits.' },
  { name: 'intraPenalty', unit: '', source: 'device', doc: "The intra-class angle penalty (0 unless loss kind 'intra')." },
  { name: 'regularization', unit: '', source: 'device', doc: "The model's L2 regulariser (λ·Σw² of the embedding kernel)." },
  { name: 'accuracy', unit: 'fraction', source: 'device', doc: 'Training accuracy in [0, 1]: argmax of cos θ (no margin) equals the label.' },
  { name: 'thetaDeg', unit: 'degrees', source: 'device', doc: 'Mean angle θ_y between each feature and its class row.' },
  { name: 'lr', unit: '', source: 'loop', doc: 'Learning rate used by the update.' },
  { name: 'marginRamp', unit: 'fraction', source: 'loop', doc: 'Fraction of the margin in force (margin warm-up), in [0, 1].' },
  { name: 'gradNorm', unit: '', source: 'device', doc: 'Global L2 norm of the gradient (before weight decay).' },
  { name: 'imagesPerSec', unit: 'images/s', source: 'loop', doc: 'Training throughput around this step.' },
]);

type StepColumnRow = (typeof STEP_COLUMN_TABLE)[number];

/** The name of a step column. */
export type StepColumn = StepColumnRow['name'];

/** A column computed on the device (an entry of the per-step metrics vector). */
export type DeviceStepColumn = Extract<StepColumnRow, { source: 'device' }>['name'];

/** A column the training loop fills in itself. */
export type LoopStepColumn = Exclude<StepColumn, DeviceStepColumn>;

/** The column names in table order. */
export const STEP_COLUMNS: readonly StepColumn[] = Object.freeze(STEP_COLUMN_TABLE.map((column) => column.name));

/** The device columns in table order: the order of the per-step metrics vector. */
export const DEVICE_STEP_COLUMNS: readonly DeviceStepColumn[] = Object.freeze(
  STEP_COLUMN_TABLE.filter((column): column is Extract<StepColumnRow, { source: 'device' }> => column.source === 'device').map((column) => column.name),
);

/** Whether a column is computed on the device (else the training loop fills it in). */
export function isDeviceStepColumn(name: StepColumn): name is DeviceStepColumn {
  return (DEVICE_STEP_COLUMNS as readonly StepColumn[]).includes(name);
}

/** One step's values, by column. */
export type StepPoint = Record<StepColumn, number>;

/** An object with one entry per step column, in table order (`value` is called once per column). */
export function mapStepColumns<T>(value: (name: StepColumn) => T): Record<StepColumn, T> {
  return Object.fromEntries(STEP_COLUMNS.map((name) => [name, value(name)])) as Record<StepColumn, T>;
}
