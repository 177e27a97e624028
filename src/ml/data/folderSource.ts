/**
 * Training batches and test images from a loaded folder, in the engine's shapes
 * (src/ml/train/data.ts: BatchSource, ImageSet).
 *
 * Draws: like the engine's itemBatchSource, B images uniformly with replacement by `rng.int`,
 * so a batch is a function of the generator alone and a resumed run sees the same batches.
 * Flips are the engine's job (session.ts applies `randomFlips` when `flipAugment` is set).
 *
 * Prefetch: the generator of the next step is only known to the trainer, so the source cannot
 * guess the next batch. `prefetch(batchSize, rng)` starts decoding the batch that `rng` would
 * draw; a later `nextBatch` with an equal generator (same draws) gets that batch without waiting
 * for the decoder. The trainer calls it for step k+1 right after taking batch k, so decoding runs
 * while the device trains. Without the call the source still works, decoding on demand (all the
 * images of a batch at once, so the browser's decoder threads work in parallel).
 */
import type { Rng } from '../../core/prng.ts';
import type { Batch, BatchSource, ImageSet } from '../train/data.ts';

/** Batches decoded ahead at most (older prefetches are dropped first). */
export const MAX_PREFETCHED = 4;

/** A batch source over labelled images whose pixels come from `pixels(index)`. */
export class FolderBatchSource implements BatchSource {
  readonly imageSize: number;
  private readonly prefetched: { indices: number[]; batch: Promise<Batch> }[] = [];

  /**
   * @param labels identity (0-based class) of each image
   * @param numIdentities K, the number of classes
   * @param pixels RGB pixels (imageSize²·3 bytes) of image `index`
   */
  constructor(
    private readonly labels: Int32Array,
    readonly numIdentities: number,
    imageSize: number,
    private readonly pixels: (index: number) => Promise<Uint8Array>,
  ) {
    if (labels.length === 0) throw new Error('no training images: load a training folder first');
    this.imageSize = imageSize;
  }

  /** Number of training images. */
  get numImages(): number {
    return this.labels.length;
  }

  private draw(batchSize: number, rng: Rng): number[] {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    return Array.from({ length: batchSize }, () => rng.int(this.labels.length));
  }

  private async assemble(indices: readonly number[]): Promise<Batch> {
    const perImage = this.imageSize * this.imageSize * 3;
    const images = new Uint8Array(indices.length * perImage);
    const labels = new Int32Array(indices.length);
    await Promise.all(
      indices.map(async (index, slot) => {
        const pixels = await this.pixels(index);
        if (pixels.length !== perImage) throw new Error(`image ${index} has ${pixels.length} bytes, expected ${perImage}`);
        images.set(pixels, slot * perImage);
        labels[slot] = this.labels[index];
      }),
    );
    return { images, labels };
  }

  /** Start decoding the batch `rng` would draw (the caller keeps its own equal generator for nextBatch). */
  prefetch(batchSize: number, rng: Rng): void {
    const indices = this.draw(batchSize, rng);
    const batch = this.assemble(indices);
    // A prefetched batch that is never asked for must not surface as an unhandled rejection.
    batch.catch(() => undefined);
    this.prefetched.push({ indices, batch });
    if (this.prefetched.length > MAX_PREFETCHED) this.prefetched.shift();
  }

  /** The batch `rng` draws: a prefetched one when the draws match, else decoded now. */
  nextBatch(batchSize: number, rng: Rng): Promise<Batch> {
    const indices = this.draw(batchSize, rng);
    const at = this.prefetched.findIndex((p) => p.indices.length === indices.length && p.indices.every((v, i) => v === indices[i]));
    if (at < 0) return this.assemble(indices);
    const [hit] = this.prefetched.splice(at, 1);
    // Removed once handed out: the batch's buffers are the trainer's to flip in place.
    return hit.batch;
  }
}

/** A random-access image set (the engine's ImageSet) over a loaded folder's images. */
export function folderImageSet(identityOfItem: Int32Array, size: number, pixels: (index: number) => Promise<Uint8Array>): ImageSet {
  return {
    count: identityOfItem.length,
    size,
    itemIdentity: (index) => identityOfItem[index],
    async render(index, out) {
      const source = await pixels(index);
      if (!out) return source.slice();
      out.set(source);
      return out;
    },
  };
}
