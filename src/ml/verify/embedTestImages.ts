/**
 * Embeds every image of a test-identity set in batches, reporting progress after each batch and stopping
 * when the caller cancels: the slow part of the first "nearest identities" search (the whole test set
 * through the model), kept apart from the worker API so Node tests drive it with a fake model.
 */
import type { NearestProgressCallback } from '../../protocol/models.ts';

/** The message of the rejection a cancelled search ends with. */
export const SEARCH_CANCELLED = 'search cancelled';

/** What embedding needs of a test set (TestIdentities of ./testIdentities.ts). */
export interface RenderableSet {
  readonly identityOf: ArrayLike<number>;
  render(index: number): Promise<Uint8Array>;
}

/**
 * Embeddings of every image of `set`, row-major [count, dim], and dim. `embed` takes `n` packed images of
 * `imageBytes` each; `chunk` images go per call. `onProgress` is awaited before the first batch and after
 * each one; a `false` from it rejects with SEARCH_CANCELLED before the next batch starts.
 */
export async function embedTestImages(
  set: RenderableSet,
  imageBytes: number,
  embed: (pixels: Uint8Array, count: number) => Promise<Float32Array>,
  options: { chunk: number; onProgress?: NearestProgressCallback },
): Promise<{ embeddings: Float32Array; dim: number }> {
  const { chunk, onProgress } = options;
  const total = set.identityOf.length;
  const report = async (done: number) => {
    if ((await onProgress?.({ done, total })) === false) throw new Error(SEARCH_CANCELLED);
  };
  await report(0);
  const parts: Float32Array[] = [];
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const packed = new Uint8Array(n * imageBytes);
    for (let i = 0; i < n; i++) packed.set(await set.render(start + i), i * imageBytes);
    parts.push(await embed(packed, n));
    await report(start + n);
  }
  const dim = total === 0 ? 0 : parts[0].length / Math.min(chunk, total);
  const embeddings = new Float32Array(total * dim);
  parts.reduce((offset, part) => (embeddings.set(part, offset), offset + part.length), 0);
  return { embeddings, dim };
}
