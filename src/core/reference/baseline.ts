/**
 * The pair arithmetic of the reference model's baseline on a test folder: which images the pairs use, which pairs
 * remain once images without a face are left out, and the remaining pairs' cosines. Pure: the worker feeds it the
 * reference model's embeddings and the lab's metrics (src/core/metrics.ts) do the rest.
 */
import type { Identity } from '../dataset/inventory.ts';
import type { Pair } from '../pairs.ts';
import type { PairRef } from '../pairsTxt.ts';

/** The images a folder's pairs use, each once, and the pairs as indices into them. */
export interface PairImages {
  /** Paths of the images, in order of first use. */
  readonly paths: readonly string[];
  readonly pairs: readonly Pair[];
}

/**
 * Resolve pairs.txt-style pairs (identity keys, 1-based image numbers) against a folder's identities. Throws when
 * a pair names an identity or image the folder lacks (a loaded test folder's pairs were checked when it loaded).
 */
export function pairImages(pairs: readonly PairRef[], identities: readonly Pick<Identity, 'key' | 'files'>[]): PairImages {
  const byKey = new Map(identities.map((id) => [id.key, id]));
  const itemOf = new Map<string, number>();
  const paths: string[] = [];
  const item = (identity: string, index: number): number => {
    const path = byKey.get(identity.normalize('NFC'))?.files[index - 1];
    if (path === undefined) throw new Error(`the pairs name image ${index} of '${identity}', which the folder does not hold`);
    let found = itemOf.get(path);
    if (found === undefined) {
      itemOf.set(path, (found = paths.length));
      paths.push(path);
    }
    return found;
  };
  return { paths, pairs: pairs.map((p) => ({ a: item(p.a.identity, p.a.index), b: item(p.b.identity, p.b.index), same: p.same })) };
}

/** The pairs both of whose images have a face, and how many of each kind were left out. */
export interface PairsWithFaces {
  readonly kept: readonly Pair[];
  readonly leftOut: { readonly positives: number; readonly negatives: number };
}

/** Leave out every pair with an image for which `hasFace` is false. */
export function pairsWithFaces(pairs: readonly Pair[], hasFace: (item: number) => boolean): PairsWithFaces {
  const kept: Pair[] = [];
  let positives = 0;
  let negatives = 0;
  for (const pair of pairs) {
    if (hasFace(pair.a) && hasFace(pair.b)) kept.push(pair);
    else if (pair.same) positives++;
    else negatives++;
  }
  return { kept, leftOut: { positives, negatives } };
}

/**
 * Cosine of each pair from unit embeddings: `rowOf[item]` is the item's row of `embeddings` ([rows, dim]
 * row-major). Throws for an item without a row (negative), which pairsWithFaces leaves out.
 */
export function pairCosines(embeddings: Float32Array, dim: number, rowOf: ArrayLike<number>, pairs: readonly Pair[]): Float32Array {
  const scores = new Float32Array(pairs.length);
  pairs.forEach((pair, i) => {
    const a = rowOf[pair.a];
    const b = rowOf[pair.b];
    if (!(a >= 0) || !(b >= 0)) throw new Error(`pair ${i + 1} uses an image without an embedding`);
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += embeddings[a * dim + k] * embeddings[b * dim + k];
    scores[i] = sum;
  });
  return scores;
}
