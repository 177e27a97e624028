/**
 * Batch normalisation whose training step has its analytic gradient.
 *
 * tfjs-layers 4.22 trains a BatchNormalization layer as tf.moments followed by tf.batchNorm, and autodiff
 * differentiates both: the batchNorm gradient (which treats mean and variance as inputs) and then the moments'
 * (Mean, Sub, Square, Mean), about thirty kernels per layer a step, some seventeen of them over the whole activation. With
 * μ, σ² the batch's own moments over the N values of each channel, c = x − μ, r = 1/√(σ² + ε) and y = γ·r·c + β,
 *
 *   dβ = Σ dy,   dγ = r·Σ dy·c,   dx = γr·dy − (γr²·dγ/N)·c − γr·dβ/N
 *
 * (Ioffe & Szegedy 2015, §3, with x̂ = r·c), five passes over the activation (dy·c, γr·dy, the c term, two
 * subtractions) and two sums, which are cheap. c is the centred input tf.moments computes anyway, kept for the
 * backward pass as autodiff kept it. The batchNorm kernel is not used here: wasm's takes 15 ms on a
 * 16×28×28×256 activation where a broadcast Multiply takes 4–5 (Node 20, one thread).
 *
 * The forward pass is the stock layer's, op for op (tf.moments' ops, the same batchNorm kernel, the same moving-
 * average updates), so outputs are bit for bit tfjs-layers'; the gradients agree to float rounding.
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
 * a scale or an offset, keep the stock path.
 */
export function withAnalyticGradient<L extends tf.layers.Layer>(layer: L): L {
  const stockCall = layer.call.bind(layer);
  const fields = layer as unknown as BatchNormFields;
  layer.call = (inputs, kwargs) => {
    const training = Boolean((kwargs as { training?: boolean } | undefined)?.training);
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    const lastAxis = fields.axis === -1 || fields.axis === x.rank - 1;
    if (!training || !lastAxis || fields.gamma == null || fields.beta == null) return stockCall(inputs, kwargs);
    const { gamma, beta } = fields;
    return tf.tidy(() => {
      const reductionAxes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      // tf.moments(x, reductionAxes) written out, to keep its centred input. These ops are on the tape but on no
      // path to the loss (normalize takes mean and variance from its closure), so autodiff never differentiates them.
      const mean = tf.mean(x, reductionAxes);
      const centred = tf.sub(x, tf.reshape(mean, [...reductionAxes.map(() => 1), x.shape[x.rank - 1]]));
      const variance = tf.mean(tf.square(centred), reductionAxes);
      const normalize = tf.customGrad((input, scale, offset, save) => {
        const [xs, gammas, betas] = [input, scale, offset] as tf.Tensor[];
        (save as tf.GradSaveFunc)([centred, variance, gammas]);
        return {
          value: tf.batchNorm(xs, mean, variance, betas, gammas, fields.epsilon),
          gradFunc: (dy: tf.Tensor, [savedCentred, savedVariance, savedGamma]: tf.Tensor[]) => batchNormGradients(dy, savedCentred, savedVariance, savedGamma, fields.epsilon),
        };
      });
      const output = normalize(x, gamma.read(), beta.read());
      updateMovingAverage(fields.movingMean, mean, fields.momentum);
      updateMovingAverage(fields.movingVariance, variance, fields.momentum);
      return output;
    });
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
    const dyScale = tf.mul(gamma, invStd);
    const dBeta = tf.sum(dy, reductionAxes);
    const dGamma = tf.mul(invStd, tf.sum(tf.mul(dy, centred), reductionAxes));
    const centredScale = tf.mul(dyScale, tf.mul(invStd, tf.div(dGamma, count)));
    const dx = tf.sub(tf.sub(tf.mul(dy, dyScale), tf.mul(centred, centredScale)), tf.mul(dyScale, tf.div(dBeta, count)));
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
