/**
 * The data store with a decoder passed in (no browser fakes): a test folder's pairs.txt is checked against its
 * identities, and the test set built from the pairs holds each image once, in the engine's shapes.
 */
import { describe, expect, it } from 'vitest';
import { DataStore } from '../../../../src/ml/data/dataStore.ts';
import type { DecodePixels } from '../../../../src/ml/data/images.ts';
import type { FolderOptions, PickedFile } from '../../../../src/protocol/data.ts';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SIZE = 4;

/** A "PNG" whose one byte after the magic is the value every decoded pixel gets. */
const image = (value: number) => new File([Uint8Array.from([...PNG_MAGIC, value])], 'x.png');

/** The fake decoder: every pixel of the image is its value byte. */
const decode: DecodePixels = async (file, options) => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return new Uint8Array(options.imageSize * options.imageSize * 3).fill(bytes[PNG_MAGIC.length]);
};

/** A test folder: identity name → image values (file k of an identity is image number k + 1). */
function folder(identities: Record<string, number[]>, pairsTxt?: string): PickedFile[] {
  const files = Object.entries(identities).flatMap(([name, values]) =>
    values.map((value, k) => ({ file: image(value), relativePath: `test/${name}/${String(k + 1).padStart(4, '0')}.png` })),
  );
  return pairsTxt === undefined ? files : [...files, { file: new File([pairsTxt], 'pairs.txt'), relativePath: 'test/pairs.txt' }];
}

const LOAD: FolderOptions = { role: 'test', seed: 1, imageSize: SIZE, centreCrop: true, background: 'black', validationFraction: 0, testPairs: 4 };
const PEOPLE = { Ana: [10, 11, 12], Ben: [20, 21], Chloé: [30] };

describe('data store: test folder pairs', () => {
  it('builds the test set from pairs.txt: each used image once, pairs ordered, pixels from the decoder', async () => {
    const store = new DataStore(decode);
    const report = await store.load(folder(PEOPLE, '3\nAna\t1\t3\nBen\t1\t2\nAna\t3\tChloé\t1\n'), LOAD, () => {});
    expect(report.pairsError).toBeUndefined();
    expect(report.pairs).toEqual({ source: 'pairs.txt', count: 3, positives: 2, negatives: 1 });
    const { images, pairs } = store.testSet();
    // Ana 1, Ana 3, Ben 1, Ben 2, Chloé 1: Ana 3 is used twice but listed once.
    expect(images.count).toBe(5);
    const values = await Promise.all(Array.from({ length: images.count }, async (_, i) => (await images.render(i))[0]));
    expect(values).toEqual([10, 12, 20, 21, 30]);
    expect(Array.from({ length: images.count }, (_, i) => images.itemIdentity(i))).toEqual([0, 0, 1, 1, 2]);
    expect(pairs).toEqual([
      { a: 0, b: 1, same: true },
      { a: 2, b: 3, same: true },
      { a: 1, b: 4, same: false },
    ]);
    expect(store.exportPairsTxt().trim().split('\n').slice(1)).toEqual(['Ana\t1\t3', 'Ben\t1\t2', 'Ana\t3\tChloé\t1']);
  });

  it.each([
    ['an unknown identity', '1\nZoë\t1\t2\n', /pairs.txt pair 1: no identity folder 'Zoë'/],
    ['an image number past the folder', '2\nAna\t1\t2\nBen\t1\t3\n', /pairs.txt pair 2: 'Ben' has 2 usable images, not 3/],
  ])('refuses a pairs.txt with %s, saying which pair, and leaves no pairs', async (_, text, message) => {
    const store = new DataStore(decode);
    const report = await store.load(folder(PEOPLE, text), LOAD, () => {});
    expect(report.pairsError).toMatch(message);
    expect(store.folder('test')?.pairs).toEqual([]);
    expect(() => store.testSet()).toThrow(/no test pairs/);
  });

  it('samples balanced pairs without a pairs.txt, as many as asked for', async () => {
    const store = new DataStore(decode);
    const report = await store.load(folder(PEOPLE), LOAD, () => {});
    expect(report.pairs).toEqual({ source: 'sampled', count: 4, positives: 2, negatives: 2, requested: 4 });
    expect(store.testSet().pairs).toHaveLength(4);
  });
});

describe('data store: cancelling a folder load', () => {
  /** A decoder that takes `ms` per image, so progress reports (every 100 ms) arrive while files remain. */
  const slowDecode =
    (ms: number): DecodePixels =>
    async (file, options) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return decode(file, options);
    };
  const many = (count: number) => folder({ Ana: Array.from({ length: count }, (_, i) => i % 250), Ben: Array.from({ length: count }, (_, i) => i % 250) });

  it('stops between files once a progress report answers false, keeps no pixels of the role, and leaves the other role loaded', async () => {
    const store = new DataStore(slowDecode(5));
    await store.load(folder(PEOPLE), LOAD, () => {});
    const files = many(200).map((f) => ({ ...f, relativePath: f.relativePath.replace(/^test\//, 'train/') }));
    const seen: number[] = [];
    const load = store.load(files, { ...LOAD, role: 'train' }, (progress) => {
      seen.push(progress.done);
      return progress.done < 20; // cancel at the first report past 20 files
    });
    await expect(load).rejects.toThrow(/^loading cancelled after \d+ of 400 files$/);
    const stoppedAt = Number(/after (\d+)/.exec(((await load.catch((e: Error) => e)) as Error).message)![1]);
    // Not awaited by the worker: the scan stops within the files in flight (4 lanes) after the answer arrives.
    expect(stoppedAt).toBeGreaterThanOrEqual(20);
    expect(stoppedAt).toBeLessThan(400);
    expect(seen.at(-1)).toBeLessThan(400);
    expect(store.folder('train')).toBeUndefined();
    expect(store.cacheReport().bytesUsed).toBe(5 * SIZE * SIZE * 3); // only the test folder's 5 images
    expect(store.folder('test')?.identities.map((id) => id.name)).toEqual(['Ana', 'Ben', 'Chloé']);
  });

  it('loads every file when the progress callback never answers false (a page that says nothing)', async () => {
    const store = new DataStore(slowDecode(1));
    const report = await store.load(many(60), LOAD, () => undefined);
    expect(report.images).toBe(120);
  });
});
