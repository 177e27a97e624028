/**
 * Seeded choices of what to train on: a subset of identities (the report trained on 700 of its
 * 4,366 identities), a minimum and a cap on images per identity, and a held-out validation split
 * of the chosen identities' images (closed-set: same identities, different images).
 *
 * Order: drop identities under `minImages` → pick `identities` of the rest → cap each at
 * `maxImages` → hold out `validationFraction` of the remaining images. Each step draws from its
 * own fork of the seed, so e.g. changing the cap does not change which identities are picked.
 */
import { createRng, type Rng } from '../prng.ts';
import { compareCodePoints } from './paths.ts';
import type { Identity } from './inventory.ts';

/** What to sample; every count is optional and "all" when absent. */
export interface SamplingOptions {
  /** Seed of every random choice here. */
  readonly seed: number;
  /** Number of identities to keep (seeded choice among the eligible ones); all when absent. */
  readonly identities?: number;
  /** Identities with fewer images are dropped before choosing (default 1: keep all). */
  readonly minImages?: number;
  /** Identities with more images keep a seeded choice of this many (default: no cap). */
  readonly maxImages?: number;
  /**
   * Fraction of the chosen images held out for validation, in [0, 1) (default 0). The count is
   * round(fraction × images), taken image by image at random, never an identity's last image.
   */
  readonly validationFraction?: number;
}

/** Defaults of the optional sampling settings. */
export const DEFAULT_SAMPLING = Object.freeze({ minImages: 1, validationFraction: 0 });

/** The training set, its validation images, and what was left out. */
export interface DatasetSample {
  /** Chosen identities with their training images (files keep the inventory's sorted order). */
  readonly train: readonly Identity[];
  /** Held-out images of the chosen identities; only identities that gave at least one image. */
  readonly validation: readonly Identity[];
  /** Keys of training identities with a single training image (noted for pair sampling). */
  readonly singletons: readonly string[];
  /** Number of identities with at least `minImages` images before choosing `identities`. */
  readonly eligible: number;
}

function checkCount(value: number | undefined, name: string, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Keep `keep` of `files`, chosen at random, in their original (sorted) order. */
function choose(files: readonly string[], keep: number, rng: Rng): string[] {
  if (files.length <= keep) return [...files];
  const picked = rng
    .shuffle(files.map((_, i) => i))
    .slice(0, keep)
    .sort((a, b) => a - b);
  return picked.map((i) => files[i]);
}

/** Sample identities and images for training and validation (see the module comment for the order). */
export function sampleDataset(identities: readonly Identity[], options: SamplingOptions): DatasetSample {
  const minImages = options.minImages ?? DEFAULT_SAMPLING.minImages;
  const fraction = options.validationFraction ?? DEFAULT_SAMPLING.validationFraction;
  checkCount(options.identities, 'identities', 1);
  checkCount(minImages, 'minImages', 1);
  checkCount(options.maxImages, 'maxImages', 1);
  if (options.maxImages !== undefined && options.maxImages < minImages) {
    throw new RangeError(`maxImages (${options.maxImages}) must be >= minImages (${minImages})`);
  }
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validationFraction must be in [0, 1), got ${fraction}`);
  const rng = createRng(options.seed);

  // Sort by key first so the choice depends on the identities, not on the order they came in.
  const eligible = identities.filter((id) => id.files.length >= minImages).sort((a, b) => compareCodePoints(a.key, b.key));
  const count = Math.min(options.identities ?? eligible.length, eligible.length);
  const chosen =
    count === eligible.length
      ? eligible
      : rng
          .fork('identities')
          .shuffle([...eligible])
          .slice(0, count)
          .sort((a, b) => compareCodePoints(a.key, b.key));

  const capRng = rng.fork('cap');
  const capped = chosen.map((id) => ({ ...id, files: options.maxImages === undefined ? [...id.files] : choose(id.files, options.maxImages, capRng.fork(id.key)) }));

  // Validation: shuffle every (identity, image) once and hold out images in that order, skipping
  // any whose identity is down to its last training image, until the target count is reached.
  const total = capped.reduce((n, id) => n + id.files.length, 0);
  const target = Math.round(fraction * total);
  const heldOut = capped.map(() => new Set<number>());
  if (target > 0) {
    const all = capped.flatMap((id, i) => id.files.map((_, j) => [i, j] as const));
    let held = 0;
    for (const [i, j] of rng.fork('validation').shuffle(all)) {
      if (held === target) break;
      if (capped[i].files.length - heldOut[i].size <= 1) continue;
      heldOut[i].add(j);
      held++;
    }
  }
  const train = capped.map((id, i) => ({ ...id, files: id.files.filter((_, j) => !heldOut[i].has(j)) }));
  const validation = capped.map((id, i) => ({ ...id, files: id.files.filter((_, j) => heldOut[i].has(j)) })).filter((id) => id.files.length > 0);
  return {
    train,
    validation,
    singletons: train.filter((id) => id.files.length === 1).map((id) => id.key),
    eligible: eligible.length,
  };
}
