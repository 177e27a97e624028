import { describe, expect, it } from 'vitest';
import { bestAccuracy, equalErrorRate, evaluateVerification, foldAccuracy, rocAuc, rocCurve, tarAtFar } from '../../../src/core/metrics.ts';
import { createRng } from '../../../src/core/prng.ts';

/** Mann–Whitney U / (P·N) with ties = ½: the value scikit-learn's roc_auc_score returns. O(n²). */
function bruteForceAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let wins = 0;
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives++;
    else negatives++;
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / (positives * negatives);
}

/** Accuracy of threshold t on items idx (accept = score >= t). */
function accuracyAt(labels: number[], scores: number[], idx: number[], t: number): number {
  let correct = 0;
  for (const i of idx) if (scores[i] >= t === (labels[i] === 1)) correct++;
  return correct / idx.length;
}

/** LFW 10-fold by brute force: every candidate threshold rescored from scratch on the nine other folds. */
function bruteForceTenFold(labels: number[], scores: number[], folds = 10) {
  const n = labels.length;
  const accuracies: number[] = [];
  for (let k = 0; k < folds; k++) {
    const lo = Math.floor((k * n) / folds);
    const hi = Math.floor(((k + 1) * n) / folds);
    const test = [...Array(n).keys()].filter((i) => i >= lo && i < hi);
    const train = [...Array(n).keys()].filter((i) => i < lo || i >= hi);
    const candidates = [...new Set(train.map((i) => scores[i]))].sort((a, b) => b - a);
    let best = -1;
    let threshold = NaN;
    for (const t of candidates) {
      const acc = accuracyAt(labels, scores, train, t);
      if (acc > best) {
        best = acc;
        threshold = t;
      }
    }
    accuracies.push(accuracyAt(labels, scores, test, threshold));
  }
  const mean = accuracies.reduce((s, a) => s + a, 0) / folds;
  const std = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / folds);
  return { mean, std, accuracies };
}

function randomPairs(n: number, seed: number, levels: number) {
  const rng = createRng(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.int(2);
    labels.push(label);
    // Quantised scores so that ties are frequent; positives shifted up so the AUC is not ½.
    scores.push(Math.round((rng.normal() * 0.3 + (label ? 0.4 : 0)) * levels) / levels);
  }
  return { labels, scores };
}

// Hand example with ties: positives 0.9, 0.5, 0.5; negatives 0.5, 0.3, 0.1.
const TIED_LABELS = [1, 1, 0, 1, 0, 0];
const TIED_SCORES = [0.9, 0.5, 0.5, 0.5, 0.3, 0.1];

describe('ROC and AUC', () => {
  it('has one point per distinct score, starting at (0,0) with threshold +Infinity', () => {
    const roc = rocCurve(TIED_LABELS, TIED_SCORES);
    expect([...roc.thresholds]).toEqual([Infinity, 0.9, 0.5, 0.3, 0.1]);
    expect([...roc.truePositives]).toEqual([0, 1, 3, 3, 3]);
    expect([...roc.falsePositives]).toEqual([0, 0, 1, 2, 3]);
    expect([...roc.tpr]).toEqual([0, 1 / 3, 1, 1, 1]);
    expect([...roc.fpr]).toEqual([0, 0, 1 / 3, 2 / 3, 1]);
  });

  it('counts tied (positive, negative) pairs as one half: 8/9, not 7/9 (strict) or 9/9 (>=)', () => {
    // 0.9 beats all three negatives (3); each 0.5 positive ties one negative and beats two (2.5 each).
    const auc = rocAuc(rocCurve(TIED_LABELS, TIED_SCORES));
    expect(auc).toBeCloseTo(8 / 9, 15);
    expect(auc).not.toBeCloseTo(7 / 9, 3);
  });

  it('matches the Mann–Whitney reference (roc_auc_score) on random data with many ties', () => {
    for (const seed of [1, 2, 3]) {
      const { labels, scores } = randomPairs(500, seed, 10);
      expect(rocAuc(rocCurve(labels, scores))).toBeCloseTo(bruteForceAuc(labels, scores), 12);
    }
  });

  it('gives the same numbers for typed arrays as for plain arrays', () => {
    const { labels, scores } = randomPairs(300, 7, 8);
    const plain = evaluateVerification(labels, scores);
    // Scores on a 1/8 grid are exact in float32, so the typed version must agree exactly.
    const typed = evaluateVerification(Uint8Array.from(labels), Float32Array.from(scores));
    expect(typed.auc).toBe(plain.auc);
    expect(typed.eer).toBe(plain.eer);
    expect(typed.tenFold.mean).toBe(plain.tenFold.mean);
    expect(typed.bestAccuracy).toBe(plain.bestAccuracy);
  });

  it('is 1 for perfectly separated scores and 0 for reversed ones', () => {
    expect(rocAuc(rocCurve([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]))).toBe(1);
    expect(rocAuc(rocCurve([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]))).toBe(0);
  });
});

