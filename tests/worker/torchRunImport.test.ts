/**
 * The model of a torch RUN_DIR (model.safetensors by the lab's weight names, plus `head`) imported
 * through the worker's models API embeds exactly as the weights it came from, is listed and exported like any
 * saved model, and weights of another run or step are refused before anything is stored.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/prng.ts';
import { encodeSafetensors } from '../../src/core/safetensors.ts';
import { parseTrainConfig } from '../../src/core/trainConfig.ts';
import { loadModelZip } from '../../src/ml/modelIo.ts';
import { createEmbeddingModel, modelSpecOf } from '../../src/ml/models/embedding.ts';
import { namedWeights } from '../../src/ml/namedWeights.ts';
import { embedImages } from '../../src/ml/train/evaluate.ts';
import { createModelsApi } from '../../src/ml/verify/modelsApi.ts';
import { openModelStore } from '../../workers/models/modelStore.ts';

const CONFIG = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4, embeddingNorm: 'batchnorm' }, seed: 3 });

describe('importing a torch RUN_DIR model', () => {
  it('embeds the same as the weights it came from, and refuses weights of another run', async () => {
    await tf.setBackend('cpu');
    // "Trained" weights: another seed's model, so they differ from what the config's seed would build.
    const source = createEmbeddingModel(modelSpecOf(CONFIG.model, 99));
    const named = await namedWeights(source);
    named.set('head', { shape: [5, 8], data: new Float32Array(40).fill(0.1) });
    const meta = { format: 'margin-lab-torch', config: JSON.stringify(CONFIG), numIdentities: '5', step: '12' };
    const weights = encodeSafetensors(named, meta);
    const api = createModelsApi({ openStore: () => openModelStore('test-torch-import'), currentSession: () => null, currentData: () => null, dataStore: {} as never }).api;

    await expect(api.importTorchRun({ runId: 'r', label: 'x', config: CONFIG, weights, step: 11 })).rejects.toThrow(/step 12, but log.jsonl ends at step 11/);
    await expect(api.importTorchRun({ runId: 'r', label: 'x', config: CONFIG, weights, step: 12, classes: 4 })).rejects.toThrow(/5 identities, identities.json lists 4/);
    await expect(api.importTorchRun({ runId: 'r', label: 'x', config: { ...CONFIG, seed: 4 }, weights, step: 12 })).rejects.toThrow(/another config/);
    named.delete('embedding/kernel');
    await expect(api.importTorchRun({ runId: 'r', label: 'x', config: CONFIG, weights: encodeSafetensors(named, meta), step: 12 })).rejects.toThrow(
      /does not fit the tiny model.*embedding\/kernel/,
    );
    expect(await api.listModels()).toEqual([]);

    const summary = await api.importTorchRun({ runId: 'torch-3-a', label: 'PyTorch · tiny', config: CONFIG, weights, step: 12, classes: 5 });
    expect(summary).toMatchObject({ source: 'imported', runId: 'torch-3-a', step: 12, backbone: 'tiny', inputSize: 32, auc: null });
    expect((await api.listModels()).map((m) => m.id)).toEqual([summary.id]);
    const { model, run } = await loadModelZip(await api.exportModel({ kind: 'saved', id: summary.id }));
    expect(run).toMatchObject({ identities: 5, dataLabel: 'PyTorch run (train.py)', preprocessing: { aligned: false, centreCrop: true } });
    const rng = createRng(1);
    const images = Uint8Array.from({ length: 3 * 32 * 32 * 3 }, () => rng.int(256));
    const m = (mm: tf.LayersModel) => ({ model: mm, backbone: CONFIG.model.backbone, inputSize: 32 });
    expect(await embedImages(m(model), images, 3, true)).toEqual(await embedImages(m(source), images, 3, true));
    model.dispose();
    source.dispose();
  });
});
