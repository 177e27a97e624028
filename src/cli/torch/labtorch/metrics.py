"""Verification metrics, a port of src/core/metrics.ts and histogram.ts, so train.py's eval events carry
the same numbers `lab train` would print for the same scores: ROC with one point per distinct score
(thresholds[0] = +∞), trapezoid AUC in integer counts, interpolated EER, TAR@FAR, best accuracy (ties →
highest threshold) and LFW 10-fold accuracy over contiguous folds, pair-angle histograms in 2° bins.
"""
import math

import numpy as np

FARS = (0.1, 0.01, 0.001, 0.0001)
FAR_KEYS = ('0.1', '0.01', '0.001', '0.0001')
ANGLE_BINS = 90


def _order(scores):
    # Descending, ties in input order (a stable sort of the negated scores).
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind='stable')


def roc_curve(labels, scores, order):
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError('verification needs both same and different pairs')
    thresholds, tps, fps = [math.inf], [0], [0]
    tp = fp = 0
    n = len(labels)
    for k in range(n):
        i = order[k]
        if labels[i] == 1:
            tp += 1
        else:
            fp += 1
        if k == n - 1 or scores[order[k + 1]] != scores[i]:
            thresholds.append(float(scores[i]))
            tps.append(tp)
            fps.append(fp)
    return {'thresholds': thresholds, 'tp': tps, 'fp': fps, 'P': positives, 'N': negatives,
            'fpr': [f / negatives for f in fps], 'tpr': [t / positives for t in tps]}


def _auc(roc):
    twice = sum((roc['fp'][p] - roc['fp'][p - 1]) * (roc['tp'][p] + roc['tp'][p - 1]) for p in range(1, len(roc['fp'])))
    return twice / (2 * roc['P'] * roc['N'])


def _eer(roc):
    P, N = roc['P'], roc['N']

    def gap(p):
        return (P - roc['tp'][p]) * N - roc['fp'][p] * P

    for p in range(1, len(roc['fpr'])):
        right = gap(p)
        if right > 0:
            continue
        if right == 0:
            return roc['fpr'][p], roc['thresholds'][p]
        left = gap(p - 1)
        t = left / (left - right)
        left_threshold = roc['thresholds'][1] if p == 1 else roc['thresholds'][p - 1]
        return (roc['fpr'][p - 1] + t * (roc['fpr'][p] - roc['fpr'][p - 1]),
                left_threshold + t * (roc['thresholds'][p] - left_threshold))
    raise ValueError('ROC curve never reaches FNR <= FPR')


def _best(roc):
    n = roc['P'] + roc['N']
    best, threshold = -1, math.nan
    for p in range(1, len(roc['fpr'])):
        correct = roc['tp'][p] + roc['N'] - roc['fp'][p]
        if correct > best:
            best, threshold = correct, roc['thresholds'][p]
    return best / n, threshold


def _ten_fold(labels, scores, order, folds=10):
    n = len(labels)
    count = min(folds, n)
    bounds = [(k * n) // count for k in range(count + 1)]
    fold_of = np.zeros(n, dtype=np.int64)
    for k in range(count):
        fold_of[bounds[k]:bounds[k + 1]] = k
    total_pos = int(np.sum(labels))
    accuracies = []
    for k in range(count):
        test_size = bounds[k + 1] - bounds[k]
        pos_in = int(np.sum(labels[bounds[k]:bounds[k + 1]]))
        test_neg = test_size - pos_in
        train_neg = n - test_size - (total_pos - pos_in)
        tr_tp = tr_fp = te_tp = te_fp = 0
        has_train = False
        best_train, best_test = -1, 0
        for r in range(n):
            i = order[r]
            if fold_of[i] == k:
                te_tp += labels[i] == 1
                te_fp += labels[i] != 1
            else:
                has_train = True
                tr_tp += labels[i] == 1
                tr_fp += labels[i] != 1
            if r == n - 1 or scores[order[r + 1]] != scores[i]:
                if has_train:
                    correct = tr_tp + train_neg - tr_fp
                    if correct > best_train:
                        best_train, best_test = correct, te_tp + test_neg - te_fp
                has_train = False
        accuracies.append(best_test / test_size)
    mean = sum(accuracies) / count
    return mean, math.sqrt(sum((a - mean) ** 2 for a in accuracies) / count)


def _histogram(angles):
    width = 180 / ANGLE_BINS
    counts = [0] * ANGLE_BINS
    for v in angles:
        if 0 <= v <= 180:
            counts[min(ANGLE_BINS - 1, int(v // width))] += 1
    return counts


def evaluate(labels, scores):
    """The eval event's metrics, roc and angles (evaluateVerification + evalEvent) for 0/1 labels and
    cosine scores."""
    labels = np.asarray(labels, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float32).astype(np.float64)  # the lab scores in float32
    order = _order(scores)
    roc = roc_curve(labels, scores, order)
    eer, eer_threshold = _eer(roc)
    best, best_threshold = _best(roc)
    mean, std = _ten_fold(labels, scores, order)
    tar = {}
    for key, far in zip(FAR_KEYS, FARS):
        value = 0.0
        for p in range(len(roc['fpr'])):
            if roc['fpr'][p] > far:
                break
            value = roc['tpr'][p]
        tar[key] = value
    angles = np.degrees(np.arccos(np.clip(scores, -1, 1)))
    return {
        'metrics': {'pairs': len(labels), 'positives': roc['P'], 'negatives': roc['N'], 'auc': _auc(roc), 'eer': eer,
                    'eerThreshold': eer_threshold, 'tarAtFar': tar, 'bestAccuracy': best, 'bestThreshold': best_threshold,
                    'tenFoldMean': mean, 'tenFoldStd': std},
        'roc': {'fpr': roc['fpr'], 'tpr': roc['tpr'], 'thresholds': roc['thresholds']},
        'angles': {'binDeg': 180 / ANGLE_BINS, 'positives': _histogram(angles[labels == 1]), 'negatives': _histogram(angles[labels == 0])},
    }
