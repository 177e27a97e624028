/**
 * SGD with momentum and Adam, written out on tensors rather than taken from tf.train, for three reasons:
 * - every update is *masked*: applied only where a 0-d boolean `apply` is true, so a step whose loss or
 *   gradient is not finite leaves weights and optimiser state exactly as they were, without reading the
 *   loss back first (no GPU stall per step; see trainStep.ts);
 * - the learning rate changes every step (schedules) without rebuilding anything;
 * - the state is a plain, ordered list of variables, so checkpoints restore it byte for byte.
 *
 * Weight decay is decoupled (AdamW, Loshchilov & Hutter 2019): w ← w − lr·wd·w alongside the gradient update
 * (from the weights before it), on tensors of rank ≥ 2 only (conv and dense kernels, the class head), not on biases or batch-norm
 * parameters.
 */
import * as tf from '@tensorflow/tfjs';

/** Adam's β2 and ε (Kingma & Ba 2015 defaults); β1 is OptimizerConfig.momentum. */
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/** What an optimiser needs to know. */
export interface OptimizerSpec {
  kind: 'sgd' | 'adam';
  /** SGD momentum μ, or Adam's β1. */
  momentum: number;
  weightDecay: number;
}

/** A masked optimiser over a fixed list of variables. */
export interface MaskedOptimizer {
  readonly kind: 'sgd' | 'adam';
  /** State variables in a fixed order (SGD: one velocity per variable; Adam: m then v per variable). */
  readonly slots: readonly tf.Variable[];
  /**
   * Applies update number `step` (0-based; Adam's bias correction uses step + 1) with learning rate `lr`,
   * but only where `apply` (a boolean scalar) is true. Call inside tf.tidy.
   */
  applyMasked(grads: readonly tf.Tensor[], lr: number, step: number, apply: tf.Scalar): void;
  dispose(): void;
}

function zerosLike(v: tf.Variable, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zerosLike(v), false, name));
}

/** Writes where(apply, next, variable) into the variable. */
function assignMasked(variable: tf.Variable, next: tf.Tensor, apply: tf.Scalar): void {
  variable.assign(tf.where(apply, next, variable));
}

/** Creates the optimiser for `variables` (whose order fixes the slot order). */
export function createMaskedOptimizer(spec: OptimizerSpec, variables: readonly tf.Variable[]): MaskedOptimizer {
  const decays = variables.map((v) => spec.weightDecay > 0 && v.rank >= 2);
  /** `next` minus the decoupled decay lr·wd·w of the weights before the update. */
  const decayed = (next: tf.Tensor, w: tf.Tensor, i: number, lr: number): tf.Tensor => (decays[i] ? tf.sub(next, tf.mul(w, lr * spec.weightDecay)) : next);
  if (spec.kind === 'sgd') {
    const velocity = variables.map((v, i) => zerosLike(v, `sgd_velocity_${i}_${v.name}`));
    return {
      kind: 'sgd',
      slots: velocity,
      applyMasked(grads, lr, _step, apply) {
        variables.forEach((w, i) => {
          // Heavy-ball momentum as in PyTorch and tf.train.momentum: v ← μv + g, w ← w − lr·v.
          const v = tf.add(tf.mul(velocity[i], spec.momentum), grads[i]);
          assignMasked(w, decayed(tf.sub(w, tf.mul(v, lr)), w, i, lr), apply);
          assignMasked(velocity[i], v, apply);
        });
      },
      dispose() {
        velocity.forEach((v) => v.dispose());
      },
    };
  }
  const first = variables.map((v, i) => zerosLike(v, `adam_m_${i}_${v.name}`));
  const second = variables.map((v, i) => zerosLike(v, `adam_v_${i}_${v.name}`));
  const beta1 = spec.momentum;
  return {
    kind: 'adam',
    slots: [...first, ...second],
    applyMasked(grads, lr, step, apply) {
      const t = step + 1;
      // Bias correction folded into the step size (Kingma & Ba, end of section 2).
      const stepSize = (lr * Math.sqrt(1 - ADAM_BETA2 ** t)) / (1 - beta1 ** t);
      variables.forEach((w, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(first[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(second[i], ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
        const update = tf.div(m, tf.add(tf.sqrt(v), ADAM_EPSILON));
        assignMasked(w, decayed(tf.sub(w, tf.mul(update, stepSize)), w, i, lr), apply);
        assignMasked(first[i], m, apply);
        assignMasked(second[i], v, apply);
      });
    },
    dispose() {
      first.forEach((v) => v.dispose());
      second.forEach((v) => v.dispose());
    },
  };
}
