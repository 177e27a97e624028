/**
 * Face-pair verification arithmetic, shared by the worker and the UI: cosine ↔ angle, the thresholds a
 * model's evaluation offers, the verdict of a pair against one of them, and the nearest identities of
 * a face by mean embedding.
 *
 * Conventions are those of src/core/metrics.ts: scores are cosine similarities of L2-normalised
 * embeddings, and a pair is accepted ("same person") when cosine ≥ threshold. A threshold of
 * +Infinity accepts nothing (the ROC's first point).
 */

/** The FAR whose TAR threshold a saved model keeps (the tightest operating point the lab reports). */
export const VERIFY_FAR = 1e-3;

/** Angle in degrees between two unit vectors of cosine `cosine` (clamped into [−1, 1] against rounding). */
export function cosineToAngleDeg(cosine: number): number {
  return (Math.acos(Math.min(1, Math.max(-1, cosine))) * 180) / Math.PI;
}

/** Cosine of an angle in degrees (the manual slider works in degrees, the verdict in cosines). */
export function angleDegToCosine(angleDeg: number): number {
  return Math.cos((angleDeg * Math.PI) / 180);
}

/** Dot product of rows `a` and `b` (equal lengths): the cosine when both are unit vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embeddings differ in dimension: ${a.length} and ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** A ROC curve as the eval event carries it (src/protocol/events.ts EvalEvent.roc). */
export interface RocPoints {
  readonly fpr: ArrayLike<number>;
  readonly tpr: ArrayLike<number>;
  readonly thresholds: ArrayLike<number>;
}

/**
 * The threshold of the ROC point with the largest TPR among those with FPR ≤ `far` (the first such
 * point, i.e. the highest threshold, when several share that TPR). Returns +Infinity (accept nothing)
 * when only the (0, 0) point qualifies, and throws on an empty or ragged curve.
 */
export function thresholdAtFar(roc: RocPoints, far: number = VERIFY_FAR): number {
  const n = roc.thresholds.length;
  if (n === 0 || roc.fpr.length !== n || roc.tpr.length !== n) throw new Error('ROC curve is empty or its arrays differ in length');
  let best = -1;
  for (let i = 0; i < n; i++) {
    // Float32 FPRs of exact fractions may sit a hair above `far`: compare with a relative tolerance.
    if (roc.fpr[i] > far * (1 + 1e-6)) continue;
    if (best < 0 || roc.tpr[i] > roc.tpr[best]) best = i;
  }
  return best < 0 ? Number.POSITIVE_INFINITY : roc.thresholds[best];
}

/** The operating points a model's latest evaluation offers, as cosine thresholds. */
export interface VerifyThresholds {
  /** Equal-error-rate threshold (the default). */
  readonly eer: number;
  /** Threshold of the best accuracy on the test pairs. */
  readonly bestAccuracy: number;
  /** Threshold of the largest TAR at FAR ≤ VERIFY_FAR (+Infinity: no threshold reaches it with any accept). */
  readonly tarAtFar: number;
}

/** Which threshold the user verifies against. */
export type ThresholdChoice = 'eer' | 'bestAccuracy' | 'tarAtFar' | 'manual';

/** What each threshold choice is called in the UI. */
export const THRESHOLD_LABELS: Readonly<Record<ThresholdChoice, string>> = Object.freeze({
  eer: 'EER threshold',
  bestAccuracy: 'best-accuracy threshold',
  tarAtFar: 'TAR@FAR=1e-3 threshold',
  manual: 'manual',
});

/** The cosine threshold of `choice` (`manualCosine` for 'manual'). */
export function thresholdOf(choice: ThresholdChoice, thresholds: VerifyThresholds, manualCosine: number): number {
  switch (choice) {
    case 'eer':
      return thresholds.eer;
    case 'bestAccuracy':
      return thresholds.bestAccuracy;
    case 'tarAtFar':
      return thresholds.tarAtFar;
    case 'manual':
      return manualCosine;
  }
}

/** A pair's figures and verdict. */
export interface PairVerdict {
  readonly cosine: number;
  readonly angleDeg: number;
  /** The cosine threshold the verdict used. */
  readonly threshold: number;
  /** The threshold as an angle (0° for +Infinity, which accepts nothing). */
  readonly thresholdAngleDeg: number;
  readonly same: boolean;
  /** 'same person' or 'different people'. */
  readonly label: string;
}

/** The verdict for two unit embeddings against a cosine threshold. */
export function verdictOf(a: ArrayLike<number>, b: ArrayLike<number>, threshold: number): PairVerdict {
  if (Number.isNaN(threshold)) throw new Error('the threshold is not a number');
  const cosine = dot(a, b);
  const same = cosine >= threshold;
  return {
    cosine,
    angleDeg: cosineToAngleDeg(cosine),
    threshold,
    thresholdAngleDeg: threshold === Number.POSITIVE_INFINITY ? 0 : cosineToAngleDeg(threshold),
    same,
    label: same ? 'same person' : 'different people',
  };
}

/** Mean embeddings per identity, each normalised to unit length. */
export interface IdentityMeans {
  /** [identities, dim] row-major; a row of an identity with no images is all zeros. */
  readonly means: Float32Array;
  readonly dim: number;
  /** Images per identity. */
  readonly counts: Int32Array;
}

/**
 * The L2-normalised mean of each identity's embeddings: `embeddings` is [n, dim] row-major, and
 * `identityOf[i]` in [0, identities) is row i's identity.
 */
export function identityMeans(embeddings: Float32Array, dim: number, identityOf: ArrayLike<number>, identities: number): IdentityMeans {
  const n = identityOf.length;
  if (embeddings.length !== n * dim) throw new Error(`${embeddings.length} values are not ${n} embeddings of dimension ${dim}`);
  const means = new Float32Array(identities * dim);
  const counts = new Int32Array(identities);
  const sums = new Float64Array(identities * dim);
  for (let i = 0; i < n; i++) {
    const id = identityOf[i];
    if (!Number.isInteger(id) || id < 0 || id >= identities) throw new Error(`row ${i} has identity ${id}, outside [0, ${identities})`);
    counts[id]++;
    for (let k = 0; k < dim; k++) sums[id * dim + k] += embeddings[i * dim + k];
  }
  for (let id = 0; id < identities; id++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += sums[id * dim + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    for (let k = 0; k < dim; k++) means[id * dim + k] = sums[id * dim + k] / norm;
  }
  return { means, dim, counts };
}

/** One identity near a face. */
export interface NearIdentity {
  /** Index into the identity list. */
  readonly index: number;
  readonly cosine: number;
  readonly angleDeg: number;
}

/** The `k` identities whose mean embedding is closest in angle to `embedding`, nearest first (ties: lower index first). */
export function nearestIdentities(embedding: ArrayLike<number>, table: IdentityMeans, k: number): NearIdentity[] {
  if (embedding.length !== table.dim) throw new Error(`the embedding has dimension ${embedding.length}, the identity means ${table.dim}`);
  const scored: NearIdentity[] = [];
  for (let id = 0; id < table.counts.length; id++) {
    if (table.counts[id] === 0) continue;
    const cosine = dot(embedding, table.means.subarray(id * table.dim, (id + 1) * table.dim));
    scored.push({ index: id, cosine, angleDeg: cosineToAngleDeg(cosine) });
  }
  scored.sort((a, b) => b.cosine - a.cosine || a.index - b.index);
  return scored.slice(0, Math.max(0, k));
}
