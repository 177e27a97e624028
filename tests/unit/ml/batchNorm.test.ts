// Batch norm trained with its analytic gradient (src/ml/models/batchNorm.ts), against tfjs-layers' stock layer and
// autodiff through tf.moments, on the tfjs CPU backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormGradients, withAnalyticGradient } from '../../../src/ml/models/batchNorm.ts';
import { BATCH_NORM_DEFAULTS } from '../../../src/ml/models/layers.ts';
import { useCpu } from './trainHelpers.ts';

beforeAll(useCpu);

/** A built batch norm over the last axis with seeded, non-trivial γ and β, stock or patched. */
function makeLayer(shape: number[], analytic: boolean): tf.layers.Layer {
  const layer = tf.layers.batchNormalization({ axis: -1, ...BATCH_NORM_DEFAULTS });
  layer.apply(tf.input({ shape: shape.slice(1) }));
  const channels = shape[shape.length - 1];
  layer.weights[0].write(tf.randomNormal([channels], 1, 0.5, 'float32', 11));
  layer.weights[1].write(tf.randomNormal([channels], 0, 0.5, 'float32', 12));
  return analytic ? withAnalyticGradient(layer) : layer;
}

/** A loss that weighs every output differently, so that no gradient term cancels by symmetry. */
function weightedLoss(output: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(tf.relu(output), tf.randomNormal(output.shape, 0, 1, 'float32', 13)));
}

/**
 * Output, dx, dγ, dβ and the moving statistics after one training call of `layer` on `x`. A frozen layer's γ and β
 * are not trainable variables, so it has no dγ and dβ (empty arrays).
 */
async function trainingPass(layer: tf.layers.Layer, x: tf.Tensor): Promise<Float32Array[]> {
  const input = tf.variable(x);
  // `weights`, not `trainableWeights`, which is empty once the layer is frozen.
  const [gamma, beta] = layer.weights.slice(0, 2).map((w) => w.read() as tf.Variable);
  let output: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    output = tf.keep(layer.apply(input, { training: true }) as tf.Tensor);
    return weightedLoss(output);
  }, [input, gamma, beta]);
  const tensors = [output!, grads[input.name], grads[gamma.name], grads[beta.name], layer.weights[2].read(), layer.weights[3].read()];
  const values = await Promise.all(tensors.map((t) => (t == null ? new Float32Array(0) : (t.data() as Promise<Float32Array>))));
  tf.dispose([value, input, output!, ...Object.values(grads)]);
  return values;
}

function maxRelativeDifference(actual: Float32Array, expected: Float32Array): number {
  const scale = expected.reduce((max, v) => Math.max(max, Math.abs(v)), 1e-12);
  return actual.reduce((max, v, i) => Math.max(max, Math.abs(v - expected[i])), 0) / scale;
}

