/**
 * Where training images come from, abstracted so the built-in synthetic faces (rendered on demand) and
 * user folders (decoded elsewhere) plug into the same loop. Everything is RGB bytes, 0–255, size×size×3
 * row-major per image; the loop preprocesses per backbone on the device.
 *
 * Reproducibility: the loop hands `nextBatch` a generator that depends only on (seed, step), so a run
 * resumed from a checkpoint sees exactly the batches an uninterrupted run would have seen.
 */
import type { Pair } from '../../core/pairs.ts';
import { sampleAvailablePairs } from '../../core/pairs.ts';
import type { Rng } from '../../core/prng.ts';

/** One training batch: B images (B·S·S·3 bytes) and their identity labels in [0, numIdentities). */
export interface Batch {
  images: Uint8Array;
  labels: Int32Array;
}

/** An async source of training batches. */
export interface BatchSource {
  /** K: the number of classes (rows of the class head). */
  readonly numIdentities: number;
  /** Side of the square images it yields. */
  readonly imageSize: number;
  /** A batch drawn with `rng` (and nothing else random), so it is a function of the generator alone. */
  nextBatch(batchSize: number, rng: Rng): Promise<Batch>;
  /**
   * Optional: start preparing the batch `rng` would draw (e.g. decoding files) so that a later
   * `nextBatch` with an equal generator finds it ready. The loop calls it for step k+1 right after
   * taking step k's batch, with exactly the generator step k+1 will use, so decoding overlaps training.
   */
  prefetch?(batchSize: number, rng: Rng): void;
}

/** A random-access labelled image set (SynthDataset fits as it is; folder sets decode in `render`). */
export interface ImageSet {
  readonly count: number;
  /** Side of the square images. */
  readonly size: number;
  /** Identity index of item i. */
  itemIdentity(index: number): number;
  /** RGB bytes of item i (size·size·3), written into `out` when given. */
  render(index: number, out?: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The test side of a run: images and the verification pairs over them. */
export interface TestSet {
  readonly images: ImageSet;
  readonly pairs: readonly Pair[];
  /**
   * Optional held-out images of the *training* identities (`itemIdentity` = head row), for the angle
   * statistics against class centres and the "Hypersphere" figure (src/ml/train/geometry.ts).
   */
  readonly probe?: { readonly images: ImageSet };
}

/** Rendered images kept in memory by itemBatchSource, bytes (synthetic faces are costly to draw). */
export const DEFAULT_CACHE_BYTES = 192 * 1024 * 1024;

/** Bytes of one RGB image of side `size`. */
export function imageBytes(size: number): number {
  return size * size * 3;
}

/**
 * A source that draws B items uniformly (with replacement) from `set` and labels each with its
 * identity. Rendered items are cached up to `cacheBytes`, after which the rest are rendered each time.
 */
export function itemBatchSource(set: ImageSet, numIdentities: number, cacheBytes = DEFAULT_CACHE_BYTES): BatchSource {
  const perImage = imageBytes(set.size);
  const maxCached = Math.floor(cacheBytes / perImage);
  const cache = new Map<number, Uint8Array>();
  return {
    numIdentities,
    imageSize: set.size,
    async nextBatch(batchSize, rng) {
      const images = new Uint8Array(batchSize * perImage);
      const labels = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) {
        const item = rng.int(set.count);
        labels[i] = set.itemIdentity(item);
        let pixels = cache.get(item);
        if (pixels === undefined) {
          pixels = await set.render(item, new Uint8Array(perImage));
          if (cache.size < maxCached) cache.set(item, pixels);
        }
        images.set(pixels, i * perImage);
      }
      return { images, labels };
    },
  };
}

/**
 * A source of uniform noise images with uniform labels (benchmarks: it costs nothing to make, and
 * the arithmetic of a step does not depend on the pixel values).
 */
export function noiseBatchSource(numIdentities: number, imageSize: number): BatchSource {
  return {
    numIdentities,
    imageSize,
    async nextBatch(batchSize, rng) {
      const images = new Uint8Array(batchSize * imageBytes(imageSize));
      for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
      const labels = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) labels[i] = rng.int(numIdentities);
      return { images, labels };
    },
  };
}

/** Mirrors image `index` of a packed batch left–right, in place. */
export function flipImageInPlace(images: Uint8Array, index: number, size: number): void {
  const base = index * imageBytes(size);
  for (let y = 0; y < size; y++) {
    const row = base + y * size * 3;
    for (let left = 0, right = size - 1; left < right; left++, right--) {
      for (let c = 0; c < 3; c++) {
        const a = row + left * 3 + c;
        const b = row + right * 3 + c;
        const t = images[a];
        images[a] = images[b];
        images[b] = t;
      }
    }
  }
}

/** Flips each image of the batch with probability 1/2, drawn from `rng`; returns how many were flipped. */
export function randomFlips(images: Uint8Array, count: number, size: number, rng: Rng): number {
  let flipped = 0;
  for (let i = 0; i < count; i++) {
    if (rng.next() < 0.5) {
      flipImageInPlace(images, i, size);
      flipped++;
    }
  }
  return flipped;
}

/** The identity of every item of `set`, in item order. */
export function identitiesOf(set: ImageSet): Int32Array {
  const ids = new Int32Array(set.count);
  for (let i = 0; i < set.count; i++) ids[i] = set.itemIdentity(i);
  return ids;
}

/**
 * A test set with `pairCount` balanced pairs over `set`, drawn from `seed`; fewer, all `set` gives,
 * when it is smaller than that (sampleAvailablePairs: callers compare `pairs.length` to say so).
 * Throws, saying why, when `set` gives no pair of one kind.
 */
export function makeTestSet(set: ImageSet, pairCount: number, seed: number): TestSet {
  return { images: set, pairs: sampleAvailablePairs(identitiesOf(set), pairCount, seed) };
}
