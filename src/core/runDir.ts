/**
 * The RUN_DIR that `lab export-torch`'s train.py writes, as the lab reads it back: which files it
 * must hold, how large each may be, where it sits in a picked folder or a zip, and whether its weights belong
 * to its config and log. Pure: the page checks the folder, the worker the weights, with the same rules, and
 * every refusal is one sentence saying what is wrong.
 */
import { parseTrainConfig, type TrainConfig } from './trainConfig.ts';

/** File names inside a RUN_DIR. */
export const RUN_DIR_FILES = Object.freeze({ log: 'log.jsonl', config: 'config.json', weights: 'model.safetensors', identities: 'identities.json' });

/** The `format` train.py writes into model.safetensors' metadata. */
export const TORCH_WEIGHTS_FORMAT = 'margin-lab-torch';

const MIB = 1024 * 1024;

/** Largest file of each kind read from a RUN_DIR (checked from its size, before it is read). */
export const RUN_DIR_LIMITS = Object.freeze({
  [RUN_DIR_FILES.log]: 64 * MIB,
  [RUN_DIR_FILES.config]: 1 * MIB,
  [RUN_DIR_FILES.identities]: 16 * MIB,
  // A model zip's weight limit (src/ml/modelZipChecks.ts) plus room for the safetensors header.
  [RUN_DIR_FILES.weights]: 528 * MIB,
} as Record<string, number>);

/** A RUN_DIR zipped whole, checkpoints left out: its needed files and the zip's own overhead. */
export const MAX_RUN_ZIP_BYTES = Object.values(RUN_DIR_LIMITS).reduce((a, b) => a + b, 0) + MIB;

/** A RUN_DIR that cannot be imported. */
export class RunDirError extends Error {
  override name = 'RunDirError';
}

/** One file of a picked folder or a zip: its path (with '/') and size in bytes. */
export interface RunDirEntry {
  path: string;
  size: number;
}

/**
 * Where the RUN_DIR sits among `entries` (a folder's files, or a zip's): the prefix of the shallowest
 * log.jsonl, and the paths of its files. Throws RunDirError naming what is missing or too large.
 */
export function locateRunDir(entries: readonly RunDirEntry[]): { prefix: string; files: Record<'log' | 'config' | 'weights', string> & { identities?: string } } {
  const logs = entries.map((e) => e.path).filter((p) => p === RUN_DIR_FILES.log || p.endsWith(`/${RUN_DIR_FILES.log}`));
  if (logs.length === 0) throw new RunDirError(`not a run folder: there is no ${RUN_DIR_FILES.log} (pick the --out folder of train.py, or a .zip of it)`);
  const log = logs.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))[0];
  const prefix = log.slice(0, log.length - RUN_DIR_FILES.log.length);
  const sizes = new Map(entries.map((e) => [e.path, e.size]));
  const missing = [RUN_DIR_FILES.config, RUN_DIR_FILES.weights].filter((name) => !sizes.has(prefix + name));
  if (missing.includes(RUN_DIR_FILES.weights) && !missing.includes(RUN_DIR_FILES.config)) {
    throw new RunDirError(
      `the run folder has no ${RUN_DIR_FILES.weights}: the run has not finished (resume it with train.py; its checkpoints are PyTorch files the lab cannot read)`,
    );
  }
  if (missing.length > 0) throw new RunDirError(`the run folder lacks ${missing.join(' and ')} next to its ${RUN_DIR_FILES.log}`);
  for (const name of Object.values(RUN_DIR_FILES)) {
    const size = sizes.get(prefix + name);
    if (size !== undefined && size > RUN_DIR_LIMITS[name])
      throw new RunDirError(`${name} is ${Math.round(size / MIB)} MiB, more than the ${RUN_DIR_LIMITS[name] / MIB} MiB it may be`);
  }
  return {
    prefix,
    files: {
      log: prefix + RUN_DIR_FILES.log,
      config: prefix + RUN_DIR_FILES.config,
      weights: prefix + RUN_DIR_FILES.weights,
      ...(sizes.has(prefix + RUN_DIR_FILES.identities) ? { identities: prefix + RUN_DIR_FILES.identities } : {}),
    },
  };
}

/** config.json's text as a TrainConfig; throws RunDirError with the reason. */
export function parseRunConfig(text: string): TrainConfig {
  try {
    return parseTrainConfig(JSON.parse(text));
  } catch (err) {
    throw new RunDirError(`${RUN_DIR_FILES.config} is not a lab config: ${(err as Error).message}`);
  }
}

