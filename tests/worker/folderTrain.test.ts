/**
 * Training on picked folders in Node: the lab API with a folder-backed DataStore (fake browser
 * decoder, tests/worker/browserFakes.ts) trains and evaluates; a folder read at another size is
 * decoded again at the model's; the loop prefetches exactly the next step's batch; stopped runs
 * are evaluated, diverged ones are not.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSynthDataset } from '../../src/core/synth/index.ts';
import { parseTrainConfig, type TrainConfigInput } from '../../src/core/trainConfig.ts';
import type { BackendReport } from '../../src/protocol/api.ts';
import type { FolderOptions, PickedFile } from '../../src/protocol/data.ts';
import type { TrainEvent } from '../../src/protocol/events.ts';
import type { Batch, BatchSource } from '../../src/ml/train/data.ts';
import { TrainControl } from '../../src/ml/train/control.ts';
import { TrainingSession } from '../../src/ml/train/session.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { DataStore } from '../../src/ml/data/dataStore.ts';
import { decodeToRgb } from '../../workers/data/decode.ts';
import { folderRunData, VALIDATION_PAIRS_RULE } from '../../src/ml/data/folderData.ts';
import { FolderBatchSource } from '../../src/ml/data/folderSource.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { installImageFakes, rgbPng } from './browserFakes.ts';

/** Side of the PNG files; the folders are read at 48 px and the model takes 32 (re-decoded from the files). */
const FILE_SIZE = 32;
const TRAIN_NAMES = ['平木大作', 'José Núñez', 'Ana 😀 Lima', 'Zoë Smith', 'Kim Lee'];
const TEST_NAMES = ['Ólafur', '李小龍', 'Émilie', 'Nuno'];

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

/** A picked folder of synthetic faces (one sub-folder per name) as PNG files; `pixels` holds each file's RGB. */
function synthFolder(root: string, names: readonly string[], perIdentity: number, seed: number) {
  const set = createSynthDataset({ seed, identities: names.length, imagesPerIdentity: perIdentity, size: FILE_SIZE, familySize: 1 });
  const files: PickedFile[] = [];
  const pixels = new Map<string, Uint8Array>();
  for (let i = 0; i < set.count; i++) {
    const rgb = set.render(i);
    const path = `${root}/${names[set.itemIdentity(i)]}/${String(i).padStart(3, '0')}.png`;
    files.push({ file: new File([rgbPng(rgb, FILE_SIZE)], path.split('/').pop()!), relativePath: path });
    pixels.set(path, rgb);
  }
  return { files, pixels };
}

const LOAD: Omit<FolderOptions, 'role'> = { seed: 1, imageSize: 48, centreCrop: true, background: 'black', validationFraction: 0.25, testPairs: 20 };
const MICRO: TrainConfigInput = {
  model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 16 },
  loss: { scale: 16 },
  optimizer: { lr: 0.05 },
  batchSize: 8,
  steps: 4,
  evalEvery: 0,
  evalPairs: 24,
  checkpointEvery: 0,
};

const stepsOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [...e.points.step] : []));

beforeAll(installImageFakes);
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('training on loaded folders through the lab API', () => {
  const train = synthFolder('faces 顔', TRAIN_NAMES, 8, 5);
  const test = synthFolder('test faces', TEST_NAMES, 4, 6);

  it('trains on the training folder, evaluates on the test folder, and decodes again at the model size', async () => {
    const store = new DataStore(decodeToRgb);
    const report = await store.load(train.files, { ...LOAD, role: 'train' }, () => {});
    expect(report.sample).toMatchObject({ trainImages: 30, validationImages: 10 });
    await store.load(test.files, { ...LOAD, role: 'test' }, () => {});
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-folder-train'), dataStore: store });
    await api.init();
    expect(await api.loadData({ kind: 'folder', label: "folder 'faces 顔'" })).toEqual({
      kind: 'folder',
      trainIdentities: 5,
      trainImages: 30,
      testIdentities: 4,
      testImages: 16,
    });

    const events: TrainEvent[] = [];
    const result = await api.train(MICRO, (e) => events.push(e));
    expect(result, JSON.stringify(events.filter((e) => e.type === 'error'))).toMatchObject({ reason: 'completed', step: 4 });
    expect(stepsOf(events)).toEqual([0, 1, 2, 3]);
    const evaluated = events.find((e) => e.type === 'eval');
    // The test folder's 20 sampled pairs, not the config's 24.
    expect(evaluated?.type === 'eval' && evaluated.metrics.pairs).toBe(20);
    expect(evaluated?.type === 'eval' && evaluated.metrics.auc).toBeGreaterThanOrEqual(0);

    // Read at 48 px, decoded again at the model's 32 px: the cached pixels are the files' own.
    expect(store.folder('train')?.decode.imageSize).toBe(32);
    expect(store.folder('test')?.decode.imageSize).toBe(32);
    const path = store.folder('train')!.identities[0].files[0];
    expect(await store.pixels('train', path)).toEqual(train.pixels.get(path));
    expect((await api.evaluate()).metrics.pairs).toBe(20);
  });

  it('evaluates on the validation split without a test folder, and refuses when it is too small', async () => {
    const store = new DataStore(decodeToRgb);
    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('test-folder-validation'), dataStore: store });
    await api.init();
    await expect(api.loadData({ kind: 'folder' })).rejects.toThrow(/no training folder is loaded/);

    await store.load(train.files, { ...LOAD, role: 'train', validationFraction: 0.5 }, () => {});
    // Half of 40 images held out (at random, never an identity's last): 20 images of the 5 identities.
    expect(await api.loadData({ kind: 'folder' })).toEqual({ kind: 'folder', trainIdentities: 5, trainImages: 20, testIdentities: 5, testImages: 20 });
    await expect(api.loadData({ kind: 'folder', test: 'test-folder' })).rejects.toThrow(/no test folder is loaded/);
    const events: TrainEvent[] = [];
    const result = await api.train({ ...MICRO, steps: 2 }, (e) => events.push(e));
    expect(result.reason).toBe('completed');
    const evaluated = events.find((e) => e.type === 'eval');
    expect(evaluated?.type === 'eval' && evaluated.metrics.pairs).toBe(24);
    // The pairs are the validation images' own: 24 pairs over images of the training identities.
    const data = folderRunData(store, { kind: 'folder' }, { inputSize: 32, evalPairs: 1000, seed: 1 });
    // Capped by what the split can give: all its same-identity pairs and as many different ones.
    const positives = store.folder('train')!.validation.reduce((n, id) => n + (id.files.length * (id.files.length - 1)) / 2, 0);
    expect(positives).toBe(35);
    expect([data.testFrom, data.test.images.count, data.test.pairs.length]).toEqual(['validation', 20, 2 * positives]);
    expect(data.test.pairs.filter((p) => p.same).every((p) => data.test.images.itemIdentity(p.a) === data.test.images.itemIdentity(p.b))).toBe(true);

    // Nothing held out: no pairs at all without a test folder.
    await store.load(train.files, { ...LOAD, role: 'train', validationFraction: 0 }, () => {});
    await expect(api.loadData({ kind: 'folder' })).rejects.toThrow(
      new RegExp(`validation split \\(0 held-out images of 0 identities\\) gives 0 balanced pairs.*at least ${VALIDATION_PAIRS_RULE.minIdentities} identities.*Load a test folder`),
    );
  });
});

