/** The sweeps: which runs they train, that nothing but the loss (or the data, for domains) differs, scales and seeds. */
import { describe, expect, it } from 'vitest';
import { SWEEP_PRESET_IDS } from '../../../src/core/findings.ts';
import { DEMO_SWEEP, DOMAIN_PRESETS, QUICK_DEMO_PRESET, presetConfig } from '../../../src/core/presets.ts';
import { sweepRuns } from '../../../src/core/sweep.ts';
import { BUILTIN_DOMAINS } from '../../../src/core/synth/index.ts';

const withoutLoss = <T extends { loss: unknown }>(config: T) => ({ ...config, loss: undefined });

describe('sweepRuns', () => {
  it('trains the five Quick sweep presets, identical but for the loss, with the sweep seed', () => {
    const runs = sweepRuns('report', 7);
    expect(runs.map((r) => r.preset)).toEqual(SWEEP_PRESET_IDS.report);
    expect(runs.map((r) => r.preset)).toEqual(DEMO_SWEEP.map((p) => p.id));
    for (const r of runs) {
      expect(r.config.seed).toBe(7);
      expect(withoutLoss(r.config)).toEqual(withoutLoss(runs[0].config));
      expect(r.config.loss).toEqual(presetConfig(r.preset).loss);
      expect(r.data).toEqual({});
    }
    expect(new Set(runs.map((r) => JSON.stringify(r.config.loss))).size).toBe(5);
  });

  it('the Quick demo preset is the sweep regime with the 30° margin', () => {
    expect(presetConfig(QUICK_DEMO_PRESET.id)).toEqual(presetConfig('quick-margin-30'));
  });

  it("trains the domain presets on each population's people, tested on population a's unseen people", () => {
    const runs = sweepRuns('domain', 3);
    expect(runs.map((r) => r.preset)).toEqual(DOMAIN_PRESETS.map((p) => p.id));
    const [same, other] = runs;
    expect(same.data).toEqual({ train: BUILTIN_DOMAINS.a.train, test: BUILTIN_DOMAINS.a.test });
    expect(other.data).toEqual({ train: BUILTIN_DOMAINS.b.train, test: BUILTIN_DOMAINS.a.test });
    expect(other.config).toEqual(same.config);
    expect(same.config).toEqual({ ...presetConfig('quick-softmax'), seed: 3 });
  });

  it('the micro scale shrinks model, steps and data alike for every run, keeping losses and domains', () => {
    const runs = sweepRuns('domain', 1, 'micro');
    for (const r of runs) {
      expect(r.config).toMatchObject({ steps: 16, batchSize: 8, model: { width: 4, inputSize: 32, embeddingDim: 16 } });
      expect(r.data.train).toMatchObject({ identities: 12, imagesPerIdentity: 6 });
    }
    expect(runs[1].data.train?.domain).toBe('b');
    expect(runs[1].data.test?.domain).toBe('a');
    expect(sweepRuns('report', 1, 'micro').map((r) => r.config.loss)).toEqual(sweepRuns('report', 1).map((r) => r.config.loss));
  });

  it('refuses a bad seed', () => {
    expect(() => sweepRuns('report', -1)).toThrow(/seed/);
    expect(() => sweepRuns('report', 1.5)).toThrow(/seed/);
  });
});
