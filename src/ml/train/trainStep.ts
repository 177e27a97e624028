/**
 * One training update, entirely on the device: forward, loss, gradients, and a *masked* optimiser update.
 *
 * Divergence without a per-step read-back: a 0-d `healthy` flag variable starts at 1 and becomes
 * healthy·[loss finite]·[gradient norm finite] at every step; the optimiser applies its update (and the
 * batch-norm layers keep their new moving statistics) only where the new flag is 1. Once a step is not
 * finite, that step and every later one change nothing, so when the loop reads the metrics a few steps
 * later (one `await data()` for several steps) the weights are still exactly those after the last good
 * step. The returned metrics vector is read by the loop; nothing here reads from the device.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '../../core/lossConfig.ts';
import { DEVICE_STEP_COLUMNS, isDeviceStepColumn, mapStepColumns, type DeviceStepColumn, type LoopStepColumn, type StepPoint } from '../../core/stepColumns.ts';
import { faceLossParts } from '../losses.ts';
import { regularizationLoss, type BackboneName } from '../models/embedding.ts';
import { preprocessFor } from '../preprocess.ts';
import type { MaskedOptimizer } from './optimizers.ts';

/**
 * Positions in the per-step metrics vector returned by dispatchTrainStep: the device step columns in table order
 * (src/core/stepColumns.ts), then `healthy`, 1 while every step so far was finite and 0 from the first non-finite one on.
 */
export const STEP_METRICS: Readonly<Record<DeviceStepColumn | 'healthy', number>> = Object.freeze({
  ...(Object.fromEntries(DEVICE_STEP_COLUMNS.map((name, i) => [name, i])) as Record<DeviceStepColumn, number>),
  healthy: DEVICE_STEP_COLUMNS.length,
});
/** Length of the per-step metrics vector. */
export const STEP_METRIC_COUNT = DEVICE_STEP_COLUMNS.length + 1;

/** Step `step`'s point from its row of metrics (STEP_METRICS order) and the columns the loop knows itself. */
export function stepPointOf(row: Float32Array, loop: Record<LoopStepColumn, number>): StepPoint {
  return mapStepColumns((name) => (isDeviceStepColumn(name) ? row[STEP_METRICS[name]] : loop[name]));
}

/** The trainable state of a run: model, class head, optimiser and the divergence flag. */
export interface TrainState {
  model: tf.LayersModel;
  head: tf.Variable;
  backbone: BackboneName;
  inputSize: number;
  /** Trainable variables in optimiser order: the model's trainable weights, then the head. */
  variables: tf.Variable[];
  /** Batch-norm moving statistics (non-trainable), restored when a step is not finite. */
  statistics: tf.Variable[];
  optimizer: MaskedOptimizer;
  /** 0-d float32 flag: 1 while healthy. */
  healthy: tf.Variable;
}

/** Collects the variables of `model` + `head` in the order the optimiser and checkpoints use. */
export function trainableVariables(model: tf.LayersModel, head: tf.Variable): { variables: tf.Variable[]; statistics: tf.Variable[] } {
  return {
    variables: [...model.trainableWeights.map((w) => w.read() as tf.Variable), head],
    statistics: model.nonTrainableWeights.map((w) => w.read() as tf.Variable),
  };
}

/** A batch as tensors, preprocessed for the backbone: images N×S×S×3 float32, labels int32 [N]. */
export function batchTensors(state: Pick<TrainState, 'backbone' | 'inputSize'>, images: Uint8Array, labels: Int32Array): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const n = labels.length;
  const s = state.inputSize;
  if (images.length !== n * s * s * 3) throw new Error(`batch images hold ${images.length} bytes, expected ${n}×${s}×${s}×3 = ${n * s * s * 3}`);
  return tf.tidy(() => ({
    x: preprocessFor(state.backbone, tf.tensor4d(images, [n, s, s, 3], 'int32')),
    y: tf.tensor1d(labels, 'int32'),
  }));
}

/**
 * Dispatches update number `step` with learning rate `lr` and loss `loss` (margin already ramped) and
 * returns the step's metrics vector [STEP_METRIC_COUNT] (the caller disposes it). Every other tensor is
 * freed before it returns, so the tensor count stays flat across steps.
 */
export function dispatchTrainStep(state: TrainState, images: Uint8Array, labels: Int32Array, step: number, lr: number, loss: LossConfig): tf.Tensor1D {
  return tf.tidy(() => {
    const { x, y } = batchTensors(state, images, labels);
    const savedStatistics = state.statistics.map((v) => tf.clone(v));
    // The device columns measured inside the gradient tape; loss and gradNorm come from variableGrads below.
    const measured = {} as Record<Exclude<DeviceStepColumn, 'loss' | 'gradNorm'>, tf.Tensor>;
    const { value, grads } = tf.variableGrads(() => {
      const features = state.model.apply(x, { training: true }) as tf.Tensor2D;
      const parts = faceLossParts(features, state.head as tf.Tensor as tf.Tensor2D, y, loss);
      const regularization = regularizationLoss(state.model);
      const total = tf.add(parts.loss, regularization) as tf.Scalar;
      // Training accuracy from the plain cosines (no margin), θ_y from the clamped cosine.
      const correct = tf.mean(tf.cast(tf.equal(tf.argMax(parts.logits, 1), y), 'float32'));
      const theta = tf.mul(tf.mean(tf.acos(tf.clipByValue(parts.cosTarget, -1, 1))), 180 / Math.PI);
      // Kept past variableGrads' own tidy; disposed by the outer tidy's end (they are returned through it).
      const kept = { crossEntropy: parts.crossEntropy, intraPenalty: parts.intraPenalty, regularization, accuracy: correct, thetaDeg: theta } satisfies typeof measured;
      for (const [name, t] of Object.entries(kept)) measured[name as keyof typeof measured] = tf.keep(t);
      return total;
    }, state.variables);
    const gradList = state.variables.map((v) => grads[v.name]);
    // Summed pairwise, not with tf.addN: the WebGPU AddN shader binds one storage buffer per input, and with a
    // model's worth of gradients it came back 0 on SwiftShader (tests/e2e/engine.test.ts checks the norm).
    const gradNorm = tf.sqrt(gradList.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
    const finite = tf.logicalAnd(tf.isFinite(value), tf.isFinite(gradNorm));
    const healthy = tf.mul(state.healthy, tf.cast(finite, 'float32')) as tf.Scalar;
    state.healthy.assign(healthy);
    const apply = tf.cast(healthy, 'bool') as tf.Scalar;
    state.optimizer.applyMasked(gradList, lr, step, apply);
    state.statistics.forEach((v, i) => v.assign(tf.where(apply, v, savedStatistics[i])));
    const byColumn: Record<DeviceStepColumn, tf.Tensor> = { ...measured, loss: value, gradNorm };
    const metrics = tf.stack([...DEVICE_STEP_COLUMNS.map((name) => byColumn[name]), healthy]) as tf.Tensor1D;
    Object.values(measured).forEach((t) => t.dispose());
    return metrics;
  });
}
