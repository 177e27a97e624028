/**
 * Changing a run's margin, α or learning rate while it trains: which values a loss kind accepts, and the
 * loss and base learning rate in force after a sequence of changes. Shared by the engine (which applies
 * them between steps) and the UI (which offers only the sliders that fit the run's loss).
 */
import { validateLossConfig, type LossConfig, type LossKind } from './lossConfig.ts';

/** Values a run may change while it trains (the same shape as the protocol's LiveParams). */
export interface LiveValues {
  marginDeg?: number;
  cosineMargin?: number;
  alpha?: number;
  lr?: number;
}

/** A change and the step it applies from. */
export interface LiveValuesChange {
  step: number;
  params: LiveValues;
}

/** Which live values each loss kind reads (lr fits every kind). */
export const LIVE_KEYS_BY_KIND: Readonly<Record<LossKind, readonly (keyof LiveValues)[]>> = Object.freeze({
  softmax: Object.freeze(['lr'] as const),
  intra: Object.freeze(['alpha', 'lr'] as const),
  arcface: Object.freeze(['marginDeg', 'lr'] as const),
  cosface: Object.freeze(['cosineMargin', 'lr'] as const),
  combined: Object.freeze(['marginDeg', 'cosineMargin', 'lr'] as const),
});

/**
 * The loss and base learning rate after `params`; throws naming the value when the loss kind does not
 * read it or it is out of range (the loss config's own rules; lr finite > 0). Returns fresh objects.
 */
export function applyLiveValues(loss: LossConfig, lr: number, params: LiveValues): { loss: LossConfig; lr: number } {
  const allowed = LIVE_KEYS_BY_KIND[loss.kind];
  const next: LossConfig = { ...loss };
  let nextLr = lr;
  for (const [key, value] of Object.entries(params) as [keyof LiveValues, number | undefined][]) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw new Error(`this ${loss.kind} run has no ${key} to change (it reads ${allowed.join(', ')})`);
    if (key === 'lr') {
      if (!(Number.isFinite(value) && value > 0)) throw new Error(`lr must be a finite number > 0 (got ${value})`);
      nextLr = value;
    } else next[key] = value;
  }
  validateLossConfig(next);
  return { loss: next, lr: nextLr };
}

/** The loss and base learning rate in force at `step`: every change with change.step ≤ step applied in order. */
export function liveValuesAt(loss: LossConfig, lr: number, changes: readonly LiveValuesChange[], step: number): { loss: LossConfig; lr: number } {
  let current = { loss: { ...loss }, lr };
  for (const change of changes) if (change.step <= step) current = applyLiveValues(current.loss, current.lr, change.params);
  return current;
}
