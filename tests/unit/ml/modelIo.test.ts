import * as tf from '@tensorflow/tfjs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { nodeFileHandler } from '../../../src/cli/nodeModelIo.ts';
import { createEmbeddingModel } from '../../../src/ml/models/embedding.ts';
import { loadModelZip, MODEL_ZIP_FILES, modelArtifacts, packModelZip, parseRunInfo, runInfoJson, unpackModelZip } from '../../../src/ml/modelIo.ts';
import { embedImages } from '../../../src/ml/train/evaluate.ts';
import { MODEL_TEST_CONFIG, modelRunInfo } from './modelFixtures.ts';

const CONFIG = MODEL_TEST_CONFIG;
const runInfo = modelRunInfo;

/** Deterministic pixel bytes for `count` 32-px images. */
const pixels = (count: number) => Uint8Array.from({ length: count * 32 * 32 * 3 }, (_, i) => (i * 37 + (i >> 7)) % 256);

describe('model export and import (zip of a TF.js layers model + run.json)', () => {
  let model: tf.LayersModel;
  let zip: Uint8Array;
  let dir: string;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = createEmbeddingModel({ backbone: 'tiny', inputSize: 32, embeddingDim: 8, l2: 5e-4, width: 4, seed: 7 });
    // Non-trivial batch-norm statistics, so a model that lost them would embed differently.
    for (const w of model.weights) if (w.name.includes('moving')) (w.read() as tf.Variable).assign(tf.fill(w.shape as number[], 0.37));
    zip = packModelZip(await modelArtifacts(model), runInfo());
    dir = await mkdtemp(join(tmpdir(), 'margin-lab-modelio-'));
  });
  afterAll(async () => {
    model?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips to identical embeddings and the same run info', async () => {
    expect(Object.keys(unzipSync(zip)).sort()).toEqual([MODEL_ZIP_FILES.weights, MODEL_ZIP_FILES.model, MODEL_ZIP_FILES.run].sort());
    const { model: loaded, run } = await loadModelZip(zip);
    try {
      expect(run).toEqual(runInfo());
      expect(run.thresholds?.tarAtFar).toBe(Infinity);
      const images = pixels(3);
      for (const flip of [false, true]) {
        const before = await embedImages({ model, backbone: 'tiny', inputSize: 32 }, images, 3, flip);
        const after = await embedImages({ model: loaded, backbone: 'tiny', inputSize: 32 }, images, 3, flip);
        expect(after).toEqual(before);
      }
    } finally {
      loaded.dispose();
    }
  });

  it('unzips to a folder that tf.loadLayersModel loads in Node', async () => {
    for (const [name, bytes] of Object.entries(unzipSync(zip))) await writeFile(join(dir, name), bytes);
    const loaded = await tf.loadLayersModel(nodeFileHandler(join(dir, 'model.json')));
    try {
      const x = tf.tensor4d(
        Float32Array.from(pixels(2), (v) => v / 127.5 - 1),
        [2, 32, 32, 3],
      );
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(await b.data()).toEqual(await a.data());
      tf.dispose([x, a, b]);
    } finally {
      loaded.dispose();
    }
  });

  it('refuses broken and foreign zips with a reason', async () => {
    const files = unzipSync(zip);
    const without = (name: string) => zipSync(Object.fromEntries(Object.entries(files).filter(([n]) => n !== name)));
    const withRun = (text: string) => zipSync({ ...files, [MODEL_ZIP_FILES.run]: strToU8(text) });
    const cases: [Uint8Array, RegExp][] = [
      [zip.subarray(0, Math.floor(zip.length / 2)), /not a readable \.zip/],
      [strToU8('hello, I am a text file'), /not a readable \.zip/],
      [without(MODEL_ZIP_FILES.run), /no run\.json/],
      [without(MODEL_ZIP_FILES.model), /no model\.json/],
      [without(MODEL_ZIP_FILES.weights), /lacks/],
      [withRun('{ not json'), /run\.json is not valid JSON/],
      [withRun(runInfoJson({ ...runInfo(), format: 'other' as 'margin-lab-model' })), /format is "other"/],
      [withRun(runInfoJson({ ...runInfo(), version: 2 as 1 })), /version 2/],
      [withRun(runInfoJson(runInfo({ preprocessing: { ...runInfo().preprocessing, inputSize: 64 } }))), /disagrees with its config/],
      [zipSync({ ...files, [MODEL_ZIP_FILES.weights]: files[MODEL_ZIP_FILES.weights].subarray(4) }), /hold \d+ bytes, the manifest describes/],
      [zipSync({ ...files, [MODEL_ZIP_FILES.model]: strToU8('{"modelTopology": 3}') }), /not a TF\.js layers model/],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => unpackModelZip(bytes)).toThrow(reason);
      await expect(loadModelZip(bytes)).rejects.toThrow(/^not a Margin Lab model: /);
    }
    // Readable, but preprocessed differently from what this lab feeds the backbone.
    const caffe = withRun(runInfoJson(runInfo({ preprocessing: { ...runInfo().preprocessing, normalization: 'caffe' } })));
    await expect(loadModelZip(caffe)).rejects.toThrow(/trained with caffe normalisation/);
    // A model.json whose topology disagrees with run.json's input size.
    const other = runInfo({ config: parseTrainConfig({ ...CONFIG, model: { ...CONFIG.model, inputSize: 48 } }), preprocessing: { ...runInfo().preprocessing, inputSize: 48 } });
    await expect(loadModelZip(withRun(runInfoJson(other)))).rejects.toThrow(/run\.json says 48 px/);
  });

  it('parses run.json with the string "Infinity" only where it stands for a threshold', () => {
    const text = runInfoJson(runInfo());
    expect(JSON.parse(text).thresholds.tarAtFar).toBe('Infinity');
    expect(parseRunInfo(text).thresholds?.tarAtFar).toBe(Infinity);
    expect(() => parseRunInfo('[]')).toThrow(/not an object/);
  });
});
