/**
 * Face-classification losses on L2-normalised features and class weights: normalised softmax, softmax
 * plus an intra-class angle penalty, ArcFace, CosFace and the combined margin.
 *
 * cos θ_j = ê·ŵ_j, logits = s·cos θ_j; the true-class logit becomes s·f(θ_y) with the f of
 * src/core/targetLogit.ts (same formula, same fallback past π, documented there).
 *
 * Numerical safety (on every tfjs backend acos and sqrt(1 − cos²) have NaN gradients at ±1, and comparisons
 * such as tf.greater have no gradient inside optimizer.minimize):
 * - normalisation divides by sqrt(|x|² + 1e-12), so a zero row gives cos 0 instead of NaN (its own
 *   gradient is then ~1e6·s: finite, as with PyTorch's F.normalize, but a zero-initialised head is a bad idea);
 * - sin θ and θ come from custom-gradient ops whose forward value is exact (argument clamped to
 *   [−1, 1]) and whose backward pass clamps 1 − cos² to at least 1e-6, so the derivative w.r.t. cos
 *   is bounded by 1000 instead of infinite. The gradient w.r.t. the raw vectors stays bounded at
 *   cos = ±1 because d cos/d ê = ŵ − cos·ê vanishes there (within ~0.06° of ±1 the clamp makes the
 *   θ gradient fade to 0 rather than keep its true unit size: the direction is undefined at θ = 0 anyway);
 * - the fallback branch is chosen with tf.step masks (no comparison op on the gradient tape).
 */
import * as tf from '@tensorflow/tfjs';
import { intraPenaltyWeight, targetMargins, type LossConfig, type TargetMargins } from '../core/lossConfig.ts';
import { marginFallback, type MarginFallback } from '../core/targetLogit.ts';

export type { LossConfig, LossKind, TargetMargins } from '../core/lossConfig.ts';
export { DEFAULT_LOSS_CONFIG, LOSS_KINDS, LOSS_PARAMETER_DEFAULTS, defaultLossConfig, validateLossConfig } from '../core/lossConfig.ts';

/** Added to |x|² before the square root in L2 normalisation: keeps a zero vector finite. */
export const NORM_EPSILON = 1e-12;

/**
 * Lower bound on 1 − cos² in the backward pass of sin θ and θ (clipping cos to 1 − 1e-7 instead
 * gave gradients of −2048·s): |d sin θ / d cos| and |d θ / d cos| stay ≤ 1/sqrt(1e-6) = 1000.
 */
export const SIN_SQUARED_FLOOR = 1e-6;

/**
 * The pieces of one loss evaluation. Tensors: the caller disposes them (or calls inside tf.tidy).
 * A type alias rather than an interface so it is a tf.TensorContainer (tf.dispose(parts), tidy returns).
 */
export type FaceLossParts = {
  /** crossEntropy + intraPenalty: what training minimises. */
  loss: tf.Scalar;
  /** Mean softmax cross-entropy over the batch, on the margin logits. */
  crossEntropy: tf.Scalar;
  /** α/(π·N)·Σ θ_y (radians) for 'intra'; 0 for the other kinds. */
  intraPenalty: tf.Scalar;
  /** cos θ_y per sample, before any margin: [N]. */
  cosTarget: tf.Tensor1D;
  /** s·cos θ for every class, without margin: [N, K]; training accuracy is its argmax. */
  logits: tf.Tensor2D;
  /** s·f(θ_y), the true-class logit after the margin (the one the cross-entropy uses): [N]. */
  targetLogits: tf.Tensor1D;
};

type UnaryCustomGrad = (x: tf.Tensor) => tf.Tensor;

/** sqrt(max(1 − c², floor)): the clamped sin θ used only in backward passes. */
function clampedSin(cos: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.maximum(tf.sub(1, tf.square(cos)), SIN_SQUARED_FLOOR));
}

/** sin θ = sqrt(1 − cos²) with an exact forward value and a bounded gradient −cos/max(sin θ, 1e-3). */
const sinFromCos = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [cos, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([cos]);
  return {
    value: tf.sqrt(tf.relu(tf.sub(1, tf.square(cos)))),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.neg(tf.div(tf.mul(dy, saved), clampedSin(saved))),
  };
}) as UnaryCustomGrad;

/** θ = acos(cos) with the argument clamped to [−1, 1] and a bounded gradient −1/max(sin θ, 1e-3). */
const safeAcos = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [cos, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([cos]);
  return {
    value: tf.acos(tf.clipByValue(cos, -1, 1)),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.neg(tf.div(dy, clampedSin(saved))),
  };
}) as UnaryCustomGrad;

/** Rows divided by their L2 norm; a zero row stays zero (NORM_EPSILON). */
function l2NormalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), NORM_EPSILON));
  return tf.div(x, norm);
}

