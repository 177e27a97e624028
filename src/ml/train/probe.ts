/**
 * Times a few real training steps of a run's model on the current tfjs backend, for the backend probe
 * (src/core/backendProbe.ts decides the order, the time box and the winner). The steps are the training loop's own
 * (TrainingSession.run on noise images, every step read back so each step's wall time is known), with the run's model,
 * batch size, optimiser and head; pretrained weights are not loaded (they do not change a step's cost).
 *
 * The cost is bounded before it is spent: when the run's batch is larger than the scout batch, two scout steps
 * (warm-up, then one timed) at that small batch come first, and scoutVerdict stops the backend when a full-batch step
 * could not win or would not fit the time box. Steps already dispatched cannot be cancelled (tfjs has no way to), so
 * a step is the unit of the box.
 */
import { DEFAULT_PROBE_BUDGET, rateOf, scoutVerdict, stepVerdict, type BackendProbe, type ProbeBudget, type ProbeShape } from '../../core/backendProbe.ts';
import { parseTrainConfig, type TrainConfig } from '../../core/trainConfig.ts';
import { TrainControl } from './control.ts';
import { timeTrainingSteps } from './bench.ts';

/** The model shape a probe of `config` measures (the cache key's half that is the run's). */
export function probeShapeOf(config: TrainConfig, numIdentities: number): ProbeShape {
  const m = config.model;
  return {
    backbone: m.backbone,
    ...(m.width !== undefined ? { width: m.width } : {}),
    inputSize: m.inputSize,
    embeddingDim: m.embeddingDim,
    ...(m.embeddingNorm !== undefined ? { embeddingNorm: m.embeddingNorm } : {}),
    batchSize: config.batchSize,
    numIdentities,
    optimizer: config.optimizer.kind,
  };
}

/**
 * Trains `steps` steps of `config`'s model at `batchSize` on noise and returns each step's wall time, ms (the first
 * includes shader compilation and first uploads); `verdict` sees the times after every step and may stop the run.
 */
async function timeSteps(config: TrainConfig, numIdentities: number, batchSize: number, steps: number, verdict: (stepMs: readonly number[]) => boolean): Promise<number[]> {
  const probeConfig = parseTrainConfig({ evalEvery: 0, checkpointEvery: 0 }, { ...config, model: { ...config.model, pretrained: 'none' }, batchSize, steps });
  const control = new TrainControl();
  const { stepMs } = await timeTrainingSteps(probeConfig, numIdentities, { control, onStep: (ms) => verdict(ms) && control.stop() });
  return stepMs;
}

/**
 * Measures `config`'s training speed on the current backend within `budget`; `best` is the best rate measured so
 * far on another backend (undefined for the first), against which this one stops once it is clearly slower.
 */
export async function measureTrainingSpeed(
  config: TrainConfig,
  numIdentities: number,
  best: number | undefined,
  budget: ProbeBudget = DEFAULT_PROBE_BUDGET,
  now: () => number = () => performance.now(),
): Promise<Omit<BackendProbe, 'backend'>> {
  // The time box starts after the backend's first step, which compiles its shaders (ProbeBudget).
  let boxStart: number | undefined;
  /** Time since the box started (starting it at the first call, after the first step). */
  const inBox = () => {
    const t = now();
    boxStart ??= t;
    return t - boxStart;
  };
  const batch = config.batchSize;
  if (batch > budget.scoutBatch) {
    const scout = await timeSteps(config, numIdentities, budget.scoutBatch, 2, () => {
      inBox();
      return false;
    });
    const scoutMs = scout[scout.length - 1];
    const verdict = scoutVerdict({ scoutMs, scoutBatch: budget.scoutBatch, batch, best, budget });
    if (verdict.stop) return { imgPerSec: round(rateOf(budget.scoutBatch, scoutMs)), batch: budget.scoutBatch, steps: 1, stopped: verdict.reason };
  }
  let stopped: string | undefined;
  const stepMs = await timeSteps(config, numIdentities, batch, 1 + budget.timedSteps, (ms) => {
    const verdict = stepVerdict({ timedMs: ms.slice(1), batch, elapsedMs: inBox(), best, budget });
    if (verdict.stop) stopped = verdict.reason;
    return verdict.stop;
  });
  const timed = stepMs.length > 1 ? stepMs.slice(1) : stepMs;
  const meanMs = timed.reduce((a, b) => a + b, 0) / timed.length;
  return { imgPerSec: round(rateOf(batch, meanMs)), batch, steps: timed.length, ...(stopped ? { stopped } : {}) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
