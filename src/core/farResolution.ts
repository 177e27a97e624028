/**
 * Whether a TAR@FAR figure means what its name says. With n negative (different-person) pairs the false
 * accept rate moves in steps of 1/n, so a FAR below 1/n can only be met by accepting no negative at all:
 * tarAtFar (src/core/metrics.ts) then reports the TAR at FAR = 0, a stricter and much noisier figure than
 * the one its label promises (20 negatives "measuring" FAR = 1e-3). The rule: a FAR is resolvable when at
 * least one false accept fits under it, n·FAR ≥ 1.
 */

/** Slack for n·FAR products such as 1000 · 0.001 that land a rounding error below 1. */
const EPSILON = 1e-9;

/** True when `negatives` negative pairs can resolve `far` (n·FAR ≥ 1: one false accept fits under it). */
export function farResolvable(negatives: number, far: number): boolean {
  return Number.isFinite(negatives) && far > 0 && negatives * far >= 1 - EPSILON;
}

/** The fewest negative pairs that resolve `far` (⌈1/FAR⌉). */
export function negativesNeededForFar(far: number): number {
  return Math.ceil(1 / far - EPSILON);
}

/**
 * Why a TAR at `far` from `negatives` negative pairs is not reported, in one sentence; undefined when it
 * is resolvable.
 */
export function farResolutionProblem(negatives: number, far: number): string | undefined {
  if (farResolvable(negatives, far)) return undefined;
  return (
    `${negatives} different-person pairs cannot measure a false accept rate of ${far}: ` +
    `that needs at least ${negativesNeededForFar(far)} (1/FAR), else the figure is the TAR at zero false accepts`
  );
}

/**
 * The TAR at FAR key `farKey` (String(far), as in EvalMetrics.tarAtFar) when the evaluation's negatives
 * resolve it; otherwise no value and the reason. A key the metrics lack has neither.
 */
export function resolvedTar(metrics: { negatives: number; tarAtFar: Readonly<Record<string, number>> }, farKey: string): { value?: number; problem?: string } {
  const value = metrics.tarAtFar[farKey];
  if (value === undefined) return {};
  const problem = farResolutionProblem(metrics.negatives, Number(farKey));
  return problem ? { problem } : { value };
}
