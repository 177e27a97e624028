/**
 * A test folder smaller than "Test pairs" asks for: a 12-image folder loads
 * with the 24 balanced pairs it gives (and says 600 were asked for), and a run evaluates on them;
 * a folder that gives no pair at all says why, and a run refused for want of pairs names the
 * loaded test folder's cause instead of claiming that none is loaded.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSynthDataset } from '../../src/core/synth/index.ts';
import type { TrainConfigInput } from '../../src/core/trainConfig.ts';
import type { BackendReport } from '../../src/protocol/api.ts';
import type { FolderOptions, PickedFile } from '../../src/protocol/data.ts';
import type { TrainEvent } from '../../src/protocol/events.ts';
import { openCheckpointStore } from '../../workers/checkpointStore.ts';
import { DataStore } from '../../src/ml/data/dataStore.ts';
import { decodeToRgb } from '../../workers/data/decode.ts';
import { createLabApi } from '../../workers/labApi.ts';
import { installImageFakes, rgbPng } from './browserFakes.ts';

const SIZE = 32;

/** A picked folder of `names.length` synthetic identities with `perIdentity` PNGs each. */
function synthFolder(root: string, names: readonly string[], perIdentity: number, seed: number): PickedFile[] {
  const set = createSynthDataset({ seed, identities: names.length, imagesPerIdentity: perIdentity, size: SIZE, familySize: 1 });
  return Array.from({ length: set.count }, (_, i) => {
    const path = `${root}/${names[set.itemIdentity(i)]}/${String(i).padStart(3, '0')}.png`;
    return { file: new File([rgbPng(set.render(i), SIZE)], path.split('/').pop()!), relativePath: path };
  });
}

async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', attempts: [{ backend: 'cpu', ok: true }], tfjsVersion: tf.version.tfjs };
}

/** The panel's defaults: 600 test pairs asked for. */
const LOAD: Omit<FolderOptions, 'role'> = { seed: 1, imageSize: SIZE, centreCrop: true, background: 'black', validationFraction: 0.1, testPairs: 600 };
const MICRO: TrainConfigInput = {
  model: { backbone: 'tiny', inputSize: SIZE, width: 4, embeddingDim: 16 },
  loss: { scale: 16 },
  optimizer: { lr: 0.05 },
  batchSize: 8,
  steps: 2,
  evalEvery: 0,
  evalPairs: 1000,
  checkpointEvery: 0,
};

const train = synthFolder('faces', ['Ana', 'Ben', 'Chloé', 'Dev', 'Eun'], 6, 5);

beforeAll(installImageFakes);
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('a test folder with fewer balanced pairs than asked for', () => {
  it('loads the 24 pairs 12 images give, says 600 were asked for, and a run evaluates on them', async () => {
    const store = new DataStore(decodeToRgb);
    await store.load(train, { ...LOAD, role: 'train' }, () => {});
    const report = await store.load(synthFolder('small test', ['Ólafur', '李小龍', 'Émilie', 'Nuno'], 3, 6), { ...LOAD, role: 'test' }, () => {});
    expect(report.pairsError).toBeUndefined();
    expect(report.pairs).toEqual({ source: 'sampled', count: 24, positives: 12, negatives: 12, requested: 600 });
    expect(store.folder('test')?.pairs).toHaveLength(24);

    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('small-test-folder'), dataStore: store });
    await api.init();
    expect(await api.loadData({ kind: 'folder', test: 'test-folder' })).toMatchObject({ testIdentities: 4, testImages: 12 });
    const events: TrainEvent[] = [];
    const result = await api.train(MICRO, (e) => events.push(e));
    expect(result, JSON.stringify(events.filter((e) => e.type === 'error'))).toMatchObject({ reason: 'completed' });
    const evaluated = events.find((e) => e.type === 'eval');
    expect(evaluated?.type === 'eval' && evaluated.metrics).toMatchObject({ pairs: 24, positives: 12, negatives: 12 });
  });

  it('says why a folder gives no pairs, and a refused run names that cause rather than a missing folder', async () => {
    const store = new DataStore(decodeToRgb);
    // Nothing held out: the validation split cannot stand in for the test folder.
    await store.load(train, { ...LOAD, role: 'train', validationFraction: 0 }, () => {});
    const report = await store.load(synthFolder('singles', ['Ólafur', '李小龍', 'Émilie', 'Nuno'], 1, 6), { ...LOAD, role: 'test' }, () => {});
    expect(report.pairs).toBeUndefined();
    expect(report.pairsError).toBe(
      '4 images of 4 identities give no same-identity pair (every identity has one image): a test needs at least two identities, one of them with two images or more',
    );

    const api = createLabApi({ selectBackend: cpuBackend, openStore: () => openCheckpointStore('small-test-folder-none'), dataStore: store });
    await api.init();
    // What the data panel sends when the test folder has no pairs.
    const refused = api.loadData({ kind: 'folder', test: 'validation' });
    await expect(refused).rejects.toThrow(/^no test pairs: the test folder gives no pairs \(4 images of 4 identities give no same-identity pair/);
    await expect(api.loadData({ kind: 'folder', test: 'validation' })).rejects.not.toThrow(/no test folder is loaded/);
    await expect(api.loadData({ kind: 'folder', test: 'validation' })).rejects.toThrow(/Load a test folder that gives pairs/);
    await expect(api.loadData({ kind: 'folder', test: 'test-folder' })).rejects.toThrow(/^the test folder gives no pairs \(4 images of 4 identities/);
  });
});
