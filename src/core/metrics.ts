/**
 * Face-verification metrics over (label, score) pairs: label 1 = same identity, 0 = different;
 * score = cosine similarity (higher = more alike); a pair is accepted when score >= threshold.
 *
 * Everything derives from one descending sort of the scores (O(n log n)); each metric is then a
 * linear walk over the groups of equal scores, so there is never a rescan per threshold.
 * Conventions follow scikit-learn's roc_curve / roc_auc_score where they overlap: the ROC starts at
 * (0, 0) with threshold +Infinity, has one point per distinct score, and tied scores move the
 * curve diagonally, so the trapezoid AUC counts a tied (positive, negative) pair as one half.
 */
import { angleHistograms, DEFAULT_ANGLE_HISTOGRAM, type AngleHistograms } from './histogram.ts';

/** Labels per pair: 1 = same identity, 0 = different (Uint8Array or number[]). */
export type PairLabels = ArrayLike<number>;
/** Cosine similarity per pair (Float32Array, Float64Array or number[]). */
export type PairScores = ArrayLike<number>;

/** ROC curve with one point per distinct score, plus the (0, 0) point at threshold +Infinity. */
export interface RocCurve {
  /** False-positive rate FP/negatives at each point, non-decreasing. */
  readonly fpr: Float64Array;
  /** True-positive rate TP/positives at each point, non-decreasing. */
  readonly tpr: Float64Array;
  /** Threshold of each point, strictly decreasing; thresholds[0] = +Infinity (accept nothing). */
  readonly thresholds: Float64Array;
  /** Accepted positives at each point (exact integers, so derived metrics do not drift). */
  readonly truePositives: Uint32Array;
  /** Accepted negatives at each point. */
  readonly falsePositives: Uint32Array;
  readonly positives: number;
  readonly negatives: number;
}

/** The far-acceptance rates the report tabulates TAR at. */
export const DEFAULT_FARS: readonly number[] = Object.freeze([1e-1, 1e-2, 1e-3, 1e-4]);

/** TAR keyed by String(far): '0.1', '0.01', '0.001', '0.0001' for the defaults. */
export type TarAtFar = Record<string, number>;

/** LFW-protocol cross-validated accuracy. */
export interface FoldAccuracy {
  readonly mean: number;
  /** Population standard deviation (divide by the number of folds), as the LFW protocol reports it. */
  readonly std: number;
  /** Accuracy on each fold, in fold order. */
  readonly accuracies: Float64Array;
  /** Threshold chosen on the other folds and applied to each fold. */
  readonly thresholds: Float64Array;
}

/** Tunables of evaluateVerification. */
export interface VerificationOptions {
  /** FAR values for tarAtFar (default DEFAULT_FARS). */
  readonly fars?: readonly number[];
  /** Number of contiguous folds (default 10, the LFW protocol). */
  readonly folds?: number;
  /** Bins of the 0–180° angle histograms (default 90, i.e. 2°). */
  readonly angleBins?: number;
}

/** Every figure of a verification evaluation. */
export interface VerificationReport {
  readonly pairs: number;
  readonly positives: number;
  readonly negatives: number;
  readonly roc: RocCurve;
  readonly auc: number;
  readonly eer: number;
  readonly eerThreshold: number;
  readonly tarAtFar: TarAtFar;
  readonly bestAccuracy: number;
  readonly bestThreshold: number;
  readonly tenFold: FoldAccuracy;
  readonly angles: AngleHistograms;
}

/** Throws unless labels/scores are same-length, non-empty, 0/1 labels and non-NaN scores with both classes. */
export function validatePairs(labels: PairLabels, scores: PairScores): { positives: number; negatives: number } {
  if (labels.length !== scores.length) throw new Error(`labels (${labels.length}) and scores (${scores.length}) differ in length`);
  if (labels.length === 0) throw new Error('no pairs to evaluate: labels and scores are empty');
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === 1) positives++;
    else if (label !== 0) throw new Error(`label ${i} is ${label}; labels must be 0 (different) or 1 (same)`);
    if (Number.isNaN(scores[i])) throw new Error(`score ${i} is NaN`);
  }
  const negatives = labels.length - positives;
  if (positives === 0) throw new Error(`only one class present: all ${negatives} pairs are negatives (label 0); verification metrics need both classes`);
  if (negatives === 0) throw new Error(`only one class present: all ${positives} pairs are positives (label 1); verification metrics need both classes`);
  return { positives, negatives };
}

/** Pair indices ordered by score, highest first (the one sort everything else walks). */
export function descendingOrder(scores: PairScores): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const values = Float64Array.from(scores);
  // Ties keep input order (typed-array sort is stable), so results never depend on the engine.
  // Compare rather than subtract: Infinity − Infinity would be NaN and break the sort.
  return order.sort((i, j) => (values[j] > values[i] ? 1 : values[j] < values[i] ? -1 : 0));
}

