/**
 * The geometry part of an evaluation: held-out images of *training* identities (a probe set, so every
 * point has a class centre, its head row) are embedded, then measured against the class head (angle
 * statistics, θ_y histogram) and packed for the "Hypersphere" figure: the embeddings themselves when
 * D ≤ 3, a 2-D PCA projection otherwise.
 */
import { angleStatistics, angleToCentres, type AngleStats } from '../../core/angleStats.ts';
import { DEFAULT_ANGLE_HISTOGRAM, histogram } from '../../core/histogram.ts';
import { pcaBasis, projectRows } from '../../core/projection.ts';
import { createSynthDataset, type SynthSpec } from '../../core/synth/index.ts';
import type { EvalGeometry } from '../../protocol/events.ts';
import type { ImageSet } from './data.ts';

/** Held-out images of training identities: `itemIdentity` is the head row of the image's person. */
export interface ProbeSet {
  readonly images: ImageSet;
}

/**
 * Probe size: about this many images in all, from at most PROBE_MAX_IDENTITIES identities, between
 * PROBE_MIN_PER_IDENTITY and PROBE_MAX_PER_IDENTITY each. A few hundred points keep a scatter readable
 * and cost about as much to embed as the default 1000 test pairs' images.
 */
export const PROBE_POINTS = 160;
export const PROBE_MAX_IDENTITIES = 50;
export const PROBE_MIN_PER_IDENTITY = 2;
export const PROBE_MAX_PER_IDENTITY = 16;

/** How many identities and images per identity a probe of K training identities uses. */
export function probeShape(trainIdentities: number): { identities: number; perIdentity: number } {
  const identities = Math.min(trainIdentities, PROBE_MAX_IDENTITIES);
  const perIdentity = Math.max(PROBE_MIN_PER_IDENTITY, Math.min(PROBE_MAX_PER_IDENTITY, Math.floor(PROBE_POINTS / Math.max(1, identities))));
  return { identities, perIdentity };
}

/**
 * A probe for a synthetic training set: photos number n, n+1, … of its identities, where n is the
 * training set's images per identity. Synthetic photos depend only on (seed, identity, photo number),
 * so these are new photos of the very people the run trains on, never seen in training. Identities
 * are spread evenly over the K.
 */
export function synthProbe(trainSpec: Required<SynthSpec>): ProbeSet {
  const { identities, perIdentity } = probeShape(trainSpec.identities);
  const taken = trainSpec.imagesPerIdentity;
  const extended = createSynthDataset({ ...trainSpec, imagesPerIdentity: taken + perIdentity });
  const heads = Array.from({ length: identities }, (_, i) => Math.floor((i * trainSpec.identities) / identities));
  const itemOf = (index: number) => heads[Math.floor(index / perIdentity)] * (taken + perIdentity) + taken + (index % perIdentity);
  // Every evaluation draws the same few hundred photos: render each once (at most ~7 MB at 112 px).
  const rendered = new Map<number, Uint8Array>();
  return {
    images: {
      count: identities * perIdentity,
      size: extended.size,
      itemIdentity: (index) => heads[Math.floor(index / perIdentity)],
      render(index, out) {
        let pixels = rendered.get(index);
        if (pixels === undefined) {
          pixels = extended.render(itemOf(index));
          rendered.set(index, pixels);
        }
        if (out === undefined) return pixels.slice();
        out.set(pixels);
        return out;
      },
    },
  };
}

/** What the geometry of one evaluation is computed from. */
export interface GeometryInput {
  /** Embedding dimension D. */
  dim: number;
  /** Normalised embeddings of the probe images, [n, D]. */
  embeddings: Float32Array;
  /** Head row of each probe image. */
  identities: Int32Array;
  /** The class head, [K, D] (any row norms). */
  head: Float32Array;
  /** The test pairs (1 = same person) and their cosine scores. */
  pairLabels: ArrayLike<number>;
  pairScores: ArrayLike<number>;
}

/** Normalised rows `rows` of a [·, dim] array, packed [rows.length, dim]. */
function normalisedRows(values: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => {
    const slice = values.subarray(row * dim, (row + 1) * dim);
    const norm = Math.hypot(...slice) || 1;
    for (let k = 0; k < dim; k++) out[i * dim + k] = slice[k] / norm;
  });
  return out;
}

/** Angle statistics, plus the figure's geometry when there are probe embeddings. */
export function evaluationGeometry(input: GeometryInput): { angleStats: AngleStats; geometry?: EvalGeometry } {
  const { dim, embeddings, identities, head } = input;
  const angleStats = angleStatistics({ dim, embeddings, labels: identities, centres: head, pairLabels: input.pairLabels, pairScores: input.pairScores });
  if (identities.length === 0) return { angleStats };
  const centreIds = [...new Set(identities)].sort((a, b) => a - b);
  const centres = normalisedRows(head, dim, centreIds);
  const thetaY = histogram(angleToCentres(embeddings, identities, head, dim), DEFAULT_ANGLE_HISTOGRAM);
  const common = {
    embeddingDim: dim,
    identities: Int32Array.from(identities),
    centreIds: Int32Array.from(centreIds),
    thetaY: { binDeg: thetaY.edges[1] - thetaY.edges[0], counts: Float32Array.from(thetaY.counts) },
  };
  if (dim <= 3) return { angleStats, geometry: { space: 'embedding', dim, points: Float32Array.from(embeddings), centres, ...common } };
  const basis = pcaBasis(embeddings, dim, 2);
  return {
    angleStats,
    geometry: { space: 'pca', dim: 2, points: projectRows(embeddings, dim, basis), centres: projectRows(centres, dim, basis), explained: basis.explained, ...common },
  };
}
