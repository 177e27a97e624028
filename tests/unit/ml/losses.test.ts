/**
 * The face losses (src/ml/losses.ts) against hand-computed values, a float64 re-implementation written
 * here from the formulas (values and central finite differences), the pure target-logit curve of
 * src/core/targetLogit.ts, and the numerical traps of tfjs training (cos = ±1, θ_y + m > π,
 * gradients inside optimizer.minimize, tensor leaks).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { targetLogit } from '../../../src/core/targetLogit.ts';
import { faceLoss, faceLossParts, type LossConfig } from '../../../src/ml/losses.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const RAD = Math.PI / 180;
const unit = (deg: number): number[] => [Math.cos(deg * RAD), Math.sin(deg * RAD)];

/** The target logits of 2-D features at `degrees` from class 0's weight (class 1's at 90°), all labelled class 0. */
async function targetLogitsAt(degrees: readonly number[], config: Parameters<typeof faceLossParts>[3]): Promise<number[]> {
  const parts = faceLossParts(
    tf.tensor2d(degrees.map(unit)),
    tf.tensor2d([unit(0), unit(90)]),
    tf.tensor1d(
      degrees.map(() => 0),
      'int32',
    ),
    config,
  );
  const logits = Array.from(await parts.targetLogits.data());
  tf.dispose(parts);
  return logits;
}

/** A config with the (m1, m2 in radians, m3, α) this test expects it to mean, spelled out from the brief. */
interface KindCase {
  config: LossConfig;
  m1: number;
  m2: number;
  m3: number;
  alpha: number;
}

function kindCases(scale: number): KindCase[] {
  return [
    { config: { kind: 'softmax', scale }, m1: 1, m2: 0, m3: 0, alpha: 0 },
    { config: { kind: 'intra', scale, alpha: 0.7 }, m1: 1, m2: 0, m3: 0, alpha: 0.7 },
    { config: { kind: 'arcface', scale, marginDeg: 30 }, m1: 1, m2: 30 * RAD, m3: 0, alpha: 0 },
    { config: { kind: 'arcface', scale, marginDeg: 60 }, m1: 1, m2: 60 * RAD, m3: 0, alpha: 0 },
    { config: { kind: 'cosface', scale, cosineMargin: 0.35 }, m1: 1, m2: 0, m3: 0.35, alpha: 0 },
    { config: { kind: 'combined', scale, angleFactor: 1.3, marginDeg: 15, cosineMargin: 0.1 }, m1: 1.3, m2: 15 * RAD, m3: 0.1, alpha: 0 },
  ];
}
const caseName = (c: KindCase) => JSON.stringify(c.config);

/** f(θ) from the brief: cos(m1·θ + m2) − m3, and past π the continuous shifted cosine documented in targetLogit.ts. */
function expectedTargetCos(theta: number, c: KindCase): number {
  if (c.m1 * theta + c.m2 <= Math.PI) return Math.cos(c.m1 * theta + c.m2) - c.m3;
  return Math.cos(theta) - (1 + Math.cos((Math.PI - c.m2) / c.m1)) - c.m3;
}

function normalizeRow(row: number[]): number[] {
  const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0) + 1e-12);
  return row.map((v) => v / norm);
}

/** The whole loss in float64: mean CE on s·cos with the target replaced, plus α/(πN)·Σθ_y. */
function referenceLoss(features: number[][], weights: number[][], labels: number[], c: KindCase): number {
  const e = features.map(normalizeRow);
  const w = weights.map(normalizeRow);
  const s = c.config.scale;
  let total = 0;
  let thetaSum = 0;
  e.forEach((ei, i) => {
    const cos = w.map((wj) => wj.reduce((acc, v, d) => acc + v * ei[d], 0));
    const theta = Math.acos(Math.min(1, Math.max(-1, cos[labels[i]])));
    thetaSum += theta;
    const logits = cos.map((cj, j) => s * (j === labels[i] ? expectedTargetCos(theta, c) : cj));
    const max = Math.max(...logits);
    const logSumExp = max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0));
    total += logSumExp - logits[labels[i]];
  });
  return total / e.length + (c.alpha / Math.PI) * (thetaSum / e.length);
}

function lossValue(features: number[][], weights: number[][], labels: number[], config: LossConfig): number {
  return tf.tidy(() => faceLoss(tf.tensor2d(features), tf.tensor2d(weights), tf.tensor1d(labels, 'int32'), config).dataSync()[0]);
}