/** ROC curve of the pairs (validated; one sort). `order` may be passed if already computed. */
export function rocCurve(labels: PairLabels, scores: PairScores, order: Uint32Array = descendingOrder(scores)): RocCurve {
  const { positives, negatives } = validatePairs(labels, scores);
  const n = labels.length;
  const thresholds = new Float64Array(n + 1);
  const truePositives = new Uint32Array(n + 1);
  const falsePositives = new Uint32Array(n + 1);
  thresholds[0] = Infinity;
  let points = 1;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    // A point closes each group of equal scores: one threshold accepts all of a tie or none.
    if (k === n - 1 || scores[order[k + 1]] !== scores[i]) {
      thresholds[points] = scores[i];
      truePositives[points] = tp;
      falsePositives[points] = fp;
      points++;
    }
  }
  const fpr = new Float64Array(points);
  const tpr = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    fpr[p] = falsePositives[p] / negatives;
    tpr[p] = truePositives[p] / positives;
  }
  return {
    fpr,
    tpr,
    thresholds: thresholds.slice(0, points),
    truePositives: truePositives.slice(0, points),
    falsePositives: falsePositives.slice(0, points),
    positives,
    negatives,
  };
}

/**
 * Area under the ROC by the trapezoid rule. Summed in integer counts and divided once, so it equals
 * the Mann–Whitney U / (P·N) with ties counted ½ (scikit-learn's roc_auc_score) up to one rounding.
 */
export function rocAuc(roc: RocCurve): number {
  let twiceArea = 0;
  for (let p = 1; p < roc.fpr.length; p++) {
    twiceArea += (roc.falsePositives[p] - roc.falsePositives[p - 1]) * (roc.truePositives[p] + roc.truePositives[p - 1]);
  }
  return twiceArea / (2 * roc.positives * roc.negatives);
}

/**
 * Equal error rate: the rate where FPR = FNR (= 1 − TPR), linearly interpolated between the two
 * adjacent ROC points where FNR − FPR changes sign; the threshold is interpolated with the same
 * weight. When the sign changes right after the (0, 0) point, whose threshold is +Infinity, the
 * highest score stands in for that threshold so the result stays finite.
 */
export function equalErrorRate(roc: RocCurve): { eer: number; threshold: number } {
  const { positives: P, negatives: N } = roc;
  // (FNR − FPR)·P·N as an exact integer: its sign is never blurred by rounding.
  const gap = (p: number): number => (P - roc.truePositives[p]) * N - roc.falsePositives[p] * P;
  for (let p = 1; p < roc.fpr.length; p++) {
    const right = gap(p);
    if (right > 0) continue;
    if (right === 0) return { eer: roc.fpr[p], threshold: roc.thresholds[p] };
    const left = gap(p - 1);
    const t = left / (left - right);
    const leftThreshold = p === 1 ? roc.thresholds[1] : roc.thresholds[p - 1];
    return {
      eer: roc.fpr[p - 1] + t * (roc.fpr[p] - roc.fpr[p - 1]),
      threshold: leftThreshold + t * (roc.thresholds[p] - leftThreshold),
    };
  }
  // Unreachable for a valid curve: the last point accepts everything, where FNR − FPR = −1.
  throw new Error('ROC curve never reaches FNR <= FPR');
}

/** True-accept rate at each FAR: the largest TPR among ROC points with FPR <= FAR (0 if none but the origin). */
export function tarAtFar(roc: RocCurve, fars: readonly number[] = DEFAULT_FARS): TarAtFar {
  const result: TarAtFar = {};
  for (const far of fars) {
    let best = 0;
    // TPR never decreases along the curve, so the last point within the FAR holds the largest TPR.
    for (let p = 0; p < roc.fpr.length && roc.fpr[p] <= far; p++) best = roc.tpr[p];
    result[String(far)] = best;
  }
  return result;
}

/**
 * Best accuracy (TP + TN) / n over all thresholds at a pair's score, and that threshold. Ties go to
 * the highest threshold. The accept-nothing point (+Infinity) is not a candidate, so the threshold
 * is always a real score.
 */
export function bestAccuracy(roc: RocCurve): { accuracy: number; threshold: number } {
  const n = roc.positives + roc.negatives;
  let bestCorrect = -1;
  let threshold = NaN;
  for (let p = 1; p < roc.fpr.length; p++) {
    const correct = roc.truePositives[p] + roc.negatives - roc.falsePositives[p];
    if (correct > bestCorrect) {
      bestCorrect = correct;
      threshold = roc.thresholds[p];
    }
  }
  return { accuracy: bestCorrect / n, threshold };
}

