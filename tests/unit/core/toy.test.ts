import { describe, expect, it } from 'vitest';
import { createBuiltinSets } from '../../../src/core/synth/index.ts';
import { sampleBalancedPairs } from '../../../src/core/pairs.ts';
import { PRESETS, presetConfig } from '../../../src/core/presets.ts';
import { TOY_DATA, TOY_TEST_PAIRS, toyConfig, toyRunConfig, toyTestIdentities } from '../../../src/core/toy.ts';
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig } from '../../../src/core/trainConfig.ts';

describe('toy runs', () => {
  it('know the toy test set: its identities in item order and the most balanced pairs they give', () => {
    const test = createBuiltinSets({ train: { ...TOY_DATA.train }, test: { ...TOY_DATA.test } }, 32).test;
    expect(Array.from(toyTestIdentities())).toEqual(Array.from({ length: test.count }, (_, i) => test.itemIdentity(i)));
    // 8 people × 10 images: 360 same-person pairs, and as many different-person pairs beside them.
    expect(TOY_TEST_PAIRS).toBe(720);
    expect(() => sampleBalancedPairs(toyTestIdentities(), TOY_TEST_PAIRS + 1, 1)).toThrow(/cannot sample 721 balanced pairs from 80 items of 8 identities/);
  });

  it('train any config the page can offer on the toy data: every preset, the defaults and the toy settings', () => {
    const configs = [...PRESETS.map((p) => presetConfig(p.id)), parseTrainConfig({}), toyConfig(2, DEFAULT_TRAIN_CONFIG.loss)];
    for (const config of configs) {
      const run = toyRunConfig(config);
      expect(() => parseTrainConfig(run)).not.toThrow();
      expect(sampleBalancedPairs(toyTestIdentities(), run.evalPairs, run.seed)).toHaveLength(Math.min(config.evalPairs, TOY_TEST_PAIRS));
      expect({ ...run, evalPairs: config.evalPairs }).toEqual(config);
    }
    // A config that fits is trained as it is.
    const toy = toyConfig(3, DEFAULT_TRAIN_CONFIG.loss);
    expect(toyRunConfig(toy)).toBe(toy);
  });
});