describe('EER', () => {
  it('interpolates rate and threshold between the points where FNR − FPR changes sign', () => {
    // Points (fpr, fnr): p1 (0, 2/3) at 0.9, p2 (1/3, 0) at 0.5. FNR − FPR goes 2/3 → −1/3,
    // so t = (2/3) / (2/3 + 1/3) = 2/3: EER = 0 + 2/3·1/3 = 2/9, threshold = 0.9 + 2/3·(0.5 − 0.9).
    const { eer, threshold } = equalErrorRate(rocCurve(TIED_LABELS, TIED_SCORES));
    expect(eer).toBeCloseTo(2 / 9, 15);
    expect(threshold).toBeCloseTo(0.9 - (2 / 3) * 0.4, 15);
  });

  it('returns the point itself when FPR = FNR exactly there', () => {
    // At 0.6: TP 1 of 2, FP 1 of 2 → FPR = FNR = 0.5.
    const { eer, threshold } = equalErrorRate(rocCurve([1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2]));
    expect(eer).toBe(0.5);
    expect(threshold).toBe(0.6);
  });

  it('stays finite when the first score group already crosses (all scores tied)', () => {
    const { eer, threshold } = equalErrorRate(rocCurve([1, 0], [0.5, 0.5]));
    expect(eer).toBe(0.5);
    expect(threshold).toBe(0.5);
  });

  it('is 0 for separable data, with a threshold between the classes', () => {
    const { eer, threshold } = equalErrorRate(rocCurve([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]));
    expect(eer).toBe(0);
    expect(threshold).toBe(0.8);
  });
});

describe('TAR@FAR', () => {
  it('takes the largest TPR among points with FPR <= FAR, keyed by String(far)', () => {
    const roc = rocCurve(TIED_LABELS, TIED_SCORES);
    expect(tarAtFar(roc, [0.1, 1 / 3, 0.5, 1])).toEqual({ '0.1': 1 / 3, [String(1 / 3)]: 1, '0.5': 1, '1': 1 });
    expect(Object.keys(tarAtFar(roc))).toEqual(['0.1', '0.01', '0.001', '0.0001']);
  });

  it('includes a point whose FPR equals the FAR exactly (1 false accept in 10 negatives at FAR 0.1)', () => {
    const labels = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const scores = [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const tar = tarAtFar(rocCurve(labels, scores));
    expect(tar['0.1']).toBe(1); // at score 10: TPR 5/5, FPR 1/10
    expect(tar['0.01']).toBe(4 / 5);
  });
});

describe('best accuracy', () => {
  it('finds (TP + TN) / n at the best score threshold', () => {
    const best = bestAccuracy(rocCurve(TIED_LABELS, TIED_SCORES));
    expect(best.accuracy).toBe(5 / 6); // threshold 0.5 accepts 3 positives and one negative
    expect(best.threshold).toBe(0.5);
  });

  it('breaks ties towards the highest threshold', () => {
    // Thresholds 0.8 (TP 3, FP 0) and 0.6 (TP 4, FP 1) both give 8/10.
    const labels = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0];
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.85, 0.1];
    const best = bestAccuracy(rocCurve(labels, scores));
    expect(best.accuracy).toBe(0.8);
    expect(best.threshold).toBe(0.8);
  });
});

