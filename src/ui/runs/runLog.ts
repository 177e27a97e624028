/**
 * Parses a RUN_DIR's log.jsonl: the JSON lines `lab export-torch`'s train.py writes, in the event
 * shapes of src/protocol/events.ts with typed arrays as plain arrays and non-finite numbers as null. Pure, so
 * page tests and the import share it. A RUN_DIR comes from elsewhere (a cluster, a colleague): every field is
 * checked and copied by name — nothing else in a line is kept — and every size is capped before it is
 * allocated, as src/ml/modelZipChecks.ts does for model zips. Bad lines are named by number.
 */
import type { DoneReason, StepPoints, TrainEvent } from '../../protocol/api.ts';
import { STEP_COLUMN_NAMES } from './applyEvent.ts';

/** Limits on a log. A 100,000-step run logs ~25 MB; an evaluation of 6,000 pairs about 300 KB. */
export const RUN_LOG_LIMITS = Object.freeze({
  /** Characters of the whole log. */
  chars: 64 * 1024 * 1024,
  /** Characters of one line (one step event, or one evaluation with its ROC). */
  lineChars: 8 * 1024 * 1024,
  /** Values in one column of a step event or of a ROC curve. */
  values: 1_000_000,
  /** Bins of an angle histogram. */
  bins: 3600,
  /** Characters of a run id or a message. */
  text: 4096,
  /** Bad lines named in the error (the rest are counted). */
  named: 5,
});

/** A log that cannot be imported: `message` names the bad lines. */
export class RunLogError extends Error {
  override name = 'RunLogError';
}

/** A parsed log: its run id and events in order. */
export interface RunLog {
  runId: string;
  events: TrainEvent[];
}

const DONE_REASONS: readonly DoneReason[] = ['completed', 'stopped', 'diverged'];
const WARNING_CODES = ['collapse', 'checkpoint'] as const;
const METRIC_FIELDS = ['pairs', 'positives', 'negatives', 'auc', 'eer', 'eerThreshold', 'bestAccuracy', 'bestThreshold', 'tenFoldMean', 'tenFoldStd'] as const;

/** Thrown inside one line's checks; the caller adds the line number. */
class LineProblem extends Error {}

function bad(reason: string): never {
  throw new LineProblem(reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) bad(`${what} is not an object`);
  return value;
}

/** A finite number (JSON null is refused: only the fields below that may be non-finite accept it). */
function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(`${what} is not a number`);
  return value;
}

function count(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) bad(`${what} is not a non-negative integer`);
  return value as number;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') bad(`${what} is not a string`);
  return value.slice(0, RUN_LOG_LIMITS.text);
}

/** A number array as float32, capped at `max` values; null (a non-finite value in JSON) becomes `nullAs`. */
function floats(value: unknown, what: string, max: number = RUN_LOG_LIMITS.values, nullAs = Number.NaN): Float32Array {
  if (!Array.isArray(value)) bad(`${what} is not a list`);
  if (value.length > max) bad(`${what} holds ${value.length} values, more than the ${max} a log may`);
  const out = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (v === null) out[i] = nullAs;
    else if (typeof v === 'number') out[i] = v;
    else bad(`${what}[${i}] is not a number`);
  }
  return out;
}

function stepPoints(value: unknown): StepPoints {
  const raw = object(value, 'points');
  const columns = Object.fromEntries(STEP_COLUMN_NAMES.map((name) => [name, floats(raw[name], `points.${name}`)])) as unknown as StepPoints;
  const length = columns.step.length;
  const uneven = STEP_COLUMN_NAMES.find((name) => columns[name].length !== length);
  if (uneven) bad(`points.${uneven} has ${columns[uneven].length} values, points.step ${length}`);
  if (!columns.step.every((s, i) => Number.isInteger(s) && s >= 0 && (i === 0 || s === columns.step[i - 1] + 1))) bad('points.step is not a run of consecutive step numbers');
  return columns;
}