/** Loss value and its gradients w.r.t. features and weights, as plain arrays. */
function lossAndGrads(features: number[][], weights: number[][], labels: number[], config: LossConfig) {
  return tf.tidy(() => {
    const y = tf.tensor1d(labels, 'int32');
    const f = (a: tf.Tensor2D, b: tf.Tensor2D) => faceLoss(a, b, y, config);
    const { value, grads } = tf.valueAndGrads(f as (...args: tf.Tensor[]) => tf.Scalar)([tf.tensor2d(features), tf.tensor2d(weights)]);
    return { value: value.dataSync()[0], gFeatures: grads[0].arraySync() as number[][], gWeights: grads[1].arraySync() as number[][] };
  });
}

/** Central differences of the float64 reference, one coordinate at a time. */
function finiteDifferences(features: number[][], weights: number[][], labels: number[], c: KindCase, h: number) {
  const along = (which: 'f' | 'w', i: number, d: number) => {
    const shifted = (delta: number) => {
      const f = features.map((r) => [...r]);
      const w = weights.map((r) => [...r]);
      (which === 'f' ? f : w)[i][d] += delta;
      return referenceLoss(f, w, labels, c);
    };
    return (shifted(h) - shifted(-h)) / (2 * h);
  };
  return {
    gFeatures: features.map((r, i) => r.map((_, d) => along('f', i, d))),
    gWeights: weights.map((r, i) => r.map((_, d) => along('w', i, d))),
  };
}

const allFinite = (rows: number[][]) => rows.every((r) => r.every(Number.isFinite));
const maxAbs = (rows: number[][]) => Math.max(...rows.flat().map(Math.abs));

describe('faceLoss values', () => {
  // Class rows at 0°, 90°, 180°; one feature at 40° (label 0) and one at 160° (label 1, θ_y = 70°).
  const weights = [unit(0), unit(90), unit(180)];
  const features = [unit(40), unit(160)].map((r, i) => r.map((v) => v * (i + 2))); // norms 2 and 3: normalised inside
  const labels = [0, 1];
  const s = 4;
  /** CE of one sample by hand: −log softmax at the target, logits s·cos of the three class angles. */
  const handCe = (target: number, others: number[]) => -Math.log(Math.exp(s * target) / (Math.exp(s * target) + others.reduce((a, o) => a + Math.exp(s * o), 0)));
  const c40 = Math.cos(40 * RAD);
  const c50 = Math.cos(50 * RAD);
  const c140 = Math.cos(140 * RAD);
  const c70 = Math.cos(70 * RAD);
  const c160 = Math.cos(160 * RAD);
  const c20 = Math.cos(20 * RAD);
  const byHand: Array<[LossConfig, number]> = [
    [{ kind: 'softmax', scale: s }, (handCe(c40, [c50, c140]) + handCe(c70, [c160, c20])) / 2],
    [{ kind: 'intra', scale: s, alpha: 0.5 }, (handCe(c40, [c50, c140]) + handCe(c70, [c160, c20])) / 2 + ((0.5 / Math.PI) * ((40 + 70) * RAD)) / 2],
    [{ kind: 'arcface', scale: s, marginDeg: 20 }, (handCe(Math.cos(60 * RAD), [c50, c140]) + handCe(Math.cos(90 * RAD), [c160, c20])) / 2],
    [{ kind: 'cosface', scale: s, cosineMargin: 0.3 }, (handCe(c40 - 0.3, [c50, c140]) + handCe(c70 - 0.3, [c160, c20])) / 2],
    [
      { kind: 'combined', scale: s, angleFactor: 1.5, marginDeg: 10, cosineMargin: 0.2 },
      (handCe(Math.cos(70 * RAD) - 0.2, [c50, c140]) + handCe(Math.cos(115 * RAD) - 0.2, [c160, c20])) / 2,
    ],
    // m = 120°: sample 1 (θ 40°) stays on cos(θ + m); sample 2 (θ 70° > θ* = 60°) takes the fallback cos 70° − (1 + cos 60°).
    [{ kind: 'arcface', scale: s, marginDeg: 120 }, (handCe(Math.cos(160 * RAD), [c50, c140]) + handCe(c70 - 1.5, [c160, c20])) / 2],
  ];
  for (const [config, expected] of byHand) {
    it(`matches the hand-computed loss for ${JSON.stringify(config)}`, () => {
      expect(lossValue(features, weights, labels, config)).toBeCloseTo(expected, 5);
    });
  }

  it('is the mean over the batch and stays finite at s = 64 with large logit gaps', () => {
    const config: LossConfig = { kind: 'arcface', scale: 64, marginDeg: 30 };
    const one = lossValue([features[0]], weights, [0], config);
    const two = lossValue([features[1]], weights, [1], config);
    expect(one).toBeCloseTo(-Math.log(1 / (1 + Math.exp(64 * (c50 - Math.cos(70 * RAD))) + Math.exp(64 * (c140 - Math.cos(70 * RAD))))), 4);
    expect(lossValue(features, weights, labels, config)).toBeCloseTo((one + two) / 2, 4);
  });
});