/** identities.json's text: the identity of each head row. Throws RunDirError when it is not a list of names. */
export function parseRunIdentities(text: string): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RunDirError(`${RUN_DIR_FILES.identities} is not JSON`);
  }
  if (!Array.isArray(raw) || !raw.every((n) => typeof n === 'string')) throw new RunDirError(`${RUN_DIR_FILES.identities} is not a list of identity names`);
  return raw as string[];
}

/** What the rest of the RUN_DIR says the weights must be. */
export interface RunWeightsExpectation {
  config: TrainConfig;
  /** Steps the log says the run trained. */
  step: number;
  /** Identities in identities.json, when the folder has it. */
  classes?: number;
}

/**
 * Checks model.safetensors' metadata (written by train.py's save_weights) and its head's shape against the
 * config, log and identities of the same folder: weights from another run must not pass as this one's.
 * Throws RunDirError saying which disagree.
 */
export function checkRunWeights(metadata: Readonly<Record<string, string>>, head: readonly number[] | undefined, expect: RunWeightsExpectation): void {
  const name = RUN_DIR_FILES.weights;
  if (metadata.format !== TORCH_WEIGHTS_FORMAT)
    throw new RunDirError(`${name} was not written by train.py (its format is ${JSON.stringify(metadata.format ?? null)}, not '${TORCH_WEIGHTS_FORMAT}')`);
  let config: TrainConfig;
  try {
    config = parseTrainConfig(JSON.parse(metadata.config ?? 'null'));
  } catch (err) {
    throw new RunDirError(`${name} carries no readable config (${(err as Error).message})`);
  }
  if (JSON.stringify(config) !== JSON.stringify(expect.config))
    throw new RunDirError(`${name} was trained with another config than ${RUN_DIR_FILES.config}: the folder mixes two runs`);
  if (Number(metadata.step) !== expect.step)
    throw new RunDirError(`${name} holds the weights of step ${metadata.step}, but ${RUN_DIR_FILES.log} ends at step ${expect.step}: the folder mixes two runs`);
  const classes = Number(metadata.numIdentities);
  if (expect.classes !== undefined && classes !== expect.classes)
    throw new RunDirError(`${name} was trained on ${metadata.numIdentities} identities, ${RUN_DIR_FILES.identities} lists ${expect.classes}`);
  if (head && (head.length !== 2 || head[0] !== classes || head[1] !== expect.config.model.embeddingDim)) {
    throw new RunDirError(`${name}'s head is [${head.join(', ')}], not [${classes}, ${expect.config.model.embeddingDim}] (identities × embedding)`);
  }
}

/**
 * The step a RUN_DIR's log.jsonl ends at, as the page's import folds it (runRecordFromLog's final step in
 * src/ui/runs/runFromLog.ts; tests/ui/runDirImport.test.ts checks they agree), for `lab evaluate`, which cannot
 * import the UI: the last `step` event's last point + 1, a `diverged` event's lastGoodStep, a `done` event's
 * step, whichever comes last. Throws RunDirError, as the page does, for a line that is not JSON, a second
 * runId, or a log without steps.
 */
export function runLogEndStep(text: string): number {
  let step: number | undefined;
  let runId: string | undefined;
  const bad: number[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let event: { type?: unknown; runId?: unknown; step?: unknown; lastGoodStep?: unknown; points?: { step?: unknown } };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        bad.push(i + 1);
        return;
      }
      if (typeof event?.runId !== 'string') {
        bad.push(i + 1);
        return;
      }
      if (runId !== undefined && event.runId !== runId)
        throw new RunDirError(
          `${RUN_DIR_FILES.log} line ${i + 1}: runId '${event.runId.slice(0, 80)}' differs from the first line's '${runId.slice(0, 80)}': one folder holds one run`,
        );
      runId ??= event.runId;
      const steps = event.type === 'step' && Array.isArray(event.points?.step) ? event.points.step : undefined;
      if (steps && steps.length > 0) step = Number(steps.at(-1)) + 1;
      else if (event.type === 'diverged') step = Number(event.lastGoodStep);
      else if (event.type === 'done') step = Number(event.step);
    });
  if (bad.length > 0)
    throw new RunDirError(`${RUN_DIR_FILES.log} has ${bad.length} bad line${bad.length === 1 ? '' : 's'} (line ${bad.slice(0, 5).join(', ')}): not events of train.py`);
  if (step === undefined || !Number.isInteger(step) || step < 0) throw new RunDirError(`${RUN_DIR_FILES.log} holds no training steps`);
  return step;
}