describe('the loop with a prefetching source', () => {
  /** Labels of 12 images of 4 identities; image i's pixels are all i. */
  const labels = Int32Array.from({ length: 12 }, (_, i) => i % 4);
  const pixelsOf = async (i: number) => new Uint8Array(32 * 32 * 3).fill(i);
  const copy = (b: Batch): Batch => ({ images: b.images.slice(), labels: b.labels.slice() });

  it('prefetches, for each step after the first, exactly the batch that step then draws', async () => {
    const config = parseTrainConfig({ ...MICRO, steps: 5, flipAugment: false });
    const reference = new FolderBatchSource(labels, 4, 32, pixelsOf);
    const inner = new FolderBatchSource(labels, 4, 32, pixelsOf);
    const prefetched: Promise<Batch>[] = [];
    const taken: Batch[] = [];
    const source: BatchSource = {
      numIdentities: 4,
      imageSize: 32,
      prefetch(batchSize, rng) {
        // What the prefetch generator draws, read from a twin generator (the source keeps its own).
        prefetched.push(reference.nextBatch(batchSize, rng).then(copy));
      },
      async nextBatch(batchSize, rng) {
        const batch = await inner.nextBatch(batchSize, rng);
        taken.push(copy(batch));
        return batch;
      },
    };
    const session = await TrainingSession.create(config, 4);
    await session.run(source, () => {});
    session.dispose();
    expect(taken).toHaveLength(5);
    // None after the last step; one per step before it, each the next step's batch.
    expect(prefetched).toHaveLength(4);
    const batches = await Promise.all(prefetched);
    batches.forEach((batch, k) => expect(batch).toEqual(taken[k + 1]));
    expect(new Set(taken.map((b) => b.images.join())).size).toBeGreaterThan(1);
  });

  it('decodes each batch once when the folder source prefetches it', async () => {
    let decodes = 0;
    const source = new FolderBatchSource(labels, 4, 32, async (i) => {
      decodes++;
      return pixelsOf(i);
    });
    const session = await TrainingSession.create(parseTrainConfig({ ...MICRO, steps: 4 }), 4);
    await session.run(source, () => {});
    session.dispose();
    // Step 0 decodes its batch; steps 1–3 take the batches prefetched during the step before.
    expect(decodes).toBe(4 * 8);
  });
});

describe('the end of a run', () => {
  const set = createSynthDataset({ seed: 6, identities: 4, imagesPerIdentity: 4, size: 32, familySize: 1 });
  const testSet = () => ({
    images: set,
    pairs: [
      { a: 0, b: 1, same: true },
      { a: 0, b: 4, same: false },
    ],
  });
  const source = () =>
    new FolderBatchSource(
      Int32Array.from({ length: 16 }, (_, i) => set.itemIdentity(i)),
      4,
      32,
      async (i) => set.render(i),
    );

  it('evaluates a run stopped by the user once, at the step it stopped', async () => {
    const session = await TrainingSession.create(parseTrainConfig({ ...MICRO, steps: 20 }), 4);
    const events: TrainEvent[] = [];
    const control = new TrainControl();
    const result = await session.run(
      source(),
      (e) => {
        events.push(e);
        if (e.type === 'step') control.stop();
      },
      { control, test: testSet() },
    );
    session.dispose();
    expect(result).toMatchObject({ reason: 'stopped', step: 1 });
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals).toHaveLength(1);
    expect(evals[0]).toMatchObject({ step: 1, metrics: { pairs: 2 } });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['eval', 'done']);
  });

  it('does not evaluate a run that diverged', async () => {
    // A learning rate of 1e30 overflows the weights within a few steps (as in the engine's divergence test).
    const session = await TrainingSession.create(parseTrainConfig({ ...MICRO, steps: 12, optimizer: { lr: 1e30, momentum: 0 } }), 4);
    const events: TrainEvent[] = [];
    const result = await session.run(source(), (e) => events.push(e), { test: testSet() });
    session.dispose();
    expect(result.reason).toBe('diverged');
    expect(events.some((e) => e.type === 'eval')).toBe(false);
  });
});
