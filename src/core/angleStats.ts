/**
 * Angle statistics of an embedding space, as in the ArcFace paper's table of angles (Deng et al. 2019,
 * "Intra", "Inter", and the mean angles of positive and negative test pairs): how tight each class is
 * around its centre, how far apart the centres are, and where the test pairs fall.
 *
 * Inputs are plain arrays: embeddings and class centres (rows of the class head) are row-major
 * [n, D]; both are normalised here, so raw head rows can be passed. Angles are in degrees, taken from
 * cosines clamped to [−1, 1] (float rounding can put a cosine of two unit vectors just past 1).
 */

/** The summary numbers of one evaluation's geometry, degrees; NaN where the input had nothing to measure. */
export interface AngleStats {
  /** Mean angle between each held-out embedding and its own class centre ("Intra"). */
  intraMeanDeg: number;
  /** Mean angle between two distinct class centres, over every pair ("Inter"). */
  interMeanDeg: number;
  /** Smallest angle between two distinct class centres (the closest pair of classes). */
  interMinDeg: number;
  /** Mean and smallest angle between the embeddings of test positive pairs (same person). */
  positiveMeanDeg: number;
  positiveMinDeg: number;
  /** Mean and smallest angle between the embeddings of test negative pairs (different people). */
  negativeMeanDeg: number;
  negativeMinDeg: number;
}

/** The angle in degrees whose cosine is `cosine` (clamped to [−1, 1]). */
export function angleFromCosine(cosine: number): number {
  return (Math.acos(Math.min(1, Math.max(-1, cosine))) * 180) / Math.PI;
}

/** Euclidean norms of the rows of a row-major [n, dim] array. */
function rowNorms(rows: ArrayLike<number>, dim: number): Float64Array {
  const n = Math.floor(rows.length / dim);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += rows[i * dim + k] ** 2;
    norms[i] = Math.sqrt(sum);
  }
  return norms;
}

/** Cosine of rows a (of `left`) and b (of `right`), given their norms (a zero row has cosine 0 to everything). */
function rowCosine(left: ArrayLike<number>, a: number, leftNorm: number, right: ArrayLike<number>, b: number, rightNorm: number, dim: number): number {
  if (leftNorm === 0 || rightNorm === 0) return 0;
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += left[a * dim + k] * right[b * dim + k];
  return dot / (leftNorm * rightNorm);
}

function checkRows(name: string, rows: ArrayLike<number>, dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim must be an integer ≥ 1 (got ${dim})`);
  if (rows.length % dim !== 0) throw new Error(`${name} holds ${rows.length} values, not a multiple of dim ${dim}`);
  return rows.length / dim;
}

/**
 * θ_y of each embedding: the angle in degrees between row i of `embeddings` and row `labels[i]` of
 * `centres` (both [·, dim], any norm). Throws when a label has no centre row.
 */
export function angleToCentres(embeddings: ArrayLike<number>, labels: ArrayLike<number>, centres: ArrayLike<number>, dim: number): Float64Array {
  const n = checkRows('embeddings', embeddings, dim);
  const k = checkRows('centres', centres, dim);
  if (labels.length !== n) throw new Error(`${labels.length} labels for ${n} embeddings`);
  const embeddingNorms = rowNorms(embeddings, dim);
  const centreNorms = rowNorms(centres, dim);
  const angles = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new Error(`label ${c} of embedding ${i} is not a centre row (0…${k - 1})`);
    angles[i] = angleFromCosine(rowCosine(embeddings, i, embeddingNorms[i], centres, c, centreNorms[c], dim));
  }
  return angles;
}

/**
 * Mean and smallest angle over every pair of distinct centres (rows of `centres`, or only the rows in
 * `classes` when given). NaN for both with fewer than two centres.
 */
export function centreAngles(centres: ArrayLike<number>, dim: number, classes?: readonly number[]): { meanDeg: number; minDeg: number } {
  const k = checkRows('centres', centres, dim);
  const rows = classes ?? Array.from({ length: k }, (_, i) => i);
  const norms = rowNorms(centres, dim);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let count = 0;
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      const angle = angleFromCosine(rowCosine(centres, rows[a], norms[rows[a]], centres, rows[b], norms[rows[b]], dim));
      sum += angle;
      min = Math.min(min, angle);
      count++;
    }
  }
  return count === 0 ? { meanDeg: Number.NaN, minDeg: Number.NaN } : { meanDeg: sum / count, minDeg: min };
}

/**
 * Mean and smallest angle of the positive (label 1) and negative (label 0) pairs, from their cosine
 * similarity scores. NaN for a side with no pairs.
 */
export function pairAngleStats(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): Pick<AngleStats, 'positiveMeanDeg' | 'positiveMinDeg' | 'negativeMeanDeg' | 'negativeMinDeg'> {
  if (labels.length !== scores.length) throw new Error(`${labels.length} labels for ${scores.length} scores`);
  const sums = [0, 0];
  const counts = [0, 0];
  const mins = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let i = 0; i < labels.length; i++) {
    const side = labels[i] === 1 ? 1 : 0;
    const angle = angleFromCosine(scores[i]);
    sums[side] += angle;
    counts[side]++;
    mins[side] = Math.min(mins[side], angle);
  }
  const mean = (side: number) => (counts[side] ? sums[side] / counts[side] : Number.NaN);
  const min = (side: number) => (counts[side] ? mins[side] : Number.NaN);
  return { positiveMeanDeg: mean(1), positiveMinDeg: min(1), negativeMeanDeg: mean(0), negativeMinDeg: min(0) };
}

/** What angleStatistics measures. */
export interface AngleStatsInput {
  /** Embedding dimension D. */
  dim: number;
  /** Held-out embeddings of training identities, [n, D] (n may be 0: intra is then NaN). */
  embeddings: ArrayLike<number>;
  /** The class (centre row) of each embedding. */
  labels: ArrayLike<number>;
  /** Class centres: the rows of the class head, [K, D]. */
  centres: ArrayLike<number>;
  /** Centre rows the inter-class angles are taken over (default: every row). */
  classes?: readonly number[];
  /** Test pairs: 1 = same person, 0 = different, and their cosine scores. */
  pairLabels: ArrayLike<number>;
  pairScores: ArrayLike<number>;
}

/** Every AngleStats number for one evaluation. */
export function angleStatistics(input: AngleStatsInput): AngleStats {
  const intra = angleToCentres(input.embeddings, input.labels, input.centres, input.dim);
  const inter = centreAngles(input.centres, input.dim, input.classes);
  const intraMeanDeg = intra.length ? intra.reduce((s, a) => s + a, 0) / intra.length : Number.NaN;
  return { intraMeanDeg, interMeanDeg: inter.meanDeg, interMinDeg: inter.minDeg, ...pairAngleStats(input.pairLabels, input.pairScores) };
}