describe('10-fold accuracy', () => {
  it('matches a brute-force LFW protocol on random data', () => {
    for (const [n, seed, levels] of [
      [200, 11, 10],
      [237, 12, 1000],
      [20, 13, 4],
    ]) {
      const { labels, scores } = randomPairs(n, seed, levels);
      const fast = foldAccuracy(labels, scores);
      const slow = bruteForceTenFold(labels, scores);
      expect([...fast.accuracies]).toEqual(slow.accuracies);
      expect(fast.mean).toBeCloseTo(slow.mean, 14);
      expect(fast.std).toBeCloseTo(slow.std, 14);
    }
  });

  it('uses contiguous folds in input order (hand example: one fold mislabels its pair)', () => {
    // 20 pairs, 2 per fold; positives score 0.9, negatives 0.1, except fold 3's negative scores 0.95.
    const labels = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const scores: number[] = labels.map((l) => (l ? 0.9 : 0.1));
    scores[7] = 0.95;
    const result = foldAccuracy(labels, scores);
    // Every other fold: the training folds hold the 0.95 negative, best threshold 0.9 → 1.0.
    // Fold 3: training is separable, threshold 0.9 accepts the 0.95 negative → 1/2.
    expect([...result.accuracies]).toEqual([1, 1, 1, 0.5, 1, 1, 1, 1, 1, 1]);
    expect(result.mean).toBeCloseTo(0.95, 15);
    expect(result.std).toBeCloseTo(0.15, 15); // sqrt((9·0.05² + 0.45²) / 10)
  });

  it('takes candidate thresholds only from the training folds', () => {
    // Fold 0 = two negatives at 0.99 and 0.7. On the training folds rejecting everything and
    // threshold 0.5 tie (17/18); 0.99 is not a training score, so 0.5 is chosen and both test
    // negatives are accepted: accuracy 0 (a threshold of 0.99 would have given 1/2).
    const labels = [0, 0, 0, 1, ...Array(16).fill(0)];
    const scores = [0.99, 0.7, 0.9, 0.5, ...Array.from({ length: 16 }, (_, i) => (i + 1) / 100)];
    const result = foldAccuracy(labels, scores);
    expect(result.accuracies[0]).toBe(0);
    expect(result.thresholds[0]).toBe(0.5);
    expect([...result.accuracies]).toEqual(bruteForceTenFold(labels, scores).accuracies);
  });

  it('uses one fold per pair when there are fewer than ten pairs', () => {
    expect(foldAccuracy([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]).accuracies.length).toBe(4);
  });
});

describe('evaluateVerification', () => {
  it('reports counts and every metric from one call', () => {
    const report = evaluateVerification(TIED_LABELS, TIED_SCORES);
    expect(report.pairs).toBe(6);
    expect(report.positives).toBe(3);
    expect(report.negatives).toBe(3);
    expect(report.auc).toBeCloseTo(8 / 9, 15);
    expect(report.eer).toBeCloseTo(2 / 9, 15);
    expect(report.bestAccuracy).toBe(5 / 6);
    expect(report.tenFold.accuracies.length).toBe(6);
    expect(report.angles.positives.total).toBe(3);
    expect(report.angles.negatives.total).toBe(3);
  });

  it('throws clear errors on bad input', () => {
    expect(() => evaluateVerification([], [])).toThrow(/empty/);
    expect(() => evaluateVerification([1, 0], [0.5])).toThrow(/differ in length/);
    expect(() => evaluateVerification([1, 0], [0.5, NaN])).toThrow(/score 1 is NaN/);
    expect(() => evaluateVerification([1, 2], [0.5, 0.4])).toThrow(/label 1 is 2/);
    expect(() => evaluateVerification([1, 1], [0.5, 0.4])).toThrow(/only one class.*positives/);
    expect(() => evaluateVerification([0, 0], [0.5, 0.4])).toThrow(/only one class.*negatives/);
  });
});
