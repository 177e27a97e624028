import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSynthDataset } from '../../src/core/synth/index.ts';
import type { BackendReport } from '../../src/protocol/api.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { openModelStore } from '../../workers/models/modelStore.ts';
import { installImageFakes, rgbPng } from './browserFakes.ts';
import { vi } from 'vitest';

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

const TEST = { identities: 5, imagesPerIdentity: 3, seed: 11 };
const DATA = { kind: 'builtin', train: { identities: 6, imagesPerIdentity: 4, familySize: 1 }, test: TEST } as const;
const CONFIG = { model: { width: 4, embeddingDim: 16 }, loss: { scale: 16 }, optimizer: { lr: 0.05 }, batchSize: 8, steps: 4, evalEvery: 0, evalPairs: 20, checkpointEvery: 0 };

/** A PNG file of test image `index` of the run's built-in test set (what the nearest search compares with). */
function testImageFile(index: number): File {
  const set = createSynthDataset({ ...TEST, size: 32, difficulty: 0.5, familySize: 3, namePrefix: 'synth-test' });
  return new File([rgbPng(set.render(index), 32)], `face-${index}.png`, { type: 'image/png' });
}

describe('verify and saved models in the lab worker API (Node, CPU backend, fake decoder)', () => {
  beforeAll(() => installImageFakes());
  afterAll(() => vi.unstubAllGlobals());

  it('verifies images, saves, exports and imports a model with identical embeddings, and refuses bad input', async () => {
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-verify-ckpt'), openModelStore: () => openModelStore('test-verify-models') });
    await api.init();
    const face = testImageFile(0);
    await expect(api.verifyImage({ kind: 'current' }, face)).rejects.toThrow(/no model yet/);
    await api.loadData(DATA);
    const run = await api.train(CONFIG, () => {});
    expect(run.reason).toBe('completed');

    const info = await api.describeModel({ kind: 'current' });
    expect(info).toMatchObject({
      runId: run.runId,
      step: 4,
      identities: 6,
      preprocessing: { backbone: 'tiny', normalization: 'symmetric', inputSize: 32, aligned: false, flipEval: true },
    });
    expect(info.thresholds?.eer).toBe(info.evaluation?.metrics.eerThreshold);
    expect(info.evaluation?.angles?.positives.reduce((a, b) => a + b, 0)).toBe(10);
    // 10 negatives: the lowest FAR step is 0.1, so only FPR 0 qualifies for 1e-3.
    expect(info.thresholds?.tarAtFar).toBeGreaterThan(info.thresholds!.eer - 1e-9);

    const a = await api.verifyImage({ kind: 'current' }, face);
    expect(a.size).toBe(32);
    expect(a.pixels).toEqual(createSynthDataset({ ...TEST, size: 32, difficulty: 0.5, familySize: 3, namePrefix: 'synth-test' }).render(0));
    expect(Math.hypot(...a.embedding)).toBeCloseTo(1, 5);
    // The same pixels through embed() (flip-averaged like evaluation) give the same embedding.
    expect(await api.embed(a.pixels, 1, true)).toEqual(a.embedding);

    const saved = await api.saveModel('my run');
    expect(saved).toMatchObject({ label: 'my run', source: 'run', runId: run.runId, backbone: 'tiny', inputSize: 32, step: 4, auc: info.evaluation?.metrics.auc });
    expect((await api.listModels()).map((m) => m.id)).toEqual([saved.id]);
    const fromSaved = await api.verifyImage({ kind: 'saved', id: saved.id }, face);
    expect(fromSaved.embedding).toEqual(a.embedding);

    const zip = await api.exportModel({ kind: 'saved', id: saved.id });
    const imported = await api.importModel(new Blob([zip.slice()]), 'model.zip');
    expect(imported).toMatchObject({ source: 'imported', label: 'my run (model.zip)', runId: run.runId, bytes: zip.byteLength });
    const fromImport = await api.verifyImage({ kind: 'saved', id: imported.id }, face);
    expect(fromImport.embedding).toEqual(a.embedding);
    expect((await api.describeModel({ kind: 'saved', id: imported.id })).thresholds).toEqual(info.thresholds);

    // Nearest identities: the face is image 0 of test identity 0 (synth-test-1).
    // The first search with a model embeds the 15 test images, reporting each batch; a cancelled one rejects and
    // leaves the queue free for the next.
    await expect(api.nearestIdentities({ kind: 'current' }, face, 5, undefined, () => false)).rejects.toThrow(/search cancelled/);
    const progress: { done: number; total: number }[] = [];
    const nearest = await api.nearestIdentities({ kind: 'saved', id: imported.id }, face, undefined, undefined, (p) => void progress.push(p));
    expect(progress[0]).toEqual({ done: 0, total: 15 });
    expect(progress.at(-1)).toEqual({ done: 15, total: 15 });
    expect(nearest.identities).toBe(5);
    expect(nearest.matches).toHaveLength(5);
    expect(nearest.matches.map((m) => m.images)).toEqual([3, 3, 3, 3, 3]);
    const angles = nearest.matches.map((m) => m.angleDeg);
    expect([...angles].sort((x, y) => x - y)).toEqual(angles);
    expect(new Set(nearest.matches.map((m) => m.name)).size).toBe(5);

    // Bad input changes nothing and says why.
    const before = await api.listModels();
    await expect(api.verifyImage({ kind: 'current' }, new File(['just text'], 'notes.txt'))).rejects.toThrow(/not an image/);
    const png = new Uint8Array(await face.arrayBuffer());
    await expect(api.verifyImage({ kind: 'current' }, new File([png.slice(0, 60)], 'cut.png'))).rejects.toThrow(/could not be decoded: it is broken or truncated/);
    await expect(api.verifyImage({ kind: 'current' }, face, { align: true })).rejects.toThrow(/was trained on unaligned centre crops: turn alignment off/);
    await expect(api.verifyImage({ kind: 'saved', id: 'nope' }, face)).rejects.toThrow(/no saved model/);
    await expect(api.importModel(new Blob(['PK not really a zip']), 'x.zip')).rejects.toThrow(/not a Margin Lab model: the file is not a readable \.zip/);
    expect(await api.listModels()).toEqual(before);

    await api.deleteModel(imported.id);
    await expect(api.verifyImage({ kind: 'saved', id: imported.id }, face)).rejects.toThrow(/no saved model/);
    expect((await api.listModels()).map((m) => m.id)).toEqual([saved.id]);
  });
});
