/**
 * "Nearest identities": the mean embedding of every test identity under one model, built by embedding the
 * whole test set (the slow part, with progress and cancel) and kept until the model or the test set changes.
 */
import { identityMeans, type IdentityMeans } from '../../core/verify.ts';
import type { ModelRunInfo, NearestProgressCallback } from '../../protocol/models.ts';
import { embedTestImages } from './embedTestImages.ts';
import type { TestIdentities } from './testIdentities.ts';

/** A model that embeds packed RGB images, as the identity table needs it. */
export interface TableEmbedder {
  /** Identifies the weights (a table is reused only for the same key). */
  readonly key: string;
  readonly run: Pick<ModelRunInfo, 'preprocessing'>;
  embed(pixels: Uint8Array, count: number): Promise<Float32Array>;
}

/** The identity means of one test set under one model, with the identities' names. */
export interface IdentityTable {
  /** Model, test set and flip setting the means were computed for. */
  readonly key: string;
  readonly table: IdentityMeans;
  readonly names: readonly string[];
  /** Which test set, in words. */
  readonly label: string;
}

/**
 * A builder of identity tables that keeps the latest one: asked again for the same model and test set it
 * answers at once. `chunk` images go to the model per call (one progress report each).
 */
export function createIdentityTables(chunk: number) {
  let latest: IdentityTable | null = null;
  return async (embedder: TableEmbedder, set: TestIdentities, onProgress?: NearestProgressCallback): Promise<IdentityTable> => {
    const { inputSize: size, flipEval } = embedder.run.preprocessing;
    const key = `${embedder.key}|${set.key}|${flipEval}`;
    if (latest?.key === key) return latest;
    if (set.identityOf.length === 0) throw new Error(`the ${set.label} hold no images`);
    const { embeddings, dim } = await embedTestImages(set, size * size * 3, (pixels, count) => embedder.embed(pixels, count), { chunk, onProgress });
    latest = { key, table: identityMeans(embeddings, dim, set.identityOf, set.names.length), names: set.names, label: set.label };
    return latest;
  };
}
