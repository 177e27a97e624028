import { describe, expect, it } from 'vitest';
import { learningRateAt, marginRamp, rampLossConfig, validateSchedule, warmupFactor, type LrSchedule } from '../../../src/core/schedule.ts';
import { targetMargins } from '../../../src/core/lossConfig.ts';
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig } from '../../../src/core/trainConfig.ts';

describe('learning-rate schedules', () => {
  it('constant stays at the base rate', () => {
    expect([0, 5, 99].map((t) => learningRateAt({ kind: 'constant' }, 0.1, t, 100))).toEqual([0.1, 0.1, 0.1]);
  });
  it('step divides by gamma at each milestone', () => {
    const s: LrSchedule = { kind: 'step', milestones: [10, 20], gamma: 0.1 };
    expect(learningRateAt(s, 1, 9, 30)).toBe(1);
    expect(learningRateAt(s, 1, 10, 30)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, 25, 30)).toBeCloseTo(0.01, 12);
  });
  it('cosine starts at the base, passes half-way at the middle and ends at base·minFactor', () => {
    const s = { kind: 'cosine', minFactor: 0.1 } as const;
    expect(learningRateAt(s, 2, 0, 101)).toBeCloseTo(2, 12);
    expect(learningRateAt(s, 2, 50, 101)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5), 12);
    expect(learningRateAt(s, 2, 100, 101)).toBeCloseTo(0.2, 12);
    expect(learningRateAt(s, 2, 500, 101)).toBeCloseTo(0.2, 12);
  });
  it('linear warm-up multiplies any schedule: (t+1)/W during the first W steps', () => {
    expect(warmupFactor(0, 4)).toBe(0.25);
    expect(warmupFactor(3, 4)).toBe(1);
    expect(learningRateAt({ kind: 'constant', warmupSteps: 4 }, 0.4, 1, 10)).toBeCloseTo(0.2, 12);
    expect(learningRateAt({ kind: 'cosine', warmupSteps: 2 }, 1, 0, 3)).toBeCloseTo(0.5, 12);
  });
  it('rejects invalid schedules with the field name', () => {
    expect(() => validateSchedule({ kind: 'step', milestones: [5, 3] })).toThrow(/increasing/);
    expect(() => validateSchedule({ kind: 'cosine', minFactor: 2 })).toThrow(/minFactor/);
    expect(() => validateSchedule({ kind: 'linear' } as never)).toThrow(/schedule.kind/);
  });
});

describe('margin warm-up', () => {
  it('ramps 0 → 1 linearly over the warm-up and is 1 without one', () => {
    expect([0, 5, 10, 20].map((t) => marginRamp(t, 10))).toEqual([0, 0.5, 1, 1]);
    expect(marginRamp(0, 0)).toBe(1);
  });
  it('scales each kind’s margins and leaves softmax/intra alone', () => {
    const arc = rampLossConfig({ kind: 'arcface', scale: 64, marginDeg: 60 }, 0.25);
    expect(arc.marginDeg).toBeCloseTo(15, 12);
    expect(rampLossConfig({ kind: 'cosface', scale: 30 }, 0.5).cosineMargin).toBeCloseTo(0.175, 12);
    const combined = targetMargins(rampLossConfig({ kind: 'combined', scale: 64, angleFactor: 1.5, marginDeg: 20, cosineMargin: 0.2 }, 0));
    expect(combined).toEqual({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0 });
    const intra = { kind: 'intra', scale: 64, alpha: 1 } as const;
    expect(rampLossConfig(intra, 0)).toBe(intra);
  });
});

describe('TrainConfig', () => {
  it('merges a subset over the frozen defaults', () => {
    expect(Object.isFrozen(DEFAULT_TRAIN_CONFIG.optimizer.schedule)).toBe(true);
    const c = parseTrainConfig({ steps: 7, model: { embeddingDim: 16 }, optimizer: { kind: 'adam', schedule: { kind: 'step', milestones: [3] } } });
    expect(c.steps).toBe(7);
    expect(c.model).toEqual({ ...DEFAULT_TRAIN_CONFIG.model, embeddingDim: 16 });
    expect(c.optimizer).toEqual({ ...DEFAULT_TRAIN_CONFIG.optimizer, kind: 'adam', schedule: { kind: 'step', milestones: [3] } });
    expect(parseTrainConfig({ loss: { kind: 'arcface', marginDeg: 30 } }).loss).toEqual({ kind: 'arcface', scale: 64, marginDeg: 30 });
  });
  it('names unknown keys and invalid values by path', () => {
    expect(() => parseTrainConfig({ optimiser: {} })).toThrow("unknown config key 'optimiser'");
    expect(() => parseTrainConfig({ model: { depth: 3 } })).toThrow("unknown config key 'model.depth'");
    expect(() => parseTrainConfig({ batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => parseTrainConfig({ model: { backbone: 'tiny', pretrained: 'imagenet' } })).toThrow(/resnet50/);
    expect(() => parseTrainConfig({ loss: { kind: 'arcface', marginDeg: 200 } })).toThrow(/marginDeg/);
  });
});
