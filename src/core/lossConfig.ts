/**
 * Configuration of the face-classification losses (normalised softmax, intra-class angle penalty,
 * ArcFace, CosFace and the combined margin): the type, its defaults and its validation.
 *
 * It lives in src/core so the pure target-logit curve (src/core/targetLogit.ts), the UI and the tfjs
 * loss (src/ml/losses.ts, which re-exports `LossConfig`) share one definition.
 */

/** The loss families the lab trains with. */
export type LossKind = 'softmax' | 'intra' | 'arcface' | 'cosface' | 'combined';

/** Every loss kind, in the order the UI lists them. */
export const LOSS_KINDS: readonly LossKind[] = Object.freeze(['softmax', 'intra', 'arcface', 'cosface', 'combined'] as const);

/**
 * Parameters of one loss. Features and class weights are L2-normalised, cos θ = ê·ŵ, logits = s·cos θ;
 * the kinds differ only in the true-class logit (and, for 'intra', an extra angle penalty).
 */
export interface LossConfig {
  kind: LossKind;
  scale: number; // s, default 64
  alpha?: number; // 'intra': weight of the angle penalty, default 1
  marginDeg?: number; // 'arcface': additive angular margin m in degrees; 'combined': m2 in degrees
  cosineMargin?: number; // 'cosface': m; 'combined': m3
  angleFactor?: number; // 'combined': m1, default 1
  /**
   * Past θ* = (π − m2)/m1, where cos(m1·θ + m2) turns upward again: true (default) switches to the monotonic
   * fallback of src/core/targetLogit.ts; false keeps cos(m1·θ + m2) − m3 at every angle, the formula exactly as
   * the report (and the ArcFace paper's equation) writes it, with its upturn. Only margin kinds read it.
   */
  fallback?: boolean;
}

/** The three margins of the combined form s·(cos(m1·θ + m2) − m3) that every kind reduces to. */
export interface TargetMargins {
  /** m1, multiplies θ (SphereFace-style); 1 for every kind but 'combined'. */
  readonly angleFactor: number;
  /** m2 in radians, added to the angle (ArcFace). */
  readonly angularMarginRad: number;
  /** m3, subtracted from the cosine (CosFace). */
  readonly cosineMargin: number;
  /** Use the monotonic fallback past θ* (LossConfig.fallback); absent = true. */
  readonly fallback?: boolean;
}

/** Degrees → radians. */
export function degToRad(deg: number): number {
  return (deg * Math.PI) / 180;
}

/** Radians → degrees. */
export function radToDeg(rad: number): number {
  return (rad * 180) / Math.PI;
}

/**
 * Values used when an optional field is missing. Sources: s = 64 and ArcFace m = 0.5 rad (Deng et al.
 * 2019); CosFace m = 0.35 (Wang et al. 2018); combined (m1, m2, m3) = (1, 0.3 rad, 0.2) from the
 * insightface combined-margin recipe; α = 1 as the lab's brief sets it.
 */
export const LOSS_PARAMETER_DEFAULTS = Object.freeze({
  scale: 64,
  intraAlpha: 1,
  arcfaceMarginDeg: radToDeg(0.5),
  cosfaceMargin: 0.35,
  combinedAngleFactor: 1,
  combinedMarginDeg: radToDeg(0.3),
  combinedCosineMargin: 0.2,
});

/** The default loss: plain normalised softmax at s = 64. */
export const DEFAULT_LOSS_CONFIG: Readonly<LossConfig> = Object.freeze({ kind: 'softmax', scale: LOSS_PARAMETER_DEFAULTS.scale });

/** A complete, frozen config for `kind` with every parameter that kind reads set to its default. */
export function defaultLossConfig(kind: LossKind): Readonly<LossConfig> {
  const d = LOSS_PARAMETER_DEFAULTS;
  switch (kind) {
    case 'softmax':
      return DEFAULT_LOSS_CONFIG;
    case 'intra':
      return Object.freeze({ kind, scale: d.scale, alpha: d.intraAlpha });
    case 'arcface':
      return Object.freeze({ kind, scale: d.scale, marginDeg: d.arcfaceMarginDeg });
    case 'cosface':
      return Object.freeze({ kind, scale: d.scale, cosineMargin: d.cosfaceMargin });
    case 'combined':
      return Object.freeze({
        kind,
        scale: d.scale,
        angleFactor: d.combinedAngleFactor,
        marginDeg: d.combinedMarginDeg,
        cosineMargin: d.combinedCosineMargin,
      });
  }
}