// Deterministic 3-D data: 6 samples, 4 classes. Labels alternate between the nearest and the farthest
// class so that some θ_y pass the arcface-60° fallback start (120°) and some stay below it.
const fdWeights = [
  [1, 0.2, -0.3],
  [-0.4, 1.1, 0.5],
  [0.3, -0.8, 0.9],
  [-1, -0.5, -0.6],
];
const fdFeatures = [
  [0.9, 0.1, -0.2],
  [-0.7, 0.8, 0.4],
  [0.5, -0.9, 1.2],
  [-1.3, -0.2, -0.7],
  [0.2, 0.6, 0.3],
  [-0.1, -0.9, 0.2],
];
const fdLabels = [3, 1, 1, 0, 3, 1];

describe('faceLoss gradients', () => {
  it('the test data reaches both sides of the arcface-60° fallback start', () => {
    const thetas = fdFeatures.map((f, i) => {
      const e = normalizeRow(f);
      const w = normalizeRow(fdWeights[fdLabels[i]]);
      return Math.acos(e.reduce((a, v, d) => a + v * w[d], 0)) / RAD;
    });
    expect(thetas.some((t) => t > 125)).toBe(true);
    expect(thetas.some((t) => t < 115)).toBe(true);
  });

  for (const c of kindCases(8)) {
    it(`match central finite differences (float64 reference) for ${caseName(c)}`, () => {
      const got = lossAndGrads(fdFeatures, fdWeights, fdLabels, c.config);
      expect(got.value).toBeCloseTo(referenceLoss(fdFeatures, fdWeights, fdLabels, c), 4);
      const fd = finiteDifferences(fdFeatures, fdWeights, fdLabels, c, 1e-6);
      const scale = Math.max(maxAbs(fd.gFeatures), maxAbs(fd.gWeights));
      expect(scale).toBeGreaterThan(0.05); // the comparison below is not between two zero arrays
      for (const [mine, theirs] of [
        [got.gFeatures, fd.gFeatures],
        [got.gWeights, fd.gWeights],
      ]) {
        mine.forEach((row, i) => row.forEach((g, d) => expect(Math.abs(g - theirs[i][d])).toBeLessThan(1e-3 * scale)));
      }
    });
  }
});

describe('numerical safety', () => {
  // Class rows: class 0 along (3, 4) with norm 5, class 1 orthogonal to it; the last case adds a zero row.
  const rows = [
    [3, 4],
    [-4, 3],
  ];
  const at150 = 150 * RAD + Math.atan2(4, 3);
  const cases: Array<[string, number[][], number[][], number[]]> = [
    ['cos = +1 (parallel, float32 rounding)', [[0.6, 0.8]], rows, [0]],
    [
      'cos = +1 (axis-aligned, exact)',
      [[0, 2]],
      [
        [1, 0],
        [0, 1],
      ],
      [1],
    ],
    ['cos = −1 (antiparallel)', [[-3, -4]], rows, [0]],
    ['θ_y = 150° (past π − m for arcface 60°)', [[Math.cos(at150), Math.sin(at150)]], rows, [0]],
    ['zero feature vector', [[0, 0]], rows, [0]],
    ['zero class row as target', [[1, 2]], [...rows, [0, 0]], [2]],
  ];
  // s = 1 keeps the softmax off saturation, so the gradients at cos = ±1 are not trivially zero.
  for (const c of [...kindCases(1), ...kindCases(64)]) {
    for (const [label, features, weights, labels] of cases) {
      it(`${caseName(c)}: finite value and gradients at ${label}`, () => {
        const got = lossAndGrads(features, weights, labels, c.config);
        expect(Number.isFinite(got.value)).toBe(true);
        expect(allFinite(got.gFeatures) && allFinite(got.gWeights)).toBe(true);
        expect(got.value).toBeCloseTo(referenceLoss(features, weights, labels, c), 3);
        // Bounded, not just finite: the bare acos / sqrt(1 − cos²) gradients are ~2048·s here.
        // A zero vector is divided by sqrt(1e-12) = 1e-6, so its own gradient is ~1e6·s: finite, not bounded.
        if (!label.startsWith('zero')) expect(Math.max(maxAbs(got.gFeatures), maxAbs(got.gWeights))).toBeLessThan(2 * c.config.scale);
      });
    }
  }
});

