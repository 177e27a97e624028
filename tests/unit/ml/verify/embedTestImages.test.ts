/** The first nearest-identities search's embedding loop: progress per batch and cancellation. */
import { describe, expect, it, vi } from 'vitest';
import { embedTestImages, SEARCH_CANCELLED } from '../../../../src/ml/verify/embedTestImages.ts';
import type { NearestProgress } from '../../../../src/protocol/models.ts';

/** Five one-byte "images" whose pixel is their index; the fake model embeds each as [pixel, 1]. */
const SET = { identityOf: Int32Array.from([0, 0, 1, 1, 2]), render: async (i: number) => Uint8Array.of(i) };
const embed = vi.fn(async (pixels: Uint8Array, n: number) => Float32Array.from({ length: n * 2 }, (_, j) => (j % 2 ? 1 : pixels[j >> 1])));

describe('embedTestImages', () => {
  it('embeds every image in batches and reports 0, each batch and the total', async () => {
    const seen: NearestProgress[] = [];
    const { embeddings, dim } = await embedTestImages(SET, 1, embed, { chunk: 2, onProgress: (p) => void seen.push(p) });
    expect(dim).toBe(2);
    expect(Array.from(embeddings)).toEqual([0, 1, 1, 1, 2, 1, 3, 1, 4, 1]);
    expect(seen).toEqual([
      { done: 0, total: 5 },
      { done: 2, total: 5 },
      { done: 4, total: 5 },
      { done: 5, total: 5 },
    ]);
  });

  it('stops before the next batch when the callback answers false (also through a promise, as over comlink)', async () => {
    embed.mockClear();
    const onProgress = vi.fn(async (p: NearestProgress) => p.done < 2);
    await expect(embedTestImages(SET, 1, embed, { chunk: 2, onProgress })).rejects.toThrow(SEARCH_CANCELLED);
    expect(embed).toHaveBeenCalledTimes(1);
    expect(onProgress).toHaveBeenCalledTimes(2);
  });
});
