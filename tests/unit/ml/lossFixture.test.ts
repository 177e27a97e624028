/**
 * The lab's tfjs losses against the shared fixture tests/unit/fixtures/loss-fixture.json (written once by
 * tests/unit/fixtures/makeLossFixture.ts), which the PyTorch port is checked against too
 * (tests/unit/cli/torch/check_loss_fixture.py): a change to either implementation that moves a value or a
 * gradient shows up here or there. Same tolerances as the Python check.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LossConfig } from '../../../src/core/lossConfig.ts';
import { faceLossParts } from '../../../src/ml/losses.ts';

interface FixtureCase {
  loss: LossConfig;
  features: number[][];
  weights: number[][];
  labels: number[];
  expected: Record<'loss' | 'crossEntropy' | 'intraPenalty', number> & Record<'cosTarget' | 'targetLogits', number[]> & Record<'gradFeatures' | 'gradWeights', number[][]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/loss-fixture.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

/** Largest |a − b| / unit. */
function maxDiff(a: number[], b: number[], unit: (i: number) => number): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / unit(i)), 0);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('faceLossParts against the shared loss fixture', () => {
  it('covers every loss kind, with and without the fallback', () => {
    expect(new Set(fixture.cases.map((c) => c.loss.kind))).toEqual(new Set(['softmax', 'intra', 'arcface', 'cosface', 'combined']));
    expect(fixture.cases.some((c) => c.loss.fallback === false)).toBe(true);
  });

  it.each(fixture.cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s', (_name, c) => {
    const f = tf.variable(tf.tensor2d(c.features), true);
    const w = tf.variable(tf.tensor2d(c.weights), true);
    const y = tf.tensor1d(c.labels, 'int32');
    const parts = faceLossParts(f as unknown as tf.Tensor2D, w as unknown as tf.Tensor2D, y, c.loss);
    const { grads, value } = tf.variableGrads(() => faceLossParts(f as unknown as tf.Tensor2D, w as unknown as tf.Tensor2D, y, c.loss).loss, [f, w]);
    const e = c.expected;
    const relative = (want: number[]) => (i: number) => Math.max(1, Math.abs(want[i]));
    for (const key of ['loss', 'crossEntropy', 'intraPenalty'] as const) {
      expect(maxDiff([parts[key].arraySync()], [e[key]], relative([e[key]]))).toBeLessThan(1e-4);
    }
    expect(maxDiff(parts.cosTarget.arraySync(), e.cosTarget, relative(e.cosTarget))).toBeLessThan(1e-4);
    expect(maxDiff(parts.targetLogits.arraySync(), e.targetLogits, () => c.loss.scale)).toBeLessThan(1e-3);
    for (const [key, grad] of [
      ['gradFeatures', grads[f.name]],
      ['gradWeights', grads[w.name]],
    ] as const) {
      const want = e[key].flat();
      const largest = Math.max(...want.map(Math.abs));
      expect(maxDiff((grad.arraySync() as number[][]).flat(), want, () => largest)).toBeLessThan(1e-3);
      expect(want.every(Number.isFinite)).toBe(true);
    }
    tf.dispose([f, w, y, parts, grads, value]);
  });
});