describe('training use', () => {
  for (const c of kindCases(16)) {
    it(`${caseName(c)}: optimizer.minimize moves both variables and lowers the loss`, () => {
      const features = tf.variable(tf.tensor2d(fdFeatures));
      const weights = tf.variable(tf.tensor2d(fdWeights));
      const labels = tf.tensor1d(fdLabels, 'int32');
      const optimizer = tf.train.sgd(0.1);
      const losses: number[] = [];
      for (let step = 0; step < 5; step++) {
        const loss = optimizer.minimize(() => faceLoss(features, weights, labels, c.config), true) as tf.Scalar;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[4]).toBeLessThan(losses[0]);
      const moved = (v: tf.Variable, start: number[][]) => maxAbs((v.arraySync() as number[][]).map((r, i) => r.map((x, d) => x - start[i][d])));
      expect(moved(features, fdFeatures)).toBeGreaterThan(1e-3);
      expect(moved(weights, fdWeights)).toBeGreaterThan(1e-3);
      tf.dispose([features, weights, labels]);
      optimizer.dispose();
    });
  }

  it('leaves no tensor behind inside tf.tidy, and exactly its outputs outside', () => {
    const features = tf.tensor2d(fdFeatures);
    const weights = tf.tensor2d(fdWeights);
    const labels = tf.tensor1d(fdLabels, 'int32');
    for (const c of kindCases(64)) {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        faceLoss(features, weights, labels, c.config);
      });
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => faceLoss(a as tf.Tensor2D, b as tf.Tensor2D, labels, c.config))([features, weights]);
      });
      expect(tf.memory().numTensors).toBe(before);
      const loss = faceLoss(features, weights, labels, c.config);
      expect(tf.memory().numTensors).toBe(before + 1);
      const parts = faceLossParts(features, weights, labels, c.config);
      expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(parts).length);
      tf.dispose([loss, parts]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([features, weights, labels]);
  });
});

describe('faceLossParts', () => {
  it('splits the loss into cross-entropy and the intra penalty, with margin-free logits', async () => {
    const c = kindCases(16)[1];
    const parts = faceLossParts(tf.tensor2d(fdFeatures), tf.tensor2d(fdWeights), tf.tensor1d(fdLabels, 'int32'), c.config);
    const [loss, ce, penalty] = [await parts.loss.data(), await parts.crossEntropy.data(), await parts.intraPenalty.data()].map((d) => d[0]);
    const noPenalty = referenceLoss(fdFeatures, fdWeights, fdLabels, { ...c, alpha: 0 });
    expect(ce).toBeCloseTo(noPenalty, 4);
    expect(penalty).toBeCloseTo(referenceLoss(fdFeatures, fdWeights, fdLabels, c) - noPenalty, 5);
    expect(loss).toBeCloseTo(ce + penalty, 5);
    const cosRows = fdFeatures.map((f) => fdWeights.map((w) => normalizeRow(f).reduce((a, v, d) => a + v * normalizeRow(w)[d], 0)));
    const logits = (await parts.logits.array()) as number[][];
    logits.forEach((row, i) => row.forEach((l, j) => expect(l).toBeCloseTo(16 * cosRows[i][j], 4)));
    Array.from(await parts.cosTarget.data()).forEach((v, i) => expect(v).toBeCloseTo(cosRows[i][fdLabels[i]], 5));
  });

  for (const c of kindCases(64)) {
    it(`${caseName(c)}: its target logit equals targetLogit(θ) from src/core over 0°–180°`, async () => {
      const grid = Array.from({ length: 73 }, (_, i) => i * 2.5);
      const got = await targetLogitsAt(grid, c.config);
      grid.forEach((deg, i) => {
        expect(got[i]).toBeCloseTo(targetLogit(deg, c.config), 2);
        expect(got[i]).toBeCloseTo(64 * expectedTargetCos(deg * RAD, c), 2);
      });
    });
  }
});

