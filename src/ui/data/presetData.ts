/**
 * What a run trains on: the folders the user loaded, else the built-in synthetic faces as the preset asks
 * (the domain presets choose a population for training and for testing). Pure, so App and its tests agree.
 */
import type { ExperimentPreset } from '../../core/presets.ts';
import type { BuiltinDataChoice } from '../../core/synth/dataset.ts';
import type { DataSpec } from '../../protocol/api.ts';
import type { DataChoice } from './dataChoice.ts';

/** The runs table's name for the default built-in data. */
export const BUILTIN_LABEL = 'built-in synthetic faces';

const population = (domain: string | undefined): string => (domain === undefined || domain === 'mixed' ? 'mixed' : domain.toUpperCase());

/**
 * A short name for a choice of built-in data, e.g. "built-in synthetic faces, population B → A" (trained on
 * population B, tested on A). Overrides other than the population only add "custom settings": the runs
 * table needs to tell the data apart, not to restate every count.
 */
export function builtinDataLabel(choice: BuiltinDataChoice | undefined): string {
  if (!choice || (!choice.train && !choice.test)) return BUILTIN_LABEL;
  const trainDomain = choice.train?.domain;
  const testDomain = choice.test?.domain;
  if (population(trainDomain) !== 'mixed' || population(testDomain) !== 'mixed') {
    return `${BUILTIN_LABEL}, population ${population(trainDomain)} → ${population(testDomain)}`;
  }
  return `${BUILTIN_LABEL}, custom settings`;
}

/** The data spec and runs-table label of a run of `preset` (undefined: custom settings). */
export function runDataFor(preset: ExperimentPreset | undefined, folders: DataChoice | undefined): { data: DataSpec; dataLabel: string } {
  // Folders the user loaded always win: a preset's built-in data is its default, not a requirement.
  if (folders) return { data: folders.spec, dataLabel: folders.label };
  if (!preset?.data) return { data: { kind: 'builtin' }, dataLabel: BUILTIN_LABEL };
  return { data: { kind: 'builtin', ...preset.data }, dataLabel: builtinDataLabel(preset.data) };
}
