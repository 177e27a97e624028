/**
 * The "Toy" setting: the ArcFace paper's toy figure (a handful of identities embedded in 2-D), live. A
 * few well-separated built-in identities, the tiny backbone and an embedding of dimension 2 or 3, so the
 * "Hypersphere" figure draws the embedding space itself rather than a projection of it.
 */
import type { LossConfig } from './lossConfig.ts';
import { mostBalancedPairs, pairCapacity } from './pairs.ts';
import { parseTrainConfig, type TrainConfig } from './trainConfig.ts';

/** Toy embedding dimensions: the circle and the sphere. */
export type ToyDim = 2 | 3;

/**
 * The toy data, as overrides of the built-in synthetic faces (the protocol's BuiltinDataSpec fields):
 * 8 identities as in the ArcFace toy figure, no look-alike families, 40 photos each at a milder
 * difficulty (0.3) so that clusters form within a few hundred steps; the test set's unseen people are
 * only for the pair metrics (the figure draws held-out photos of the training people).
 */
export const TOY_DATA = Object.freeze({
  kind: 'builtin' as const,
  train: Object.freeze({ identities: 8, imagesPerIdentity: 40, familySize: 1, difficulty: 0.3 }),
  test: Object.freeze({ identities: 8, imagesPerIdentity: 10, familySize: 1, difficulty: 0.3 }),
});

/** Words for the toy data (the run's data label). */
export const TOY_DATA_LABEL = 'toy: 8 built-in identities';

/**
 * The toy training setup for `dim` with `loss` (default the current loss kept by the caller): tiny CNN at
 * 32 px from scratch, batch 32, 300 steps evaluated every 25 (each evaluation adds a frame to the
 * figure), 200 test pairs, SGD 0.1 with a cosine schedule (the defaults).
 */
export function toyConfig(dim: ToyDim, loss: LossConfig): TrainConfig {
  return parseTrainConfig({
    model: { backbone: 'tiny', pretrained: 'none', inputSize: 32, embeddingDim: dim },
    loss: { ...loss },
    batchSize: 32,
    steps: 300,
    evalEvery: 25,
    evalPairs: 200,
  });
}

/** The identity of each toy test image, in item order (identity by identity). */
export function toyTestIdentities(): Int32Array {
  const { identities, imagesPerIdentity } = TOY_DATA.test;
  return Int32Array.from({ length: identities * imagesPerIdentity }, (_, i) => Math.floor(i / imagesPerIdentity));
}

/** The most balanced test pairs the toy test set gives: 720 from its 80 images of 8 people. */
export const TOY_TEST_PAIRS = mostBalancedPairs(pairCapacity(toyTestIdentities()));

/**
 * What "Train on toy data" trains: `config` with its test pairs capped at TOY_TEST_PAIRS. The lab's configs ask for
 * the pairs of the built-in faces (6,000 for the Quick demo the page opens on, 1,000 by default), more than the toy
 * test set can give; asked for them, pair sampling refused ("cannot sample 1000 balanced pairs from 80 items of 8
 * identities"), so the button failed until "Toy 2-D settings" had set 200. Capped here, the run's record says how
 * many pairs its figures come from.
 */
export function toyRunConfig(config: TrainConfig): TrainConfig {
  return config.evalPairs <= TOY_TEST_PAIRS ? config : { ...config, evalPairs: TOY_TEST_PAIRS };
}
