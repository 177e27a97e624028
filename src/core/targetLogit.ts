/**
 * The true-class logit as a function of the angle θ between a feature and its class row: the curve the
 * "Target logit" plot draws, and the exact formula src/ml/losses.ts applies (its tests compare the two).
 *
 * Every kind is the combined form f(θ) = cos(m1·θ + m2) − m3 (softmax and intra: (1, 0, 0); ArcFace:
 * (1, m, 0); CosFace: (1, 0, m)), scaled by s.
 *
 * Fallback past π. Once m1·θ + m2 > π, cos(m1·θ + m2) turns upward again, so a larger angle would earn
 * a *larger* logit and the gradient would push features away from their class. Beyond
 * θ* = (π − m2)/m1 we therefore use f(θ) = cos θ − (1 + cos θ*) − m3: a CosFace-style shift of the plain
 * cosine, chosen so f is continuous at θ* (both sides equal −1 − m3) and strictly decreasing on [0, π].
 * For ArcFace the shift is 1 − cos m, the same cosine gap ArcFace gives at θ = 0.
 * insightface instead uses cos θ − m·sin m there, which also keeps f decreasing but jumps down at θ*
 * (by 0.12 at m = 0.5 rad); the continuous version keeps the plotted curve and the loss free of a step,
 * so float32 rounding at the switch point cannot change the loss by a visible amount.
 */
import { degToRad, targetMargins, type LossConfig, type TargetMargins } from './lossConfig.ts';

/** Where the fallback takes over and how far it shifts the cosine (see the file comment). */
export interface MarginFallback {
  /** θ* = (π − m2)/m1 in radians: above it the fallback applies. */
  readonly startRad: number;
  /** cos θ*: the fallback applies where cos θ < startCos (cos is decreasing on [0, π]). */
  readonly startCos: number;
  /** The fallback is cos θ − shift, shift = 1 + cos θ* + m3. */
  readonly shift: number;
}

/**
 * The fallback for these margins, or null when m1·θ + m2 never passes π for θ in [0, π], or when the margins
 * turn it off (`fallback: false`: the report's plain formula at every angle).
 */
export function marginFallback(margins: TargetMargins): MarginFallback | null {
  if (margins.fallback === false) return null;
  const startRad = (Math.PI - margins.angularMarginRad) / margins.angleFactor;
  if (startRad >= Math.PI) return null;
  const startCos = Math.cos(startRad);
  return Object.freeze({ startRad, startCos, shift: 1 + startCos + margins.cosineMargin });
}

/** f(θ): the true-class cosine after the margins (no scale), θ in radians within [0, π]. */
export function targetCosine(thetaRad: number, margins: TargetMargins): number {
  const fallback = marginFallback(margins);
  if (fallback !== null && thetaRad > fallback.startRad) return Math.cos(thetaRad) - fallback.shift;
  return Math.cos(margins.angleFactor * thetaRad + margins.angularMarginRad) - margins.cosineMargin;
}

/**
 * The true-class logit s·f(θ) that `config` trains with, for an angle θ in DEGREES (0–180) between a
 * feature and its class row. For 'intra' this is s·cos θ: its angle penalty is added to the loss, not
 * to the logit. Throws (via validateLossConfig) for an invalid config.
 */
export function targetLogit(thetaDeg: number, config: LossConfig): number {
  return config.scale * targetCosine(degToRad(thetaDeg), targetMargins(config));
}

/** The plot's data: `pointCount` evenly spaced angles from 0° to 180° and the target logit at each. */
export function targetLogitCurve(config: LossConfig, pointCount = 181): { thetaDeg: number[]; logit: number[] } {
  if (!Number.isInteger(pointCount) || pointCount < 2) throw new Error(`pointCount must be an integer ≥ 2 (got ${pointCount})`);
  const margins = targetMargins(config);
  const thetaDeg = Array.from({ length: pointCount }, (_, i) => (180 * i) / (pointCount - 1));
  const logit = thetaDeg.map((deg) => config.scale * targetCosine(degToRad(deg), margins));
  return { thetaDeg, logit };
}
