/**
 * The reference model through the lab worker's API in Node: a test folder of real faces (cut from face-api's demo
 * photos) with a pairs.txt and one faceless picture is loaded into a DataStore, and the baseline describes every
 * image with face-api's real recognition network (its Node build on wasm, standing in for the align worker), leaves
 * out the picture without a face and the pairs that use it, and scores the rest with the lab's metrics. Verify's
 * single-image path refuses a non-image and a faceless picture with reasons.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlignOptions } from '../../src/core/align/options.ts';
import { REFERENCE_DIM, REFERENCE_INPUT_SIZE, REFERENCE_MODEL_ID, REFERENCE_THRESHOLD_DEG } from '../../src/core/reference/faceApiReference.ts';
import { describeLargestFace, type ReferenceFace, type ReferenceFaceApi } from '../../src/ml/reference/referenceNet.ts';
import type { PickedFile } from '../../src/protocol/data.ts';
import type { ReferenceProgress } from '../../src/protocol/reference.ts';
import { DataStore } from '../../src/ml/data/dataStore.ts';
import { decodeToRgb } from '../../workers/data/decode.ts';
import { BASELINE_CANCELLED } from '../../src/ml/reference/referenceApi.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { REFERENCE_TEST_FOLDER, referenceFacePairs, referenceTestFolder } from '../e2e/fixtures/referenceFaces.ts';
import { installImageFakes } from './browserFakes.ts';
import { loadReferenceFaceApiInNode } from '../unit/ml/referenceNode.ts';

let faceapi: ReferenceFaceApi;

/** What the align worker does for the reference, with sharp as the decoder. */
async function describeInNode(file: Blob, options: AlignOptions): Promise<ReferenceFace> {
  const { data, info } = await sharp(Buffer.from(await file.arrayBuffer()))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
  try {
    return await describeLargestFace(faceapi, image, options);
  } finally {
    image.dispose();
  }
}

function labApi(store: DataStore) {
  return createLabApi({
    selectBackend: async () => {
      throw new Error('not used');
    },
    openStore: async () => {
      throw new Error('not used');
    },
    dataStore: store,
    describeReference: describeInNode,
  });
}

beforeAll(async () => {
  installImageFakes();
  faceapi = await loadReferenceFaceApiInNode();
}, 60_000);
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('the reference model in the lab worker', () => {
  it('gives the baseline of a loaded test folder, leaving out the image without a face and its pairs', async () => {
    const store = new DataStore(decodeToRgb);
    const api = labApi(store);
    await expect(api.referenceBaseline()).rejects.toThrow(/no test pairs: load a test folder first/);

    const picked: PickedFile[] = (await referenceTestFolder()).map((f) => ({ file: new File([new Uint8Array(f.bytes)], f.path.split('/').pop()!), relativePath: f.path }));
    const report = await store.load(picked, { role: 'test', seed: 1, imageSize: 32, centreCrop: true, background: 'black' }, () => {});
    expect(report.pairs).toMatchObject({ source: 'pairs.txt', count: 7, positives: 4, negatives: 3 });

    const progress: ReferenceProgress[] = [];
    const baseline = await api.referenceBaseline((p) => void progress.push({ ...p }));
    expect(baseline.images).toBe(REFERENCE_TEST_FOLDER.images);
    expect(baseline.pairs).toBe(REFERENCE_TEST_FOLDER.pairs);
    expect(baseline.noFace.map((n) => n.path)).toEqual(REFERENCE_TEST_FOLDER.noFace.map((p) => `reference test/${p}`));
    expect(baseline.noFace[0].reason).toBe('no face found (tiny detector, score ≥ 0.5)');
    expect(baseline.leftOut).toEqual(REFERENCE_TEST_FOLDER.leftOut);
    expect(baseline.testLabel).toBe("test folder 'reference test': 7 pairs");
    const { evaluation } = baseline;
    expect(evaluation).toMatchObject({ type: 'eval', runId: REFERENCE_MODEL_ID, step: 0, metrics: { pairs: 5, positives: 3, negatives: 2 } });
    // Same faces (a face and its transformed copy) all lie nearer than every pair of different people.
    expect(evaluation.metrics.auc).toBe(1);
    expect(evaluation.roc.fpr.length).toBe(evaluation.roc.thresholds.length);
    const counted = (h: Float32Array) => h.reduce((a, b) => a + b, 0);
    expect([counted(evaluation.angles.positives), counted(evaluation.angles.negatives)]).toEqual([3, 2]);
    expect(progress[0]).toEqual({ done: 0, total: 7, noFace: 0 });
    expect(progress.at(-1)).toEqual({ done: 7, total: 7, noFace: 1 });

    // Verify then offers the baseline's thresholds and histogram beside face-api's own threshold.
    const info = await api.describeReference();
    expect(info).toMatchObject({ id: REFERENCE_MODEL_ID, dim: REFERENCE_DIM, inputSize: REFERENCE_INPUT_SIZE, evaluatedOn: "test folder 'reference test': 7 pairs" });
    expect(info.thresholdDeg).toBeCloseTo(REFERENCE_THRESHOLD_DEG, 10);
    expect(info.thresholds?.eer).toBe(evaluation.metrics.eerThreshold);
    expect(info.evaluation?.angles?.positives.reduce((a, b) => a + b, 0)).toBe(3);

    // A cancelled baseline rejects.
    await expect(api.referenceBaseline((p) => p.done < 2)).rejects.toThrow(BASELINE_CANCELLED);
  }, 180_000);

  it('verifies one image: the face crop and a unit descriptor, or the reason it cannot', async () => {
    const api = labApi(new DataStore(decodeToRgb));
    const before = await api.describeReference();
    expect(before).toMatchObject({ evaluation: null, thresholds: null, evaluatedOn: null, detector: { detector: 'tiny', scoreThreshold: 0.5 } });
    const { same } = await referenceFacePairs();
    const verified = await api.verifyReference(new File([new Uint8Array(same[0])], 'face.png'));
    expect(verified.size).toBe(REFERENCE_INPUT_SIZE);
    expect(verified.pixels.length).toBe(REFERENCE_INPUT_SIZE ** 2 * 3);
    expect(verified.model).toEqual({ runId: REFERENCE_MODEL_ID, label: before.label, step: 0 });
    expect(Math.hypot(...verified.embedding)).toBeCloseTo(1, 5);

    await expect(api.verifyReference(new File(['these are not pixels'], 'notes.txt'))).rejects.toThrow(/^not an image/);
    const grey = await sharp(Buffer.alloc(100 * 80 * 3, 90), { raw: { width: 100, height: 80, channels: 3 } })
      .png()
      .toBuffer();
    await expect(api.verifyReference(new File([new Uint8Array(grey)], 'wall.png'))).rejects.toThrow(/^no face found in the image \(tiny detector, score ≥ 0\.5\)/);
  }, 120_000);
});
