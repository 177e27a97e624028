/**
 * Learning-rate schedules and the margin warm-up, as pure functions of the step number, so the
 * training loop, the UI's schedule preview and the tests compute the very same numbers.
 *
 * Steps count from 0: step t is the t-th optimiser update. A linear learning-rate warm-up (Goyal et
 * al. 2017, "Accurate, large minibatch SGD") multiplies whatever schedule is chosen during its first
 * `warmupSteps` steps: lr(t) = base(t)·(t + 1)/warmupSteps, so the first update is already non-zero
 * and step warmupSteps − 1 reaches the full value.
 */
import { targetMargins, radToDeg, type LossConfig } from './lossConfig.ts';

/** Constant learning rate. */
export interface ConstantSchedule {
  kind: 'constant';
  /** Linear warm-up length in steps (0 = none). */
  warmupSteps?: number;
}

/** Step decay: lr·gamma^(number of milestones passed), the insightface recipe (÷10 at fixed steps). */
export interface StepSchedule {
  kind: 'step';
  /** Steps at which the rate is multiplied by gamma, increasing. */
  milestones: number[];
  /** Factor per milestone, in (0, 1]; default 0.1. */
  gamma?: number;
  warmupSteps?: number;
}

/** Cosine annealing (Loshchilov & Hutter 2017, no restarts) from lr down to lr·minFactor at the last step. */
export interface CosineSchedule {
  kind: 'cosine';
  /** Final rate as a fraction of the base rate, in [0, 1]; default 0. */
  minFactor?: number;
  warmupSteps?: number;
}

/** Every schedule the lab offers. */
export type LrSchedule = ConstantSchedule | StepSchedule | CosineSchedule;

/** Schedule kinds, in the order the UI lists them. */
export const SCHEDULE_KINDS: readonly LrSchedule['kind'][] = Object.freeze(['constant', 'step', 'cosine'] as const);

/** Default decay factor of a step schedule (÷10, as in the ArcFace and SphereFace recipes). */
export const DEFAULT_STEP_GAMMA = 0.1;

/** Throws an Error naming the field for a schedule that cannot be evaluated. */
export function validateSchedule(schedule: LrSchedule): void {
  if (schedule === null || typeof schedule !== 'object') throw new Error('schedule must be an object');
  const warmup = schedule.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`schedule.warmupSteps must be an integer ≥ 0 (got ${String(warmup)})`);
  switch (schedule.kind) {
    case 'constant':
      return;
    case 'step': {
      const gamma = schedule.gamma ?? DEFAULT_STEP_GAMMA;
      if (!Number.isFinite(gamma) || gamma <= 0 || gamma > 1) throw new Error(`schedule.gamma must be in (0, 1] (got ${String(gamma)})`);
      if (!Array.isArray(schedule.milestones)) throw new Error('schedule.milestones must be an array of step numbers');
      schedule.milestones.forEach((m, i) => {
        if (!Number.isInteger(m) || m < 1) throw new Error(`schedule.milestones[${i}] must be an integer ≥ 1 (got ${String(m)})`);
        if (i > 0 && m <= schedule.milestones[i - 1]) throw new Error('schedule.milestones must be strictly increasing');
      });
      return;
    }
    case 'cosine': {
      const min = schedule.minFactor ?? 0;
      if (!Number.isFinite(min) || min < 0 || min > 1) throw new Error(`schedule.minFactor must be in [0, 1] (got ${String(min)})`);
      return;
    }
    default:
      throw new Error(`schedule.kind must be one of ${SCHEDULE_KINDS.join(', ')} (got ${String((schedule as { kind: unknown }).kind)})`);
  }
}

/** Factor of the linear warm-up at `step`: (step + 1)/warmupSteps while step < warmupSteps, else 1. */
export function warmupFactor(step: number, warmupSteps: number): number {
  return warmupSteps > 0 && step < warmupSteps ? (step + 1) / warmupSteps : 1;
}

/**
 * The learning rate of update `step` (0-based) in a run of `totalSteps` updates with base rate `baseLr`.
 * Cosine: base·(min + (1 − min)·(1 + cos(π·t/(T − 1)))/2), so step 0 has the base rate and the last step
 * exactly base·min; steps past the end stay at base·min.
 */
export function learningRateAt(schedule: LrSchedule, baseLr: number, step: number, totalSteps: number): number {
  const warm = warmupFactor(step, schedule.warmupSteps ?? 0);
  switch (schedule.kind) {
    case 'constant':
      return baseLr * warm;
    case 'step': {
      const passed = schedule.milestones.filter((m) => step >= m).length;
      return baseLr * (schedule.gamma ?? DEFAULT_STEP_GAMMA) ** passed * warm;
    }
    case 'cosine': {
      const min = schedule.minFactor ?? 0;
      const progress = totalSteps <= 1 ? 1 : Math.min(1, step / (totalSteps - 1));
      return baseLr * (min + ((1 - min) * (1 + Math.cos(Math.PI * progress))) / 2) * warm;
    }
  }
}

/**
 * How much of the margin applies at `step` under a margin warm-up of `warmupSteps` steps: 0 at step 0
 * (plain normalised softmax), rising linearly to 1 at step warmupSteps and staying there. With no
 * warm-up (0 steps) the full margin applies from the start. Large margins from scratch often do not
 * converge (insightface issues); ramping them in lets the features separate first.
 */
export function marginRamp(step: number, warmupSteps: number): number {
  if (warmupSteps <= 0) return 1;
  return Math.min(1, Math.max(0, step / warmupSteps));
}

/**
 * `loss` with its margins scaled by `ramp` ∈ [0, 1]: ArcFace's angle m·ramp, CosFace's m·ramp, and for the
 * combined form m1 → 1 + (m1 − 1)·ramp, m2·ramp, m3·ramp. ramp 0 is normalised softmax, ramp 1 the
 * configured loss (returned as is). 'softmax' has no margin and 'intra' no margin either (its angle
 * penalty is not a margin and is left alone). Missing fields are filled with their defaults first.
 */
export function rampLossConfig(loss: LossConfig, ramp: number): LossConfig {
  if (ramp >= 1 || loss.kind === 'softmax' || loss.kind === 'intra') return loss;
  const t = Math.max(0, ramp);
  const m = targetMargins(loss);
  switch (loss.kind) {
    case 'arcface':
      return { ...loss, marginDeg: radToDeg(m.angularMarginRad) * t };
    case 'cosface':
      return { ...loss, cosineMargin: m.cosineMargin * t };
    case 'combined':
      return {
        ...loss,
        angleFactor: 1 + (m.angleFactor - 1) * t,
        marginDeg: radToDeg(m.angularMarginRad) * t,
        cosineMargin: m.cosineMargin * t,
      };
  }
}