describe('batch norm with its analytic gradient', () => {
  it.each([
    ['a feature map', [4, 5, 3, 6]],
    ['embeddings', [16, 8]],
  ])('%s: output and moving statistics are bit for bit the stock layer’s, gradients equal to 1e-5', async (_, shape) => {
    // Off-centre input (mean 3, std 2): the centred form must not lose digits to the mean.
    const x = tf.randomNormal(shape, 3, 2, 'float32', 10);
    const [stock, analytic] = await Promise.all([trainingPass(makeLayer(shape, false), x), trainingPass(makeLayer(shape, true), x)]);
    const [output, dx, dGamma, dBeta, movingMean, movingVariance] = [0, 1, 2, 3, 4, 5];
    for (const i of [output, movingMean, movingVariance]) expect(analytic[i]).toEqual(stock[i]);
    for (const i of [dx, dGamma, dBeta]) expect(maxRelativeDifference(analytic[i], stock[i])).toBeLessThan(1e-5);
    // dx sums to zero over the batch in each channel (the mean is subtracted), a property of the true gradient.
    const channels = shape[shape.length - 1];
    const channelSums = new Float64Array(channels);
    analytic[dx].forEach((v, i) => (channelSums[i % channels] += v));
    for (const sum of channelSums) expect(Math.abs(sum)).toBeLessThan(1e-4);
    x.dispose();
  });

  it('batchNormGradients equals autodiff through tf.moments and tf.batchNorm', async () => {
    const x = tf.randomNormal([3, 4, 4, 5], -1, 3, 'float32', 20);
    const gamma = tf.randomNormal([5], 1, 0.5, 'float32', 21);
    const beta = tf.randomNormal([5], 0, 0.5, 'float32', 22);
    const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 23);
    const epsilon = 1e-3;
    const reference = tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xs, [0, 1, 2]);
      return tf.batchNorm(xs, mean, variance, b, g, epsilon);
    })([x, gamma, beta], dy);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const analytic = batchNormGradients(dy, tf.sub(x, mean), variance, gamma, epsilon);
    for (let i = 0; i < 3; i++) {
      expect(analytic[i].shape).toEqual(reference[i].shape);
      expect(maxRelativeDifference((await analytic[i].data()) as Float32Array, (await reference[i].data()) as Float32Array)).toBeLessThan(1e-5);
    }
    tf.dispose([x, gamma, beta, dy, mean, variance, ...reference, ...analytic]);
  });

  it('runs at least 15 fewer kernels over the whole activation than the stock layer, at a lower peak, and leaves no tensor behind', async () => {
    const shape = [4, 3, 3, 2];
    const x = tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 30));
    /** One training step of `layer` (dx, dγ, dβ): its kernels whose output is as large as the activation, and its peak bytes. */
    const profileStep = async (layer: tf.layers.Layer) => {
      const step = () => {
        const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => weightedLoss(layer.apply(x, { training: true }) as tf.Tensor), [x, gamma, beta]);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      const info = await tf.profile(step);
      expect(tf.memory().numTensors).toBe(before);
      const fullSize = info.kernels
        .filter((k) => tf.getKernel(k.name, 'cpu') !== undefined && k.name !== tf.Identity)
        .filter((k) => k.outputShapes.some((s) => tf.util.sizeFromShape(s ?? []) === x.size))
        .map((k) => k.name);
      return { fullSize, peakBytes: info.peakBytes };
    };
    const stock = await profileStep(makeLayer(shape, false));
    const analytic = await profileStep(makeLayer(shape, true));
    // Measured: 35 against 17 kernels (the loss's own included in both, and a Reshape that shares data); 9,704 against
    // 6,428 bytes at the peak, which counts every tensor alive in this file at the time.
    expect(analytic.fullSize.length).toBeLessThanOrEqual(stock.fullSize.length - 15);
    expect(analytic.peakBytes).toBeLessThan(0.8 * stock.peakBytes);
    // Two FusedBatchNorms: the forward one, and the backward one that computes dx.
    expect(analytic.fullSize.filter((name) => name === tf.FusedBatchNorm)).toHaveLength(2);
    x.dispose();
  });

  it('keeps the stock path for inference, and a model with it saves and loads as a stock one', async () => {
    const input = tf.input({ shape: [4] });
    const layer = withAnalyticGradient(tf.layers.batchNormalization({ axis: -1, ...BATCH_NORM_DEFAULTS }));
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const x = tf.randomNormal([5, 4], 1, 2, 'float32', 40);
    // Moving statistics away from their initial 0 and 1, so that inference reads something.
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const loaded = (await tf.models.modelFromJSON(JSON.parse(model.toJSON() as string))) as tf.LayersModel;
    loaded.setWeights(model.getWeights());
    expect(loaded.layers[1].getClassName()).toBe('BatchNormalization');
    const [expected, actual] = [loaded, model].map((m) => m.predict(x) as tf.Tensor);
    expect(await actual.data()).toEqual(await expected.data());
    tf.dispose([x, expected, actual]);
    model.dispose();
    loaded.dispose();
  });

  it('frozen (no trainable weights), it still normalises over the batch, updates its moving statistics and passes dx on', async () => {
    const shape = [6, 3];
    const x = tf.randomNormal(shape, 2, 1, 'float32', 50);
    const passes = await Promise.all(
      [false, true].map((analytic) => {
        const layer = makeLayer(shape, analytic);
        layer.trainable = false;
        return trainingPass(layer, x);
      }),
    );
    const [stock, analytic] = passes;
    const [output, dx, movingMean, movingVariance] = [0, 1, 4, 5];
    for (const i of [output, movingMean, movingVariance]) expect(analytic[i]).toEqual(stock[i]);
    expect(maxRelativeDifference(analytic[dx], stock[dx])).toBeLessThan(1e-5);
    x.dispose();
  });
});
