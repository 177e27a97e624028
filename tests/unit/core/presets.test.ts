/** Experiment presets: the report's names and settings, validity under the engine's parser, frozen data. */
import { describe, expect, it } from 'vitest';
import { DEMO_SWEEP, PRESETS, QUICK_DEMO_PRESET, QUICK_DEMO_SWEEP, QUICK_DEMO_TRAINING, REPORT_PRESETS, findPreset, presetConfig } from '../../../src/core/presets.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';

const ALL = [...PRESETS, ...DEMO_SWEEP];

describe('report presets', () => {
  it('carry the report names, in order', () => {
    expect(REPORT_PRESETS.map((p) => p.name)).toEqual(['Softmax', 'Softmax + Intra', 'Margin 30°', 'Margin 45°', 'Margin 60°']);
    expect(PRESETS.map((p) => p.name)).toEqual([...REPORT_PRESETS.map((p) => p.name), 'Quick demo', 'Same domain', 'Other domain']);
  });

  it('train ResNet50 from ImageNet weights at 112 px, 512-d, s = 64, with each report loss', () => {
    const losses = REPORT_PRESETS.map((p) => presetConfig(p.id).loss);
    expect(losses).toEqual([
      { kind: 'softmax', scale: 64 },
      { kind: 'intra', scale: 64, alpha: 1 },
      { kind: 'arcface', scale: 64, marginDeg: 30, fallback: false },
      { kind: 'arcface', scale: 64, marginDeg: 45, fallback: false },
      { kind: 'arcface', scale: 64, marginDeg: 60, fallback: false },
    ]);
    for (const preset of REPORT_PRESETS) {
      const config = presetConfig(preset.id);
      expect(config.model).toMatchObject({ backbone: 'resnet50', pretrained: 'imagenet', inputSize: 112, embeddingDim: 512 });
      expect(config.optimizer).toMatchObject({ kind: 'sgd', lr: 0.01, momentum: 0.9 });
    }
  });

  it('describe the 60° collapse the report found', () => {
    expect(findPreset('margin-60')?.description).toMatch(/under 1%.*loss kept falling/);
  });
});

describe('quick demo', () => {
  it("is the measured demo regime: tiny backbone at 32 px from scratch, the report's 512-d embedding and s = 64", () => {
    const config = presetConfig(QUICK_DEMO_PRESET.id);
    expect(config.model).toMatchObject({ backbone: 'tiny', pretrained: 'none', inputSize: 32, embeddingDim: 512, embeddingNorm: 'batchnorm' });
    expect(config.loss).toEqual({ kind: 'arcface', scale: 64, marginDeg: 30, fallback: false });
    expect(config.optimizer).toMatchObject({ kind: 'sgd', lr: QUICK_DEMO_TRAINING.optimizer.lr });
    expect([config.batchSize, config.steps, config.evalPairs]).toEqual([32, 1000, 6000]);
  });

  it('sweeps the five report losses at the demo scale', () => {
    expect(QUICK_DEMO_SWEEP).toBe(DEMO_SWEEP);
    expect(DEMO_SWEEP.map((p) => presetConfig(p.id).loss)).toEqual(REPORT_PRESETS.map((p) => presetConfig(p.id).loss));
    for (const preset of DEMO_SWEEP) {
      const config = presetConfig(preset.id);
      expect(config.model).toMatchObject(QUICK_DEMO_TRAINING.model);
      expect([config.batchSize, config.steps]).toEqual([QUICK_DEMO_TRAINING.batchSize, QUICK_DEMO_TRAINING.steps]);
    }
  });
});

describe('every preset', () => {
  it('is valid under parseTrainConfig and has a unique, URL-safe id and a short description', () => {
    for (const preset of ALL) {
      expect(() => parseTrainConfig(preset.config), preset.id).not.toThrow();
      expect(preset.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(encodeURIComponent(preset.id)).toBe(preset.id);
      const sentences = preset.description.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length, preset.id).toBeGreaterThanOrEqual(1);
      expect(sentences.length, preset.id).toBeLessThanOrEqual(2);
    }
    expect(new Set(ALL.map((p) => p.id)).size).toBe(ALL.length);
    expect(new Set(ALL.map((p) => p.name)).size).toBe(ALL.length);
  });

  it('is frozen, and presetConfig returns a fresh, mutable copy', () => {
    for (const preset of ALL) {
      expect(Object.isFrozen(preset)).toBe(true);
      expect(Object.isFrozen(preset.config.model)).toBe(true);
    }
    expect(Object.isFrozen(REPORT_PRESETS)).toBe(true);
    const a = presetConfig('margin-30');
    a.loss.marginDeg = 10;
    expect(presetConfig('margin-30').loss.marginDeg).toBe(30);
  });

  it('unknown ids: findPreset gives undefined, presetConfig names the known ids', () => {
    expect(findPreset('nope')).toBeUndefined();
    expect(() => presetConfig('nope')).toThrow(/unknown preset 'nope' \(known: softmax, softmax-intra, margin-30/);
  });
});