function evalEvent(raw: Record<string, unknown>, runId: string): TrainEvent {
  const m = object(raw.metrics, 'metrics');
  const metrics = Object.fromEntries(METRIC_FIELDS.map((k) => [k, num(m[k], `metrics.${k}`)])) as Record<(typeof METRIC_FIELDS)[number], number>;
  const tar = object(m.tarAtFar, 'metrics.tarAtFar');
  const tarAtFar: Record<string, number> = {};
  for (const [far, v] of Object.entries(tar).slice(0, 16)) tarAtFar[far.slice(0, 16)] = num(v, `metrics.tarAtFar.${far.slice(0, 16)}`);
  const roc = object(raw.roc, 'roc');
  // thresholds[0] is +Infinity, which JSON writes as null.
  const curve = {
    fpr: floats(roc.fpr, 'roc.fpr'),
    tpr: floats(roc.tpr, 'roc.tpr'),
    thresholds: floats(roc.thresholds, 'roc.thresholds', RUN_LOG_LIMITS.values, Number.POSITIVE_INFINITY),
  };
  if (curve.tpr.length !== curve.fpr.length || curve.thresholds.length !== curve.fpr.length) bad('roc.fpr, roc.tpr and roc.thresholds differ in length');
  const a = object(raw.angles, 'angles');
  const angles = {
    binDeg: num(a.binDeg, 'angles.binDeg'),
    positives: floats(a.positives, 'angles.positives', RUN_LOG_LIMITS.bins),
    negatives: floats(a.negatives, 'angles.negatives', RUN_LOG_LIMITS.bins),
  };
  if (angles.binDeg <= 0 || angles.positives.length !== angles.negatives.length) bad('angles has a bad bin width or histograms of different lengths');
  if (typeof raw.flipEval !== 'boolean') bad('flipEval is not true or false');
  return {
    type: 'eval',
    runId,
    step: count(raw.step, 'step'),
    metrics: { ...metrics, tarAtFar },
    roc: curve,
    angles,
    flipEval: raw.flipEval,
    seconds: num(raw.seconds, 'seconds'),
    ...(raw.elapsed === undefined ? {} : { elapsed: num(raw.elapsed, 'elapsed') }),
  };
}

/** One line's event, rebuilt field by field. */
function eventOf(raw: Record<string, unknown>, runId: string): TrainEvent {
  switch (raw.type) {
    case 'step':
      return { type: 'step', runId, points: stepPoints(raw.points) };
    case 'eval':
      return evalEvent(raw, runId);
    case 'checkpoint':
      return { type: 'checkpoint', runId, step: count(raw.step, 'step'), bytes: count(raw.bytes, 'bytes'), elapsed: num(raw.elapsed, 'elapsed') };
    case 'done': {
      const reason = DONE_REASONS.find((r) => r === raw.reason) ?? bad(`reason ${JSON.stringify(raw.reason)?.slice(0, 40)} is not one of ${DONE_REASONS.join(', ')}`);
      return { type: 'done', runId, reason, step: count(raw.step, 'step'), seconds: num(raw.seconds, 'seconds') };
    }
    case 'diverged':
      return {
        type: 'diverged',
        runId,
        step: count(raw.step, 'step'),
        lastGoodStep: count(raw.lastGoodStep, 'lastGoodStep'),
        loss: raw.loss === null ? Number.NaN : num(raw.loss, 'loss'),
        message: text(raw.message, 'message'),
      };
    case 'warning': {
      const code = WARNING_CODES.find((c) => c === raw.code) ?? bad(`warning code ${JSON.stringify(raw.code)?.slice(0, 40)} is unknown`);
      return { type: 'warning', runId, step: count(raw.step, 'step'), code, message: text(raw.message, 'message') };
    }
    case 'error':
      return { type: 'error', runId, message: text(raw.message, 'message') };
    default:
      return bad(`event type ${JSON.stringify(raw.type)?.slice(0, 40) ?? 'undefined'} is not one train.py writes`);
  }
}

/**
 * The events of a log.jsonl, checked line by line (blank lines skipped). Throws RunLogError naming the first
 * bad lines, or saying the log is too large, holds no step, or mixes runs (one RUN_DIR is one run: resumes
 * keep its id).
 */
export function parseRunLog(textIn: string): RunLog {
  if (textIn.length > RUN_LOG_LIMITS.chars)
    throw new RunLogError(`log.jsonl is ${Math.round(textIn.length / 2 ** 20)} MiB, more than the ${RUN_LOG_LIMITS.chars / 2 ** 20} MiB a log may be`);
  const problems: string[] = [];
  let badLines = 0;
  const events: TrainEvent[] = [];
  let runId: string | undefined;
  textIn
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        if (line.length > RUN_LOG_LIMITS.lineChars) bad(`the line is longer than ${RUN_LOG_LIMITS.lineChars / 2 ** 20} MiB`);
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          bad('not JSON (a line cut short when the run was killed?)');
        }
        const event = object(raw, 'the line');
        const id = text(event.runId, 'runId');
        if (runId !== undefined && id !== runId) bad(`runId '${id.slice(0, 80)}' differs from the first line's '${runId.slice(0, 80)}': one folder holds one run`);
        runId ??= id;
        events.push(eventOf(event, id));
      } catch (err) {
        if (!(err instanceof LineProblem)) throw err;
        badLines++;
        if (problems.length < RUN_LOG_LIMITS.named) problems.push(`line ${i + 1}: ${err.message}`);
      }
    });
  if (badLines > 0) {
    const more = badLines > problems.length ? ` (and ${badLines - problems.length} more bad lines)` : '';
    throw new RunLogError(`log.jsonl has ${badLines} bad line${badLines === 1 ? '' : 's'}: ${problems.join('; ')}${more}`);
  }
  if (runId === undefined || !events.some((e) => e.type === 'step')) throw new RunLogError('log.jsonl holds no training steps');
  return { runId, events };
}
