/**
 * The sweeps that reproduce the report, for `lab sweep` (Node, wasm): which presets a sweep trains, with which
 * seed, at which scale. The lab's "Reproduce the report" view trains the same presets (SWEEP_PRESET_IDS) with
 * their own seed through its queue or parallel workers, and both check them with src/core/findings.ts.
 */
import { SWEEP_PRESET_IDS, type SweepSet } from './findings.ts';
import { findPreset } from './presets.ts';
import type { BuiltinDataChoice } from './synth/dataset.ts';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from './trainConfig.ts';

/** How big a sweep's runs are: the demo regime of the presets, or a micro scale that checks the plumbing in seconds. */
export type SweepScale = 'demo' | 'micro';

/** The sweep scales, in the order the CLI lists them. */
export const SWEEP_SCALES: readonly SweepScale[] = Object.freeze(['demo', 'micro'] as const);

/**
 * The micro scale: a 4-channel tiny CNN at 32 px on 12 identities × 6 images, 16 steps. Its numbers mean
 * nothing about the report; it exists so tests can run the whole sweep path (processes, events, summaries,
 * findings) in seconds.
 */
const MICRO_SCALE = Object.freeze({
  config: Object.freeze({
    model: Object.freeze({ inputSize: 32, width: 4, embeddingDim: 16 }),
    batchSize: 8,
    steps: 16,
    evalEvery: 0,
    evalPairs: 40,
    checkpointEvery: 0,
  }),
  split: Object.freeze({ train: Object.freeze({ identities: 12, imagesPerIdentity: 6 }), test: Object.freeze({ identities: 8, imagesPerIdentity: 4 }) }),
});

/** One run of a sweep: the preset it comes from, its complete config and its built-in data. */
export interface SweepRunSpec {
  preset: string;
  name: string;
  config: TrainConfig;
  data: BuiltinDataChoice;
}

/**
 * The runs of sweep `set` with `seed` (initialisation, batch order and test pairs) at `scale`: the set's
 * presets in the report's order. Nothing differs between the runs but what the presets differ in.
 */
export function sweepRuns(set: SweepSet, seed: number, scale: SweepScale = 'demo'): SweepRunSpec[] {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be an integer ≥ 0 (got ${seed})`);
  return SWEEP_PRESET_IDS[set].map((id) => {
    const preset = findPreset(id);
    if (!preset) throw new Error(`sweep ${set}: no preset '${id}'`);
    const base = parseTrainConfig(preset.config);
    const input: TrainConfigInput = scale === 'micro' ? { ...MICRO_SCALE.config, model: { ...MICRO_SCALE.config.model } } : {};
    const config = parseTrainConfig({ ...input, seed }, base);
    const data: BuiltinDataChoice =
      scale === 'micro'
        ? { train: { ...preset.data?.train, ...MICRO_SCALE.split.train }, test: { ...preset.data?.test, ...MICRO_SCALE.split.test } }
        : structuredClone(preset.data ?? {});
    return { preset: id, name: preset.name, config, data };
  });
}