/** True when `value` names a loss kind (configs may come from JSON or a URL). */
export function isLossKind(value: unknown): value is LossKind {
  return typeof value === 'string' && (LOSS_KINDS as readonly string[]).includes(value);
}

function requireNumber(name: string, value: unknown, ok: (v: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`LossConfig.${name} must be ${rule} (got ${String(value)})`);
  }
}

/**
 * Throws an Error naming the field and the rule for a config the loss cannot use. Every field that is
 * present is checked, whichever kind reads it. Rules: scale finite > 0; alpha finite ≥ 0;
 * marginDeg in [0, 180) (at 180° the margin would push every target angle past π);
 * cosineMargin in [0, 2) (past 2 the target logit is below every other logit at every angle);
 * angleFactor finite ≥ 1 (below 1 it is a bonus, not a margin).
 */
export function validateLossConfig(config: LossConfig): void {
  if (config === null || typeof config !== 'object') throw new Error('LossConfig must be an object');
  if (!isLossKind(config.kind)) {
    throw new Error(`LossConfig.kind must be one of ${LOSS_KINDS.join(', ')} (got ${String(config.kind)})`);
  }
  requireNumber('scale', config.scale, (v) => v > 0, 'a finite number > 0');
  if (config.alpha !== undefined) requireNumber('alpha', config.alpha, (v) => v >= 0, 'a finite number ≥ 0');
  if (config.marginDeg !== undefined) {
    requireNumber('marginDeg', config.marginDeg, (v) => v >= 0 && v < 180, 'in [0, 180) degrees');
  }
  if (config.cosineMargin !== undefined) {
    requireNumber('cosineMargin', config.cosineMargin, (v) => v >= 0 && v < 2, 'in [0, 2)');
  }
  if (config.angleFactor !== undefined) requireNumber('angleFactor', config.angleFactor, (v) => v >= 1, 'a finite number ≥ 1');
  if (config.fallback !== undefined && typeof config.fallback !== 'boolean') throw new Error(`LossConfig.fallback must be true or false (got ${String(config.fallback)})`);
}

/** `{ fallback: false }` when the config turns the fallback off; nothing (the default, on) otherwise. */
const fallbackOff = (config: LossConfig): Partial<TargetMargins> => (config.fallback === false ? { fallback: false } : {});

const NO_MARGIN: TargetMargins = Object.freeze({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0 });

/**
 * The (m1, m2, m3) that `config` applies to the true-class logit, with defaults filled in; softmax and
 * intra use (1, 0, 0). Validates the config first.
 */
export function targetMargins(config: LossConfig): TargetMargins {
  validateLossConfig(config);
  const d = LOSS_PARAMETER_DEFAULTS;
  switch (config.kind) {
    case 'softmax':
    case 'intra':
      return NO_MARGIN;
    case 'arcface':
      return Object.freeze({ angleFactor: 1, angularMarginRad: degToRad(config.marginDeg ?? d.arcfaceMarginDeg), cosineMargin: 0, ...fallbackOff(config) });
    case 'cosface':
      return Object.freeze({ angleFactor: 1, angularMarginRad: 0, cosineMargin: config.cosineMargin ?? d.cosfaceMargin });
    case 'combined':
      return Object.freeze({
        angleFactor: config.angleFactor ?? d.combinedAngleFactor,
        angularMarginRad: degToRad(config.marginDeg ?? d.combinedMarginDeg),
        cosineMargin: config.cosineMargin ?? d.combinedCosineMargin,
        ...fallbackOff(config),
      });
  }
}

/** α, the weight of the intra-class angle penalty: the config's (default 1) for 'intra', 0 otherwise. */
export function intraPenaltyWeight(config: LossConfig): number {
  validateLossConfig(config);
  return config.kind === 'intra' ? (config.alpha ?? LOSS_PARAMETER_DEFAULTS.intraAlpha) : 0;
}