describe("the report's plain formula (fallback: false)", () => {
  it('gives s·cos(θ + m) past θ*, where the fallback gives a lower, falling logit', async () => {
    const grid = [100, 130, 150, 170];
    const run = (fallback: boolean) => targetLogitsAt(grid, { kind: 'arcface', scale: 64, marginDeg: 60, fallback });
    const plain = await run(false);
    const guarded = await run(true);
    grid.forEach((deg, i) => expect(plain[i]).toBeCloseTo(64 * Math.cos((deg + 60) * RAD), 3));
    expect(plain[0]).toBeCloseTo(guarded[0], 4);
    expect(plain[3]).toBeGreaterThan(plain[2]);
    expect(guarded[3]).toBeLessThan(guarded[2]);
  });

  it('keeps finite gradients at cos = ±1', () => {
    const { value, gFeatures, gWeights } = lossAndGrads([unit(0), unit(180)], [unit(0), unit(90)], [0, 0], { kind: 'arcface', scale: 64, marginDeg: 60, fallback: false });
    expect(Number.isFinite(value)).toBe(true);
    expect(allFinite(gFeatures) && allFinite(gWeights)).toBe(true);
  });
});

describe('special cases coincide', () => {
  const compare = (a: LossConfig, b: LossConfig) => {
    const x = lossAndGrads(fdFeatures, fdWeights, fdLabels, a);
    const y = lossAndGrads(fdFeatures, fdWeights, fdLabels, b);
    expect(x.value).toBeCloseTo(y.value, 5);
    x.gFeatures.forEach((row, i) => row.forEach((g, d) => expect(g).toBeCloseTo(y.gFeatures[i][d], 5)));
    x.gWeights.forEach((row, i) => row.forEach((g, d) => expect(g).toBeCloseTo(y.gWeights[i][d], 5)));
  };
  it('arcface with marginDeg 0 is softmax', () => compare({ kind: 'arcface', scale: 16, marginDeg: 0 }, { kind: 'softmax', scale: 16 }));
  it('cosface with cosineMargin 0 is softmax', () => compare({ kind: 'cosface', scale: 16, cosineMargin: 0 }, { kind: 'softmax', scale: 16 }));
  it('intra with alpha 0 is softmax', () => compare({ kind: 'intra', scale: 16, alpha: 0 }, { kind: 'softmax', scale: 16 }));
  it('combined (1, m, 0) is arcface m, including past the fallback start', () =>
    compare({ kind: 'combined', scale: 16, angleFactor: 1, marginDeg: 60, cosineMargin: 0 }, { kind: 'arcface', scale: 16, marginDeg: 60 }));
  it('combined (1, 0, m) is cosface m', () =>
    compare({ kind: 'combined', scale: 16, angleFactor: 1, marginDeg: 0, cosineMargin: 0.35 }, { kind: 'cosface', scale: 16, cosineMargin: 0.35 }));
  it('a margin does change the loss (the comparisons above can fail)', () => {
    expect(lossValue(fdFeatures, fdWeights, fdLabels, { kind: 'arcface', scale: 16, marginDeg: 10 })).toBeGreaterThan(
      lossValue(fdFeatures, fdWeights, fdLabels, { kind: 'softmax', scale: 16 }) + 0.1,
    );
  });
});

describe('input checks', () => {
  const f = () => tf.tensor2d(fdFeatures);
  const w = () => tf.tensor2d(fdWeights);
  it('rejects mismatched shapes, float labels and a bad config with a clear message', () => {
    tf.tidy(() => {
      expect(() => faceLoss(f(), tf.ones([4, 5]), tf.tensor1d(fdLabels, 'int32'), { kind: 'softmax', scale: 8 })).toThrow(/feature size 3 .* 5/);
      expect(() => faceLoss(f(), w(), tf.tensor1d([0, 1], 'int32'), { kind: 'softmax', scale: 8 })).toThrow(/labels must have shape \[6\]/);
      expect(() => faceLoss(f(), w(), tf.tensor1d(fdLabels), { kind: 'softmax', scale: 8 })).toThrow(/int32/);
      expect(() => faceLoss(f(), w(), tf.tensor1d(fdLabels, 'int32'), { kind: 'arcface', scale: 8, marginDeg: 180 })).toThrow(/marginDeg/);
      expect(() => faceLoss(f(), w(), tf.tensor1d(fdLabels, 'int32'), { kind: 'softmax', scale: 0 })).toThrow(/scale/);
    });
  });
});
