/** The folder pipeline's pure parts: batches and image sets over loaded pixels, progress throttling, format sniffing. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/prng.ts';
import { FolderBatchSource, folderImageSet } from '../../../../src/ml/data/folderSource.ts';
import { sniffBlob } from '../../../../src/ml/data/images.ts';
import { throttledProgress } from '../../../../src/ml/data/scanPicked.ts';

const SIZE = 2;
/** Image i is filled with the value i, so a batch shows which images it holds. */
const pixelsOf = (i: number) => new Uint8Array(SIZE * SIZE * 3).fill(i);

describe('folder batch source', () => {
  const labels = Int32Array.from([0, 0, 1, 1, 1, 2, 2, 3]);

  it('draws a batch from the generator alone, labelled with each image identity', async () => {
    const source = new FolderBatchSource(labels, 4, SIZE, async (i) => pixelsOf(i));
    const a = await source.nextBatch(6, createRng(7).fork('batch'));
    const b = await source.nextBatch(6, createRng(7).fork('batch'));
    expect(a).toEqual(b);
    // Same draws as the engine's itemBatchSource: rng.int(count) per slot.
    const rng = createRng(7).fork('batch');
    const drawn = Array.from({ length: 6 }, () => rng.int(labels.length));
    expect([...a.images.filter((_, k) => k % (SIZE * SIZE * 3) === 0)]).toEqual(drawn);
    expect([...a.labels]).toEqual(drawn.map((i) => labels[i]));
  });

  it('hands out a prefetched batch when the generator matches, decoding it once', async () => {
    let decodes = 0;
    const source = new FolderBatchSource(labels, 4, SIZE, async (i) => {
      decodes++;
      return pixelsOf(i);
    });
    source.prefetch(5, createRng(3).fork(1));
    await Promise.resolve();
    const afterPrefetch = decodes;
    expect(afterPrefetch).toBe(5);
    const hit = await source.nextBatch(5, createRng(3).fork(1));
    expect(decodes).toBe(afterPrefetch);
    const fresh = new FolderBatchSource(labels, 4, SIZE, async (i) => pixelsOf(i));
    expect(hit).toEqual(await fresh.nextBatch(5, createRng(3).fork(1)));
    // Another generator misses the prefetched batch and decodes its own.
    await source.nextBatch(5, createRng(3).fork(2));
    expect(decodes).toBe(afterPrefetch + 5);
  });

  it('rejects a batch whose pixels have the wrong size, and an empty folder', async () => {
    const source = new FolderBatchSource(labels, 4, SIZE, async () => new Uint8Array(5));
    await expect(source.nextBatch(2, createRng(1))).rejects.toThrow(/expected 12/);
    expect(() => new FolderBatchSource(new Int32Array(0), 0, SIZE, async (i) => pixelsOf(i))).toThrow(/no training images/);
  });

  it('serves images by index without exposing the cached buffer', async () => {
    const cached = pixelsOf(9);
    const set = folderImageSet(Int32Array.from([4, 5]), SIZE, async () => cached);
    expect([set.count, set.size, set.itemIdentity(1)]).toEqual([2, SIZE, 5]);
    const copy = await set.render(0);
    copy[0] = 0;
    expect(cached[0]).toBe(9);
  });
});

describe('progress throttling', () => {
  it('reports at most once per interval, always the last, with an ETA from the mean rate', () => {
    let now = 0;
    const sent: [number, number, number | undefined][] = [];
    const report = throttledProgress(
      (d, t, eta) => sent.push([d, t, eta]),
      () => now,
      100,
    );
    for (let done = 1; done <= 10; done++) {
      now = done * 30; // 30 ms per file
      report(done, 10);
    }
    // Sent at 30 ms (first), 150, 270 (≥ 100 ms apart), and the final file.
    expect(sent.map(([d]) => d)).toEqual([1, 5, 9, 10]);
    expect(sent[1][2]).toBeCloseTo((5 * 0.15) / 5, 6);
    expect(sent[3][2]).toBe(0);
  });
});

describe('sniffing', () => {
  it('sniffs a blob by its magic bytes, not its name', async () => {
    const png = new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])]);
    await expect(sniffBlob(png)).resolves.toEqual({ kind: 'supported', format: 'png' });
    await expect(sniffBlob(new Blob(['not a jpeg']))).resolves.toEqual({ kind: 'not-image' });
  });
});
