/**
 * Batch normalisation whose training step has its analytic gradient.
 *
 * tfjs-layers 4.22 trains a BatchNormalization layer as tf.moments followed by tf.batchNorm, and autodiff
 * differentiates both: the batchNorm gradient (which treats mean and variance as inputs) and then the moments'
 * (Mean, Sub, Square, Mean), about thirty kernels per layer and step. With μ, σ² the batch's own moments over the N
 * values of each channel, c = x − μ, r = 1/√(σ² + ε) and y = γ·r·c + β,
 *
 *   dβ = Σ dy,   dγ = r·Σ dy·c,   dx = γr·dy − (γr²·dγ/N)·c − γr·dβ/N = γr·(dy − (r·dγ/N)·c − dβ/N)
 *
 * (Ioffe & Szegedy 2015, §3, with x̂ = r·c). c is the centred input that the moments compute anyway, kept for the
 * backward pass. The last form is batch norm's own map (t − μ')·γ/√(σ² + ε) of t = dy − (r·dγ/N)·c with μ' = dβ/N,
 * which every backend's batchNorm kernel computes in one pass: three passes over the activation (dy·c, the c term,
 * the subtraction) and that kernel, against five for the first form, besides two sums, which are cheap. (On wasm the
 * stock batchNorm kernel is a slow scalar loop; the lab's replaces it, src/ml/wasm/batchNorm.ts.)
 *
 * The moments and the moving-average updates run inside the custom op, where tfjs records nothing for autodiff: on
 * the tape, the Mean of the squared deviations would keep its input, one more activation per layer, until the
 * backward pass ends. In tests/unit/ml/batchNorm.test.ts's step (one layer and a small loss), 17 kernels run over the
 * whole activation where the stock layer's step runs 35, and the peak memory is 6.4 against 9.7 kB (tf.profile's peak,
 * which counts every tensor alive in the test file at the time). tfjs's own leak check, on only under its internal
 * IS_TEST flag, counts the moving statistics' new values as data the op left behind; the old values are freed, and the
 * lab's tests hold tf.memory() flat across steps.
 *
 * The ops are the stock layer's, one for one (tf.moments' ops, the same batchNorm kernel, the same moving-average
 * updates), so outputs and moving statistics are bit for bit tfjs-layers'; the gradients agree to float rounding.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-layers' BatchNormalization that its training step reads (public fields of the layer). */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/**
 * Makes a stock Keras BatchNormalization `layer` (same class, config and weights, so it saves and loads as one)
 * train with the analytic gradient above. Inference, and layers normalising another axis than the last or without
 * a scale or an offset, keep the stock path, as do inputs the stock layer refuses (several tensors, rank over 4). A
 * model read back with tf.loadLayersModel has stock layers again (they train through autodiff); the lab rebuilds its
 * models with createEmbeddingModel before loading weights, which patches them.
 */
export function withAnalyticGradient<L extends tf.layers.Layer>(layer: L): L {
  const stockCall = layer.call.bind(layer);
  const fields = layer as unknown as BatchNormFields;
  layer.call = (inputs, kwargs) => {
    const training = Boolean((kwargs as { training?: boolean } | undefined)?.training);
    const single = !Array.isArray(inputs) || inputs.length === 1;
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    const lastAxis = fields.axis === -1 || fields.axis === x.rank - 1;
    if (!training || !single || x.rank > 4 || !lastAxis || fields.gamma == null || fields.beta == null) return stockCall(inputs, kwargs);
    const normalize = tf.customGrad((input, scale, offset, save) => {
      const [xs, gamma, beta] = [input, scale, offset] as tf.Tensor[];
      // tf.moments(xs, reductionAxes) written out, to keep its centred input.
      const reductionAxes = Array.from({ length: xs.rank - 1 }, (_, i) => i);
      const mean = tf.mean(xs, reductionAxes);
      const centred = tf.sub(xs, tf.reshape(mean, [...reductionAxes.map(() => 1), xs.shape[xs.rank - 1]]));
      const variance = tf.mean(tf.square(centred), reductionAxes);
      (save as tf.GradSaveFunc)([centred, variance, gamma]);
      updateMovingAverage(fields.movingMean, mean, fields.momentum);
      updateMovingAverage(fields.movingVariance, variance, fields.momentum);
      return {
        value: tf.batchNorm(xs, mean, variance, beta, gamma, fields.epsilon),
        gradFunc: (dy: tf.Tensor, [savedCentred, savedVariance, savedGamma]: tf.Tensor[]) => batchNormGradients(dy, savedCentred, savedVariance, savedGamma, fields.epsilon),
      };
    });
    return normalize(x, fields.gamma.read(), fields.beta.read());
  };
  return layer;
}

/**
 * [dx, dγ, dβ] of y = batchNorm(x, μ, σ², β, γ, ε) over every axis but the last, where μ and σ² are x's own moments
 * and `centred` is x − μ (the formula in the module comment). Exported for the tests, which hold it against autodiff
 * through tf.moments.
 */
export function batchNormGradients(dy: tf.Tensor, centred: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, epsilon: number): tf.Tensor[] {
  return tf.tidy(() => {
    const reductionAxes = Array.from({ length: dy.rank - 1 }, (_, i) => i);
    const count = dy.size / dy.shape[dy.rank - 1];
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const dBeta = tf.sum(dy, reductionAxes);
    const dGamma = tf.mul(invStd, tf.sum(tf.mul(dy, centred), reductionAxes));
    const centredScale = tf.mul(invStd, tf.div(dGamma, count));
    const dx = tf.batchNorm(tf.sub(dy, tf.mul(centred, centredScale)), tf.div(dBeta, count), variance, undefined, gamma, epsilon);
    return [dx, dGamma, dBeta];
  });
}

/** The stock layer's moving average: v ← v − (v − value)·(1 − momentum). */
function updateMovingAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - momentum)));
  });
}
