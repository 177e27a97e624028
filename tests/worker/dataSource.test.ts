import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/prng.ts';
import { PixelCache } from '../../workers/data/cache.ts';
import { rgbToRgba } from '../../src/core/pixels.ts';
import { bytesPerImage, cropRect, rgbaToRgb, sniffBlob } from '../../workers/data/decode.ts';
import { FolderBatchSource, folderImageSet } from '../../workers/data/folderSource.ts';
import { throttledProgress } from '../../workers/data/scanPicked.ts';

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

describe('pixel cache', () => {
  it('keeps images while they fit in the budget and reports the bytes', () => {
    const cache = new PixelCache(3 * bytesPerImage(112));
    expect(bytesPerImage(112)).toBe(37_632);
    for (let i = 0; i < 4; i++) expect(cache.tryPut(`train:${i}`, new Uint8Array(bytesPerImage(112)))).toBe(i < 3);
    expect([cache.size, cache.bytesUsed]).toEqual([3, 3 * 37_632]);
    cache.retainOnly('train:', new Set(['train:1']));
    expect([cache.size, cache.has('train:1')]).toEqual([1, true]);
    cache.setBudget(0);
    expect([cache.size, cache.bytesUsed]).toEqual([0, 0]);
  });
});

describe('decoding helpers', () => {
  it('crops the centred square of landscape and portrait frames', () => {
    expect(cropRect(300, 200, true)).toEqual({ sx: 50, sy: 0, sw: 200, sh: 200 });
    expect(cropRect(3, 8, true)).toEqual({ sx: 0, sy: 2, sw: 3, sh: 3 });
    expect(cropRect(300, 200, false)).toEqual({ sx: 0, sy: 0, sw: 300, sh: 200 });
  });

  it('drops alpha and restores it opaque', () => {
    const rgb = rgbaToRgb(Uint8Array.from([1, 2, 3, 0, 4, 5, 6, 255]));
    expect([...rgb]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...rgbToRgba(rgb)]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });

  it('sniffs a blob by its magic bytes, not its name', async () => {
    const png = new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])]);
    await expect(sniffBlob(png)).resolves.toEqual({ kind: 'supported', format: 'png' });
    await expect(sniffBlob(new Blob(['not a jpeg']))).resolves.toEqual({ kind: 'not-image' });
  });
});

describe('progress throttling', () => {
  it('reports at most once per interval, always the last, with an ETA from the mean rate', () => {
    let now = 0;
    const sent: [number, number, number | undefined][] = [];
    const report = throttledProgress((d, t, eta) => sent.push([d, t, eta]), () => now, 100);
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