/**
 * f(θ_y) from cos θ_y: cos(m1·θ + m2) − m3, or the fallback cos θ − shift where θ > θ*.
 * For m1 = 1 the identity cos(θ + m) = cos θ·cos m − sin θ·sin m avoids acos entirely.
 */
function applyTargetMargins(cosTarget: tf.Tensor1D, margins: TargetMargins, fallback: MarginFallback | null): tf.Tensor1D {
  const { angleFactor: m1, angularMarginRad: m2, cosineMargin: m3 } = margins;
  if (m1 === 1 && m2 === 0) return m3 === 0 ? cosTarget : tf.sub(cosTarget, m3);
  const angled = m1 === 1 ? tf.sub(tf.mul(cosTarget, Math.cos(m2)), tf.mul(sinFromCos(cosTarget), Math.sin(m2))) : tf.cos(tf.add(tf.mul(safeAcos(cosTarget), m1), m2));
  const main = m3 === 0 ? angled : tf.sub(angled, m3);
  if (fallback === null) return main as tf.Tensor1D;
  // 1 where cos θ < cos θ* (θ past θ*); tf.step has a (zero) gradient, unlike tf.greater.
  const pastStart = tf.step(tf.sub(fallback.startCos, cosTarget));
  const shifted = tf.sub(cosTarget, fallback.shift);
  return tf.add(tf.mul(pastStart, shifted), tf.mul(tf.sub(1, pastStart), main)) as tf.Tensor1D;
}

function checkShapes(features: tf.Tensor2D, weights: tf.Tensor2D, labels: tf.Tensor1D): void {
  if (features.rank !== 2 || weights.rank !== 2) {
    throw new Error(`faceLoss: features and weights must be 2-D (got shapes [${features.shape}] and [${weights.shape}])`);
  }
  if (features.shape[1] !== weights.shape[1]) {
    throw new Error(`faceLoss: feature size ${features.shape[1]} does not match weight row size ${weights.shape[1]}`);
  }
  if (labels.rank !== 1 || labels.shape[0] !== features.shape[0]) {
    throw new Error(`faceLoss: labels must have shape [${features.shape[0]}] (got [${labels.shape}])`);
  }
  if (labels.dtype !== 'int32') throw new Error(`faceLoss: labels must be int32 (got ${labels.dtype})`);
}

/**
 * Every piece of the loss for one batch: features [N, D] and class weights [K, D] raw (normalised
 * here), labels int32 [N] in [0, K) (an out-of-range label contributes 0 to the cross-entropy: it is not
 * checked because that would need a synchronous read). Throws for a bad config or mismatched shapes.
 */
export function faceLossParts(features: tf.Tensor2D, weights: tf.Tensor2D, labels: tf.Tensor1D, config: LossConfig): FaceLossParts {
  checkShapes(features, weights, labels);
  const margins = targetMargins(config);
  const alpha = intraPenaltyWeight(config);
  const fallback = marginFallback(margins);
  const scale = config.scale;
  const classCount = weights.shape[0];
  return tf.tidy(() => {
    const cos = tf.matMul(l2NormalizeRows(features), l2NormalizeRows(weights), false, true);
    const oneHot = tf.cast(tf.oneHot(labels, classCount), 'float32');
    const cosTarget = tf.sum(tf.mul(cos, oneHot), 1) as tf.Tensor1D;
    const marginTarget = applyTargetMargins(cosTarget, margins, fallback);
    // Non-target cosines unchanged, the target one replaced (not shifted, so it equals f(θ_y) exactly).
    const marginCos = tf.add(tf.mul(cos, tf.sub(1, oneHot)), tf.mul(oneHot, tf.expandDims(marginTarget, 1)));
    const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.mul(marginCos, scale))), 1))) as tf.Scalar;
    const intraPenalty = (alpha > 0 ? tf.mul(tf.mean(safeAcos(cosTarget)), alpha / Math.PI) : tf.scalar(0)) as tf.Scalar;
    return {
      loss: tf.add(crossEntropy, intraPenalty) as tf.Scalar,
      crossEntropy,
      intraPenalty,
      cosTarget,
      logits: tf.mul(cos, scale) as tf.Tensor2D,
      targetLogits: tf.mul(marginTarget, scale) as tf.Tensor1D,
    };
  });
}

/** Mean loss over the batch. features [N,D] and weights [K,D] are raw (not yet normalised);
 *  labels int32 [N]. Both are L2-normalised inside, cos = e·ŵ, logits = s·cos. */
export function faceLoss(features: tf.Tensor2D, weights: tf.Tensor2D, labels: tf.Tensor1D, config: LossConfig): tf.Scalar {
  return tf.tidy(() => faceLossParts(features, weights, labels, config).loss);
}