/** Start index of each of `folds` contiguous folds over n items, plus n at the end. */
function foldBounds(n: number, folds: number): Uint32Array {
  const bounds = new Uint32Array(folds + 1);
  for (let k = 0; k <= folds; k++) bounds[k] = Math.floor((k * n) / folds);
  return bounds;
}

/**
 * LFW-style cross-validated accuracy: the pairs are cut into `folds` contiguous folds in input
 * order (fold k = [floor(k·n/folds), floor((k+1)·n/folds))); each fold is scored with the threshold
 * that is best (bestAccuracy rules: candidates are the scores in the other folds, ties → highest)
 * on the other folds. With fewer than `folds` pairs, one fold per pair. O(folds · n) after one sort.
 */
export function foldAccuracy(labels: PairLabels, scores: PairScores, folds = 10, order: Uint32Array = descendingOrder(scores)): FoldAccuracy {
  validatePairs(labels, scores);
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer >= 2, got ${folds}`);
  const n = labels.length;
  const foldCount = Math.min(folds, n);
  const bounds = foldBounds(n, foldCount);
  const foldOf = new Uint32Array(n);
  const positivesIn = new Uint32Array(foldCount);
  for (let k = 0; k < foldCount; k++) {
    for (let i = bounds[k]; i < bounds[k + 1]; i++) {
      foldOf[i] = k;
      if (labels[i] === 1) positivesIn[k]++;
    }
  }
  let totalPositives = 0;
  for (let k = 0; k < foldCount; k++) totalPositives += positivesIn[k];

  const accuracies = new Float64Array(foldCount);
  const thresholds = new Float64Array(foldCount);
  for (let k = 0; k < foldCount; k++) {
    const testSize = bounds[k + 1] - bounds[k];
    const testNegatives = testSize - positivesIn[k];
    const trainNegatives = n - testSize - (totalPositives - positivesIn[k]);
    let trainTp = 0,
      trainFp = 0,
      testTp = 0,
      testFp = 0;
    let groupHasTrain = false;
    let bestTrainCorrect = -1;
    let bestTestCorrect = 0;
    let bestThreshold = NaN;
    for (let r = 0; r < n; r++) {
      const i = order[r];
      const inTest = foldOf[i] === k;
      const positive = labels[i] === 1;
      if (inTest) {
        if (positive) testTp++;
        else testFp++;
      } else {
        groupHasTrain = true;
        if (positive) trainTp++;
        else trainFp++;
      }
      if (r === n - 1 || scores[order[r + 1]] !== scores[i]) {
        // Only scores present in the training folds are candidate thresholds.
        if (groupHasTrain) {
          const trainCorrect = trainTp + trainNegatives - trainFp;
          if (trainCorrect > bestTrainCorrect) {
            bestTrainCorrect = trainCorrect;
            bestTestCorrect = testTp + testNegatives - testFp;
            bestThreshold = scores[i];
          }
        }
        groupHasTrain = false;
      }
    }
    accuracies[k] = bestTestCorrect / testSize;
    thresholds[k] = bestThreshold;
  }
  let mean = 0;
  for (const a of accuracies) mean += a;
  mean /= foldCount;
  let variance = 0;
  for (const a of accuracies) variance += (a - mean) ** 2;
  variance /= foldCount;
  return { mean, std: Math.sqrt(variance), accuracies, thresholds };
}

/**
 * All verification metrics at once (one sort): ROC, AUC, EER and its threshold, TAR@FAR, best
 * accuracy and threshold, LFW 10-fold accuracy and the angle histograms. Throws on empty input,
 * length mismatch, NaN scores, labels other than 0/1, or a single class.
 */
export function evaluateVerification(labels: PairLabels, scores: PairScores, options: VerificationOptions = {}): VerificationReport {
  const order = descendingOrder(scores);
  const roc = rocCurve(labels, scores, order);
  const eer = equalErrorRate(roc);
  const best = bestAccuracy(roc);
  return {
    pairs: labels.length,
    positives: roc.positives,
    negatives: roc.negatives,
    roc,
    auc: rocAuc(roc),
    eer: eer.eer,
    eerThreshold: eer.threshold,
    tarAtFar: tarAtFar(roc, options.fars ?? DEFAULT_FARS),
    bestAccuracy: best.accuracy,
    bestThreshold: best.threshold,
    tenFold: foldAccuracy(labels, scores, options.folds ?? 10, order),
    angles: angleHistograms(labels, scores, options.angleBins ?? DEFAULT_ANGLE_HISTOGRAM.bins),
  };
}
